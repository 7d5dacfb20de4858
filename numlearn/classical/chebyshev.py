r"""Chebyshev series on an interval: values <-> coefficients, evaluation, quadrature, chopping.

Plain functions on arrays in the style of :mod:`numpy.polynomial.chebyshev`, with
Chebfun's algorithms.  A function on ``domain = (a, b)`` is represented by the
coefficients of

.. math::

    p(x) = \sum_{k=0}^{n-1} c_k T_k(s), \qquad s = \frac{2x - a - b}{b - a} \in [-1, 1],

and sampled at the Chebyshev points of :func:`numlearn.classical.nodes.chebyshev_points`,
always in *increasing* order.  Values of shape ``(n, k)`` are ``k`` independent columns
(Chebfun's array-valued chebfuns).  float32 input gives float32 output (computed in
float64, rounded once); complex input stays complex.

References
----------
.. [1] Z. Battles and L. N. Trefethen, "An extension of MATLAB to continuous functions
   and operators", SIAM J. Sci. Comput. 25(5), 1743-1770, 2004.
   :doi:`10.1137/S1064827503430126`
.. [2] J. L. Aurentz and L. N. Trefethen, "Chopping a Chebyshev series", ACM Trans. Math.
   Softw. 43(4), article 33, 2017. :doi:`10.1145/2998442`
.. [3] J. Waldvogel, "Fast construction of the Fejér and Clenshaw-Curtis quadrature
   rules", BIT 46, 195-202, 2006. :doi:`10.1007/s10543-006-0045-4`
.. [4] L. N. Trefethen, *Approximation Theory and Approximation Practice*, SIAM, 2013.
.. [5] Chebfun: ``chebtech1/vals2coeffs.m``, ``chebtech2/vals2coeffs.m``,
   ``chebtech2/quadwts.m``, ``chebtech/clenshaw.m``, ``standardChop.m``,
   ``chebtech/populate.m``, ``chebtech/standardCheck.m``, ``chebtech/sampleTest.m``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.fft
from numpy.typing import ArrayLike, NDArray

from numlearn._result import Result
from numlearn._validation import (
    as_float_array,
    check_domain,
    check_int,
    compute_dtype,
    result_dtype,
)
from numlearn.classical._chebyshev_kernels import clenshaw_kernel
from numlearn.classical.nodes import (
    _check_kind,
    chebyshev_points,
    map_from_reference,
    map_to_reference,
)

__all__ = [
    "chebyshev_adaptive",
    "chebyshev_coefficients",
    "chebyshev_derivative_coefficients",
    "chebyshev_integral_coefficients",
    "chebyshev_interpolate",
    "chebyshev_values",
    "clenshaw",
    "clenshaw_curtis",
    "clenshaw_curtis_weights",
    "standard_chop",
]

EPS = float(np.finfo(np.float64).eps)


# --------------------------------------------------------------------------------------
# values <-> coefficients
# --------------------------------------------------------------------------------------


def _columns(a: ArrayLike, name: str) -> tuple[NDArray[Any], np.dtype[Any], bool]:
    """Validate ``a`` as (n,) or (n, k); return it as 2-D in the compute dtype."""
    arr = as_float_array(a, name, ndim=(1, 2))
    out = result_dtype(arr)
    work = arr.astype(compute_dtype(out), copy=True)
    one_d = work.ndim == 1
    return (work[:, None] if one_d else work), out, one_d


def _finish(a: NDArray[Any], out: np.dtype[Any], one_d: bool) -> NDArray[Any]:
    return (a[:, 0] if one_d else a).astype(out, copy=False)


def chebyshev_coefficients(values: ArrayLike, kind: int = 2) -> NDArray[Any]:
    r"""Chebyshev coefficients of the interpolant through values at Chebyshev points.

    Second kind (``n`` points :math:`s_j = -\cos(j\pi/(n-1))`):

    .. math::

        c_k = \frac{2}{n-1} {\sum_{j=0}^{n-1}}'' f(s_j)\, T_k(s_j), \qquad
        c_0, c_{n-1} \text{ halved},

    a DCT-I of the reversed values; first kind (:math:`s_j = -\cos((2j+1)\pi/(2n))`):
    :math:`c_k = \frac{2}{n}\sum_j f(s_j) T_k(s_j)`, :math:`c_0` halved, a DCT-II.
    The interval does not enter: coefficients refer to :math:`T_k` on [-1, 1].

    Cost O(n log n) per column.  The transform is orthogonal up to scaling, so the
    coefficients carry an absolute error of order ``eps * log(n) * max|f|``.  As in
    Chebfun, a column whose values are *exactly* even (``v == v[::-1]``) gets exactly
    zero odd coefficients, and an exactly odd column exactly zero even ones.

    Parameters
    ----------
    values : array_like, shape (n,) or (n, k)
        Samples at the ``n`` Chebyshev points of the given kind, increasing order;
        columns are independent.  Real or complex; float32 gives float32.
    kind : {1, 2}
        First or second kind points.

    Returns
    -------
    ndarray, same shape as ``values``
        ``c[k]`` multiplies :math:`T_k`.

    See Also
    --------
    chebyshev_values : the inverse.
    numpy.polynomial.chebyshev.chebinterpolate : the same for kind 1, by an O(n^2) sum.

    Examples
    --------
    >>> import numpy as np
    >>> from numlearn.classical.nodes import chebyshev_points
    >>> x = chebyshev_points(5)
    >>> np.round(chebyshev_coefficients(x**2), 15) + 0.0   # x^2 = (T_0 + T_2)/2
    array([0.5, 0. , 0.5, 0. , 0. ])
    """
    kind = _check_kind(kind)
    v, out, one_d = _columns(values, "values")
    n = v.shape[0]
    if n == 1:
        return _finish(v, out, one_d)
    even = np.all(v == v[::-1], axis=0)
    odd = np.all(v == -v[::-1], axis=0)
    # The points increase, s_j = cos(pi (n-1-j)/(n-1)): reversing the values gives the
    # cosine-ordered samples that the DCTs expect.
    if kind == 2:
        c = scipy.fft.dct(v[::-1], type=1, axis=0) / (n - 1)
        c[0] *= 0.5
        c[-1] *= 0.5
    else:
        c = scipy.fft.dct(v[::-1], type=2, axis=0) / n
        c[0] *= 0.5
    c[1::2, even] = 0.0
    c[0::2, odd] = 0.0
    return _finish(c, out, one_d)


def chebyshev_values(coeffs: ArrayLike, kind: int = 2) -> NDArray[Any]:
    r"""Values at the ``n`` Chebyshev points of a series with ``n`` coefficients.

    :math:`f(s_j) = \sum_k c_k T_k(s_j)` by a DCT-I (second kind) or DCT-III (first
    kind); the exact inverse of :func:`chebyshev_coefficients`.  Cost O(n log n) per
    column, absolute error of order ``eps * log(n) * sum|c_k|``.  As in Chebfun's
    ``coeffs2vals``, if all odd (even) coefficients of a column are exactly zero the
    returned values are made exactly even (odd).

    Parameters
    ----------
    coeffs : array_like, shape (n,) or (n, k)
    kind : {1, 2}

    Returns
    -------
    ndarray, same shape as ``coeffs``
        Values at the points in increasing order.

    See Also
    --------
    chebyshev_coefficients : the inverse.
    clenshaw : evaluation at arbitrary points.

    Examples
    --------
    >>> chebyshev_values([0.5, 0.0, 0.5])   # x^2 at -1, 0, 1
    array([1., 0., 1.])
    """
    kind = _check_kind(kind)
    c, out, one_d = _columns(coeffs, "coeffs")
    n = c.shape[0]
    if n == 1:
        return _finish(c, out, one_d)
    even = np.all(c[1::2] == 0, axis=0)
    odd = np.all(c[0::2] == 0, axis=0)
    if kind == 2:
        c[1:-1] *= 0.5
        v = scipy.fft.dct(c, type=1, axis=0)[::-1]
    else:
        c[1:] *= 0.5
        v = scipy.fft.dct(c, type=3, axis=0)[::-1]
    v[:, even] = 0.5 * (v[:, even] + v[::-1, even])
    v[:, odd] = 0.5 * (v[:, odd] - v[::-1, odd])
    return _finish(np.ascontiguousarray(v), out, one_d)


# --------------------------------------------------------------------------------------
# evaluation
# --------------------------------------------------------------------------------------


def clenshaw(
    x: ArrayLike, coeffs: ArrayLike, domain: tuple[float, float] = (-1.0, 1.0)
) -> NDArray[Any]:
    r"""Evaluate a Chebyshev series at arbitrary points by Clenshaw's recurrence.

    With :math:`s = (2x - a - b)/(b - a)`,

    .. math::

        b_{n} = b_{n+1} = 0, \quad b_k = c_k + 2 s\, b_{k+1} - b_{k+2}
        \ (k = n-1, \dots, 1), \quad p(x) = c_0 + s\, b_1 - b_2.

    Cost O(n) per point and column, in a parallel Numba kernel; memory O(len(x))
    (no ``len(x) x n`` temporaries).

    Stability: a rounding error made at step ``k`` reaches the result multiplied by
    :math:`U_{k-1}(s)`, and :math:`|U_{k-1}(s)| \le \min(k, 1/\sqrt{1-s^2})` on [-1, 1]
    (Gentleman 1969, Oliver 1977).  So for :math:`|s| \le 1` the forward error is
    about :math:`n\,\varepsilon\sum_k|c_k|` at worst, reached only within
    :math:`O(n^{-2})` of :math:`\pm 1`; in the interior it is about
    :math:`\varepsilon\sum_k|c_k|/\sqrt{1-s^2}`.  (Measured on random coefficients,
    n = 20..2000: at most ``1.3 eps sum|c|`` for ``|s| <= 0.9`` and ``0.84 n eps
    sum|c|`` near the endpoints.)  Points outside ``domain`` are allowed and
    extrapolate the polynomial, but there :math:`|T_k(s)|` grows like
    :math:`(|s| + \sqrt{s^2-1})^k` and so do the value and its error.

    Parameters
    ----------
    x : array_like, any shape
        Evaluation points, real or complex (complex ``s`` evaluates the polynomial in
        the complex plane).  An empty ``x`` gives an empty result.
    coeffs : array_like, shape (n,) or (n, k)
        Coefficients of :math:`T_0, \dots, T_{n-1}`; columns are independent series.
    domain : (float, float)
        The interval ``(a, b)`` that is mapped to [-1, 1].

    Returns
    -------
    ndarray
        Shape ``x.shape`` for 1-D ``coeffs``, ``x.shape + (k,)`` for 2-D ``coeffs``
        (Chebfun's convention, unlike ``chebval``'s ``(k,) + x.shape``); a scalar for
        scalar ``x`` and 1-D ``coeffs``.  float32 only if both inputs are float32.

    References
    ----------
    .. [1] C. W. Clenshaw, "A note on the summation of Chebyshev series", Math. Tables
       Aids Comput. 9, 118-120, 1955.
    .. [2] W. M. Gentleman, "An error analysis of Goertzel's (Watt's) method for
       computing Fourier coefficients", Comput. J. 12, 160-165, 1969.
    .. [3] J. Oliver, "An error analysis of the modified Clenshaw method for
       evaluating Chebyshev and Fourier series", J. Inst. Maths Applics 20, 379-391,
       1977.

    See Also
    --------
    numpy.polynomial.chebyshev.chebval : the same recurrence in NumPy (a temporary
        array per step, one thread); Chebfun ``chebtech/clenshaw.m``.

    Examples
    --------
    >>> clenshaw([0.0, 0.5, 2.0], [0.0, 0.0, 1.0])   # T_2(x) = 2x^2 - 1
    array([-1. , -0.5,  7. ])
    >>> float(clenshaw(3.0, [1.0, 1.0], domain=(2.0, 4.0)))   # 1 + s, s = 0
    1.0
    """
    xa = as_float_array(x, "x", allow_empty=True)
    carr = as_float_array(coeffs, "coeffs", ndim=(1, 2))
    domain = check_domain(domain)
    one_d = carr.ndim == 1
    out_dtype = result_dtype(xa, carr)
    work = compute_dtype(out_dtype)
    c = carr[:, None] if one_d else carr
    s = map_to_reference(xa.astype(compute_dtype(xa.dtype)).ravel(), domain)
    s = np.ascontiguousarray(s)
    c = np.ascontiguousarray(c.astype(work, copy=False))
    out = np.empty((s.shape[0], c.shape[1]), dtype=work)
    if s.shape[0]:
        clenshaw_kernel(s, c, out)
    shape = xa.shape if one_d else (*xa.shape, c.shape[1])
    return out.reshape(shape).astype(out_dtype, copy=False)[()]


# --------------------------------------------------------------------------------------
# calculus on coefficients
# --------------------------------------------------------------------------------------


def chebyshev_derivative_coefficients(
    coeffs: ArrayLike, order: int = 1, domain: tuple[float, float] = (-1.0, 1.0)
) -> NDArray[Any]:
    r"""Coefficients of the ``order``-th derivative of a Chebyshev series.

    From :math:`2T_k = T'_{k+1}/(k+1) - T'_{k-1}/(k-1)` one gets the downward
    recurrence (Chebfun ``chebtech/diff.m``; Mason & Handscomb, *Chebyshev
    Polynomials*, 2003)

    .. math::

        c'_{k-1} = c'_{k+1} + 2k\, c_k \quad (k = n-1, \dots, 1), \qquad
        c'_0 \text{ halved},

    times :math:`2/(b-a)` per derivative for the chain rule.  Cost O(n) per order.
    Each derivative multiplies coefficient errors by up to ~n^2 (Markov's inequality),
    which is inherent in differentiation, not in the recurrence.

    Parameters
    ----------
    coeffs : array_like, shape (n,) or (n, k)
    order : int, default 1
        Number of derivatives, ``>= 0``.
    domain : (float, float)

    Returns
    -------
    ndarray, shape (max(n - order, 1),) or (max(n - order, 1), k)

    See Also
    --------
    numpy.polynomial.chebyshev.chebder : the same recurrence.

    Examples
    --------
    >>> chebyshev_derivative_coefficients([0.0, 0.0, 0.0, 1.0])   # T_3' = 3 T_0 + 6 T_2
    array([3., 0., 6.])
    """
    order = check_int(order, "order", minimum=0)
    c, out, one_d = _columns(coeffs, "coeffs")
    a, b = check_domain(domain)
    scale = 2.0 / (b - a)
    for _ in range(order):
        n = c.shape[0]
        if n == 1:
            c = np.zeros_like(c)
            break
        w = 2.0 * np.arange(1, n)[:, None] * c[1:]  # 2k c_k, k = 1..n-1
        d = np.empty_like(w)
        # d_{k-1} = sum of 2j c_j over j = k, k+2, k+4, ...: two running sums from the
        # top, one per parity of j.
        d[::-1][0::2] = np.cumsum(w[::-1][0::2], axis=0)
        d[::-1][1::2] = np.cumsum(w[::-1][1::2], axis=0)
        d[0] *= 0.5
        c = d * scale
    return _finish(c, out, one_d)


def chebyshev_integral_coefficients(
    coeffs: ArrayLike, domain: tuple[float, float] = (-1.0, 1.0)
) -> NDArray[Any]:
    r"""Coefficients of the indefinite integral that vanishes at the left end ``a``.

    From :math:`\int T_k = \tfrac12\,(T_{k+1}/(k+1) - T_{k-1}/(k-1))`:

    .. math::

        C_k = \frac{\tilde c_{k-1} - c_{k+1}}{2k} \ (k \ge 1), \quad
        \tilde c_0 = 2c_0, \quad C_0 = -\sum_{k\ge1} (-1)^k C_k,

    times :math:`(b-a)/2`.  Cost O(n); the result has ``n + 1`` coefficients.
    Integration damps coefficient errors (the ``1/(2k)`` factors).

    See Also
    --------
    numpy.polynomial.chebyshev.chebint : same recurrence; Chebfun ``chebtech/cumsum.m``.

    Examples
    --------
    >>> chebyshev_integral_coefficients([1.0])   # int_{-1}^x 1 = 1 + x
    array([1., 1.])
    """
    c, out, one_d = _columns(coeffs, "coeffs")
    a, b = check_domain(domain)
    n, k = c.shape
    cp = np.zeros((n + 2, k), dtype=c.dtype)  # padded: c_{n}, c_{n+1} = 0
    cp[:n] = c
    cp[0] *= 2.0
    kk = np.arange(1, n + 1)[:, None]
    big = np.zeros((n + 1, k), dtype=c.dtype)
    big[1:] = (cp[0:n] - cp[2 : n + 2]) / (2.0 * kk)
    sign = np.where(np.arange(1, n + 1) % 2 == 0, 1.0, -1.0)[:, None]
    big[0] = -np.sum(sign * big[1:], axis=0)
    return _finish(big * (0.5 * (b - a)), out, one_d)


# --------------------------------------------------------------------------------------
# quadrature
# --------------------------------------------------------------------------------------


def clenshaw_curtis_weights(
    n: int, domain: tuple[float, float] = (-1.0, 1.0)
) -> NDArray[np.float64]:
    r"""Clenshaw-Curtis quadrature weights at the ``n`` Chebyshev points of the 2nd kind.

    The weights integrate the degree ``n-1`` interpolant exactly:
    :math:`\sum_j w_j f(x_j) = \sum_k c_k \int T_k`, with the moments
    :math:`\mu_k = \int_{-1}^1 T_k = 2/(1-k^2)` for even ``k`` and 0 for odd ``k``.
    Since ``c = (DCT-I of f) / (n-1)``, the weights are the DCT-I of the moments
    (Waldvogel's FFT construction):

    .. math::

        w_j = \frac{\delta_j}{2(n-1)}\,\mathrm{DCT\text{-}I}(\mu)_j, \qquad
        \delta_0 = \delta_{n-1} = 1,\ \text{otherwise } 2,

    times :math:`(b-a)/2`.  Cost O(n log n).  The weights are positive and sum to
    ``b - a``; the rule is exact for polynomials of degree ``n - 1`` (degree ``n`` for
    odd ``n``, by symmetry) and, being positive, is stable: the error in the weighted
    sum is at most ``eps * log(n) * (b - a) * max|f|``.

    Parameters
    ----------
    n : int
        Number of points, ``n >= 1``; ``n = 1`` gives the midpoint rule.
    domain : (float, float)

    Returns
    -------
    ndarray of float64, shape (n,)

    References
    ----------
    .. [1] C. W. Clenshaw and A. R. Curtis, "A method for numerical integration on an
       automatic computer", Numer. Math. 2, 197-205, 1960. :doi:`10.1007/BF01386223`
    .. [2] J. Waldvogel, BIT 46, 195-202, 2006. :doi:`10.1007/s10543-006-0045-4`

    See Also
    --------
    clenshaw_curtis : weights times values; Chebfun's ``chebtech2.quadwts`` computes
        the same weights (``scipy.integrate`` has no Clenshaw-Curtis rule).

    Examples
    --------
    >>> clenshaw_curtis_weights(3)   # Simpson's rule
    array([0.33333333, 1.33333333, 0.33333333])
    """
    n = check_int(n, "n", minimum=1)
    a, b = check_domain(domain)
    if n == 1:
        return np.array([b - a])
    keven = np.arange(0, n, 2, dtype=np.float64)
    mu = np.zeros(n)
    mu[0::2] = 2.0 / (1.0 - keven * keven)  # int T_k = 0 for odd k
    w = scipy.fft.dct(mu, type=1) / (n - 1)
    w[0] *= 0.5
    w[-1] *= 0.5
    # The exact weights are symmetric; average out the FFT's rounding asymmetry.
    w = 0.5 * (w + w[::-1])
    return w * (0.5 * (b - a))


def clenshaw_curtis(
    values: ArrayLike, domain: tuple[float, float] = (-1.0, 1.0)
) -> NDArray[Any] | np.floating[Any] | np.complexfloating[Any, Any]:
    r"""Integrate over ``domain`` from values at the 2nd-kind Chebyshev points.

    :math:`\int_a^b f \approx \sum_j w_j f(x_j)` with the weights of
    :func:`clenshaw_curtis_weights`; exact for the degree ``n-1`` interpolant.
    Cost O(n log n + n k).

    Parameters
    ----------
    values : array_like, shape (n,) or (n, k)
        Samples at ``chebyshev_points(n, 2, domain)``.
    domain : (float, float)

    Returns
    -------
    scalar for 1-D ``values``, ndarray of shape (k,) for 2-D.

    See Also
    --------
    numpy.polynomial.chebyshev.chebint, scipy.integrate.quad

    Examples
    --------
    >>> from numlearn.classical.nodes import chebyshev_points
    >>> x = chebyshev_points(20)
    >>> bool(abs(clenshaw_curtis(np.exp(x)) - (np.e - 1 / np.e)) < 4e-16)
    True
    """
    v, out, one_d = _columns(values, "values")
    w = clenshaw_curtis_weights(v.shape[0], domain)
    r = (w @ v).astype(out, copy=False)
    return r[0] if one_d else r


# --------------------------------------------------------------------------------------
# chopping and adaptive construction
# --------------------------------------------------------------------------------------


def standard_chop(coeffs: ArrayLike, tol: float = EPS) -> int:
    r"""Where to chop a Chebyshev (or Fourier) series: Aurentz & Trefethen's rule.

    Returns ``cutoff``, the number of leading coefficients to keep.  ``cutoff ==
    len(coeffs)`` means "not happy": no satisfactory chopping point was found.  The
    decision depends only on the *envelope* :math:`e_j = \max_{i\ge j}|c_i| /
    \max_i|c_i|`, a nonincreasing sequence starting at 1.  Three steps (1-based ``j``
    as in the paper):

    1. Build the envelope.  Series shorter than 17 are never chopped.
    2. Find the first plateau: the first ``j`` with
       :math:`e_{j_2}/e_j > r_j`, :math:`j_2 = \mathrm{round}(1.25 j + 5)`,
       :math:`r_j = 3\,(1 - \log e_j / \log \mathrm{tol})` (or :math:`e_j = 0`).
       ``r`` goes from 0 at :math:`e_j = \mathrm{tol}` (anything counts as a plateau)
       to 1 at :math:`e_j = \mathrm{tol}^{2/3}` (only a perfectly flat stretch counts);
       nothing above :math:`\mathrm{tol}^{1/3}` ever qualifies.  No plateau before
       :math:`j_2 > n`: not happy.
    3. Chop at the minimum over :math:`1..j_2` of :math:`\log_{10} e_j` plus a line
       rising by :math:`-\tfrac13\log_{10}\mathrm{tol}` over that range (biasing towards
       fewer terms), after capping the range where the envelope falls below
       :math:`\mathrm{tol}^{7/6}`; ``cutoff`` is the index before that minimum.

    The constants 17, 1.25, 5, 3, 2/3, 7/6 and 1/3 are experimental: the paper and
    Chebfun state they come from extensive experiments, not from first principles.
    Cost O(n).

    Parameters
    ----------
    coeffs : array_like, shape (n,) or (n, k)
        Coefficients, real or complex, finite.  For 2-D input each column is chopped
        and the largest cutoff returned (Chebfun ``standardCheck``).
    tol : float, default machine epsilon
        Target relative accuracy, ``> 0``; ``tol >= 1`` returns 1.

    Returns
    -------
    int

    References
    ----------
    .. [1] J. L. Aurentz and L. N. Trefethen, "Chopping a Chebyshev series", ACM Trans.
       Math. Softw. 43(4), 33, 2017. :doi:`10.1145/2998442`

    See Also
    --------
    chebyshev_adaptive : uses it to stop refining.  Chebfun ``standardChop.m``.

    Examples
    --------
    The test vectors of Chebfun's ``standardChop.m``:

    >>> c = 10.0 ** -np.arange(1, 51)
    >>> standard_chop(c), standard_chop(c + 1e-13 * np.cos(np.arange(1, 51) ** 2))
    (18, 13)
    """
    arr = as_float_array(coeffs, "coeffs", ndim=(1, 2))
    tol = _check_tol(tol)
    a = np.abs(arr.astype(compute_dtype(arr.dtype)))
    if a.ndim == 2:
        return max(_chop_one(a[:, j], tol) for j in range(a.shape[1]))
    return _chop_one(a, tol)


def _check_tol(tol: Any) -> float:
    try:
        t = float(tol)
    except (TypeError, ValueError):
        raise TypeError(f"`tol` must be a real number, got {tol!r}.") from None
    if not (math.isfinite(t) and t > 0):
        raise ValueError(f"`tol` must be a finite number > 0, got {t}.")
    return t


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


def _sample(f: Callable[..., Any], x: NDArray[np.float64], n_total: int) -> NDArray[Any]:
    """Call ``f`` on the points ``x``; check the shape and that every value is finite."""
    raw = np.asarray(f(x))
    if raw.ndim == 0:  # a constant function written as `lambda x: 1.0`
        raw = np.broadcast_to(raw, x.shape)
    if raw.ndim not in (1, 2) or raw.shape[0] != x.shape[0]:
        raise ValueError(
            f"`f` must return an array of shape ({x.shape[0]},) or ({x.shape[0]}, k) for "
            f"{x.shape[0]} points, got shape {raw.shape}; make it vectorised (use numpy "
            "functions, not math)."
        )
    vals = as_float_array(raw, "f(x)", finite=False)
    ok = np.isfinite(vals)
    if not ok.all():
        i = int(np.argmin(ok.reshape(x.shape[0], -1).all(axis=1)))
        bad = vals[i]
        raise ValueError(
            f"`f` returned a non-finite value {bad} at x = {float(x[i])!r} (while sampling at "
            f"{n_total} Chebyshev points). Remove the singularity, or construct on a "
            "subinterval that excludes it."
        )
    return vals.astype(compute_dtype(vals.dtype), copy=False)


def _alias(c: NDArray[Any], m: int) -> NDArray[Any]:
    """Coefficients of the m-point (2nd kind) interpolant of the series ``c``.

    On the m-point grid, :math:`\\theta_i = i\\pi/(m-1)`, :math:`T_j` coincides with
    :math:`T_k`, ``k`` the reflection of ``j mod 2(m-1)`` into ``[0, m-1]``; so each
    dropped coefficient is added onto its alias (Chebfun ``chebtech2/alias.m``).
    """
    n = c.shape[0]
    if m >= n:
        return c.copy()
    if m == 1:
        # The 1-point grid is s = 0, where T_{2i} = (-1)^i and odd T_k vanish.
        even = c[0::2]
        sign = np.where(np.arange(even.shape[0]) % 2 == 0, 1.0, -1.0)
        return np.tensordot(sign, even, axes=(0, 0))[None]
    out = c[:m].copy()
    j = np.arange(m, n)
    r = j % (2 * (m - 1))
    k = np.where(r <= m - 1, r, 2 * (m - 1) - r)
    np.add.at(out, k, c[m:])
    return out


# Chebfun's sampleTest points in [-1, 1] (arbitrary, "unlikely" values).
_SAMPLE_TEST_POINTS = np.array([-0.357998918959666, 0.036785641195074])


def chebyshev_adaptive(
    f: Callable[[NDArray[np.float64]], ArrayLike],
    domain: tuple[float, float] = (-1.0, 1.0),
    tol: float = EPS,
    max_n: int = 2**16 + 1,
    *,
    vscale: float = 0.0,
) -> Result:
    r"""Chebfun's adaptive construction of a Chebyshev series for a callable.

    Samples ``f`` at ``n = 17, 33, 65, ...`` Chebyshev points of the 2nd kind (nested:
    each grid reuses the previous samples, so ``f`` is called on the new points only),
    computes the coefficients (:func:`chebyshev_coefficients`) and chops them with
    :func:`standard_chop` at the tolerance Chebfun's ``standardCheck`` uses,

    .. math::

        \mathrm{tol}_{\rm eff} = \mathrm{tol}\cdot\max\bigl(h, V / \max_j|f(x_j)|\bigr),
        \qquad h = \max(|a|, |b|),\ V = \max(\text{vscale}, \max_j|f(x_j)|),

    (``h`` is Chebfun's hscale ``norm(domain, inf)``; on one interval ``V`` is the sampled
    maximum and the ratio is 1).  It is happy when the chop point is below ``n`` *and*
    Chebfun's ``sampleTest`` passes: ``f`` and the unchopped interpolant agree within
    :math:`\sqrt{\max(\varepsilon, \mathrm{tol})}\max(h\,V_f, V)` at two fixed points.
    The kept coefficients are then *aliased* to length ``cutoff`` (Chebfun's
    ``prolong``: the ``cutoff``-point interpolant of the ``n``-point one), which differs
    from plain truncation by at most the discarded tail.  Cost O(n log n) per
    refinement plus the samples of ``f``.  Chebfun lengths: ``exp`` 15, ``sin`` 14,
    ``cos(20x)`` 51; the result matches them.

    Parameters
    ----------
    f : callable
        Vectorised: ``f(x)`` for a float64 array ``x`` of shape (m,) returns shape (m,)
        or (m, k) (``k`` functions at once), real or complex.
    domain : (float, float)
    tol : float, default machine epsilon
        Relative tolerance passed (scaled) to :func:`standard_chop`.
    max_n : int, default 2**16 + 1
        Largest grid to try (Chebfun's ``maxLength``), at least 17.
    vscale : float, default 0
        A global vertical scale (Chebfun's ``data.vscale``) when this interval is one
        piece of a larger function; loosens the tolerance where ``|f|`` is small.

    Returns
    -------
    Result
        ``value``: the chopped coefficients (full length if not converged).
        ``status``: ``"success"`` or a reason.  ``stats``: ``n`` (coefficients kept),
        ``n_samples`` (finest grid), ``vscale``, ``hscale``, ``tol`` (effective),
        ``happiness`` (bool), ``evaluations`` (points at which ``f`` was called).
        ``history``: per grid, ``n``, ``cutoff`` and ``tail`` (largest ``|c_k|`` in
        the last quarter of the coefficients, relative to the largest ``|c_k|``: it
        falls to ~tol when the series is resolved).

    Raises
    ------
    ValueError
        If ``f`` returns NaN/inf (the message names the point) or the wrong shape.

    Warns
    -----
    RuntimeWarning
        If no chop point is found up to ``max_n`` points (``status`` says what to do).

    References
    ----------
    .. [1] Aurentz & Trefethen 2017, :doi:`10.1145/2998442`; Battles & Trefethen
       2004, :doi:`10.1137/S1064827503430126`.

    See Also
    --------
    chebyshev_interpolate : fixed degree, as ``numpy.polynomial.Chebyshev.interpolate``;
        this function is Chebfun's ``chebfun(f)`` (and ``chebpy.chebfun``).

    Examples
    --------
    >>> res = chebyshev_adaptive(np.exp)
    >>> res.status, res.stats["n"], res.stats["n_samples"]
    ('success', 15, 33)
    """
    a, b = check_domain(domain)
    tol = _check_tol(tol)
    max_n = check_int(max_n, "max_n", minimum=17)
    vscale = float(vscale)
    if not (math.isfinite(vscale) and vscale >= 0):
        raise ValueError(f"`vscale` must be a finite number >= 0, got {vscale}.")
    if not callable(f):
        raise TypeError(f"`f` must be callable, got {type(f).__name__}.")
    hscale = max(abs(a), abs(b))
    history: dict[str, list[Any]] = {"n": [], "cutoff": [], "tail": []}
    n, values, evaluations = 17, None, 0
    happy, cutoff, coeffs = False, 0, np.zeros(1)
    tol_eff, vglobal = tol, vscale
    while n <= max_n:
        if values is None:
            values = _sample(f, chebyshev_points(n, 2, (a, b)), n)
            evaluations += n
        else:
            # The odd points of the n-point grid are new; the even ones are the old grid
            # (bitwise: the sine formula gives the same rounded argument).
            new = _sample(f, chebyshev_points(n, 2, (a, b))[1::2], n)
            evaluations += new.shape[0]
            grid = np.empty((n, *values.shape[1:]), dtype=np.result_type(values, new))
            grid[0::2] = values
            grid[1::2] = new
            values = grid
        coeffs = chebyshev_coefficients(values)
        c2 = coeffs.reshape(n, -1)
        vscale_f = np.max(np.abs(values.reshape(n, -1)), axis=0)
        vglobal = max(vscale, float(vscale_f.max()))
        # A zero column gets tol = inf: standard_chop then keeps one coefficient.
        ratio = np.full(vscale_f.shape, np.inf)
        np.divide(vglobal, vscale_f, out=ratio, where=vscale_f > 0)
        tols = tol * np.maximum(hscale, ratio)
        cutoff = max(_chop_one(np.abs(c2[:, j]), float(tols[j])) for j in range(c2.shape[1]))
        tol_eff = float(np.min(tols))
        cmax = np.max(np.abs(c2))
        tail = float(np.max(np.abs(c2[-(n // 4) :])) / cmax) if cmax > 0 else 0.0
        history["n"].append(n)
        history["cutoff"].append(cutoff)
        history["tail"].append(tail)
        if cutoff < n:
            evaluations += _SAMPLE_TEST_POINTS.shape[0]
            happy = _sample_test(f, coeffs, (a, b), values, hscale, vglobal, tol)
        if happy:
            break
        n = 2 * n - 1
    stats = {
        "n": cutoff if happy else coeffs.shape[0],
        "n_samples": coeffs.shape[0],
        "vscale": vglobal,
        "hscale": hscale,
        "tol": tol_eff,
        "happiness": happy,
        "evaluations": evaluations,
    }
    if happy:
        return Result(_alias(coeffs, cutoff), "success", stats, history, "chebyshev_adaptive")
    status = (
        f"not_converged: the Chebyshev coefficients of f did not decay to tol*vscale = "
        f"{tol_eff * vglobal:.2e} with {coeffs.shape[0]} points (max_n = {max_n}). f may "
        "be non-smooth or singular in the domain (split the domain there), noisy (raise "
        "`tol` to the noise level) or very oscillatory (raise `max_n`)."
    )
    warnings.warn(status, RuntimeWarning, stacklevel=2)
    return Result(coeffs, status, stats, history, "chebyshev_adaptive")


def _sample_test(
    f: Callable[..., Any],
    coeffs: NDArray[Any],
    domain: tuple[float, float],
    values: NDArray[Any],
    hscale: float,
    vglobal: float,
    tol: float,
) -> bool:
    """Chebfun's ``sampleTest``: f and its interpolant agree at two off-grid points."""
    x = map_from_reference(_SAMPLE_TEST_POINTS, domain)
    vscale_f = np.max(np.abs(values.reshape(values.shape[0], -1)), axis=0)
    bound = math.sqrt(max(EPS, tol)) * np.maximum(hscale * vscale_f, vglobal)
    fx = _sample(f, x, values.shape[0]).reshape(2, -1)
    px = clenshaw(x, coeffs, domain).reshape(2, -1)
    return bool(np.all(np.abs(fx - px) <= bound))


def chebyshev_interpolate(
    f: Callable[[NDArray[np.float64]], ArrayLike],
    n: int,
    kind: int = 2,
    domain: tuple[float, float] = (-1.0, 1.0),
) -> NDArray[Any]:
    r"""Coefficients of the degree ``n-1`` interpolant of ``f`` at ``n`` Chebyshev points.

    ``chebyshev_coefficients(f(chebyshev_points(n, kind, domain)), kind)``.  Cost
    ``n`` samples plus O(n log n).  The interpolant is within a factor
    :math:`2 + \tfrac{2}{\pi}\log n` (the Lebesgue constant) of the best polynomial
    approximation.

    Parameters
    ----------
    f : callable
        Vectorised; returns shape (n,) or (n, k).  NaN/inf raise ``ValueError``.
    n : int
        Number of points, ``>= 1``.
    kind : {1, 2}
    domain : (float, float)

    See Also
    --------
    numpy.polynomial.chebyshev.chebinterpolate : first kind, O(n^2).
    chebyshev_adaptive : chooses ``n``.

    Examples
    --------
    >>> np.round(chebyshev_interpolate(lambda x: 4 * x**3, 4, kind=1), 14) + 0.0
    array([0., 3., 0., 1.])
    """
    n = check_int(n, "n", minimum=1)
    kind = _check_kind(kind)
    x = chebyshev_points(n, kind, domain)
    return chebyshev_coefficients(_sample(f, x, n), kind)
