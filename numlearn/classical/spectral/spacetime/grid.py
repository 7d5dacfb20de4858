"""Grids of space-time collocation: the axes, their interpolation matrices, the interpolant.

Time: Chebyshev points of the second kind, ascending; space: equispaced periodic
(Fourier) or Chebyshev points, optionally through a node map :class:`TanMap` (Chebyshev
points in ``s``, nodes ``x = g(s)`` clustered where a front is).
:class:`SpaceTimeInterpolant` is the tensor-product interpolant of nodal values
``U[i_t, i_x]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array, check_choice
from numlearn.classical.barycentric import barycentric_eval, trig_barycentric_eval
from numlearn.classical.barycentric_matrix import barycentric_matrix
from numlearn.classical.differentiation import chebyshev_diffmat, fourier_diffmat
from numlearn.classical.nodes import chebyshev_points, chebyshev_weights, fourier_points

__all__ = ["SpaceTimeInterpolant", "TanMap"]

_X_BASES = ("chebyshev", "fourier")


@dataclass(frozen=True)
class TanMap:
    r"""The tangent node map: Chebyshev points in ``s`` clustered at a domain's middle.

    .. math::

        x = g(s) = m + h\,\frac{\tan(\alpha s)}{\tan\alpha},\qquad s\in[-1, 1],
        \quad m = \tfrac{a+b}{2},\ h = \tfrac{b-a}{2},

    a bijection of ``[-1, 1]`` onto ``[a, b]`` (ends to ends) for
    :math:`0 < \alpha < \pi/2`.  Near ``m`` the node spacing shrinks by
    :math:`g'(0)/h = \alpha/\tan\alpha` (0.24 at ``alpha = 1.4``, 0.11 at 1.5,
    0.032 at 1.55), near the ends it grows by :math:`\alpha(1+\tan^2\alpha)/
    \tan\alpha`.  A function of ``x`` is interpolated as the polynomial in ``s`` of
    :math:`u(g(s))`; derivatives follow from the chain rule
    :math:`u_x = u_s/g'`, :math:`u_{xx} = u_{ss}/g'^2 - g''u_s/g'^3`.  ``alpha = 0``
    is the identity (the unmapped Chebyshev axis, bit for bit).

    The map of Bayliss and Turkel (1992) / Tee and Trefethen (2006) for interior
    layers; Chebfun's ``maps`` option plays the same role.

    Parameters
    ----------
    alpha : float
        ``0 <= alpha < pi/2``; larger clusters more.
    """

    alpha: float

    def __post_init__(self) -> None:
        a = self.alpha
        if isinstance(a, bool) or not isinstance(a, (int, float, np.floating)) or not (
                math.isfinite(a) and 0.0 <= a < 0.5 * math.pi):
            raise ValueError(
                f"`alpha` of TanMap must be a number in [0, pi/2), got {a!r}; e.g. "
                "TanMap(1.4) (spacing at the middle 0.24 of the unmapped one).")
        object.__setattr__(self, "alpha", float(a))

    @property
    def identity(self) -> bool:
        return self.alpha == 0.0

    def _mh(self, domain: tuple[float, float]) -> tuple[float, float]:
        return 0.5 * (domain[0] + domain[1]), 0.5 * (domain[1] - domain[0])

    def forward(self, s: NDArray[np.float64], domain: tuple[float, float]) -> NDArray[np.float64]:
        """``x = g(s)``; the ends map exactly onto ``a`` and ``b``."""
        m, h = self._mh(domain)
        s = np.asarray(s, dtype=np.float64)
        if self.identity:
            return m + h * s
        x = m + h * (np.tan(self.alpha * s) / math.tan(self.alpha))
        return np.where(s == -1.0, domain[0], np.where(s == 1.0, domain[1], x))

    def inverse(self, x: NDArray[np.float64], domain: tuple[float, float]) -> NDArray[np.float64]:
        """``s = g^{-1}(x) = arctan(tan(alpha)(x - m)/h)/alpha``."""
        m, h = self._mh(domain)
        y = (np.asarray(x, dtype=np.float64) - m) / h
        if self.identity:
            return y
        return np.arctan(math.tan(self.alpha) * y) / self.alpha

    def derivatives(self, s: NDArray[np.float64], domain: tuple[float, float]) -> tuple[
            NDArray[np.float64], NDArray[np.float64]]:
        """``(g'(s), g''(s))``."""
        _, h = self._mh(domain)
        s = np.asarray(s, dtype=np.float64)
        if self.identity:
            return np.full_like(s, h), np.zeros_like(s)
        a = self.alpha
        tn = np.tan(a * s)
        g1 = h * a * (1.0 + tn * tn) / math.tan(a)
        return g1, 2.0 * a * tn * g1

    def diffmat(self, n: int, order: int, domain: tuple[float, float]) -> NDArray[np.float64]:
        """Differentiation matrix in ``x`` (order 1 or 2) at the ``n`` mapped nodes
        ``g(s_j)`` (chain rule; the unmapped ``chebyshev_diffmat`` for the identity)."""
        if self.identity:
            return chebyshev_diffmat(n, order, domain)
        return _mapped_diff(n, order, domain, self)


def _check_x_map(x_map: Any) -> TanMap | None:
    """``None`` or a :class:`TanMap` (a number ``alpha`` is taken as ``TanMap(alpha)``)."""
    if x_map is None or isinstance(x_map, TanMap):
        return x_map
    if isinstance(x_map, (int, float, np.floating)) and not isinstance(x_map, bool):
        return TanMap(float(x_map))
    raise TypeError(f"`x_map` must be None, a TanMap or its alpha (a float), got "
                    f"{type(x_map).__name__}.")


@dataclass(frozen=True)
class _Axis:
    """Nodes of one axis, its collocation points and the interpolation matrix."""

    kind: str  # "chebyshev" or "fourier"
    domain: tuple[float, float]
    nodes: NDArray[np.float64]
    points: NDArray[np.float64]  # collocation points
    interp: NDArray[np.float64]  # (len(points), len(nodes)), exact identity at nodes
    _diff: dict[int, NDArray[np.float64]] = field(default_factory=dict, repr=False)
    x_map: TanMap | None = None  # nodes g(s_j); None or identity: unmapped

    @property
    def n(self) -> int:
        return int(self.nodes.shape[0])

    def diff(self, order: int) -> NDArray[np.float64]:
        """Differentiation matrix of ``order`` at the nodes (cached)."""
        if order not in self._diff:
            if self.x_map is not None and not self.x_map.identity:
                self._diff[order] = _mapped_diff(self.n, order, self.domain, self.x_map)
            elif self.kind == "chebyshev":
                self._diff[order] = chebyshev_diffmat(self.n, order, self.domain)
            else:
                self._diff[order] = fourier_diffmat(self.n, order, self.domain)
        return self._diff[order]


def _mapped_diff(n: int, order: int, domain: tuple[float, float],
                 x_map: TanMap) -> NDArray[np.float64]:
    r"""``D_x`` of order 1 or 2 on the mapped nodes: :math:`D_x = \mathrm{diag}(1/g')D_s`,
    :math:`D_{xx} = \mathrm{diag}(1/g'^2)D_s^2 - \mathrm{diag}(g''/g'^3)D_s`."""
    s = chebyshev_points(n, 2)
    g1, g2 = x_map.derivatives(s, domain)
    d1 = chebyshev_diffmat(n, 1)
    if order == 1:
        return d1 / g1[:, None]
    if order == 2:
        return chebyshev_diffmat(n, 2) / (g1 * g1)[:, None] - (g2 / g1**3)[:, None] * d1
    raise ValueError(f"a mapped axis has derivatives of order 1 and 2, not {order}.")


def _nodes(kind: str, n: int, domain: tuple[float, float],
           x_map: TanMap | None = None) -> NDArray[np.float64]:
    if kind == "chebyshev":
        if x_map is not None and not x_map.identity:
            return x_map.forward(chebyshev_points(n, 2), domain)
        return chebyshev_points(n, 2, domain)
    return fourier_points(n, domain)


def _interp_matrix(
    kind: str, n: int, domain: tuple[float, float], points: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``P[i, j] = ell_j(points[i])``: the interpolant's basis at the points.

    The barycentric matrix (Chebyshev) or the trigonometric barycentric formula applied
    to the identity's columns (Fourier); a point equal to a node gives the exact
    indicator row; no linear system is solved.
    """
    if kind == "chebyshev":
        return barycentric_matrix(points, _nodes(kind, n, domain), chebyshev_weights(n))
    return trig_barycentric_eval(np.eye(n), points, domain)


def _make_axis(kind: str, n: int, m: int | None, domain: tuple[float, float],
               x_map: TanMap | None = None) -> _Axis:
    """The axis of ``n`` nodes and ``m`` collocation points (``None``: the nodes).

    With a non-identity ``x_map`` (Chebyshev only) nodes and points are the images
    ``g(s)`` of Chebyshev points in ``s``; the interpolation matrix is the barycentric
    one in ``s`` (the interpolant is a polynomial in ``s``).
    """
    if x_map is not None and (x_map.identity or kind != "chebyshev"):
        if kind != "chebyshev" and not x_map.identity:
            raise ValueError("`x_map` applies to a Chebyshev x axis; use x_basis='chebyshev'.")
        x_map = None
    nodes = _nodes(kind, n, domain, x_map)
    if m is None or m == n:
        return _Axis(kind, domain, nodes, nodes, np.eye(n), x_map=x_map)
    points = _nodes(kind, m, domain, x_map)
    if x_map is not None:
        s_pts = chebyshev_points(m, 2)
        interp = barycentric_matrix(s_pts, chebyshev_points(n, 2), chebyshev_weights(n))
    else:
        interp = _interp_matrix(kind, n, domain, points)
    return _Axis(kind, domain, nodes, points, interp, x_map=x_map)


# ------------------------------------------------------------------ interpolant


class SpaceTimeInterpolant:
    r"""Tensor-product interpolant ``u(t, x)`` from nodal values ``U[i_t, i_x]``.

    Barycentric (second formula, Chebyshev weights) in ``t``; trigonometric
    barycentric (Fourier) or barycentric (Chebyshev) in ``x``.  Evaluation on a
    tensor grid contracts one axis at a time: :math:`O(n_x n_t m_x + n_t m_x m_t)`.
    ``np.asarray(interp)`` gives the nodal values.

    Parameters
    ----------
    values : array_like, shape (nt, nx)
        Values at the nodes, ``t`` ascending along axis 0.
    t_domain, x_domain : (float, float)
    x_basis : {"chebyshev", "fourier"}
    x_map : TanMap, optional
        Chebyshev x only: the nodes are ``g(s_j)`` and the interpolant a polynomial in
        ``s = g^{-1}(x)``.
    """

    def __init__(
        self,
        values: ArrayLike,
        t_domain: tuple[float, float],
        x_domain: tuple[float, float],
        x_basis: str,
        *,
        x_map: TanMap | None = None,
    ) -> None:
        values = as_float_array(values, "values", ndim=2, allow_complex=False)
        check_choice(x_basis, "x_basis", _X_BASES)
        x_map = _check_x_map(x_map)
        if x_map is not None and not x_map.identity and x_basis != "chebyshev":
            raise ValueError("`x_map` applies to a Chebyshev x axis; use x_basis='chebyshev'.")
        self._set(values, t_domain, x_domain, x_basis, x_map)

    @classmethod
    def _from_nodal(cls, values: NDArray[np.float64], t_domain: tuple[float, float],
                    x_domain: tuple[float, float], x_basis: str,
                    x_map: TanMap | None = None) -> SpaceTimeInterpolant:
        """Construct from values and settings the solvers have already validated."""
        obj = cls.__new__(cls)
        obj._set(values, t_domain, x_domain, x_basis, x_map)
        return obj

    def _set(self, values: NDArray[np.float64], t_domain: tuple[float, float],
             x_domain: tuple[float, float], x_basis: str,
             x_map: TanMap | None = None) -> None:
        self.values = values
        self.t_domain = (float(t_domain[0]), float(t_domain[1]))
        self.x_domain = (float(x_domain[0]), float(x_domain[1]))
        self.x_basis = x_basis
        self.x_map = None if x_map is None or x_map.identity else x_map
        nt, nx = self.values.shape
        self.t_nodes = chebyshev_points(nt, 2, self.t_domain)
        self.x_nodes = _nodes(x_basis, nx, self.x_domain, self.x_map)

    @property
    def shape(self) -> tuple[int, int]:
        """``(nt, nx)``."""
        return self.values.shape  # type: ignore[return-value]

    def __array__(self, dtype: Any = None, copy: Any = None) -> NDArray[Any]:
        return self.values if dtype is None else self.values.astype(dtype)

    def __call__(self, t: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        """Values on the tensor grid ``t × x``: an array of shape ``(len(t), len(x))``."""
        tt = as_float_array(t, "t", ndim=1, allow_complex=False)
        xx = as_float_array(x, "x", ndim=1, allow_complex=False)
        nt, nx = self.shape
        # Along x first: columns are the nt time levels.
        if self.x_basis == "fourier":
            vx = trig_barycentric_eval(self.values.T, xx, self.x_domain)
        elif self.x_map is not None:
            sx = self.x_map.inverse(xx, self.x_domain)
            vx = barycentric_eval(chebyshev_points(nx, 2), chebyshev_weights(nx),
                                  self.values.T, sx)
        else:
            vx = barycentric_eval(self.x_nodes, chebyshev_weights(nx), self.values.T, xx)
        return barycentric_eval(self.t_nodes, chebyshev_weights(nt), vx.T, tt)

    def __repr__(self) -> str:
        return (f"SpaceTimeInterpolant(shape={self.shape}, x_basis={self.x_basis!r}, "
                f"t_domain={self.t_domain}, x_domain={self.x_domain})")
