"""Grids of space-time collocation: the axes, their interpolation matrices, the interpolant.

Time: Chebyshev points of the second kind, ascending; space: equispaced periodic
(Fourier) or Chebyshev points.  :class:`SpaceTimeInterpolant` is the tensor-product
interpolant of nodal values ``U[i_t, i_x]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array, check_choice
from numlearn.classical.barycentric import barycentric_eval, trig_barycentric_eval
from numlearn.classical.barycentric_matrix import barycentric_matrix
from numlearn.classical.differentiation import chebyshev_diffmat, fourier_diffmat
from numlearn.classical.nodes import chebyshev_points, chebyshev_weights, fourier_points

__all__ = ["SpaceTimeInterpolant"]

_X_BASES = ("chebyshev", "fourier")


@dataclass(frozen=True)
class _Axis:
    """Nodes of one axis, its collocation points and the interpolation matrix."""

    kind: str  # "chebyshev" or "fourier"
    domain: tuple[float, float]
    nodes: NDArray[np.float64]
    points: NDArray[np.float64]  # collocation points
    interp: NDArray[np.float64]  # (len(points), len(nodes)), exact identity at nodes
    _diff: dict[int, NDArray[np.float64]] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return int(self.nodes.shape[0])

    def diff(self, order: int) -> NDArray[np.float64]:
        """Differentiation matrix of ``order`` at the nodes (cached)."""
        if order not in self._diff:
            if self.kind == "chebyshev":
                self._diff[order] = chebyshev_diffmat(self.n, order, self.domain)
            else:
                self._diff[order] = fourier_diffmat(self.n, order, self.domain)
        return self._diff[order]


def _nodes(kind: str, n: int, domain: tuple[float, float]) -> NDArray[np.float64]:
    if kind == "chebyshev":
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


def _make_axis(kind: str, n: int, m: int | None, domain: tuple[float, float]) -> _Axis:
    nodes = _nodes(kind, n, domain)
    if m is None or m == n:
        return _Axis(kind, domain, nodes, nodes, np.eye(n))
    points = _nodes(kind, m, domain)
    return _Axis(kind, domain, nodes, points, _interp_matrix(kind, n, domain, points))


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
    """

    def __init__(
        self,
        values: ArrayLike,
        t_domain: tuple[float, float],
        x_domain: tuple[float, float],
        x_basis: str,
    ) -> None:
        values = as_float_array(values, "values", ndim=2, allow_complex=False)
        check_choice(x_basis, "x_basis", _X_BASES)
        self._set(values, t_domain, x_domain, x_basis)

    @classmethod
    def _from_nodal(cls, values: NDArray[np.float64], t_domain: tuple[float, float],
                    x_domain: tuple[float, float], x_basis: str) -> SpaceTimeInterpolant:
        """Construct from values and settings the solvers have already validated."""
        obj = cls.__new__(cls)
        obj._set(values, t_domain, x_domain, x_basis)
        return obj

    def _set(self, values: NDArray[np.float64], t_domain: tuple[float, float],
             x_domain: tuple[float, float], x_basis: str) -> None:
        self.values = values
        self.t_domain = (float(t_domain[0]), float(t_domain[1]))
        self.x_domain = (float(x_domain[0]), float(x_domain[1]))
        self.x_basis = x_basis
        nt, nx = self.values.shape
        self.t_nodes = chebyshev_points(nt, 2, self.t_domain)
        self.x_nodes = _nodes(x_basis, nx, self.x_domain)

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
        else:
            vx = barycentric_eval(self.x_nodes, chebyshev_weights(nx), self.values.T, xx)
        return barycentric_eval(self.t_nodes, chebyshev_weights(nt), vx.T, tt)

    def __repr__(self) -> str:
        return (f"SpaceTimeInterpolant(shape={self.shape}, x_basis={self.x_basis!r}, "
                f"t_domain={self.t_domain}, x_domain={self.x_domain})")
