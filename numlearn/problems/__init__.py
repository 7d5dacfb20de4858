"""Benchmark problems shared by the classical and the learned side.

:mod:`numlearn.problems.functions` holds the 1-D target functions (NumPy and mpmath
implementations, domain, analytic-region facts).
"""

from numlearn.problems.functions import CATEGORIES, TARGETS, TargetFunction, get_target

__all__ = ["CATEGORIES", "TARGETS", "TargetFunction", "get_target"]
