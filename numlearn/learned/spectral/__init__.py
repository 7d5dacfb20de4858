"""The learned PDE solvers (the twins of :mod:`numlearn.classical.spectral`): explicit
BWLer, BWLer-hat and MLP PINN objectives (:mod:`.objective`) and their training."""

from numlearn.learned.spectral.bwler import ExplicitBWLer, solve_explicit_bwler
from numlearn.learned.spectral.fit import Phase, fit
from numlearn.learned.spectral.hat import BWLerHat, solve_bwler_hat
from numlearn.learned.spectral.objective import NonFiniteLossError, PDEObjective
from numlearn.learned.spectral.pinn import MLPPINN, solve_mlp_pinn

__all__ = ["MLPPINN", "BWLerHat", "ExplicitBWLer", "NonFiniteLossError", "PDEObjective",
           "Phase", "fit", "solve_bwler_hat", "solve_explicit_bwler", "solve_mlp_pinn"]
