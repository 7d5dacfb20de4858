"""Dense linear algebra (numlearn.classical.linalg): QR least squares, conditioning, scaling.

Oracles: numpy's SVD and lstsq, dense inverses for the 1-norm estimator, exact
arithmetic for the power-of-two scalings.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.linalg as sla

from numlearn._core.validation import EPS
from numlearn.classical.linalg import (
    inverse_norm1_estimate,
    power_of_two_row_scale,
    qr_lstsq,
    triangular_extreme_singular_values,
    unit_row_scale,
)


def test_qr_lstsq_matches_svd_solution_and_condition(rng: np.random.Generator) -> None:
    """A 30 x 12 matrix with singular values 1 ... 1e-6: the minimiser agrees with
    numpy's SVD-based lstsq to about cond^2 eps ||r|| / ||A|| (inconsistent b), and
    the condition number from R equals the SVD's to rounding."""
    u, _ = np.linalg.qr(rng.standard_normal((30, 12)))
    v, _ = np.linalg.qr(rng.standard_normal((12, 12)))
    s = np.logspace(0, -6, 12)
    A = (u * s) @ v.T
    b = rng.standard_normal(30)
    sol = qr_lstsq(A, b, cond="svd")
    ref = np.linalg.lstsq(A, b, rcond=None)[0]
    kappa = s[0] / s[-1]
    assert sol.rank == 12 and sol.cond_method == "svd"
    assert sol.cond == pytest.approx(kappa, rel=1e-6)
    r = np.linalg.norm(A @ ref - b)
    assert np.linalg.norm(sol.x - ref) <= 10 * kappa**2 * EPS * (r + np.linalg.norm(b))


def test_qr_lstsq_row_scale_is_the_scaled_problem(rng: np.random.Generator) -> None:
    A = rng.standard_normal((9, 4))
    b = rng.standard_normal(9)
    w = rng.uniform(0.5, 4.0, 9)
    a = qr_lstsq(A, b, row_scale=w, cond="none")
    c = qr_lstsq(w[:, None] * A, w * b, cond="none")
    np.testing.assert_array_equal(a.x, c.x)  # the same arithmetic
    assert math.isnan(a.cond) and a.cond_method == "none"


def test_qr_lstsq_rank_deficient_gives_basic_solution() -> None:
    A = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    A[:, 2] = A[:, 0] + A[:, 1]  # rank 2
    b = A @ np.array([1.0, 1.0, 0.0])
    sol = qr_lstsq(A, b)
    assert sol.rank == 2 and sol.cond == math.inf and sol.cond_method == "rank-deficient"
    assert np.count_nonzero(sol.x) <= 2
    np.testing.assert_allclose(A @ sol.x, b, atol=20 * EPS * np.abs(b).max())


def test_lanczos_extremes_match_svd(rng: np.random.Generator) -> None:
    A = rng.standard_normal((60, 40))
    R = sla.qr(A, mode="r")[0][:40]
    smax, smin, how = triangular_extreme_singular_values(R, "lanczos")
    s = np.linalg.svd(A, compute_uv=False)
    assert how.startswith("lanczos")
    # svds tolerance 1e-6 relative.
    assert smax == pytest.approx(s[0], rel=1e-5) and smin == pytest.approx(s[-1], rel=1e-5)


def test_inverse_norm1_estimate_is_a_good_lower_bound(rng: np.random.Generator) -> None:
    for n in (1, 5, 40, 200):
        a = rng.standard_normal((n, n)) + np.diag(rng.uniform(0.1, 3, n))
        inv = np.linalg.inv(a)
        exact = np.linalg.norm(inv, 1)
        est = inverse_norm1_estimate(lambda v, a=a: np.linalg.solve(a, v),
                                     lambda v, a=a: np.linalg.solve(a.T, v), n)
        # Hager-Higham: a lower bound (up to rounding), within a factor 3 in practice.
        assert exact / 3 <= est <= exact * (1 + 1e-12)


def test_row_scalings() -> None:
    A = np.array([[3.0, -4.0], [0.0, 1e-3], [2.0**40, 1.0], [0.0, 0.0]])
    s = power_of_two_row_scale(A)
    big = np.abs(A * s[:, None]).max(axis=1)
    assert np.all((big[:3] >= 0.5) & (big[:3] < 1.0)) and s[3] == 0.5
    assert np.all(np.frexp(s)[0] == 0.5)  # exact powers of two
    t = power_of_two_row_scale(A, nearest=True)
    big = np.abs(A * t[:, None]).max(axis=1)
    assert np.all((big[:3] >= 2**-0.5) & (big[:3] <= 2**0.5)) and t[3] == 1.0
    u = unit_row_scale(A[:3])
    np.testing.assert_allclose(np.linalg.norm(A[:3] * u[:, None], axis=1), 1.0, rtol=2 * EPS)
    with pytest.raises(ValueError, match="row 3"):
        unit_row_scale(A)
