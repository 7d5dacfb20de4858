"""Barycentric evaluation against mpmath, exact node hits, dtypes and bad input."""

import subprocess
import sys
import textwrap

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from numlearn import EPS, IllConditionedWarning
from numlearn.classical import (
    BarycentricInterpolator,
    barycentric_eval,
    barycentric_eval_first,
    barycentric_weights,
    chebyshev_points,
    chebyshev_weights,
    equispaced_points,
    fourier_points,
    lebesgue_constant,
    lebesgue_function,
    trig_barycentric_eval,
)
from numlearn.precision import mp_evaluate


def _runge_mp(x):
    return 1 / (1 + 25 * x**2)


def test_runge_1024_points_vs_mpmath():
    """The issue's headline: n = 1024 Chebyshev points of the 2nd kind, 1e5 points,
    max error <= 1e-14 against the mpmath values of 1/(1 + 25 x^2).  The node values
    are the correctly rounded function values (mpmath oracle), so the error measured
    is the interpolation error (~1e-88 here) plus the rounding of the formula."""
    n = 1024
    x = chebyshev_points(n)
    f = mp_evaluate(_runge_mp, x).values
    xe = np.random.default_rng(1).uniform(-1, 1, 10**5)
    p = barycentric_eval(x, chebyshev_weights(n), f, xe)
    exact = mp_evaluate(_runge_mp, xe).values
    assert np.max(np.abs(p - exact)) <= 1e-14
    # Plain sums also meet the 1e-14 (measured 6.2e-15) ...
    plain = barycentric_eval(x, chebyshev_weights(n), f, xe, compensated=False)
    assert np.max(np.abs(plain - exact)) <= 1e-14
    # ... while compensated sums leave only the per-term roundings (x - x_j, the
    # division, the product with f_j: <= 3 eps each, relative), amplified by the
    # Lebesgue function: |error| <= (3 lambda(x) + 2) eps max|f| + the node values'
    # own rounding (eps lambda(x) max|f|), pointwise.
    lam = lebesgue_function(x, chebyshev_weights(n), xe)
    assert np.all(np.abs(p - exact) <= (4 * lam + 2) * EPS * np.abs(f).max())


def _cheb_series_mp(coeffs, x):
    """Exact value of sum c_k T_k(x) for float c and x (mpmath, 60 digits)."""
    with mpmath.workdps(60):
        t = mpmath.mpf(float(x))
        th = mpmath.acos(t)
        return sum(mpmath.mpf(float(c)) * mpmath.cos(k * th) for k, c in enumerate(coeffs))


@pytest.mark.parametrize("n", [5, 32, 100])
def test_polynomials_of_degree_below_n_reproduced(n):
    """A degree n-1 polynomial is reproduced to Higham's (2004) bound for the second
    formula, |p_hat - p| <= (3n + 4) eps sum_j |l_j(x) f_j| + (3n + 2) eps
    lambda(x) |p(x)|, plus eps lambda(x) max|f| for the rounded node values; here
    bounded by (6n + 7) eps lambda(x) max|f| with lambda the Lebesgue function."""
    rng = np.random.default_rng(n)
    c = rng.standard_normal(n)
    x = chebyshev_points(n)
    with mpmath.workdps(60):
        f = np.array([float(_cheb_series_mp(c, v)) for v in x])
    xe = np.concatenate([rng.uniform(-1, 1, 40), [-1.0, 1.0, 0.0]])
    p = barycentric_eval(x, chebyshev_weights(n), f, xe)
    exact = np.array([float(_cheb_series_mp(c, v)) for v in xe])
    lam = lebesgue_function(x, chebyshev_weights(n), xe)
    tol = (6 * n + 7) * EPS * lam * np.abs(f).max()
    assert np.all(np.abs(p - exact) <= tol)


