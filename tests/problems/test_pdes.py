"""Tests for the benchmark PDE definitions (numlearn.problems.pdes).

The exact solutions are checked against the PDE with derivatives computed
independently: by mpmath's numerical differentiation of an mpmath transcription of
the closed form at 30 digits, so a wrong formula or a wrong residual shows up as an
O(1) residual, and float64 rounding as O(eps).
"""

from __future__ import annotations

import dataclasses
import math

import mpmath
import numpy as np
import pytest

from numlearn.problems import PDE_PROBLEMS, get_pde

EPS = np.finfo(np.float64).eps


def _mp_solutions(name: str, p: dict[str, float]):
    """mpmath transcriptions of the closed forms (written from the papers' formulas)."""
    if name == "convection":
        return lambda t, x: mpmath.sin(x - p["beta"] * t)
    if name == "reaction":
        def u(t, x):
            h = mpmath.exp(-((x - mpmath.pi) ** 2) / (2 * (mpmath.pi / 4) ** 2))
            e = mpmath.exp(p["rho"] * t)
            return h * e / (h * e + 1 - h)
        return u
    if name == "wave":
        c, b = p["c"], p["beta"]
        return lambda t, x: (mpmath.sin(mpmath.pi * x) * mpmath.cos(c * mpmath.pi * t)
                             + mpmath.sin(b * mpmath.pi * x)
                             * mpmath.cos(c * b * mpmath.pi * t) / 2)
    raise KeyError(name)


@pytest.mark.parametrize(("name", "params"), [("convection", {}), ("convection", {"beta": 80.0}),
                                              ("reaction", {}), ("wave", {})])
def test_exact_solution_satisfies_the_pde(name: str, params: dict[str, float]) -> None:
    prob = get_pde(name, **params)
    u_mp = _mp_solutions(name, prob.params)
    rng = np.random.default_rng(3)
    t = rng.uniform(*prob.t_domain, 6)
    x = rng.uniform(*prob.x_domain, 6)
    with mpmath.workdps(30):
        for ti, xi in zip(t, x, strict=True):
            T, X = mpmath.mpf(ti), mpmath.mpf(xi)
            d = {
                "u_t": float(mpmath.diff(lambda s, X=X: u_mp(s, X), T)),
                "u_x": float(mpmath.diff(lambda s, T=T: u_mp(T, s), X)),
                "u_xx": float(mpmath.diff(lambda s, T=T: u_mp(T, s), X, 2)),
                "u_tt": float(mpmath.diff(lambda s, X=X: u_mp(s, X), T, 2)),
            }
            u = float(prob.solution(ti, xi))
            assert abs(u - float(u_mp(T, X))) <= 4 * EPS
            # each residual term is at most |coefficient * derivative|; rounding of
            # the derivatives to float64 leaves a few eps of that.
            scale = max(abs(v) for v in d.values()) * max(1.0, *prob.params.values()) ** 2
            assert abs(prob.residual(u, d)) <= 16 * EPS * scale


def test_initial_and_boundary_conditions() -> None:
    x = np.linspace(0, 2 * math.pi, 33)
    conv = get_pde("convection")
    np.testing.assert_array_equal(conv.initial_condition(x), np.sin(x))
    react = get_pde("reaction")
    h = np.exp(-((x - math.pi) ** 2) / (2 * (math.pi / 4) ** 2))
    np.testing.assert_allclose(react.initial_condition(x), h, rtol=2 * EPS)
    np.testing.assert_allclose(react.solution(0.0, x), h, rtol=4 * EPS)
    wave = get_pde("wave")
    xw = np.linspace(0, 1, 17)
    np.testing.assert_allclose(
        wave.initial_condition(xw),
        np.sin(math.pi * xw) + 0.5 * np.sin(5 * math.pi * xw), atol=4 * EPS)
    t = np.linspace(0, 1, 11)
    left, right = wave.boundary_values(t)
    assert np.all(left == 0) and np.all(right == 0)
    # the exact solution vanishes there too, to rounding of sin(pi) and sin(5 pi)
    assert np.max(np.abs(wave.solution(t, 1.0))) <= 4 * EPS
    burg = get_pde("burgers")
    np.testing.assert_array_equal(burg.initial_condition(xw), -np.sin(math.pi * xw))
    with pytest.raises(ValueError, match="periodic"):
        conv.boundary_values(t)


def test_evaluation_grids_follow_the_papers() -> None:
    t, x = get_pde("convection").evaluation_grid()
    assert t.shape == (200,) and x.shape == (200,)
    assert x[0] == 0.0 and x[-1] < 2 * math.pi  # periodic: right end excluded
    t, x = get_pde("reaction").evaluation_grid()
    assert t.shape == (200,) and x.shape == (200,) and x[-1] == 2 * math.pi
    t, x = get_pde("wave").evaluation_grid()
    assert (t[0], t[-1], x[0], x[-1]) == (0.0, 1.0, 0.0, 1.0)
    t, x = get_pde("burgers").evaluation_grid()
    assert t.shape == (201,) and x.shape == (511,) and (x[0], x[-1]) == (-1.0, 1.0)
    u = get_pde("wave").solution_on_grid()
    assert u.shape == (200, 200)


