"""Layers and sequence models (PyTorch): attention and gated convolutions on a
shared skeleton (:mod:`.base`)."""

from numlearn.learned.layers.attention import (
    AttentionBlock,
    LinearAttentionModel,
    SoftmaxTransformer,
)
from numlearn.learned.layers.base import num_parameters
from numlearn.learned.layers.conv import BaseConvBlock, BaseConvModel, causal_conv

__all__ = [
    "AttentionBlock",
    "BaseConvBlock",
    "BaseConvModel",
    "LinearAttentionModel",
    "SoftmaxTransformer",
    "causal_conv",
    "num_parameters",
]