def test_exact_node_hits_return_node_values_exactly():
    x = chebyshev_points(50)
    rng = np.random.default_rng(3)
    f = rng.standard_normal((50, 3)) + 1j * rng.standard_normal((50, 3))
    p = barycentric_eval(x, chebyshev_weights(50), f, x[::-1])
    np.testing.assert_array_equal(p, f[::-1])
    # also the scalar-value kernel
    g = f[:, 0].real
    np.testing.assert_array_equal(barycentric_eval(x, chebyshev_weights(50), g, x), g)


def test_points_one_ulp_from_nodes_regression():
    # Regression window, set on this implementation.  Theory: one ulp (<= eps) from
    # node x_j, p moves from f_j by at most |p'| eps <= (n - 1)^2 eps max|f| (Markov),
    # and the formula's rounding adds (3n + 4) Lambda_n eps max|f| (Higham 2004):
    # about 2,900 eps max|f| for n = 50.  Measured far below; 1e3 keeps a margin.
    x = chebyshev_points(50)
    g = np.random.default_rng(3).standard_normal(50)
    near = np.nextafter(x, 2.0)
    q = barycentric_eval(x, chebyshev_weights(50), g, near)
    assert np.all(np.isfinite(q))
    np.testing.assert_allclose(q, g, rtol=0, atol=1e3 * EPS * np.abs(g).max())


def test_tiny_offsets_do_not_overflow():
    # w/(x - x_j) overflows for x - x_j ~ 1e-320 (subnormal): repaired, not NaN.
    x = np.array([0.0, 1.0, 2.0])
    w = barycentric_weights(x)
    xe = np.array([5e-324, 1e-310, 2.0 - 2e-16])
    p = barycentric_eval(x, w, np.array([1.0, 2.0, 3.0]), xe)
    np.testing.assert_allclose(p, 1.0 + xe, rtol=4 * EPS)


def test_vector_valued_matches_columns():
    n = 40
    x = chebyshev_points(n)
    w = chebyshev_weights(n)
    f = np.stack([np.sin(x), np.cos(3 * x), np.exp(x)], axis=1)
    xe = np.random.default_rng(5).uniform(-1, 1, (7, 11))
    p = barycentric_eval(x, w, f, xe)
    assert p.shape == (7, 11, 3)
    for c in range(3):
        np.testing.assert_allclose(p[..., c], barycentric_eval(x, w, f[:, c], xe), rtol=0, atol=0)


def test_complex_nodes_roots_of_unity():
    n = 9
    z = np.exp(2j * np.pi * np.arange(n) / n)
    f = z**5 - 2 * z
    zt = np.array([0.3 + 0.1j, -0.2j, 0.5])
    p = barycentric_eval(z, barycentric_weights(z), f, zt)
    np.testing.assert_allclose(p, zt**5 - 2 * zt, rtol=0, atol=50 * EPS)


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [(np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64),
     (np.complex64, np.complex64), (np.complex128, np.complex128)],
)
def test_dtypes(dtype, expected):
    n = 16
    x = chebyshev_points(n).astype(dtype if np.dtype(dtype).kind != "c" else np.float32)
    if np.dtype(dtype).kind == "i":
        x = np.arange(n).astype(dtype)
    w = barycentric_weights(x.astype(np.float64))
    f = (np.arange(n) % 3).astype(dtype)
    xe = x[:3].astype(dtype) if np.dtype(dtype).kind != "c" else x[:3]
    p = barycentric_eval(x, w.astype(x.dtype) if x.dtype == np.float32 else w, f, xe)
    assert p.dtype == expected
    np.testing.assert_array_equal(p, f[:3].astype(expected))


