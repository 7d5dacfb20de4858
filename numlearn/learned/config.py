"""What defines a training run: :class:`TrainConfig` (plain values, checked by
``validate``, stored in every checkpoint) and :func:`build_model`, the model a config
describes.  The recipe that trains it is :mod:`numlearn.learned.training`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import torch
from torch import nn

from numlearn._core.validation import (
    check_choice,
    check_flag,
    check_fraction,
    check_int,
    check_positive,
)
from numlearn.learned.layers import BaseConvModel, LinearAttentionModel, SoftmaxTransformer
from numlearn.learned.least_squares.probes import _AUX_PROBES

__all__ = ["TrainConfig", "build_model"]

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
    max_restarts, plateau_check, plateau_error, stall_window, stall_factor
        Restarts (:func:`~numlearn.learned.training.train`): an attempt that ends above
        ``target`` is abandoned and the run starts again from a fresh initialisation and
        fresh data, seeded with :func:`~numlearn.learned.training.restart_seed`, at most
        ``max_restarts`` times (0: never).  An attempt is abandoned early when its
        evaluation error at the first evaluation from ``plateau_check`` x ``steps`` Adam
        steps on is above ``plateau_error`` (the Adam plateau; ``plateau_check`` 0
        disables it), or when polishing has not divided the evaluation error by
        ``stall_factor`` over the last ``stall_window`` iterations (the stall; 0
        disables it).  The run returns the best attempt.
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
    max_restarts: int = 0
    plateau_check: float = 0.0
    plateau_error: float = 0.05
    stall_window: int = 0
    stall_factor: float = 10.0

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
          2048, seed 1.  Not every initialisation gets there (some stay on the Adam
          plateau near 0.2, some stall in Gauss-Newton at 1e-4 to 1e-7; the training
          notes in the documentation), so an attempt whose evaluation error is above
          0.05 after 60 % of the Adam steps, or that does not gain a factor 10 in 10
          Gauss-Newton iterations, is abandoned and restarted from a derived seed (up
          to 8 restarts, within the 30-minute ``max_time``).  About one attempt in
          three converges; a run that runs out of attempts or time ends with
          ``TARGET_NOT_REACHED`` and a warning.
        - ``"linear_attention"`` restarts an attempt that ends above the target or
          does not gain a factor 10 in 20 Gauss-Newton iterations (up to 4 times);
          ``"softmax"`` does not restart (it stalls near 0.1: the contrast).
        """
        restarts = {"max_restarts": 4, "stall_window": 10, "stall_factor": 10.0}
        if arch == "linear_attention":
            return cls.default(**{**restarts, "stall_window": 20, **overrides})
        if arch == "softmax":
            return cls.default(**{"arch": "softmax", **overrides})
        if arch == "baseconv":
            base = {"arch": "baseconv", "width": 16, "inner": 8, "n_layers": 4,
                    "steps": 3000, "batch_size": 512, "lr": 5e-3, "aux_weight": 10.0,
                    "aux_frac": 1.0, "aux_probe": "residuals", "polish_iters": 60,
                    "polish_batch": 2048, "eval_every": 250, "seed": 1, **restarts,
                    "plateau_check": 0.6, "plateau_error": 0.05}
            return cls.default(**{**base, "max_restarts": 8, **overrides})
        raise ValueError(f"`arch` must be one of {sorted(_ARCHS)}, got {arch!r}.")

    def validate(self) -> None:
        """Raise ValueError/TypeError for impossible settings.

        Every numeric field is checked against its domain: positive integers for the
        sizes and periods (``head_dim``/``inner`` also None), ``seed >= 0``; ``lr``,
        ``init_std`` and ``adam_eps`` finite and ``> 0``; ``lr_decay`` in (0, 1];
        ``beta1``, ``beta2`` and ``ema_alpha`` in [0, 1); ``ema_lambda``, ``aux_weight``
        and ``target`` finite and ``>= 0``; ``grad_clip`` and ``max_time`` None or
        finite and ``> 0`` (a negative clip would turn descent into ascent).  NaN and
        infinity are refused everywhere; the message names the field.  Counts are at
        most 2^31 - 1 and ``seed`` at most 2^62; ``width`` must be divisible by
        ``n_heads`` when ``head_dim`` is None (attention); one activation of the
        largest batch (``max(batch_size, polish_batch, eval_batch) * (n + 1) *
        width`` values) must fit in 16 GiB, checked before anything is allocated.
        ``device`` must be a string torch reads as a device, ``causal`` a bool,
        ``positional`` and ``conv`` one of their choices.
        """
        check_choice(self.arch, "arch", sorted(_ARCHS))
        check_choice(self.dtype, "dtype", sorted(_DTYPES))
        _check_device_name(self.device)
        check_flag(self.causal, "causal")
        check_choice(self.positional, "positional", ("learned", "segment", "none"))
        check_choice(self.conv, "conv", ("direct", "fft"))
        check_choice(self.lr_schedule, "lr_schedule", ("cosine", "step", "constant"))
        check_choice(self.polish, "polish", ("gauss_newton", "lbfgs", "none"))
        for name in ("d", "n", "width", "n_heads", "batch_size", "polish_batch",
                     "eval_batch", "eval_every", "lr_step", "lbfgs_iters", "lbfgs_history"):
            check_int(getattr(self, name), name, minimum=1, maximum=_MAX_COUNT)
        for name in ("n_layers", "steps", "polish_iters", "max_restarts", "stall_window"):
            check_int(getattr(self, name), name, minimum=0, maximum=_MAX_COUNT)
        for name in ("head_dim", "inner"):
            if getattr(self, name) is not None:
                check_int(getattr(self, name), name, minimum=1, maximum=_MAX_COUNT)
        check_int(self.seed, "seed", minimum=0, maximum=_MAX_SEED)
        if self.arch != "baseconv" and self.head_dim is None and self.width % self.n_heads:
            raise ValueError(f"`width` ({self.width}) must be divisible by `n_heads` "
                             f"({self.n_heads}) unless `head_dim` is given.")
        batch = max(self.batch_size, self.polish_batch, self.eval_batch)
        nbytes = batch * (self.n + 1) * max(self.width, self.d + 1) * (
            4 if self.dtype == "float32" else 8)
        if nbytes > _MAX_ACTIVATION_BYTES:
            raise ValueError(
                f"one activation of the largest batch ({batch} problems of `n`={self.n} "
                f"rows at `width`={self.width}) takes {nbytes / 2**30:.3g} GiB, more than "
                f"the limit of {_MAX_ACTIVATION_BYTES / 2**30:.0f} GiB; lower `batch_size`/"
                "`polish_batch`/`eval_batch`, `n` or `width`.")
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
        check_fraction(self.plateau_check, "plateau_check", allow_zero=True)
        check_positive(self.plateau_error, "plateau_error")
        check_positive(self.stall_factor, "stall_factor")
        if self.stall_factor <= 1:
            raise ValueError(f"`stall_factor` must be > 1 (the error must drop by this "
                             f"factor over `stall_window` iterations), got "
                             f"{self.stall_factor!r}.")
        check_choice(self.aux_probe, "aux_probe", tuple(_AUX_PROBES))
        need = _AUX_PROBES[self.aux_probe] + 1
        if self.aux_weight and self.n_layers < need:
            raise ValueError(f"the {self.aux_probe!r} probe reads the stream before the "
                             f"last {need - 1} layer(s); it needs `n_layers` >= {need} (or "
                             "set aux_weight=0).")

    @property
    def torch_dtype(self) -> torch.dtype:
        return _DTYPES[self.dtype]


