r"""The MLP ceiling in 1-D interpolation: MLPs of growing size against an explicit BWLer.

The 1-D interpolation experiment of the BWLer paper (Liu et al., arXiv 2506.23024): tanh MLPs of
:math:`10^2` to :math:`10^5` parameters, trained by Adam (cosine decay) then L-BFGS on
the samples of smooth targets, stall far above float64 rounding (the paper: near
:math:`10^{-8}` relative), while an explicit BWLer fitted to the *same* samples by
Gauss-Newton reaches the classical least-squares fit, :math:`\lesssim 10^{-14}`.

One row per (target, model): the MLPs of each width, the explicit BWLer, and the
classical reference (the QR minimiser of the BWLer's loss,
:func:`numlearn.learned.interpolation.least_squares_reference`).  Errors are relative
:math:`\ell_2` on the problem's dense evaluation grid (``grid_size + 2`` points)
against the mpmath truth.  :func:`plot_mlp_ceiling` draws the error against the number
of parameters and against the optimisation steps.

The full sweep (widths up to 220, about 10^5 parameters) takes minutes to hours on a
CPU: pass ``time_budget`` to bound each training.  Torch is imported when the study
runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from numlearn._core.validation import check_int

__all__ = ["MLP_CEILING_TARGETS", "format_mlp_ceiling", "mlp_ceiling_study", "plot_mlp_ceiling"]

#: The default targets: sin(kx) for k = 1, 4, 16 on [-1, 1] and Runge's function.
MLP_CEILING_TARGETS: tuple[str | float, ...] = (1.0, 4.0, 16.0, "runge")


def _target(spec: str | float) -> Any:
    from numlearn.learned.interpolation import sine_target
    from numlearn.problems import get_target

    if isinstance(spec, str):
        return get_target(spec)
    if isinstance(spec, int | float) and not isinstance(spec, bool):
        return sine_target(float(spec))
    raise TypeError(f"`targets` entries must be a registered target name (e.g. 'runge') "
                    f"or a frequency k for sin(kx), got {spec!r}.")


def mlp_ceiling_study(
    targets: Sequence[str | float] = MLP_CEILING_TARGETS,
    widths: Sequence[int] = (5, 10, 20, 50),
    *,
    depth: int = 3,
    samples: int = 257,
    nodes: int = 193,
    adam_steps: int = 2000,
    lbfgs_steps: int = 500,
    seed: int = 0,
    grid_size: int = 1999,
    time_budget: float | None = None,
    progress: bool | None = None,
) -> list[dict[str, Any]]:
    """Train the MLPs and the explicit BWLer on each target's samples; one row each.

    Parameters
    ----------
    targets : sequence of str or float
        Registered target names (:data:`numlearn.problems.TARGETS`) or frequencies
        ``k`` of :math:`\\sin(kx)` on :math:`[-1, 1]`.
    widths : sequence of int
        Hidden widths of the MLPs (``depth`` hidden layers each; ``2w^2 + 5w + 1``
        parameters at depth 3).
    samples : int, default 257
        ``N``: the Chebyshev points of the second kind the models are fitted on.
    nodes : int, default 193
        The BWLer's Chebyshev nodes (``<= samples``); enough for Runge's function
        (:math:`\\rho^{-193} \\approx 10^{-17}`).
    adam_steps, lbfgs_steps, seed
        The MLPs' training (:func:`numlearn.learned.interpolation.fit_mlp`).
    grid_size : int, default 1999
        Uniform evaluation points (plus both ends).
    time_budget : float, optional
        Seconds per MLP training.

    Returns
    -------
    list of dict
        Keys ``target, model, method, parameters, rel_l2, max_abs, loss, iterations,
        seconds, status`` and ``history`` (the training's arrays; ``None`` for the
        classical row), ``cond`` for the classical row.

    Notes
    -----
    Cost: each MLP step is :math:`O(N P)`; the largest default MLP (50 wide, 5251
    parameters) takes about 10 s on one loaded core.  The BWLer's Gauss-Newton steps
    cost :math:`O(N n^2 + n^3)`.
    """
    from numlearn.learned.interpolation import fit_bwler, fit_mlp, least_squares_reference
    from numlearn.problems import InterpolationProblem

    depth = check_int(depth, "depth", minimum=1, maximum=16)
    samples = check_int(samples, "samples", minimum=2, maximum=8192)
    nodes = check_int(nodes, "nodes", minimum=2, maximum=samples)
    if isinstance(widths, str | bytes) or not isinstance(widths, Sequence) or not widths:
        raise TypeError(f"`widths` must be a non-empty sequence of ints, got {widths!r}.")
    widths = [check_int(w, f"widths[{i}]", minimum=1) for i, w in enumerate(widths)]
    if isinstance(targets, str | bytes) or not isinstance(targets, Sequence) or not targets:
        raise TypeError(f"`targets` must be a non-empty sequence, got {targets!r}.")
    funcs = [_target(t) for t in targets]
    rows: list[dict[str, Any]] = []
    for f in funcs:
        prob = InterpolationProblem(f, samples, grid_size=grid_size)
        truth = prob.truth()

        ref = least_squares_reference(prob, nodes)
        rows.append(_row(f.name, truth, ref, "classical", nodes))
        bw = fit_bwler(prob, nodes, progress=progress)
        rows.append(_row(f.name, truth, bw, "bwler", nodes))
        for w in widths:
            res = fit_mlp(prob, hidden=(w,) * depth, adam_steps=adam_steps,
                          lbfgs_steps=lbfgs_steps, seed=seed, time_budget=time_budget,
                          progress=progress)
            rows.append(_row(f.name, truth, res, "mlp", int(res.stats["num_parameters"])))
    return rows


def _row(target: str, truth: Any, res: Any, model: str, params: int) -> dict[str, Any]:
    from numlearn.precision.metrics import max_abs, rel_l2

    return {"target": target, "model": model, "method": res.method,
            "parameters": params, "rel_l2": rel_l2(truth, res.value),
            "max_abs": max_abs(truth, res.value),
            "loss": res.stats.get("loss", math.nan),
            "iterations": res.stats.get("iterations", 0),
            "seconds": res.stats.get("seconds", math.nan),
            "status": res.status.code, "history": res.history or None,
            "cond": res.stats.get("cond", math.nan)}


def format_mlp_ceiling(rows: Sequence[dict[str, Any]]) -> str:
    """The study's rows as a fixed-width table (relative L2 on the dense grid)."""
    head = (f"{'target':<10} {'method':<30} {'params':>8} {'rel_l2':>9} {'max_abs':>9} "
            f"{'loss':>9} {'steps':>6} {'seconds':>8} status")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['target']:<10} {r['method']:<30} {r['parameters']:>8} "
                     f"{r['rel_l2']:>9.2e} {r['max_abs']:>9.2e} {r['loss']:>9.2e} "
                     f"{r['iterations']:>6} {r['seconds']:>8.2f} {r['status']}")
    return "\n".join(lines)


