"""numlearn.problems.least_squares: the seeded samplers and the batch container.

Oracles: the mpmath solve (``mp_lstsq``, two precisions) for the noisy family's truth,
exact rational arithmetic (``fractions``) for ``b = A x*``, exact powers of two for the
scaled family, singular values for the cond family.
"""

import math
from fractions import Fraction

import numpy as np
import pytest

from numlearn.classical.least_squares import (
    lstsq_reference,
)
from numlearn.precision import mp_lstsq
from numlearn.problems.least_squares import (
    LS_FAMILIES,
    LeastSquaresBatch,
    sample,
    sample_cond,
    sample_noisy,
    sample_paper,
    sample_scaled,
    sample_shape,
)

EPS = np.finfo(np.float64).eps


def _ulps(x, y):
    """Componentwise distance in units of the spacing at ``y``."""
    return np.abs(x - y) / np.spacing(np.abs(y))


def test_paper_sampler_shapes_seeding_and_readonly():
    p = sample_paper(7, seed=3)
    assert (p.A.shape, p.b.shape, p.x_star.shape, p.x0.shape) == (
        (7, 20, 5), (7, 20), (7, 5), (7, 5))
    assert all(a.dtype == np.float64 for a in (p.A, p.b, p.x_star, p.x0))
    assert (len(p), p.n, p.d) == (7, 20, 5)
    q = sample_paper(7, seed=np.random.default_rng(3))
    for name in ("A", "b", "x_star", "x0"):
        np.testing.assert_array_equal(getattr(p, name), getattr(q, name))
    assert not np.array_equal(p.A, sample_paper(7, seed=4).A)
    with pytest.raises(ValueError, match="read-only"):
        p.A[0, 0, 0] = 1.0
    assert p.meta["family"] == "paper" and p.meta["seed"] == 3


def test_paper_b_is_float64_product():
    """b = fl(A x*): within the dot-product bound gamma_d sum |a||x| (Higham, ASNA, section 3.1,
    u = eps/2) of the exact rational product."""
    p = sample_paper(3, seed=0)
    for k in range(3):
        for i in range(p.n):
            exact = sum(Fraction(float(a)) * Fraction(float(x))
                        for a, x in zip(p.A[k, i], p.x_star[k], strict=True))
            bound = p.d * EPS / 2 * float(np.abs(p.A[k, i]) @ np.abs(p.x_star[k])) * 1.01
            assert abs(Fraction(float(p.b[k, i])) - exact) <= Fraction(bound)


def test_cond_family_singular_values():
    """Singular values span [1, kappa]; the float product U diag(s') V^T perturbs
    them by at most ||E||_2 <~ n eps kappa (Weyl).  Same draws as the paper family."""
    kappa = 1e3
    c = sample_cond(20, kappa=kappa, seed=5)
    s = np.linalg.svd(c.A, compute_uv=False)
    tol = c.n * EPS * kappa
    assert np.all(np.abs(s[:, 0] - kappa) <= tol) and np.all(np.abs(s[:, -1] - 1) <= tol)
    p = sample_paper(20, seed=5)
    np.testing.assert_array_equal(c.x_star, p.x_star)
    np.testing.assert_array_equal(c.x0, p.x0)
    assert sample_cond(2, kappa=1.0, seed=0).A.shape == (2, 20, 5)


def test_scaled_family_is_exact_power_of_two_multiple():
    p = sample_paper(10, seed=8)
    s = sample_scaled(10, scale=4.0, seed=8)
    np.testing.assert_array_equal(s.A, p.A)
    for name in ("b", "x_star", "x0"):
        np.testing.assert_array_equal(getattr(s, name), 4.0 * getattr(p, name))


def test_shape_family_and_registry():
    s = sample_shape(4, n=40, d=10, seed=1)
    assert s.A.shape == (4, 40, 10) and s.meta["family"] == "shape"
    assert set(LS_FAMILIES) == {"paper", "cond", "scaled", "shape", "noisy"}
    assert sample("cond", 2, 0, kappa=5.0).meta["kappa"] == 5.0
    with pytest.raises(ValueError, match="unknown least-squares family 'nope'"):
        sample("nope", 2)
    with pytest.raises(TypeError, match="family 'paper'"):
        sample("paper", 2, 0, kappa=3.0)
    with pytest.raises(ValueError, match="n >= d"):
        sample_shape(2, n=3, d=5)
    for kw, match in (({"kappa": 0.5}, "kappa"), ({"kappa": math.inf}, "kappa")):
        with pytest.raises(ValueError, match=match):
            sample_cond(2, **kw)
    with pytest.raises(ValueError, match="scale"):
        sample_scaled(2, scale=0.0)
    with pytest.raises(ValueError, match="sigma"):
        sample_noisy(2, sigma=-1.0)
    with pytest.raises(ValueError, match="batch"):
        sample_paper(0)
    with pytest.raises(TypeError, match="seed"):
        sample_paper(2, seed="abc")


def test_noisy_family_x_star_is_the_least_squares_solution():
    """x_star of the inconsistent family is the mpmath oracle's correctly rounded
    solution (independent of the float64 solvers it scores)."""
    s = sample_noisy(12, sigma=0.1, seed=2)
    oracle = mp_lstsq(s.A, s.b)
    assert np.all(oracle.stats["rounding_certified"])
    np.testing.assert_array_equal(s.x_star, oracle.value)
    assert "mpmath" in s.meta["x_star"]
    # the float64 refined QR solve agrees to an ulp (it is no longer the truth)
    refined = lstsq_reference(s.A, s.b, method="qr_refined").value
    assert np.all(_ulps(refined, s.x_star) <= 1)
    r = np.linalg.norm(s.b - np.einsum("bij,bj->bi", s.A, s.x_star), axis=1)
    # ||r|| / sigma ~ chi_{n-d}, mean ~ sqrt(15) = 3.9; below 0.2 of that with
    # probability ~1e-9 per problem: the system is really inconsistent.
    assert np.all(r > 0.2 * 0.1 * math.sqrt(s.n - s.d))


def test_batch_validation_mse_subset():
    p = sample_paper(5, seed=0)
    with pytest.raises(ValueError, match=r"`b` must have shape \(5, 20\)"):
        LeastSquaresBatch(p.A, p.b[:, :3], p.x_star, p.x0)
    bad = np.array(p.x0)
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match="`x0` must be finite"):
        LeastSquaresBatch(p.A, p.b, p.x_star, bad)
    with pytest.raises(TypeError, match="`A` must be real"):
        LeastSquaresBatch(p.A + 0j, p.b, p.x_star, p.x0)
    np.testing.assert_array_equal(p.mse(p.x_star), np.zeros(5))
    e = p.mse(p.x_star + 2.0)
    np.testing.assert_array_equal(e, np.full(5, 4.0))
    assert p.mse(np.stack([p.x_star, p.x0], axis=1)).shape == (5, 2)
    sub = p.subset([1, 3])
    np.testing.assert_array_equal(sub.A, p.A[[1, 3]])
    assert sub.meta["subset_of"] == 5
