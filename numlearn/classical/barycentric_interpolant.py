r"""A polynomial interpolant in barycentric form: a thin class over the barycentric
functions (:mod:`numlearn.classical.barycentric`), as :class:`numpy.polynomial.Chebyshev`
binds ``chebval``.

References
----------
.. [1] J.-P. Berrut and L. N. Trefethen, "Barycentric Lagrange interpolation",
   SIAM Review 46(3), 501-517, 2004. :doi:`10.1137/S0036144502417715`
.. [2] SciPy :class:`scipy.interpolate.BarycentricInterpolator`; Chebfun ``bary.m``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array, check_domain, check_flag, check_int
from numlearn.classical._bary_arrays import _prepare_nodes, _prepare_weights, nodal_derivative
from numlearn.classical.barycentric import (
    barycentric_eval,
    barycentric_eval_first,
    barycentric_weights,
)
from numlearn.classical.lebesgue import lebesgue_constant

__all__ = ["BarycentricInterpolant"]



class BarycentricInterpolant:
    r"""A polynomial interpolant in barycentric form: nodes, weights and values.

    A thin class over :func:`~numlearn.classical.barycentric.barycentric_eval` and the
    differentiation kernels (as :class:`numpy.polynomial.Chebyshev` binds ``chebval``).

    Parameters
    ----------
    nodes : array_like, shape (n,)
        Distinct finite nodes.
    values : array_like, shape (n,) or (n, k)
        Values at the nodes.
    weights : array_like, optional
        Barycentric weights; by default
        :func:`~numlearn.classical.barycentric.barycentric_weights` (:math:`O(n^2)`).
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
        self.values = np.array(
            as_float_array(values, "values", ndim=(1, 2), allow_empty=True), copy=True
        )
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
        self.extrapolate = check_flag(extrapolate, "extrapolate")
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
        """Evaluate at ``x`` (any shape); see
        :func:`~numlearn.classical.barycentric.barycentric_eval` (which warns when the
        Lebesgue function at a point exceeds ``LEBESGUE_WARN``)."""
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
        :func:`~numlearn.classical.lebesgue.lebesgue_constant`."""
        return lebesgue_constant(self.nodes, self.weights, domain=self.domain)

    def __repr__(self) -> str:
        return (
            f"BarycentricInterpolant(n={self.n}, domain={self.domain}, "
            f"values_shape={self.values.shape}, dtype={self.values.dtype})"
        )
