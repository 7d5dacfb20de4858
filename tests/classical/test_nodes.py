"""Nodes and closed-form weights against mpmath and the defining formulas."""

import mpmath
import numpy as np
import pytest

from numlearn import EPS, IllConditionedWarning
from numlearn.classical import (
    barycentric_eval,
    barycentric_weights,
    chebyshev_points,
    chebyshev_weights,
    equispaced_points,
    equispaced_weights,
    fourier_points,
    legendre_points,
    legendre_weights,
)
from numlearn.classical._legendre import _stieltjes_constant, gauss_legendre
from numlearn.classical.nodes import MAX_ARRAY_BYTES


@pytest.mark.parametrize("kind", [1, 2])
@pytest.mark.parametrize("n", [1, 2, 3, 10, 257])
def test_chebyshev_points_match_mpmath(n, kind):
    x = chebyshev_points(n, kind)
    with mpmath.workdps(40):
        if n == 1:
            exact = [mpmath.mpf(0)]
        elif kind == 2:
            exact = [-mpmath.cos(j * mpmath.pi / (n - 1)) for j in range(n)]
        else:
            exact = [-mpmath.cos((2 * j + 1) * mpmath.pi / (2 * n)) for j in range(n)]
        err = max(abs(mpmath.mpf(float(a)) - b) for a, b in zip(x, exact, strict=True))
    # One rounding of sin(...) of a correctly computed angle: <= 1 ulp of 1.
    assert err <= EPS
    assert np.all(np.diff(x) > 0)
    np.testing.assert_array_equal(x, -x[::-1])  # exact symmetry from the sine form


def test_chebyshev_points_domain_endpoints_exact():
    x = chebyshev_points(9, 2, domain=(0.1, 2.7))
    assert x[0] == 0.1 and x[-1] == 2.7


@pytest.mark.parametrize(
    ("func", "args"),
    [(chebyshev_points, (0,)), (chebyshev_points, (5, 3)), (chebyshev_points, (2.5,)),
     (fourier_points, (-1,)), (chebyshev_points, (5, 2, (1.0, 1.0))),
     (chebyshev_points, (5, 2, (0.0, np.inf)))],
)
def test_nodes_bad_input(func, args):
    with pytest.raises((ValueError, TypeError)):
        func(*args)


@pytest.mark.parametrize("kind", [1, 2])
@pytest.mark.parametrize("n", [2, 3, 5, 9, 16])
def test_closed_form_weights_match_general(n, kind):
    """The O(n^2) general weights agree with the closed forms to 1e-14 relative.

    For these n the rounded Chebyshev points are close enough to the exact ones that
    the weights of the floating-point nodes differ from the closed form by less than
    1e-14 relative; from n ~ 30 on the node rounding alone moves the exact weights
    of the floating-point nodes by more (see the next test)."""
    w = chebyshev_weights(n, kind)
    wg = barycentric_weights(chebyshev_points(n, kind))
    assert np.max(np.abs(wg - w)) / np.max(np.abs(w)) <= 1e-14


@pytest.mark.parametrize("n", [33, 256, 1024])
def test_general_weights_large_n_within_node_perturbation_bound(n):
    """At large n the exact weights of the *rounded* Chebyshev points differ from the
    closed form: w_j = 1/prod(x_j - x_k) moves by sum_k |dx_j - dx_k|/|x_j - x_k|
    relative when the nodes move by dx (half an ulp each).  Near the ends the spacing
    is ~ 5/n^2, so this is ~1e-11 at n = 1024.  The general weights must agree with
    the closed form within that first-order bound (times 2 for the second order),
    plus the bound at the node used for normalisation, plus n eps for the rounding of
    the n - 1 products."""
    x = chebyshev_points(n)
    w = chebyshev_weights(n)
    wg = barycentric_weights(x)
    dx = 0.5 * np.spacing(np.abs(x))
    diff = np.abs(x[:, None] - x[None, :])
    np.fill_diagonal(diff, np.inf)
    bound = ((dx[:, None] + dx[None, :]) / diff).sum(axis=1)
    # Compare with the common factor fixed at node 0 (whose own error enters all).
    rel = np.abs(wg / wg[0] * w[0] - w) / np.abs(w)
    assert np.all(rel <= 2 * (bound + bound[0]) + 2 * n * EPS)


