"""BarycentricRational: evaluation, poles, zeros, residues and derivatives of forms
built from closed-form rational functions (independent of AAA)."""

from __future__ import annotations

import numpy as np
import pytest

from numlearn.classical.rational.form import BarycentricRational


def _interpolating_form(f, nodes):
    """Barycentric weights of the type (m-1, m-1) rational interpolant of a rational
    ``f`` of lower type: the null vector of the Loewner matrix on extra points."""
    extra = np.linspace(-0.95, 0.95, 40) + 0.013
    fv = f(nodes)
    L = (f(extra)[:, None] - fv[None, :]) / (extra[:, None] - nodes[None, :])
    w = np.linalg.svd(L)[2][-1].conj()
    return BarycentricRational(nodes, fv, w)


POLES = np.array([1.5, -2.0 + 0.5j])
RES = np.array([1.0, 2.0 - 1.0j])


def f_exact(x):
    x = np.asarray(x)
    return 0.3 + (RES / (x[..., None] - POLES)).sum(axis=-1)


@pytest.fixture(scope="module")
def form():
    return _interpolating_form(f_exact, np.array([-1.0, -0.4, 0.1, 0.7, 1.0]))


def test_eval_nodes_exact_and_values(form):
    np.testing.assert_array_equal(form(form.nodes), form.values)
    x = np.linspace(-1, 1, 101)
    np.testing.assert_allclose(form(x), f_exact(x), rtol=0, atol=1e-13)
    assert form(np.zeros((2, 3))).shape == (2, 3)


def test_poles_zeros_residues(form):
    p = form.poles()
    # type (4, 4) form of a type (2, 2) function: 2 true poles, the rest cancel with zeros
    d = np.min(np.abs(p[:, None] - POLES[None, :]), axis=0)
    assert np.all(d < 1e-10)
    idx = [int(np.argmin(np.abs(p - t))) for t in POLES]
    np.testing.assert_allclose(form.residues(p[idx]), RES, rtol=1e-8)
    x = np.linspace(-1, 1, 300)
    np.testing.assert_allclose(form.residues(z=x, f=f_exact(x))[idx], RES, rtol=1e-10)
    # zeros of 0.3 + sum RES/(x - POLES): roots of the numerator polynomial
    num = np.polyadd(0.3 * np.poly(POLES),
                     RES[0] * np.poly(POLES[1:]) + RES[1] * np.poly(POLES[:1]))
    truth = np.roots(num)
    zz = form.zeros()
    d = np.min(np.abs(zz[:, None] - truth[None, :]), axis=0)
    assert np.all(d < 1e-9)
    assert abs(form.value_at_infinity() - 0.3) < 1e-12


def test_set_valued_shapes():
    nodes = np.array([-1.0, 0.0, 1.0])
    vals = np.stack([np.exp(nodes), np.cos(nodes)], axis=1)
    r = BarycentricRational(nodes, vals, [0.5, -1.0, 0.5])  # polynomial weights
    assert r.set_valued and r.degree == 2
    x = np.linspace(-1, 1, 7)
    out = r(x)
    assert out.shape == (7, 2)
    np.testing.assert_array_equal(r(nodes), vals)
    assert r.poles().size == 0  # polynomial: no finite poles
    assert r.zeros().shape == (2, 2)
    assert r.derivative(x).shape == (7, 2)
    # quadratic interpolant of cos: derivative is exact on the parabola
    c = np.polyfit(nodes, np.cos(nodes), 2)
    np.testing.assert_allclose(r.derivative(x)[:, 1], np.polyval(np.polyder(c), x), atol=1e-14)
    np.testing.assert_allclose(r.derivative(x, 2)[:, 1], 2 * c[0], atol=1e-13)
    assert "2 functions" in repr(r)


def test_derivatives_closed_form(form):
    x = np.concatenate([np.linspace(-1, 1, 21), form.nodes, form.nodes + 1e-9,
                        form.nodes - 3e-5])
    d1 = (-RES / (x[:, None] - POLES) ** 2).sum(axis=1)
    d2 = (2 * RES / (x[:, None] - POLES) ** 3).sum(axis=1)
    d3 = (-6 * RES / (x[:, None] - POLES) ** 4).sum(axis=1)
    np.testing.assert_allclose(form.derivative(x), d1, rtol=0, atol=1e-12)
    np.testing.assert_allclose(form.derivative(x, 2), d2, rtol=0, atol=1e-10)
    np.testing.assert_allclose(form.derivative(x, 3), d3, rtol=0, atol=1e-8)


def test_zero_weight_node_is_skipped():
    nodes = np.array([-1.0, 0.0, 0.5, 1.0])
    r = BarycentricRational(nodes, [1.0, 5.0, 7.0, 1.0], [0.5, -1.0, 0.0, 0.5])
    # the node with zero weight does not interpolate; the rest is 1 - 4x^2 + ... parabola
    x = np.array([0.5])
    p = np.polyfit([-1.0, 0.0, 1.0], [1.0, 5.0, 1.0], 2)
    np.testing.assert_allclose(r(x), np.polyval(p, x), atol=1e-14)


def test_polynomial_and_rational_share_the_barycentric_form() -> None:
    """Both classes are BarycentricForms, and with the Lagrange weights of Chebyshev
    points the rational form *is* the interpolating polynomial: the two evaluate to the
    same numbers (one kernel), and to sin x within the interpolation error (oracle:
    the closed form)."""
    from numlearn._core.validation import EPS
    from numlearn.classical import (
        BarycentricForm,
        BarycentricInterpolator,
        chebyshev_points,
        chebyshev_weights,
    )
    from numlearn.classical.rational import BarycentricRational

    x = chebyshev_points(24)
    w = chebyshev_weights(24)
    p = BarycentricInterpolator(x, np.sin(x), w)
    r = BarycentricRational(x, np.sin(x), w)
    assert isinstance(p, BarycentricForm) and isinstance(r, BarycentricForm)
    assert p.n == r.n == 24 and not p.set_valued and not r.set_valued
    t = np.linspace(-1, 1, 1001)
    np.testing.assert_array_equal(p(t), r(t))
    np.testing.assert_allclose(r(t), np.sin(t), rtol=0, atol=8 * EPS)
