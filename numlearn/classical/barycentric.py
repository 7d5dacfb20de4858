r"""Barycentric Lagrange interpolation: weights, evaluation, Lebesgue constants.

The interpolating polynomial of degree ``n - 1`` through ``(x_j, f_j)`` is evaluated
in barycentric form.  With weights :math:`w_j = 1/\prod_{k\ne j}(x_j - x_k)` (any
common scaling allowed in the second form):

.. math::

    p(x) = \ell(x) \sum_j \frac{w_j f_j}{x - x_j}
    \quad\text{(first, modified Lagrange form)}, \qquad
    p(x) = \frac{\sum_j w_j f_j / (x - x_j)}{\sum_j w_j / (x - x_j)}
    \quad\text{(second, true form)},

with :math:`\ell(x) = \prod_j (x - x_j)`.  The first form is backward stable for any
node set; the second is forward stable for node sets with a small Lebesgue constant
(Chebyshev, Legendre) and points inside the interval (Higham 2004), and costs no
:math:`\ell(x)`.

References
----------
.. [1] J.-P. Berrut and L. N. Trefethen, "Barycentric Lagrange interpolation",
   SIAM Review 46(3), 501-517, 2004. :doi:`10.1137/S0036144502417715`
.. [2] N. J. Higham, "The numerical stability of barycentric Lagrange
   interpolation", IMA J. Numer. Anal. 24, 547-556, 2004.
   :doi:`10.1093/imanum/24.4.547`
.. [3] P. Henrici, "Barycentric formulas for interpolating trigonometric
   polynomials and their conjugates", Numer. Math. 33, 225-234, 1979.
.. [4] Chebfun ``bary.m``, ``baryWeights.m``; SciPy
   :class:`scipy.interpolate.BarycentricInterpolator`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.threads import threads_for
from numlearn._core.validation import (
    as_float_array,
    check_domain,
    check_int,
    compute_dtype,
    result_dtype,
    warn_ill_conditioned,
)
from numlearn.classical import _bary_kernels as _k
from numlearn.classical._bary_arrays import (
    _as_2d_real_view,
    _finish,
    _prepare_eval,
    _prepare_nodes,
    _prepare_weights,
    nodal_derivative,
)

# Warn when data errors can be amplified by more than 1e8 (half the digits).
_LEBESGUE_WARN = 1e8

__all__ = [
    "BarycentricInterpolant",
    "barycentric_eval",
    "barycentric_eval_first",
    "barycentric_weights",
    "lebesgue_constant",
    "lebesgue_function",
    "trig_barycentric_eval",
]


# --------------------------------------------------------------------------- weights


def barycentric_weights(nodes: ArrayLike) -> NDArray[Any]:
    r"""Barycentric weights of arbitrary distinct nodes, normalised.

    .. math:: w_j = \frac{C}{\prod_{k \ne j} (x_j - x_k)},

    with :math:`C` chosen so that :math:`\max_j |w_j| = 1` and :math:`w_0 > 0` (for
    complex nodes, :math:`w_0` real positive), the convention of the closed forms in
    :mod:`numlearn.classical.nodes`.  The products are carried as mantissa and binary
    exponent (renormalised with ``frexp`` after every factor), so nothing overflows
    or underflows in the products for ``n`` in the thousands, on any interval; only
    weights smaller than about ``2**-1074`` times the largest flush to zero, which
    cannot affect the second formula away from their own node.  Cost :math:`O(n^2)`
    time, :math:`O(n)` memory.

    These are the weights of the floating-point nodes as given.  For Chebyshev points
    they agree with the closed form to about ``n * eps`` relative (the rounded points
    are not exactly the Chebyshev points); the second formula does not care, the
    first formula (:func:`barycentric_eval_first`) needs these.

    Parameters
    ----------
    nodes : array_like, shape (n,)
        Distinct finite nodes, real or complex.

    Returns
    -------
    ndarray, shape (n,)
        float64 (complex128 for complex nodes).

    Raises
    ------
    ValueError
        Empty, non-finite or repeated nodes.

    Warns
    -----
    IllConditionedWarning
        If the Lebesgue constant of the (real) nodes, estimated at the midpoints of
        the gaps, exceeds 1e8: interpolated values may then lose more than half their
        digits (e.g. equispaced nodes, n > 35).

    See Also
    --------
    numlearn.classical.nodes.chebyshev_weights : closed forms (use those for Chebyshev).
    scipy.interpolate.BarycentricInterpolator : scales differences by the interval
        capacity instead.

    Examples
    --------
    >>> from numlearn.classical import barycentric_weights
    >>> barycentric_weights([-1.0, 0.0, 1.0])
    array([ 0.5, -1. ,  0.5])
    """
    x = _prepare_nodes(nodes)
    n = x.shape[0]
    mant = np.empty(n, dtype=x.dtype)
    expo = np.empty(n, dtype=np.int64)
    _k.lagrange_weights_scaled(x, mant, expo)
    # true_j = mant_j 2^expo_j with |mant_j| in (1, 2]; divide by the largest.
    jmax = int(np.argmax(expo + np.log2(np.abs(mant))))
    rel = expo - expo[jmax]
    if x.dtype.kind == "c":
        w = np.ldexp(mant.real, rel) + 1j * np.ldexp(mant.imag, rel)
    else:
        w = np.ldexp(mant, rel)
    w = w / abs(mant[jmax])
    # Sign (phase) convention w_0 > 0, taken from the mantissa: w_0 itself may have
    # underflowed to zero for wildly graded node sets.
    w = w * (abs(mant[0]) / mant[0])
    if x.dtype.kind != "c" and n > 2 and (w != 0).all():
        # Estimate the Lebesgue constant from the gap midpoints (where the Lebesgue
        # function peaks between nodes), O(n^2) like the weights themselves.
        xs = np.sort(x)
        lam = np.empty(n - 1)
        _k.lebesgue_function(x, w, 0.5 * (xs[:-1] + xs[1:]), lam)
        warn_ill_conditioned(
            float(lam.max()),
            "Polynomial interpolation in these nodes (Lebesgue constant estimated at the "
            "gap midpoints)",
            threshold=_LEBESGUE_WARN,
        )
    elif x.dtype.kind != "c" and n > 2:
        warn_ill_conditioned(
            np.inf, "Polynomial interpolation in these nodes (some weights underflow to 0)",
            threshold=_LEBESGUE_WARN,
        )
    return w


def _log2_scale_from(x: NDArray[Any], w: NDArray[Any]) -> tuple[complex | float, int]:
    """Return (factor, e) with factor * 2**e * w_j = 1/prod_{k != j}(x_j - x_k)."""
    j = int(np.argmax(np.abs(w)))
    m, e = _k.scaled_product(x[j], x, j)
    # true_j = 1/(m 2^e) = (1/m) 2^-e ; factor = true_j / (w_j 2^-e)
    factor = (1.0 / m) / w[j]
    return factor, -int(e)


# ------------------------------------------------------------------------- evaluation


def barycentric_eval(
    nodes: ArrayLike,
    weights: ArrayLike,
    values: ArrayLike,
    x: ArrayLike,
    *,
    compensated: bool = True,
) -> NDArray[Any]:
    r"""Evaluate an interpolant by the second (true) barycentric formula.

    .. math::

        p(x) = \frac{\sum_{j=0}^{n-1} \dfrac{w_j f_j}{x - x_j}}
                    {\sum_{j=0}^{n-1} \dfrac{w_j}{x - x_j}}.

    Forward stable for nodes with a small Lebesgue constant and ``x`` inside their
    interval (Higham 2004): with plain summation the error is bounded by about
    :math:`(3n + 4)\,\lambda(x)\,\varepsilon \max|f|`.  By default numerator and
    denominator are summed with compensation, which removes the factor ``n`` from the
    summation error: the terms are added in groups of four (one rounding each, of at
    most :math:`\varepsilon` times the group's sum of magnitudes) and the group sums
    join the running sums by Knuth's TwoSum (exact in IEEE arithmetic without
    fastmath), so the sums carry an error of about
    :math:`2\varepsilon\sum_j|w_j f_j/(x - x_j)|` instead of
    :math:`n\varepsilon` times it, at about the cost of the plain sums.  Outside
    the interval, or for badly distributed nodes (equispaced, large ``n``), use
    :func:`barycentric_eval_first`.

    A point equal to a node returns that node's value exactly; a point so close to a
    node that :math:`w_j/(x - x_j)` overflows is evaluated with the nearest node's
    factor divided out (no overflow, no NaN).

    Cost :math:`O(mn)` time for ``m`` points and ``n`` nodes, in parallel over the
    points (Numba ``prange``, blocks of 256 points); extra memory :math:`O(m)`: no
    ``(m, n)`` temporary is formed.

    Parameters
    ----------
    nodes : array_like, shape (n,)
        Distinct finite nodes (real or complex).  Integers are promoted to float64.
    weights : array_like, shape (n,)
        Barycentric weights, any common scaling (e.g. :func:`barycentric_weights`,
        :func:`~numlearn.classical.nodes.chebyshev_weights`).
    values : array_like, shape (n,) or (n, k)
        Values at the nodes; columns of a 2-D array are interpolated together.
    x : array_like, any shape
        Evaluation points.
    compensated : bool, default True
        Compensated summation of numerator and denominator (groups of four, TwoSum
        across groups); ``False`` gives plain sums, no faster on Chebyshev points of
        large ``n`` (see ``bench/``) and up to ``n`` times less accurate.

    Returns
    -------
    ndarray, shape ``x.shape + values.shape[1:]``
        float64, or complex128 if any input is complex.  If every input is float32
        (or complex64) the result keeps that dtype: the computation runs in 64 bit and
        is rounded once, so its accuracy is float32's, about ``6e-8`` relative.

    Raises
    ------
    ValueError
        Empty, non-finite or repeated nodes; NaN/inf in weights, values or x;
        mismatched lengths; zero weights.
    TypeError
        Non-numeric input.

    See Also
    --------
    scipy.interpolate.barycentric_interpolate : forms an ``(m, n)`` temporary.
    numlearn.classical.BarycentricInterpolant : binds nodes, weights and values.

    Examples
    --------
    >>> import numpy as np
    >>> from numlearn.classical import chebyshev_points, chebyshev_weights
    >>> from numlearn.classical import barycentric_eval
    >>> x = chebyshev_points(20)
    >>> p = barycentric_eval(x, chebyshev_weights(20), np.exp(x), np.array([0.3]))
    >>> bool(abs(p[0] - np.exp(0.3)) < 1e-15)
    True
    """
    xn, w, f, xe, out_dtype, shape = _prepare_eval(nodes, weights, values, x)
    f2, k = _as_2d_real_view(f, xe.dtype)
    m = xe.shape[0]
    out = np.empty((m, f2.shape[1]), dtype=xe.dtype)
    with threads_for(m):
        if f2.shape[1] == 1:
            _k.bary2_scalar(xn, w, f2[:, 0].copy(), xe, out[:, 0], bool(compensated))
        else:
            _k.bary2(xn, w, f2, xe, out, bool(compensated))
    return _finish(out, k, out_dtype, shape, f)


def barycentric_eval_first(
    nodes: ArrayLike, values: ArrayLike, x: ArrayLike, weights: ArrayLike | None = None
) -> NDArray[Any]:
    r"""Evaluate an interpolant by the first (modified Lagrange) barycentric formula.

    .. math:: p(x) = \ell(x) \sum_{j} \frac{w_j f_j}{x - x_j},
              \qquad \ell(x) = \prod_j (x - x_j).

    Backward stable for every node set and every ``x`` (Higham 2004), including
    extrapolation and badly distributed nodes, where the second formula is not
    forward stable.  :math:`\ell(x)` is carried as mantissa and exponent so that it
    never overflows; the weights' common scale is recovered from one product.

    Cost :math:`O(n^2)` once for the weights (if not given), then :math:`O(mn)` with
    an ``frexp`` per factor (a few times slower than :func:`barycentric_eval`);
    memory :math:`O(m)`.

    Parameters
    ----------
    nodes, values, x
        As in :func:`barycentric_eval`.
    weights : array_like, optional
        The Lagrange weights of exactly these (floating-point) nodes up to one common
        factor, as :func:`barycentric_weights` returns.  Closed-form Chebyshev weights
        are *not* suitable here: they belong to the exact Chebyshev points, and the
        first formula is sensitive to the difference.  Computed if omitted.

    Returns
    -------
    ndarray, shape ``x.shape + values.shape[1:]``
        As in :func:`barycentric_eval`; where the interpolant's value overflows
        (far extrapolation of a high degree), ``inf``.
    """
    if weights is None:
        weights = barycentric_weights(as_float_array(nodes, "nodes", ndim=1))
    xn, w, f, xe, out_dtype, shape = _prepare_eval(nodes, weights, values, x)
    factor, e = _log2_scale_from(xn, w)
    f2, k = _as_2d_real_view(f, xe.dtype)
    wf = (w * factor).astype(xe.dtype)
    out = np.empty((xe.shape[0], f2.shape[1]), dtype=xe.dtype)
    with threads_for(xe.shape[0]):
        _k.bary1(xn, wf, e, f2, xe, out)
    return _finish(out, k, out_dtype, shape, f)


def trig_barycentric_eval(
    values: ArrayLike,
    x: ArrayLike,
    domain: tuple[float, float] = (0.0, 2.0 * np.pi),
) -> NDArray[Any]:
    r"""Evaluate the trigonometric interpolant of values at equispaced periodic points.

    For nodes :math:`x_j = a + jL/n` (:func:`~numlearn.classical.nodes.fourier_points`,
    period :math:`L = b - a`) and :math:`\theta = 2\pi(x - a)/L`:

    .. math::

        t(x) = \frac{\sum_j (-1)^j f_j\, \kappa(\tfrac{\theta - \theta_j}{2})}
                    {\sum_j (-1)^j \kappa(\tfrac{\theta - \theta_j}{2})},
        \qquad \kappa = \csc \text{ (n odd)}, \quad \kappa = \cot \text{ (n even)}

    (Henrici 1979; Berrut 1984).  For even ``n`` this is the interpolant whose
    Nyquist mode is :math:`\cos(n\theta/2)`, the real part of the FFT interpolant
    (Chebfun ``trigtech``).  Cost :math:`O(mn)` with one sine (and cosine) per term;
    stable for all ``x`` (the kernel is periodic, so there is no extrapolation).

    Parameters
    ----------
    values : array_like, shape (n,) or (n, k)
        Values at ``fourier_points(n, domain)``.
    x : array_like, any shape
        Evaluation points (any real numbers; the interpolant is periodic).
    domain : (float, float)
        One period ``[a, b)``.

    Returns
    -------
    ndarray, shape ``x.shape + values.shape[1:]``
    """
    a, b = check_domain(domain)
    f = as_float_array(values, "values", ndim=(1, 2))
    xe = as_float_array(x, "x", allow_complex=False, allow_empty=True)
    shape = xe.shape + f.shape[1:]
    out_dtype = result_dtype(f, xe)
    n = f.shape[0]
    period = b - a
    # Reduce into [a, b) (exact for points already there), then compare with the
    # nodes as fourier_points computes them, so that a node returns its value exactly.
    xr = xe.reshape(-1).astype(np.float64)
    outside = (xr < a) | (xr >= b)
    xr[outside] = a + np.mod(xr[outside] - a, period)
    xnodes = a + period * (np.arange(n, dtype=np.float64) / n)
    scale = 2.0 * np.pi / period
    f2, k = _as_2d_real_view(f.astype(compute_dtype(f.dtype)), np.dtype(np.float64))
    out = np.empty((xr.shape[0], f2.shape[1]))
    with threads_for(xr.shape[0]):
        _k.trig_bary(xnodes, xr, scale, f2, n % 2 == 1, out)
    return _finish(out, k, out_dtype, shape, f)


# ----------------------------------------------------------------- Lebesgue constant


def lebesgue_function(nodes: ArrayLike, weights: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
    r"""The Lebesgue function :math:`\lambda(x) = \sum_j |\ell_j(x)|`.

    In barycentric form :math:`\lambda(x) = \sum_j |w_j/(x-x_j)| / |\sum_j w_j/(x-x_j)|`.
    Cost :math:`O(mn)`.
    """
    xn, w, _, xe, _, shape = _prepare_eval(nodes, weights, np.zeros(np.shape(nodes)), x)
    out = np.empty(xe.shape[0])
    _k.lebesgue_function(xn, w.astype(xe.dtype), xe, out)
    return out.reshape(shape)


def lebesgue_constant(
    nodes: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    domain: tuple[float, float] | None = None,
    samples_per_gap: int = 32,
) -> float:
    r"""The Lebesgue constant :math:`\Lambda_n = \max_{x\in[a,b]} \lambda(x)`.

    Estimated by sampling :math:`\lambda` at ``samples_per_gap`` points in each gap
    between consecutive nodes (and between the domain ends and the outer nodes), then
    refining around the largest sample with a golden-section search.  It bounds the
    amplification of data errors: :math:`\|p - p^*\|_\infty \le
    (1 + \Lambda_n) \|f - p^*\|_\infty`.  Chebyshev points give
    :math:`\Lambda_n \sim (2/\pi)\log n`; equispaced points
    :math:`\sim 2^n/(e\,n\log n)`.  Cost :math:`O(n^2 \cdot \text{samples\_per\_gap})`.

    Parameters
    ----------
    nodes : array_like, shape (n,)
        Distinct real nodes.
    weights : array_like, optional
        Barycentric weights; computed by :func:`barycentric_weights` if omitted.
    domain : (float, float), optional
        Interval of the maximum; defaults to ``(min(nodes), max(nodes))``.
    samples_per_gap : int, default 32
    """
    xn = _prepare_nodes(nodes, allow_complex=False)
    w = barycentric_weights(xn) if weights is None else _prepare_weights(weights, xn)
    a, b = (xn.min(), xn.max()) if domain is None else check_domain(domain)
    spg = check_int(samples_per_gap, "samples_per_gap", minimum=2)
    edges = np.unique(np.concatenate([[a], xn[(xn > a) & (xn < b)], [b]]))
    t = np.linspace(0.0, 1.0, spg + 1)[:-1]
    grid = np.concatenate([(edges[:-1, None] + t * np.diff(edges)[:, None]).ravel(), [b]])
    lam = lebesgue_function(xn, w, grid)
    i = int(np.argmax(lam))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    g = (math.sqrt(5.0) - 1.0) / 2.0
    best = float(lam[i])
    for _ in range(60):  # golden section: the maximum of lambda is smooth in a gap
        c, d = hi - g * (hi - lo), lo + g * (hi - lo)
        fc, fd = lebesgue_function(xn, w, np.array([c, d]))
        if fc > fd:
            hi = d
        else:
            lo = c
        best = max(best, float(fc), float(fd))
    return best


# ---------------------------------------------------------------------- the class


class BarycentricInterpolant:
    r"""A polynomial interpolant in barycentric form: nodes, weights and values.

    A thin class over :func:`barycentric_eval` and the differentiation kernels (as
    :class:`numpy.polynomial.Chebyshev` binds ``chebval``).

    Parameters
    ----------
    nodes : array_like, shape (n,)
        Distinct finite nodes.
    values : array_like, shape (n,) or (n, k)
        Values at the nodes.
    weights : array_like, optional
        Barycentric weights; by default :func:`barycentric_weights` (:math:`O(n^2)`).
        Pass the closed form for Chebyshev or Legendre points.
    domain : (float, float), optional
        Interval on which the interpolant is used; defaults to the node range.
    extrapolate : bool, default False
        If False, evaluating outside ``domain`` raises `ValueError`; if True, such
        points are evaluated with the first (backward stable) formula.

    Notes
    -----
    ``nodes``, ``values`` and ``weights`` are copied on construction (:math:`O(nk)`,
    cheap beside the evaluation), so changing the caller's arrays afterwards does not
    change the interpolant.

    Examples
    --------
    >>> import numpy as np
    >>> from numlearn.classical import BarycentricInterpolant, chebyshev_points
    >>> from numlearn.classical import chebyshev_weights
    >>> x = chebyshev_points(30)
    >>> p = BarycentricInterpolant(x, np.sin(x), chebyshev_weights(30))
    >>> bool(abs(p(0.5) - np.sin(0.5)) < 1e-15)
    True
    """

    def __init__(
        self,
        nodes: ArrayLike,
        values: ArrayLike,
        weights: ArrayLike | None = None,
        *,
        domain: tuple[float, float] | None = None,
        extrapolate: bool = False,
    ) -> None:
        # Copies: the validators return the caller's array when it is already float64.
        self.nodes = np.array(_prepare_nodes(nodes), copy=True)
        self.values = np.array(as_float_array(values, "values", ndim=(1, 2)), copy=True)
        if self.values.shape[0] != self.nodes.shape[0]:
            raise ValueError(
                f"`values` has {self.values.shape[0]} rows but there are "
                f"{self.nodes.shape[0]} nodes; pass one value (row) per node."
            )
        self.weights = (
            barycentric_weights(self.nodes)
            if weights is None
            else np.array(_prepare_weights(weights, self.nodes), copy=True)
        )
        real = self.nodes.dtype.kind != "c"
        if domain is None:
            self.domain = (
                (float(self.nodes.min()), float(self.nodes.max())) if real else None
            )
        else:
            self.domain = check_domain(domain)
        self.extrapolate = bool(extrapolate)
        self._wl: NDArray[Any] | None = None

    def _lagrange_weights(self) -> NDArray[Any]:
        # The first formula needs the weights of the floating-point nodes (see
        # barycentric_eval_first); computed once, O(n^2), only if extrapolating.
        if self._wl is None:
            self._wl = barycentric_weights(self.nodes)
        return self._wl

    @property
    def n(self) -> int:
        """Number of nodes (degree + 1)."""
        return int(self.nodes.shape[0])

    def __call__(self, x: ArrayLike) -> NDArray[Any]:
        """Evaluate at ``x`` (any shape); see :func:`barycentric_eval`."""
        xe = as_float_array(x, "x", allow_empty=True)
        if self.domain is None or np.iscomplexobj(xe):
            return barycentric_eval(self.nodes, self.weights, self.values, xe)
        a, b = self.domain
        outside = (xe < a) | (xe > b)
        if not outside.any():
            return barycentric_eval(self.nodes, self.weights, self.values, xe)
        if not self.extrapolate:
            bad = xe[outside].flat[0]
            raise ValueError(
                f"`x` has {int(outside.sum())} point(s) outside the domain [{a}, {b}] "
                f"(e.g. {bad}); pass `extrapolate=True` to evaluate them with the "
                "first barycentric formula, or map them into the domain."
            )
        out = barycentric_eval(self.nodes, self.weights, self.values, np.where(outside, a, xe))
        out[outside] = barycentric_eval_first(
            self.nodes, self.values, xe[outside], self._lagrange_weights()
        )
        return out

    def derivative(self, order: int = 1) -> BarycentricInterpolant:
        """The interpolant of the ``order``-th derivative, on the same nodes.

        Its values at the nodes are the exact derivative of this polynomial, computed
        by the barycentric differentiation formula (:math:`O(n^2)` per order, matrix-
        free, negative-sum trick), the computation of
        :func:`numlearn.classical.differentiation.derivative_values`.
        """
        order = check_int(order, "order", minimum=0)
        d = nodal_derivative(self.nodes, self.weights, self.values, order)
        return BarycentricInterpolant(
            self.nodes, d, self.weights, domain=self.domain, extrapolate=self.extrapolate
        )

    def lebesgue_constant(self) -> float:
        """The Lebesgue constant of the nodes on :attr:`domain`; see
        :func:`lebesgue_constant`."""
        return lebesgue_constant(self.nodes, self.weights, domain=self.domain)

    def __repr__(self) -> str:
        return (
            f"BarycentricInterpolant(n={self.n}, domain={self.domain}, "
            f"values_shape={self.values.shape}, dtype={self.values.dtype})"
        )
