"""Axes of the BWLer layer and their one-dimensional operators (torch).

One axis of the tensor-product node grid is a :class:`ChebyshevAxis` (second-kind
points on ``[a, b]``, increasing, as :func:`numlearn.classical.chebyshev_points` gives
them) or a :class:`FourierAxis` (equispaced periodic points on ``[a, b)``, as
:func:`numlearn.classical.fourier_points`).  Each axis supplies

- the interpolation matrix ``L`` (``m x n``) that maps the values at its ``n`` nodes to
  the values of the interpolant at ``m`` points (second barycentric formula,
  trigonometric on Fourier axes), with node hits masked to exact indicator rows;
- the spectral derivative of any order of nodal values along one tensor axis,
  formed at the nodes.

The layer itself is :class:`numlearn.learned.layers.bwler.BWLerLayer`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor

from numlearn._core.validation import check_domain, check_int
from numlearn.classical import (
    chebyshev_diffmat,
    chebyshev_points,
    chebyshev_weights,
    fourier_points,
)

#: Largest number of nodes on one axis (a Chebyshev differentiation matrix of this
#: size is 128 MiB in float64).
MAX_AXIS_NODES = 4096


@dataclass(frozen=True)
class ChebyshevAxis:
    """A Chebyshev axis: ``n`` second-kind points on ``domain = (a, b)``, increasing.

    The nodes are :math:`x_j = a + (b - a)(1 + s_j)/2`, :math:`s_j = -\\cos(j\\pi/(n-1))`
    (``chebyshev_points(n, 2, domain)``; node 0 is ``a``), the barycentric weights
    :math:`w_j = (-1)^j\\delta_j`, :math:`\\delta_0 = \\delta_{n-1} = 1/2`, otherwise 1
    (``chebyshev_weights(n)``).  The interpolant is the polynomial of degree ``n - 1``.

    Parameters
    ----------
    n : int
        Number of nodes, ``2 <= n <= 4096``.
    domain : (float, float), default (-1, 1)
        ``a < b``, finite.
    x_map : TanMap, optional
        A node map (:class:`numlearn.classical.spectral.spacetime.TanMap`): the nodes
        are :math:`g(s_j)` (clustered at the domain's middle) and the interpolant is the
        polynomial in :math:`s = g^{-1}(x)`; derivatives by the chain rule (first and
        second order).  ``None`` or ``TanMap(0)``: unmapped.
    """

    n: int
    domain: tuple[float, float] = (-1.0, 1.0)
    x_map: Any = None

    def __post_init__(self) -> None:
        from numlearn.classical.spectral.spacetime.grid import _check_x_map

        n = check_int(self.n, "n", minimum=2, maximum=MAX_AXIS_NODES)
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "domain", check_domain(self.domain))
        xm = _check_x_map(self.x_map)
        object.__setattr__(self, "x_map", None if xm is None or xm.identity else xm)
        chebyshev_points(n, 2, self.domain)  # refuses a domain whose points round together

    kind = "chebyshev"

    @property
    def mapped(self) -> bool:
        """Whether the nodes are those of a (non-identity) node map."""
        return self.x_map is not None

    def to_s(self, x: Tensor) -> Tensor:
        """``s = g^{-1}(x)`` (torch; the identity's affine map when unmapped)."""
        a, b = self.domain
        y = (x - 0.5 * (a + b)) / (0.5 * (b - a))
        if self.x_map is None:
            return y
        al = self.x_map.alpha
        return torch.atan(math.tan(al) * y) / al


@dataclass(frozen=True)
class FourierAxis:
    """A periodic axis: ``n`` equispaced points :math:`x_j = a + (b - a)j/n` on ``[a, b)``.

    The interpolant is trigonometric of period ``b - a`` (for even ``n`` its Nyquist
    mode is :math:`\\cos(n\\theta/2)`, as in :func:`numlearn.classical.trig_barycentric_eval`).

    Parameters
    ----------
    n : int
        Number of nodes, ``1 <= n <= 4096``.
    domain : (float, float), default (0, 2 pi)
        One period, ``a < b``, finite.
    """

    n: int
    domain: tuple[float, float] = (0.0, 2.0 * math.pi)

    def __post_init__(self) -> None:
        n = check_int(self.n, "n", minimum=1, maximum=MAX_AXIS_NODES)
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "domain", check_domain(self.domain))
        fourier_points(n, self.domain)

    kind = "fourier"


Axis = ChebyshevAxis | FourierAxis


def check_axes(axes: Any) -> tuple[Axis, ...]:
    """``axes`` as a non-empty tuple of :class:`ChebyshevAxis` / :class:`FourierAxis`."""
    if isinstance(axes, ChebyshevAxis | FourierAxis):
        axes = (axes,)
    if isinstance(axes, str | bytes) or not isinstance(axes, list | tuple):
        raise TypeError(
            "`axes` must be a sequence of ChebyshevAxis / FourierAxis, e.g. "
            f"(ChebyshevAxis(32, (0, 1)), FourierAxis(64)), got {type(axes).__name__}."
        )
    if len(axes) == 0:
        raise ValueError("`axes` is empty; give one ChebyshevAxis or FourierAxis per dimension.")
    for k, ax in enumerate(axes):
        if not isinstance(ax, ChebyshevAxis | FourierAxis):
            raise TypeError(
                f"`axes[{k}]` must be a ChebyshevAxis or FourierAxis, got {type(ax).__name__}."
            )
    return tuple(axes)


def axis_nodes(axis: Axis) -> np.ndarray:
    """The nodes of ``axis`` in float64, increasing (NumPy, from numlearn.classical)."""
    if axis.kind == "chebyshev":
        if axis.mapped:
            return axis.x_map.forward(chebyshev_points(axis.n, 2), axis.domain)
        return chebyshev_points(axis.n, 2, axis.domain)
    return fourier_points(axis.n, axis.domain)


def axis_weights(axis: Axis) -> np.ndarray:
    """Barycentric weights: ``chebyshev_weights(n)``, or ``(-1)^j`` on a Fourier axis."""
    if axis.kind == "chebyshev":
        return chebyshev_weights(axis.n, 2)
    return np.where(np.arange(axis.n) % 2 == 0, 1.0, -1.0)


def _mask_hits(c: Tensor, diff: Tensor) -> tuple[Tensor, Tensor]:
    """The unnormalised rows ``c`` and their sums ``den`` (``L = c / den``), with every
    row that has a non-finite entry (a point equal to a node: ``w / 0``; or one so
    close that the term overflows) replaced by the indicator of its nearest node and
    ``den = 1``.  In the second case the interpolant differs from that node's value
    by at most ``|p'| * 1e-300``.  Dividing after the contraction (``(c @ f) / den``,
    as the classical kernels do) saves one rounding per term over ``(c / den) @ f``."""
    den = c.sum(dim=1)
    bad = ~(torch.isfinite(c).all(dim=1) & torch.isfinite(den) & (den != 0))
    nearest = diff.abs().argmin(dim=1)
    onehot = torch.nn.functional.one_hot(nearest, c.shape[1]).to(c.dtype)
    c = torch.where(bad[:, None], onehot, c)
    return c, torch.where(bad, torch.ones_like(den), den)


def chebyshev_matrix(x: Tensor, nodes: Tensor, weights: Tensor) -> tuple[Tensor, Tensor]:
    r"""Second barycentric formula: the interpolation matrix ``L = c / den[:, None]``,
    shape ``(m, n)``, as its unnormalised rows and their sums.

    :math:`L_{ij} = \dfrac{w_j/(x_i - x_j)}{\sum_k w_k/(x_i - x_k)}`; ``x`` (``m``,) is
    data (no gradient).  A point equal to a node gets that node's indicator row (and
    ``den = 1``), so it returns the node value exactly.  Cost O(mn).
    """
    diff = x[:, None] - nodes[None, :]
    return _mask_hits(weights[None, :] / diff, diff)


def fourier_matrix(
    x: Tensor, nodes: Tensor, domain: tuple[float, float]
) -> tuple[Tensor, Tensor]:
    r"""Interpolation matrix of the trigonometric barycentric formula, ``(m, n)``.

    :math:`c_{ij} = (-1)^j\kappa(h_{ij})`, :math:`h_{ij} = \pi(x_i - x_j)/L`,
    :math:`\kappa = \cot` (even ``n``) or :math:`\csc` (odd ``n``) (Henrici 1979;
    Berrut 1984), returned as ``(c, den)`` as :func:`chebyshev_matrix`; points outside
    ``[a, b)`` are first reduced into it (the interpolant is periodic).  Node hits as in
    :func:`chebyshev_matrix`.
    """
    a, b = domain
    period = b - a
    n = nodes.shape[0]
    outside = (x < a) | (x >= b)
    xr = torch.where(outside, a + torch.remainder(x - a, period), x)
    diff = xr[:, None] - nodes[None, :]
    h = (0.5 * (2.0 * math.pi / period)) * diff
    c = 1.0 / torch.sin(h) if n % 2 == 1 else torch.cos(h) / torch.sin(h)
    sign = torch.ones(n, dtype=x.dtype, device=x.device)
    sign[1::2] = -1.0
    return _mask_hits(c * sign, diff)


def contract(mat: Tensor, values: Tensor, axis: int) -> Tensor:
    """Apply ``mat`` (``m x n``) along ``axis`` of ``values`` (whose size there is ``n``)."""
    out = torch.tensordot(mat, values, dims=([1], [axis]))
    return torch.movedim(out, 0, axis)


def fourier_derivative(values: Tensor, axis: int, order: int, period: float) -> Tensor:
    r"""Spectral derivative of order ``order`` along a periodic ``axis``, at the nodes.

    ``irfft((i k 2\pi/L)^m rfft(f))``; for even ``n`` and odd ``m`` the Nyquist mode is
    zeroed (the derivative of :math:`\cos(n\theta/2)` vanishes at the nodes), as in
    Trefethen, *Spectral Methods in MATLAB*, ch. 3 and ``fourier_diffmat``.
    Cost O(N log n) for ``N`` values.
    """
    n = values.shape[axis]
    if n == 1:
        return torch.zeros_like(values)
    coef = torch.fft.rfft(values, dim=axis)
    k = torch.arange(n // 2 + 1, dtype=values.dtype, device=values.device)
    sym = (1j * (2.0 * math.pi / period) * k.to(coef.dtype)) ** order
    if n % 2 == 0 and order % 2 == 1:
        sym[-1] = 0.0
    shape = [1] * values.ndim
    shape[axis] = k.shape[0]
    return torch.fft.irfft(coef * sym.reshape(shape), n=n, dim=axis)


def chebyshev_derivative_matrix(axis: ChebyshevAxis, order: int) -> np.ndarray:
    """``chebyshev_diffmat(n, order, domain)`` (float64, NumPy): the exact derivative of
    the interpolant at the (increasing) nodes; zero for ``order >= n``.  A mapped axis:
    ``x_map.diffmat`` (chain rule, orders 1 and 2)."""
    if axis.mapped:
        return axis.x_map.diffmat(axis.n, order, axis.domain)
    return chebyshev_diffmat(axis.n, order, axis.domain)
