r"""Training a sequence model to compute one GD iterate to near float64 precision.

The loss is the mean squared error of the model's gradient estimate,

.. math::
    \mathcal L(\theta) = \frac{1}{Bd}\sum_{i=1}^{B}
        \big\|f_\theta(T_i)_{\text{last}} - A_i^\top(A_i x_i - b_i)/n\big\|^2,

on problems drawn fresh from the paper's distribution
(:func:`~numlearn.learned.sequence.sample_least_squares`).  Two phases:

1. **Adam on fresh batches** (effectively infinite data; arXiv 2503.12295 §4): Adam
   with a tiny ``eps`` (1e-16: with losses near 1e-13, :math:`\sqrt{v}\approx 10^{-7}`
   and the default 1e-8 would damp the late updates), cosine / step / constant learning
   rate, optional gradient clipping, and the optional Grokfast EMA gradient filter
   :math:`\hat g \leftarrow \alpha\hat g + (1-\alpha) g,\ g \leftarrow g + \lambda\hat g`
   (Lee et al. 2024, arXiv 2405.20233; the paper's ``ema_decay 0.98, ema_lambda 2``).
2. **Polishing** to rounding level:

   - ``"gauss_newton"`` (default): Levenberg-Marquardt on a fresh batch every
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

What was measured (float64, 2-core shared CPU, default config, seeds 0/1/2): the
minimal exact-capable linear-attention model (2 layers, 2 heads, width 2d+2, 1,421
parameters) with the *segment* embedding (one vector for token 0, one shared by all
rows) reaches single-step relative gradient errors of 5e-16 / 4e-16 / 3e-13 on fresh
problems from random initialisation, in 80 / 62 / 150 s (about 20 s of Adam, the rest
Gauss-Newton at 1.5-2 s per iteration); its 100 GD iterates stay within 1e-15 / 5e-16 /
8e-13 (relative) of classical GD.  With the paper's per-position embedding the same
recipe stalls near 1e-6: an exact solution must then make the 20 row embeddings
interchangeable, a degenerate valley in which Gauss-Newton converges sublinearly.
The same recipe on the softmax model of the same size stalls at 1e-1.

BaseConv and the auxiliary probes.  A 3-layer BaseConv can compute
:math:`g = Mx - c` at the last position by the *normal-equation route*: layer 1 gates
per-row products :math:`a_t a_t^\top` and :math:`a_t b_t` (filter tap 0), layer 2 sums
them over the rows into :math:`M = A^\top A/n` and :math:`c = A^\top b/n` at the last
position, and layer 3 gates x, which the filter tap at lag n picks from token 0 (at the
last position that tap sees token 0 only), against M.  It needs no flag, but room:
:math:`d+1 + d(d+1)/2 + d = 26` residual channels and 20 inner ones for d = 5.  (The
4-layer construction of :func:`~numlearn.learned.sequence.baseconv_gd_construction`
broadcasts x instead, a chain of four multiplicative stages.)  From random
initialisation Adam finds :math:`\alpha x + \beta c` first, relative error 0.34
(in distribution :math:`M \approx I`), and stays there: layer 3's gate gets a gradient
towards :math:`Mx` only once M is in the stream, and layers 1-2 build M only once layer
3 uses it.  ``aux_weight`` breaks the loop: a linear probe reads (upper triangle of M,
c) from the stream at the last position before the last layer, and its relative squared
error, weighted by :math:`\lambda(t) = \lambda_0\max(0, 1 - t/(f\,T))`, is added to
the relative gradient loss (deep supervision, Lee et al. 2015).  The probe is
discarded; by the end of the run the loss is the gradient error alone.

Measured (float64, 1 thread each, two runs sharing the 2-core CPU, seed 0 unless
noted; 6000 Adam steps, batch 512, lr 5e-3 cosine, :math:`\lambda_0 = 10`,
:math:`f = 0.6`; relative gradient error on 2048 fresh problems):

=============================  ======  =========  ==================================
width / inner (layers)         params  no probe   with the probe
=============================  ======  =========  ==================================
13 / 6 (4; session 3, many)    1,727   0.32-0.39  --
26 / 20 (3)                    6,507   0.239      0.216 (probe stuck at 0.20)
28 / 24 and 32 / 24 (3)        8-9k    --         0.229, 0.231 (stopped at step 4000)
40 / 32 (3)                    14,413  0.218      3.3e-3; seed 1: 0.177
48 / 40 (3)                    20,861  --         2.6e-3; seed 1: 0.089
=============================  ======  =========  ==================================

So the normal-equation probe moves BaseConv off the plateau, by two orders of
magnitude for seed 0 at widths 40 and 48, but not reliably (seed 1 stops at 0.18 /
0.09, where the probe itself stalls), and the escaped models (14-21k parameters) are
beyond dense Gauss-Newton on this CPU; a matrix-free Levenberg-Marquardt (CG, batch
4096) took 72 s per iteration and overfitted its batch.

The residual probe (``aux_probe="residuals"``, the BaseConv preset).  The 4-layer
route of :func:`~numlearn.learned.sequence.baseconv_gd_construction` needs only width
2d+3 and inner d+1.  Its intermediate quantities are the row residuals
:math:`r_t = a_t^\top x - b_t` (in the stream after layer L-2) and the per-row
gradients :math:`r_t a_t` (after layer L-1), at every row token; two linear probes read
them, with the same relative loss and schedule as above.  Measured (4 layers, width 16,
inner 8, 2,565 parameters, segment embedding, 3000 Adam steps, batch 512, lr 5e-3
cosine, :math:`\lambda_0 = 10`; 1 thread, two runs sharing the CPU):

- without a probe: 0.34 at step 3000 (the plateau);
- probe off after 60 % of the steps (``aux_frac`` 0.6; experiment script, seeds 0
  and 1): 6e-3 after Adam, then Gauss-Newton (batch 2048) stalls at 6e-10 and 1e-6.  At the stall
  the residual lies in the span of J but along ~20 directions with singular values
  1e-9 to 1e-7 of the largest: a curved valley, as for the per-position embedding above;
- probe on for the whole Adam phase (``aux_frac`` 1, the preset): Adam ends at 6e-3
  with the intermediate quantities readable to 2-3e-3, and Gauss-Newton converges
  quadratically from there for two of four seeds (:meth:`TrainConfig.for_arch`):

  ====  ==========  =========================================================
  seed  after Adam  after Gauss-Newton (batch 2048)
  ====  ==========  =========================================================
  0     7.3e-3      6.8e-6 after 60 iterations (slow valley), 1177 s in all
  1     6.9e-3      5.5e-16 after 12 iterations, 299 s in all (the preset)
  2     0.19        0.10: the Adam phase stays on the plateau
  3     1.2e-2      4.7e-16 after 21 iterations, 370 s in all
  ====  ==========  =========================================================

  (An experiment script with another probe initialisation, seed 0: 6.8e-15 after 17
  iterations.)  A restart on failure would make this robust; it is not automatic.

The paper's float32 BaseConv (3 x 64, 43,787 parameters) reached ~1.5e-13 MSE after
2.5M Adam steps on a GPU.

References: Liu et al., arXiv 2503.12295 (ICLR 2025); Lee et al., "Grokfast", arXiv
2405.20233; Lee, Xie, Gallagher, Zhang, Tu, "Deeply-supervised nets", AISTATS 2015;
Marquardt, SIAM J. Appl. Math. 11 (1963); Nocedal & Wright, *Numerical Optimization*,
ch. 7 and 10.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from numlearn._core.result import Result, Status
from numlearn.learned.sequence import (
    BaseConvModel,
    LinearAttentionModel,
    SoftmaxTransformer,
    _gradient,
    _model_gradient,
    _tokens,
    gd_iterate,
    num_parameters,
    reference_gd,
    sample_least_squares,
)

__all__ = [
    "TrainConfig",
    "build_model",
    "cache_directory",
    "evaluate",
    "load_checkpoint",
    "save_checkpoint",
    "train",
    "trained_model",
]

_ARCHS = {
    "linear_attention": LinearAttentionModel,
    "baseconv": BaseConvModel,
    "softmax": SoftmaxTransformer,
}
_DTYPES = {"float64": torch.float64, "float32": torch.float32}
#: Auxiliary probes and how many of the last layers each reads before (the streams
#: after layers L-k, ..., L-1): the one place the probes' depths are set.
_AUX_PROBES = {"normal_equations": 1, "residuals": 2}


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
        Auxiliary probe (module notes): weight :math:`\lambda_0` of the probe loss,
        decayed linearly to 0 over the first ``aux_frac`` of the Adam steps (0 disables
        it); ``aux_probe`` ``"normal_equations"`` reads (triu M, c) at the last
        position before the last layer, ``"residuals"`` reads the row residuals
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
          2048, seed 1.  Not every seed gets there (module notes: of seeds 0-3, 1 and
          3 reach 5e-16 in 5-6 minutes, 0 stalls at 7e-6 in Gauss-Newton, 2 does not
          leave the plateau), so the preset names a seed that does.
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
        """Raise ValueError/TypeError for impossible settings."""
        if self.arch not in _ARCHS:
            raise ValueError(f"`arch` must be one of {sorted(_ARCHS)}, got {self.arch!r}.")
        if self.dtype not in _DTYPES:
            raise ValueError(f"`dtype` must be one of {sorted(_DTYPES)}, got {self.dtype!r}.")
        if self.lr_schedule not in ("cosine", "step", "constant"):
            raise ValueError("`lr_schedule` must be 'cosine', 'step' or 'constant', got "
                             f"{self.lr_schedule!r}.")
        if self.polish not in ("gauss_newton", "lbfgs", "none"):
            raise ValueError("`polish` must be 'gauss_newton', 'lbfgs' or 'none', got "
                             f"{self.polish!r}.")
        for name in ("d", "n", "width", "n_heads", "batch_size", "polish_batch",
                     "eval_batch", "eval_every", "lr_step", "lbfgs_iters", "lbfgs_history"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"`{name}` must be >= 1, got {getattr(self, name)}.")
        for name in ("n_layers", "steps", "polish_iters"):
            if int(getattr(self, name)) < 0:
                raise ValueError(f"`{name}` must be >= 0, got {getattr(self, name)}.")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise ValueError(f"`lr` must be positive and finite, got {self.lr}.")
        if not 0 <= self.ema_alpha < 1:
            raise ValueError(f"`ema_alpha` must be in [0, 1), got {self.ema_alpha}.")
        if not (self.aux_weight >= 0 and math.isfinite(self.aux_weight)):
            raise ValueError(f"`aux_weight` must be >= 0 and finite, got {self.aux_weight}.")
        if not 0 < self.aux_frac <= 1:
            raise ValueError(f"`aux_frac` must be in (0, 1], got {self.aux_frac}.")
        if self.aux_probe not in _AUX_PROBES:
            raise ValueError(f"`aux_probe` must be one of {tuple(_AUX_PROBES)}, got "
                             f"{self.aux_probe!r}.")
        need = _AUX_PROBES[self.aux_probe] + 1
        if self.aux_weight and self.n_layers < need:
            raise ValueError(f"the {self.aux_probe!r} probe reads the stream before the "
                             f"last {need - 1} layer(s); it needs `n_layers` >= {need} (or "
                             "set aux_weight=0).")

    @property
    def torch_dtype(self) -> torch.dtype:
        return _DTYPES[self.dtype]


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


def evaluate(
    model: nn.Module,
    *,
    batch: int = 4096,
    seed: int = 2025,
    steps: int = 100,
    eta: float = 0.5,
) -> dict[str, float]:
    r"""Measure a model on fresh in-distribution problems.

    Returns
    -------
    dict
        ``grad_rel_l2``: :math:`\|\hat G - G\|_F / \|G\|_F` over the batch (single
        step, at :math:`x_0`); ``grad_rel_median`` and ``grad_rel_max``: per-problem
        :math:`\|\hat g - g\|/\|g\|`; ``iter_rel_max``: :math:`\max_{k\le K}
        \|x_k - x_k^{GD}\|_F / \|x_k^{GD}\|_F` over the batch, learned iterates
        (:func:`~numlearn.learned.sequence.gd_iterate`, ``steps`` = K, step ``eta``)
        against classical GD from the same :math:`x_0`; ``iter_err_learned`` and
        ``iter_err_gd``: :math:`\|x_K - x^\star\|_F/\|x^\star\|_F` for both.

    Notes
    -----
    The problems come from their own generator (``seed``), disjoint from training's
    (which uses ``config.seed + 1``).  Cost: ``steps + 1`` forward passes on ``batch``
    problems.
    """
    p = next(model.parameters())
    P = sample_least_squares(batch, model.n, model.d, seed=seed, device=p.device,
                             dtype=p.dtype)
    with torch.no_grad():
        g = _gradient(P.A, P.b, P.x0)
        gh = _model_gradient(model, P.A, P.b, P.x0)
    per = (gh - g).norm(dim=1) / g.norm(dim=1)
    xs = gd_iterate(model, P.A, P.b, P.x0, steps, eta)
    ref = reference_gd(P.A, P.b, P.x0, steps, eta)
    dev = ((xs - ref).norm(dim=(0, 2)) / ref.norm(dim=(0, 2))).max()
    xs_norm = P.x_star.norm()
    return {
        "grad_rel_l2": float((gh - g).norm() / g.norm()),
        "grad_rel_median": float(per.median()),
        "grad_rel_max": float(per.max()),
        "iter_rel_max": float(dev),
        "iter_err_learned": float((xs[:, -1] - P.x_star).norm() / xs_norm),
        "iter_err_gd": float((ref[:, -1] - P.x_star).norm() / xs_norm),
        "steps": steps,
        "eta": eta,
        "batch": batch,
    }


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
        ``value`` the trained model; ``stats`` the final :func:`evaluate` numbers plus
        ``num_parameters``, ``time_adam``, ``time_polish``, ``time``, ``config`` (a
        dict); ``history`` with ``step, phase, loss, lr, grad_norm`` (every step) and
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
    stats.update(num_parameters=num_parameters(model), time_adam=t_adam,
                 time_polish=t_total - t_adam, time=t_total, config=asdict(config),
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


def _normal_equation_stats(A: Tensor, b: Tensor) -> Tensor:
    """Upper triangle of :math:`A^\top A/n` and :math:`A^\top b/n`, shape
    (batch, d(d+1)/2 + d): the normal-equation probe's targets."""
    n, d = A.shape[-2:]
    M = A.transpose(-1, -2) @ A / n
    iu = torch.triu_indices(d, d, device=A.device)
    c = (A.transpose(-1, -2) @ b.unsqueeze(-1)).squeeze(-1) / n
    return torch.cat([M[:, iu[0], iu[1]], c], dim=1)


