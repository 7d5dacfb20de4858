"""Cost and accuracy of the Burgers reference (Cole-Hopf quadrature), all in one run.

* numlearn: ``burgers_solution`` (Numba, parallel over times; symmetric paired
  trapezoidal rule, log-sum-exp scaling, compensated sums) on the 201 x 511
  evaluation grid, best of 3 after a warm-up (JIT / cache load); also with the step
  halved (``resolution=80``), the self-convergence check of the stored reference.
* numpy: the same trapezoidal rule written directly in NumPy, unpaired and
  uncompensated (``exp(-zeta^2 - a cos(pi (x - s zeta)))`` over the full symmetric
  window, one ``(511, nodes)`` array per time): the anchor for the ratio.
* mpmath: ``burgers_solution_mp`` at 30 digits (30- and 60-digit computations that
  must agree), time per point.

Error: max abs deviation from the mpmath oracle on 24 seeded points (8 of them near the
front, |x| <= 1e-3, t in [0.3, 1]; 4 with t in [1e-10, 1e-3]).

Run:  python bench/bench_burgers_reference.py
"""

from __future__ import annotations

import math
import time

import mpmath
import numpy as np

from numlearn.problems.burgers import NU, burgers_solution
from numlearn.problems.burgers_mp import burgers_solution_mp
from numlearn.problems.pdes import Burgers


def numpy_cole_hopf(t: np.ndarray, x: np.ndarray, nu: float = NU) -> np.ndarray:
    """The anchor: the direct trapezoidal rule in NumPy, ``u[i_t, i_x]`` for 1-D t, x."""
    a = 1.0 / (2.0 * math.pi * nu)
    out = np.empty((t.size, x.size))
    for i, tv in enumerate(t):
        if tv == 0:
            out[i] = -np.sin(np.pi * x)
            continue
        s = math.sqrt(4.0 * nu * tv)
        eta = min(1.0, 0.05 / s) / 40
        k = math.ceil(14.0 / eta)
        zeta = np.arange(-k, k + 1) * eta
        e = -zeta**2 - a * np.cos(np.pi * (x[:, None] - s * zeta[None, :]))
        w = np.exp(e - e.max(axis=1, keepdims=True))
        out[i] = (4.0 * nu / s) * (w @ zeta) / w.sum(axis=1)
    return out


def _best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _sample(rng: np.random.Generator) -> list[tuple[float, float]]:
    pts = [(float(t), float(s * 10.0**e)) for t, e, s in
           zip(rng.uniform(0.3, 1, 8), rng.uniform(-6, -3, 8), rng.choice([-1, 1], 8),
               strict=True)]
    pts += [(float(10.0**e), float(x)) for e, x in
            zip(rng.uniform(-10, -3, 4), rng.uniform(-1, 1, 4), strict=True)]
    pts += [(float(t), float(x)) for t, x in
            zip(rng.uniform(0, 1, 12), rng.uniform(-1, 1, 12), strict=True)]
    return pts


def main() -> list[dict]:
    t, x = Burgers().evaluation_grid()
    tt, xx = t[:, None], x[None, :]
    npts = t.size * x.size
    burgers_solution(tt[:2], xx)  # warm-up: JIT / cache load

    rows = []
    sec = _best(lambda: burgers_solution(tt, xx), 3)
    rows.append({"method": "numlearn", "what": "201x511 grid", "seconds": sec})
    sec = _best(lambda: burgers_solution(tt, xx, resolution=80), 1)
    rows.append({"method": "numlearn h/2", "what": "201x511 grid", "seconds": sec})
    sec = _best(lambda: numpy_cole_hopf(t, x), 2)
    rows.append({"method": "numpy direct", "what": "201x511 grid", "seconds": sec})

    pts = _sample(np.random.default_rng(7))
    t0 = time.perf_counter()
    exact = [burgers_solution_mp(tv, xv, 30) for tv, xv in pts]
    mp_sec = (time.perf_counter() - t0) / len(pts)
    pt = np.array([p[0] for p in pts])
    px = np.array([p[1] for p in pts])
    ours = burgers_solution(pt, px)
    anchor = np.array([numpy_cole_hopf(np.array([tv]), np.array([xv]))[0, 0]
                       for tv, xv in pts])
    err = {
        "numlearn": max(float(abs(mpmath.mpf(float(u)) - e)) for u, e in zip(ours, exact,
                                                                           strict=True)),
        "numpy direct": max(float(abs(mpmath.mpf(float(u)) - e)) for u, e in zip(anchor, exact,
                                                                               strict=True)),
    }
    anchor_sec = rows[2]["seconds"]
    print(f"Burgers reference (Cole-Hopf quadrature), nu = 0.01/pi; grid {t.size} x {x.size} "
          f"= {npts} points; error: max abs vs mpmath on {len(pts)} points")
    print(f"{'method':>14} {'seconds':>9} {'us/point':>9} {'x numpy':>8} {'max err':>9}")
    for r in rows:
        r["us_per_point"] = 1e6 * r["seconds"] / npts
        r["speedup_vs_numpy"] = anchor_sec / r["seconds"]
        r["max_err_vs_oracle"] = err.get(r["method"])
        e = f"{r['max_err_vs_oracle']:.1e}" if r["max_err_vs_oracle"] is not None else "-"
        print(f"{r['method']:>14} {r['seconds']:>9.3f} {r['us_per_point']:>9.2f} "
              f"{r['speedup_vs_numpy']:>8.1f} {e:>9}")
    print(f"{'mpmath 30 dps':>14} {'':>9} {1e6 * mp_sec:>9.0f}   (both precisions, per point)")
    rows.append({"method": "mpmath 30 dps", "us_per_point": 1e6 * mp_sec})
    return rows


if __name__ == "__main__":
    main()
