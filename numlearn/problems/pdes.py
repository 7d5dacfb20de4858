r"""The benchmark PDEs, one definition shared by the classical and the learned side.

Each problem carries its domain, coefficients, initial and boundary conditions, the
residual written in terms of the solution and its derivatives (plain arithmetic, so
the same method works on NumPy arrays and on torch tensors), the evaluation grid
used for reporting, and the exact or reference solution with a record of how it was
made and how accurate it is.

- ``convection``: :math:`u_t + \beta u_x = 0`, β = 40 (or 80), t ∈ [0, 1],
  x ∈ [0, 2π) periodic; exact.
- ``reaction``: :math:`u_t = \rho u (1 - u)`, ρ = 5, t ∈ [0, 1], x ∈ [0, 2π)
  periodic; exact.
- ``wave``: :math:`u_{tt} = c^2 u_{xx}`, c = 2, β = 5, t, x ∈ [0, 1], Dirichlet; exact.
- ``burgers``: :math:`u_t + u u_x = \nu u_{xx}`, ν = 0.01/π, t ∈ [0, 1],
  x ∈ [-1, 1], Dirichlet; Cole–Hopf reference.
- ``poisson2d_c``: :math:`\Delta u = 0` on the square :math:`[-\tfrac12, \tfrac12]^2`
  minus four disks; series reference.

Evaluation grids follow the source papers (BWLer, arXiv 2506.23024, and Rathore et
al., ICML 2024): convection ``t = linspace(0, 1, 200)`` × ``x = linspace(0, 2π,
201)[:-1]``; reaction and wave 200 × 200 ``linspace`` including the endpoints;
Burgers 201 times × 511 points (BWLer's Chebfun grid sizes, here on
``linspace``); Poisson the points stored with its reference.

Conventions
-----------
Every problem speaks the harness protocol (:class:`numlearn.problems.protocol.HarnessProblem`):
``name``, ``grid_name`` and ``truth()`` on its evaluation grid, and
``evaluate_on_grid(u)`` turns a solver's value (an array on the grid, or a callable
solution) into values on the same grid.

Evolution problems have variables ``(t, x)``; arrays of solution values on a grid
are indexed ``u[i_t, i_x]``.  ``residual(u, d)`` takes the solution values and a
mapping ``d`` of derivative values with keys ``"u_t"``, ``"u_x"``, ``"u_xx"``,
``"u_tt"`` (those the equation needs) and returns the pointwise residual, zero for
the exact solution.

References
----------
.. [1] J. Liu et al., "BWLer: Barycentric Weight Layer Elucidates a
   Precision-Conditioning Tradeoff for PINNs", arXiv:2506.23024 (2025).
.. [2] P. Rathore et al., "Challenges in Training PINNs: A Loss Landscape
   Perspective", ICML 2024, arXiv:2402.01868, appendix A.
.. [3] A. Krishnapriyan et al., "Characterizing possible failure modes in
   physics-informed neural networks", NeurIPS 2021.
.. [4] M. Raissi, P. Perdikaris, G. E. Karniadakis, "Physics-informed neural
   networks", J. Comput. Phys. 378 (2019) (Burgers).
.. [5] Z. Hao et al., "PINNacle", NeurIPS 2024 Datasets and Benchmarks (Poisson2d-C).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array

if TYPE_CHECKING:
    from numlearn._core.result import Result

__all__ = [
    "PDE_PROBLEMS",
    "Burgers",
    "Convection",
    "EvolutionProblem",
    "PDESolver",
    "Poisson2dC",
    "Reaction",
    "Wave",
    "get_pde",
]

TWO_PI = 2.0 * math.pi


def _grid(t: ArrayLike, x: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Broadcast ``t`` and ``x`` (validated float64) against each other."""
    tt = as_float_array(t, "t")
    xx = as_float_array(x, "x")
    return np.broadcast_arrays(tt, xx)  # type: ignore[return-value]


