"""The explicit BWLer objective against the classical space-time collocation (oracle:
the assembled weighted system ``A v - b`` and its pivoted-QR least-squares solve)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.classical.spectral.spacetime import spacetime_system  # noqa: E402
from numlearn.classical.spectral.spacetime.discretisation import _residual  # noqa: E402
from numlearn.learned.optim import LBFGS, NNCG, AdamCosine  # noqa: E402
from numlearn.learned.spectral import (  # noqa: E402
    ExplicitBWLer,
    NonFiniteLossError,
    Phase,
    fit,
    solve_explicit_bwler,
)
from numlearn.problems.pdes import get_pde  # noqa: E402

EPS = float(np.finfo(np.float64).eps)
LINEAR = [("convection", 17, 16), ("wave", 13, 11)]
NONLINEAR = [("reaction", 11, 9), ("burgers", 11, 9)]


def _rand(n: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, generator=g, dtype=torch.float64)


@pytest.mark.parametrize(("name", "nt", "nx"), LINEAR)
@pytest.mark.parametrize("collocation", [None, 2])
def test_linear_residual_is_classical_system(name, nt, nx, collocation):
    obj = ExplicitBWLer(name, nt, nx, collocation=collocation)
    sys = spacetime_system(name, nt, nx, collocation=collocation, weights="paper")
    v = _rand(nt * nx)
    r = obj.residual_vector(v).numpy()
    ref = sys.A @ v.numpy() - sys.b
    scale = np.linalg.norm(sys.A, 2) * np.linalg.norm(v.numpy()) + np.linalg.norm(sys.b)
    assert np.max(np.abs(r - ref)) <= 8 * EPS * scale
    # the blocks are the classical row blocks, in order
    blocks = obj.residuals(v)
    assert list(blocks) == list(sys.blocks)
    for k, sl in sys.blocks.items():
        np.testing.assert_allclose(blocks[k].numpy(), ref[sl], rtol=0, atol=8 * EPS * scale)
    # system() is the same system (same weights)
    np.testing.assert_array_equal(obj.system().A, sys.A)


@pytest.mark.parametrize(("name", "nt", "nx"), LINEAR)
def test_gradient_is_normal_equations(name, nt, nx):
    obj = ExplicitBWLer(name, nt, nx)
    A, b = obj.system().A, obj.system().b
    v = _rand(nt * nx, 1).requires_grad_(True)
    (g,) = torch.autograd.grad(obj.loss(v), v)
    ref = 2 * A.T @ (A @ v.detach().numpy() - b)
    scale = 2 * np.linalg.norm(A, 2) * (np.linalg.norm(A, 2) * np.linalg.norm(v.detach().numpy())
                                       + np.linalg.norm(b))
    assert np.max(np.abs(g.numpy() - ref)) <= 16 * EPS * scale
    np.testing.assert_array_equal(obj.constant_jacobian().numpy(), A)


@pytest.mark.parametrize(("name", "nt", "nx"), NONLINEAR)
@pytest.mark.parametrize("weights", ["paper", "equilibrate"])
def test_nonlinear_residual_is_classical(name, nt, nx, weights):
    obj = ExplicitBWLer(name, nt, nx, weights=weights)
    v = 0.5 * _rand(nt * nx, 2)
    ref = obj.row_weights * _residual(obj._disc, v.numpy())
    r = obj.residual_vector(v).numpy()
    np.testing.assert_allclose(r, ref, rtol=0, atol=16 * EPS * np.abs(ref).max())
    assert obj.layer.shape == (nt, nx)


def test_residuals_at_values_and_config_roundtrip():
    obj = ExplicitBWLer(get_pde("convection", beta=5.0), 9, 6, collocation=(11, 8),
                        weights="equilibrate")
    v = _rand(54, 3)
    a = obj.residuals(v)
    b = obj.residuals_at_values(v.view(obj.shape))
    for k in a:
        assert torch.equal(a[k], b[k])
    cfg = obj.config()
    again = ExplicitBWLer.from_config(json.loads(json.dumps(cfg)))
    assert again.config() == cfg
    assert torch.equal(again.residual_vector(v), obj.residual_vector(v))
    assert torch.equal(obj.initial_parameters(7), torch.zeros(54, dtype=torch.float64))


@pytest.mark.parametrize(("name", "nt", "nx"), LINEAR + NONLINEAR)
def test_layer_axes_and_predict_equal_classical_interpolant(name, nt, nx):
    obj = ExplicitBWLer(name, nt, nx)
    np.testing.assert_array_equal(obj.layer.nodes[0].numpy(), obj._disc.t.nodes)
    np.testing.assert_array_equal(obj.layer.nodes[1].numpy(), obj._disc.x.nodes)
    v = _rand(nt * nx, 4)
    from numlearn.classical.spectral.spacetime import SpaceTimeInterpolant

    t, x = obj.problem.evaluation_grid()
    ref = SpaceTimeInterpolant(v.numpy().reshape(nt, nx), obj.problem.t_domain,
                               obj.problem.x_domain, obj._disc.x_basis)(t, x)
    got = obj.predict(v)
    assert got.dtype == np.float64 and got.shape == ref.shape
    assert np.max(np.abs(got - ref)) <= 64 * EPS * np.abs(v.numpy()).max() * np.log(nt * nx)


def test_predict_equals_collocation_system_evaluate():
    obj = ExplicitBWLer("wave", 13, 11)
    v = _rand(13 * 11, 5)
    t, x = obj.problem.evaluation_grid()
    ref = obj.system().evaluate(v.numpy(), t, x)
    assert np.max(np.abs(obj.predict(v) - ref)) <= 1e-15 * 64 * np.abs(v.numpy()).max()


def test_nan_parameters_named_by_loss_terms_and_predict():
    obj = ExplicitBWLer("convection", 9, 4)
    v = torch.zeros(36, dtype=torch.float64)
    v[3] = float("nan")
    with pytest.raises(NonFiniteLossError, match="'pde'"):
        obj.loss_terms(v, step=5)
    with pytest.raises(ValueError, match="NaN"):
        obj.predict(v)


def test_optimizers_decrease_loss():
    obj = ExplicitBWLer(get_pde("convection", beta=2.0), 9, 4)
    th0 = obj.initial_parameters()
    l0 = float(obj.loss(th0))
    for opt in (AdamCosine(5, lr_max=1e-2), LBFGS(max_iter=1),
                NNCG(rank=8, cg_max_iter=10, mu=1e-8)):
        th, _ = opt.minimize(th0.clone(), obj.loss, max_iter=3)
        assert float(obj.loss(th)) < l0, type(opt).__name__


@pytest.mark.parametrize("optimizer", ["gauss_newton", "nncg"])
def test_tiny_training_reaches_classical_floor(optimizer):
    # coarse convection: 17 x 16 nodes, beta = 2; the classical QR floor is the oracle
    obj = ExplicitBWLer(get_pde("convection", beta=2.0), 17, 16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        floor = obj.classical_solution().stats["rel_l2"]
    if optimizer == "gauss_newton":
        phases = [Phase("gauss_newton", 4, {"mu": 1e-12})]
    else:
        phases = [Phase("nncg", 40, {"rank": 100, "cg_max_iter": 50, "mu": 1e-13})]
    res = fit(obj, phases, progress=False, target=3 * floor)
    assert res.stats["error"] <= 3 * floor, (res.stats["error"], floor)
    dec = obj.system().decomposition(res.stats["theta"].numpy())
    assert dec is not None


def test_solve_explicit_bwler_reports_floor():
    res = solve_explicit_bwler(get_pde("convection", beta=4.0), progress=False)
    assert res.success
    s = res.stats
    assert s["error"] <= 3 * s["classical_error"]
    assert s["floor_ratio"] == pytest.approx(s["error"] / s["classical_error"])
    assert "explicit BWLer 41x4" in res.method and "gauss_newton" in res.method
    assert res.value.shape == (200, 200)


def test_solve_explicit_bwler_flags_unreached_floor():
    with pytest.warns(RuntimeWarning, match="classical error"):
        res = solve_explicit_bwler(get_pde("convection", beta=4.0), progress=False,
                                   phases=[Phase("adam", 2)])
    assert res.status.code == "target_not_reached"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_residual_matches_cpu():  # pragma: no cover - needs a GPU
    cpu = ExplicitBWLer("wave", 13, 11)
    gpu = ExplicitBWLer("wave", 13, 11, device="cuda")
    v = _rand(143, 6)
    np.testing.assert_allclose(gpu.residual_vector(v.cuda()).cpu().numpy(),
                               cpu.residual_vector(v).numpy(), rtol=0, atol=1e-13)
