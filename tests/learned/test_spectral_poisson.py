"""Poisson2d-C learned objectives: explicit BWLer (Laplacian of the layer at scattered
points, the QR floor, a tiny Gauss-Newton run) and the MLP PINN."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.spectral import (  # noqa: E402
    ExplicitBWLerPoisson,
    MLPPINNPoisson,
    Phase,
    explicit_poisson_floor,
    fit,
)

EPS = np.finfo(float).eps


def _nodal(obj, f):
    x = obj.layer.nodes[0]
    X, Y = torch.meshgrid(x, obj.layer.nodes[1], indexing="ij")
    return f(X, Y).reshape(-1)


@pytest.fixture(scope="module")
def small():
    return ExplicitBWLerPoisson(n=9, n_interior=300, n_boundary=16, seed=3)


def test_laplacian_at_scattered_points_closed_form(small):
    # u = x^4 y^2 + y^5: Laplacian 12 x^2 y^2 + 2 x^4 + 20 y^3 (degree <= 8: exact)
    theta = _nodal(small, lambda x, y: x**4 * y**2 + y**5)
    p = small.interior
    x, y = p[:, 0], p[:, 1]
    lap = small.laplacian(theta, p)
    exact = 12 * x**2 * y**2 + 2 * x**4 + 20 * y**3
    # D2 on 9 points of [-0.5, 0.5] has norm ~ 4 * 9^4; values O(1)
    assert float((lap - exact).abs().max()) <= 64 * EPS * 4 * 9**4


def test_pde_term_vanishes_for_a_harmonic_polynomial(small):
    # Re (x + iy)^5 = x^5 - 10 x^3 y^2 + 5 x y^4: harmonic; the boundary terms are the
    # closed-form misfits of the problem's data
    f = lambda x, y: x**5 - 10 * x**3 * y**2 + 5 * x * y**4  # noqa: E731
    theta = _nodal(small, f)
    r = small.residuals(theta)
    assert float(r["pde"].abs().max()) <= 64 * EPS * 4 * 9**4 / np.sqrt(300)
    w = np.sqrt(10.0 / (4 * 16))
    sq = small.square
    expect = w * (f(sq[:, 0], sq[:, 1]) - 1.0)
    assert float((r["bc_square"] - expect).abs().max()) <= 16 * EPS
    assert sorted(r) == ["bc_circles", "bc_square", "pde"]


def test_matrix_from_residual_matches_the_loss(small):
    A, b = small.matrix(chunk=17)
    theta = torch.randn(small.size, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    r = small.residual_vector(theta)
    assert float((A @ theta - b - r).abs().max()) <= 1e3 * EPS * float(r.abs().max() + 1)


def test_gauss_newton_reaches_the_qr_floor(small):
    x, stats = explicit_poisson_floor(small)
    floor = float(small.loss(torch.as_tensor(x)))
    res = fit(small, [Phase("gauss_newton", 4, {"mu": 1e-10})], progress=False)
    assert res.side == "learned" and res.value.shape == small.problem.truth().shape
    # normal-equation GN: relative loss gap within kappa^2 eps
    assert (res.stats["loss"] - floor) <= max(1e-8, stats["cond"] ** 2 * EPS) * floor
    assert stats["rank"] == small.size


def test_mlp_pinn_laplacian_and_tiny_training():
    obj = MLPPINNPoisson(hidden=(8, 8), n_interior=100, n_boundary=8, seed=1)
    theta = obj.initial_parameters()
    # autograd Laplacian vs central differences of the network
    p = obj.interior[:5]
    h = 1e-4
    lap_fd = 0
    for k in range(2):
        e = torch.zeros(2, dtype=torch.float64)
        e[k] = h
        u = obj._u
        lap_fd = lap_fd + (u(theta, p + e) - 2 * u(theta, p) + u(theta, p - e)) / h**2
    assert float((obj.laplacian(theta, p).detach() - lap_fd).abs().max()) < 1e-5
    res = fit(obj, [Phase("adam", 40, {"lr_max": 1e-2})], progress=False)
    assert res.stats["loss"] < float(obj.loss(theta))
    assert np.isfinite(res.value).all()


def test_objectives_config_and_predict_shape(small):
    cfg = small.config()
    assert cfg["model"] == "explicit_bwler" and cfg["n"] == 9 and cfg["bc_weight"] == 10.0
    assert small.predict(small.initial_parameters()).shape == small.problem.truth().shape


def test_entry_point_status_is_honest_about_a_missed_target():
    from numlearn.learned.spectral import solve_bwler_poisson

    with pytest.warns(RuntimeWarning, match="target"):
        r = solve_bwler_poisson(n=5, steps=1, target=1e-3, progress=False)
    assert r.status.name == "TARGET_NOT_REACHED" and r.side == "learned"
    assert r.stats["rel_l2"] > 1e-3 and r.stats["settings"]["n"] == 5
