"""Learned counterparts of the classical references (PyTorch, float64 by default).

Importing this package imports torch (``import numlearn`` does not).  The submodules
are loaded lazily, on first attribute access, so that ``import numlearn.learned`` stays
cheap until a model is actually used:

- :mod:`numlearn.learned.sequence`: sequence models that learn one gradient-descent
  iterate for least squares (linear attention, BaseConv, softmax Transformer), the
  paper's token format, exact weight constructions, iterated application.
- :mod:`numlearn.learned.training`: the float64 high-precision training recipe
  (fresh batches, Adam with tiny eps, EMA gradient filter, L-BFGS / Gauss-Newton
  polishing), checkpoints and a checkpoint cache (:func:`trained_model`).
- :mod:`numlearn.learned.study`: iterated learned solves against classical GD, the
  per-iterate error decomposition and the out-of-distribution table.

References: Liu et al., "Towards Learning High-Precision Least Squares Algorithms with
Sequence Models", arXiv 2503.12295 (ICLR 2025).
"""

from __future__ import annotations

import importlib
from typing import Any

_SEQUENCE = (
    "BaseConvModel",
    "LeastSquaresTorchBatch",
    "LinearAttentionModel",
    "SoftmaxTransformer",
    "baseconv_gd_construction",
    "causal_conv",
    "gd_iterate",
    "gradient_target",
    "linear_attention_gd_construction",
    "make_tokens",
    "model_gradient",
    "num_parameters",
    "reference_gd",
    "sample_least_squares",
)
_TRAINING = (
    "TrainConfig",
    "build_model",
    "cache_directory",
    "evaluate",
    "load_checkpoint",
    "save_checkpoint",
    "train",
    "trained_model",
)
_STUDY = (
    "DEFAULT_FAMILIES",
    "OODFamily",
    "PAPER_FLOAT32",
    "format_checkpoints",
    "format_ood",
    "iterated_study",
    "ood_row",
    "ood_study",
)

__all__ = [*_SEQUENCE, *_TRAINING, *_STUDY]


def __getattr__(name: str) -> Any:
    if name in _SEQUENCE:
        return getattr(importlib.import_module("numlearn.learned.sequence"), name)
    if name in _TRAINING:
        return getattr(importlib.import_module("numlearn.learned.training"), name)
    if name in _STUDY:
        return getattr(importlib.import_module("numlearn.learned.study"), name)
    raise AttributeError(f"module 'numlearn.learned' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
