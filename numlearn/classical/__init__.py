"""Classical references: NumPy in, NumPy out, Numba kernels, float64.

This package never imports torch.  The spectral solvers of
:mod:`numlearn.classical.spectral` (the BVP solvers :func:`solve_collocation` and
:func:`solve_ultraspherical` with :class:`LinearBVP` and :class:`BoundaryCondition`,
space-time collocation, the method of lines, ETDRK4) are re-exported here and loaded
on first access.  ``BarycentricInterpolant``, the old name of
:class:`BarycentricInterpolator`, still works for one release, with a
`DeprecationWarning`.
"""

from typing import Any

from numlearn._core.lazy import lazy_exports
from numlearn.classical.adaptive import (
    ADAPTIVE_MAX_N,
    chebyshev_adaptive,
    chebyshev_interpolate,
    standard_chop,
)
from numlearn.classical.barycentric import (
    LEBESGUE_WARN,
    barycentric_eval,
    barycentric_eval_first,
    barycentric_weights,
    trig_barycentric_eval,
)
from numlearn.classical.barycentric_form import BarycentricForm
from numlearn.classical.barycentric_interpolant import BarycentricInterpolator
from numlearn.classical.barycentric_matrix import barycentric_matrix
from numlearn.classical.chebyshev import (
    chebyshev_coefficients,
    chebyshev_derivative_coefficients,
    chebyshev_integral_coefficients,
    chebyshev_values,
    clenshaw,
    clenshaw_curtis,
    clenshaw_curtis_weights,
)
from numlearn.classical.chebyshev_series import ChebyshevSeries
from numlearn.classical.differentiation import (
    barycentric_diffmat,
    chebyshev_diffmat,
    derivative_values,
    fourier_diffmat,
    interpolant_derivative,
)
from numlearn.classical.least_squares import (
    Conditioning,
    RankDeficientWarning,
    check_step_size,
    conditioning,
    gd_conditioning,
    gradient_descent,
    gradient_descent_solver,
    lstsq_reference,
)
from numlearn.classical.lebesgue import lebesgue_constant, lebesgue_function
from numlearn.classical.linalg import (
    LstsqSolution,
    inverse_norm1_estimate,
    power_of_two_row_scale,
    qr_lstsq,
    triangular_extreme_singular_values,
    unit_row_scale,
)
from numlearn.classical.nodes import (
    chebyshev_points,
    chebyshev_weights,
    equispaced_points,
    equispaced_weights,
    fourier_points,
    legendre_points,
    legendre_weights,
    map_from_reference,
    map_to_reference,
)

__all__ = [
    "ADAPTIVE_MAX_N",
    "LEBESGUE_WARN",
    "BarycentricForm",
    "BarycentricInterpolator",
    "ChebyshevSeries",
    "Conditioning",
    "LstsqSolution",
    "RankDeficientWarning",
    "barycentric_diffmat",
    "barycentric_eval",
    "barycentric_eval_first",
    "barycentric_matrix",
    "barycentric_weights",
    "chebyshev_adaptive",
    "chebyshev_coefficients",
    "chebyshev_derivative_coefficients",
    "chebyshev_diffmat",
    "chebyshev_integral_coefficients",
    "chebyshev_interpolate",
    "chebyshev_points",
    "chebyshev_values",
    "chebyshev_weights",
    "check_step_size",
    "clenshaw",
    "clenshaw_curtis",
    "clenshaw_curtis_weights",
    "conditioning",
    "derivative_values",
    "equispaced_points",
    "equispaced_weights",
    "fourier_diffmat",
    "fourier_points",
    "gd_conditioning",
    "gradient_descent",
    "gradient_descent_solver",
    "interpolant_derivative",
    "inverse_norm1_estimate",
    "lebesgue_constant",
    "lebesgue_function",
    "legendre_points",
    "legendre_weights",
    "lstsq_reference",
    "map_from_reference",
    "map_to_reference",
    "power_of_two_row_scale",
    "qr_lstsq",
    "standard_chop",
    "triangular_extreme_singular_values",
    "trig_barycentric_eval",
    "unit_row_scale",
]


# The spectral names load numlearn.classical.spectral on first access (it costs an
# import of its own that most users of the interpolation functions do not need).
_SPECTRAL = (
    "BoundaryCondition", "CollocationSystem", "ETDRK4Coefficients", "ETDRK4_MAX_STEPS",
    "LinearBVP", "MAX_PIECES", "PiecewiseChebyshevSeries", "Poisson2dCExpansion",
    "SingularBVPError", "SpaceTimeInterpolant", "TanMap", "boundary_row", "conversion_operator",
    "default_x_basis", "differentiation_operator", "etdrk4", "etdrk4_coefficients",
    "fit_poisson2d_c", "multiplication_operator", "poisson2d_c_boundary_error",
    "poisson2d_c_nystrom", "solve_burgers_mol", "solve_collocation",
    "solve_collocation_piecewise", "solve_mol", "solve_reaction_diffusion_mol",
    "solve_reaction_mol", "solve_spacetime", "solve_spacetime_lstsq",
    "solve_spacetime_newton", "solve_ultraspherical", "solve_ultraspherical_piecewise",
    "solve_wave_mol", "spacetime_system", "Discretisation", "collocation_row_weights",
    "resolve_evolution_problem", "spacetime_discretisation", "system_from_discretisation",
)
# Rational approximation and model-order reduction load the same way.
_RATIONAL = (
    "BarycentricRational", "DEFAULT_RATIO_THRESHOLD", "aaa", "aaa_lawson", "equioscillation",
    "floater_hormann", "floater_hormann_weights",
)
_REDUCTION = (
    "ModalSSM", "UnstablePolesWarning", "engine_step", "filter_errors", "fit_residues",
    "from_companion", "prefill_companion", "to_companion", "HankelOperator", "hankel_bounds",
    "hankel_singular_values", "era", "balanced_truncation", "modal_gramians", "prony",
    "DISTILL_METHODS", "distill", "distill_bounds", "aaa_filter", "check_filters",
    "conjugate_modes",
)
__all__ += _SPECTRAL + _RATIONAL + _REDUCTION
_LAZY = {"numlearn.classical.spectral": _SPECTRAL, "numlearn.classical.rational": _RATIONAL,
         "numlearn.classical.reduction": _REDUCTION}
_LAZY_NAMES = frozenset(_SPECTRAL + _RATIONAL + _REDUCTION)
_lazy_getattr, __dir__ = lazy_exports(__name__, _LAZY)


def __getattr__(name: str) -> Any:
    """The spectral, rational and reduction re-exports (on first access) and the deprecated aliases
    (``BarycentricInterpolant``, with a warning)."""
    if name in _LAZY_NAMES:
        return _lazy_getattr(name)
    from numlearn.classical.barycentric_interpolant import _deprecated_alias

    return _deprecated_alias(__name__, name)
