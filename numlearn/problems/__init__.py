"""Benchmark problems shared by the classical and the learned side.

- :mod:`numlearn.problems.functions`: the 1-D target functions (NumPy and mpmath
  implementations, domain, analytic-region facts) and :class:`InterpolationProblem`
  (a target at ``n`` Chebyshev points, scored against the mpmath oracle), and
  :class:`InterpolationSolver`, the protocol of an interpolation method of either side.
- :mod:`numlearn.problems.pdes`: the benchmark PDEs (convection, reaction, wave,
  Burgers, Poisson2d-C) with their exact or reference solutions; each speaks the
  harness protocol (:class:`~numlearn.problems.protocol.HarnessProblem`: ``name``,
  ``grid_name``, ``truth()``, and ``evaluate_on_grid``);
  :mod:`numlearn.problems.burgers` (the Cole-Hopf solution), its mpmath oracle
  :mod:`numlearn.problems.burgers_mp`, and
  :mod:`numlearn.problems.poisson2d` (the geometry and the stored series) define and
  load the two references that are not closed forms (built by
  :mod:`numlearn.reference`); :class:`PDESolver` is the protocol of a PDE solver of
  either side; :mod:`numlearn.problems.evolution` holds the common part of the
  time-dependent problems (:class:`EvolutionProblem`, with the validation of every
  field).
- :mod:`numlearn.problems.least_squares`: seeded, batched least-squares samplers (the
  paper's distribution and out-of-distribution families) and
  :class:`LeastSquaresSolver`, the protocol of a least-squares iteration.

Every constructor and getter checks its input (types, finite values, domains,
impossible coefficients, sizes) and raises `TypeError`/`ValueError` naming the
argument; unknown names raise :class:`~numlearn.problems.protocol.UnknownProblemError`
(a `KeyError` and a `ValueError`).
"""

from numlearn.problems.functions import (
    CATEGORIES,
    TARGETS,
    InterpolationProblem,
    InterpolationSolver,
    TargetFunction,
    get_target,
)
from numlearn.problems.least_squares import (
    LS_FAMILIES,
    LeastSquaresBatch,
    LeastSquaresFamily,
    LeastSquaresSolver,
    sample,
    sample_paper,
)
from numlearn.problems.pdes import PDE_PROBLEMS, EvolutionProblem, PDESolver, get_pde
from numlearn.problems.protocol import HarnessProblem

__all__ = [
    "CATEGORIES",
    "LS_FAMILIES",
    "PDE_PROBLEMS",
    "TARGETS",
    "EvolutionProblem",
    "HarnessProblem",
    "InterpolationProblem",
    "InterpolationSolver",
    "LeastSquaresBatch",
    "LeastSquaresFamily",
    "LeastSquaresSolver",
    "PDESolver",
    "TargetFunction",
    "get_pde",
    "get_target",
    "sample",
    "sample_paper",
]
