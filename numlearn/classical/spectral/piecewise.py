r"""Linear BVPs on piecewise domains: split at breakpoints, join by continuity.

A coefficient or right-hand side with a kink or jump at an interior point (``|x - 1|``)
makes the solution non-smooth there, and a single Chebyshev series converges only
algebraically.  Chebfun splits the domain at such *breakpoints* and represents the
solution by one series per piece: with pieces :math:`[x_0, x_1], \dots,
[x_{P-1}, x_P]` and ``n`` unknowns on each, the discrete system is

* on each piece, the ``n - m`` ODE rows of the single-interval method (square
  collocation with ``m`` rows dropped, rectangular collocation, or the
  ultraspherical operator), with the piece's own coefficients;
* the ``m`` boundary conditions, each on the piece that holds its point;
* at each breakpoint :math:`x_p`, the ``m`` continuity conditions
  :math:`u^{(j)}(x_p^-) - u^{(j)}(x_p^+) = 0`, :math:`j = 0, \dots, m-1` (for a
  second-order problem, ``u`` and ``u'`` continuous: the solution of
  :math:`a_2 u'' + \dots = f` with :math:`a_2 \ne 0` and bounded ``f`` has a continuous
  first derivative).

``P n`` equations for ``P n`` unknowns.  On each piece the data are smooth, so the
pieces converge spectrally.  Cost: dense LU of size ``P n`` for collocation; sparse LU
(SuperLU) of the almost-block-banded system for the ultraspherical method.

References
----------
.. [1] T. A. Driscoll, F. Bornemann and L. N. Trefethen, "The chebop system for
   automatic solution of differential equations", BIT 48(4), 701-723, 2008.
   :doi:`10.1007/s10543-008-0198-4`
.. [2] Chebfun: ``chebop`` with breakpoints (``domain([a x1 ... b])``), ``linop/
   deriveContinuity``.
"""

from __future__ import annotations

import itertools
import math
import time
from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result
from numlearn._core.validation import EPS, as_float_array, warn_ill_conditioned
from numlearn.classical.chebyshev import chebyshev_coefficients
from numlearn.classical.chebyshev_series import ChebyshevSeries
from numlearn.classical.linalg import inverse_norm1_estimate, power_of_two_row_scale
from numlearn.classical.spectral._collocation_core import (
    _dense_solve,
    _functional_row,
    _method_name,
    _ode_rows,
)
from numlearn.classical.spectral._resolution import relative_tail, resolution_status
from numlearn.classical.spectral._sizes import MAX_ULTRASPHERICAL_N, check_dense_size
from numlearn.classical.spectral.bvp import (
    _NORM_LABEL,
    ILL_CONDITIONED,
    SINGULAR_COND,
    UNRESOLVED_FIX,
    BoundaryCondition,
    LinearBVP,
    SingularBVPError,
    _cond_kind,
    _inf_norm,
    _singular_message,
    data_tails,
)
from numlearn.classical.spectral.ultraspherical_operators import (
    _assemble,
    _preconditioner,
    _rhs,
    boundary_row,
)

__all__ = [
    "MAX_PIECES",
    "PiecewiseChebyshevSeries",
    "solve_collocation_piecewise",
    "solve_ultraspherical_piecewise",
]

#: Most pieces a piecewise solve accepts (breakpoints + 1).
MAX_PIECES = 1024


class PiecewiseChebyshevSeries:
    """A function given by one :class:`ChebyshevSeries` per piece of a split domain.

    Parameters
    ----------
    pieces : sequence of ChebyshevSeries
        Consecutive pieces: the right end of each is the left end of the next.

    Evaluation at ``x`` uses the piece that contains it (a breakpoint belongs to the
    piece on its left).  ``derivative()`` differentiates each piece.
    """

    def __init__(self, pieces: list[ChebyshevSeries]) -> None:
        if not pieces:
            raise ValueError("`pieces` must hold at least one ChebyshevSeries.")
        for left, right in itertools.pairwise(pieces):
            if left.domain[1] != right.domain[0]:
                raise ValueError(
                    f"`pieces` must be consecutive: {left.domain} is followed by "
                    f"{right.domain}."
                )
        self._pieces = list(pieces)
        self._breaks = np.array([p.domain[0] for p in pieces] + [pieces[-1].domain[1]])

    @property
    def pieces(self) -> list[ChebyshevSeries]:
        """The series, one per piece, left to right."""
        return list(self._pieces)

    @property
    def breakpoints(self) -> NDArray[np.float64]:
        """All piece ends, the domain's endpoints included."""
        return self._breaks.copy()

    @property
    def domain(self) -> tuple[float, float]:
        return float(self._breaks[0]), float(self._breaks[-1])

    def __len__(self) -> int:
        return sum(len(p) for p in self._pieces)

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        xe = as_float_array(x, "x", ndim=(0, 1), allow_complex=False)
        flat = np.atleast_1d(xe).astype(np.float64)
        which = np.clip(np.searchsorted(self._breaks, flat, side="left") - 1, 0,
                        len(self._pieces) - 1)
        out = np.empty(flat.shape)
        for i, piece in enumerate(self._pieces):
            sel = which == i
            if sel.any():
                out[sel] = piece(flat[sel])
        return out.reshape(xe.shape)

    def derivative(self, order: int = 1) -> PiecewiseChebyshevSeries:
        return PiecewiseChebyshevSeries([p.derivative(order) for p in self._pieces])

    def __repr__(self) -> str:
        return (f"PiecewiseChebyshevSeries(breakpoints={self._breaks.tolist()}, "
                f"lengths={[len(p) for p in self._pieces]})")


