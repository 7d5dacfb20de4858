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
factorisation :math:`A_J = Q K` (Q with orthonormal columns, K small) is *updated*
(:mod:`._aaa_factor`): each step removes the row of the new support point and appends
one column by classical Gram-Schmidt with one reorthogonalisation (CGS2), BLAS-2
passes over Q, :math:`O(Mm)`; the weights then come from the SVD of the small
:math:`m \times m` factor (:math:`O(m^3)`), whose singular values and right singular
vectors are those of :math:`A_J` to the backward error of the factorisation (no Gram
matrix :math:`A^*A` of the Loewner matrix, no squared condition number).  Column
scaling is a scaling of the small factor's columns (the column norms of :math:`A_J`
are those of K).  In all :math:`O(M m^2 + m^4)` instead of :math:`O(M m^3)`.

* One function: the row is removed by one Householder reflector on :math:`[Q\ u]`,
  :math:`u \propto (I - QQ^*)e_i` (Daniel, Gragg, Kaufman, Stewart 1976, with a
  reflector in place of their rotations).  The whole loop is compiled
  (:mod:`._aaa_kernels`: BLAS-2 calls for the passes over Q and the Cauchy matrix,
  compiled loops for the elementwise work between them, no interpreter overhead per
  step); the NumPy class :class:`~._aaa_factor.HouseholderQR` is the same algorithm,
  kept as a second implementation for the tests.  A new column that lies in the
  numerical span (past convergence) is completed by a fresh random direction
  orthogonal to Q, so Q stays orthonormal to working accuracy at any length.
* Several functions (set-valued): the :math:`N` rows of the support point are zeroed
  in Q and the Gram matrix of Q is downdated (:math:`O(Nm^2)`); Q is
  re-orthonormalised if that Gram matrix's smallest eigenvalue drops below 1/2.
  Without this each step would cost a QR of the :math:`NM \times m` stacked matrix.

Small problems (fewer than 8 rows per possible column) use a fresh Householder QR of
the masked (stacked) matrix per step.

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
from numlearn.classical._limits import check_alloc
from numlearn.classical.rational._aaa_conjugate import (
    conjugate_loop,
    conjugate_partners,
    conjugate_weights,
    representatives,
    row_weights,
)
from numlearn.classical.rational._aaa_factor import (
    _ILL,
    GramQR,
    HouseholderQR,
    _weights_direct,
    _weights_from_r,
)
from numlearn.classical.rational._aaa_kernels import aaa_scalar_loop
from numlearn.classical.rational.form import BarycentricRational

__all__ = ["aaa"]

#: Rows per column below which a fresh QR per step is used instead of updating.
_UPDATE_MIN_ROWS = 8
#: The updated factorisations for one function (None: the compiled loop of
#: ``_aaa_kernels``; the NumPy classes are selectable for tests) and for several.
_FACTOR_SCALAR: type[GramQR] | type[HouseholderQR] | None = None
_FACTOR_SET: type[GramQR] = GramQR
#: Most cleanup passes (each removes the support points next to flagged poles).
_CLEANUP_PASSES = 10
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
    return Z.astype(dtype), (F[:, None] if single else F).astype(dtype, copy=False), single


