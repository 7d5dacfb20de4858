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
.. [4] N. Hale and A. Townsend, "Fast and accurate computation of Gauss-Legendre and
   Gauss-Jacobi quadrature nodes and weights", SIAM J. Sci. Comput. 35(2),
   A652-A674, 2013. :doi:`10.1137/120889873`

Sizes are limited: no function here allocates an array of more than
:data:`MAX_ARRAY_BYTES` bytes; a larger ``n`` is refused with a `ValueError` naming
it, before anything is allocated.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array, check_domain, check_int
from numlearn.classical._legendre import gauss_legendre
from numlearn.classical._limits import MAX_ALLOC_BYTES

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

#: The largest array (in bytes) the functions of this module and of
#: :mod:`numlearn.classical.differentiation` allocate: 16 GiB, i.e. ``2**31`` points
#: or an ``n x n`` float64 matrix with ``n <= 46340``.  Larger requests are refused
#: with a `ValueError` before any allocation.  The same limit as every classical
#: function's (:data:`numlearn.classical._limits.MAX_ALLOC_BYTES`).
MAX_ARRAY_BYTES: int = MAX_ALLOC_BYTES


def _check_size(n: int, name: str, *, square: bool = False) -> None:
    """Refuse (`ValueError` naming ``name``) an ``n`` or ``n x n`` float64 array over the limit."""
    count = n * n if square else n
    if count * 8 > MAX_ARRAY_BYTES:
        shape = f"({n}, {n})" if square else f"({n},)"
        raise ValueError(
            f"`{name}` = {n} is too large: a float64 array of shape {shape} takes "
            f"{count * 8 / 2**30:.3g} GiB, over the limit MAX_ARRAY_BYTES = "
            f"{MAX_ARRAY_BYTES / 2**30:g} GiB; use a smaller `{name}`."
        )


@contextmanager
def _memory_guard(name: str, n: int) -> Iterator[None]:
    """Turn a `MemoryError` under the size limit into one that names ``name``."""
    try:
        yield
    except MemoryError:
        raise MemoryError(
            f"`{name}` = {n}: not enough memory for the arrays it needs on this machine; "
            f"use a smaller `{name}`."
        ) from None


def _check_resolved(x: NDArray[np.float64], domain: tuple[float, float]) -> NDArray[np.float64]:
    """Raise (naming `domain`) if the mapped points are not strictly increasing and finite."""
    if not np.isfinite(x).all():
        raise ValueError(
            f"`domain` = {domain} is too wide: the points overflow float64; use a "
            "narrower interval (rescale the variable)."
        )
    steps = np.diff(x)
    if x.size > 1 and not (steps > 0).all():
        j = int(np.argmin(steps > 0))
        raise ValueError(
            f"`domain` = {domain} is too narrow for {x.size} points at its distance from "
            f"0: points {j} and {j + 1} both round to {x[j]!r}. Shift the variable "
            "(x - a) so the interval sits near 0, or use fewer points."
        )
    return x


def map_from_reference(s: ArrayLike, domain: tuple[float, float]) -> NDArray[Any]:
    """Map points ``s`` in [-1, 1] affinely to ``domain = (a, b)``.

    Uses ``x = a (1 - s)/2 + b (1 + s)/2`` (rather than ``a + (b - a)(s + 1)/2``) so
    that ``s = -1`` and ``s = 1`` land exactly on ``a`` and ``b``.  ``s`` may be
    complex or non-finite (it is mapped as it is); ``domain`` is checked by
    ``check_domain``.
    """
    s = as_float_array(s, "s", allow_empty=True, finite=False)
    a, b = check_domain(domain)
    if (a, b) == (-1.0, 1.0):
        return s
    return 0.5 * a * (1.0 - s) + 0.5 * b * (1.0 + s)


