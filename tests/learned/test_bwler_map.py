"""The BWLer layer on a mapped Chebyshev axis (TanMap): nodes, interpolant, derivatives
against the classical mapped axis and closed forms."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.classical.spectral.spacetime import TanMap  # noqa: E402
from numlearn.classical.spectral.spacetime.grid import _make_axis  # noqa: E402
from numlearn.learned.layers import BWLerLayer, ChebyshevAxis  # noqa: E402

EPS = np.finfo(float).eps


def test_nodes_and_derivative_matrices_match_the_classical_axis():
    m, dom = TanMap(1.5), (-1.0, 1.0)
    layer = BWLerLayer((ChebyshevAxis(5, (0.0, 1.0)), ChebyshevAxis(33, dom, x_map=m)))
    ax = _make_axis("chebyshev", 33, None, dom, m)
    assert np.array_equal(layer.nodes[1].numpy(), ax.nodes)
    U = torch.randn(5, 33, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    for k in (1, 2):
        got = layer.nodal_derivative((0, k), values=U).numpy()
        # the same matrix, another summation order: rounding of one product
        tol = 33 * EPS * np.abs(ax.diff(k)).sum(1).max() * float(U.abs().max())
        np.testing.assert_allclose(got, U.numpy() @ ax.diff(k).T, rtol=0, atol=tol)


def test_mapped_interpolant_and_second_derivative_closed_form():
    m = TanMap(1.4)
    layer = BWLerLayer.from_function(lambda x: torch.tanh(5 * x),
                                     (ChebyshevAxis(61, (-1.0, 1.0), x_map=m),))
    x = torch.linspace(-1, 1, 101, dtype=torch.float64)[:, None]
    t = torch.tanh(5 * x[:, 0])
    assert float((layer(x).detach() - t).abs().max()) < 1e-9
    d2 = -50 * t * (1 - t**2)
    assert float((layer.derivative(x, (2,)).detach() - d2).abs().max()) < 1e-6
    # a polynomial in s is reproduced to rounding at scattered points
    s_of = lambda xx: torch.atan(np.tan(1.4) * xx) / 1.4  # noqa: E731
    lp = BWLerLayer.from_function(lambda xx: s_of(xx) ** 7,
                                  (ChebyshevAxis(9, (-1.0, 1.0), x_map=m),))
    assert float((lp(x).detach() - s_of(x[:, 0]) ** 7).abs().max()) <= 64 * EPS


def test_identity_map_is_the_unmapped_axis():
    a = ChebyshevAxis(9, (0.0, 2.0), x_map=TanMap(0.0))
    assert a.x_map is None and a == ChebyshevAxis(9, (0.0, 2.0))
