"""Chebyshev collocation for linear BVPs (numlearn.classical.spectral.collocation).

Oracle: Trefethen's Program 13 problem u'' = exp(4x), u(+-1) = 0, in closed form.
"""

from __future__ import annotations

import numpy as np
import pytest

from numlearn import Status
from numlearn._core.result import Result, check_stats
from numlearn.classical import ChebyshevSeries
from numlearn.classical.spectral import LinearBVP, solve_collocation, solve_ultraspherical

from .bvp_cases import (
    DIRICHLET0,
    U_MAX,
    XE,
    colloc_tol,
    exp4_exact,
    exp4_problem,
    max_err,
    slope,
)


@pytest.mark.parametrize("rectangular", [False, True])
def test_exp4_collocation_n32(rectangular: bool) -> None:
    res = solve_collocation(exp4_problem(), 32, rectangular=rectangular)
    assert isinstance(res, Result) and res.success
    assert isinstance(res.value, ChebyshevSeries) and len(res.value) == 32
    # The target of the issue: 1e-13 at n = 32 (the interpolation error of the exact
    # solution at degree 31 is ~1e-15; measured 6.9e-15 square, 2.7e-14 rectangular).
    assert max_err(res.value, exp4_exact, XE) <= 1e-13
    for key in ("n", "cond", "cond_of", "cond_assembled", "residual_norm",
                "residual_norm_of", "method", "backward_error"):
        assert key in res.stats
    assert res.stats["cond_of"].startswith("A row-scaled")
    check_stats(res.stats)
    assert res.stats["cond_norm"] == "2"
    assert len(res.history["residual_norm"]) == 1  # refine=False by default


@pytest.mark.parametrize("rectangular", [False, True])
@pytest.mark.parametrize("n", [64, 128, 400])
def test_exp4_collocation_rounding_growth(rectangular: bool, n: int) -> None:
    res = solve_collocation(exp4_problem(), n, rectangular=rectangular, cond="none")
    assert max_err(res.value, exp4_exact, XE) <= colloc_tol(n, 2, U_MAX)


@pytest.mark.parametrize("rectangular", [False, True])
def test_collocation_condition_growth_regression(rectangular: bool) -> None:
    ns = [32, 64, 128, 256]
    stats = [solve_collocation(exp4_problem(), n, rectangular=rectangular).stats for n in ns]
    # Assembled matrix (BC rows O(1), ODE rows O(n^4)): measured slope 4.5 (kappa(D2)
    # of Program 13 with the boundary eliminated is 0.0197 N^4; the bordered matrix
    # adds the boundary columns of D2).  Row-scaled matrix (the one factored, `cond`):
    # slope 2 = the order, as theory gives for a second-order operator.  Regression
    # windows +-0.2 around the measured slopes.
    assert 4.3 <= slope(ns, [s["cond_assembled"] for s in stats]) <= 4.7
    assert 1.8 <= slope(ns, [s["cond"] for s in stats]) <= 2.2


def test_bad_options_and_types() -> None:
    with pytest.raises(ValueError, match="`cond` must be"):
        solve_collocation(exp4_problem(), 16, cond="fast")
    with pytest.raises(TypeError, match="LinearBVP"):
        solve_ultraspherical({"coeffs": (0, 0, 1)}, 16)
    rough = LinearBVP((lambda x: np.abs(x), 0.0, 1.0), 1.0, DIRICHLET0)
    with pytest.raises(ValueError, match="smooth"):
        solve_ultraspherical(rough, 32)
    # ... which collocation accepts, and reports unresolved (issue 13): the kink of
    # a_0 = |x| at 0 leaves a kink in the second derivative of u, so the coefficients
    # decay only algebraically (relative tail 1.3e-6 at n = 32).
    with pytest.warns(RuntimeWarning, match="not resolved"):
        res = solve_collocation(rough, 32)
    assert res.status is Status.UNRESOLVED and res.stats["tail"] > 1e-8
