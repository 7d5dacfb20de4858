"""Space-time spectral collocation (numlearn.classical.spectral.spacetime).

Truth: the problems' closed-form solutions (convection, wave, reaction) and
manufactured polynomial / rational exact solutions defined here.  Tolerances are
``cond * eps`` multiples where the exact solution lies in the discrete space, and the
measured floor times a safety factor of about 10-100 for the benchmark headlines
(the numbers measured are quoted beside each test; they vary with the BLAS thread
count by a few units in the last place of the error, not more).
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from numlearn import Status
from numlearn._core.validation import IllConditionedWarning
from numlearn.classical.spectral.spacetime import (
    CollocationSystem,
    SpaceTimeInterpolant,
    resolution_study,
    solve_spacetime,
    solve_spacetime_lstsq,
    solve_spacetime_newton,
    spacetime_system,
)
from numlearn.problems.pdes import Convection, EvolutionProblem, Poisson2dC, Wave, get_pde

EPS = np.finfo(np.float64).eps


# ------------------------------------------------------------ manufactured problems


@dataclass(frozen=True)
class PolyWave(EvolutionProblem):
    """u_tt = c^2 u_xx with the polynomial d'Alembert solution (x+ct)^3 + (x-ct)^2."""

    name: str = "poly_wave"
    equation: str = "u_tt - c**2*u_xx = 0"
    t_domain: tuple[float, float] = (0.0, 1.0)
    x_domain: tuple[float, float] = (0.0, 1.0)
    periodic: bool = False
    order_t: int = 2
    linear: bool = True
    params: dict[str, float] = field(default_factory=lambda: {"c": 2.0})

    def solution(self, t: Any, x: Any) -> Any:
        t, x = np.broadcast_arrays(np.asarray(t, float), np.asarray(x, float))
        c = self.params["c"]
        return (x + c * t) ** 3 + (x - c * t) ** 2

    def initial_velocity(self, x: Any) -> Any:
        x = np.asarray(x, float)
        c = self.params["c"]
        return 3 * c * x**2 - 2 * c * x

    def residual(self, u: Any, d: Any) -> Any:
        return d["u_tt"] - self.params["c"] ** 2 * d["u_xx"]


@dataclass(frozen=True)
class PolyAdvection(EvolutionProblem):
    """u_t + beta u_x = 0, u = (x - beta t)^3, Dirichlet data from the solution."""

    name: str = "poly_advection"
    equation: str = "u_t + beta*u_x = 0"
    t_domain: tuple[float, float] = (0.0, 1.0)
    x_domain: tuple[float, float] = (-1.0, 2.0)
    periodic: bool = False
    order_t: int = 1
    linear: bool = True
    params: dict[str, float] = field(default_factory=lambda: {"beta": 1.5})

    def solution(self, t: Any, x: Any) -> Any:
        t, x = np.broadcast_arrays(np.asarray(t, float), np.asarray(x, float))
        return (x - self.params["beta"] * t) ** 3

    def residual(self, u: Any, d: Any) -> Any:
        return d["u_t"] + self.params["beta"] * d["u_x"]


@dataclass(frozen=True)
class RationalBurgers(EvolutionProblem):
    """u_t + u u_x = nu u_xx with the exact solution u = x / (1 + t) (u_xx = 0)."""

    name: str = "rational_burgers"
    equation: str = "u_t + u*u_x - nu*u_xx = 0"
    t_domain: tuple[float, float] = (0.0, 1.0)
    x_domain: tuple[float, float] = (-1.0, 1.0)
    periodic: bool = False
    order_t: int = 1
    linear: bool = False
    params: dict[str, float] = field(default_factory=lambda: {"nu": 0.05})

    def solution(self, t: Any, x: Any) -> Any:
        t, x = np.broadcast_arrays(np.asarray(t, float), np.asarray(x, float))
        return x / (1.0 + t)

    def residual(self, u: Any, d: Any) -> Any:
        return d["u_t"] + u * d["u_x"] - self.params["nu"] * d["u_xx"]


def _err_on_grid(res: Any, prob: Any) -> float:
    t, x = np.linspace(*prob.t_domain, 37), np.linspace(*prob.x_domain, 41)
    truth = prob.solution(t[:, None], x[None, :])
    return float(np.max(np.abs(res.value(t, x) - truth)) / np.max(np.abs(truth)))


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


