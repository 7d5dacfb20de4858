r"""The precision-conditioning tradeoff of an explicit BWLer, per optimiser.

For an explicit BWLer (nodal values :math:`v` of a space-time interpolant) of a linear
PDE the loss is a weighted least-squares problem :math:`\|Av - b\|^2`, so the error of
a trained model :math:`u_{learned}` against the truth :math:`u` on the evaluation
grid splits exactly (:class:`~numlearn.precision.decomposition.ErrorDecomposition`):

.. math::

    u - u_{learned} = \underbrace{(u - u_{best})}_{\text{representation}}
      + \underbrace{(u_{best} - u_{disc})}_{\text{conditioning}}
      + \underbrace{(u_{disc} - u_{learned})}_{\text{optimization}},

with :math:`u_{best}` the interpolant of the truth at the nodes, :math:`u_{disc}` the
interpolant of the QR minimiser of the same discrete loss
(:meth:`CollocationSystem.decomposition
<numlearn.classical.spectral.spacetime.CollocationSystem.decomposition>`) and the floor
:math:`\kappa(A)\varepsilon`.  More nodes lower the representation term spectrally and
raise :math:`\kappa(A)` (like :math:`N^2` for first-order operators, :math:`N^4` for
the wave equation's second derivatives); the optimization term shows how close each
optimiser gets to the discrete minimiser within its budget (measured: Adam stalls far
above it, L-BFGS comes closer on small well-conditioned grids, NNCG from zeros with
damping 1e-2 stays far above at CPU budgets, Gauss-Newton (the normal equations,
refined) reaches the floor).  This is the precision-conditioning tradeoff of the BWLer
paper's title (Liu et al., arXiv 2506.23024), with the optimisers compared at
equal-ish budgets.

:func:`bwler_tradeoff` returns one row per (size, optimiser); :func:`format_tradeoff`
prints them, :func:`plot_tradeoff` draws them (matplotlib, imported lazily).
``bench/bench_bwler_tradeoff.py`` runs the sweep.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "TRADEOFF_OPTIMIZERS",
    "bwler_tradeoff",
    "format_tradeoff",
    "plot_tradeoff",
    "tradeoff_phases",
]

#: The optimisers compared, each run alone from the objective's initial parameters.
TRADEOFF_OPTIMIZERS = ("adam", "lbfgs", "nncg", "gauss_newton")


def tradeoff_phases(optimizer: str, n_params: int, scale: float = 1.0) -> list[Any]:
    """The phase list of one optimiser at budget ``scale`` (1: the bench's budget).

    Adam ``2000 scale`` steps (cosine 1e-3 -> 1e-6, the paper's schedule); L-BFGS
    ``500 scale`` iterations; NNCG ``20 scale`` steps (sketch rank ``min(60, P)``, at
    most 100 CG iterations a step); Gauss-Newton ``8`` Levenberg-Marquardt steps with a
    tiny damping on the constant Jacobian (a linear residual: the first step solves the
    normal equations, the next refine it).
    """
    from numlearn.learned.spectral import Phase

    def n(steps: float) -> int:
        return max(1, round(steps * scale))

    if optimizer == "adam":
        return [Phase("adam", n(2000))]
    if optimizer == "lbfgs":
        return [Phase("lbfgs", n(500))]
    if optimizer == "nncg":
        return [Phase("nncg", n(20), {"rank": min(60, n_params), "cg_max_iter": 100})]
    if optimizer == "gauss_newton":
        return [Phase("gauss_newton", 8, {"jacobian": "constant", "mu": 1e-12,
                                          "mu_min": 1e-16})]
    raise ValueError(f"`optimizers` entries must be among {TRADEOFF_OPTIMIZERS}, got "
                     f"{optimizer!r}.")


def _size(problem: str, n: Any) -> tuple[int, int]:
    if isinstance(n, tuple | list) and len(n) == 2:
        return int(n[0]), int(n[1])
    if isinstance(n, int | np.integer) and not isinstance(n, bool):
        return (int(n), int(n) - 1) if problem == "convection" else (int(n), int(n))
    raise TypeError(f"`sizes` entries must be int (nt; nx = nt - 1 for convection, nt "
                    f"otherwise) or (nt, nx) pairs, got {n!r}.")


def bwler_tradeoff(
    problem: str,
    sizes: Sequence[int | tuple[int, int]],
    *,
    optimizers: Sequence[str] = TRADEOFF_OPTIMIZERS,
    scale: float = 1.0,
    time_budget: float | None = None,
    seed: int = 0,
    objective: Callable[[str, int, int], Any] | None = None,
    progress: bool = False,
) -> list[dict[str, Any]]:
    """Representation, conditioning and optimization errors of trained explicit BWLers.

    Parameters
    ----------
    problem : {"convection", "wave"}
        A linear problem of :mod:`numlearn.problems.pdes` (reaction also works).
    sizes : sequence of int or (int, int)
        ``nt`` (``nx = nt - 1`` for convection, the paper's ``2c+1 x 2c``; square
        otherwise) or ``(nt, nx)``.
    optimizers : sequence of str
        Each is run alone, from the objective's initial parameters, with
        :func:`tradeoff_phases`.
    scale : float, default 1
        Multiplies the step budgets.
    time_budget : float, optional
        Seconds per run (``fit``'s ``time_budget``; a step already started finishes).
    seed : int, default 0
    objective : callable, optional
        ``objective(problem, nt, nx)`` -> a :class:`PDEObjective` whose parameters are
        the nodal values in the classical system's order (default
        :class:`~numlearn.learned.spectral.ExplicitBWLer` with the paper's weights).
    progress : bool, default False
        tqdm bars of each run.

    Returns
    -------
    list of dict
        One row per (size, optimiser): ``problem, nt, nx, parameters, optimizer,
        representation, conditioning, optimization, total`` (relative l2 on the
        evaluation grid), ``residual`` (the telescoping residual, rounding only),
        ``telescopes``, ``cond``, ``floor`` (``cond * eps``), ``loss`` and ``loss_min``
        (the trained and the QR minimiser's loss), ``iterations, seconds,
        stopped_by, status``.

    Notes
    -----
    Cost per size: one QR solve and condition number of the :math:`m \\times n_tn_x`
    system (:math:`O(mn^2)`), plus the training runs.
    """
    from numlearn._core.validation import check_positive
    from numlearn.classical.linalg import qr_lstsq
    from numlearn.classical.spectral.spacetime import spacetime_system
    from numlearn.learned.spectral import ExplicitBWLer, fit

    if not isinstance(problem, str):
        raise TypeError(f"`problem` must be a problem name, got {type(problem).__name__}.")
    if isinstance(sizes, str) or not isinstance(sizes, Sequence) or len(sizes) == 0:
        raise ValueError("`sizes` must be a non-empty sequence of nt or (nt, nx).")
    opts = list(optimizers)
    for o in opts:
        if o not in TRADEOFF_OPTIMIZERS:
            raise ValueError(f"`optimizers` entries must be among {TRADEOFF_OPTIMIZERS}, "
                             f"got {o!r}.")
    scale = check_positive(scale, "scale")
    make = objective if objective is not None else (
        lambda p, nt, nx: ExplicitBWLer(p, nt, nx, weights="paper"))
    rows: list[dict[str, Any]] = []
    for size in sizes:
        nt, nx = _size(problem, size)
        system = spacetime_system(problem, nt, nx, weights="paper")
        v_min = qr_lstsq(system.A, system.b, cond="auto").x
        loss_min = system.loss(v_min)
        obj = make(problem, nt, nx)
        n_params = int(obj.initial_parameters(seed).numel())
        for opt in opts:
            t0 = time.perf_counter()
            res = fit(obj, tradeoff_phases(opt, n_params, scale), seed=seed,
                      time_budget=time_budget, progress=progress)
            seconds = time.perf_counter() - t0
            v = res.stats["theta"].detach().cpu().numpy().astype(np.float64)
            d = system.decomposition(v)
            rows.append({
                "problem": problem, "nt": nt, "nx": nx, "parameters": n_params,
                "optimizer": opt, "representation": d.representation,
                "conditioning": d.conditioning, "optimization": d.optimization,
                "total": d.total, "residual": d.residual, "telescopes": d.telescopes,
                "cond": float(d.floor / d.eps) if d.floor is not None else math.nan,
                "floor": d.floor, "loss": system.loss(v), "loss_min": loss_min,
                "iterations": res.stats["iterations"], "seconds": seconds,
                "stopped_by": res.stats["stopped_by"], "status": res.status.code,
            })
    return rows


def format_tradeoff(rows: Sequence[dict[str, Any]]) -> str:
    """A fixed-width table of :func:`bwler_tradeoff`'s rows."""
    head = (f"{'problem':<10} {'nt x nx':>8} {'optimizer':<12} {'repr':>9} {'cond.':>9} "
            f"{'optim.':>9} {'total':>9} {'floor':>9} {'cond(A)':>9} "
            f"{'loss-min':>9} {'steps':>6} {'s':>6} {'stop':<11} {'telesc.':>8}")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['problem']:<10} {str(r['nt']) + 'x' + str(r['nx']):>8} "
            f"{r['optimizer']:<12} {r['representation']:9.2e} {r['conditioning']:9.2e} "
            f"{r['optimization']:9.2e} {r['total']:9.2e} {r['floor']:9.2e} "
            f"{r['cond']:9.2e} {r['loss'] - r['loss_min']:9.2e} {r['iterations']:>6} "
            f"{r['seconds']:6.1f} {r['stopped_by']:<11} {r['residual']:8.1e}")
    return "\n".join(lines)


def plot_tradeoff(rows: Sequence[dict[str, Any]], path: str | None = None) -> Any:
    """Error against nodes: representation, conditioning, the floor, and each
    optimiser's optimization term, one panel per problem (matplotlib, lazy).

    Returns the figure; saved to ``path`` when given."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    problems = sorted({r["problem"] for r in rows})
    fig, axes = plt.subplots(1, len(problems), figsize=(5.5 * len(problems), 4),
                             squeeze=False)
    for ax, p in zip(axes[0], problems, strict=True):
        sub = [r for r in rows if r["problem"] == p]
        first = {}
        for r in sub:
            first.setdefault(r["nt"], r)
        nts = sorted(first)
        for key, style in (("representation", "k-o"), ("conditioning", "b-s"),
                           ("floor", "k:")):
            ax.semilogy(nts, [first[n][key] for n in nts], style, label=key)
        for opt in dict.fromkeys(r["optimizer"] for r in sub):
            pts = sorted((r["nt"], r["optimization"]) for r in sub if r["optimizer"] == opt)
            ax.semilogy(*zip(*pts, strict=True), "--^", label=f"optimization ({opt})")
        ax.set_xlabel("nt (time nodes)")
        ax.set_ylabel("relative l2 error")
        ax.set_title(f"explicit BWLer, {p}")
        ax.legend(fontsize=7)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
