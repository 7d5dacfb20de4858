r"""The Lebesgue function and constant of a node set, in barycentric form.

:math:`\lambda(x) = \sum_j |\ell_j(x)|` bounds how much the interpolant at ``x``
amplifies errors in the data; its maximum over the interval, the Lebesgue constant
:math:`\Lambda_n`, bounds it everywhere: :math:`\|p - p^*\|_\infty \le (1 + \Lambda_n)
\|f - p^*\|_\infty`.  It is also the conditioning estimate of the second barycentric
formula (:func:`~numlearn.classical.barycentric.barycentric_eval` computes it at its
evaluation points and warns when it is large).

References
----------
.. [1] N. J. Higham, "The numerical stability of barycentric Lagrange
   interpolation", IMA J. Numer. Anal. 24, 547-556, 2004.
   :doi:`10.1093/imanum/24.4.547`
.. [2] L. N. Trefethen, *Approximation Theory and Approximation Practice*, SIAM,
   2013, chapter 15 (Lebesgue constants).
.. [3] Chebfun ``lebesgue.m``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.threads import PAIR_COST, threads_for
from numlearn._core.validation import check_domain, check_int
from numlearn.classical import _bary_kernels as _k
from numlearn.classical._bary_arrays import (
    _complex_node_hits,
    _prepare_eval,
    _prepare_nodes,
    _prepare_weights,
)
from numlearn.classical._limits import check_alloc
from numlearn.classical.barycentric import barycentric_weights

__all__ = ["lebesgue_constant", "lebesgue_function"]


def lebesgue_function(nodes: ArrayLike, weights: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
    r"""The Lebesgue function :math:`\lambda(x) = \sum_j |\ell_j(x)|`.

    In barycentric form :math:`\lambda(x) = \sum_j |w_j/(x-x_j)| / |\sum_j w_j/(x-x_j)|`;
    exactly 1 at the nodes.  Cost :math:`O(mn)`.

    Parameters
    ----------
    nodes : array_like, shape (n,)
        Distinct finite nodes (real or complex).
    weights : array_like, shape (n,)
        Barycentric weights, any common scaling.
    x : array_like, any shape
        Evaluation points.

    Returns
    -------
    ndarray of float64, shape ``x.shape``
    """
    xn, w, _, xe, _, shape = _prepare_eval(nodes, weights, np.zeros(np.shape(nodes)), x)
    out = np.ones(xe.shape[0])
    hits = _complex_node_hits(xn, xe)
    rest = xe if hits is None else xe[hits < 0]
    part = np.empty(rest.shape[0])
    with threads_for(PAIR_COST["bary2"] * xn.shape[0] * rest.shape[0]):
        _k.lebesgue_function(xn, w.astype(xe.dtype), np.ascontiguousarray(rest), part)
    if hits is None:
        out = part
    else:
        out[hits < 0] = part
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
        Barycentric weights; computed by
        :func:`~numlearn.classical.barycentric.barycentric_weights` if omitted.
    domain : (float, float), optional
        Interval of the maximum; defaults to ``(min(nodes), max(nodes))``.
    samples_per_gap : int, default 32
        At least 2 and at most :data:`MAX_SAMPLES_PER_GAP`.

    Raises
    ------
    ValueError, TypeError
        Bad nodes or weights (see :func:`lebesgue_function`), a bad ``domain``, or
        ``samples_per_gap`` not an integer in ``[2, MAX_SAMPLES_PER_GAP]``.
    """
    xn = _prepare_nodes(nodes, allow_complex=False)
    w = barycentric_weights(xn) if weights is None else _prepare_weights(weights, xn)
    a, b = (xn.min(), xn.max()) if domain is None else check_domain(domain)
    spg = check_int(samples_per_gap, "samples_per_gap", minimum=2, maximum=MAX_SAMPLES_PER_GAP)
    check_alloc(((xn.shape[0] + 1) * spg,), 8, "samples_per_gap", "the sampling grid")
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


#: Largest ``samples_per_gap`` of :func:`lebesgue_constant`: the sampling grid has
#: ``(n + 1) * samples_per_gap`` points, and beyond this the golden-section
#: refinement gains nothing a denser grid would.
MAX_SAMPLES_PER_GAP: int = 4096
