"""Tests of numlearn.classical.spectral.laplace: the Poisson2d-C series fit, its
certificate and the Nyström solve."""

import numpy as np
import pytest

from numlearn._core.result import STATS_VOCABULARY, check_stats
from numlearn.classical.spectral import (
    Poisson2dCExpansion,
    fit_poisson2d_c,
    poisson2d_c_boundary_error,
    poisson2d_c_nystrom,
)
from numlearn.problems.poisson2d import (
    CENTERS,
    RADIUS,
    distance_to_boundary,
    load_poisson2d_reference,
)


@pytest.fixture(scope="module")
def ref():
    return load_poisson2d_reference()


def _interior_points(rng, n, margin):
    """Seeded random points at distance >= margin from the boundary."""
    x = rng.uniform(-0.5, 0.5, 20 * n)
    y = rng.uniform(-0.5, 0.5, 20 * n)
    keep = distance_to_boundary(x, y) >= margin
    return x[keep][:n], y[keep][:n]


def test_expansion_of_the_reference_evaluates_like_the_reference(ref, rng):
    x, y = _interior_points(rng, 200, 0.0)
    e = Poisson2dCExpansion.from_reference(ref)
    np.testing.assert_array_equal(e(x, y), ref(x, y))  # the same evaluation code
    assert (e.n_laurent, e.n_poly) == (ref.n_laurent, ref.n_poly)


def test_gradient_matches_finite_differences(ref, rng):
    # The certificate uses the analytic tangential derivative; check it by 4th-order
    # central differences, h = 1e-3: truncation h^4 u^(5)/30 with |u^(5)| <~ 5!/0.05^5
    # (distance >= 0.05 to the nearest singularity) ~ 1e-7, rounding eps/h ~ 1e-13.
    x, y = _interior_points(rng, 30, 0.05)
    e = Poisson2dCExpansion.from_reference(ref)
    h = 1e-3

    def d4(f):
        return (-f(2 * h) + 8 * f(h) - 8 * f(-h) + f(-2 * h)) / (12 * h)

    gx, gy = e.gradient(x, y)
    np.testing.assert_allclose(gx, d4(lambda s: e(x + s, y)), rtol=0, atol=1e-7)
    np.testing.assert_allclose(gy, d4(lambda s: e(x, y + s)), rtol=0, atol=1e-7)


def test_certificate_bounds_the_boundary_error(ref):
    # The bound adds h max|d_s e| (and twice the rounding estimate) to the sampled
    # maximum; any sampled boundary error is at most the true boundary maximum, which
    # the stored certified bound (65,536 samples per piece) bounds.
    cert = poisson2d_c_boundary_error(Poisson2dCExpansion.from_reference(ref), 1024, 1024)
    assert cert["certified_bound"] >= cert["bound"] >= cert["max_sampled"] > 0
    assert cert["n_per_edge"] == 1025 and cert["n_per_circle"] == 1024
    assert set(cert["per_piece"]) == {f"edge{i}" for i in range(4)} | {
        f"circle{i}" for i in range(4)}
    assert cert["max_sampled"] <= ref.certified_bound


def test_independent_nystrom_solve_regression(ref, rng):
    # A boundary-integral solve that shares only the geometry with the series.  Theory:
    # the Gauss panels converge geometrically away from the boundary (points >= 0.05,
    # about one panel length, from it), so the error is rounding of the dense solve,
    # cond * eps with cond ~ 10.  Calibrated here: at these parameters (2,432 unknowns)
    # it differs from its default-resolution solve by at most 8.4e-14 at the 20,789
    # evaluation points >= 0.05 from the boundary, so 1e-12 is 12x that.
    x, y = _interior_points(rng, 30, 0.05)
    u = poisson2d_c_nystrom(x, y, n_uniform=16, levels=8, n_circle=96)
    np.testing.assert_allclose(u, ref(x, y), rtol=0, atol=1e-12)


def test_fit_converges_geometrically_regression():
    # Boundary error of fresh fits on 1,001 points per edge/circle.  Theory: geometric
    # convergence, the rate set by the singularities of the harmonic continuation
    # beyond the boundary.  Calibrated here: about 0.25 per Laurent term (a factor
    # 30-80 per four terms of each kind), so a factor 20 per step is the floor.
    z = np.concatenate([0.5 + 1j * np.linspace(-0.5, 0.5, 1001),
                        CENTERS[0] + RADIUS * np.exp(2j * np.pi * np.arange(1001) / 1001)])
    g = np.where(np.abs(z.real) == 0.5, 1.0, 0.0)
    errs = [np.max(np.abs(fit_poisson2d_c(n, n, 200, 200)(z.real, z.imag) - g))
            for n in (12, 16, 20)]
    assert errs[1] < errs[0] / 20 and errs[2] < errs[1] / 20


def test_fit_stats_speak_the_vocabulary():
    e = fit_poisson2d_c(8, 8, 100, 100)
    check_stats(e.stats)
    assert e.stats["cond_of"] and "cond" in STATS_VOCABULARY
    # columns scaled to unit norm, D4-symmetric basis: a well-conditioned system
    assert 1.0 <= e.stats["cond"] < 100 and e.stats["rank"] == 2 + 8 + 8


def test_fit_rejects_bad_sizes():
    with pytest.raises(ValueError, match="cannot determine"):
        fit_poisson2d_c(10, 10, 5, 5)
    with pytest.raises(TypeError, match="n_laurent"):
        fit_poisson2d_c(2.5)
    with pytest.raises(ValueError, match="n_poly"):
        fit_poisson2d_c(10, -1)