def map_to_reference(x: ArrayLike, domain: tuple[float, float]) -> NDArray[Any]:
    """Inverse of :func:`map_from_reference`: ``s = (2x - a - b)/(b - a)``.

    ``x`` may be complex or non-finite; ``domain`` is checked as in
    :func:`map_from_reference`.
    """
    x = as_float_array(x, "x", allow_empty=True, finite=False)
    a, b = check_domain(domain)
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
        Number of points, ``1 <= n <= MAX_ARRAY_BYTES / 8`` (``n = 1`` gives the
        midpoint for both kinds).
    kind : {1, 2}
        First or second kind.
    domain : (float, float)
        Interval ``(a, b)``, ``a < b``.

    Returns
    -------
    ndarray of float64, shape (n,)

    Raises
    ------
    TypeError
        ``n`` or ``kind`` not an integer (bools and floats included), ``domain`` not a
        pair of reals.
    ValueError
        ``n`` out of range, ``kind`` not 1 or 2, ``domain`` reversed, or so narrow for
        its distance from 0 that the points round together.

    See Also
    --------
    numpy.polynomial.chebyshev.chebpts1, numpy.polynomial.chebyshev.chebpts2
    chebyshev_weights : the matching barycentric weights.
    """
    n = _check_n(n)
    kind = _check_kind(kind)
    domain = check_domain(domain)
    with _memory_guard("n", n):
        if n == 1:
            s = np.zeros(1)
        elif kind == 2:
            m = n - 1
            s = np.sin(np.pi * np.arange(-m, m + 1, 2, dtype=np.float64) / (2 * m))
        else:
            s = np.sin(np.pi * np.arange(-n + 1, n, 2, dtype=np.float64) / (2 * n))
        return _check_resolved(map_from_reference(s, domain), domain)


def chebyshev_weights(n: int, kind: int = 2) -> NDArray[np.float64]:
    r"""Barycentric weights of the Chebyshev points, in closed form.

    Second kind: :math:`w_j = (-1)^j \delta_j`, :math:`\delta_0 = \delta_{n-1} = 1/2`,
    otherwise 1.  First kind: :math:`w_j = (-1)^j \sin((2j+1)\pi/(2n))`
    (Berrut-Trefethen 2004, eqs. (5.3)-(5.4)), the sign chosen for increasing points,
    normalised to largest magnitude 1.  The weights do not depend on the interval.
    Cost O(n).
    """
    n = _check_n(n)
    kind = _check_kind(kind)
    if n == 1:
        return np.ones(1)
    with _memory_guard("n", n):
        return _chebyshev_weights(n, kind)


def _chebyshev_weights(n: int, kind: int) -> NDArray[np.float64]:
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
    n = _check_n(n)
    a, b = check_domain(domain)
    if n == 1:
        return np.array([0.5 * a + 0.5 * b])
    with _memory_guard("n", n):
        return _check_resolved(map_from_reference(np.linspace(-1.0, 1.0, n), (a, b)), (a, b))


def equispaced_weights(n: int) -> NDArray[np.float64]:
    r"""Barycentric weights of ``n`` equispaced points: :math:`(-1)^j\binom{n-1}{j}`.

    Normalised to largest magnitude 1 and computed through ``lgamma`` so that no
    intermediate overflows; weights below the smallest float underflow to 0, which is
    harmless away from their node (they are smaller than ``2^-1074`` relative).
    """
    n = _check_n(n)
    from scipy.special import gammaln

    with _memory_guard("n", n):
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
    n = _check_n(n)
    a, b = check_domain(domain)
    with _memory_guard("n", n), np.errstate(over="ignore", invalid="ignore"):
        return _check_resolved(a + (b - a) * (np.arange(n, dtype=np.float64) / n), (a, b))


def legendre_points(
    n: int, domain: tuple[float, float] = (-1.0, 1.0)
) -> NDArray[np.float64]:
    r"""Gauss-Legendre points (roots of :math:`P_n`), increasing.

    Computed to full precision in O(n) (Hale and Townsend 2013; Chebfun ``legpts``):
    Newton's method on :math:`\theta \mapsto P_n(\cos\theta)`, evaluated by the
    three-term recurrence for ``n <= 100`` and near the ends, by the Stieltjes
    asymptotic expansion in the interior otherwise.  The points are exactly
    antisymmetric on ``(-1, 1)`` (``x[j] == -x[n-1-j]``, the middle one exactly 0) and
    within about one ulp of 1 of the exact roots.  Cost O(n); 0.1 s at ``n = 10**5``.

    Parameters
    ----------
    n : int
        Number of points, ``1 <= n <= MAX_ARRAY_BYTES / 8``.
    domain : (float, float)
        Interval ``(a, b)``, ``a < b``.

    See Also
    --------
    scipy.special.roots_legendre : the same points (O(n^2) for large ``n``).
    legendre_weights : the matching barycentric weights.
    """
    n = _check_n(n)
    domain = check_domain(domain)
    with _memory_guard("n", n):
        s, _, _ = gauss_legendre(n)
        return _check_resolved(map_from_reference(s, domain), domain)


def legendre_weights(n: int) -> NDArray[np.float64]:
    r"""Barycentric weights of the Gauss-Legendre points.

    :math:`w_j = (-1)^j \sqrt{(1 - s_j^2)\,\lambda_j}` with :math:`\lambda_j` the Gauss
    quadrature weights (Wang and Xiang 2012; Chebfun ``legpts``), normalised to
    largest magnitude 1.  Computed with the points (see :func:`legendre_points`) as
    :math:`\sin\theta_j / |\tfrac{d}{d\theta}P_n(\cos\theta_j)|`, from the angle
    rather than from :math:`1 - s_j^2`, accurate to a few eps relative at every node
    (scipy's ``roots_legendre`` weights are off by up to 1e-10 relative at the end
    nodes for ``n`` in the thousands).  Exactly symmetric in magnitude.  Cost O(n).
    """
    n = _check_n(n)
    with _memory_guard("n", n):
        return gauss_legendre(n)[2]


def _check_n(n: object) -> int:
    """``n`` as an int in ``[1, MAX_ARRAY_BYTES / 8]`` (a 1-D float64 array of n entries)."""
    n = check_int(n, "n", minimum=1)
    _check_size(n, "n")
    return n


def _check_kind(kind: object) -> int:
    """``kind`` as 1 or 2 (`TypeError` for a non-integer: bools, floats, strings)."""
    if isinstance(kind, bool | np.bool_) or not isinstance(kind, int | np.integer):
        raise TypeError(
            f"`kind` must be the integer 1 or 2 (first or second kind), got "
            f"{type(kind).__name__} {kind!r}."
        )
    if kind not in (1, 2):
        raise ValueError(f"`kind` must be 1 or 2 (first or second kind), got {kind!r}.")
    return int(kind)
