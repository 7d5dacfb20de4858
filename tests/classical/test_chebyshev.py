"""Tests for numlearn.classical.chebyshev against independent oracles.

Oracles: closed forms (Bessel coefficients of exp via mpmath, the Runge function's
geometric series, T_k itself), mpmath evaluation of the series at 40 digits,
numpy.polynomial.chebyshev, the explicit O(n^2) Clenshaw-Curtis formula, the test
vectors printed in Chebfun's standardChop.m, and the Chebfun adaptive lengths that
chebpy's test suite records.  Tolerances are multiples of eps = 2^-52 with the reason
beside each.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import mpmath
import numpy as np
import numpy.polynomial.chebyshev as npcheb
import pytest

from numlearn import EPS
from numlearn.classical._chebyshev_kernels import clenshaw_kernel
from numlearn.classical.adaptive import chebyshev_adaptive, chebyshev_interpolate, standard_chop
from numlearn.classical.chebyshev import (
    chebyshev_coefficients,
    chebyshev_derivative_coefficients,
    chebyshev_integral_coefficients,
    chebyshev_values,
    clenshaw,
    clenshaw_curtis,
    clenshaw_curtis_weights,
)
from numlearn.classical.nodes import chebyshev_points

EPS32 = np.finfo(np.float32).eps


def fft_tol(n: int, scale: float) -> float:
    # FFT-based transforms err by O(eps log2 n) relative to the data's size (Higham,
    # ASNA 2nd ed., sec. 24.1); the constant 4 is 4x the largest ratio measured over
    # n = 2..4097, both kinds, real and complex.
    return 4.0 * EPS * (1.0 + np.log2(n)) * scale


# --------------------------------------------------------------------------------------
# values <-> coefficients
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [1, 2])
@pytest.mark.parametrize("n", [1, 2, 3, 16, 17, 100, 1025])
def test_round_trip_real_complex_columns(kind: int, n: int) -> None:
    rng = np.random.default_rng(100 + n + kind)
    real = rng.standard_normal(n)
    cplx = rng.standard_normal((n, 3)) + 1j * rng.standard_normal((n, 3))
    for v in (real, cplx):
        c = chebyshev_coefficients(v, kind)
        assert c.shape == v.shape and c.dtype == v.dtype
        back = chebyshev_values(c, kind)
        assert np.max(np.abs(back - v)) <= fft_tol(n, np.max(np.abs(v)))
        again = chebyshev_coefficients(chebyshev_values(c, kind), kind)
        assert np.max(np.abs(again - c)) <= 2 * fft_tol(n, np.max(np.abs(v)))


@pytest.mark.parametrize("kind", [1, 2])
def test_columns_are_independent(kind: int) -> None:
    rng = np.random.default_rng(7)
    v = rng.standard_normal((40, 4))
    c = chebyshev_coefficients(v, kind)
    for j in range(4):
        np.testing.assert_array_equal(c[:, j], chebyshev_coefficients(v[:, j], kind))


@pytest.mark.parametrize("kind", [1, 2])
def test_values_match_numpy_chebval_at_the_points(kind: int) -> None:
    # Oracle: numpy's chebval at our (increasing) points.  Both sides err by about
    # n eps sum|c| at most (Clenshaw near the ends), far below this 4 n eps sum|c|.
    rng = np.random.default_rng(11)
    n = 64
    c = rng.standard_normal(n)
    x = chebyshev_points(n, kind)
    err = np.max(np.abs(chebyshev_values(c, kind) - npcheb.chebval(x, c)))
    assert err <= 4 * n * EPS * np.sum(np.abs(c))


@pytest.mark.parametrize("kind", [1, 2])
def test_exp_coefficients_are_modified_bessel(kind: int) -> None:
    # exp(x) = I_0(1) + 2 sum_k I_k(1) T_k(x)  (Mason & Handscomb).  Reference: mpmath
    # besseli at 30 digits.  With n = 24 the aliased terms I_{2n-2-k}(1) < 1e-40, so the
    # interpolant's coefficients equal the series' to rounding: fft_tol with scale e.
    n = 24
    x = chebyshev_points(n, kind)
    c = chebyshev_coefficients(np.exp(x), kind)
    with mpmath.workdps(30):
        ref = np.array([float((1 if k == 0 else 2) * mpmath.besseli(k, 1)) for k in range(n)])
    assert np.max(np.abs(c - ref)) <= fft_tol(n, np.e)


@pytest.mark.parametrize("kind", [1, 2])
def test_chebyshev_polynomials_give_unit_vectors(kind: int) -> None:
    # T_k at the points from numpy's chebval (an independent recurrence); its value
    # error is ~k eps, the transform adds fft_tol: allow fft_tol(n, 1) + n eps.
    n = 33
    x = chebyshev_points(n, kind)
    for k in range(n):
        e = np.zeros(n)
        e[k] = 1.0
        c = chebyshev_coefficients(npcheb.chebval(x, e), kind)
        assert np.max(np.abs(c - e)) <= fft_tol(n, 1.0) + n * EPS


def test_x_squared() -> None:
    c = chebyshev_coefficients(chebyshev_points(9) ** 2)
    # x^2 = (T_0 + T_2)/2; the values are exact to 1 ulp, the transform adds fft_tol.
    np.testing.assert_allclose(c, [0.5, 0, 0.5, 0, 0, 0, 0, 0, 0], rtol=0, atol=fft_tol(9, 1))
    np.testing.assert_array_equal(c[1::2], 0.0)  # x^2 sampled at symmetric points is even


@pytest.mark.parametrize("kind", [1, 2])
@pytest.mark.parametrize("n", [16, 17])
def test_exact_symmetry_gives_exact_zeros(kind: int, n: int) -> None:
    rng = np.random.default_rng(5)
    half = rng.standard_normal((n + 1) // 2)
    even = np.concatenate([half, half[: n // 2][::-1]])
    odd = np.concatenate([half[: n // 2], [0.0] * (n % 2), -half[: n // 2][::-1]])
    ce = chebyshev_coefficients(even, kind)
    co = chebyshev_coefficients(odd, kind)
    assert np.all(ce[1::2] == 0.0) and np.any(ce[0::2] != 0.0)
    assert np.all(co[0::2] == 0.0) and np.any(co[1::2] != 0.0)
    # and back: coefficients of one parity give exactly symmetric values (Chebfun).
    ve = chebyshev_values(ce, kind)
    vo = chebyshev_values(co, kind)
    np.testing.assert_array_equal(ve, ve[::-1])
    np.testing.assert_array_equal(vo, -vo[::-1])


def test_float32_in_float32_out() -> None:
    rng = np.random.default_rng(3)
    v32 = rng.standard_normal(50).astype(np.float32)
    c32 = chebyshev_coefficients(v32)
    assert c32.dtype == np.float32
    # Computed in float64 and rounded once: within half a float32 ulp of the float64
    # result, i.e. |diff| <= eps32/2 * |c| (+ a float64 fft_tol).
    c64 = chebyshev_coefficients(v32.astype(np.float64))
    assert np.all(np.abs(c32 - c64) <= 0.5 * EPS32 * np.abs(c64) + fft_tol(50, 3.0))
    assert chebyshev_values(c32).dtype == np.float32
    assert chebyshev_coefficients(v32.astype(np.complex64)).dtype == np.complex64
    x32 = rng.uniform(-1, 1, 10).astype(np.float32)
    assert clenshaw(x32, c32).dtype == np.float32
    assert clenshaw(x32.astype(np.float64), c32).dtype == np.float64
    assert clenshaw_curtis(v32).dtype == np.float32


def test_integer_input_is_promoted() -> None:
    c = chebyshev_coefficients([1, 0, 1])  # x^2 at -1, 0, 1
    assert c.dtype == np.float64
    np.testing.assert_allclose(c, [0.5, 0.0, 0.5], rtol=0, atol=2 * EPS)
    assert clenshaw([0, 1], [1, 2, 3]).dtype == np.float64


# --------------------------------------------------------------------------------------
# Clenshaw
# --------------------------------------------------------------------------------------


def _mp_series(c: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """sum c_k T_k(s) at 40 digits by the three-term recurrence for T_k."""
    out = []
    with mpmath.workdps(40):
        cc = [mpmath.mpf(float(v)) for v in c]
        for x in xs:
            s = mpmath.mpf(float(x))
            t_prev, t = mpmath.mpf(1), s
            acc = cc[0] + (cc[1] * s if len(cc) > 1 else 0)
            for k in range(2, len(cc)):
                t_prev, t = t, 2 * s * t - t_prev
                acc += cc[k] * t
            out.append(float(acc))
    return np.array(out)


@pytest.mark.parametrize("n", [1, 2, 20, 200, 2000])
def test_clenshaw_against_mpmath(n: int) -> None:
    rng = np.random.default_rng(20 + n)
    c = rng.standard_normal(n)
    scale = EPS * np.sum(np.abs(c))
    inner = rng.uniform(-0.9, 0.9, 60)
    ends = np.concatenate(
        [[-1.0, 1.0], 1 - rng.uniform(0, 1e-3, 20), -1 + rng.uniform(0, 1e-3, 20)]
    )
    # |s| <= 0.9: rounding errors are amplified by |U_k(s)| <= 1/sqrt(1 - 0.81) = 2.3,
    # three roundings per step: 8 eps sum|c| (measured: <= 1.3).
    assert np.max(np.abs(clenshaw(inner, c) - _mp_series(c, inner))) <= 8 * scale
    # near +-1 the standard recurrence amplifies by |U_k| ~ k (it reached 714 eps sum|c|
    # at n = 4000); Reinsch's form, used for |s| >= 1/2, amplifies by O(1): three
    # roundings per step, 4 eps sum|c| independent of n (measured: <= 0.42).
    assert np.max(np.abs(clenshaw(ends, c) - _mp_series(c, ends))) <= 4 * scale


def test_clenshaw_extrapolation_against_mpmath() -> None:
    # Outside [-1, 1] the error is relative to sum |c_k| |T_k(s)|, which is what the
    # recurrence amplifies: allow n eps of that.
    rng = np.random.default_rng(31)
    n = 15
    c = rng.standard_normal(n)
    x = np.array([-1.7, 1.05, 2.0, 3.5])
    ref = _mp_series(c, x)
    size = np.array([np.sum(np.abs(c) * np.abs(npcheb.chebval(s, np.eye(n)))) for s in x])
    assert np.all(np.abs(clenshaw(x, c, extrapolate=True) - ref) <= n * EPS * size)
    # exact: T_2(2) = 7 on (-1, 1); 1 + s at the midpoint of (2, 4)
    with pytest.warns(RuntimeWarning, match=r"1 of 1 points lie outside.*`domain="):
        assert clenshaw(2.0, [0.0, 0.0, 1.0]) == 7.0
    assert clenshaw(3.0, [1.0, 1.0], domain=(2.0, 4.0)) == 1.0


def test_clenshaw_matches_numpy_chebval_any_shape() -> None:
    # Same recurrence, different association: each within n eps sum|c| of the truth on
    # [-1, 1] (see the docstring), so within 2 n eps sum|c| of each other.
    rng = np.random.default_rng(41)
    n = 60
    c = rng.standard_normal(n)
    x = rng.uniform(-1, 1, (7, 5, 3))
    y = clenshaw(x, c)
    assert y.shape == x.shape
    assert np.max(np.abs(y - npcheb.chebval(x, c))) <= 2 * n * EPS * np.sum(np.abs(c))


def test_clenshaw_columns_domain_and_complex() -> None:
    rng = np.random.default_rng(43)
    n, a, b = 30, -2.0, 5.0
    c = rng.standard_normal((n, 3)) + 1j * rng.standard_normal((n, 3))
    x = rng.uniform(a, b, (4, 6))
    y = clenshaw(x, c, domain=(a, b))
    assert y.shape == (4, 6, 3) and y.dtype == np.complex128
    s = (2 * x - a - b) / (b - a)
    for j in range(3):
        ref = npcheb.chebval(s, c[:, j])
        # the map itself rounds s by ~2 eps, moving p by |p'| 2 eps <= n^2 sum|c| 2 eps;
        # plus the 2 n eps sum|c| of the two recurrences.
        tol = (2 * n + 2 * n * n) * EPS * np.sum(np.abs(c[:, j]))
        assert np.max(np.abs(y[..., j] - ref)) <= tol
    # complex evaluation points: compare with numpy relative to sum |c_k||T_k(s)|
    z = np.array([0.3 + 0.2j, -0.8 - 0.1j])
    cr = c[:, 0].real
    size = np.array([np.sum(np.abs(cr) * np.abs(npcheb.chebval(v, np.eye(n)))) for v in z])
    assert np.all(np.abs(clenshaw(z, cr) - npcheb.chebval(z, cr)) <= 2 * n * EPS * size)
    assert clenshaw(np.empty((0, 2)), cr).shape == (0, 2)
    assert np.isscalar(clenshaw(0.5, cr))


def _clenshaw_numpy(s: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Pure NumPy reference: the standard recurrence for |s| < 1/2 or |s| > 2, Reinsch's
    about sign(s) otherwise, vectorised over points."""
    b1 = np.zeros((s.shape[0], c.shape[1]), dtype=np.result_type(s, c))
    b2 = np.zeros_like(b1)
    two_s = (2.0 * s)[:, None]
    for k in range(c.shape[0] - 1, 0, -1):
        b1, b2 = c[k] + two_s * b1 - b2, b1
    out = c[0] + s[:, None] * b1 - b2
    for sigma in (1.0, -1.0):
        sel = (0.5 <= sigma * s) & (sigma * s <= 2.0)
        e = (s[sel] - sigma)[:, None]
        b = np.zeros((e.shape[0], c.shape[1]), dtype=b1.dtype)
        d = np.zeros_like(b)
        for k in range(c.shape[0] - 1, 0, -1):
            d = c[k] + 2.0 * e * b + sigma * d
            b = d + sigma * b
        out[sel] = c[0] + e * b + sigma * d
    return out


