r"""Dense linear algebra shared by the classical solvers: least squares, conditioning, scaling.

- :func:`qr_lstsq`: :math:`\min_x \|Ax - b\|_2` by Householder QR with column
  pivoting (LAPACK ``geqp3``, the core of ``gelsy``), optionally on row-scaled data,
  with the numerical rank and the 2-norm condition number from the triangular factor;
- :func:`triangular_extreme_singular_values`: :math:`\sigma_{\max}` and
  :math:`\sigma_{\min}` of a triangular factor, exactly (SVD) or by Lanczos;
- :func:`inverse_norm1_estimate`: Hager-Higham estimate of :math:`\|A^{-1}\|_1` from
  solves (LAPACK ``xLACN2``), so a 1-norm condition number costs a few solves;
- :func:`unit_row_scale` and :func:`power_of_two_row_scale`: row equilibration, by the
  rows' 2-norms or (exactly, without rounding) by powers of two.

Which condition number to use when.  These routines serve one large system that is
factored anyway: the exact 2-norm condition number from the triangular factor of the
QR already computed (:func:`qr_lstsq`, Lanczos above :data:`SVD_MAX_N` unknowns), or a
1-norm estimate from a few solves with an LU or banded factorisation
(:func:`inverse_norm1_estimate`).  For a batch of many small dense problems (the
least-squares track) use :func:`numlearn.precision.svd_conditioning` (one batched
exact SVD, with the numerical rank from the singular values) or
:func:`numlearn.classical.conditioning` (the same plus the gradient-descent
constants).  The two exact routes agree to rounding, not bit for bit (SVD of ``R``
vs SVD of ``A``), and their ranks differ in kind: :func:`qr_lstsq` counts pivots of
``R``, :func:`~numlearn.precision.svd_conditioning` singular values.

Why QR and never the normal equations: :math:`\kappa(A^{\mathsf T}A) = \kappa(A)^2`;
QR is backward stable, so the forward error of a consistent system is about
:math:`\kappa(A)\,\varepsilon`.

References
----------
.. [1] G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., Johns Hopkins,
   2013, §5.3-5.4 (QR least squares, column pivoting).
.. [2] Å. Björck, *Numerical Methods for Least Squares Problems*, SIAM, 1996 (row
   scaling, QR vs normal equations).
.. [3] N. J. Higham, "FORTRAN codes for estimating the one-norm of a real or complex
   matrix, with applications to condition estimation", ACM TOMS 14, 381-396, 1988.
.. [4] A. van der Sluis, "Condition numbers and equilibration of matrices", Numer.
   Math. 14, 14-23, 1969.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import scipy.linalg as sla
from numpy.typing import NDArray

from numlearn._core.validation import (
    EPS,
    as_float_array,
    check_choice,
    check_flag,
    check_int,
)
from numlearn.classical._limits import check_alloc

__all__ = [
    "LstsqSolution",
    "inverse_norm1_estimate",
    "power_of_two_row_scale",
    "qr_lstsq",
    "triangular_extreme_singular_values",
    "unit_row_scale",
]

#: The ``cond`` options of :func:`qr_lstsq` (see
#: :func:`triangular_extreme_singular_values`), for callers that validate them.
COND_METHODS = ("auto", "svd", "lanczos", "none")

#: ``cond="auto"`` takes exact singular values (SVD of R, O(n^3)) up to this many
#: unknowns and a Lanczos estimate above.
SVD_MAX_N = 400


class LstsqSolution(NamedTuple):
    """What :func:`qr_lstsq` returns."""

    x: NDArray[np.float64]
    """The (basic, if rank deficient) least-squares solution."""
    rank: int
    """Numerical rank: the number of ``|R_jj| > max(m, n) eps |R_00|``."""
    cond: float
    """2-norm condition number of the (row-scaled) matrix; inf if rank deficient,
    nan with ``cond="none"``."""
    cond_method: str
    """How ``cond`` was computed (``"svd"``, ``"lanczos estimate (rel. tol 1e-6)"``,
    ``"rank-deficient"`` or ``"none"``)."""


def triangular_extreme_singular_values(
    R: NDArray[np.float64], method: str = "auto"
) -> tuple[float, float, str]:
    r"""``(sigma_max, sigma_min, how)`` of a square nonsingular triangular factor ``R``.

    ``R`` from ``A P = Q R`` has the singular values of ``A``.  ``method="svd"``:
    exact (:func:`scipy.linalg.svdvals`, :math:`O(n^3)`); ``"lanczos"``:
    :func:`scipy.sparse.linalg.svds` on ``R`` and on :math:`R^{-1}` (triangular
    solves), relative tolerance 1e-6, :math:`O(n^2)` per iteration; ``"auto"``: exact
    up to :data:`SVD_MAX_N` unknowns.
    """
    check_choice(method, "method", COND_METHODS[:3])
    R = _matrix(R, "R")
    n = R.shape[0]
    if R.shape != (n, n):
        raise ValueError(f"`R` must be square, got shape {R.shape}.")
    if method == "svd" or (method == "auto" and n <= SVD_MAX_N):
        s = sla.svdvals(R)
        return float(s[0]), float(s[-1]), "svd"
    from scipy.sparse.linalg import LinearOperator, svds

    rop = LinearOperator((n, n), matvec=lambda y: R @ y, rmatvec=lambda y: R.T @ y,
                         dtype=np.float64)
    rinv = LinearOperator(
        (n, n), matvec=lambda y: sla.solve_triangular(R, y),
        rmatvec=lambda y: sla.solve_triangular(R, y, trans="T"), dtype=np.float64)
    smax = svds(rop, k=1, tol=1e-6, return_singular_vectors=False, random_state=0)
    sinv = svds(rinv, k=1, tol=1e-6, return_singular_vectors=False, random_state=0)
    return float(smax[0]), 1.0 / float(sinv[0]), "lanczos estimate (rel. tol 1e-6)"


def qr_lstsq(
    A: NDArray[np.float64],
    b: NDArray[np.float64],
    *,
    row_scale: NDArray[np.float64] | None = None,
    cond: str = "auto",
) -> LstsqSolution:
    r"""Least squares :math:`\min_x \|S(Ax - b)\|_2` by Householder QR with column pivoting.

    ``(S A) P = Q R``, :math:`x = P R^{-1} (Q^{\mathsf T} S b)`; ``Q`` is applied to
    ``b`` while ``A`` is factored (LAPACK ``geqp3`` + ``ormqr`` through
    :func:`scipy.linalg.qr_multiply`), never formed.  The numerical rank is the number
    of :math:`|R_{jj}| > \max(m, n)\,\varepsilon\,|R_{00}|`; if it is below ``n`` the
    basic solution of the leading ``rank`` pivoted columns is returned (zeros
    elsewhere).  Backward stable: the forward error is about :math:`\kappa\varepsilon`
    (plus :math:`\kappa^2\varepsilon\|r\|/(\|A\|\|x\|)` for inconsistent systems).

    Parameters
    ----------
    A : ndarray, shape (m, n), float64
        Finite, ``m >= 1``, ``n >= 1``.
    b : ndarray, shape (m,)
    row_scale : ndarray, shape (m,), optional
        Diagonal row scaling ``S`` (e.g. :func:`unit_row_scale`); default none.  For a
        consistent system it changes only the conditioning, for an inconsistent one
        also the weighting of the residual.
    cond : {"auto", "svd", "lanczos", "none"}
        How :math:`\kappa_2(SA)` is computed from ``R``
        (:func:`triangular_extreme_singular_values`); ``"none"`` skips it.

    Returns
    -------
    LstsqSolution
        ``(x, rank, cond, cond_method)``.

    Notes
    -----
    Cost :math:`2mn^2 - \tfrac23 n^3` flops for the factorisation, plus the condition
    number (:math:`O(n^3)` exact).  Golub and Van Loan §5.4; LAPACK ``dgelsy``.
    """
    check_choice(cond, "cond", COND_METHODS)
    A = _matrix(A, "A")
    b = _vector(b, "b", A.shape[0])
    if row_scale is not None:
        row_scale = _vector(row_scale, "row_scale", A.shape[0])
        if not (row_scale > 0).all():
            i = int(np.argmin(row_scale > 0))
            raise ValueError(f"`row_scale` must be positive; entry {i} is {row_scale[i]}.")
        A = A * row_scale[:, None]
        b = b * row_scale
    m, n = A.shape
    qtb, R, perm = sla.qr_multiply(A, b[None, :], mode="right", pivoting=True)
    qtb = qtb[0, :n]
    R = R[:n, :n]
    d = np.abs(np.diag(R))
    rank = int(np.count_nonzero(d > max(m, n) * EPS * d[0])) if d[0] > 0 else 0
    y = np.zeros(n)
    if rank > 0:
        y[:rank] = sla.solve_triangular(R[:rank, :rank], qtb[:rank])
    x = np.empty(n)
    x[perm] = y
    if cond == "none":
        return LstsqSolution(x, rank, math.nan, "none")
    if rank < n:
        return LstsqSolution(x, rank, math.inf, "rank-deficient")
    smax, smin, how = triangular_extreme_singular_values(R, cond)
    return LstsqSolution(x, rank, smax / smin, how)


def inverse_norm1_estimate(
    solve: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    solve_transpose: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    n: int,
    *,
    max_iter: int = 5,
) -> float:
    r"""Estimate :math:`\|A^{-1}\|_1` from solves with ``A`` and ``A^T`` (Hager-Higham).

    LAPACK's ``xLACN2`` (the estimator inside ``xGECON``): power-method-like steps
    :math:`y = A^{-1}x`, :math:`\xi = \mathrm{sign}(y)`, :math:`z = A^{-T}\xi`,
    :math:`x = e_{\arg\max|z|}` until the sign pattern repeats, then the larger of
    :math:`\|y\|_1` and Higham's extra estimate from the alternating vector
    :math:`x_i = (-1)^i(1 + i/(n-1))`.  A lower bound, almost always within a factor 3
    of the truth (Higham, ACM TOMS 14, 381-396, 1988).  Cost: 4 to 11 solves.  Used
    instead of :func:`scipy.sparse.linalg.onenormest` (block version, t = 2) because
    at n = 1e6 the latter's bookkeeping takes over a second, the solves 20 ms.
    The 1-norm condition number is then :math:`\|A\|_1` times the estimate.

    Raises `ValueError` if ``n`` is too large to allocate (see
    ``numlearn.classical._limits``) or if a solve returns a vector of the wrong shape
    or with NaN/inf entries (a singular matrix).
    """
    n = check_int(n, "n", minimum=1)
    max_iter = check_int(max_iter, "max_iter", minimum=1, maximum=1000)
    for name, fn in (("solve", solve), ("solve_transpose", solve_transpose)):
        if not callable(fn):
            raise TypeError(f"`{name}` must be callable (a solve with A or A^T), got {fn!r}.")
    check_alloc((n,), 8, "n", "each solve's vector")
    solve = _finite_solve(solve, "solve", n)
    solve_transpose = _finite_solve(solve_transpose, "solve_transpose", n)
    if n == 1:
        return float(abs(solve(np.ones(1))[0]))
    x = np.full(n, 1.0 / n)
    y = solve(x)
    est = float(np.abs(y).sum())
    xi = np.where(y >= 0, 1.0, -1.0)
    z = solve_transpose(xi)
    j = int(np.argmax(np.abs(z)))
    for _ in range(max_iter - 1):
        x = np.zeros(n)
        x[j] = 1.0
        y = solve(x)
        est_old, est = est, float(np.abs(y).sum())
        xi_new = np.where(y >= 0, 1.0, -1.0)
        if np.array_equal(xi_new, xi) or est <= est_old:
            est = max(est, est_old)
            break
        xi = xi_new
        z = solve_transpose(xi)
        j_old, j = j, int(np.argmax(np.abs(z)))
        if abs(z[j_old]) == abs(z[j]):
            break
    alt = np.where(np.arange(n) % 2 == 0, 1.0, -1.0) * (1.0 + np.arange(n) / (n - 1))
    return max(est, 2.0 * float(np.abs(solve(alt)).sum()) / (3.0 * n))


def _finite_solve(fn: Callable[[NDArray[np.float64]], NDArray[np.float64]], name: str,
                  n: int) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
    """``fn`` checked: each answer must be a finite vector of length ``n``."""
    def checked(v: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.asarray(fn(v), dtype=np.float64)
        if out.shape != (n,):
            raise ValueError(f"`{name}` must return a vector of shape ({n},), got shape "
                             f"{out.shape}.")
        if not np.isfinite(out).all():
            raise ValueError(f"`{name}` returned NaN/inf (entry {int(np.argmin(np.isfinite(out)))}"
                             f"); the matrix is singular or the solve failed, so its "
                             "inverse norm is not defined.")
        return out
    return checked


def unit_row_scale(A: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""``1 / ||A[i, :]||_2``: the row scaling that gives every row unit 2-norm.

    The classical equilibration heuristic; for square systems van der Sluis (1969)
    showed it within a factor :math:`\sqrt{n}` of the best diagonal row scaling in the
    2-norm condition number.  Raises `ValueError` on a zero row (the system has an
    empty equation).  Cost :math:`O(mn)`.
    """
    norms = np.linalg.norm(_matrix(A, "A"), axis=1)
    if not (norms > 0).all():
        raise ValueError(
            f"`A` has a zero row: row {int(np.argmin(norms))} is all zeros, an empty "
            "equation; remove it before scaling."
        )
    return 1.0 / norms


