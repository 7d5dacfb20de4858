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
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

import torch
from torch import Tensor, nn

from numlearn._core.result import Result, Status
from numlearn._core.validation import (
    check_choice,
    check_fraction,
    check_int,
    check_positive,
)
from numlearn.learned.layers import (
    BaseConvModel,
    LinearAttentionModel,
    SoftmaxTransformer,
    num_parameters,
)
from numlearn.learned.least_squares.iterate import evaluate
from numlearn.learned.least_squares.probes import _AUX_PROBES, _AuxProbe
from numlearn.learned.least_squares.tokens import (
    _gradient,
    _model_gradient,
    _tokens,
    sample_least_squares,
)
from numlearn.learned.optim import LevenbergMarquardt

__all__ = ["TrainConfig", "build_model", "evaluate", "train"]

_ARCHS = {
    "linear_attention": LinearAttentionModel,
    "baseconv": BaseConvModel,
    "softmax": SoftmaxTransformer,
}
_DTYPES = {"float64": torch.float64, "float32": torch.float32}


@dataclass
class TrainConfig:
    r"""Everything that defines a training run (all plain values, so it round-trips
    through a checkpoint loaded with ``weights_only=True``).

    Presets: :meth:`tiny` (seconds; the fast test) and :meth:`default` (the
    recommended run).

    Attributes
    ----------
    arch : {"linear_attention", "baseconv", "softmax"}
    d, n : int
        Unknowns and rows of the least-squares problems (paper: 5, 20).
    width, n_layers, n_heads, head_dim, inner, causal, positional, conv, init_std
        Model shape (see the model classes); ``n_heads``/``head_dim`` for attention,
        ``inner``/``conv`` for BaseConv.  ``init_std`` 0.1 rather than GPT-2's 0.02:
        products of small weights start the polynomial layers near a saddle (measured,
        per-position embedding: 0.45 relative error after 2,000 Adam steps at 0.02 and
        lr 3e-3, 0.02 after 1,000 steps at 0.1 and lr 1e-2).
    dtype : {"float64", "float32"}
    device : str
        ``"cpu"`` or ``"cuda"``.
    seed : int
        Seeds the initialisation and the data generators (reproducible runs).
    steps, batch_size, lr, lr_schedule, lr_decay, lr_step, adam_eps, beta1, beta2,
    grad_clip, ema_alpha, ema_lambda
        Phase 1 (Adam on fresh batches). ``lr_schedule`` is ``"cosine"`` (to 0 over
        ``steps``), ``"step"`` (times ``lr_decay`` every ``lr_step`` steps) or
        ``"constant"``; ``ema_alpha = ema_lambda = 0`` disables the Grokfast filter;
        ``grad_clip`` None disables clipping.
    aux_weight, aux_frac, aux_probe
        Auxiliary probe (:mod:`numlearn.learned.least_squares.probes`): weight
        :math:`\lambda_0` of the probe loss, decayed linearly to 0 over the first
        ``aux_frac`` of the Adam steps (0 disables it); ``aux_probe``
        ``"normal_equations"`` reads (triu M, c) at the last position before the last
        layer, ``"residuals"`` reads the row residuals
        :math:`r_t = a_t^\top x - b_t` after layer L-2 and the per-row gradients
        :math:`r_t a_t` after layer L-1 at every row token.
    polish : {"gauss_newton", "lbfgs", "none"}
    polish_iters, polish_batch
        Gauss-Newton iterations (one fresh batch each) or L-BFGS rounds (one fresh
        fixed batch each), and the batch size.
    lbfgs_iters, lbfgs_history
        Iterations per L-BFGS round and its memory.
    target : float
        Polishing stops once the relative gradient error on the evaluation set is below
        this.
    max_time : float or None
        Wall-clock budget in seconds for the whole run (checked between steps).
    eval_batch, eval_every
        Size of the fixed evaluation set (its own seed) and the evaluation period of
        phase 1.
    """

    arch: str = "linear_attention"
    d: int = 5
    n: int = 20
    width: int = 12
    n_layers: int = 2
    n_heads: int = 2
    head_dim: int | None = None
    inner: int | None = None
    causal: bool = False
    positional: str = "segment"
    conv: str = "direct"
    init_std: float = 0.1
    dtype: str = "float64"
    device: str = "cpu"
    seed: int = 0
    steps: int = 1000
    batch_size: int = 256
    lr: float = 1e-2
    lr_schedule: str = "cosine"
    lr_decay: float = 0.9
    lr_step: int = 3000
    adam_eps: float = 1e-16
    beta1: float = 0.9
    beta2: float = 0.999
    grad_clip: float | None = 100.0
    ema_alpha: float = 0.0
    ema_lambda: float = 0.0
    aux_weight: float = 0.0
    aux_frac: float = 0.6
    aux_probe: str = "normal_equations"
    polish: str = "gauss_newton"
    polish_iters: int = 300
    polish_batch: int = 1024
    lbfgs_iters: int = 200
    lbfgs_history: int = 100
    target: float = 1e-14
    max_time: float | None = None
    eval_batch: int = 4096
    eval_every: int = 100

    @classmethod
    def tiny(cls, **overrides: Any) -> TrainConfig:
        """A run of a few seconds: the minimal linear-attention model, 200 Adam steps
        on batches of 64, 4 Gauss-Newton iterations on batches of 512."""
        base = cls(steps=200, batch_size=64, lr=1e-2, polish_iters=4, polish_batch=512,
                   eval_batch=512, eval_every=50, polish="gauss_newton")
        return replace(base, **overrides)

    @classmethod
    def default(cls, **overrides: Any) -> TrainConfig:
        """The recommended run: minimal linear attention (2 layers, 2 heads, width
        2d+2, segment embedding, init std 0.1), 1000 Adam steps (batch 256, lr 1e-2
        cosine), then up to 300 Gauss-Newton iterations (fresh batch of 1024 each),
        stopping at relative error 1e-14, with a 30-minute budget (measured: 1-3
        minutes on a 2-core CPU)."""
        return replace(cls(max_time=1800.0), **overrides)

    @classmethod
    def for_arch(cls, arch: str, **overrides: Any) -> TrainConfig:
        """The recommended run per architecture (what ``numlearn compare --suite
        least-squares`` trains):

        - ``"linear_attention"``: :meth:`default`.
        - ``"softmax"``: the contrast with the *same budget*: :meth:`default` with
          ``arch="softmax"`` (same width, heads, embedding, Adam steps and Gauss-Newton
          iterations).
        - ``"baseconv"``: 4 layers, width 16, inner 8 (2,565 parameters), segment
          embedding, 3000 Adam steps (batch 512, lr 5e-3 cosine) with the residual
          probe (``aux_probe="residuals"``, ``aux_weight`` 10 decaying to 0 over the
          whole phase), then up to 60 Gauss-Newton iterations on fresh batches of
          2048, seed 1.  Not every seed gets there (of seeds 0-3, 1 and 3 reach 5e-16
          in 5-6 minutes, 0 stalls at 7e-6 in Gauss-Newton, 2 does not leave the
          plateau; the training notes in the documentation), so the preset names a
          seed that does.
        """
        if arch == "linear_attention":
            return cls.default(**overrides)
        if arch == "softmax":
            return cls.default(**{"arch": "softmax", **overrides})
        if arch == "baseconv":
            base = {"arch": "baseconv", "width": 16, "inner": 8, "n_layers": 4,
                    "steps": 3000, "batch_size": 512, "lr": 5e-3, "aux_weight": 10.0,
                    "aux_frac": 1.0, "aux_probe": "residuals", "polish_iters": 60,
                    "polish_batch": 2048, "eval_every": 250, "seed": 1}
            return cls.default(**{**base, **overrides})
        raise ValueError(f"`arch` must be one of {sorted(_ARCHS)}, got {arch!r}.")

    def validate(self) -> None:
        """Raise ValueError/TypeError for impossible settings.

        Every numeric field is checked against its domain: positive integers for the
        sizes and periods (``head_dim``/``inner`` also None), ``seed >= 0``; ``lr``,
        ``init_std`` and ``adam_eps`` finite and ``> 0``; ``lr_decay`` in (0, 1];
        ``beta1``, ``beta2`` and ``ema_alpha`` in [0, 1); ``ema_lambda``, ``aux_weight``
        and ``target`` finite and ``>= 0``; ``grad_clip`` and ``max_time`` None or
        finite and ``> 0`` (a negative clip would turn descent into ascent).  NaN and
        infinity are refused everywhere; the message names the field.
        """
        check_choice(self.arch, "arch", sorted(_ARCHS))
        check_choice(self.dtype, "dtype", sorted(_DTYPES))
        check_choice(self.lr_schedule, "lr_schedule", ("cosine", "step", "constant"))
        check_choice(self.polish, "polish", ("gauss_newton", "lbfgs", "none"))
        for name in ("d", "n", "width", "n_heads", "batch_size", "polish_batch",
                     "eval_batch", "eval_every", "lr_step", "lbfgs_iters", "lbfgs_history"):
            check_int(getattr(self, name), name, minimum=1)
        for name in ("n_layers", "steps", "polish_iters"):
            check_int(getattr(self, name), name, minimum=0)
        for name in ("head_dim", "inner"):
            if getattr(self, name) is not None:
                check_int(getattr(self, name), name, minimum=1)
        check_int(self.seed, "seed", minimum=0)
        for name in ("lr", "init_std", "adam_eps"):
            check_positive(getattr(self, name), name)
        check_fraction(self.lr_decay, "lr_decay")
        for name in ("beta1", "beta2", "ema_alpha"):
            check_fraction(getattr(self, name), name, allow_zero=True, allow_one=False)
        for name in ("ema_lambda", "aux_weight", "target"):
            check_positive(getattr(self, name), name, allow_zero=True)
        _check_optional_positive(self.grad_clip, "grad_clip", "disables clipping")
        _check_optional_positive(self.max_time, "max_time", "means no time limit")
        check_fraction(self.aux_frac, "aux_frac")
        check_choice(self.aux_probe, "aux_probe", tuple(_AUX_PROBES))
        need = _AUX_PROBES[self.aux_probe] + 1
        if self.aux_weight and self.n_layers < need:
            raise ValueError(f"the {self.aux_probe!r} probe reads the stream before the "
                             f"last {need - 1} layer(s); it needs `n_layers` >= {need} (or "
                             "set aux_weight=0).")

    @property
    def torch_dtype(self) -> torch.dtype:
        return _DTYPES[self.dtype]


