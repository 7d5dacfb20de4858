r"""Exact least-squares solutions in float64, batched: QR, SVD, LSQR and QR with
double-double iterative refinement (the references gradient descent is measured by)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result, Status
from numlearn._core.validation import (
    EPS,
    as_lstsq_batch,
    check_choice,
    check_int,
    drop_batch_axis,
)
from numlearn.classical import _ls_kernels as _k
from numlearn.classical.least_squares.conditioning import (
    _conditioning,
    _require_arrays,
    _warn_conditioning,
)

__all__ = ["lstsq_reference"]

_METHODS = ("qr", "svd", "lsqr", "qr_refined")
# Refinement converges in a few sweeps or not at all (factor cond^2 eps per sweep);
# LSQR in exact arithmetic stops by d steps.  Larger limits only buy hangs.
_MAX_REFINE = 1000
_MAX_ITER_LIM = 10**7


def lstsq_reference(
    A: ArrayLike,
    b: ArrayLike,
    *,
    method: str = "qr",
    rcond: float | None = None,
    iter_lim: int | None = None,
    max_refine: int = 10,
) -> Result:
    r"""Exact least-squares solutions in float64, batched: the references GD is measured by.

    ``x = argmin_x ||A x - b||_2`` for each problem, by

    * ``"qr"``: Householder QR (``numpy.linalg.qr``, LAPACK ``geqrf``),
      ``x = R^{-1} Q^T b``.  Backward stable; error ``<~ eps (kappa + kappa^2 ||r||
      / (||A|| ||x||))``.  ``O(n d^2)`` per problem, batched in NumPy.
    * ``"svd"``: ``numpy.linalg.lstsq`` (LAPACK ``gelsd``, divide-and-conquer SVD),
      one call per problem.
    * ``"lsqr"``: ``scipy.sparse.linalg.lsqr`` (Paige & Saunders 1982) with
      ``atol = btol = conlim = 0`` (run to the rounding level, SciPy's "maximum
      precision" setting) and ``iter_lim`` (default ``10 d + 10``), one call per
      problem; ``stats["istop"]``, ``stats["iterations"]`` record why and when it
      stopped.
    * ``"qr_refined"``: ``"qr"`` followed by iterative refinement
      ``x <- x + (R^T R)^{-1} A^T (b - A x)`` with the normal-equations residual
      evaluated in double-double arithmetic (Dot2): converges (factor
      ``~ kappa^2 eps`` per sweep) to the least-squares solution of the stored data
      to about an ulp, also for inconsistent ``b``.  ``stats["refinements"]``.

    These are for many small problems at once (the least-squares track's batches).
    For one large, possibly ill-conditioned system use
    :func:`numlearn.classical.linalg.qr_lstsq` (pivoted QR, optional row scaling,
    the condition number from its factor).

    Rank-deficient problems (estimated rank ``< d``; always when ``n < d``) get the
    minimum-norm solution by truncated SVD (``numpy.linalg.lstsq`` with ``rcond``),
    whatever the method, with a :class:`RankDeficientWarning`.

    Parameters
    ----------
    A : array_like, shape (B, n, d) or (n, d)
    b : array_like, shape (B, n) or (n,)
    method : {"qr", "svd", "lsqr", "qr_refined"}
    rcond : float, optional
        Relative singular-value cutoff for the rank, default ``eps * max(n, d)``.
    iter_lim : int, optional
        LSQR iteration limit (default ``10 d + 10``).
    max_refine : int, default 10
        Maximum refinement sweeps for ``"qr_refined"``, at most 1000.

    Raises
    ------
    TypeError
        ``b`` is None; a non-string ``method``; a bool, float or string where an
        integer is due.
    ValueError
        Bad shapes, NaN/inf, an unknown ``method``, ``iter_lim`` outside
        ``[1, 10**7]``, ``max_refine`` outside ``[0, 1000]``, a negative ``rcond``.

    Returns
    -------
    Result
        ``value``: ``x`` ``(B, d)``; ``stats``: ``cond`` (``cond_of`` ``"A"``),
        ``rank``, ``rank_deficient`` (mask), ``floor`` (``cond eps``),
        ``residual_norm`` (``residual_norm_of`` ``"||b - A x||_2"``) and the method's
        own entries.  ``method`` is ``"lstsq_<method>"``.

    References
    ----------
    .. [1] Golub & Van Loan, *Matrix Computations*, 4th ed., sections 5.3 (QR
       least squares) and 5.5 (rank deficiency, SVD); Björck 1996, chapter 2
       (iterative refinement).
    .. [2] Paige & Saunders, ACM TOMS 8(1), 1982 (LSQR).

    Examples
    --------
    >>> A = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]); b = np.array([1.0, 2.0, 3.0])
    >>> lstsq_reference(A, b).value.tolist()
    [1.0, 2.0]
    """
    check_choice(method, "method", _METHODS)
    _require_arrays(b=b)
    max_refine = check_int(max_refine, "max_refine", minimum=0, maximum=_MAX_REFINE)
    if iter_lim is not None:
        iter_lim = check_int(iter_lim, "iter_lim", minimum=1, maximum=_MAX_ITER_LIM)
    Am, bm, _, single = as_lstsq_batch(A, b)
    B, _, d = Am.shape
    c = _conditioning(Am, rcond)
    deficient = _warn_conditioning(c, d, f"lstsq_reference(method={method!r})")
    full = ~deficient
    x = np.zeros((B, d))
    stats: dict[str, Any] = {}
    status, message = Status.SUCCESS, ""
    if full.any():
        Af, bf = Am[full], bm[full]
        if method in ("qr", "qr_refined"):
            Q, R = np.linalg.qr(Af)
            # R is upper triangular and nonsingular: LU with partial pivoting makes no
            # swaps on it, so numpy's batched solve is plain back substitution.
            xf = np.linalg.solve(R, np.matmul(Q.transpose(0, 2, 1), bf[..., None]))[..., 0]
            if method == "qr_refined":
                xf, sweeps = _refine(Af, bf, xf, R, max_refine)
                counts = np.zeros(B, dtype=np.int64)
                counts[full] = sweeps
                stats["refinements"] = counts
                if np.any(sweeps > max_refine):
                    status = Status.MAX_ITERATIONS
                    message = ("iterative refinement did not converge within max_refine "
                               "sweeps; the problem may be too ill-conditioned (cond^2 eps >~ 1)")
                    counts[full] = np.minimum(sweeps, max_refine)
        elif method == "svd":
            xf = np.stack([np.linalg.lstsq(a, v, rcond=c.rcond)[0]
                           for a, v in zip(Af, bf, strict=True)])
        else:
            xf, istop, itn = _lsqr(Af, bf, 10 * d + 10 if iter_lim is None else iter_lim)
            stats["istop"] = np.zeros(B, dtype=np.int64)
            stats["iterations"] = np.zeros(B, dtype=np.int64)
            stats["istop"][full], stats["iterations"][full] = istop, itn
            if np.any(istop == 7):
                status = Status.MAX_ITERATIONS
                message = ("LSQR stopped at iter_lim before its rounding-level tests; "
                           "increase iter_lim")
        x[full] = xf
    if deficient.any():
        for i in np.flatnonzero(deficient):
            x[i] = np.linalg.lstsq(Am[i], bm[i], rcond=c.rcond)[0]
    res = np.linalg.norm(bm - np.matmul(Am, x[..., None])[..., 0], axis=1)
    stats.update({"cond": c.cond, "cond_of": "A", "rank": c.rank,
                  "rank_deficient": deficient, "floor": c.floor, "residual_norm": res,
                  "residual_norm_of": "||b - A x||_2"})
    if single:
        x = x[0]
        stats = {k: drop_batch_axis(v, True) for k, v in stats.items()}
    return Result(value=x, status=status, message=message, stats=stats,
                  method=f"lstsq_{method}",
                  side="classical")


def _refine(
    A: NDArray[np.float64], b: NDArray[np.float64], x: NDArray[np.float64],
    R: NDArray[np.float64], max_refine: int,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Refine ``x`` with double-double normal residuals until the corrections stop.

    Returns ``x`` and the sweeps per problem (``max_refine + 1`` where not converged).
    """
    B, _, d = A.shape
    x = x.copy()
    sweeps = np.full(B, max_refine + 1, dtype=np.int64)
    active = np.ones(B, dtype=bool)
    g = np.empty((B, d))
    Rt = R.transpose(0, 2, 1)
    for k in range(max_refine):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        Aa = np.ascontiguousarray(A[idx])
        ga = g[: idx.size]
        _k.normal_residual_dd(Aa, np.ascontiguousarray(b[idx]), np.ascontiguousarray(x[idx]),
                              ga)
        y = np.linalg.solve(Rt[idx], ga[..., None])
        dx = np.linalg.solve(R[idx], y)[..., 0]
        x[idx] += dx
        # Converged once the correction is below an ulp of x: further sweeps would
        # only move x between its two nearest floats.
        small = np.max(np.abs(dx), axis=1) <= EPS * np.max(np.abs(x[idx]), axis=1)
        done = idx[small]
        sweeps[done] = k + 1
        active[done] = False
    return x, sweeps


def _lsqr(
    A: NDArray[np.float64], b: NDArray[np.float64], iter_lim: int
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    from scipy.sparse.linalg import lsqr

    xs, istop, itn = [], [], []
    for a, v in zip(A, b, strict=True):
        out = lsqr(a, v, atol=0.0, btol=0.0, conlim=0.0, iter_lim=iter_lim)
        xs.append(out[0])
        istop.append(out[1])
        itn.append(out[2])
    return np.stack(xs), np.array(istop, dtype=np.int64), np.array(itn, dtype=np.int64)
