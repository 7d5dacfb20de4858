"""Companion (transfer-function) form of a modal SSM, and the prefill through it.

A :class:`~numlearn.classical.reduction.modal.ModalSSM` channel with poles ``mu_m``
(``m = 1..N``; for real filters every complex mode and its conjugate, so ``N`` is the
real order) and partial-fraction residues ``rho_m`` is the rational function::

    H(z) = h_0 + sum_m rho_m / (z - mu_m) = h_0 + b(z) / a(z),
    a(z) = prod_m (z - mu_m)  (monic, degree N),   deg b < N,

with coefficient arrays in NumPy's descending order (``np.polyval``): ``a`` of length
``N + 1`` with ``a[0] = 1``, ``b`` of length ``N``.  For real filters ``a`` and ``b``
are real.  Read as ascending powers of ``q = 1/z`` the same ``a`` is the recursion
``y_t + a_1 y_(t-1) + ... + a_N y_(t-N) = ...`` of ``scipy.signal.lfilter``.

Coefficients are computed by interpolation on the ``N``-th roots of unity: ``a(z_k)``
and ``b(z_k) = sum_m rho_m a(z_k)/(z_k - mu_m)`` are products with a few roundings each,
and the (unitary) inverse DFT turns them into coefficients, so every coefficient has
absolute error about ``N eps max_k |a(z_k)|`` (resp. ``|b(z_k)|``).  The formula of
the Laughing Hyena / RTF papers, ``b + h_0 a = poly(eig(A - B C)) + (h_0 - 1) a``
(matrix determinant lemma), needs the eigenvalues of a non-normal rank-one update
(the zeros of ``H``, which can be ill-conditioned) and a difference of monic
polynomials; it serves as an independent check in the tests.  The way back,
:func:`from_companion`, takes the roots of ``a`` (``np.roots``, eigenvalues of the
balanced companion matrix) and the residues ``b(mu_n) / prod_(m != n)(mu_n - mu_m)``,
as ``scipy.signal.residue`` does.

The companion form is ill-conditioned for clustered poles and large ``N``: the
coefficients of ``a`` grow like ``binomial(N, N/2)`` while the filter stays bounded.
:func:`prefill_companion` estimates the error it commits and warns.

References
----------
S. Massaroli et al., "Laughing Hyena Distillery", arXiv:2310.18780 (the canonical-FFT
prefill); R. N. Parnichkun et al., "State-Free Inference of State-Space Models: The
Transfer Function Approach" (RTF), arXiv:2405.06147, App. A.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.fft
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import EPS, as_float_array, check_flag, warn_ill_conditioned
from numlearn.classical.reduction import _modal_run as _run
from numlearn.classical.reduction.modal import ModalSSM

__all__ = ["from_companion", "prefill_companion", "to_companion"]

#: Factor on the error estimate of :func:`prefill_companion`, set by experiment: the
#: measured error / unscaled estimate ranged over 0.03 - 7.5 (N <= 32 clustered poles,
#: radius 0.5 - 0.99, T = 2000; the table in the modal_ssm notes).
SAFETY = 10.0

#: Longest FFT grid :func:`prefill_companion` uses (the tail of 1/a beyond it aliases).
MAX_FFT_LENGTH = 1 << 22


def _full_modes(model: ModalSSM, c: int) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """Poles and partial-fraction residues of channel ``c`` over all ``N`` real-order
    modes, and the index in that list of each stored mode."""
    lam, res = model._poles[c], model._residues[c]
    if not model.real:
        return lam, res, np.arange(lam.size)
    cplx = lam.imag != 0
    mu = np.concatenate([lam, lam[cplx].conj()])
    rho = np.concatenate([np.where(cplx, res / 2, res.real + 0j), res[cplx].conj() / 2])
    return mu, rho, np.arange(lam.size)


def _coefficients(mu: NDArray[Any], rho: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
    """(b, a) of one channel by inverse DFT of values on the N-th roots of unity."""
    N = mu.size
    zk = np.exp(2j * np.pi * np.arange(N) / N)
    diff = zk[:, None] - mu[None, :]
    aval = np.prod(diff, axis=1)
    bval = (rho[None, :] * (aval[:, None] / diff)).sum(axis=1)
    ca = np.fft.fft(aval - 1.0) / N           # ca[j] = a_(N-j), j = 0..N-1
    cb = np.fft.fft(bval) / N                 # cb[j] = b_(N-1-j)
    a = np.concatenate([[1.0 + 0j], ca[::-1]])
    b = cb[::-1]
    return b, a


def to_companion(model: ModalSSM) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """``(b, a, h0)`` with ``H(z) = h0 + b(z)/a(z)``; shapes (C, N), (C, N+1), (C,) or unbatched.

    ``a = prod (z - mu)`` monic over all ``N`` poles (conjugates included for real
    models, so ``a``, ``b`` real), ``b`` of degree ``< N``; see the module notes for
    the algorithm (DFT interpolation on the unit circle, ``O(N^2)`` per channel).
    Channels of a real model with different real orders (numbers of real poles) are
    brought to the largest, ``N``, by poles at 0 with zero residues (``b`` and ``a``
    both gain a factor ``z^k``: the same ``H``; ``a`` then has ``k`` trailing zeros,
    and :func:`from_companion` refuses its multiple root at 0, so convert such channels
    back one at a time after trimming them).
    """
    if not isinstance(model, ModalSSM):
        raise TypeError(f"`model` must be a ModalSSM, got {type(model).__name__}.")
    full = [_full_modes(model, c)[:2] for c in range(model.channels)]
    N = max(mu.size for mu, _ in full)
    # channels of lower real order get k = N - N_c poles at 0 with zero residues: b and
    # a both gain the factor z^k (k trailing zero coefficients), H is unchanged
    rows = [tuple(np.pad(v, (0, N - mu.size)) for v in _coefficients(mu, rho))
            for mu, rho in full]
    b = np.stack([r[0] for r in rows])
    a = np.stack([r[1] for r in rows])
    d0 = model._feedthrough
    if model.real:
        b, a = b.real.copy(), a.real.copy()
    return model._out(b), model._out(a), model._out(d0.copy())


def from_companion(b: ArrayLike, a: ArrayLike, feedthrough: ArrayLike = 0.0, *,
                   real: bool = True, allow_unstable: bool = False) -> ModalSSM:
    """The modal form of ``H(z) = h0 + b(z)/a(z)``: poles ``roots(a)``, residues ``b/a'``.

    ``a`` (N+1,) or (C, N+1) with ``a[..., 0] != 0`` (normalised to monic), ``b`` (N,)
    or (C, N) (a shorter ``b`` is zero-padded on the left).  With ``real`` (real
    coefficients) each conjugate pair becomes one stored mode (the upper-half-plane
    pole, residue ``2 rho``) and a real pole a mode with a real residue.  The poles must
    be simple (residues of a multiple pole are not defined) and, unless
    ``allow_unstable``, inside the unit disk.  Cost ``O(N^3)`` per channel (``np.roots``).
    Warns (`IllConditionedWarning`) when Wilkinson's root condition number
    ``||a||_1 / min_n |a'(mu_n)|`` exceeds ``1e8`` (nearly multiple roots: the poles
    carry errors of about its square root times ``eps^(1/2)`` and the residues more).
    """
    real = check_flag(real, "real")
    aa = as_float_array(a, "a", ndim=(1, 2), allow_complex=not real)
    bb = as_float_array(b, "b", ndim=(1, 2), allow_complex=not real)
    single = aa.ndim == 1
    aa, bb = np.atleast_2d(aa), np.atleast_2d(bb)
    N = aa.shape[1] - 1
    if N < 1:
        raise ValueError(f"`a` must have degree >= 1 (length >= 2), got length {N + 1}.")
    if (aa[:, 0] == 0).any():
        raise ValueError("`a` must have a nonzero leading coefficient a[..., 0]; strip "
                         "leading zeros (np.trim_zeros(a, 'f')) first.")
    if bb.shape[1] > N or bb.shape[0] not in (1, aa.shape[0]):
        raise ValueError(f"`b` must have shape (N,) or (C, N) with N = {N} (degree < "
                         f"deg a, strictly proper), got {bb.shape}; move the constant "
                         "part into `feedthrough`.")
    bb = np.broadcast_to(np.pad(bb, ((0, 0), (N - bb.shape[1], 0))), (aa.shape[0], N))
    lead = aa[:, :1]
    aa, bb = aa / lead, bb / lead
    poles, residues = [], []
    worst = 0.0
    for an, bn in zip(aa, bb, strict=True):
        mu = np.roots(an).astype(np.complex128)
        if mu.size != N:
            raise ValueError("`a` has leading zeros after normalisation; trim them.")
        gap = mu[:, None] - mu[None, :]
        np.fill_diagonal(gap, 1.0)
        dprod = np.prod(gap, axis=1)
        if (np.abs(dprod) == 0).any():
            raise ValueError("`a` has a multiple root; its partial fractions need powers "
                             "of (z - mu), which the modal form does not hold.")
        # Wilkinson's root condition number ||a||_1 / |a'(mu)|: near-multiple roots
        worst = max(worst, float(np.abs(an).sum() / np.abs(dprod).min()))
        rho = np.polyval(bn, mu) / dprod
        if real:
            keep = mu.imag > 0
            realp = mu.imag == 0
            mu, rho = np.concatenate([mu[keep], mu[realp]]), np.concatenate(
                [2 * rho[keep], rho[realp].real + 0j])
        poles.append(mu)
        residues.append(rho)
    warn_ill_conditioned(worst, "from_companion: the roots of `a`", threshold=1e8)
    if len({p.size for p in poles}) > 1:
        raise ValueError("the channels of `a` have different numbers of real roots; "
                         "convert them one at a time.")
    lam, res = np.stack(poles), np.stack(residues)
    d0 = as_float_array(feedthrough, "feedthrough", ndim=(0, 1), allow_complex=not real)
    if single:
        lam, res = lam[0], res[0]
    return ModalSSM(lam, res, d0, real=real, allow_unstable=allow_unstable)


def _kernel(mu: NDArray[Any], rows: NDArray[Any]) -> NDArray[Any]:
    """``K[n, j]`` = coefficient of ``q^j`` in ``prod_(m != rows[n]) (1 - mu_m q)``."""
    N = mu.size
    zk = np.exp(2j * np.pi * np.arange(N) / N)
    diff = zk[:, None] - mu[None, :]
    aval = np.prod(diff, axis=1)
    vals = aval[:, None] / diff[:, rows]          # prod_(m != n)(z_k - mu_m), (N, n)
    coef = np.fft.fft(vals, axis=0) / N           # coef[i] of z^i
    return coef[::-1].T                           # z^(N-1-j) <-> q^j


def prefill_companion(model: ModalSSM, u: ArrayLike, *, return_output: bool = False,
                      full_output: bool = False) -> Any:
    """Modal state after a prompt, through the companion form's FFT (``canonical-fft``).

    With ``a~(q) = 1 + a_1 q + ... + a_N q^N`` (the companion denominator in ``q = 1/z``),
    the companion state of the prompt is ``w = u / a~``, computed as
    ``w = IFFT(FFT(u) / FFT(a~))`` on a zero-padded grid of length
    ``P >= T + log(eps)/log(max|mu|)`` (so the circular wrap of the decaying inverse
    filter is below rounding); the modal state is then
    ``x_n = sum_(j<N) K_nj w_(T-1-j)``, ``K_n = prod_(m != n)(1 - mu_m q)``, because
    ``1/(1 - mu_n q) = K_n(q) / a~(q)``.  With ``return_output`` also the prompt's
    outputs ``y = h0 u + IFFT(FFT(u) FFT(q b~) / FFT(a~))``.  One FFT pair per signal;
    ``O(B C (P log P + N T_w))``.  The engines of arXiv:2310.18780 declare this mode and
    leave it unimplemented.

    Returns the state (as :meth:`ModalSSM.prefill`), ``(state, y)`` with
    ``return_output``, and a final ``info`` dict with ``full_output``: ``error_estimate``
    (relative, per channel), ``fft_length``, ``coefficient_norm`` (``max |a_i|``),
    ``companion_radius`` (largest root modulus of the rounded ``a``).

    Warns
    -----
    IllConditionedWarning
        When the estimated relative error exceeds ``1e4 eps`` (about ``2e-12``):
        clustered poles or a large order make ``w`` large and the sum ``K w`` cancel.
        The estimate is ``eps sum_j |K_nj| (|w_j| + log2(P) rms(w)) / max_n |x_n|``
        (rounding in ``w`` and in the cancelling sum), plus the aliasing
        ``max|mu|^(P-T) max|w|``, times :data:`SAFETY`; it is set to at least 1 when the
        rounded ``a`` has a root on or outside the unit circle (``companion_radius``).

    Raises
    ------
    FloatingPointError
        When ``eps ||a||_1 >= min_k |FFT(a~)_k|``: the denominator's values on the grid
        are pure rounding (e.g. order 24 with poles clustered at radius 0.9), so no
        meaningful answer exists in this form.
    """
    return_output = check_flag(return_output, "return_output")
    full_output = check_flag(full_output, "full_output")
    x, shape = _run.as_signal(model, u)
    B, C, T = x.shape
    d = model.order
    state = np.empty((B, C, d), dtype=np.complex128)
    ydt = np.float64 if model.real else np.complex128
    y = np.empty(x.shape, dtype=ydt) if return_output else None
    est = np.zeros(C)
    lengths = np.zeros(C, dtype=np.int64)
    cnorm = np.zeros(C)
    croot = np.zeros(C)
    for c in range(C):
        mu, rho, rows = _full_modes(model, c)
        N = mu.size
        b, a = _coefficients(mu, rho)
        if model.real:
            b, a = b.real, a.real
        radius = float(np.abs(mu).max())
        tail = N if radius == 0 else max(N, math.ceil(math.log(EPS / 4) / math.log(radius)))
        P = min(scipy.fft.next_fast_len(T + tail + N), max(MAX_FFT_LENGTH, T + N))
        A = np.fft.fft(a, P)
        amin = float(np.abs(A).min())
        dcond = EPS * float(np.abs(a).sum()) / amin if amin > 0 else np.inf
        if not dcond < 1.0:
            raise FloatingPointError(
                f"prefill_companion: the companion denominator of channel {c} (order {N}) "
                "is below its own rounding error on the unit circle (eps ||a||_1 / "
                f"min|FFT(a~)| = {dcond:.3g}): clustered poles near the circle. The "
                "companion form is unusable here; use ModalSSM.prefill.")
        U = np.fft.fft(x[:, c], P)
        w = np.fft.ifft(U / A)
        if model.real:
            w = w.real
        seg = np.zeros((B, N), dtype=w.dtype)
        m = min(N, T)
        seg[:, :m] = w[:, T - 1::-1][:, :m]             # w_(T-1-j), zero before the start
        K = _kernel(mu, rows)                            # (d, N)
        state[:, c] = seg @ K.T
        if return_output:
            Bq = np.fft.fft(np.concatenate([[0.0], b]), P)
            yc = np.fft.ifft(U * Bq / A)[:, :T]
            y[:, c] = (yc.real if model.real else yc) + model._feedthrough[c] * x[:, c]
        scale = float(np.abs(state[:, c]).max())
        w_rms = float(np.sqrt(np.mean(np.abs(w) ** 2)))
        bound = ((np.abs(seg) + math.log2(P) * w_rms) @ np.abs(K).T).max()
        alias = radius ** max(P - T, 0) * float(np.abs(w).max())
        est[c] = SAFETY * (EPS * bound + alias) / scale if scale > 0 else 0.0
        # rounding of a's coefficients can move its roots out of the disk: then 1/a~ is
        # unstable and the FFT division returns a periodic, not the causal, solution
        croot[c] = float(np.abs(np.roots(a)).max())
        if croot[c] >= 1.0 or not np.isfinite(state[:, c]).all():
            est[c] = max(est[c], 1.0) if np.isfinite(est[c]) else np.inf
        lengths[c], cnorm[c] = P, float(np.abs(a).max())
    warn_ill_conditioned(float(est.max()) / EPS,
                         "prefill_companion: the companion (transfer-function) form",
                         threshold=1e4)
    out_state = _run.state_out(model, state, shape)
    result: tuple[Any, ...] = (out_state,)
    if return_output:
        result += (y.reshape(shape),)
    if full_output:
        info = {"error_estimate": model._out(est), "fft_length": model._out(lengths),
                "coefficient_norm": model._out(cnorm),
                "companion_radius": model._out(croot)}
        result += (info,)
    return result[0] if len(result) == 1 else result
