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
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array, check_positive, check_real
from numlearn.problems.evolution import TWO_PI, EvolutionProblem, broadcast_tx, finite_phase
from numlearn.problems.protocol import UnknownProblemError

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
    "UnknownProblemError",
    "Wave",
    "get_pde",
]



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

    _PARAM_NAMES: ClassVar[tuple[str, ...]] = ("beta",)
    _X_DOMAIN: ClassVar[tuple[float, float] | None] = (0.0, TWO_PI)

    def solution(self, t: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        """``sin(x - beta t)``; any real ``beta`` (negative: transport to the left)."""
        tt, xx = broadcast_tx(t, x)
        with np.errstate(over="ignore", invalid="ignore"):
            phase = xx - self.params["beta"] * tt
        return np.sin(finite_phase(phase, "x - beta t"))

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

    _PARAM_NAMES: ClassVar[tuple[str, ...]] = ("rho",)
    _X_DOMAIN: ClassVar[tuple[float, float] | None] = (0.0, TWO_PI)

    def initial_condition(self, x: ArrayLike) -> NDArray[np.float64]:
        xx = as_float_array(x, "x", allow_complex=False).astype(np.float64, copy=False)
        with np.errstate(over="ignore"):
            return np.exp(-((xx - math.pi) ** 2) / (2.0 * (math.pi / 4.0) ** 2))

    def solution(self, t: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        r"""The logistic solution :math:`h e^{\rho t} / (h e^{\rho t} + 1 - h)`.

        Any real ``rho`` (negative: decay towards 0).  Where :math:`\rho t > 700`
        (:math:`e^{\rho t}` would overflow) or :math:`\rho t < 0` (:math:`h e + 1 - h`
        would cancel, to 0/0 at :math:`h = 1`) it is evaluated as
        :math:`\sigma(\rho t + \operatorname{logit} h)`, :math:`\sigma(z) = 1/(1 + e^{-z})`,
        :math:`\operatorname{logit} h = -q - \log(-\operatorname{expm1}(-q))` for
        :math:`h = e^{-q}`, with the fixed points :math:`h = 0` and :math:`h = 1` kept
        exactly; so it is never NaN (``rho = 1000`` at ``t = 1``, ``x = 3`` gives 1.0).
        The benchmark (``rho = 5``, ``t`` in [0, 1]) uses the direct formula.
        """
        tt, xx = broadcast_tx(t, x)
        h = self.initial_condition(xx)
        rho = self.params["rho"]
        with np.errstate(over="ignore", invalid="ignore"):
            z = rho * tt
        # The direct formula where it is exact to a few ulps: 0 <= rho t <= 700.  For
        # rho t < 0, h e + 1 - h cancels near x = pi (0/0 once e < eps at h = 1).
        safe = (z >= 0.0) & (z <= 700.0)
        e = np.exp(np.where(safe, z, 0.0))
        u = h * e / (h * e + 1.0 - h)
        if not safe.all():
            q = (xx - math.pi) ** 2 / (2.0 * (math.pi / 4.0) ** 2)
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                zt = z - q - np.log(-np.expm1(-q))
                ez = np.exp(-np.abs(zt))
                sig = np.where(zt >= 0.0, 1.0 / (1.0 + ez), ez / (1.0 + ez))
            sig = np.where(h == 0.0, 0.0, np.where(h == 1.0, 1.0, sig))
            u = np.where(safe, u, sig)
        return u

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

    _PARAM_NAMES: ClassVar[tuple[str, ...]] = ("c", "beta")
    _X_DOMAIN: ClassVar[tuple[float, float] | None] = (0.0, 1.0)

    def _check_params(self, params: dict[str, float]) -> None:
        """``c > 0`` (the wave speed); ``beta`` an integer (``sin(beta pi x)`` must
        vanish at ``x = 1``, the Dirichlet condition)."""
        check_positive(params["c"], "c")
        b = params["beta"]
        if b != math.floor(b) or abs(b) > 2.0**53:
            raise ValueError(
                f"`beta` must be an integer (a whole number such as 5.0) below 2**53, got "
                f"{b!r}: the mode sin(beta pi x) must vanish at x = 1, where u = 0."
            )

    def solution(self, t: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        tt, xx = broadcast_tx(t, x)
        c, b = self.params["c"], self.params["beta"]
        with np.errstate(over="ignore", invalid="ignore"):
            phases = [math.pi * xx, c * math.pi * tt, b * math.pi * xx, c * b * math.pi * tt]
        px, pt, bx, bt = (finite_phase(p, "pi x, c pi t, beta pi x or c beta pi t")
                          for p in phases)
        return np.sin(px) * np.cos(pt) + 0.5 * np.sin(bx) * np.cos(bt)

    def initial_velocity(self, x: ArrayLike) -> NDArray[np.float64]:
        return np.zeros_like(as_float_array(x, "x", allow_complex=False), dtype=np.float64)

    def boundary_values(self, t: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        tt = as_float_array(t, "t", allow_complex=False)
        return np.zeros_like(tt, dtype=np.float64), np.zeros_like(tt, dtype=np.float64)

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

    _PARAM_NAMES: ClassVar[tuple[str, ...]] = ("nu",)
    _X_DOMAIN: ClassVar[tuple[float, float] | None] = (-1.0, 1.0)

    def _check_params(self, params: dict[str, float]) -> None:
        """``nu > 0``; :meth:`solution` takes ``nu >= NU_MIN`` (1e-5) only (see
        :func:`numlearn.problems.burgers.burgers_solution`)."""
        check_positive(params["nu"], "nu")
        if self.t_domain[0] < 0.0:
            raise ValueError(
                f"`t_domain` must start at t >= 0, got {self.t_domain}: the Cole-Hopf "
                "solution is defined forward in time."
            )

    def initial_condition(self, x: ArrayLike) -> NDArray[np.float64]:
        xx = as_float_array(x, "x", allow_complex=False).astype(np.float64, copy=False)
        return -np.sin(math.pi * xx)

    def boundary_values(self, t: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        tt = as_float_array(t, "t", allow_complex=False)
        return np.zeros_like(tt, dtype=np.float64), np.zeros_like(tt, dtype=np.float64)

    def solution(self, t: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        from numlearn.problems.burgers import burgers_solution

        tt, xx = broadcast_tx(t, x)
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
        # The geometry is the benchmark's (the stored reference is for it): only the
        # scoring options `margin` and `oracle` may differ from the defaults.
        default = Poisson2dC.__dataclass_fields__
        for name in ("box", "centers", "radius", "outer_value", "hole_value"):
            if getattr(self, name) != default[name].default:
                raise ValueError(
                    f"`{name}` of poisson2d_c is fixed at {default[name].default!r} (the "
                    f"stored reference is for that geometry), got {getattr(self, name)!r}."
                )
        object.__setattr__(self, "margin", check_positive(self.margin, "margin",
                                                          allow_zero=True))
        if self.oracle is not None and not callable(self.oracle):
            raise TypeError(f"`oracle` must be callable oracle(x, y), got {self.oracle!r}.")
        if self.oracle is not None and self.margin <= 0.0:
            raise ValueError(
                "an `oracle` needs `margin` > 0: the evaluation points closer to the "
                "boundary than the margin are left out, except the square's edges, "
                "where the truth is the boundary value."
            )

    def contains(self, x: ArrayLike, y: ArrayLike) -> NDArray[np.bool_]:
        """Whether ``(x, y)`` lies in the closed domain."""
        xx, yy = broadcast_tx(x, y, ("x", "y"))
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

        xx, yy = broadcast_tx(x, y, ("x", "y"))
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
    ``numlearn.compare.pde_suites.PDE_SOLVERS``) and, once the learned PDE track is
    built (not yet), by a learned solver (a PINN), so a test or the harness
    (:func:`numlearn.compare.run_comparison`) swaps one for the other without an
    adapter.

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

    Raises
    ------
    TypeError
        ``name`` not a string; a coefficient not a real number (bools, strings).
    UnknownProblemError
        An unknown ``name`` (a `KeyError` and a `ValueError`).
    ValueError
        Unknown, non-finite or impossible coefficients (each problem's own limits:
        ``nu > 0``; ``c > 0`` and an integer ``beta`` for the wave).

    Examples
    --------
    >>> get_pde("convection", beta=80.0).params["beta"]
    80.0
    """
    if not isinstance(name, str):
        raise TypeError(
            f"`name` must be a PDE problem name (a string), one of "
            f"{', '.join(PDE_PROBLEMS)}; got {type(name).__name__} {name!r}."
        )
    try:
        cls = PDE_PROBLEMS[name]
    except KeyError:
        raise UnknownProblemError(
            f"`name`: no PDE problem named {name!r}; known: {', '.join(PDE_PROBLEMS)}"
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
    values = {k: check_real(v, k) for k, v in params.items()}
    return cls(params={**default, **values})

