"""One thread vs Numba's pool for the point-parallel kernels, and the threshold.

Each parallel kernel (barycentric second formula, Clenshaw, first formula,
trigonometric barycentric) runs on a grid of ``n`` (nodes or coefficients) x ``m``
(points; cells over ``MAX_WORK`` weighted pairs skipped) twice, on one thread and on
the whole pool (``numba.get_num_threads()``), median of ``REPEAT`` calls each, in the
same run.  The kernels are called directly, past
:func:`numlearn._core.threads.threads_for`, so that both paths are timed at every size.

The grid runs twice: on the machine as it is ("idle"), then with a background process
running a Numba-parallel loop on two threads ("loaded": another multi-threaded job,
as when the test suite or a second sweep runs beside).  From the timings it prints

* the pool's wake cost on each machine (median, over the cells of at most
  ``SMALL_WORK`` pairs, of the pool's time minus one thread's time divided by the
  pool size),
* the one-thread cost of a pair (one node, or coefficient, times one point) of each
  kernel at the largest ``n``, relative to the barycentric second formula's,
* the threshold this gives: the work (pairs) one thread does in the time the loaded
  pool takes to wake.  Below it one thread loses at most that wake time on an idle
  machine; above it the pool costs at most twice one thread on a loaded one.  The
  threshold in :mod:`numlearn._core.threads` is this number, rounded to a power of two.

Run:  python bench/run.py threads   (or  python bench/bench_threads.py [--idle-only])
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable

import numba
import numpy as np

NS = (4, 16, 64, 256, 1024)
MS = (1002, 8192, 65536)
REPEAT = 7
SMALL_WORK = 2**18  # pairs: the cells whose pool time is mostly waking the pool
MAX_WORK = 2**26  # pairs (times the kernel's PAIR_COST): larger cells are skipped

_LOAD = textwrap.dedent(
    """
    import numpy as np, numba
    from numba import njit, prange
    numba.set_num_threads(2)

    @njit(parallel=True)
    def spin(a):
        s = 0.0
        for i in prange(a.shape[0]):
            s += np.sin(a[i])
        return s

    a = np.random.default_rng(0).uniform(size=20_000)
    while True:  # many short parallel regions, as a busy multi-threaded job makes
        spin(a)
    """
)


def _kernels(n: int, m: int) -> dict[str, Callable[[], None]]:
    """The four point-parallel kernels on n nodes/coefficients and m points."""
    from numlearn.classical import _bary_kernels as K
    from numlearn.classical._chebyshev_kernels import clenshaw_kernel

    rng = np.random.default_rng(n * 100_003 + m)
    x = np.cos(np.pi * np.arange(n) / (n - 1))
    w = np.ones(n)
    w[1::2] = -1.0
    w[[0, -1]] *= 0.5
    f = np.exp(x)
    xe = rng.uniform(-1.0, 1.0, m)
    out, lam = np.empty(m), np.empty(m)
    out2 = np.empty((m, 1))
    c = rng.standard_normal((n, 1))
    xp = 2 * np.pi * np.arange(n) / n
    xt = rng.uniform(0.0, 2 * np.pi, m)
    return {
        "bary2": lambda: K.bary2_scalar(x, w, f, xe, out, lam, True),
        "clenshaw": lambda: clenshaw_kernel(xe, c, out2),
        "bary1": lambda: K.bary1(x, w, 0, f[:, None], xe, out2),
        "trig": lambda: K.trig_bary(xp, xt, 1.0, f[:, None], n % 2 == 1, out2),
    }


def _median(fn: Callable[[], None], threads: int) -> float:
    numba.set_num_threads(threads)
    try:
        fn()
        times = []
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return statistics.median(times)
    finally:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)


def _grid(label: str) -> dict[tuple[str, int, int], tuple[float, float]]:
    from numlearn._core import threads

    pool = numba.config.NUMBA_NUM_THREADS
    print(f"\n--- {label}: one thread vs pool of {pool} (median of {REPEAT}, microseconds)"
          f"; load average {os.getloadavg()[0]:.2f}")
    print(f"{'kernel':<9} {'n':>5} {'m':>6} {'n*m':>9} {'1 thread':>10} {'pool':>10} "
          f"{'pool/1':>7} {'ns/pair':>8}")
    res = {}
    for n in NS:
        for m in MS:
            for name, fn in _kernels(n, m).items():
                if n * m * threads.PAIR_COST[name] > MAX_WORK:
                    continue
                t1, tp = _median(fn, 1), _median(fn, pool)
                res[name, n, m] = (t1, tp)
                print(f"{name:<9} {n:>5} {m:>6} {n * m:>9} {t1 * 1e6:>10.1f} "
                      f"{tp * 1e6:>10.1f} {tp / t1:>7.2f} {t1 / (n * m) * 1e9:>8.2f}",
                      flush=True)
    return res


def _wake(res: dict[tuple[str, int, int], tuple[float, float]]) -> float:
    """Median over the cells of at most SMALL_WORK pairs of (pool - one thread / pool
    size): the pool's time beyond a perfect split of the work."""
    from numlearn._core import threads

    pool = numba.config.NUMBA_NUM_THREADS
    return statistics.median(tp - t1 / pool for (k, n, m), (t1, tp) in res.items()
                             if n * m * threads.PAIR_COST[k] <= SMALL_WORK)