def test_registry_and_bad_input() -> None:
    assert set(PDE_PROBLEMS) == {"convection", "reaction", "wave", "burgers", "poisson2d_c"}
    with pytest.raises(KeyError, match="known"):
        get_pde("heat")
    with pytest.raises(ValueError, match="unknown"):
        get_pde("convection", rho=1.0)
    with pytest.raises(ValueError, match="finite"):
        get_pde("convection", beta=float("nan"))
    with pytest.raises(ValueError, match="no adjustable"):
        get_pde("poisson2d_c", radius=0.2)
    with pytest.raises(ValueError):
        get_pde("wave").solution(np.array([0.0, np.nan]), 0.5)


def test_poisson_domain_membership() -> None:
    p = get_pde("poisson2d_c")
    x = np.array([0.0, 0.3, 0.3 + 0.1, 0.45, 0.6, -0.3])
    y = np.array([0.0, 0.3, 0.3, 0.45, 0.0, -0.35])
    np.testing.assert_array_equal(p.contains(x, y), [True, False, True, True, False, False])


def test_problems_speak_the_harness_protocol() -> None:
    from numlearn.problems.protocol import HarnessProblem

    for name in PDE_PROBLEMS:
        assert isinstance(get_pde(name), HarnessProblem), name
    wave = get_pde("wave")
    assert wave.grid_name == "wave.evaluation_grid (200x200)"
    t, x = wave.evaluation_grid()
    np.testing.assert_array_equal(wave.truth(), wave.solution(t[:, None], x[None, :]))
    # a callable solution u(t, x) on the 1-D grid arrays, or values already on the grid
    np.testing.assert_array_equal(
        wave.evaluate_on_grid(lambda tt, xx: wave.solution(tt[:, None], xx[None, :])),
        wave.truth())
    np.testing.assert_array_equal(wave.evaluate_on_grid(wave.truth()), wave.truth())


def test_poisson_harness_points_and_oracle() -> None:
    p = get_pde("poisson2d_c")
    x, y = p.evaluation_points()
    assert p.grid_name == f"poisson2d_c.evaluation_points ({x.size})"
    np.testing.assert_array_equal(p.truth(), p.solution(x, y))
    np.testing.assert_array_equal(p.evaluate_on_grid(p.solution), p.truth())
    # another truth away from the boundary: the square's edges keep their value 1
    calls = []

    def oracle(xs, ys):
        calls.append(xs.size)
        return np.full(xs.shape, 0.25)

    q = dataclasses.replace(p, margin=0.05, oracle=oracle)
    qx, qy = q.evaluation_points()
    edge = (np.abs(qx) == 0.5) | (np.abs(qy) == 0.5)
    assert edge.sum() == 800 and qx.size == 800 + 20789
    assert "distance >= 0.05" in q.grid_name and "(21589)" in q.grid_name
    u = q.truth()
    assert np.all(u[edge] == 1.0) and np.all(u[~edge] == 0.25) and calls == [20789]
    with pytest.raises(ValueError, match="needs `margin` > 0"):
        dataclasses.replace(p, oracle=oracle)
    with pytest.raises(ValueError, match="margin"):
        dataclasses.replace(p, margin=-1.0)


def test_reaction_large_rho_matches_mpmath() -> None:
    # Issue 13 item 10: rho = 1000 gave NaN (inf/inf).  Truth: the logistic formula in
    # mpmath at 50 digits with the same float64 constants.  Error: z = rho t + logit(h)
    # carries ~(|rho t| + q + 4) eps of rounding, which moves u = sigma(z) by
    # u (1 - u) dz; plus the last rounding of u.

    x = np.linspace(0.0, 2.0 * math.pi, 41)
    for rho in (1000.0, -1000.0, 800.0, -750.0):
        for t in (0.75, 1.0):
            u = get_pde("reaction", rho=rho).solution(t, x)
            assert np.all(np.isfinite(u))
            with mpmath.workdps(50):
                for xv, uv in zip(x, u, strict=True):
                    q = (mpmath.mpf(xv) - mpmath.mpf(math.pi)) ** 2 / (
                        2 * (mpmath.mpf(math.pi) / 4) ** 2)
                    h = mpmath.exp(-q)
                    e = mpmath.exp(mpmath.mpf(rho) * t)
                    ex = h * e / (h * e + (1 - h))
                    tol = (ex * (1 - ex) * 4 * (abs(rho * t) + q + 4) + 2 * ex) * EPS
                    assert abs(uv - ex) <= tol + 1e-300, (rho, t, xv, uv, ex)
    assert float(get_pde("reaction", rho=1000.0).solution(1.0, 3.0)) == 1.0


def test_reaction_default_values_unchanged() -> None:
    # The benchmark (rho = 5) still uses the direct formula, bit for bit.
    p = get_pde("reaction")
    t, x = p.evaluation_grid()
    h = np.exp(-((x[None, :] - math.pi) ** 2) / (2.0 * (math.pi / 4.0) ** 2))
    e = np.exp(5.0 * t[:, None])
    np.testing.assert_array_equal(p.truth(), h * e / (h * e + 1.0 - h))


def test_solution_refuses_overflowing_phase() -> None:
    with pytest.raises(ValueError, match="`t` and `x` are too large"):
        get_pde("convection").solution(1e308, 0.0)
    with pytest.raises(ValueError, match="`t` and `x` are too large"):
        get_pde("wave").solution(1e308, 0.5)
