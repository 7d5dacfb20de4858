"""The MLP ceiling in 1-D interpolation: tanh MLPs of 10^2 to 10^5 parameters against an
explicit BWLer fitted to the same samples (numlearn.compare.studies.mlp_ceiling).

Targets sin(kx), k = 1, 4, 16, on [-1, 1] and Runge's 1/(1 + 25x^2); 257 Chebyshev
samples; MLPs of 3 hidden layers of width 5, 20, 50, 220 (76 ... 97,901 parameters) trained
by Adam (cosine 1e-3 -> 1e-6) then L-BFGS; the explicit BWLer (193 Chebyshev nodes)
by Gauss-Newton; the classical QR least-squares fit as the reference.  Relative L2 on
2001 points against the mpmath truth.  Prints the table, writes the two plots
(error vs parameters, error vs steps) and the rows as JSON.

Run:  OMP_NUM_THREADS=1 python bench/bench_mlp_ceiling.py [--out DIR] [--small]
      (full: about 12 minutes on one loaded core; --small: widths 5, 20, 50)
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from numlearn.compare.studies import format_mlp_ceiling, mlp_ceiling_study, plot_mlp_ceiling

WIDTHS = (5, 20, 50, 220)


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="bench_mlp_ceiling_out", help="plots and JSON here")
    ap.add_argument("--small", action="store_true", help="widths 5, 20, 50 only")
    ap.add_argument("--adam", type=int, default=2000, help="Adam steps (default 2000)")
    ap.add_argument("--lbfgs", type=int, default=1000, help="L-BFGS iterations (1000)")
    ap.add_argument("--budget", type=float, default=45.0,
                    help="seconds per MLP training (default 45)")
    args = ap.parse_args(argv)
    widths = (5, 20, 50) if args.small else WIDTHS
    t0 = time.perf_counter()
    rows = mlp_ceiling_study(widths=widths, adam_steps=args.adam, lbfgs_steps=args.lbfgs,
                             time_budget=args.budget)
    print(format_mlp_ceiling(rows))
    print(f"total {time.perf_counter() - t0:.0f} s")
    out = Path(args.out)
    try:
        for p in plot_mlp_ceiling(rows, out):
            print(f"wrote {p}")
    except ImportError as exc:
        print(f"no plots: {exc}")
    out.mkdir(parents=True, exist_ok=True)
    keep = [{k: (v.item() if isinstance(v, np.generic) else v) for k, v in r.items()
             if k != "history"} for r in rows]
    (out / "mlp_ceiling.json").write_text(json.dumps(keep, indent=1))
    return rows


if __name__ == "__main__":
    main()
