"""Aurentz & Trefethen's chopping rule on arrays, without validation (private).

The engine of :func:`numlearn.classical.adaptive.standard_chop` (which documents and
validates it), shared with :class:`numlearn.classical.ChebyshevSeries`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from numlearn._core.validation import compute_dtype


def chop_columns(c: NDArray[Any], tol: float) -> int:
    """The largest chop point over the columns of ``c`` ((n,) or (n, k), any dtype)."""
    a = np.abs(c.astype(compute_dtype(c.dtype)))
    if a.ndim == 2:
        return max(_chop_one(a[:, j], tol) for j in range(a.shape[1]))
    return _chop_one(a, tol)


def _chop_one(b: NDArray[np.float64], tol: float) -> int:
    n = b.shape[0]
    if tol >= 1:
        return 1
    if n < 17:
        return n
    # Step 1: nonincreasing envelope, normalised to start at 1.
    env = np.maximum.accumulate(b[::-1])[::-1].copy()
    if env[0] == 0:
        return 1
    env /= env[0]
    # Step 2: first plateau.  j is 1-based as in the paper; j2 = round(1.25 j + 5) with
    # halves rounded up (MATLAB's round, not Python's round-half-even).
    j = np.arange(1, n + 1)
    j2 = np.floor(1.25 * j + 5.5).astype(np.int64)
    valid = j2 <= n  # a prefix, since j2 increases with j
    j, j2 = j[valid], j2[valid]
    e1 = env[j - 1]
    e2 = env[j2 - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = 3.0 * (1.0 - np.log(e1) / np.log(tol))
        plateau = (e1 == 0) | (e2 / e1 > r)
    if not plateau.any():
        return n
    first = int(np.argmax(plateau))
    plateau_point = int(j[first]) - 1
    jj2 = int(j2[first])
    # Step 3: chop where log10(envelope) plus a gently rising line is smallest.
    if env[plateau_point - 1] == 0:
        return plateau_point
    floor_level = tol ** (7.0 / 6.0)
    j3 = int(np.sum(env >= floor_level))
    if j3 < jj2:
        jj2 = j3 + 1
        env[jj2 - 1] = floor_level
    with np.errstate(divide="ignore"):
        cc = np.log10(env[:jj2]) + np.linspace(0.0, (-1.0 / 3.0) * np.log10(tol), jj2)
    d = int(np.argmin(cc)) + 1
    return max(d - 1, 1)
