"""Manufactured evolution problems with exact solutions in (or near) the discrete space."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from numlearn.problems.pdes import EvolutionProblem


@dataclass(frozen=True)
class PolyWave(EvolutionProblem):
    """u_tt = c^2 u_xx with the polynomial d'Alembert solution (x+ct)^3 + (x-ct)^2."""

    name: str = "poly_wave"
    equation: str = "u_tt - c**2*u_xx = 0"
    t_domain: tuple[float, float] = (0.0, 1.0)
    x_domain: tuple[float, float] = (0.0, 1.0)
    periodic: bool = False
    order_t: int = 2
    linear: bool = True
    params: dict[str, float] = field(default_factory=lambda: {"c": 2.0})

    def solution(self, t: Any, x: Any) -> Any:
        t, x = np.broadcast_arrays(np.asarray(t, float), np.asarray(x, float))
        c = self.params["c"]
        return (x + c * t) ** 3 + (x - c * t) ** 2

    def initial_velocity(self, x: Any) -> Any:
        x = np.asarray(x, float)
        c = self.params["c"]
        return 3 * c * x**2 - 2 * c * x

    def residual(self, u: Any, d: Any) -> Any:
        return d["u_tt"] - self.params["c"] ** 2 * d["u_xx"]


@dataclass(frozen=True)
class PolyAdvection(EvolutionProblem):
    """u_t + beta u_x = 0, u = (x - beta t)^3, Dirichlet data from the solution."""

    name: str = "poly_advection"
    equation: str = "u_t + beta*u_x = 0"
    t_domain: tuple[float, float] = (0.0, 1.0)
    x_domain: tuple[float, float] = (-1.0, 2.0)
    periodic: bool = False
    order_t: int = 1
    linear: bool = True
    params: dict[str, float] = field(default_factory=lambda: {"beta": 1.5})

    def solution(self, t: Any, x: Any) -> Any:
        t, x = np.broadcast_arrays(np.asarray(t, float), np.asarray(x, float))
        return (x - self.params["beta"] * t) ** 3

    def residual(self, u: Any, d: Any) -> Any:
        return d["u_t"] + self.params["beta"] * d["u_x"]


@dataclass(frozen=True)
class RationalBurgers(EvolutionProblem):
    """u_t + u u_x = nu u_xx with the exact solution u = x / (1 + t) (u_xx = 0)."""

    name: str = "rational_burgers"
    equation: str = "u_t + u*u_x - nu*u_xx = 0"
    t_domain: tuple[float, float] = (0.0, 1.0)
    x_domain: tuple[float, float] = (-1.0, 1.0)
    periodic: bool = False
    order_t: int = 1
    linear: bool = False
    params: dict[str, float] = field(default_factory=lambda: {"nu": 0.05})

    def solution(self, t: Any, x: Any) -> Any:
        t, x = np.broadcast_arrays(np.asarray(t, float), np.asarray(x, float))
        return x / (1.0 + t)

    def residual(self, u: Any, d: Any) -> Any:
        return d["u_t"] + u * d["u_x"] - self.params["nu"] * d["u_xx"]


def err_on_grid(res: Any, prob: Any) -> float:
    t, x = np.linspace(*prob.t_domain, 37), np.linspace(*prob.x_domain, 41)
    truth = prob.solution(t[:, None], x[None, :])
    return float(np.max(np.abs(res.value(t, x) - truth)) / np.max(np.abs(truth)))
