r"""Linear algebra of the least-squares oracle: the mpmath solve and batched SVD conditioning.

:func:`mp_lstsq` is the truth of the least-squares track: the exact least-squares
solution of the stored float64 data, computed at two precisions, checked to agree, and
rounded once to float64 with a certificate.  :func:`svd_conditioning` gives the exact
condition numbers and ranks of a batch of small dense matrices, for the oracle's rank
check and for :func:`numlearn.classical.conditioning` (which adds the gradient-descent
constants).  Both sit in :mod:`numlearn.precision` so that the problem samplers
(:mod:`numlearn.problems.least_squares`) and the classical solvers measured against
them use them without importing each other.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result
from numlearn._core.validation import (
    EPS,
    as_lstsq_batch,
    check_int,
    check_positive,
    drop_batch_axis,
)
from numlearn.precision.oracle import MAX_DPS, OracleDisagreementError, two_precision

__all__ = ["SVDConditioning", "mp_lstsq", "svd_conditioning"]


class SVDConditioning(NamedTuple):
    """What :func:`svd_conditioning` returns; arrays of shape ``(B,)`` unless noted."""

    singular_values: NDArray[np.float64]
    """``(B, min(n, d))``, descending."""
    cond: NDArray[np.float64]
    """``s_max / s_min`` (``inf`` when ``n < d`` or ``s_min = 0``)."""
    rank: NDArray[np.int64]
    """Singular values ``> rcond * s_max``."""
    rcond: float
    """The relative cutoff used."""


def svd_conditioning(A: ArrayLike, rcond: float | None = None) -> SVDConditioning:
    r"""Exact 2-norm condition numbers and numerical ranks of a batch, by one batched SVD.

    ``A`` is a batch ``(B, n, d)`` or one matrix ``(n, d)`` (then ``B = 1``), finite
    and real.  ``cond = s_max / s_min``
    (``inf`` for ``n < d``, where :math:`A^{\mathsf T}A` has ``d - n`` zero
    eigenvalues, or ``s_min = 0``); the rank counts ``s > rcond * s_max`` with default
    ``rcond = eps * max(n, d)`` (as ``numpy.linalg.matrix_rank``).

    Which condition number to use when: this one for many small dense problems (the
    least-squares track: ``B`` problems of ``20 x 5``), where a batched LAPACK SVD is
    cheap and exact.  For one large system that is factored anyway, take the
    condition number from its triangular factor
    (``numlearn.classical.linalg.qr_lstsq``, exact up to 400 unknowns, Lanczos
    above) or a 1-norm estimate from solves
    (``numlearn.classical.linalg.inverse_norm1_estimate``).

    Cost: :math:`O(B n d^2)`.  Raises `ValueError` for a negative or non-finite
    ``rcond`` and for ``A`` not finite, empty or not 2- or 3-dimensional;
    `TypeError` for complex or non-numeric ``A``.
    """
    return _svd_conditioning(as_lstsq_batch(A)[0], rcond)


def _svd_conditioning(A: NDArray[np.float64], rcond: float | None) -> SVDConditioning:
    """:func:`svd_conditioning` of a validated float64 batch ``(B, n, d)``."""
    B, n, d = A.shape
    s = np.linalg.svd(A, compute_uv=False)
    rc = EPS * max(n, d) if rcond is None else check_positive(rcond, "rcond", allow_zero=True)
    smax = s[:, 0]
    smin = s[:, -1] if n >= d else np.zeros(B)
    rank = np.sum(s > rc * smax[:, None], axis=1).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        cond = np.where(smin > 0, smax / np.where(smin > 0, smin, 1.0), np.inf)
    return SVDConditioning(s, cond, rank, rc)


def mp_lstsq(
    A: ArrayLike,
    b: ArrayLike,
    *,
    dps: int = 50,
    check_dps: int | None = None,
    digits: int = 30,
) -> Result:
    r"""The least-squares solution in mpmath, checked at two precisions (the oracle).

    Each float64 ``(A, b)`` is taken as the exact binary numbers it holds; ``x`` is
    computed by Householder QR in mpmath (``mpmath.qr_solve``) at ``dps`` and at
    ``check_dps`` (default ``2 * dps``) decimal digits and accepted only where every
    component agrees to ``digits`` significant digits (the project's oracle rule);
    otherwise :class:`numlearn.precision.OracleDisagreementError` names the problem.
    The float64 value is the check-precision value rounded once to nearest, with a
    certificate that this is the correct rounding of the true solution (Ziv's test:
    the interval ``hi +- (|lo - hi| + 2^(8 - prec) |hi|)`` rounds to one float).

    Parameters
    ----------
    A : array_like, shape (B, n, d) or (n, d)
        Full column rank (rank-deficient problems raise; use
        ``numlearn.classical.lstsq_reference(..., method="svd")`` for the
        minimum-norm solution).
    b : array_like, shape (B, n) or (n,)
    dps : int, default 50
        Working precision (decimal digits), ``>= 20``.
    check_dps : int, optional
        Check precision, default ``2 * dps`` (100).
    digits : int, default 30
        Agreement demanded, ``<= dps``.  A QR solve loses about ``log10 cond(A)^2``
        digits at worst, so 50 digits leave 30 for ``cond(A)`` up to ``1e10``.

    Returns
    -------
    Result
        ``value``: float64 ``x`` ``(B, d)``; ``stats``: ``mp_values`` (object array
        of ``mpmath.mpf`` at ``check_dps``, ``(B, d)``), ``agreement_digits``
        (``-log10`` of the worst relative disagreement of the two precisions over the
        components, per problem, as :func:`~numlearn.precision.two_precision`
        reports it), ``rounding_certified`` ``(B, d)``,
        ``dps``, ``check_dps``, ``digits``, ``cond`` (with ``cond_of`` ``"A"``).
        ``method="mp_lstsq"``.

    Raises
    ------
    OracleDisagreementError
        If the two precisions disagree; the message names the problem and component.
    ValueError
        For rank-deficient problems, bad shapes, NaN/inf, bad precisions.

    Notes
    -----
    Cost: pure-Python mpmath, about 5 ms per 20 x 5 problem and precision (10 ms for
    both); meant for up to a few hundred small problems.

    References
    ----------
    .. [1] mpmath, ``mpmath.qr_solve`` (Householder least squares).
    .. [2] J.-M. Muller et al., *Handbook of Floating-Point Arithmetic*, 2nd ed., 2018,
       section 10.3 (Ziv's rounding test).
    """
    import mpmath

    if b is None:
        raise TypeError("`b` is required (an array of shape (n,) or (B, n)), got None.")
    Am, bm, _, single = as_lstsq_batch(A, b)
    dps = check_int(dps, "dps", minimum=20, maximum=MAX_DPS // 2)
    check_dps = 2 * dps if check_dps is None else check_int(check_dps, "check_dps", minimum=1,
                                                            maximum=MAX_DPS)
    if check_dps <= dps:
        raise ValueError(f"`check_dps` must exceed `dps` = {dps}, got {check_dps}.")
    digits = check_int(digits, "digits", minimum=1)
    if digits > dps:
        raise ValueError(f"`digits` = {digits} cannot exceed `dps` = {dps}; raise `dps`.")
    B, _, d = Am.shape
    cond, rank = _svd_conditioning(Am, None)[1:3]
    if np.any(rank < d):
        i = int(np.flatnonzero(rank < d)[0])
        raise ValueError(
            f"`A` of problem {i} is rank deficient (estimated rank {int(rank[i])} < d = "
            f"{d}); mp_lstsq solves full-rank problems. Use lstsq_reference(A, b, "
            "method='svd') for the minimum-norm solution."
        )

    def solve(p: int) -> list[Any]:
        # mpf(float) is exact at any precision, so the data are the same at both.
        x, _ = mpmath.qr_solve(mpmath.matrix(Am[p].tolist()), mpmath.matrix(bm[p].tolist()))
        return [x[j] for j in range(d)]

    try:
        r = two_precision(solve, range(B), dps=(dps, check_dps), digits=digits,
                          points=[f"problem {p}" for p in range(B)])
    except OracleDisagreementError as err:
        p, j = err.index
        with mpmath.workdps(check_dps):
            rel = float(abs(err.low - err.high) / abs(err.high)) if err.high else math.inf
        raise OracleDisagreementError(
            f"mp_lstsq: the two precisions disagree in problem {p}, component "
            f"{j}: {mpmath.nstr(err.low, 25)} at {dps} digits vs "
            f"{mpmath.nstr(err.high, 25)} at {check_dps} digits (relative "
            f"difference {rel:.2e} > 1e-{digits}; cond(A) = {cond[p]:.3g}). "
            "Raise `dps` or lower `digits`.",
            index=(p, j), point=math.nan, low=err.low, high=err.high, count=err.count,
        ) from None
    out, mp_vals, cert = r.values, r.mp_values, r.rounding_certified
    worst = np.max(r.rel_disagreement, axis=1, initial=0.0)
    agree = np.array([math.inf if w == 0.0 else -math.log10(w) for w in worst.tolist()])
    stats: dict[str, Any] = {
        "mp_values": mp_vals, "agreement_digits": agree, "rounding_certified": cert,
        "dps": dps, "check_dps": check_dps, "digits": digits, "cond": cond,
        "cond_of": "A",
    }
    x: Any = out
    if single:
        x = out[0]
        stats = {k: drop_batch_axis(v, True) for k, v in stats.items()}
    return Result(value=x, stats=stats, method="mp_lstsq", side="classical")
