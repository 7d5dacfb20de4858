"""Generation throughput of a distilled long convolution (torch, CPU): the recurrence
against recomputing the convolution, at context length L = 8192.

Per new token, for B sequences of D channels (``DistilledConv`` from a random stable
real ``ModalSSM`` of d complex modes per channel, radii U[0.5, 0.999]):

(a) ``recurrence``: the state after the prompt by the modal FFT prefill (not timed), then
    ``DistilledConv.step`` per token: ``O(B D d)`` work, state ``B D d`` complex;
(b) ``FFT recompute``: the history ``u_0 .. u_t`` kept, and at each token the causal
    convolution of the whole prefix recomputed by a zero-padded rfft of length 2 L with the
    filter's spectrum cached, keeping output ``t``: ``O(B D L log L)`` per token;
(c) ``cached FFT + direct``: the prompt's outputs by FFT once (not timed), then per token
    the dot of the filter with the history, ``y_t = sum_k h_k u_(t-k)``: ``O(B D t)``.

Tokens are timed at positions just below L (the last ``n`` of 8192: n = 256 for (a),
16 for (b), 64 for (c)); tokens/s is ``n / median time`` over 3 repeats (after a
warm-up).  (b) and (c) do no work that depends on d, so they are timed once per
(B, D, dtype) with the d = 16 filter.  Every method's outputs on the timed tokens are
compared with ``DistilledConv.forward`` on the whole sequence (max relative difference).

A second table times the prefill of the whole prompt (B = 1, T = L, float64) by the
modal FFT, the direct geometric sum and the companion-form FFT, with the error of each
against the state of the classical (Numba) recurrence.

Memory per sequence: (a) the state, ``D d`` complex; (b), (c) the history ``D L`` reals.
Shared by the batch (not per sequence): the taps ``D L`` reals for (c), their spectrum
``D (L + 1)`` complex for (b), the modes ``2 D d`` complex + ``D`` reals for (a).

Single-threaded: ``torch.set_num_threads(1)`` and OMP/MKL/OPENBLAS threads = 1 (set below).
Machine load (``uptime``) is printed before and after.

Run:  OMP_NUM_THREADS=1 PYTHONPATH=. python bench/bench_generation.py [--quick]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import sys  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from _timing import machine_load as uptime  # noqa: E402
from _timing import median_time as timed  # noqa: E402

from numlearn._core.validation import IllConditionedWarning  # noqa: E402
from numlearn.classical.reduction.modal import ModalSSM  # noqa: E402
from numlearn.learned.layers.recurrent import DistilledConv  # noqa: E402

torch.set_num_threads(1)


def make_conv(rng: np.random.Generator, D: int, d: int, dtype: torch.dtype) -> DistilledConv:
    lam = rng.uniform(0.5, 0.999, (D, d)) * np.exp(1j * rng.uniform(0.05, np.pi - 0.05, (D, d)))
    res = (rng.standard_normal((D, d)) + 1j * rng.standard_normal((D, d))) / np.sqrt(d)
    return DistilledConv.from_modal_ssm(ModalSSM(lam, res, rng.standard_normal(D)), dtype=dtype)


def run_recurrence(conv: DistilledConv, u: torch.Tensor, n: int) -> tuple[float, torch.Tensor]:
    L = u.shape[-1]
    state0 = conv.prefill(u[..., :L - n])

    def go() -> torch.Tensor:
        s, ys = state0, []
        for t in range(L - n, L):
            y, s = conv.step(s, u[..., t])
            ys.append(y)
        return torch.stack(ys, dim=-1)

    return timed(go, warmup=True)


def run_fft_recompute(conv: DistilledConv, u: torch.Tensor,
                      n: int) -> tuple[float, torch.Tensor]:
    B, D, L = u.shape
    nfft = 2 * L
    spec = torch.fft.rfft(conv.impulse_response(L), n=nfft, dim=-1)     # cached
    hist = torch.zeros(B, D, L, dtype=u.dtype)
    hist[..., :L - n] = u[..., :L - n]

    def go() -> torch.Tensor:
        ys = []
        for t in range(L - n, L):
            hist[..., t] = u[..., t]
            full = torch.fft.irfft(torch.fft.rfft(hist[..., :t + 1], n=nfft, dim=-1) * spec,
                                   n=nfft, dim=-1)
            ys.append(full[..., t])
        return torch.stack(ys, dim=-1)

    return timed(go, warmup=True)


def run_direct(conv: DistilledConv, u: torch.Tensor, n: int) -> tuple[float, torch.Tensor]:
    B, D, L = u.shape
    hrev = conv.impulse_response(L).flip(-1).contiguous()                # (D, L)
    hist = torch.zeros(D, B, L, dtype=u.dtype)                           # channel-major
    hist[..., :L - n] = u[..., :L - n].transpose(0, 1)

    def go() -> torch.Tensor:
        ys = []
        for t in range(L - n, L):
            hist[..., t] = u[..., t].T
            # y_t = sum_k h_k u_(t-k): per channel a dot (B = 1, linalg.vecdot) or a
            # (B, t+1) x (t+1,) product (bmm): the faster of the two measured per case
            if B == 1:
                y = torch.linalg.vecdot(hist[:, 0, :t + 1], hrev[:, L - 1 - t:])[:, None]
            else:
                y = torch.bmm(hist[..., :t + 1], hrev[:, L - 1 - t:, None])[..., 0]
            ys.append(y.T)
        return torch.stack(ys, dim=-1)

    return timed(go, warmup=True)


def rel(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.double() - b.double()).abs().max() / b.double().abs().max())


def table_prefill(rng: np.random.Generator, D: int, T: int, ds: list[int]) -> None:
    """Prefill of a T-token prompt, B = 1: modal FFT, direct sum, companion FFT (float64);
    error against the classical Numba recurrence's state (max |diff| / max |state|)."""
    print(f"\n## Prefill, B = 1, D = {D}, T = {T}, float64 (median of 3)\n")
    print("| d | radii | modal fft (s) | direct (s) | companion (s) | rel err fft | "
          "rel err direct | rel err companion |")
    print("|---|---|---|---|---|---|---|---|")
    u = rng.standard_normal((1, D, T))
    ut = torch.from_numpy(u)
    for rmax in (0.9, 0.999):
        for d in ds:
            lam = rng.uniform(0.3, rmax, (D, d)) * np.exp(
                1j * rng.uniform(0.05, np.pi - 0.05, (D, d)))
            res = rng.standard_normal((D, d)) + 1j * rng.standard_normal((D, d))
            m = ModalSSM(lam, res, rng.standard_normal(D))
            conv = DistilledConv.from_modal_ssm(m)
            _, ref = m.recurrence(u, return_state=True)
            scale = np.abs(ref).max()
            row = []
            for method in ("fft", "direct", "companion"):
                try:
                    with warnings.catch_warnings(record=True) as seen:
                        warnings.simplefilter("always", IllConditionedWarning)
                        t, s = timed(lambda method=method, conv=conv: conv.prefill(
                            ut, method=method))
                    mark = " (warned)" if seen else ""
                    row.append((f"{t:.3f}",
                                f"{np.abs(s.numpy() - ref).max() / scale:.1e}{mark}"))
                except FloatingPointError:
                    row.append(("refused", "-"))
            print(f"| {d} | U[0.3, {rmax}] | " + " | ".join(r[0] for r in row) + " | "
                  + " | ".join(r[1] for r in row) + " |", flush=True)


