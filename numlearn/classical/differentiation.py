r"""Differentiation matrices and derivatives of interpolants.

For a polynomial interpolant :math:`p(x) = \sum_j f_j \ell_j(x)` the differentiation
matrix maps nodal values to nodal values of the derivative,
:math:`D^{(k)}_{ij} = \ell_j^{(k)}(x_i)`.  In barycentric form (Schneider and Werner
1986; Welfert 1997; Chebfun ``baryDiffMat.m``):

.. math::

    D^{(1)}_{ij} = \frac{w_j / w_i}{x_i - x_j}, \qquad
    D^{(k)}_{ij} = \frac{k}{x_i - x_j}\Bigl(\frac{w_j}{w_i} D^{(k-1)}_{ii}
                   - D^{(k-1)}_{ij}\Bigr) \quad (i \ne j),

and every diagonal is minus its off-diagonal row sum (the "negative-sum trick":
derivatives of constants are then exactly zero, which reduces rounding error;
Baltensperger and Trummer 2003).  For Chebyshev points the differences
:math:`x_i - x_j` are computed from the angles with a product of sines, which is
accurate where the points cluster at the ends.

References
----------
.. [1] J. A. C. Weideman and S. C. Reddy, "A MATLAB differentiation matrix suite",
   ACM TOMS 26(4), 465-519, 2000. :doi:`10.1145/365723.365727`
.. [2] B. D. Welfert, "Generation of pseudospectral differentiation matrices I",
   SIAM J. Numer. Anal. 34(4), 1640-1657, 1997. :doi:`10.1137/S0036142993295545`
.. [3] R. Baltensperger and M. R. Trummer, "Spectral differencing with a twist",
   SIAM J. Sci. Comput. 24(5), 1465-1487, 2003. :doi:`10.1137/S1064827501388182`
.. [4] L. N. Trefethen, *Spectral Methods in MATLAB*, SIAM, 2000 (``cheb.m``,
   ``fourdif``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.linalg import toeplitz

from numlearn._core.validation import as_float_array, check_domain, check_int
from numlearn.classical._bary_arrays import _prepare_nodes, _prepare_weights, nodal_derivative
from numlearn.classical.barycentric import barycentric_eval, barycentric_weights
from numlearn.classical.nodes import (
    _check_kind,
    _check_size,
    _memory_guard,
    chebyshev_points,
    chebyshev_weights,
    fourier_points,
)

__all__ = [
    "barycentric_diffmat",
    "chebyshev_diffmat",
    "derivative_values",
    "fourier_diffmat",
    "interpolant_derivative",
]


def _welfert(dx: NDArray[Any], w: NDArray[Any], order: int, symmetric: bool) -> NDArray[Any]:
    """The barycentric recursion given the difference matrix ``dx[i, j] = x_i - x_j``.

    With ``symmetric`` (nodes with ``x[n-1-i] == -x[i]`` and weights with
    ``|w[n-1-j]| == |w[j]|``), ``dx`` holds only the first ``ceil(n/2)`` rows: the
    recursion is row by row, so only those rows are computed, and the others are filled
    by the symmetry ``D[n-1-i, n-1-j] = (-1)^k D[i, j]`` (Chebfun's "flipping trick"):
    the result is exactly antisymmetric (odd ``k``) or centro-symmetric (even ``k``)
    under flipping both axes.  The middle row of an odd ``n`` is made exactly
    (anti)symmetric at every order, its odd-order diagonal exactly 0.
    """
    n = w.shape[0]
    rows = dx.shape[0]
    ii = np.arange(rows)
    with np.errstate(divide="ignore"):
        dxi = 1.0 / dx
    dxi[ii, ii] = 0.0
    dw = w[None, :] / w[:rows, None]
    dw[ii, ii] = 0.0
    d = dw * dxi
    mid = n // 2 if symmetric and n % 2 else -1
    for k in range(1, order + 1):
        if k > 1:
            d = k * dxi * (dw * d[ii, ii][:, None] - d)
        d[ii, ii] = 0.0
        if mid >= 0:  # the middle row: right half = (-1)^k times the left half, flipped
            d[mid, mid + 1 :] = (-1.0) ** k * d[mid, :mid][::-1]
        d[ii, ii] = -d.sum(axis=1)  # the negative-sum trick
        if mid >= 0 and k % 2:
            d[mid, mid] = 0.0
    if rows == n:
        return d
    full = np.empty((n, n), dtype=d.dtype)
    full[:rows] = d
    full[rows:] = d[: n - rows][::-1, ::-1]
    if order % 2:
        full[rows:] *= -1.0
    return full


def _is_symmetric(x: NDArray[Any], w: NDArray[Any]) -> bool:
    """Whether ``x[n-1-i] == -x[i]`` and ``w[n-1-j] == +-w[j]`` (one sign) exactly."""
    if not np.array_equal(x, -x[::-1]):
        return False
    return bool(np.array_equal(w, w[::-1]) or np.array_equal(w, -w[::-1]))


def _refuse_bools(**arrays: Any) -> None:
    """`TypeError` naming the argument if an array argument is boolean (numbers are due)."""
    for name, a in arrays.items():
        if a is not None and np.asarray(a).dtype == np.bool_:
            raise TypeError(
                f"`{name}` must be numeric, got a boolean array; pass numbers (e.g. "
                f"`{name}.astype(float)` if that is really meant)."
            )


def _finish(d: NDArray[Any], order: int, n: int) -> NDArray[Any]:
    """Refuse (naming `order`) a matrix whose entries overflowed."""
    if not np.isfinite(d).all():
        raise ValueError(
            f"`order` = {order} on {n} points: the differentiation matrix overflows "
            "float64 (its entries grow like n^(2 order), or (2/(b - a))^order for a "
            "narrow domain); use a lower order, fewer points or a rescaled domain."
        )
    return d


def barycentric_diffmat(
    nodes: ArrayLike, order: int = 1, weights: ArrayLike | None = None
) -> NDArray[Any]:
    r"""Differentiation matrix of any order for arbitrary distinct nodes.

    ``D @ f`` gives the ``order``-th derivative, at the nodes, of the polynomial
    interpolating ``f``.  Built by Welfert's recursion from the barycentric weights
    with the negative-sum trick (see the module docstring).  Cost :math:`O(k n^2)`
    time and :math:`O(n^2)` memory.

    Parameters
    ----------
    nodes : array_like, shape (n,)
        Distinct finite nodes.
    order : int, default 1
        Derivative order ``k >= 0`` (``k = 0`` gives the identity).
    weights : array_like, optional
        Barycentric weights; :func:`~numlearn.classical.barycentric.barycentric_weights`
        by default.

    Returns
    -------
    ndarray, shape (n, n)

    Notes
    -----
    Rounding errors grow like :math:`\varepsilon\, n^{2k}` in the worst case for
    Chebyshev-like node sets (the matrix norm grows like :math:`n^{2k}`).

    Symmetric node sets (``nodes[n-1-i] == -nodes[i]`` exactly, e.g.
    :func:`~numlearn.classical.nodes.legendre_points` on ``(-1, 1)``) with weights
    symmetric up to one sign (the default weights are made so) give matrices that
    are exactly antisymmetric (odd ``k``) or centro-symmetric (even ``k``) under
    flipping both axes: only the first ``ceil(n/2)`` rows are computed, as in
    Chebfun's ``diffmat``.  For ``order >= n`` the matrix is exactly zero and is
    returned at once.

    Raises
    ------
    ValueError
        Non-finite, empty, repeated nodes; more nodes than an ``n x n`` matrix of
        ``MAX_ARRAY_BYTES`` holds; a matrix whose entries overflow (naming `order`).
    TypeError
        Non-numeric or boolean nodes or weights, non-integer ``order``.

    See Also
    --------
    chebyshev_diffmat, fourier_diffmat
    """
    _refuse_bools(nodes=nodes, weights=weights)
    xn = _prepare_nodes(nodes)
    n = xn.shape[0]
    _check_size(n, "nodes", square=True)
    order = check_int(order, "order", minimum=0)
    w = barycentric_weights(xn) if weights is None else _prepare_weights(weights, xn)
    if weights is None and np.array_equal(xn, -xn[::-1]):
        # weights of symmetric nodes are symmetric up to (-1)^(n-1): use one half
        w = w.copy()
        w[n - n // 2 :] = (-1.0) ** (n - 1) * w[: n // 2][::-1]
    with _memory_guard("nodes", n), np.errstate(over="ignore", invalid="ignore"):
        if order == 0:
            return np.eye(n, dtype=xn.dtype)
        if order >= n:  # the interpolant has degree n - 1
            return np.zeros((n, n), dtype=np.result_type(xn, w))
        symmetric = _is_symmetric(xn, w)
        rows = (n + 1) // 2 if symmetric else n
        dx = xn[:rows, None] - xn[None, :]
        return _finish(_welfert(dx, w, order, symmetric), order, n)


def chebyshev_diffmat(
    n: int, order: int = 1, domain: tuple[float, float] = (-1.0, 1.0), kind: int = 2
) -> NDArray[np.float64]:
    r"""Differentiation matrix of any order on ``n`` Chebyshev points (increasing).

    The barycentric recursion with the closed-form weights of
    :func:`~numlearn.classical.nodes.chebyshev_weights` and differences computed from
    the angles: for :math:`s_j = -\cos\theta_j`,

    .. math:: s_i - s_j = 2 \sin\tfrac{\theta_i + \theta_j}{2}\,
              \sin\tfrac{\theta_i - \theta_j}{2},

    free of the cancellation in :math:`s_i - s_j` near the ends (Don and Solomonoff
    1995).  Only the first ``ceil(n/2)`` rows are computed; the others follow from
    :math:`D_{n-1-i,\,n-1-j} = (-1)^k D_{ij}`, so the matrix is exactly antisymmetric
    (odd ``k``; the middle entry of an odd ``n`` is exactly 0) or centro-symmetric
    (even ``k``) under flipping both axes, as Chebfun's.  Scaled by
    :math:`(2/(b-a))^k` for ``domain = (a, b)``.  Cost :math:`O(k n^2)`.  Same as
    Trefethen's ``cheb(N)`` (``N = n - 1``) up to the ordering of the points (``cheb``
    lists them decreasing).  ``order >= n`` gives the zero matrix at once.

    Parameters
    ----------
    n : int
        Number of points, ``n >= 1``, at most 46340 (an ``n x n`` matrix of
        ``MAX_ARRAY_BYTES``).
    order : int, default 1
    domain : (float, float), default (-1, 1)
    kind : {1, 2}, default 2

    Returns
    -------
    ndarray, shape (n, n)

    Raises
    ------
    ValueError
        ``n`` out of range, a domain whose points round together or whose width
        overflows, or a matrix whose entries overflow (naming `order`).
    """
    n = check_int(n, "n", minimum=1)
    _check_size(n, "n", square=True)
    order = check_int(order, "order", minimum=0)
    kind = _check_kind(kind)
    domain = check_domain(domain)
    chebyshev_points(n, kind, domain)  # refuses a domain whose points round together
    a, b = domain
    with _memory_guard("n", n), np.errstate(over="ignore", invalid="ignore"):
        if order == 0:
            return np.eye(n)
        if order >= n:  # the interpolant has degree n - 1
            return np.zeros((n, n))
        j = np.arange((n + 1) // 2)  # the first half of the rows; the rest by symmetry
        # Angles of the increasing points s_j = -cos(theta_j).
        theta = np.pi * np.arange(n) / (n - 1) if kind == 2 else np.pi * (2 * np.arange(n) + 1) / (
            2 * n
        )
        ti = theta[j]
        dx = 2.0 * np.sin(0.5 * (ti[:, None] + theta[None, :])) * np.sin(
            0.5 * (ti[:, None] - theta[None, :])
        )
        d = _welfert(dx, chebyshev_weights(n, kind), order, symmetric=True)
        return _finish(_scale(d, 2.0, a, b, order), order, n)


def fourier_diffmat(
    n: int, order: int = 1, domain: tuple[float, float] = (0.0, 2.0 * np.pi)
) -> NDArray[np.float64]:
    r"""Differentiation matrix of any order on ``n`` equispaced periodic points.

    Circulant; for ``h = 2 pi / n`` and period ``2 pi`` the first two orders are, in
    closed form (Trefethen 2000, ch. 3),

    .. math::

        D^{(1)}_{ij} = \tfrac12 (-1)^{i-j} \cot\tfrac{(i-j)h}{2}
        \quad (n \text{ even}), \qquad
        \tfrac12 (-1)^{i-j} \csc\tfrac{(i-j)h}{2} \quad (n \text{ odd}),

        D^{(2)}_{ii} = -\frac{\pi^2}{3h^2} - \frac16 \;(n\text{ even}),\quad
        D^{(2)}_{ij} = -\frac{(-1)^{i-j}}{2\sin^2((i-j)h/2)} \;(n\text{ even}).

    Higher orders (and odd ``n`` beyond order 1) take the first column from the FFT
    of :math:`(ik)^m` with the Nyquist mode zeroed for odd ``m`` (Weideman-Reddy
    ``fourdif``).  Scaled by :math:`(2\pi/L)^m` for period ``L = b - a``.  Cost
    :math:`O(n^2)`.

    Parameters
    ----------
    n : int
        Number of points, ``n >= 1``.
    order : int, default 1
    domain : (float, float), default (0, 2 pi)
        One period.

    Returns
    -------
    ndarray, shape (n, n)
    """
    n = check_int(n, "n", minimum=1)
    _check_size(n, "n", square=True)
    order = check_int(order, "order", minimum=0)
    domain = check_domain(domain)
    fourier_points(n, domain)  # refuses a domain whose points round together
    with _memory_guard("n", n), np.errstate(over="ignore", invalid="ignore"):
        if order == 0:
            return np.eye(n)
        if n == 1:
            return np.zeros((1, 1))
        return _finish(_fourier_diffmat(n, order, domain), order, n)


def _fourier_diffmat(n: int, order: int, domain: tuple[float, float]) -> NDArray[np.float64]:
    a, b = domain
    h = 2.0 * np.pi / n
    k = np.arange(1, n)
    sign = np.where(k % 2 == 0, 1.0, -1.0)
    if order == 1:
        half = 0.5 * k * h
        tail = 0.5 * sign / (np.tan(half) if n % 2 == 0 else np.sin(half))
        col = np.concatenate([[0.0], tail])
        d = toeplitz(col, np.concatenate([[0.0], -tail]))
    elif order == 2 and n % 2 == 0:
        col = np.concatenate([[-np.pi**2 / (3 * h**2) - 1.0 / 6.0],
                              -0.5 * sign / np.sin(0.5 * k * h) ** 2])
        d = toeplitz(col)
    else:
        wave = np.fft.fftfreq(n, 1.0 / n)
        sym = (1j * wave) ** order
        if n % 2 == 0 and order % 2 == 1:
            sym[n // 2] = 0.0
        col = np.real(np.fft.ifft(sym))
        # Circulant: D[i, j] = col[(i - j) mod n].
        d = col[(np.arange(n)[:, None] - np.arange(n)[None, :]) % n]
    return _scale(d, 2.0 * np.pi, a, b, order)


def _scale(d: NDArray[np.float64], length: float, a: float, b: float, order: int) -> NDArray[Any]:
    """``d * (length / (b - a))**order``, one factor at a time (an entry underflows or
    overflows only if its true value does); `ValueError` naming `domain` if ``b - a``
    overflows."""
    width = b - a
    if not np.isfinite(width):
        raise ValueError(
            f"`domain` = ({a}, {b}) is too wide: b - a overflows float64; rescale the "
            "variable."
        )
    f = length / width
    if f == 1.0:
        return d
    # chunks of f**m that stay in range; once every entry is 0 or one is inf, more
    # chunks (all < 1 or all > 1) change nothing
    step = max(1, int(900.0 / abs(math.log2(f))))
    left = order
    while left > 0:
        m = min(step, left)
        d *= f**m
        left -= m
        if not (np.isfinite(d).all() and d.any()):
            break
    return d


def derivative_values(
    nodes: ArrayLike, weights: ArrayLike, values: ArrayLike, order: int = 1
) -> NDArray[Any]:
    r"""Values at the nodes of the ``order``-th derivative of the interpolant.

    Applies the first-order barycentric differentiation matrix ``order`` times
    without forming it (:math:`(Df)_i = \sum_{j\ne i} \frac{w_j/w_i}{x_i - x_j}
    (f_j - f_i)`, the negative-sum trick), so the cost is :math:`O(k n^2)` time and
    :math:`O(n)` memory: usable for ``n`` in the tens of thousands.  Exact in exact
    arithmetic: the derivative of a polynomial of degree ``n - 1`` is a polynomial
    of lower degree, interpolated exactly on the same nodes.

    Parameters
    ----------
    nodes, weights, values
        As in :func:`~numlearn.classical.barycentric.barycentric_eval`.
    order : int, default 1
        Any integer ``>= 0``.  For ``order >= n`` the derivative of the degree
        ``n - 1`` interpolant is exactly zero, and zeros of the shape and dtype of
        the result are returned at once (no ``order`` passes, so any order is
        cheap; no upper limit is needed).

    Returns
    -------
    ndarray, shape of ``values``
    """
    order = check_int(order, "order", minimum=0)
    _refuse_bools(nodes=nodes, weights=weights, values=values)
    return nodal_derivative(nodes, weights, values, order)


def interpolant_derivative(
    nodes: ArrayLike,
    weights: ArrayLike,
    values: ArrayLike,
    x: ArrayLike,
    order: int = 1,
) -> NDArray[Any]:
    r"""The ``order``-th derivative of the interpolant, at arbitrary points ``x``.

    :func:`derivative_values` at the nodes, then the second barycentric formula
    (:func:`~numlearn.classical.barycentric.barycentric_eval`) at ``x``: the exact
    derivative of the interpolant, as BWLer computes it.  Cost
    :math:`O(k n^2 + m n)`.
    """
    _refuse_bools(x=x)
    d = derivative_values(nodes, weights, values, order)
    return barycentric_eval(nodes, weights, d, as_float_array(x, "x", allow_empty=True))