def power_of_two_row_scale(
    A: NDArray[np.float64], *, nearest: bool = False
) -> NDArray[np.float64]:
    r"""Powers of two ``s_i`` that bring each row's largest entry to size about 1.

    Multiplying by a power of two is exact, so the scaled system has exactly the
    solution of the original one; only pivoting and conditioning change.
    ``nearest=False``: :math:`\max_j |s_i a_{ij}| \in [1/2, 1)` (``frexp``);
    ``nearest=True``: :math:`s_i = 2^{-\mathrm{round}(\log_2 \max_j |a_{ij}|)}`, so
    the largest entry lands in :math:`[2^{-1/2}, 2^{1/2})`.  Zero rows get
    ``s_i = 1/2`` (``nearest=False``) or ``s_i = 1``.
    Cost :math:`O(mn)`.
    """
    nearest = check_flag(nearest, "nearest")
    big = np.abs(_matrix(A, "A")).max(axis=1)
    if nearest:
        return np.ldexp(1.0, -np.round(np.log2(np.where(big > 0, big, 1.0))).astype(int))
    big[big == 0] = 1.0
    _, e = np.frexp(big)
    return np.ldexp(1.0, -e)


def _matrix(A: NDArray[np.float64], name: str) -> NDArray[np.float64]:
    """``A`` as a finite, real, non-empty 2-D float64 array (else a named error)."""
    return as_float_array(A, name, ndim=2, allow_complex=False).astype(np.float64, copy=False)


def _vector(v: NDArray[np.float64], name: str, m: int) -> NDArray[np.float64]:
    """``v`` as a finite real float64 vector of length ``m`` (else a named error)."""
    out = as_float_array(v, name, ndim=1, allow_complex=False).astype(np.float64, copy=False)
    if out.shape != (m,):
        raise ValueError(f"`{name}` must have shape ({m},) to match `A`, got {out.shape}.")
    return out
