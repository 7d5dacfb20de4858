"""Gauss-Legendre nodes and weights: accuracy against mpmath, time against SciPy.

Three measurements, all in one run:

1. Accuracy of ``numlearn.classical._legendre.gauss_legendre`` and of
   ``scipy.special.roots_legendre`` at n = 300, 1000, 5000: max absolute error of the
   nodes and max relative error of the quadrature weights, against roots of P_n found
   by Newton's method in mpmath (the three-term recurrence) at 34 and 50 digits (the two
   must agree to 1e-25).  Every node for n = 300 and 1000; for n = 5000 the 60 nodes
   nearest each end, the 10 around the middle and 60 random ones (seeded).
2. Time at n = 10^5: median of 7 repeats for numlearn, ``roots_legendre`` once (it is
   O(n^2), several minutes here) in the same run; the ratio.
3. Interpolation error at 251 to 1024 Legendre points of f(x) = exp(x) cos(3x) at 2000
   random points (seeded), max abs error, with three sets of barycentric weights:
   from scipy's quadrature weights (the former ``legendre_weights``), the new
   ``legendre_weights``, and ``barycentric_weights`` of the nodes (O(n^2)).

Run:  python bench/bench_legendre.py [--quick]   (``--quick``: scipy timed at 10^4)
      python bench/bench_legendre.py --large   (accuracy at n = 10^5, 46 nodes only)
"""

from __future__ import annotations

import statistics
import sys
import time

import mpmath
import numpy as np
from scipy.special import roots_legendre

from numlearn.classical import barycentric_eval, barycentric_weights
from numlearn.classical._legendre import gauss_legendre


def mp_roots(n: int, guesses: np.ndarray, dps: int) -> tuple[list, list]:
    """Roots of P_n near ``guesses`` and their weights 2 / ((1 - x^2) P_n'(x)^2).

    Newton's method with P_n and P_{n-1} from the three-term recurrence in mpmath
    (a second oracle beside the tests' ``mpmath.legendre``)."""

    def p_pair(x):
        p0, p1 = mpmath.mpf(1), x
        for k in range(1, n):
            p0, p1 = p1, ((2 * k + 1) * x * p1 - k * p0) / (k + 1)
        return p1, p0

    roots, weights = [], []
    with mpmath.workdps(dps):
        for g in guesses:
            x = mpmath.mpf(float(g))
            for it in range(4):
                pn, pm = p_pair(x)
                dpn = n * (pm - x * pn) / (1 - x * x)
                if it < 3:
                    x -= pn / dpn
            roots.append(x)
            weights.append(2 / ((1 - x * x) * dpn**2))
    return roots, weights


def accuracy(n: int, ends: int = 60) -> dict[str, float]:
    x, w, _ = gauss_legendre(n)
    if n <= 1000:
        idx = np.arange(n)
    else:
        rng = np.random.default_rng(n)
        idx = np.unique(np.r_[np.arange(ends), np.arange(n - ends, n),
                              np.arange(n // 2 - 5, n // 2 + 5), rng.integers(0, n, ends)])
    xs34, ws34 = mp_roots(n, x[idx], 34)
    xs50, ws50 = mp_roots(n, x[idx], 50)
    agree = max(abs(a - b) for a, b in zip(xs34, xs50, strict=True))
    agree = max(agree, max(abs((a - b) / b) for a, b in zip(ws34, ws50, strict=True)))
    assert agree < 1e-25, agree
    methods = {"numlearn": (x, w)}
    if n <= 10_000:
        methods["scipy"] = roots_legendre(n)
    out = {"nodes": len(idx)}
    for name, (xx, ww) in methods.items():
        out[f"{name} node err/eps"] = max(
            float(abs(mpmath.mpf(float(a)) - b)) for a, b in zip(xx[idx], xs50, strict=True)
        ) / np.finfo(float).eps
        out[f"{name} weight relerr/eps"] = max(
            float(abs((mpmath.mpf(float(a)) - b) / b)) for a, b in zip(ww[idx], ws50, strict=True)
        ) / np.finfo(float).eps
    return out


def timing(quick: bool) -> None:
    n = 100_000
    gauss_legendre(200)  # compile (cached afterwards)
    times = []
    for _ in range(7):
        t = time.perf_counter()
        gauss_legendre(n)
        times.append(time.perf_counter() - t)
    ours = statistics.median(times)
    ns = 10_000 if quick else n
    t = time.perf_counter()
    roots_legendre(ns)
    sp = time.perf_counter() - t
    print(f"numlearn n = {n}: median of 7 = {ours:.4f} s (min {min(times):.4f} s)")
    print(f"scipy roots_legendre n = {ns}: {sp:.2f} s (one run); ratio scipy/numlearn "
          f"= {sp / ours:.0f}" + (" (scipy at 10^4 only)" if quick else ""))


def interpolation() -> None:
    rng = np.random.default_rng(2024)
    xe = rng.uniform(-1.0, 1.0, 2000)
    fe = np.exp(xe) * np.cos(3 * xe)
    print("n     old (scipy weights)   new legendre_weights   barycentric_weights(nodes)")
    for n in (251, 300, 400, 512, 700, 1024):
        x, _, v = gauss_legendre(n)
        s, lam = roots_legendre(n)
        old = np.sqrt((1 - s * s) * lam)
        old = np.where(np.arange(n) % 2 == 0, old, -old) / old.max()
        f = np.exp(x) * np.cos(3 * x)
        fo = np.exp(s) * np.cos(3 * s)
        e_old = np.max(np.abs(barycentric_eval(s, old, fo, xe) - fe))
        e_new = np.max(np.abs(barycentric_eval(x, v, f, xe) - fe))
        e_gen = np.max(np.abs(barycentric_eval(x, barycentric_weights(x), f, xe) - fe))
        print(f"{n:5d} {e_old:18.2e} {e_new:20.2e} {e_gen:24.2e}")


if __name__ == "__main__":
    if "--large" in sys.argv:  # n = 10^5: the 12 nodes nearest each end, 10 middle, 12 random
        print(100_000, accuracy(100_000, ends=12), flush=True)
        sys.exit()
    for n in (300, 1000, 5000):
        print(n, accuracy(n), flush=True)
    interpolation()
    timing("--quick" in sys.argv)