# 200 random nodes: interpolation is ill-conditioned, the weights themselves are not.
@pytest.mark.filterwarnings("ignore::numlearn.IllConditionedWarning")
def test_general_weights_against_mpmath():
    """Weights of the floating-point nodes, to n*eps relative, at n in the hundreds."""
    rng = np.random.default_rng(11)
    x = np.sort(rng.uniform(-3, 5, 200))
    w = barycentric_weights(x)
    with mpmath.workdps(50):
        xm = [mpmath.mpf(float(v)) for v in x]
        exact = []
        for j in range(x.size):
            p = mpmath.mpf(1)
            for k in range(x.size):
                if k != j:
                    p *= xm[j] - xm[k]
            exact.append(1 / p)
        scale = exact[0] / mpmath.mpf(float(w[0]))
        rel = max(
            abs(mpmath.mpf(float(a)) * scale - b) / abs(b)
            for a, b in zip(w, exact, strict=True)
        )
    # Each weight is a product of n-1 factors, each with one rounding: <= n eps.
    assert rel <= x.size * EPS


def test_weights_no_overflow_thousands_of_nodes():
    # 3000 Chebyshev points on [-100, 100]: products of 2999 differences up to 200
    # overflow float64 by far; the scaled products give the closed form.
    n = 3000
    w = barycentric_weights(chebyshev_points(n, domain=(-100.0, 100.0)))
    assert np.all(np.isfinite(w)) and w[0] > 0
    # relative 1e-9: the node-rounding bound of the previous test at n = 3000
    np.testing.assert_allclose(w, chebyshev_weights(n), rtol=1e-9, atol=0)
    # Nearly equispaced: weights span 2^3000, the small ones underflow to 0 but
    # nothing is NaN or inf, the largest is 1, and signs alternate where nonzero.
    x = np.linspace(-100, 100, n) + 1e-3 * np.sin(np.arange(n))
    with pytest.warns(IllConditionedWarning, match="underflow"):
        w = barycentric_weights(x)
    assert np.all(np.isfinite(w)) and np.max(np.abs(w)) == 1.0
    nz = np.flatnonzero(w)
    assert np.all(np.sign(w[nz]) == np.where(nz % 2 == 0, 1.0, -1.0))


def test_equispaced_and_legendre_weights():
    for n in (3, 12, 30):
        wg = barycentric_weights(equispaced_points(n))
        np.testing.assert_allclose(wg, equispaced_weights(n), rtol=n * EPS * 8, atol=0)
        wl = barycentric_weights(legendre_points(n))
        # Legendre weights come from scipy's quadrature weights (accurate to a few
        # eps each) through a square root.
        np.testing.assert_allclose(wl, legendre_weights(n), rtol=50 * n * EPS, atol=0)


def _mp_legendre_roots(n, guesses, dps):
    """Roots of P_n (Newton in mpmath from the float guesses) and their quadrature
    weights 2 / ((1 - x^2) P_n'(x)^2): the oracle, independent of our recurrence and
    asymptotic formulas."""
    xs, ws = [], []
    with mpmath.workdps(dps):
        for g in guesses:
            x = mpmath.mpf(float(g))
            for _ in range(4):
                p, q = mpmath.legendre(n, x), mpmath.legendre(n - 1, x)
                x -= p / (n * (x * p - q) / (x * x - 1))
            p, q = mpmath.legendre(n, x), mpmath.legendre(n - 1, x)
            dp = n * (x * p - q) / (x * x - 1)
            xs.append(x)
            ws.append(2 / ((1 - x * x) * dp * dp))
    return xs, ws


