"""Floater-Hormann interpolation against independent oracles: the blended form of
Floater & Hormann (2007, eq. (2)) in mpmath, SciPy's FloaterHormannInterpolator (a
second implementation), the closed-form weights of equispaced nodes, polynomial
interpolation at d = n, the O(h^(d+1)) rate on Runge's function, and no real poles."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.interpolate import FloaterHormannInterpolator

from numlearn._core.validation import EPS
from numlearn.classical.barycentric import barycentric_weights
from numlearn.classical.rational.floater_hormann import (
    floater_hormann,
    floater_hormann_weights,
)
from numlearn.classical.rational.form import BarycentricRational


def _runge(x):
    return 1.0 / (1.0 + 25.0 * x**2)


def _blended_mp(x, f, d, t, dps):
    """r(t) = sum_i lambda_i(t) p_i(t) / sum_i lambda_i(t), each p_i the Lagrange
    polynomial through nodes i..i+d, in mpmath at ``dps`` digits (the paper's
    definition, not the barycentric weights)."""
    with mpmath.workdps(dps):
        xs = [mpmath.mpf(float(v)) for v in x]
        fs = [mpmath.mpf(float(v)) for v in f]
        tt = mpmath.mpf(float(t))
        n = len(xs) - 1
        num = den = mpmath.mpf(0)
        for i in range(n - d + 1):
            idx = range(i, i + d + 1)
            lam = (-1) ** i / mpmath.fprod(tt - xs[j] for j in idx)
            p = mpmath.fsum(
                fs[k] * mpmath.fprod((tt - xs[j]) / (xs[k] - xs[j]) for j in idx if j != k)
                for k in idx)
            num += lam * p
            den += lam
        return num / den


class TestWeights:
    @pytest.mark.parametrize(("n", "d"), [(10, 3), (100, 8), (1000, 3), (40, 0), (40, 40)])
    def test_match_scipy(self, n, d):
        x = np.sort(np.random.default_rng(n + d).uniform(-1, 1, n + 1))
        w = floater_hormann_weights(x, d)
        ws = FloaterHormannInterpolator(x, np.ones_like(x), d=d).weights
        ws = ws / np.abs(ws).max()
        # log-sum-exp products: relative error ~ (d + 1) terms of a few eps each
        np.testing.assert_allclose(w, ws, rtol=0, atol=16 * (d + 2) * EPS)

    def test_equispaced_closed_form(self):
        # |w_k| proportional to sum_{i in J_k} binom(d, k - i) on equispaced nodes
        # (Floater & Hormann 2007, Sec. 4): d = 3 gives 1, 4, 7, 8, 8, ..., 8, 7, 4, 1.
        x = np.linspace(0.0, 1.0, 12)
        expect = np.array([1, 4, 7, 8, 8, 8, 8, 8, 8, 7, 4, 1]) * (-1.0) ** (np.arange(12) + 1)
        np.testing.assert_allclose(floater_hormann_weights(x, 3), expect / 8, atol=8 * EPS)

    def test_berrut_d0(self):
        x = np.sort(np.random.default_rng(3).uniform(0, 5, 9))
        np.testing.assert_array_equal(floater_hormann_weights(x, 0), (-1.0) ** np.arange(9))

    def test_d_equals_n_is_polynomial(self):
        x = np.cos(np.linspace(0, np.pi, 25))[::-1]
        w = floater_hormann_weights(x, 24)
        wp = barycentric_weights(x)
        np.testing.assert_allclose(w / w[0], wp / wp[0], rtol=64 * EPS * 25)

    def test_unsorted_nodes_keep_order(self):
        x = np.array([0.3, -1.0, 2.0, 0.9, -0.2, 1.4])
        order = np.argsort(x)
        w_sorted = floater_hormann_weights(x[order], 2)
        np.testing.assert_array_equal(floater_hormann_weights(x, 2)[order], w_sorted)

    def test_large_d_no_overflow(self):
        # d = n = 400: the products span far more than the float64 range
        x = np.linspace(-1, 1, 401)
        w = floater_hormann_weights(x, 400)
        assert np.all(np.isfinite(w)) and np.abs(w).max() == 1.0


class TestInterpolant:
    def test_returns_barycentric_rational_and_interpolates(self):
        x = np.linspace(-1, 1, 21)
        r = floater_hormann(x, _runge(x), d=3)
        assert isinstance(r, BarycentricRational)
        np.testing.assert_array_equal(r(x), _runge(x))

    @pytest.mark.parametrize("d", [0, 1, 3, 5])
    def test_blended_form_mpmath(self, d):
        # Oracle: the paper's blended form in mpmath at 30 and 40 digits (agreeing).
        x = np.linspace(-1, 1, 13)
        f = np.exp(x) * np.sin(3 * x)
        r = floater_hormann(x, f, d=d)
        t = np.array([-0.97, -0.55, -0.013, 0.31, 0.777, 0.999])
        ref30 = np.array([float(_blended_mp(x, f, d, v, 30)) for v in t])
        ref40 = np.array([float(_blended_mp(x, f, d, v, 40)) for v in t])
        np.testing.assert_array_equal(ref30, ref40)
        # second barycentric formula: error ~ Lebesgue(small for d <= 5) * eps * max|f|
        np.testing.assert_allclose(r(t), ref30, rtol=0, atol=64 * EPS * np.abs(f).max())

    @pytest.mark.parametrize("d", [1, 3, 6])
    def test_values_match_scipy(self, d):
        x = np.linspace(-5, 5, 81)
        f = 1 / (1 + x**2)
        xx = np.linspace(-5, 5, 2001)
        ours = floater_hormann(x, f, d=d)(xx)
        theirs = FloaterHormannInterpolator(x, f, d=d)(xx)
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=64 * EPS)

    @pytest.mark.parametrize("d", [1, 3, 5])
    def test_convergence_order_runge(self, d):
        # Floater & Hormann 2007, Thm. 2: O(h^(d+1)) for f in C^(d+2).  Measured
        # slopes (doubling n from 100 to 400): 2.00, 4.04, 6.10.
        xx = np.linspace(-1, 1, 4001)
        errs = []
        for n in (100, 200, 400):
            x = np.linspace(-1, 1, n + 1)
            errs.append(np.abs(floater_hormann(x, _runge(x), d=d)(xx) - _runge(xx)).max())
        slopes = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
        np.testing.assert_allclose(slopes, d + 1, atol=0.25)

    @pytest.mark.parametrize("d", [0, 1, 2, 3, 4, 7])
    def test_no_real_poles(self, d):
        # Thm. 1: the denominator has no real zero, whatever the data.
        rng = np.random.default_rng(10 + d)
        x = np.sort(rng.uniform(-1, 1, 30))
        r = floater_hormann(x, rng.standard_normal(30), d=d)
        p = r.poles()
        assert p.size > 0 or d == 29
        assert np.all(np.abs(p.imag) > 1e-6 * np.abs(p).max())
        # and the denominator keeps the sign pattern between the nodes
        mid = 0.5 * (x[1:] + x[:-1])
        den = (r.weights / (mid[:, None] - r.nodes)).sum(axis=1)
        assert np.all(np.sign(den[1:]) == -np.sign(den[:-1]))

    def test_vector_valued(self):
        x = np.linspace(0, 2, 30)
        F = np.column_stack([np.sin(x), np.cos(x), np.exp(-x)])
        r = floater_hormann(x, F, d=4)
        xx = np.linspace(0, 2, 77)
        out = r(xx)
        assert out.shape == (77, 3)
        for k in range(3):
            np.testing.assert_allclose(out[:, k], floater_hormann(x, F[:, k], d=4)(xx),
                                       rtol=0, atol=4 * EPS)

    def test_complex_values_linear(self):
        # The interpolant is linear in the data: r[cos + i sin] = r[cos] + i r[sin].
        x = np.linspace(0, 1, 20)
        xx = np.linspace(0, 1, 101)
        r = floater_hormann(x, np.exp(1j * x), d=3)(xx)
        re = floater_hormann(x, np.cos(x), d=3)(xx)
        im = floater_hormann(x, np.sin(x), d=3)(xx)
        assert r.dtype == np.complex128
        np.testing.assert_allclose(r, re + 1j * im, rtol=0, atol=8 * EPS)

    def test_unsorted_input_same_interpolant(self):
        rng = np.random.default_rng(5)
        x = rng.permutation(np.linspace(-1, 1, 31))
        r = floater_hormann(x, np.tanh(4 * x), d=3)
        xs = np.sort(x)
        r2 = floater_hormann(xs, np.tanh(4 * xs), d=3)
        xx = np.linspace(-1, 1, 301)
        np.testing.assert_array_equal(r(xx), r2(xx))


@given(n=st.integers(2, 60), d=st.integers(0, 8), seed=st.integers(0, 2**31 - 1))
def test_property_interpolates_without_real_poles(n, d, seed):
    d = min(d, n - 1)
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1, 1, n))
    assume(np.min(np.diff(x)) > 1e-6)
    f = rng.standard_normal(n)
    r = floater_hormann(x, f, d=d)
    np.testing.assert_array_equal(r(x), f)
    # the denominator alternates in sign between consecutive nodes (no real zero)
    mid = 0.5 * (x[1:] + x[:-1])
    den = (r.weights / (mid[:, None] - r.nodes)).sum(axis=1)
    assert np.all(np.sign(den[1:]) == -np.sign(den[:-1]))