def aaa(
    z: ArrayLike,
    f: ArrayLike,
    *,
    rtol: float | None = None,
    max_terms: int = 100,
    degree: int | None = None,
    cleanup: bool = True,
    cleanup_tol: float = 1e-13,
    conjugate: bool = False,
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
        :math:`(M-m)^2` matrix).  As SciPy's ``clean_up`` and Chebfun's ``cleanup``,
        except that the pass is repeated (at most 10 times) while it finds doublets:
        removing some can expose others.  Warns (``RuntimeWarning``) with the count.
    cleanup_tol : float, default 1e-13
        The threshold of the doublet test above.
    conjugate : bool, default False
        Data with :math:`f(\bar z) = \overline{f(z)}` on a point set closed under
        conjugation (the DFT of a real filter on the unit circle; a real function on
        a symmetric set): support points are taken in conjugate pairs with conjugate
        values and weights (real ones alone, with real weights), so that
        :math:`r(\bar z) = \overline{r(z)}` and the poles come in conjugate pairs at
        every degree; the weights solve the real least-squares problem of the
        structured Loewner matrix (:mod:`._aaa_conjugate`; a fresh QR per step,
        :math:`O(MNm^2)`).  A pair takes two of the ``max_terms`` / ``degree + 1``
        support points; the loop stops when the best remaining unit does not fit.
        ValueError when the data lack the symmetry.  (pyMOR's
        ``PAAAReductor(conjugate=True)`` does the same for parametric AAA.)

    Returns
    -------
    Result
        ``value`` a :class:`~numlearn.classical.rational.form.BarycentricRational`;
        ``history["errors"]`` the max error over the samples after each step;
        ``stats``: ``iterations`` (steps), ``seconds``, ``max_error`` (of the
        returned ``r``, after cleanup), ``rel_error`` (divided by ``max|F|``),
        ``doublets_removed``, ``degree``, ``column_scaled`` (whether the column-
        normalised SVD took over), ``qr_resets`` (unsafe row deletions redone by a
        fresh QR) and ``reorthonormalisations`` (set-valued).  ``status`` is
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
    Cost :math:`O(N M m^2 + m^4)` for :math:`m` steps and :math:`N` functions (an
    updated orthogonal factorisation, see the module docstring) instead of the
    :math:`O(N M m^3)` of repeated SVDs.  For one function the loop is compiled
    (:mod:`._aaa_kernels`; the first call compiles, then the kernel is cached).
    Measured (``bench/bench_aaa.py``, a 2-core machine): 11x faster than
    :class:`scipy.interpolate.AAA` on real and on complex data at :math:`M = 10^4`,
    50 terms, single-threaded BLAS, with the same errors at the same number of terms.

    See Also
    --------
    aaa_lawson : AAA-Lawson, toward the minimax approximation of a given degree.
        Equivalents elsewhere: :class:`scipy.interpolate.AAA`, ``baryrat.aaa``,
        Chebfun's ``aaa``.

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
    # the factorisation's Q (samples x functions x terms) and the Cauchy matrix
    check_alloc((M * N + M, cap + 1), np.dtype(dtype).itemsize, "f",
                "the Loewner factorisation (samples x functions, by max_terms + 1)")
    fscale = float(np.max(np.abs(F)))
    atol = rtol_v * fscale
    update = M * N >= _UPDATE_MIN_ROWS * cap
    conj = check_flag(conjugate, "conjugate")
    partner = conjugate_partners(Z, F) if conj else None
    if partner is not None and cap < 2 and not np.any(partner == np.arange(M)):
        raise ValueError(
            "`conjugate=True` takes support points in conjugate pairs, and the points "
            "have no real sample to stand alone: allow at least 2 support points "
            "(max_terms >= 2, degree >= 1)."
        )
    if partner is not None:
        sup, w, errors, m, scaled, converged = conjugate_loop(Z, F, cap, atol, partner)
        resets = reorth = 0
    elif update and N == 1 and _FACTOR_SCALAR is None:
        sup, w, errs, m, scaled, resets, converged, _ = aaa_scalar_loop(
            Z, np.ascontiguousarray(F[:, 0]), cap, atol, _ILL, 0)
        errors = errs.tolist()
        reorth = 0
    else:
        sup, w, errors, m, scaled, resets, converged, reorth = _greedy(
            Z, F, cap, atol, update)
    S = sup[:m]
    nz = w != 0
    r = BarycentricRational(Z[S][nz], (F[S][nz, 0] if single else F[S][nz]), w[nz])

    removed = 0
    if do_clean and m > 1:
        # Repeat the pass while it finds doublets: removing some can expose others.
        for _ in range(_CLEANUP_PASSES):
            r, k = _cleanup(r, Z, F, single, ctol, scaled, partner)
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
    # with `conjugate`, a pair that did not fit in the last free support point also
    # counts as stopped by degree
    by_degree = degree is not None and (
        m == deg + 1 or (partner is not None and m == deg))
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
        "reorthonormalisations": reorth,
    }
    return Result(r, side="classical", status=status, message=message, stats=stats,
                  history={"errors": np.array(errors)}, method="aaa")


