"""AAA: numlearn's updated-factorisation AAA vs scipy.interpolate.AAA vs baryrat.aaa,
and set-valued AAA on 1000 filters vs 1000 separate runs, all measured in one run.

Part 1 (speed at equal work).  M in {10^3, 10^4} samples, 50 terms, ``rtol=0`` so that
every code runs exactly 50 steps, cleanup off in all three (SciPy's ``clean_up`` forms
an (M - m)^2 matrix; baryrat has none).  Data: ``|x|`` on M equispaced points of
[-1, 1] (real) and ``log(1.05 - z)`` on the M-th roots of unity (complex, a branch
point 0.05 from the circle).  Time: median of ``--repeats`` (default 5) runs of each
after one warm-up; max error over the samples side by side.

Part 2 (set-valued).  1000 real filters of length L = 128 built from K shared damped
modes (K = 6 and 12 complex-conjugate pairs, |lambda| <= 0.78 so that the tail beyond
L is below 1e-13; random complex residues per filter): the head-tied structure of
MultiHyena, where all filters of a head share their poles.  Samples: the DFT on
M = 256 points, ``H(w_k) = sum_t h_t w_k^t`` at ``w_k = exp(-2 pi i k / M)``, each
filter scaled to ``max|H| = 1``.  Set-valued AAA on all 1000 at once vs 1000 separate
runs of ours and of SciPy, default ``rtol``: each filter's max error (median and max
over filters), the degree, the times.  (Filters with unrelated poles are no case for
set-valued AAA: the shared denominator then needs the sum of all degrees.)

BLAS is single-threaded (``OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=MKL_NUM_THREADS=1``,
set here before NumPy is imported).  The machine load (``uptime``) is printed.

Run:  python bench/bench_aaa.py [--repeats 5] [--quick]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from _timing import interleaved_times  # noqa: E402
from _timing import machine_load as _load  # noqa: E402

from numlearn.classical.rational.aaa import aaa  # noqa: E402


def part1(repeats):
    from scipy.interpolate import AAA

    try:
        import baryrat
    except ImportError:  # pragma: no cover
        baryrat = None
    print("\n## Part 1: 50 terms, rtol=0, cleanup off, single-threaded BLAS\n")
    print("Times interleaved (ours, SciPy, baryrat in each round), medians; the ratios "
          "are of wall time and of CPU time (less sensitive to other processes).\n")
    print("| data | M | ours s | scipy s | baryrat s | scipy/ours wall | scipy/ours CPU "
          "| baryrat/ours CPU | err ours | err scipy | err baryrat |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    cases = []
    for M in (1000, 10000):
        x = np.linspace(-1.0, 1.0, M)
        zc = np.exp(2j * np.pi * np.arange(M) / M)
        for name, z, f in (("abs(x), [-1,1]", x, np.abs(x)),
                           ("log(1.05-z), circle", zc, np.log(1.05 - zc))):
            cases.append((name, M, z, f))
            fns = {
                "ours": lambda z=z, f=f: aaa(z, f, rtol=0, max_terms=50,
                                             cleanup=False).value,
                "scipy": lambda z=z, f=f: AAA(z, f, rtol=0, max_terms=50,
                                              clean_up=False),
            }
            if baryrat is not None:
                fns["baryrat"] = lambda z=z, f=f: baryrat.aaa(z, f, tol=0, mmax=50)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wall, cpu, out = interleaved_times(fns, repeats)
            err = {k: float(np.max(np.abs(r(z) - f))) for k, r in out.items()}
            tb, eb = wall.get("baryrat", float("nan")), err.get("baryrat", float("nan"))
            rb = cpu["baryrat"] / cpu["ours"] if "baryrat" in cpu else float("nan")
            print(f"| {name} | {M} | {wall['ours']:.4f} | {wall['scipy']:.4f} | {tb:.4f} | "
                  f"{wall['scipy'] / wall['ours']:.1f} | {cpu['scipy'] / cpu['ours']:.1f} | "
                  f"{rb:.1f} | {err['ours']:.2e} | {err['scipy']:.2e} | {eb:.2e} |",
                  flush=True)
    print("\nErrors at SciPy's default rtol (eps^0.75), each code given the number of "
          "terms SciPy used (cleanup on in both):\n")
    print("| data | M | terms | err ours | err scipy |")
    print("|---|---|---|---|---|")
    for name, M, z, f in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = AAA(z, f)
            n = s.weights.size
            o = aaa(z, f, max_terms=n)
        print(f"| {name} | {M} | {n} | {o.stats['max_error']:.2e} | "
              f"{float(np.max(np.abs(s(z) - f))):.2e} |", flush=True)


def _filters(n_modes, n_filters, L, rng):
    t = np.arange(L)
    lam = 0.78 * np.exp(1j * np.linspace(0.2, 2.6, n_modes)) * np.linspace(1.0, 0.85, n_modes)
    R = rng.standard_normal((n_filters, n_modes)) + 1j * rng.standard_normal((n_filters, n_modes))
    return np.real((R[:, :, None] * lam[None, :, None] ** t[None, None, :]).sum(axis=1))


def part2(n_filters, scipy_too):
    from scipy.interpolate import AAA

    print(f"\n## Part 2: set-valued AAA on {n_filters} filters vs {n_filters} separate "
          "runs (L = 128, M = 256 DFT samples, default rtol)\n")
    print("| family | method | seconds | degree (median, max) | rel err median | "
          "rel err max |")
    print("|---|---|---|---|---|---|")
    rng = np.random.default_rng(0)
    L, M = 128, 256
    w = np.exp(-2j * np.pi * np.arange(M) / M)
    for n_modes in (6, 12):
        kind = f"{n_modes} shared pairs"
        h = _filters(n_modes, n_filters, L, rng)
        H = np.fft.fft(h, M, axis=1)  # = sum_t h_t w^t at w = exp(-2 pi i k / M)
        H /= np.abs(H).max(axis=1, keepdims=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            res = aaa(w, H.T)
            t_set = time.perf_counter() - t0
            err_set = np.abs(res.value(w) - H.T).max(axis=0)
            rows = [("set-valued (ours)", t_set, [res.value.degree], err_set)]
            t0 = time.perf_counter()
            sep = [aaa(w, H[k]).value for k in range(n_filters)]
            t_sep = time.perf_counter() - t0
            err_sep = np.array([np.abs(r(w) - H[k]).max() for k, r in enumerate(sep)])
            rows.append(("separate (ours)", t_sep, [r.degree for r in sep], err_sep))
            if scipy_too:
                t0 = time.perf_counter()
                sp = [AAA(w, H[k]) for k in range(n_filters)]
                t_sp = time.perf_counter() - t0
                err_sp = np.array([np.abs(r(w) - H[k]).max() for k, r in enumerate(sp)])
                rows.append(("separate (scipy)", t_sp, [r.weights.size - 1 for r in sp],
                             err_sp))
        for name, t, deg, err in rows:
            print(f"| {kind} | {name} | {t:.2f} | {int(np.median(deg))}, {max(deg)} | "
                  f"{np.median(err):.1e} | {err.max():.1e} |", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--filters", type=int, default=1000)
    ap.add_argument("--no-scipy-separate", action="store_true",
                    help="skip the 1000 separate SciPy runs of part 2")
    ap.add_argument("--quick", action="store_true", help="3 repeats, 100 filters")
    args = ap.parse_args()
    repeats = 3 if args.quick else max(3, args.repeats)
    n_filters = 100 if args.quick else args.filters
    import scipy

    print(f"# bench_aaa: numpy {np.__version__}, scipy {scipy.__version__}, "
          "BLAS threads 1")
    print(f"load before: {_load()}")
    part1(repeats)
    part2(n_filters, not args.no_scipy_separate)
    print(f"\nload after: {_load()}")


if __name__ == "__main__":
    main()
