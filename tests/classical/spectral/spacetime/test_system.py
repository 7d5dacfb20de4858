"""The space-time collocation system (numlearn.classical.spectral.spacetime.system,
.discretisation, .grid): assembly, weights, the interpolant, the error decomposition.

Truth: the problems' closed-form solutions; the decomposition's representation term
against an independent closed form (Jacobi-Anger / numpy.polynomial interpolation).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from numlearn._core.validation import EPS
from numlearn.classical.spectral.spacetime import (
    CollocationSystem,
    SpaceTimeInterpolant,
    collocation_row_weights,
    solve_spacetime_lstsq,
    spacetime_discretisation,
    spacetime_system,
    system_from_discretisation,
)
from numlearn.classical.spectral.spacetime.discretisation import (
    _check_grid,
    _derivatives,
    _discretise,
    _pde_partials,
)
from numlearn.problems.pdes import Convection, get_pde

# --------------------------------------------------------------------- assembly


def test_system_blocks_and_shapes() -> None:
    s = spacetime_system("wave", 7, 6, weights=None)
    assert isinstance(s, CollocationSystem)
    assert s.shape == (7, 6) and s.A.shape[1] == 42
    assert list(s.blocks) == ["pde", "ic", "ic_t", "bc"]
    sizes = {k: v.stop - v.start for k, v in s.blocks.items()}
    assert sizes == {"pde": 42, "ic": 6, "ic_t": 6, "bc": 14}
    assert s.A.shape[0] == sum(sizes.values())
    # Ascending nodes: t = 0 is index 0, and the "ic" rows pick U[0, :].
    assert s.t_nodes[0] == 0.0 and s.t_nodes[-1] == 1.0
    ic = s.A[s.blocks["ic"]]
    np.testing.assert_array_equal(ic[:, :6], np.eye(6))
    assert not ic[:, 6:].any()


def test_square_system_is_square() -> None:
    for name, nt, nx in [("wave", 9, 7), ("convection", 9, 6)]:
        s = spacetime_system(name, nt, nx, collocation="square")
        assert s.A.shape == (nt * nx, nt * nx)


def test_paper_weights_reproduce_bwler_loss(rng: np.random.Generator) -> None:
    """||A v - b||^2 = mean(res^2) + 100 mean(IC^2) + 100 mean(u_t IC^2) + 100 mean(BC^2)."""
    prob = get_pde("wave")
    s = spacetime_system(prob, 9, 8, weights="paper")
    raw = spacetime_system(prob, 9, 8, weights=None)
    v = rng.standard_normal(72)
    r = raw.A @ v - raw.b
    want = sum((1.0 if k == "pde" else 100.0) * np.mean(r[sl] ** 2)
               for k, sl in raw.blocks.items())
    assert s.loss(v) == pytest.approx(want, rel=1e-13)
    assert "paper" in s.weighting


def test_equilibrated_rows_have_unit_norm() -> None:
    s = spacetime_system("convection", 11, 8)
    np.testing.assert_allclose(np.linalg.norm(s.A, axis=1), 1.0, rtol=1e-14)
    assert "equilibrate" in s.weighting


def test_pde_rows_annihilate_the_interpolated_truth_at_the_nodes() -> None:
    """A @ vec(u*(nodes)) - b is the collocation defect: tiny when u* is resolved."""
    s = spacetime_system("convection", 61, 8, weights=None)
    v = s.truth_at_nodes()
    np.testing.assert_array_equal(
        v.reshape(61, 8), s.problem.solution(s.t_nodes[:, None], s.x_nodes[None, :]))
    r = s.A @ v - s.b
    # The defect is rounding in the derivatives of sin(x - 40 t) (resolved to eps at
    # nt = 61): measured 1.2e-11 = 7.5 eps max_i sum_j |A_ij|.  A wrong operator gives O(1).
    assert np.max(np.abs(r)) < 100 * EPS * np.abs(s.A).sum(axis=1).max()


def test_refined_collocation_uses_interpolation_matrices() -> None:
    s = spacetime_system("wave", 9, 9, collocation=2, weights=None)
    assert s.collocation.startswith("refined x2 (17 x 17)")
    assert s.blocks["pde"].stop == 17 * 17
    # The PDE rows at collocation points that are nodes equal those of the nodes system.
    s0 = spacetime_system("wave", 9, 9, weights=None)
    rows = (2 * np.arange(9))[:, None] * 17 + 2 * np.arange(9)[None, :]
    np.testing.assert_allclose(s.A[rows.ravel()], s0.A[s0.blocks["pde"]], atol=1e-12)


def test_interpolant_returns_nodal_values_and_evaluates_tensor_grids() -> None:
    prob = Convection()
    s = spacetime_system(prob, 31, 6)
    U = prob.solution(s.t_nodes[:, None], s.x_nodes[None, :])
    f = s.interpolant(U.ravel())
    assert isinstance(f, SpaceTimeInterpolant)
    np.testing.assert_array_equal(np.asarray(f), U)
    np.testing.assert_array_equal(f(s.t_nodes, s.x_nodes), U)
    assert f(np.linspace(0, 1, 5), np.linspace(0, 6, 3)).shape == (5, 3)


def test_jacobian_partials_match_closed_forms(rng: np.random.Generator) -> None:
    """Reaction: d res/du = -rho (1 - 2u); Burgers: d/du = u_x, d/du_x = u, d/du_xx = -nu."""
    react = get_pde("reaction")
    disc = _discretise(react, _check_grid(react, 5, 6, None, None))
    U = rng.uniform(0, 1, (5, 6))
    p = _pde_partials(disc, U)
    np.testing.assert_allclose(p["u"], -5.0 * (1 - 2 * U), rtol=1e-15, atol=1e-15)
    np.testing.assert_array_equal(p["u_t"], 1.0)
    burgers = get_pde("burgers")
    disc = _discretise(burgers, _check_grid(burgers, 5, 6, None, None))
    p = _pde_partials(disc, U)
    d = _derivatives(disc, U)
    np.testing.assert_allclose(p["u"], d["u_x"], rtol=1e-15)
    np.testing.assert_allclose(p["u_x"], U, rtol=1e-15)
    np.testing.assert_allclose(p["u_xx"], -0.01 / math.pi, rtol=1e-15)


def test_public_discretisation_builds_the_same_system() -> None:
    """spacetime_discretisation + system_from_discretisation == spacetime_system, and the
    row weights are their closed forms: paper 1/sqrt(M_pde), sqrt(100/M_block); equilibrate
    unit 2-norm rows of A_0 (wave is linear, so the Jacobian at Newton's start is A_0)."""
    disc = spacetime_discretisation("wave", 7, 6)
    for weights in ("paper", "equilibrate", None):
        a = system_from_discretisation(disc, weights)
        b = spacetime_system("wave", 7, 6, weights=weights)
        np.testing.assert_array_equal(a.A, b.A)
        np.testing.assert_array_equal(a.b, b.b)
    w, label = collocation_row_weights(disc, "paper")
    for name, sl in disc.blocks().items():
        size = sl.stop - sl.start
        expect = 1 / math.sqrt(size) if name == "pde" else math.sqrt(100 / size)
        np.testing.assert_allclose(w[sl], expect, rtol=2 * EPS)
    assert label.startswith("paper")
    A0 = spacetime_system("wave", 7, 6, weights=None).A
    w, _ = collocation_row_weights(disc, "equilibrate")
    np.testing.assert_allclose(np.linalg.norm(w[:, None] * A0, axis=1), 1.0, rtol=8 * EPS)
    with pytest.raises(ValueError, match="`at`"):
        collocation_row_weights(disc, "equilibrate", at=np.zeros(5))


# ---------------------------------------------------------- error decomposition


def _chebyshev_interpolant_values(f, nt: int, t: np.ndarray) -> np.ndarray:
    """Degree nt-1 interpolant of f at the nt Chebyshev points of the second kind on
    [0, 1], evaluated at t, by numpy.polynomial (independent of numlearn's kernels)."""
    s_nodes = np.cos(np.pi * np.arange(nt) / (nt - 1))
    cheb = np.polynomial.Chebyshev.fit(s_nodes, f((s_nodes + 1) / 2), nt - 1, domain=[-1, 1])
    return cheb(2 * t - 1)


def test_decomposition_representation_matches_closed_form() -> None:
    """u = sin(x - beta t) = sin x cos(beta t) - cos x sin(beta t): degree 1 in x, so
    the Fourier interpolant in x (nx >= 3) is exact and u - u_best is the Chebyshev
    interpolation error in t of cos(beta t) and sin(beta t):
    u - u_best = sin x (cos bt - p_c(t)) - cos x (sin bt - p_s(t)).  Both sides are
    float64 evaluations of the same quantity (about 1e-5 here), so they agree to
    rounding relative to it: 1e-9 leaves five orders of margin above the interpolants'
    rounding (Lebesgue constant ~3 times eps times max|u| / 1e-5 ~ 1e-10)."""
    beta, nt, nx = 5.0, 9, 6
    prob = Convection(params={"beta": beta})
    system = spacetime_system(prob, nt, nx)
    d = system.decomposition()
    t, x = prob.evaluation_grid()
    u = prob.solution_on_grid(t, x)
    pc = _chebyshev_interpolant_values(lambda s: np.cos(beta * s), nt, t)
    ps = _chebyshev_interpolant_values(lambda s: np.sin(beta * s), nt, t)
    rep = (np.sin(x)[None, :] * (np.cos(beta * t) - pc)[:, None]
           - np.cos(x)[None, :] * (np.sin(beta * t) - ps)[:, None])
    want = float(np.linalg.norm(rep) / np.linalg.norm(u))
    assert 1e-6 < want < 1e-2  # a term well above rounding, so the check can fail
    assert d.representation == pytest.approx(want, rel=1e-9)
    # The three terms telescope; with no learned model the optimization term is 0.
    assert d.telescopes and d.optimization == 0.0
    # u_disc is the solver's answer: the terms sum to the solver's error.
    u_disc = solve_spacetime_lstsq(system, cond="none").value(t, x)
    np.testing.assert_allclose(sum(d.term_arrays.values()), u - u_disc, rtol=0,
                               atol=4 * EPS * np.max(np.abs(u)))
    # The floor is cond(A) eps with cond of the row-equilibrated matrix.
    assert d.cond is not None and d.floor == pytest.approx(d.cond * EPS)
    assert "row-equilibrated" in d.labels["conditioning"]


def test_decomposition_with_a_learned_model_telescopes(rng: np.random.Generator) -> None:
    """A perturbed minimiser stands in for a trained BWLer: the optimization term is
    the interpolant of the perturbation, and the terms still sum to the total."""
    system = spacetime_system("convection", 13, 6)
    d0 = system.decomposition()
    v = system.truth_at_nodes() + 1e-6 * rng.standard_normal(13 * 6)
    d = system.decomposition(v.reshape(13, 6))
    assert d.telescopes
    assert d.representation == d0.representation and d.conditioning == d0.conditioning
    assert d.optimization > 1e-8
    parts = sum(d.term_arrays.values())
    t, x = system.problem.evaluation_grid()
    u = system.problem.solution_on_grid(t, x)
    u_learned = system.interpolant(v)(t, x)
    np.testing.assert_allclose(parts, u - u_learned, rtol=0, atol=8 * EPS * np.max(np.abs(u)))
    assert d.total == pytest.approx(float(np.linalg.norm(u - u_learned) / np.linalg.norm(u)),
                                    rel=1e-12)
    assert math.isfinite(d.floor)
