r"""A polynomial interpolant in barycentric form: a thin class over the barycentric
functions (:mod:`numlearn.classical.barycentric`), as :class:`numpy.polynomial.Chebyshev`
binds ``chebval``.

The class is spelled as SciPy spells it, :class:`BarycentricInterpolator`; the old name
``BarycentricInterpolant`` still works for one release and warns
(`DeprecationWarning`).

References
----------
.. [1] J.-P. Berrut and L. N. Trefethen, "Barycentric Lagrange interpolation",
   SIAM Review 46(3), 501-517, 2004. :doi:`10.1137/S0036144502417715`
.. [2] SciPy :class:`scipy.interpolate.BarycentricInterpolator`; Chebfun ``bary.m``.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array, check_domain, check_flag, check_int
from numlearn.classical._bary_arrays import _prepare_nodes, _prepare_weights, nodal_derivative
from numlearn.classical.barycentric import (
    barycentric_eval_first,
    barycentric_weights,
)
from numlearn.classical.barycentric_form import BarycentricForm
from numlearn.classical.lebesgue import lebesgue_constant

__all__ = ["BarycentricInterpolator"]

#: Old names still answered, with a `DeprecationWarning`, until the release after 0.1.
_DEPRECATED_ALIASES = {"BarycentricInterpolant": "BarycentricInterpolator"}


def _deprecated_alias(module: str, name: str, *, stacklevel: int = 3) -> Any:
    """The object behind the deprecated ``name`` of ``module``, with a warning that names
    its new name; `AttributeError` for any other name (a module ``__getattr__``)."""
    if name not in _DEPRECATED_ALIASES:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    new = _DEPRECATED_ALIASES[name]
    warnings.warn(
        f"`{module}.{name}` is deprecated and will be removed after numlearn 0.1; "
        f"use `{module}.{new}` (SciPy's spelling), the same class.",
        DeprecationWarning,
        stacklevel=stacklevel,
    )
    return globals()[new]


def __getattr__(name: str) -> Any:
    return _deprecated_alias(__name__, name)


class BarycentricInterpolator(BarycentricForm):
    r"""A polynomial interpolant in barycentric form: nodes, weights and values.

    A :class:`~numlearn.classical.barycentric_form.BarycentricForm` whose weights are
    the Lagrange weights of its nodes (so the form is the interpolating polynomial).

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
    **Against** :class:`scipy.interpolate.BarycentricInterpolator` ``(xi, yi=None,
    axis=0, *, wi=None, rng=None)``, which computes the same polynomial:

    ============================  ==================================================
    SciPy                          here
    ============================  ==================================================
    ``xi, yi``                     ``nodes, values`` (``values`` is required)
    ``axis`` (3rd positional)      none: the nodes run along axis 0 of ``values``,
                                   shape ``(n,)`` or ``(n, k)``; use
                                   ``np.moveaxis(yi, axis, 0)``.  A scalar integer
                                   third argument is refused with `TypeError`
                                   (it is ``weights`` here).
    ``wi=`` (keyword)              ``weights`` (3rd positional or ``weights=``)
    ``p(x)``                       the same; shape ``x.shape + values.shape[1:]``
    ``p.derivative(x, der=1)``     ``p.derivative(der)(x)``: ``derivative`` returns
    (values at ``x``)              the derivative *interpolant*; a non-integer
                                   order (an array or float ``x``) and ``der=`` are
                                   refused with `TypeError` saying so.
    ``p.derivatives(x)``           ``[p.derivative(k)(x) for k in range(n)]``
    extrapolates silently          raises `ValueError` outside ``domain`` unless
                                   ``extrapolate=True``
    ``set_yi``, ``add_xi``         build a new interpolator (they are cheap)
    ============================  ==================================================


    ``nodes``, ``values`` and ``weights`` are copied on construction (:math:`O(nk)`,
    cheap beside the evaluation), so changing the caller's arrays afterwards does not
    change the interpolant.

    Examples
    --------
    >>> import numpy as np
    >>> from numlearn.classical import BarycentricInterpolator, chebyshev_points
    >>> from numlearn.classical import chebyshev_weights
    >>> x = chebyshev_points(30)
    >>> p = BarycentricInterpolator(x, np.sin(x), chebyshev_weights(30))
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
        if isinstance(weights, numbers.Integral) and not isinstance(weights, bool | np.bool_):
            raise TypeError(
                f"`weights` must be an array of barycentric weights, got the integer "
                f"{weights!r}. The third argument here is `weights`, not SciPy's `axis`: "
                "the nodes run along axis 0 of `values` (use np.moveaxis(values, axis, 0))."
            )
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

    def __call__(self, x: ArrayLike) -> NDArray[Any]:
        """Evaluate at ``x`` (any shape); see
        :func:`~numlearn.classical.barycentric.barycentric_eval` (which warns when the
        Lebesgue function at a point exceeds ``LEBESGUE_WARN``)."""
        xe = as_float_array(x, "x", allow_empty=True)
        if self.domain is None or np.iscomplexobj(xe):
            return self._evaluate(xe)
        a, b = self.domain
        outside = (xe < a) | (xe > b)
        if not outside.any():
            return self._evaluate(xe)
        if not self.extrapolate:
            bad = xe[outside].flat[0]
            raise ValueError(
                f"`x` has {int(outside.sum())} point(s) outside the domain [{a}, {b}] "
                f"(e.g. {bad}); pass `extrapolate=True` to evaluate them with the "
                "first barycentric formula, or map them into the domain."
            )
        out = self._evaluate(np.where(outside, a, xe))
        out[outside] = barycentric_eval_first(
            self.nodes, self.values, xe[outside], self._lagrange_weights()
        )
        return out

    def derivative(self, order: int = 1, *, der: Any = None) -> BarycentricInterpolator:
        """The interpolant of the ``order``-th derivative, on the same nodes.

        Its values at the nodes are the exact derivative of this polynomial, computed
        by the barycentric differentiation formula (:math:`O(n^2)` per order, matrix-
        free, negative-sum trick), the computation of
        :func:`numlearn.classical.differentiation.derivative_values`.

        Parameters
        ----------
        order : int, default 1
            The derivative order, ``>= 0``.
        der : None
            Not accepted: SciPy's ``derivative(x, der=1)`` returns values at ``x``; the
            same here is ``p.derivative(der)(x)``.  Passing ``der`` (or a float or
            array as ``order``) raises `TypeError` saying so.

        Returns
        -------
        BarycentricInterpolator
            The derivative, with this interpolant's nodes, weights and domain.
        """
        scipy_hint = (" `derivative(order)` returns the derivative interpolant; SciPy's "
                      "`derivative(x, der)` (values at x) is `p.derivative(der)(x)` here.")
        if der is not None:
            raise TypeError(f"`der` is not an argument here.{scipy_hint}")
        try:
            order = check_int(order, "order", minimum=0)
        except TypeError as exc:
            raise TypeError(f"{exc}{scipy_hint}") from None
        d = nodal_derivative(self.nodes, self.weights, self.values, order)
        return BarycentricInterpolator(
            self.nodes, d, self.weights, domain=self.domain, extrapolate=self.extrapolate
        )

    def lebesgue_constant(self) -> float:
        """The Lebesgue constant of the nodes on :attr:`domain`; see
        :func:`~numlearn.classical.lebesgue.lebesgue_constant`."""
        return lebesgue_constant(self.nodes, self.weights, domain=self.domain)

    def __repr__(self) -> str:
        return (
            f"BarycentricInterpolator(n={self.n}, domain={self.domain}, "
            f"values_shape={self.values.shape}, dtype={self.values.dtype})"
        )
