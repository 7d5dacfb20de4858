"""Gauss-Newton space-time collocation (numlearn.classical.spectral.spacetime.newton).

Truth: the reaction problem's closed form and a manufactured rational Burgers solution;
convergence rates from Newton's theory (quadratic once in the local phase).
"""

from __future__ import annotations

import numpy as np
import pytest

from numlearn import Status
from numlearn._core.result import check_stats
from numlearn._core.validation import EPS
from numlearn.classical.spectral.spacetime import solve_spacetime, solve_spacetime_newton

from .manufactured import RationalBurgers, err_on_grid


def test_reaction_newton_separable_regression() -> None:
    """31 t-nodes x 81 x-nodes, one Gauss-Newton ODE solve per x node.  Theory: the
    x resolution is set by the logistic's complex singularities (Bernstein ellipse
    parameter about 1.4 on [0, 2 pi]), hence nx > nt; at 81 x-nodes the
    interpolation error is near eps.  Regression window: measured 8.1e-14 (the
    pdes-classical suite's 33 x 161 run gives 8.2e-16), window 1e-10."""
    res = solve_spacetime("reaction", 31, 81, cond="none")
    assert res.success, res.status
    assert res.stats["separable"] and res.stats["groups"] == 80  # x = 0, 2 pi joined
    check_stats(res.stats)
    assert res.stats["cond_of"].startswith("Gauss-Newton Jacobian at the solution")
    assert res.stats["rel_l2"] <= 1e-10


def test_reaction_separable_equals_global_newton() -> None:
    """The split into x-lines changes nothing: same minimiser as the coupled system."""
    a = solve_spacetime_newton("reaction", 9, 11, separable="auto", cond="none")
    b = solve_spacetime_newton("reaction", 9, 11, separable=False, cond="none")
    assert a.stats["groups"] == 10 and b.stats["groups"] == 1
    np.testing.assert_allclose(np.asarray(a.value), np.asarray(b.value), atol=1e-13)


# --------------------------------------------------------------------- Newton


def test_newton_converges_quadratically_on_square_burgers_manufactured() -> None:
    """x / (1 + t) solves viscous Burgers; its t-singularity at t = -1 (Bernstein
    parameter 3 + sqrt 8) gives ~1e-15 at nt = 24.  Square collocation makes this
    true Newton: r_{k+1} <= C r_k^2 until the rounding floor."""
    prob = RationalBurgers()
    res = solve_spacetime_newton(prob, 24, 5, collocation="square", cond="svd")
    assert res.success, res.status
    assert err_on_grid(res, prob) < 100 * res.stats["cond"] * EPS
    r = np.asarray(res.history["residual_norm"])
    floor = 1e3 * EPS * r[0]
    above = [k for k in range(len(r) - 1) if r[k + 1] > floor and r[k] < 0.5]
    assert above, r
    for k in above:
        assert r[k + 1] <= 10.0 * r[k] ** 2, (k, r)


def test_newton_reaction_history_quadratic_tail() -> None:
    # Newton converges (residual at rounding level); 21 x nodes do not resolve the
    # Gaussian profile (relative Chebyshev tail 9e-4, rel L2 error 2.6e-4),
    # which the solver now says (issue 13 item 7).
    with pytest.warns(RuntimeWarning, match="not resolved"):
        res = solve_spacetime_newton("reaction", 15, 21, collocation="square", cond="none")
    r = np.asarray(res.history["residual_norm"])
    assert res.status is Status.UNRESOLVED and r[-1] < 1e-13
    k = int(np.argmax(r < 1e-2))  # the local (quadratic) phase
    assert r[k + 1] <= 10 * r[k] ** 2 and r[k + 2] <= 10 * r[k + 1] ** 2, r


def test_newton_burgers_benchmark_converges_with_continuation() -> None:
    """nu = 0.01/pi at 13 x 25 nodes: Newton (square) converges to the discrete
    solution (residual at rounding level) through a continuation in nu; the
    discretisation error is large at affordable sizes (see the module report)."""
    with pytest.warns(RuntimeWarning, match="not resolved"):
        res = solve_spacetime_newton("burgers", 13, 25, collocation="square",
                                     continuation={"nu": [0.1, 0.03]}, cond="none")
    # converged, but the discretisation error (rel L2 0.17, x tail 0.05) is visible in
    # the coefficients and reported (issue 13 item 7)
    assert res.status is Status.UNRESOLVED, res.status
    assert res.stats["stages"] == 3
    assert res.history["residual_norm"][-1] < 1e-12


def test_newton_reports_non_convergence() -> None:
    res = solve_spacetime_newton("burgers", 9, 17, collocation="square", max_iter=1,
                                 cond="none")
    assert res.status is Status.MAX_ITERATIONS
    assert not res.success
