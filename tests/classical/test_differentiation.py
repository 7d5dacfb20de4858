"""Differentiation matrices: exact on polynomials to eps * ||D^(k)|| tolerances."""

import math

import mpmath
import numpy as np
import pytest

from numlearn import EPS
from numlearn.classical import (
    BarycentricInterpolator,
    barycentric_diffmat,
    barycentric_weights,
    chebyshev_diffmat,
    chebyshev_points,
    chebyshev_weights,
    derivative_values,
    fourier_diffmat,
    fourier_points,
    interpolant_derivative,
    legendre_points,
    legendre_weights,
)

P = np.polynomial.Polynomial


def _poly_and_derivs(n, k, seed):
    rng = np.random.default_rng(seed)
    p = P(rng.standard_normal(n))  # degree n - 1: exactly representable on n nodes
    return p, p.deriv(k)


def _tol(d, f, k, n):
    """Rounding bound for D @ f: the node values carry one rounding each and the
    product sums n terms, so |error| <= (n + 2) eps * (|D| @ |f|) entrywise; we allow
    a factor 10 above that first-order bound (the entries of D themselves carry a
    few roundings from the recursion, one more per order k)."""
    return 10 * (n + 2 + 4 * k) * EPS * (np.abs(d) @ np.abs(f))


@pytest.mark.parametrize("kind", [1, 2])
@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("n", [8, 33, 128])
def test_chebyshev_diffmat_exact_on_polynomials(n, k, kind):
    x = chebyshev_points(n, kind)
    p, dp = _poly_and_derivs(n, k, seed=n + k)
    d = chebyshev_diffmat(n, k, kind=kind)
    f = p(x)
    err = np.abs(d @ f - dp(x))
    assert np.all(err <= _tol(d, f, k, n) + 10 * EPS * np.abs(dp(x)))


def test_chebyshev_diffmat_error_scales_like_n_squared_first_order():
    """The issue's "eps * n^2-scaled" statement for first derivatives: on f = x^5 the
    max error stays below 4 eps n^2 ||f'||."""
    for n in (16, 64, 256, 512):
        x = chebyshev_points(n)
        err = np.max(np.abs(chebyshev_diffmat(n) @ x**5 - 5 * x**4))
        assert err <= 4 * EPS * n**2 * 5


def test_chebyshev_diffmat_matches_trefethen_cheb():
    """Trefethen's cheb(N) (Spectral Methods in MATLAB, p. 54), written out here with
    decreasing points x_j = cos(j pi / N): ours is its flip."""
    N = 10
    xs = np.cos(np.pi * np.arange(N + 1) / N)
    c = np.r_[2.0, np.ones(N - 1), 2.0] * (-1.0) ** np.arange(N + 1)
    X = np.tile(xs, (N + 1, 1)).T
    dX = X - X.T
    D = np.outer(c, 1 / c) / (dX + np.eye(N + 1))
    D -= np.diag(D.sum(axis=1))
    ours = chebyshev_diffmat(N + 1)[::-1, ::-1]
    np.testing.assert_allclose(ours, D, rtol=0, atol=100 * EPS * np.abs(D).max())


def test_chebyshev_diffmat_domain_scaling():
    n = 20
    x = chebyshev_points(n, domain=(2.0, 5.0))
    d = chebyshev_diffmat(n, 2, domain=(2.0, 5.0))
    np.testing.assert_allclose(d @ np.sin(x), -np.sin(x), atol=EPS * n**4)


# Random nodes have a large Lebesgue constant on purpose (the tolerance accounts for it).
@pytest.mark.filterwarnings("ignore::numlearn.IllConditionedWarning")
@pytest.mark.parametrize("k", [1, 2, 3])
def test_barycentric_diffmat_arbitrary_nodes(k):
    n = 25
    for x in (legendre_points(n), np.sort(np.random.default_rng(4).uniform(-1, 1, n))):
        p, dp = _poly_and_derivs(n, k, seed=k)
        d = barycentric_diffmat(x, k)
        # random nodes have a large Lebesgue constant: bound in terms of |D| @ |f|
        err = np.abs(d @ p(x) - dp(x))
        assert np.all(err <= _tol(d, p(x), k, n) + 10 * EPS * np.abs(dp(x)))


