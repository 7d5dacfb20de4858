"""The learned PDE solvers (the twins of :mod:`numlearn.classical.spectral`): explicit
BWLer, BWLer-hat and MLP PINN objectives (:mod:`.objective`) and their training."""

from numlearn.learned.spectral.bwler import ExplicitBWLer
from numlearn.learned.spectral.fit import Phase, fit
from numlearn.learned.spectral.objective import NonFiniteLossError, PDEObjective

__all__ = ["ExplicitBWLer", "NonFiniteLossError", "PDEObjective", "Phase", "fit"]
