"""The pieces of :func:`numlearn.learned.spectral.fit` (private): :class:`Phase`, the
argument checks, the optimiser factory, the Gauss-Newton residual and Jacobian, and the
:class:`~numlearn._core.result.Result` at the end.  The module notes of
:mod:`numlearn.learned.spectral.fit` describe them."""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import Tensor

from numlearn._core.result import Result, Status
from numlearn._core.validation import check_flag, check_int, check_positive
from numlearn.learned.optim import LBFGS, NNCG, AdamCosine, LevenbergMarquardt
from numlearn.learned.optim.levenberg_marquardt import jacobian_of
from numlearn.learned.spectral.objective import NonFiniteLossError, PDEObjective

__all__ = ["GN_MAX_PARAMETERS", "OPTIMIZERS", "Phase"]

#: The optimisers a :class:`Phase` may name.
OPTIMIZERS = ("adam", "lbfgs", "nncg", "gauss_newton")

#: Above this many parameters the dense Gauss-Newton phase is refused (option
#: ``max_parameters`` of a ``"gauss_newton"`` phase).
GN_MAX_PARAMETERS = 20000

_FIT_OPTIONS = {"gauss_newton": ("jacobian", "max_parameters")}


@dataclass(frozen=True)
class Phase:
    """One optimiser run of :func:`~numlearn.learned.spectral.fit` (its module notes).

    Parameters
    ----------
    optimizer : {"adam", "lbfgs", "nncg", "gauss_newton"}
    steps : int
        Optimiser steps (>= 1): Adam steps, L-BFGS iterations, NNCG or
        Levenberg-Marquardt steps.
    options : dict
        Keyword arguments of the optimiser's constructor (``lr_max``, ``lr_min``,
        ``eps`` for Adam; ``history_size``, ``max_iter`` for L-BFGS; ``rank``,
        ``cg_max_iter``, ``mu`` ... for NNCG; ``mu``, ``factor`` ... for
        Levenberg-Marquardt, plus ``jacobian`` (``"auto"``, ``"fwd"``, ``"rev"``,
        ``"constant"``) and
        ``max_parameters``).  Checked when the phase is made.
    """

    optimizer: str
    steps: int
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.optimizer, str) or self.optimizer not in OPTIMIZERS:
            raise ValueError(f"`optimizer` must be one of {', '.join(map(repr, OPTIMIZERS))}"
                             f", got {self.optimizer!r}.")
        object.__setattr__(self, "steps", check_int(self.steps, "steps", minimum=1))
        if not isinstance(self.options, dict) or not all(
                isinstance(k, str) for k in self.options):
            raise TypeError(f"`options` must be a dict of keyword arguments of the "
                            f"{self.optimizer} optimiser, got {self.options!r}.")
        _make_optimizer(self, seed=0)  # the optimiser checks its own options

    def to_dict(self) -> dict[str, Any]:
        """``{"optimizer", "steps", "options"}`` (for a checkpoint)."""
        return {"optimizer": self.optimizer, "steps": self.steps,
                "options": dict(self.options)}


def _make_optimizer(phase: Phase, seed: int) -> Any:
    opts = {k: v for k, v in phase.options.items()
            if k not in _FIT_OPTIONS.get(phase.optimizer, ())}
    try:
        if phase.optimizer == "adam":
            opts.setdefault("total_steps", phase.steps)
            return AdamCosine(**opts)
        if phase.optimizer == "lbfgs":
            opts.setdefault("max_iter", 1)      # an iteration is a step (LBFGS leaves
            # the line search room: max_eval defaults to max(25, 1.25 max_iter))
            return LBFGS(**opts)
        if phase.optimizer == "nncg":
            opts.setdefault("seed", seed)
            return NNCG(**opts)
        jac = phase.options.get("jacobian", "auto")
        if jac not in ("auto", "fwd", "rev", "constant"):
            raise ValueError(f"`options['jacobian']` must be 'auto', 'fwd', 'rev' or "
                             f"'constant' (a linear residual), got {jac!r}.")
        check_int(phase.options.get("max_parameters", GN_MAX_PARAMETERS),
                  "options['max_parameters']", minimum=1)
        return LevenbergMarquardt(**opts)
    except TypeError as exc:
        if "unexpected keyword" in str(exc) or "positional argument" in str(exc):
            raise TypeError(f"`options` of the {phase.optimizer!r} phase: {exc}; see the "
                            "optimiser's constructor for the accepted names.") from None
        raise


def _check_args(objective: Any, phases: Any, seed: Any, time_budget: Any, target: Any,
                eval_every: Any, progress: Any, resume: Any
                ) -> tuple[list[Phase], int, float | None, float | None, int | None, bool,
                           bool]:
    if not isinstance(objective, PDEObjective):
        raise TypeError("`objective` must be a numlearn.learned.spectral.PDEObjective, "
                        f"got {type(objective).__name__}.")
    if isinstance(phases, Phase):
        phases = [phases]
    if not isinstance(phases, list | tuple) or not phases or not all(
            isinstance(p, Phase) for p in phases):
        raise TypeError("`phases` must be a Phase or a non-empty list of Phase objects, "
                        f"e.g. [Phase('adam', 1000), Phase('lbfgs', 200)]; got {phases!r}.")
    seed = check_int(seed, "seed")
    if time_budget is not None:
        time_budget = check_positive(time_budget, "time_budget")
    if target is not None:
        target = check_positive(target, "target")
    if eval_every is not None:
        eval_every = check_int(eval_every, "eval_every", minimum=1)
    progress = True if progress is None else check_flag(progress, "progress")
    resume = check_flag(resume, "resume")
    return list(phases), seed, time_budget, target, eval_every, progress, resume


