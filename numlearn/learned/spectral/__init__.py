"""The learned PDE solvers (the twins of :mod:`numlearn.classical.spectral`): explicit
BWLer, BWLer-hat and MLP PINN objectives (:mod:`.objective`) and their training."""

from numlearn.learned.spectral.burgers_poisson import (
    solve_bwler_poisson,
    solve_explicit_bwler_burgers,
    solve_mlp_pinn_poisson,
)
from numlearn.learned.spectral.bwler import ExplicitBWLer
from numlearn.learned.spectral.fit import Phase, fit
from numlearn.learned.spectral.objective import NonFiniteLossError, PDEObjective
from numlearn.learned.spectral.poisson import (
    ExplicitBWLerPoisson,
    MLPPINNPoisson,
    explicit_poisson_floor,
)

__all__ = [
    "ExplicitBWLer", "ExplicitBWLerPoisson", "MLPPINNPoisson", "NonFiniteLossError",
    "PDEObjective", "Phase", "explicit_poisson_floor", "fit", "solve_bwler_poisson",
    "solve_explicit_bwler_burgers", "solve_mlp_pinn_poisson",
]
