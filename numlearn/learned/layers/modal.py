r"""A batch of real modal filters in torch: poles in polar form, stable by construction.

:class:`ModalFilter` holds ``C`` filters of ``d`` complex modes each in the convention
of :class:`~numlearn.classical.reduction.modal.ModalSSM` (the strictly proper modal
form of ERA and of the Laughing Hyena distillation notebook, arXiv 2310.18780)::

    h_0 = D,    h_t = Re sum_n R_n lambda_n^(t-1)    (t >= 1),

every mode standing for a conjugate pair (real filters, the factor 2 in ``R``).

**Parametrisation.**  ``lambda = r e^{i theta}`` with, by default (``constrain=True``),

.. math:: r = r_{\max}\,\sigma(\rho), \qquad \log r = \log r_{\max} - \log(1 + e^{-\rho}),

``rho`` and ``theta`` unconstrained real parameters and ``r_max = 1 - 1e-6``.  In
floating point ``logsigmoid(rho) <= 0``, so the computed ``|lambda|`` is at most
``r_max (1 + 4 eps)``, far below 1: *no* parameter value (any finite ``rho``, after any
optimiser step) puts a pole on or outside the unit circle.  ``constrain=False`` keeps the
authors' raw radius ``r`` (unconstrained, any sign; the notebook's model).  Residues
``R = R_re + i R_im``; the feedthrough ``D`` is a buffer copied from the target (the
authors' recipe) or a parameter (``train_feedthrough=True``).

**Taps** are computed as ``exp(t log lambda)``, i.e. ``e^{t log r} (R_re cos t theta -
R_im sin t theta)``: no overflow, no recurrence, error ``O(eps (1 + t |log lambda|))``
per term.  Cost ``O(C d L)`` time and memory.

**Spectrum of the window.**  For ``z^M = 1`` the DFT of the truncated modal filter is,
with ``u = z^{-(L-1)}``,

.. math:: \sum_{t=1}^{L-1} R\lambda^{t-1} z^{-t} = R\,\frac{1 - \lambda^{L-1} u}{z - \lambda},

(a finite geometric sum; ``u = z`` when ``M = L``), so :meth:`ModalFilter.spectrum`
gives ``np.fft.rfft(h_hat, M)`` without forming the taps, ``O(C d M)``.

References
----------
S. Massaroli et al., "Laughing Hyena Distillery: Extracting Compact Recurrences From
Convolutions", NeurIPS 2023, arXiv 2310.18780 (the polar parametrisation and the random
ring initialisation; savanna ``LaughingHyenaModalFilter``).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from numlearn._core.validation import check_choice, check_flag, check_int, check_positive
from numlearn.classical.reduction.modal import ModalSSM
from numlearn.learned.layers.base import (
    _check_budget,
    _check_device,
    _check_dtype,
    _check_size,
    check_tensor,
)

__all__ = ["R_MAX", "ModalFilter", "hinf_errors", "window_sq_errors"]

#: The window-error formulas of :func:`window_sq_errors`.
LOSSES = ("time", "fft", "gram")

#: Default largest pole radius of the constrained parametrisation.
R_MAX = 1.0 - 1e-6
#: ``log`` of the smallest power ``|lambda|^t`` kept (1e-150); smaller ones are zero.
LOG_TINY = -345.0


class ModalFilter(nn.Module):
    r"""``C`` real filters of ``d`` conjugate-pair modes, ``|lambda| < 1`` by construction.

    Parameters
    ----------
    channels : int
        ``C``, the number of filters.
    order : int
        ``d``, complex modes per filter (real order ``2 d``).
    constrain : bool, default True
        ``r = r_max sigmoid(rho)`` (module notes); False: the raw radius ``r`` (the
        authors' unconstrained model, poles may leave the disk).
    r_max : float, default :data:`R_MAX`
        Largest radius, in ``(0, 1)``.
    train_feedthrough : bool, default False
        ``D`` a parameter instead of a buffer.
    seed : int, default 0
        Seeds the initialisation, the authors' random ring: ``r ~ U[0.9, 0.99]``,
        ``theta ~ U[0, 2 pi]``, ``R_re, R_im ~ N(0, 1/order)``, ``D = 0`` (drawn on the
        CPU in float64, then converted: the same numbers on every device).
    dtype : torch.dtype, default torch.float64
    device : str or torch.device, default "cpu"

    Attributes
    ----------
    rho or r, theta, residue_re, residue_im : Parameter, shape (C, d)
    feedthrough : Tensor (buffer or Parameter), shape (C,)

    Examples
    --------
    >>> import numpy as np
    >>> from numlearn.classical.reduction.modal import ModalSSM
    >>> m = ModalSSM([[0.9 * np.exp(0.3j), 0.5]], [[2.0, 1.0 - 1.0j]], [0.25])
    >>> f = ModalFilter.from_modal_ssm(m)
    >>> bool(np.allclose(f.impulse_response(8).detach().numpy(), m.impulse_response(8)))
    True
    """

    def __init__(self, channels: int, order: int, *, constrain: bool = True,
                 r_max: float = R_MAX, train_feedthrough: bool = False, seed: int = 0,
                 dtype: torch.dtype = torch.float64,
                 device: str | torch.device = "cpu") -> None:
        super().__init__()
        C = _check_size(channels, "channels")
        d = _check_size(order, "order")
        _check_budget(4 * C * d + C, {"channels": C, "order": d}, "a ModalFilter")
        self.constrain = check_flag(constrain, "constrain")
        r_max = check_positive(r_max, "r_max")
        if not r_max < 1.0:
            raise ValueError(f"`r_max` must lie in (0, 1) so that every pole is inside the "
                             f"unit disk, got {r_max!r}.")
        self.r_max = float(r_max)
        self.train_feedthrough = check_flag(train_feedthrough, "train_feedthrough")
        seed = check_int(seed, "seed")
        self._dtype = _check_dtype(dtype)
        self._device = _check_device(device)
        gen = torch.Generator().manual_seed(seed)
        f64 = torch.float64
        r = 0.9 + 0.09 * torch.rand(C, d, generator=gen, dtype=f64)
        theta = 2 * math.pi * torch.rand(C, d, generator=gen, dtype=f64)
        res = torch.randn(2, C, d, generator=gen, dtype=f64) / math.sqrt(d)
        self._set(r.to(torch.complex128) * torch.exp(1j * theta), torch.complex(res[0], res[1]),
                  torch.zeros(C, dtype=f64))

    # ------------------------------------------------------------------ parameters
    def _radius_parameter(self, r: Tensor) -> Tensor:
        """``rho = logit(r / r_max)`` (or ``r`` itself unconstrained), float64."""
        if not self.constrain:
            return r
        q = r / self.r_max
        return torch.log(q) - torch.log1p(-q)

    def _set(self, poles: Tensor, residues: Tensor, feedthrough: Tensor) -> None:
        """(Re)build the parameters from complex128 poles/residues and float64 D."""
        kw = {"dtype": self._dtype, "device": self._device}
        rad = self._radius_parameter(poles.abs())
        name = "rho" if self.constrain else "r"
        setattr(self, name, nn.Parameter(rad.to(**kw)))
        self.theta = nn.Parameter(torch.angle(poles).to(**kw))
        self.residue_re = nn.Parameter(residues.real.to(**kw))
        self.residue_im = nn.Parameter(residues.imag.to(**kw))
        d0 = feedthrough.to(**kw)
        if "feedthrough" in self._buffers:
            del self._buffers["feedthrough"]
        if "feedthrough" in self._parameters:
            del self._parameters["feedthrough"]
        if self.train_feedthrough:
            self.feedthrough = nn.Parameter(d0)
        else:
            self.register_buffer("feedthrough", d0)

    @property
    def channels(self) -> int:
        return int(self.theta.shape[0])

    @property
    def order(self) -> int:
        return int(self.theta.shape[1])

    @property
    def dtype(self) -> torch.dtype:
        return self._dtype

    @property
    def device(self) -> torch.device:
        return self._device

    def log_radius(self) -> Tensor:
        """``log r``, shape (C, d); ``log r_max + logsigmoid(rho)`` when constrained
        (strictly below ``log r_max`` for every finite ``rho``)."""
        if self.constrain:
            return math.log(self.r_max) + nn.functional.logsigmoid(self.rho)
        return torch.log(self.r.abs())

    def log_poles(self) -> tuple[Tensor, Tensor]:
        """``(log |lambda|, arg lambda)``, real tensors (C, d) (a negative raw radius of
        the unconstrained model adds ``pi`` to the angle)."""
        if self.constrain:
            return self.log_radius(), self.theta
        return self.log_radius(), self.theta + math.pi * (self.r < 0).to(self.theta.dtype)

    def poles(self) -> Tensor:
        """``lambda = r e^{i theta}``, complex (C, d)."""
        a, b = self.log_poles()
        return torch.polar(torch.exp(a), b)

    def residues(self) -> Tensor:
        """``R = R_re + i R_im``, complex (C, d)."""
        return torch.complex(self.residue_re, self.residue_im)

    # ------------------------------------------------------------------ evaluation
    def taps(self, L: int) -> Tensor:
        """``h_1 .. h_(L-1)``, shape (C, L - 1), as ``sum_n e^{(t-1) log r_n}(R_re cos -
        R_im sin)((t-1) theta_n)``."""
        L = check_int(L, "L", minimum=1)
        a, b = self.log_poles()
        t = torch.arange(L - 1, dtype=self._dtype, device=self._device)
        at = a[..., None] * t                                      # (C, d, L-1)
        # |lambda|^t < 1e-150 set to zero: no effect in float64, and no subnormals
        mag = torch.where(at > LOG_TINY, torch.exp(at.clamp(min=LOG_TINY)), 0.0)
        ang = b[..., None] * t
        wave = (self.residue_re[..., None] * torch.cos(ang)
                - self.residue_im[..., None] * torch.sin(ang))
        return (mag * wave).sum(dim=1)

    def impulse_response(self, L: int) -> Tensor:
        """``h_0 .. h_(L-1)``, shape (C, L) (``h_0 = D``); differentiable."""
        L = check_int(L, "L", minimum=1)
        return torch.cat([self.feedthrough[:, None], self.taps(L)], dim=1)

    def forward(self, L: int, M: int | None = None, *, domain: str = "time") -> Tensor:
        """:meth:`impulse_response` (``domain="time"``) or :meth:`spectrum`
        (``"frequency"``): the entry ``torch.func.functional_call`` uses."""
        if domain == "time":
            return self.impulse_response(L)
        if domain == "frequency":
            return self.spectrum(L, M)
        raise ValueError(f"`domain` must be 'time' or 'frequency', got {domain!r}.")

    def spectrum(self, L: int, M: int | None = None) -> Tensor:
        """``np.fft.rfft(impulse_response(L), M)`` in closed form (module notes).

        ``M >= L`` (default ``L``); shape (C, M // 2 + 1), complex; ``O(C d M)`` with no
        length-L series.  Each term has relative error about ``eps / (L dist(lambda,
        z_k))`` when a pole is close to a grid point ``z_k``.
        """
        L = check_int(L, "L", minimum=1)
        M = L if M is None else check_int(M, "M", minimum=L)
        a, b = self.log_poles()
        k = torch.arange(M // 2 + 1, device=self._device)
        cdt = torch.complex128 if self._dtype == torch.float64 else torch.complex64
        ang = (2 * math.pi / M) * k.to(self._dtype)
        z = torch.polar(torch.ones_like(ang), ang)[None, :, None]          # (1, K, 1)
        uang = (-2 * math.pi / M) * (((L - 1) * k) % M).to(self._dtype)    # z^-(L-1), exact
        u = torch.polar(torch.ones_like(uang), uang)[None, :, None]
        lam = torch.polar(torch.exp(a), b)[:, None, :]                     # (C, 1, d)
        lam_pow = torch.polar(torch.exp((L - 1) * a), (L - 1) * b)[:, None, :]
        res = self.residues()[:, None, :]
        geo = res * (1 - lam_pow * u) / (z - lam)
        geoc = res.conj() * (1 - lam_pow.conj() * u) / (z - lam.conj())
        out = 0.5 * (geo + geoc).sum(dim=-1)
        return (out + self.feedthrough[:, None]).to(cdt)

    # ------------------------------------------------------------------ conversion
    def to_modal_ssm(self) -> ModalSSM:
        """The classical :class:`ModalSSM` (NumPy, complex128), ``real=True``.

        Poles outside the disk (only possible with ``constrain=False``) are kept with
        :class:`~numlearn.classical.reduction.modal.UnstablePolesWarning`.
        """
        with torch.no_grad():
            lam = self.poles().detach().cpu().to(torch.complex128).numpy()
            res = self.residues().detach().cpu().to(torch.complex128).numpy()
            d0 = self.feedthrough.detach().cpu().to(torch.float64).numpy()
        stable = bool((np.abs(lam) < 1).all())
        return ModalSSM(lam, res, d0, real=True, allow_unstable=not stable)

    def load_modal_ssm(self, model: ModalSSM) -> ModalFilter:
        """Set the parameters from ``model`` (shape (C, d) as this filter); returns self."""
        if not isinstance(model, ModalSSM):
            raise TypeError(f"`model` must be a ModalSSM, got {type(model).__name__}.")
        if not model.real:
            raise ValueError("`model` must be real (real=True, conjugate-pair modes): "
                             "ModalFilter holds real filters only.")
        C, d = model.channels, model.order
        if (C, d) != (self.channels, self.order):
            raise ValueError(f"`model` has {C} channels of {d} modes, this filter "
                             f"{self.channels} of {self.order}; build ModalFilter."
                             "from_modal_ssm(model) instead.")
        lam = torch.from_numpy(np.asarray(model.poles).reshape(C, d).astype(np.complex128))
        r = lam.abs()
        if bool((r == 0).any()):
            raise ValueError("`model` has a zero pole, which the polar parametrisation "
                             "cannot represent; drop that mode or give it a small radius.")
        if self.constrain and bool((r >= self.r_max).any()):
            raise ValueError(f"`model` has a pole with |lambda| = {float(r.max()):.17g} "
                             f">= r_max = {self.r_max!r}, which the constrained "
                             "parametrisation cannot represent; pass a larger `r_max` "
                             "(< 1) or constrain=False.")
        res = torch.from_numpy(np.asarray(model.residues).reshape(C, d).astype(np.complex128))
        d0 = torch.from_numpy(np.array(model.feedthrough, dtype=np.float64).reshape(C))
        self._set(lam, res, d0)
        return self

    @classmethod
    def from_modal_ssm(cls, model: ModalSSM, **kwargs: Any) -> ModalFilter:
        """A :class:`ModalFilter` equal to ``model`` (real, ``|lambda| < r_max`` when
        constrained); ``kwargs`` as the constructor's (``constrain``, ``r_max``,
        ``train_feedthrough``, ``dtype``, ``device``).  Round trip to rounding: the radius
        goes through ``logit``, ``theta`` through ``angle``."""
        if not isinstance(model, ModalSSM):
            raise TypeError(f"`model` must be a ModalSSM, got {type(model).__name__}.")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = cls(model.channels, model.order, **kwargs)
        return out.load_modal_ssm(model)

    def check_target(self, h: Any, name: str = "h") -> Tensor:
        """``h`` as a (C, L) tensor of this filter's dtype and device (refused otherwise)."""
        h = check_tensor(h, name, dtype=self._dtype, device=self._device,
                         owner="the ModalFilter")
        if h.ndim != 2 or h.shape[0] != self.channels:
            raise ValueError(f"`{name}` must have shape ({self.channels}, L), got "
                             f"{tuple(h.shape)}.")
        return h

    def extra_repr(self) -> str:
        return (f"channels={self.channels}, order={self.order}, constrain={self.constrain}, "
                f"r_max={self.r_max}, dtype={self._dtype}")


# ---------------------------------------------------------------------------- losses
def _rfft_weights(L: int, M: int, like: Tensor) -> Tensor:
    """Parseval weights of ``rfft`` of length ``M``: 1 at 0 (and at ``M/2``), else 2."""
    w = torch.full((M // 2 + 1,), 2.0, dtype=like.dtype, device=like.device)
    w[0] = 1.0
    if M % 2 == 0:
        w[-1] = 1.0
    return w


def window_sq_errors(filt: ModalFilter, h: Tensor, *, method: str = "time") -> Tensor:
    r"""Per-filter squared window error :math:`\sum_{t=0}^{L-1}(h_t - \hat h_t)^2`, (C,).

    ``method="time"``: from the taps, ``O(C d L)``.  ``"fft"``: Parseval,
    :math:`\frac1L\sum_k w_k|\mathrm{rfft}(h)_k - \hat H_k|^2` with the closed-form
    spectrum :meth:`ModalFilter.spectrum` (no length-L series), ``O(C d L)``.
    ``"gram"``: :math:`\|h\|^2 - 2\langle h,\hat h\rangle + \|\hat h\|^2` with
    :math:`\|\hat h\|^2 = D^2 + \frac12\mathrm{Re}\sum_{n,m}(R_n\bar R_m
    G(\lambda_n\bar\lambda_m) + R_nR_mG(\lambda_n\lambda_m))`,
    :math:`G(x) = (1 - x^{L-1})/(1 - x)`, ``O(C d^2)``, and the cross term by Parseval;
    exact in exact arithmetic but with absolute error about ``eps ||h||^2``
    (catastrophic cancellation for small errors).  All differentiable.
    """
    method = check_choice(method, "method", LOSSES)
    h = filt.check_target(h)
    L = h.shape[1]
    if method == "time":
        return ((h - filt.impulse_response(L)) ** 2).sum(dim=1)
    w = _rfft_weights(L, L, h)
    H = torch.fft.rfft(h, dim=1)
    Hh = filt.spectrum(L)
    if method == "fft":
        return ((H - Hh).abs() ** 2 * w).sum(dim=1) / L
    cross = (w * (H * Hh.conj()).real).sum(dim=1) / L
    return (h ** 2).sum(dim=1) - 2 * cross + _model_energy(filt, L)


def _model_energy(filt: ModalFilter, L: int) -> Tensor:
    """``sum_t hhat_t^2`` over ``[0, L)`` by geometric-sum Gram matrices, (C,)."""
    a, b = filt.log_poles()
    res = filt.residues()
    n = L - 1

    def gram(sa: Tensor, sb: Tensor) -> Tensor:      # G(x), log x = sa + i sb, (C, d, d)
        x = torch.polar(torch.exp(sa), sb)
        xn = torch.polar(torch.exp(n * sa), n * sb)
        one = (x - 1).abs() == 0
        return torch.where(one, torch.full_like(x, n), (1 - xn) / torch.where(one, 2 * x, 1 - x))

    sa = a[:, :, None] + a[:, None, :]
    g1 = gram(sa, b[:, :, None] - b[:, None, :])
    g2 = gram(sa, b[:, :, None] + b[:, None, :])
    e = (res[:, :, None] * res.conj()[:, None, :] * g1).sum(dim=(1, 2)) \
        + (res[:, :, None] * res[:, None, :] * g2).sum(dim=(1, 2))
    return filt.feedthrough ** 2 + 0.5 * e.real


def hinf_errors(filt: ModalFilter, h: Tensor, M: int | None = None) -> Tensor:
    """``max_k |rfft(h, M)_k - Hhat_k|`` per filter (the windowed difference's H-infinity
    norm sampled at the ``M``-th roots of unity, ``M >= 2 L`` by default), (C,); the
    same number as ``filter_errors(...)["hinf"]``, by the closed-form spectrum."""
    h = filt.check_target(h)
    L = h.shape[1]
    M = 2 * L if M is None else check_int(M, "M", minimum=L)
    return (torch.fft.rfft(h, M, dim=1) - filt.spectrum(L, M)).abs().amax(dim=1)
