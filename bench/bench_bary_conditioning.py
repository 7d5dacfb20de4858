"""Cost of the conditioning estimate in ``barycentric_eval``: time with vs without it.

``barycentric_eval`` sums ``|w_j / (x - x_j)|`` beside the denominator to get the
Lebesgue function at every evaluation point (its conditioning warning).  This bench
times the evaluation kernel with the estimate (``lam`` of length ``m``, what
``barycentric_eval`` runs) and without it (``lam`` of length 0: the kernel as it was
before the estimate), on the same data, and the whole public call against the kernel
without the estimate (validation and the warning check included).

Chebyshev points, closed-form weights, Runge's function, M uniformly random points in
[-1, 1]; best of 9 interleaved runs after a warm-up; one value column and four.

Run:  python bench/run.py bary_conditioning
"""

from __future__ import annotations

import time

import numpy as np

M = 200_000
NS = (64, 1024)


def _best(*fns, repeat: int = 9) -> list[float]:
    """Best time of each function, the runs interleaved (a load spike hits all alike)."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for t, fn in zip(times, fns, strict=True):
            t0 = time.perf_counter()
            fn()
            t.append(time.perf_counter() - t0)
    return [min(t) for t in times]


def main() -> list[dict]:
    from numlearn.classical import _bary_kernels as _k
    from numlearn.classical import barycentric_eval, chebyshev_points, chebyshev_weights

    xe = np.random.default_rng(12345).uniform(-1.0, 1.0, M)
    rows = []
    for n in NS:
        x = chebyshev_points(n)
        w = chebyshev_weights(n)
        f = 1.0 / (1.0 + 25.0 * x * x)
        for comp in (True, False):
            for k in (1, 4):
                out = np.empty((M, k))
                lam = np.empty(M)
                none = np.empty(0)
                if k == 1:
                    f1 = f.copy()
                    with_est = lambda: _k.bary2_scalar(x, w, f1, xe, out[:, 0], lam, comp)  # noqa: E731, B023
                    without = lambda: _k.bary2_scalar(x, w, f1, xe, out[:, 0], none, comp)  # noqa: E731, B023
                    values = f
                else:
                    fk = np.ascontiguousarray(np.stack([f * (c + 1) for c in range(k)], 1))
                    with_est = lambda: _k.bary2(x, w, fk, xe, out, lam, comp)  # noqa: E731, B023
                    without = lambda: _k.bary2(x, w, fk, xe, out, none, comp)  # noqa: E731, B023
                    values = fk
                t_with, t_without, t_public = _best(
                    with_est, without,
                    lambda: barycentric_eval(x, w, values, xe, compensated=comp),  # noqa: B023
                )
                rows.append({"n": n, "compensated": comp, "columns": k,
                             "kernel_without_s": t_without, "kernel_with_s": t_with,
                             "public_s": t_public,
                             "ratio_kernel": t_with / t_without,
                             "ratio_public": t_public / t_without})
    print(f"conditioning estimate of barycentric_eval, M = {M:.0e} points: time with / "
          "without (kernel), and the public call / kernel without")
    print(f"{'n':>5} {'comp':>5} {'k':>2} {'without s':>10} {'with s':>9} {'ratio':>6} "
          f"{'public s':>9} {'ratio':>6}")
    for r in rows:
        print(f"{r['n']:>5} {r['compensated']!s:>5} {r['columns']:>2} "
              f"{r['kernel_without_s']:>10.4f} {r['kernel_with_s']:>9.4f} "
              f"{r['ratio_kernel']:>6.2f} {r['public_s']:>9.4f} {r['ratio_public']:>6.2f}")
    return rows


if __name__ == "__main__":
    main()
