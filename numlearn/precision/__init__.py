"""Measuring precision: the mpmath oracle, error metrics and the error decomposition.

- :mod:`~numlearn.precision.oracle`: :func:`two_precision`, the one oracle engine
  (compute at two mpmath precisions, check agreement, round once to float64), and
  its front ends :func:`mp_evaluate`, :func:`mp_barycentric`;
- :mod:`~numlearn.precision.mp_linalg`: :func:`mp_lstsq` (the least-squares oracle) and
  :func:`svd_conditioning` (exact batched condition numbers and ranks);
- :mod:`~numlearn.precision.metrics`: :func:`rel_l2`, :func:`rmse`, :func:`mse`,
  :func:`max_abs`, :func:`ulp_distance`, :func:`ulp_error`, :func:`metric_report`;
- :mod:`~numlearn.precision.decomposition`: :class:`ErrorDecomposition`,
  :func:`interpolation_decomposition`, :func:`collocation_decomposition`;
- :mod:`~numlearn.precision.distillation`: :func:`distillation_decomposition`, the
  distillation track's builder (the AAK floor in place of ``u_best``).

The golden reference data in ``reference/`` are built and verified by
:mod:`numlearn.reference`.
"""

from numlearn.precision.decomposition import (
    NORMS,
    TERMS,
    ErrorDecomposition,
    collocation_decomposition,
    interpolation_decomposition,
)
from numlearn.precision.distillation import distillation_decomposition
from numlearn.precision.metrics import (
    METRICS,
    max_abs,
    metric_report,
    mse,
    rel_l2,
    rmse,
    ulp_distance,
    ulp_error,
)
from numlearn.precision.mp_linalg import SVDConditioning, mp_lstsq, svd_conditioning
from numlearn.precision.oracle import (
    OracleDisagreementError,
    OracleResult,
    mp_barycentric,
    mp_evaluate,
    round_to_float64,
    two_precision,
)

__all__ = [
    "METRICS",
    "NORMS",
    "TERMS",
    "ErrorDecomposition",
    "OracleDisagreementError",
    "OracleResult",
    "SVDConditioning",
    "collocation_decomposition",
    "distillation_decomposition",
    "interpolation_decomposition",
    "max_abs",
    "metric_report",
    "mp_barycentric",
    "mp_evaluate",
    "mp_lstsq",
    "mse",
    "rel_l2",
    "rmse",
    "round_to_float64",
    "svd_conditioning",
    "two_precision",
    "ulp_distance",
    "ulp_error",
]