def _check_optional_positive(value: Any, name: str, none_means: str) -> None:
    """`check_positive` for a field where None is allowed; the message says so."""
    if value is None:
        return
    try:
        check_positive(value, name)
    except ValueError as exc:
        raise ValueError(f"{exc} (None {none_means}.)") from None


def build_model(config: TrainConfig) -> nn.Module:
    """The (randomly initialised) model a config describes, on ``config.device``.

    Initialisation draws from a forked CPU generator seeded with ``config.seed`` and the
    model is then moved, so a seed gives the same weights on every device and the global
    RNG state is left untouched.
    """
    config.validate()
    common = {"width": config.width, "n_layers": config.n_layers,
              "positional": config.positional, "init_std": config.init_std,
              "dtype": config.torch_dtype}
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        if config.arch == "baseconv":
            model = BaseConvModel(config.d, config.n, inner=config.inner, conv=config.conv,
                                  **common)
        else:
            model = _ARCHS[config.arch](config.d, config.n, n_heads=config.n_heads,
                                        head_dim=config.head_dim, causal=config.causal,
                                        **common)
    return model.to(config.device)


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
            "time")
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
        ``lr`` holds the damping mu and ``grad_norm`` the norm of J^T r); ``status``
        ``"success"`` when the evaluation error reached ``config.target``, else a
        message saying what to change.
    """
    config = TrainConfig.default() if config is None else config
    if not isinstance(config, TrainConfig):
        raise TypeError(f"`config` must be a TrainConfig, got {type(config).__name__}.")
    config.validate()
    from tqdm.auto import tqdm

    if model is None:
        model = build_model(config)
    p0 = next(model.parameters())
    if p0.dtype != config.torch_dtype or model.d != config.d or model.n != config.n:
        raise ValueError(
            f"`model` (d={model.d}, n={model.n}, {p0.dtype}) does not match `config` "
            f"(d={config.d}, n={config.n}, {config.dtype})."
        )
    gen = _generator(config.device, config.seed + 1)
    evalset = _EvalSet(config)
    history = _new_history()
    t_start = time.perf_counter()

    def out_of_time() -> bool:
        return config.max_time is not None and time.perf_counter() - t_start > config.max_time

    def record_eval(step: int, phase: str, loss: float) -> float:
        err = evalset(model)
        history["eval_step"].append(step)
        history["eval_rel_error"].append(err)
        history["time"].append(time.perf_counter() - t_start)
        if callback is not None:
            callback({"phase": phase, "step": step, "loss": loss, "eval_rel_error": err})
        return err

    # ---- phase 1: Adam on fresh batches
    err = record_eval(0, "init", float("nan"))
    if config.steps:
        err = _adam_phase(model, config, gen, history, record_eval, out_of_time, progress,
                          tqdm)
    t_adam = time.perf_counter() - t_start

    # ---- phase 2: polishing
    step0 = config.steps
    if config.polish == "gauss_newton" and config.polish_iters and not out_of_time():
        err = _gauss_newton_phase(model, config, gen, history, record_eval, out_of_time,
                                  progress, tqdm, step0, err)
    elif config.polish == "lbfgs" and config.polish_iters and not out_of_time():
        err = _lbfgs_phase(model, config, gen, history, record_eval, out_of_time, progress,
                           tqdm, step0, err)
    t_total = time.perf_counter() - t_start

    stats: dict[str, Any] = evaluate(model, batch=config.eval_batch, seed=config.seed + 3)
    stats["eval_iterations"] = stats.pop("iterations")
    stats.update(num_parameters=num_parameters(model), seconds_adam=t_adam,
                 seconds_polish=t_total - t_adam, seconds=t_total, config=asdict(config),
                 final_eval_rel_error=err)
    status, message = Status.SUCCESS, ""
    if err > config.target:
        status = Status.TARGET_NOT_REACHED
        message = (f"relative gradient error {err:.2e} > target "
                  f"{config.target:.0e}; increase polish_iters / steps or max_time")
    return Result(value=model, status=status, message=message, stats=stats, history=history,
                  method=f"train[{config.arch}, adam+{config.polish}]", side="learned")


def _lr_at(config: TrainConfig, step: int) -> float:
    if config.lr_schedule == "cosine":
        return 0.5 * config.lr * (1 + math.cos(math.pi * step / max(config.steps, 1)))
    if config.lr_schedule == "step":
        return config.lr * config.lr_decay ** (step // config.lr_step)
    return config.lr


def _adam_phase(model, config, gen, history, record_eval, out_of_time, progress, tqdm):
    params = [p for p in model.parameters() if p.requires_grad]
    probe = _AuxProbe(config) if config.aux_weight else None
    if probe is not None:
        params = params + probe.parameters()
    opt = torch.optim.Adam(params, lr=config.lr, betas=(config.beta1, config.beta2),
                           eps=config.adam_eps)
    ema = [torch.zeros_like(p) for p in params] if config.ema_lambda else None
    err = float("nan")
    bar = tqdm(range(config.steps), desc="adam", disable=not progress, leave=False)
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
        history["step"].append(step + 1)
        history["phase"].append("adam")
        history["loss"].append(lv)
        history["lr"].append(lr)
        history["grad_norm"].append(gnorm)
        if (step + 1) % config.eval_every == 0 or step + 1 == config.steps:
            err = record_eval(step + 1, "adam", lv)
            bar.set_postfix(loss=f"{lv:.2e}", rel=f"{err:.2e}")
        if out_of_time():
            break
    bar.close()
    return err


class _Flat:
    """Flat-vector view of a model's parameters for torch.func."""

    def __init__(self, model: nn.Module) -> None:
        self.model = model
        self.named = [(k, p) for k, p in model.named_parameters() if p.requires_grad]

    def get(self) -> Tensor:
        return torch.cat([p.detach().reshape(-1) for _, p in self.named])

    def set(self, theta: Tensor) -> None:
        with torch.no_grad():
            i = 0
            for _, p in self.named:
                p.copy_(theta[i : i + p.numel()].view_as(p))
                i += p.numel()

    def unflatten(self, theta: Tensor) -> dict[str, Tensor]:
        out, i = {}, 0
        for k, p in self.named:
            out[k] = theta[i : i + p.numel()].view_as(p)
            i += p.numel()
        return out


_GN_MAX_PARAMS = 8000


def _gauss_newton_phase(model, config, gen, history, record_eval, out_of_time, progress,
                        tqdm, step0, err):
    from torch.func import functional_call, jacrev, vmap

    flat = _Flat(model)
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
    bar = tqdm(range(config.polish_iters), desc="gauss-newton", disable=not progress,
               leave=False)
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
        if err <= config.target or out_of_time() or not s.accepted:
            break
    bar.close()
    return err


def _lbfgs_phase(model, config, gen, history, record_eval, out_of_time, progress, tqdm,
                 step0, err):
    params = [p for p in model.parameters() if p.requires_grad]
    bar = tqdm(range(config.polish_iters), desc="l-bfgs", disable=not progress, leave=False)
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
        if err <= config.target or out_of_time():
            break
    bar.close()
    return err