def _greedy(Z: NDArray[Any], F: NDArray[Any], cap: int, atol: float,
            update: bool) -> tuple[Any, ...]:
    """The AAA loop in NumPy: updated factorisation (set-valued, or a monkeypatched
    scalar factor in tests) or a fresh QR per step (small problems)."""
    M, N = F.shape
    dtype = F.dtype
    mask = np.ones(M, dtype=bool)
    sup = np.empty(cap, dtype=np.int64)
    C = np.zeros((M, cap), dtype=dtype, order="F")  # Cauchy columns, 0 on own support row
    err_rows = np.abs(F - F.mean(axis=0)).max(axis=1)
    errors: list[float] = []
    scaled = False
    factor = _FACTOR_SCALAR if N == 1 else _FACTOR_SET
    qr = factor(M, N, cap, dtype) if update else None
    At = None if update else np.zeros((cap, M, N), dtype=dtype)  # Loewner blocks
    F1 = np.ascontiguousarray(F[:, 0])
    W2 = np.empty((cap, 2), dtype=dtype)  # [w * f_S, w] for N and D in one GEMM
    w = np.ones(1, dtype=dtype)
    converged = False
    resets = 0
    m = 0
    for m in range(1, cap + 1):
        err_rows[sup[: m - 1]] = -1.0
        i = int(np.argmax(err_rows))
        sup[m - 1] = i
        mask[i] = False
        c = C[:, m - 1]
        np.subtract(Z, Z[i], out=c)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(1.0, c, out=c)
        c[i] = 0.0
        S = sup[:m]
        if qr is not None:
            if N == 1:
                col = np.subtract(F1, F1[i])
                col *= c
                col[S] = 0.0
            else:
                blk = (F - F[i]) * c[:, None]
                blk[S] = 0.0
                col = blk.T.ravel()  # function-major stacking
            if qr.delete_row(i) is False:  # HouseholderQR: unsafe update
                qr.reset((F1[:, None] - F1[S[:-1]][None, :]) * C[:, : m - 1], mask)
                resets += 1
            qr.add_column(col, S if N == 1 else (S[:, None] + M * np.arange(N)).ravel())
            w, scaled = _weights_from_r(qr.small_factor(), scaled)
        else:
            At[m - 1] = (F - F[i]) * c[:, None]
            A = At[:m][:, mask, :].transpose(2, 1, 0).reshape(-1, m)
            w, scaled = _weights_direct(A, scaled)
        hit = S[w != 0]
        if N == 1:
            W2[:m, 0] = w * F1[S]
            W2[:m, 1] = w
            nd = C[:, :m] @ W2[:m]
            with np.errstate(divide="ignore", invalid="ignore"):
                Rv = nd[:, 0] / nd[:, 1]
            Rv[hit] = F1[hit]
            np.subtract(F1, Rv, out=Rv)
            err_rows = np.abs(Rv)
        else:
            Cm = C[:, :m]
            with np.errstate(divide="ignore", invalid="ignore"):
                Rm = (Cm @ (w[:, None] * F[S])) / (Cm @ w)[:, None]
            Rm[hit] = F[hit]
            err_rows = np.abs(F - Rm).max(axis=1)
        err = float(err_rows.max())
        if err != err:  # NaN (0/0 at a pole): count it as an infinite error
            err_rows[np.isnan(err_rows)] = np.inf
            err = np.inf
        errors.append(err)
        if err <= atol:
            converged = True
            break
    return sup, w, errors, m, scaled, resets, converged, getattr(qr, "resets", 0)


def _cleanup(r: BarycentricRational, Z: NDArray[Any], F: NDArray[Any], single: bool,
             tol: float, scaled: bool, partner: NDArray[np.intp] | None = None
             ) -> tuple[BarycentricRational, int]:
    """Remove Froissart doublets (Chebfun ``cleanup``, SciPy ``clean_up``); with
    ``partner`` (conjugate AAA) a support point leaves with its partner and the
    weights are re-solved with the symmetry."""
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
    if partner is not None:
        return _cleanup_conjugate(r, Z, F, single, scaled, partner, drop), int(bad.size)
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


def _cleanup_conjugate(r: BarycentricRational, Z: NDArray[Any], F: NDArray[Any],
                       single: bool, scaled: bool, partner: NDArray[np.intp],
                       drop: NDArray[np.intp]) -> BarycentricRational:
    """The conjugate cleanup step: drop the flagged support points with their
    partners, re-solve the structured weights on the rest."""
    where = {complex(z): k for k, z in enumerate(Z)}
    sup = np.array([where[complex(z)] for z in r.nodes], dtype=np.intp)
    gone = set(sup[drop].tolist()) | set(partner[sup[drop]].tolist())
    rep = representatives(Z, partner)
    units = [(int(j), int(partner[j])) for j in sup if j not in gone and rep[j]]
    if not units:
        return r
    used = np.zeros(Z.size, dtype=bool)
    for j, p in units:
        used[j] = used[p] = True
    rows = np.flatnonzero(rep & ~used)
    w, _ = conjugate_weights(Z, F, units, rows, row_weights(rows, partner), scaled)
    keep = np.array([k for j, p in units for k in ((j,) if p == j else (j, p))])
    nz = w != 0
    vals = F[keep][nz, 0] if single else F[keep][nz]
    return BarycentricRational(Z[keep][nz], vals, w[nz])
