r"""Chebyshev series on an interval: values <-> coefficients, evaluation, calculus, quadrature.

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

import warnings
from typing import Any

import numpy as np
import scipy.fft
from numpy.typing import ArrayLike, NDArray

from numlearn._core.threads import PAIR_COST, threads_for
from numlearn._core.validation import (
    as_float_array,
    check_domain,
    check_flag,
    check_int,
    compute_dtype,
    result_dtype,
)
from numlearn.classical._chebyshev_kernels import (
    clenshaw_kernel,
    clenshaw_kernel_complex,
)
from numlearn.classical._clenshaw_repair import repair_overflow
from numlearn.classical._limits import check_alloc
from numlearn.classical.nodes import (
    _check_kind,
    map_to_reference,
)

__all__ = [
    "chebyshev_coefficients",
    "chebyshev_derivative_coefficients",
    "chebyshev_integral_coefficients",
    "chebyshev_values",
    "clenshaw",
    "clenshaw_curtis",
    "clenshaw_curtis_weights",
]


# --------------------------------------------------------------------------------------
# values <-> coefficients
# --------------------------------------------------------------------------------------


def _columns(a: ArrayLike, name: str) -> tuple[NDArray[Any], np.dtype[Any], bool]:
    """Validate ``a`` as (n,) or (n, k), ``n >= 1`` (``k = 0`` allowed, as SciPy); return
    it as 2-D in the compute dtype."""
    arr = _nonempty_rows(as_float_array(a, name, ndim=(1, 2), allow_empty=True), name)
    out = result_dtype(arr)
    work = arr.astype(compute_dtype(out), copy=True)
    one_d = work.ndim == 1
    return (work[:, None] if one_d else work), out, one_d


def _nonempty_rows(arr: NDArray[Any], name: str) -> NDArray[Any]:
    """``arr`` unless its first axis is empty (zero columns are fine)."""
    if arr.shape[0] == 0:
        raise ValueError(f"`{name}` is empty; it needs at least one entry (row).")
    return arr


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
    x: ArrayLike,
    coeffs: ArrayLike,
    domain: tuple[float, float] = (-1.0, 1.0),
    *,
    extrapolate: bool = False,
) -> NDArray[Any]:
    r"""Evaluate a Chebyshev series at arbitrary points by Clenshaw's recurrence.

    With :math:`s = (2x - a - b)/(b - a)`,

    .. math::

        b_{n} = b_{n+1} = 0, \quad b_k = c_k + 2 s\, b_{k+1} - b_{k+2}
        \ (k = n-1, \dots, 1), \quad p(x) = c_0 + s\, b_1 - b_2.

    Cost O(n) per point and column, in a parallel Numba kernel; memory O(len(x))
    (no ``len(x) x n`` temporaries).

    Stability: in the standard recurrence a rounding error made at step ``k`` reaches
    the result multiplied by :math:`U_{k-1}(s)`, and :math:`|U_{k-1}(s)| \le \min(k,
    1/\sqrt{1-s^2})` on [-1, 1] (Gentleman 1969, Oliver 1977): the forward error is
    about :math:`\varepsilon\sum_k|c_k|/\sqrt{1-s^2}` in the interior but grows to
    :math:`O(n\,\varepsilon\sum_k|c_k|)` within :math:`O(n^{-2})` of :math:`\pm 1`.
    For real :math:`1/2 \le |s| \le 2` the kernel therefore uses Reinsch's modified
    recurrence (Oliver 1977), which carries :math:`d_k = b_k \mp b_{k+1}` with the
    exact factor :math:`s \mp 1`,

    .. math::

        d_k = c_k + 2(s - \sigma) b_{k+1} + \sigma d_{k+1}, \quad
        b_k = d_k + \sigma b_{k+1}, \quad p = c_0 + (s - \sigma) b_1 + \sigma d_1,
        \qquad \sigma = \operatorname{sign} s,

    whose error stays :math:`O(\varepsilon\sum_k|c_k|)` up to the endpoints,
    where the standard recurrence's grows like :math:`k\,\varepsilon\sum_k|c_k|`
    (:math:`|U_k(\pm 1)| = k + 1`).  Points outside ``domain`` extrapolate the
    polynomial; there :math:`|T_k(s)|` grows like :math:`(|s| + \sqrt{s^2-1})^k` and
    so do the value and its error.  Since a forgotten ``domain=`` is the usual reason
    for such points (a series built on (1, 3) evaluated with the default (-1, 1) was off
    by 2290 at x = 2), real points outside ``domain`` by more than four ulps of its
    endpoints give a ``RuntimeWarning`` unless ``extrapolate=True``.

    Parameters
    ----------
    x : array_like, any shape
        Evaluation points, real or complex (complex ``s`` evaluates the polynomial in
        the complex plane).  An empty ``x`` gives an empty result.
    coeffs : array_like, shape (n,) or (n, k)
        Coefficients of :math:`T_0, \dots, T_{n-1}`; columns are independent series.
    domain : (float, float)
        The interval ``(a, b)`` that is mapped to [-1, 1]: the domain the coefficients
        were computed on.
    extrapolate : bool, default False
        Evaluate outside ``domain`` without the warning (complex ``x`` never warns).

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

    Warns
    -----
    RuntimeWarning
        If real points lie outside ``domain`` (and ``extrapolate`` is False).

    Examples
    --------
    >>> clenshaw([0.0, 0.5, 2.0], [0.0, 0.0, 1.0], extrapolate=True)   # T_2 = 2x^2 - 1
    array([-1. , -0.5,  7. ])
    >>> float(clenshaw(3.0, [1.0, 1.0], domain=(2.0, 4.0)))   # 1 + s, s = 0
    1.0
    """
    return _clenshaw(x, coeffs, domain, extrapolate=check_flag(extrapolate, "extrapolate"),
                     stacklevel=3)


def _clenshaw(
    x: ArrayLike,
    coeffs: ArrayLike,
    domain: tuple[float, float],
    *,
    extrapolate: bool,
    stacklevel: int = 2,
) -> NDArray[Any]:
    """:func:`clenshaw`; the warning points ``stacklevel`` frames up (for wrappers)."""
    xa = as_float_array(x, "x", allow_empty=True)
    carr = _nonempty_rows(as_float_array(coeffs, "coeffs", ndim=(1, 2), allow_empty=True),
                          "coeffs")
    domain = check_domain(domain)
    if not extrapolate:
        _warn_outside(xa, domain, stacklevel + 1)
    one_d = carr.ndim == 1
    out_dtype = result_dtype(xa, carr)
    work = compute_dtype(out_dtype)
    c = carr[:, None] if one_d else carr
    with np.errstate(over="ignore"):  # 2x past the largest float: s = +-inf, handled
        s = map_to_reference(xa.astype(compute_dtype(xa.dtype)).ravel(), domain)
    s = np.ascontiguousarray(s)
    c = np.ascontiguousarray(c.astype(work, copy=False))
    out = np.empty((s.shape[0], c.shape[1]), dtype=work)
    if s.shape[0]:
        with threads_for(PAIR_COST["clenshaw"] * c.shape[0] * s.shape[0] * c.shape[1]):
            if np.iscomplexobj(s):
                clenshaw_kernel_complex(s, c, out)
            else:
                clenshaw_kernel(s, c, out)
        repair_overflow(s, c, out)
    shape = xa.shape if one_d else (*xa.shape, c.shape[1])
    return out.reshape(shape).astype(out_dtype, copy=False)[()]


def _warn_outside(xa: NDArray[Any], domain: tuple[float, float], stacklevel: int) -> None:
    """Warn if real points lie outside ``domain`` by more than 4 ulps of its ends."""
    if np.iscomplexobj(xa) or xa.size == 0:
        return
    a, b = domain
    lo, hi = float(xa.min()), float(xa.max())
    slack = 4.0 * float(np.spacing(max(abs(a), abs(b))))
    if lo >= a - slack and hi <= b + slack:
        return
    count = int(np.count_nonzero((xa < a - slack) | (xa > b + slack)))
    warnings.warn(
        f"{count} of {xa.size} points lie outside the domain [{a:g}, {b:g}] (they span "
        f"[{lo:.6g}, {hi:.6g}]): the series is extrapolated there. If the coefficients "
        "belong to another interval, pass it as `domain=(a, b)`; to extrapolate on "
        "purpose, pass `extrapolate=True`.",
        RuntimeWarning,
        stacklevel=stacklevel,
    )


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
    check_alloc((n,), 8 * 4, "n", "the weights and their DCT workspace")
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

    Raises
    ------
    TypeError
        If ``values`` is a function: this rule takes samples (for a function use
        ``chebyshev_adaptive(f, domain).value.sum()``, which also chooses ``n``).

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
    if callable(values):
        raise TypeError(
            "`values` must be samples at Chebyshev points, got a callable "
            f"({type(values).__name__}): pass f(chebyshev_points(n, 2, domain)), or "
            "integrate adaptively with chebyshev_adaptive(f, domain).value.sum()."
        )
    v, out, one_d = _columns(values, "values")
    w = clenshaw_curtis_weights(v.shape[0], domain)
    r = (w @ v).astype(out, copy=False)
    return r[0] if one_d else r
