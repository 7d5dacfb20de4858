"""numlearn.classical.least_squares: gradient descent (Numba), conditioning and the
exact references.

Oracles: mpmath (``mp_lstsq``, two precisions), closed-form GD iterates for diagonal
problems, a scalar Python re-implementation of the kernel's operation order, and
measured anchors of float64 GD on the paper's distribution.
"""

import warnings

import numpy as np
import pytest

from numlearn import IllConditionedWarning, Result, Status
from numlearn.classical.least_squares import (
    RankDeficientWarning,
    conditioning,
    gd_conditioning,
    gradient_descent,
    lstsq_reference,
)
from numlearn.precision import mp_lstsq, svd_conditioning
from numlearn.problems.least_squares import (
    sample,
    sample_cond,
    sample_paper,
    sample_scaled,
)

EPS = np.finfo(np.float64).eps


def _ulps(x, y):
    """Componentwise distance in units of the spacing at ``y``."""
    return np.abs(x - y) / np.spacing(np.abs(y))


def _gd_scalar(A, b, x0, eta, steps):
    """The kernel's documented operation order in scalar Python floats."""
    n, d = A.shape
    x = [float(v) for v in x0]
    inv_n = 1.0 / n
    out = [list(x)]
    for _ in range(steps):
        r = []
        for i in range(n):
            s = 0.0
            for j in range(d):
                s += float(A[i, j]) * x[j]
            r.append(s - float(b[i]))
        g = [0.0] * d
        for i in range(n):
            for j in range(d):
                g[j] += float(A[i, j]) * r[i]
        x = [x[j] - eta * (g[j] * inv_n) for j in range(d)]
        out.append(list(x))
    return np.array(out)


def test_conditioning_closed_form():
    A = np.zeros((4, 2))
    A[0, 0], A[1, 1] = 4.0, 2.0
    c = conditioning(A)
    n = 4
    assert c.cond[0] == 2.0 and c.L[0] == 16.0 / n and c.mu[0] == 4.0 / n
    assert c.step_optimal[0] == 2.0 / (5.0) and c.rate_optimal[0] == 3.0 / 5.0
    assert c.stability_limit[0] == 0.5 and c.floor[0] == 2.0 * EPS and c.rank[0] == 2
    p = sample_paper(50, seed=0)
    np.testing.assert_allclose(conditioning(p.A).cond, np.linalg.cond(p.A), rtol=8 * EPS)


def test_gd_kernel_bitwise_equals_scalar_reference():
    # Steps that are not powers of two, so that every rounding of the update shows.
    p = sample_paper(3, seed=11)
    r = gradient_descent(p.A, p.b, p.x0, steps=25, step_size="optimal")
    for k in range(3):
        np.testing.assert_array_equal(
            r.history["iterates"][k],
            _gd_scalar(p.A[k], p.b[k], p.x0[k], r.stats["step_size"][k], 25))
    r = gradient_descent(p.A, p.b, p.x0, steps=25, step_size=0.6)
    np.testing.assert_array_equal(r.history["iterates"][0],
                                  _gd_scalar(p.A[0], p.b[0], p.x0[0], 0.6, 25))
    final = gradient_descent(p.A, p.b, p.x0, steps=25, step_size=0.6, history=False)
    np.testing.assert_array_equal(final.value, r.value)
    assert final.history == {}


def test_gd_numba_vs_numpy_loop():
    """Same map, different summation order (BLAS): each step differs by at most
    delta_k ~ (n + d) eps eta ||A||_2^2 ||x_k|| / n (two products and their sums) plus
    eps ||x_k||, and differences contract by rho, so |diff| <= max delta / (1 - rho)."""
    p = sample_paper(200, seed=12)
    eta, K = 0.5, 60
    r = gradient_descent(p.A, p.b, p.x0, steps=K, step_size=eta)
    x = p.x0.copy()
    ref = [x]
    for _ in range(K):
        g = np.einsum("bij,bi->bj", p.A, np.einsum("bij,bj->bi", p.A, x) - p.b) / p.n
        x = x - eta * g
        ref.append(x)
    ref = np.stack(ref, axis=1)
    H = r.history["iterates"]
    xmax = np.max(np.linalg.norm(H, axis=2), axis=1)
    delta = ((p.n + p.d) * eta * r.stats["L"] + 1) * EPS * xmax
    tol = delta / (1 - r.stats["contraction"])
    diff = np.max(np.linalg.norm(H - ref, axis=2), axis=1)
    assert np.all(diff <= tol)


