"""Running a modal SSM on signals: recurrence, FFT convolution, prefill, engine form.

Private; bound as methods of :class:`numlearn.classical.reduction.modal.ModalSSM`.

State convention (the authors' inference engines, stripedhyena ``engine.py::step_iir``):
after the input ``u_t`` the state is ``x_t = lambda * x_(t-1) + u_t``, so after a prompt
``u_0 .. u_(T-1)`` it is ``x_n = sum_k lambda_n^(T-1-k) u_k``.  In the strictly proper
modal form the output of the next input is ``y_T = h_0 u_T + Re sum_n R_n x_n`` (the
state *before* ``u_T``); the engine writes the same number as
``y_T = Re sum_n R_eng_n x'_n + D_eng u_T`` with the state *after* it,
``x' = lambda x + u_T``, ``R_eng = R / lambda``, ``D_eng = h_0 - Re sum R / lambda``.
Both forms share the state vector; ours needs no division by ``lambda`` (zero poles and
the cancellation in ``D_eng`` for small ``|lambda|`` are avoided).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array, check_choice

#: Functions below take the ModalSSM as ``model`` (typed ``Any``: this module is
#: imported by ``modal``, not the other way round).
ModalSSM = Any

_BLOCK_ENTRIES = 1 << 22


def _exp_log(lam: NDArray[np.complex128], t: NDArray[np.float64]) -> NDArray[np.complex128]:
    """``lam ** t`` elementwise (broadcast) as ``exp(t log|lam|) (cos + i sin)(t arg lam)``."""
    zero = lam == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.exp(t * np.log(np.where(zero, 1.0, np.abs(lam))))
        ang = t * np.angle(lam)
    out = mag * np.cos(ang) + 1j * (mag * np.sin(ang))
    if zero.any():
        out = np.where(zero, (t == 0).astype(float), out)
    return out


def _powers(poles: NDArray[np.complex128], t: NDArray[np.float64]) -> NDArray[np.complex128]:
    """``poles[..., None, :] ** t[:, None]`` for integers ``t >= 0``; ``0**0 = 1``.

    Powers in the exponential form ``exp(t log lambda)``: no overflow for ``|lambda| < 1``
    and an error ``O((1 + t |log lambda|) eps)`` relative, times ``|lambda|^t``, so at
    most about ``eps / e + t |arg lambda| |lambda|^t eps`` absolutely, uniformly in
    ``t`` (cumulative products lose ``t eps`` instead).  For speed, ``t = q B + r`` is
    split and ``lambda^(qB) lambda^r`` multiplied: two such errors and one rounding.
    """
    t = np.asarray(t, dtype=np.float64)
    lam = poles[..., None, :]
    if t.size < 64:
        return _exp_log(lam, t[:, None])
    base = float(t[0])
    if not np.array_equal(t, base + np.arange(t.size)):
        return _exp_log(lam, t[:, None])
    B = int(np.sqrt(t.size)) + 1
    nq = -(-t.size // B)
    low = _exp_log(lam, np.arange(B, dtype=np.float64)[:, None])               # lambda^r
    high = _exp_log(lam, base + B * np.arange(nq, dtype=np.float64)[:, None])  # lambda^(qB)
    out = high[..., :, None, :] * low[..., None, :, :]
    return out.reshape(*lam.shape[:-2], nq * B, lam.shape[-1])[..., :t.size, :]


def _split_powers(poles: NDArray[np.complex128],
                  n: int) -> tuple[NDArray[np.complex128], NDArray[np.complex128]]:
    """``(lambda^r, lambda^(qB))`` for ``r < B``, ``q < nq``, ``B nq >= n``, ``B ~ sqrt(n)``.

    Shapes ``poles.shape[:-1] + (B, d)`` and ``(nq, d)``; ``lambda^t`` for ``t < n`` is
    ``high[t // B] * low[t % B]`` (see :func:`_powers` for the error).
    """
    B = int(np.sqrt(n)) + 1
    nq = -(-n // B)
    low = _exp_log(poles[..., None, :], np.arange(B, dtype=np.float64)[:, None])
    high = _exp_log(poles[..., None, :], B * np.arange(nq, dtype=np.float64)[:, None])
    return low, high


@njit(cache=True)
def _recur_real(lr, li, rr, ri, d0, u, xr, xi, y):  # pragma: no cover - compiled
    # y_t = d0 u_t + sum_n (rr xr - ri xi);  x <- lambda x + u_t  (real and imaginary parts)
    nb, nc, nt = u.shape
    d = lr.shape[1]
    for b in range(nb):
        for c in range(nc):
            sr = xr[b, c].copy()
            si = xi[b, c].copy()
            ar, ai, br, bi = lr[c], li[c], rr[c], ri[c]
            f = d0[c]
            for t in range(nt):
                ut = u[b, c, t]
                acc = f * ut
                for n in range(d):
                    acc += br[n] * sr[n] - bi[n] * si[n]
                    tr = ar[n] * sr[n] - ai[n] * si[n] + ut
                    si[n] = ar[n] * si[n] + ai[n] * sr[n]
                    sr[n] = tr
                y[b, c, t] = acc
            xr[b, c] = sr
            xi[b, c] = si


@njit(cache=True)
def _recur_complex(lam, res, d0, u, x, y):  # pragma: no cover - compiled
    nb, nc, nt = u.shape
    d = lam.shape[1]
    for b in range(nb):
        for c in range(nc):
            s = x[b, c].copy()
            a, r, f = lam[c], res[c], d0[c]
            for t in range(nt):
                ut = u[b, c, t]
                acc = f * ut
                for n in range(d):
                    acc += r[n] * s[n]
                    s[n] = a[n] * s[n] + ut
                y[b, c, t] = acc
            x[b, c] = s


@njit(cache=True)
def _taps_kernel(rh, low, out, fresh):  # pragma: no cover - compiled
    # out[c, q B + r] (+)= sum_n rh[c, q, n] low[c, r, n]; complex, or one real part
    nc, nq, d = rh.shape
    bk = low.shape[1]
    n_out = out.shape[1]
    for c in range(nc):
        for q in range(nq):
            base = q * bk
            stop = min(bk, n_out - base)
            if fresh:
                for r in range(stop):
                    out[c, base + r] = 0
            for n in range(d):
                a = rh[c, q, n]
                for r in range(stop):
                    out[c, base + r] += a * low[c, r, n]


def taps(rh: NDArray[np.complex128], low: NDArray[np.complex128], n: int,
         real: bool) -> NDArray[Any]:
    """``sum_n rh[c, t // B, n] low[c, t % B, n]`` for ``t < n`` (its real part if ``real``)."""
    C = rh.shape[0]
    if real:                    # Re(a b) = Re a Re b - Im a Im b, two real passes
        out = np.empty((C, n), dtype=np.float64)
        _taps_kernel(np.ascontiguousarray(rh.real), np.ascontiguousarray(low.real), out, True)
        _taps_kernel(np.ascontiguousarray(-rh.imag), np.ascontiguousarray(low.imag), out, False)
    else:
        out = np.empty((C, n), dtype=np.complex128)
        _taps_kernel(np.ascontiguousarray(rh), np.ascontiguousarray(low), out, True)
    return out


def as_signal(model: ModalSSM, u: ArrayLike,
              name: str = "u") -> tuple[NDArray[Any], tuple[int, ...]]:
    """``u`` as (B, C, T) (float64 for real models) and the shape to give the output back.

    A batched model takes ``(C, T)`` or ``(B, C, T)``; an unbatched one ``(T,)`` or ``(B, T)``.
    """
    arr = as_float_array(u, name, ndim=(1, 2, 3), allow_complex=not model.real)
    C = model.channels
    if model.batched:
        if arr.ndim == 1 or arr.shape[-2] != C:
            raise ValueError(f"`{name}` must have shape (C, T) or (B, C, T) with C = {C} "
                             f"channels, got {arr.shape}.")
        shape = arr.shape
        arr = arr.reshape(-1, C, arr.shape[-1])
    else:
        if arr.ndim == 3:
            raise ValueError(f"`{name}` must have shape (T,) or (B, T) for an unbatched "
                             f"model, got {arr.shape}.")
        shape = arr.shape
        arr = arr.reshape(-1, 1, arr.shape[-1])
    if arr.shape[-1] == 0:
        raise ValueError(f"`{name}` must hold at least one sample, got shape {shape}.")
    dt = np.complex128 if arr.dtype.kind == "c" else np.float64
    return np.ascontiguousarray(arr, dtype=dt), shape


def as_state(model: ModalSSM, state: ArrayLike | None, batch: int) -> NDArray[np.complex128]:
    """The state as (B, C, d) complex128 (zeros when None)."""
    C, d = model.channels, model.order
    if state is None:
        return np.zeros((batch, C, d), dtype=np.complex128)
    arr = as_float_array(state, "state", ndim=(1, 2, 3)).astype(np.complex128)
    want = (C, d) if model.batched else (d,)
    if arr.shape[-len(want):] != want or arr.ndim - len(want) > 1:
        raise ValueError(f"`state` must have shape {want} or (B, *{want}), got {arr.shape}; "
                         "use the state returned by `prefill` or `recurrence`.")
    arr = arr.reshape(-1, C, d)
    if arr.shape[0] not in (1, batch):
        raise ValueError(f"`state` has batch {arr.shape[0]} but the signal has {batch}.")
    return np.ascontiguousarray(np.broadcast_to(arr, (batch, C, d)))


def state_out(model: ModalSSM, x: NDArray[np.complex128], shape: tuple[int, ...]) -> NDArray[Any]:
    lead = shape[:-2] if model.batched else shape[:-1]
    return x.reshape(*lead, *x.shape[1 + (not model.batched):])


def recurrence(model: ModalSSM, u: ArrayLike, state: ArrayLike | None = None,
               return_state: bool = False) -> Any:
    """Run the recurrence over a whole signal (Numba, O(B C d T), one pass)."""
    x, shape = as_signal(model, u)
    s = as_state(model, state, x.shape[0]).copy()
    lam, res, d0 = model._poles, model._residues, model._feedthrough
    if model.real:
        y = np.empty(x.shape, dtype=np.float64)
        sr, si = np.ascontiguousarray(s.real), np.ascontiguousarray(s.imag)
        _recur_real(np.ascontiguousarray(lam.real), np.ascontiguousarray(lam.imag),
                    np.ascontiguousarray(res.real), np.ascontiguousarray(res.imag),
                    d0.astype(np.float64), x, sr, si, y)
        s = sr + 1j * si
    else:
        y = np.empty(x.shape, dtype=np.complex128)
        _recur_complex(lam, res, d0.astype(np.complex128), x.astype(np.complex128), s, y)
    y = y.reshape(shape)
    return (y, state_out(model, s, shape)) if return_state else y


def convolve(model: ModalSSM, u: ArrayLike) -> NDArray[Any]:
    """Causal convolution with the first ``T`` taps by FFT (zero-padded to ``>= 2T - 1``)."""
    x, shape = as_signal(model, u)
    T = x.shape[-1]
    n = 1 << (2 * T - 1).bit_length() if T > 1 else 1
    h = model.impulse_response(T).reshape(model.channels, T)
    if model.real:
        y = np.fft.irfft(np.fft.rfft(x, n) * np.fft.rfft(h, n)[None], n)[..., :T]
    else:
        y = np.fft.ifft(np.fft.fft(x, n) * np.fft.fft(h, n)[None], n)[..., :T]
    return y.reshape(shape)


def prefill(model: ModalSSM, u: ArrayLike, method: str = "fft") -> NDArray[np.complex128]:
    """State after a prompt, ``x_n = sum_k lambda_n^(T-1-k) u_k``: shape (B, C, d) squeezed.

    ``method="fft"`` (the engines' ``modal-fft``): with ``X = FFT_N(u)``, ``N = 2T``, and
    the DFT of the truncated geometric sequence in closed form,
    ``G_j = (1 - lambda^N) / (1 - lambda w^-j)`` (``w = exp(2 pi i / N)``), entry ``T-1`` of
    the inverse transform ``x_n = N^-1 sum_j X_j G_j w^(j (T-1))``.  ``method="direct"``:
    the sum itself, ``s = q B + r``, as ``sum_q lambda^(qB) (sum_r lambda^r u_(T-1-s))``
    (one BLAS product per channel).  Both ``O(B C d T)`` after the FFT.
    """
    method = check_choice(method, "method", ("fft", "direct"))
    x, shape = as_signal(model, u)
    B, C, T = x.shape
    d = model.order
    lam = model._poles
    out = np.empty((B, C, d), dtype=np.complex128)
    if method == "fft":
        N = 2 * T
        X = np.fft.fft(x, N) * np.exp(2j * np.pi * ((T - 1) * np.arange(N) % N) / N)
        w = np.exp(-2j * np.pi * np.arange(N) / N)
        step = max(1, _BLOCK_ENTRIES // (d * N))
        for c0 in range(0, C, step):
            lb = lam[c0:c0 + step, :, None]
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                G = (1.0 - lb ** N) / (1.0 - lb * w)
            hit = ~np.isfinite(G)      # lambda w^-j = 1 only for |lambda| = 1
            if hit.any():
                G = np.where(hit, float(N), G)
            out[:, c0:c0 + step] = np.einsum("bcj,cnj->bcn", X[:, c0:c0 + step], G) / N
    else:
        # sum_s lambda^s u_(T-1-s) with s = q B + r: sum_q lambda^(qB) (sum_r lambda^r u_rev)
        low, high = _split_powers(lam, T)                 # (C, Bk, d), (C, nq, d)
        nq, bk = high.shape[1], low.shape[1]
        rev = np.zeros((B, C, nq * bk), dtype=x.dtype)
        rev[..., :T] = x[..., ::-1]
        rev = rev.reshape(B, C, nq, bk)
        if rev.dtype.kind == "f":
            inner = (rev @ low.real) + 1j * (rev @ low.imag)  # (B, C, nq, d)
        else:
            inner = rev @ low
        out[:] = (inner * high[None]).sum(axis=2)
    return state_out(model, out, shape)


def to_engine(model: ModalSSM) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """``(poles, R / lambda, h_0 - Re sum R / lambda)``: the inference-engine parameters."""
    lam, res = model._poles, model._residues
    if (lam == 0).any():
        raise ValueError("`poles` contains 0: the engine form divides the residues by the "
                         "poles; keep the strictly proper form (ModalSSM.step) instead.")
    r_eng = res / lam
    s = r_eng.sum(axis=1)
    d_eng = model._feedthrough - (s.real if model.real else s)
    return model._out(lam.copy()), model._out(r_eng), model._out(d_eng)


def engine_step(state: ArrayLike, u: ArrayLike, poles: ArrayLike, residues: ArrayLike,
                feedthrough: ArrayLike, *, real: bool = True) -> tuple[NDArray[Any], NDArray[Any]]:
    """One token of the engine recurrence (stripedhyena ``step_iir`` without the gates).

    ``state <- poles * state + u``; ``y = Re sum_n residues_n state_n + feedthrough u``
    (no ``Re`` when ``real=False``).  Shapes broadcast: state (..., C, d), u (..., C),
    engine parameters (C, d), (C, d), (C,).  Cost O(C d) per token.
    """
    s = np.asarray(state, dtype=np.complex128)
    x = np.asarray(u)
    new = np.asarray(poles) * s + x[..., None]
    y = (np.asarray(residues) * new).sum(axis=-1)
    y = (y.real if real else y) + np.asarray(feedthrough) * x
    return new, y
