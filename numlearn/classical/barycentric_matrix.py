r"""The barycentric interpolation matrix ``P[i, j] = ell_j(y_i)`` (Chebfun's ``barymat``).

``P @ f`` is the second-form barycentric interpolant of the nodal values ``f``
evaluated at the points ``y``; its rows are bitwise those of
:func:`~numlearn.classical.barycentric.barycentric_eval` applied to the identity.

References
----------
.. [1] J.-P. Berrut and L. N. Trefethen, "Barycentric Lagrange interpolation",
   SIAM Review 46(3), 501-517, 2004. :doi:`10.1137/S0036144502417715`
.. [2] Chebfun ``barymat.m``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array
from numlearn.classical._bary_arrays import _prepare_nodes, _prepare_weights, _warn_lebesgue
from numlearn.classical._limits import check_alloc

__all__ = ["barycentric_matrix"]


def barycentric_matrix(
    x_eval: ArrayLike, nodes: ArrayLike, weights: ArrayLike
) -> NDArray[np.float64]:
    r"""The interpolation matrix ``P[i, j] = ell_j(x_eval[i])`` of the second barycentric form.

    .. math::

        P_{ij} = \frac{w_j / (y_i - x_j)}{\sum_k w_k / (y_i - x_k)},

    so ``P @ f`` is the interpolant of the values ``f`` at the nodes ``x`` evaluated at
    the points ``y = x_eval`` (Chebfun's ``barymat``): the resampling matrix of
    rectangular collocation, the node-to-collocation-point map of space-time
    collocation.  A row whose ``y_i`` equals a node ``x_j`` is exactly ``e_j``; a row
    so close to a node that a term overflows is computed with the nearest node's
    factor divided out, as in :func:`~numlearn.classical.barycentric.barycentric_eval`.

    The denominator is summed as in the compensated kernel of
    :func:`~numlearn.classical.barycentric.barycentric_eval` (groups of four terms, group sums
    joined by Knuth's TwoSum), so the rows are
    bitwise what ``barycentric_eval(nodes, weights, np.eye(n), x_eval)`` returns,
    column by column, and accurate to a few ulps whatever ``n``; plain summation
    would let the denominator's error grow like ``n eps``.  Accuracy: forward stable
    for nodes with a small Lebesgue constant and points in their interval (Higham
    2004); every entry is within about :math:`3\varepsilon` relative of the exact
    ratio of the rounded terms.

    Cost :math:`O(mn)` time and memory for ``m`` points and ``n`` nodes (the matrix
    itself).

    Parameters
    ----------
    x_eval : array_like, shape (m,)
        Real evaluation points.
    nodes : array_like, shape (n,)
        Distinct real nodes.
    weights : array_like, shape (n,)
        Barycentric weights, any common scaling (e.g.
        :func:`~numlearn.classical.nodes.chebyshev_weights`).

    Returns
    -------
    ndarray, shape (m, n), float64

    Raises
    ------
    ValueError
        Empty, non-finite or repeated nodes, NaN/inf points, zero weights, or a
        matrix over 16 GiB (``m n > 2**31``; build it in blocks of rows).

    Warns
    -----
    IllConditionedWarning
        If a row's absolute sum, the Lebesgue function :math:`\sum_j |P_{ij}|` at
        ``y_i``, exceeds :data:`~numlearn.classical.barycentric.LEBESGUE_WARN`, as in
        :func:`~numlearn.classical.barycentric.barycentric_eval`.

    References
    ----------
    .. [1] J.-P. Berrut and L. N. Trefethen, "Barycentric Lagrange interpolation",
       SIAM Review 46(3), 501-517, 2004, eq. (4.2).
    .. [2] Chebfun ``barymat.m``.

    Examples
    --------
    >>> from numlearn.classical import chebyshev_points, chebyshev_weights
    >>> x = chebyshev_points(3)
    >>> barycentric_matrix(np.array([-1.0, 0.5]), x, chebyshev_weights(3))
    array([[ 1.   ,  0.   ,  0.   ],
           [-0.125,  0.75 ,  0.375]])
    """
    xn = _prepare_nodes(nodes, allow_complex=False)
    w = _prepare_weights(as_float_array(weights, "weights", ndim=1, allow_complex=False), xn)
    y = as_float_array(x_eval, "x_eval", ndim=1, allow_complex=False, allow_empty=True)
    xn, w, y = (np.asarray(a, dtype=np.float64) for a in (xn, w, y))
    n = xn.shape[0]
    check_alloc((y.shape[0], n), 8, "x_eval", "the interpolation matrix")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t = w[None, :] / (y[:, None] - xn[None, :])
        den = np.zeros(y.shape[0])
        cden = np.zeros(y.shape[0])

        def two_sum(a: NDArray[np.float64], c: NDArray[np.float64], g: NDArray[np.float64]
                    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
            s = a + g
            bp = s - a
            return s, c + ((a - (s - bp)) + (g - bp))

        # The grouping of the compensated kernel (_bary_kernels.bary2), term for term.
        n4 = n - n % 4
        for j in range(0, n4, 4):
            den, cden = two_sum(den, cden, (t[:, j] + t[:, j + 1]) + (t[:, j + 2] + t[:, j + 3]))
        for j in range(n4, n):
            den, cden = two_sum(den, cden, t[:, j])
        d = den + cden
        p = t / d[:, None]
        bad = ~np.isfinite(d) | (d == 0) | ~np.isfinite(p).all(axis=1)
    for i in np.flatnonzero(bad):
        # Nearest node factored out (the kernel's _repair_point): an exact hit gives
        # e_j, a near hit terms w_j d / (y - x_j) of size <= |w_j|.
        jn = int(np.argmin(np.abs(y[i] - xn)))
        dist = y[i] - xn[jn]
        p[i] = 0.0
        if dist == 0:
            p[i, jn] = 1.0
            continue
        acc = w[jn] + 0 * dist
        p[i, jn] = w[jn]
        for j in range(n):
            if j != jn:
                term = w[j] * (dist / (y[i] - xn[j]))
                acc += term
                p[i, j] = term
        p[i] /= acc
    if y.shape[0]:
        # Row sums of |P| are the Lebesgue function at the points (cheap beside P).
        _warn_lebesgue(np.abs(p).sum(axis=1), y, "barycentric_matrix")
    return p
