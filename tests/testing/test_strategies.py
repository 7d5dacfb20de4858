"""Tests of numlearn.testing.strategies: node sets, evaluation points, matrices and
series cases keep their promises."""


import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numlearn import EPS
from numlearn.classical import chebyshev_points
from numlearn.precision.metrics import ulp_distance
from numlearn.testing import (
    SeriesCase,
    chebyshev_nodes,
    chebyshev_series,
    clustered_nodes,
    evaluation_points,
    matrices_with_condition,
    nearly_coincident_nodes,
    node_sets,
    random_distinct_nodes,
)

DOMAINS = [(-1.0, 1.0), (0.0, 2.0 * np.pi), (-3e-3, 5e-3), (1e3, 1e3 + 0.5)]
NODE_STRATEGIES = {
    "chebyshev": lambda d: chebyshev_nodes(2, 40, domain=d),
    "random": lambda d: random_distinct_nodes(2, 40, d),
    "clustered": lambda d: clustered_nodes(2, 40, d),
    "nearly_coincident": lambda d: nearly_coincident_nodes(2, 40, d),
    "node_sets": lambda d: node_sets(2, 40, d),
}


def _check_node_array(x, domain, min_n=2, max_n=40):
    a, b = domain
    assert isinstance(x, np.ndarray)
    assert x.dtype == np.float64 and x.ndim == 1
    assert min_n <= x.size <= max_n
    assert np.isfinite(x).all()
    assert (np.diff(x) > 0).all(), "not strictly increasing (sorted and distinct)"
    assert a <= x[0] and x[-1] <= b


# ---------------------------------------------------------------------- node sets


@pytest.mark.parametrize("domain", DOMAINS, ids=str)
@pytest.mark.parametrize("kind", sorted(NODE_STRATEGIES))
def test_node_sets_are_sorted_distinct_finite_in_domain(kind, domain):
    @given(NODE_STRATEGIES[kind](domain))
    @settings(max_examples=30)
    def check(x):
        _check_node_array(x, domain)

    check()


@given(chebyshev_nodes(1, 30, kind=1))
def test_chebyshev_nodes_are_chebyshev_points(x):
    np.testing.assert_array_equal(x, chebyshev_points(x.size, kind=1))


@given(random_distinct_nodes(2, 30, (0.0, 1.0), min_separation=1e-2))
def test_random_nodes_respect_min_separation(x):
    # Guaranteed after rounding, so no slack.
    assert np.diff(x).min() >= 1e-2


def test_random_nodes_reject_impossible_separation():
    with pytest.raises(ValueError, match="min_separation"):
        random_distinct_nodes(2, 30, (0.0, 1.0), min_separation=0.1)


@pytest.mark.parametrize("domain", [(-1.0, 1.0), (2.0, 10.0)], ids=str)
@given(data=st.data())
def test_nearly_coincident_nodes_have_a_close_pair(domain, data):
    x = data.draw(nearly_coincident_nodes(2, 40, domain, max_relative_gap=1e-8))
    _check_node_array(x, domain)
    scale = max(abs(domain[0]), abs(domain[1]))
    assert np.diff(x).min() <= 1e-8 * scale


@given(nearly_coincident_nodes(2, 40))
def test_nearly_coincident_pairs_are_isolated(x):
    # Each near-duplicate pair stays well apart from the other points: the gaps are
    # either tiny (<= 1e-8) or at least a quarter of the base spacing 2/(4n).
    gaps = np.diff(x)
    tiny = gaps <= 1e-8
    assert tiny.any()
    assert (gaps[~tiny] >= 0.5 * (2.0 / (4 * x.size))).all()


def _check_graded_away_from(x, c):
    # On each side of the cluster point c, the gaps (counting the one from c to
    # its nearest point) grow away from c; slack of a few ulps for rounding.
    for side in (x[x > c] - c, c - x[x < c][::-1]):
        gaps = np.diff(np.concatenate([[0.0], side]))
        assert (np.diff(gaps) >= -4 * EPS).all(), gaps


@pytest.mark.parametrize("near", ["left", "right"])
@given(data=st.data())
def test_clustered_nodes_crowd_the_chosen_end(near, data):
    x = data.draw(clustered_nodes(4, 30, near=near))
    _check_node_array(x, (-1.0, 1.0), min_n=4, max_n=30)
    c, far = (-1.0, 1.0) if near == "left" else (1.0, -1.0)
    _check_graded_away_from(x, c)
    assert far in x  # the outermost offset is the whole side