# ---------------------------------------------------------- exactness (manufactured)


@pytest.mark.parametrize("collocation", [None, "square", 2])
def test_polynomial_wave_solution_is_recovered_to_cond_eps(collocation: Any) -> None:
    """Degree 3 in t and x: exact in the discrete space (nt = nx = 6), so the least
    squares solution is the truth up to about cond(A) eps."""
    prob = PolyWave()
    res = solve_spacetime_lstsq(spacetime_system(prob, 6, 6, collocation=collocation),
                                cond="svd")
    assert res.success and res.stats["rank"] == 36
    err = _err_on_grid(res, prob)
    assert err < 10 * res.stats["cond"] * EPS, (err, res.stats["cond"])


def test_polynomial_advection_solution_is_recovered_to_cond_eps() -> None:
    prob = PolyAdvection()
    for collocation in (None, "square"):
        res = solve_spacetime_lstsq(spacetime_system(prob, 5, 5, collocation=collocation),
                                    cond="svd")
        err = _err_on_grid(res, prob)
        assert err < 10 * res.stats["cond"] * EPS, (collocation, err, res.stats["cond"])


def test_qr_gelsy_gelsd_agree() -> None:
    s = spacetime_system("wave", 15, 15)
    vals = [np.asarray(solve_spacetime_lstsq(s, method=m).value) for m in ("qr", "gelsy",
                                                                            "gelsd")]
    kappas = [solve_spacetime_lstsq(s, method=m, cond="svd").stats["cond"]
              for m in ("qr", "gelsd")]
    assert kappas[0] == pytest.approx(kappas[1], rel=1e-8)
    for v in vals[1:]:
        assert np.max(np.abs(v - vals[0])) < 100 * kappas[0] * EPS


# ------------------------------------------------------------------- headlines


def test_convection_beta40_fast_size() -> None:
    """sin(x - 40 t): only the |k| = 1 Fourier modes in x, so nx = 8 is exact in x;
    61 Chebyshev points in t resolve sin(40 t) below eps (the Chebyshev coefficients
    J_k(20) fall below 1e-16 for k > 45).  Measured 1.0e-14 (cond 2.0e2)."""
    res = solve_spacetime("convection", 61, 8, cond="none")
    assert res.success
    assert res.stats["rel_l2"] <= 2e-12


@pytest.mark.slow
def test_convection_beta40_bwler_size() -> None:
    """BWLer's 81 x 80 nodes (6560 x 6480 system; minutes of QR on a shared two-core machine).
    Measured 1.0e-14 with row equilibration; research: QR 3.1e-14, kappa 5.4e3 (paper
    weights)."""
    res = solve_spacetime("convection", 81, 80, weights="paper", cond="none")
    assert res.stats["rel_l2"] <= 2e-12


def test_wave_41_nodes_equilibrated() -> None:
    """41 x 41 nodes, collocation at the nodes, unit-norm rows: measured 7.0e-14
    (kappa 4.4e3); BWLer's setting (161^2 collocation, paper weights) floors at
    2.3e-11.  The interpolation error of the truth at 41^2 is 8.6e-15."""
    res = solve_spacetime("wave", 41, 41, cond="none")
    assert res.success
    assert res.stats["rel_l2"] <= 1e-12


def test_reaction_newton_separable() -> None:
    """31 t-nodes x 81 x-nodes, one Gauss-Newton ODE solve per x node: measured
    8.1e-14.  The x resolution is set by the logistic's complex singularities
    (Bernstein ellipse parameter about 1.4 on [0, 2 pi]), hence nx > nt."""
    res = solve_spacetime("reaction", 31, 81, cond="none")
    assert res.success, res.status
    assert res.stats["separable"] and res.stats["groups"] == 80  # x = 0, 2 pi joined
    assert res.stats["rel_l2"] <= 1e-10


def test_reaction_separable_equals_global_newton() -> None:
    """The split into x-lines changes nothing: same minimiser as the coupled system."""
    a = solve_spacetime_newton("reaction", 9, 11, separable="auto", cond="none")
    b = solve_spacetime_newton("reaction", 9, 11, separable=False, cond="none")
    assert a.stats["groups"] == 10 and b.stats["groups"] == 1
    np.testing.assert_allclose(np.asarray(a.value), np.asarray(b.value), atol=1e-13)


# ------------------------------------------------------------- conditioning growth


