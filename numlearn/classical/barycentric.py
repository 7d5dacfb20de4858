r"""Barycentric Lagrange interpolation: weights and evaluation (first, second and
trigonometric formulas), with the second formula's conditioning estimate.

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
:math:`\ell(x)`.  The Lebesgue function and constant are in
:mod:`numlearn.classical.lebesgue`, the interpolant object in
:mod:`numlearn.classical.barycentric_interpolant`.

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

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.threads import PAIR_COST, threads_for
from numlearn._core.validation import (
    as_float_array,
    check_domain,
    check_flag,
    compute_dtype,
    result_dtype,
    warn_ill_conditioned,
)
from numlearn.classical import _bary_kernels as _k
from numlearn.classical._bary_arrays import (
    LEBESGUE_WARN,
    _as_2d_real_view,
    _complex_node_hits,
    _finish,
    _prepare_eval,
    _prepare_nodes,
    _warn_lebesgue,
)
from numlearn.classical._limits import check_alloc

__all__ = [
    "LEBESGUE_WARN",
    "barycentric_eval",
    "barycentric_eval_first",
    "barycentric_weights",
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
        with threads_for(PAIR_COST["bary2"] * n * (n - 1)):
            _k.lebesgue_function(x, w, 0.5 * (xs[:-1] + xs[1:]), lam)
        warn_ill_conditioned(
            float(lam.max()),
            "Polynomial interpolation in these nodes (Lebesgue constant estimated at the "
            "gap midpoints)",
            threshold=LEBESGUE_WARN,
        )
    elif x.dtype.kind != "c" and n > 2:
        warn_ill_conditioned(
            np.inf, "Polynomial interpolation in these nodes (some weights underflow to 0)",
            threshold=LEBESGUE_WARN,
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

    A point equal to a node returns that node's value exactly (real or complex); a
    point so close to a node that :math:`w_j/(x - x_j)` overflows is evaluated with the
    nearest node's factor divided out (no overflow, no NaN).

    Conditioning.  The kernel also sums :math:`|w_j/(x - x_j)|`, which gives the
    Lebesgue function at every evaluation point,

    .. math:: \lambda(x) = \frac{\sum_j |w_j/(x - x_j)|}{|\sum_j w_j/(x - x_j)|}
              = \sum_j |\ell_j(x)|,

    the factor by which errors in the values, and the formula's own rounding errors,
    reach :math:`p(x)` (Higham 2004, Theorem 3.1; Mascarenhas & Camargo 2014): the
    expected error is about :math:`\lambda(x)\,\varepsilon\max|f|`.  It is small
    (:math:`\le 1 + \tfrac{2}{\pi}\log n`) for Chebyshev points inside their
    interval, and grows exponentially outside the interval and for equispaced nodes.
    Where it exceeds :data:`LEBESGUE_WARN` (``1e8``, an expected error above about
    ``2e-8 max|f|``) the function warns.  The estimate costs one absolute value and
    one addition per term (a few per cent of the evaluation).

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
        Values at the nodes; columns of a 2-D array are interpolated together
        (``k = 0`` gives an empty trailing axis, as SciPy).
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
        Non-numeric input; ``compensated`` not a bool.

    Warns
    -----
    IllConditionedWarning
        If the Lebesgue function exceeds :data:`LEBESGUE_WARN` at some evaluation
        point; the message names the worst point and the expected error.

    References
    ----------
    .. [1] N. J. Higham, IMA J. Numer. Anal. 24, 547-556, 2004 (forward error of the
       second formula, in terms of :math:`\lambda(x)`).
    .. [2] W. F. Mascarenhas and A. de Camargo, "On the backward stability of the
       second barycentric formula for interpolation", Dolomites Res. Notes Approx. 7,
       1-12, 2014.

    See Also
    --------
    scipy.interpolate.barycentric_interpolate : forms an ``(m, n)`` temporary.
    numlearn.classical.BarycentricInterpolator : binds nodes, weights and values.

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
    flag = check_flag(compensated, "compensated")
    xn, w, f, xe, out_dtype, shape = _prepare_eval(nodes, weights, values, x)
    f2, k = _as_2d_real_view(f, xe.dtype)
    m = xe.shape[0]
    check_alloc((m, f2.shape[1]), xe.dtype.itemsize, "x", "the result (points x columns)")
    # Complex points exactly on a node take the node's value here (Numba's complex
    # division raises on a zero divisor, where the real kernels rely on w/0 = inf).
    hits = _complex_node_hits(xn, xe)
    if hits is None:
        out = np.empty((m, f2.shape[1]), dtype=xe.dtype)
        lam = np.empty(m if f2.shape[1] else 0)
        xs, part, lpart = xe, out, lam
    else:
        out = np.empty((m, f2.shape[1]), dtype=xe.dtype)
        lam = np.ones(m)
        on = hits >= 0
        out[on] = f2[hits[on]]
        xs = np.ascontiguousarray(xe[~on])
        part = np.empty((xs.shape[0], f2.shape[1]), dtype=xe.dtype)
        lpart = np.empty(xs.shape[0])
    if f2.shape[1] and xs.shape[0]:
        with threads_for(PAIR_COST["bary2"] * xn.shape[0] * xs.shape[0] * f2.shape[1]):
            if f2.shape[1] == 1:
                _k.bary2_scalar(xn, w, f2[:, 0].copy(), xs, part[:, 0], lpart, flag)
            else:
                _k.bary2(xn, w, f2, xs, part, lpart, flag)
        if hits is not None:
            out[~on], lam[~on] = part, lpart
        _warn_lebesgue(lam, xe, "barycentric_eval")
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
    check_alloc((xe.shape[0], f2.shape[1]), xe.dtype.itemsize, "x",
                "the result (points x columns)")
    out = np.empty((xe.shape[0], f2.shape[1]), dtype=xe.dtype)
    with threads_for(PAIR_COST["bary1"] * xn.shape[0] * xe.shape[0] * f2.shape[1]):
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
    f = as_float_array(values, "values", ndim=(1, 2), allow_empty=True)
    if f.shape[0] == 0:
        raise ValueError("`values` is empty; it needs one value (row) per node, n >= 1.")
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
    check_alloc((xr.shape[0], f2.shape[1]), 8, "x", "the result (points x columns)")
    out = np.empty((xr.shape[0], f2.shape[1]))
    with threads_for(PAIR_COST["trig"] * n * xr.shape[0]):
        _k.trig_bary(xnodes, xr, scale, f2, n % 2 == 1, out)
    return _finish(out, k, out_dtype, shape, f)
