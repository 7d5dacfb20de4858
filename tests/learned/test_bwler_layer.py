"""Tests for the BWLer layer (numlearn.learned.layers.bwler).

Oracles: numlearn.classical's float64 kernels (``barycentric_eval`` with
``chebyshev_weights``, ``trig_barycentric_eval``; NumPy/Numba, compensated sums),
applied axis by axis for d > 1; ``chebyshev_diffmat`` / ``fourier_diffmat``; closed
forms of smooth functions.  Tolerances are multiples of eps scaled with the problem.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.classical import (  # noqa: E402
    barycentric_eval,
    chebyshev_diffmat,
    chebyshev_points,
    chebyshev_weights,
    fourier_diffmat,
    trig_barycentric_eval,
)
from numlearn.learned.layers import BWLerLayer, ChebyshevAxis, FourierAxis  # noqa: E402
from numlearn.learned.layers import bwler as bwler_module  # noqa: E402

EPS = float(np.finfo(np.float64).eps)
F64 = torch.float64

# 1-, 2- and 3-D layers; Fourier axes of even and odd n, domains other than the default.
CASES = {
    "cheb": (ChebyshevAxis(17, (0.0, 1.0)),),
    "fourier-even": (FourierAxis(16, (0.0, 2.0)),),
    "fourier-odd": (FourierAxis(15),),
    "cheb-fourier": (ChebyshevAxis(20, (-1.0, 2.0)), FourierAxis(24)),
    "fourier-cheb-odd": (FourierAxis(9, (-1.0, 1.0)), ChebyshevAxis(11)),
    "3d": (ChebyshevAxis(9), FourierAxis(7), ChebyshevAxis(12, (0.0, 3.0))),
    "3d-even": (FourierAxis(8), ChebyshevAxis(6, (-2.0, -1.0)), FourierAxis(10, (0.0, 1.0))),
}


# ------------------------------------------------------------------------- oracles


def oracle_1d(axis, values, x):
    """The classical kernel along one axis; ``values`` (n,) or (n, k)."""
    if axis.kind == "chebyshev":
        nodes = chebyshev_points(axis.n, 2, axis.domain)
        return barycentric_eval(nodes, chebyshev_weights(axis.n, 2), values, x)
    return trig_barycentric_eval(values, x, axis.domain)


def oracle_grid(axes, values, grid):
    out = values
    for k, (ax, g) in enumerate(zip(axes, grid, strict=True)):
        moved = np.moveaxis(out, k, 0)
        rest = moved.shape[1:]
        r = oracle_1d(ax, moved.reshape(moved.shape[0], -1), g)
        out = np.moveaxis(r.reshape((len(g), *rest)), 0, k)
    return out


def oracle_points(axes, values, pts):
    """Per point: contract the last axis first, one classical evaluation per axis."""
    out = np.empty(pts.shape[0])
    for b, p in enumerate(pts):
        v = values
        for k in range(len(axes) - 1, -1, -1):
            col = np.moveaxis(v, k, 0).reshape(axes[k].n, -1)
            v = oracle_1d(axes[k], col, np.array([p[k]]))[0].reshape(v.shape[:k])
        out[b] = v
    return out


def random_layer(axes, seed):
    layer = BWLerLayer(axes)
    v = np.random.default_rng(seed).standard_normal(layer.shape)
    with torch.no_grad():
        layer.values.copy_(torch.from_numpy(v))
    return layer, v


def random_coords(axes, m, seed):
    rng = np.random.default_rng(seed)
    return [rng.uniform(ax.domain[0], ax.domain[1], m) for ax in axes]


# ----------------------------------------------------------------- against the oracle


@pytest.mark.parametrize("name", list(CASES))
def test_grid_matches_classical_kernels(name):
    axes = CASES[name]
    layer, v = random_layer(axes, 1)
    grid = random_coords(axes, {1: 300, 2: 40, 3: 13}[len(axes)], 2)
    got = layer(tuple(torch.from_numpy(g) for g in grid)).detach().numpy()
    want = oracle_grid(axes, v, grid)
    assert got.shape == tuple(len(g) for g in grid)
    assert np.abs(got - want).max() <= 1e-15 * np.abs(v).max()


@pytest.mark.parametrize("name", list(CASES))
def test_points_match_classical_kernels(name):
    axes = CASES[name]
    layer, v = random_layer(axes, 3)
    pts = np.stack(random_coords(axes, 60, 4), axis=1)
    got = layer(torch.from_numpy(pts)).detach().numpy()
    want = oracle_points(axes, v, pts)
    assert got.shape == (60,)
    assert np.abs(got - want).max() <= 1e-15 * np.abs(v).max()


def test_points_in_chunks_match(monkeypatch):
    axes = CASES["3d"]
    layer, _ = random_layer(axes, 5)
    pts = torch.from_numpy(np.stack(random_coords(axes, 50, 6), axis=1))
    whole = layer(pts)
    monkeypatch.setattr(bwler_module, "_CHUNK_ELEMENTS", 7 * 9 * 3)  # chunks of 3 points
    assert torch.equal(layer(pts), whole)


def test_points_agree_with_grid():
    axes = CASES["cheb-fourier"]
    layer, _ = random_layer(axes, 7)
    g = [torch.from_numpy(c) for c in random_coords(axes, 11, 8)]
    on_grid = layer(tuple(g))
    tt, xx = torch.meshgrid(*g, indexing="ij")
    scattered = layer(torch.stack([tt.reshape(-1), xx.reshape(-1)], dim=1)).reshape(11, 11)
    atol = 4 * EPS * float(on_grid.detach().abs().max())
    assert torch.allclose(scattered, on_grid, rtol=0, atol=atol)


def test_fourier_axis_is_periodic():
    axes = (FourierAxis(12, (0.0, 2.0)),)
    layer, v = random_layer(axes, 9)
    x = np.random.default_rng(10).uniform(-5.0, 7.0, 200)  # well outside [0, 2)
    got = layer((torch.from_numpy(x),)).detach().numpy()
    inside = layer((torch.from_numpy(np.mod(x, 2.0)),)).detach().numpy()
    # The reduction x -> a + (x - a) mod L is exact up to about one ulp of |x| <= 8, and
    # the interpolant moves by at most ||D||_inf max|f| per unit of x.
    slope = np.abs(fourier_diffmat(12, 1, (0.0, 2.0))).sum(axis=1).max() * np.abs(v).max()
    tol = 1e-15 * np.abs(v).max() + 2 * np.spacing(8.0) * slope
    assert np.abs(got - inside).max() <= tol
    assert np.abs(got - oracle_1d(axes[0], v, x)).max() <= tol


# ---------------------------------------------------------------------- node hits


@pytest.mark.parametrize("name", list(CASES))
def test_nodes_return_values_exactly(name):
    layer, _ = random_layer(CASES[name], 11)
    assert torch.equal(layer(layer.nodes), layer.values.detach())
    pts = torch.stack([g.reshape(-1) for g in layer.node_grid()], dim=1)
    assert torch.equal(layer(pts), layer.values.detach().reshape(-1))


def test_partial_node_hits_match_oracle():
    """Points with some coordinates on nodes and others not."""
    axes = CASES["cheb-fourier"]
    layer, v = random_layer(axes, 12)
    t_nodes, x_nodes = (n.numpy() for n in layer.nodes)
    rng = np.random.default_rng(13)
    pts = np.array([[t_nodes[3], rng.uniform(0, 6)], [rng.uniform(-1, 2), x_nodes[5]],
                    [t_nodes[0], x_nodes[23]], [t_nodes[-1], rng.uniform(0, 6)]])
    got = layer(torch.from_numpy(pts)).detach().numpy()
    assert np.abs(got - oracle_points(axes, v, pts)).max() <= 1e-15 * np.abs(v).max()
    assert got[2] == v[0, 23]


def test_point_next_to_a_node_does_not_overflow():
    layer, v = random_layer((ChebyshevAxis(8, (0.0, 1.0)),), 14)
    x = torch.tensor([5e-324, 1e-310, 1.0 - 2**-53], dtype=F64)  # subnormal gaps to nodes
    got = layer((x,)).detach()
    assert torch.isfinite(got).all()
    assert abs(float(got[0]) - v[0]) <= 4 * EPS * np.abs(v).max()


# -------------------------------------------------------------------- derivatives


def _smooth(t, x, y=None):
    u = torch.exp(t) * torch.sin(x)
    return u if y is None else u * torch.cos(2.0 * y)


def _dsmooth(orders, t, x, y=None):
    """Closed form of d^a/dt^a d^b/dx^b (d^c/dy^c) of exp(t) sin(x) cos(2y)."""
    b = orders[1]  # d/dt leaves exp(t) unchanged
    u = torch.exp(t) * torch.sin(x + b * math.pi / 2)
    if y is None:
        return u
    c = orders[2]
    return u * 2.0**c * torch.cos(2.0 * y + c * math.pi / 2)


def _scale(axes, orders):
    """Rounding-level error bound of a spectral derivative, relative to max|u|: the
    product of ||D^(k)||_inf over the axes (the classical matrices), which grows like
    n^(2k) (2 / width)^k on Chebyshev axes and (n pi / period)^k on Fourier axes."""
    s = 1.0
    for ax, o in zip(axes, orders, strict=True):
        if o:
            diffmat = chebyshev_diffmat if ax.kind == "chebyshev" else fourier_diffmat
            s *= np.abs(diffmat(ax.n, o, ax.domain)).sum(axis=1).max()
    return s


@pytest.mark.parametrize("orders", [(0, 0), (1, 0), (0, 1), (1, 1), (2, 0), (0, 2), (2, 1),
                                    (3, 2)])
@pytest.mark.parametrize("nx", [16, 17])
def test_derivative_2d_closed_form(orders, nx):
    axes = (ChebyshevAxis(20, (0.0, 1.0)), FourierAxis(nx))
    layer = BWLerLayer.from_function(_smooth, axes)
    g = [torch.from_numpy(c) for c in random_coords(axes, 23, 15)]
    got = layer.derivative(tuple(g), orders).detach()
    tt, xx = torch.meshgrid(*g, indexing="ij")
    want = _dsmooth(orders, tt, xx)
    tol = 4 * EPS * math.e * _scale(axes, orders)  # max|u| <= e
    assert float((got - want).abs().max()) <= tol
    pts = torch.stack([tt.reshape(-1), xx.reshape(-1)], dim=1)
    got_pts = layer.derivative(pts, orders).detach()
    assert float((got_pts - want.reshape(-1)).abs().max()) <= tol


@pytest.mark.parametrize("orders", [(1, 0, 0), (0, 1, 1), (1, 1, 1), (0, 0, 2)])
def test_derivative_3d_closed_form(orders):
    axes = (ChebyshevAxis(14, (0.0, 1.0)), FourierAxis(6), ChebyshevAxis(22))
    layer = BWLerLayer.from_function(_smooth, axes)
    pts = torch.from_numpy(np.stack(random_coords(axes, 40, 16), axis=1))
    got = layer.derivative(pts, orders).detach()
    want = _dsmooth(orders, pts[:, 0], pts[:, 1], pts[:, 2])
    tol = 4 * EPS * math.e * 2.0 ** orders[2] * _scale(axes, orders)
    assert float((got - want).abs().max()) <= tol


@pytest.mark.parametrize("order", [1, 2, 3])
def test_nodal_derivative_matches_chebyshev_diffmat(order):
    axes = (ChebyshevAxis(13, (-1.0, 2.0)), FourierAxis(5))
    layer, v = random_layer(axes, 17)
    d = chebyshev_diffmat(13, order, (-1.0, 2.0))
    want = d @ v
    got = layer.nodal_derivative((order, 0)).detach().numpy()
    scale = (np.abs(d) @ np.abs(v)).max()
    assert np.abs(got - want).max() <= 13 * EPS * scale
    # ... and interpolated back to the nodes, the same numbers.
    at_nodes = layer.derivative(layer.nodes, (order, 0)).detach().numpy()
    assert np.array_equal(at_nodes, got)


@pytest.mark.parametrize("n", [8, 9])
@pytest.mark.parametrize("order", [1, 2, 3])
def test_nodal_derivative_matches_fourier_diffmat(n, order):
    axes = (FourierAxis(n, (0.0, 3.0)),)
    layer, v = random_layer(axes, 18)
    d = fourier_diffmat(n, order, (0.0, 3.0))
    got = layer.nodal_derivative((order,)).detach().numpy()
    scale = (np.abs(d) @ np.abs(v)).max()
    assert np.abs(got - d @ v).max() <= 4 * n * EPS * scale


def test_derivative_of_order_at_least_n_is_zero():
    layer, _ = random_layer((ChebyshevAxis(4),), 19)
    assert torch.equal(layer.nodal_derivative((4,)), torch.zeros(4, dtype=F64))


# ---------------------------------------------------------------------- gradients


def test_gradcheck_values():
    axes = (ChebyshevAxis(4, (0.0, 1.0)), FourierAxis(3))
    layer = BWLerLayer(axes)
    pts = torch.tensor([[0.2, 1.0], [0.7, 5.5], [1.0, 0.0]], dtype=F64)
    grid = (torch.tensor([0.1, 0.9], dtype=F64), torch.tensor([2.0, 4.0, 6.0], dtype=F64))
    v0 = torch.randn(4, 3, dtype=F64, generator=torch.Generator().manual_seed(0),
                     requires_grad=True)

    assert torch.autograd.gradcheck(lambda v: _with_values(layer, v)(pts), (v0,))
    assert torch.autograd.gradcheck(lambda v: _with_values(layer, v)(grid), (v0,))
    assert torch.autograd.gradcheck(lambda v: _with_values(layer, v).derivative(pts, (1, 2)),
                                    (v0,))
    assert torch.autograd.gradcheck(lambda v: _with_values(layer, v).derivative(grid, (2, 1)),
                                    (v0,))


class _Fixed(BWLerLayer):
    """A layer whose node values are a given tensor (as the BWLer-hat's will be)."""

    def node_values(self):
        return self._given


def _with_values(layer, v):
    out = _Fixed(layer.axes)
    out._given = v
    return out


def test_backward_fills_values_grad():
    layer, _ = random_layer(CASES["3d"], 20)
    g = tuple(torch.from_numpy(c) for c in random_coords(layer.axes, 5, 21))
    layer(g).sum().backward()
    assert layer.values.grad is not None and layer.values.grad.shape == layer.shape


# ------------------------------------------------------------- construction, dtypes


def test_from_function_sets_node_values():
    axes = (ChebyshevAxis(5, (0.0, 1.0)), FourierAxis(4))
    layer = BWLerLayer.from_function(_smooth, axes)
    t, x = np.meshgrid(chebyshev_points(5, 2, (0.0, 1.0)), 2 * np.pi * np.arange(4) / 4,
                       indexing="ij")
    assert np.array_equal(layer.values.detach().numpy(), np.exp(t) * np.sin(x))
    assert layer.values.requires_grad and layer.dim == 2 and layer.shape == (5, 4)


def test_float32_layer():
    axes = (ChebyshevAxis(12), FourierAxis(10))
    layer = BWLerLayer(axes, dtype=torch.float32)
    v = np.random.default_rng(22).standard_normal((12, 10)).astype(np.float32)
    with torch.no_grad():
        layer.values.copy_(torch.from_numpy(v))
    grid = random_coords(axes, 9, 23)
    got = layer(tuple(torch.from_numpy(g).float() for g in grid))
    assert got.dtype == torch.float32
    want = oracle_grid(axes, v.astype(np.float64), [g.astype(np.float32) for g in grid])
    assert np.abs(got.detach().numpy() - want).max() <= 64 * np.finfo(np.float32).eps
    with pytest.raises(TypeError, match="`points`"):
        layer(torch.zeros(3, 2, dtype=F64))
    with pytest.raises(TypeError, match=r"`grid\[0\]`"):
        layer((torch.zeros(3, dtype=F64), torch.zeros(3)))


def test_module_to_changes_dtype():
    layer, _ = random_layer(CASES["cheb-fourier"], 24)
    layer.to(torch.float32)
    assert layer.dtype == torch.float32 and layer.nodes[0].dtype == torch.float32
    assert layer.derivative(torch.zeros(2, 2), (1, 1)).dtype == torch.float32


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_matches_cpu():
    axes = CASES["3d"]
    layer, v = random_layer(axes, 25)
    pts = np.stack(random_coords(axes, 64, 26), axis=1)
    cuda = BWLerLayer(axes, device="cuda")
    with torch.no_grad():
        cuda.values.copy_(torch.from_numpy(v))
    got = cuda(torch.from_numpy(pts).cuda())
    assert got.device.type == "cuda"
    assert np.abs(got.cpu().detach().numpy() - oracle_points(axes, v, pts)).max() <= (
        1e-15 * np.abs(v).max())
    d_cpu = layer.derivative(torch.from_numpy(pts), (1, 1, 2))
    d_gpu = cuda.derivative(torch.from_numpy(pts).cuda(), (1, 1, 2)).cpu()
    tol = 4 * EPS * np.abs(v).max() * _scale(axes, (1, 1, 2))
    assert float((d_gpu - d_cpu).detach().abs().max()) <= tol
    with pytest.raises(ValueError, match="`points`"):
        cuda(torch.from_numpy(pts))