def test_gd_diagonal_closed_form():
    """For A = [diag(s); 0], e_k = (1 - eta s^2/n)^k e_0 componentwise: an exact oracle
    (errors: the float powers and rounding per step, k eps relative)."""
    s = np.array([3.0, 2.0, 1.0, 0.5])
    n, d, K = 6, 4, 40
    A = np.zeros((n, d))
    A[:d, :d] = np.diag(s)
    x_star = np.array([1.0, -2.0, 0.5, 3.0])
    b = A @ x_star  # exact: products of small binary numbers
    x0 = np.zeros(d)
    r = gradient_descent(A, b, x0, steps=K)  # unbatched, optimal step
    lam = s**2 / n
    eta = 2 / (lam.max() + lam.min())
    assert r.stats["step_size"] == eta
    assert r.stats["contraction"] == pytest.approx((lam.max() - lam.min()) / (lam.max()
                                                                               + lam.min()))
    k = np.arange(K + 1)[:, None]
    expect = x_star + (1 - eta * lam) ** k * (x0 - x_star)
    H = r.history["iterates"]
    assert H.shape == (K + 1, d) and r.value.shape == (d,)
    assert np.all(np.abs(H - expect) <= 4 * (k + 1) * EPS * np.abs(x_star).max())


def test_gd_paper_distribution_anchors_regression():
    """A regression check on measured anchors (float64, n = 20, d = 5, median
    ||x_k - x*||^2 / d): eta = 0.5 reaches 1.3e-19 at k = 100; eta = 0.6 reaches
    1.6e-32 at k = 200.  Theory: the error contracts by rho = max|1 - eta lambda| per
    step (median rho ~0.82 at eta = 0.5), so the MSE falls like rho^(2k) until the
    rounding floor ~1e-31; the window (a factor 3) allows for the sample (measured here
    1.6e-19 and 1.6e-32 on 2000 problems with seed 0)."""
    p = sample_paper(1000, seed=0)
    m05 = p.mse(gradient_descent(p.A, p.b, p.x0, steps=100, step_size=0.5,
                                 history=False).value)
    assert 1.3e-19 / 3 <= np.median(m05) <= 1.3e-19 * 3
    m06 = p.mse(gradient_descent(p.A, p.b, p.x0, steps=200, step_size=0.6,
                                 history=False).value)
    assert np.median(m06) <= 1.6e-32 * 3


def test_gd_contraction_bound_and_observed_rate():
    """||e_k|| <= rho^k ||e_0|| + (rounding per step) / (1 - rho) against the refined
    least-squares solution; the observed rate between k = 10 and 40 (before the floor
    at eta = 0.5) approaches rho from below (the slowest mode dominates)."""
    p = sample_paper(300, seed=21)
    r = gradient_descent(p.A, p.b, p.x0, steps=80, step_size=0.5)
    x_ls = lstsq_reference(p.A, p.b, method="qr_refined").value
    e = np.linalg.norm(r.history["iterates"] - x_ls[:, None], axis=2)
    rho = r.stats["contraction"]
    xmax = np.max(np.linalg.norm(r.history["iterates"], axis=2), axis=1)
    delta = ((p.n + p.d) * 0.5 * r.stats["L"] + 1) * EPS * xmax
    bound = rho[:, None] ** np.arange(81) * e[:, :1] + (delta / (1 - rho))[:, None]
    assert np.all(e <= bound)
    observed = (e[:, 40] / e[:, 10]) ** (1 / 30)
    assert np.all(observed <= rho * (1 + 1e-6))
    assert np.median(observed / rho) >= 0.99


