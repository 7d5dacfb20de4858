"""Tests of numlearn.precision.metrics against hand-computable cases."""

import json
import math

import numpy as np
import pytest

from numlearn.precision import (
    METRICS,
    max_abs,
    metric_report,
    mse,
    rel_l2,
    rmse,
    ulp_distance,
)


def test_hand_computed_values():
    # ||(0, 0, 1)|| / ||(1, 2, 2)|| = 1/3 (both norms are exact integers).
    assert rel_l2([1.0, 2.0, 2.0], [1.0, 2.0, 3.0]) == pytest.approx(1 / 3, rel=1e-15)
    assert rel_l2([3.0, 4.0], [0.0, 0.0]) == 1.0
    # errors (2, 2, 2, 2): RMSE 2 but MSE 4; the two must not be confused.
    assert rmse(np.zeros(4), np.full(4, 2.0)) == 2.0
    assert mse(np.zeros(4), np.full(4, 2.0)) == 4.0
    # errors (1, -1, 1, -1): RMSE = MSE = 1.
    assert rmse(np.zeros(4), [1.0, -1.0, 1.0, -1.0]) == 1.0
    assert mse(np.zeros(4), [1.0, -1.0, 1.0, -1.0]) == 1.0
    # errors (3, 4): RMSE sqrt(12.5), MSE 12.5, max 4.
    assert rmse([0.0, 0.0], [3.0, 4.0]) == math.sqrt(12.5)
    assert mse([0.0, 0.0], [3.0, 4.0]) == 12.5
    assert max_abs([1.0, 2.0, 3.0], [1.0, 2.5, -1.0]) == 4.0
    assert set(METRICS) == {"rel_l2", "rmse", "mse", "max_abs"}


def test_identical_arrays_give_zero(rng):
    u = rng.standard_normal((4, 5))
    for metric in METRICS.values():
        assert metric(u, u) == 0.0


def test_no_underflow_or_overflow():
    # Squares of 1e-200 underflow and of 1e200 overflow in float64; the scaled norms
    # must still give the exact ratios of the hand-computed case above.
    for s in (1e-200, 1e200):
        assert rel_l2([s, 2 * s, 2 * s], [s, 2 * s, 3 * s]) == pytest.approx(1 / 3, rel=1e-15)
        assert rmse([0.0, 0.0], [3 * s, 4 * s]) == pytest.approx(s * math.sqrt(12.5), rel=1e-15)


def test_complex_input():
    assert rel_l2([3j, 4.0], [0.0, 0.0]) == 1.0
    assert max_abs([1j], [0.0]) == 1.0


def test_validation_names_the_argument():
    with pytest.raises(ValueError, match="same shape"):
        rel_l2([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="same shape"):
        rmse(np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="`u` must be finite"):
        rmse([1.0, 2.0], [1.0, math.nan])
    with pytest.raises(ValueError, match="`u_true` must be finite"):
        max_abs([math.nan, 2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="identically zero"):
        rel_l2([0.0, 0.0], [1.0, 2.0])
    with pytest.raises(TypeError):
        mse(["a"], ["b"])


def test_ulp_distance_adjacent_floats(rng):
    x = np.concatenate([
        rng.standard_normal(100) * 10.0 ** rng.integers(-300, 300, 100),
        [5e-324, 2.2250738585072014e-308, 1.0, 1.7976931348623157e308 / 2],
    ])
    up = np.nextafter(x, np.inf)
    np.testing.assert_array_equal(ulp_distance(x, up), 1)
    np.testing.assert_array_equal(ulp_distance(up, x), 1)  # symmetric
    two_up = np.nextafter(up, np.inf)
    np.testing.assert_array_equal(ulp_distance(x, two_up), 2)
    assert ulp_distance(x, x).dtype == np.uint64


def test_ulp_distance_across_zero_and_extremes():
    tiny = 5e-324
    assert int(ulp_distance(-0.0, 0.0)) == 0
    assert int(ulp_distance(0.0, tiny)) == 1
    assert int(ulp_distance(-tiny, tiny)) == 2
    assert int(ulp_distance(-1.0, 1.0)) == 2 * int(ulp_distance(0.0, 1.0))
    assert int(ulp_distance(1.0, 2.0)) == 2**52
    big = np.finfo(np.float64).max
    assert int(ulp_distance(big, np.inf)) == 1
    # From -max to +max: 2 * 0x7FEFFFFFFFFFFFFF, beyond int64 but exact in uint64.
    assert int(ulp_distance(-big, big)) == 2 * 0x7FEFFFFFFFFFFFFF


def test_ulp_distance_float32():
    x = np.float32([1.0, -3.5, 1e-40])  # 1e-40 is subnormal in float32
    up = np.nextafter(x, np.float32(np.inf))
    np.testing.assert_array_equal(ulp_distance(x, up), 1)
    assert int(ulp_distance(np.float32(1.0), np.float32(2.0))) == 2**23
    # Mixed float32/float64: counted in float64 (float32 values convert exactly).
    assert int(ulp_distance(np.float32([1.0]), np.array([1.0 + 2**-52]))[0]) == 1


def test_ulp_distance_errors():
    with pytest.raises(ValueError, match="`b` contains NaN"):
        ulp_distance([1.0, 2.0], [1.0, math.nan])
    with pytest.raises(ValueError, match="`a` contains NaN"):
        ulp_distance([math.nan], [1.0])
    with pytest.raises(ValueError, match="same shape"):
        ulp_distance([1.0], [1.0, 2.0])
    with pytest.raises(TypeError, match="real"):
        ulp_distance([1j], [1.0])


def test_metric_report():
    u_true = np.array([1.0, 2.0, 2.0])
    u = np.array([1.0, 2.0, 3.0])
    r = metric_report(u_true, u, grid_name="3 points")
    assert r["grid"] == "3 points" and r["n_points"] == 3
    assert r["rel_l2"] == pytest.approx(1 / 3, rel=1e-15)
    assert r["rmse"] == pytest.approx(1 / math.sqrt(3), rel=1e-15)
    assert r["max_abs"] == 1.0
    assert r["max_ulp"] == 2**51  # from 2.0 to 3.0
    json.dumps(r)  # plain Python scalars
    assert metric_report([0.0], [1.0], grid_name="g")["rel_l2"] is None
    assert metric_report([1j], [1.0], grid_name="g")["max_ulp"] is None
    assert "max_ulp" not in metric_report([1.0], [1.0], grid_name="g", ulp=False)
    with pytest.raises(TypeError, match="grid_name"):
        metric_report([1.0], [1.0], grid_name="")
