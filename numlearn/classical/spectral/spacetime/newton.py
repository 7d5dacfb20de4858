r"""Nonlinear space-time collocation by damped Gauss-Newton with QR solves.

:func:`solve_spacetime_newton` minimises :math:`\|W F(v)\|_2` for the nonlinear
benchmark problems (reaction, Burgers); when no row couples two x nodes the system
splits into independent groups solved one at a time.
"""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg as sla
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result, Status
from numlearn._core.validation import (
    EPS,
    as_float_array,
    check_fraction,
    check_int,
    warn_ill_conditioned,
)
from numlearn.classical.linalg import qr_lstsq, triangular_extreme_singular_values
from numlearn.classical.spectral._resolution import spacetime_resolution
from numlearn.classical.spectral.spacetime.discretisation import (
    _COND_WARN,
    _DERIVS,
    Discretisation,
    _check_cond,
    _check_grid,
    _Condition,
    _discretise,
    _jacobian,
    _residual,
    _row_weights,
    _Term,
    _weighted_name,
    resolve_evolution_problem,
)
from numlearn.classical.spectral.spacetime.grid import SpaceTimeInterpolant, _Axis

__all__ = ["solve_spacetime_newton"]


def _x_groups(disc: Discretisation) -> list[NDArray[np.intp]]:
    """Sets of x nodes that no row couples to any other (connected components).

    A row couples the x nodes where its x factor is nonzero; without x-derivatives
    and with the nodes as x collocation points every x-line is its own ODE in t,
    coupled at most by the periodicity row.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    nx = disc.x.n
    mats = [disc.factors(k)[1] for k in disc.keys]
    mats += [t.R for c in disc.conditions for t in c.terms]
    rows: list[int] = []
    cols: list[int] = []
    for r in mats:
        for row in r:
            nz = np.flatnonzero(row)
            if nz.size < 2:
                continue
            rows.extend(np.full(nz.size - 1, nz[0]))
            cols.extend(nz[1:])
    g = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(nx, nx))
    ncomp, labels = connected_components(g, directed=False)
    return [np.flatnonzero(labels == k) for k in range(ncomp)]


def _restrict(disc: Discretisation,
              cols: NDArray[np.intp]) -> tuple[Discretisation, list[NDArray[np.intp]]]:
    """The subsystem on the x nodes ``cols`` and, per block, its row indices in x."""

    def keep(R: NDArray[np.float64]) -> NDArray[np.intp]:
        return np.flatnonzero(np.abs(R[:, cols]).sum(axis=1) > 0)

    xsub = _Axis(disc.x.kind, disc.x.domain, disc.x.nodes[cols], disc.x.points,
                 disc.x.interp[:, cols])
    # Only x-derivative-free residuals are split, so x.diff is never needed.
    rk = keep(disc.pde_R)
    conds, row_sets = [], [rk]
    for c in disc.conditions:
        rr = keep(c.terms[0].R)
        conds.append(_Condition(c.name, tuple(_Term(t.coef, t.L, t.R[rr][:, cols])
                                              for t in c.terms), c.rhs[:, rr]))
        row_sets.append(rr)
    sub = Discretisation(disc.problem, disc.t, xsub, disc.pde_L, disc.pde_R[rk][:, cols],
                disc.keys, tuple(conds), disc.collocation, disc.x_basis)
    return sub, row_sets


def _sub_weights(disc: Discretisation, w: NDArray[np.float64],
                 row_sets: list[NDArray[np.intp]]) -> NDArray[np.float64]:
    """Pick the weights of a subsystem's rows out of the full weight vector."""
    out = []
    blocks = list(disc.blocks().values())
    rts = [disc.pde_L.shape[0]] + [c.rhs.shape[0] for c in disc.conditions]
    rxs = [disc.pde_R.shape[0]] + [c.rhs.shape[1] for c in disc.conditions]
    for sl, rt, rx, rr in zip(blocks, rts, rxs, row_sets, strict=True):
        out.append(w[sl].reshape(rt, rx)[:, rr].ravel())
    return np.concatenate(out)


