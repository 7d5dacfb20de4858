"""Hypothesis strategies and assertion helpers for numerical tests, yours and ours.

Needs the ``test`` extra (``pip install "numlearn[test]"``, which brings
hypothesis).  ``import numlearn`` does not import this package.

- Strategies (:mod:`numlearn.testing.strategies`): node sets from benign to
  hostile, smooth functions as Chebyshev series with exact mpmath values,
  adversarial evaluation points, matrices with a prescribed condition number.
- Assertions (:mod:`numlearn.testing.assertions`): closeness in ULPs and to an
  mpmath oracle, with messages that show the worst point.
- Profiles (:mod:`numlearn.testing.profiles`): a deterministic hypothesis profile
  for CI and a randomised one, chosen by ``NUMLEARN_HYPOTHESIS_PROFILE``.
"""

from numlearn.testing.assertions import assert_close_to_oracle, assert_ulp_close
from numlearn.testing.profiles import (
    CI_PROFILE,
    PROFILE_ENV_VAR,
    RANDOM_PROFILE,
    load_profile,
    register_profiles,
)
from numlearn.testing.strategies import (
    SeriesCase,
    chebyshev_nodes,
    chebyshev_series,
    clustered_nodes,
    evaluation_points,
    filter_banks,
    hyena_filter_banks,
    matrices_with_condition,
    modal_filter_banks,
    nearly_coincident_nodes,
    node_sets,
    random_distinct_nodes,
)

__all__ = [
    "CI_PROFILE",
    "PROFILE_ENV_VAR",
    "RANDOM_PROFILE",
    "SeriesCase",
    "assert_close_to_oracle",
    "assert_ulp_close",
    "chebyshev_nodes",
    "chebyshev_series",
    "clustered_nodes",
    "evaluation_points",
    "filter_banks",
    "hyena_filter_banks",
    "load_profile",
    "matrices_with_condition",
    "modal_filter_banks",
    "nearly_coincident_nodes",
    "node_sets",
    "random_distinct_nodes",
    "register_profiles",
]
