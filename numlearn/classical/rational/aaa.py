r"""The AAA algorithm (adaptive Antoulas-Anderson), scalar and set-valued.

Given samples :math:`F_i = f(Z_i)`, :math:`i = 1..M`, AAA builds a barycentric
rational :math:`r = N/D` (:class:`~numlearn.classical.rational.form.BarycentricRational`)
greedily.  At step :math:`m` it adds the sample of largest error
:math:`|F_i - r(Z_i)|` to the support set, appends the Loewner column
:math:`A_{ij} = (F_i - f_j)/(Z_i - z_j)` and takes the weights :math:`w` as the right
singular vector of the smallest singular value of :math:`A` restricted to the
non-support rows :math:`J` (:math:`\|w\|_2 = 1`), which minimises the linearised
residual :math:`\|F D - N\|_J`.  It stops when :math:`\max_i |F_i - r(Z_i)| \le
\text{rtol}\,\max_i|F_i|`, after ``max_terms`` support points, or at a given degree.

Cost.  SciPy and Chebfun take a thin SVD of the whole :math:`|J| \times m` Loewner
matrix at every step, :math:`O(M m^2)` per step and :math:`O(M m^3)` in all.  Here a
thin QR :math:`A_J = QR` is *updated*: each step deletes the row of the new support
point (a Givens row deletion, :math:`O(Mm)`; Daniel, Gragg, Kaufman and Stewart 1976)
and appends one column by classical Gram-Schmidt with one reorthogonalisation (CGS2,
:math:`O(Mm)`); the weights then come from the SVD of the small :math:`m \times m`
factor :math:`R` (:math:`O(m^3)`), whose singular values and right singular vectors
are those of :math:`A_J` to the backward error of the QR (no Gram matrix
:math:`A^*A`, no squared condition number).  Column scaling is a scaling of
:math:`R`'s columns (the column norms of :math:`A_J` are those of :math:`R`).  In
all :math:`O(M m^2 + m^4)` instead of :math:`O(M m^3)`.  Small problems, and the
set-valued case (one support set, one weight vector, the :math:`N` Loewner matrices
stacked by rows), use a fresh Householder QR of the masked matrix per step.

References
----------
.. [1] Y. Nakatsukasa, O. Sète, L. N. Trefethen, "The AAA algorithm for rational
   approximation", SIAM J. Sci. Comput. 40(3), A1494-A1522, 2018.
   :doi:`10.1137/16M1106122` (arXiv:1612.00337)
.. [2] P. Lietaert, K. Meerbergen, J. Pérez, B. Vandereycken, "Automatic rational
   approximation and linearization of nonlinear eigenvalue problems", IMA J. Numer.
   Anal. 42(2), 1087-1115, 2022. :doi:`10.1093/imanum/draa098` (set-valued AAA)
.. [3] J. W. Daniel, W. B. Gragg, L. Kaufman, G. W. Stewart, "Reorthogonalization and
   stable algorithms for updating the Gram-Schmidt QR factorization", Math. Comp.
   30, 772-795, 1976. :doi:`10.1090/S0025-5718-1976-0431641-8`
.. [4] Y. Nakatsukasa, L. N. Trefethen, "The first five years of the AAA algorithm",
   arXiv:2312.03565 (Froissart doublets, cleanup).
.. [5] Chebfun ``aaa.m`` (cleanup, column scaling credited to Fei Xue, least-squares
   residues); SciPy :class:`scipy.interpolate.AAA`; baryrat ``aaa``.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result, Status
from numlearn._core.validation import (
    EPS,
    as_float_array,
    check_distinct,
    check_flag,
    check_int,
    check_positive,
)
from numlearn.classical.rational.form import BarycentricRational

__all__ = ["aaa"]

#: Rows per column below which a fresh QR per step is used instead of updating.
_UPDATE_MIN_ROWS = 8
#: Most cleanup passes (each removes the support points next to flagged poles).
_CLEANUP_PASSES = 10
#: Condition number of the Loewner matrix above which columns are normalised.
_ILL = 1.0 / (3.0 * EPS)


def _weights_from_r(Rm: NDArray[Any], scaled: bool) -> tuple[NDArray[Any], bool]:
    """Weights from the triangular factor of A_J (SciPy/Chebfun conventions).

    Switches to column scaling (permanently, via the returned flag) when
    ``s_max / s_min > 1/(3 eps)``; averages the right singular vectors over a
    repeated smallest singular value ("aim for a non-sparse weight vector").
    """
    if not scaled:
        _, s, Vh = scipy.linalg.svd(Rm, full_matrices=False, check_finite=False)
        with np.errstate(divide="ignore", invalid="ignore"):
            if s[0] > _ILL * s[-1]:
                scaled = True
    if scaled:
        cn = np.linalg.norm(Rm, axis=0)
        cn[cn == 0] = 1.0
        _, s, Vh = scipy.linalg.svd(Rm / cn, full_matrices=False, check_finite=False)
    mm = s == s.min()
    w = Vh.conj()[mm].sum(axis=0) / np.sqrt(mm.sum())
    if scaled:
        w = w / cn
    return w, scaled


def _weights_direct(A: NDArray[Any], scaled: bool) -> tuple[NDArray[Any], bool]:
    """Weights from a masked (stacked) Loewner matrix ``A`` (rows x m)."""
    rows, m = A.shape
    if rows >= m:
        Rm = np.linalg.qr(A, mode="r")
        return _weights_from_r(Rm, scaled)
    V = scipy.linalg.null_space(A, check_finite=False)
    return V.sum(axis=-1) / np.sqrt(V.shape[-1]), scaled


class _UpdatedQR:
    r"""Orthogonal factorisation A_J = Q K of the masked Loewner matrix, updated per step.

    ``Q`` (M x m, Fortran order, zero on the support rows) has orthonormal columns;
    ``K`` (m x m) need not be triangular: only its singular values and right singular
    vectors (those of A_J) and its column norms (those of A_J) are used.  A step

    * deletes the row ``i`` of the new support point: with
      :math:`u = (e_i - Q \bar q)/\gamma` (:math:`q` = row ``i`` of Q,
      :math:`\gamma^2 = 1 - \|q\|^2`), :math:`A = [Q\ u][K; 0]`; one Householder
      reflector :math:`H` on the columns maps row ``i`` of :math:`[Q\ u]` to a
      multiple of :math:`e_m^T`, so :math:`[Q\ u]H` has last column :math:`\propto
      e_i` and zero row ``i`` elsewhere, and :math:`A_J = ([Q\ u]H)_{:, :m}
      (H[K; 0])_{:m, :}`;
    * appends the new column by classical Gram-Schmidt with one reorthogonalisation.

    Every operation is a BLAS-2 pass over Q (two GEMVs and one rank-one update for the
    deletion, four GEMVs for CGS2): O(M m) per step.
    """

    def __init__(self, M: int, cap: int, dtype: Any) -> None:
        self.dtype = np.dtype(dtype)
        self.cplx = self.dtype.kind == "c"
        self.Q = np.zeros((M, cap + 1), dtype=dtype, order="F")
        self.K = np.zeros((cap + 1, cap + 1), dtype=dtype)
        self.m = 0
        self.explicit = 0
        self._rand: NDArray[Any] | None = None
        kind = "z" if self.cplx else "d"
        self._gemv = getattr(scipy.linalg.blas, kind + "gemv")
        self._ger = getattr(scipy.linalg.blas, kind + ("gerc" if self.cplx else "ger"))

    def _qh(self, a: NDArray[Any]) -> NDArray[Any]:
        """Q^H a (conjugate-transposed GEMV, no copies)."""
        m = self.m
        return self._gemv(1.0, self.Q[:, :m], a, trans=2 if self.cplx else 1)

    def delete_row(self, i: int) -> bool:
        """Zero row ``i`` of A_J = Q K; returns False if the update is unsafe."""
        m = self.m
        if m == 0:
            return True
        Q = self.Q
        q = Q[i, :m].copy()
        g2 = 1.0 - float(np.vdot(q, q).real)
        if g2 > 0.25:
            # u = (e_i - Q conj(q)) / gamma is never formed: row i of [Q u] is
            # [q, gamma], and [Q u] h = Q (h_:m - h_m conj(q)/gamma) + (h_m/gamma) e_i
            # is one GEMV.  u is orthogonal to Q to about eps / gamma^2 <= 4 eps.
            gamma = float(np.sqrt(g2))
            y = np.append(q.conj(), gamma)
        else:
            # Small gamma: form u = e_i - Q conj(q), reorthogonalise it (CGS2).
            u = Q[:, m]
            u[:] = -(Q[:, :m] @ q.conj())
            u[i] += 1.0
            for _ in range(2):
                u -= Q[:, :m] @ self._qh(u)
            gamma = float(np.linalg.norm(u))
            if gamma < 1e-8:
                return False
            u /= gamma
            self.explicit += 1
            y = Q[i, : m + 1].conj()
        # Householder reflector H = I - tau h h^H with (row i of [Q u]) H = beta e_m^T;
        # column m of [Q u] H is then a multiple of e_i and is dropped.
        ny = float(np.linalg.norm(y))
        ph = y[m] / abs(y[m]) if y[m] != 0 else 1.0
        h = y.copy()
        h[m] += ph * ny
        tau = 2.0 / float(np.vdot(h, h).real)
        if g2 > 0.25:
            z = Q[:, :m] @ (h[:m] - (h[m] / gamma) * q.conj())
            z[i] += h[m] / gamma
        else:
            z = Q[:, : m + 1] @ h
        self._ger(-tau, z, h[:m], a=Q[:, :m], overwrite_a=1)
        Kx = self.K[: m + 1, :m]
        Kx[m] = 0.0
        Kx -= np.outer(tau * h, h.conj() @ Kx)
        Q[:, m] = 0.0
        Q[i, :m] = 0.0
        return True

    def add_column(self, a: NDArray[Any]) -> None:
        """Append column ``a`` (zero on the support rows) by CGS2."""
        m = self.m
        Q = self.Q
        nrm0 = float(np.linalg.norm(a))
        a = a.copy()
        coef = np.zeros(m, dtype=self.dtype)
        if m:
            for _ in range(2):
                c = self._qh(a)
                a -= Q[:, :m] @ c
                coef += c
        rho = float(np.linalg.norm(a))
        if rho <= 1e-14 * nrm0 or rho == 0.0:
            # Column (numerically) in the span: any unit vector orthogonal to Q with the
            # same zero pattern completes the basis; K's new diagonal entry is rho.
            if self._rand is None:
                self._rand = np.random.default_rng(0).standard_normal(a.shape[0])
            g = self._rand.astype(self.dtype)
            g[a == 0] = 0.0
            if m:
                for _ in range(2):
                    g -= Q[:, :m] @ self._qh(g)
            Q[:, m] = g / np.linalg.norm(g)
        else:
            Q[:, m] = a / rho
        self.K[:m, m] = coef
        self.K[m, :m] = 0.0
        self.K[m, m] = rho
        self.m = m + 1

    def reset(self, A: NDArray[Any], mask: NDArray[np.bool_]) -> None:
        """Fresh Householder QR of A (M x m) on the rows ``mask`` after an unsafe update."""
        m = A.shape[1]
        Qm, Rm = np.linalg.qr(A[mask], mode="reduced")
        self.Q[:] = 0.0
        self.Q[mask, :m] = Qm
        self.K[:] = 0.0
        self.K[:m, :m] = Rm
        self.m = m


def _validate(z: ArrayLike, f: ArrayLike) -> tuple[NDArray[Any], NDArray[Any], bool]:
    Z = as_float_array(z, "z", ndim=1)
    F = as_float_array(f, "f", ndim=(1, 2))
    if F.shape[0] != Z.shape[0]:
        raise ValueError(
            f"`f` must have one row per sample point: `z` has {Z.shape[0]} points, `f` "
            f"has shape {F.shape}."
        )
    if F.ndim == 2 and F.shape[1] == 0:
        raise ValueError("`f` has no functions (shape (M, 0)); pass at least one column.")
    check_distinct(Z, "z")
    single = F.ndim == 1
    dtype = np.result_type(Z, F, np.float64)
    return Z.astype(dtype), (F[:, None] if single else F).astype(dtype), single


def aaa(
    z: ArrayLike,
    f: ArrayLike,
    *,
    rtol: float | None = None,
    max_terms: int = 100,
    degree: int | None = None,
    cleanup: bool = True,
    cleanup_tol: float = 1e-13,
) -> Result:
    r"""AAA rational approximation of samples ``f`` at points ``z``.

    Parameters
    ----------
    z : array_like, shape (M,)
        Distinct finite sample points, real or complex, any set (interval, circle,
        scattered).
    f : array_like, shape (M,) or (M, N)
        Finite samples.  ``N > 1`` columns: set-valued AAA (Lietaert et al. 2022), one
        support set and one weight vector for all functions (shared poles); the greedy
        step takes the largest error over all functions, the weights come from the
        stacked Loewner matrices.
    rtol : float, optional
        Stop when :math:`\max|F - r(Z)| \le \text{rtol} \max|F|`.  Default
        :math:`\varepsilon^{3/4} \approx 1.8\times 10^{-12}`, as SciPy (Chebfun
        uses 1e-13).  ``0`` runs ``max_terms`` steps.
    max_terms : int, default 100
        Most support points (type ``(max_terms - 1, max_terms - 1)``); capped at
        ``M``.
    degree : int, optional
        Stop at this degree (``degree + 1`` support points) at the latest.
    cleanup : bool, default True
        Remove Froissart doublets: a pole :math:`p` with residue :math:`\rho` is
        spurious if :math:`|\rho| / \min_i |p - Z_i| <` ``cleanup_tol`` times the
        geometric mean of :math:`|F|`; its nearest support point is removed and the
        weights re-solved on the remaining samples (one thin QR, no
        :math:`(M-m)^2` matrix).  As SciPy's ``clean_up`` and Chebfun's ``cleanup``.
    cleanup_tol : float, default 1e-13

    Returns
    -------
    Result
        ``value`` a :class:`~numlearn.classical.rational.form.BarycentricRational`;
        ``history["errors"]`` the max error over the samples after each step;
        ``stats``: ``iterations`` (steps), ``seconds``, ``max_error`` (of the
        returned ``r``, after cleanup), ``rel_error`` (divided by ``max|F|``),
        ``doublets_removed``, ``degree``, ``column_scaled``.  ``status`` is
        ``MAX_ITERATIONS`` (with a ``RuntimeWarning``) if ``rtol`` was not met within
        ``max_terms`` (not when ``degree`` stopped it by request).

    Raises
    ------
    ValueError
        NaN/inf or duplicate sample points (named, not dropped: remove them first,
        e.g. ``np.unique``), mismatched lengths, a negative ``rtol``, ``degree + 1 >
        M``.
    TypeError
        Non-numeric input.

    Notes
    -----
    Cost :math:`O(M m^2 + m^4)` for :math:`m` steps (a Givens-updated thin QR, see the
    module docstring) instead of the :math:`O(M m^3)` of repeated SVDs.

    See Also
    --------
    scipy.interpolate.AAA, baryrat.aaa, Chebfun ``aaa``.

    Examples
    --------
    >>> import numpy as np
    >>> from numlearn.classical.rational.aaa import aaa
    >>> x = np.linspace(-1, 1, 200)
    >>> res = aaa(x, 1 / (x - 2) + 2 / (x + 3))
    >>> np.sort(res.value.poles().real).round(10)
    array([-3.,  2.])
    """
    t0 = time.perf_counter()
    Z, F, single = _validate(z, f)
    M, N = F.shape
    if rtol is None:
        rtol_v = EPS ** 0.75
    else:
        rtol_v = check_positive(rtol, "rtol", allow_zero=True)
    cap = check_int(max_terms, "max_terms", minimum=1)
    if degree is not None:
        deg = check_int(degree, "degree", minimum=0)
        if deg + 1 > M:
            raise ValueError(
                f"`degree` = {deg} needs {deg + 1} support points but there are only "
                f"{M} samples; lower `degree` or add samples."
            )
        cap = min(cap, deg + 1)
    cap = min(cap, M)
    do_clean = check_flag(cleanup, "cleanup")
    ctol = check_positive(cleanup_tol, "cleanup_tol", allow_zero=True)

    dtype = F.dtype
    fscale = float(np.max(np.abs(F)))
    atol = rtol_v * fscale
    mask = np.ones(M, dtype=bool)
    sup = np.empty(cap, dtype=np.int64)
    C = np.zeros((M, cap), dtype=dtype, order="F")  # Cauchy columns, 0 on their own support row
    err_rows = np.abs(F - F.mean(axis=0)).max(axis=1)
    errors: list[float] = []
    scaled = False
    update = N == 1 and M >= _UPDATE_MIN_ROWS * cap
    qr = _UpdatedQR(M, cap, dtype) if update else None
    At = None if update else np.zeros((cap, M, N), dtype=dtype)  # Loewner blocks
    F1 = np.ascontiguousarray(F[:, 0])
    w = np.ones(1, dtype=dtype)
    converged = False
    resets = 0
    m = 0
    for m in range(1, cap + 1):
        err_rows[sup[: m - 1]] = -1.0
        i = int(np.argmax(err_rows))
        sup[m - 1] = i
        mask[i] = False
        with np.errstate(divide="ignore", invalid="ignore"):
            c = 1.0 / (Z - Z[i])
        c[i] = 0.0
        C[:, m - 1] = c
        S = sup[:m]
        if qr is not None:
            col = (F1 - F1[i]) * c
            col[S] = 0.0
            if not qr.delete_row(i):
                qr.reset((F1[:, None] - F1[S[:-1]][None, :]) * C[:, : m - 1], mask)
                resets += 1
            qr.add_column(col)
            w, scaled = _weights_from_r(qr.K[:m, :m], scaled)
        else:
            At[m - 1] = (F - F[i]) * c[:, None]
            A = At[:m][:, mask, :].transpose(2, 1, 0).reshape(-1, m)
            w, scaled = _weights_direct(A, scaled)
        hit = S[w != 0]
        if N == 1:
            nd = C[:, :m] @ np.stack([w * F1[S], w], axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                Rv = nd[:, 0] / nd[:, 1]
            Rv[hit] = F1[hit]
            err_rows = np.abs(F1 - Rv)
        else:
            Cm = C[:, :m]
            with np.errstate(divide="ignore", invalid="ignore"):
                Rm = (Cm @ (w[:, None] * F[S])) / (Cm @ w)[:, None]
            Rm[hit] = F[hit]
            err_rows = np.abs(F - Rm).max(axis=1)
        err_rows[np.isnan(err_rows)] = np.inf
        err = float(err_rows.max())
        errors.append(err)
        if err <= atol:
            converged = True
            break
    S = sup[:m]
    nz = w != 0
    r = BarycentricRational(Z[S][nz], (F[S][nz, 0] if single else F[S][nz]), w[nz])

    removed = 0
    if do_clean and m > 1:
        # Repeat the pass while it finds doublets: removing some can expose others.
        for _ in range(_CLEANUP_PASSES):
            r, k = _cleanup(r, Z, F, single, ctol, scaled)
            removed += k
            if k == 0:
                break
        if removed:
            warnings.warn(f"{removed} Froissart doublets detected and removed.",
                          RuntimeWarning, stacklevel=2)
    fit = r(Z)
    fit2 = fit[:, None] if single else fit
    max_err = float(np.max(np.abs(F - fit2))) if np.isfinite(fit2).all() else np.inf
    status = Status.SUCCESS
    message = ""
    by_degree = degree is not None and m == degree + 1
    if not converged and not by_degree:
        status = Status.MAX_ITERATIONS
        message = (f"AAA did not reach rtol={rtol_v:.3g} within {cap} terms "
                   f"(relative error {max_err / fscale if fscale else max_err:.3g}).")
        warnings.warn(message + " Raise `max_terms` or loosen `rtol`.", RuntimeWarning,
                      stacklevel=2)
    if not np.isfinite(max_err):
        status = Status.DIVERGED
        message = "the rational approximant is not finite at some sample point."
    stats = {
        "iterations": m,
        "seconds": time.perf_counter() - t0,
        "max_error": max_err,
        "rel_error": max_err / fscale if fscale else max_err,
        "doublets_removed": removed,
        "degree": r.degree,
        "column_scaled": scaled,
        "qr_resets": resets,
        "qr_explicit_deletions": qr.explicit if qr is not None else 0,
    }
    return Result(r, side="classical", status=status, message=message, stats=stats,
                  history={"errors": np.array(errors)}, method="aaa")


def _cleanup(r: BarycentricRational, Z: NDArray[Any], F: NDArray[Any], single: bool,
             tol: float, scaled: bool) -> tuple[BarycentricRational, int]:
    """Remove Froissart doublets (Chebfun ``cleanup``, SciPy ``clean_up``)."""
    pol = r.poles()
    if pol.size == 0:
        return r, 0
    res = r.residues(pol)
    res2 = res[None, :] if single else res  # (N, n)
    absf = np.abs(F)
    with np.errstate(divide="ignore"):
        gm = float(np.exp(np.mean(np.log(absf)))) if np.all(absf > 0) else 0.0
    dist = np.min(np.abs(pol[:, None] - Z[None, :]), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.max(np.abs(res2), axis=0) / dist
    bad = np.nonzero(ratio < tol * gm)[0]
    if bad.size == 0:
        return r, 0
    zs = r.nodes
    drop = np.unique(np.argmin(np.abs(zs[:, None] - pol[bad][None, :]), axis=0))
    keep = np.ones(zs.shape[0], dtype=bool)
    keep[drop] = False
    zj = zs[keep]
    fj = (r.values[:, None] if single else r.values)[keep]
    if zj.shape[0] == 0:
        return r, 0
    rows = ~np.isin(Z, zj)
    with np.errstate(divide="ignore"):
        C = 1.0 / (Z[rows][:, None] - zj[None, :])
    A = (F[rows][:, None, :] - fj[None, :, :]) * C[:, :, None]  # (rows, m, N)
    A = A.transpose(2, 0, 1).reshape(-1, zj.shape[0])
    w, _ = _weights_direct(A, scaled)
    nz = w != 0
    vals = fj[nz, 0] if single else fj[nz]
    return BarycentricRational(zj[nz], vals, w[nz]), int(bad.size)