def _check_theta0(theta0: Any, objective: PDEObjective, n: int) -> Tensor:
    if not isinstance(theta0, Tensor):
        raise TypeError(f"`theta0` must be a torch.Tensor (a flat parameter vector), got "
                        f"{type(theta0).__name__}.")
    if theta0.dtype != objective.dtype:
        raise TypeError(f"`theta0` has dtype {theta0.dtype} but the objective is "
                        f"{objective.dtype}; cast it with theta0.to({objective.dtype}).")
    if theta0.device != torch.device(objective.device):
        raise ValueError(f"`theta0` is on {theta0.device} but the objective on "
                         f"{objective.device}; move it with theta0.to(objective.device).")
    if theta0.ndim != 1 or theta0.numel() != n:
        raise ValueError(f"`theta0` must be 1-D with {n} entries (the objective's "
                         f"parameters), got shape {tuple(theta0.shape)}.")
    if not bool(torch.isfinite(theta0).all()):
        raise ValueError("`theta0` must be finite; it has NaN or inf entries.")
    return theta0.detach().clone()


def _gauss_newton_functions(objective: PDEObjective, phase: Phase, theta: Tensor
                            ) -> tuple[Any, Any]:
    """The residual and its Jacobian for the Levenberg-Marquardt phase (size checked)."""
    n = theta.numel()
    limit = phase.options.get("max_parameters", GN_MAX_PARAMETERS)
    if n > limit:
        raise ValueError(
            f"the 'gauss_newton' phase forms the dense {n}x{n} matrix J^T J "
            f"({8 * n * n / 2**30:.1f} GiB in float64) and is refused above "
            f"`max_parameters` = {limit} parameters; use Phase('nncg', ...) (matrix-free "
            "Newton-CG) or Phase('lbfgs', ...) instead, or raise options['max_parameters'].")
    with torch.no_grad():
        m = objective.residual_vector(theta).numel()
    mode = phase.options.get("jacobian", "auto")
    residual = objective.residual_vector

    def res(th: Tensor) -> Tensor:
        with torch.no_grad():
            return residual(th)

    if mode == "constant":  # a linear residual: J once (the objective's own if it has one)
        own = getattr(objective, "constant_jacobian", None)
        J = own() if callable(own) else jacobian_of(residual, "rev", chunk_size=256)(theta)

        def fixed(th: Tensor) -> Tensor:
            return J

        fixed.fixed = True  # type: ignore[attr-defined]  # LM reuses J^T J and its factor
        return res, fixed
    if mode == "auto":
        mode = "fwd" if m >= n else "rev"
    return res, jacobian_of(residual, mode=mode)


def _phase_label(objective: PDEObjective, index: int, phase: Phase) -> str:
    return f"{objective.name} [{index}: {phase.optimizer}]"


def _history_arrays(rows: dict[str, list[Any]]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for k, v in rows.items():
        dtype = np.int64 if k in ("step", "phase") else np.float64
        out[k] = np.asarray(v, dtype=dtype)
    return out


def _finish(objective: PDEObjective, theta: Tensor, rows: dict[str, list[Any]],
            phases: list[Phase], steps_done: int, seconds: float, stopped_by: str,
            target: float | None, time_budget: float | None) -> Result:
    loss = rows["loss"][-1]
    err = rows["error"][-1]
    status, message = Status.SUCCESS, ""
    if stopped_by == "time_budget":
        status = Status.MAX_ITERATIONS
        message = (f"the time budget ({time_budget:g} s) ran out after {steps_done} of "
                   f"{sum(p.steps for p in phases)} steps; raise `time_budget`")
    if target is not None and not err <= target:
        status = Status.TARGET_NOT_REACHED
        message = (f"{objective.name}: error {err:.3e} above the target {target:.3e} "
                   f"after {steps_done} steps ({stopped_by}); add steps, or a "
                   "'gauss_newton' or 'nncg' phase")
        warnings.warn(message, RuntimeWarning, stacklevel=3)
    if not math.isfinite(loss):  # pragma: no cover - refused earlier by the checks
        status = Status.DIVERGED
    method = "fit(" + "+".join(p.optimizer for p in phases) + ")"
    return Result(
        objective.predict(theta), side="learned", status=status, message=message,
        method=method,
        stats={"seconds": seconds, "iterations": steps_done, "loss": loss,
               "error": err, "rel_l2": err, "theta": theta.detach().clone(),
               "stopped_by": stopped_by,
               "num_parameters": theta.numel()},
        history=_history_arrays(rows))


def _non_finite(objective: PDEObjective, theta: Tensor, step: int,
                exc: Exception | None) -> None:
    """Raise :class:`NonFiniteLossError` naming the term (or re-raise ``exc``)."""
    objective.loss_terms(theta, step)  # raises, naming the term, if one is non-finite
    if exc is not None:
        raise exc
    raise NonFiniteLossError(f"{objective.name}: the loss is not finite at step {step} "
                             "(no single term is); the run is stopped.")


def _now() -> float:
    return time.perf_counter()