class _AuxProbe:
    """Linear read-outs of a GD route's intermediate quantities from the residual
    stream (``TrainConfig.aux_probe``); seeded, and discarded after training."""

    def __init__(self, config: TrainConfig) -> None:
        d, W, L = config.d, config.width, config.n_layers
        self.kind = config.aux_probe
        depth = _AUX_PROBES[self.kind]
        self.layers = tuple(range(L - depth, L))
        fk = {"dtype": config.torch_dtype, "device": config.device}
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed + 2)
            if self.kind == "normal_equations":
                self.heads = [nn.Linear(W, d * (d + 1) // 2 + d, **fk)]
            else:
                self.heads = [nn.Linear(W, 1, **fk), nn.Linear(W, d, **fk)]

    def parameters(self) -> list[Tensor]:
        return [p for h in self.heads for p in h.parameters()]

    def loss(self, hidden: tuple[Tensor, ...], A: Tensor, b: Tensor, x: Tensor) -> Tensor:
        """Sum over heads of the relative squared error (against the targets' spread)."""
        if self.kind == "normal_equations":
            pairs = [(hidden[0][:, -1], _normal_equation_stats(A, b))]
        else:
            r = A @ x.unsqueeze(-1) - b.unsqueeze(-1)  # (batch, n, 1)
            pairs = [(hidden[0][:, 1:], r), (hidden[1][:, 1:], r * A)]
        total = hidden[0].new_zeros(())
        for head, (h, t) in zip(self.heads, pairs, strict=True):
            spread = ((t - t.mean(dim=tuple(range(t.ndim - 1)))) ** 2).sum()
            total = total + ((head(h) - t) ** 2).sum() / spread
        return total


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
    mu = 1e-2
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

        r = residual(theta)
        loss = float(r @ r)
        J = jac(theta, tokens).reshape(-1, P_count) / scale
        JTJ = J.T @ J
        JTr = J.T @ r
        del J
        diag = JTJ.diagonal().clone()
        diag.clamp_(min=1e-12 * float(diag.max()) + 1e-300)
        accepted = False
        while mu < 1e12:
            L, info = torch.linalg.cholesky_ex(JTJ + mu * torch.diag(diag))
            if int(info):
                mu *= 10
                continue
            delta = -torch.cholesky_solve(JTr.unsqueeze(-1), L).squeeze(-1)
            r_new = residual(theta + delta)
            loss_new = float(r_new @ r_new)
            if loss_new < loss:
                theta, loss, accepted = theta + delta, loss_new, True
                mu = max(mu / 5, 1e-15)
                break
            mu *= 5
        flat.set(theta)
        history["step"].append(step0 + it + 1)
        history["phase"].append("gauss_newton")
        history["loss"].append(loss * float(scale) ** 2 / r.numel())
        history["lr"].append(mu)
        history["grad_norm"].append(float(JTr.norm()))
        err = record_eval(step0 + it + 1, "gauss_newton", history["loss"][-1])
        bar.set_postfix(rel=f"{err:.2e}", mu=f"{mu:.0e}")
        if err <= config.target or out_of_time() or not accepted:
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


# ---------------------------------------------------------------------------- checkpoints


def save_checkpoint(
    path: str | Path,
    model: nn.Module,
    config: TrainConfig,
    history: dict[str, list[Any]] | None = None,
    stats: dict[str, Any] | None = None,
) -> None:
    """Write model weights, its constructor config, the run config, the history and
    (optionally) the run's scalar statistics.

    Everything is tensors or plain Python values, so :func:`load_checkpoint` can use
    ``torch.load(weights_only=True)`` (no arbitrary code runs on load).
    """
    if not isinstance(config, TrainConfig):
        raise TypeError(f"`config` must be a TrainConfig, got {type(config).__name__}.")
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    torch.save(
        {
            "format": "numlearn.sequence/1",
            "model_config": model.config(),
            "config": asdict(config),
            "state_dict": state,
            "history": {k: np.asarray(v).tolist() for k, v in (history or {}).items()},
            "stats": {k: v for k, v in (stats or {}).items()
                      if isinstance(v, (bool, int, float, str))},
        },
        Path(path),
    )


def load_checkpoint(
    path: str | Path, *, device: str | None = None
) -> tuple[nn.Module, TrainConfig, dict[str, list[Any]]]:
    """Rebuild the model saved by :func:`save_checkpoint`.

    Returns ``(model, config, history)``; the model is on ``device`` (default: the
    config's) in the config's dtype.
    """
    return _rebuild(_read_checkpoint(path), device)


def _rebuild(
    ckpt: dict[str, Any], device: str | None = None
) -> tuple[nn.Module, TrainConfig, dict[str, list[Any]]]:
    known = {f.name for f in fields(TrainConfig)}
    config = TrainConfig(**{k: v for k, v in ckpt["config"].items() if k in known})
    if device is not None:
        config = replace(config, device=device)
    mc = dict(ckpt["model_config"])
    cls = _ARCHS[mc.pop("arch")]
    d, n = mc.pop("d"), mc.pop("n")
    model = cls(d, n, **mc, dtype=config.torch_dtype)
    model.load_state_dict(ckpt["state_dict"])
    return model.to(config.device), config, ckpt["history"]


def _read_checkpoint(path: str | Path) -> dict[str, Any]:
    ckpt = torch.load(Path(path), map_location="cpu", weights_only=True)
    if not isinstance(ckpt, dict) or ckpt.get("format") != "numlearn.sequence/1":
        raise ValueError(f"{path} is not a numlearn sequence-model checkpoint.")
    return ckpt


def cache_directory() -> Path:
    """Where :func:`trained_model` keeps its checkpoints: ``$NUMLEARN_CACHE/learned``,
    else ``~/.cache/numlearn/learned``."""
    import os

    root = os.environ.get("NUMLEARN_CACHE")
    base = Path(root) if root else Path.home() / ".cache" / "numlearn"
    return base / "learned"


def trained_model(
    config: TrainConfig,
    *,
    cache_dir: str | Path | None = None,
    retrain: bool = False,
    progress: bool = True,
) -> Result:
    """A model trained with ``config``: loaded from the checkpoint cache when this exact
    config was trained before, else trained by :func:`train` and cached.

    The cache key is a SHA-256 of the config's fields (seeded runs are reproducible, so a
    config determines its model up to the platform's rounding); the file is read with
    ``weights_only=True``.

    Returns
    -------
    Result
        As :func:`train` (``value`` the model, ``stats`` the training statistics, plus
        ``cached``: whether it came from the cache, and ``checkpoint``: the path).
    """
    import hashlib
    import json

    if not isinstance(config, TrainConfig):
        raise TypeError(f"`config` must be a TrainConfig, got {type(config).__name__}.")
    config.validate()
    key = hashlib.sha256(json.dumps(asdict(config), sort_keys=True).encode()).hexdigest()
    directory = Path(cache_dir) if cache_dir is not None else cache_directory()
    path = directory / f"{config.arch}-{key[:16]}.pt"
    if path.exists() and not retrain:
        ckpt = _read_checkpoint(path)  # one read for the model and its stats
        model, _, history = _rebuild(ckpt)
        stats = dict(ckpt.get("stats", {}))
        stats.update(cached=True, checkpoint=str(path))
        status = Status.from_code(str(stats.pop("status", "success")).split(":")[0])
        return Result(value=model, status=status, message=str(stats.pop("message", "")),
                      stats=stats,
                      history=history, method=f"train[{config.arch}] (cached)",
                      side="learned")
    res = train(config, progress=progress)
    directory.mkdir(parents=True, exist_ok=True)
    stats = dict(res.stats)
    stats["status"] = res.status.code
    stats["message"] = res.message
    tmp = path.with_suffix(".tmp")
    save_checkpoint(tmp, res.value, config, res.history, stats)
    tmp.replace(path)  # atomic: a concurrent reader never sees half a file
    res.stats.update(cached=False, checkpoint=str(path))
    return res