def test_float32_precision_stated():
    # float32 in -> float32 out, accurate to float32 rounding (~6e-8 relative).
    n = 30
    x = chebyshev_points(n).astype(np.float32)
    w = chebyshev_weights(n).astype(np.float32)
    xe = np.linspace(-0.99, 0.99, 101, dtype=np.float32)
    p = barycentric_eval(x, w, np.exp(x), xe)
    assert p.dtype == np.float32
    assert np.max(np.abs(p - np.exp(xe.astype(np.float64)))) <= 20 * np.finfo(np.float32).eps


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"values": [1.0, np.nan, 3.0]}, ValueError, "`values` must be finite"),
        ({"nodes": [0.0, np.inf, 1.0]}, ValueError, "`nodes` must be finite"),
        ({"x": [0.5, np.nan]}, ValueError, "`x` must be finite"),
        ({"nodes": [0.0, 0.5, 0.5]}, ValueError, "must be distinct"),
        ({"values": [1.0, 2.0]}, ValueError, "rows but there are 3 nodes"),
        ({"weights": [1.0, 0.0, 1.0]}, ValueError, "zero"),
        ({"weights": [1.0, 2.0]}, ValueError, "one weight per node"),
        ({"nodes": []}, ValueError, "empty"),
        ({"nodes": ["a", "b", "c"]}, TypeError, "numeric dtype"),
        ({"nodes": [[0.0, 1.0, 2.0]]}, ValueError, "1-dimensional"),
    ],
)
def test_bad_input(kwargs, exc, match):
    args = {"nodes": [0.0, 0.5, 1.0], "weights": [0.5, -1.0, 0.5], "values": [1.0, 2.0, 3.0],
            "x": [0.25]}
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        barycentric_eval(args["nodes"], args["weights"], args["values"], args["x"])


def test_empty_x_gives_empty_result():
    p = barycentric_eval([0.0, 1.0], [1.0, -1.0], np.ones((2, 3)), np.zeros((0,)))
    assert p.shape == (0, 3)


def test_first_formula_equispaced_and_outside_vs_mpmath():
    """Equispaced nodes, n = 40, inside and outside the interval: the first formula is
    backward stable, so its error is <= ~ n eps * sum_j |l_j(x) f_j|."""
    n = 40
    x = equispaced_points(n)
    f = np.cos(2 * x)
    xe = np.array([-1.2, -0.999, -0.3, 0.77, 1.05])
    with pytest.warns(IllConditionedWarning, match="condition number 1.*e\\+09"):
        p = barycentric_eval_first(x, f, xe)
    with mpmath.workdps(80):
        xm = [mpmath.mpf(float(v)) for v in x]
        for i, t in enumerate(xe):
            tm = mpmath.mpf(float(t))
            terms = []
            for j in range(n):
                lj = mpmath.mpf(1)
                for k in range(n):
                    if k != j:
                        lj *= (tm - xm[k]) / (xm[j] - xm[k])
                terms.append(lj * mpmath.mpf(float(f[j])))
            exact = sum(terms)
            cond = sum(abs(t_) for t_ in terms)
            assert abs(mpmath.mpf(float(p[i])) - exact) <= 4 * n * EPS * cond


def test_first_and_second_formula_agree_chebyshev_regression():
    # Regression window, set on this implementation.  Theory: the first formula is
    # backward stable, error <= (5n + 5) eps Lambda_n max|f| to first order, the
    # second forward stable, <= (3n + 4) eps Lambda_n max|f| (Higham 2004): their
    # difference is bounded by about 8n Lambda_n eps ~ 7,000 eps for n = 200
    # (Lambda_200 ~ 4.3); they agree to 200 eps here.
    x = chebyshev_points(200)
    f = np.sin(5 * x)
    xe = np.random.default_rng(8).uniform(-1, 1, 500)
    p1 = barycentric_eval_first(x, f, xe)
    p2 = barycentric_eval(x, chebyshev_weights(200), f, xe)
    np.testing.assert_allclose(p1, p2, rtol=0, atol=200 * EPS)


@pytest.mark.parametrize("n", [15, 16])
def test_trig_interpolation_matches_fft_regression(n):
    # Regression window (30 eps), set on this implementation.  Theory: the
    # trigonometric barycentric formula is forward stable with an error of about
    # (3n + 4) Lambda_n eps max|f| (Austin and Trefethen 2017; Lambda_n ~ (2/pi)
    # log n + 1), some 200 eps here.
    x = fourier_points(n, (0.0, 3.0))
    f = np.sin(2 * np.pi * x / 3) + 0.3 * np.cos(6 * np.pi * x / 3) + 0.1
    xe = np.random.default_rng(9).uniform(-2, 5, 300)
    p = trig_barycentric_eval(f, xe, (0.0, 3.0))
    # The trigonometric polynomial is reproduced exactly (degree below n/2).
    exact = np.sin(2 * np.pi * xe / 3) + 0.3 * np.cos(6 * np.pi * xe / 3) + 0.1
    np.testing.assert_allclose(p, exact, rtol=0, atol=30 * EPS)
    np.testing.assert_array_equal(trig_barycentric_eval(f, x, (0.0, 3.0)), f)