def test_barycentric_diffmat_rows_sum_to_zero_regression():
    # Regression window (40 eps max|D|), set on this implementation.  Theory: the
    # diagonal is minus the off-diagonal row sum, so a row sums to the rounding of
    # two sums of the same n terms in different orders, at most about
    # 2 (n - 1) eps sum_j |D_ij| <= 2 n (n - 1) eps max|D| (pairwise summation makes
    # it ~ log n in practice).
    x = chebyshev_points(40)
    for k in (1, 2):
        d = barycentric_diffmat(x, k, chebyshev_weights(40))
        # negative-sum trick: constants differentiate to ~0
        assert np.max(np.abs(d.sum(axis=1))) <= 40 * EPS * np.abs(d).max()
    np.testing.assert_array_equal(barycentric_diffmat(x, 0), np.eye(40))


@pytest.mark.parametrize("n", [15, 16])
@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_fourier_diffmat_exact_on_trig_polynomials(n, k):
    L = 3.0
    x = fourier_points(n, (0.0, L))
    om = 2 * np.pi / L
    f = np.sin(3 * om * x) + 0.5 * np.cos(5 * om * x)
    exact = [
        3 * om * np.cos(3 * om * x) - 2.5 * om * np.sin(5 * om * x),
        -9 * om**2 * np.sin(3 * om * x) - 12.5 * om**2 * np.cos(5 * om * x),
        -27 * om**3 * np.cos(3 * om * x) + 62.5 * om**3 * np.sin(5 * om * x),
        81 * om**4 * np.sin(3 * om * x) + 312.5 * om**4 * np.cos(5 * om * x),
    ][k - 1]
    d = fourier_diffmat(n, k, (0.0, L))
    # ||D^(k)|| ~ (om n / 2)^k; rounding error ~ n eps times that.
    assert np.max(np.abs(d @ f - exact)) <= 10 * n * EPS * (om * n / 2) ** k


def test_fourier_diffmat_odd_order_even_n_kills_nyquist_regression():
    # Regression window (50 eps), set on this implementation; theory bounds D f by
    # n eps sum_j |D_ij| |f_j| ~ 80 eps for n = 8 (|D_ij| <= cot(pi/8)/2 ~ 1.2).
    x = fourier_points(8)
    np.testing.assert_allclose(fourier_diffmat(8, 1) @ np.cos(4 * x), 0, atol=50 * EPS)


def test_derivative_values_and_interpolant_derivative():
    n = 60
    x = chebyshev_points(n)
    w = chebyshev_weights(n)
    f = np.stack([np.sin(2 * x), np.exp(x)], axis=1)
    d1 = derivative_values(x, w, f, 1)
    np.testing.assert_allclose(d1, np.stack([2 * np.cos(2 * x), np.exp(x)], axis=1),
                               atol=4 * EPS * n**2 * 2)
    xe = np.array([-0.3, 0.1, 0.95])
    d2 = interpolant_derivative(x, w, np.exp(x), xe, order=2)
    np.testing.assert_allclose(d2, np.exp(xe), atol=EPS * n**4)
    # agrees with the matrix formulation
    np.testing.assert_allclose(derivative_values(x, w, np.exp(x), 2),
                               chebyshev_diffmat(n, 2) @ np.exp(x), atol=EPS * n**4)


def test_derivative_of_complex_values():
    x = chebyshev_points(20)
    w = barycentric_weights(x)
    f = np.exp(1j * x)
    np.testing.assert_allclose(derivative_values(x, w, f), 1j * f, atol=4 * EPS * 400)