@given(clustered_nodes(3, 30, near=0.25))
def test_clustered_nodes_at_a_given_point(x):
    _check_node_array(x, (-1.0, 1.0), min_n=3, max_n=30)
    _check_graded_away_from(x, 0.25)


def test_clustered_nodes_reach_ulp_spacing():
    # Geometric grading with q = 0.1 and 40 points gives offsets 1e-39 below the
    # resolution of c = -1: the strategy must then space them one float apart.
    # Seen in at least one example, otherwise the nudging code is never exercised.
    seen = []

    @given(clustered_nodes(30, 40, near="left"))
    @settings(max_examples=100)
    def check(x):
        seen.append(ulp_distance(x[0], x[1]) == 1)

    check()
    assert any(seen)


@given(st.data())
def test_evaluation_points(data):
    domain = (-2.0, 3.0)
    nodes = data.draw(node_sets(2, 20, domain))
    t = data.draw(evaluation_points(nodes, domain))
    assert t.dtype == np.float64 and t.ndim == 1 and t.size >= 1
    assert (np.diff(t) > 0).all()
    assert (domain[0] <= t).all() and (t <= domain[1]).all()


def test_evaluation_points_include_nodes_endpoints_and_ulp_neighbours():
    nodes = chebyshev_points(9, kind=1)
    neighbours = set(np.nextafter(nodes, np.inf)) | set(np.nextafter(nodes, -np.inf))
    found = {"node": False, "end": False, "ulp": False}

    @given(evaluation_points(nodes))
    @settings(max_examples=100)
    def check(t):
        found["node"] |= bool(np.isin(nodes, t).any())
        found["end"] |= bool(np.isin([-1.0, 1.0], t).any())
        found["ulp"] |= any(v in neighbours for v in t)

    check()
    assert all(found.values()), found


# ----------------------------------------------------------------------- matrices


@given(
    matrices_with_condition(
        st.tuples(st.integers(2, 12), st.integers(2, 12)), cond=1e4, return_factors=True
    )
)
def test_matrices_have_the_condition_number(factors):
    a, u, s, vt = factors
    k = min(a.shape)
    # Rounding A = U diag(s) V^T (and the SVD inside np.linalg.cond) moves s_min by
    # O(eps |A|) (Weyl), so cond by O(eps cond) relative; measured at most
    # 0.6 (m + n) eps cond.  Here <= 2 * 24 * eps * 1e4 = 1.1e-10.
    m, n = a.shape
    assert abs(np.linalg.cond(a) / 1e4 - 1) <= 2 * (m + n) * EPS * 1e4
    np.testing.assert_allclose(u.T @ u, np.eye(k), atol=10 * k * EPS)
    np.testing.assert_allclose(vt @ vt.T, np.eye(k), atol=10 * k * EPS)
    assert s[0] == 1.0 and s[-1] == 1e-4 and (np.diff(s) < 0).all()


@given(matrices_with_condition((10, 6), cond=(1.0, 1e8), normalize="smallest", return_factors=True))
def test_matrices_condition_range_and_normalisation(factors):
    a, _, s, _ = factors
    kappa = s[0] / s[-1]
    assert 1.0 <= kappa <= 1e8
    assert s[-1] == 1.0
    assert abs(np.linalg.cond(a) / kappa - 1) <= 2 * (10 + 6) * EPS * kappa  # as above


def test_matrices_are_haar_not_just_orthogonal():
    # Sign fix of Mezzadri (2007): without it, QR returns U with a biased first
    # row.  For Haar U (3x3), E[U_00] = 0; 400 samples give a std error ~0.03.
    u00 = []

    @given(matrices_with_condition((3, 3), cond=1.0, return_factors=True))
    @settings(max_examples=400)
    def collect(factors):
        u00.append(factors[1][0, 0])

    collect()
    assert abs(np.mean(u00)) < 0.15


def test_matrices_reject_bad_arguments():
    with pytest.raises(ValueError, match="cond"):
        matrices_with_condition((4, 4), cond=0.5)
    with pytest.raises(ValueError, match="shape"):
        matrices_with_condition((5, 1), cond=10.0)


# ----------------------------------------------------------------- Chebyshev series