def test_trig_even_n_nyquist_mode_is_cosine_regression():
    # Regression window (50 eps), set on this implementation; the forward-stability
    # bound (3n + 4) Lambda_n eps is about 65 eps for n = 8.
    n = 8
    x = fourier_points(n)
    f = np.cos(4 * x)  # the Nyquist mode, (-1)^j at the nodes
    xe = np.linspace(0, 2 * np.pi, 37)
    np.testing.assert_allclose(trig_barycentric_eval(f, xe), np.cos(4 * xe), atol=50 * EPS)


def test_lebesgue_constant_against_independent_evaluation():
    # Lebesgue function from the explicit Lagrange products on a dense grid.
    for x in (equispaced_points(11), chebyshev_points(12)):
        t = np.linspace(-1, 1, 200001)
        lam = np.zeros_like(t)
        for j in range(x.size):
            lj = np.ones_like(t)
            for k in range(x.size):
                if k != j:
                    lj *= (t - x[k]) / (x[j] - x[k])
            lam += np.abs(lj)
        got = lebesgue_constant(x)
        # dense grid underestimates by O(h^2): the golden-section max is >= it
        assert lam.max() <= got <= lam.max() * (1 + 1e-6)
    assert lebesgue_constant([-1.0, 1.0]) == pytest.approx(1.0, abs=1e-15)
    assert lebesgue_constant([-1.0, 0.0, 1.0]) == pytest.approx(1.25, abs=1e-12)


def test_ill_conditioned_nodes_warn_with_estimate():
    # Equispaced n = 40: Lebesgue constant ~ 1e10 (2^n / (e n log n)).
    with pytest.warns(IllConditionedWarning, match="condition number"):
        barycentric_weights(equispaced_points(40))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        barycentric_weights(chebyshev_points(2000))  # Lambda ~ 5.5: no warning
        barycentric_weights(equispaced_points(25))  # Lambda ~ 1e5: below 1e8


def test_lebesgue_function_is_one_at_nodes():
    x = chebyshev_points(20)
    np.testing.assert_array_equal(lebesgue_function(x, chebyshev_weights(20), x), 1.0)


def test_interpolant_class():
    x = chebyshev_points(40, domain=(0.0, 2.0))
    p = BarycentricInterpolator(x, np.exp(x), chebyshev_weights(40))
    assert p.n == 40 and p.domain == (0.0, 2.0)
    np.testing.assert_allclose(p(np.array([0.3, 1.7])), np.exp([0.3, 1.7]), rtol=4 * EPS)
    d2 = p.derivative(2)
    # second derivative: error ~ eps * ||D^2|| ~ eps * n^4 / (domain length)^2
    np.testing.assert_allclose(d2(np.array([0.5, 1.0])), np.exp([0.5, 1.0]),
                               rtol=0, atol=EPS * 40**4)
    with pytest.raises(ValueError, match="outside the domain"):
        p(np.array([2.5]))
    q = BarycentricInterpolator(x, np.exp(x), chebyshev_weights(40), extrapolate=True)
    xo = np.array([2.1, -0.05])
    # Extrapolation amplifies the rounding of the data by lambda(x) ~ 1e6 here; the
    # first formula is backward stable, so the error is <= ~ n eps lambda(x) max|f|.
    lam = lebesgue_function(x, chebyshev_weights(40), xo)
    assert np.all(np.abs(q(xo) - np.exp(xo)) <= 40 * EPS * lam * np.exp(2.0))
    assert np.all(lam > 1e3)  # the test is about extrapolation
    assert 1.0 < p.lebesgue_constant() < 2 / np.pi * np.log(39) + 1
    assert "BarycentricInterpolator(n=40" in repr(p)


