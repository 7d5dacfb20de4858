"""Distillation error vs order: unit-circle AAA, ERA and balanced truncation per family.

Prints the table of ``numlearn.compare.studies.distill_orders`` (median over the bank's
filters of the relative l2 error, the model's H-infinity error on the 2L-th roots of
unity, the AAK lower bound sigma_{2d+1} and the BT upper bound 2 sum_{j>2d} sigma_j,
fit seconds per filter), then the anchors measured in the same run at one order:
``scipy.interpolate.AAA`` of type (d, d) on the same unit-circle samples, poles folded
to one mode each (real order <= 2d, the same budget), followed by the same
least-squares residue fit (time and error against ``aaa_filter``, which also tries a
conjugate-symmetric type (2d, 2d) fit), and a NumPy dense
SVD of the (L/2)-square Hankel matrix (time against ``era``).  Median of ``--repeats``.

Run:  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python bench/bench_distill_orders.py \
          [--L 2048] [--C 2] [--orders 2 4 8 16 32] [--families ...] [--methods ...]
          [--anchor-d 16] [--repeats 3] [--plot distill_orders.png] [--json rows.json]
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings

import numpy as np
from _timing import machine_load
from _timing import median_time as _median_time
from scipy.linalg import hankel

from numlearn.classical.reduction.distill import distill
from numlearn.classical.reduction.modal import filter_errors, fit_residues
from numlearn.classical.reduction.unit_circle import aaa_filter
from numlearn.compare.studies.distill_orders import (
    STUDY_METHODS,
    STUDY_ORDERS,
    distill_orders,
    format_distill_orders,
    plot_distill_orders,
)
from numlearn.problems.filters import FILTER_FAMILIES, filter_bank


def _scipy_aaa(h: np.ndarray, d: int):
    from scipy.interpolate import AAA

    L = h.size
    M = 2 * L
    w = np.exp(-2j * np.pi * np.arange(M) / M)
    G = (np.fft.fft(h, M) - h[0]) / w
    # The same real-order budget 2d: type (d, d), every pole one conjugate-pair mode.
    lam = 1 / AAA(w, G, max_terms=d + 1).poles()     # default rtol eps**0.75, as ours
    lam = np.where(np.abs(lam) >= 1, 1 / lam.conj(), lam)
    lam = np.where(lam.imag < 0, lam.conj(), lam)
    return fit_residues(h, lam)


def anchors(families: list[str], d: int, C: int, L: int, repeats: int) -> None:
    print(f"\nanchors at d = {d} (first filter of each family, median of {repeats}):")
    print(f"{'family':<11} {'aaa_filter s':>12} {'scipy AAA+LS s':>14} {'ratio':>6} "
          f"{'rel_l2 ours':>11} {'rel_l2 scipy':>12} {'era s':>7} {'np svd s':>8} "
          f"{'ratio':>6}")
    for fam in families:
        h = filter_bank(fam, C, L).h[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_ours, ours = _median_time(lambda h=h: aaa_filter(h, d), repeats)
            t_sc, sc = _median_time(lambda h=h: _scipy_aaa(h, d), repeats)
            t_era, _ = _median_time(lambda h=h: distill(h, d, method="era", bounds=False),
                                    repeats)
        n = L // 2
        H = hankel(h[1:n + 1], h[n:2 * n])
        t_svd, _ = _median_time(lambda H=H: np.linalg.svd(H), repeats)
        e_sc = filter_errors(h, sc)["rel_l2"]
        print(f"{fam:<11} {t_ours:12.3f} {t_sc:14.3f} {t_ours / t_sc:6.2f} "
              f"{ours.stats['rel_l2']:11.2e} {e_sc:12.2e} {t_era:7.3f} {t_svd:8.3f} "
              f"{t_era / t_svd:6.2f}")


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--L", type=int, default=2048)
    ap.add_argument("--C", type=int, default=2)
    ap.add_argument("--orders", type=int, nargs="*", default=list(STUDY_ORDERS))
    ap.add_argument("--families", nargs="*", default=list(FILTER_FAMILIES))
    ap.add_argument("--methods", nargs="*", default=list(STUDY_METHODS))
    ap.add_argument("--anchor-d", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--plot", default=None)
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    threads = {k: os.environ.get(k, "unset") for k in ("OMP_NUM_THREADS",
                                                        "OPENBLAS_NUM_THREADS")}
    load = machine_load()
    print(f"threads: {threads}; load: {load}")
    t0 = time.perf_counter()
    rows = distill_orders(args.families, args.orders, args.methods, C=args.C, L=args.L)
    print(format_distill_orders(rows))
    print(f"sweep: {time.perf_counter() - t0:.1f} s")
    violations = [r for r in rows if r["ratio"] < 1 - 1e-9]
    print(f"AAK check (hinf >= sigma_2d+1): {len(rows) - len(violations)} of {len(rows)} rows")
    if args.anchor_d:
        anchors(args.families, args.anchor_d, args.C, args.L, args.repeats)
    if args.plot:
        plot_distill_orders(rows, args.plot)
        print(f"plot: {args.plot}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1, default=str)
    return rows


if __name__ == "__main__":
    main()
