"""``ulp_error`` and ``metric_report``'s ``max_ulp`` stay meaningful near zeros of the
truth (issue 14, item 8: ``max_ulp = 4.3e18`` where sin crosses zero).  Truth from
closed forms: the ulp of a power of two is an exact power of two."""

from __future__ import annotations

import math

import numpy as np
import pytest

from numlearn.classical import (
    barycentric_eval,
    chebyshev_points,
    chebyshev_weights,
    lebesgue_constant,
)
from numlearn.precision import metric_report, ulp_distance, ulp_error


def test_error_at_an_exact_zero_counts_in_ulps_of_the_scale():
    u_true = np.array([0.0, 0.5, 1.0])
    u = np.array([1e-17, 0.5, 1.0])
    # the old count: every float between 0 and 1e-17 (about 4.3e18 of them)
    assert int(ulp_distance(u_true, u)[0]) > 4e18
    e = ulp_error(u_true, u)
    assert e[0] == 1e-17 * 2.0**52  # ulp(1.0) = 2**-52, exact scaling
    assert e[1] == e[2] == 0.0
    r = metric_report(u_true, u, grid_name="3 points")
    assert r["max_ulp"] == 1e-17 * 2.0**52 and r["ulp_scale"] == 1.0


def test_interpolant_of_sin_through_its_zero_is_within_highams_bound():
    # The case of the issue: an interpolant of sin on a grid through sin's zero.  At
    # x = 0 the truth is exactly 0 and the float64 interpolant ~1e-17: the float count
    # was ~4.3e18; in ulps of max |sin| Higham's bound (3n + 4) Lambda_n (plus 1 for
    # the rounding of np.sin) holds.
    n, dom = 21, (-1.0, 2.0)
    nodes, w = chebyshev_points(n, 2, dom), chebyshev_weights(n)
    grid = np.linspace(-1.0, 2.0, 31)
    assert grid[10] == 0.0
    p = barycentric_eval(nodes, w, np.sin(nodes), grid)
    truth = np.sin(grid)
    assert int(np.max(ulp_distance(truth, p))) > 10**18
    r = metric_report(truth, p, grid_name="31 points")
    assert r["max_ulp"] == r["max_abs"] / np.spacing(r["ulp_scale"])
    assert r["max_ulp"] <= (3 * n + 4) * lebesgue_constant(nodes, w, domain=dom) + 1


def test_scale_zero_gives_relative_ulps():
    x = np.array([1e-300, 1.0, 2.0**40])
    up = np.nextafter(x, np.inf)
    np.testing.assert_array_equal(ulp_error(x, up, scale=0.0), [1.0, 1.0, 1.0])
    # the default measures all three in ulps of 2**40: 1 ulp of 2**40 is 1
    np.testing.assert_array_equal(ulp_error(x, up, scale=None)[2], 1.0)
    # a middle scale: entries above it count relative to themselves
    assert ulp_error([0.0, 4.0], [2.0**-50, 4.0 + 2.0**-50], scale=1.0).tolist() == [4.0, 1.0]


def test_float32_counts_in_float32_ulps():
    t = np.float32([0.0, 1.0])
    u = np.float32([2.0**-23, 1.0])
    assert ulp_error(t, u).tolist() == [1.0, 0.0]


def test_report_keeps_the_old_meaning_away_from_zeros():
    r = metric_report([1.0, 2.0, 2.0], [1.0, 2.0, 3.0], grid_name="3 points")
    assert r["max_ulp"] == 2.0**51  # 1 in ulps of 2 (2**-51): as the old float count


def test_zero_truth_has_no_default_unit():
    r = metric_report([0.0, 0.0], [1e-20, 0.0], grid_name="g")
    assert r["max_ulp"] is None and r["ulp_scale"] is None and r["rel_l2"] is None
    r = metric_report([0.0, 0.0], [1e-20, 0.0], grid_name="g", ulp_scale=1.0)
    assert r["max_ulp"] == 1e-20 * 2.0**52
    with pytest.raises(ValueError, match=r"identically zero.*pass `scale`"):
        ulp_error([0.0], [1.0])


@pytest.mark.parametrize(("kw", "exc"), [({"scale": -1.0}, ValueError),
                                          ({"scale": math.nan}, ValueError),
                                          ({"scale": "1"}, TypeError),
                                          ({"scale": True}, TypeError)])
def test_bad_scale_is_refused_by_name(kw, exc):
    with pytest.raises(exc, match="`scale`"):
        ulp_error([1.0], [1.0], **kw)
    with pytest.raises(exc, match="`ulp_scale`"):
        metric_report([1.0], [1.0], grid_name="g", ulp_scale=kw["scale"])


def test_complex_input():
    with pytest.raises(TypeError):
        ulp_error([1j], [1.0])
    r = metric_report([1j], [1.0], grid_name="g")
    assert r["max_ulp"] is None and r["ulp_scale"] is None
