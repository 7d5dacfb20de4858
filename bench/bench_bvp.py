"""Linear BVP solvers: ultraspherical vs Chebyshev collocation vs scipy.integrate.solve_bvp,
all measured in one run.

Problem (Trefethen, *Spectral Methods in MATLAB*, Program 13):
u'' = exp(4x) on [-1, 1], u(-1) = u(1) = 0, exact u = (exp(4x) - x sinh 4 - cosh 4)/16.

* numlearn ultraspherical (Olver-Townsend 2013), n = 16 ... 1e6 coefficients;
* numlearn square collocation (Trefethen, row replacement) and rectangular collocation
  (Driscoll-Hale 2016), n = 16 ... 2048 points;
* scipy.integrate.solve_bvp on the first-order system (u, u')' = (u', exp(4x)) with the
  analytic Jacobians, for tol = 1e-4 ... 1e-11, starting from 11 nodes and u = 0 (its
  best: tol = 1e-11, ~4e-15 with ~7300 nodes; tol = 1e-12 was measured once to stop at
  max_nodes = 1e6, status 1, after ~30 s with 460k nodes and 8.9e-16, so it is not run).

Error: max |u - exact| on 1001 equispaced points.  Condition number: ``cond`` of the
system as assembled (collocation: rows unscaled; ultraspherical: A and the
preconditioned AR), exact 2-norm (SVD) up to n = 1024, the Hager-Higham 1-norm
estimate above (marked ``~``).  For reference the table also gives kappa of Program 13's
interior D2 (Dirichlet rows and columns removed), the number quoted as ~0.0197 N^4.
Time: best of 3 of the solve alone (``cond="none"``), in seconds, on this machine
(shared CPUs make it noisy); ratios against solve_bvp at its best error and against
ultraspherical at the same n.

Run:  python bench/bench_bvp.py   (or from bench/run.py)
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from numlearn.classical.differentiation import chebyshev_diffmat
from numlearn.classical.spectral.bvp import LinearBVP
from numlearn.classical.spectral.collocation import solve_collocation
from numlearn.classical.spectral.ultraspherical import solve_ultraspherical

US_NS = (16, 32, 64, 128, 256, 512, 1024, 2048, 10**4, 10**5, 10**6)
COLLOC_NS = (16, 32, 64, 128, 256, 512, 1024, 2048)
BVP_TOLS = (1e-4, 1e-6, 1e-8, 1e-10, 1e-11)
EXACT_COND_MAX = 1024
XE = np.linspace(-1.0, 1.0, 1001)


def exact(x: np.ndarray) -> np.ndarray:
    return (np.exp(4 * x) - x * np.sinh(4.0) - np.cosh(4.0)) / 16


def problem() -> LinearBVP:
    return LinearBVP((0.0, 0.0, 1.0), lambda x: np.exp(4 * x),
                     [("left", 0, 0.0), ("right", 0, 0.0)])


def best_time(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def run_spectral(bvp: LinearBVP) -> list[dict]:
    rows = []
    methods = [
        ("ultraspherical", US_NS, lambda n, c: solve_ultraspherical(bvp, n, cond=c)),
        ("colloc-square", COLLOC_NS, lambda n, c: solve_collocation(bvp, n, cond=c)),
        ("colloc-rect", COLLOC_NS,
         lambda n, c: solve_collocation(bvp, n, rectangular=True, cond=c)),
    ]
    for name, ns, solve in methods:
        for n in ns:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = solve(n, "exact" if n <= EXACT_COND_MAX else "estimate")
                seconds = best_time(lambda solve=solve, n=n: solve(n, "none"),
                                    repeat=1 if n >= 10**6 else 3)
            s = res.stats
            rows.append({
                "method": name, "n": n, "seconds": seconds,
                "max_err": float(np.max(np.abs(res.value(XE) - exact(XE)))),
                # cond_assembled: of A as assembled; cond: of the matrix solved
                # (row-scaled for collocation, preconditioned for ultraspherical).
                "cond": s["cond_assembled"], "cond_pre": s["cond"],
                "cond_norm": s["cond_norm"],
                "residual": s["residual_norm"],
            })
    return rows


def run_solve_bvp() -> list[dict]:
    from scipy.integrate import solve_bvp

    def fun(x, y):
        return np.vstack([y[1], np.exp(4 * x)])

    def fun_jac(x, y):
        jac = np.zeros((2, 2, x.size))
        jac[0, 1] = 1.0
        return jac

    def bc(ya, yb):
        return np.array([ya[0], yb[0]])

    def bc_jac(ya, yb):
        return np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([[0.0, 0.0], [1.0, 0.0]])

    rows = []
    for tol in BVP_TOLS:
        x0 = np.linspace(-1.0, 1.0, 11)

        def go(tol=tol, x0=x0):
            return solve_bvp(fun, bc, x0, np.zeros((2, x0.size)), fun_jac=fun_jac,
                             bc_jac=bc_jac, tol=tol, max_nodes=10**6)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sol = go()
            seconds = best_time(go)
        rows.append({
            "method": "scipy solve_bvp", "n": int(sol.x.size), "tol": tol,
            "seconds": seconds, "status": int(sol.status),
            "max_err": float(np.max(np.abs(sol.sol(XE)[0] - exact(XE)))),
        })
    return rows


def interior_d2_cond(ns=(16, 32, 64, 128, 256, 512, 1024)) -> list[tuple[int, float]]:
    """kappa_2 of Program 13's D2 with the boundary rows/columns removed (N = n - 1)."""
    return [(n - 1, float(np.linalg.cond(chebyshev_diffmat(n, 2)[1:-1, 1:-1]))) for n in ns]


