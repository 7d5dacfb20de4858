"""Run every benchmark in bench/ and print its table (``make bench``).

Each benchmark prints ratios against an anchor (SciPy, NumPy) measured in the same
run, on the same machine, so the numbers are comparable across machines.
"""

from __future__ import annotations

import os
import platform
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_barycentric


def main() -> None:
    print(f"machine: {platform.machine()} {platform.processor() or ''} "
          f"cores={os.cpu_count()} python={platform.python_version()}")
    bench_barycentric.main()


if __name__ == "__main__":
    main()
