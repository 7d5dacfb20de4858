"""The PINN MLP, the flat-parameter view and the BWLer layer's functional ``values=``."""

import math

import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.layers import MLP, BWLerLayer, ChebyshevAxis, FlatParameters  # noqa: E402

F64 = torch.float64


def test_mlp_matches_its_formula_and_counts_parameters():
    net = MLP(2, (5, 7), seed=3)
    x = torch.rand(11, 2, dtype=F64, generator=torch.Generator().manual_seed(0))
    W = [lin.weight for lin in net.layers]
    b = [lin.bias for lin in net.layers]
    h = torch.tanh(x @ W[0].T + b[0])
    h = torch.tanh(h @ W[1].T + b[1])
    expected = (h @ W[2].T + b[2])[:, 0]
    assert torch.equal(net(x), expected)
    assert sum(p.numel() for p in net.parameters()) == 3 * 5 + 6 * 7 + 8 * 1
    assert all(float(lin.bias.detach().abs().max()) == 0.0 for lin in net.layers)  # zero bias


def test_mlp_seed_is_reproducible_and_private():
    state = torch.random.get_rng_state()
    a, b = MLP(1, (4,), seed=1), MLP(1, (4,), seed=1)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))


def test_mlp_xavier_scale():
    net = MLP(400, (400,), seed=0)
    std = float(net.layers[0].weight.std())
    assert abs(std - math.sqrt(2 / 800)) < 0.01 * math.sqrt(2 / 800) * 5


def test_mlp_refuses_other_dtype_and_shape():
    net = MLP(2, (4,), seed=0)
    with pytest.raises(TypeError, match="dtype"):
        net(torch.zeros(3, 2, dtype=torch.float32))
    with pytest.raises(ValueError, match="shape"):
        net(torch.zeros(3, 3, dtype=F64))
    with pytest.raises(TypeError, match="hidden"):
        MLP(2, 4)
    with pytest.raises(ValueError, match="activation"):
        MLP(2, (4,), activation="relu")


def test_flat_parameters_round_trip_and_functional_call():
    net = MLP(2, (3,), seed=0)
    flat = FlatParameters(net)
    theta = flat.get()
    assert theta.numel() == flat.size == 3 * 3 + 4
    x = torch.ones(2, 2, dtype=F64)
    assert torch.equal(flat.call(theta, x), net(x))
    flat.set(theta + 1)
    assert torch.equal(flat.get(), theta + 1)
    with pytest.raises(ValueError, match="13 parameters"):
        flat.set(theta[:-1])


def test_bwler_values_keyword_equals_setting_the_parameter():
    layer = BWLerLayer([ChebyshevAxis(9, (0.0, 2.0))])
    v = torch.linspace(-1, 1, 9, dtype=F64) ** 3
    x = [torch.linspace(0, 2, 17, dtype=F64)]
    functional = layer(x, values=v)
    d1 = layer.derivative(x, (1,), values=v)
    layer.fit_nodes(lambda X: torch.linspace(-1, 1, 9, dtype=F64) ** 3)
    assert torch.equal(functional, layer(x))
    assert torch.equal(d1, layer.derivative(x, (1,)))
    with pytest.raises(ValueError, match="node shape"):
        layer(x, values=v[:-1])
    with pytest.raises(TypeError, match="dtype"):
        layer(x, values=v.float())
