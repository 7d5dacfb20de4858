"""Classical references: NumPy in, NumPy out, Numba kernels, float64.

This package never imports torch.
"""

from numlearn.classical.adaptive import (
    chebyshev_adaptive,
    chebyshev_interpolate,
    standard_chop,
)
from numlearn.classical.barycentric import (
    barycentric_eval,
    barycentric_eval_first,
    barycentric_weights,
    trig_barycentric_eval,
)
from numlearn.classical.barycentric_interpolant import BarycentricInterpolant
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
    RankDeficientWarning,
    check_step_size,
    conditioning,
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
)

__all__ = [
    "BarycentricInterpolant",
    "ChebyshevSeries",
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
    "gradient_descent",
    "gradient_descent_solver",
    "interpolant_derivative",
    "inverse_norm1_estimate",
    "lebesgue_constant",
    "lebesgue_function",
    "legendre_points",
    "legendre_weights",
    "lstsq_reference",
    "power_of_two_row_scale",
    "qr_lstsq",
    "standard_chop",
    "triangular_extreme_singular_values",
    "trig_barycentric_eval",
    "unit_row_scale",
]
