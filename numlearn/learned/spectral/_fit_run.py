"""The loop of :func:`numlearn.learned.spectral.fit` (private): phases, history rows,
stopping tests, progress bars and checkpoints."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor

from numlearn._core.result import Result
from numlearn.learned.spectral import _fit_checkpoint as ckpt
from numlearn.learned.spectral._fit_parts import (
    _check_args,
    _check_theta0,
    _finish,
    _gauss_newton_functions,
    _make_optimizer,
    _non_finite,
    _now,
    _phase_label,
)
from numlearn.learned.spectral.objective import NonFiniteLossError, PDEObjective

_SAVE_EVERY_S = 60.0


class Run:
    """One call of ``fit``: the checked arguments and the state of the loop."""

    def __init__(self, objective: PDEObjective, phases: Any, *, seed: Any, theta0: Any,
                 time_budget: Any, target: Any, eval_every: Any, progress: Any,
                 checkpoint: Any, resume: Any) -> None:
        (self.phases, self.seed, self.time_budget, self.target, eval_every,
         self.progress, resume) = _check_args(objective, phases, seed, time_budget,
                                              target, eval_every, progress, resume)
        self.objective = objective
        self.path = ckpt.check_path(checkpoint, resume)
        start = objective.initial_parameters(self.seed)
        if not isinstance(start, Tensor) or start.ndim != 1:
            raise TypeError(f"{type(objective).__name__}.initial_parameters must return a "
                            "1-D tensor.")
        self.theta = start.detach().clone() if theta0 is None else _check_theta0(
            theta0, objective, start.numel())
        total = sum(p.steps for p in self.phases)
        self.total = total
        self.eval_every = eval_every if eval_every is not None else max(1, total // 100)
        self.rows: dict[str, list[Any]] = {k: [] for k in
                                           ("step", "phase", "loss", "error", "seconds")}
        self.step = 0            # global steps done
        self.phase_index = 0     # the phase being run
        self.phase_step = 0      # steps done in that phase
        self.seconds0 = 0.0      # seconds of earlier (checkpointed) runs
        self.opt_state: dict[str, Any] | None = None
        self.resumed_at: list[int] = []  # the steps runs were resumed at
        self.last_save = _now()
        if self.path is not None and resume and self.path.exists():
            ckpt.restore(self, ckpt.load(self.path))
            if self.step < self.total:
                self.resumed_at.append(self.step)

    # ------------------------------------------------------------------ history

    def elapsed(self) -> float:
        return self.seconds0 + _now() - self.t0

    def record(self, phase_index: int) -> tuple[float, float]:
        obj = self.objective
        terms = obj.loss_terms(self.theta, self.step)
        err = obj.error(self.theta)
        loss = math.fsum(terms.values())
        r = self.rows
        if self.step in r["step"][-1:]:
            for v in r.values():
                v.pop()
        r["step"].append(self.step)
        r["phase"].append(phase_index)
        r["loss"].append(loss)
        r["error"].append(err)
        r["seconds"].append(self.elapsed())
        for k, v in terms.items():
            r.setdefault(f"term_{k}", [math.nan] * (len(r["step"]) - 1)).append(v)
        return loss, err

    # ------------------------------------------------------------------ loop

    def run(self) -> Result:
        from tqdm.auto import tqdm

        self.t0 = _now()
        stopped_by = "steps"
        if not self.rows["step"]:
            self.record(0)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.seed)
            while self.phase_index < len(self.phases):
                i = self.phase_index
                phase = self.phases[i]
                reason = self.run_phase(i, phase, tqdm)
                if reason is not None:
                    stopped_by = reason
                    break
                self.phase_index += 1
                self.phase_step = 0
                self.opt_state = None
                self.save(force=True)
        if stopped_by == "steps" and getattr(self, "stalled", False):
            stopped_by = "stalled"
        self.save(force=True)
        result = _finish(self.objective, self.theta, self.rows, self.phases, self.step,
                         self.elapsed(), stopped_by, self.target, self.time_budget)
        result.stats["resumed_at"] = list(self.resumed_at)
        return result

    def run_phase(self, i: int, phase: Any, tqdm: Any) -> str | None:
        obj = self.objective
        opt = _make_optimizer(phase, self.seed)
        gn = phase.optimizer == "gauss_newton"
        if self.opt_state is not None:
            ckpt.set_optimizer_state(opt, phase, self.opt_state, self.theta)
        if gn:
            res, jac = _gauss_newton_functions(obj, phase, self.theta)
        bar = tqdm(total=phase.steps, initial=self.phase_step,
                   desc=_phase_label(obj, i, phase), disable=not self.progress,
                   leave=False)
        reason: str | None = None
        self.stalled = False
        try:
            while self.phase_step < phase.steps:
                before = self.theta
                try:
                    if gn:
                        s = opt.step(before, res, jac)
                        if not math.isfinite(s.loss):
                            _non_finite(obj, before, self.step + 1, None)
                    else:
                        s = opt.step(before, obj.loss)
                except NonFiniteLossError:
                    raise
                except ValueError as exc:
                    if str(exc).startswith("the loss is "):
                        _non_finite(obj, before, self.step + 1, exc)
                    raise
                self.theta = s.theta.detach()
                self.step += 1
                self.phase_step += 1
                bar.update(1)
                stalled = not s.accepted
                last = self.phase_step == phase.steps or stalled
                if self.step % self.eval_every == 0 or last:
                    loss, err = self.record(i)
                    bar.set_postfix(loss=f"{loss:.3e}", error=f"{err:.3e}")
                    self.opt_state = ckpt.optimizer_state(opt, phase)
                    self.save()
                    if self.target is not None and err <= self.target:
                        reason = "target"
                        break
                if self.time_budget is not None and self.elapsed() > self.time_budget:
                    if self.rows["step"][-1] != self.step:
                        self.record(i)
                    reason = "time_budget"
                    break
                if stalled:  # no decrease left at this precision: next phase
                    self.stalled = True
                    break
        finally:
            bar.close()
        return reason

    # ------------------------------------------------------------------ checkpoint

    def save(self, force: bool = False) -> None:
        if self.path is None:
            return
        if not force and _now() - self.last_save < _SAVE_EVERY_S:
            return
        ckpt.save(self.path, self)
        self.last_save = _now()