def test_gd_is_linear_in_scale():
    """GD is linear in (b, x0): with scale 4 (exact in binary) every iterate is exactly
    4 times the paper one."""
    p = sample_paper(20, seed=4)
    s = sample_scaled(20, scale=4.0, seed=4)
    rp = gradient_descent(p.A, p.b, p.x0, steps=30, step_size=0.5)
    rs = gradient_descent(s.A, s.b, s.x0, steps=30, step_size=0.5)
    np.testing.assert_array_equal(rs.history["iterates"], 4.0 * rp.history["iterates"])


def test_gd_result_and_per_problem_step():
    p = sample_paper(4, seed=9)
    r = gradient_descent(p.A, p.b, p.x0, steps=5, step_size=np.array([0.1, 0.2, 0.3, 0.4]))
    assert isinstance(r, Result) and r.side == "classical" and r.success
    assert r.method == "gradient_descent" and r.stats["iterations"] == 5
    np.testing.assert_array_equal(r.stats["step_size"], [0.1, 0.2, 0.3, 0.4])
    np.testing.assert_array_equal(r.history["iterates"][:, 0], p.x0)
    np.testing.assert_array_equal(r.history["iterates"][:, -1], r.value)
    assert np.all(r.stats["floor"] == r.stats["cond"] * EPS)
    r0 = gradient_descent(p.A, p.b, p.x0, steps=0)
    np.testing.assert_array_equal(r0.value, p.x0)


def test_gd_stability_limit():
    c = sample_cond(50, kappa=20.0, seed=1)  # L = 400/20 = 20: 2/L = 0.1
    with pytest.raises(ValueError, match=r"stability limit 2/L in 50 of 50 problems: problem 0 "
                                         r"\(2/L = 0\.1"):
        gradient_descent(c.A, c.b, c.x0, steps=10, step_size=0.5)
    with pytest.warns(RuntimeWarning, match="stability limit"):
        r = gradient_descent(c.A, c.b, c.x0, steps=10, step_size=0.5, on_unstable="warn")
    assert r.status is Status.UNSTABLE and r.stats["unstable"].all()
    with pytest.warns(RuntimeWarning), np.errstate(over="ignore"):
        r = gradient_descent(c.A, c.b, c.x0, steps=2000, step_size=0.5, on_unstable="warn",
                             history=False)
    assert r.status is Status.DIVERGED
    ok = gradient_descent(c.A, c.b, c.x0, steps=10)  # optimal step is always stable
    assert ok.success


def test_gd_bad_input():
    p = sample_paper(3, seed=0)
    A = np.array(p.A)
    A[2, 1, 0] = np.inf
    with pytest.raises(ValueError, match="`A` must be finite"):
        gradient_descent(A, p.b, p.x0, steps=3)
    with pytest.raises(ValueError, match=r"`b` must have shape \(B, n\)"):
        gradient_descent(p.A, p.b[:2], p.x0, steps=3)
    with pytest.raises(ValueError, match=r"`x0` must have shape \(d,\)"):
        gradient_descent(p.A[0], p.b[0], p.x0, steps=3)
    with pytest.raises(TypeError, match="`A` must be real"):
        gradient_descent(p.A.astype(complex), p.b, p.x0, steps=3)
    with pytest.raises(TypeError, match="numeric dtype"):
        gradient_descent(p.A, p.b.astype(str), p.x0, steps=3)
    with pytest.raises(ValueError, match="`steps` must be >= 0"):
        gradient_descent(p.A, p.b, p.x0, steps=-1)
    with pytest.raises(ValueError, match="`step_size` must be > 0; problem 1"):
        gradient_descent(p.A, p.b, p.x0, steps=3, step_size=[0.1, -0.1, 0.1])
    with pytest.raises(ValueError, match="shape"):
        gradient_descent(p.A, p.b, p.x0, steps=3, step_size=[0.1, 0.1])
    with pytest.raises(ValueError, match="'optimal'"):
        gradient_descent(p.A, p.b, p.x0, steps=3, step_size="fast")
    with pytest.raises(ValueError, match="on_unstable"):
        gradient_descent(p.A, p.b, p.x0, steps=3, on_unstable="ignore")
    with pytest.raises(ValueError, match="problem 0 is zero"):
        gradient_descent(np.zeros((3, 2)), np.zeros(3), np.zeros(2), steps=3)
    # float32 and integer input are converted exactly and computed in float64.
    r = gradient_descent(p.A.astype(np.float32), p.b.astype(np.float32), p.x0, steps=2)
    assert r.value.dtype == np.float64


