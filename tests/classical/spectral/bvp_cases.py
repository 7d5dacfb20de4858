"""Shared BVP cases for the spectral solver tests: exact solutions and tolerances.

Tolerances: collocation solves err by about cond(row-scaled system) * eps * max|u|,
and that condition number grows like n^order (measured constants below); the
ultraspherical system has cond(TAR) ~ 1.7.
"""

from __future__ import annotations

import numpy as np

from numlearn._core.validation import EPS
from numlearn.classical import ChebyshevSeries
from numlearn.classical.spectral import LinearBVP, solve_collocation, solve_ultraspherical

DIRICHLET0 = [("left", 0, 0.0), ("right", 0, 0.0)]


def exp4_exact(x):
    return (np.exp(4 * x) - x * np.sinh(4.0) - np.cosh(4.0)) / 16


def exp4_problem() -> LinearBVP:
    return LinearBVP((0.0, 0.0, 1.0), lambda x: np.exp(4 * x), DIRICHLET0)


XE = np.linspace(-1.0, 1.0, 1001)
U_MAX = 2.1  # max |exp4_exact| on [-1, 1] (2.0992 on 1e5 points)

SOLVERS = {
    "square": lambda bvp, n: solve_collocation(bvp, n),
    "rect": lambda bvp, n: solve_collocation(bvp, n, rectangular=True),
    "ultra": lambda bvp, n: solve_ultraspherical(bvp, n),
}


# cond(row-scaled collocation matrix) / n^order, largest measured over square and
# rectangular, n = 16 .. 1024: order 1: 1.08 (n = 64), order 2: 0.83 (rectangular,
# n = 1024), order 4: 0.069 (rectangular, n = 256).
_COND_CONST = {1: 1.2, 2: 1.0, 4: 0.1}


def colloc_tol(n: int, order: int, scale: float) -> float:
    # Forward error <~ cond * eps * max|u|, with a factor 10 of slack.
    return 10.0 * _COND_CONST[order] * float(n) ** order * EPS * scale


def max_err(u: ChebyshevSeries, exact, x) -> float:
    return float(np.max(np.abs(u(x) - exact(x))))


def slope(ns, values) -> float:
    return float(np.polyfit(np.log(ns), np.log(values), 1)[0])