@dataclass
class _NewtonState:
    disc: Discretisation
    w: NDArray[np.float64]
    v: NDArray[np.float64]
    F: NDArray[np.float64]
    done: bool = False
    failed: bool = False
    last_step: float = math.inf


def _newton_step(st: _NewtonState) -> tuple[float, float]:
    """One damped Gauss–Newton step in place; returns (step_norm, damping)."""
    J = st.w[:, None] * _jacobian(st.disc, st.v)
    s = qr_lstsq(J, -st.F, cond="none").x
    snorm = float(np.linalg.norm(s))
    vnorm = max(float(np.linalg.norm(st.v)), 1.0)
    alpha = 1.0
    # Steps below 1e-8 |v|: the linear model is exact to rounding, take them whole.
    if snorm > 1e-8 * vnorm:
        # Armijo on ||F||^2: the Gauss-Newton direction has directional derivative
        # -2 ||J s||^2 (J s is minus the projection of F on range(J)).
        f0 = float(st.F @ st.F)
        js2 = float(np.sum((J @ s) ** 2))
        while True:
            F_new = st.w * _residual(st.disc, st.v + alpha * s)
            if float(F_new @ F_new) <= f0 - 2e-4 * alpha * js2:
                break
            alpha *= 0.5
            if alpha < 2.0**-30:  # no decrease along the Gauss-Newton direction
                st.failed = True
                return 0.0, 0.0
        st.v = st.v + alpha * s
        st.F = F_new
    else:
        st.v = st.v + s
        st.F = st.w * _residual(st.disc, st.v)
    return alpha * snorm, alpha


def _jacobian_cond(states: list[_NewtonState], cond: str) -> tuple[int, float]:
    """Rank and 2-norm condition number of the block-diagonal weighted Jacobian."""
    rank, smax, smin = 0, 0.0, math.inf
    for st in states:
        J = st.w[:, None] * _jacobian(st.disc, st.v)
        R = sla.qr(J, mode="r", pivoting=True)[0][: J.shape[1]]
        d = np.abs(np.diag(R))
        rk = int(np.count_nonzero(d > max(J.shape) * EPS * d[0]))
        rank += rk
        if rk < J.shape[1]:
            smin = 0.0
            continue
        a, b, _ = triangular_extreme_singular_values(R, cond)
        smax, smin = max(smax, a), min(smin, b)
    return rank, (smax / smin if smin > 0 else math.inf)


