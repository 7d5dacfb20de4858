"""Benchmark problems shared by the classical and the learned side.

- :mod:`numlearn.problems.functions`: the 1-D target functions (NumPy and mpmath
  implementations, domain, analytic-region facts).
- :mod:`numlearn.problems.pdes`: the benchmark PDEs (convection, reaction, wave,
  Burgers, Poisson2d-C) with their exact or reference solutions.
"""

from numlearn.problems.functions import CATEGORIES, TARGETS, TargetFunction, get_target
from numlearn.problems.pdes import PDE_PROBLEMS, EvolutionProblem, get_pde

__all__ = [
    "CATEGORIES",
    "PDE_PROBLEMS",
    "TARGETS",
    "EvolutionProblem",
    "TargetFunction",
    "get_pde",
    "get_target",
]
