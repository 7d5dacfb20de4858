"""Interpolation nodes and their closed-form barycentric weights.

Every node function returns points in increasing order (Chebfun's and
``numpy.polynomial``'s convention), mapped affinely from the reference interval to
``domain``.  The barycentric weights returned by the ``*_weights`` functions are
normalised (largest magnitude 1): the second barycentric formula is invariant under
a common scaling of the weights.

References
----------
.. [1] J.-P. Berrut and L. N. Trefethen, "Barycentric Lagrange interpolation",
   SIAM Review 46(3), 501-517, 2004. :doi:`10.1137/S0036144502417715`
.. [2] H. Wang and S. Xiang, "On the convergence rates of Legendre approximation",
   Math. Comp. 81, 861-877, 2012 (barycentric weights of Gauss-Legendre points).
.. [3] Chebfun: ``chebpts.m``, ``barywts.m``, ``trigpts.m``, ``legpts.m``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import roots_legendre

from numlearn._core.validation import check_domain, check_int

__all__ = [
    "chebyshev_points",
    "chebyshev_weights",
    "equispaced_points",
    "equispaced_weights",
    "fourier_points",
    "legendre_points",
    "legendre_weights",
    "map_from_reference",
    "map_to_reference",
]


def map_from_reference(s: NDArray[np.float64], domain: tuple[float, float]) -> NDArray[np.float64]:
    """Map points ``s`` in [-1, 1] affinely to ``domain = (a, b)``.

    Uses ``x = a (1 - s)/2 + b (1 + s)/2`` (rather than ``a + (b - a)(s + 1)/2``) so
    that ``s = -1`` and ``s = 1`` land exactly on ``a`` and ``b``.
    """
    a, b = domain
    if (a, b) == (-1.0, 1.0):
        return s
    return 0.5 * a * (1.0 - s) + 0.5 * b * (1.0 + s)


def map_to_reference(x: NDArray[np.float64], domain: tuple[float, float]) -> NDArray[np.float64]:
    """Inverse of :func:`map_from_reference`: ``s = (2x - a - b)/(b - a)``."""
    a, b = domain
    if (a, b) == (-1.0, 1.0):
        return x
    return (2.0 * x - (a + b)) / (b - a)


def chebyshev_points(
    n: int, kind: int = 2, domain: tuple[float, float] = (-1.0, 1.0)
) -> NDArray[np.float64]:
    r"""Chebyshev points of the first or second kind, increasing.

    Second kind (extrema of :math:`T_{n-1}`, Gauss-Chebyshev-Lobatto):
    :math:`s_j = -\cos(j\pi/(n-1)) = \sin(\pi(2j - n + 1)/(2(n-1)))`, ``j = 0..n-1``.
    First kind (roots of :math:`T_n`): :math:`s_j = -\cos((2j+1)\pi/(2n))`.

    The sine form makes the points exactly antisymmetric, ``s[j] == -s[n-1-j]``, and
    the middle point exactly 0 (Chebfun's ``chebpts``: "Use of sine enforces
    symmetry").  Cost O(n).

    Parameters
    ----------
    n : int
        Number of points, ``n >= 1`` (``n = 1`` gives the midpoint for both kinds).
    kind : {1, 2}
        First or second kind.
    domain : (float, float)
        Interval ``(a, b)``, ``a < b``.

    Returns
    -------
    ndarray of float64, shape (n,)

    See Also
    --------
    numpy.polynomial.chebyshev.chebpts1, numpy.polynomial.chebyshev.chebpts2
    chebyshev_weights : the matching barycentric weights.
    """
    n = check_int(n, "n", minimum=1)
    kind = _check_kind(kind)
    domain = check_domain(domain)
    if n == 1:
        s = np.zeros(1)
    elif kind == 2:
        m = n - 1
        s = np.sin(np.pi * np.arange(-m, m + 1, 2, dtype=np.float64) / (2 * m))
    else:
        s = np.sin(np.pi * np.arange(-n + 1, n, 2, dtype=np.float64) / (2 * n))
    return map_from_reference(s, domain)


def chebyshev_weights(n: int, kind: int = 2) -> NDArray[np.float64]:
    r"""Barycentric weights of the Chebyshev points, in closed form.

    Second kind: :math:`w_j = (-1)^j \delta_j`, :math:`\delta_0 = \delta_{n-1} = 1/2`,
    otherwise 1.  First kind: :math:`w_j = (-1)^j \sin((2j+1)\pi/(2n))`
    (Berrut-Trefethen 2004, eqs. (5.3)-(5.4)), the sign chosen for increasing points,
    normalised to largest magnitude 1.  The weights do not depend on the interval.
    Cost O(n).
    """
    n = check_int(n, "n", minimum=1)
    kind = _check_kind(kind)
    if n == 1:
        return np.ones(1)
    sign = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    if kind == 2:
        w = sign.copy()
        if n > 2:  # n = 2: (1/2, -1/2) normalises to (1, -1)
            w[0] *= 0.5
            w[-1] *= 0.5
        return w
    # sin((2j+1) pi/(2n)) computed symmetrically, as the points are.
    theta = np.pi * (2 * np.arange(n) + 1) / (2 * n)
    w = np.sin(np.minimum(theta, np.pi - theta))
    return sign * (w / w.max())


def equispaced_points(
    n: int, domain: tuple[float, float] = (-1.0, 1.0)
) -> NDArray[np.float64]:
    """``n`` equispaced points including both endpoints (``np.linspace``).

    Polynomial interpolation in these points is exponentially ill-conditioned
    (Lebesgue constant ~ 2^n / (e n log n)); use them with the Floater-Hormann or
    rational forms, or only for small ``n``.
    """
    n = check_int(n, "n", minimum=1)
    a, b = check_domain(domain)
    if n == 1:
        return np.array([0.5 * (a + b)])
    return map_from_reference(np.linspace(-1.0, 1.0, n), (a, b))


def equispaced_weights(n: int) -> NDArray[np.float64]:
    r"""Barycentric weights of ``n`` equispaced points: :math:`(-1)^j\binom{n-1}{j}`.

    Normalised to largest magnitude 1 and computed through ``lgamma`` so that no
    intermediate overflows; weights below the smallest float underflow to 0, which is
    harmless away from their node (they are smaller than ``2^-1074`` relative).
    """
    n = check_int(n, "n", minimum=1)
    from scipy.special import gammaln

    j = np.arange(n)
    logc = gammaln(n) - gammaln(j + 1) - gammaln(n - j)
    w = np.exp(logc - logc.max())
    return np.where(j % 2 == 0, w, -w)


def fourier_points(
    n: int, domain: tuple[float, float] = (0.0, 2.0 * np.pi)
) -> NDArray[np.float64]:
    r"""Equispaced periodic points :math:`x_j = a + (b - a) j / n`, ``j = 0..n-1``.

    The right endpoint is excluded (it is the left one, periodically).  The
    trigonometric barycentric weights are :math:`(-1)^j` for every ``n``; see
    :func:`numlearn.classical.barycentric.trig_barycentric_eval`.
    """
    n = check_int(n, "n", minimum=1)
    a, b = check_domain(domain)
    return a + (b - a) * (np.arange(n, dtype=np.float64) / n)


def legendre_points(
    n: int, domain: tuple[float, float] = (-1.0, 1.0)
) -> NDArray[np.float64]:
    """Gauss-Legendre points (roots of :math:`P_n`), increasing.

    Computed by :func:`scipy.special.roots_legendre` (Golub-Welsch for small ``n``,
    asymptotic formulas for large).  Cost O(n) to O(n^2).
    """
    n = check_int(n, "n", minimum=1)
    domain = check_domain(domain)
    s, _ = roots_legendre(n)
    return map_from_reference(np.asarray(s, dtype=np.float64), domain)


def legendre_weights(n: int) -> NDArray[np.float64]:
    r"""Barycentric weights of the Gauss-Legendre points.

    :math:`w_j = (-1)^j \sqrt{(1 - s_j^2)\,\lambda_j}` with :math:`\lambda_j` the Gauss
    quadrature weights (Wang and Xiang 2012; Chebfun ``legpts``), normalised to
    largest magnitude 1.
    """
    n = check_int(n, "n", minimum=1)
    s, lam = roots_legendre(n)
    w = np.sqrt((1.0 - s * s) * lam)
    w /= w.max()
    return np.where(np.arange(n) % 2 == 0, w, -w)


def _check_kind(kind: object) -> int:
    if kind not in (1, 2) or isinstance(kind, bool):
        raise ValueError(f"`kind` must be 1 or 2 (first or second kind), got {kind!r}.")
    return int(kind)  # type: ignore[call-overload]
