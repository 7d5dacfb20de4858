"""The tangent node map of space-time collocation's Chebyshev x axis (TanMap)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from numlearn.classical.differentiation import chebyshev_diffmat
from numlearn.classical.nodes import chebyshev_points
from numlearn.classical.spectral.spacetime import (
    SpaceTimeInterpolant,
    TanMap,
    solve_spacetime_newton,
    spacetime_system,
)
from numlearn.classical.spectral.spacetime.grid import _make_axis

EPS = np.finfo(float).eps
DOM = (-1.0, 1.0)


@pytest.mark.parametrize("alpha", [0.7, 1.4, 1.5])
def test_nodes_are_the_map_of_chebyshev_points(alpha):
    m = TanMap(alpha)
    ax = _make_axis("chebyshev", 21, None, DOM, m)
    s = chebyshev_points(21, 2)
    assert ax.nodes[0] == -1.0 and ax.nodes[-1] == 1.0
    assert np.all(np.diff(ax.nodes) > 0)
    np.testing.assert_allclose(m.inverse(ax.nodes, DOM), s, rtol=0, atol=8 * EPS)
    # clustering at the middle: spacing ratio alpha / tan(alpha)
    mid = np.diff(ax.nodes)[9] / np.diff(s)[9]
    assert abs(mid - alpha / math.tan(alpha)) < 1e-2


@pytest.mark.parametrize("alpha", [0.9, 1.5])
def test_polynomial_in_s_differentiated_by_the_chain_rule(alpha):
    # p(s) = s^7 is exact in the degree-20 interpolant: D_x p = p'(s)/g'(s),
    # D_xx p = p''/g'^2 - g'' p'/g'^3, to a multiple of eps * ||D_s|| scaled by 1/g'.
    m, n = TanMap(alpha), 21
    ax = _make_axis("chebyshev", n, None, DOM, m)
    s = chebyshev_points(n, 2)
    g1, g2 = m.derivatives(s, DOM)
    p, p1, p2 = s**7, 7 * s**6, 42 * s**5
    d1, d2 = ax.diff(1) @ p, ax.diff(2) @ p
    scale1 = np.abs(chebyshev_diffmat(n, 1)).sum(1).max() / g1.min()
    scale2 = np.abs(chebyshev_diffmat(n, 2)).sum(1).max() / g1.min() ** 2 * (1 + np.abs(g2).max())
    assert np.abs(d1 - p1 / g1).max() <= 8 * EPS * scale1
    assert np.abs(d2 - (p2 / g1**2 - g2 * p1 / g1**3)).max() <= 8 * EPS * scale2


def test_smooth_function_against_its_closed_form_derivatives():
    m, n = TanMap(1.4), 61
    ax = _make_axis("chebyshev", n, None, DOM, m)
    x = ax.nodes
    f, f1 = np.tanh(5 * x), 5 / np.cosh(5 * x) ** 2
    f2 = -50 * np.tanh(5 * x) / np.cosh(5 * x) ** 2
    assert np.abs(ax.diff(1) @ f - f1).max() < 1e-10
    assert np.abs(ax.diff(2) @ f - f2).max() < 1e-8


def test_identity_map_reproduces_the_unmapped_axis_exactly():
    for m in (None, TanMap(0.0)):
        a = _make_axis("chebyshev", 17, 33, (0.0, 2.0), m)
        b = _make_axis("chebyshev", 17, 33, (0.0, 2.0))
        assert np.array_equal(a.nodes, b.nodes) and np.array_equal(a.points, b.points)
        assert np.array_equal(a.interp, b.interp)
        for k in (1, 2):
            assert np.array_equal(a.diff(k), b.diff(k))
    s0 = spacetime_system("wave", 7, 9)
    s1 = spacetime_system("wave", 7, 9, x_map=TanMap(0.0))
    assert np.array_equal(s0.A, s1.A) and np.array_equal(s0.b, s1.b)


def test_refined_collocation_points_are_mapped_and_interp_is_exact_at_nodes():
    m = TanMap(1.3)
    ax = _make_axis("chebyshev", 9, 17, DOM, m)
    np.testing.assert_allclose(ax.points, m.forward(chebyshev_points(17, 2), DOM), atol=0)
    # points 0, 2, 4, ... are the nodes: exact indicator rows
    assert np.array_equal(ax.interp[::2], np.eye(9))


def test_interpolant_of_mapped_nodal_values():
    m = TanMap(1.45)
    s_t = chebyshev_points(5, 2, (0.0, 1.0))
    x_n = m.forward(chebyshev_points(33, 2), DOM)
    U = np.outer(1 + s_t, np.tanh(8 * x_n))
    itp = SpaceTimeInterpolant(U, (0.0, 1.0), DOM, "chebyshev", x_map=m)
    t, x = np.array([0.25, 0.7]), np.linspace(-1, 1, 41)
    np.testing.assert_allclose(itp(t, x), np.outer(1 + t, np.tanh(8 * x)), atol=1e-6)
    np.testing.assert_allclose(itp(s_t, x_n), U, atol=32 * EPS)


def test_mapped_newton_beats_unmapped_on_burgers_small():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = [solve_spacetime_newton("burgers", 11, 25, weights="paper", x_map=a,
                                      continuation={"nu": [0.1, 0.03]})
               for a in (None, TanMap(1.5))]
    from numlearn.precision.metrics import rel_l2
    from numlearn.problems.pdes import get_pde

    p = get_pde("burgers")
    t, x = p.evaluation_grid()
    e = [rel_l2(p.truth(), r.value(t, x)) for r in res]
    assert e[1] < 0.5 * e[0]


def test_map_needs_chebyshev_x():
    with pytest.raises(ValueError, match="x_map"):
        spacetime_system("convection", 9, 8, x_basis="fourier", x_map=TanMap(1.0))
