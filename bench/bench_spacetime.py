"""Space-time collocation of the benchmark PDEs: error and cond(A) against resolution.

For convection (beta = 40; Chebyshev t x Fourier x, N x (N-1) nodes), wave
(Chebyshev x Chebyshev, N x N) and reaction (Newton, Chebyshev x Chebyshev) this prints
the relative L2 error on the problem's evaluation grid, the 2-norm condition number
of the (weighted) matrix that QR factorised, and the time, for three row weightings:
``equilibrate`` (unit rows, the default), ``paper`` (BWLer's loss weights) and
``None``.  It shows the growth of cond(A) (about N^2 for first derivatives, N^4 for
second derivatives without row scaling) and where the error floor sits.

Run:  python bench/bench_spacetime.py [max_N]   (default 61; 81 takes minutes)
"""

from __future__ import annotations

import sys
import warnings

from numlearn.compare.studies import resolution_study

SIZES = (21, 31, 41, 51, 61, 81)


def main(max_n: int = 61) -> list[dict]:
    sizes = [n for n in SIZES if n <= max_n]
    rows: list[dict] = []
    print(f"{'problem':<11} {'weights':<12} {'nt':>4} {'nx':>4} {'rel_l2':>9} {'cond':>9} "
          f"{'seconds':>8}")
    for name, weightings in (("convection", ("equilibrate", "paper", None)),
                             ("wave", ("equilibrate", "paper", None)),
                             ("reaction", ("equilibrate",))):
        for weights in weightings:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                study = resolution_study(name, sizes, weights=weights)
            for r in study:
                r["weights"] = str(weights)
                rows.append(r)
                print(f"{name:<11} {weights!s:<12} {r['nt']:>4} {r['nx']:>4} "
                      f"{r['rel_l2']:>9.2e} {r['cond']:>9.2e} {r['seconds']:>8.2f}")
    return rows


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 61)