@pytest.mark.parametrize("family,kw", [("paper", {}), ("noisy", {"sigma": 0.5}),
                                       ("cond", {"kappa": 1e4})])
def test_references_vs_mpmath(family, kw):
    """QR, SVD and LSQR are backward stable: relative error <~ c eps (kappa +
    kappa^2 ||r|| / (||A|| ||x||)) (Golub & Van Loan section 5.3) with the backward-
    error constant of Householder QR, c ~ n d (Higham, ASNA, Thm 20.3); measured
    worst on 150 problems per family: 1.4 (QR), 23 (SVD), 1.2 (LSQR).  The refined
    solve is within one ulp of the correctly rounded oracle value."""
    p = sample(family, 12, seed=30, **kw)
    ora = mp_lstsq(p.A, p.b)
    assert np.all(ora.stats["agreement_digits"] >= ora.stats["digits"])
    x = ora.value
    kappa = ora.stats["cond"]
    nA = np.linalg.norm(p.A, ord=2, axis=(1, 2))
    r = np.linalg.norm(p.b - np.einsum("bij,bj->bi", p.A, x), axis=1)
    xn = np.linalg.norm(x, axis=1)
    bound = p.n * p.d * EPS * (kappa + kappa**2 * r / (nA * xn))
    for method in ("qr", "svd", "lsqr"):
        res = lstsq_reference(p.A, p.b, method=method)
        assert res.success and res.method == f"lstsq_{method}"
        err = np.linalg.norm(res.value - x, axis=1) / xn
        assert np.all(err <= bound), method
    refined = lstsq_reference(p.A, p.b, method="qr_refined")
    assert np.all(_ulps(refined.value, x) <= 1)


def test_references_agree_at_the_float64_floor():
    """Measured: every float64 solver reaches MSE ~1e-31 against x* on the paper's
    distribution (SVD 3.9e-31, LSQR 3.5e-32); x* itself is exact only up to the
    rounding of b = A x*, cond(A) d eps relative, so MSE <= (cond d eps)^2 |x*|^2/d
    ~ 1e-30 is the most any method can be held to."""
    p = sample_paper(200, seed=0)
    for method in ("qr", "svd", "lsqr", "qr_refined"):
        m = p.mse(lstsq_reference(p.A, p.b, method=method).value)
        assert np.median(m) <= 1e-30, method
    bound = (conditioning(p.A).cond * p.d * EPS) ** 2 * np.sum(p.x_star**2, axis=1) / p.d
    assert np.all(p.mse(lstsq_reference(p.A, p.b, method="qr_refined").value) <= 4 * bound)


def test_rank_deficient_minimum_norm():
    rng = np.random.default_rng(40)
    A = rng.standard_normal((3, 10, 4))
    A[1, :, 3] = A[1, :, 0]  # problem 1: duplicated column, rank 3
    b = rng.standard_normal((3, 10))
    for method in ("qr", "svd", "lsqr", "qr_refined"):
        with pytest.warns(RankDeficientWarning, match="problem 1: rank 3"):
            r = lstsq_reference(A, b, method=method)
        assert list(r.stats["rank_deficient"]) == [False, True, False]
        x1 = r.value[1]
        # Minimum norm: orthogonal to the null vector (1, 0, 0, -1)/sqrt(2), and the
        # same as the pseudo-inverse solution.
        assert abs(x1[0] - x1[3]) <= 8 * EPS * np.abs(x1).max()
        np.testing.assert_allclose(x1, np.linalg.pinv(A[1]) @ b[1], rtol=1e-13, atol=1e-14)
    assert issubclass(RankDeficientWarning, IllConditionedWarning)
    with pytest.warns(RankDeficientWarning):
        gradient_descent(A, b, np.zeros((3, 4)), steps=3)
    with pytest.raises(ValueError, match="problem 1 is rank deficient"):
        mp_lstsq(A, b)
    with pytest.warns(RankDeficientWarning, match="rank 2"):  # n < d: underdetermined
        r = lstsq_reference(rng.standard_normal((2, 3)), rng.standard_normal(2))
    assert r.value.shape == (3,)