def _legendre_sample(n, seed):
    """Node indices: the ends (recurrence and the switch to the expansion at node 8),
    the middle, and random interior nodes."""
    rng = np.random.default_rng(seed)
    return np.unique(np.r_[np.arange(12), np.arange(n - 12, n),
                           np.arange(n // 2 - 2, n // 2 + 2), rng.integers(0, n, 12)])


@pytest.mark.parametrize("n", [2, 3, 7, 64, 100, 101, 300, 1000,
                               pytest.param(5000, marks=pytest.mark.slow)])
def test_gauss_legendre_against_mpmath(n):
    """Nodes to 2 eps absolute, quadrature weights to 10 eps relative (the issue:
    scipy's weights were off by up to 1e-10 relative at the end nodes).  Error budget:
    the angle carries a few roundings (the expansion sums O(1) terms with relative
    rounding each, the recurrence runs in double-double), cos(theta) one more; the
    weight 2 / (C_n S')^2 about 6 roundings."""
    x, lam, _ = gauss_legendre(n)
    idx = _legendre_sample(n, n) if n > 30 else np.arange(n)
    xs, ws = _mp_legendre_roots(n, x[idx], 34)
    xs2, ws2 = _mp_legendre_roots(n, x[idx], 50)
    assert max(abs(a - b) for a, b in zip(xs, xs2, strict=True)) < 1e-25
    assert max(abs((a - b) / b) for a, b in zip(ws, ws2, strict=True)) < 1e-25
    node_err = max(abs(mpmath.mpf(float(a)) - b) for a, b in zip(x[idx], xs2, strict=True))
    weight_err = max(abs((mpmath.mpf(float(a)) - b) / b)
                     for a, b in zip(lam[idx], ws2, strict=True))
    assert node_err <= 2 * EPS
    assert weight_err <= 10 * EPS


@pytest.mark.parametrize("n", [1, 2, 5, 100, 101, 1000, 1001])
def test_gauss_legendre_symmetry_and_sum(n):
    x, lam, v = gauss_legendre(n)
    np.testing.assert_array_equal(x, -x[::-1])
    np.testing.assert_array_equal(lam, lam[::-1])
    np.testing.assert_array_equal(np.abs(v), np.abs(v[::-1]))
    assert np.all(np.diff(x) > 0) and np.max(np.abs(v)) == 1.0
    assert np.all(np.sign(v) == np.where(np.arange(n) % 2 == 0, 1.0, -1.0))
    if n % 2:
        assert x[n // 2] == 0.0
    # the weights integrate constants: sum 2 to the rounding of the sum
    assert abs(lam.sum() - 2.0) <= 4 * EPS
    np.testing.assert_array_equal(legendre_points(n), x)
    np.testing.assert_array_equal(legendre_weights(n), v)


def test_legendre_weights_against_mpmath_barycentric():
    """Barycentric weights sin(theta)/|dP/dtheta| against the mpmath roots, relative
    to 8 eps (normalised at the largest weight, which carries its own error)."""
    n = 1000
    x, _, v = gauss_legendre(n)
    idx = _legendre_sample(n, 7)
    xs, ws = _mp_legendre_roots(n, x[idx], 34)
    with mpmath.workdps(34):
        # |v_j| proportional to sqrt((1 - x_j^2) lam_j) at the exact roots; the
        # largest is at the middle, which the sample contains
        exact = [mpmath.sqrt((1 - r * r) * w) for r, w in zip(xs, ws, strict=True)]
        top = max(exact)
        rel = max(abs(abs(mpmath.mpf(float(v[j]))) - e / top) / (e / top)
                  for j, e in zip(idx, exact, strict=True))
    assert rel <= 8 * EPS


def test_legendre_interpolation_reproducer():
    """Issue 13: interpolating at 251..1024 Legendre points erred by 7e-14..1.5e-13
    with the weights from scipy's quadrature weights; with weights accurate to a few
    eps the error is the interpolation's rounding level, ~Lebesgue constant * eps
    (the Lebesgue constant of Legendre points is O(sqrt(n)): <= 50 here)."""
    rng = np.random.default_rng(13)
    xe = rng.uniform(-1.0, 1.0, 1000)
    fe = np.exp(xe) * np.cos(3 * xe)
    for n in (251, 512, 1024):
        x = legendre_points(n)
        err = np.max(np.abs(barycentric_eval(x, legendre_weights(n), np.exp(x) * np.cos(3 * x),
                                             xe) - fe))
        assert err <= 50 * EPS * 3.0  # max |f| <= e


def test_stieltjes_constant_against_mpmath():
    for n in (101, 1000, 12345, 10**6):
        with mpmath.workdps(40):
            exact = 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(
                mpmath.loggamma(n + 1) - mpmath.loggamma(mpmath.mpf(n) + 1.5))
            assert abs((_stieltjes_constant(n) - exact) / exact) <= 2 * EPS


@pytest.mark.parametrize("func", [chebyshev_points, equispaced_points, legendre_points,
                                  fourier_points])
def test_points_far_from_zero_round_together_refused(func):
    # 2000 ulps wide passes check_domain, but 5000 points cannot be distinct on it
    a = 1e6
    dom = (a, a + 2000 * np.spacing(a))
    with pytest.raises(ValueError, match="`domain`"):
        func(5000, domain=dom)
    assert np.all(np.diff(func(5, domain=dom)) > 0)  # few points fit


def test_huge_n_refused_before_allocation():
    # chebyshev_points(2**63) returned an empty array (issue 13, item 14)
    for func in (chebyshev_points, chebyshev_weights, legendre_points, legendre_weights,
                 equispaced_points, equispaced_weights, fourier_points):
        with pytest.raises(ValueError, match=r"`n`.*MAX_ARRAY_BYTES"):
            func(2**63)
        with pytest.raises(ValueError, match="`n`"):
            func(MAX_ARRAY_BYTES // 8 + 1)


def test_fourier_points():
    x = fourier_points(8, (0.0, 1.0))
    np.testing.assert_array_equal(x, np.arange(8) / 8)
