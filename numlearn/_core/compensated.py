"""Error-free transformations and compensated sums (Numba, inlined into kernels).

The one home of TwoSum, TwoProduct and Neumaier's running sum; the barycentric,
least-squares and Cole-Hopf kernels all use these.  None of them may be compiled
with ``fastmath``: reassociation lets LLVM cancel the error terms to zero.

References
----------
D. E. Knuth, *The Art of Computer Programming* vol. 2, 4.2.2 (TwoSum).
T. J. Dekker, "A floating-point technique for extending the available precision",
Numer. Math. 18 (1971) (TwoProduct by splitting).
A. Neumaier, "Rundungsfehleranalyse einiger Verfahren zur Summation endlicher
Summen", ZAMM 54 (1974).
T. Ogita, S. M. Rump, S. Oishi, "Accurate sum and dot product", SIAM J. Sci.
Comput. 26 (2005) (Sum2, Dot2).
"""

from __future__ import annotations

from numba import njit

__all__ = ["SPLIT", "neumaier_add", "two_prod", "two_sum"]

#: Dekker's splitting constant 2**27 + 1 for float64.
SPLIT = 134217729.0


@njit(cache=True, inline="always")
def two_sum(a, b):
    """Knuth's TwoSum: ``s + e == a + b`` exactly with ``s = fl(a + b)``.

    Branch-free, six flops.  Adding ``e`` into a running correction ``c`` for every
    term of a sum (Ogita-Rump-Oishi's Sum2) makes the sum accurate to about eps times
    the condition of the sum instead of ``n`` eps.
    """
    s = a + b
    bp = s - a
    return s, (a - (s - bp)) + (b - bp)


@njit(cache=True, inline="always")
def two_prod(a, b):
    """Dekker's TwoProduct: ``p + e == a * b`` exactly (no FMA; |a|, |b| < 1e300)."""
    p = a * b
    t = SPLIT * a
    ah = t - (t - a)
    al = a - ah
    t = SPLIT * b
    bh = t - (t - b)
    bl = b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


@njit(cache=True, inline="always")
def neumaier_add(total, comp, term):
    """Add ``term`` to ``total`` and its rounding error to ``comp`` (Neumaier)."""
    s = total + term
    if abs(total) >= abs(term):
        comp += (total - s) + term
    else:
        comp += (term - s) + total
    return s, comp
