r"""Learned solvers of Poisson2d-C: the explicit BWLer and an MLP PINN.

The problem (:class:`numlearn.problems.pdes.Poisson2dC`): :math:`\Delta u = 0` on
:math:`\Omega = [-\tfrac12, \tfrac12]^2` minus four disks (centres
:math:`(\pm 0.3, \pm 0.3)`, radius 0.1), :math:`u = 1` on the square and 0 on the
circles.  Both objectives minimise the source paper's loss (its *linear* weight
:math:`w = 10`):

.. math::

    \mathcal L = \frac1M\sum_{b=1}^M (\Delta u(p_b))^2
      + w\Big(\frac1{M_s}\sum_{q\in\partial S}(u(q) - 1)^2
      + \frac1{M_c}\sum_{q\in\partial D} u(q)^2\Big),

with ``M`` interior points drawn once (uniform in :math:`\Omega`, seeded), ``M_s``
points on the square's edges (equispaced, corners once) and ``M_c`` on the four circles
(equispaced angles).  Blocks of :meth:`~PDEObjective.residuals`: ``"pde"`` (the
Laplacian over :math:`\sqrt M`), ``"bc_square"`` and ``"bc_circles"``.

- :class:`ExplicitBWLerPoisson`: ``u`` is the Chebyshev x Chebyshev interpolant on the
  bounding box (:class:`~numlearn.learned.layers.BWLerLayer`, the paper's 51 x 51), the
  parameters its node values (the values inside the holes are free); the Laplacian at
  the scattered points is the layer's spectral derivative
  (:math:`D^{(2)}` at the nodes, then barycentric interpolation).  The loss is
  quadratic in the node values: :func:`explicit_poisson_floor` assembles the weighted
  matrix from the objective's own residual (one batched evaluation per column chunk,
  ``torch.vmap``) and solves it by pivoted QR (:func:`numlearn.classical.linalg.qr_lstsq`),
  the minimiser a perfect optimiser would reach.
- :class:`MLPPINNPoisson`: a tanh MLP ``(x, y) -> u`` (:class:`~numlearn.learned.layers.MLP`),
  the Laplacian by autograd (``create_graph=True``).

Predictions are on ``problem.evaluation_points()``; errors against ``problem.truth()``.

References
----------
.. [1] J. Liu et al., "BWLer: Barycentric Weight Layer Elucidates a
   Precision-Conditioning Tradeoff for PINNs", arXiv:2506.23024 (2025) (explicit
   BWLer, 51 x 51, loss weight 10).
.. [2] Z. Hao et al., "PINNacle", NeurIPS 2024 Datasets and Benchmarks (Poisson2d-C).
.. [3] M. Raissi, P. Perdikaris, G. E. Karniadakis, "Physics-informed neural
   networks", J. Comput. Phys. 378 (2019) 686-707.  DeepXDE's ``PDE`` with a
   ``CSGDifference`` geometry is the library equivalent of the MLP PINN.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor

from numlearn._core.validation import check_int, check_positive
from numlearn.learned.layers.base import _check_device, _check_dtype, check_tensor
from numlearn.learned.spectral.objective import PDEObjective

__all__ = ["ExplicitBWLerPoisson", "MLPPINNPoisson", "explicit_poisson_floor"]

_BOX = (-0.5, 0.5)


def _check_problem(problem: Any) -> Any:
    from numlearn.problems.pdes import Poisson2dC, get_pde

    if problem is None:
        return get_pde("poisson2d_c")
    if isinstance(problem, str):
        problem = get_pde(problem)
    if not isinstance(problem, Poisson2dC):
        raise TypeError(f"`problem` must be poisson2d_c (a Poisson2dC), got "
                        f"{getattr(problem, 'name', type(problem).__name__)!r}; the "
                        "evolution problems have their own objectives.")
    return problem


def sample_points(problem: Any, n_interior: int, n_boundary: int,
                  seed: int) -> tuple[NDArray[np.float64], NDArray[np.float64],
                                      NDArray[np.float64]]:
    """``(interior (M, 2), square (4 n_b, 2), circles (4 n_b, 2))`` points, seeded.

    Interior: uniform in the box, rejected inside the closed disks (and on the square's
    edges).  Square: ``n_b`` equispaced points per edge, each corner once.  Circles:
    ``n_b`` equispaced angles per circle.
    """
    rng = np.random.default_rng(seed)
    chunks, have = [], 0
    while have < n_interior:
        p = rng.uniform(-0.5, 0.5, size=(2 * n_interior, 2))
        ok = np.ones(len(p), dtype=bool)
        for cx, cy in problem.centers:
            ok &= np.hypot(p[:, 0] - cx, p[:, 1] - cy) > problem.radius
        ok &= (np.abs(p) < 0.5).all(axis=1)
        chunks.append(p[ok])
        have += int(ok.sum())
    interior = np.concatenate(chunks)[:n_interior]
    s = -0.5 + np.arange(n_boundary) / n_boundary  # [-0.5, 0.5)
    half = np.full(n_boundary, 0.5)
    square = np.concatenate([np.stack(c, axis=1) for c in
                             ((s, -half), (half, s), (-s, half), (-half, -s))])
    ang = 2.0 * math.pi * np.arange(n_boundary) / n_boundary
    circles = np.concatenate([np.stack([cx + problem.radius * np.cos(ang),
                                        cy + problem.radius * np.sin(ang)], axis=1)
                              for cx, cy in problem.centers])
    return interior, square, circles


class _PoissonObjective(PDEObjective):
    """Shared sampling, weights and checks of the two Poisson2d-C objectives."""

    def _setup(self, problem: Any, n_interior: Any, n_boundary: Any, bc_weight: Any,
               seed: Any, dtype: Any, device: Any) -> None:
        self.problem = _check_problem(problem)
        self.n_interior = check_int(n_interior, "n_interior", minimum=1)
        self.n_boundary = check_int(n_boundary, "n_boundary", minimum=1)
        self.bc_weight = check_positive(bc_weight, "bc_weight")
        self.seed = check_int(seed, "seed", minimum=0)
        self.dtype = _check_dtype(dtype)
        self.device = torch.device("cpu") if device is None else _check_device(device)
        interior, square, circles = sample_points(self.problem, self.n_interior,
                                                  self.n_boundary, self.seed)
        fk = {"dtype": self.dtype, "device": self.device}
        self.interior = torch.as_tensor(interior, **fk)
        self.square = torch.as_tensor(square, **fk)
        self.circles = torch.as_tensor(circles, **fk)
        ex, ey = self.problem.evaluation_points()
        self.eval_points = torch.as_tensor(np.stack([ex, ey], axis=1), **fk)
        self._w_pde = 1.0 / math.sqrt(self.n_interior)
        self._w_bc = math.sqrt(self.bc_weight / (4 * self.n_boundary))

    def _blocks(self, lap: Tensor, u_sq: Tensor, u_circ: Tensor) -> dict[str, Tensor]:
        return {"pde": self._w_pde * lap,
                "bc_square": self._w_bc * (u_sq - self.problem.outer_value),
                "bc_circles": self._w_bc * (u_circ - self.problem.hole_value)}

    def _base_config(self) -> dict[str, Any]:
        return {"problem": self.problem.name, "n_interior": self.n_interior,
                "n_boundary": self.n_boundary, "bc_weight": self.bc_weight,
                "seed": self.seed, "dtype": str(self.dtype).removeprefix("torch.")}

    def _check_theta(self, theta: Any, size: int) -> Tensor:
        return check_tensor(theta, "theta", dtype=self.dtype, device=self.device,
                            owner="the objective", size=size)


class ExplicitBWLerPoisson(_PoissonObjective):
    r"""The explicit BWLer's loss on Poisson2d-C (module notes): parameters are the node
    values of an ``n x n`` Chebyshev interpolant on the bounding box.

    Parameters
    ----------
    problem : Poisson2dC or "poisson2d_c", optional
    n : int, default 51
        Chebyshev nodes per axis (the paper's 51), ``n >= 3``.
    n_interior : int, default 10000
        Interior residual points (drawn once, ``seed``).
    n_boundary : int, default 250
        Points per square edge and per circle.
    bc_weight : float, default 10
        The linear boundary weight ``w``.
    seed : int, default 0
    dtype, device
        float64 by default.

    Notes
    -----
    Cost of one residual: :math:`O(M n^2)` (interpolating the two second derivatives
    at ``M`` points); :meth:`matrix` costs ``n^2`` such evaluations (batched).
    """

    def __init__(self, problem: Any = None, *, n: int = 51, n_interior: int = 10_000,
                 n_boundary: int = 250, bc_weight: float = 10.0, seed: int = 0,
                 dtype: torch.dtype = torch.float64,
                 device: str | torch.device | None = None) -> None:
        from numlearn.learned.layers import BWLerLayer, ChebyshevAxis

        self.n = check_int(n, "n", minimum=3)
        self._setup(problem, n_interior, n_boundary, bc_weight, seed, dtype, device)
        self.layer = BWLerLayer((ChebyshevAxis(self.n, _BOX), ChebyshevAxis(self.n, _BOX)),
                                dtype=self.dtype, device=self.device)
        self.name = f"explicit BWLer {self.n}x{self.n} (poisson2d_c)"

    @property
    def size(self) -> int:
        """Number of parameters, ``n**2``."""
        return self.n * self.n

    def laplacian(self, theta: Tensor, points: Tensor) -> Tensor:
        """:math:`u_{xx} + u_{yy}` of the interpolant at ``points`` (``(m, 2)``)."""
        V = theta.reshape(self.n, self.n)
        return (self.layer.derivative(points, (2, 0), values=V)
                + self.layer.derivative(points, (0, 2), values=V))

    def residuals(self, theta: Tensor) -> dict[str, Tensor]:
        theta = self._check_theta(theta, self.size)
        V = theta.reshape(self.n, self.n)
        return self._blocks(self.laplacian(theta, self.interior),
                            self.layer(self.square, values=V),
                            self.layer(self.circles, values=V))

    def initial_parameters(self, seed: int = 0) -> Tensor:
        """Zeros (the paper's effective initialisation)."""
        return torch.zeros(self.size, dtype=self.dtype, device=self.device)

    def predict(self, theta: Tensor) -> NDArray[np.float64]:
        theta = self._check_theta(theta, self.size)
        with torch.no_grad():
            u = self.layer(self.eval_points, values=theta.reshape(self.n, self.n))
        return u.detach().cpu().numpy().astype(np.float64)

    def config(self) -> dict[str, Any]:
        return {"model": "explicit_bwler", "n": self.n, **self._base_config()}

    def matrix(self, chunk: int = 64) -> tuple[Tensor, Tensor]:
        r"""``(A, b)`` with ``residual_vector(theta) = A theta - b`` (the loss is
        :math:`\|A\theta - b\|^2`): ``b = -r(0)``, the columns ``r(e_j) - r(0)`` from
        the objective's own residual, ``chunk`` basis vectors per batched
        (``torch.vmap``) evaluation."""
        chunk = check_int(chunk, "chunk", minimum=1)
        with torch.no_grad():
            zero = torch.zeros(self.size, dtype=self.dtype, device=self.device)
            r0 = self.residual_vector(zero)
            cols = []
            eye = torch.eye(self.size, dtype=self.dtype, device=self.device)
            fn = torch.vmap(self.residual_vector)
            for start in range(0, self.size, chunk):
                cols.append((fn(eye[start:start + chunk]) - r0).T)
            return torch.cat(cols, dim=1), -r0


    def constant_jacobian(self) -> Tensor:
        """The Jacobian of :meth:`residual_vector` (constant: the loss is linear in the
        node values), ``matrix()[0]``, for ``fit``'s Gauss-Newton with
        ``{"jacobian": "constant"}``."""
        return self.matrix()[0]


def explicit_poisson_floor(objective: ExplicitBWLerPoisson) -> tuple[
        NDArray[np.float64], dict[str, Any]]:
    r"""The exact minimiser of the explicit BWLer loss (float64 pivoted QR of the
    weighted matrix of :meth:`ExplicitBWLerPoisson.matrix`), and its stats
    (``cond``, ``residual_norm`` :math:`\|A\theta - b\|`, ``rank``, ``shape``): the
    floor of every optimiser."""
    from numlearn.classical.linalg import qr_lstsq

    if not isinstance(objective, ExplicitBWLerPoisson):
        raise TypeError(f"`objective` must be an ExplicitBWLerPoisson, got "
                        f"{type(objective).__name__}.")
    A, b = objective.matrix()
    An, bn = A.cpu().numpy().astype(np.float64), b.cpu().numpy().astype(np.float64)
    sol = qr_lstsq(An, bn)
    stats = {"cond": float(sol.cond), "rank": int(sol.rank),
             "residual_norm": float(np.linalg.norm(An @ sol.x - bn)),
             "shape": tuple(A.shape)}
    return np.asarray(sol.x, dtype=np.float64), stats


class MLPPINNPoisson(_PoissonObjective):
    r"""The MLP PINN's loss on Poisson2d-C (module notes): ``u = MLP(2x, 2y)`` (inputs
    scaled to :math:`[-1, 1]^2`), the Laplacian by autograd.

    Parameters
    ----------
    problem, n_interior, n_boundary, bc_weight, seed, dtype, device
        As :class:`ExplicitBWLerPoisson`.
    hidden : sequence of int, default (64, 64, 64)
        Hidden widths of the tanh MLP (:class:`numlearn.learned.layers.MLP`).

    Notes
    -----
    Cost of one residual: a forward and two nested backward passes over ``M`` points,
    :math:`O(M P)` for ``P`` parameters.
    """

    def __init__(self, problem: Any = None, *, hidden: tuple[int, ...] = (64, 64, 64),
                 n_interior: int = 10_000, n_boundary: int = 250, bc_weight: float = 10.0,
                 seed: int = 0, dtype: torch.dtype = torch.float64,
                 device: str | torch.device | None = None) -> None:
        from numlearn.learned.layers import MLP, FlatParameters

        self._setup(problem, n_interior, n_boundary, bc_weight, seed, dtype, device)
        self.hidden = tuple(int(h) for h in hidden)
        self.net = MLP(2, self.hidden, 1, seed=self.seed, dtype=self.dtype, device=self.device)
        self.flat = FlatParameters(self.net)
        self.name = f"MLP PINN {'x'.join(map(str, self.hidden))} (poisson2d_c)"

    def _u(self, theta: Tensor, pts: Tensor) -> Tensor:
        # inputs scaled from the box [-1/2, 1/2]^2 to [-1, 1]^2 (tanh's active range)
        return self.flat.call(theta, 2.0 * pts).reshape(-1)

    def laplacian(self, theta: Tensor, points: Tensor) -> Tensor:
        """:math:`u_{xx} + u_{yy}` at ``points`` by autograd (graph kept for training)."""
        pts = points.detach().clone().requires_grad_(True)
        u = self._u(theta, pts)
        (g,) = torch.autograd.grad(u.sum(), pts, create_graph=True)
        lap = 0
        for k in range(2):
            (gk,) = torch.autograd.grad(g[:, k].sum(), pts, create_graph=True)
            lap = lap + gk[:, k]
        return lap  # type: ignore[return-value]

    def residuals(self, theta: Tensor) -> dict[str, Tensor]:
        theta = self._check_theta(theta, self.flat.size)
        with torch.enable_grad():
            lap = self.laplacian(theta, self.interior)
        return self._blocks(lap, self._u(theta, self.square), self._u(theta, self.circles))

    def initial_parameters(self, seed: int = 0) -> Tensor:
        """The MLP's seeded initialisation (``seed`` of the constructor's network if 0,
        else a fresh network with this seed)."""
        from numlearn.learned.layers import MLP, FlatParameters

        if seed == self.seed:
            return self.flat.get()
        net = MLP(2, self.hidden, 1, seed=int(seed), dtype=self.dtype, device=self.device)
        return FlatParameters(net).get()

    def predict(self, theta: Tensor) -> NDArray[np.float64]:
        theta = self._check_theta(theta, self.flat.size)
        with torch.no_grad():
            u = self._u(theta, self.eval_points)
        return u.detach().cpu().numpy().astype(np.float64)

    def config(self) -> dict[str, Any]:
        return {"model": "mlp_pinn", "hidden": list(self.hidden), **self._base_config()}
