r"""Floater-Hormann barycentric rational interpolation: no real poles, order h^(d+1).

Given ``n + 1`` distinct real nodes :math:`x_0 < \dots < x_n` and a blending degree
:math:`0 \le d \le n`, Floater and Hormann blend the ``n - d + 1`` interpolating
polynomials :math:`p_i` of degree ``d`` through :math:`(x_i, f_i), \dots, (x_{i+d},
f_{i+d})`:

.. math::

    r(x) = \frac{\sum_{i=0}^{n-d} \lambda_i(x) p_i(x)}{\sum_{i=0}^{n-d} \lambda_i(x)},
    \qquad \lambda_i(x) = \frac{(-1)^i}{(x - x_i)\cdots(x - x_{i+d})}.

The denominator has no real zero (Floater & Hormann 2007, Thm. 1), so ``r`` has no
poles on the real line, for every ``d``; for ``f`` in :math:`C^{d+2}` the error is
:math:`O(h^{d+1})` with ``h`` the largest gap (Thm. 2).  In barycentric form (their
eq. (18)) the weights are

.. math::

    w_k = \sum_{i \in J_k} (-1)^i \prod_{j=i,\, j\ne k}^{i+d} \frac{1}{x_k - x_j}
        = (-1)^{k-d} \sum_{i \in J_k} \prod_{j=i,\, j\ne k}^{i+d} \frac{1}{|x_k - x_j|},
    \qquad J_k = \{i : 0 \le i \le n - d,\ k - d \le i \le k\},

(the signed differences of the first form alternate the sign as in the second, for
ordered nodes); ``d = n`` gives the polynomial interpolant's weights.  The interpolant
is then evaluated by the second barycentric formula
(:func:`numlearn.classical.barycentric.barycentric_eval`) through
:class:`~numlearn.classical.rational.form.BarycentricRational`.

References
----------
.. [1] M. S. Floater and K. Hormann, "Barycentric rational interpolation with no poles
   and high rates of approximation", Numer. Math. 107, 315-331, 2007.
   :doi:`10.1007/s00211-007-0093-y`
.. [2] SciPy :class:`scipy.interpolate.FloaterHormannInterpolator` (same weights, up
   to a common factor); baryrat ``floater_hormann``; Chebfun ``ratinterp``'s
   ``'equi'`` option.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array, check_distinct, check_int
from numlearn.classical.rational.form import BarycentricRational

__all__ = ["floater_hormann", "floater_hormann_weights"]

# Rows of the (n - d + 1, d + 1, d + 1) difference tensor formed at a time: bounds the
# temporary to about 32 MB whatever n and d.
_CHUNK_ENTRIES = 4_000_000


def _check_nodes(x: ArrayLike) -> NDArray[np.float64]:
    if np.iscomplexobj(np.asarray(x)):
        raise TypeError(
            "`x` must be real: Floater-Hormann interpolation blends polynomials on an "
            "ordered set of real nodes (its no-real-pole guarantee needs that order). "
            "For complex sample points use numlearn.classical.rational.aaa.aaa."
        )
    nodes = as_float_array(x, "x", ndim=1, allow_complex=False).astype(np.float64)
    check_distinct(nodes, "x")
    return nodes


def _weights_sorted(x: NDArray[np.float64], d: int) -> NDArray[np.float64]:
    """Weights of ascending nodes ``x``, scaled to max |w| = 1.

    The products are accumulated as sums of logarithms and exponentiated after one
    common shift, so they neither overflow nor underflow for large ``d`` (``d = n``
    with ``n`` in the thousands has products far outside the float64 range); a common
    factor does not change the interpolant.
    """
    m = x.size
    n = m - 1
    win = sliding_window_view(x, d + 1)  # (n - d + 1, d + 1): nodes i .. i + d
    rows = n - d + 1
    logp = np.empty((rows, d + 1))
    step = max(1, _CHUNK_ENTRIES // ((d + 1) ** 2))
    eye = np.eye(d + 1, dtype=bool)
    for s in range(0, rows, step):
        blk = win[s : s + step]
        diff = np.abs(blk[:, :, None] - blk[:, None, :])
        diff[:, eye] = 1.0
        # logp[i, a] = sum_{b != a} log|x_{i+a} - x_{i+b}|
        logp[s : s + step] = np.log(diff).sum(axis=2)
    shift = logp.min()
    terms = np.exp(shift - logp)  # <= 1; 1/prod up to the common factor exp(shift)
    w = np.zeros(m)
    # Window i contributes terms[i, a] to node k = i + a: one strided add per offset a
    # (d + 1 vector operations instead of (n - d + 1)(d + 1) scalar ones).
    for a in range(d + 1):
        w[a : a + rows] += terms[:, a]
    w *= (-1.0) ** (np.arange(m) - d)
    return w / np.abs(w).max()


def floater_hormann_weights(x: ArrayLike, d: int = 3) -> NDArray[np.float64]:
    r"""Floater-Hormann barycentric weights of real nodes ``x`` (any order).

    .. math::

        w_k = (-1)^{k-d} \sum_{i \in J_k} \prod_{j=i,\, j\ne k}^{i+d}
        \frac{1}{|x_k - x_j|},

    with ``k`` the rank of ``x[k]`` among the nodes, scaled so that
    :math:`\max_k |w_k| = 1`.  Cost :math:`O(n d^2)` time and
    :math:`O(\min(n d^2, 4\cdot 10^6) + n d)` memory.

    Parameters
    ----------
    x : array_like, shape (n + 1,)
        Distinct finite real nodes; they need not be sorted (the weights come back in
        the order given).
    d : int, default 3
        Blending degree, ``0 <= d <= n``; ``d = n`` is polynomial interpolation.

    Returns
    -------
    ndarray, shape (n + 1,)
        float64 weights, signs alternating in the sorted order.

    Raises
    ------
    TypeError
        Complex ``x`` or a non-integer ``d``.
    ValueError
        Empty, non-1-D, non-finite or repeated nodes, or ``d`` outside ``[0, n]``.

    Examples
    --------
    >>> from numlearn.classical.rational.floater_hormann import floater_hormann_weights
    >>> floater_hormann_weights([0.0, 1.0, 2.0, 3.0], d=1)
    array([-0.5,  1. , -1. ,  0.5])
    """
    nodes = _check_nodes(x)
    d = _check_d(d, nodes.size)
    order = np.argsort(nodes, kind="stable")
    w = np.empty_like(nodes)
    w[order] = _weights_sorted(nodes[order], d)
    return w


def _check_d(d: Any, m: int) -> int:
    if isinstance(d, float | np.floating) and float(d).is_integer():
        raise TypeError(f"`d` must be an integer, got float {d!r}; pass int({d!r}).")
    value = check_int(d, "d", minimum=0)
    if value > m - 1:
        raise ValueError(
            f"`d` must be <= n = {m - 1} (the number of nodes minus one) for {m} nodes, "
            f"got {value}; use d <= {m - 1} (d = {m - 1} is polynomial interpolation) "
            "or give more nodes."
        )
    return value


def floater_hormann(x: ArrayLike, f: ArrayLike, d: int = 3) -> BarycentricRational:
    r"""The Floater-Hormann rational interpolant of ``f`` at real nodes ``x``.

    Blends the ``n - d + 1`` local interpolating polynomials of degree ``d`` (see the
    module docstring); the result is a rational function of type at most ``(n, n - d)``
    that interpolates the data, has **no poles on the real line** for any ``d``, and
    converges as :math:`O(h^{d+1})` for :math:`f \in C^{d+2}[a, b]`, ``h`` the largest
    gap (Floater & Hormann 2007, Thm. 2).  On equispaced nodes its Lebesgue constant
    is at most :math:`2^{d-1}(2 + \log n)` (Bos, De Marchi, Hormann, Klein 2012), so
    small ``d`` (3 to 8) is the usual choice there.

    Cost: :math:`O(n d^2)` for the weights (:func:`floater_hormann_weights`), then
    :math:`O(n)` per evaluation point (second barycentric formula, compensated sums).

    Parameters
    ----------
    x : array_like, shape (n + 1,)
        Distinct finite real nodes, any order.
    f : array_like, shape (n + 1,) or (n + 1, N)
        Values at the nodes, real or complex; ``N`` columns are ``N`` functions sharing
        nodes and weights (the result is then set-valued).
    d : int, default 3
        Blending degree, ``0 <= d <= n``.

    Returns
    -------
    BarycentricRational
        Nodes ``x`` (sorted ascending), the matching values, weights
        :func:`floater_hormann_weights` (``max |w| = 1``).

    Raises
    ------
    TypeError
        Complex ``x`` (use AAA for complex points), non-numeric ``f``, non-integer
        ``d``.
    ValueError
        Empty, non-finite or repeated nodes; ``f`` of the wrong shape or non-finite;
        ``d`` outside ``[0, n]``.

    See Also
    --------
    scipy.interpolate.FloaterHormannInterpolator : the same interpolant (its weights
        differ from ours by a common factor).
    numlearn.classical.rational.aaa.aaa : adaptive rational approximation, complex
        points, but poles may fall on the real line.

    References
    ----------
    .. [1] M. S. Floater and K. Hormann, Numer. Math. 107, 315-331, 2007.
       :doi:`10.1007/s00211-007-0093-y`
    .. [2] L. Bos, S. De Marchi, K. Hormann, G. Klein, "On the Lebesgue constant of
       barycentric rational interpolation at equidistant nodes", Numer. Math. 121,
       461-471, 2012. :doi:`10.1007/s00211-011-0442-8`

    Examples
    --------
    >>> import numpy as np
    >>> from numlearn.classical.rational.floater_hormann import floater_hormann
    >>> x = np.linspace(-5, 5, 41)
    >>> r = floater_hormann(x, 1 / (1 + x**2), d=4)
    >>> xx = np.linspace(-5, 5, 1001)
    >>> bool(np.max(np.abs(r(xx) - 1 / (1 + xx**2))) < 1e-3)
    True
    """
    nodes = _check_nodes(x)
    vals = as_float_array(f, "f", ndim=(1, 2))
    if vals.shape[0] != nodes.size:
        raise ValueError(
            f"`f` must have shape ({nodes.size},) or ({nodes.size}, N) to match `x` of "
            f"length {nodes.size}, got {vals.shape}; give one value (or row) per node."
        )
    if vals.dtype not in (np.float64, np.complex128):
        vals = vals.astype(np.complex128 if vals.dtype.kind == "c" else np.float64)
    d = _check_d(d, nodes.size)
    order = np.argsort(nodes, kind="stable")
    xs = nodes[order]
    w = _weights_sorted(xs, d)
    return BarycentricRational(xs, vals[order], w)
