r"""Training a sequence model to compute one GD iterate to near float64 precision.

The loss is the mean squared error of the model's gradient estimate,

.. math::
    \mathcal L(\theta) = \frac{1}{Bd}\sum_{i=1}^{B}
        \big\|f_\theta(T_i)_{\text{last}} - A_i^\top(A_i x_i - b_i)/n\big\|^2,

on problems drawn fresh from the paper's distribution
(:func:`~numlearn.learned.least_squares.sample_least_squares`).  Two phases:

1. **Adam on fresh batches** (effectively infinite data; arXiv 2503.12295 §4): Adam
   with a tiny ``eps`` (1e-16: with losses near 1e-13, :math:`\sqrt{v}\approx 10^{-7}`
   and the default 1e-8 would damp the late updates), cosine / step / constant learning
   rate, optional gradient clipping, and the optional Grokfast EMA gradient filter
   :math:`\hat g \leftarrow \alpha\hat g + (1-\alpha) g,\ g \leftarrow g + \lambda\hat g`
   (Lee et al. 2024, arXiv 2405.20233; the paper's ``ema_decay 0.98, ema_lambda 2``).
2. **Polishing** to rounding level:

   - ``"gauss_newton"`` (default): Levenberg-Marquardt
     (:class:`~numlearn.learned.optim.LevenbergMarquardt`) on a fresh batch every
     iteration, :math:`(J^\top J + \mu\,\mathrm{diag}(J^\top J))\,\delta = -J^\top r`,
     with the per-problem Jacobian from ``torch.func.vmap(jacrev)``, Cholesky solve, and
     :math:`\mu` divided by 5 after an accepted step, multiplied by 5 after a rejected
     one.  Because the target is exactly representable (zero residual), the
     Gauss-Newton model is exact to second order at a solution and the method converges
     quadratically once close; cost per iteration :math:`O(BdP^2 + P^3)` for ``P``
     parameters, so it is meant for the small exact-capable models (P of a few
     thousand).
   - ``"lbfgs"``: ``torch.optim.LBFGS`` with strong Wolfe line search on a large fixed
     batch, refreshed every round (any P; converges much more slowly here).

3. **Restarts** (``max_restarts``): an attempt that ends above the target is abandoned
   and the run starts again from a fresh initialisation and fresh data, seeded with
   :func:`restart_seed` (deterministic given the seed).  Two cheap detectors end a
   hopeless attempt early: the *Adam plateau* (evaluation error still above
   ``plateau_error`` after ``plateau_check`` of the Adam steps) and the *Gauss-Newton
   stall* (the evaluation error not divided by ``stall_factor`` over the last
   ``stall_window`` iterations: far from the quadratic convergence of a good start).
   The run returns the best attempt; if none reached the target, the status is
   ``TARGET_NOT_REACHED`` and a ``RuntimeWarning`` says so.

The measurements behind the presets (which seeds and widths reach rounding level, the
auxiliary probes that move BaseConv off its plateau) are in the documentation,
the notes, *Learned least squares*.

References: Liu et al., arXiv 2503.12295 (ICLR 2025); Lee et al., "Grokfast", arXiv
2405.20233; Lee, Xie, Gallagher, Zhang, Tu, "Deeply-supervised nets", AISTATS 2015;
Marquardt, SIAM J. Appl. Math. 11 (1963); Nocedal & Wright, *Numerical Optimization*,
ch. 7 and 10.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

import torch
from torch import Tensor, nn

from numlearn._core.result import Result, Status
from numlearn._core.validation import check_flag
from numlearn.learned.config import TrainConfig, build_model
from numlearn.learned.layers import num_parameters
from numlearn.learned.layers.flat import FlatParameters
from numlearn.learned.least_squares.iterate import evaluate
from numlearn.learned.least_squares.probes import _AuxProbe
from numlearn.learned.least_squares.tokens import (
    _gradient,
    _model_gradient,
    _tokens,
    sample_least_squares,
)
from numlearn.learned.optim import LevenbergMarquardt

__all__ = ["evaluate", "restart_seed", "train"]

def _generator(device: str, seed: int) -> torch.Generator:
    gen = torch.Generator(device=device)
    gen.manual_seed(seed)
    return gen


# ------------------------------------------------------------------------------ evaluate


class _EvalSet:
    def __init__(self, config: TrainConfig) -> None:
        P = sample_least_squares(config.eval_batch, config.n, config.d,
                                 seed=config.seed + 2, device=config.device,
                                 dtype=config.torch_dtype)
        self.tokens = _tokens(P.A, P.b, P.x0)
        self.g = _gradient(P.A, P.b, P.x0)
        self.d = config.d

    def __call__(self, model: nn.Module) -> float:
        with torch.no_grad():
            gh = model(self.tokens)[:, -1, : self.d]
        return float((gh - self.g).norm() / self.g.norm())


# ---------------------------------------------------------------------------------- train


def _new_history() -> dict[str, list[Any]]:
    keys = ("step", "phase", "loss", "lr", "grad_norm", "eval_step", "eval_rel_error",
            "time", "restart_step", "restart_seed", "restart_reason")
    return {k: [] for k in keys}


def train(
    config: TrainConfig | None = None,
    *,
    model: nn.Module | None = None,
    progress: bool = True,
    callback: Callable[[dict[str, Any]], None] | None = None,
) -> Result:
    r"""Train a sequence model to output :math:`A^\top(Ax-b)/n` (see module docstring).

    Parameters
    ----------
    config : TrainConfig, optional
        Default :meth:`TrainConfig.default`.
    model : nn.Module, optional
        Start from this model (e.g. loaded from a checkpoint) instead of
        :func:`build_model`; it must match ``config``'s d, n, dtype and device.
        Restarts start from :func:`build_model` with the derived seed.
    progress : bool
        Show tqdm progress bars.
    callback : callable, optional
        Called with a dict (phase, step, loss, eval error) at every evaluation.

    Returns
    -------
    Result
        ``value`` the trained model; ``stats`` the final :func:`evaluate` numbers
        (its ``iterations`` renamed ``eval_iterations``: the GD iterates of that
        evaluation) plus ``num_parameters``, ``seconds_adam``, ``seconds_polish``,
        ``seconds`` (the whole run), ``config`` (a dict), ``final_eval_rel_error``;
        ``history`` with ``step, phase, loss, lr, grad_norm`` (every step) and
        ``eval_step, eval_rel_error, time`` (every evaluation; in the Gauss-Newton phase
        ``lr`` holds the damping mu and ``grad_norm`` the norm of J^T r), and
        ``restart_step, restart_seed, restart_reason`` (one entry per restart: the
        last step of the abandoned attempt, the new seed, why); ``stats`` also
        ``restarts`` and ``attempt_seeds, attempt_errors, attempt_reasons`` (one entry
        per attempt); ``value`` is the best attempt's model; ``status``
        ``"success"`` when the evaluation error reached ``config.target``, else
        ``TARGET_NOT_REACHED`` with a ``RuntimeWarning`` and a message that lists the
        attempts and says what to change.

    Warns
    -----
    RuntimeWarning
        When no attempt reached ``config.target``.
    """
    config = TrainConfig.default() if config is None else config
    if not isinstance(config, TrainConfig):
        raise TypeError(f"`config` must be a TrainConfig, got {type(config).__name__}.")
    config.validate()
    progress = check_flag(progress, "progress")
    if callback is not None and not callable(callback):
        raise TypeError(f"`callback` must be callable (it is called with a dict at every "
                        f"evaluation) or None, got {type(callback).__name__}.")
    from tqdm.auto import tqdm

    if model is not None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"`model` must be a torch.nn.Module (e.g. from build_model or "
                            f"load_checkpoint) or None, got {type(model).__name__}.")
        p0 = next(model.parameters())
        if p0.dtype != config.torch_dtype or model.d != config.d or model.n != config.n:
            raise ValueError(
                f"`model` (d={model.d}, n={model.n}, {p0.dtype}) does not match `config` "
                f"(d={config.d}, n={config.n}, {config.dtype})."
            )
    evalset = _EvalSet(config)  # one evaluation set for every attempt: comparable errors
    history = _new_history()
    t_start = time.perf_counter()

    def out_of_time() -> bool:
        return config.max_time is not None and time.perf_counter() - t_start > config.max_time

    attempts: list[dict[str, Any]] = []
    best: tuple[float, nn.Module] | None = None
    t_adam = 0.0
    step0 = 0
    for attempt in range(config.max_restarts + 1):
        cfg = config if attempt == 0 else replace(
            config, seed=restart_seed(config.seed, attempt))
        current = model if (attempt == 0 and model is not None) else build_model(cfg)
        run = _Attempt(cfg, current, evalset, history, callback, out_of_time, progress,
                       tqdm, step0, t_start)
        err, reason, seconds_adam = run.run()
        t_adam += seconds_adam
        step0 = run.step
        attempts.append({"seed": cfg.seed, "error": err, "reason": reason})
        if best is None or not err >= best[0]:  # NaN never wins over a number
            best = (err, current)
        if err <= config.target or reason == "time" or attempt == config.max_restarts:
            break
        history["restart_step"].append(step0)
        history["restart_seed"].append(restart_seed(config.seed, attempt + 1))
        history["restart_reason"].append(reason)
    t_total = time.perf_counter() - t_start
    err, model = best

    stats: dict[str, Any] = evaluate(model, batch=config.eval_batch, seed=config.seed + 3)
    stats["eval_iterations"] = stats.pop("iterations")
    stats.update(num_parameters=num_parameters(model), seconds_adam=t_adam,
                 seconds_polish=t_total - t_adam, seconds=t_total, config=asdict(config),
                 final_eval_rel_error=err, restarts=len(attempts) - 1,
                 attempt_seeds=[a["seed"] for a in attempts],
                 attempt_errors=[a["error"] for a in attempts],
                 attempt_reasons=[a["reason"] for a in attempts])
    status, message = Status.SUCCESS, _attempts_message(attempts)
    if not err <= config.target:
        status = Status.TARGET_NOT_REACHED
        message = (f"relative gradient error {err:.2e} > target {config.target:.0e}"
                   f"{'; ' + message if message else ''}; increase polish_iters / steps / "
                   "max_restarts or max_time")
        warnings.warn(f"train[{config.arch}]: {message}", RuntimeWarning, stacklevel=2)
    return Result(value=model, status=status, message=message, stats=stats, history=history,
                  method=f"train[{config.arch}, adam+{config.polish}]", side="learned")


def restart_seed(seed: int, attempt: int) -> int:
    """The seed of restart ``attempt`` (1, 2, ...) of a run seeded with ``seed``.

    Drawn from ``numpy.random.SeedSequence([seed, attempt])`` (a 31-bit integer), so
    restarts are deterministic given the seed, and the restarts of different seeds do
    not run into each other's seeds the way ``seed + attempt`` would; attempt 0 is
    ``seed`` itself.
    """
    if attempt == 0:
        return seed
    import numpy as np

    return int(np.random.SeedSequence([seed, attempt]).generate_state(1)[0] >> 1)


def _attempts_message(attempts: list[dict[str, Any]]) -> str:
    """What happened to each abandoned attempt, for the Result message ('' if none)."""
    if len(attempts) == 1:
        return ""
    parts = [f"seed {a['seed']}: {_REASONS[a['reason']]} at {a['error']:.1e}"
             for a in attempts]
    return f"{len(attempts) - 1} restart(s) ({'; '.join(parts)})"


_REASONS = {
    "target": "reached the target",
    "plateau": "Adam plateau",
    "stall": "Gauss-Newton stall",
    "rejected": "Gauss-Newton step rejected",
    "iterations": "polish_iters used up",
    "adam": "no polishing",
    "time": "out of time",
}


class _Attempt:
    """One attempt of :func:`train`: Adam, then polishing, on one model and one seed.

    ``run()`` returns ``(eval error, reason, seconds of Adam)``; ``reason`` says why it
    ended (a key of :data:`_REASONS`), ``step`` is the last global step recorded.
    """

    def __init__(self, config, model, evalset, history, callback, out_of_time, progress,
                 tqdm, step0, t_start) -> None:
        self.config, self.model, self.evalset = config, model, evalset
        self.history, self.callback = history, callback
        self.out_of_time, self.progress, self.tqdm = out_of_time, progress, tqdm
        self.step, self.t_start = step0, t_start

    def record_eval(self, step: int, phase: str, loss: float) -> float:
        err = self.evalset(self.model)
        h = self.history
        h["eval_step"].append(step)
        h["eval_rel_error"].append(err)
        h["time"].append(time.perf_counter() - self.t_start)
        if self.callback is not None:
            self.callback({"phase": phase, "step": step, "loss": loss,
                           "eval_rel_error": err})
        return err

    def run(self) -> tuple[float, str, float]:
        config, model, h = self.config, self.model, self.history
        gen = _generator(config.device, config.seed + 1)
        t0 = time.perf_counter()
        args = (model, config, gen, h, self.record_eval, self.out_of_time, self.progress,
                self.tqdm, self.step)
        err = self.record_eval(self.step, "init", float("nan"))
        reason = "adam"
        if config.steps:
            err, reason = _adam_phase(*args)
            self.step = h["step"][-1]
        t_adam = time.perf_counter() - t0
        if err <= config.target:
            return err, "target", t_adam
        if reason == "plateau":
            return err, reason, t_adam
        if self.out_of_time():
            return err, "time", t_adam
        args = (*args[:-1], self.step, err)
        if config.polish == "gauss_newton" and config.polish_iters:
            err, reason = _gauss_newton_phase(*args)
        elif config.polish == "lbfgs" and config.polish_iters:
            err, reason = _lbfgs_phase(*args)
        if h["step"]:
            self.step = h["step"][-1]
        return err, ("target" if err <= config.target else reason), t_adam


def _label(config: TrainConfig, phase: str) -> str:
    """A progress bar's label: which model, which phase, which attempt (seed)."""
    return f"{config.arch} {phase} (seed {config.seed})"