def solve_spacetime_newton(
    problem: Any,
    nt: int,
    nx: int,
    *,
    collocation: Any = None,
    weights: Any = "equilibrate",
    x_basis: str | None = None,
    initial: ArrayLike | None = None,
    max_iter: int = 50,
    xtol: float = 64 * EPS,
    continuation: Mapping[str, Sequence[float]] | None = None,
    separable: bool | str = "auto",
    cond: str = "auto",
    x_map: Any = None,
) -> Result:
    r"""Nonlinear space-time collocation by damped Gauss–Newton with QR solves.

    Minimises :math:`\|W F(v)\|_2` where :math:`F` stacks the pointwise PDE residual
    at the collocation points and the linear condition rows (module docstring).  The
    Jacobian is assembled from the same Kronecker factors:
    :math:`J = \sum_k \operatorname{diag}(\partial\mathrm{res}/\partial d_k)
    (P_tD_t^{(a_k)}\otimes P_xD_x^{(b_k)})` — for reaction
    :math:`u_t - \rho u(1-u)`: :math:`P_tD_t\otimes P_x - \operatorname{diag}(\rho(1 -
    2u))(P_t\otimes P_x)`; for Burgers :math:`u_t + uu_x - \nu u_{xx}`:
    :math:`T + \operatorname{diag}(u_x)P + \operatorname{diag}(u)X - \nu X_2`.  Each
    step solves :math:`\min_s\|WJs + WF\|` by pivoted QR (never :math:`J^TJ`), then
    backtracks (Armijo, factor 1/2) unless the step is already below
    :math:`10^{-8}\|v\|`.  For a square (``collocation="square"``) or consistent
    system this is Newton's method and converges quadratically.

    **Separability.**  If no row couples two x nodes (no x-derivative in the residual
    and the x collocation points are the nodes: reaction), the system splits into
    independent ODE collocation problems in ``t``, one per x node (the two end
    nodes of a periodic Chebyshev axis together, joined by the periodicity row).
    ``separable="auto"`` solves them one group at a time: :math:`n_x` QR solves of
    size :math:`\sim n_t` instead of one of size :math:`n_tn_x`.

    Parameters
    ----------
    problem : EvolutionProblem or str
        ``"reaction"`` or ``"burgers"`` (or any evolution problem; a linear one
        converges in one step).
    nt, nx, collocation, weights, x_basis
        As in :func:`spacetime_system`.  ``weights="equilibrate"`` scales rows by the
        norms of the Jacobian at the initial iterate, fixed for all iterations (the
        objective must not change between steps).
    initial : array_like (nt, nx), optional
        Starting nodal values; default the initial condition extended constantly in
        time, :math:`U_{kl} = u_0(x_l)`.
    max_iter : int, default 50
        Per continuation stage.
    xtol : float, default 64 eps
        Stop when :math:`\|s\|_2 \le \mathrm{xtol}\,\max(\|v\|_2, 1)`, or when the
        steps stop contracting (:math:`\|s_k\| > \|s_{k-1}\|/2`) below
        :math:`10^{-8}\|v\|`: the rounding floor of :math:`\kappa(J)\varepsilon`.
    continuation : dict, optional
        ``{"nu": [0.1, 0.03, ...]}``: solve with these coefficient values in turn,
        each from the previous solution, before the problem's own value.
    separable : bool or "auto"
    cond : {"auto", "svd", "lanczos", "none"}
        Condition number of the final (weighted) Jacobian; see
        :func:`solve_spacetime_lstsq`.
    x_map : TanMap or float, optional
        Chebyshev x nodes clustered by a node map (as in :func:`spacetime_system`;
        for the Burgers front at ``x = 0``).

    Returns
    -------
    Result
        ``value``: :class:`SpaceTimeInterpolant`; ``status``: :attr:`Status.SUCCESS`,
        :attr:`Status.MAX_ITERATIONS`, :attr:`Status.LINE_SEARCH_FAILED`,
        :attr:`Status.DIVERGED`, or :attr:`Status.UNRESOLVED` (with a `RuntimeWarning`)
        when Newton converged but the solution's coefficients have not decayed
        (``stats["tail_t"]``, ``stats["tail_x"]``, as in
        :func:`~numlearn.classical.spectral.spacetime.solve_spacetime_lstsq`);
        ``stats``: ``iterations`` (Gauss-Newton iterations, all stages),
        ``residual_norm`` :math:`\|WF\|_2` (``residual_norm_of``),
        ``cond`` (2-norm condition number of the weighted Gauss-Newton Jacobian at the
        solution, block diagonal over independent groups; ``cond_of`` says so),
        ``rank``, ``groups``, ``separable``, ``shape``, ``n_rows``, ``n_unknowns``,
        ``weighting``, ``collocation``, ``x_basis``, ``stages``, ``seconds``, ``tail_t``,
        ``tail_x``;
        ``history``:
        ``residual_norm`` (initial, then after each iteration), ``step_norm``,
        ``damping``, ``stage``.

    Notes
    -----
    Cost per iteration: assembly :math:`O(m n)` and QR :math:`O(mn^2)` for ``m``
    rows and ``n = nt*nx`` unknowns (separable: :math:`O(n_x m_t n_t^2)`).

    Accuracy: reaction is solved to about 1e-13 (relative L2); Burgers at
    :math:`\nu = 0.01/\pi` converges to the rounding floor but its front needs
    hundreds of x nodes, beyond a dense space-time system (measurements in
    the notes, *Spectral solvers*).
    """
    # Every option travels on unchanged; _solve_newton checks them, once.
    options = {k: v for k, v in locals().items() if k not in ("problem", "nt", "nx")}
    return _solve_newton(resolve_evolution_problem(problem), nt, nx, **options)


