r"""A Chebyshev series on an interval: the function object of the Chebyshev family.

:class:`ChebyshevSeries` binds the coefficient kernels of
:mod:`numlearn.classical.chebyshev` (Clenshaw evaluation, the derivative recurrence,
values at Chebyshev points) and :func:`~numlearn.classical.adaptive.standard_chop`,
as :class:`numpy.polynomial.Chebyshev` binds ``chebval``.  Every linear BVP solver of
:mod:`numlearn.classical.spectral` returns one.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import EPS, as_float_array, check_domain, check_positive
from numlearn.classical.adaptive import standard_chop
from numlearn.classical.chebyshev import (
    chebyshev_derivative_coefficients,
    chebyshev_values,
    clenshaw,
)

__all__ = ["ChebyshevSeries"]


class ChebyshevSeries:
    r"""A Chebyshev series :math:`p(x) = \sum_k c_k T_k(s)`, :math:`s = (2x - a - b)/(b - a)`.

    The value every BVP solver returns: a thin class over
    :func:`~numlearn.classical.chebyshev.clenshaw` and
    :func:`~numlearn.classical.chebyshev.chebyshev_derivative_coefficients` (as
    :class:`numpy.polynomial.Chebyshev` binds ``chebval``; Chebfun's ``chebfun`` on
    one interval).

    Parameters
    ----------
    coefficients : array_like, shape (n,)
        Real coefficients of :math:`T_0, \dots, T_{n-1}`.
    domain : (float, float), default (-1, 1)

    Examples
    --------
    >>> p = ChebyshevSeries([0.0, 0.0, 1.0], domain=(0.0, 2.0))   # T_2(x - 1)
    >>> p(np.array([0.0, 1.0])), p.derivative()(np.array([2.0]))
    (array([ 1., -1.]), array([4.]))
    """

    __slots__ = ("_c", "_domain")

    def __init__(self, coefficients: ArrayLike, domain: tuple[float, float] = (-1.0, 1.0)):
        c = as_float_array(coefficients, "coefficients", ndim=1, allow_complex=False)
        self._c = np.array(c, dtype=np.float64)
        self._c.flags.writeable = False
        self._domain = check_domain(domain)

    @property
    def coefficients(self) -> NDArray[np.float64]:
        """The coefficients (read-only view)."""
        return self._c

    @property
    def domain(self) -> tuple[float, float]:
        """The interval ``(a, b)``."""
        return self._domain

    def __len__(self) -> int:
        return int(self._c.shape[0])

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        """Values at ``x`` (any shape) by Clenshaw's recurrence, O(n) per point."""
        return clenshaw(x, self._c, self._domain)

    def derivative(self, order: int = 1) -> ChebyshevSeries:
        """The ``order``-th derivative, O(n) per order (the coefficient recurrence)."""
        return ChebyshevSeries(
            chebyshev_derivative_coefficients(self._c, order, self._domain), self._domain
        )

    def values(self) -> NDArray[np.float64]:
        """Values at the ``len(self)`` Chebyshev points of the 2nd kind (increasing)."""
        return chebyshev_values(self._c)

    def simplify(self, tol: float = EPS) -> ChebyshevSeries:
        """The series chopped by :func:`~numlearn.classical.adaptive.standard_chop`."""
        tol = check_positive(tol, "tol")
        return ChebyshevSeries(self._c[: standard_chop(self._c, tol)], self._domain)

    def __repr__(self) -> str:
        return f"ChebyshevSeries(n={len(self)}, domain={self._domain})"