def _lr_at(config: TrainConfig, step: int) -> float:
    if config.lr_schedule == "cosine":
        return 0.5 * config.lr * (1 + math.cos(math.pi * step / max(config.steps, 1)))
    if config.lr_schedule == "step":
        return config.lr * config.lr_decay ** (step // config.lr_step)
    return config.lr


def _adam_phase(model, config, gen, history, record_eval, out_of_time, progress, tqdm,
                step0=0):
    """Phase 1; returns ``(eval error, reason)``, reason ``"plateau"`` when the eval
    error at the plateau check (``config.plateau_check``) is above
    ``config.plateau_error``, ``"time"`` when out of time, else ``"adam"``."""
    params = [p for p in model.parameters() if p.requires_grad]
    probe = _AuxProbe(config) if config.aux_weight else None
    if probe is not None:
        params = params + probe.parameters()
    opt = torch.optim.Adam(params, lr=config.lr, betas=(config.beta1, config.beta2),
                           eps=config.adam_eps)
    ema = [torch.zeros_like(p) for p in params] if config.ema_lambda else None
    err, reason = float("nan"), "adam"
    check = math.ceil(config.plateau_check * config.steps) if config.plateau_check else None
    bar = tqdm(range(config.steps), desc=_label(config, "adam"), disable=not progress, leave=False)
    for step in bar:
        lr = _lr_at(config, step)
        for group in opt.param_groups:
            group["lr"] = lr
        P = sample_least_squares(config.batch_size, config.n, config.d, generator=gen,
                                 device=config.device, dtype=config.torch_dtype)
        g = _gradient(P.A, P.b, P.x0)
        lam = config.aux_weight * max(0.0, 1.0 - step / (config.aux_frac * config.steps))
        if probe is None:
            loss = mse = ((_model_gradient(model, P.A, P.b, P.x0) - g) ** 2).mean()
        else:  # both terms relative, so that aux_weight is a ratio
            out, hid = model.forward_with_hidden(_tokens(P.A, P.b, P.x0), probe.layers)
            mse = ((out[:, -1, : config.d] - g) ** 2).mean()
            loss = mse / (g**2).mean()
            if lam > 0:
                loss = loss + lam * probe.loss(hid, P.A, P.b, P.x0)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if config.grad_clip is not None:
            gnorm = float(nn.utils.clip_grad_norm_(params, config.grad_clip))
        else:
            gnorm = float(torch.sqrt(sum((p.grad**2).sum() for p in params)))
        if ema is not None:
            # Grokfast-EMA: amplify the slow (persistent) component of the gradient
            for p, e in zip(params, ema, strict=True):
                e.mul_(config.ema_alpha).add_(p.grad, alpha=1 - config.ema_alpha)
                p.grad.add_(e, alpha=config.ema_lambda)
        if math.isfinite(gnorm):  # skip non-finite steps (the paper's guard)
            opt.step()
        lv = float(mse.detach())  # the gradient MSE (without the probe term)
        history["step"].append(step0 + step + 1)
        history["phase"].append("adam")
        history["loss"].append(lv)
        history["lr"].append(lr)
        history["grad_norm"].append(gnorm)
        if (step + 1) % config.eval_every == 0 or step + 1 == config.steps:
            err = record_eval(step0 + step + 1, "adam", lv)
            bar.set_postfix(loss=f"{lv:.2e}", rel=f"{err:.2e}")
            if check is not None and check <= step + 1:  # the first evaluation from it
                check = None
                if not err <= config.plateau_error:
                    reason = "plateau"
                    break
        if out_of_time():
            reason = "time"
            break
    bar.close()
    return err, reason


_GN_MAX_PARAMS = 8000


def _stalled(errors: list[float], config: TrainConfig) -> bool:
    """Whether polishing has stalled: the eval error (above the target) did not drop by
    ``config.stall_factor`` over the last ``config.stall_window`` iterations."""
    w = config.stall_window
    if not w or len(errors) <= w or errors[-1] <= config.target:
        return False
    return not errors[-1] * config.stall_factor <= errors[-1 - w]


def _gauss_newton_phase(model, config, gen, history, record_eval, out_of_time, progress,
                        tqdm, step0, err):
    """Phase 2 (Levenberg-Marquardt); returns ``(eval error, reason)`` with reason
    ``"target"``, ``"stall"`` (:func:`_stalled`), ``"rejected"``, ``"time"`` or
    ``"iterations"``."""
    from torch.func import functional_call, jacrev, vmap

    flat = FlatParameters(model)
    theta = flat.get()
    P_count = theta.numel()
    if P_count > _GN_MAX_PARAMS:
        raise ValueError(
            f"Gauss-Newton polishing forms a {P_count}x{P_count} matrix; use it for models "
            f"with at most {_GN_MAX_PARAMS} parameters, or set polish='lbfgs'."
        )
    d = config.d
    if config.polish_batch * d < P_count:
        raise ValueError(
            f"`polish_batch` * d = {config.polish_batch * d} residuals cannot determine "
            f"{P_count} parameters; use polish_batch >= {math.ceil(2 * P_count / d)}."
        )

    def predict(th: Tensor, tokens: Tensor) -> Tensor:
        return functional_call(model, flat.unflatten(th), (tokens,))[:, -1, :d]

    def single(th: Tensor, tok: Tensor) -> Tensor:
        return functional_call(model, flat.unflatten(th), (tok.unsqueeze(0),))[0, -1, :d]

    jac = vmap(jacrev(single), in_dims=(None, 0))
    lm = LevenbergMarquardt(1e-2)
    errors, reason = [err], "iterations"
    bar = tqdm(range(config.polish_iters), desc=_label(config, "gauss-newton"),
               disable=not progress, leave=False)
    for it in bar:
        P = sample_least_squares(config.polish_batch, config.n, config.d, generator=gen,
                                 device=config.device, dtype=config.torch_dtype)
        tokens = _tokens(P.A, P.b, P.x0)
        g = _gradient(P.A, P.b, P.x0)
        scale = g.norm()  # residuals are relative: ||r||^2 = (rel. error)^2

        def residual(th: Tensor, tokens=tokens, g=g, scale=scale) -> Tensor:
            with torch.no_grad():
                return ((predict(th, tokens) - g) / scale).reshape(-1)

        def jacobian(th: Tensor, tokens=tokens, scale=scale) -> Tensor:
            return jac(th, tokens).reshape(-1, P_count) / scale

        s = lm.step(theta, residual, jacobian)
        theta = s.theta
        flat.set(theta)
        history["step"].append(step0 + it + 1)
        history["phase"].append("gauss_newton")
        history["loss"].append(s.loss * float(scale) ** 2 / g.numel())
        history["lr"].append(s.mu)
        history["grad_norm"].append(s.grad_norm)
        err = record_eval(step0 + it + 1, "gauss_newton", history["loss"][-1])
        bar.set_postfix(rel=f"{err:.2e}", mu=f"{s.mu:.0e}")
        errors.append(err)
        reason = _stop_reason(err, errors, config, out_of_time, s.accepted)
        if reason != "iterations":
            break
    bar.close()
    return err, reason


def _stop_reason(err: float, errors: list[float], config: TrainConfig,
                 out_of_time: Callable[[], bool], accepted: bool = True) -> str:
    """Why polishing stops after this iteration ("iterations": it goes on)."""
    if err <= config.target:
        return "target"
    if out_of_time():
        return "time"
    if not accepted:
        return "rejected"
    if _stalled(errors, config):
        return "stall"
    return "iterations"


def _lbfgs_phase(model, config, gen, history, record_eval, out_of_time, progress, tqdm,
                 step0, err):
    """Phase 2 (L-BFGS rounds); returns ``(eval error, reason)`` as
    :func:`_gauss_newton_phase` (a round counts as an iteration)."""
    errors, reason = [err], "iterations"
    params = [p for p in model.parameters() if p.requires_grad]
    bar = tqdm(range(config.polish_iters), desc=_label(config, "l-bfgs"),
               disable=not progress, leave=False)
    for it in bar:
        P = sample_least_squares(config.polish_batch, config.n, config.d, generator=gen,
                                 device=config.device, dtype=config.torch_dtype)
        tokens = _tokens(P.A, P.b, P.x0)
        g = _gradient(P.A, P.b, P.x0)
        g2 = (g**2).mean()
        opt = torch.optim.LBFGS(params, lr=1.0, max_iter=config.lbfgs_iters,
                                history_size=config.lbfgs_history,
                                line_search_fn="strong_wolfe", tolerance_grad=0.0,
                                tolerance_change=0.0)

        def closure(tokens=tokens, g=g, g2=g2, opt=opt) -> Tensor:
            opt.zero_grad()
            loss = ((model(tokens)[:, -1, : config.d] - g) ** 2).mean() / g2
            loss.backward()
            return loss

        opt.step(closure)
        with torch.no_grad():
            lv = float(((model(tokens)[:, -1, : config.d] - g) ** 2).mean())
        history["step"].append(step0 + it + 1)
        history["phase"].append("lbfgs")
        history["loss"].append(lv)
        history["lr"].append(1.0)
        history["grad_norm"].append(float(torch.sqrt(sum((p.grad**2).sum() for p in params))))
        err = record_eval(step0 + it + 1, "lbfgs", lv)
        bar.set_postfix(rel=f"{err:.2e}")
        errors.append(err)
        reason = _stop_reason(err, errors, config, out_of_time)
        if reason != "iterations":
            break
    bar.close()
    return err, reason