@pytest.mark.parametrize(("n", "k", "m"), [(1, 1, 5), (2, 2, 300), (57, 1, 1000), (57, 3, 513)])
def test_numba_kernel_matches_numpy_reference_bitwise(n: int, k: int, m: int) -> None:
    # Same operations in the same order and no fastmath (so no FMA contraction or
    # reassociation): the results must be identical, not merely close.  m > BLOCK
    # exercises the block loop and a partial last block.
    rng = np.random.default_rng(50 + n + m)
    s = rng.uniform(-1.1, 1.1, m)
    c = rng.standard_normal((n, k))
    out = np.empty((m, k))
    clenshaw_kernel(s, c, out)
    np.testing.assert_array_equal(out, _clenshaw_numpy(s, c))
    cz = c + 1j * rng.standard_normal((n, k))
    outz = np.empty((m, k), dtype=np.complex128)
    clenshaw_kernel(s, cz, outz)
    np.testing.assert_array_equal(outz, _clenshaw_numpy(s, cz))


# --------------------------------------------------------------------------------------
# calculus
# --------------------------------------------------------------------------------------


def test_derivative_coefficients_match_numpy_and_scale() -> None:
    rng = np.random.default_rng(61)
    c = rng.standard_normal(25)
    for order in (0, 1, 2, 3):
        # numpy's chebder runs the same recurrence; the sums of up to n terms 2k c_k
        # differ by rounding: n eps times the size of those terms, (2n)^order sum|c|.
        d = chebyshev_derivative_coefficients(c, order)
        ref = npcheb.chebder(c, order) if order else c
        tol = 25 * EPS * (2 * 25) ** order * np.sum(np.abs(c))
        assert d.shape == ref.shape and np.max(np.abs(d - ref)) <= tol
    # chain rule on (0, 2): d/dx exp(x) = exp(x).  30 points resolve exp to eps; the
    # derivative multiplies coefficient errors by up to n^2 (Markov): n^2 eps e^2.
    a, b, n = 0.0, 2.0, 30
    c = chebyshev_interpolate(np.exp, n=n, domain=(a, b)).coefficients
    x = np.linspace(a, b, 101)
    d = clenshaw(x, chebyshev_derivative_coefficients(c, 1, (a, b)), (a, b))
    assert np.max(np.abs(d - np.exp(x))) <= n**2 * EPS * np.exp(2.0)
    assert chebyshev_derivative_coefficients([3.0]).tolist() == [0.0]
    assert chebyshev_derivative_coefficients(np.ones((4, 2)), 5).shape == (1, 2)