def test_ill_conditioned_warning():
    c = sample_cond(2, kappa=1e9, seed=0)
    with pytest.warns(IllConditionedWarning, match="condition number 1e\\+09"):
        lstsq_reference(c.A, c.b)
    # Below the threshold 1/sqrt(eps) ~ 6.7e7: quiet.
    c = sample_cond(2, kappa=1e6, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lstsq_reference(c.A, c.b)


def test_reference_unbatched_and_errors():
    A = np.array([[1.0, 1.0], [1.0, -1.0], [0.0, 0.0]])
    b = np.array([3.0, 1.0, 5.0])
    for method in ("qr", "svd", "lsqr", "qr_refined"):
        r = lstsq_reference(A, b, method=method)
        np.testing.assert_allclose(r.value, [2.0, 1.0], rtol=4 * EPS)
        assert abs(r.stats["residual_norm"] - 5.0) <= 8 * 5.0 * EPS
    with pytest.raises(ValueError, match="`method` must be one of"):
        lstsq_reference(A, b, method="cholesky")
    with pytest.raises(ValueError, match="`A` must be 2 or 3-dimensional"):
        lstsq_reference(np.ones(3), b)
    with pytest.raises(ValueError, match="`A` is empty"):
        lstsq_reference(np.ones((0, 2)), np.ones(0))
    with pytest.raises(ValueError, match="`b` must be finite"):
        lstsq_reference(A, np.array([1.0, np.nan, 0.0]))


def test_gd_conditioning_checks_and_warns_at_the_callers_line():
    rng = np.random.default_rng(5)
    A = rng.standard_normal((3, 12, 4))
    c, ref = gd_conditioning(A), conditioning(A)
    for f in ("singular_values", "cond", "L", "mu", "step_optimal", "rank"):
        assert np.array_equal(getattr(c, f), getattr(ref, f))
    A[1, :, 3] = A[1, :, 2]
    with pytest.warns(RankDeficientWarning, match=r"my_solver.*problem 1: rank 3") as rec:
        gd_conditioning(A, caller="my_solver")
    assert rec[0].filename == __file__
    A[2] = 0.0
    with pytest.raises(ValueError, match="problem 2 is zero"):
        gd_conditioning(A)


def test_svd_conditioning_is_the_shared_exact_cond_and_rank():
    """conditioning (classical) and mp_lstsq's rank check (precision) use one SVD
    routine: same bits as numpy's batched SVD and matrix_rank's cutoff."""
    rng = np.random.default_rng(6)
    A = rng.standard_normal((5, 9, 3))
    A[4, :, 2] = 2.0 * A[4, :, 0]
    s, cond, rank, rc = svd_conditioning(A)
    assert np.array_equal(s, np.linalg.svd(A, compute_uv=False))
    assert np.array_equal(cond[:4], s[:4, 0] / s[:4, -1])
    assert rank.tolist() == [3, 3, 3, 3, 2] == np.linalg.matrix_rank(A).tolist()
    with pytest.warns(IllConditionedWarning, match="rank 2 < d = 3"):
        c = conditioning(A)
    assert np.array_equal(c.cond, cond) and np.array_equal(c.rank, rank) and c.rcond == rc
    with pytest.raises(ValueError, match="`rcond` must be a finite non-negative"):
        svd_conditioning(A, rcond=-1.0)
