r"""Chebyshev collocation for linear BVPs: square (row replacement) and rectangular.

Two discretisations of a :class:`~numlearn.classical.spectral.bvp.LinearBVP` (the
third, the ultraspherical spectral method, is in
:mod:`numlearn.classical.spectral.ultraspherical`):

* **square collocation** (Trefethen 2000, ch. 7 and 13; ``cheb.m``): the ODE at the
  ``n`` Chebyshev points of the second kind, with ``m`` of those rows replaced by the
  boundary conditions;
* **rectangular collocation** (Driscoll and Hale 2016): the ODE at ``n - m`` Chebyshev
  points of the *first* kind, reached from the ``n`` unknown values by the barycentric
  resampling matrix (:func:`~numlearn.classical.barycentric_matrix.barycentric_matrix`), with
  the ``m`` boundary rows appended.  No row is dropped, so the discretisation does not
  depend on which rows one would replace, and the same recipe serves any order and any
  mix of conditions.  Chebfun's default (``chebcolloc2``) discretisation of a
  ``chebop``.

Both are dense and cost :math:`O(n^3)` for the LU factorisation.  Their condition
numbers grow algebraically with ``n``: about :math:`n^{2m + 1/2}` for the assembled
matrix of an order-``m`` problem and about :math:`n^m` once its rows are scaled to
unit size, which is what the solver factors (measured slopes in
the notes, *Spectral solvers*).

References
----------
.. [1] L. N. Trefethen, *Spectral Methods in MATLAB*, SIAM, 2000, ch. 7 (boundary
   value problems) and ch. 13 (more about boundary conditions).
.. [2] T. A. Driscoll and N. Hale, "Rectangular spectral collocation", IMA J. Numer.
   Anal. 36(1), 108-132, 2016. :doi:`10.1093/imanum/dru062`
.. [3] Chebfun: ``chebop``, ``chebcolloc2``, ``colloc/reduce.m``, ``chebtech/diff.m``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result
from numlearn._core.validation import check_flag
from numlearn.classical.chebyshev import chebyshev_coefficients
from numlearn.classical.chebyshev_series import ChebyshevSeries
from numlearn.classical.spectral._collocation_core import (
    _dense_solve,
    _functional_row,
    _method_name,
    _ode_rows,
)
from numlearn.classical.spectral._resolution import relative_tail, resolution_status
from numlearn.classical.spectral._sizes import check_dense_size
from numlearn.classical.spectral.bvp import (
    UNRESOLVED_FIX,
    BoundaryCondition,
    LinearBVP,
    _check_cond_option,
    _check_n,
    data_tails,
)
from numlearn.classical.spectral.piecewise import solve_collocation_piecewise

__all__ = ["solve_collocation"]


def _replaced_rows(bcs: Sequence[BoundaryCondition], domain: tuple[float, float],
                   x: NDArray[np.float64]) -> list[int]:
    """Which collocation rows the square method gives to the boundary conditions.

    Conditions at the left end take rows 0, 1, ...; at the right end n-1, n-2, ...;
    a condition at an interior point the free row nearest to it.
    """
    n = x.shape[0]
    free = np.ones(n, dtype=bool)
    rows = []
    for bc in bcs:
        x0 = bc.location(domain)
        if x0 == domain[0]:
            i = int(np.argmax(free))
        elif x0 == domain[1]:
            i = n - 1 - int(np.argmax(free[::-1]))
        else:
            dist = np.where(free, np.abs(x - x0), np.inf)
            i = int(np.argmin(dist))
        free[i] = False
        rows.append(i)
    return rows


def solve_collocation(
    bvp: LinearBVP,
    n: int,
    *,
    rectangular: bool = False,
    cond: str = "auto",
    refine: bool = False,
    breakpoints: ArrayLike | None = None,
) -> Result:
    r"""Solve a linear BVP by Chebyshev collocation: square (Trefethen) or rectangular.

    The unknowns are the values :math:`u_j = u(x_j)` at the ``n`` Chebyshev points of
    the second kind on ``[a, b]``, i.e. the degree ``n - 1`` interpolant.  With
    :math:`D_k` the ``k``-th order differentiation matrix
    (:func:`~numlearn.classical.differentiation.chebyshev_diffmat`):

    * ``rectangular=False`` (Trefethen 2000, ch. 7 and 13): :math:`L = \sum_k
      \mathrm{diag}(a_k(x)) D_k`, :math:`Lu = f(x)`, and ``m`` rows of ``L`` are
      *replaced* by the boundary conditions (rows 0, 1, ... for conditions at ``a``,
      n-1, n-2, ... at ``b``, the nearest row for an interior point).
    * ``rectangular=True`` (Driscoll and Hale 2016): the ODE is imposed at the
      ``n - m`` Chebyshev points :math:`y_i` of the *first* kind,
      :math:`\sum_k \mathrm{diag}(a_k(y)) P D_k u = f(y)`, where
      :math:`P_{ij} = \ell_j(y_i)` is the barycentric resampling matrix from the
      ``n``-point grid, and the ``m`` boundary rows are appended on top: square, no
      row dropped.  (Driscoll & Hale resample the whole operator, :math:`P L`; for
      variable coefficients this evaluates :math:`a_k` at :math:`y` instead, which is
      the same up to the interpolation error of :math:`a_k u^{(k)}`.)

    A boundary condition :math:`\sum_j w_j u^{(j)}(x_0) = g` is the row
    :math:`\sum_j w_j\, \ell(x_0)^T D_j` (a row of :math:`D_j` at an endpoint).
    Each row of the system is scaled by a power of two (exact) so that its largest
    entry is in [1/2, 1) before the LU factorisation with partial pivoting; the
    solution is unchanged, the pivoting is no longer fooled by the :math:`n^{2m}`
    size of the ODE rows against the O(1) boundary rows.

    Cost: :math:`O(m^2 n^2)` to build (:math:`O(m n^3)` for the rectangular
    :math:`P D_k` products), :math:`O(n^3)` for the LU, :math:`O(n^3)` more for the
    exact condition number (``n <= 512`` with ``cond="auto"``).  Use it up to
    ``n`` in the low thousands; for large ``n`` use
    :func:`~numlearn.classical.spectral.ultraspherical.solve_ultraspherical`.

    Conditioning: the assembled matrix of an order-``m`` problem has a condition
    number growing like :math:`n^{2m+1/2}`, the row-scaled one like :math:`n^{m}`
    (measurements in the notes, *Spectral solvers* and ``bench/bench_bvp.py``).  The
    error of the computed solution follows the row-scaled number, far below
    ``cond_assembled * eps``.

    Parameters
    ----------
    bvp : LinearBVP
    n : int
        Number of collocation points (degree ``n - 1``); ``n > m``.
    rectangular : bool, default False
        Driscoll-Hale rectangular collocation instead of row replacement.
    cond : {"auto", "exact", "estimate", "none"}, default "auto"
        How to compute the condition numbers in ``stats``: exact 2-norm by SVD
        (``"auto"`` for ``n <= 512``), the LAPACK 1-norm estimate (``gecon`` and
        the Hager-Higham estimate of :func:`inverse_norm1_estimate`, :math:`O(n^2)`;
        ``"auto"`` above 512), or not at all (``nan``).  The 1-norm estimate is a
        lower bound of the 1-norm condition number, which is within a factor ``n``
        of the 2-norm one.  The singularity check always runs (``gecon``).
    refine : bool, default False
        One step of iterative refinement in working precision.  Off by default: the
        residual :math:`b - Au` is computed no more accurately than the solve itself
        (the ODE rows are of size :math:`n^{2m}`), so refinement can make the solution
        less accurate (measured in the notes, *Spectral solvers*).
    breakpoints : array_like, optional
        Interior points of the domain where a coefficient or the right-hand side is not
        smooth (a kink or a jump).  The domain is split there into pieces, ``n`` points
        on each, joined by continuity of :math:`u, u', \dots, u^{(m-1)}` (Chebfun's
        piecewise ``chebop``); see
        :func:`~numlearn.classical.spectral.piecewise.solve_collocation_piecewise`.
        The value is then a
        :class:`~numlearn.classical.spectral.piecewise.PiecewiseChebyshevSeries`.

    Returns
    -------
    Result
        ``value``: :class:`ChebyshevSeries` with the ``n`` Chebyshev coefficients of
        the interpolant.  ``stats``: ``n``, ``order``, ``method``, ``cond`` (of the
        row-scaled matrix that is factored; ``cond_of`` says so, with the norm),
        ``cond_assembled`` (of the assembled matrix, rows unscaled), ``cond_norm``
        (``"2"``, ``"1 (estimate)"`` or ``"none"``), ``residual_norm``
        (:math:`\|b - Au\|_\infty` of the unscaled system after refinement;
        ``residual_norm_of`` says so), ``backward_error`` (:math:`\|b - Au\|_\infty / (\|A\|_\infty
        \|u\|_\infty + \|b\|_\infty)`), ``seconds`` (assembly + solve, without the
        condition numbers).  ``history``: ``residual_norm``, before (and, with
        ``refine``, after) refinement.

    Raises
    ------
    SingularBVPError
        If the (row-scaled) system is numerically singular (condition number > 1/eps):
        missing or incompatible boundary conditions, or a resonance.
    ValueError
        If ``n <= m``, or a coefficient is not finite on the domain.

    Warns
    -----
    IllConditionedWarning
        If the row-scaled condition number exceeds 1e12.
    RuntimeWarning
        With ``status`` :attr:`Status.UNRESOLVED` when the solution is not resolved:
        the relative tail of its Chebyshev coefficients (``stats["tail"]``, the largest
        of the last eighth over the largest) exceeds :math:`\sqrt{\varepsilon}` and
        the rounding floor ``cond * eps``, or a callable coefficient or right-hand
        side sampled on the grid has a tail above :math:`\sqrt{\varepsilon}`
        (``stats["data_tail"]``: a kink there; pass it in ``breakpoints``).

    References
    ----------
    .. [1] Trefethen, *Spectral Methods in MATLAB*, SIAM 2000, Programs 13 and 32-33.
    .. [2] Driscoll & Hale, IMA J. Numer. Anal. 36(1), 108-132, 2016.
       :doi:`10.1093/imanum/dru062`

    See Also
    --------
    numlearn.classical.spectral.ultraspherical.solve_ultraspherical : sparse,
        well-conditioned, O(n) for constant coefficients.
    scipy.integrate.solve_bvp : collocation with adaptive mesh (low order).
    Chebfun: ``L = chebop(@(u) diff(u, 2), [-1 1]); L.bc = 0; u = L \ exp(4*x)``
        (``x = chebfun('x')``).

    Examples
    --------
    >>> bvp = LinearBVP((0.0, 0.0, 1.0), lambda x: np.exp(4 * x), [("left", 0, 0.0),
    ...                 ("right", 0, 0.0)])
    >>> u = solve_collocation(bvp, 32).value
    >>> exact = (np.exp(2.0) - 0.5 * np.sinh(4.0) - np.cosh(4.0)) / 16
    >>> bool(abs(u(np.array([0.5]))[0] - exact) < 1e-13)
    True
    """
    if not isinstance(bvp, LinearBVP):
        raise TypeError(f"`bvp` must be a LinearBVP, got {type(bvp).__name__}.")
    m = bvp.order
    n = _check_n(n, m)
    cond = _check_cond_option(cond)
    rectangular = check_flag(rectangular, "rectangular")
    refine = check_flag(refine, "refine")
    check_dense_size(n, n, f"`n` = {n} is", copies=m + 4)
    if breakpoints is not None:
        return solve_collocation_piecewise(bvp, n, breakpoints, rectangular=rectangular,
                                           cond=cond, refine=refine)
    t0 = time.perf_counter()
    domain = bvp.domain
    op, rhs, x, wbar, dmats = _ode_rows(bvp, n, domain, rectangular)
    bc_rows = np.array([_functional_row(bc, domain, x, wbar, dmats) for bc in bvp.bcs])
    bc_vals = np.array([bc.value for bc in bvp.bcs])
    if rectangular:
        a = np.vstack([bc_rows, op])
        b = np.concatenate([bc_vals, rhs])
    else:
        a, b = op, rhs
        rows = _replaced_rows(bvp.bcs, domain, x)
        a[rows] = bc_rows
        b[rows] = bc_vals
    u, stats, history = _dense_solve(a, b, bvp, _method_name(rectangular), cond, refine, t0)
    tag = "collocation_rectangular" if rectangular else "collocation_square"
    coeffs = chebyshev_coefficients(u)
    stats["tail"] = relative_tail(coeffs)
    dtails = data_tails(bvp, n, domain)
    stats["data_tail"] = max(dtails.values(), default=0.0)
    status, message = resolution_status(
        {"x": stats["tail"]}, stats["cond_for_floor"],
        f"the {stats['method']} solution (n = {n})", UNRESOLVED_FIX, data_tails=dtails,
    )
    del stats["cond_for_floor"]
    value = ChebyshevSeries(coeffs, domain)
    return Result(value, side="classical", status=status, message=message, stats=stats,
                  history=history, method=tag)


