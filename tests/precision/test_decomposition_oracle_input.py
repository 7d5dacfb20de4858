"""The decomposition builders take the oracle's own results where the exact values go
(``u``, ``u_best``), refuse them where a float64 computation goes, and refuse the
terms by position (issue 14, item 8)."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from numlearn.classical import barycentric_eval, chebyshev_points, chebyshev_weights
from numlearn.precision import (
    ErrorDecomposition,
    collocation_decomposition,
    interpolation_decomposition,
    mp_barycentric,
    mp_evaluate,
)

N = 10
NODES, W = chebyshev_points(N), chebyshev_weights(N)
X = np.linspace(-0.95, 0.95, 9)


@pytest.fixture(scope="module")
def oracle():
    truth = mp_evaluate(mpmath.exp, X)
    exact_interp = mp_barycentric(X, NODES, W, np.exp(NODES))
    disc = barycentric_eval(NODES, W, np.exp(NODES), X)
    return truth, exact_interp, disc


def test_oracle_results_stand_for_their_values(oracle):
    truth, exact_interp, disc = oracle
    with_results = interpolation_decomposition(truth, u_best=exact_interp, u_disc=disc,
                                               grid_name="9 points", norm="max")
    with_arrays = interpolation_decomposition(truth.values, u_best=exact_interp.values,
                                              u_disc=disc, grid_name="9 points",
                                              norm="max")
    assert with_results.as_dict() == with_arrays.as_dict()
    # the representation term is the interpolation error, independently computed
    assert with_results.representation == float(np.max(np.abs(truth.values
                                                               - exact_interp.values)))


@pytest.mark.parametrize("where", ["u_disc", "u_learned"])
def test_oracle_result_as_a_float64_computation_is_refused(oracle, where):
    truth, exact_interp, disc = oracle
    kw = {"u_best": exact_interp, "u_disc": disc, where: exact_interp}
    with pytest.raises(TypeError, match=rf"`{where}` is an OracleResult.*`u` \(the truth\)"):
        interpolation_decomposition(truth, grid_name="g", **kw)
    with pytest.raises(TypeError, match=rf"`{where}` is an OracleResult"):
        collocation_decomposition(truth, grid_name="g", **kw)


def test_error_decomposition_takes_oracle_results_in_its_order(oracle):
    truth, exact_interp, disc = oracle
    d = ErrorDecomposition(truth, exact_interp, disc, disc, grid_name="9 points")
    assert d.optimization == 0.0 and d.telescopes


def test_terms_by_position_are_refused(oracle):
    truth, exact_interp, disc = oracle
    with pytest.raises(TypeError, match="positional"):
        interpolation_decomposition(truth, exact_interp, disc, grid_name="g")  # type: ignore[misc]
