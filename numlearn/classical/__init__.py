"""Classical references: NumPy in, NumPy out, Numba kernels, float64.

This package never imports torch.
"""

from numlearn.classical.barycentric import (
    BarycentricInterpolant,
    barycentric_eval,
    barycentric_eval_first,
    barycentric_weights,
    lebesgue_constant,
    lebesgue_function,
    trig_barycentric_eval,
)
from numlearn.classical.differentiation import (
    barycentric_diffmat,
    chebyshev_diffmat,
    derivative_values,
    fourier_diffmat,
    interpolant_derivative,
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
    "barycentric_diffmat",
    "barycentric_eval",
    "barycentric_eval_first",
    "barycentric_weights",
    "chebyshev_diffmat",
    "chebyshev_points",
    "chebyshev_weights",
    "derivative_values",
    "equispaced_points",
    "equispaced_weights",
    "fourier_diffmat",
    "fourier_points",
    "interpolant_derivative",
    "lebesgue_constant",
    "lebesgue_function",
    "legendre_points",
    "legendre_weights",
    "trig_barycentric_eval",
]