def _slope(ns: list[int], ks: list[float]) -> float:
    return float(np.polyfit(np.log(ns), np.log(ks), 1)[0])


def test_condition_number_growth_exponents() -> None:
    """log-log slope of kappa(A) against N (research/bwler.md §4: kappa(D1+BC) ~
    N^2.5, kappa(D2) ~ N^4).  Measured (least-squares fit over N = 9..21):
    convection (N x 4 nodes) unweighted 2.36, paper weights 1.81; wave (N x N)
    unweighted 4.76, paper weights 4.22, equilibrated 2.43 (local slopes 9->13 and
    17->21: 2.2/2.5, 1.6/2.0, 4.9/4.7, 4.3/4.2, 2.3/2.5).  The bounds leave about
    +-0.4 around the fitted slopes, short of the neighbouring integer exponents."""
    ns = [9, 13, 17, 21]

    def kappas(name: str, nx: Any, weights: Any) -> list[float]:
        return [solve_spacetime_lstsq(spacetime_system(name, n, nx(n), weights=weights),
                                      cond="svd").stats["cond"] for n in ns]

    slopes = {
        "conv none": _slope(ns, kappas("convection", lambda n: 4, None)),
        "conv paper": _slope(ns, kappas("convection", lambda n: 4, "paper")),
        "wave none": _slope(ns, kappas("wave", lambda n: n, None)),
        "wave paper": _slope(ns, kappas("wave", lambda n: n, "paper")),
        "wave equilibrate": _slope(ns, kappas("wave", lambda n: n, "equilibrate")),
    }
    assert 2.0 <= slopes["conv none"] <= 2.8, slopes
    assert 1.5 <= slopes["conv paper"] <= 2.3, slopes
    assert 4.3 <= slopes["wave none"] <= 5.1, slopes
    assert 3.8 <= slopes["wave paper"] <= 4.6, slopes
    assert 2.1 <= slopes["wave equilibrate"] <= 2.9, slopes


def test_resolution_study_rows() -> None:
    rows = resolution_study("convection", [11, (21, 4)], cond="svd")
    assert [(r["nt"], r["nx"]) for r in rows] == [(11, 10), (21, 4)]
    for r in rows:
        assert r["cond"] > 1 and r["rel_l2"] > 0 and r["status"] == "success"
    assert rows[1]["rel_l2"] < rows[0]["rel_l2"]


# --------------------------------------------------------------------- Newton


def test_newton_converges_quadratically_on_square_burgers_manufactured() -> None:
    """x / (1 + t) solves viscous Burgers; its t-singularity at t = -1 (Bernstein
    parameter 3 + sqrt 8) gives ~1e-15 at nt = 24.  Square collocation makes this
    true Newton: r_{k+1} <= C r_k^2 until the rounding floor."""
    prob = RationalBurgers()
    res = solve_spacetime_newton(prob, 24, 5, collocation="square", cond="svd")
    assert res.success, res.status
    assert _err_on_grid(res, prob) < 100 * res.stats["cond"] * EPS
    r = np.asarray(res.history["residual_norm"])
    floor = 1e3 * EPS * r[0]
    above = [k for k in range(len(r) - 1) if r[k + 1] > floor and r[k] < 0.5]
    assert above, r
    for k in above:
        assert r[k + 1] <= 10.0 * r[k] ** 2, (k, r)


def test_newton_reaction_history_quadratic_tail() -> None:
    res = solve_spacetime_newton("reaction", 15, 21, collocation="square", cond="none")
    r = np.asarray(res.history["residual_norm"])
    assert res.success and r[-1] < 1e-13
    k = int(np.argmax(r < 1e-2))  # the local (quadratic) phase
    assert r[k + 1] <= 10 * r[k] ** 2 and r[k + 2] <= 10 * r[k + 1] ** 2, r


def test_newton_burgers_benchmark_converges_with_continuation() -> None:
    """nu = 0.01/pi at 13 x 25 nodes: Newton (square) converges to the discrete
    solution (residual at rounding level) through a continuation in nu; the
    discretisation error is large at affordable sizes (see the module report)."""
    res = solve_spacetime_newton("burgers", 13, 25, collocation="square",
                                 continuation={"nu": [0.1, 0.03]}, cond="none")
    assert res.success, res.status
    assert res.stats["stages"] == 3
    assert res.history["residual_norm"][-1] < 1e-12


