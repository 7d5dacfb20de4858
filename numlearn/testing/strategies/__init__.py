"""Hypothesis strategies for numerical tests: nodes, smooth functions, matrices.

Every strategy here draws all its randomness through hypothesis (directly, or as a
seed for :func:`numpy.random.default_rng`), so failures shrink and replay, and the
``numlearn-ci`` profile (:func:`numlearn.testing.load_profile`) makes them
deterministic.

- :mod:`~numlearn.testing.strategies.nodes`: node sets from benign (Chebyshev
  points) to hostile (clustered, nearly coincident), and adversarial evaluation
  points;
- :mod:`~numlearn.testing.strategies.series`: smooth functions as random Chebyshev
  series (:class:`SeriesCase`) whose exact values mpmath computes;
- :mod:`~numlearn.testing.strategies.matrices`: matrices with a prescribed condition
  number.

Examples
--------
>>> import numpy as np
>>> from hypothesis import given
>>> from numlearn.testing import chebyshev_series, node_sets
>>> @given(nodes=node_sets(max_n=20), f=chebyshev_series(max_degree=10))
... def test_values_are_finite(nodes, f):
...     assert np.isfinite(f(nodes)).all()
>>> test_values_are_finite()
"""

from numlearn.testing.strategies.filters import (
    filter_banks,
    hyena_filter_banks,
    modal_filter_banks,
)
from numlearn.testing.strategies.matrices import matrices_with_condition
from numlearn.testing.strategies.nodes import (
    chebyshev_nodes,
    clustered_nodes,
    evaluation_points,
    nearly_coincident_nodes,
    node_sets,
    random_distinct_nodes,
)
from numlearn.testing.strategies.series import SeriesCase, chebyshev_series

__all__ = [
    "SeriesCase",
    "chebyshev_nodes",
    "chebyshev_series",
    "clustered_nodes",
    "evaluation_points",
    "filter_banks",
    "hyena_filter_banks",
    "matrices_with_condition",
    "modal_filter_banks",
    "nearly_coincident_nodes",
    "node_sets",
    "random_distinct_nodes",
]
