r"""The barycentric form shared by polynomial and rational interpolants.

.. math:: r(x) = \sum_j \frac{w_j f_j}{x - z_j} \Big/ \sum_j \frac{w_j}{x - z_j}

is a polynomial of degree ``m - 1`` when the weights are the Lagrange ones
(:func:`~numlearn.classical.barycentric.barycentric_weights`, Berrut & Trefethen 2004)
and a rational function of type ``(m - 1, m - 1)`` for any other nonzero weights (AAA,
Floater-Hormann).  :class:`BarycentricForm` holds the triple ``(nodes, values,
weights)`` and evaluates it with the one kernel,
:func:`~numlearn.classical.barycentric.barycentric_eval` (second formula, compensated
sums, exact node hits, vector values); the polynomial
(:class:`~numlearn.classical.BarycentricInterpolator`) and the rational
(:class:`~numlearn.classical.rational.BarycentricRational`) classes derive from it and
add what only they have (a domain and the Lebesgue constant; poles, zeros and
residues).  SciPy keeps the same split: ``BarycentricInterpolator`` and
``scipy.interpolate.AAA`` / ``FloaterHormannInterpolator`` (whose common base is
private there).
"""

from __future__ import annotations

from typing import Any

from numpy.typing import NDArray

from numlearn.classical.barycentric import barycentric_eval

__all__ = ["BarycentricForm"]


class BarycentricForm:
    """Nodes, values and weights of a barycentric form, and its evaluation.

    Subclasses validate and store ``nodes`` (m,), ``values`` (m,) or (m, N) and
    ``weights`` (m,) in their constructors; this base gives the shared reading of them.

    Attributes
    ----------
    nodes, values, weights : ndarray
    """

    nodes: NDArray[Any]
    values: NDArray[Any]
    weights: NDArray[Any]

    @property
    def n(self) -> int:
        """Number of nodes ``m`` (the polynomial degree + 1; the rational type + 1)."""
        return int(self.nodes.shape[0])

    @property
    def set_valued(self) -> bool:
        """Whether ``values`` has a trailing axis of ``N`` functions (shape ``(m, N)``)."""
        return self.values.ndim == 2

    def _evaluate(self, x: NDArray[Any]) -> NDArray[Any]:
        """The second barycentric formula at validated points ``x`` (any shape):
        :math:`O(m)` per point and function; ``x.shape`` (+ ``(N,)``)."""
        return barycentric_eval(self.nodes, self.weights, self.values, x)
