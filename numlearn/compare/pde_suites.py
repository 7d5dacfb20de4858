"""The ``pdes-classical`` suite: the classical solvers on the five benchmark PDEs.

The problems of :mod:`numlearn.problems.pdes` are the harness's problems (each names
its evaluation grid and returns its truth there); two methods run on each:

* ``spectral whole-domain``: one spectral solve of the whole space-time (or space)
  domain: space-time collocation (:func:`~numlearn.classical.spectral.solve_spacetime`)
  for convection (Chebyshev t x Fourier x, 81 x 80, QR), reaction (Newton, 33 x 161)
  and wave (Chebyshev x Chebyshev, 41 x 41, row-equilibrated QR); the D4-symmetric
  Laplace series at K = N = 24 (:func:`~numlearn.classical.spectral.fit_poisson2d_c`)
  for Poisson2d-C; not applicable to Burgers (its front needs a time stepper);
* ``method of lines``: :func:`~numlearn.classical.spectral.solve_mol` (ETDRK4 with
  Fourier for convection, reaction and Burgers (N = 2048, dt = 1e-4), the exact
  propagator of the Chebyshev wave system); not applicable to Poisson2d-C.

Truths: the exact solutions (convection, reaction, wave) and the Cole-Hopf
quadrature (Burgers) on the papers' grids.  Poisson2d-C is scored against an
independent solve, not the stored series (the same method as the solver under
test): the Nyström boundary-integral solution
(:func:`~numlearn.classical.spectral.poisson2d_c_nystrom`, 4,608 unknowns) at the
20,789 evaluation points at least 0.05 from the boundary, and the boundary value 1 at
the 800 points on the square's edges.  The Nyström solution there is within 2.8e-14
of the certified series and within 4.4e-14 of a finer Nyström solve (5,376
unknowns), two orders of magnitude below the series' error being measured
(5e-12, at the edges, as the maximum principle says).

Each row carries the solver's own statistics (condition number, iterations, steps).
The methods (:data:`PDE_SOLVERS`) speak :class:`numlearn.problems.PDESolver`: they
return the solution's values on the problem's evaluation grid (a callable solution
is evaluated there by the problem's own ``evaluate_on_grid``), so a learned solver
speaking the same protocol joins them as one more
:class:`~numlearn.compare.harness.Method`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from numlearn._core.result import Result, Status
from numlearn.compare.harness import Method
from numlearn.compare.suites import PrerequisiteError, register_suite
from numlearn.problems.pdes import (
    Convection,
    EvolutionProblem,
    PDESolver,
    Poisson2dC,
    Reaction,
    Wave,
    get_pde,
)

__all__ = ["PDE_SOLVERS", "check_reference_data"]

# Space-time resolution (nt, nx) per problem class.  Reaction: smooth in t (logistic),
# but the Gaussian initial profile needs many x nodes.
_SPACETIME_SIZE = {Convection: (81, 80), Reaction: (33, 161), Wave: (41, 41)}
_SERIES_TERMS = 24  # K = N for the Poisson2d-C series
# The Nystrom truth: its discretisation and the distance from the boundary beyond
# which plain quadrature is accurate (see the module docstring for its accuracy).
_NYSTROM = {"n_uniform": 16, "levels": 24, "order": 16, "n_circle": 128}
_NYSTROM_MARGIN = 0.05


Problem = EvolutionProblem | Poisson2dC


def _not_applicable(problem: Problem, method: str, why: str) -> Result:
    return Result(np.nan, side="classical", status=Status.NOT_APPLICABLE,
                  message=f"{problem.name}: {why}", method=method)


def _on_grid(problem: Problem, result: Result) -> Result:
    """``result`` with its value evaluated on the problem's grid (a not-applicable
    result, whose value is NaN, as it is)."""
    if result.status is Status.NOT_APPLICABLE:
        return result
    return dataclasses.replace(result, value=problem.evaluate_on_grid(result.value))


def _whole_domain(problem: Problem) -> Result:
    from numlearn.classical.spectral.laplace import fit_poisson2d_c
    from numlearn.classical.spectral.spacetime import solve_spacetime

    if isinstance(problem, Poisson2dC):
        k = _SERIES_TERMS
        expansion = fit_poisson2d_c(n_laurent=k, n_poly=k)
        return Result(problem.evaluate_on_grid(expansion),
                      stats={"K": k, "N": k, **expansion.stats},
                      method=f"series K=N={k}", side="classical")
    size = _SPACETIME_SIZE.get(type(problem))
    if size is None:
        return _not_applicable(problem, "spacetime collocation", "no space-time "
                               "collocation in this suite (the front needs a time stepper)")
    return _on_grid(problem, solve_spacetime(problem, *size))


def _method_of_lines(problem: Problem) -> Result:
    from numlearn.classical.spectral.mol import solve_mol

    if not isinstance(problem, EvolutionProblem):
        return _not_applicable(problem, "method of lines", "not an evolution problem")
    return _on_grid(problem, solve_mol(problem))


def _problems() -> list[Any]:
    from numlearn.classical.spectral.laplace import poisson2d_c_nystrom

    nystrom = functools.partial(poisson2d_c_nystrom, **_NYSTROM)  # picklable
    poisson = dataclasses.replace(
        get_pde("poisson2d_c"), margin=_NYSTROM_MARGIN, oracle=nystrom,
        reference={"kind": "nystrom",
                   "method": "Nystrom boundary-integral solve, 4608 unknowns, at points "
                             ">= 0.05 from the boundary; the boundary value 1 on the edges",
                   "accuracy": "4.4e-14 (vs a 5376-unknown solve), 2.8e-14 (vs the "
                               "certified series)"})
    names = ("convection", "reaction", "wave", "burgers")
    return [*(get_pde(n) for n in names), poisson]


#: The suite's classical methods, each a :class:`numlearn.problems.PDESolver`.
PDE_SOLVERS: dict[str, PDESolver] = {
    "spectral whole-domain": _whole_domain,
    "method of lines": _method_of_lines,
}

_METHODS = tuple(Method(name, "classical", solver) for name, solver in PDE_SOLVERS.items())


def _extra(problem: Any) -> dict[str, Any]:
    return {"reference": problem.reference.get("kind", ""),
            "params": dict(getattr(problem, "params", {}))}


def check_reference_data() -> None:
    """Refuse to start without the PDE reference data (Burgers, Poisson2d-C).

    Loads both references (checksummed, ~0.1 s) before the suite computes anything;
    raises :class:`~numlearn.compare.suites.PrerequisiteError` with the loader's
    message (which names the fix) on one line.
    """
    from numlearn._core.store import ReferenceFormatError, ReferenceIntegrityError
    from numlearn.problems.burgers import load_burgers_reference
    from numlearn.problems.poisson2d import load_poisson2d_reference

    try:
        load_burgers_reference()
        load_poisson2d_reference()
    except (OSError, ReferenceIntegrityError, ReferenceFormatError) as exc:
        msg = " ".join(str(exc).split())
        if "--pdes" not in msg:
            msg += " (the PDE files: `numlearn reference build --pdes`, ~2 min)"
        raise PrerequisiteError(f"suite 'pdes-classical' needs the PDE reference data: "
                                f"{msg}") from None


def _build() -> tuple[list[Any], tuple[Method, ...], Callable[[Any], dict[str, Any]]]:
    return _problems(), _METHODS, _extra


register_suite(
    "pdes-classical",
    _build,
    "the classical spectral solvers (space-time collocation and Newton, ETDRK4 method "
    "of lines, the Poisson series) on the five benchmark PDEs, errors against the "
    "exact or an independent reference solution on each paper's evaluation grid",
    check=check_reference_data,
    data="the PDE reference data (Burgers, Poisson2d-C; installed with numlearn)",
    typical_seconds=150,
)
