"""Layers and sequence models (PyTorch): attention and gated convolutions on a
shared skeleton (:mod:`.base`), the BWLer barycentric layer
(:mod:`numlearn.learned.layers.bwler`), the PINN
multilayer perceptron (:mod:`.mlp`) and the flat-parameter view the optimisers use
(:mod:`.flat`)."""

from numlearn.learned.layers.attention import (
    AttentionBlock,
    LinearAttentionModel,
    SoftmaxTransformer,
)
from numlearn.learned.layers.base import num_parameters
from numlearn.learned.layers.bwler import BWLerLayer, ChebyshevAxis, FourierAxis
from numlearn.learned.layers.conv import BaseConvBlock, BaseConvModel, causal_conv
from numlearn.learned.layers.flat import FlatParameters
from numlearn.learned.layers.mlp import MLP

__all__ = [
    "MLP",
    "AttentionBlock",
    "BWLerLayer",
    "BaseConvBlock",
    "BaseConvModel",
    "ChebyshevAxis",
    "FlatParameters",
    "FourierAxis",
    "LinearAttentionModel",
    "SoftmaxTransformer",
    "causal_conv",
    "num_parameters",
]
