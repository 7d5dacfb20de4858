"""Numba kernel for Clenshaw's recurrence (private; see :mod:`.chebyshev`).

The kernel loops over blocks of evaluation points in parallel (``prange``).  Inside a
block the recurrence index runs in the outer loop and the points in the inner loop:
each step is elementwise across points (no reduction), so LLVM vectorises it without
``fastmath``, every point sees exactly the same sequence of roundings as a scalar
loop would give it, and the working memory is O(block) per thread, never an
``(m, n)`` temporary.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

# Points per block: enough to amortise the loop over coefficients, few enough that the
# two recurrence vectors stay in L1 cache (2 * 256 * 16 B = 8 KiB for complex).
BLOCK = 256


@njit(parallel=True, cache=True)
def clenshaw_kernel(s, c, out):  # pragma: no cover - compiled
    """Evaluate ``sum_k c[k, j] T_k(s[i])`` into ``out[i, j]``.

    ``s`` (m,) real or complex reference coordinates; ``c`` (n, k) coefficients whose
    dtype is the compute dtype (complex if ``s`` or the coefficients are); ``out``
    (m, k) of the same dtype as ``c``.  Standard form of the recurrence:
    ``b_k = c_k + 2 s b_{k+1} - b_{k+2}``, result ``c_0 + s b_1 - b_2``.
    """
    m = s.shape[0]
    n = c.shape[0]
    k = c.shape[1]
    nblocks = (m + BLOCK - 1) // BLOCK
    for blk in prange(nblocks):
        i0 = blk * BLOCK
        cnt = min(BLOCK, m - i0)
        sb = s[i0 : i0 + cnt]
        two_s = 2.0 * sb  # exact: a power-of-two scaling
        b1 = np.zeros(cnt, dtype=c.dtype)
        b2 = np.zeros(cnt, dtype=c.dtype)
        for j in range(k):
            for p in range(cnt):
                b1[p] = 0.0
                b2[p] = 0.0
            for kk in range(n - 1, 0, -1):
                ck = c[kk, j]
                for p in range(cnt):
                    t = ck + two_s[p] * b1[p] - b2[p]
                    b2[p] = b1[p]
                    b1[p] = t
            c0 = c[0, j]
            for p in range(cnt):
                out[i0 + p, j] = c0 + sb[p] * b1[p] - b2[p]
