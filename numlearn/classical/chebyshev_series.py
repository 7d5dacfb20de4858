r"""A Chebyshev series on an interval: the function object of the Chebyshev family.

:class:`ChebyshevSeries` binds the coefficient kernels of
:mod:`numlearn.classical.chebyshev` (Clenshaw evaluation, the derivative and integral
recurrences, values at Chebyshev points) and
:func:`~numlearn.classical.adaptive.standard_chop`, as :class:`numpy.polynomial.Chebyshev`
binds ``chebval`` and as Chebfun's ``chebfun`` (chebpy's ``chebfun``) does on one
interval.  :func:`~numlearn.classical.adaptive.chebyshev_adaptive` and
:func:`~numlearn.classical.adaptive.chebyshev_interpolate` construct one from a function;
every linear BVP solver of :mod:`numlearn.classical.spectral` returns one.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import EPS, as_float_array, check_domain, check_positive
from numlearn.classical import _cheb_plot
from numlearn.classical._cheb_roots import unit_roots
from numlearn.classical._chop import chop_columns
from numlearn.classical.chebyshev import (
    _clenshaw,
    chebyshev_coefficients,
    chebyshev_derivative_coefficients,
    chebyshev_integral_coefficients,
    chebyshev_values,
)

__all__ = ["ChebyshevSeries"]


class ChebyshevSeries:
    r"""A Chebyshev series :math:`p(x) = \sum_k c_k T_k(s)`, :math:`s = (2x - a - b)/(b - a)`.

    A function on ``domain = (a, b)`` held by its Chebyshev coefficients: call it,
    differentiate, integrate, find its roots, add and multiply it.  Coefficients of shape
    ``(n, k)`` hold ``k`` functions at once (Chebfun's array-valued chebfun); they may be
    complex.

    Parameters
    ----------
    coefficients : array_like, shape (n,) or (n, k)
        Finite coefficients of :math:`T_0, \dots, T_{n-1}`, real or complex.
    domain : (float, float), default (-1, 1)

    Notes
    -----
    * ``len(p)`` is the number of coefficients (Chebfun's ``length``).
    * Arithmetic: ``p + q``, ``p - q``, ``p * q`` for series on the *same* domain with the
      same number of columns (a ``ValueError`` otherwise), and with finite real or
      complex scalars (``p / 2`` too).  The product is formed from values at
      ``len(p) + len(q) - 1`` Chebyshev points, where it is the exact interpolant of
      degree ``len(p) + len(q) - 2``, then chopped by :meth:`simplify` (as Chebfun's
      ``times``); sums are not chopped.
    * ``np.asarray(p)`` raises ``TypeError``: a function object has no single array
      (coefficients or values?), so ask for ``p.coefficients`` or ``p.values()``.
      NumPy ufuncs (``np.sin(p)``) raise ``TypeError`` as well
      (``__array_ufunc__ = None``), instead of acting on the coefficients.
    * Evaluating outside the domain extrapolates and warns, as
      :func:`~numlearn.classical.chebyshev.clenshaw` does.

    See Also
    --------
    numpy.polynomial.Chebyshev : the same object with a domain/window pair.
    numlearn.classical.chebyshev_adaptive : builds one from a function (Chebfun's
        ``chebfun(f)``).

    Examples
    --------
    >>> p = ChebyshevSeries([0.0, 0.0, 1.0], domain=(0.0, 2.0))   # T_2(x - 1)
    >>> p(np.array([0.0, 1.0])), p.derivative()(np.array([2.0]))
    (array([ 1., -1.]), array([4.]))
    >>> p.roots(), round(p.sum(), 14)   # 1 -+ 1/sqrt(2); int_0^2 (2(x-1)^2 - 1) = -2/3
    (array([0.29289322, 1.70710678]), -0.66666666666667)
    >>> p
    ChebyshevSeries on [0, 2]: length 3, endpoint values 1, 1
    """

    __slots__ = ("_c", "_domain")
    __array_ufunc__ = None  # ufuncs and ndarray operators defer to (or fail on) us

    def __init__(self, coefficients: ArrayLike, domain: tuple[float, float] = (-1.0, 1.0)):
        c = as_float_array(coefficients, "coefficients", ndim=(1, 2))
        self._c = np.array(c, dtype=np.complex128 if np.iscomplexobj(c) else np.float64)
        self._c.flags.writeable = False
        self._domain = check_domain(domain)

    # ------------------------------------------------------------------ data

    @property
    def coefficients(self) -> NDArray[Any]:
        """The coefficients, shape (n,) or (n, k) (read-only view)."""
        return self._c

    @property
    def domain(self) -> tuple[float, float]:
        """The interval ``(a, b)``."""
        return self._domain

    def __len__(self) -> int:
        return int(self._c.shape[0])

    def __array__(self, dtype: Any = None, copy: Any = None) -> NDArray[Any]:
        raise TypeError(
            "a ChebyshevSeries is a function, not an array: use `.coefficients` for its "
            "Chebyshev coefficients or `.values()` for its values at Chebyshev points."
        )

    def __call__(self, x: ArrayLike) -> NDArray[Any]:
        """Values at ``x`` (any shape) by Clenshaw's recurrence, O(n) per point.

        Shape ``x.shape`` (``x.shape + (k,)`` for ``k`` columns); a ``RuntimeWarning``
        if real points lie outside the domain (extrapolation).
        """
        return _clenshaw(x, self._c, self._domain, extrapolate=False, stacklevel=3)

    def values(self) -> NDArray[Any]:
        """Values at the ``len(self)`` Chebyshev points of the 2nd kind (increasing)."""
        return chebyshev_values(self._c)

    def _new(self, c: NDArray[Any]) -> ChebyshevSeries:
        return ChebyshevSeries(c, self._domain)

    # ------------------------------------------------------------------ calculus

    def derivative(self, order: int = 1) -> ChebyshevSeries:
        """The ``order``-th derivative, O(n) per order (the coefficient recurrence)."""
        return self._new(chebyshev_derivative_coefficients(self._c, order, self._domain))

    def integral(self) -> ChebyshevSeries:
        r"""The indefinite integral :math:`\int_a^x p`, zero at the left end ``a``.

        One coefficient longer; O(n) (Chebfun's ``cumsum``, numpy's ``chebint`` with
        ``lbnd = a``).
        """
        return self._new(chebyshev_integral_coefficients(self._c, self._domain))

    diff = derivative
    cumsum = integral

    def sum(self) -> Any:
        r"""The definite integral :math:`\int_a^b p`, exact on the coefficients.

        :math:`\frac{b-a}{2}\sum_{k\,\rm even} c_k \frac{2}{1-k^2}` (:math:`\int_{-1}^1
        T_k = 0` for odd ``k``), O(n); Chebfun's ``sum``.  A float (complex for a complex
        series), or an array of shape (k,) for ``k`` columns.
        """
        a, b = self._domain
        k = np.arange(0, len(self), 2, dtype=np.float64)
        mu = 2.0 / (1.0 - k * k)
        out = (0.5 * (b - a)) * np.tensordot(mu, self._c[0::2], axes=(0, 0))
        return out if out.ndim else out[()].item()

    def roots(self) -> NDArray[np.float64]:
        r"""Real roots in the domain, sorted, each once.

        Colleague-matrix eigenvalues (Good 1961) for series of up to 50 terms; longer
        ones are restricted to two subintervals, recursively, until they are that short
        (Boyd 2002; Chebfun's ``roots``).  Coefficients below ``eps * sum|c_k|`` are
        dropped first; eigenvalues with imaginary part above ``100 eps`` or real part
        outside the domain by more than ``100 eps`` (on the [-1, 1] scale) are discarded,
        the rest polished by one Newton step where it lowers ``|p|``, and roots closer
        than ``400 eps`` merged.  Cost about :math:`O(n^2 \log n)`.
        A double root (``(x - r)^2``) splits into a complex pair with imaginary parts
        near :math:`\sqrt{\varepsilon}` and is not reported, as in Chebfun; an
        identically zero series has no isolated roots (empty result).

        Returns
        -------
        ndarray of float64

        Raises
        ------
        TypeError
            For a complex series or one with several columns.
        """
        if self._c.ndim != 1 or np.iscomplexobj(self._c):
            raise TypeError(
                "roots() needs a real series with one column; take the roots of each "
                "column (`ChebyshevSeries(p.coefficients[:, j], p.domain)`) or of the "
                "real and imaginary parts."
            )
        a, b = self._domain
        r = unit_roots(self._c)
        return np.clip(0.5 * (a + b) + 0.5 * (b - a) * r, a, b)

    # ------------------------------------------------------------------ arithmetic

    def _check_other(self, other: ChebyshevSeries) -> None:
        if other._domain != self._domain:
            raise ValueError(
                f"the operands live on different domains, {self._domain} and "
                f"{other._domain}; construct both on one domain."
            )
        if other._c.shape[1:] != self._c.shape[1:]:
            k1, k2 = (c.shape[1] if c.ndim == 2 else "one (1-D)" for c in (self._c, other._c))
            raise ValueError(f"the operands have different numbers of columns, {k1} and {k2}.")

    def _scalar(self, other: Any, op: str) -> complex | float | None:
        """``other`` as a finite scalar, ``None`` if it is not a number at all."""
        if isinstance(other, np.ndarray) and other.ndim == 0:
            other = other[()]  # a 0-d array is a scalar
        if isinstance(other, bool | np.bool_):
            raise TypeError(f"cannot {op} a ChebyshevSeries and a bool.")
        if isinstance(other, np.ndarray | list | tuple):
            raise TypeError(
                f"cannot {op} a ChebyshevSeries and an array: use a scalar or another "
                "ChebyshevSeries (arrays of coefficients: ChebyshevSeries(c, domain))."
            )
        if not isinstance(other, numbers.Number):
            return None
        v = complex(other) if isinstance(other, numbers.Complex) else float(other)
        if not (math.isfinite(v.real) and math.isfinite(v.imag)):
            raise ValueError(f"cannot {op} a ChebyshevSeries and {other!r}: the scalar "
                             "must be finite.")
        return v.real if isinstance(other, numbers.Real) else v

    def _add(self, other: Any, sign: float, op: str) -> ChebyshevSeries:
        if isinstance(other, ChebyshevSeries):
            self._check_other(other)
            n = max(len(self), len(other))
            dtype = np.result_type(self._c, other._c)
            out = np.zeros((n, *self._c.shape[1:]), dtype=dtype)
            out[: len(self)] += self._c
            out[: len(other)] += sign * other._c
            return self._new(out)
        v = self._scalar(other, op)
        if v is None:
            return NotImplemented
        out = np.array(self._c, dtype=np.result_type(self._c, v))
        out[0] += sign * v
        return self._new(out)

    def __add__(self, other: Any) -> ChebyshevSeries:
        return self._add(other, 1.0, "add")

    __radd__ = __add__

    def __sub__(self, other: Any) -> ChebyshevSeries:
        return self._add(other, -1.0, "subtract")

    def __rsub__(self, other: Any) -> ChebyshevSeries:
        return (-self)._add(other, 1.0, "subtract")

    def __neg__(self) -> ChebyshevSeries:
        return self._new(-self._c)

    def __pos__(self) -> ChebyshevSeries:
        return self

    def __mul__(self, other: Any) -> ChebyshevSeries:
        if isinstance(other, ChebyshevSeries):
            self._check_other(other)
            n = len(self) + len(other) - 1
            vals = chebyshev_values(_pad(self._c, n)) * chebyshev_values(_pad(other._c, n))
            return self._new(chebyshev_coefficients(vals)).simplify()
        v = self._scalar(other, "multiply")
        if v is None:
            return NotImplemented
        return self._new(self._c * v)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> ChebyshevSeries:
        if isinstance(other, ChebyshevSeries):
            raise TypeError("dividing by a ChebyshevSeries is not supported: construct "
                            "the quotient with chebyshev_adaptive(lambda x: p(x) / q(x)).")
        v = self._scalar(other, "divide")
        if v is None:
            return NotImplemented
        if v == 0:
            raise ZeroDivisionError("division of a ChebyshevSeries by zero.")
        return self._new(self._c / v)

    # ------------------------------------------------------------------ chop, show

    def simplify(self, tol: float = EPS) -> ChebyshevSeries:
        """The series chopped by :func:`~numlearn.classical.adaptive.standard_chop`.

        For several columns the longest cutoff is kept.  Series shorter than 17 are
        never chopped (standard_chop's rule).
        """
        tol = check_positive(tol, "tol")
        return self._new(self._c[: chop_columns(self._c, tol)])

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Plot the series on its domain (matplotlib, ``pip install 'numlearn[plot]'``).

        A complex series is drawn as a curve in the complex plane; ``kwargs`` go to
        ``ax.plot``.  Returns the axes.
        """
        return _cheb_plot.plot_series(self, ax, **kwargs)

    def plot_coefficients(self, ax: Any = None, **kwargs: Any) -> Any:
        """Semilogy of ``|c_k|`` with the chop point marked (Chebfun's ``plotcoeffs``).

        Exact zeros are not drawn (the legend counts them); the dashed line marks
        :func:`~numlearn.classical.adaptive.standard_chop`'s cutoff.  Returns the axes.
        """
        return _cheb_plot.plot_coefficients(self, ax, **kwargs)

    plotcoeffs = plot_coefficients

    def __repr__(self) -> str:
        a, b = self._domain
        ends = _clenshaw(np.array([a, b]), self._c, self._domain, extrapolate=True)
        cols = "" if self._c.ndim == 1 else f", {self._c.shape[1]} columns"
        left, right = (np.array2string(v, precision=6) if np.ndim(v) else f"{v:.6g}"
                       for v in ends)
        return (f"ChebyshevSeries on [{a:g}, {b:g}]: length {len(self)}{cols}, "
                f"endpoint values {left}, {right}")


def _pad(c: NDArray[Any], n: int) -> NDArray[Any]:
    """``c`` with zero rows appended to length ``n``."""
    out = np.zeros((n, *c.shape[1:]), dtype=c.dtype)
    out[: c.shape[0]] = c
    return out
