"""numlearn.precision.decomposition.least_squares_decomposition: the least-squares
track's terms (u_best = x*, u_disc = classical GD, u_learned = learned iterate)."""

import numpy as np
import pytest

from numlearn.precision.decomposition import least_squares_decomposition

EPS = np.finfo(np.float64).eps


def test_terms_are_the_norms_of_the_telescoping_differences():
    # exact binary numbers: every difference and norm below is exact
    x_star = np.array([[3.0, 4.0], [0.0, 2.0]])
    x_gd = np.array([[3.0, 4.5], [0.0, 2.0]])
    x_l = np.array([[3.0, 4.25], [0.5, 2.0]])
    dec = least_squares_decomposition(x_star, x_disc=x_gd, x_learned=x_l, cond=np.array([2.0, 1.0]))
    np.testing.assert_array_equal(dec["norm"], [5.0, 2.0])
    np.testing.assert_array_equal(dec["conditioning"], [0.5, 0.0])
    np.testing.assert_array_equal(dec["optimization"], [0.25, 0.5])
    np.testing.assert_array_equal(dec["total"], [0.25, 0.5])
    np.testing.assert_array_equal(dec["rel_optimization"], [0.05, 0.25])
    np.testing.assert_array_equal(dec["floor"], [2 * EPS, EPS])
    # the triangle inequality of the telescoping sum, per problem
    assert np.all(dec["total"] <= dec["conditioning"] + dec["optimization"])
    assert "floor" not in least_squares_decomposition(x_star, x_disc=x_gd, x_learned=x_l)


def test_diverged_iterates_give_inf_and_shapes_are_checked():
    x_star = np.ones((2, 3))
    x_l = np.array([[np.inf, 0.0, 0.0], [1.0, 1.0, 1.0]])
    dec = least_squares_decomposition(x_star, x_disc=x_star, x_learned=x_l)
    assert dec["total"][0] == np.inf and dec["total"][1] == 0.0
    with pytest.raises(ValueError, match="one shape"):
        least_squares_decomposition(x_star, x_disc=x_star[:, :2], x_learned=x_l)