@dataclass(frozen=True)
class EvolutionProblem:
    """Common part of the time-dependent benchmark problems in ``(t, x)``.

    Attributes
    ----------
    name : str
        Registry name.
    equation : str
        The PDE in words/ASCII.
    t_domain, x_domain : (float, float)
        Time interval and spatial interval.
    periodic : bool
        Whether ``x`` is periodic (then the x-interval's right end is excluded).
    order_t : int
        Highest time derivative (1, or 2 for the wave equation).
    linear : bool
        Whether the residual is linear in ``u``.
    params : dict
        The coefficients (``beta``, ``rho``, ``c``, ``nu``).
    reference : dict
        How the truth is computed and its verified accuracy
        (keys ``kind``, ``method``, ``accuracy``).
    """

    name: str
    equation: str
    t_domain: tuple[float, float]
    x_domain: tuple[float, float]
    periodic: bool
    order_t: int
    linear: bool
    params: dict[str, float] = field(default_factory=dict)
    reference: dict[str, Any] = field(default_factory=dict)
    grid_shape: tuple[int, int] = (200, 200)

    # ---------------------------------------------------------------- data
    def initial_condition(self, x: ArrayLike) -> NDArray[np.float64]:
        """``u(0, x)``."""
        return self.solution(np.zeros_like(as_float_array(x, "x")), x)

    def initial_velocity(self, x: ArrayLike) -> NDArray[np.float64]:
        """``u_t(0, x)`` (second order in time only)."""
        raise NotImplementedError(f"{self.name} is first order in time")

    def boundary_values(self, t: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(u(t, a), u(t, b))`` for Dirichlet problems."""
        if self.periodic:
            raise ValueError(f"{self.name} is periodic in x: it has no boundary values.")
        tt = as_float_array(t, "t")
        a, b = self.x_domain
        return self.solution(tt, np.full_like(tt, a)), self.solution(tt, np.full_like(tt, b))

    def solution(self, t: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        """The exact (or reference) solution at broadcast ``(t, x)``."""
        raise NotImplementedError

    def residual(self, u: Any, d: Mapping[str, Any]) -> Any:
        """The PDE residual from ``u`` and its derivatives ``d`` (see module docs)."""
        raise NotImplementedError

    def evaluation_grid(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The reporting grid ``(t, x)`` as two 1-D arrays (see module docstring)."""
        nt, nx = self.grid_shape
        t = np.linspace(*self.t_domain, nt)
        if self.periodic:
            x = np.linspace(*self.x_domain, nx + 1)[:-1]
        else:
            x = np.linspace(*self.x_domain, nx)
        return t, x

    def solution_on_grid(
        self, t: ArrayLike | None = None, x: ArrayLike | None = None
    ) -> NDArray[np.float64]:
        """The solution on the tensor grid ``u[i_t, i_x]`` (default: evaluation grid)."""
        if t is None or x is None:
            t, x = self.evaluation_grid()
        tt = as_float_array(t, "t").reshape(-1, 1)
        xx = as_float_array(x, "x").reshape(1, -1)
        return self.solution(tt, xx)

    # ---------------------------------------------------------------- harness protocol
    @property
    def grid_name(self) -> str:
        """``"<name>.evaluation_grid (<nt>x<nx>)"``."""
        t, x = self.evaluation_grid()
        return f"{self.name}.evaluation_grid ({t.size}x{x.size})"

    def truth(self) -> NDArray[np.float64]:
        """The exact or reference solution on the evaluation grid, ``u[i_t, i_x]``."""
        return self.solution_on_grid()

    def evaluate_on_grid(self, u: Any) -> NDArray[np.float64]:
        """A solver's value on the evaluation grid: ``u(t, x)`` of the grid's 1-D
        arrays if ``u`` is callable (returning ``u[i_t, i_x]``), else ``u`` itself."""
        return np.asarray(u(*self.evaluation_grid()) if callable(u) else u)


@dataclass(frozen=True)
class Convection(EvolutionProblem):
    r"""Convection :math:`u_t + \beta u_x = 0`, :math:`u(0, x) = \sin x`, periodic.

    Exact solution :math:`u = \sin(x - \beta t)`.
    """

    name: str = "convection"
    equation: str = "u_t + beta*u_x = 0"
    t_domain: tuple[float, float] = (0.0, 1.0)
    x_domain: tuple[float, float] = (0.0, TWO_PI)
    periodic: bool = True
    order_t: int = 1
    linear: bool = True
    params: dict[str, float] = field(default_factory=lambda: {"beta": 40.0})
    reference: dict[str, Any] = field(
        default_factory=lambda: {"kind": "exact", "method": "sin(x - beta*t)",
                                 "accuracy": "float64 rounding"}
    )

    def solution(self, t: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        tt, xx = _grid(t, x)
        return np.sin(xx - self.params["beta"] * tt)

    def residual(self, u: Any, d: Mapping[str, Any]) -> Any:
        return d["u_t"] + self.params["beta"] * d["u_x"]


@dataclass(frozen=True)
class Reaction(EvolutionProblem):
    r"""Reaction :math:`u_t = \rho u (1 - u)`, Gaussian initial data, periodic in x.

    :math:`h(x) = \exp(-(x - \pi)^2 / (2 (\pi/4)^2))`; exact solution
    :math:`u = h e^{\rho t} / (h e^{\rho t} + 1 - h)`.  :math:`h` is periodic in value
    only (its derivative jumps by about :math:`1.7\times 10^{-3}` across
    :math:`x = 0 \equiv 2\pi`), so only value periodicity is imposed.
    """

    name: str = "reaction"
    equation: str = "u_t - rho*u*(1 - u) = 0"
    t_domain: tuple[float, float] = (0.0, 1.0)
    x_domain: tuple[float, float] = (0.0, TWO_PI)
    periodic: bool = True
    order_t: int = 1
    linear: bool = False
    params: dict[str, float] = field(default_factory=lambda: {"rho": 5.0})
    reference: dict[str, Any] = field(
        default_factory=lambda: {"kind": "exact", "method": "logistic formula",
                                 "accuracy": "float64 rounding"}
    )

    def evaluation_grid(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """200 × 200 ``linspace`` including both x endpoints (as in the papers)."""
        nt, nx = self.grid_shape
        return np.linspace(*self.t_domain, nt), np.linspace(*self.x_domain, nx)

    def initial_condition(self, x: ArrayLike) -> NDArray[np.float64]:
        xx = as_float_array(x, "x")
        return np.exp(-((xx - math.pi) ** 2) / (2.0 * (math.pi / 4.0) ** 2))

    def solution(self, t: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        tt, xx = _grid(t, x)
        h = self.initial_condition(xx)
        e = np.exp(self.params["rho"] * tt)
        return h * e / (h * e + 1.0 - h)

    def residual(self, u: Any, d: Mapping[str, Any]) -> Any:
        return d["u_t"] - self.params["rho"] * u * (1.0 - u)


@dataclass(frozen=True)
class Wave(EvolutionProblem):
    r"""Wave :math:`u_{tt} = c^2 u_{xx}` on :math:`[0,1]^2`, c = 2, β = 5.

    :math:`u(0,x) = \sin\pi x + \tfrac12 \sin\beta\pi x`, :math:`u_t(0,x) = 0`,
    :math:`u(t,0) = u(t,1) = 0`.  Exact (separation of variables):
    :math:`u = \sin\pi x\cos c\pi t + \tfrac12\sin\beta\pi x\cos c\beta\pi t`.
    """

    name: str = "wave"
    equation: str = "u_tt - c**2*u_xx = 0"
    t_domain: tuple[float, float] = (0.0, 1.0)
    x_domain: tuple[float, float] = (0.0, 1.0)
    periodic: bool = False
    order_t: int = 2
    linear: bool = True
    params: dict[str, float] = field(default_factory=lambda: {"c": 2.0, "beta": 5.0})
    reference: dict[str, Any] = field(
        default_factory=lambda: {"kind": "exact", "method": "separation of variables",
                                 "accuracy": "float64 rounding"}
    )

    def solution(self, t: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        tt, xx = _grid(t, x)
        c, b = self.params["c"], self.params["beta"]
        return (np.sin(math.pi * xx) * np.cos(c * math.pi * tt)
                + 0.5 * np.sin(b * math.pi * xx) * np.cos(c * b * math.pi * tt))

    def initial_velocity(self, x: ArrayLike) -> NDArray[np.float64]:
        return np.zeros_like(as_float_array(x, "x"))

    def boundary_values(self, t: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        tt = as_float_array(t, "t")
        return np.zeros_like(tt), np.zeros_like(tt)

    def residual(self, u: Any, d: Mapping[str, Any]) -> Any:
        return d["u_tt"] - self.params["c"] ** 2 * d["u_xx"]


@dataclass(frozen=True)
class Burgers(EvolutionProblem):
    r"""Viscous Burgers :math:`u_t + u u_x = \nu u_{xx}`, ν = 0.01/π, on [-1, 1].

    :math:`u(0, x) = -\sin\pi x`, :math:`u(t, \pm 1) = 0`.  The truth is the Cole–Hopf
    representation evaluated by quadrature (:mod:`numlearn.problems.burgers`).
    """

    name: str = "burgers"
    equation: str = "u_t + u*u_x - nu*u_xx = 0"
    t_domain: tuple[float, float] = (0.0, 1.0)
    x_domain: tuple[float, float] = (-1.0, 1.0)
    periodic: bool = False
    order_t: int = 1
    linear: bool = False
    params: dict[str, float] = field(default_factory=lambda: {"nu": 0.01 / math.pi})
    reference: dict[str, Any] = field(
        default_factory=lambda: {"kind": "reference", "method": "Cole-Hopf quadrature",
                                 "accuracy": "see numlearn.problems.burgers"}
    )
    grid_shape: tuple[int, int] = (201, 511)

    def initial_condition(self, x: ArrayLike) -> NDArray[np.float64]:
        return -np.sin(math.pi * as_float_array(x, "x"))

    def boundary_values(self, t: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        tt = as_float_array(t, "t")
        return np.zeros_like(tt), np.zeros_like(tt)

    def solution(self, t: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        from numlearn.problems.burgers import burgers_solution

        tt, xx = _grid(t, x)
        return burgers_solution(tt, xx, nu=self.params["nu"])

    def residual(self, u: Any, d: Mapping[str, Any]) -> Any:
        return d["u_t"] + u * d["u_x"] - self.params["nu"] * d["u_xx"]


@dataclass(frozen=True)
class Poisson2dC:
    r"""PINNacle Poisson2d-C: :math:`\Delta u = 0` on the square minus four disks.

    Domain :math:`[-\tfrac12, \tfrac12]^2` minus the disks of radius 0.1 centred at
    :math:`(\pm 0.3, \pm 0.3)`; :math:`u = 1` on the outer square, :math:`u = 0` on
    the circles.  The truth is the certified reference of
    :mod:`numlearn.problems.poisson2d` at the stored evaluation points (the 201 x 201
    grid points in the domain).

    ``margin`` and ``oracle`` let a comparison score against another truth:
    ``oracle(x, y)`` (e.g. a boundary-integral solve, accurate only away from the
    boundary) at the evaluation points at least ``margin`` from the boundary, and the
    boundary value 1 at the points on the square's edges; the points in between are
    left out.  ``margin > 0`` without an oracle keeps the same points with the stored
    reference as truth.
    """

    name: str = "poisson2d_c"
    equation: str = "u_xx + u_yy = 0"
    box: tuple[tuple[float, float], tuple[float, float]] = ((-0.5, 0.5), (-0.5, 0.5))
    centers: tuple[tuple[float, float], ...] = ((0.3, 0.3), (-0.3, 0.3), (-0.3, -0.3),
                                                (0.3, -0.3))
    radius: float = 0.1
    outer_value: float = 1.0
    hole_value: float = 0.0
    linear: bool = True
    reference: dict[str, Any] = field(
        default_factory=lambda: {"kind": "reference",
                                 "method": "see numlearn.problems.poisson2d",
                                 "accuracy": "see numlearn.problems.poisson2d"}
    )
    margin: float = 0.0
    oracle: Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]] | None = (
        field(default=None, compare=False, repr=False))

    def __post_init__(self) -> None:
        if not (math.isfinite(self.margin) and self.margin >= 0.0):
            raise ValueError(f"`margin` must be finite and >= 0, got {self.margin!r}.")
        if self.oracle is not None and self.margin <= 0.0:
            raise ValueError(
                "an `oracle` needs `margin` > 0: the evaluation points closer to the "
                "boundary than the margin are left out, except the square's edges, "
                "where the truth is the boundary value."
            )

    def contains(self, x: ArrayLike, y: ArrayLike) -> NDArray[np.bool_]:
        """Whether ``(x, y)`` lies in the closed domain."""
        xx, yy = _grid(x, y)
        inside_box = (np.abs(xx) <= 0.5) & (np.abs(yy) <= 0.5)
        out_of_holes = np.ones_like(inside_box)
        for cx, cy in self.centers:
            out_of_holes &= np.hypot(xx - cx, yy - cy) >= self.radius
        return inside_box & out_of_holes

    def residual(self, u: Any, d: Mapping[str, Any]) -> Any:
        """``u_xx + u_yy`` (keys ``"u_xx"``, ``"u_yy"``)."""
        return d["u_xx"] + d["u_yy"]

    def solution(self, x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """The reference solution at broadcast ``(x, y)`` inside the domain."""
        from numlearn.problems.poisson2d import poisson2d_c_solution

        xx, yy = _grid(x, y)
        return poisson2d_c_solution(xx, yy)

    def evaluation_points(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The reporting points ``(x, y)`` stored with the reference (with ``margin > 0``
        those on the square's edges or at least ``margin`` from the boundary)."""
        from numlearn.problems.poisson2d import (
            distance_to_boundary,
            poisson2d_c_evaluation_points,
        )

        x, y = poisson2d_c_evaluation_points()
        if self.margin > 0.0:
            keep = self._on_square(x, y) | (distance_to_boundary(x, y) >= self.margin)
            x, y = x[keep], y[keep]
        return x, y

    @staticmethod
    def _on_square(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.bool_]:
        return (np.abs(x) == 0.5) | (np.abs(y) == 0.5)

    # ---------------------------------------------------------------- harness protocol
    @property
    def grid_name(self) -> str:
        """What the evaluation points are, and how many."""
        n = self.evaluation_points()[0].size
        if self.margin > 0.0:
            return (f"{self.name}.evaluation_points on the square's edges or at distance "
                    f">= {self.margin:g} from the boundary ({n})")
        return f"{self.name}.evaluation_points ({n})"

    def truth(self) -> NDArray[np.float64]:
        """The solution at :meth:`evaluation_points`: the stored reference, or the
        ``oracle`` off the square's edges and the boundary value on them."""
        x, y = self.evaluation_points()
        if self.oracle is None:
            return self.solution(x, y)
        edge = self._on_square(x, y)
        u = np.full(x.shape, self.outer_value)
        u[~edge] = self.oracle(x[~edge], y[~edge])
        return u

    def evaluate_on_grid(self, u: Any) -> NDArray[np.float64]:
        """A solver's value at the evaluation points: ``u(x, y)`` if ``u`` is callable,
        else ``u`` itself."""
        return np.asarray(u(*self.evaluation_points()) if callable(u) else u)


@runtime_checkable
class PDESolver(Protocol):
    """What a PDE solver of either side is: a benchmark problem in, a
    :class:`numlearn.Result` out.

    Implemented by the classical methods of the ``pdes-classical`` comparison suite
    (space-time collocation, the method of lines, the Poisson2d-C series:
    ``numlearn.compare.pde_suites.PDE_SOLVERS``) and by a learned solver (a PINN), so a test or
    the harness (:func:`numlearn.compare.run_comparison`) swaps one for the other
    without an adapter.

    ``solver(problem)`` takes an :class:`EvolutionProblem` or :class:`Poisson2dC` and
    returns a ``Result`` whose ``value`` is the solution's values on the problem's
    evaluation grid: a float64 array of the shape of ``problem.truth()``
    (``u[i_t, i_x]`` for an evolution problem, one value per evaluation point for
    Poisson2d-C).  That is what the harness scores.  A solver whose natural output is
    a callable solution (an expansion ``u(t, x)``, ``u(x, y)`` for Poisson2d-C, or a
    trained network) evaluates it there with the problem's own
    ``problem.evaluate_on_grid(u)``, which calls it on the grid's arrays (and passes
    an array through unchanged).

    ``side`` and ``method`` are set; ``stats`` speaks
    :data:`numlearn.STATS_VOCABULARY` (``seconds``, ``iterations``, ``cond`` with
    ``cond_of`` ...) plus keys the solver documents (``nt``, ``nx``, ``N``, ``dt``,
    ``K``).  A method that does not apply to a problem returns ``value`` NaN with
    ``status`` :attr:`numlearn.Status.NOT_APPLICABLE` and a ``message`` saying why;
    the harness then reports NaN errors, not a failure.
    """

    def __call__(self, problem: EvolutionProblem | Poisson2dC, /) -> Result: ...


PDE_PROBLEMS: dict[str, type] = {
    "convection": Convection,
    "reaction": Reaction,
    "wave": Wave,
    "burgers": Burgers,
    "poisson2d_c": Poisson2dC,
}


def get_pde(name: str, **params: float) -> Any:
    """The benchmark problem ``name``, with coefficients overridden by ``params``.

    Examples
    --------
    >>> get_pde("convection", beta=80.0).params["beta"]
    80.0
    """
    try:
        cls = PDE_PROBLEMS[name]
    except KeyError:
        raise KeyError(
            f"no PDE problem named {name!r}; known: {', '.join(PDE_PROBLEMS)}"
        ) from None
    if not params:
        return cls()
    if cls is Poisson2dC:
        raise ValueError("poisson2d_c has no adjustable coefficients.")
    default = cls().params
    unknown = set(params) - set(default)
    if unknown:
        raise ValueError(
            f"{name} has coefficients {sorted(default)}; got unknown {sorted(unknown)}."
        )
    for k, v in params.items():
        if not (isinstance(v, (int, float)) and math.isfinite(v)):
            raise ValueError(f"coefficient {k} must be a finite number, got {v!r}.")
    return cls(params={**default, **{k: float(v) for k, v in params.items()}})
