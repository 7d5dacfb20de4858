"""Linear BVPs on piecewise domains (breakpoints), against closed forms.

Oracles (all closed form):
* u'' = |x - 1| on [-2, 2], u(+-2) = 0: u = |x - 1|^3 / 6 + 13 x / 12 - 7/3;
* u'' + |x - 1| u = f with f = (|x - 1| - 1) sin x: u = sin x (a kinked coefficient);
* u' + |x| u = 0, u(-1) = 1: u = exp(-(1 - x^2)/2) for x <= 0, exp(-(1 + x^2)/2) for
  x >= 0 (first order);
* u'' = |x - 1/2| + |x + 1/2| on [-1, 1], u(+-1) = 0: u = (|x - 1/2|^3 + |x + 1/2|^3)/6
  - 7/12 (two breakpoints).
Tolerances: collocation errs by about cond(row-scaled system) * eps * max|u|, cond
growing like (n / piece length)^2 for second order (measured 1.7e4 at n = 32 per piece
here); 20 n^2 eps max|u| covers it.  Ultraspherical: O(1) condition numbers, 20 eps
max|u| (times the piece count).
"""

from __future__ import annotations

import numpy as np
import pytest

from numlearn import EPS, Status
from numlearn.classical.spectral import LinearBVP, solve_collocation, solve_ultraspherical
from numlearn.classical.spectral.piecewise import PiecewiseChebyshevSeries

SOLVERS = {
    "square": lambda bvp, n, bp: solve_collocation(bvp, n, breakpoints=bp),
    "rect": lambda bvp, n, bp: solve_collocation(bvp, n, rectangular=True, breakpoints=bp),
    "ultra": lambda bvp, n, bp: solve_ultraspherical(bvp, n, breakpoints=bp),
}
X4 = np.linspace(-2.0, 2.0, 4001)
X2 = np.linspace(-1.0, 1.0, 2001)


def kink_rhs() -> tuple[LinearBVP, object]:
    bvp = LinearBVP((0.0, 0.0, 1.0), lambda x: np.abs(x - 1), [("left", 0, 0.0),
                    ("right", 0, 0.0)], domain=(-2.0, 2.0))
    return bvp, lambda x: np.abs(x - 1) ** 3 / 6 + 13 * x / 12 - 7 / 3


def tol(solver: str, n: int, umax: float) -> float:
    return 20 * EPS * umax * (n * n if solver != "ultra" else 4)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("n", [16, 32])
def test_kinked_rhs_resolves_with_a_breakpoint(solver: str, n: int) -> None:
    bvp, exact = kink_rhs()
    res = SOLVERS[solver](bvp, n, [1.0])
    assert res.status is Status.SUCCESS
    assert isinstance(res.value, PiecewiseChebyshevSeries)
    assert res.stats["pieces"] == 2 and res.stats["breakpoints"] == [1.0]
    err = np.max(np.abs(res.value(X4) - exact(X4)))
    assert err <= tol(solver, n, 2.4), err  # max|u| = 2.33
    # u and u' continuous at the breakpoint, boundary conditions met
    left, right = res.value.pieces
    for d in (0, 1):
        lv = left.derivative(d)(np.array([1.0]))[0] if d else left(np.array([1.0]))[0]
        rv = right.derivative(d)(np.array([1.0]))[0] if d else right(np.array([1.0]))[0]
        assert abs(lv - rv) <= tol(solver, n, 2.4) * n
    assert np.max(np.abs(bvp.bc_residuals(res.value))) <= tol(solver, n, 2.4)


@pytest.mark.parametrize("solver", SOLVERS)
def test_kinked_rhs_without_breakpoint_is_unresolved(solver: str) -> None:
    # The case: one interval, the kink at 1 gives algebraic convergence
    # (max error 3.5e-6 at n = 1024, formerly status success); reported.
    bvp, exact = kink_rhs()
    with pytest.warns(RuntimeWarning, match="breakpoint"):
        res = SOLVERS[solver](bvp, 256, None)
    assert res.status is Status.UNRESOLVED
    assert np.max(np.abs(res.value(X4) - exact(X4))) > 1e-8


