"""Tests of numlearn.testing.assertions: they pass good input and explain bad input."""

import math
import re

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from numlearn import EPS
from numlearn.testing import (
    SeriesCase,
    assert_close_to_oracle,
    assert_ulp_close,
)

# ---------------------------------------------------------------------- assertions


@given(st.floats(-1e300, 1e300), st.integers(1, 40), st.booleans())
def test_assert_ulp_close_counts_nextafter_steps(x, k, up):
    y = x
    for _ in range(k):
        y = np.nextafter(y, np.inf if up else -np.inf)
    assert_ulp_close(y, x, k)
    with pytest.raises(AssertionError, match=f"{k} ULP apart"):
        assert_ulp_close(y, x, k - 1)


def test_assert_ulp_close_special_values():
    tiny = 5e-324
    assert_ulp_close([-0.0, -tiny, np.inf, np.nan], [0.0, tiny, np.inf, np.nan], 2)
    with pytest.raises(AssertionError, match="2 ULP apart"):
        assert_ulp_close(-tiny, tiny, 1)  # across zero: -tiny, 0, tiny
    one32 = np.float32(1.0)
    assert_ulp_close(one32, np.nextafter(one32, np.float32(2)), 1)  # float32 ulps
    with pytest.raises(AssertionError, match="index 1"):
        assert_ulp_close([1.0, np.nan], [1.0, 1.0], 1000)
    with pytest.raises(AssertionError, match=r"index \(1, 2\)"):
        assert_ulp_close(np.ones((2, 1)), [[1.0, 1.0, 1.0], [1.0, 1.0, 2.0]], 0)


def test_assert_ulp_close_passes_and_fails():
    x = np.linspace(1.0, 2.0, 7)
    y = x.copy()
    y[4] = np.nextafter(np.nextafter(y[4], 3.0), 3.0)  # 2 ulps off
    assert_ulp_close(x, x, 0)
    assert_ulp_close(x, y, 2)
    with pytest.raises(AssertionError) as info:
        assert_ulp_close(x, y, 1)
    msg = str(info.value)
    assert "1 of 7 elements" in msg and "index 4" in msg and "2 ULP apart" in msg
    assert repr(float(x[4])) in msg and repr(float(y[4])) in msg
    with pytest.raises(ValueError, match="max_ulp"):
        assert_ulp_close(x, x, -1)


def test_assert_close_to_oracle_passes_good_input():
    x = np.linspace(-2.0, 2.0, 11)
    # numpy's exp is faithfully rounded or better: within 1 ulp of the exact value.
    assert_close_to_oracle(np.exp(x), x, mpmath.exp, ulp=1)
    assert_close_to_oracle(np.exp(x), x, mpmath.exp, rtol=2 * EPS)
    f = SeriesCase([0.5, -0.25, 0.125, 1e-3])
    assert_close_to_oracle(f(x / 2), x / 2, f.mp_eval, atol=4 * EPS * f.abs_sum)
    # Complex output: compared in absolute/relative error.
    assert_close_to_oracle(np.exp(1j * x), x, lambda t: mpmath.exp(1j * t), rtol=4 * EPS)


def test_assert_close_to_oracle_reports_worst_point():
    x = np.linspace(0.0, 1.0, 9)
    actual = np.exp(x)
    actual[3] *= 1 + 1e-12
    actual[6] *= 1 + 1e-13
    with pytest.raises(AssertionError) as info:
        assert_close_to_oracle(actual, x, mpmath.exp, rtol=1e-14)
    msg = str(info.value)
    assert "2 of 9 points" in msg
    assert f"index 3, x = {float(x[3])!r}" in msg
    assert f"actual   = {float(actual[3])!r}" in msg
    assert f"expected = {float(np.exp(x[3]))!r}" in msg  # np.exp(0.375) is correctly rounded
    rel = float(re.search(r"rel ([0-9.e+-]+)", msg).group(1))
    assert math.isclose(rel, 1e-12, rel_tol=1e-3)
    assert "rtol=1e-14" in msg


def test_assert_close_to_oracle_tolerances_are_alternatives():
    # Near a zero of f, ULPs are meaningless; an atol lets the point pass.
    x = np.array([0.5, 0.75])
    actual = np.array([1e-20, 0.25])
    f_mp = lambda t: t - mpmath.mpf(0.5)  # noqa: E731
    with pytest.raises(AssertionError, match="index 0"):
        assert_close_to_oracle(actual, x, f_mp, ulp=4)
    assert_close_to_oracle(actual, x, f_mp, ulp=4, atol=1e-18)
    # Infinities and NaNs that match pass; a NaN that does not, fails.
    assert_close_to_oracle(np.array([np.inf]), np.array([1e6]), mpmath.exp, ulp=0)
    with pytest.raises(AssertionError, match="actual   = nan"):
        assert_close_to_oracle(np.array([np.nan]), np.array([1.0]), mpmath.exp, atol=1.0)


def test_assert_close_to_oracle_rejects_bad_calls():
    x = np.zeros(3)
    with pytest.raises(ValueError, match="at least one tolerance"):
        assert_close_to_oracle(x, x, mpmath.exp)
    with pytest.raises(ValueError, match="shape"):
        assert_close_to_oracle(x[:2], x, mpmath.exp, ulp=1)
    with pytest.raises(ValueError, match="rtol"):
        assert_close_to_oracle(x, x, mpmath.exp, rtol=-1.0)
