r"""The BWLer layer: a function stored as its values at tensor-product nodes.

BWLer ("Barycentric Weight Layer", Liu et al., "BWLer: Barycentric Weight Layer
Elucidates a Precision-Conditioning Tradeoff for PINNs", arXiv 2506.23024) represents
the solution of a PDE by its values :math:`f_{j_1\dots j_d}` at the nodes of a tensor
grid, Chebyshev (second kind) or Fourier (equispaced periodic) on each axis, and
evaluates it by the barycentric formula, axis by axis:

.. math::

    u(x_1, \dots, x_d) = \sum_{j_1,\dots,j_d} L^{(1)}_{j_1}(x_1)\cdots
        L^{(d)}_{j_d}(x_d)\, f_{j_1\dots j_d},
    \qquad L^{(k)}_j(x) = \frac{w_j/(x - x_j)}{\sum_i w_i/(x - x_i)}

(trigonometric kernel :math:`\cot` or :math:`\csc` of half the angle on Fourier axes).
Derivatives are spectral: formed at the nodes (Chebyshev differentiation matrices,
FFT on Fourier axes), then interpolated, so no autograd through ``x`` is involved.

The counterparts: Chebfun's ``chebfun2``/``chebfun3`` values-based tensor products,
:func:`numlearn.classical.barycentric_eval` and
:func:`numlearn.classical.trig_barycentric_eval` (the float64 kernels this layer is
tested against), ``scipy.interpolate.barycentric_interpolate`` in one dimension.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from numlearn._core.validation import check_int
from numlearn.classical import chebyshev_points
from numlearn.learned.layers._bwler_axes import (
    Axis,
    ChebyshevAxis,
    FourierAxis,
    axis_nodes,
    axis_weights,
    chebyshev_derivative_matrix,
    chebyshev_matrix,
    check_axes,
    contract,
    fourier_derivative,
    fourier_matrix,
)
from numlearn.learned.layers.base import (
    _check_budget,
    _check_device,
    _check_dtype,
    check_tensor,
)

__all__ = ["BWLerLayer", "ChebyshevAxis", "FourierAxis"]

#: Largest number of elements of the intermediate tensor formed while evaluating at
#: scattered points (points are processed in chunks below this).
_CHUNK_ELEMENTS = 2**22

#: Points on a Chebyshev axis may lie outside ``[a, b]`` by at most this many ulps of
#: ``max(|a|, |b|, b - a)`` (rounding in the caller's grid); farther is extrapolation,
#: where the second barycentric formula is not stable.
_DOMAIN_ULPS = 8


class BWLerLayer(nn.Module):
    r"""Barycentric interpolant on a tensor grid of Chebyshev / Fourier nodes.

    The trainable parameter :attr:`values` (shape ``(n_1, ..., n_d)``, zeros at
    construction, as in the paper's code) holds the function's values at the nodes
    ``axes[0].nodes x ... x axes[d-1].nodes`` (``indexing="ij"``; Chebyshev nodes
    increasing, node 0 at ``a``).  Calling the layer evaluates the interpolant:

    - on a **grid** ``(x_1, ..., x_d)`` (a tuple/list of 1-D tensors): separable, one
      axis at a time, contracting with the ``(m_k x n_k)`` interpolation matrix of
      that axis; the ``prod(m) x prod(n)`` matrix is never formed.  Cost
      :math:`O(\sum_k m_k n_k + \sum_k m_1\cdots m_k n_k\cdots n_d)`; result shape
      ``(m_1, ..., m_d)``.
    - at **scattered points** (a tensor of shape ``(m, d)``): per-axis matrices
      :math:`L^{(k)}(x_{b,k})`, then :math:`u_b = \sum_j \prod_k L^{(k)}_{b j_k} f_j`
      contracted from the last axis, in chunks of points.  Cost
      :math:`O(m\,n_1\cdots n_d)`; result shape ``(m,)``.

    The interpolation matrices depend only on the points (data: no gradient flows to
    them); the output is linear in :attr:`values` and differentiable with respect to
    it.  A point equal to a node (bit for bit, after the periodic reduction on Fourier
    axes) returns the node value exactly; a point within about ``1e-300`` of a node
    returns that node's value.  Points on a Chebyshev axis must lie in ``[a, b]``.

    Parameters
    ----------
    axes : sequence of ChebyshevAxis / FourierAxis
        One per dimension (a single axis is accepted for ``d = 1``).
    dtype : torch.dtype, default torch.float64
        Of the values and of the points the layer accepts (no casting: points of
        another dtype raise `TypeError`).
    device : str or torch.device, optional
        Default CPU.

    Notes
    -----
    Accuracy: float64 evaluation agrees with the compensated NumPy/Numba kernels of
    :mod:`numlearn.classical` to about :math:`\varepsilon\,\lambda\,\max|f|` per axis
    (:math:`\lambda` the Lebesgue constant, :math:`\le 1 + \frac{2}{\pi}\log n` on
    Chebyshev points); see the tests.

    On a Fourier axis with an even number of nodes the derivative of odd order is
    formed at the nodes with the Nyquist mode dropped (its derivative vanishes there)
    and then interpolated: this is the trigonometric interpolant of the exact
    derivative's nodal values, not the derivative of the interpolant's
    :math:`\cos(n\theta/2)` term (the paper's code does the same; for odd ``n`` the
    two coincide).

    References
    ----------
    .. [1] J. Liu, Y. Baig, D. H. J. Lee, R. V. Dwaraknath, A. Rudra, C. Ré,
       "BWLer: Barycentric Weight Layer Elucidates a Precision-Conditioning Tradeoff
       for PINNs", arXiv 2506.23024, 2025.
    .. [2] J.-P. Berrut and L. N. Trefethen, "Barycentric Lagrange interpolation",
       SIAM Review 46(3), 501-517, 2004.
    .. [3] P. Henrici, "Barycentric formulas for interpolating trigonometric
       polynomials and their conjugates", Numer. Math. 33, 225-234, 1979.
    .. [4] L. N. Trefethen, *Spectral Methods in MATLAB*, SIAM, 2000 (ch. 3, 6).

    Examples
    --------
    >>> import math, torch
    >>> from numlearn.learned.layers import BWLerLayer, ChebyshevAxis, FourierAxis
    >>> layer = BWLerLayer.from_function(
    ...     lambda t, x: torch.exp(t) * torch.sin(x),
    ...     (ChebyshevAxis(16, (0.0, 1.0)), FourierAxis(16)))
    >>> pts = torch.tensor([[0.3, 1.0]], dtype=torch.float64)
    >>> bool(abs(layer(pts)[0] - math.exp(0.3) * math.sin(1.0)) < 1e-14)
    True
    """

    def __init__(
        self,
        axes: Sequence[Axis] | Axis,
        *,
        dtype: torch.dtype = torch.float64,
        device: str | torch.device | None = None,
    ) -> None:
        super().__init__()
        self.axes = check_axes(axes)
        dtype = _check_dtype(dtype)
        device = torch.device("cpu") if device is None else _check_device(device)
        sizes = tuple(ax.n for ax in self.axes)
        _check_budget(math.prod(sizes), {f"axes[{k}].n": n for k, n in enumerate(sizes)},
                      "a BWLer layer")
        fk = {"dtype": dtype, "device": device}
        self.values = nn.Parameter(torch.zeros(sizes, **fk))
        for k, ax in enumerate(self.axes):
            self.register_buffer(f"nodes_{k}", torch.as_tensor(axis_nodes(ax), **fk))
            self.register_buffer(f"weights_{k}", torch.as_tensor(axis_weights(ax), **fk))
            if ax.kind == "chebyshev" and ax.mapped:
                # Mapped axis: barycentric interpolation in s = g^{-1}(x).
                self.register_buffer(f"snodes_{k}",
                                     torch.as_tensor(chebyshev_points(ax.n, 2), **fk))
        # Chebyshev differentiation matrices, built in NumPy (float64) on first use and
        # kept per (axis, order, dtype, device).
        self._diffmats: dict[tuple[int, int, torch.dtype, torch.device], Tensor] = {}

    # ----------------------------------------------------------------- construction

    @classmethod
    def from_function(
        cls,
        f: Callable[..., Tensor],
        axes: Sequence[Axis] | Axis,
        *,
        dtype: torch.dtype = torch.float64,
        device: str | torch.device | None = None,
    ) -> BWLerLayer:
        """A layer whose values are ``f`` at the nodes (see :meth:`fit_nodes`)."""
        layer = cls(axes, dtype=dtype, device=device)
        layer.fit_nodes(f)
        return layer

    @property
    def dtype(self) -> torch.dtype:
        """The dtype of :attr:`values` (and of the points the layer accepts)."""
        return self.values.dtype

    @property
    def dim(self) -> int:
        """Number of dimensions ``d``."""
        return len(self.axes)

    @property
    def shape(self) -> tuple[int, ...]:
        """Node counts ``(n_1, ..., n_d)``."""
        return tuple(ax.n for ax in self.axes)

    @property
    def nodes(self) -> tuple[Tensor, ...]:
        """The 1-D node tensors, one per axis (increasing)."""
        return tuple(getattr(self, f"nodes_{k}") for k in range(self.dim))

    def node_grid(self) -> tuple[Tensor, ...]:
        """The nodes as ``d`` tensors of shape ``(n_1, ..., n_d)`` (``indexing="ij"``)."""
        return tuple(torch.meshgrid(*self.nodes, indexing="ij"))

    def node_values(self) -> Tensor:
        """The values at the nodes that evaluation uses (:attr:`values`; a subclass such
        as the BWLer-hat may compute them instead)."""
        return self.values

    def fit_nodes(self, f: Callable[..., Tensor]) -> None:
        """Set :attr:`values` to ``f(X_1, ..., X_d)`` at the nodes, in place (no grad).

        ``f`` receives the node grid (:meth:`node_grid`, tensors of the layer's dtype
        and device) and must return a real tensor of shape ``(n_1, ..., n_d)`` (or one
        that broadcasts to it) of the same dtype, with finite entries.
        """
        if not callable(f):
            raise TypeError(f"`f` must be callable, got {type(f).__name__}.")
        with torch.no_grad():
            v = f(*self.node_grid())
            if not isinstance(v, Tensor):
                raise TypeError(f"`f` must return a torch.Tensor, got {type(v).__name__}.")
            if v.dtype != self.dtype:
                raise TypeError(
                    f"`f` returned dtype {v.dtype}, the layer's is {self.dtype}; return "
                    "values of the layer's dtype (no silent casting)."
                )
            try:
                v = torch.broadcast_to(v, self.shape)
            except RuntimeError:
                raise ValueError(
                    f"`f` returned shape {tuple(v.shape)}, which does not broadcast to the "
                    f"node grid {self.shape}."
                ) from None
            if not bool(torch.isfinite(v).all()):
                raise ValueError("`f` returned NaN or inf at some node.")
            self.values.copy_(v)

    # -------------------------------------------------------------------- checks

    def _check_tensor(self, x: Any, name: str) -> Tensor:
        return check_tensor(x, name, dtype=self.dtype, device=self.values.device).detach()

    def _check_coordinate(self, x: Tensor, k: int, name: str) -> None:
        if x.numel() == 0:
            raise ValueError(f"`{name}` is empty; give at least one point.")
        if not bool(torch.isfinite(x).all()):
            raise ValueError(f"`{name}` has NaN or inf coordinates (axis {k}).")
        ax = self.axes[k]
        if ax.kind == "chebyshev":
            a, b = ax.domain
            tol = _DOMAIN_ULPS * float(torch.finfo(self.dtype).eps) * max(abs(a), abs(b), b - a)
            lo, hi = float(x.min()), float(x.max())
            if lo < a - tol or hi > b + tol:
                raise ValueError(
                    f"`{name}` has coordinates in [{lo:.17g}, {hi:.17g}] on axis {k}, outside "
                    f"its Chebyshev domain [{a!r}, {b!r}]; the barycentric formula does not "
                    "extrapolate stably, so keep the points inside the domain."
                )

    def _check_points(self, points: Any) -> Tensor:
        x = self._check_tensor(points, "points")
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ValueError(
                f"`points` must have shape (m, {self.dim}) for this {self.dim}-D layer, got "
                f"{tuple(x.shape)}; pass a tuple of 1-D tensors to evaluate on a grid."
            )
        for k in range(self.dim):
            self._check_coordinate(x[:, k], k, "points")
        return x

    def _check_grid(self, grid: Sequence[Any]) -> list[Tensor]:
        if not all(isinstance(g, Tensor) for g in grid):
            raise TypeError(
                "`grid` must be a tuple of 1-D torch tensors (one per axis), got "
                f"({', '.join(type(g).__name__ for g in grid)}); pass scattered points as "
                "one tensor of shape (m, d)."
            )
        if len(grid) != self.dim:
            raise ValueError(
                f"`grid` must hold {self.dim} 1-D tensors (one per axis), got {len(grid)}."
            )
        out = []
        for k, g in enumerate(grid):
            g = self._check_tensor(g, f"grid[{k}]")
            if g.ndim != 1:
                raise ValueError(f"`grid[{k}]` must be 1-D, got shape {tuple(g.shape)}.")
            self._check_coordinate(g, k, f"grid[{k}]")
            out.append(g)
        return out

    def _check_orders(self, orders: Any) -> tuple[int, ...]:
        if isinstance(orders, str | bytes) or not isinstance(orders, Sequence):
            raise TypeError(
                f"`orders` must be a sequence of {self.dim} non-negative ints, got "
                f"{type(orders).__name__}."
            )
        if len(orders) != self.dim:
            raise ValueError(
                f"`orders` must have one entry per axis ({self.dim}), got {len(orders)}."
            )
        return tuple(check_int(o, f"orders[{k}]", minimum=0) for k, o in enumerate(orders))

    # ------------------------------------------------------------------ evaluation

    def interpolation_matrix(self, x: Tensor, axis: int) -> Tensor:
        """The ``(m, n_axis)`` matrix mapping nodal values along ``axis`` to the values
        at the 1-D points ``x`` (checked: dtype, device, finite, in the domain)."""
        axis = check_int(axis, "axis", minimum=0, maximum=self.dim - 1)
        x = self._check_tensor(x, "x")
        if x.ndim != 1:
            raise ValueError(f"`x` must be 1-D, got shape {tuple(x.shape)}.")
        self._check_coordinate(x, axis, "x")
        c, den = self._matrix(x, axis)
        return c / den[:, None]

    def _matrix(self, x: Tensor, k: int) -> tuple[Tensor, Tensor]:
        ax = self.axes[k]
        nodes = getattr(self, f"nodes_{k}")
        if ax.kind == "chebyshev" and ax.mapped:
            return chebyshev_matrix(ax.to_s(x), getattr(self, f"snodes_{k}"),
                                    getattr(self, f"weights_{k}"))
        if ax.kind == "chebyshev":
            return chebyshev_matrix(x, nodes, getattr(self, f"weights_{k}"))
        return fourier_matrix(x, nodes, ax.domain)

    def _eval_grid(self, values: Tensor, grid: Sequence[Tensor]) -> Tensor:
        out = values
        for k, g in enumerate(grid):
            c, den = self._matrix(g, k)
            shape = [1] * self.dim
            shape[k] = den.shape[0]
            out = contract(c, out, k) / den.reshape(shape)
        return out

    def _eval_points(self, values: Tensor, x: Tensor) -> Tensor:
        mats, dens = zip(*(self._matrix(x[:, k], k) for k in range(self.dim)), strict=True)
        inner = math.prod(self.shape[:-1])
        chunk = max(1, _CHUNK_ELEMENTS // max(inner, 1))
        flat = values.reshape(-1, self.shape[-1])
        parts = []
        for start in range(0, x.shape[0], chunk):
            sl = slice(start, start + chunk)
            # (n_1 ... n_{d-1}, n_d) @ (n_d, b) -> (b, n_1, ..., n_{d-1})
            t = (flat @ mats[-1][sl].T).T.reshape(-1, *self.shape[:-1]) / dens[-1][sl].reshape(
                (-1,) + (1,) * (self.dim - 1))
            for k in range(self.dim - 2, -1, -1):
                t = torch.einsum("b...k,bk->b...", t, mats[k][sl])
                t = t / dens[k][sl].reshape((-1,) + (1,) * k)
            parts.append(t.reshape(-1))
        return torch.cat(parts) if len(parts) > 1 else parts[0]

    def _prepare(self, x: Any) -> Tensor | list[Tensor]:
        """Check scattered points or grid coordinates before any work."""
        if isinstance(x, Tensor):
            return self._check_points(x)
        if isinstance(x, list | tuple):
            return self._check_grid(x)
        raise TypeError(
            "`points` must be a tensor of shape (m, d) (scattered) or a tuple of d 1-D "
            f"tensors (grid), got {type(x).__name__}."
        )

    def _evaluate(self, values: Tensor, x: Tensor | list[Tensor]) -> Tensor:
        if isinstance(x, Tensor):
            return self._eval_points(values, x)
        return self._eval_grid(values, x)

    def forward(self, x: Tensor | Sequence[Tensor], *, values: Tensor | None = None) -> Tensor:
        """Evaluate the interpolant.

        Parameters
        ----------
        x : Tensor of shape (m, d), or a tuple/list of d 1-D tensors
            Scattered points, or the coordinates of a grid (``indexing="ij"``).
        values : Tensor of shape (n_1, ..., n_d), optional
            Node values to interpolate instead of :meth:`node_values` (the functional
            form used by the training objectives: the layer's own parameters are not
            read).  Same dtype and device as the layer.

        Returns
        -------
        Tensor, shape (m,) or (m_1, ..., m_d)
        """
        return self._evaluate(self._values(values), self._prepare(x))

    def _values(self, values: Tensor | None) -> Tensor:
        """:meth:`node_values`, or the caller's ``values`` once checked."""
        if values is None:
            return self.node_values()
        check_tensor(values, "values", dtype=self.dtype, device=self.values.device)
        if tuple(values.shape) != self.shape:
            raise ValueError(f"`values` must have the node shape {self.shape}, got "
                             f"{tuple(values.shape)}.")
        return values

    # ----------------------------------------------------------------- derivatives

    def _diffmat(self, k: int, order: int) -> Tensor:
        key = (k, order, self.dtype, self.values.device)
        mat = self._diffmats.get(key)
        if mat is None:
            d = chebyshev_derivative_matrix(self.axes[k], order)
            mat = torch.as_tensor(np.ascontiguousarray(d), dtype=self.dtype,
                                  device=self.values.device)
            self._diffmats[key] = mat
        return mat

    def nodal_derivative(self, orders: Sequence[int], *,
                         values: Tensor | None = None) -> Tensor:
        r"""The partial derivative :math:`\partial^{k_1}_{x_1}\cdots\partial^{k_d}_{x_d}`
        of the interpolant at the nodes, shape ``(n_1, ..., n_d)``.

        Chebyshev axes: ``chebyshev_diffmat(n, k, domain)`` (exact derivative of the
        polynomial interpolant, zero for ``k >= n``) applied along the axis, cost
        :math:`O(n_k N)`; Fourier axes: FFT, :math:`O(N\log n_k)`
        (``N = n_1\cdots n_d``).  Differentiable with respect to :attr:`values` (or
        to the ``values`` passed, as in :meth:`forward`).
        """
        orders = self._check_orders(orders)
        v = self._values(values)
        for k, (ax, o) in enumerate(zip(self.axes, orders, strict=True)):
            if o == 0:
                continue
            if ax.kind == "chebyshev":
                v = contract(self._diffmat(k, o), v, k)
            else:
                a, b = ax.domain
                v = fourier_derivative(v, k, o, b - a)
        return v

    def derivative(self, x: Tensor | Sequence[Tensor], orders: Sequence[int], *,
                   values: Tensor | None = None) -> Tensor:
        """A partial derivative of the interpolant at points or on a grid.

        Formed at the nodes (:meth:`nodal_derivative`), then interpolated as in
        :meth:`forward`: spectral, any order, mixed partials, no autograd through ``x``.

        Parameters
        ----------
        x : Tensor of shape (m, d), or a tuple/list of d 1-D tensors
        orders : sequence of d non-negative ints
            ``orders[k]`` derivatives along axis ``k``.
        values : Tensor of shape (n_1, ..., n_d), optional
            Node values instead of :meth:`node_values` (as in :meth:`forward`).

        Returns
        -------
        Tensor, shape (m,) or (m_1, ..., m_d)
        """
        orders = self._check_orders(orders)
        pts = self._prepare(x)
        return self._evaluate(self.nodal_derivative(orders, values=values), pts)

    def extra_repr(self) -> str:
        axes = ", ".join(f"{ax.kind}(n={ax.n}, domain={ax.domain}"
                         + (f", x_map={ax.x_map}" if getattr(ax, "x_map", None) else "") + ")"
                         for ax in self.axes)
        return f"axes=[{axes}], dtype={self.dtype}"