def main() -> dict:
    bvp = problem()
    spectral = run_spectral(bvp)
    scipy_rows = run_solve_bvp()
    best = min(scipy_rows, key=lambda r: r["max_err"])
    us_time = {r["n"]: r["seconds"] for r in spectral if r["method"] == "ultraspherical"}

    print("linear BVP u'' = exp(4x), u(+-1) = 0 on [-1, 1]; max error on 1001 points")
    print(f"{'method':>16} {'n':>8} {'max err':>9} {'cond':>10} {'cond pre/scl':>12} "
          f"{'seconds':>9} {'x us(n)':>8} {'x bvp':>8}")
    for r in spectral:
        mark = "~" if r["cond_norm"].startswith("1") else " "
        ratio_us = r["seconds"] / us_time[r["n"]] if r["n"] in us_time else float("nan")
        print(f"{r['method']:>16} {r['n']:>8} {r['max_err']:>9.1e} {r['cond']:>9.2e}{mark} "
              f"{r['cond_pre']:>11.3g}{mark} {r['seconds']:>9.4f} {ratio_us:>8.1f} "
              f"{r['seconds'] / best['seconds']:>8.3f}")
    for r in scipy_rows:
        print(f"{'solve_bvp':>16} {r['n']:>8} {r['max_err']:>9.1e} {'tol':>10} "
              f"{r['tol']:>12.0e} {r['seconds']:>9.4f} {'':>8} "
              f"{r['seconds'] / best['seconds']:>8.3f}  status={r['status']}")
    print("cond: collocation = assembled matrix (rows unscaled), 'pre/scl' = row-scaled "
          "matrix that is factored;\n      ultraspherical = A, 'pre/scl' = preconditioned "
          "T A R.  '~' = 1-norm estimate, else exact 2-norm.")
    d2 = interior_d2_cond()
    print("Program 13 interior D2: " + ", ".join(
        f"N={N}: {k:.2e} ({k / N**4:.4f} N^4)" for N, k in d2))
    us_err = [r for r in spectral if r["method"] == "ultraspherical" and r["n"] >= 32]
    first = next(r for r in spectral if r["method"] == "ultraspherical"
                 and r["max_err"] <= best["max_err"])
    print(f"solve_bvp best: err {best['max_err']:.1e} with {best['n']} nodes in "
          f"{best['seconds']:.4f} s (tol {best['tol']:.0e}); ultraspherical reaches that "
          f"with n = {first['n']} in {first['seconds']:.4f} s "
          f"({best['seconds'] / first['seconds']:.0f}x faster), and "
          f"{max(r['max_err'] for r in us_err):.1e} for every n in 32..1e6.")
    return {"spectral": spectral, "solve_bvp": scipy_rows, "interior_d2": d2}


if __name__ == "__main__":
    main()
