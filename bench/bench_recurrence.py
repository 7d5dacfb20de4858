"""Modal SSM: recurrence vs FFT convolution, and three ways to prefill the state.

Table 1 (L = 8192, one signal per channel, real filters, poles |lambda| ~ U[0.5, 0.999],
angles ~ U[0.05, pi - 0.05], residues complex normal): ``ModalSSM.recurrence`` (Numba,
one pass over time) against ``ModalSSM.convolve`` (the anchor: impulse response + numpy
rfft convolution, zero-padded to 2^14), for C in {64, 1024} channels and d in
{2, 8, 16, 32} complex modes.  Reported: median time of 3 runs (after a warm-up), the
ratio, and max |y_rec - y_fft| / max |y_fft|.

Table 2 (C = 64 channels, prompt T = 8192): the state after the prompt by the direct
recurrence (the reference), the modal FFT prefill (``prefill(method="fft")``), the
direct geometric sum (``prefill(method="direct")``) and the companion-form FFT
(``prefill_companion``); times and max relative difference from the recurrence state,
with the companion's own error estimate.  Radii U[0.3, 0.9] here so that the companion
form is usable at small d (it degrades with d: that is the point of the column).

Table 3: the companion prefill's error against its own estimate for clustered poles
(the calibration of ``companion.SAFETY``); ``--companion`` runs only this table.

Single-threaded: OMP/OPENBLAS/MKL/NUMBA threads = 1 (set below, before numpy loads).
Machine load (``uptime``) is printed before and after.

Run:  OMP_NUM_THREADS=1 PYTHONPATH=. python bench/bench_recurrence.py [--quick | --companion]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

from numlearn.classical.reduction.companion import prefill_companion  # noqa: E402
from numlearn.classical.reduction.modal import ModalSSM  # noqa: E402


def model(rng: np.random.Generator, C: int, d: int, rmin: float, rmax: float) -> ModalSSM:
    lam = rng.uniform(rmin, rmax, (C, d)) * np.exp(1j * rng.uniform(0.05, np.pi - 0.05, (C, d)))
    res = rng.standard_normal((C, d)) + 1j * rng.standard_normal((C, d))
    return ModalSSM(lam, res, rng.standard_normal(C))


def timed(fn, repeats: int = 3) -> tuple[float, object]:
    out = fn()                                    # warm-up (and Numba load)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "uptime unavailable"


def table_recurrence(rng, Cs, ds, L) -> None:
    print(f"\n## Recurrence vs FFT convolution, L = {L}, real filters, 1 signal per channel\n")
    print("| C | d | recurrence (s) | FFT conv (s) | rec / FFT | max rel diff |")
    print("|---|---|---|---|---|---|")
    for C in Cs:
        u = rng.standard_normal((C, L))
        for d in ds:
            m = model(rng, C, d, 0.5, 0.999)
            t_rec, y_rec = timed(lambda m=m, u=u: m.recurrence(u))
            t_fft, y_fft = timed(lambda m=m, u=u: m.convolve(u))
            rel = np.abs(y_rec - y_fft).max() / np.abs(y_fft).max()
            print(f"| {C} | {d} | {t_rec:.4f} | {t_fft:.4f} | {t_rec / t_fft:.2f} | {rel:.1e} |",
                  flush=True)


def table_prefill(rng, C, ds, T) -> None:
    print(f"\n## Prefill after a T = {T} prompt, C = {C}, radii U[0.3, 0.9]\n")
    print("| d | recurrence (s) | modal fft (s) | direct sum (s) | companion fft (s) "
          "| rel diff fft | rel diff direct | rel diff companion | companion estimate |")
    print("|---|---|---|---|---|---|---|---|---|")
    u = rng.standard_normal((C, T))
    for d in ds:
        m = model(rng, C, d, 0.3, 0.9)
        t_rec, (_, s_ref) = timed(lambda m=m: m.recurrence(u, return_state=True))
        t_fft, s_fft = timed(lambda m=m: m.prefill(u, method="fft"))
        t_dir, s_dir = timed(lambda m=m: m.prefill(u, method="direct"))
        scale = np.abs(s_ref).max()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t_cmp, (s_cmp, info) = timed(
                    lambda m=m: prefill_companion(m, u, full_output=True))
            e_cmp = f"{np.abs(s_cmp - s_ref).max() / scale:.1e}"
            est = f"{info['error_estimate'].max():.1e}"
            t_cmp_s = f"{t_cmp:.4f}"
        except FloatingPointError:
            e_cmp, est, t_cmp_s = "refused", "-", "-"
        print(f"| {d} | {t_rec:.4f} | {t_fft:.4f} | {t_dir:.4f} | {t_cmp_s} | "
              f"{np.abs(s_fft - s_ref).max() / scale:.1e} | "
              f"{np.abs(s_dir - s_ref).max() / scale:.1e} | {e_cmp} | {est} |", flush=True)


def table_companion_estimate(rng) -> None:
    print("\n## Companion prefill: error vs its estimate, clustered poles "
          "(angles in [0.2, 0.6]), T = 2000, one channel\n")
    print("| real order N | radius | max abs a_i | rel error | estimate | error / estimate |")
    print("|---|---|---|---|---|---|")
    for N in (4, 8, 12, 16, 24, 32):
        for rad in (0.5, 0.9, 0.99):
            lam = rad * np.exp(1j * np.linspace(0.2, 0.6, N // 2))
            res = rng.standard_normal(N // 2) + 1j * rng.standard_normal(N // 2)
            m = ModalSSM(lam, res, 0.3)
            u = rng.standard_normal(2000)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    s, info = prefill_companion(m, u, full_output=True)
            except FloatingPointError:
                print(f"| {N} | {rad} | - | refused (FloatingPointError) | - | - |")
                continue
            _, ref = m.recurrence(u, return_state=True)
            err = np.abs(s - ref).max() / np.abs(ref).max()
            est = float(info["error_estimate"])
            print(f"| {N} | {rad} | {info['coefficient_norm']:.1e} | {err:.1e} | {est:.1e} "
                  f"| {err / est:.2f} |", flush=True)


def main() -> None:
    quick = "--quick" in sys.argv
    print("# bench_recurrence (single-threaded BLAS/FFT/Numba)")
    print(f"load before: {uptime()}")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, cpus {os.cpu_count()}")
    rng = np.random.default_rng(16)
    if "--companion" in sys.argv:
        table_companion_estimate(rng)
    elif quick:
        table_recurrence(rng, (64,), (2, 16), 8192)
        table_prefill(rng, 16, (2, 4), 2048)
    else:
        table_recurrence(rng, (64, 1024), (2, 8, 16, 32), 8192)
        table_prefill(rng, 64, (2, 4, 8, 16), 8192)
        table_companion_estimate(rng)
    print(f"\nload after: {uptime()}")


if __name__ == "__main__":
    main()
