"""Numba kernels for batched least squares (private; see :mod:`.least_squares`).

All kernels take C-contiguous float64 arrays ``A (B, n, d)``, ``b (B, n)``,
``x (B, d)``.  The GD kernel loops over the batch in parallel (``prange``): one
problem per iteration, so a problem's ``A`` (``8 n d`` bytes, 800 B for the paper's 20 x 5) stays
in L1 cache for all of its steps, where a NumPy implementation streams the whole
batch through memory once per step.

No ``fastmath``: the gradient-descent kernels promise a fixed, documented order of
floating-point operations (so that a scalar re-implementation reproduces them bit for
bit), and the double-double kernel relies on IEEE rounding of every operation (error-
free transformations that fastmath would simplify to zero).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from numlearn._core.compensated import two_prod, two_sum


@njit(cache=True, inline="always")
def _gd_step(A, b, x, r, g, eta, inv_n):
    """One step ``x <- x - eta * ((A^T (A x - b)) * (1/n))``, in place, in this order:

    ``r_i = (sum_j A_ij x_j) - b_i`` (sum over j ascending, starting from 0.0),
    ``g_j = sum_i A_ij r_i`` (i ascending, from 0.0), ``x_j = x_j - eta * (g_j * inv_n)``.
    """
    n, d = A.shape
    for i in range(n):
        s = 0.0
        for j in range(d):
            s += A[i, j] * x[j]
        r[i] = s - b[i]
    for j in range(d):
        g[j] = 0.0
    for i in range(n):
        ri = r[i]
        for j in range(d):
            g[j] += A[i, j] * ri
    for j in range(d):
        x[j] = x[j] - eta * (g[j] * inv_n)


@njit(cache=True, parallel=True)
def gd(A, b, x0, eta, steps, out):
    """``steps`` GD steps per problem with step ``eta[p]``.

    ``out`` has shape ``(B, steps + 1, d)`` to record every iterate (``out[:, 0]`` is
    ``x0``) or ``(B, 1, d)`` to keep only the final one.  (One kernel for both: each
    parallel kernel costs seconds of compilation on a cold cache.)
    """
    B, n, d = A.shape
    inv_n = 1.0 / n
    record = out.shape[1] > 1
    for p in prange(B):
        x = np.empty(d)
        for j in range(d):
            x[j] = x0[p, j]
            out[p, 0, j] = x[j]
        r = np.empty(n)
        g = np.empty(d)
        for k in range(steps):
            _gd_step(A[p], b[p], x, r, g, eta[p], inv_n)
            if record:
                for j in range(d):
                    out[p, k + 1, j] = x[j]
        for j in range(d):
            out[p, out.shape[1] - 1, j] = x[j]


@njit(cache=True)
def normal_residual_dd(A, b, x, out):
    """``out = A^T (b - A x)`` per problem, evaluated in double-double arithmetic.

    The residual ``r = b - A x`` is accumulated as an unevaluated sum ``hi + lo``
    (TwoProduct and TwoSum, Ogita-Rump-Oishi's Dot2), and ``A^T r`` likewise, so the
    result is about as accurate as if computed in ~106-bit arithmetic and rounded
    once: error ``<~ eps |A^T r| + n eps^2 |A|^T (|b| + |A| |x|) |A|``, instead of the
    ``n eps |A|^T |A| |x|`` of a float64 evaluation, which is what lets iterative
    refinement reach the correctly rounded least-squares solution.
    """
    B, n, d = A.shape
    # Serial: it runs a few times per reference solve, and a parallel kernel would
    # cost seconds of compilation on a cold cache for no measurable gain.
    rh = np.empty(n)
    rl = np.empty(n)
    for p in range(B):
        for i in range(n):
            s = b[p, i]
            c = 0.0
            for j in range(d):
                q, e = two_prod(A[p, i, j], -x[p, j])
                s, e2 = two_sum(s, q)
                c += e + e2
            rh[i], rl[i] = two_sum(s, c)
        for j in range(d):
            s = 0.0
            c = 0.0
            for i in range(n):
                q, e = two_prod(A[p, i, j], rh[i])
                s, e2 = two_sum(s, q)
                c += e + e2 + A[p, i, j] * rl[i]
            out[p, j] = s + c
