"""Barycentric evaluation: numlearn vs scipy.interpolate.BarycentricInterpolator vs
numpy.polynomial.chebyshev, all measured in one run.

Target function 1/(1 + 25 x^2) (Runge), n = 64 and 1024 nodes, M = 10^6 uniformly
random evaluation points in [-1, 1].

* numlearn: Chebyshev points of the 2nd kind, closed-form weights,
  ``barycentric_eval`` (Numba, parallel over points), with compensated sums (the
  default) and with plain sums (``numlearn-plain``, ``compensated=False``).
* scipy: ``BarycentricInterpolator`` on the same nodes and values, evaluated in chunks
  of 50,000 points (it forms a dense (chunk, n) temporary; unchunked, n = 1024 at
  10^6 points would need ~16 GB).
* numpy: ``chebinterpolate`` (1st-kind points) + ``chebval`` (Clenshaw).

Each method runs in its own subprocess so that peak memory (ru_maxrss growth during
the timed call, after a warm-up on 1000 points) is its own.  Time: best of 3.
Error: max abs error against the mpmath oracle (two working precisions that agree)
on the first 10^5 of the points.

Run:  python bench/run.py   (or  make bench)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np

M = 1_000_000
NS = (64, 1024)
ORACLE_POINTS = 100_000

_WORKER = textwrap.dedent(
    """
    import json, resource, sys, time
    import numpy as np
    method, n, M = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    f = lambda t: 1.0 / (1.0 + 25.0 * t * t)
    xe = np.random.default_rng(12345).uniform(-1.0, 1.0, M)
    if method.startswith("numlearn"):
        from numlearn.classical import barycentric_eval, chebyshev_points, chebyshev_weights
        x = chebyshev_points(n); w = chebyshev_weights(n); v = f(x)
        comp = method == "numlearn"
        run = lambda pts: barycentric_eval(x, w, v, pts, compensated=comp)
    elif method == "scipy":
        from scipy.interpolate import BarycentricInterpolator
        from numlearn.classical import chebyshev_points
        x = chebyshev_points(n)
        P = BarycentricInterpolator(x, f(x), rng=np.random.default_rng(0))  # seeded shuffle
        def run(pts, chunk=50_000):
            out = np.empty_like(pts)
            for i in range(0, pts.size, chunk):
                out[i:i + chunk] = P(pts[i:i + chunk])
            return out
    else:
        from numpy.polynomial import chebyshev as C
        c = C.chebinterpolate(f, n - 1)
        run = lambda pts: C.chebval(pts, c)
    run(xe[:1000])  # warm-up: JIT / cache load
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    for _ in range(3):
        t0 = time.perf_counter(); out = run(xe); times.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    np.save(sys.argv[4], out[:int(sys.argv[5])])
    print(json.dumps({"seconds": min(times), "peak_extra_mib": (peak - base) / 1024}))
    """
)


def run_one(method: str, n: int, tmpdir: str) -> dict:
    path = os.path.join(tmpdir, f"{method}_{n}.npy")
    out = subprocess.run(
        [sys.executable, "-c", _WORKER, method, str(n), str(M), path, str(ORACLE_POINTS)],
        capture_output=True, text=True, check=True,
    )
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["values"] = np.load(path)
    return res


def main() -> list[dict]:
    import tempfile

    from numlearn.precision import mp_evaluate

    xe = np.random.default_rng(12345).uniform(-1.0, 1.0, M)[:ORACLE_POINTS]
    exact = mp_evaluate(lambda t: 1 / (1 + 25 * t**2), xe).values
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in NS:
            res = {m: run_one(m, n, tmp) for m in ("numlearn", "numlearn-plain", "scipy", "numpy")}
            for m, r in res.items():
                rows.append({
                    "n": n, "method": m, "seconds": r["seconds"],
                    "peak_extra_mib": r["peak_extra_mib"],
                    "max_err_vs_oracle": float(np.max(np.abs(r["values"] - exact))),
                    "speedup_of_numlearn": r["seconds"] / res["numlearn"]["seconds"],
                })
    out_mib = M * 8 / 2**20
    print(f"barycentric evaluation of 1/(1+25x^2), M = {M:.0e} points "
          f"(output array {out_mib:.1f} MiB); error on {ORACLE_POINTS:.0e} points vs mpmath")
    print(f"{'n':>5} {'method':>15} {'seconds':>9} {'x numlearn':>10} {'peak MiB':>9} "
          f"{'max err':>9}")
    for r in rows:
        print(f"{r['n']:>5} {r['method']:>15} {r['seconds']:>9.3f} "
              f"{r['speedup_of_numlearn']:>10.1f} {r['peak_extra_mib']:>9.1f} "
              f"{r['max_err_vs_oracle']:>9.1e}")
    return rows


if __name__ == "__main__":
    main()