def main(quick: bool = False) -> None:
    L = 1024 if quick else 8192
    shapes = [(1, 16)] if quick else [(1, 256), (8, 256)]
    ds = [2, 16] if quick else [2, 8, 16]
    n_a, n_b, n_c = (32, 4, 8) if quick else (256, 16, 64)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, L = {L}")
    print("load before:", uptime())
    print(f"\n## Generation at positions {L - n_a}..{L - 1}, tokens/s (median of 3)\n")
    print("| dtype | B x D | d | (a) recurrence tok/s | (b) FFT recompute tok/s | "
          "(c) cached FFT + direct tok/s | (a)/(b) | (a)/(c) | mem/seq (a) | "
          "mem/seq (b),(c) | max rel diff a, b, c |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    rng = np.random.default_rng(0)
    for dtype in (torch.float64, torch.float32):
        item = torch.finfo(dtype).bits // 8
        for B, D in shapes:
            u = torch.from_numpy(rng.standard_normal((B, D, L))).to(dtype)
            ref_conv = make_conv(rng, D, max(ds), dtype)
            t_b, y_b = run_fft_recompute(ref_conv, u, n_b)
            t_c, y_c = run_direct(ref_conv, u, n_c)
            y_ref = ref_conv(u)
            err_b = rel(y_b, y_ref[..., L - n_b:])
            err_c = rel(y_c, y_ref[..., L - n_c:])
            tps_b, tps_c = n_b / t_b, n_c / t_c
            for d in ds:
                conv = ref_conv if d == max(ds) else make_conv(rng, D, d, dtype)
                t_a, y_a = run_recurrence(conv, u, n_a)
                err_a = rel(y_a, conv(u)[..., L - n_a:])
                tps_a = n_a / t_a
                mem_a = conv.state_bytes(1)
                mem_h = D * L * item
                print(f"| {str(dtype)[6:]} | {B} x {D} | {d} | {tps_a:,.0f} | {tps_b:,.1f} | "
                      f"{tps_c:,.0f} | {tps_a / tps_b:,.0f} | {tps_a / tps_c:,.1f} | "
                      f"{mem_a / 1024:.1f} KiB | {mem_h / 1024:.0f} KiB | "
                      f"{err_a:.1e}, {err_b:.1e}, {err_c:.1e} |", flush=True)
    table_prefill(rng, 16 if quick else 256, L, ds)
    print("\nload after:", uptime())


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
