"""Run a parallel Numba kernel on one thread when the work is too small to split.

numlearn's evaluation kernels (barycentric formulas, Clenshaw's recurrence, the
Lebesgue function, the nodal derivative, batched gradient descent) loop over points
or problems in parallel (Numba ``prange``).  Waking Numba's thread pool costs a few
microseconds on an idle machine, but milliseconds on a machine where another
multi-threaded job runs (the pool's threads wait for a time slice behind the other
job's threads): on the two-core development machine a barycentric evaluation of 1002
points at ``n = 16`` took 14 us on one thread and 7 to 28 ms on the pool when other
jobs ran.  So a kernel runs on the pool only when its work, counted in pairs (``n``
nodes or coefficients x ``m`` points, times the kernel's cost of a pair relative to
the barycentric formula's, :data:`PAIR_COST`), is at least :data:`PARALLEL_WORK`: the
work one thread does in the time the loaded pool takes to wake.  Below it one
thread loses at most that time on an idle machine; above it the pool costs at most
twice one thread on a loaded one.  ``bench/bench_threads.py`` measures both sides;
the notes page *Threads* keeps the numbers.

Thread count
------------
The pool has ``NUMBA_NUM_THREADS`` threads (an environment variable read once, when
Numba is first imported; default: the number of CPU cores).  Set it before starting
Python, e.g. ``NUMBA_NUM_THREADS=2 python -m numlearn compare --suite quick``, to cap
numlearn's kernels when several jobs share a machine (each job its share of the
cores); ``NUMBA_NUM_THREADS=1`` never wakes a pool at all.  Within a process,
``numba.set_num_threads(k)`` lowers it (``k <= NUMBA_NUM_THREADS``) for the calling
thread.  The kernels' results do not depend on the thread count (each point is
computed by one thread, in the same order of operations).

torch's thread count
--------------------
Where Numba runs on its OpenMP layer (the default when TBB is not installed) it
shares the OpenMP runtime with torch: a parallel launch, and
``numba.set_num_threads``, set the process's OpenMP thread count, which is torch's
intra-op pool.  A classical kernel run before a training would so raise a
``torch.set_num_threads(1)`` to ``NUMBA_NUM_THREADS``; on a shared two-core machine
that made a BWLer-hat's Adam steps 3-9x slower.  :func:`keep_torch_threads` puts
torch's count back after each kernel (every kernel runs inside it, through
:func:`threads_for`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import numba

#: Pairs (nodes x points, coefficients x points) from which a kernel uses the pool:
#: about 5 ms of barycentric evaluation on one thread, the pool's wake time on a
#: loaded two-core machine (measured by ``bench/bench_threads.py``).
PARALLEL_WORK = 2**23

#: One-thread cost of a pair relative to the barycentric second formula's
#: (``bench/bench_threads.py``, largest ``n``): multiply ``n * m`` by it.
PAIR_COST = {"bary2": 1.0, "clenshaw": 0.4, "bary1": 16.0, "trig": 16.0}


def parallel_worth(work: float) -> bool:
    """Whether ``work`` pairs (see :data:`PARALLEL_WORK`) are worth waking the pool."""
    return work >= PARALLEL_WORK


@contextmanager
def keep_torch_threads() -> Iterator[None]:
    """Leave torch's intra-op thread count as it was before the block (module notes:
    Numba's OpenMP layer sets it); nothing to do if torch is not imported."""
    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    before = torch.get_num_threads()
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


@contextmanager
def threads_for(work: float) -> Iterator[None]:
    """Limit Numba to one thread inside the block unless ``work`` is worth the pool,
    and leave torch's thread count as it was (:func:`keep_torch_threads`).

    Parameters
    ----------
    work : float
        The kernel's work in barycentric pairs: ``n * m * PAIR_COST[kernel]`` times
        the number of value columns, for ``n`` nodes or coefficients and ``m`` points.
    """
    with keep_torch_threads():
        old = numba.get_num_threads()
        if parallel_worth(work) or old == 1:
            yield
            return
        numba.set_num_threads(1)
        try:
            yield
        finally:
            numba.set_num_threads(old)
