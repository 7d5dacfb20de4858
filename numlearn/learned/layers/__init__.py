"""Layers and sequence models (PyTorch): attention and gated convolutions on a
shared skeleton (:mod:`.base`), the BWLer barycentric layer
(:mod:`numlearn.learned.layers.bwler`), the PINN
multilayer perceptron (:mod:`.mlp`), the flat-parameter view the optimisers use
(:mod:`.flat`), and the batched modal filter of distillation (:mod:`.modal`, with its
window and H-infinity losses), and a long convolution run as a distilled recurrence
(:mod:`.recurrent`: FFT convolution, prefill, O(d) work per token); a small Hyena
model (:mod:`.hyena`) whose long convolutions can be swapped for such recurrences."""

from numlearn.learned.layers.attention import (
    AttentionBlock,
    LinearAttentionModel,
    SoftmaxTransformer,
)
from numlearn.learned.layers.base import num_parameters
from numlearn.learned.layers.bwler import BWLerLayer, ChebyshevAxis, FourierAxis
from numlearn.learned.layers.conv import BaseConvBlock, BaseConvModel, causal_conv
from numlearn.learned.layers.flat import FlatParameters
from numlearn.learned.layers.hyena import (
    HyenaConfig,
    HyenaFilter,
    HyenaModel,
    HyenaOperator,
    LongConv,
    head_mix,
)
from numlearn.learned.layers.mlp import MLP
from numlearn.learned.layers.modal import R_MAX, ModalFilter, hinf_errors, window_sq_errors
from numlearn.learned.layers.recurrent import DistilledConv

__all__ = [
    "MLP",
    "R_MAX",
    "AttentionBlock",
    "BWLerLayer",
    "BaseConvBlock",
    "BaseConvModel",
    "ChebyshevAxis",
    "DistilledConv",
    "FlatParameters",
    "FourierAxis",
    "HyenaConfig",
    "HyenaFilter",
    "HyenaModel",
    "HyenaOperator",
    "LinearAttentionModel",
    "LongConv",
    "ModalFilter",
    "SoftmaxTransformer",
    "causal_conv",
    "head_mix",
    "hinf_errors",
    "num_parameters",
    "window_sq_errors",
]