def test_integral_coefficients_match_numpy_and_scale() -> None:
    rng = np.random.default_rng(62)
    c = rng.standard_normal(20)
    # numpy's chebint with lbnd=-1: same formulas; a few roundings per coefficient.
    ref = npcheb.chebint(c, lbnd=-1)
    assert np.max(np.abs(chebyshev_integral_coefficients(c) - ref)) <= 8 * EPS * np.sum(np.abs(c))
    # int_1^x 3 t^2 dt = x^3 - 1 on (1, 3): exact polynomial, errors of a few eps * 27.
    a, b = 1.0, 3.0
    c = chebyshev_interpolate(lambda t: 3 * t**2, n=3, domain=(a, b)).coefficients
    big = chebyshev_integral_coefficients(c, (a, b))
    x = np.linspace(a, b, 11)
    assert np.max(np.abs(clenshaw(x, big, (a, b)) - (x**3 - 1))) <= 16 * EPS * 27


# --------------------------------------------------------------------------------------
# Clenshaw-Curtis quadrature
# --------------------------------------------------------------------------------------


def _cc_weights_explicit(n: int) -> np.ndarray:
    """Explicit O(n^2) formula (Trefethen, SIAM Rev. 50(1), 2008, clencurt.m)."""
    if n == 1:
        return np.array([2.0])
    big_n = n - 1
    theta = np.pi * np.arange(n) / big_n
    w = np.ones(n)
    for k in range(1, big_n // 2 + 1):
        bk = 1.0 if 2 * k == big_n else 2.0
        w -= bk * np.cos(2 * k * theta) / (4 * k * k - 1)
    w *= 2.0 / big_n
    w[0] *= 0.5
    w[-1] *= 0.5
    return w


@pytest.mark.parametrize("n", [1, 2, 3, 4, 9, 10, 64, 257])
def test_cc_weights_match_explicit_formula(n: int) -> None:
    w = clenshaw_curtis_weights(n)
    # both are sums of O(n) terms of size <= 2/(n-1): a few eps per weight (x4 margin)
    assert np.max(np.abs(w - _cc_weights_explicit(n))) <= 4 * EPS * (1 + np.log2(n))
    assert np.all(w > 0)
    np.testing.assert_array_equal(w, w[::-1])
    assert abs(np.sum(w) - 2.0) <= 2 * n * EPS


def test_simpson() -> None:
    np.testing.assert_allclose(clenshaw_curtis_weights(3), [1 / 3, 4 / 3, 1 / 3], rtol=2 * EPS)


@pytest.mark.parametrize("n", [5, 16, 33])
def test_cc_exact_for_degree_n_minus_1(n: int) -> None:
    # Random Chebyshev coefficients of degree n-1 on (-2, 3); the exact integral
    # (b-a)/2 sum_{k even} 2 c_k/(1 - k^2) is evaluated in exact rational arithmetic.
    rng = np.random.default_rng(70 + n)
    a, b = -2.0, 3.0
    c = rng.standard_normal(n)
    x = chebyshev_points(n, 2, (a, b))
    values = npcheb.chebval((2 * x - a - b) / (b - a), c)
    exact = (
        Fraction(b - a)
        / 2
        * sum(Fraction(float(c[k])) * Fraction(2, 1 - k * k) for k in range(0, n, 2))
    )
    # positive weights summing to b - a: error <= (b - a) * (value errors ~ n eps sum|c|)
    err = abs(clenshaw_curtis(values, (a, b)) - float(exact))
    assert err <= (b - a) * n * EPS * np.sum(np.abs(c))


def test_cc_known_integrals() -> None:
    # int_{-1}^1 e^x = e - 1/e; 20 points resolve exp to eps: a few eps * e (x4 margin)
    x = chebyshev_points(20)
    assert abs(clenshaw_curtis(np.exp(x)) - (np.e - 1 / np.e)) <= 4 * EPS * np.e
    # int_0^2 x^3 = 4 exactly with 4 points; columns are integrated separately
    x = chebyshev_points(4, 2, (0.0, 2.0))
    r = clenshaw_curtis(np.stack([x**3, 2 * x**3], axis=1), (0.0, 2.0))
    np.testing.assert_allclose(r, [4.0, 8.0], rtol=4 * EPS)


# --------------------------------------------------------------------------------------
# input validation
# --------------------------------------------------------------------------------------


def test_bad_input_errors() -> None:
    with pytest.raises(ValueError, match="`values` must be finite; entry 1"):
        chebyshev_coefficients([1.0, np.nan, 2.0])
    with pytest.raises(ValueError, match="`values` is empty"):
        chebyshev_coefficients([])
    with pytest.raises(ValueError, match="`values` must be 1 or 2-dimensional"):
        chebyshev_coefficients(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="`kind` must be 1 or 2"):
        chebyshev_coefficients([1.0, 2.0], kind=3)
    with pytest.raises(ValueError, match="`coeffs` must be finite"):
        chebyshev_values([1.0, np.inf])
    with pytest.raises(ValueError, match="`x` must be finite"):
        clenshaw([0.0, np.nan], [1.0, 2.0])
    with pytest.raises(ValueError, match="`coeffs` is empty"):
        clenshaw([0.0], [])
    with pytest.raises(ValueError, match="`coeffs` must be 1 or 2-dimensional"):
        clenshaw([0.0], np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="a < b"):
        clenshaw([0.0], [1.0], domain=(1.0, -1.0))
    with pytest.raises(ValueError, match="finite"):
        clenshaw_curtis_weights(5, domain=(0.0, np.inf))
    with pytest.raises(ValueError, match="`n` must be >= 1"):
        clenshaw_curtis_weights(0)
    with pytest.raises(TypeError, match="`n` must be an integer"):
        clenshaw_curtis_weights(2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`tol` must be a finite positive number"):
        standard_chop(np.ones(20), tol=-1.0)
    with pytest.raises(ValueError, match="`coeffs` must be finite"):
        standard_chop(np.full(20, np.nan))
    with pytest.raises(ValueError, match="`order` must be >= 0"):
        chebyshev_derivative_coefficients([1.0, 2.0], order=-1)
    with pytest.raises(TypeError, match="numeric dtype"):
        chebyshev_coefficients(np.array(["a", "b"]))


def test_no_warnings_on_ordinary_use() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clenshaw_curtis_weights(7)
        standard_chop(np.r_[1.0, np.zeros(30)])
        chebyshev_adaptive(lambda x: 0.0 * x)


def _series_mp(c, x, domain=(-1.0, 1.0)):
    """sum_k c_k T_k(s) in mpmath at 50 digits, T_k(s) = +-cosh(k acosh|s|) for |s| >= 1,
    rounded once to float64 (+-inf past the largest float, as IEEE rounding does)."""
    a, b = domain
    with mpmath.workdps(50):
        s = (2 * mpmath.mpf(x) - a - b) / (b - a)
        t = mpmath.acosh(abs(s))
        v = sum(mpmath.mpf(ck) * (1 if s > 0 or k % 2 == 0 else -1) * mpmath.cosh(k * t)
                for k, ck in enumerate(c))
        if abs(v) > mpmath.mpf(np.finfo(np.float64).max):
            return math.copysign(math.inf, v)
        return float(v)


@pytest.mark.parametrize("x", [1e300, -1e300, 1e150, -3e61, 1e77, 2.0**1000])
@pytest.mark.parametrize("c", [[1.0] * 5, [0.0, 0.0, 0.0, 0.0, -1.0], [1e-300, 0, 0, 0, 0, 1e-300],
                               [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], [0.5, -1e200, 0, 3e100]])
def test_clenshaw_far_outside_gives_inf_not_nan_vs_mpmath(x, c):
    # Issue 13 item 10: the recurrence's 2 s b_1 - b_2 overflowed to inf - inf = NaN at
    # 1e300.  Now the value is the float64 rounding of the true one: +-inf where it
    # overflows, the finite value (to a few ulps) where it does not.
    # ... and it now warns that x lies outside the domain (issue 14 item 5)
    with pytest.warns(RuntimeWarning, match="outside the domain"):
        got = float(clenshaw(x, c))
    want = _series_mp(c, x)
    if math.isinf(want):
        assert got == want
    else:
        assert got == pytest.approx(want, rel=16 * EPS)


def test_clenshaw_overflow_repair_keeps_columns_and_the_rest_of_the_points():
    c = np.array([[1.0, 1.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    x = np.array([0.3, 1e300, -1e300, 1e10])
    got = clenshaw(x, c, extrapolate=True)
    assert got.shape == (4, 2) and not np.isnan(got).any()
    np.testing.assert_array_equal(got[:, 1], 1.0)
    for i, xi in enumerate(x):
        want = _series_mp(c[:, 0], xi) if abs(xi) >= 1 else float(clenshaw(xi, c[:, 0]))
        assert got[i, 0] == (want if math.isinf(want) else pytest.approx(want, rel=16 * EPS))
    # a point whose map to [-1, 1] overflows (2 x > max float): the limit
    kw = {"domain": (0.0, 1.0), "extrapolate": True}
    assert clenshaw(1.7e308, [1.0, 2.0, 3.0], **kw) == math.inf
    assert clenshaw(-1.7e308, [1.0, 2.0, -3.0], **kw) == -math.inf
    assert clenshaw(-1.7e308, [1.0, 2.0, 0.0, 3.0], **kw) == -math.inf
    assert clenshaw(1.7e308, [4.0], **kw) == 4.0
    # the complex kernel too: no NaN in the real part of a real-axis point
    assert clenshaw(np.array([1e300 + 0j]), [1.0] * 5)[0].real == math.inf