def _pair_cost(res: dict[tuple[str, int, int], tuple[float, float]], kernel: str) -> float:
    """Median one-thread seconds per pair at the largest n."""
    return statistics.median(t1 / (n * m) for (k, n, m), (t1, _) in res.items()
                             if k == kernel and n == NS[-1])


def main(idle_only: bool = False) -> None:
    from numlearn._core import threads

    _kernels(NS[0], MS[0])  # compile (or load from the cache) before timing
    idle = _grid("idle (as found)")
    loaded = None
    if not idle_only:
        bg = subprocess.Popen([sys.executable, "-c", _LOAD], stdout=subprocess.DEVNULL)
        try:
            time.sleep(2.0)  # let it start its pool
            loaded = _grid("loaded (a Numba-parallel loop on 2 threads beside)")
        finally:
            bg.kill()
            bg.wait()
    pair = _pair_cost(idle, "bary2")
    print(f"\none-thread cost per pair at n = {NS[-1]}, relative to bary2 "
          f"({pair * 1e9:.2f} ns):")
    print("  " + ", ".join(f"{k} {_pair_cost(idle, k) / pair:.2f}"
                           for k in ("bary2", "clenshaw", "bary1", "trig")))
    wake_idle = _wake(idle)
    print(f"pool wake cost: idle {wake_idle * 1e6:.1f} us", end="")
    if loaded is not None:
        wake = _wake(loaded)
        print(f", loaded {wake * 1e6:.1f} us")
        print(f"threshold = loaded wake / bary2 pair = {wake / pair:.3g} pairs "
              f"(2**{np.log2(wake / pair):.1f})")
    else:
        print()
    print(f"numlearn._core.threads.PARALLEL_WORK = {threads.PARALLEL_WORK} "
          f"(2**{np.log2(threads.PARALLEL_WORK):.0f}) pairs")
    for label, res in (("idle", idle), ("loaded", loaded)):
        if res is None:
            continue
        below = [tp / t1 for (k, n, m), (t1, tp) in res.items()
                 if k == "bary2" and n * m < threads.PARALLEL_WORK]
        above = [tp / t1 for (k, n, m), (t1, tp) in res.items()
                 if k == "bary2" and n * m >= threads.PARALLEL_WORK]
        print(f"{label}: bary2 pool/one-thread below the threshold (one thread runs) "
              f"median {statistics.median(below):.2f}" + (
                  f"; above (pool runs) median {statistics.median(above):.2f}"
                  if above else ""))


if __name__ == "__main__":
    main(idle_only="--idle-only" in sys.argv[1:])