#: Upper bound of every count of the config (sizes, steps, periods): 2^31 - 1.
_MAX_COUNT = 2**31 - 1
#: The training data derive their seeds from ``seed`` (``seed + 1`` ... ``seed + 3``).
_MAX_SEED = 2**62
#: One activation tensor (batch x (n+1) x width) of the largest batch, at most 16 GiB,
#: checked before anything is allocated.
_MAX_ACTIVATION_BYTES = 16 * 2**30


def _check_device_name(device: Any) -> None:
    """``device`` is a string torch parses as a device ('cpu', 'cuda', 'cuda:1', ...)."""
    if not isinstance(device, str):
        raise TypeError(f"`device` must be a string such as 'cpu' or 'cuda', got "
                        f"{type(device).__name__} {device!r}.")
    try:
        torch.device(device)
    except RuntimeError:
        raise ValueError(f"`device` must name a torch device ('cpu', 'cuda', 'cuda:0', "
                         f"'mps'), got {device!r}.") from None


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
    if not isinstance(config, TrainConfig):
        raise TypeError(f"`config` must be a TrainConfig, got {type(config).__name__}.")
    config.validate()
    kind = torch.device(config.device).type
    if kind == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"`device` is {config.device!r} but this torch has no CUDA device; "
                         "use device='cpu'.")
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
