"""Checkpoints of :func:`numlearn.learned.spectral.fit` (private).

One file, written atomically (:func:`numlearn._core.store.write_atomic`), of tensors and
plain Python values only, so that it loads with ``torch.load(weights_only=True)``: the
parameters, ``objective.config()``, the phases, the seed, the completed steps (global,
phase, step in the phase), the history, the seconds spent, and the optimiser state
that is cheap to keep (Adam's moments and step, the Levenberg-Marquardt damping, the
NNCG counters; not L-BFGS's history nor NNCG's sketch, which are rebuilt).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from numlearn._core.store import write_atomic

FORMAT = "numlearn.learned.spectral.fit/1"


def check_path(checkpoint: Any, resume: bool) -> Path | None:
    """The checkpoint path (its directory must exist), or None."""
    if checkpoint is None:
        if resume:
            raise ValueError("`resume=True` needs `checkpoint` (the file to resume from).")
        return None
    if not isinstance(checkpoint, str | Path):
        raise TypeError(f"`checkpoint` must be a path (str or pathlib.Path) or None, got "
                        f"{type(checkpoint).__name__}.")
    path = Path(checkpoint)
    if not path.parent.is_dir():
        raise ValueError(f"`checkpoint`: the directory {str(path.parent)!r} does not "
                         "exist; create it first.")
    if path.is_dir():
        raise ValueError(f"`checkpoint` must be a file path, {str(path)!r} is a directory.")
    return path


def _identity(run: Any) -> dict[str, Any]:
    return {"config": run.objective.config(),
            "phases": [p.to_dict() for p in run.phases],
            "seed": run.seed,
            "dtype": str(run.objective.dtype)}


def save(path: Path, run: Any) -> None:
    """Write the state of ``run`` (a ``_fit_run.Run``) to ``path`` atomically."""
    data: dict[str, Any] = {
        "format": FORMAT,
        **_identity(run),
        "theta": run.theta.detach().cpu().clone(),
        "step": run.step,
        "phase_index": run.phase_index,
        "phase_step": run.phase_step,
        "seconds": run.elapsed(),
        "history": {k: list(v) for k, v in run.rows.items()},
        "optimizer_state": _to_cpu(run.opt_state),
        "resumed_at": list(run.resumed_at),
    }
    buf = io.BytesIO()
    torch.save(data, buf)
    write_atomic(path, buf.getvalue())


def load(path: Path) -> dict[str, Any]:
    """The checkpoint's contents (``torch.load(weights_only=True)``: no code runs)."""
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise ValueError(f"`checkpoint` {str(path)!r} is not a readable fit checkpoint "
                         f"({type(exc).__name__}: {exc}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"`checkpoint` {str(path)!r} is not a fit checkpoint (format "
                         f"{FORMAT!r}).")
    return data


def restore(run: Any, data: dict[str, Any]) -> None:
    """Continue ``run`` from ``data``; refuse a checkpoint of another configuration."""
    mine = _identity(run)
    diff = [k for k in mine if mine[k] != data.get(k)]
    if "config" in diff:
        a, b = mine["config"], data.get("config") or {}
        keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        diff[diff.index("config")] = "config[" + ", ".join(map(repr, keys)) + "]"
    if diff:
        raise ValueError(
            f"`checkpoint` {str(run.path)!r} was written by another configuration; "
            f"these differ: {', '.join(diff)}. Use another checkpoint path, or "
            "`resume=False` to start afresh (the file is then overwritten).")
    theta = data["theta"].to(device=run.objective.device, dtype=run.objective.dtype)
    run.theta = theta
    run.step = int(data["step"])
    run.phase_index = int(data["phase_index"])
    run.phase_step = int(data["phase_step"])
    run.seconds0 = float(data["seconds"])
    run.rows = {k: list(v) for k, v in data["history"].items()}
    run.opt_state = data.get("optimizer_state")
    run.resumed_at = [int(k) for k in data.get("resumed_at", [])]


def optimizer_state(opt: Any, phase: Any) -> dict[str, Any] | None:
    """The cheap part of ``opt``'s state (None for L-BFGS)."""
    name = phase.optimizer
    if name == "adam":
        inner = getattr(opt, "_opt", None)
        return {"iteration": opt.iteration,
                "torch": inner.state_dict() if inner is not None else None}
    if name == "nncg":
        return {"iteration": opt.iteration, "sketches": opt.sketches}
    if name == "gauss_newton":
        return {"mu": opt.mu}
    return None


def set_optimizer_state(opt: Any, phase: Any, state: dict[str, Any], theta: Tensor
                        ) -> None:
    """Put ``state`` (from :func:`optimizer_state`) back into a fresh ``opt``."""
    name = phase.optimizer
    if name == "adam":
        opt.iteration = int(state["iteration"])
        if state.get("torch") is not None:
            _, inner = opt._bind(theta)
            inner.load_state_dict(state["torch"])
    elif name == "nncg":
        opt.iteration = int(state["iteration"])
        opt.sketches = int(state["sketches"])
    elif name == "gauss_newton":
        opt.mu = float(state["mu"])


def _to_cpu(obj: Any) -> Any:
    if isinstance(obj, Tensor):
        return obj.detach().cpu().clone()
    if isinstance(obj, dict):
        return {k: _to_cpu(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return type(obj)(_to_cpu(v) for v in obj)
    return obj
