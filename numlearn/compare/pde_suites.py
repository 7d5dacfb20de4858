"""The ``pdes-classical`` suite: the classical solvers on the five benchmark PDEs.

For every benchmark problem of :mod:`numlearn.problems.pdes` the suite runs the
classical solvers of :mod:`numlearn.classical.spectral` and scores them against the
exact solution (convection, reaction, wave) or the verified reference (Burgers:
Cole-Hopf quadrature; Poisson2d-C: the stored series with its maximum-principle
bound) on the problem's evaluation grid:

=============  ===================================================  ====================
problem        solvers                                              grid
=============  ===================================================  ====================
convection     space-time collocation (Chebyshev t x Fourier x),    200 x 200
               81 x 80, QR; ETDRK4 method of lines (Fourier)
reaction       space-time Newton; ETDRK4 per point                  200 x 200
wave           space-time collocation (Chebyshev x Chebyshev),      200 x 200
               41 x 41, row-equilibrated QR; Chebyshev MOL (exact
               propagator)
burgers        ETDRK4, Fourier N = 2048, dt = 1e-4                  201 x 511
poisson2d_c    the D4-symmetric series at K = N = 24 (a cheaper     35,413 interior points
               fit than the reference's K = N = 40)
=============  ===================================================  ====================

Each row carries the solver's own statistics (resolution, condition number,
iterations) next to the errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from numlearn._core.result import Result
from numlearn.compare.harness import Method
from numlearn.compare.suites import register_suite

__all__ = ["PDECase"]


@dataclass
class PDECase:
    """A benchmark problem, one classical solver, and the truth on the evaluation grid:
    a problem of the harness (the suite's single method runs ``solver``).

    ``solver(problem) -> Result`` whose ``value`` is the solution on the grid (or an
    object callable on it); ``label`` names the solver and its resolution.
    """

    problem: Any
    label: str
    solver: Callable[[Any], Result]
    _truth: NDArray[np.float64] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        extra = ""
        if self.problem.name == "convection":
            extra = f"(beta={self.problem.params['beta']:g})"
        return f"{self.problem.name}{extra}: {self.label}"

    @property
    def grid_name(self) -> str:
        if self.problem.name == "poisson2d_c":
            return "poisson2d_c.evaluation_points (35413)"
        t, x = self.problem.evaluation_grid()
        return f"{self.problem.name}.evaluation_grid ({t.size}x{x.size})"

    def truth(self) -> NDArray[np.float64]:
        if self._truth is None:
            if self.problem.name == "poisson2d_c":
                x, y = self.problem.evaluation_points()
                self._truth = self.problem.solution(x, y)
            else:
                self._truth = self.problem.solution_on_grid()
        return self._truth


def _on_grid(case: PDECase, result: Result) -> Result:
    """Replace a callable ``value`` by its values on the case's grid."""
    value = result.value
    if callable(value):
        if case.problem.name == "poisson2d_c":
            value = value(*case.problem.evaluation_points())
        else:
            value = value(*case.problem.evaluation_grid())
    return Result(value=np.asarray(value), status=result.status, message=result.message,
                  stats=result.stats,
                  history=result.history, method=result.method, side=result.side)


def _spacetime(nt: int, nx: int, **options: Any) -> Callable[[Any], Result]:
    def run(problem: Any) -> Result:
        from numlearn.classical.spectral.spacetime import solve_spacetime

        return solve_spacetime(problem, nt, nx, **options)

    return run


def _mol(**options: Any) -> Callable[[Any], Result]:
    def run(problem: Any) -> Result:
        from numlearn.classical.spectral.mol import solve_mol

        return solve_mol(problem, **options)

    return run


def _poisson_series(k: int) -> Callable[[Any], Result]:
    def run(problem: Any) -> Result:
        from numlearn.problems.poisson2d import fit_poisson2d_c

        expansion = fit_poisson2d_c(n_laurent=k, n_poly=k)
        x, y = problem.evaluation_points()
        return Result(value=expansion(x, y), stats={"K": k, "N": k, **expansion.stats},
                      method=f"series K=N={k}", side="classical")

    return run


def _cases() -> list[PDECase]:
    from numlearn.problems.pdes import get_pde

    conv, react, wave = get_pde("convection"), get_pde("reaction"), get_pde("wave")
    burgers, poisson = get_pde("burgers"), get_pde("poisson2d_c")
    return [
        PDECase(conv, "spacetime 81x80 QR", _spacetime(81, 80)),
        PDECase(conv, "mol fourier N=64", _mol()),
        PDECase(react, "spacetime newton", _spacetime(*_REACTION_SIZE)),
        PDECase(react, "mol etdrk4 dt=1e-3", _mol()),
        PDECase(wave, "spacetime 41x41 QR", _spacetime(41, 41)),
        PDECase(wave, "mol chebyshev N=32", _mol()),
        PDECase(burgers, "mol etdrk4 N=2048", _mol()),
        PDECase(poisson, "series K=N=24", _poisson_series(24)),
    ]


# Reaction: smooth in t (logistic), but the Gaussian initial profile needs many x nodes.
_REACTION_SIZE = (33, 161)

def _run_case(case: PDECase) -> Result:
    return _on_grid(case, case.solver(case.problem))


def _extra(case: PDECase) -> dict[str, Any]:
    return {"solver": case.label, "reference": case.problem.reference.get("kind", "")}


def _build() -> tuple[list[PDECase], tuple[Method, ...], Callable[[Any], dict[str, Any]]]:
    return _cases(), (Method("numlearn.spectral", "classical", _run_case),), _extra


register_suite(
    "pdes-classical",
    _build,
    "the classical spectral solvers (space-time collocation and Newton, ETDRK4 method "
    "of lines, the Poisson series) on the five benchmark PDEs, errors against the "
    "exact or verified reference solution on each paper's evaluation grid",
)
