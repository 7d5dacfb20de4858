"""Numba kernel for Clenshaw's recurrence (private; see :mod:`.chebyshev`).

The kernel loops over blocks of evaluation points in parallel (``prange``).  Inside a
block the recurrence index runs in the outer loop and the points in the inner loop:
each step is elementwise across points (no reduction), so LLVM vectorises it without
``fastmath``, every point sees exactly the same sequence of roundings as a scalar
loop would give it, and the working memory is O(block) per thread, never an
``(m, n)`` temporary.

Real points with ``|s| >= 1/2`` use Reinsch's modification of the recurrence (Oliver
1977), which propagates the differences ``d_k = b_k -+ b_{k+1}`` instead of ``b_k``:
near ``s = +-1`` the standard recurrence amplifies a rounding error made at step ``k``
by up to ``k``, the modified one by O(1).  ``s -+ 1`` is exact there (Sterbenz).  The
points of a block are sorted into the three classes (near -1, middle, near +1) so each
class runs its own vectorised loop.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# Points per block: enough to amortise the loop over coefficients, few enough that the
# recurrence vectors stay in L1 cache.
BLOCK = 256


@njit(cache=True)
def _standard(c, j, sb, idx, cnt, out, i0):  # pragma: no cover - compiled
    """Standard recurrence for the points ``sb[idx[:cnt]]``."""
    n = c.shape[0]
    b1 = np.zeros(cnt, dtype=c.dtype)
    b2 = np.zeros(cnt, dtype=c.dtype)
    two_s = np.empty(cnt, dtype=sb.dtype)
    for p in range(cnt):
        two_s[p] = 2.0 * sb[idx[p]]  # exact: a power-of-two scaling
    for kk in range(n - 1, 0, -1):
        ck = c[kk, j]
        for p in range(cnt):
            t = ck + two_s[p] * b1[p] - b2[p]
            b2[p] = b1[p]
            b1[p] = t
    c0 = c[0, j]
    for p in range(cnt):
        out[i0 + idx[p], j] = c0 + sb[idx[p]] * b1[p] - b2[p]


@njit(cache=True)
def _reinsch(c, j, sb, idx, cnt, out, i0, sigma):  # pragma: no cover - compiled
    """Reinsch's recurrence about ``s = sigma`` (``sigma = +-1``).

    With ``e = s - sigma`` (exact for ``|s| >= 1/2`` on the same side):
    ``d_k = c_k + 2 e b_{k+1} + sigma d_{k+1}``, ``b_k = d_k + sigma b_{k+1}``, and
    ``p = c_0 + e b_1 + sigma d_1``.
    """
    n = c.shape[0]
    b = np.zeros(cnt, dtype=c.dtype)
    d = np.zeros(cnt, dtype=c.dtype)
    e = np.empty(cnt, dtype=sb.dtype)
    for p in range(cnt):
        e[p] = sb[idx[p]] - sigma
    for kk in range(n - 1, 0, -1):
        ck = c[kk, j]
        for p in range(cnt):
            dn = ck + 2.0 * e[p] * b[p] + sigma * d[p]
            b[p] = dn + sigma * b[p]
            d[p] = dn
    c0 = c[0, j]
    for p in range(cnt):
        out[i0 + idx[p], j] = c0 + e[p] * b[p] + sigma * d[p]


@njit(parallel=True, cache=True)
def clenshaw_kernel(s, c, out):  # pragma: no cover - compiled
    """Evaluate ``sum_k c[k, j] T_k(s[i])`` into ``out[i, j]`` (real ``s``).

    ``s`` (m,) float64 reference coordinates; ``c`` (n, k) coefficients whose dtype is
    the compute dtype (complex if the coefficients are); ``out`` (m, k) of the same
    dtype as ``c``.  Standard form ``b_k = c_k + 2 s b_{k+1} - b_{k+2}``, result
    ``c_0 + s b_1 - b_2`` for ``|s| < 1/2`` or ``|s| > 2``; Reinsch's form otherwise.
    """
    m = s.shape[0]
    k = c.shape[1]
    nblocks = (m + BLOCK - 1) // BLOCK
    for blk in prange(nblocks):
        i0 = blk * BLOCK
        cnt = min(BLOCK, m - i0)
        sb = s[i0 : i0 + cnt]
        lo = np.empty(cnt, dtype=np.int64)
        mid = np.empty(cnt, dtype=np.int64)
        hi = np.empty(cnt, dtype=np.int64)
        nlo = 0
        nmid = 0
        nhi = 0
        for p in range(cnt):
            v = sb[p]
            if 0.5 <= v <= 2.0:
                hi[nhi] = p
                nhi += 1
            elif -2.0 <= v <= -0.5:
                lo[nlo] = p
                nlo += 1
            else:
                mid[nmid] = p
                nmid += 1
        for j in range(k):
            if nmid > 0:
                _standard(c, j, sb, mid, nmid, out, i0)
            if nhi > 0:
                _reinsch(c, j, sb, hi, nhi, out, i0, 1.0)
            if nlo > 0:
                _reinsch(c, j, sb, lo, nlo, out, i0, -1.0)


@njit(parallel=True, cache=True)
def clenshaw_kernel_complex(s, c, out):  # pragma: no cover - compiled
    """Standard recurrence for complex ``s`` (the polynomial in the complex plane)."""
    m = s.shape[0]
    k = c.shape[1]
    nblocks = (m + BLOCK - 1) // BLOCK
    for blk in prange(nblocks):
        i0 = blk * BLOCK
        cnt = min(BLOCK, m - i0)
        sb = s[i0 : i0 + cnt]
        idx = np.arange(cnt)
        for j in range(k):
            _standard(c, j, sb, idx, cnt, out, i0)


@njit(cache=True)
def _times_pow2(v, e):  # pragma: no cover - compiled
    """``v * 2**e`` for any integer ``e``, in exact power-of-two steps (inf/0 when the
    result overflows/underflows; subnormal results rounded once more per step)."""
    while e > 0:
        step = min(e, 1000)
        v = v * math.ldexp(1.0, step)
        e -= step
    while e < 0:
        step = max(e, -1000)
        v = v * math.ldexp(1.0, step)
        e -= step
    return v


@njit(cache=True)
def clenshaw_safe(s, c, j):  # pragma: no cover - compiled
    """``sum_k c[k, j] T_k(s)`` as ``(p, e)``, value ``p * 2**e``, by the standard
    recurrence in scaled arithmetic.

    The repair path of :func:`~numlearn.classical.chebyshev.clenshaw` for the points
    where the fast kernel overflowed (``inf - inf = NaN`` for huge ``|s|``): the
    coefficients are scaled by a power of two to ``max |c| <= 1``, and whenever the
    running ``b_{k+1}`` grows past ``2**960 / (1 + |s|)`` both ``b_{k+1}`` and
    ``b_{k+2}`` are scaled down by a power of two (exact), so ``2 s b_{k+1}`` never
    overflows; the caller applies the common factor ``2**e`` once (``ldexp``, per
    real and imaginary part), giving ``+-inf`` only when the value itself overflows.
    Coefficients that the scaling pushes below ``2**-1074`` are negligible against
    the running sums.  ``s`` must be finite.
    """
    n = c.shape[0]
    top = n - 1
    while top > 0 and c[top, j] == 0:
        top -= 1
    cmax = 0.0
    for k in range(top + 1):
        cmax = max(cmax, abs(c[k, j]))
    if cmax == 0:
        return 0 * c[0, j] + 0 * s, 0
    e = -math.frexp(cmax)[1]  # stored value = true value * 2**e
    limit = math.ldexp(1.0, 960) / (1.0 + abs(s))
    b1 = 0 * c[0, j] + 0 * s
    b2 = b1
    for kk in range(top, 0, -1):
        t = _times_pow2(c[kk, j], e) + 2.0 * s * b1 - b2
        b2 = b1
        b1 = t
        a = abs(b1)
        if a > limit:
            sh = math.frexp(a)[1] + 4  # brings |b1| into [2**-5, 2**-4)
            b1 = _times_pow2(b1, -sh)
            b2 = _times_pow2(b2, -sh)
            e -= sh
    return _times_pow2(c[0, j], e) + s * b1 - b2, -e
