"""Hankel singular values and ERA: numlearn vs dense SciPy and python-control, one run.

1. Leading k = 64 Hankel singular values of one filter of length L in {2048, 4096,
   8192, 32768}: numlearn's ARPACK Lanczos and randomized subspace iteration on the FFT
   Hankel operator (never forming the matrix) against the anchor
   ``scipy.linalg.svdvals(scipy.linalg.hankel(h[1:]))`` (dense, where it fits in time:
   L <= --dense-max).  Reported: median seconds over --repeats, max relative difference
   of the leading 64 values to the dense ones, ratio dense / numlearn.
3. Exact low-order filters (real order 2..10, noise 1e-12) recovered by ERA, BT and
   Prony (worst relative l2 over seeds); 4. the BT bounds on random stable models.
2. ERA of order d on a common filter: numlearn ``era`` (dense, and ARPACK) against
   ``control.eigensys_realization`` with the same Hankel size, and with its default
   2r x 2r Hankel; time (median) and relative l2 error of the realised impulse response.

Filter: the sum of a slowly decaying cosine, a power law (1+t)^-1.5, a faster decaying
sine and noise at 1e-3 under an exponential window (so the HSVs decay but the filter is
not low order), float64.  BLAS is single-threaded (OMP/OPENBLAS/MKL_NUM_THREADS=1 set
before numpy is imported); the machine load (``uptime``) is printed.

Run:  python bench/bench_hankel.py [--sizes 2048 4096] [--repeats 3] [--dense-max 4096]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import scipy.linalg  # noqa: E402

from numlearn.classical.reduction.era import era  # noqa: E402
from numlearn.classical.reduction.hankel import hankel_singular_values  # noqa: E402
from numlearn.classical.reduction.modal import filter_errors  # noqa: E402


def test_filter(L: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(L)
    return (np.exp(-t / (L / 4)) * np.cos(0.05 * t) + (1.0 + t) ** -1.5
            + 0.3 * np.exp(-t / (L / 8)) * np.sin(0.3 * t + 1)
            + 1e-3 * rng.standard_normal(L) * np.exp(-t / (L / 3)))


def timed(fn, repeats: int):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def load() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:  # pragma: no cover
        return "uptime unavailable"


def bench_hsv(sizes, k, repeats, dense_max) -> None:
    print(f"\n## Leading k = {k} Hankel singular values (median of {repeats}; dense once)")
    print("| L | dense svdvals s | lanczos s | matvecs | max rel diff | dense/lanczos "
          "| randomized s | iters | max rel diff |")
    print("|---|---|---|---|---|---|---|---|---|")
    for L in sizes:
        h = test_filter(L)
        tl, rl = timed(lambda h=h: hankel_singular_values(h, k, method="lanczos"), repeats)
        tr, rr = timed(lambda h=h: hankel_singular_values(h, k, method="randomized"),
                       1 if L > 8192 else repeats)
        if L <= dense_max:
            t0 = time.perf_counter()
            sd = scipy.linalg.svdvals(scipy.linalg.hankel(h[1:]))[:k]
            td = time.perf_counter() - t0
            dl = np.max(np.abs(rl.value - sd) / sd)
            dr = np.max(np.abs(rr.value - sd) / sd)
            cells = (f"{td:.2f}", f"{dl:.1e}", f"{td / tl:.0f}x", f"{dr:.1e}")
        else:
            dr = np.max(np.abs(rr.value - rl.value) / rl.value)
            cells = ("--", f"(bound {rl.stats['error_bound']:.0e})", "--",
                     f"{dr:.1e} vs lanczos")
        print(f"| {L} | {cells[0]} | {tl:.2f} | {rl.stats['matvecs']} | {cells[1]} | "
              f"{cells[2]} | {tr:.2f} | {rr.stats['iterations']} | {cells[3]} |")


def bench_families(L: int, k: int) -> None:
    """Lanczos at length L on filters whose HSVs decay differently (white noise: flat)."""
    rng = np.random.default_rng(2)
    t = np.arange(L)
    fams = {
        "decaying (the filter above)": test_filter(L),
        "Hyena-like (8 sines x exp decay to 1e-2)": np.exp(-4.6 * t / L) * (
            np.sin(np.outer(t / L, np.linspace(1, 30, 8))) @ rng.standard_normal(8)),
        "power law (1+t)^-0.5": (1.0 + t) ** -0.5,
        "white noise (flat HSVs)": rng.standard_normal(L),
    }
    print(f"\n## Lanczos, k = {k}, L = {L}, by filter family (one run each)")
    print("| filter | seconds | matvecs | sigma_k/sigma_1 | error_bound (rel) |")
    print("|---|---|---|---|---|")
    for name, h in fams.items():
        t0 = time.perf_counter()
        r = hankel_singular_values(h, k, method="lanczos")
        el = time.perf_counter() - t0
        print(f"| {name} | {el:.2f} | {r.stats['matvecs']} | "
              f"{r.value[-1] / r.value[0]:.1e} | {r.stats['error_bound']:.1e} |")


def control_impulse(sys, L: int) -> np.ndarray:
    A, B, C = np.asarray(sys.A), np.asarray(sys.B), np.asarray(sys.C)
    D = np.asarray(sys.D).item()
    out, x = [D], B
    for _ in range(L - 1):
        out.append((C @ x).item())
        x = A @ x
    return np.array(out)


def bench_era(L: int, d: int, repeats: int) -> None:
    h = test_filter(L, seed=1)
    n = (L - 1) // 2
    print(f"\n## ERA of order {d} on one filter of length {L} (Hankel {n} x {L - 1 - n}; "
          f"median of {repeats})")
    print("| method | seconds | rel l2 error | ratio to control (same Hankel) |")
    print("|---|---|---|---|")
    try:
        import control
    except ImportError:
        control = None
    tc = None
    if control is not None:
        tc, (sysc, _) = timed(lambda: control.eigensys_realization(h, d, m=n, n=L - 1 - n),
                              repeats)
        ec = np.linalg.norm(control_impulse(sysc, L) - h) / np.linalg.norm(h)
        print(f"| control.eigensys_realization (m = n = {n}) | {tc:.3f} | {ec:.3e} | 1 |")
        t2, (sys2, _) = timed(lambda: control.eigensys_realization(h, d), repeats)
        e2 = np.linalg.norm(control_impulse(sys2, L) - h) / np.linalg.norm(h)
        print(f"| control.eigensys_realization (default {2 * d} x {2 * d}) | {t2:.3f} | "
              f"{e2:.3e} | -- |")
    for method in ("dense", "lanczos"):
        t, r = timed(lambda method=method: era(h, d, method=method), repeats)
        e = filter_errors(h, r.value)["rel_l2"]
        ratio = f"{tc / t:.1f}x faster" if tc else "--"
        print(f"| numlearn era ({method}) | {t:.3f} | {e:.3e} | {ratio} |")
    t, r = timed(lambda: era(h, d, refit=True), repeats)
    print(f"| numlearn era (dense, refit residues) | {t:.3f} | "
          f"{filter_errors(h, r.value)['rel_l2']:.3e} | -- |")


def _exact(pairs: int, n_real: int, seed: int):
    from numlearn.classical.reduction.modal import ModalSSM

    rng = np.random.default_rng(seed)
    p = np.r_[rng.uniform(0.6, 0.97, pairs) * np.exp(1j * rng.uniform(0.1, 3.0, pairs)),
              rng.uniform(-0.9, 0.9, n_real)]
    R = rng.standard_normal(p.size) + 1j * rng.standard_normal(p.size)
    R[pairs:] = R[pairs:].real
    return ModalSSM(p, R, 0.3)


def bench_recovery(L: int = 400, noise: float = 1e-12, seeds: int = 5) -> None:
    """Exact low-order filters (real order 2..8) plus white noise: worst rel l2 error."""
    from numlearn.classical.reduction.balanced import balanced_truncation
    from numlearn.classical.reduction.prony import prony

    print(f"\n## Exact recovery: real order d filters, L = {L}, noise {noise:g} "
          f"(worst rel l2 to the exact filter over {seeds} seeds)")
    print("| d (pairs + real) | ERA dense | ERA lanczos | ERA full Hankel (BT of FIR) "
          "| BT of model | Prony |")
    print("|---|---|---|---|---|---|")
    for pairs, n_real in ((1, 0), (0, 2), (1, 1), (2, 0), (2, 1), (3, 0), (2, 2), (3, 1),
                          (4, 0), (3, 2)):
        d = 2 * pairs + n_real
        worst = np.zeros(5)
        for seed in range(seeds):
            m = _exact(pairs, n_real, 100 * seed + 10 * pairs + n_real)
            h = m.impulse_response(L)
            noisy = h + noise * np.random.default_rng(seed).standard_normal(L)
            # the model written with two extra near-zero modes, reduced back to d by BT
            from numlearn.classical.reduction.modal import ModalSSM

            big = ModalSSM(np.r_[m.poles, 0.5j, 0.2], np.r_[m.residues, 1e-13, 1e-13], 0.3)
            fits = (era(noisy, d).value, era(noisy, d, method="lanczos").value,
                    era(noisy, d, rows=L - 1, cols=L - 1).value,
                    balanced_truncation(big, d).value, prony(noisy, d).value)
            for i, f in enumerate(fits):
                worst[i] = max(worst[i], filter_errors(h, f)["rel_l2"])
        print(f"| {d} ({pairs} + {n_real}) | " + " | ".join(f"{w:.1e}" for w in worst) + " |")


def bench_bounds(seeds: int = 10, M: int = 1 << 15) -> None:
    """sigma_{d+1} <= ||E||_inf <= 2 sum_{k>d} sigma_k for BT of random stable models."""
    from numlearn.classical.reduction.balanced import balanced_truncation

    print(f"\n## BT error bounds on {seeds} random stable real models of real order 14 "
          f"(5 pairs + 4 real poles), d = 1..13, H-inf on {M} points of the unit circle")
    lo_ratio, hi_ratio, viol = [], [], 0
    z = np.exp(2j * np.pi * np.arange(M) / M)
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        from numlearn.classical.reduction.modal import ModalSSM

        p = np.r_[rng.uniform(0.3, 0.95, 5) * np.exp(1j * rng.uniform(0.1, 3.0, 5)),
                  rng.uniform(-0.9, 0.9, 4)]
        R = rng.standard_normal(9) + 1j * rng.standard_normal(9)
        R[5:] = R[5:].real
        m = ModalSSM(p, R, 0.2)
        H = m.transfer_function(z)
        for d in range(1, 14):
            r = balanced_truncation(m, d)
            E = np.abs(H - r.value.transfer_function(z)).max()
            lo_ratio.append(E / r.stats["aak_lower"])
            hi_ratio.append(E / r.stats["bt_upper"])
            viol += int(not (r.stats["aak_lower"] <= E * (1 + 1e-6) <= r.stats["bt_upper"]))
    print(f"||E||/sigma_(d+1): min {min(lo_ratio):.4f}, median {np.median(lo_ratio):.3f}; "
          f"||E||/(2 sum sigma): max {max(hi_ratio):.4f}, median {np.median(hi_ratio):.3f}; "
          f"violations: {viol} of {len(lo_ratio)}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[2048, 4096, 8192, 32768])
    ap.add_argument("--k", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dense-max", type=int, default=8192)
    ap.add_argument("--era-length", type=int, default=2048)
    ap.add_argument("--era-order", type=int, default=16)
    args = ap.parse_args(argv)
    print("# bench_hankel")
    print(f"load: {load()}")
    print(f"threads: OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}, "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    bench_hsv(args.sizes, args.k, args.repeats, args.dense_max)
    bench_families(max(args.sizes), args.k)
    bench_era(args.era_length, args.era_order, args.repeats)
    bench_recovery()
    bench_bounds()
    print(f"\nload after: {load()}")


if __name__ == "__main__":
    main()
