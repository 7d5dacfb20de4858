r"""A small Hyena sequence model whose long convolutions can be swapped out.

The operator of Poli et al. (2023) at order 2, as in the reference code (safari
``HyenaOperator``): a projection of the input to three streams, a short causal depthwise
convolution of each, and

.. math::
    y = x_2 \odot \big(h * (x_1 \odot v)\big),

with a long causal depthwise convolution ``h *`` (one filter per channel, as long as the
sequence) whose taps are *implicit*:

.. math::
    h_c(t) = \mathrm{MLP}(z(t))_c\; e^{-t|\delta_c|},\qquad
    z(t) = [t,\ \mathrm{Re}\, e^{-i f_b \omega},\ \mathrm{Im}\, e^{-i f_b \omega}],

``t = linspace(0, 1, l_max)``, :math:`\omega = 2\pi k / l_{max}`, bands
:math:`f_b = \mathrm{linspace}(10^{-4}, B-1, B)`, an MLP with :math:`\sin(w\,\cdot)`
activations and decay rates :math:`|\delta_c|` spread from :math:`\ln(100)/1.5` to
:math:`\ln(100)/0.3` (the safari ``PositionalEmbedding``, ``Sin``,
``ExponentialModulation``); the channel's bias (the skip term of safari's ``fftconv``)
is folded into tap 0.  A sequence of length ``L <= l_max`` uses the first ``L`` taps,
as the reference code truncates its positional encoding.  The convolution runs by FFT
(:func:`numlearn.learned.layers.conv.causal_conv`, :math:`O(BDL\log L)`).

**MultiHyena** (``HyenaConfig(heads=M)``; Massaroli et al. 2023, section 4, the
multi-head filter-tied variant, mad-lab ``fftconv_heads``): the streams
``q = x_2, k = x_1, v`` are split into ``M`` heads of size ``N = D / M`` and

.. math::
    z^m_t = k^m_t (v^m_t)^\top \in \mathbb{R}^{N\times N},\qquad
    y^m_t = \sum_i q^m_{t,i}\,(h^m * z^m)_{t,i,:} \in \mathbb{R}^N,

one implicit filter ``h^m`` (with its skip term) per head applied to all ``N^2``
elements of ``z^m`` -- ``M`` filters per layer instead of ``D``; ``y`` is the
concatenation of the heads (:func:`head_mix`, :math:`O(BDNL\log L)`).  ``N = 1`` is the
plain operator.  A distilled recurrence of order ``d`` then keeps ``N^2 d`` complex
states per head, ``D N d`` per layer.

:meth:`HyenaModel.filters` returns every layer's taps (the targets of distillation) and
:meth:`HyenaModel.set_long_conv` replaces a layer's long convolution by any function
``(B, C, L) -> (B, C, L)``, ``C`` the filters per layer (e.g. a distilled recurrence,
:func:`numlearn.learned.reduction.hyena_task.modal_long_conv`);
:meth:`HyenaModel.reset_long_conv` restores the FFT convolutions.

References
----------
M. Poli et al., "Hyena Hierarchy: Towards Larger Convolutional Language Models",
ICML 2023, arXiv 2302.10866 (HazyResearch/safari, ``hyena.py``).
S. Arora et al., "Zoology: Measuring and Improving Recall in Efficient Language
Models", arXiv 2312.04927 (the Hyena baseline on associative recall).
S. Massaroli et al., "Laughing Hyena Distillery: Extracting Compact Recurrences From
Convolutions", NeurIPS 2023, arXiv 2310.18780 (MultiHyena, section 4).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from numlearn._core.validation import check_choice, check_int, check_positive
from numlearn.learned.layers._hyena_recurrent import _head_contract, _head_outer
from numlearn.learned.layers._hyena_recurrent import generate as _generate
from numlearn.learned.layers.base import _check_budget
from numlearn.learned.layers.conv import causal_conv

__all__ = ["HyenaConfig", "HyenaFilter", "HyenaModel", "HyenaOperator", "LongConv", "head_mix"]

#: A replacement long convolution: ``(B, C, L)`` tensor in, same shape and dtype out
#: (``C = width``; with ``heads = M``: ``(B N^2, M, L)``, see :func:`head_mix`).
LongConv = Callable[[Tensor], Tensor]

_DTYPES = {"float64": torch.float64, "float32": torch.float32}


@dataclass(frozen=True)
class HyenaConfig:
    """Everything that defines a :class:`HyenaModel` (stored in full in checkpoints).

    Parameters
    ----------
    vocab : int
        Tokens (embedding rows and logits).
    width : int
        Model width ``D`` (channels of every long convolution).
    layers : int
        Residual blocks (Hyena operator + MLP each).
    l_max : int
        Longest sequence; the implicit filters have ``l_max`` taps.
    filter_order : int
        Width of the filter MLP (16 in the reference code, 64 in its LM configs).
    emb_dim : int
        Positional-encoding width ``1 + 2 B`` (odd, >= 3).
    short_kernel : int
        Taps of the short causal depthwise convolution (3 in the reference code).
    w : float
        Frequency of the Sin activation.
    mlp_ratio : int
        Hidden width of each block's MLP over ``width`` (0: no MLP).
    dtype : {"float64", "float32"}
    seed : int
        Seed of the initial weights.
    heads : int or None, default None
        ``None``: the plain Hyena operator (one filter per channel, ``width`` filters per
        layer).  ``M``: the multi-head, filter-tied operator (MultiHyena, Massaroli et
        al. 2023, section 4): ``M`` heads of size ``N = width / M``, one filter per head
        (``M`` filters per layer); ``width`` must be divisible by ``M``.  Left out of
        :meth:`as_dict` when ``None``, so plain models store the configuration they
        stored before the option existed.
    """

    vocab: int = 32
    width: int = 64
    layers: int = 2
    l_max: int = 256
    filter_order: int = 32
    emb_dim: int = 5
    short_kernel: int = 3
    w: float = 1.0
    mlp_ratio: int = 2
    dtype: str = "float64"
    seed: int = 0
    heads: int | None = None

    def validate(self) -> HyenaConfig:
        """Check every field (TypeError/ValueError naming it); returns ``self``."""
        for name in ("vocab", "width", "layers", "l_max", "filter_order", "emb_dim",
                     "short_kernel"):
            check_int(getattr(self, name), name, minimum=2 if name == "vocab" else 1)
        check_int(self.mlp_ratio, "mlp_ratio", minimum=0)
        check_int(self.seed, "seed", minimum=0)
        if self.emb_dim < 3 or self.emb_dim % 2 == 0:
            raise ValueError(f"`emb_dim` must be odd and >= 3 (1 + 2 * bands), got "
                             f"{self.emb_dim}.")
        check_positive(self.w, "w")
        check_choice(self.dtype, "dtype", tuple(_DTYPES))
        if self.heads is not None:
            check_int(self.heads, "heads", minimum=1)
            if self.width % self.heads:
                raise ValueError(f"`heads` = {self.heads} must divide `width` = {self.width} "
                                 "(heads of equal size width / heads); choose a divisor or "
                                 "heads=None for the plain operator.")
        _check_budget(self.parameter_count(),
                      {"vocab": self.vocab, "width": self.width, "layers": self.layers})
        return self

    def parameter_count(self) -> int:
        """Trainable parameters of the model this config describes (exact)."""
        D, F, C, r = self.width, self.filter_order, self.filters_per_layer, self.mlp_ratio
        mlp = 2 * D + 2 * r * D * D + r * D + D if r else 0
        layer = (2 * D + 3 * D * D + 3 * D + 3 * D * self.short_kernel + 3 * D
                 + self.emb_dim * F + F + 2 * (F * F + F) + 3 * F + F * C + C
                 + D * D + D + mlp)
        return 2 * self.vocab * D + self.vocab + 2 * D + self.layers * layer

    @property
    def torch_dtype(self) -> torch.dtype:
        return _DTYPES[self.dtype]

    @property
    def filters_per_layer(self) -> int:
        """Long-convolution filters per layer: ``width`` (plain) or ``heads``."""
        return self.width if self.heads is None else self.heads

    @property
    def head_size(self) -> int:
        """``N = width / heads`` (1 for the plain operator: every channel its own head)."""
        return 1 if self.heads is None else self.width // self.heads

    def as_dict(self) -> dict[str, Any]:
        """Every field as a plain dict, ``heads`` left out when ``None`` (the stored form,
        unchanged for plain models since before the option existed)."""
        out = asdict(self)
        if out["heads"] is None:
            del out["heads"]
        return out


class _Sin(nn.Module):
    def __init__(self, dim: int, w: float) -> None:
        super().__init__()
        self.freq = nn.Parameter(w * torch.ones(1, dim))

    def forward(self, x: Tensor) -> Tensor:
        return torch.sin(self.freq * x)


class HyenaFilter(nn.Module):
    """The implicit filters of one layer: ``taps(L) -> (C, L)`` (bias in tap 0), ``C`` the
    channels (plain) or heads (MultiHyena)."""

    def __init__(self, width: int, l_max: int, order: int, emb_dim: int, w: float) -> None:
        super().__init__()
        bands = (emb_dim - 1) // 2
        f64 = torch.float64
        t = torch.linspace(0, 1, l_max, dtype=f64)[:, None]
        omega = 2 * math.pi * torch.arange(l_max, dtype=f64)[:, None] / l_max
        f = torch.linspace(1e-4, bands - 1, bands, dtype=f64)[None]
        z = torch.cat([t, torch.cos(f * omega), -torch.sin(f * omega)], dim=-1)
        self.register_buffer("z", z)  # (l_max, emb_dim)
        self.register_buffer("t", t)
        target = math.log(1e-2)
        deltas = torch.linspace(target / 1.5, target / 0.3, width, dtype=f64)[None]  # safari's
        self.register_buffer("deltas", deltas)
        self.mlp = nn.Sequential(nn.Linear(emb_dim, order), _Sin(order, w),
                                 nn.Linear(order, order), _Sin(order, w),
                                 nn.Linear(order, order), _Sin(order, w),
                                 nn.Linear(order, width, bias=False))
        self.bias = nn.Parameter(torch.randn(width))

    def taps(self, L: int) -> Tensor:
        h = self.mlp(self.z[:L]) * torch.exp(-self.t[:L] * self.deltas.abs())  # (L, D)
        h = h.transpose(0, 1)
        return torch.cat([h[:, :1] + self.bias[:, None], h[:, 1:]], dim=1)


class HyenaOperator(nn.Module):
    r"""``y = W_out(x_2 \odot (h * (x_1 \odot v)))`` with ``(x_2, x_1, v)`` the short-conv'd
    projections of the input (safari ``HyenaOperator``, order 2); with ``heads = M``
    the filter-tied multi-head form (module notes, :func:`head_mix`)."""

    def __init__(self, config: HyenaConfig) -> None:
        super().__init__()
        D, K = config.width, config.short_kernel
        self.heads = config.heads
        self.in_proj = nn.Linear(D, 3 * D)
        self.short = nn.Conv1d(3 * D, 3 * D, K, groups=3 * D, padding=K - 1)
        self.filter = HyenaFilter(config.filters_per_layer, config.l_max,
                                  config.filter_order, config.emb_dim, config.w)
        self.out_proj = nn.Linear(D, D)
        self.long_conv: LongConv | None = None

    def _long(self, v: Tensor) -> Tensor:
        """The long convolution of ``v`` (B', C, L): FFT with the filter's taps, or the
        replacement (checked: same shape and dtype)."""
        if self.long_conv is None:
            taps = self.filter.taps(v.shape[-1])
            return causal_conv(v.transpose(1, 2), taps, "fft").transpose(1, 2)
        out = self.long_conv(v)
        if not isinstance(out, Tensor) or out.shape != v.shape or out.dtype != v.dtype:
            raise ValueError(f"the replacement long convolution must return a tensor of "
                             f"shape {tuple(v.shape)} and dtype {v.dtype}, got "
                             f"{type(out).__name__} {tuple(getattr(out, 'shape', ()))}.")
        return out

    def forward(self, u: Tensor) -> Tensor:
        _, L, D = u.shape
        x = self.short(self.in_proj(u).transpose(1, 2))[..., :L]  # (B, 3D, L), causal
        x2, x1, v = x.split(D, dim=1)
        if self.heads is None:
            y = x2 * self._long(x1 * v)
        elif self.long_conv is None:
            y = head_mix(x2, x1, v, self.heads, self.filter.taps(L))
        else:
            y = head_mix(x2, x1, v, self.heads, self._long)
        return self.out_proj(y.transpose(1, 2))


def head_mix(q: Tensor, k: Tensor, v: Tensor, heads: int, conv: LongConv | Tensor, *,
             method: str = "auto") -> Tensor:
    r"""The filter-tied multi-head long convolution (MultiHyena; mad-lab ``fftconv_heads``).

    With ``q, k, v`` of shape ``(B, D, L)``, channel ``c = m N + i`` the ``i``-th of head
    ``m`` (``N = D / M``, ``M = heads``):

    .. math::
        z^m_{t,ij} = k^m_{t,i}\, v^m_{t,j},\qquad
        y^m_{t,j} = \sum_{i<N} q^m_{t,i}\,(h^m * z^m)_{t,ij},

    one filter ``h^m`` (its skip term in tap 0) for all ``N^2`` elements of ``z^m``.

    Parameters
    ----------
    q, k, v : Tensor, shape (B, D, L)
    heads : int
        ``M``, dividing ``D``.
    conv : Tensor or callable
        The taps ``(M, K)``, ``K >= L``; or a long convolution that receives ``z`` as
        ``(B N^2, M, L)`` (row ``(b, i, j)``, channel = head) and returns that shape.
    method : {"auto", "fft", "toeplitz"}
        For taps: ``"fft"`` forms ``z`` and convolves by a zero-padded real FFT of
        length ``2L``, :math:`O(BDNL\log L)`; ``"toeplitz"`` the same numbers in the
        quadratic form :math:`y^m_t = \sum_{s\le t} h^m_{t-s}\,(q^m_t\cdot k^m_s)\,
        v^m_s` (batched matrix products, :math:`O(BDL^2)`, no ``N x N`` tensor), the
        faster one on a CPU for short sequences; ``"auto"`` takes ``"toeplitz"`` when
        ``L <= 4 N log2(2L)`` (measured: 7x faster than the FFT at ``L = 64, N = 8``).

    Returns
    -------
    Tensor, shape (B, D, L)
        ``y``, channel ``m N + j``.
    """
    for name, t in (("q", q), ("k", k), ("v", v)):
        if not isinstance(t, Tensor) or not t.is_floating_point() or t.ndim != 3 \
                or t.shape != k.shape:
            raise TypeError(f"`{name}` must be a real floating tensor (B, D, L) like `k`, got "
                            f"{type(t).__name__} {tuple(getattr(t, 'shape', ()))}.")
    B, D, L = k.shape
    heads = check_int(heads, "heads", minimum=1)
    if D % heads:
        raise ValueError(f"`heads` = {heads} must divide the width D = {D}.")
    N = D // heads
    if not isinstance(conv, Tensor):
        if not callable(conv):
            raise TypeError(f"`conv` must be a taps tensor (heads, L) or callable, got "
                            f"{type(conv).__name__}.")
        return _head_contract(q, conv(_head_outer(k, v, heads)), heads)
    method = check_choice(method, "method", ("auto", "fft", "toeplitz"))
    if conv.ndim != 2 or conv.shape[0] != heads or conv.shape[1] < L:
        raise ValueError(f"`conv` taps must have shape (heads, >= L) = ({heads}, >= {L}), "
                         f"got {tuple(conv.shape)}.")
    h = conv[:, :L]
    if method == "toeplitz" or (method == "auto" and L <= 4 * N * math.log2(2 * L)):
        t = torch.arange(L, device=h.device)
        lag = t[:, None] - t[None, :]
        toeplitz = h[:, lag.clamp(min=0)] * (lag >= 0).to(h.dtype)         # (M, L, L)
        scores = q.reshape(B, heads, N, L).transpose(-1, -2) @ k.reshape(B, heads, N, L)
        y = (scores * toeplitz) @ v.reshape(B, heads, N, L).transpose(-1, -2)
        return y.transpose(-1, -2).reshape(B, D, L)
    z = k.reshape(B, heads, N, 1, L) * v.reshape(B, heads, 1, N, L)         # (B, M, N, N, L)
    hf = torch.fft.rfft(h, n=2 * L)[:, None, None]
    hz = torch.fft.irfft(torch.fft.rfft(z, n=2 * L) * hf, n=2 * L)[..., :L]
    return (q.reshape(B, heads, N, 1, L) * hz).sum(dim=2).reshape(B, D, L)


class _Block(nn.Module):
    def __init__(self, config: HyenaConfig) -> None:
        super().__init__()
        D = config.width
        self.norm1 = nn.LayerNorm(D)
        self.mixer = HyenaOperator(config)
        self.mlp: nn.Module | None = None
        if config.mlp_ratio:
            self.norm2 = nn.LayerNorm(D)
            self.mlp = nn.Sequential(nn.Linear(D, config.mlp_ratio * D), nn.GELU(),
                                     nn.Linear(config.mlp_ratio * D, D))

    def forward(self, u: Tensor) -> Tensor:
        u = u + self.mixer(self.norm1(u))
        if self.mlp is not None:
            u = u + self.mlp(self.norm2(u))
        return u


class HyenaModel(nn.Module):
    """Token embedding, ``layers`` residual Hyena blocks, final norm, logits head.

    ``model(tokens)`` maps an int64 tensor ``(B, L)``, ``L <= l_max``, entries in
    ``[0, vocab)``, to logits ``(B, L, vocab)``.  Cost :math:`O(B L D^2 + B D L\\log L)`
    per layer.
    """

    def __init__(self, config: HyenaConfig) -> None:
        if not isinstance(config, HyenaConfig):
            raise TypeError(f"`config` must be a HyenaConfig, got {type(config).__name__}.")
        config.validate()
        super().__init__()
        self.hyena_config = config
        gen_state = torch.random.get_rng_state()
        torch.manual_seed(config.seed)
        try:
            self.embed = nn.Embedding(config.vocab, config.width)
            self.blocks = nn.ModuleList(_Block(config) for _ in range(config.layers))
            self.norm = nn.LayerNorm(config.width)
            self.head = nn.Linear(config.width, config.vocab)
        finally:
            torch.random.set_rng_state(gen_state)
        self.to(config.torch_dtype)

    def config(self) -> dict[str, Any]:
        """The constructor's configuration as a plain dict (:meth:`HyenaConfig.as_dict`)."""
        return self.hyena_config.as_dict()

    def _check_tokens(self, tokens: Any, name: str = "tokens") -> None:
        c = self.hyena_config
        if not isinstance(tokens, Tensor) or tokens.dtype != torch.int64 or tokens.ndim != 2:
            raise TypeError(f"`{name}` must be an int64 tensor of shape (batch, L), got "
                            f"{type(tokens).__name__} {getattr(tokens, 'dtype', '')} "
                            f"{tuple(getattr(tokens, 'shape', ()))}.")
        if not 1 <= tokens.shape[1] <= c.l_max or tokens.shape[0] < 1:
            raise ValueError(f"`{name}` must have 1 to l_max = {c.l_max} positions and a "
                             f"batch >= 1, got shape {tuple(tokens.shape)}.")
        if tokens.numel() and (int(tokens.min()) < 0 or int(tokens.max()) >= c.vocab):
            raise ValueError(f"`{name}` must lie in [0, vocab = {c.vocab}), got entries in "
                             f"[{int(tokens.min())}, {int(tokens.max())}].")

    def forward(self, tokens: Tensor) -> Tensor:
        self._check_tokens(tokens)
        u = self.embed(tokens)
        for block in self.blocks:
            u = block(u)
        return self.head(self.norm(u))

    def filters(self, L: int | None = None) -> np.ndarray:
        """Every layer's long-convolution taps, ``(layers, C, L)`` float64 NumPy, ``C =
        width`` (plain) or ``heads`` (``L`` default ``l_max``; the first ``L`` taps of
        the ``l_max`` filters)."""
        L = self.hyena_config.l_max if L is None else check_int(
            L, "L", minimum=1, maximum=self.hyena_config.l_max)
        with torch.no_grad():
            return np.stack([b.mixer.filter.taps(L).detach().cpu().double().numpy()
                             for b in self.blocks])

    def set_long_conv(self, layer: int, fn: LongConv | None) -> None:
        """Replace layer ``layer``'s long convolution by ``fn`` (a callable ``(B, C, L)
        -> (B, C, L)`` tensor of the model's dtype, ``C = width``; with ``heads = M`` it
        receives ``(B N^2, M, L)``, channel = head, as :func:`head_mix`); ``None``
        restores the FFT one.

        ``fn`` is held as a plain attribute: an ``nn.Module`` given here is not registered
        (not in ``state_dict``, not moved by ``model.to``), so checkpoints stay those of
        the model's own configuration."""
        layer = check_int(layer, "layer", minimum=0, maximum=len(self.blocks) - 1)
        if fn is not None and not callable(fn):
            raise TypeError(f"`fn` must be callable (B, C, L) -> (B, C, L) or None, got "
                            f"{type(fn).__name__}.")
        # a plain attribute, never a registered submodule: a replacement (even an
        # nn.Module such as DistilledConv) is not part of the model's state_dict
        object.__setattr__(self.blocks[layer].mixer, "long_conv", fn)

    def generate(self, prompt: Tensor, steps: int, *, prefill: str = "fft"
                 ) -> tuple[Tensor, Tensor, dict[str, Any]]:
        r"""Greedy continuation of ``prompt`` by recurrence, once every layer's long
        convolution is a :class:`~numlearn.learned.layers.recurrent.DistilledConv`
        (``distill_long_convs(model, d, backend="torch")``).

        The prompt ``(B, T)``, ``T <= l_max``, runs once in convolution mode; its modal
        states come from :meth:`DistilledConv.prefill` (``prefill``: ``"fft"``,
        ``"direct"`` or ``"companion"``); each further token costs one position of the
        projections and MLPs and one step of every recurrence: :math:`O(d)` work and
        memory per channel and token (plain), :math:`O(N^2 d)` per head (MultiHyena,
        state ``(B N^2, M, d)`` per layer), whatever the position (beyond ``l_max`` the
        distilled filters simply continue).  Returns ``(tokens (B, steps), logits (B,
        steps, vocab), info)`` with ``logits[:, s]`` those of position ``T - 1 + s``
        (equal to ``model(cat(prompt, tokens))[:, T - 1 + s]`` to rounding) and ``info``
        the state and short-convolution window bytes per sequence.
        """
        return _generate(self, prompt, steps, prefill=prefill)

    def reset_long_conv(self) -> None:
        """Restore every layer's own FFT long convolution."""
        for layer in range(len(self.blocks)):
            self.set_long_conv(layer, None)