def plot_mlp_ceiling(rows: Sequence[dict[str, Any]], directory: str | Path) -> list[Path]:
    """Write ``mlp_ceiling_vs_parameters.png`` (relative L2 against parameters, one
    panel per target: the MLPs' line, the BWLer and the classical fit as markers,
    machine eps dashed) and ``mlp_ceiling_vs_steps.png`` (error history of each
    training) into ``directory`` (created); returns the paths.  Needs matplotlib."""
    import numpy as np

    from numlearn.compare.plots import _figure, check_directory

    d = check_directory(directory)
    d.mkdir(parents=True, exist_ok=True)
    targets = list(dict.fromkeys(r["target"] for r in rows))
    if not targets:
        raise ValueError("`rows` is empty; run mlp_ceiling_study first.")
    eps = float(np.finfo(np.float64).eps)
    out = []
    for kind in ("parameters", "steps"):
        fig = _figure(figsize=(3.6 * len(targets) + 1.0, 3.3))
        axes = fig.subplots(1, len(targets), squeeze=False)[0]
        for ax, t in zip(axes, targets, strict=True):
            mine = [r for r in rows if r["target"] == t]
            if kind == "parameters":
                mlp = sorted((r["parameters"], r["rel_l2"]) for r in mine
                             if r["model"] == "mlp")
                if mlp:
                    ax.loglog(*zip(*mlp, strict=True), "o-", label="MLP (Adam+L-BFGS)")
                for model, mark in (("bwler", "s"), ("classical", "x")):
                    for r in mine:
                        if r["model"] == model:
                            ax.loglog([r["parameters"]], [max(r["rel_l2"], 1e-18)], mark,
                                      ms=8, label=r["method"])
                ax.set_xlabel("parameters")
            else:
                for r in mine:
                    h = r.get("history")
                    if h and "error" in h:
                        ax.semilogy(np.maximum(h["step"], 1), np.maximum(h["error"], 1e-18),
                                    label=f"{r['method']} ({r['parameters']})")
                ax.set_xscale("log")
                ax.set_xlabel("optimisation step")
            ax.axhline(eps, color="gray", ls="--", lw=0.8)
            ax.set_title(t, fontsize=10)
            ax.set_ylabel("relative L2 error")
        axes[-1].legend(fontsize=6, loc="best")
        path = d / f"mlp_ceiling_vs_{kind}.png"
        fig.savefig(path, dpi=110)
        out.append(path)
    return out
