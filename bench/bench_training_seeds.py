"""The training seeds table: seeds 0-3 of the two polynomial presets
(``TrainConfig.for_arch("linear_attention")`` and ``("baseconv")``), each trained from
random initialisation with the preset's restarts; prints final single-step relative
gradient error, restarts (and why), and time.  Not part of the test suite (each run
takes minutes to half an hour on a shared 2-core CPU).

Usage::

    python bench/bench_training_seeds.py                  # all 8 runs, one after another
    python bench/bench_training_seeds.py --arch baseconv --seeds 2 --out runs.jsonl
    python bench/bench_training_seeds.py --table runs.jsonl   # print the table only

Each run uses one torch thread; ``--out`` appends one JSON line per run (so runs can
be spread over processes and tabulated afterwards).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings

ARCHS = ("linear_attention", "baseconv")


def _log(arch: str, seed: int):
    t0 = time.perf_counter()

    def callback(info: dict) -> None:
        print(f"{arch} seed {seed} {time.perf_counter() - t0:7.0f} s  {info['phase']:12s} "
              f"{info['step']:6d} {info['eval_rel_error']:.3e}", file=sys.stderr, flush=True)

    return callback


def run_one(arch: str, seed: int, verbose: bool = False,
            max_time: float | None = -1.0) -> dict:
    import torch

    from numlearn.learned.config import TrainConfig
    from numlearn.learned.training import train

    torch.set_num_threads(1)
    load0 = os.getloadavg()[0]
    over = {} if max_time is not None and max_time < 0 else {"max_time": max_time}
    t0, c0 = time.perf_counter(), time.process_time()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = train(TrainConfig.for_arch(arch, seed=seed, **over), progress=False,
                    callback=_log(arch, seed) if verbose else None)
    return {
        "arch": arch, "seed": seed, "status": res.status.code,
        "grad_rel_l2": float(res.stats["grad_rel_l2"]),
        "iter_rel_max": float(res.stats["iter_rel_max"]),
        "restarts": int(res.stats["restarts"]),
        "attempt_seeds": [int(s) for s in res.stats["attempt_seeds"]],
        "attempt_reasons": list(res.stats["attempt_reasons"]),
        "attempt_errors": [float(e) for e in res.stats["attempt_errors"]],
        "seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0,
        "load_start": load0,
        "load_end": os.getloadavg()[0], "warned": len(caught) > 0,
        "message": res.message,
    }


def table(rows: list[dict]) -> str:
    out = ["| arch | seed | single-step error | status | restarts (why, error) | wall | "
           "CPU | load (start/end) |", "|---|---|---|---|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: (r["arch"], r["seed"])):
        why = ", ".join(f"{a} {e:.1e}" for a, e in
                        zip(r["attempt_reasons"][:-1], r["attempt_errors"][:-1],
                            strict=True))
        out.append(f"| {r['arch']} | {r['seed']} | {r['grad_rel_l2']:.1e} | {r['status']} "
                   f"| {r['restarts']}{' (' + why + ')' if why else ''} "
                   f"| {r['seconds']:.0f} s | {r['cpu_seconds']:.0f} s "
                   f"| {r['load_start']:.1f} / {r['load_end']:.1f} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--arch", choices=ARCHS, nargs="*", default=list(ARCHS))
    ap.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2, 3])
    ap.add_argument("--out", help="append one JSON line per run to this file")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print every evaluation to stderr")
    ap.add_argument("--max-time", type=float, default=-1.0,
                    help="override the preset's max_time (seconds; 0: no limit, for "
                    "measuring on a loaded machine, where wall time is not CPU time)")
    ap.add_argument("--table", help="only print the table of this JSON-lines file")
    args = ap.parse_args()
    if args.table:
        with open(args.table) as f:
            print(table([json.loads(line) for line in f if line.strip()]))
        return
    rows = []
    for arch in args.arch:
        for seed in args.seeds:
            row = run_one(arch, seed, args.verbose,
                          None if args.max_time == 0 else args.max_time)
            rows.append(row)
            print(json.dumps(row), flush=True)
            if args.out:
                with open(args.out, "a") as f:
                    f.write(json.dumps(row) + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