@given(chebyshev_series(0, 64), st.floats(-1.0, 1.0))
def test_series_mp_eval_matches_float64_regression(f, x):
    # Regression window, set on this implementation (numpy's chebval): Clenshaw in
    # float64 errs by at most O(d eps sum|c_k|) for degree d (the rounding of each
    # step is amplified by |U_k(s)| <= k + 1), measured up to 1.2 eps sum|c_k| over
    # 400 examples of degree <= 64; no argument map on [-1, 1].
    exact = f.mp_eval(x, dps=30)
    assert isinstance(exact, mpmath.mpf)
    assert abs(float(f(x)) - float(exact)) <= 4 * EPS * f.abs_sum


@given(chebyshev_series(0, 30, domain=(2.0, 7.0)), st.floats(2.0, 7.0))
def test_series_on_a_domain(f, x):
    # The float64 map s = (2x - 9)/5 errs by ~ 2 eps (|2x| + 9)/5 in s, amplified
    # by |f'| <= sum k^2 |c_k| (Markov).
    k = np.arange(f.degree + 1)
    map_err = 2 * EPS * (2 * abs(x) + 9) / 5 * np.sum(k**2 * np.abs(f.coeffs))
    assert abs(float(f(x)) - float(f.mp_eval(x, dps=30))) <= 4 * EPS * f.abs_sum + map_err
    # At the endpoints the series is exactly sum c_k (+-1)^k.
    with mpmath.workdps(40):
        left = mpmath.fsum((-1) ** j * mpmath.mpf(float(c)) for j, c in enumerate(f.coeffs))
    assert f.mp_eval(2.0, dps=40) == left


@given(chebyshev_series(3, 20, decay="geometric", rho=(2.0, 2.0)))
def test_series_geometric_envelope(f):
    scaled = np.abs(f.coeffs) * 2.0 ** np.arange(f.degree + 1)
    assert (0.5 <= scaled).all() and (scaled <= 1.0).all()  # powers of 2: exact


@given(chebyshev_series(3, 20, decay="algebraic", power=(2.0, 2.0)))
def test_series_algebraic_envelope(f):
    # (k+1)^-2 and the product each round once: a few eps of slack both ways.
    scaled = np.abs(f.coeffs) * (np.arange(f.degree + 1) + 1.0) ** 2
    assert (0.5 * (1 - 4 * EPS) <= scaled).all() and (scaled <= 1.0 + 4 * EPS).all()


def test_series_known_values_and_repr():
    f = SeriesCase([1.0, 0.5, 0.25], domain=(0.0, 2.0))
    # x = 1.5 -> s = 0.5: 1 + 0.5*0.5 + 0.25*(2*0.25 - 1) = 1.125
    assert float(f(1.5)) == 1.125
    assert f.mp_eval(1.5, dps=25) == mpmath.mpf("1.125")
    values = f.mp_eval(np.array([[0.0, 2.0]]), dps=20)
    assert values.shape == (1, 2) and values.dtype == object
    assert values[0, 0] == mpmath.mpf("0.75") and values[0, 1] == mpmath.mpf("1.75")
    g = eval(repr(f), {"SeriesCase": SeriesCase})
    np.testing.assert_array_equal(g.coeffs, f.coeffs)
    assert g.domain == f.domain
    with pytest.raises(ValueError, match="coeffs"):
        SeriesCase([1.0, np.nan])
    with pytest.raises((AttributeError, TypeError)):
        f.coeffs = np.zeros(2)  # frozen
    with pytest.raises(ValueError):
        f.coeffs[0] = 2.0  # read-only array


def test_series_mp_eval_resolves_digits_float64_cannot():
    # T_2(x) = 2x^2 - 1 at x = 1/sqrt(2) (rounded): the float value is O(eps), the
    # exact one is a tiny nonzero number that needs the high precision.
    f = SeriesCase([0.0, 0.0, 1.0])
    x = 2.0**-0.5
    with mpmath.workdps(50):
        exact = 2 * mpmath.mpf(x) ** 2 - 1  # exact: 106 bits suffice
        assert abs(f.mp_eval(x, dps=50) - exact) <= mpmath.mpf(10) ** -45 * abs(exact)
    assert abs(float(f(x)) - float(exact)) > 0.1 * abs(float(exact))  # float64 cannot
