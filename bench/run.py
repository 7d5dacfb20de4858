"""Run every benchmark in bench/ and print its table (``make bench``).

Each benchmark prints ratios against an anchor (SciPy, NumPy, torch) measured in the
same run, on the same machine, so the numbers are comparable across machines.

    python bench/run.py                 # all
    python bench/run.py bvp burgers     # a selection: barycentric,
                                        # bary_conditioning, bvp, burgers, least_squares
"""

from __future__ import annotations

import os
import platform
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_bary_conditioning
import bench_barycentric
import bench_burgers_reference
import bench_bvp
import bench_least_squares
import bench_spacetime
import bench_threads

BENCHES = {
    "barycentric": bench_barycentric.main,
    "bary_conditioning": bench_bary_conditioning.main,
    "bvp": bench_bvp.main,
    "burgers": bench_burgers_reference.main,
    "least_squares": bench_least_squares.main,
    "spacetime": bench_spacetime.main,
    "threads": bench_threads.main,
}


def main(names: list[str]) -> None:
    unknown = sorted(set(names) - set(BENCHES))
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {unknown}; known: {sorted(BENCHES)}")
    print(f"machine: {platform.machine()} {platform.processor() or ''} "
          f"cores={os.cpu_count()} python={platform.python_version()}")
    for name in names or BENCHES:
        print(f"\n=== {name} ===")
        BENCHES[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
