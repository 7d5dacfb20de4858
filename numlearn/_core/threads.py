"""Run a parallel Numba kernel on one thread when the work is too small to split.

Waking the thread pool costs microseconds on an idle machine but milliseconds on a
loaded one (measured: 12 ms median for a 2-point Clenshaw evaluation on a busy
2-core machine, 15 us on one thread).  Kernels called on fewer points than a couple
of blocks run inline instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numba

SMALL = 512  # points: below this a kernel runs on the calling thread alone


@contextmanager
def threads_for(m: int) -> Iterator[None]:
    """Limit Numba to one thread inside the block if ``m < SMALL``."""
    if m >= SMALL:
        yield
        return
    old = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(old)
