r"""A distilled long convolution in torch: ``D`` channels held as a modal state-space model,
run as an FFT convolution, prefilled by FFT, and stepped as a recurrence.

:class:`DistilledConv` holds, per channel ``c``, ``d`` complex modes (poles ``lambda``,
residues ``R``) and a real feedthrough ``h_0``, in the convention of
:class:`~numlearn.classical.reduction.modal.ModalSSM` (the strictly proper modal form of
ERA and of the Laughing Hyena distillation, arXiv 2310.18780), real filters::

    h_0 = D,    h_t = Re sum_n R_n lambda_n^(t-1)    (t >= 1).

Three ways to run it give the same outputs ``y_t = sum_{k<=t} h_(t-k) u_k``:

* :meth:`DistilledConv.forward` (the *convolution* mode): the taps ``h_0 .. h_(L-1)``
  and a zero-padded real FFT of length ``2^ceil(log2(2L - 1))``,
  ``O(B D L log L + D d L)``;
* :meth:`DistilledConv.prefill` then :meth:`DistilledConv.step` (the *recurrence*):
  the state after a prompt ``u_0 .. u_(T-1)`` is ``x_n = sum_k lambda_n^(T-1-k) u_k``
  (the inference engines' convention: the state includes every input so far), computed
  by the modal FFT; then per token ``y_t = h_0 u_t + Re sum_n R_n x_n`` and
  ``x <- lambda x + u_t``: ``O(d)`` work and memory per token and channel.  The engine
  writes the same number as ``y_t = Re sum R_eng x' + D_eng u_t`` with the state after
  the input, ``R_eng = R / lambda``, ``D_eng = h_0 - Re sum R / lambda``
  (:meth:`DistilledConv.to_engine`); the strictly proper form used here needs no
  division by ``lambda``.
* :meth:`DistilledConv.generate`: prefill, then tokens from a feedback map.

**Taps** are ``Re sum_n (R_n lambda_n^(qB)) lambda_n^r`` with ``t - 1 = q B + r``,
``B ~ sqrt(L)``, every power ``exp(s log lambda)`` (no overflow, error
``O(eps (1 + s |log lambda|)) |lambda|^s``), one batched complex matrix product per
channel block: no ``(D, d, L)`` temporary.

**Modal FFT prefill.**  With ``N = 2 T``, ``X = FFT_N(u)`` and the closed-form DFT of the
truncated geometric sequence ``G_j = (1 - lambda^N) / (1 - lambda w^j)``,
``w = exp(-2 pi i / N)``, the state is entry ``T - 1`` of the inverse transform,
``x_n = N^-1 sum_j X_j G_j exp(2 pi i j (T-1) / N)`` (the engines' ``modal-fft``;
:func:`numlearn.classical.reduction.modal.ModalSSM.prefill` is the NumPy reference).
``O(B D (T log T + d T))``.

Everything is float64 (complex128 for the modes) by default; ``dtype=torch.float32``
gives complex64 modes.  Inputs are checked, never cast or moved.

References
----------
S. Massaroli et al., "Laughing Hyena Distillery: Extracting Compact Recurrences From
Convolutions", NeurIPS 2023, arXiv 2310.18780 (modal form, ``modal-fft`` prefill,
``step_iir``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.fft
import torch
from torch import Tensor, nn

from numlearn._core.validation import EPS, check_choice, check_int, warn_ill_conditioned
from numlearn.classical.reduction.companion import SAFETY, to_companion
from numlearn.classical.reduction.modal import ModalSSM
from numlearn.learned.layers.base import (
    _check_budget,
    _check_device,
    _check_dtype,
    check_tensor,
)

__all__ = ["DistilledConv"]

#: Largest temporary (complex entries) the taps and the FFT prefill use at once.
_BLOCK_ENTRIES = 1 << 22
#: ``log`` of the smallest power ``|lambda|^t`` kept; smaller ones are set to zero
#: (no effect at float64 resolution, and no subnormal arithmetic).
_LOG_TINY = -700.0


def _complex_of(dtype: torch.dtype) -> torch.dtype:
    return torch.complex128 if dtype == torch.float64 else torch.complex64


def _powers(log_mag: Tensor, ang: Tensor, zero: Tensor, t: Tensor) -> Tensor:
    """``lambda^t`` as ``exp(t log|lambda|) e^{i t arg lambda}`` for ``t >= 0``; shapes
    ``log_mag, ang, zero`` (..., d), ``t`` (K,) -> (..., K, d); ``0^0 = 1``."""
    at = log_mag[..., None, :] * t[:, None]
    mag = torch.where(at > _LOG_TINY, torch.exp(at.clamp(min=_LOG_TINY)), 0.0)
    mag = torch.where(zero[..., None, :], (t[:, None] == 0).to(mag.dtype), mag)
    return torch.polar(mag, ang[..., None, :] * t[:, None])


class DistilledConv(nn.Module):
    r"""``D`` causal long convolutions, each a real modal filter of ``d`` complex modes.

    Parameters
    ----------
    poles : Tensor, complex, shape (D, d)
        ``lambda``, every ``|lambda| < 1`` (stable; refused otherwise).  Complex128 for
        ``dtype=torch.float64``, complex64 for float32, on ``device``.
    residues : Tensor, complex, shape (D, d)
        ``R`` (the factor 2 of the conjugate pair included), same dtype and device.
    feedthrough : Tensor, real, shape (D,)
        ``h_0``, of ``dtype``.
    dtype : torch.dtype, default torch.float64
        The real dtype of signals and outputs.
    device : str or torch.device, default "cpu"

    Attributes
    ----------
    poles, residues, feedthrough : Tensor (buffers)
    channels : int
        ``D``.
    order : int
        ``d``, complex modes per channel (real order ``2 d``).

    Examples
    --------
    >>> m = ModalSSM([[0.9 * np.exp(0.3j), 0.5]], [[2.0, 1.0 - 1.0j]], [0.25])
    >>> conv = DistilledConv.from_modal_ssm(m)
    >>> u = torch.randn(2, 1, 64, dtype=torch.float64)
    >>> state = conv.prefill(u[..., :60])
    >>> y, state = conv.step(state, u[..., 60])
    >>> bool(torch.allclose(y, conv(u)[..., 60]))
    True

    See Also
    --------
    numlearn.classical.reduction.modal.ModalSSM : the NumPy reference (``recurrence``,
        ``convolve``, ``prefill``, ``to_engine``).
    numlearn.learned.layers.modal.ModalFilter : the trainable filter distillation fits.
    """

    def __init__(self, poles: Tensor, residues: Tensor, feedthrough: Tensor, *,
                 dtype: torch.dtype = torch.float64,
                 device: str | torch.device = "cpu") -> None:
        super().__init__()
        self._dtype = _check_dtype(dtype)
        self._device = _check_device(device)
        cdt = _complex_of(self._dtype)
        owner = "the DistilledConv"
        lam = check_tensor(poles, "poles", dtype=cdt, device=self._device, owner=owner)
        res = check_tensor(residues, "residues", dtype=cdt, device=self._device, owner=owner)
        d0 = check_tensor(feedthrough, "feedthrough", dtype=self._dtype,
                          device=self._device, owner=owner)
        if lam.ndim != 2 or 0 in lam.shape:
            raise ValueError(f"`poles` must have shape (D, d) with D, d >= 1, got "
                             f"{tuple(lam.shape)}.")
        if res.shape != lam.shape:
            raise ValueError(f"`residues` must have the shape of `poles` {tuple(lam.shape)}, "
                             f"got {tuple(res.shape)}.")
        if d0.shape != lam.shape[:1]:
            raise ValueError(f"`feedthrough` must have shape ({lam.shape[0]},), one per "
                             f"channel, got {tuple(d0.shape)}.")
        _check_budget(5 * lam.numel(), {"channels": lam.shape[0], "order": lam.shape[1]},
                      "a DistilledConv")
        for name, t in (("poles", lam), ("residues", res), ("feedthrough", d0)):
            if not bool(torch.isfinite(t).all()):
                raise ValueError(f"`{name}` must be finite (no NaN or inf).")
        radius = lam.abs()
        if not bool((radius < 1).all()):
            flat = int(torch.argmax(radius))
            c, n = divmod(flat, lam.shape[1])
            raise ValueError(f"`poles` must lie inside the unit disk (|lambda| < 1) for a "
                             f"stable filter; channel {c}, mode {n} has |lambda| = "
                             f"{float(radius.max()):.17g}. Reflect it (lambda -> "
                             "1/conj(lambda)) or drop it.")
        self.register_buffer("poles", lam.clone())
        self.register_buffer("residues", res.clone())
        self.register_buffer("feedthrough", d0.clone())

    # ------------------------------------------------------------------ conversion
    @classmethod
    def from_modal_ssm(cls, model: ModalSSM, *, dtype: torch.dtype = torch.float64,
                       device: str | torch.device = "cpu") -> DistilledConv:
        """The layer of a real :class:`ModalSSM` (``C`` channels -> ``D = C``; an unbatched
        model gives ``D = 1``), converted to ``dtype`` (an explicit request: float32
        rounds the modes to complex64) on ``device``."""
        if not isinstance(model, ModalSSM):
            raise TypeError(f"`model` must be a ModalSSM, got {type(model).__name__}.")
        if not model.real:
            raise ValueError("`model` must be real (real=True, conjugate-pair modes): "
                             "DistilledConv holds real filters only.")
        if not model.is_stable:
            raise ValueError("`model` has poles on or outside the unit circle "
                             "(allow_unstable=True); a DistilledConv must be stable.")
        dtype = _check_dtype(dtype)
        device = _check_device(device)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"`device` is {device} but CUDA is not available here; pass "
                             "device='cpu'.")
        C, d = model.channels, model.order
        cdt = _complex_of(dtype)
        lam = torch.from_numpy(np.asarray(model.poles).reshape(C, d).copy())
        res = torch.from_numpy(np.asarray(model.residues).reshape(C, d).copy())
        d0 = torch.from_numpy(np.asarray(model.feedthrough, dtype=np.float64).reshape(C).copy())
        return cls(lam.to(cdt).to(device), res.to(cdt).to(device),
                   d0.to(dtype).to(device), dtype=dtype, device=device)

    def to_modal_ssm(self) -> ModalSSM:
        """The classical :class:`ModalSSM` (NumPy complex128, batched, ``real=True``)."""
        lam = self.poles.detach().cpu().to(torch.complex128).numpy()
        res = self.residues.detach().cpu().to(torch.complex128).numpy()
        d0 = self.feedthrough.detach().cpu().to(torch.float64).numpy()
        return ModalSSM(lam, res, d0, real=True)

    def to_engine(self) -> tuple[Tensor, Tensor, Tensor]:
        """Engine parameters ``(lambda, R / lambda, h_0 - Re sum R / lambda)`` (stripedhyena
        ``step_iir``: state after the input); refused for a zero pole."""
        if bool((self.poles == 0).any()):
            raise ValueError("`poles` contains 0: the engine form divides the residues by "
                             "the poles; use DistilledConv.step (strictly proper form).")
        r_eng = self.residues / self.poles
        return self.poles.clone(), r_eng, self.feedthrough - r_eng.sum(dim=1).real

    # ------------------------------------------------------------------ attributes
    @property
    def channels(self) -> int:
        return int(self.poles.shape[0])

    @property
    def order(self) -> int:
        return int(self.poles.shape[1])

    @property
    def dtype(self) -> torch.dtype:
        return self._dtype

    @property
    def device(self) -> torch.device:
        return self._device

    def extra_repr(self) -> str:
        return f"channels={self.channels}, order={self.order}, dtype={self._dtype}"

    def state_bytes(self, batch: int = 1) -> int:
        """Bytes of the recurrent state of ``batch`` sequences: ``batch D d`` complex."""
        batch = check_int(batch, "batch", minimum=1)
        return batch * self.poles.numel() * self.poles.element_size()

    # ------------------------------------------------------------------ checks
    def _signal(self, u: Any, name: str = "u", ndim: int = 3) -> Tensor:
        u = check_tensor(u, name, dtype=self._dtype, device=self._device,
                         owner="the DistilledConv")
        want = "(B, D, L)" if ndim == 3 else "(B, D)"
        if u.ndim != ndim or u.shape[1] != self.channels or 0 in u.shape:
            raise ValueError(f"`{name}` must have shape {want} with D = {self.channels} "
                             f"channels and no empty axis, got {tuple(u.shape)}.")
        if not bool(torch.isfinite(u).all()):
            raise ValueError(f"`{name}` must be finite (no NaN or inf).")
        return u

    def _state(self, state: Any, batch: int) -> Tensor:
        cdt = _complex_of(self._dtype)
        state = check_tensor(state, "state", dtype=cdt, device=self._device,
                             owner="the DistilledConv's state")
        want = (batch, self.channels, self.order)
        if tuple(state.shape) != want:
            raise ValueError(f"`state` must have shape {want} (B, D, d), got "
                             f"{tuple(state.shape)}; use the state of `prefill` or "
                             "`initial_state`.")
        return state

    def initial_state(self, batch: int) -> Tensor:
        """Zeros of shape (batch, D, d): the state before any input."""
        batch = check_int(batch, "batch", minimum=1)
        return torch.zeros(batch, self.channels, self.order, dtype=_complex_of(self._dtype),
                           device=self._device)

    # ------------------------------------------------------------------ filter
    def _log_poles(self) -> tuple[Tensor, Tensor, Tensor]:
        lam = self.poles
        zero = lam == 0
        log_mag = torch.log(torch.where(zero, torch.ones_like(lam.real), lam.abs()))
        return log_mag, torch.angle(lam), zero

    def _split_powers(self, n: int) -> tuple[Tensor, Tensor]:
        """``(lambda^r, lambda^(qB))`` for ``r < B``, ``q < nq``, ``B = isqrt(n) + 1``,
        ``B nq >= n``: shapes (D, B, d), (D, nq, d); ``lambda^t = high[t // B] low[t % B]``."""
        bk = math.isqrt(n) + 1
        nq = -(-n // bk)
        log_mag, ang, zero = self._log_poles()
        rdt = self._dtype
        low = _powers(log_mag, ang, zero, torch.arange(bk, dtype=rdt, device=self._device))
        high = _powers(log_mag, ang, zero,
                       bk * torch.arange(nq, dtype=rdt, device=self._device))
        return low, high

    def impulse_response(self, L: int) -> Tensor:
        """The taps ``h_0 .. h_(L-1)``, shape (D, L), real (module notes)."""
        L = check_int(L, "L", minimum=1)
        D = self.channels
        h = torch.empty(D, L, dtype=self._dtype, device=self._device)
        h[:, 0] = self.feedthrough
        n = L - 1
        if n == 0:
            return h
        low, high = self._split_powers(n)
        nq, bk = high.shape[1], low.shape[1]
        rh = high * self.residues[:, None, :]                           # (D, nq, d)
        # Re(rh @ low^T) = Re rh Re low^T - Im rh Im low^T: two real batched products
        taps = rh.real @ low.real.transpose(1, 2) - rh.imag @ low.imag.transpose(1, 2)
        h[:, 1:] = taps.reshape(D, nq * bk)[:, :n]
        return h

    # ------------------------------------------------------------------ running
    def forward(self, u: Tensor) -> Tensor:
        """``y_t = sum_{k<=t} h_(t-k) u_k`` for ``u`` of shape (B, D, L): FFT convolution
        with the first ``L`` taps (the convolution mode).  ``O(B D L log L + D d L)``."""
        u = self._signal(u)
        L = u.shape[-1]
        n = 1 << (2 * L - 1).bit_length() if L > 1 else 1
        h = self.impulse_response(L)
        spec = torch.fft.rfft(u, n=n, dim=-1) * torch.fft.rfft(h, n=n, dim=-1)
        return torch.fft.irfft(spec, n=n, dim=-1)[..., :L]

    def prefill(self, u: Tensor, *, method: str = "fft") -> Tensor:
        """State after the prompt ``u`` (B, D, T): ``x_n = sum_k lambda_n^(T-1-k) u_k``,
        shape (B, D, d) complex.

        ``method="fft"``: the modal FFT (module notes), ``O(B D (T log T + d T))``.
        ``"direct"``: the geometric sum with ``s = q B + r``,
        ``sum_q lambda^(qB) sum_r lambda^r u_(T-1-s)`` (batched matrix products), the
        same cost without the FFT; an independent second way, and the faster one on a
        CPU (the FFT's constant is a complex division per mode and frequency).
        ``"companion"``: through the companion (transfer-function) form, as
        :func:`numlearn.classical.reduction.companion.prefill_companion` (the
        ``canonical-fft`` mode of arXiv 2310.18780): ``w = u / a~(q)`` by one FFT
        division on a grid long enough for the decay of ``1/a~``, then
        ``x_n = sum_(j<N) K_nj w_(T-1-j)`` with ``K_n(q) = a~(q) / (1 - lambda_n q)``
        (synthetic division), ``N`` the real order.  ``O(B D (P log P + d N))``.
        Ill-conditioned for clustered poles and large ``N`` (the coefficients of ``a``
        grow like ``binomial(N, N/2)``); use it at small orders only, and prefer the
        modal FFT.  Warns (`IllConditionedWarning`) when the error estimate of
        :func:`~numlearn.classical.reduction.companion.prefill_companion` exceeds
        ``1e4 eps``; raises `FloatingPointError` when ``a~`` on the grid is below its
        own rounding (no meaningful answer in this form).
        """
        method = check_choice(method, "method", ("fft", "direct", "companion"))
        u = self._signal(u)
        if method == "direct":
            return self._prefill_direct(u)
        if method == "companion":
            return self._prefill_companion(u)
        Bsz, D, T = u.shape
        d = self.order
        N = 2 * T
        cdt = _complex_of(self._dtype)
        j = torch.arange(N, device=self._device)
        shift = torch.polar(torch.ones(N, dtype=self._dtype, device=self._device),
                            (2 * math.pi / N) * (((T - 1) * j) % N).to(self._dtype))
        X = torch.fft.fft(u.to(cdt), n=N, dim=-1) * shift                 # (B, D, N)
        w = torch.polar(torch.ones(N, dtype=self._dtype, device=self._device),
                        (-2 * math.pi / N) * j.to(self._dtype))
        log_mag, ang, zero = self._log_poles()
        lam_n = _powers(log_mag, ang, zero,
                        torch.tensor([float(N)], dtype=self._dtype, device=self._device))
        out = torch.empty(Bsz, D, d, dtype=cdt, device=self._device)
        step = max(1, _BLOCK_ENTRIES // (d * N))
        for c0 in range(0, D, step):
            lam = self.poles[c0:c0 + step, :, None]
            G = (1 - lam_n[c0:c0 + step, 0, :, None]) / (1 - lam * w)     # (c, d, N)
            out[:, c0:c0 + step] = torch.einsum("bcj,cnj->bcn", X[:, c0:c0 + step], G) / N
        return out

    def _prefill_direct(self, u: Tensor) -> Tensor:
        Bsz, D, T = u.shape
        low, high = self._split_powers(T)
        nq, bk = high.shape[1], low.shape[1]
        rdt = self._dtype
        rev = torch.zeros(Bsz, D, nq * bk, dtype=rdt, device=self._device)
        rev[..., :T] = u.flip(-1)
        rev = rev.reshape(Bsz, D, nq, bk)
        inner = torch.complex(rev @ low.real, rev @ low.imag)             # (B, D, nq, d)
        return (inner * high[None]).sum(dim=2)

    def _prefill_companion(self, u: Tensor) -> Tensor:
        Bsz, D, T = u.shape
        _b, a, _ = to_companion(self.to_modal_ssm())             # a (D, N + 1), monic
        a = np.asarray(a).reshape(D, -1)
        N = a.shape[1] - 1
        radius = float(self.poles.abs().max())
        tail = N if radius == 0 else max(N, math.ceil(math.log(EPS / 4) / math.log(radius)))
        P = scipy.fft.next_fast_len(T + tail + N)
        at = torch.from_numpy(a).to(self._dtype).to(self._device)
        A = torch.fft.rfft(at, n=P, dim=-1)                               # (D, P/2 + 1)
        amin = A.abs().amin(dim=-1)
        bad = torch.finfo(self._dtype).eps * at.abs().sum(dim=-1) >= amin
        if bool(bad.any()):
            c = int(torch.nonzero(bad)[0, 0])
            raise FloatingPointError(
                f"prefill(method='companion'): the companion denominator of channel {c} "
                f"(real order {N}) is below its own rounding error on the unit circle; "
                "the companion form is unusable here, use method='fft'.")
        w = torch.fft.irfft(torch.fft.rfft(u, n=P, dim=-1) / A, n=P, dim=-1)  # (B, D, P)
        m = min(N, T)
        seg = torch.zeros(Bsz, D, N, dtype=self._dtype, device=self._device)
        seg[..., :m] = w[..., :T].flip(-1)[..., :m]                       # w_(T-1-j)
        # K_n(q) = a~(q) / (1 - lambda_n q): k_0 = 1, k_j = a_j + lambda_n k_(j-1)
        cdt = _complex_of(self._dtype)
        K = torch.empty(D, self.order, N, dtype=cdt, device=self._device)
        k = torch.ones(D, self.order, dtype=cdt, device=self._device)
        K[..., 0] = k
        for j in range(1, N):
            k = at[:, j, None] + self.poles * k
            K[..., j] = k
        out = torch.complex(torch.einsum("bcj,cnj->bcn", seg, K.real),
                            torch.einsum("bcj,cnj->bcn", seg, K.imag))
        # the error estimate of prefill_companion: rounding in w and in the cancelling
        # sum K w, plus the aliasing of 1/a~'s tail, relative to the state's size
        eps = torch.finfo(self._dtype).eps
        rms = w.pow(2).mean(dim=-1, keepdim=True).sqrt()                    # (B, D, 1)
        bound = torch.einsum("bcj,cnj->bcn", seg.abs() + math.log2(P) * rms, K.abs())
        alias = radius ** max(P - T, 0) * w.abs().amax(dim=-1)
        scale = out.abs().amax(dim=-1).clamp(min=torch.finfo(self._dtype).tiny)
        est = float((SAFETY * (eps * bound.amax(dim=-1) + alias) / scale).max())
        warn_ill_conditioned(est / EPS, "DistilledConv.prefill(method='companion'): the "
                             "companion (transfer-function) form",
                             threshold=1e4 * eps / EPS, stacklevel=4)
        return out

    def _step(self, state: Tensor, u_t: Tensor) -> tuple[Tensor, Tensor]:
        y = (self.residues * state).sum(dim=-1).real + self.feedthrough * u_t
        return y, self.poles * state + u_t[..., None]

    def step(self, state: Tensor, u_t: Tensor) -> tuple[Tensor, Tensor]:
        """One token: ``y_t = h_0 u_t + Re sum_n R_n x_n``, then ``x <- lambda x + u_t``.

        ``state`` (B, D, d) complex (from :meth:`prefill` or :meth:`initial_state`),
        ``u_t`` (B, D).  Returns ``(y_t, new_state)``; ``O(B D d)`` work, the state is the
        only memory kept.
        """
        u_t = self._signal(u_t, "u_t", ndim=2)
        return self._step(self._state(state, u_t.shape[0]), u_t)

    def run_steps(self, state: Tensor, u: Tensor) -> tuple[Tensor, Tensor]:
        """:meth:`step` over the tokens ``u`` (B, D, T) from ``state``: ``(y (B, D, T),
        final state)``; a Python loop of ``T`` steps (the generation path, not fast for
        long known inputs: use :meth:`forward` for those)."""
        u = self._signal(u)
        s = self._state(state, u.shape[0])
        ys = []
        for t in range(u.shape[-1]):
            y, s = self._step(s, u[..., t])
            ys.append(y)
        return torch.stack(ys, dim=-1), s

    def generate(self, prompt: Tensor, steps: int,
                 next_input: Callable[[Tensor], Tensor]) -> tuple[Tensor, Tensor, Tensor]:
        """Continue after a prompt with inputs fed back from the outputs.

        The prompt ``u_0 .. u_(T-1)`` (B, D, T) is prefilled by FFT (outputs by
        :meth:`forward`); then ``steps`` tokens with ``u_t = next_input(y_(t-1))`` (a map
        from (B, D) outputs to (B, D) inputs, e.g. the rest of a model) each take one
        :meth:`step`.  Returns ``(u_new, y_new, state)`` with ``u_new, y_new`` of shape
        (B, D, steps): the same numbers as ``forward(cat(prompt, u_new))[..., T:]``.
        """
        steps = check_int(steps, "steps", minimum=1)
        if not callable(next_input):
            raise TypeError(f"`next_input` must be callable (B, D) -> (B, D), got "
                            f"{type(next_input).__name__}.")
        prompt = self._signal(prompt, "prompt")
        y_prev = self.forward(prompt)[..., -1]
        state = self.prefill(prompt)
        us, ys = [], []
        for _ in range(steps):
            u_t = self._signal(next_input(y_prev), "next_input(y)", ndim=2)
            if u_t.shape[0] != prompt.shape[0]:
                raise ValueError(f"`next_input(y)` must have shape {tuple(y_prev.shape)}, "
                                 f"got {tuple(u_t.shape)}.")
            y_prev, state = self._step(state, u_t)
            us.append(u_t)
            ys.append(y_prev)
        return torch.stack(us, dim=-1), torch.stack(ys, dim=-1), state