def check_breakpoints(breakpoints: Any, domain: tuple[float, float]) -> NDArray[np.float64]:
    """The interior breakpoints as a sorted float64 array, refusing anything else.

    They must be finite reals strictly inside ``domain``, strictly increasing (after
    sorting: no duplicates), at most ``MAX_PIECES - 1`` of them, and no two closer than
    1024 ulps of the domain's scale (a piece must hold distinct points).
    """
    items = breakpoints if isinstance(breakpoints, list | tuple) else [breakpoints]
    if isinstance(breakpoints, str | bytes) or any(
        isinstance(v, bool | np.bool_ | str | bytes) for v in items
    ):
        raise TypeError(f"`breakpoints` must be a sequence of real numbers, got {breakpoints!r}.")
    bp = as_float_array(breakpoints, "breakpoints", ndim=(0, 1), allow_complex=False,
                        allow_empty=True)
    if bp.dtype.kind == "b":
        raise TypeError(f"`breakpoints` must be real numbers, got bools {breakpoints!r}.")
    bp = np.sort(np.atleast_1d(bp).astype(np.float64))
    if bp.size > MAX_PIECES - 1:
        raise ValueError(f"`breakpoints` holds {bp.size} points; at most {MAX_PIECES - 1}.")
    a, b = domain
    if bp.size and not (bp[0] > a and bp[-1] < b):
        raise ValueError(
            f"`breakpoints` must lie strictly inside the domain ({a}, {b}); got "
            f"[{bp[0]}, {bp[-1]}]. The domain's endpoints are not breakpoints."
        )
    ends = np.concatenate([[a], bp, [b]])
    gap = 1024.0 * EPS * max(abs(a), abs(b))
    if np.any(np.diff(ends) <= gap):
        i = int(np.argmin(np.diff(ends)))
        raise ValueError(
            f"`breakpoints` must be distinct and separated from each other and from the "
            f"ends: {ends[i]!r} and {ends[i + 1]!r} are too close. Remove duplicates."
        )
    return bp


def _pieces(domain: tuple[float, float], bp: NDArray[np.float64]) -> list[tuple[float, float]]:
    ends = [domain[0], *bp.tolist(), domain[1]]
    return list(itertools.pairwise(ends))


def _piece_of(x0: float, pieces: list[tuple[float, float]]) -> int:
    """The piece holding ``x0`` (a breakpoint: the piece on its left)."""
    for i, (_, b) in enumerate(pieces):
        if x0 <= b:
            return i
    return len(pieces) - 1


def _continuity(m: int, j: int, xb: float) -> BoundaryCondition:
    return BoundaryCondition(xb, (0.0,) * j + (1.0,), 0.0)


