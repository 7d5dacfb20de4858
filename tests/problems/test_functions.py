"""Tests of numlearn.problems.functions: the 1-D target registry."""

import dataclasses
import math

import mpmath
import numpy as np
import pytest

from numlearn import EPS
from numlearn.precision import max_abs, mp_evaluate
from numlearn.problems import CATEGORIES, TARGETS, TargetFunction, get_target
from numlearn.reference import load_reference


def test_registry_size_and_categories():
    assert 6 <= len(TARGETS) <= 8
    assert {t.category for t in TARGETS.values()} == set(CATEGORIES)
    for name, t in TARGETS.items():
        assert t.name == name
        a, b = t.domain
        assert isinstance(a, float) and isinstance(b, float) and a < b
        assert t.rho > 1.0
        assert t.description and t.latex


def test_get_target_unknown_lists_names():
    assert get_target("runge") is TARGETS["runge"]
    with pytest.raises(KeyError, match=r"available: .*runge"):
        get_target("no_such_function")


def test_frozen_and_validated():
    t = get_target("exp")
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.name = "other"  # type: ignore[misc]
    with pytest.raises(ValueError, match="category"):
        TargetFunction("x", np.exp, mpmath.exp, (-1.0, 1.0), "smooth", "", "")


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_numpy_matches_mpmath(name):
    t = get_target(name)
    a, b = t.domain
    x = np.random.default_rng(1234).uniform(a, b, 500)
    exact = mp_evaluate(t, x).values
    # float64 evaluation of a few operations: the worst case is sin(50x), whose argument
    # 50x carries an absolute rounding error up to 50 |x| eps/2 = 25 eps; 64 eps of
    # max|f| leaves room for the rest (tanh, sqrt, division: a few eps each).
    assert max_abs(exact, t(x)) <= 64 * EPS * np.max(np.abs(exact))


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_mpmath_func_any_precision_and_no_global_change(name):
    t = get_target(name)
    x = mpmath.mpf(0.375) * (t.domain[1] - t.domain[0]) + t.domain[0]
    before = mpmath.mp.dps
    with mpmath.workdps(20):
        v20 = t.mpmath_func(x)
    with mpmath.workdps(120):
        v120 = t.mpmath_func(x)
    assert mpmath.mp.dps == before
    with mpmath.workdps(120):
        assert abs(v20 - v120) <= mpmath.mpf(10) ** -18 * abs(v120)


@pytest.mark.parametrize("name", [n for n, t in TARGETS.items() if math.isfinite(t.rho)])
def test_rho_matches_coefficient_decay(name):
    # The documented Bernstein parameter predicts |a_k| ~ rho^-k: compare with the decay
    # of the stored coefficients' envelope between k = K/2 and K.  2% allows for the
    # algebraic factor (k^-3/2 for the square-root branch point).
    t = get_target(name)
    a = np.abs(load_reference(name).coefficients_float64)
    k1, k2 = (len(a) - 1) // 2, len(a) - 1
    e1, e2 = a[k1 - 4 : k1 + 1].max(), a[k2 - 4 : k2 + 1].max()
    observed = math.exp(math.log(e1 / e2) / (k2 - k1))
    assert observed == pytest.approx(t.rho, rel=0.02)


def test_call_converts_input():
    t = get_target("runge")
    assert t(0.0) == 1.0
    np.testing.assert_array_equal(t([0, 0]), [1.0, 1.0])


def test_interpolation_problem_speaks_the_harness_protocol():
    from numlearn.problems import InterpolationProblem
    from numlearn.problems.protocol import HarnessProblem

    p = InterpolationProblem(get_target("runge"), 16, grid_size=10)
    assert isinstance(p, HarnessProblem)
    assert p.name == "runge/n=16" and p.grid_name == "uniform10+ends(seed=20261123)"
    x = p.grid
    assert x.shape == (12,) and x[0] == -1.0 and x[-1] == 1.0 and np.all(np.diff(x) > 0)
    # the truth is the oracle's, not the float64 implementation's
    np.testing.assert_array_equal(p.truth(), mp_evaluate(get_target("runge"), x).values)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_call_refuses_points_outside_the_domain(name):
    # Issue 13 item 10: near_pole was inf at 1.05, near_branch NaN beyond 1.01.
    t = get_target(name)
    a, b = t.domain
    for x in (a - 0.5 * (b - a), b + 0.01 * (b - a), [a, b, b + 1.0]):
        with pytest.raises(ValueError, match="`x` must lie in the domain"):
            t(x)
    # the closed domain, and a rounding beyond its ends, are accepted
    x = np.array([a, np.nextafter(a, -np.inf), b, np.nextafter(b, np.inf)])
    assert np.all(np.isfinite(t(x)))
    # the raw formula still evaluates anywhere (documented)
    assert np.isfinite(t.numpy_func(np.array([a - 0.5 * (b - a)]))).all() or name in (
        "near_branch",)