def test_interpolant_copies_the_callers_arrays():
    """Mutating the arrays passed in afterwards must not change the interpolant (it
    used to keep references to float64 inputs)."""
    x = chebyshev_points(20)
    w = chebyshev_weights(20)
    v = np.column_stack([np.sin(x), np.cos(x)])
    p = BarycentricInterpolator(x, v, w)
    before = p(np.array([0.3, -0.7]))
    x[:] = np.linspace(-1.0, 1.0, 20)
    w[:] = 1.0
    v[:] = 0.0
    np.testing.assert_array_equal(p(np.array([0.3, -0.7])), before)
    assert p.nodes[0] == chebyshev_points(20)[0] and p.values.any()


@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 60),
    scale=st.sampled_from([1e-3, 1.0, 1e3]),
    shift=st.sampled_from([0.0, 10.0, -1e3]),
)
def test_affine_invariance_property(seed, n, scale, shift):
    """Interpolating data from a polynomial of degree < n on Chebyshev points mapped to
    any interval reproduces it (affine equivariance), to a few Lambda_n eps."""
    rng = np.random.default_rng(seed)
    c = rng.standard_normal(n) / np.arange(1, n + 1) ** 2
    dom = (shift, shift + scale)
    x = chebyshev_points(n, domain=dom)
    s = 2 * (x - shift) / scale - 1
    f = np.polynomial.chebyshev.chebval(s, c)
    xe = rng.uniform(dom[0], dom[1], 20)
    se = 2 * (xe - shift) / scale - 1
    p = barycentric_eval(x, chebyshev_weights(n), f, xe)
    # point mapping error (a few eps |x|/scale) times |p'| <~ n^2 sum|c|
    tol = 20 * EPS * np.abs(c).sum() * (np.log(n) + 1 + n**2 * (1 + abs(shift) / scale))
    assert np.max(np.abs(p - np.polynomial.chebyshev.chebval(se, c))) <= tol


def test_memory_is_o_of_m():
    """A dense (m, n) temporary would take 3.3 GB here; the kernel must stay far below."""
    code = textwrap.dedent(
        """
        import resource, numpy as np
        from numlearn.classical import barycentric_eval, chebyshev_points, chebyshev_weights
        x = chebyshev_points(2048); w = chebyshev_weights(2048); f = np.cos(x)
        barycentric_eval(x, w, f, np.linspace(-1, 1, 1000))  # compile / load cache
        xe = np.linspace(-1, 1, 200_000)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        barycentric_eval(x, w, f, xe)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print((after - before) / 1024)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    grown_mib = float(out.stdout.strip().splitlines()[-1])
    assert grown_mib < 64, f"peak RSS grew by {grown_mib:.0f} MiB"


def test_plain_sums_cancelling_to_zero_outside_the_interval_do_not_raise():
    # At these two points outside [-1, 1] the plain denominator sum_j w_j/(x - x_j)
    # of n = 137 Chebyshev points cancels to exactly 0 (it does not depend on the
    # values).  The second formula is not meant for extrapolation; it must say so with
    # a non-finite value (IEEE x/0), not raise ZeroDivisionError from the kernel.
    x = chebyshev_points(137)
    w = chebyshev_weights(137)
    f = np.sin(x)
    xe = np.array([1.1057807088949352, 1.0832949982673286])
    # ... and warn: the Lebesgue function there is infinite (issue 13 item 8).
    with pytest.warns(IllConditionedWarning, match="lambda\\(x\\).* = inf"):
        assert not np.isfinite(barycentric_eval(x, w, f, xe, compensated=False)).any()
    with pytest.warns(IllConditionedWarning, match="2 of 2 points"):
        assert not np.isfinite(barycentric_eval(x, w, np.c_[f, f], xe, compensated=False)).any()
    # the first formula, the one for extrapolation, is finite there
    assert np.isfinite(barycentric_eval_first(x, f, xe)).all()
