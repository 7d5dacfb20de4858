"""MLP PINN and BWLer-hat objectives: derivatives, loss assembly, optimisers, end to end.

Oracles: closed-form derivatives of a one-hidden-layer tanh network; the exact
solutions of convection, reaction and wave written in torch (a stand-in "network" whose
loss must vanish to rounding); the explicit BWLer objective at independently computed
node values.
"""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.layers import MLP, FlatParameters  # noqa: E402
from numlearn.learned.spectral import MLPPINN, BWLerHat, PDEObjective  # noqa: E402
from numlearn.learned.spectral.pinn import needed_derivatives  # noqa: E402
from numlearn.problems.pdes import get_pde  # noqa: E402

F64 = torch.float64
EPS = float(np.finfo(np.float64).eps)
SMALL = {"hidden": (6, 6), "grid": (5, 7), "n_ic": 6, "n_bc": 4}


def _points(m, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(m, 2, dtype=F64, generator=g) * torch.tensor([1.0, 2 * math.pi],
                                                                    dtype=F64)


@pytest.mark.parametrize("mode", ["autograd", "forward"])
def test_derivatives_equal_the_closed_form_of_a_one_layer_tanh_net(mode):
    obj = MLPPINN(get_pde("wave"), hidden=(7,), grid=(3, 3), n_ic=3, n_bc=2,
                  derivatives=mode)
    theta = obj.initial_parameters(4) + 0.3  # nonzero biases
    W1, b1, W2, b2 = obj.flat.unflatten(theta).values()
    z = _points(40)
    a = torch.tanh(z @ W1.T + b1)  # (m, 7)
    s = 1 - a**2  # tanh'
    s2 = -2 * a * s  # tanh''
    v = W2[0]
    exact = {"u_t": (s * W1[:, 0]) @ v, "u_x": (s * W1[:, 1]) @ v,
             "u_tt": (s2 * W1[:, 0] ** 2) @ v, "u_xx": (s2 * W1[:, 1] ** 2) @ v}
    u, d = obj.derivatives_at(theta, z, tuple(exact))
    assert torch.allclose(u, a @ v + b2, rtol=0, atol=16 * EPS * float(v.abs().sum()))
    scale = float(v.abs().sum() * (W1.abs().max() ** 2 + 1))
    for k, e in exact.items():
        assert float((d[k] - e).abs().max()) <= 16 * EPS * scale, k


def test_reverse_and_forward_mode_agree_on_a_deep_net_and_finite_differences():
    obj = MLPPINN(get_pde("burgers"), hidden=(9, 9, 9), grid=(3, 3), n_ic=3, n_bc=2,
                  derivatives="autograd")
    theta = obj.initial_parameters(1)
    z = _points(30, 1)
    keys = ("u_t", "u_x", "u_tt", "u_xx")
    _, dr = obj.derivatives_at(theta, z, keys)
    obj.derivatives = "forward"
    _, df = obj.derivatives_at(theta, z, keys)
    for k in keys:
        assert torch.allclose(dr[k], df[k], rtol=0, atol=64 * EPS * (1 + float(dr[k].abs().max())))
    # central differences (truncation h^2 |u'''| / 6 plus rounding eps |u| / h): a check
    # of the scale, independent of torch's differentiation rules
    h = 1e-5
    for i, k in ((0, "u_t"), (1, "u_x")):
        e = torch.zeros_like(z)
        e[:, i] = h
        fd = (obj.network(theta, z + e) - obj.network(theta, z - e)) / (2 * h)
        assert float((fd - dr[k]).abs().max()) < 1e-8


def test_needed_derivatives_follow_the_problem_definition():
    assert needed_derivatives(get_pde("convection")) == ("u_t", "u_x")
    assert needed_derivatives(get_pde("reaction")) == ("u_t",)
    assert needed_derivatives(get_pde("wave")) == ("u_tt", "u_xx")
    assert set(needed_derivatives(get_pde("burgers"))) == {"u_t", "u_x", "u_xx"}


def _exact_torch(problem):
    """The exact solution as a torch function of (t, x) rows."""
    p = problem.params
    if problem.name == "convection":
        return lambda z: torch.sin(z[:, 1] - p["beta"] * z[:, 0])
    if problem.name == "reaction":
        def u(z):
            h = torch.exp(-((z[:, 1] - math.pi) ** 2) / (2 * (math.pi / 4) ** 2))
            e = torch.exp(p["rho"] * z[:, 0])
            return h * e / (h * e + 1 - h)
        return u
    c, b = p["c"], p["beta"]
    pi = math.pi
    return lambda z: (torch.sin(pi * z[:, 1]) * torch.cos(c * pi * z[:, 0])
                      + 0.5 * torch.sin(b * pi * z[:, 1]) * torch.cos(c * b * pi * z[:, 0]))


class _ExactStandIn(MLPPINN):
    """The PINN with its network replaced by a closed form (theta enters as 0 * sum)."""

    def __init__(self, problem, u, **kw):
        super().__init__(problem, **kw)
        self._u = u

    def network(self, theta, points):
        return self._u(points) + 0.0 * theta.sum()


# residual scale: the largest term of the equation (beta |u_x|, rho, c^2 (beta pi)^2 / 2)
_SCALE = {"convection": 40.0, "reaction": 5.0, "wave": 4 * (5 * math.pi) ** 2 / 2}


@pytest.mark.parametrize("name", ["convection", "reaction", "wave"])
@pytest.mark.parametrize("weights", ["bwler", "rathore"])
def test_loss_terms_vanish_for_the_exact_solution(name, weights):
    problem = get_pde(name)
    obj = _ExactStandIn(problem, _exact_torch(problem), grid=(17, 19), n_ic=21, n_bc=9,
                        weights=weights)
    theta = obj.initial_parameters(0)
    res = obj.residuals(theta)
    assert set(res) == set(obj.terms)
    for k, r in res.items():
        raw = float(r.abs().max()) / obj._sqrt_scale[k]  # back to unweighted residuals
        assert raw <= 64 * EPS * _SCALE[name], (k, raw)
    # the same stand-in with a wrong coefficient is far from zero (the test has teeth)
    other = get_pde(name, **({"beta": 41.0} if name == "convection" else
                             {"rho": 4.0} if name == "reaction" else {"c": 2.1}))
    wrong = _ExactStandIn(other, _exact_torch(problem), grid=(17, 19), n_ic=21, n_bc=9)
    assert float(wrong.residuals(theta)["pde"].abs().max()) > 1e-3


def test_weights_are_the_papers():
    p = get_pde("wave")
    obj = MLPPINN(p, **SMALL)  # bwler: mean(res^2) + 100 mean(cond^2), each its own mean
    theta = obj.initial_parameters(0)
    res = obj.residuals(theta)
    s = obj._sqrt_scale
    assert s["pde"] ** 2 == pytest.approx(1 / 35, rel=1e-15)
    assert s["ic"] ** 2 == pytest.approx(100 / 6, rel=1e-15)
    assert s["bc"] ** 2 == pytest.approx(100 / 8, rel=1e-15)
    r = MLPPINN(p, **SMALL, weights="rathore")._sqrt_scale
    assert r["pde"] ** 2 == pytest.approx(0.5 / 35, rel=1e-15)
    assert r["ic"] ** 2 == r["ic_t"] ** 2 == r["bc"] ** 2 == pytest.approx(0.5 / 20, rel=1e-15)
    # the loss is the sum of the blocks' squares
    assert float(obj.loss(theta)) == pytest.approx(
        sum(float(v.pow(2).sum()) for v in res.values()), rel=1e-14)
    conv = MLPPINN(get_pde("convection"), **SMALL, periodicity="none")
    assert set(conv.residuals(conv.initial_parameters(0))) == {"pde", "ic"}


def _hat():
    return BWLerHat(get_pde("reaction"), 9, 8, collocation=2, hidden=(8, 8))


def test_hat_residuals_equal_the_explicit_objective_at_the_networks_node_values():
    hat = _hat()
    theta = hat.initial_parameters(3)
    net = MLP(2, (8, 8), seed=99)  # an independent module holding the same parameters
    FlatParameters(net).set(theta)
    t, x = (n for n in hat.nodal.layer.nodes)
    U = torch.stack([net(torch.stack([torch.full_like(x, tk), x], 1)) for tk in t])
    assert U.shape == hat.nodal.shape
    ours, ref = hat.residuals(theta), hat.nodal.residuals_at_values(U)
    assert set(ours) == set(ref)
    for k in ref:
        assert torch.allclose(ours[k], ref[k], rtol=0, atol=4 * EPS * float(ref[k].abs().max()))
    assert np.allclose(hat.predict(theta), hat.nodal.predict_values(U), rtol=0, atol=1e-14)


def test_hat_periodic_embedding_is_exactly_periodic_and_feeds_the_nodes():
    """embedding="periodic": the network of (t, sin x, cos x) takes equal values at x = 0
    and x = 2 pi (to rounding of sin/cos), and the node values are that network's at the
    nodes (oracle: an independent module holding the same parameters, its input built
    here from the closed form); the configuration round-trips."""
    hat = BWLerHat(get_pde("convection"), 9, 8, hidden=(8, 8), embedding="periodic")
    theta = hat.initial_parameters(5)
    net = MLP(3, (8, 8), seed=99)
    FlatParameters(net).set(theta)
    t = torch.linspace(0, 1, 7, dtype=torch.float64)
    ends = [net(torch.stack([t, torch.full_like(t, math.sin(x)),
                             torch.full_like(t, math.cos(x))], 1)) for x in (0.0, 2 * math.pi)]
    assert torch.allclose(ends[0], ends[1], rtol=0, atol=16 * EPS)
    tn, xn = hat.nodal.layer.nodes
    U = torch.stack([net(torch.stack([torch.full_like(xn, tk), torch.sin(xn), torch.cos(xn)], 1))
                     for tk in tn])
    assert torch.allclose(hat.node_values(theta), U, rtol=0, atol=4 * EPS)
    again = BWLerHat.from_config(hat.config())
    assert again.embedding == "periodic"
    assert torch.equal(again.node_values(theta), hat.node_values(theta))


def _decreases(obj, opt, steps):
    theta = obj.initial_parameters(0)
    before = float(obj.loss(theta))
    theta, _ = opt.minimize(theta, obj.loss, max_iter=steps)
    assert float(obj.loss(theta)) < before


@pytest.mark.parametrize("model", ["pinn", "hat"])
def test_each_optimizer_decreases_the_loss(model):
    from numlearn.learned.optim import LBFGS, NNCG, AdamCosine

    obj = MLPPINN(get_pde("convection"), **SMALL) if model == "pinn" else _hat()
    _decreases(obj, AdamCosine(20, lr_max=1e-2), 20)
    _decreases(obj, LBFGS(max_iter=5), 2)
    _decreases(obj, NNCG(rank=10, cg_max_iter=20), 2)  # torch.func Hessian-vector products


def test_config_rebuilds_the_objective():
    import json

    obj = MLPPINN(get_pde("wave"), **SMALL, weights="rathore", n_residual=20)
    again = MLPPINN.from_config(json.loads(json.dumps(obj.config())))
    theta = obj.initial_parameters(2)
    assert torch.equal(obj.residual_vector(theta), again.residual_vector(theta))
    hat = _hat()
    again = BWLerHat.from_config(json.loads(json.dumps(hat.config())))
    theta = hat.initial_parameters(1)
    assert torch.equal(hat.residual_vector(theta), again.residual_vector(theta))
    assert isinstance(obj, PDEObjective) and isinstance(hat, PDEObjective)


def test_float32_objective_runs_in_float32():
    obj = MLPPINN(get_pde("reaction"), **SMALL, dtype=torch.float32)
    theta = obj.initial_parameters(0)
    assert theta.dtype == torch.float32
    assert obj.loss(theta).dtype == torch.float32
    assert obj.predict(theta).dtype == np.float64


@pytest.mark.parametrize("model", ["pinn", "hat"])
def test_dtype_and_device_mismatch_refused(model):
    obj = MLPPINN(get_pde("reaction"), **SMALL) if model == "pinn" else _hat()
    theta = obj.initial_parameters(0)
    with pytest.raises(TypeError, match="`theta`"):
        obj.residuals(theta.float())
    with pytest.raises(ValueError, match="`theta`"):
        obj.residuals(theta.to("meta"))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_matches_cpu():  # pragma: no cover - needs a GPU
    cpu = MLPPINN(get_pde("wave"), **SMALL)
    gpu = MLPPINN(get_pde("wave"), **SMALL, device="cuda")
    theta = cpu.initial_parameters(0)
    assert torch.allclose(cpu.residual_vector(theta),
                          gpu.residual_vector(theta.cuda()).cpu(), rtol=0, atol=1e-12)


def test_tiny_end_to_end_runs():
    pytest.importorskip("numlearn.learned.spectral.fit")
    from numlearn.learned.spectral import solve_bwler_hat, solve_mlp_pinn
    from numlearn.learned.spectral.fit import Phase

    p = get_pde("reaction")
    with pytest.warns(RuntimeWarning, match="not learned"):
        r = solve_mlp_pinn(p, phases=[Phase("adam", 3)], progress=False, hidden=(6,),
                           grid=(4, 5), n_ic=5, n_bc=3, failure_threshold=1e-6)
    assert r.side == "learned" and r.value.shape == p.truth().shape
    assert r.status.code == "unresolved" and "mlp_pinn" in r.method
    h = solve_bwler_hat(p, phases=[Phase("adam", 3)], progress=False, nt=9, nx=8,
                        collocation=None, hidden=(6,), failure_threshold=10.0)
    assert h.success and h.value.shape == p.truth().shape and "bwler_hat" in h.method
    assert np.isfinite(h.value).all() and h.stats["iterations"] == 3