def test_newton_reports_non_convergence() -> None:
    res = solve_spacetime_newton("burgers", 9, 17, collocation="square", max_iter=1,
                                 cond="none")
    assert res.status is Status.MAX_ITERATIONS
    assert not res.success


def test_jacobian_partials_match_closed_forms(rng: np.random.Generator) -> None:
    """Reaction: d res/du = -rho (1 - 2u); Burgers: d/du = u_x, d/du_x = u, d/du_xx = -nu."""
    from numlearn.classical.spectral import spacetime as st

    disc = st._discretise(get_pde("reaction"), 5, 6, None, None)
    U = rng.uniform(0, 1, (5, 6))
    p = st._pde_partials(disc, U)
    np.testing.assert_allclose(p["u"], -5.0 * (1 - 2 * U), rtol=1e-15, atol=1e-15)
    np.testing.assert_array_equal(p["u_t"], 1.0)
    disc = st._discretise(get_pde("burgers"), 5, 6, None, None)
    p = st._pde_partials(disc, U)
    d = st._derivatives(disc, U)
    np.testing.assert_allclose(p["u"], d["u_x"], rtol=1e-15)
    np.testing.assert_allclose(p["u_x"], U, rtol=1e-15)
    np.testing.assert_allclose(p["u_xx"], -0.01 / math.pi, rtol=1e-15)


# ------------------------------------------------------------------ bad input


def test_unsupported_problems_raise() -> None:
    with pytest.raises(TypeError, match="evolution problems"):
        spacetime_system(Poisson2dC(), 9, 9)
    with pytest.raises(ValueError, match=r"nonlinear.*solve_spacetime_newton"):
        spacetime_system("burgers", 9, 9)
    with pytest.raises(KeyError, match="known"):
        spacetime_system("heat", 9, 9)
    with pytest.raises(ValueError, match="not periodic"):
        spacetime_system("wave", 9, 8, x_basis="fourier")


def test_too_few_nodes_raise() -> None:
    with pytest.raises(ValueError, match="nt"):
        spacetime_system("wave", 3, 9)
    with pytest.raises(ValueError, match="nt"):
        solve_spacetime_newton("reaction", 2, 9)
    with pytest.raises(ValueError, match="nx"):
        spacetime_system("wave", 9, 2)
    with pytest.raises(ValueError, match="fewer points than nodes"):
        spacetime_system("wave", 9, 9, collocation=(5, 9))
    with pytest.raises(TypeError, match="nt"):
        spacetime_system("wave", 9.5, 9)


def test_nan_coefficients_raise() -> None:
    with pytest.raises(ValueError, match="beta"):
        spacetime_system(Convection(params={"beta": float("nan")}), 9, 8)
    with pytest.raises(ValueError, match="c"):
        solve_spacetime(Wave(params={"c": math.inf, "beta": 5.0}), 9, 9)


def test_bad_options_raise() -> None:
    with pytest.raises(ValueError, match="weights"):
        spacetime_system("wave", 9, 9, weights="unit")
    with pytest.raises(ValueError, match="collocation"):
        spacetime_system("wave", 9, 9, collocation="fine")
    s = spacetime_system("wave", 5, 5)
    with pytest.raises(ValueError, match="method"):
        solve_spacetime_lstsq(s, method="normal")
    with pytest.raises(TypeError, match="CollocationSystem"):
        solve_spacetime_lstsq((s.A, s.b))


def test_rank_deficient_system_warns_and_says_why() -> None:
    s = spacetime_system("wave", 7, 7)
    A = s.A.copy()
    A[:, 10] = 0.0  # one nodal value no row can see
    bad = dataclasses.replace(s, A=A)
    with pytest.warns(IllConditionedWarning, match="rank"):
        res = solve_spacetime_lstsq(bad)
    assert res.status is Status.RANK_DEFICIENT and "collocation points" in res.message
    assert res.stats["rank"] == 48 and res.stats["cond"] == math.inf


def test_ill_conditioned_system_warns() -> None:
    s = spacetime_system("wave", 9, 9)
    A = s.A.copy()
    A[:, 0] *= 1e-12  # kappa ~ 1e13 > 1e10
    with pytest.warns(IllConditionedWarning, match="condition number"):
        solve_spacetime_lstsq(dataclasses.replace(s, A=A), cond="svd")


def test_no_warning_at_benchmark_sizes() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        solve_spacetime("convection", 21, 8, cond="svd")
