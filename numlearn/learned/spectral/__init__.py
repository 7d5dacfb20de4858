"""The learned PDE solvers (the twins of :mod:`numlearn.classical.spectral`): explicit
BWLer (:mod:`numlearn.learned.spectral.bwler`, :mod:`numlearn.learned.spectral.poisson`),
BWLer-hat (:mod:`numlearn.learned.spectral.hat`) and MLP PINN
(:mod:`numlearn.learned.spectral.pinn`) objectives of one flat parameter vector
(:mod:`numlearn.learned.spectral.objective`), their training loop
(:mod:`numlearn.learned.spectral.fit`) and the solvers built on them, with one entry
point (:func:`~numlearn.learned.spectral.solve_pde`)."""

from numlearn.learned.spectral.burgers_poisson import (
    solve_bwler_poisson,
    solve_explicit_bwler_burgers,
    solve_mlp_pinn_poisson,
)
from numlearn.learned.spectral.bwler import ExplicitBWLer, solve_explicit_bwler
from numlearn.learned.spectral.fit import Phase, fit
from numlearn.learned.spectral.hat import BWLerHat, solve_bwler_hat
from numlearn.learned.spectral.objective import NonFiniteLossError, PDEObjective
from numlearn.learned.spectral.pinn import MLPPINN, solve_mlp_pinn
from numlearn.learned.spectral.poisson import (
    ExplicitBWLerPoisson,
    MLPPINNPoisson,
    explicit_poisson_floor,
)
from numlearn.learned.spectral.solve import PDE_MODELS, solve_pde

__all__ = [
    "MLPPINN",
    "PDE_MODELS",
    "BWLerHat",
    "ExplicitBWLer",
    "ExplicitBWLerPoisson",
    "MLPPINNPoisson",
    "NonFiniteLossError",
    "PDEObjective",
    "Phase",
    "explicit_poisson_floor",
    "fit",
    "solve_bwler_hat",
    "solve_bwler_poisson",
    "solve_explicit_bwler",
    "solve_explicit_bwler_burgers",
    "solve_mlp_pinn",
    "solve_mlp_pinn_poisson",
    "solve_pde",
]
