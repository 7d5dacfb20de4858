r"""Linear algebra in mpmath: the two-precision least-squares oracle.

:func:`mp_lstsq` is the truth of the least-squares track: the exact least-squares
solution of the stored float64 data, computed at two precisions, checked to agree, and
rounded once to float64 with a certificate.  It sits in :mod:`numlearn.precision` so
that the problem samplers (:mod:`numlearn.problems.least_squares`) and the classical
solvers measured against it both use it without importing each other.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result
from numlearn._core.validation import EPS, as_float_array, check_int
from numlearn.precision.oracle import OracleDisagreementError, round_to_float64

__all__ = ["mp_lstsq"]


def _as_batch(
    A: ArrayLike, b: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], bool]:
    """``A (B, n, d)``, ``b (B, n)`` as float64 (unbatched ``(n, d)``, ``(n,)`` get a
    batch axis); the flag says whether the input was unbatched."""
    Am = as_float_array(A, "A", ndim=(2, 3), allow_complex=False)
    single = Am.ndim == 2
    Am = np.ascontiguousarray(Am[None] if single else Am, dtype=np.float64)
    B, n, _ = Am.shape
    lead = () if single else (B,)
    bm = as_float_array(b, "b", allow_complex=False)
    if bm.shape != (*lead, n):
        layout = "(n,)" if single else "(B, n)"
        raise ValueError(
            f"`b` must have shape {layout} = {(*lead, n)} to match `A` of shape "
            f"{Am.shape[1:] if single else Am.shape}, got {bm.shape}."
        )
    return Am, np.ascontiguousarray(bm.reshape(B, n), dtype=np.float64), single


def _cond_rank(Am: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """``cond(A) = s_max / s_min`` and the numerical rank (singular values above
    ``eps max(n, d) s_max``, as ``numpy.linalg.matrix_rank``), per problem."""
    B, n, d = Am.shape
    s = np.linalg.svd(Am, compute_uv=False)
    smax = s[:, 0]
    smin = s[:, -1] if n >= d else np.zeros(B)
    rank = np.sum(s > EPS * max(n, d) * smax[:, None], axis=1).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        cond = np.where(smin > 0, smax / np.where(smin > 0, smin, 1.0), np.inf)
    return cond, rank


def _unbatch(value: Any) -> Any:
    """Drop the batch axis of a per-problem array (0-d results become floats)."""
    if isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == 1:
        v = value[0]
        return v.item() if v.ndim == 0 else v
    return value



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
        of ``mpmath.mpf`` at ``check_dps``, ``(B, d)``), ``agreement_digits`` (worst
        over the components, per problem), ``rounding_certified`` ``(B, d)``,
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

    Am, bm, single = _as_batch(A, b)
    dps = check_int(dps, "dps", minimum=20)
    check_dps = 2 * dps if check_dps is None else check_int(check_dps, "check_dps", minimum=1)
    if check_dps <= dps:
        raise ValueError(f"`check_dps` must exceed `dps` = {dps}, got {check_dps}.")
    digits = check_int(digits, "digits", minimum=1)
    if digits > dps:
        raise ValueError(f"`digits` = {digits} cannot exceed `dps` = {dps}; raise `dps`.")
    B, _, d = Am.shape
    cond, rank = _cond_rank(Am)
    if np.any(rank < d):
        i = int(np.flatnonzero(rank < d)[0])
        raise ValueError(
            f"`A` of problem {i} is rank deficient (estimated rank {int(rank[i])} < d = "
            f"{d}); mp_lstsq solves full-rank problems. Use lstsq_reference(A, b, "
            "method='svd') for the minimum-norm solution."
        )
    tol = 10.0**-digits
    out = np.empty((B, d))
    mp_vals = np.empty((B, d), dtype=object)
    agree = np.empty(B)
    cert = np.empty((B, d), dtype=bool)

    def solve(p: int) -> list[Any]:
        # mpf(float) is exact at any precision, so the data are the same at both.
        x, _ = mpmath.qr_solve(mpmath.matrix(Am[p].tolist()), mpmath.matrix(bm[p].tolist()))
        return [x[j] for j in range(d)]

    for p in range(B):
        with mpmath.workdps(dps):
            lo = solve(p)
        with mpmath.workdps(check_dps):
            hi = solve(p)
            prec = mpmath.mp.prec
            worst = 0.0
            for j in range(d):
                diff = abs(lo[j] - hi[j])
                rel = float(diff / abs(hi[j])) if hi[j] else (0.0 if not lo[j] else math.inf)
                if not rel <= tol:
                    raise OracleDisagreementError(
                        f"mp_lstsq: the two precisions disagree in problem {p}, component "
                        f"{j}: {mpmath.nstr(lo[j], 25)} at {dps} digits vs "
                        f"{mpmath.nstr(hi[j], 25)} at {check_dps} digits (relative "
                        f"difference {rel:.2e} > 1e-{digits}; cond(A) = {cond[p]:.3g}). "
                        "Raise `dps` or lower `digits`.",
                        index=(p, j), point=math.nan, low=lo[j], high=hi[j], count=1,
                    )
                worst = max(worst, rel)
                bound = diff + abs(hi[j]) * mpmath.ldexp(1, 8 - prec)
                f = round_to_float64(hi[j])
                out[p, j] = f
                mp_vals[p, j] = hi[j]
                cert[p, j] = f == round_to_float64(hi[j] - bound) == round_to_float64(
                    hi[j] + bound)
            agree[p] = math.inf if worst == 0.0 else -math.log10(worst)
    stats: dict[str, Any] = {
        "mp_values": mp_vals, "agreement_digits": agree, "rounding_certified": cert,
        "dps": dps, "check_dps": check_dps, "digits": digits, "cond": cond,
        "cond_of": "A",
    }
    x: Any = out
    if single:
        x = out[0]
        stats = {k: _unbatch(v) for k, v in stats.items()}
    return Result(value=x, stats=stats, method="mp_lstsq", side="classical")
