"""Named comparison suites (``numlearn compare --suite NAME``).

A suite is a function returning ``(problems, methods, extra)`` for
:func:`numlearn.compare.harness.run_comparison`.  Later tracks register their own
with :func:`register_suite`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from numlearn.classical import (
    barycentric_eval,
    chebyshev_points,
    chebyshev_weights,
    lebesgue_constant,
)
from numlearn.classical.chebyshev import chebyshev_coefficients, clenshaw
from numlearn.classical.nodes import map_from_reference, map_to_reference
from numlearn.compare.harness import Method
from numlearn.precision.decomposition import interpolation_decomposition
from numlearn.precision.oracle import mp_barycentric, mp_evaluate
from numlearn.problems import TARGETS, TargetFunction

__all__ = ["SUITES", "InterpolationProblem", "Suite", "get_suite", "register_suite"]

SuiteBuilder = Callable[[], tuple[Sequence[Any], Sequence[Method], Callable[[Any], dict]]]


@dataclass(frozen=True)
class Suite:
    """A registered suite: its builder, a one-line description and an optional
    ``report(rows) -> str`` printed after the table (suite-specific summaries)."""

    name: str
    build: SuiteBuilder
    description: str
    report: Callable[[Sequence[Any]], str] | None = None


SUITES: dict[str, Suite] = {}


def register_suite(
    name: str,
    build: SuiteBuilder,
    description: str,
    report: Callable[[Sequence[Any]], str] | None = None,
) -> None:
    """Register a suite under ``name`` (replacing any previous one)."""
    SUITES[name] = Suite(name, build, description, report)


def get_suite(name: str) -> Suite:
    """The suite registered under ``name``; `KeyError` lists the known names."""
    try:
        return SUITES[name]
    except KeyError:
        raise KeyError(
            f"no suite named {name!r}; known suites: {', '.join(sorted(SUITES))}"
        ) from None


# ------------------------------------------------------------------ interpolation


@dataclass
class InterpolationProblem:
    """Interpolate ``target`` from ``n`` samples; score on a fixed grid.

    The grid is ``grid_size`` seeded uniform points in the target's domain plus both
    endpoints (``grid_name`` records this).  The truth is the mpmath oracle's
    correctly rounded value, checked at two precisions.  The node values given to
    every method are the float64 ``numpy_func`` values, as a user would have them.
    """

    target: TargetFunction
    n: int
    grid_size: int = 1000
    seed: int = 20261123
    _truth: NDArray[np.float64] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return f"{self.target.name}/n={self.n}"

    @property
    def grid_name(self) -> str:
        return f"uniform{self.grid_size}+ends(seed={self.seed})"

    @property
    def grid(self) -> NDArray[np.float64]:
        a, b = self.target.domain
        pts = np.random.default_rng(self.seed).uniform(a, b, self.grid_size)
        return np.concatenate([[a], np.sort(pts), [b]])

    def truth(self) -> NDArray[np.float64]:
        if self._truth is None:
            self._truth = mp_evaluate(self.target, self.grid).values
        return self._truth

    def nodes(self, kind: int = 2) -> NDArray[np.float64]:
        return chebyshev_points(self.n, kind, self.target.domain)

    def node_values(self, kind: int = 2) -> NDArray[np.float64]:
        return np.asarray(self.target.numpy_func(self.nodes(kind)), dtype=np.float64)


def _numlearn_bary(p: InterpolationProblem) -> NDArray[np.float64]:
    return barycentric_eval(p.nodes(), chebyshev_weights(p.n), p.node_values(), p.grid)


def _numlearn_bary_decompose(p: InterpolationProblem, values: NDArray[np.float64]) -> Any:
    # The exact value of the same barycentric interpolant (mpmath) isolates the
    # float64 kernel's rounding from the interpolation error of the function.
    exact_interp = mp_barycentric(
        p.grid, p.nodes(), chebyshev_weights(p.n), p.node_values(), max_dps=240
    )
    return interpolation_decomposition(
        p.truth(),
        values,
        exact_interp.values,
        grid_name=p.grid_name,
        cond=lebesgue_constant(p.nodes(), chebyshev_weights(p.n), domain=p.target.domain),
    )


def _numlearn_clenshaw(p: InterpolationProblem) -> NDArray[np.float64]:
    c = chebyshev_coefficients(p.node_values())
    return clenshaw(p.grid, c, p.target.domain)


def _scipy_bary(p: InterpolationProblem) -> NDArray[np.float64]:
    from scipy.interpolate import BarycentricInterpolator

    interp = BarycentricInterpolator(p.nodes(), p.node_values())
    grid = p.grid
    out = np.empty_like(grid)
    chunk = 50_000  # scipy forms a dense (chunk, n) temporary
    for i in range(0, grid.size, chunk):
        out[i : i + chunk] = interp(grid[i : i + chunk])
    return out


def _numpy_cheb(p: InterpolationProblem) -> NDArray[np.float64]:
    from numpy.polynomial import chebyshev as C

    dom = p.target.domain
    c = C.chebinterpolate(lambda s: p.target.numpy_func(map_from_reference(s, dom)), p.n - 1)
    return C.chebval(map_to_reference(p.grid, dom), c)


INTERPOLATION_METHODS = (
    Method("numlearn.barycentric", "classical", _numlearn_bary, _numlearn_bary_decompose),
    Method("numlearn.dct+clenshaw", "classical", _numlearn_clenshaw),
    Method("scipy.BarycentricInterp", "classical", _scipy_bary),
    Method("numpy.chebinterpolate", "classical", _numpy_cheb),
)


def _quick() -> tuple[list[InterpolationProblem], tuple[Method, ...], Callable]:
    problems = [InterpolationProblem(t, n) for t in TARGETS.values() for n in (16, 64, 256)]
    problems.append(InterpolationProblem(TARGETS["runge"], 1024))
    return problems, INTERPOLATION_METHODS, lambda p: {"n": p.n, "target": p.target.name}


register_suite(
    "quick",
    _quick,
    "interpolation of the reference targets at n = 16, 64, 256 (and Runge at 1024) "
    "Chebyshev points: numlearn barycentric and DCT+Clenshaw vs scipy and numpy, "
    "errors against the mpmath oracle",
)
