"""Measuring precision: the mpmath oracle, error metrics, the error decomposition and
the golden reference data.

- :mod:`~numlearn.precision.oracle`: :func:`mp_evaluate`, :func:`mp_barycentric`
  (high-precision values checked at two precisions, correctly rounded to float64);
- :mod:`~numlearn.precision.mp_linalg`: :func:`mp_lstsq` (the least-squares oracle) and
  :func:`svd_conditioning` (exact batched condition numbers and ranks);
- :mod:`~numlearn.precision.metrics`: :func:`rel_l2`, :func:`rmse`, :func:`mse`,
  :func:`max_abs`, :func:`ulp_distance`, :func:`metric_report`;
- :mod:`~numlearn.precision.decomposition`: :class:`ErrorDecomposition`,
  :func:`interpolation_decomposition`, :func:`collocation_decomposition`;
- :mod:`~numlearn.precision.reference`: :func:`build_references`,
  :func:`verify_references`, :func:`load_reference` for the files in ``reference/``.
"""

from numlearn.precision.decomposition import (
    NORMS,
    TERMS,
    ErrorDecomposition,
    collocation_decomposition,
    interpolation_decomposition,
)
from numlearn.precision.metrics import (
    METRICS,
    max_abs,
    metric_report,
    mse,
    rel_l2,
    rmse,
    ulp_distance,
)
from numlearn.precision.mp_linalg import SVDConditioning, mp_lstsq, svd_conditioning
from numlearn.precision.oracle import (
    OracleDisagreementError,
    OracleResult,
    mp_barycentric,
    mp_evaluate,
    round_to_float64,
)
from numlearn.precision.reference import (
    Reference,
    ReferenceBuildError,
    ReferenceIntegrityError,
    build_references,
    load_checked_bytes,
    load_reference,
    reference_directory,
    reference_names,
    register_files,
    verify_references,
)

__all__ = [
    "METRICS",
    "NORMS",
    "TERMS",
    "ErrorDecomposition",
    "OracleDisagreementError",
    "OracleResult",
    "Reference",
    "ReferenceBuildError",
    "ReferenceIntegrityError",
    "SVDConditioning",
    "build_references",
    "collocation_decomposition",
    "interpolation_decomposition",
    "load_checked_bytes",
    "load_reference",
    "max_abs",
    "metric_report",
    "mp_barycentric",
    "mp_evaluate",
    "mp_lstsq",
    "mse",
    "reference_directory",
    "reference_names",
    "register_files",
    "rel_l2",
    "rmse",
    "round_to_float64",
    "svd_conditioning",
    "ulp_distance",
    "verify_references",
]
