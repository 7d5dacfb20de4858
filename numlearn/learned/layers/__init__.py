"""Layers and sequence models (PyTorch): attention and gated convolutions on a
shared skeleton (:mod:`.base`), and the BWLer barycentric layer (:mod:`.bwler`)."""

from numlearn.learned.layers.attention import (
    AttentionBlock,
    LinearAttentionModel,
    SoftmaxTransformer,
)
from numlearn.learned.layers.base import num_parameters
from numlearn.learned.layers.bwler import BWLerLayer, ChebyshevAxis, FourierAxis
from numlearn.learned.layers.conv import BaseConvBlock, BaseConvModel, causal_conv

__all__ = [
    "AttentionBlock",
    "BWLerLayer",
    "BaseConvBlock",
    "BaseConvModel",
    "ChebyshevAxis",
    "FourierAxis",
    "LinearAttentionModel",
    "SoftmaxTransformer",
    "causal_conv",
    "num_parameters",
]
