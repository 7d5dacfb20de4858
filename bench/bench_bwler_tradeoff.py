"""Experiment 4: the precision-conditioning tradeoff of explicit BWLer, per optimiser.

For convection (Chebyshev t x Fourier x, nt x (nt - 1) nodes) and wave (Chebyshev x
Chebyshev, nt x nt) this trains an explicit BWLer with each optimiser alone (Adam,
L-BFGS, NNCG, Gauss-Newton) from zeros, at equal-ish budgets (the step counts of
``tradeoff_phases`` times ``--scale``, capped at ``--time-budget`` seconds per run), and
prints the representation, conditioning and optimization terms of the error against
the truth on the evaluation grid, their total, the floor cond(A) eps, the loss gap to
the QR minimiser and the telescoping residual.  ``--plot FILE`` saves the figure.

Run:  OMP_NUM_THREADS=1 python bench/bench_bwler_tradeoff.py \
          [--convection 17 33 49] [--wave 21 31 41] [--scale 1] [--time-budget 30]
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings

from numlearn.compare.studies.bwler_tradeoff import (
    bwler_tradeoff,
    format_tradeoff,
    plot_tradeoff,
)


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--convection", type=int, nargs="*", default=[17, 33, 49])
    ap.add_argument("--wave", type=int, nargs="*", default=[21, 31, 41])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--time-budget", type=float, default=30.0)
    ap.add_argument("--plot", default=None)
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    rows: list[dict] = []
    for problem, sizes in (("convection", args.convection), ("wave", args.wave)):
        if not sizes:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            study = bwler_tradeoff(problem, sizes, scale=args.scale,
                                   time_budget=args.time_budget, progress=False)
        print(format_tradeoff(study), flush=True)
        rows.extend(study)
    bad = [r for r in rows if not r["telescopes"]]
    print(f"telescoping: {len(rows) - len(bad)} of {len(rows)} rows to rounding")
    if args.plot:
        plot_tradeoff(rows, args.plot)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1, default=str)
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
