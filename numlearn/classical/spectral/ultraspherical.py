r"""The ultraspherical spectral method of Olver and Townsend for linear BVPs.

The solution is sought as Chebyshev coefficients, :math:`u = \sum_{k<n} c_k T_k(s)` on
``[a, b]`` (:math:`s = (2x - a - b)/(b - a)`), and the ODE is written in the
*ultraspherical* (Gegenbauer) bases :math:`C^{(\lambda)}`, where differentiation is
sparse:

.. math::

    \frac{d^\lambda T_k}{ds^\lambda} = 2^{\lambda-1} (\lambda-1)!\, k\, C^{(\lambda)}_{k-\lambda}
    \quad\Rightarrow\quad
    \mathcal D_\lambda = 2^{\lambda-1}(\lambda-1)!
    \begin{pmatrix} 0 & \cdots & \lambda & & \\ & & & \lambda+1 & \\ & & & & \ddots
    \end{pmatrix}
    \ (\text{entry } k+\lambda \text{ on the } \lambda\text{-th superdiagonal}),

and conversion :math:`\mathcal S_\lambda: C^{(\lambda)} \to C^{(\lambda+1)}` is banded,
:math:`C^{(\lambda)}_k = \tfrac{\lambda}{\lambda+k}(C^{(\lambda+1)}_k - C^{(\lambda+1)}_{k-2})`
(:math:`\mathcal S_0: T \to C^{(1)}`: :math:`T_0 = C^{(1)}_0`,
:math:`T_k = \tfrac12(C^{(1)}_k - C^{(1)}_{k-2})`).  An order-``m`` operator
:math:`\sum_k a_k u^{(k)}` becomes

.. math::

    \mathcal L = \sum_{k=0}^{m} \Bigl(\frac{2}{b-a}\Bigr)^k
    \mathcal S_{m-1}\cdots\mathcal S_k\, \mathcal M_k[a_k]\, \mathcal D_k
    \quad (T \to C^{(m)}),

banded when the coefficients :math:`a_k` have short Chebyshev series
(:math:`\mathcal M_\lambda[a]` multiplies by :math:`a` in the :math:`C^{(\lambda)}`
basis).  The discrete system takes the ``m`` boundary rows (dense:
:math:`T_k(\pm1) = (\pm1)^k`, :math:`T_k'(\pm1) = (\pm1)^{k+1}k^2`, ...) on top of the
first ``n - m`` rows of :math:`\mathcal L` and is "almost banded".  With the diagonal
right preconditioner :math:`R = \mathrm{diag}(1, \dots, 1, 1/(\sigma_m k))_{k \ge m}`,
:math:`\sigma_m = 2^{m-1}(m-1)!\,(2/(b-a))^m \max|a_m|`, the preconditioned matrix is a
compact perturbation of the identity plus the boundary rows, and its condition number
stays bounded as ``n`` grows (Olver & Townsend 2013; for Dirichlet conditions), where
collocation's grows like :math:`n^{2m}` and faster.  With Neumann or Robin rows
(entries :math:`\sim k^2`) it grows: like :math:`n^2` once those rows are scaled to
unit size as :func:`solve_ultraspherical` does, like :math:`n^3` without; the
solutions stay accurate to rounding there (measurements in the notes, *Spectral solvers*
and ``bench/bench_bvp.py``).

References
----------
.. [1] S. Olver and A. Townsend, "A fast and well-conditioned spectral method",
   SIAM Review 55(3), 462-489, 2013. :doi:`10.1137/120865458`
.. [2] Chebfun ``@ultraS`` (``ultraS.diffmat``, ``convertmat``, ``multmat``,
   ``cheboppref('discretization', @ultraS)``); ApproxFun.jl.
.. [3] NIST DLMF sec. 18.9 (Gegenbauer recurrences), sec. 18.7 (:math:`C^{(1)} = U`).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result
from numlearn._core.validation import check_flag, warn_ill_conditioned
from numlearn.classical.chebyshev_series import ChebyshevSeries
from numlearn.classical.linalg import inverse_norm1_estimate, power_of_two_row_scale
from numlearn.classical.spectral._almost_banded import (
    AlmostBandedSolver,
    SingularFactor,
    abs_sums,
)
from numlearn.classical.spectral._resolution import relative_tail, resolution_status
from numlearn.classical.spectral._sizes import MAX_ULTRASPHERICAL_N
from numlearn.classical.spectral.bvp import (
    _NORM_LABEL,
    ILL_CONDITIONED,
    SINGULAR_COND,
    UNRESOLVED_FIX,
    LinearBVP,
    SingularBVPError,
    _check_cond_option,
    _check_n,
    _cond_kind,
    _inf_norm,
    _singular_message,
    data_tails,
)
from numlearn.classical.spectral.piecewise import solve_ultraspherical_piecewise
from numlearn.classical.spectral.ultraspherical_operators import (
    _assemble,
    _preconditioner,
    _rhs,
    boundary_row,
    conversion_operator,
    differentiation_operator,
    multiplication_operator,
)

__all__ = [
    "boundary_row",
    "conversion_operator",
    "differentiation_operator",
    "multiplication_operator",
    "solve_ultraspherical",
]

#: Largest n for which ``cond="exact"`` (a dense SVD, O(n^3)) is allowed.
_EXACT_COND_LIMIT = 8192


# --------------------------------------------------------------------------- solver


def solve_ultraspherical(
    bvp: LinearBVP, n: int, *, cond: str = "auto", refine: bool = True,
    breakpoints: ArrayLike | None = None,
) -> Result:
    r"""Solve a linear BVP by the ultraspherical spectral method (Olver & Townsend 2013).

    Builds the almost-banded system: the ``m`` boundary rows (:func:`boundary_row`) over
    the first ``n - m`` rows of :math:`\mathcal L = \sum_k (2/(b-a))^k \mathcal S_{m-1}
    \cdots \mathcal S_k \mathcal M_k[a_k] \mathcal D_k` (see the module docstring),
    with right-hand side the first ``n - m`` :math:`C^{(m)}` coefficients
    :math:`\mathcal S_{m-1}\cdots\mathcal S_0 \mathbf f` (``f``'s Chebyshev series from
    Chebfun's adaptive constructor, zero-padded), and solves
    :math:`(TAR)\,y = Tb`, :math:`u = Ry` with the diagonal right preconditioner
    :math:`R = \mathrm{diag}(1,\dots,1, 1/(\sigma_m k))_{k\ge m}` of the module
    docstring and a diagonal ``T`` that scales each boundary row of ``AR`` by a power of
    two to largest entry ~1 (identity for Dirichlet rows).  Variable
    coefficients are expanded adaptively in Chebyshev series (they must be smooth;
    polynomials are exact) and enter through the multiplication operators
    (:func:`multiplication_operator`).  One step of iterative refinement follows by
    default.

    Cost: O(n d^2) to build (``d`` the longest coefficient series; d = 1 for
    constant coefficients) and O(n (w^2 + m w)) to solve, ``w = 2m + d`` the
    bandwidth (block elimination on a banded LU, SuperLU as the fallback): O(n) for a
    fixed problem; n = 1e6 takes about a second for a constant-coefficient problem
    (timings in the notes, *Spectral solvers*).

    Accuracy: with :math:`\kappa(TAR) = O(1)` the error does not grow with ``n``
    (about 1e-15 for :math:`u'' = e^{4x}`, :math:`u(\pm1) = 0`, ``n`` from 32 to 1e6).

    Parameters
    ----------
    bvp : LinearBVP
    n : int
        Number of Chebyshev coefficients of the solution (degree ``n - 1``); ``n > m``.
    cond : {"auto", "exact", "estimate", "none"}, default "auto"
        Condition numbers in ``stats``: exact 2-norm by SVD of the dense matrix
        (``"auto"`` for ``n <= 512``), a 1-norm estimate (the Hager-Higham estimator
        :func:`~numlearn.classical.linalg.inverse_norm1_estimate`, 4 to 11 solves
        with the factorisation and its transpose; ``"auto"`` above 512), or none.
        1- and 2-norm condition numbers can differ by a factor up to ``n`` either way.
        The singularity check uses it; with ``"none"`` only exact singularity (a zero
        pivot, or the Schur complement's condition number above 1/eps) is detected.
    refine : bool, default True
        One step of iterative refinement (it removes what the block elimination
        may lose when the banded block is only moderately conditioned).
    breakpoints : array_like, optional
        Interior points where a coefficient or the right-hand side is not smooth; the
        domain is split there (``n`` coefficients per piece) and the pieces are joined
        by continuity of :math:`u, \dots, u^{(m-1)}`, so each coefficient is expanded
        only where it is smooth (see
        :func:`~numlearn.classical.spectral.piecewise.solve_ultraspherical_piecewise`).
        The value is then a
        :class:`~numlearn.classical.spectral.piecewise.PiecewiseChebyshevSeries`.

    Returns
    -------
    Result
        ``value``: :class:`~numlearn.classical.chebyshev_series.ChebyshevSeries` with
        ``n`` coefficients.  ``stats``: ``n``, ``order``, ``method``, ``cond`` (of
        ``TAR``, the matrix solved; ``cond_of`` says so, with the norm),
        ``cond_assembled`` (of the unpreconditioned matrix ``A``), ``cond_norm``,
        ``residual_norm`` (:math:`\|b - Au\|_\infty`, named in ``residual_norm_of``),
        ``backward_error``, ``seconds`` (assembly + solve, without condition numbers),
        ``solver`` (``"schur-banded"`` or ``"splu"``), ``bandwidth``, ``rhs_length``
        and ``rhs_resolved`` (whether Chebfun's constructor resolved ``f``; if not, its
        ``n``-point interpolant is used), ``coefficient_lengths``.  ``history``:
        ``residual_norm`` before and after refinement.

    Raises
    ------
    SingularBVPError
        If the system is (numerically) singular: missing or incompatible boundary
        conditions, or a resonance.
    ValueError
        If ``n <= m``, or a coefficient is not smooth enough to expand.

    Warns
    -----
    IllConditionedWarning
        If the preconditioned condition number exceeds 1e12.
    RuntimeWarning
        With ``status`` :attr:`Status.UNRESOLVED` when the solution is not resolved:
        the relative tail of its Chebyshev coefficients (``stats["tail"]``, the largest
        of the last eighth over the largest) exceeds :math:`\sqrt{\varepsilon}` and
        the rounding floor ``cond * eps``, or a callable coefficient or right-hand
        side sampled on the grid has a tail above :math:`\sqrt{\varepsilon}`
        (``stats["data_tail"]``: a kink there; pass it in ``breakpoints``).

    References
    ----------
    .. [1] Olver & Townsend, SIAM Review 55(3), 462-489, 2013.
       :doi:`10.1137/120865458`

    See Also
    --------
    numlearn.classical.spectral.bvp.solve_collocation : dense collocation.
    Chebfun: ``cheboppref.setDefaults('discretization', @ultraS); u = L \ f``.

    Examples
    --------
    >>> from numlearn.classical.spectral.bvp import LinearBVP
    >>> bvp = LinearBVP((0.0, 0.0, 1.0), lambda x: np.exp(4 * x), [("left", 0, 0.0),
    ...                 ("right", 0, 0.0)])
    >>> res = solve_ultraspherical(bvp, 200)
    >>> exact = (np.exp(2.0) - 0.5 * np.sinh(4.0) - np.cosh(4.0)) / 16
    >>> bool(abs(res.value(np.array([0.5]))[0] - exact) < 1e-14)
    True
    >>> round(res.stats["cond"], 2), res.stats["cond_norm"]
    (1.67, '2')
    """
    if not isinstance(bvp, LinearBVP):
        raise TypeError(f"`bvp` must be a LinearBVP, got {type(bvp).__name__}.")
    m = bvp.order
    n = _check_n(n, m)
    cond = _check_cond_option(cond)
    refine = check_flag(refine, "refine")
    if n > MAX_ULTRASPHERICAL_N:
        raise ValueError(
            f"`n` = {n} is too large: the ultraspherical solver takes at most "
            f"{MAX_ULTRASPHERICAL_N} coefficients (about 40 float64 each in work arrays)."
        )
    if breakpoints is not None:
        return solve_ultraspherical_piecewise(bvp, n, breakpoints, cond=cond, refine=refine)
    if cond == "exact" and n > _EXACT_COND_LIMIT:
        raise ValueError(
            f"`cond='exact'` needs an SVD of the dense {n} x {n} matrix; use "
            f"cond='estimate' (or 'auto') for n > {_EXACT_COND_LIMIT}."
        )
    t0 = time.perf_counter()
    op, series, lead_max = _assemble(bvp, n)
    top = np.array([boundary_row(bc, n, bvp.domain) for bc in bvp.bcs])
    g = np.array([bc.value for bc in bvp.bcs])
    frhs, resolved, rhs_length = _rhs(bvp, n, bvp.domain)
    rhs = np.concatenate([g, frhs])
    rdiag = _preconditioner(m, n, bvp.domain, lead_max)
    op_r = (op @ sp.diags_array(rdiag)).tocsr()
    # Left preconditioner on the boundary rows only: a power of two (exact) near the
    # row's largest entry.  Dirichlet rows of AR have largest entry 1 and are left
    # alone; Neumann/Robin rows grow like k^2 / (2k) and are brought back to O(1).
    top_r = top * rdiag
    tscale = power_of_two_row_scale(top_r, nearest=True)
    top_r *= tscale[:, None]
    lscale = np.ones(n)
    lscale[:m] = tscale
    try:
        solver = AlmostBandedSolver(top_r, op_r)
    except SingularFactor as exc:
        raise SingularBVPError(_singular_message(exc.cond, bvp)) from None

    def residual(u: NDArray[np.float64]) -> NDArray[np.float64]:
        return rhs - np.concatenate([top @ u, op @ u])

    # (T A R) y = T b, u = R y.
    u = rdiag * solver.solve(lscale * rhs)
    r = residual(u)
    history: dict[str, list[Any]] = {"residual_norm": [_inf_norm(r)]}
    if refine:
        u = u + rdiag * solver.solve(lscale * r)
        r = residual(u)
        history["residual_norm"].append(_inf_norm(r))
    seconds = time.perf_counter() - t0
    if not np.all(np.isfinite(u)):
        raise SingularBVPError(_singular_message(math.inf, bvp))

    cond_norm = _cond_kind(cond, n)
    if cond_norm == "exact":
        dense = np.vstack([top, op.toarray()])
        c_full = float(np.linalg.cond(dense))
        c_pre = float(np.linalg.cond(lscale[:, None] * dense * rdiag))
    elif cond_norm == "estimate":
        col_pre = np.abs(top_r).sum(axis=0) + abs_sums(op_r, axis=0)
        col = np.abs(top).sum(axis=0) + abs_sums(op, axis=0)
        c_pre = float(col_pre.max()) * inverse_norm1_estimate(
            solver.solve, solver.solve_transpose, n
        )
        # A^{-1} = R (TAR)^{-1} T.
        c_full = float(col.max()) * inverse_norm1_estimate(
            lambda v: rdiag * solver.solve(lscale * v),
            lambda v: lscale * solver.solve_transpose(rdiag * v),
            n,
        )
    else:
        c_full = c_pre = math.nan
    if c_pre > SINGULAR_COND or (math.isnan(c_pre) and solver.schur_cond > SINGULAR_COND):
        raise SingularBVPError(_singular_message(c_pre, bvp))
    if not math.isnan(c_pre):
        warn_ill_conditioned(
            c_pre, f"the ultraspherical system (n = {n}, preconditioned)",
            threshold=ILL_CONDITIONED,
        )
    norm_label = _NORM_LABEL[cond_norm]
    anorm = max(_inf_norm(top, matrix=True), float(abs_sums(op, axis=1).max()))
    stats = {
        "n": n,
        "order": m,
        "method": "ultraspherical (Olver-Townsend)",
        "cond": c_pre,
        "cond_of": "T A R: A right-preconditioned, boundary rows scaled by powers of two "
                   f"(the matrix solved); norm {norm_label}",
        "cond_assembled": c_full,
        "cond_norm": norm_label,
        "residual_norm": history["residual_norm"][-1],
        "residual_norm_of": "||b - A u||_inf, unpreconditioned system",
        "backward_error": history["residual_norm"][-1]
        / (anorm * _inf_norm(u) + _inf_norm(rhs)),
        "seconds": seconds,
        "solver": solver.kind,
        "bandwidth": solver.bandwidth,
        "rhs_length": rhs_length,
        "rhs_resolved": resolved,
        "coefficient_lengths": [len(s) for s in series],
        "tail": relative_tail(u),
    }
    dtails = data_tails(bvp, n, bvp.domain)
    stats["data_tail"] = max(dtails.values(), default=0.0)
    status, message = resolution_status(
        {"x": stats["tail"]}, c_pre, f"the ultraspherical solution (n = {n})", UNRESOLVED_FIX,
        data_tails=dtails,
    )
    return Result(ChebyshevSeries(u, bvp.domain), side="classical", status=status,
                  message=message, stats=stats, history=history, method="ultraspherical")
