"""The learned twin of :mod:`numlearn.classical.least_squares`: sequence models that
learn one gradient-descent iterate (Liu et al., arXiv 2503.12295).

- :mod:`.tokens`: the paper's prompt format, the gradient target, the torch sampler;
- :mod:`.iterate`: :func:`gd_iterate` (the learned iterate), :func:`reference_gd`
  (classical GD in torch), :class:`LearnedGradientDescent` (the
  :class:`~numlearn.problems.least_squares.LeastSquaresSolver`);
- :mod:`.constructions`: exact weight constructions;
- :mod:`.study`: iterated learned solves against classical GD, the per-iterate error
  decomposition and the out-of-distribution table.
"""

from numlearn.learned.least_squares.constructions import (
    baseconv_gd_construction,
    linear_attention_gd_construction,
)
from numlearn.learned.least_squares.iterate import (
    LearnedGradientDescent,
    evaluate,
    gd_iterate,
    reference_gd,
)
from numlearn.learned.least_squares.study import (
    DEFAULT_FAMILIES,
    PAPER_FLOAT32,
    format_checkpoints,
    format_ood,
    iterated_study,
    ood_row,
    ood_study,
)
from numlearn.learned.least_squares.tokens import (
    LeastSquaresTorchBatch,
    gradient_target,
    make_tokens,
    model_gradient,
    sample_least_squares,
)

__all__ = [
    "DEFAULT_FAMILIES",
    "PAPER_FLOAT32",
    "LearnedGradientDescent",
    "LeastSquaresTorchBatch",
    "baseconv_gd_construction",
    "evaluate",
    "format_checkpoints",
    "format_ood",
    "gd_iterate",
    "gradient_target",
    "iterated_study",
    "linear_attention_gd_construction",
    "make_tokens",
    "model_gradient",
    "ood_row",
    "ood_study",
    "reference_gd",
    "sample_least_squares",
]
