r"""Solving space-time collocation: the linear least-squares solve and the driver.

:func:`solve_spacetime_lstsq` solves a :class:`CollocationSystem` by pivoted QR;
:func:`solve_spacetime` is the one-call driver for any benchmark evolution problem
(QR for the linear ones, Gauss-Newton for the nonlinear ones), with the error on the
problem's evaluation grid.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import scipy.linalg as sla

from numlearn._core.result import Result, Status
from numlearn._core.validation import check_choice, warn_ill_conditioned
from numlearn.classical.linalg import qr_lstsq
from numlearn.classical.spectral._resolution import spacetime_resolution
from numlearn.classical.spectral.spacetime.discretisation import (
    _COND_WARN,
    _check_cond,
    resolve_evolution_problem,
)
from numlearn.classical.spectral.spacetime.newton import _solve_newton
from numlearn.classical.spectral.spacetime.system import CollocationSystem, _linear_system

__all__ = ["solve_spacetime", "solve_spacetime_lstsq"]


def solve_spacetime_lstsq(
    system: CollocationSystem, *, method: str = "qr", cond: str = "auto"
) -> Result:
    r"""Solve the collocation least-squares problem :math:`\min\|Av - b\|_2` stably.

    ``method="qr"`` (default): Householder QR with column pivoting (LAPACK
    ``geqp3``, as in ``gelsy``), :math:`Q` applied to :math:`b` without being formed,
    then a triangular solve; backward stable, so the forward error is about
    :math:`\kappa(A)\,\varepsilon` (plus :math:`\kappa^2\varepsilon\,\|r\|/(\|A\|\|v\|)`
    for inconsistent systems).  ``"gelsy"``/``"gelsd"``: :func:`scipy.linalg.lstsq`
    with that LAPACK driver (``gelsd`` is SVD based and reports the exact
    :math:`\kappa`).  The normal equations are never formed (they square
    :math:`\kappa`).

    Parameters
    ----------
    system : CollocationSystem
    method : {"qr", "gelsy", "gelsd"}
    cond : {"auto", "svd", "lanczos", "none"}
        How :math:`\kappa_2(A)` is computed for ``method="qr"``: singular values of
        :math:`R` (the same as those of :math:`A`), exactly (``"svd"``, :math:`O(n^3)`,
        the default up to 400 unknowns) or by Lanczos on :math:`R` and
        :math:`R^{-1}` (:func:`scipy.sparse.linalg.svds`, relative tolerance 1e-6,
        :math:`O(n^2)` per iteration).

    Returns
    -------
    Result
        ``value``: :class:`SpaceTimeInterpolant` (``np.asarray(value)`` gives the
        nodal values ``U[i_t, i_x]``); ``stats``: ``cond`` (2-norm of the weighted
        ``A``; ``cond_of`` names the weighting, e.g. ``"A row-equilibrated (unit
        2-norm rows)"``), ``cond_method``, ``rank``, ``residual_norm``
        :math:`\|Av-b\|_2` (``residual_norm_of``), ``loss`` (its square), ``shape``,
        ``n_rows``, ``n_unknowns``, ``weighting``, ``collocation``, ``x_basis``,
        ``seconds``; ``status`` :attr:`Status.SUCCESS` or
        :attr:`Status.RANK_DEFICIENT` (then the basic solution of the leading ``rank``
        pivoted columns, and an :class:`IllConditionedWarning`), or
        :attr:`Status.UNRESOLVED` with a `RuntimeWarning` when the solution's
        Chebyshev (t) or Fourier/Chebyshev (x) coefficients have not decayed
        (``stats["tail_t"]``, ``stats["tail_x"]``: the largest of the last eighth over
        the largest, above :math:`\sqrt{\varepsilon}` and ``cond * eps``).

    Notes
    -----
    Cost :math:`2mn^2 - \tfrac23 n^3` flops for ``m`` rows and ``n = nt*nx``
    unknowns (about a minute for 81 × 80 on two cores), plus the condition number.

    References
    ----------
    Golub and Van Loan, *Matrix Computations*, 4th ed., §5.3–5.4; LAPACK ``dgelsy``.
    """
    if not isinstance(system, CollocationSystem):
        raise TypeError(
            f"`system` must be a CollocationSystem (from spacetime_system), got "
            f"{type(system).__name__}."
        )
    return _lstsq(system, _check_method(method), _check_cond(cond))


def _check_method(method: Any) -> str:
    return check_choice(method, "method", ("qr", "gelsy", "gelsd"))


def _lstsq(system: CollocationSystem, method: str, cond: str) -> Result:
    """:func:`solve_spacetime_lstsq` with validated arguments."""
    A, b = system.A, system.b
    m, n = A.shape
    t0 = time.perf_counter()
    if method == "qr":
        v, rank, kappa, how = qr_lstsq(A, b, cond=cond)
    else:
        v, _, rank, s = sla.lstsq(A, b, lapack_driver=method)
        if method == "gelsd" and s is not None:
            kappa, how = float(s[0] / s[-1]) if s[-1] > 0 else math.inf, "svd (gelsd)"
        elif cond != "none":
            _, _, kappa, how = qr_lstsq(A, b, cond=cond)
        else:
            kappa, how = math.nan, "none"
    elapsed = time.perf_counter() - t0
    r = A @ v - b
    status, message = Status.SUCCESS, ""
    if rank < n:
        status = Status.RANK_DEFICIENT
        message = (
            f"numerical rank {rank} < {n} unknowns. Likely causes: fewer "
            "collocation points than nodes, a zero coefficient removing a derivative "
            "from the PDE, or missing initial/boundary rows; the returned values are "
            "one (basic) least-squares solution, not unique."
        )
        warn_ill_conditioned(math.inf, f"The {system.problem.name} collocation system "
                             f"(rank {rank} < {n})", threshold=0.0)
    else:
        warn_ill_conditioned(kappa, f"The {system.problem.name} collocation system",
                             threshold=_COND_WARN)
    stats = {
        "cond": kappa, "cond_of": system.matrix_name, "cond_method": how, "rank": rank,
        "residual_norm": float(np.linalg.norm(r)), "residual_norm_of": "||A v - b||_2",
        "loss": float(r @ r),
        "shape": system.shape, "n_rows": m, "n_unknowns": n,
        "weighting": system.weighting, "collocation": system.collocation,
        "x_basis": system.x_basis, "seconds": elapsed,
    }
    value = system._interpolant(v)
    tails, status, message = spacetime_resolution(
        value.values, system.x_basis, kappa,
        f"the {system.problem.name} space-time solution ({value.shape[0]} x "
        f"{value.shape[1]})", status, message)
    stats["tail_t"], stats["tail_x"] = tails["t"], tails["x"]
    return Result(value=value, side="classical", status=status,
                  message=message, stats=stats,
                  method=f"spacetime collocation least squares ({method})")


def _add_error_stats(result: Result, problem: Any) -> None:
    """rel_l2 and max_abs on the problem's evaluation grid, when its truth is available."""
    from numlearn.precision.metrics import max_abs, rel_l2

    t, x = problem.evaluation_grid()
    try:
        truth = problem.solution_on_grid(t, x)
    except (ImportError, NotImplementedError) as exc:
        result.stats["reference"] = f"unavailable ({exc})"
        return
    approx = result.value(t, x)
    result.stats["rel_l2"] = rel_l2(truth, approx)
    result.stats["max_abs"] = max_abs(truth, approx)
    result.stats["error_grid"] = f"{problem.name}.evaluation_grid() {truth.shape}"


