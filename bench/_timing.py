"""Shared timing helpers of the benchmarks: the median of repeated runs and the
machine load (printed beside every table: timings on a shared machine move with it)."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from typing import Any


def median_time(fn: Callable[[], Any], repeats: int = 3, *,
                warmup: bool = False) -> tuple[float, Any]:
    """``(median seconds of `repeats` calls, the last call's result)``; one untimed
    call first with ``warmup=True`` (JIT compilation, caches)."""
    if warmup:
        fn()
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def machine_load() -> str:
    """The output of ``uptime`` (load averages), or a note that it is unavailable."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:  # pragma: no cover
        return "uptime unavailable"