@pytest.mark.parametrize("solver", SOLVERS)
def test_kinked_coefficient(solver: str) -> None:
    bvp = LinearBVP((lambda x: np.abs(x - 1), 0.0, 1.0),
                    lambda x: (np.abs(x - 1) - 1) * np.sin(x),
                    [("left", 0, np.sin(-2.0)), ("right", 0, np.sin(2.0))], domain=(-2.0, 2.0))
    if solver == "ultra":
        with pytest.raises(ValueError, match="smooth"):
            solve_ultraspherical(bvp, 32)  # |x - 1| has no short series on [-2, 2]
    res = SOLVERS[solver](bvp, 32, (1.0,))
    assert res.success
    assert np.max(np.abs(res.value(X4) - np.sin(X4))) <= tol(solver, 32, 1.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_first_order_piecewise(solver: str) -> None:
    bvp = LinearBVP((lambda x: np.abs(x), 1.0), 0.0, [("left", 0, 1.0)])

    def exact(x):
        return np.where(x <= 0, np.exp(-(1 - x * x) / 2), np.exp(-(1 + x * x) / 2))

    res = SOLVERS[solver](bvp, 24, [0.0])
    assert res.success
    assert np.max(np.abs(res.value(X2) - exact(X2))) <= tol(solver, 24, 1.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_two_breakpoints(solver: str) -> None:
    bvp = LinearBVP((0.0, 0.0, 1.0), lambda x: np.abs(x - 0.5) + np.abs(x + 0.5),
                    [("left", 0, 0.0), ("right", 0, 0.0)])

    def exact(x):
        return (np.abs(x - 0.5) ** 3 + np.abs(x + 0.5) ** 3) / 6 - 7 / 12

    res = SOLVERS[solver](bvp, 16, [0.5, -0.5])  # any order
    assert res.success and res.stats["pieces"] == 3
    assert np.max(np.abs(res.value(X2) - exact(X2))) <= tol(solver, 16, 1.0)
    # the residual of the ODE on each piece is at rounding level
    xs = np.linspace(-0.99, 0.99, 199)
    assert np.max(np.abs(bvp.residual(res.value, xs))) <= 1e4 * 16**4 * EPS


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(
    ("bp", "exc", "match"),
    [
        ([3.0], ValueError, "strictly inside"),
        ([-2.0], ValueError, "strictly inside"),
        ([1.0, 1.0], ValueError, "distinct"),
        ([np.nan], ValueError, "finite"),
        ("1.0", TypeError, "real numbers"),
        ([True], TypeError, "real numbers"),
        ([1j], TypeError, "real"),
    ],
)
def test_bad_breakpoints(solver: str, bp, exc, match: str) -> None:
    bvp, _ = kink_rhs()
    with pytest.raises(exc, match=f"`breakpoints`.*{match}|{match}.*`breakpoints`"):
        SOLVERS[solver](bvp, 16, bp)


def test_piecewise_series_evaluation() -> None:
    from numlearn.classical import ChebyshevSeries

    u = PiecewiseChebyshevSeries([ChebyshevSeries([1.0], (-1.0, 0.0)),
                                  ChebyshevSeries([2.0], (0.0, 1.0))])
    np.testing.assert_array_equal(u(np.array([-1.0, 0.0, 0.5, 1.0])), [1, 1, 2, 2])
    assert u.domain == (-1.0, 1.0) and len(u) == 2
    with pytest.raises(ValueError, match="consecutive"):
        PiecewiseChebyshevSeries([ChebyshevSeries([1.0], (-1.0, 0.0)),
                                  ChebyshevSeries([2.0], (0.5, 1.0))])