def solve_spacetime(
    problem: Any,
    nt: int,
    nx: int,
    *,
    collocation: Any = None,
    weights: Any = "equilibrate",
    x_basis: str | None = None,
    method: str = "qr",
    cond: str = "auto",
    x_map: Any = None,
    **newton_options: Any,
) -> Result:
    """Space-time spectral solve of a benchmark problem, with its error.

    Linear problems: :func:`spacetime_system` then :func:`solve_spacetime_lstsq`;
    nonlinear problems: :func:`solve_spacetime_newton` (``newton_options`` are passed
    on; ``x_map`` is the Chebyshev x node map of :func:`spacetime_system`).  Adds
    ``stats["rel_l2"]`` and ``stats["max_abs"]`` on the problem's
    evaluation grid when its solution is available.

    Examples
    --------
    >>> from numlearn.problems.pdes import get_pde
    >>> res = solve_spacetime(get_pde("convection", beta=10.0), 31, 4)
    >>> bool(res.stats["rel_l2"] < 1e-13)
    True
    """
    problem = resolve_evolution_problem(problem)
    cond = _check_cond(cond)
    if problem.linear:
        if newton_options:
            raise TypeError(f"unexpected options for a linear problem: {sorted(newton_options)}")
        system = _linear_system(problem, nt, nx, collocation, weights, x_basis, x_map=x_map)
        result = _lstsq(system, _check_method(method), cond)
    else:
        result = _solve_newton(problem, nt, nx, collocation=collocation, weights=weights,
                               x_basis=x_basis, cond=cond, x_map=x_map, **newton_options)
    _add_error_stats(result, problem)
    return result
