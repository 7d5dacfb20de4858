r"""Seeded, batched long-convolution filter families with known structure.

The test and benchmark data of distillation (fitting a long filter
:math:`h \in \mathbb{R}^L` by a small modal state-space model).  Every family returns a
:class:`FilterBank`: ``C`` filters of length ``L`` as a ``(C, L)`` float64 array, the
family's name and parameters, and -- where the filter *is* a low-order modal filter --
its exact poles, residues and feedthrough (arrays, not a model object: problems come
before :mod:`numlearn.classical` in the layer order).

Families
--------
``modal_filters`` / ``random_modal_filters``
    Exact low-order modal filters in the strictly proper convention
    :math:`h_0 = D`, :math:`h_t = \operatorname{Re}\sum_n R_n \lambda_n^{t-1}` (t >= 1):
    ``d`` complex modes of a real filter are ``d`` conjugate pairs, real order ``2d``
    (the factor 2 of the pair is absorbed into :math:`R_n`).  The oracle of exact
    recovery.
``hyena_filters``
    The Hyena implicit filter at initialisation (Poli et al., "Hyena Hierarchy",
    ICML 2023, arXiv 2302.10866; the reference code's ``HyenaFilter``):
    :math:`h_c(t) = \mathrm{MLP}(\mathrm{PosEnc}(t))_c \, e^{-t|\delta_c|}`.
``power_law_filters``
    :math:`h_t = (1 + t)^{-\alpha}`: completely monotone, so every Hankel singular value
    is positive and decays quickly but the filter is not of finite order.
``long_conv_filters``
    Directly parametrised long convolutions regularised as in Fu et al., "Simple
    hardware-efficient long convolutions for sequence modeling", ICML 2023,
    arXiv 2302.06646: a random kernel under an exponential envelope, *smoothed* by
    average pooling and *squashed* by soft thresholding
    :math:`\operatorname{sign}(k)\max(|k| - \lambda, 0)`.

:data:`FILTER_FAMILIES` maps the names used by the distillation study to a
constructor ``f(C, L, *, seed)``; :func:`filter_bank` builds one by name.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import (
    as_float_array,
    check_choice,
    check_int,
    check_positive,
    check_real,
)
from numlearn.problems.protocol import UnknownProblemError

__all__ = [
    "FILTER_FAMILIES",
    "HYENA_DECAY",
    "HYENA_LM",
    "FilterBank",
    "filter_bank",
    "hyena_filters",
    "long_conv_filters",
    "modal_filters",
    "modal_impulse_response",
    "power_law_filters",
    "random_modal_filters",
]

#: Largest ``C * L`` a family builds (8M float64 = 64 MB); a typo such as ``L=10**9``
#: is refused before the allocation.
MAX_TAPS = 2**23

#: The Hyena recipe's decay rates :math:`|\delta|`: the modulation
#: :math:`e^{-t|\delta|}` reaches ``1e-2`` at 150 % ("slow") or 30 % ("fast") of the
#: window, :math:`|\delta| = \ln(100)/1.5` and :math:`\ln(100)/0.3`.
HYENA_DECAY: dict[str, float] = {
    "slow": math.log(100.0) / 1.5,
    "fast": math.log(100.0) / 0.3,
}


@dataclass(frozen=True, eq=False)
class FilterBank:
    r"""A batch of ``C`` real filters of length ``L`` and what is known about them.

    Parameters
    ----------
    h : ndarray, shape (C, L)
        The taps :math:`h_0, \dots, h_{L-1}` of each filter (float64, read-only).
    name : str
        Family name.
    params : dict
        The family's parameters (seed included) that rebuild the bank.
    poles, residues : ndarray, shape (C, d), complex, optional
        Exact modal data where the filter is a modal filter (strictly proper
        convention, ``Re`` for real filters), else None.
    feedthrough : ndarray, shape (C,), optional
        :math:`h_0` of the modal form, else None.
    """

    h: NDArray[np.float64]
    name: str
    params: dict[str, Any] = field(default_factory=dict)
    poles: NDArray[np.complex128] | None = None
    residues: NDArray[np.complex128] | None = None
    feedthrough: NDArray[np.float64] | None = None

    def __post_init__(self) -> None:
        h = np.array(self.h, dtype=np.float64, ndmin=2)
        h.setflags(write=False)
        object.__setattr__(self, "h", h)
        for key in ("poles", "residues", "feedthrough"):
            value = getattr(self, key)
            if value is not None:
                arr = np.array(value)
                arr.setflags(write=False)
                object.__setattr__(self, key, arr)

    @property
    def channels(self) -> int:
        """Number of filters ``C``."""
        return int(self.h.shape[0])

    @property
    def length(self) -> int:
        """Number of taps ``L``."""
        return int(self.h.shape[1])

    @property
    def order(self) -> int | None:
        """Complex modes per filter of the exact modal form (None if not modal)."""
        return None if self.poles is None else int(self.poles.shape[-1])

    @property
    def real_order(self) -> int | None:
        """McMillan degree of the exact modal form: 2 per non-real pole, 1 per real one."""
        if self.poles is None:
            return None
        real = np.abs(self.poles.imag) <= 0.0
        return int(np.max(np.sum(np.where(real, 1, 2), axis=-1)))


# ----------------------------------------------------------------------- checks


def _check_sizes(C: Any, L: Any, *, min_length: int = 2) -> tuple[int, int]:
    C = check_int(C, "C", minimum=1)
    L = check_int(L, "L", minimum=min_length)
    if C * L > MAX_TAPS:
        raise ValueError(
            f"`C * L` must be at most {MAX_TAPS} taps, got C={C}, L={L}; build the bank "
            "in chunks of channels."
        )
    return C, L


def _noisy(h: NDArray[np.float64], noise: float, rng: np.random.Generator) -> NDArray[np.float64]:
    """Add white noise of relative size ``noise`` (of each filter's RMS)."""
    if noise == 0.0:
        return h
    rms = np.sqrt(np.mean(h**2, axis=-1, keepdims=True))
    return h + noise * rms * rng.standard_normal(h.shape)


# ----------------------------------------------------------------------- modal


def modal_impulse_response(
    poles: NDArray[np.complex128],
    residues: NDArray[np.complex128],
    feedthrough: NDArray[np.float64],
    L: int,
    *,
    real: bool = True,
) -> NDArray[Any]:
    r"""Taps of modal filters: :math:`h_0 = D`, :math:`h_t = (\operatorname{Re})\sum_n R_n
    \lambda_n^{t-1}`.

    ``poles`` and ``residues`` have shape ``(C, d)``, ``feedthrough`` ``(C,)``; the
    powers are formed by repeated multiplication along ``t`` (``O(C d L)``), accurate to
    a few ulps per step for :math:`|\lambda| \le 1`.
    """
    C, d = poles.shape
    dtype = np.float64 if real else np.complex128
    h = np.zeros((C, L), dtype=dtype)
    h[:, 0] = feedthrough
    if L > 1 and d:
        powers = np.ones((C, d, L - 1), dtype=np.complex128)
        if L > 2:
            powers[:, :, 1:] = poles[:, :, None]
            np.cumprod(powers[:, :, 1:], axis=-1, out=powers[:, :, 1:])
        taps = np.einsum("cd,cdt->ct", residues, powers)
        h[:, 1:] = taps.real if real else taps
    return h


def modal_filters(
    L: int,
    poles: ArrayLike,
    residues: ArrayLike,
    feedthrough: ArrayLike = 0.0,
    *,
    noise: float = 0.0,
    seed: int = 0,
) -> FilterBank:
    r"""Real modal filters from given poles and residues (the exact-recovery oracle).

    :math:`h_0 = D`, :math:`h_t = \operatorname{Re}\sum_{n=1}^{d} R_n\lambda_n^{t-1}`,
    ``t = 1..L-1``: each non-real pole stands for a conjugate pair (real order 2), a
    real pole for one real mode.

    Parameters
    ----------
    L : int
        Taps, ``>= 2``.
    poles, residues : array_like, shape (d,) or (C, d)
        Complex, finite; ``|poles| < 1`` (stable).
    feedthrough : array_like, shape () or (C,)
        :math:`h_0`, real.
    noise : float
        Relative white noise added to each filter (of its RMS), ``>= 0``.
    seed : int
        Seed of the noise.
    """
    L = check_int(L, "L", minimum=2)
    p = as_float_array(poles, "poles", ndim=(1, 2)).astype(np.complex128)
    r = as_float_array(residues, "residues", ndim=(1, 2)).astype(np.complex128)
    p, r = np.atleast_2d(p), np.atleast_2d(r)
    if p.shape != r.shape:
        raise ValueError(f"`residues` must have the shape of `poles` {p.shape}, got {r.shape}.")
    if np.any(np.abs(p) >= 1.0):
        raise ValueError(
            f"`poles` must lie inside the unit disk (stable filters), got max |pole| = "
            f"{np.max(np.abs(p)):.6g}; pass poles with modulus < 1."
        )
    D = as_float_array(feedthrough, "feedthrough", ndim=(0, 1), allow_complex=False)
    D = np.broadcast_to(np.asarray(D, dtype=np.float64), (p.shape[0],)).copy() if D.ndim == 0 \
        else np.asarray(D, dtype=np.float64)
    if D.shape != (p.shape[0],):
        raise ValueError(f"`feedthrough` must have shape () or ({p.shape[0]},), got {D.shape}.")
    _check_sizes(p.shape[0], L)
    noise = check_positive(noise, "noise", allow_zero=True)
    seed = check_int(seed, "seed", minimum=0)
    h = modal_impulse_response(p, r, D, L)
    h = _noisy(h, noise, np.random.default_rng(seed))
    return FilterBank(h, "modal", {"L": L, "noise": noise, "seed": seed}, p, r, D)


def random_modal_filters(
    C: int,
    L: int,
    d: int = 4,
    *,
    radius: tuple[float, float] = (0.5, 0.95),
    min_angle: float = 0.1,
    noise: float = 0.0,
    seed: int = 0,
) -> FilterBank:
    r"""Random real filters of exactly ``d`` conjugate pole pairs (real order ``2d``).

    Radii uniform in ``radius``, angles uniform in ``(min_angle, pi - min_angle)`` and
    then spread (sorted, distinct), residues complex standard normal, feedthrough
    standard normal.  Poles of one filter are distinct.

    Parameters
    ----------
    C, L : int
        Filters and taps.
    d : int
        Complex modes per filter, ``>= 1``.
    radius : (float, float)
        Range of :math:`|\lambda|`, ``0 < lo <= hi < 1``.
    min_angle : float
        Smallest angle from the real axis, in ``(0, pi/2)``.
    noise : float
        Relative white noise (of each filter's RMS).
    seed : int
        Seed of every draw.
    """
    C, L = _check_sizes(C, L)
    d = check_int(d, "d", minimum=1)
    if not (isinstance(radius, tuple | list) and len(radius) == 2):
        raise TypeError(f"`radius` must be a range (lo, hi), got {radius!r}.")
    lo, hi = (check_real(v, f"radius[{i}]") for i, v in enumerate(radius))
    if not 0.0 < lo <= hi < 1.0:
        raise ValueError(f"`radius` must satisfy 0 < lo <= hi < 1, got {radius!r}.")
    min_angle = check_real(min_angle, "min_angle")
    if not 0.0 < min_angle < math.pi / 2:
        raise ValueError(f"`min_angle` must lie in (0, pi/2), got {min_angle}.")
    noise = check_positive(noise, "noise", allow_zero=True)
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    rad = rng.uniform(lo, hi, (C, d))
    # Equally spaced angle slots with jitter keep the poles of a filter apart.
    slots = (np.arange(d) + rng.uniform(0.2, 0.8, (C, d))) / d
    ang = min_angle + (math.pi - 2 * min_angle) * slots
    poles = rad * np.exp(1j * ang)
    residues = rng.standard_normal((C, d)) + 1j * rng.standard_normal((C, d))
    D = rng.standard_normal(C)
    h = _noisy(modal_impulse_response(poles, residues, D, L), noise, rng)
    params = {"C": C, "L": L, "d": d, "radius": (lo, hi), "min_angle": min_angle,
              "noise": noise, "seed": seed}
    return FilterBank(h, "random_modal", params, poles, residues, D)


# ----------------------------------------------------------------------- Hyena


def _linear(rng: np.random.Generator, n_in: int, n_out: int, bias: bool = True
            ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    # PyTorch's nn.Linear initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    bound = 1.0 / math.sqrt(n_in)
    w = rng.uniform(-bound, bound, (n_in, n_out))
    b = rng.uniform(-bound, bound, n_out) if bias else np.zeros(n_out)
    return w, b


def hyena_filters(
    C: int,
    L: int,
    *,
    decay: str | float = "recipe",
    order: int = 16,
    emb_dim: int = 3,
    num_inner_mlps: int = 2,
    w: float = 1.0,
    seed: int = 0,
) -> FilterBank:
    r"""Hyena implicit filters at a random initialisation (the reference recipe).

    .. math::
        h_c(t) = \mathrm{MLP}(z(t))_c \, e^{-t |\delta_c|},\qquad
        t \in \mathrm{linspace}(0, 1, L),

    with the positional encoding :math:`z(t) = [t, \cos(f_b\omega), -\sin(f_b\omega)]`,
    :math:`\omega = 2\pi k/L` (``k = 0..L-1``), ``(emb_dim - 1)//2`` bands
    :math:`f_b = \mathrm{linspace}(10^{-4}, \mathrm{bands} - 1, \mathrm{bands})`; the MLP
    ``Linear(emb_dim, order), Sin, [Linear(order, order), Sin] * num_inner_mlps,
    Linear(order, C, bias=False)`` with :math:`\mathrm{Sin}(x) = \sin(w x)` and
    PyTorch's default uniform initialisation, drawn from ``seed``.

    Parameters
    ----------
    C, L : int
        Channels (filters) and taps.
    decay : {"recipe", "slow", "fast"} or float
        :math:`|\delta_c|`: ``"recipe"`` spreads it over
        ``linspace(ln(100)/1.5, ln(100)/0.3, C)`` as the reference code does; ``"slow"``
        (3.07) and ``"fast"`` (15.35) give every channel one end of that range
        (:data:`HYENA_DECAY`); a float ``>= 0`` sets it directly.
    order : int
        MLP width (16 in the reference code, 64 in its language-model configs).
    emb_dim : int
        Positional-encoding width, odd, ``>= 3``.
    num_inner_mlps : int
        Hidden ``Linear + Sin`` blocks.
    w : float
        Frequency of the Sin activation.
    seed : int
        Seed of the MLP weights.

    References
    ----------
    M. Poli et al., "Hyena Hierarchy: Towards Larger Convolutional Language Models",
    ICML 2023, arXiv 2302.10866 (HazyResearch/safari, ``HyenaFilter``).
    """
    C, L = _check_sizes(C, L)
    order = check_int(order, "order", minimum=1)
    emb_dim = check_int(emb_dim, "emb_dim", minimum=3)
    if emb_dim % 2 == 0:
        raise ValueError(f"`emb_dim` must be odd (1 + 2 * bands), got {emb_dim}.")
    num_inner_mlps = check_int(num_inner_mlps, "num_inner_mlps", minimum=0)
    w = check_real(w, "w")
    seed = check_int(seed, "seed", minimum=0)
    if isinstance(decay, str):
        decay = check_choice(decay, "decay", ["recipe", "slow", "fast"])
        if decay == "recipe":
            deltas = np.linspace(HYENA_DECAY["slow"], HYENA_DECAY["fast"], C)
        else:
            deltas = np.full(C, HYENA_DECAY[decay])
    else:
        deltas = np.full(C, check_positive(decay, "decay", allow_zero=True))
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 1.0, L)[:, None]
    bands = (emb_dim - 1) // 2
    omega = 2.0 * math.pi * np.arange(L)[:, None] / L
    f = np.linspace(1e-4, bands - 1, bands)[None, :]
    z = np.exp(-1j * f * omega)
    x = np.concatenate([t, z.real, z.imag], axis=1)
    weights, bias = _linear(rng, emb_dim, order)
    x = np.sin(w * (x @ weights + bias))
    for _ in range(num_inner_mlps):
        weights, bias = _linear(rng, order, order)
        x = np.sin(w * (x @ weights + bias))
    weights, _ = _linear(rng, order, C, bias=False)
    h = (x @ weights) * np.exp(-t * deltas[None, :])
    params = {"C": C, "L": L, "decay": decay, "order": order, "emb_dim": emb_dim,
              "num_inner_mlps": num_inner_mlps, "w": w, "seed": seed}
    name = "hyena" if not isinstance(decay, str) or decay == "recipe" else f"hyena_{decay}"
    return FilterBank(np.ascontiguousarray(h.T), name, params)


# ----------------------------------------------------------------------- others


def power_law_filters(C: int, L: int, *, alpha: ArrayLike = 1.5) -> FilterBank:
    r"""Power-law filters :math:`h_t = (1 + t)^{-\alpha_c}`, ``t = 0..L-1``.

    ``alpha`` is one exponent ``> 0`` for every channel or ``C`` of them.  The sequence
    is completely monotone (a Hausdorff moment sequence), so its Hankel matrix is
    positive definite and its best low-order approximants have real poles in (0, 1).
    """
    C, L = _check_sizes(C, L)
    a = as_float_array(alpha, "alpha", ndim=(0, 1), allow_complex=False)
    a = np.broadcast_to(a.astype(np.float64), (C,)) if a.ndim == 0 else a.astype(np.float64)
    if a.shape != (C,):
        raise ValueError(f"`alpha` must be a number or have shape ({C},), got {a.shape}.")
    if np.any(a <= 0):
        raise ValueError(f"`alpha` must be > 0 (a decaying filter), got min {a.min():.6g}.")
    h = (1.0 + np.arange(L, dtype=np.float64))[None, :] ** -a[:, None]
    return FilterBank(h, "power_law", {"C": C, "L": L, "alpha": a.tolist()})


def long_conv_filters(
    C: int,
    L: int,
    *,
    window: int = 7,
    lam: float = 0.1,
    seed: int = 0,
) -> FilterBank:
    r"""Smoothed and squashed long-convolution kernels (Fu et al. 2023).

    The kernel starts as the reference code's ``double_exp`` initialisation (unit
    scale instead of 0.02 so that ``lam`` reads on a fixed scale): for channel ``c``,
    :math:`k_{c,t} = g_{c,t}\exp(-(t/L)(C/2)^{c/C})` with :math:`g` standard normal;
    then *smooth*: average pooling of width ``window`` (stride 1, zero padding
    ``window//2``, the padding counted, i.e. ``avg_pool1d``); then *squash*:
    :math:`\operatorname{sign}(k)\max(|k| - \lambda, 0)`.  The kernels are sparse and
    rough, the hard case of distillation (a slowly decaying Hankel spectrum).

    Parameters
    ----------
    C, L : int
        Channels and taps.
    window : int
        Odd pooling width, ``>= 1`` (1 = no smoothing).
    lam : float
        Soft threshold, ``>= 0`` (0 = no squash).
    seed : int
        Seed of :math:`g`.

    References
    ----------
    D. Y. Fu, E. L. Epstein, E. Nguyen, A. W. Thomas, M. Zhang, T. Dao, A. Rudra,
    C. Ré, "Simple Hardware-Efficient Long Convolutions for Sequence Modeling",
    ICML 2023, arXiv 2302.06646.
    """
    C, L = _check_sizes(C, L)
    window = check_int(window, "window", minimum=1, maximum=L)
    if window % 2 == 0:
        raise ValueError(f"`window` must be odd (a centred average), got {window}.")
    lam = check_positive(lam, "lam", allow_zero=True)
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    t = np.arange(L, dtype=np.float64) / L
    rate = (C / 2.0) ** (np.arange(C) / C)
    k = rng.standard_normal((C, L)) * np.exp(-t[None, :] * rate[:, None])
    if window > 1:
        kernel = np.ones(window) / window
        k = np.stack([np.convolve(row, kernel, mode="same") for row in k])
    k = np.sign(k) * np.maximum(np.abs(k) - lam, 0.0)
    return FilterBank(k, "long_conv", {"C": C, "L": L, "window": window, "lam": lam,
                                       "seed": seed})


# ----------------------------------------------------------------------- registry

#: The Hyena configuration of the study: 16 positional bands and MLP width 64 (the
#: language-model size); the module defaults (3, 16) give filters of very low order
#: (sigma_5/sigma_1 below 1e-6 at L = 2048).
HYENA_LM = {"emb_dim": 33, "order": 64}

#: The families of the distillation study: name -> ``f(C, L, *, seed)``.
FILTER_FAMILIES: dict[str, Callable[..., FilterBank]] = {
    "modal8": lambda C, L, *, seed=0: random_modal_filters(C, L, 8, radius=(0.9, 0.99),
                                                           seed=seed),
    "hyena_slow": lambda C, L, *, seed=0: hyena_filters(C, L, decay="slow", seed=seed,
                                                        **HYENA_LM),
    "hyena_fast": lambda C, L, *, seed=0: hyena_filters(C, L, decay="fast", seed=seed,
                                                        **HYENA_LM),
    "power_law": lambda C, L, *, seed=0: power_law_filters(
        C, L, alpha=np.linspace(1.0, 2.0, C) if C > 1 else 1.5),
    "long_conv": lambda C, L, *, seed=0: long_conv_filters(C, L, seed=seed),
}


def filter_bank(name: str, C: int, L: int, *, seed: int = 0) -> FilterBank:
    """The bank of family ``name`` (a key of :data:`FILTER_FAMILIES`)."""
    if name not in FILTER_FAMILIES:
        raise UnknownProblemError(
            f"unknown filter family {name!r}; known: {', '.join(FILTER_FAMILIES)}."
        )
    return FILTER_FAMILIES[name](C, L, seed=seed)