def test_bad_input():
    with pytest.raises(ValueError, match="order"):
        chebyshev_diffmat(10, -1)
    with pytest.raises(ValueError, match="distinct"):
        barycentric_diffmat([0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="kind"):
        chebyshev_diffmat(10, 1, kind=3)
    with pytest.raises(TypeError, match="integer"):
        fourier_diffmat(10.5)


@pytest.mark.parametrize("values", [
    lambda x: np.exp(x),                                  # real, 1-D
    lambda x: np.stack([np.sin(x), np.cos(x)], axis=1),  # real, 2-D
    lambda x: np.exp(1j * x),                             # complex
    lambda x: np.exp(x).astype(np.float32),              # float32 values
])
def test_derivative_values_order_past_degree_is_exact_zeros_at_once(values):
    # The interpolant on n nodes has degree n - 1, so every derivative of order >= n
    # is exactly zero; order 10**7 used to run 10**7 O(n^2) passes (issue 13, hang).
    x = chebyshev_points(12)
    w = chebyshev_weights(12)
    f = values(x)
    expected_dtype = derivative_values(x, w, f, 1).dtype
    for order in (12, 10**7, 10**18):
        d = derivative_values(x, w, f, order)
        assert d.shape == f.shape and d.dtype == expected_dtype
        assert not np.any(d)
    xe = np.array([-0.5, 0.25])
    assert not np.any(interpolant_derivative(x, w, f, xe, order=10**7))


def test_derivative_values_order_n_minus_1_is_still_computed():
    # The last nonzero derivative: x^(n-1) has (n-1)-th derivative (n-1)!.
    n = 8
    x = chebyshev_points(n)
    d = derivative_values(x, chebyshev_weights(n), x ** (n - 1), n - 1)
    np.testing.assert_allclose(d, math.factorial(n - 1), rtol=1e3 * EPS)


def test_interpolant_derivative_method_order_past_degree():
    x = chebyshev_points(10)
    p = BarycentricInterpolator(x, np.exp(x))
    dp = p.derivative(10**7)
    assert not np.any(dp.values)
    assert not np.any(dp(np.array([-0.3, 0.7])))


# --- exact symmetry (issue 13: D + flip(D) missed zero by ~4e-16) ---------------------


def _flip(d):
    return d[::-1, ::-1]


@pytest.mark.parametrize("kind", [1, 2])
@pytest.mark.parametrize("n", [2, 3, 4, 9, 10, 33, 64, 101])
@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_chebyshev_diffmat_exactly_symmetric(n, kind, k):
    d = chebyshev_diffmat(n, k, kind=kind, domain=(-3.0, 5.0))
    if k % 2:
        assert not np.any(d + _flip(d))  # exactly antisymmetric
    else:
        assert np.array_equal(d, _flip(d))  # exactly centro-symmetric
    if n % 2 and k % 2:
        assert d[n // 2, n // 2] == 0.0


def test_three_point_centre_entry_exactly_zero():
    # issue 13: the centre entry of the 3-point matrix was 1.1e-16
    for kind in (1, 2):
        assert chebyshev_diffmat(3, 1, kind=kind)[1, 1] == 0.0


@pytest.mark.parametrize("n", [3, 8, 25, 64])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_legendre_diffmat_exactly_symmetric(n, k):
    x = legendre_points(n)
    for d in (barycentric_diffmat(x, k), barycentric_diffmat(x, k, legendre_weights(n))):
        assert np.array_equal(d, (-1.0) ** k * _flip(d))


def _mp_diffmat(xs, k):
    """D^(k) = (D^(1))^k of the interpolant in the mp nodes xs (exact arithmetic
    identity for polynomial interpolation), weights from the nodes."""
    n = len(xs)
    w = [1 / mpmath.fprod(xs[j] - xs[m] for m in range(n) if m != j) for j in range(n)]
    d1 = mpmath.matrix(n, n)
    for i in range(n):
        for j in range(n):
            if i != j:
                d1[i, j] = (w[j] / w[i]) / (xs[i] - xs[j])
        d1[i, i] = -mpmath.fsum(d1[i, j] for j in range(n) if j != i)
    return np.array((d1**k).tolist(), dtype=float)


@pytest.mark.parametrize("kind", [1, 2])
@pytest.mark.parametrize("n", [9, 32, 33])
def test_chebyshev_diffmat_entries_against_mpmath(n, kind):
    """Row-wise relative error sum_j |D - D_exact|_ij / sum_j |D_exact|_ij against
    mpmath (40 digits).  Measured (docs/notes/legendre.md): <= 20 eps for k <= 3 at
    these n, 2-16 times below the former full-matrix construction; bound here
    (n + 4 k) eps, the first-order rounding bound of the recursion."""
    with mpmath.workdps(40):
        if kind == 2:
            xs = [-mpmath.cos(mpmath.pi * j / (n - 1)) for j in range(n)]
        else:
            xs = [-mpmath.cos(mpmath.pi * (2 * j + 1) / (2 * n)) for j in range(n)]
        for k in (1, 2, 3):
            exact = _mp_diffmat(xs, k)
            d = chebyshev_diffmat(n, k, kind=kind)
            rel = np.max(np.abs(d - exact).sum(axis=1) / np.abs(exact).sum(axis=1))
            assert rel <= (n + 4 * k) * EPS


def test_diffmat_order_past_degree_is_zero_at_once():
    # every derivative of order >= n of the degree n - 1 interpolant is exactly zero
    assert not np.any(chebyshev_diffmat(5, 10**9))
    assert not np.any(barycentric_diffmat(legendre_points(5), 10**9))


def test_diffmat_overflow_refused():
    with pytest.raises(ValueError, match="`order`"):
        chebyshev_diffmat(200, 150)
    with pytest.raises(ValueError, match="`domain`"):
        chebyshev_diffmat(5, 2, domain=(-1e308, 1e308))
    with pytest.raises(ValueError, match="`order`"):
        fourier_diffmat(64, 10**6)