def _solve_newton(problem: Any, nt: Any, nx: Any, **options: Any) -> Result:
    """:func:`solve_spacetime_newton` for a resolved ``problem``; checks the rest once.

    ``options`` are the keyword arguments of :func:`solve_spacetime_newton`, with its
    defaults (an unknown one raises `TypeError`, as a call of it would).
    """
    bound = inspect.signature(solve_spacetime_newton).bind(problem, nt, nx, **options)
    bound.apply_defaults()  # also puts the arguments in the signature's order
    (collocation, weights, x_basis, initial, max_iter, xtol, continuation, separable,
     cond, x_map) = list(bound.arguments.values())[3:]
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    xtol = check_fraction(xtol, "xtol", allow_one=False)
    cond = _check_cond(cond)
    grid = _check_grid(problem, nt, nx, collocation, x_basis, x_map=x_map)
    stages: list[Any] = []
    if continuation:
        lengths = {len(v) for v in continuation.values()}
        if len(lengths) != 1:
            raise ValueError("all `continuation` sequences must have the same length")
        for i in range(lengths.pop()):
            over = {k: float(v[i]) for k, v in continuation.items()}
            unknown = set(over) - set(problem.params)
            if unknown:
                raise ValueError(f"`continuation` names unknown coefficients {sorted(unknown)}"
                                 f"; {problem.name} has {sorted(problem.params)}.")
            try:
                stage = resolve_evolution_problem(type(problem)(params={**problem.params, **over}))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"`continuation` stage {i}: {exc}") from None
            stages.append(stage)
    stages.append(problem)

    t0 = time.perf_counter()
    disc = _discretise(problem, grid)
    n = disc.t.n * disc.x.n
    if initial is None:
        v0 = np.tile(problem.initial_condition(disc.x.nodes), disc.t.n)
    else:
        u0 = as_float_array(initial, "initial", ndim=2, allow_complex=False)
        if u0.shape != disc.shape:
            raise ValueError(f"`initial` must have shape {disc.shape}, got {u0.shape}.")
        v0 = u0.ravel().copy()
    groups = [np.arange(disc.x.n)]
    has_x = any(_DERIVS[k][1] > 0 for k in disc.keys)
    if separable is True or (separable == "auto" and not has_x):
        groups = _x_groups(disc) if not has_x else groups
        if separable is True and len(groups) == 1:
            raise ValueError("`separable=True` but the rows couple all x nodes (x-derivatives "
                             "or a refined x collocation set).")
    elif separable not in (False, "auto"):
        raise ValueError(f"`separable` must be True, False or 'auto', got {separable!r}.")

    history: dict[str, list[Any]] = {"residual_norm": [], "step_norm": [], "damping": [],
                                     "stage": []}
    V = v0.reshape(disc.shape).copy()
    status, message, iters_total, rank, kappa = Status.SUCCESS, "", 0, n, math.nan
    weight_label = ""
    for si, prob in enumerate(stages):
        sdisc = disc if prob is problem else _discretise(prob, grid)
        # Weights fixed within a stage; equilibration uses the rows of the Jacobian at
        # the stage's starting point (a group's rows carry all their nonzeros).
        equil = isinstance(weights, str) and weights == "equilibrate"
        if not equil:
            w_full, weight_label = _row_weights(sdisc, None, weights)
        states = []
        for cols in groups:
            if len(groups) == 1:
                sub, row_sets = sdisc, None
            else:
                sub, row_sets = _restrict(sdisc, cols)
            v = V[:, cols].ravel()
            if equil:
                ws, weight_label = _row_weights(sub, _jacobian(sub, v), weights)
            else:
                ws = w_full if row_sets is None else _sub_weights(sdisc, w_full, row_sets)
            states.append(_NewtonState(sub, ws, v, ws * _residual(sub, v)))

        def total(sts: list[_NewtonState]) -> float:
            return math.sqrt(sum(float(s.F @ s.F) for s in sts))

        history["residual_norm"].append(total(states))
        history["step_norm"].append(math.nan)
        history["damping"].append(math.nan)
        history["stage"].append(si)
        stage_status = Status.MAX_ITERATIONS
        stage_message = (f"{max_iter} Gauss-Newton iterations without convergence; raise "
                         "max_iter or use continuation/damping")
        for _ in range(max_iter):
            steps, damps = [], []
            for st in states:
                if st.done:
                    continue
                snorm, alpha = _newton_step(st)
                vnorm = max(float(np.linalg.norm(st.v)), 1.0)
                if snorm <= xtol * vnorm or (snorm > 0.5 * st.last_step
                                             and snorm <= 1e-8 * vnorm):
                    st.done = True
                st.last_step = snorm
                steps.append(snorm)
                damps.append(alpha)
            iters_total += 1
            rn = total(states)
            history["residual_norm"].append(rn)
            history["step_norm"].append(math.sqrt(sum(s * s for s in steps)))
            history["damping"].append(min(damps))
            history["stage"].append(si)
            if not math.isfinite(rn):
                stage_status = Status.DIVERGED
                stage_message = ("the residual became non-finite; use continuation or a "
                                 "better initial guess")
                break
            if any(st.failed for st in states):
                stage_status = Status.LINE_SEARCH_FAILED
                stage_message = ("no decrease of the residual along the Gauss-Newton "
                                 "direction (singular Jacobian or a start too far away); "
                                 "use continuation or a better initial guess")
                break
            if all(st.done for st in states):
                stage_status, stage_message = Status.SUCCESS, ""
                break
        for cols, st in zip(groups, states, strict=True):
            V[:, cols] = st.v.reshape(disc.t.n, len(cols))
        if stage_status is not Status.SUCCESS:
            status = stage_status
            message = (f"{stage_message} (stage {si + 1} of {len(stages)}, "
                       f"params {prob.params})")
            break
        # Condition of the final Jacobian (block diagonal over independent groups).
        if si == len(stages) - 1 and cond != "none":
            rank, kappa = _jacobian_cond(states, cond)
    elapsed = time.perf_counter() - t0
    if math.isfinite(kappa):
        warn_ill_conditioned(kappa, f"The {problem.name} Newton Jacobian", threshold=_COND_WARN)
    stats = {
        "iterations": iters_total, "residual_norm": history["residual_norm"][-1],
        "residual_norm_of": "||W F(v)||_2, weighted collocation residual",
        "cond": kappa,
        "cond_of": f"Gauss-Newton Jacobian at the solution, {_weighted_name(weight_label)}"
                   + (", block diagonal over the independent groups" if len(groups) > 1
                      else ""),
        "rank": rank, "groups": len(groups),
        "separable": len(groups) > 1, "shape": disc.shape, "n_rows": disc.nrows,
        "n_unknowns": n, "weighting": weight_label, "collocation": disc.collocation,
        "x_basis": disc.x_basis, "stages": len(stages), "seconds": elapsed,
    }
    value = SpaceTimeInterpolant._from_nodal(V, problem.t_domain, problem.x_domain,
                                             disc.x_basis, disc.x.x_map)
    tails, status, message = spacetime_resolution(
        V, disc.x_basis, kappa,
        f"the {problem.name} space-time solution ({V.shape[0]} x {V.shape[1]})",
        status, message)
    stats["tail_t"], stats["tail_x"] = tails["t"], tails["x"]
    return Result(value=value, side="classical", status=status, message=message,
                  stats=stats, history=history,
                  method="spacetime collocation Gauss-Newton (QR)")
