"""Tests of numlearn.precision.oracle: two-precision mpmath evaluation."""

import math

import mpmath
import numpy as np
import pytest

from numlearn.precision import (
    OracleDisagreementError,
    mp_barycentric,
    mp_evaluate,
    round_to_float64,
    two_precision,
    ulp_distance,
)
from numlearn.problems import get_target


def _exp_at_100_digits(x):
    # Independent reference: mpmath at 100 digits, rounded once (the chance that a
    # 100-digit value is within 1e-100 of a float64 midpoint is negligible).
    with mpmath.workdps(100):
        return np.array([float(mpmath.exp(mpmath.mpf(float(v)))) for v in x])


def test_exp_correctly_rounded(rng):
    x = np.concatenate([rng.uniform(-700.0, 700.0, 300), rng.uniform(-1.0, 1.0, 300)])
    r = mp_evaluate(mpmath.exp, x)
    np.testing.assert_array_equal(r.values, _exp_at_100_digits(x))
    assert r.rounding_certified.all()
    assert r.values.dtype == np.float64
    # math.exp is not correctly rounded, but within 1 ulp (glibc's documented bound).
    assert int(np.max(ulp_distance(r.values, np.exp(x)))) <= 1
    # The digits claimed were checked; with dps = 30 the agreement is about 30 digits.
    assert r.agreement_digits >= r.digits
    assert r.agreement_digits > 28


def test_mp_values_at_check_precision(rng):
    x = rng.uniform(-1, 1, 20)
    r = mp_evaluate(mpmath.exp, x, dps=40)
    assert r.check_dps == 80 and r.dps == 40
    with mpmath.workdps(120):
        for xi, v in zip(x, r.mp_values, strict=True):
            exact = mpmath.exp(mpmath.mpf(float(xi)))
            assert abs(v - exact) <= mpmath.mpf(10) ** -78 * exact


def test_shapes_and_target_function():
    r = mp_evaluate(get_target("runge"), np.zeros((2, 3)))
    assert r.values.shape == r.mp_values.shape == r.rounding_certified.shape == (2, 3)
    np.testing.assert_array_equal(r.values, np.ones((2, 3)))
    s = mp_evaluate(mpmath.sin, 0.5)
    assert s.values.shape == ()
    assert float(s.values) == math.sin(0.5)  # sin(0.5) happens to be correctly rounded
    empty = mp_evaluate(mpmath.sin, np.array([]))
    assert empty.values.shape == (0,)


