r"""Real roots of a Chebyshev series on [-1, 1]: colleague matrix and recursive subdivision.

The private engine of :meth:`numlearn.classical.ChebyshevSeries.roots`.  For a series
:math:`p = \sum_{k=0}^{d} c_k T_k` with :math:`c_d \ne 0`, the recurrence
:math:`x T_0 = T_1`, :math:`x T_k = (T_{k+1} + T_{k-1})/2` and, at a root,
:math:`T_d = -\sum_{k<d} c_k T_k / c_d` give :math:`x v = C v` for
:math:`v = (T_0, \dots, T_{d-1})(x)`: the roots are the eigenvalues of the colleague
matrix :math:`C` (tridiagonal with 1/2 off the diagonal, first row ``(0, 1)``, plus the
rank-one row :math:`-c_{0..d-1}/(2c_d)` in the last row; Good 1961).  Its QR eigensolve
costs :math:`O(d^3)`, so longer series are first restricted to two subintervals of
[-1, 1] (split near, not at, 0) where they need fewer terms, recursively (Boyd 2002;
Chebfun ``chebtech/roots.m`` splits when the length exceeds 50).  Each root then gets one
Newton step on the whole series, kept where it lowers ``|p|`` (chebpy's
``newtonroots``), which takes the eigenvalues' error of a few ``n eps`` down to rounding.

References
----------
.. [1] I. J. Good, "The colleague matrix, a Chebyshev analogue of the companion
   matrix", Quart. J. Math. 12, 61-68, 1961. :doi:`10.1093/qmath/12.1.61`
.. [2] J. P. Boyd, "Computing zeros on a real interval through Chebyshev expansion and
   polynomial rootfinding", SIAM J. Numer. Anal. 40(5), 1666-1682, 2002.
   :doi:`10.1137/S0036142901398325`
.. [3] L. N. Trefethen, *Approximation Theory and Approximation Practice*, SIAM, 2013,
   chapter 18.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from numlearn._core.validation import EPS
from numlearn.classical.chebyshev import (
    _clenshaw,
    chebyshev_coefficients,
    chebyshev_derivative_coefficients,
)
from numlearn.classical.nodes import chebyshev_points

#: Longest series solved by one eigenvalue problem (Chebfun's value).
MAX_EIG_SIZE = 50
#: Where [-1, 1] is split (Chebfun's arbitrary point: a root exactly at 0, common in
#: practice, is then found well inside one piece).
SPLIT_POINT = -0.004849834917525
#: Deepest subdivision; each level at least halves the length in practice.
_MAX_DEPTH = 40


def unit_roots(c: NDArray[np.float64], htol: float = 100 * EPS) -> NDArray[np.float64]:
    """Sorted real roots in [-1, 1] of the real series ``c`` (1-D), duplicates merged.

    Eigenvalues whose imaginary part exceeds ``htol`` or whose real part lies outside
    ``[-1 - htol, 1 + htol]`` are dropped; the rest are clipped to [-1, 1] and polished
    by one Newton step where that lowers ``|p|``.  A double
    root splits into a pair with imaginary parts near ``sqrt(eps)`` and is not reported
    (as in Chebfun).  An identically zero series has no isolated roots: empty result.
    """
    c = np.asarray(c, dtype=np.float64)
    r = _polish(c, np.clip(_roots(c, htol, 0.0, 0), -1.0, 1.0))
    r = np.sort(r)
    if r.size > 1:  # a root on a split point is found from both sides
        keep = np.concatenate(([True], np.diff(r) > 4 * htol))
        r = r[keep]
    return r


def _polish(c: NDArray[np.float64], r: NDArray[np.float64]) -> NDArray[np.float64]:
    """One Newton step per root, kept only where it lowers ``|p|`` (as chebpy does)."""
    if r.size == 0 or c.shape[0] < 2:
        return r
    dc = chebyshev_derivative_coefficients(c)
    cols = np.stack([c, _pad(dc, c.shape[0])], axis=1)
    vals = _clenshaw(r, cols, (-1.0, 1.0), extrapolate=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        new = np.clip(r - vals[:, 0] / vals[:, 1], -1.0, 1.0)
    ok = np.isfinite(new)
    new = np.where(ok, new, r)
    after = _clenshaw(new, cols, (-1.0, 1.0), extrapolate=True)
    return np.where(ok & (np.abs(after[:, 0]) < np.abs(vals[:, 0])), new, r)


def _pad(c: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    out = np.zeros(n)
    out[: c.shape[0]] = c
    return out


def _roots(c: NDArray[np.float64], htol: float, noise: float, depth: int) -> NDArray[np.float64]:
    """Recursive worker; ``noise`` is the absolute rounding level inherited from above."""
    thresh = max(EPS * float(np.sum(np.abs(c))), noise)
    big = np.flatnonzero(np.abs(c) > thresh)
    if big.size == 0:
        return np.empty(0)
    n = int(big[-1]) + 1
    c = c[:n]
    if n == 1:
        return np.empty(0)
    if n == 2:
        r = np.array([-c[0] / c[1]], dtype=np.complex128)
    elif n <= MAX_EIG_SIZE or depth >= _MAX_DEPTH:
        r = np.linalg.eigvals(_colleague(c))
    else:
        # Restrict to [-1, SPLIT] and [SPLIT, 1]: values at n Chebyshev points of each
        # piece, then coefficients there; the rounding of that step (about eps * sum|c|)
        # becomes the noise floor below which restricted coefficients are dropped.
        floor = 8 * EPS * float(np.sum(np.abs(c)))
        s = chebyshev_points(n)
        parts = []
        for lo, hi in ((-1.0, SPLIT_POINT), (SPLIT_POINT, 1.0)):
            half = 0.5 * (hi - lo)
            v = _clenshaw(lo + half * (s + 1.0), c, (-1.0, 1.0), extrapolate=True)
            sub = _roots(chebyshev_coefficients(v), 2 * htol, floor, depth + 1)
            parts.append(lo + half * (sub + 1.0))
        return np.concatenate(parts)
    r = r[np.abs(r.imag) <= htol]
    re = r.real
    return re[np.abs(re) <= 1.0 + htol]


def _colleague(c: NDArray[np.float64]) -> NDArray[np.float64]:
    """The colleague matrix of ``c`` (length ``d + 1 >= 3``, ``c[-1] != 0``), d x d."""
    d = c.shape[0] - 1
    m = np.zeros((d, d))
    i = np.arange(d - 1)
    m[i, i + 1] = 0.5
    m[i + 1, i] = 0.5
    m[0, 1] = 1.0
    m[-1, :] -= c[:-1] / (2.0 * c[-1])
    return m
