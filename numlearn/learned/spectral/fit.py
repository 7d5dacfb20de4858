r"""Training a learned PDE solver: phases of optimisers on one :class:`PDEObjective`.

:func:`fit` runs a sequence of :class:`Phase` objects (an optimiser and a step count)
on the flat parameter vector :math:`\theta` of an objective
:math:`\mathcal L(\theta) = \sum_k \|r_k(\theta)\|^2`, as the BWLer paper trains its
models (Adam, then L-BFGS or NNCG; arXiv 2506.23024, §5 and appendix), and adds a
Gauss-Newton phase:

``"adam"``
    :class:`~numlearn.learned.optim.AdamCosine` on :meth:`PDEObjective.loss`, the
    rate decayed by a cosine from ``lr_max = 1e-3`` to ``lr_min = 1e-6`` over the phase
    (``total_steps`` defaults to the phase's ``steps``).  One step: one gradient.
``"lbfgs"``
    :class:`~numlearn.learned.optim.LBFGS` (strong Wolfe, history up to 1000 pairs).
    One step is one L-BFGS iteration (``max_iter=1``, ``max_eval=25`` unless the
    options say otherwise); the history is kept between steps.
``"nncg"``
    :class:`~numlearn.learned.optim.NNCG` (Nyström-preconditioned Newton-CG, Rathore
    et al., arXiv 2402.01868); its sketch seed defaults to ``fit``'s ``seed``.
``"gauss_newton"``
    :class:`~numlearn.learned.optim.LevenbergMarquardt` on
    :meth:`PDEObjective.residual_vector` with the dense Jacobian of ``torch.func``
    (``jacfwd`` when the residual has at least as many entries as :math:`\theta`,
    else ``jacrev``; option ``jacobian="fwd"|"rev"``).  Cost per step
    :math:`O(mP^2 + P^3)` and :math:`8(mP + P^2)` bytes, so a model of more than
    ``max_parameters`` (default 20000) parameters is refused before any work: use
    ``"nncg"`` (matrix-free) instead.  For a linear residual (explicit BWLer on a linear
    PDE) one undamped step is the least-squares solve of the normal equations, whose
    error floor is :math:`\kappa(J)^2\varepsilon` instead of QR's
    :math:`\kappa(J)\varepsilon`.

Each step is checked: a NaN or inf loss stops the run with
:class:`~numlearn.learned.spectral.NonFiniteLossError` naming the step and the loss term
(found by :meth:`PDEObjective.loss_terms`).  Every ``eval_every`` steps (and at the
start, at the end of each phase and at the end) a row is added to the history: the
global step, the phase's index, the loss and each ``term_<name>``
:math:`\|r_k\|^2` (at the same :math:`\theta`), the error of
:meth:`PDEObjective.error` (relative :math:`\ell_2` on the evaluation grid), and the
seconds since the start.  The run stops early at ``target`` (error) or ``time_budget``
(seconds).  With the same ``seed`` (and the same thread count) a CPU run's history is
bit-identical, the ``seconds`` column aside.

Nearest equivalents: DeepXDE's ``Model.compile(optimizer)`` / ``Model.train`` chained
per optimiser (``"adam"``, ``"L-BFGS"``); ``scipy.optimize.least_squares(method="lm")``
for the Gauss-Newton phase on a NumPy residual.

References
----------
.. [1] J. Liu, D. Fu, Y. Yang, C. Ré et al., "BWLer: barycentric weight layer elucidates
   a precision-conditioning tradeoff for PINNs", arXiv 2506.23024.
.. [2] P. Rathore, W. Lei, Z. Frangella, L. Lu and M. Udell, "Challenges in training
   PINNs: a loss landscape perspective", ICML 2024 (arXiv 2402.01868).
.. [3] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006,
   chapters 7 and 10.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor

from numlearn._core.result import Result, Status
from numlearn._core.validation import check_flag, check_int, check_positive
from numlearn.learned.optim import LBFGS, NNCG, AdamCosine, LevenbergMarquardt
from numlearn.learned.optim.levenberg_marquardt import jacobian_of
from numlearn.learned.spectral.objective import NonFiniteLossError, PDEObjective

__all__ = ["OPTIMIZERS", "Phase", "fit"]

#: The optimisers a :class:`Phase` may name.
OPTIMIZERS = ("adam", "lbfgs", "nncg", "gauss_newton")

#: Above this many parameters the dense Gauss-Newton phase is refused (option
#: ``max_parameters`` of a ``"gauss_newton"`` phase).
GN_MAX_PARAMETERS = 20000

_FIT_OPTIONS = {"gauss_newton": ("jacobian", "max_parameters")}


@dataclass(frozen=True)
class Phase:
    """One optimiser run of :func:`fit` (module notes).

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
        Levenberg-Marquardt, plus ``jacobian`` (``"auto"``, ``"fwd"``, ``"rev"``) and
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
            opts.setdefault("max_iter", 1)
            # room for the line search when an iteration is a step (torch's 1.25 * max_iter
            # would allow one evaluation, and the search would stop where it started)
            opts.setdefault("max_eval", max(25, opts["max_iter"] * 5 // 4))
            return LBFGS(**opts)
        if phase.optimizer == "nncg":
            opts.setdefault("seed", seed)
            return NNCG(**opts)
        jac = phase.options.get("jacobian", "auto")
        if jac not in ("auto", "fwd", "rev"):
            raise ValueError(f"`options['jacobian']` must be 'auto', 'fwd' or 'rev', "
                             f"got {jac!r}.")
        check_int(phase.options.get("max_parameters", GN_MAX_PARAMETERS),
                  "options['max_parameters']", minimum=1)
        return LevenbergMarquardt(**opts)
    except TypeError as exc:
        if "unexpected keyword" in str(exc) or "positional argument" in str(exc):
            raise TypeError(f"`options` of the {phase.optimizer!r} phase: {exc}; see the "
                            "optimiser's constructor for the accepted names.") from None
        raise


# ------------------------------------------------------------------------------ fit


def fit(
    objective: PDEObjective,
    phases: Phase | list[Phase] | tuple[Phase, ...],
    *,
    seed: int = 0,
    theta0: Tensor | None = None,
    time_budget: float | None = None,
    target: float | None = None,
    eval_every: int | None = None,
    progress: bool | None = None,
    checkpoint: str | Path | None = None,
    resume: bool = False,
) -> Result:
    """Train ``objective`` by the optimiser ``phases`` in turn (module notes).

    Parameters
    ----------
    objective : PDEObjective
    phases : Phase or sequence of Phase
    seed : int, default 0
        Seeds ``objective.initial_parameters``, the torch generator and NNCG's sketches.
    theta0 : Tensor, optional
        Start here instead (1-D, the objective's dtype, device and parameter count).
    time_budget : float, optional
        Seconds; the run stops after the step that exceeds it (status
        ``MAX_ITERATIONS``, or ``TARGET_NOT_REACHED`` when ``target`` is missed).
    target : float, optional
        Stop once the error (relative l2) is at most this; if it is not reached the
        status is ``TARGET_NOT_REACHED`` and a `RuntimeWarning` is issued.
    eval_every : int, optional
        Steps between history rows (default: about 100 rows in all).
    progress : bool, optional
        tqdm bars naming the objective and the phase (default on).
    checkpoint : str or Path, optional
        File written (atomically) at the end of each phase, every minute at most at
        a history row, and at the end: theta, ``objective.config()``, the phases, the
        completed steps, the history, the seed and cheap optimiser state.
    resume : bool, default False
        Continue from ``checkpoint`` if the file exists; a checkpoint of another
        configuration (objective config, phases, seed) is refused naming the keys.

    Returns
    -------
    Result
        ``value`` the prediction on the evaluation grid (float64); ``stats``:
        ``seconds``, ``iterations`` (steps done), ``loss``, ``error``, ``theta``
        (detached), ``stopped_by`` (``"steps"``, ``"target"``, ``"time_budget"``),
        ``num_parameters``; ``history`` as in the module notes.

    Raises
    ------
    NonFiniteLossError
        A loss term became NaN or inf (the message names the step and the term).
    """
    from numlearn.learned.spectral import _fit_run

    run = _fit_run.Run(objective, phases, seed=seed, theta0=theta0,
                       time_budget=time_budget, target=target, eval_every=eval_every,
                       progress=progress, checkpoint=checkpoint, resume=resume)
    return run.run()


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
    if mode == "auto":
        mode = "fwd" if m >= n else "rev"
    residual = objective.residual_vector

    def res(th: Tensor) -> Tensor:
        with torch.no_grad():
            return residual(th)

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
               "error": err, "theta": theta.detach().clone(), "stopped_by": stopped_by,
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
