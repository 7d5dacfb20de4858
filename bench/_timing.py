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


def interleaved_times(fns: dict[str, Callable[[], Any]], repeats: int = 5
                      ) -> tuple[dict[str, float], dict[str, float], dict[str, Any]]:
    """Time several callables in turn, ``repeats`` rounds after one untimed round
    (JIT compilation, caches): ``(median wall seconds, median CPU seconds, last
    results)`` per name.  Interleaving exposes every code to the same machine load;
    CPU time (``time.process_time``, single-threaded codes) moves less with the load
    of other processes than wall time does."""
    wall: dict[str, list[float]] = {k: [] for k in fns}
    cpu: dict[str, list[float]] = {k: [] for k in fns}
    out: dict[str, Any] = {k: fn() for k, fn in fns.items()}
    for _ in range(repeats):
        for k, fn in fns.items():
            t0, c0 = time.perf_counter(), time.process_time()
            out[k] = fn()
            cpu[k].append(time.process_time() - c0)
            wall[k].append(time.perf_counter() - t0)
    return ({k: statistics.median(v) for k, v in wall.items()},
            {k: statistics.median(v) for k, v in cpu.items()}, out)


def machine_load() -> str:
    """The output of ``uptime`` (load averages), or a note that it is unavailable."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:  # pragma: no cover
        return "uptime unavailable"
