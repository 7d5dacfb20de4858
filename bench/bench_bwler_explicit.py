"""Explicit BWLer on the evolution problems: trained error against the classical floor.

For each case, :func:`numlearn.learned.spectral.solve_explicit_bwler` trains the nodal
values (Gauss-Newton / Levenberg-Marquardt phases of ``fit``) and solves the same
discrete loss classically (pivoted QR, or Gauss-Newton with QR solves); the table gives
the relative L2 error on the problem's evaluation grid, the classical error, their
ratio, cond of the weighted matrix (Jacobian), optimiser steps, seconds per step and
in all, and the issue's target.  Set ``OMP_NUM_THREADS`` before running (the note
reports 1 and 2 threads and the machine load).

Run:  python bench/bench_bwler_explicit.py [paper|fast] [case ...]
      cases: convection40 convection80 reaction wave burgers (default: the first four)
      ``--nodes 81x80`` overrides the preset's nodes (e.g. the paper's convection grid).
"""

from __future__ import annotations

import os
import sys
import time
import warnings

TARGETS = {"convection40": 1e-13, "convection80": 1e-12, "reaction": 1e-11,
           "wave": 1e-12, "burgers": None}
PARAMS = {"convection40": ("convection", {"beta": 40.0}),
          "convection80": ("convection", {"beta": 80.0}),
          "reaction": ("reaction", {}), "wave": ("wave", {}), "burgers": ("burgers", {})}


def main(preset: str = "paper", cases: list[str] | None = None,
         nodes: tuple[int, int] | None = None) -> list[dict]:
    from numlearn.learned.spectral import solve_explicit_bwler
    from numlearn.problems.pdes import get_pde

    cases = cases or ["convection40", "convection80", "reaction", "wave"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"preset={preset} OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')} "
          f"load(1 min)={load:.2f}")
    head = (f"{'case':13s} {'nodes':>8s} {'error':>9s} {'classical':>9s} {'ratio':>6s} "
            f"{'cond':>8s} {'steps':>5s} {'s/step':>7s} {'train s':>8s} {'QR s':>6s} "
            f"{'target':>7s} ok")
    print(head)
    rows = []
    for case in cases:
        name, params = PARAMS[case]
        kw = {} if nodes is None else {"nt": nodes[0], "nx": nodes[1]}
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = solve_explicit_bwler(get_pde(name, **params), preset=preset,
                                       progress=False, **kw)
        total = time.perf_counter() - t0
        s = res.stats
        target = TARGETS[case]
        ok = (res.success and (target is None or s["error"] <= target))
        row = {"case": case, "nodes": s["nodes"], "error": s["error"],
               "classical_error": s["classical_error"], "ratio": s["floor_ratio"],
               "cond": s["cond"], "iterations": s["iterations"], "seconds": s["seconds"],
               "seconds_classical": s["seconds_classical"], "total": total, "ok": ok}
        rows.append(row)
        per = s["seconds"] / max(s["iterations"], 1)
        print(f"{case:13s} {'x'.join(map(str, s['nodes'])):>8s} {s['error']:9.2e} "
              f"{s['classical_error']:9.2e} {s['floor_ratio']:6.2f} {s['cond']:8.1e} "
              f"{s['iterations']:5d} {per:7.2f} {s['seconds']:8.1f} "
              f"{s['seconds_classical']:6.1f} "
              f"{'-' if target is None else f'{target:.0e}':>7s} {'yes' if ok else 'NO'}",
              flush=True)
    return rows


if __name__ == "__main__":
    args = sys.argv[1:]
    nodes = None
    if "--nodes" in args:
        i = args.index("--nodes")
        nt, nx = args[i + 1].split("x")
        nodes = (int(nt), int(nx))
        del args[i:i + 2]
    preset = args[0] if args and args[0] in ("paper", "fast") else "paper"
    main(preset, [a for a in args if a not in ("paper", "fast")] or None, nodes)
