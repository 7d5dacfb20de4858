"""Spectral solvers: linear BVPs, space-time collocation, method-of-lines time stepping.

- :mod:`~numlearn.classical.spectral.bvp`: linear boundary value problems
  :math:`\\sum_k a_k(x) u^{(k)} = f` by square or rectangular Chebyshev collocation.
- :mod:`~numlearn.classical.spectral.ultraspherical`: the same problems by the
  ultraspherical (Olver-Townsend) method, sparse and well conditioned.
- :mod:`~numlearn.classical.spectral.piecewise`: both on a domain split at breakpoints
  (``breakpoints=``), the pieces joined by continuity.
- :mod:`~numlearn.classical.spectral.spacetime`: space-time collocation of the
  benchmark evolution PDEs (a package): the least-squares system an explicit BWLer
  minimises, solved by QR, and Gauss-Newton for the nonlinear ones.
- :mod:`~numlearn.classical.spectral.etdrk4` and :mod:`~numlearn.classical.spectral.mol`:
  ETDRK4 and the method-of-lines solvers of the benchmark problems.
- :mod:`~numlearn.classical.spectral.laplace`: Laplace's equation on the Poisson2d-C
  domain: the symmetric series fit, its certificate, a Nyström solve.
"""

from numlearn.classical.spectral.bvp import (
    BoundaryCondition,
    LinearBVP,
    SingularBVPError,
)
from numlearn.classical.spectral.collocation import solve_collocation
from numlearn.classical.spectral.etdrk4 import (
    ETDRK4_MAX_STEPS,
    ETDRK4Coefficients,
    etdrk4,
    etdrk4_coefficients,
)
from numlearn.classical.spectral.laplace import (
    Poisson2dCExpansion,
    fit_poisson2d_c,
    poisson2d_c_boundary_error,
    poisson2d_c_nystrom,
)
from numlearn.classical.spectral.mol import (
    solve_burgers_mol,
    solve_mol,
    solve_reaction_diffusion_mol,
    solve_reaction_mol,
    solve_wave_mol,
)
from numlearn.classical.spectral.piecewise import (
    MAX_PIECES,
    PiecewiseChebyshevSeries,
    solve_collocation_piecewise,
    solve_ultraspherical_piecewise,
)
from numlearn.classical.spectral.spacetime import (
    CollocationSystem,
    Discretisation,
    SpaceTimeInterpolant,
    TanMap,
    collocation_row_weights,
    default_x_basis,
    resolve_evolution_problem,
    solve_spacetime,
    solve_spacetime_lstsq,
    solve_spacetime_newton,
    spacetime_discretisation,
    spacetime_system,
    system_from_discretisation,
)
from numlearn.classical.spectral.ultraspherical import solve_ultraspherical
from numlearn.classical.spectral.ultraspherical_operators import (
    boundary_row,
    conversion_operator,
    differentiation_operator,
    multiplication_operator,
)

__all__ = [
    "ETDRK4_MAX_STEPS",
    "MAX_PIECES",
    "BoundaryCondition",
    "CollocationSystem",
    "Discretisation",
    "ETDRK4Coefficients",
    "LinearBVP",
    "PiecewiseChebyshevSeries",
    "Poisson2dCExpansion",
    "SingularBVPError",
    "SpaceTimeInterpolant",
    "TanMap",
    "boundary_row",
    "collocation_row_weights",
    "conversion_operator",
    "default_x_basis",
    "differentiation_operator",
    "etdrk4",
    "etdrk4_coefficients",
    "fit_poisson2d_c",
    "multiplication_operator",
    "poisson2d_c_boundary_error",
    "poisson2d_c_nystrom",
    "resolve_evolution_problem",
    "solve_burgers_mol",
    "solve_collocation",
    "solve_collocation_piecewise",
    "solve_mol",
    "solve_reaction_diffusion_mol",
    "solve_reaction_mol",
    "solve_spacetime",
    "solve_spacetime_lstsq",
    "solve_spacetime_newton",
    "solve_ultraspherical",
    "solve_ultraspherical_piecewise",
    "solve_wave_mol",
    "spacetime_discretisation",
    "spacetime_system",
    "system_from_discretisation",
]