def _constraint_rows(
    bvp: LinearBVP, pieces: list[tuple[float, float]], n: int,
    row: Any,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Boundary and continuity rows (``len(pieces) * m`` of them) over all unknowns.

    ``row(bc, i)`` is the row of length ``n`` of condition ``bc`` on piece ``i``.
    """
    m, P = bvp.order, len(pieces)
    rows = np.zeros((P * m, P * n))
    vals = np.zeros(P * m)
    for k, bc in enumerate(bvp.bcs):
        i = _piece_of(bc.location(bvp.domain), pieces)
        rows[k, i * n:(i + 1) * n] = row(bc, i)
        vals[k] = bc.value
    k = m
    for i in range(P - 1):
        xb = pieces[i][1]
        for j in range(m):
            cond = _continuity(m, j, xb)
            rows[k, i * n:(i + 1) * n] = row(cond, i)
            rows[k, (i + 1) * n:(i + 2) * n] = -row(cond, i + 1)
            k += 1
    return rows, vals


def _finish(bvp: LinearBVP, series: list[ChebyshevSeries], stats: dict[str, Any],
            history: dict[str, list[Any]], cond: float, what: str, tag: str) -> Result:
    stats["tail"] = max(relative_tail(s.coefficients) for s in series)
    dtails: dict[str, float] = {}
    for s in series:
        for name, v in data_tails(bvp, len(s), s.domain).items():
            dtails[name] = max(v, dtails.get(name, 0.0))
    stats["data_tail"] = max(dtails.values(), default=0.0)
    status, message = resolution_status({"x": stats["tail"]}, cond, what, UNRESOLVED_FIX,
                                        stacklevel=5, data_tails=dtails)
    return Result(PiecewiseChebyshevSeries(series), side="classical", status=status,
                  message=message, stats=stats, history=history, method=tag)


def solve_collocation_piecewise(
    bvp: LinearBVP, n: int, breakpoints: ArrayLike, *, rectangular: bool = False,
    cond: str = "auto", refine: bool = False,
) -> Result:
    r"""Chebyshev collocation on a domain split at ``breakpoints`` (see the module).

    Called by :func:`~numlearn.classical.spectral.collocation.solve_collocation` with
    ``breakpoints=``; arguments as there (``n`` points per piece).  Square collocation
    drops, on each piece, the first :math:`\lceil m/2\rceil` and last
    :math:`\lfloor m/2\rfloor` ODE rows (the ends, where the conditions act); the
    rectangular method has ``n - m`` rows per piece already.  The global system is
    solved as in the single-interval case (power-of-two row scaling, dense LU), cost
    :math:`O((Pn)^3)`.

    Returns
    -------
    Result
        ``value``: :class:`PiecewiseChebyshevSeries`; ``stats`` as
        ``solve_collocation`` plus ``pieces`` and ``breakpoints``; ``n`` is per piece.
    """
    m = bvp.order
    bp = check_breakpoints(breakpoints, bvp.domain)
    pieces = _pieces(bvp.domain, bp)
    P = len(pieces)
    check_dense_size(P * n, P * n, f"`n` x pieces = {n} x {P} is", copies=m + 4)
    t0 = time.perf_counter()
    grids = [_ode_rows(bvp, n, dom, rectangular) for dom in pieces]
    keep = np.arange(n) if rectangular else np.arange(-(-m // 2), n - m // 2)
    ode = np.zeros((P * (n - m), P * n))
    rhs = np.zeros(P * (n - m))
    for i, (op, f, *_rest) in enumerate(grids):
        if not rectangular:
            op, f = op[keep], f[keep]
        ode[i * (n - m):(i + 1) * (n - m), i * n:(i + 1) * n] = op
        rhs[i * (n - m):(i + 1) * (n - m)] = f

    def row(bc: BoundaryCondition, i: int) -> NDArray[np.float64]:
        _, _, x, wbar, dmats = grids[i]
        return _functional_row(bc, pieces[i], x, wbar, dmats)

    con, con_vals = _constraint_rows(bvp, pieces, n, row)
    a = np.vstack([con, ode])
    b = np.concatenate([con_vals, rhs])
    method = _method_name(rectangular) + f", {P} pieces"
    u, stats, history = _dense_solve(a, b, bvp, method, cond, refine, t0)
    floor = stats.pop("cond_for_floor")
    stats.update(n=n, pieces=P, breakpoints=bp.tolist())
    series = [ChebyshevSeries(chebyshev_coefficients(u[i * n:(i + 1) * n]), dom)
              for i, dom in enumerate(pieces)]
    tag = ("collocation_rectangular" if rectangular else "collocation_square") + "_piecewise"
    return _finish(bvp, series, stats, history, floor,
                   f"the {method} solution (n = {n} per piece)", tag)


def solve_ultraspherical_piecewise(
    bvp: LinearBVP, n: int, breakpoints: ArrayLike, *, cond: str = "auto",
    refine: bool = True,
) -> Result:
    r"""The ultraspherical method on a domain split at ``breakpoints`` (see the module).

    Called by :func:`~numlearn.classical.spectral.ultraspherical.solve_ultraspherical`
    with ``breakpoints=``; arguments as there (``n`` coefficients per piece).  Each
    piece contributes its ``n - m`` rows of :math:`\mathcal L` (coefficients expanded
    on the piece, where they are smooth) with its own diagonal right preconditioner;
    the boundary and continuity rows (:func:`boundary_row` on each side) are scaled by
    powers of two to unit size.  Solved by SuperLU on the sparse system, then one step
    of iterative refinement.

    Returns
    -------
    Result
        ``value``: :class:`PiecewiseChebyshevSeries`; ``stats`` as
        ``solve_ultraspherical`` (no ``solver``/``bandwidth``) plus ``pieces`` and
        ``breakpoints``.
    """
    m = bvp.order
    bp = check_breakpoints(breakpoints, bvp.domain)
    pieces = _pieces(bvp.domain, bp)
    P = len(pieces)
    if P * n > MAX_ULTRASPHERICAL_N:
        raise ValueError(
            f"`n` x pieces = {n} x {P} is too large: at most {MAX_ULTRASPHERICAL_N} "
            "coefficients in all."
        )
    t0 = time.perf_counter()
    ops, rhss, rdiags, resolved, lengths = [], [], [], True, []
    for dom in pieces:
        op, series, lead_max = _assemble(bvp, n, dom)
        f, ok, _ = _rhs(bvp, n, dom)
        ops.append(op)
        rhss.append(f)
        rdiags.append(_preconditioner(m, n, dom, lead_max))
        resolved = resolved and ok
        lengths.append([len(s) for s in series])
    con, con_vals = _constraint_rows(
        bvp, pieces, n, lambda bc, i: boundary_row(bc, n, pieces[i]))
    A = sp.vstack([sp.csr_matrix(con), sp.block_diag(ops, format="csr")]).tocsc()
    rhs = np.concatenate([con_vals, *rhss])
    rdiag = np.concatenate(rdiags)
    lscale = np.ones(P * n)
    con_r = con * rdiag
    lscale[: P * m] = power_of_two_row_scale(con_r, nearest=True)
    Apre = (sp.diags_array(lscale) @ A @ sp.diags_array(rdiag)).tocsc()
    lu = spla.splu(Apre)

    def solve(v: NDArray[np.float64]) -> NDArray[np.float64]:
        return rdiag * lu.solve(lscale * v)

    u = solve(rhs)
    r = rhs - A @ u
    history: dict[str, list[Any]] = {"residual_norm": [_inf_norm(r)]}
    if refine:
        u = u + solve(r)
        r = rhs - A @ u
        history["residual_norm"].append(_inf_norm(r))
    seconds = time.perf_counter() - t0
    if not np.all(np.isfinite(u)):
        raise SingularBVPError(_singular_message(math.inf, bvp))
    cond_norm = _cond_kind(cond, P * n)
    if cond_norm == "exact":
        dense = Apre.toarray()
        c_pre, c_full = float(np.linalg.cond(dense)), float(np.linalg.cond(A.toarray()))
    elif cond_norm == "estimate":
        col_pre = np.asarray(abs(Apre).sum(axis=0)).ravel()
        c_pre = float(col_pre.max()) * inverse_norm1_estimate(
            lu.solve, lambda v: lu.solve(v, trans="T"), P * n)
        c_full = math.nan
    else:
        c_pre = c_full = math.nan
    if c_pre > SINGULAR_COND:
        raise SingularBVPError(_singular_message(c_pre, bvp))
    if not math.isnan(c_pre):
        warn_ill_conditioned(c_pre, f"the piecewise ultraspherical system ({P} pieces)",
                             threshold=ILL_CONDITIONED)
    anorm = float(np.asarray(abs(A).sum(axis=1)).max())
    norm_label = _NORM_LABEL[cond_norm]
    stats = {
        "n": n, "order": m, "pieces": P, "breakpoints": bp.tolist(),
        "method": f"ultraspherical (Olver-Townsend), {P} pieces",
        "cond": c_pre,
        "cond_of": "T A R: A right-preconditioned per piece, constraint rows scaled by "
                   f"powers of two (the matrix solved); norm {norm_label}",
        "cond_assembled": c_full, "cond_norm": norm_label,
        "residual_norm": history["residual_norm"][-1],
        "residual_norm_of": "||b - A u||_inf, unpreconditioned system",
        "backward_error": history["residual_norm"][-1]
        / (anorm * _inf_norm(u) + _inf_norm(rhs)),
        "seconds": seconds, "rhs_resolved": resolved, "coefficient_lengths": lengths,
    }
    series = [ChebyshevSeries(u[i * n:(i + 1) * n], dom) for i, dom in enumerate(pieces)]
    return _finish(bvp, series, stats, history, c_pre,
                   f"the piecewise ultraspherical solution (n = {n} per piece)",
                   "ultraspherical_piecewise")