def _precision_dependent(x):
    # Wrong by 10**(-dps/2) for x > 0.5: 1e-15 at 30 digits, 1e-30 at 60.
    bump = mpmath.mpf(10) ** -(mpmath.mp.dps // 2) if x > 0.5 else 0
    return x * (1 + bump)


def test_disagreement_names_the_point():
    x = np.array([0.1, 0.2, 0.7, 0.9])
    with pytest.raises(OracleDisagreementError, match=r"point 2 \(x = 0\.7\)") as info:
        mp_evaluate(_precision_dependent, x)
    err = info.value
    assert isinstance(err, ArithmeticError)
    assert err.index == 2 and err.point == 0.7 and err.count == 2


def test_disagreement_in_badly_conditioned_sum_2d():
    # (x + 1e25) - 1e25 keeps only ~5 digits of x at 30 digits, all of them at 60.
    def cancel(x):
        big = mpmath.mpf(10) ** 25
        return (x + big) - big

    x = np.array([[0.0, 0.25], [1.0 / 3.0, 0.5]])
    with pytest.raises(OracleDisagreementError, match=r"point \(1, 0\)") as info:
        mp_evaluate(cancel, x)
    assert info.value.index == (1, 0)
    # Escalation recomputes only the failing point at 60/120 digits, where it agrees.
    r = mp_evaluate(cancel, x, max_dps=120)
    np.testing.assert_array_equal(r.values, x)


def test_rounding_certificate_flags_a_tie():
    # 1 + 2**-53 is exactly halfway between 1 and the next float64, at every precision:
    # round-half-even gives 1.0, but no finite-precision value can certify it.
    def tie(x):
        return 1 + x * mpmath.mpf(2) ** -53

    r = mp_evaluate(tie, [1.0, 0.25, -0.25])
    # 1 + 2^-55 and 1 - 2^-55 are a quarter of a gap from 1.0: certified.
    assert r.values.tolist() == [1.0, 1.0, 1.0]
    assert r.rounding_certified.tolist() == [False, True, True]


def test_rounding_certificate_below_a_power_of_two():
    # Below 1.0 the float64 gap is 2^-53 (above it, 2^-52).  The check value
    # 1 - 3*2^-56 rounds to 1.0, but the working value differs by 2^-55, so the true
    # value may lie below the midpoint 1 - 2^-54: not certified.  With a disagreement
    # of 2^-58 it is.
    def wobble(x):
        off = x * mpmath.mpf(2) ** -55 if mpmath.mp.dps < 50 else 0
        return 1 - 3 * mpmath.mpf(2) ** -56 + off

    r = mp_evaluate(wobble, [1.0, 0.125, -1.0], digits=16)
    assert r.values.tolist() == [1.0, 1.0, 1.0]
    assert r.rounding_certified.tolist() == [False, True, False]


def test_round_to_float64_subnormal_double_rounding():
    # 2^-1075 (1 + 2^-59) is just above half the smallest subnormal, so it rounds to
    # 2^-1074.  mpmath's float() first rounds to 53 bits (giving exactly 2^-1075, a tie)
    # and then ldexp rounds the tie to even, 0.0: double rounding.
    with mpmath.workdps(40):
        v = mpmath.ldexp(1 + mpmath.ldexp(1, -59), -1075)
        assert float(v) == 0.0
        assert round_to_float64(v) == 5e-324
        assert round_to_float64(-v) == -5e-324
        assert math.copysign(1.0, round_to_float64(-v / 4)) == -1.0  # -0.0
        assert round_to_float64(mpmath.mpf(1) / 3) == 1.0 / 3.0
        assert round_to_float64(mpmath.mpf(10) ** 400) == math.inf


def test_argument_validation():
    with pytest.raises(ValueError, match="dps"):
        mp_evaluate(mpmath.exp, [0.0], dps=20)
    with pytest.raises(ValueError, match="check_dps"):
        mp_evaluate(mpmath.exp, [0.0], dps=40, check_dps=40)
    with pytest.raises(ValueError, match="digits"):
        mp_evaluate(mpmath.exp, [0.0], dps=30, digits=31)
    with pytest.raises(ValueError, match="`x`"):
        mp_evaluate(mpmath.exp, [0.0, math.nan])
    with pytest.raises(TypeError, match="callable"):
        mp_evaluate(3.0, [0.0])
    with pytest.raises(TypeError, match="real"):
        mp_evaluate(mpmath.exp, [1j])
    with pytest.raises(TypeError, match="real values only"):
        mp_evaluate(get_target("near_branch"), [0.0, 2.0])  # sqrt(1.01 - 2) is complex


def test_no_global_precision_change():
    before = mpmath.mp.dps
    mp_evaluate(mpmath.exp, [0.5], dps=50)
    assert mpmath.mp.dps == before


# ----------------------------------------------------------------------------------
# barycentric


def _lagrange(x, nodes, values):
    """Direct Lagrange form in mpmath (O(n^2) per point)."""
    total = 0
    for j, (xj, fj) in enumerate(zip(nodes, values, strict=True)):
        term = mpmath.mpf(fj)
        for k, xk in enumerate(nodes):
            if k != j:
                term *= (x - xk) / (mpmath.mpf(xj) - xk)
        total += term
    return total


def test_barycentric_matches_lagrange(rng):
    # Equispaced nodes j/8 - 1/2 are exact binary numbers and their barycentric weights
    # (-1)^j C(n-1, j) are exact integers, so the float64 data define exactly the
    # interpolating polynomial, and the two formulas must agree to the digits claimed.
    n = 9
    nodes = np.arange(n) / 8.0 - 0.5
    weights = np.array([(-1) ** j * math.comb(n - 1, j) for j in range(n)], dtype=float)
    values = rng.standard_normal(n)
    x = rng.uniform(-0.6, 0.6, 50)
    r = mp_barycentric(x, nodes, weights, values, dps=40)
    with mpmath.workdps(80):
        for xi, v in zip(x, r.mp_values, strict=True):
            exact = _lagrange(mpmath.mpf(float(xi)), nodes, values)
            assert abs(v - exact) <= mpmath.mpf(10) ** -70 * max(abs(exact), 1)
            assert round_to_float64(exact) == round_to_float64(v)


def test_barycentric_exact_at_nodes(rng):
    nodes = np.cos(np.pi * np.arange(6) / 5)
    weights = np.array([0.5, -1, 1, -1, 1, -0.5])
    values = rng.standard_normal(6)
    r = mp_barycentric(nodes[::-1], nodes, weights, values)
    np.testing.assert_array_equal(r.values, values[::-1])


def test_barycentric_validation():
    with pytest.raises(ValueError, match="same length"):
        mp_barycentric([0.0], [0.0, 1.0], [1.0, -1.0], [1.0])
    with pytest.raises(ValueError, match="`weights`"):
        mp_barycentric([0.0], [0.0, 1.0], [1.0, math.inf], [1.0, 2.0])


@pytest.mark.slow
def test_1e5_points_all_certified(rng):
    # a large batch at two precisions: every value certified correctly rounded (its
    # time, about 2.3 s on one quiet core, is a benchmark's business, not a test's)
    x = rng.uniform(-1, 1, 100_000)
    r = mp_evaluate(get_target("runge"), x)
    assert r.rounding_certified.all() and np.isfinite(r.values).all()


# ---------------------------------------------------------------- the engine itself


def test_two_precision_vector_values_keep_their_shape():
    # a least-squares-like caller: one argument per problem, d components each
    r = two_precision(lambda k: [mpmath.mpf(1) / (k + 1), mpmath.sqrt(k + 2)], [0, 1, 2],
                      dps=(30, 60))
    assert r.values.shape == r.rounding_certified.shape == (3, 2)
    with mpmath.workdps(100):
        want = [[float(mpmath.mpf(1) / (k + 1)), float(mpmath.sqrt(k + 2))] for k in range(3)]
    np.testing.assert_array_equal(r.values, want)
    assert r.rounding_certified.all() and (r.dps, r.check_dps) == (30, 60)


def test_two_precision_escalates_only_where_digits_are_lost():
    # (exp(t) - 1 - t) / t^2 at t = 1e-30 cancels about 60 digits: 30/60 digits
    # disagree, the escalation to 120/240 agrees (the value is 1/2 + t/6 + ...).
    def f(t):
        t = mpmath.mpf(t)
        return (mpmath.exp(t) - 1 - t) / t**2

    with pytest.raises(OracleDisagreementError, match=r"point 1 \(x = 1e-30\)") as info:
        two_precision(f, [0.5, 1e-30], dps=(30, 60))
    assert info.value.index == 1 and info.value.count == 1
    r = two_precision(f, [0.5, 1e-30], dps=(30, 60), max_dps=240)
    assert r.values[1] == 0.5 and r.rounding_certified.all()


def test_two_precision_rejects_code_that_ignores_the_precision():
    # a computation that is only good to half its working digits (an unconverged
    # series, say): 15 and 30 correct digits disagree at the 1e-15 level > 1e-20
    def f(a):
        return mpmath.mpf(1) + mpmath.mpf(10) ** -(mpmath.mp.dps // 2)

    with pytest.raises(OracleDisagreementError, match="point 0"):
        two_precision(f, [None], dps=(30, 60))
    with pytest.raises(ValueError, match="check_dps"):
        two_precision(f, [None], dps=(40, 40))
    with pytest.raises(ValueError, match="same shape"):
        two_precision(lambda k: [mpmath.mpf(1)] * (k + 1), [0, 1])


def test_two_precision_absolute_agreement_for_a_zero_truth():
    # sin(pi k) is 0 in truth; each precision leaves a residue of its own size, so the
    # relative test fails but an absolute one (values bounded by 1) passes.
    def f(k):
        return mpmath.sin(mpmath.pi * k)

    with pytest.raises(OracleDisagreementError, match="point 1"):
        two_precision(f, [0.5, 3], dps=(30, 60))
    r = two_precision(f, [0.5, 3], dps=(30, 60), atol=1e-25)
    assert r.values[0] == 1.0 and abs(r.values[1]) < 1e-55


# ------------------------------------------------- what the oracle cannot check (item 9)


def test_a_function_returning_float64_is_not_certified():
    # Issue 13 item 9: np.exp(float(x)) returned a float64 at both precisions, which
    # "agreed" exactly; it was certified with infinite agreement.
    with pytest.warns(RuntimeWarning, match="fixed-precision floats.*not certified"):
        r = mp_evaluate(lambda x: np.exp(float(x)), [0.1, 0.7])
    assert not r.rounding_certified.any()
    assert np.isnan(r.rel_disagreement).all() and np.isnan(r.agreement_digits)
    with pytest.warns(RuntimeWarning, match="fixed-precision floats"):
        r = two_precision(lambda k: [mpmath.mpf(1) / 3, 0.25 * k], [1, 2])
    assert r.rounding_certified[:, 0].all() and not r.rounding_certified[:, 1].any()


def test_an_mpf_wrapped_float64_function_is_caught_by_the_probe():
    with pytest.warns(RuntimeWarning, match="evaluates in float64"):
        r = mp_evaluate(lambda x: mpmath.mpf(math.exp(float(x))), [0.1, 0.7, -2.5])
    assert not r.rounding_certified.any() and np.isnan(r.agreement_digits)


def test_exact_mpmath_functions_stay_certified():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # values exact at both precisions, but the function sees every bit of x
        r = mp_evaluate(lambda x: 2 * x, [0.1, 0.7])
        assert r.rounding_certified.all() and r.values.tolist() == [0.2, 1.4]
        assert mp_evaluate(mpmath.exp, [0.0]).rounding_certified.all()
        assert mp_evaluate(mpmath.exp, [0.0, 1.0]).rounding_certified.all()


def test_mp_barycentric_refuses_repeated_nodes_and_zero_weights():
    with pytest.raises(ValueError, match="`nodes` must be distinct"):
        mp_barycentric([0.5], [0.0, 0.0, 1.0], [1.0, 1.0, 1.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"`weights\[1\]` is zero"):
        mp_barycentric([0.5], [0.0, 0.5, 1.0], [1.0, 0.0, 1.0], [1.0, 2.0, 3.0])
