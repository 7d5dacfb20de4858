"""Learned counterparts of the classical references (PyTorch, float64 by default).

Importing this package imports torch (``import numlearn`` does not).  The submodules
are loaded lazily, on first attribute access, so that ``import numlearn.learned`` stays
cheap until a model is actually used:

- :mod:`numlearn.learned.layers`: attention and gated-convolution sequence models
  (linear attention, BaseConv, softmax Transformer) on one skeleton;
- :mod:`numlearn.learned.least_squares`: the least-squares twin: the paper's token
  format, the learned gradient-descent iterate, exact weight constructions, and the
  study against classical GD (error decomposition, out-of-distribution table);
- :mod:`numlearn.learned.optim`: optimisers as objects (Levenberg-Marquardt);
- :mod:`numlearn.learned.config` (what defines a run) and
  :mod:`numlearn.learned.training`: the float64 high-precision training recipe
  (fresh batches, Adam with tiny eps, EMA gradient filter, L-BFGS / Gauss-Newton
  polishing);
- :mod:`numlearn.learned.checkpoint`: checkpoints and the cache of trained models
  (:func:`trained_model`).

References: Liu et al., "Towards Learning High-Precision Least Squares Algorithms with
Sequence Models", arXiv 2503.12295 (ICLR 2025).
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "numlearn.learned.layers": (
        "AttentionBlock", "BaseConvBlock", "BaseConvModel", "LinearAttentionModel",
        "SoftmaxTransformer", "causal_conv", "num_parameters",
    ),
    "numlearn.learned.least_squares": (
        "DEFAULT_FAMILIES", "PAPER_FLOAT32", "LearnedGradientDescent",
        "LeastSquaresTorchBatch", "baseconv_gd_construction", "evaluate",
        "format_checkpoints", "format_ood", "gd_iterate", "gradient_target",
        "iterated_study", "linear_attention_gd_construction", "make_tokens",
        "model_gradient", "ood_row", "ood_study", "reference_gd", "sample_least_squares",
    ),
    "numlearn.learned.optim": ("LMStep", "LevenbergMarquardt"),
    "numlearn.learned.config": ("TrainConfig", "build_model"),
    "numlearn.learned.training": ("train",),
    "numlearn.learned.checkpoint": (
        "cache_directory", "load_checkpoint", "save_checkpoint", "trained_model",
    ),
}
_WHERE = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'numlearn.learned' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
