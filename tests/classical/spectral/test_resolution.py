"""Spectral solvers say when their solution is not resolved (issue 13 item 7).

Oracles: closed forms.  eps u'' + u' = 0, u(-1) = 0, u(1) = 1 has the solution
u = (1 - exp(-(x + 1)/eps)) / (1 - exp(-2/eps)), a boundary layer of width eps at -1;
the convection benchmark's exact solution sin(x - beta t).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from numlearn import EPS, Status
from numlearn.classical.spectral import (
    LinearBVP,
    etdrk4,
    solve_collocation,
    solve_spacetime,
    solve_ultraspherical,
)
from numlearn.classical.spectral._resolution import RESOLUTION_TOL

SOLVERS = {
    "square": lambda bvp, n: solve_collocation(bvp, n),
    "rect": lambda bvp, n: solve_collocation(bvp, n, rectangular=True),
    "ultra": lambda bvp, n: solve_ultraspherical(bvp, n),
}
X = np.linspace(-1.0, 1.0, 20001)


def layer(eps: float) -> tuple[LinearBVP, object]:
    bvp = LinearBVP((0.0, 1.0, eps), 0.0, [("left", 0, 0.0), ("right", 0, 1.0)])

    def exact(x):
        return np.expm1(-(x + 1) / eps) / np.expm1(-2 / eps)

    return bvp, exact


@pytest.mark.parametrize("solver", SOLVERS)
def test_boundary_layer_at_n24_is_unresolved(solver: str) -> None:
    # The reproducer: eps = 1e-6 at n = 24 (max error 1.0 collocation, 0.60
    # ultraspherical, against the closed form), formerly status success.
    bvp, exact = layer(1e-6)
    with pytest.warns(RuntimeWarning, match="not resolved"):
        res = SOLVERS[solver](bvp, 24)
    assert res.status is Status.UNRESOLVED and not res.success
    assert res.stats["tail"] > RESOLUTION_TOL
    assert "Raise `n`" in res.message
    # the closed form confirms: the answer is wrong by O(1)
    assert np.max(np.abs(res.value(X) - exact(X))) > 0.1


@pytest.mark.parametrize("solver", SOLVERS)
def test_resolved_layer_stays_success(solver: str) -> None:
    # eps = 0.05 at n = 96: the coefficients decay to rounding (Bernstein ellipse of
    # the layer ~ exp(-n sqrt(eps))), no warning, error at rounding level times the
    # conditioning (collocation: cond ~ n^2 / eps, so 1e4 * n^2 * eps of slack).
    bvp, exact = layer(0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        res = SOLVERS[solver](bvp, 96)
    assert res.status is Status.SUCCESS and res.stats["tail"] <= RESOLUTION_TOL
    assert np.max(np.abs(res.value(X) - exact(X))) <= 1e4 * 96**2 * EPS


def test_spacetime_convection_8x8_is_unresolved() -> None:
    # rel L2 1.01 against sin(x - 40 t): formerly success, the error only in stats.
    with pytest.warns(RuntimeWarning, match=r"not resolved.*in t"):
        res = solve_spacetime("convection", 8, 8)
    assert res.status is Status.UNRESOLVED
    assert res.stats["rel_l2"] > 0.5 and res.stats["tail_t"] > RESOLUTION_TOL
    assert "Raise `nt`" in res.message


def test_spacetime_earlier_failure_is_kept() -> None:
    # A failure found first (rank deficiency) keeps its status; an unresolved verdict
    # is appended to its message.  Convection at 8 x 8 (unresolved in t) with one
    # nodal value no row can see.
    import dataclasses

    from numlearn.classical.spectral import solve_spacetime_lstsq, spacetime_system

    s = spacetime_system("convection", 8, 8)
    A = s.A.copy()
    A[:, 10] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = solve_spacetime_lstsq(dataclasses.replace(s, A=A))
    assert res.status is Status.RANK_DEFICIENT
    assert "collocation points" in res.message and "not resolved" in res.message


def test_etdrk4_divergence_warns() -> None:
    # u' = u^3, u(0) = 1 blows up at t = 1/2 (closed form u = 1/sqrt(1 - 2t)).
    with np.errstate(over="ignore", invalid="ignore"), \
            pytest.warns(RuntimeWarning, match="etdrk4 diverged"):
        res = etdrk4([0.0], lambda v, t: v**3, [1.0], (0.0, 1.0), 0.01)
    assert res.status is Status.DIVERGED


def test_mol_growth_beyond_the_blowup_factor_is_unstable() -> None:
    # The benchmark solutions are bounded; a march whose state grows by more than
    # BLOWUP_FACTOR (1e6) is reported UNSTABLE (here a synthetic march result).
    import time

    from numlearn._core.result import Result
    from numlearn.classical.spectral._mol_core import BLOWUP_FACTOR, _finish

    march = Result(np.ones((2, 4)), side="classical", stats={"iterations": 3},
                   history={"t": [0.0, 1.0], "max_abs": [1.0, 10 * BLOWUP_FACTOR]})
    u = np.ones((2, 3))
    with pytest.warns(RuntimeWarning, match="unstable"):
        res = _finish(march, u, np.arange(2), "test", {}, time.perf_counter())
    assert res.status is Status.UNSTABLE and "reduce `dt`" in res.message
