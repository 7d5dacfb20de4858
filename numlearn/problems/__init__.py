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
- :mod:`numlearn.problems.filters`: seeded, batched long-convolution filter families
  (exact low-order modal filters, the Hyena recipe, power-law decay, smoothed and
  squashed long-convolution kernels) as :class:`FilterBank`, the targets of
  distillation.

Every constructor and getter checks its input (types, finite values, domains,
impossible coefficients, sizes) and raises `TypeError`/`ValueError` naming the
argument; unknown names raise :class:`~numlearn.problems.protocol.UnknownProblemError`
(a `KeyError` and a `ValueError`).
"""

from numlearn._core.lazy import lazy_exports
from numlearn.problems.evolution import TWO_PI, broadcast_tx, finite_phase
from numlearn.problems.filters import (
    FILTER_FAMILIES,
    HYENA_DECAY,
    HYENA_LM,
    FilterBank,
    filter_bank,
    hyena_filters,
    long_conv_filters,
    modal_filters,
    modal_impulse_response,
    power_law_filters,
    random_modal_filters,
)
from numlearn.problems.functions import (
    CATEGORIES,
    DOMAIN_SLACK,
    TARGETS,
    InterpolationProblem,
    InterpolationSolver,
    TargetFunction,
    get_target,
)
from numlearn.problems.least_squares import (
    LS_FAMILIES,
    MAX_BYTES,
    MAX_KAPPA,
    LeastSquaresBatch,
    LeastSquaresFamily,
    LeastSquaresSolver,
    paper_draws,
    sample,
    sample_cond,
    sample_noisy,
    sample_paper,
    sample_scaled,
    sample_shape,
)
from numlearn.problems.pdes import (
    PDE_PROBLEMS,
    Burgers,
    Convection,
    EvolutionProblem,
    PDESolver,
    Poisson2dC,
    Reaction,
    Wave,
    get_pde,
)
from numlearn.problems.protocol import HarnessProblem, UnknownProblemError

# The reference solutions load on first access (their modules read data files and
# pull in mpmath code that the problem definitions do not need).
_LAZY = {
    "numlearn.problems.burgers": (
        "MAX_NODES", "NU", "NU_MAX", "NU_MIN", "REFERENCE_FILES", "basdevant_minimum",
        "burgers_front_slope", "burgers_solution", "load_burgers_reference", "window_for",
    ),
    "numlearn.problems.burgers_mp": ("burgers_front_slope_mp", "burgers_solution_mp"),
    "numlearn.problems.poisson2d": (
        "CENTERS", "CORNERS", "FILE_JSON", "FILE_NPZ", "RADIUS", "Poisson2dCReference",
        "clear_reference_cache", "distance_to_boundary", "load_poisson2d_reference",
        "poisson2d_c_basis", "poisson2d_c_basis_blocks", "poisson2d_c_evaluation_points",
        "poisson2d_c_grid_points", "poisson2d_c_series", "poisson2d_c_solution",
        "poisson2d_c_training_points",
    ),
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "CATEGORIES",
    "DOMAIN_SLACK",
    "LS_FAMILIES",
    "MAX_BYTES",
    "MAX_KAPPA",
    "PDE_PROBLEMS",
    "TARGETS",
    "TWO_PI",
    "Burgers",
    "Convection",
    "EvolutionProblem",
    "HarnessProblem",
    "InterpolationProblem",
    "InterpolationSolver",
    "LeastSquaresBatch",
    "LeastSquaresFamily",
    "LeastSquaresSolver",
    "PDESolver",
    "Poisson2dC",
    "Reaction",
    "TargetFunction",
    "UnknownProblemError",
    "Wave",
    "broadcast_tx",
    "finite_phase",
    "get_pde",
    "get_target",
    "paper_draws",
    "sample",
    "sample_cond",
    "sample_noisy",
    "sample_paper",
    "sample_scaled",
    "sample_shape",
]
__all__ += [
    "FILTER_FAMILIES", "HYENA_DECAY", "HYENA_LM", "FilterBank", "filter_bank",
    "hyena_filters", "long_conv_filters", "modal_filters", "modal_impulse_response",
    "power_law_filters", "random_modal_filters",
]
__all__ += [name for names in _LAZY.values() for name in names]
