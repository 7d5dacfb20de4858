"""Tests for numlearn.classical.spectral.{bvp, ultraspherical} against exact solutions.

Oracles: closed-form solutions (Trefethen's Program 13 problem u'' = exp(4x); manufactured
solutions for Neumann/Robin, first-order, fourth-order, variable-coefficient and
interior-point problems), mpmath's Airy function at 30 digits, scipy.special's Gegenbauer
and numpy.polynomial.chebyshev's derivatives for the operators, dense numpy inverses for
the norm estimator.  Tolerances are multiples of eps = 2^-52 with the reason beside each:
collocation solves err by about cond(row-scaled system) * eps * max|u|, and that condition
number grows like n^2 for second-order problems (measured 0.5 n^2 to 0.7 n^2, n = 16 ..
2048), like n^4 for fourth order; the ultraspherical system has cond(TAR) ~ 1.7.
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import numpy.polynomial.chebyshev as npcheb
import pytest
from scipy.special import eval_gegenbauer

from numlearn._core.result import Result
from numlearn._core.validation import IllConditionedWarning
from numlearn.classical.spectral.bvp import (
    BoundaryCondition,
    ChebyshevSeries,
    LinearBVP,
    SingularBVPError,
    inverse_norm1_estimate,
    solve_collocation,
)
from numlearn.classical.spectral.ultraspherical import (
    boundary_row,
    conversion_operator,
    differentiation_operator,
    multiplication_operator,
    solve_ultraspherical,
)

EPS = np.finfo(np.float64).eps
DIRICHLET0 = [("left", 0, 0.0), ("right", 0, 0.0)]


def exp4_exact(x):
    return (np.exp(4 * x) - x * np.sinh(4.0) - np.cosh(4.0)) / 16


def exp4_problem() -> LinearBVP:
    return LinearBVP((0.0, 0.0, 1.0), lambda x: np.exp(4 * x), DIRICHLET0)


XE = np.linspace(-1.0, 1.0, 1001)
U_MAX = 2.1  # max |exp4_exact| on [-1, 1] (2.0992 on 1e5 points)

SOLVERS = {
    "square": lambda bvp, n: solve_collocation(bvp, n),
    "rect": lambda bvp, n: solve_collocation(bvp, n, rectangular=True),
    "ultra": lambda bvp, n: solve_ultraspherical(bvp, n),
}


# cond(row-scaled collocation matrix) / n^order, largest measured over square and
# rectangular, n = 16 .. 1024: order 1: 1.08 (n = 64), order 2: 0.83 (rectangular,
# n = 1024), order 4: 0.069 (rectangular, n = 256).
_COND_CONST = {1: 1.2, 2: 1.0, 4: 0.1}


def colloc_tol(n: int, order: int, scale: float) -> float:
    # Forward error <~ cond * eps * max|u|, with a factor 10 of slack.
    return 10.0 * _COND_CONST[order] * float(n) ** order * EPS * scale


def max_err(u: ChebyshevSeries, exact, x) -> float:
    return float(np.max(np.abs(u(x) - exact(x))))


# ----------------------------------------------------------------- Program 13 problem


@pytest.mark.parametrize("rectangular", [False, True])
def test_exp4_collocation_n32(rectangular: bool) -> None:
    res = solve_collocation(exp4_problem(), 32, rectangular=rectangular)
    assert isinstance(res, Result) and res.success
    assert isinstance(res.value, ChebyshevSeries) and len(res.value) == 32
    # The target of the issue: 1e-13 at n = 32 (the interpolation error of the exact
    # solution at degree 31 is ~1e-15; measured 6.9e-15 square, 2.7e-14 rectangular).
    assert max_err(res.value, exp4_exact, XE) <= 1e-13
    for key in ("n", "cond", "cond_scaled", "residual_norm", "method", "backward_error"):
        assert key in res.stats
    assert res.stats["cond_norm"] == "2"
    assert len(res.history["residual_norm"]) == 1  # refine=False by default


@pytest.mark.parametrize("rectangular", [False, True])
@pytest.mark.parametrize("n", [64, 128, 400])
def test_exp4_collocation_rounding_growth(rectangular: bool, n: int) -> None:
    res = solve_collocation(exp4_problem(), n, rectangular=rectangular, cond="none")
    assert max_err(res.value, exp4_exact, XE) <= colloc_tol(n, 2, U_MAX)


@pytest.mark.parametrize("n", [32, 64, 200, 1000, 10_000])
def test_exp4_ultraspherical(n: int) -> None:
    res = solve_ultraspherical(exp4_problem(), n)
    # cond(TAR) ~ 1.7 and the solution's coefficients sum to 2.97: the error is a few
    # eps times max|u| (measured 1.1e-15 for every n >= 32); 20 eps max|u| = 9e-15.
    assert max_err(res.value, exp4_exact, XE) <= 20 * EPS * U_MAX
    assert res.stats["solver"] == "schur-banded"
    assert res.stats["rhs_resolved"] and res.stats["rhs_length"] < 32
    assert len(res.history["residual_norm"]) == 2


@pytest.mark.slow
def test_exp4_ultraspherical_million() -> None:
    res = solve_ultraspherical(exp4_problem(), 10**6)
    assert max_err(res.value, exp4_exact, np.linspace(-1, 1, 201)) <= 20 * EPS * U_MAX
    assert res.stats["cond_preconditioned"] < 3.0  # 1-norm estimate (2.5 measured)
    assert res.stats["seconds"] < 3.0  # assembly + solve; measured 0.3-0.9 s, shared CPU


def test_three_methods_agree_on_coefficients() -> None:
    bvp = exp4_problem()
    cs = [SOLVERS[k](bvp, 40).value.coefficients for k in ("square", "rect", "ultra")]
    assert np.max(np.abs(cs[0] - cs[2])) <= colloc_tol(40, 2, U_MAX)
    assert np.max(np.abs(cs[1] - cs[2])) <= colloc_tol(40, 2, U_MAX)


# --------------------------------------------------------------- conditioning rates


def _slope(ns, values) -> float:
    return float(np.polyfit(np.log(ns), np.log(values), 1)[0])


@pytest.mark.parametrize("rectangular", [False, True])
def test_collocation_condition_growth(rectangular: bool) -> None:
    ns = [32, 64, 128, 256]
    stats = [solve_collocation(exp4_problem(), n, rectangular=rectangular).stats for n in ns]
    # Assembled matrix (BC rows O(1), ODE rows O(n^4)): measured slope 4.5 (kappa(D2)
    # of Program 13 with the boundary eliminated is 0.0197 N^4; the bordered matrix
    # adds the boundary columns of D2).  Row-scaled matrix: slope 2.
    assert 4.3 <= _slope(ns, [s["cond"] for s in stats]) <= 4.7
    assert 1.8 <= _slope(ns, [s["cond_scaled"] for s in stats]) <= 2.2


def test_ultraspherical_condition_bounded() -> None:
    ns = [32, 64, 128, 256]
    stats = [solve_ultraspherical(exp4_problem(), n).stats for n in ns]
    pre = [s["cond_preconditioned"] for s in stats]
    # Olver-Townsend: bounded; measured 1.658 .. 1.666 (exact 2-norm, n = 32 .. 1024).
    assert all(s["cond_norm"] == "2" for s in stats)
    assert max(pre) <= 1.7 and max(pre) - min(pre) <= 0.02
    # Unpreconditioned: kappa(A) ~ 1.56 n (linear growth, research notes).
    assert 0.95 <= _slope(ns, [s["cond"] for s in stats]) <= 1.05


# ------------------------------------------------------- other boundary conditions


def _manufactured_neumann_robin():
    u = lambda x: np.sin(2 * x) + x**2  # noqa: E731
    du = lambda x: 2 * np.cos(2 * x) + 2 * x  # noqa: E731
    bvp = LinearBVP(
        (0.0, 0.0, 1.0), lambda x: -4 * np.sin(2 * x) + 2,
        [("left", 1, du(-1.0)), BoundaryCondition.robin("right", 1.0, 2.0, u(1.0) + 2 * du(1.0))],
    )
    return bvp, u


@pytest.mark.parametrize("method", list(SOLVERS))
def test_neumann_robin(method: str) -> None:
    bvp, u = _manufactured_neumann_robin()
    res = SOLVERS[method](bvp, 32)
    scale = 1.0 + np.max(np.abs(u(XE)))  # ~1.9
    tol = 50 * EPS * scale if method == "ultra" else colloc_tol(32, 2, scale)
    assert max_err(res.value, u, XE) <= tol
    assert np.max(np.abs(bvp.bc_residuals(res.value))) <= colloc_tol(32, 2, scale)


@pytest.mark.parametrize("method", list(SOLVERS))
def test_first_order(method: str) -> None:
    u = lambda x: np.cos(3 * x)  # noqa: E731
    bvp = LinearBVP((1.0, 1.0), lambda x: -3 * np.sin(3 * x) + np.cos(3 * x),
                    [("left", 0, u(-1.0))])
    res = SOLVERS[method](bvp, 32)
    tol = 50 * EPS if method == "ultra" else colloc_tol(32, 1, 1.0)
    assert max_err(res.value, u, XE) <= tol


@pytest.mark.parametrize("method", list(SOLVERS))
def test_fourth_order_clamped(method: str) -> None:
    u = lambda x: np.cos(np.pi * x) + 1  # u = u' = 0 at both ends  # noqa: E731
    bvp = LinearBVP((0, 0, 0, 0, 1.0), lambda x: np.pi**4 * np.cos(np.pi * x),
                    [("left", 0, 0), ("left", 1, 0), ("right", 0, 0), ("right", 1, 0)])
    res = SOLVERS[method](bvp, 40)
    tol = 50 * EPS * 2 if method == "ultra" else colloc_tol(40, 4, 2.0)
    assert max_err(res.value, u, XE) <= tol


@pytest.mark.parametrize("method", list(SOLVERS))
def test_interior_point_and_domain(method: str) -> None:
    # u'' - u = 0 on [0, 2], u(0.7) = e^0.7 (interior point), u'(2) = e^2: u = e^x.
    bvp = LinearBVP((-1.0, 0.0, 1.0), 0.0, [(0.7, 0, np.exp(0.7)), ("right", 1, np.exp(2.0))],
                    domain=(0.0, 2.0))
    res = SOLVERS[method](bvp, 24)
    x = np.linspace(0.0, 2.0, 501)
    tol = 50 * EPS * np.e**2 if method == "ultra" else colloc_tol(24, 2, np.e**2)
    assert res.value.domain == (0.0, 2.0)
    assert max_err(res.value, np.exp, x) <= tol


# ------------------------------------------------------------ variable coefficients


def _exp_sin():
    u = lambda x: np.exp(np.sin(x))  # noqa: E731
    du = lambda x: np.cos(x) * u(x)  # noqa: E731
    d2u = lambda x: (np.cos(x) ** 2 - np.sin(x)) * u(x)  # noqa: E731
    return u, du, d2u


@pytest.mark.parametrize("method", list(SOLVERS))
def test_variable_coefficients_on_interval(method: str) -> None:
    # u'' + x u' + u = f on [0, 3], manufactured u = exp(sin x).
    u, du, d2u = _exp_sin()
    bvp = LinearBVP((1.0, lambda x: x, 1.0), lambda x: d2u(x) + x * du(x) + u(x),
                    [("left", 0, u(0.0)), ("right", 0, u(3.0))], domain=(0.0, 3.0))
    res = SOLVERS[method](bvp, 48)
    x = np.linspace(0.0, 3.0, 701)
    tol = 50 * EPS * np.e if method == "ultra" else colloc_tol(48, 2, np.e)
    assert max_err(res.value, u, x) <= tol
    # The continuous ODE residual of the computed series is small too (differentiating
    # twice costs up to n^4 eps |u|).
    assert np.max(np.abs(bvp.residual(res.value, x))) <= 48.0**4 * EPS * 10


@pytest.mark.parametrize("method", list(SOLVERS))
def test_variable_leading_coefficient(method: str) -> None:
    # (1 + x^2) u'' + u' - cos(x) u = f: multiplication in C^(2) for the ultraspherical.
    u, du, d2u = _exp_sin()
    bvp = LinearBVP(
        (lambda x: -np.cos(x), 1.0, lambda x: 1 + x**2),
        lambda x: (1 + x**2) * d2u(x) + du(x) - np.cos(x) * u(x),
        [("left", 0, u(-1.0)), ("right", 1, du(1.0))],
    )
    res = SOLVERS[method](bvp, 40)
    tol = 50 * EPS * np.e if method == "ultra" else colloc_tol(40, 2, np.e)
    assert max_err(res.value, u, XE) <= tol


@pytest.mark.parametrize("method", list(SOLVERS))
def test_airy_against_mpmath(method: str) -> None:
    # eps u'' - x u = 0, u(+-1) = Ai(+-eps^(-1/3)): u = Ai(eps^(-1/3) x) (Olver-Townsend
    # 2013's example), reference by mpmath.airyai at 30 digits.
    e = 1e-4
    k = e ** (-1.0 / 3.0)
    with mpmath.workdps(30):
        ai = lambda t: float(mpmath.airyai(mpmath.mpf(k) * mpmath.mpf(float(t))))  # noqa: E731
        x = np.linspace(-1.0, 1.0, 41)
        ref = np.array([ai(t) for t in x])
        bcs = [("left", 0, ai(-1.0)), ("right", 0, ai(1.0))]
    bvp = LinearBVP((lambda x: -x, 0.0, e), 0.0, bcs)
    res = SOLVERS[method](bvp, 200)
    # max|Ai| ~ 0.54.  At n = 200 collocation's row-scaled condition number is ~1.5e3;
    # the ultraspherical cond(TAR) is 1.6e5 (R scales by the leading coefficient eps,
    # so the x/eps term dominates the low modes), yet its error is 7e-15 (measured).
    # Bound for all three: 1e3 eps.
    assert np.max(np.abs(res.value(x) - ref)) <= 1e3 * EPS
    if method == "ultra":
        assert res.stats["coefficient_lengths"] == [2, 1, 1]


def test_ultraspherical_falls_back_to_splu_when_banded_block_is_singular() -> None:
    # u'' + w^2 u = 0 with w the first zero of J_0: the banded block (the operator with
    # c_0 = c_1 = 0 imposed) is singular in the limit, the BVP is not.
    w = 2.404825557695773
    bvp = LinearBVP((w * w, 0.0, 1.0), 0.0, [("left", 0, np.cos(w)), ("right", 0, np.cos(w))])
    res = solve_ultraspherical(bvp, 64)
    assert res.stats["solver"] == "splu"
    assert max_err(res.value, lambda x: np.cos(w * x), XE) <= 20 * EPS


def test_ultraspherical_unresolved_rhs_uses_interpolant() -> None:
    # f = |x| is not resolved to eps by 65537 samples: the n-point interpolant is used.
    bvp = LinearBVP((0.0, 0.0, 1.0), np.abs, DIRICHLET0)
    res = solve_ultraspherical(bvp, 64, cond="none")
    assert not res.stats["rhs_resolved"] and res.stats["rhs_length"] == 64
    exact = lambda x: (np.abs(x) ** 3 - 1.0) / 6  # noqa: E731
    # Interpolating |x| with 64 points errs by O(1/n) near 0; integrated twice against
    # the Green's function that is O(1/n^2) (measured 1.05e-4 = 0.43/n^2).
    assert max_err(res.value, exact, XE) <= 1.0 / 64**2


# ------------------------------------------------------------------ the operators


def _cval(c, lam, x):
    if lam == 0:
        return npcheb.chebval(x, c)
    return sum(ck * eval_gegenbauer(k, lam, x) for k, ck in enumerate(c))


def _cabs(c, lam, x):
    if lam == 0:
        return sum(abs(ck) * np.ones_like(x) for ck in c)
    return sum(abs(ck) * np.abs(eval_gegenbauer(k, lam, x)) for k, ck in enumerate(c))


@pytest.mark.parametrize("lam", [0, 1, 2, 3])
def test_multiplication_operator_against_gegenbauer(lam: int) -> None:
    rng = np.random.default_rng(7 + lam)
    n = 14
    a = rng.standard_normal(5)
    c = np.concatenate([rng.standard_normal(8), np.zeros(n - 8)])  # product has degree 11
    x = np.linspace(-0.95, 0.95, 9)
    got = _cval(multiplication_operator(a, lam, n) @ c, lam, x)
    want = npcheb.chebval(x, a) * _cval(c, lam, x)
    # Both sides sum O(n) terms of size |C_k^(lam)(x)| (up to ~k^(2 lam - 1)): tolerance
    # 100 eps times the sum of absolute values.
    bound = 100 * EPS * np.sum(np.abs(a)) * _cabs(c, lam, x).max() * n
    assert np.max(np.abs(got - want)) <= bound


@pytest.mark.parametrize("lam", [0, 1, 2])
def test_conversion_and_differentiation_operators(lam: int) -> None:
    rng = np.random.default_rng(11 + lam)
    n = 12
    c = rng.standard_normal(n)
    x = np.linspace(-0.9, 0.9, 7)
    s = conversion_operator(lam, n + 2)
    cpad = np.concatenate([c, [0.0, 0.0]])
    tol = 100 * EPS * _cabs(c, max(lam, 0), x).max() * n
    assert np.max(np.abs(_cval(s @ cpad, lam + 1, x) - _cval(c, lam, x))) <= tol
    order = lam + 1
    d = differentiation_operator(order, n) @ c  # T -> C^(order)
    want = npcheb.chebval(x, npcheb.chebder(c, order))
    scale = np.sum(np.abs(npcheb.chebder(c, order)))
    assert np.max(np.abs(_cval(d, order, x) - want)) <= 100 * EPS * scale * n


@pytest.mark.parametrize("point", ["left", "right", 0.3])
def test_boundary_rows_against_numpy(point) -> None:
    n = 20
    rng = np.random.default_rng(3)
    c = rng.standard_normal(n)
    domain = (-2.0, 3.0)
    bc = BoundaryCondition(point, (0.5, -1.0, 2.0, 0.25))
    x0 = {"left": -2.0, "right": 3.0}.get(point, point)
    s0 = (2 * x0 - 1.0) / 5.0
    want = sum(w * (2 / 5) ** j * npcheb.chebval(s0, npcheb.chebder(c, j)) if j else
               w * npcheb.chebval(s0, c) for j, w in enumerate(bc.weights))
    got = boundary_row(bc, n, domain) @ c
    # T_k'''(+-1) ~ k^6/15: entries up to 3e6; relative tolerance 100 eps.
    assert abs(got - want) <= 100 * EPS * np.abs(boundary_row(bc, n, domain)).max() * n


# --------------------------------------------------------------- ChebyshevSeries


def test_chebyshev_series_eval_derivative_simplify() -> None:
    c = np.array([1.0, -0.5, 0.25, 0.125] + [0.0] * 20)
    p = ChebyshevSeries(c, domain=(1.0, 4.0))
    x = np.linspace(1.0, 4.0, 13)
    s = (2 * x - 5.0) / 3.0
    assert np.allclose(p(x), npcheb.chebval(s, c), atol=4 * EPS, rtol=0)
    dp = p.derivative(2)
    assert np.allclose(dp(x), npcheb.chebval(s, npcheb.chebder(c, 2)) * (2 / 3) ** 2,
                       atol=50 * EPS, rtol=0)
    assert len(p.simplify()) == 4
    assert not p.coefficients.flags.writeable
    with pytest.raises(ValueError, match="finite"):
        ChebyshevSeries([1.0, np.nan])


def test_inverse_norm1_estimate_is_a_good_lower_bound(rng) -> None:
    for n in (1, 5, 40, 200):
        a = rng.standard_normal((n, n)) + np.diag(rng.uniform(0.1, 3, n))
        inv = np.linalg.inv(a)
        exact = np.linalg.norm(inv, 1)
        est = inverse_norm1_estimate(lambda v, a=a: np.linalg.solve(a, v),
                                     lambda v, a=a: np.linalg.solve(a.T, v), n)
        # Hager-Higham: a lower bound (up to rounding), within a factor 3 in practice.
        assert exact / 3 <= est <= exact * (1 + 1e-12)


# ------------------------------------------------------------------------ errors


@pytest.mark.parametrize("method", list(SOLVERS))
def test_neumann_only_is_singular(method: str) -> None:
    bvp = LinearBVP((0.0, 0.0, 1.0), 1.0, [("left", 1, 0.0), ("right", 1, 0.0)])
    with pytest.raises(SingularBVPError, match="Neumann conditions leaves a constant free"):
        SOLVERS[method](bvp, 32)


@pytest.mark.parametrize(("method", "delta"), [("square", 1e-11), ("rect", 1e-11),
                                               ("ultra", 1e-13)])
def test_resonance_is_singular_and_near_resonance_warns(method: str, delta: float) -> None:
    w2 = (np.pi / 2) ** 2  # cos(pi x / 2) solves u'' + w2 u = 0 with u(+-1) = 0
    with pytest.raises(SingularBVPError, match="resonance"):
        SOLVERS[method](LinearBVP((w2, 0.0, 1.0), 1.0, DIRICHLET0), 32)
    # 1/delta away from resonance the condition number is ~ 1/delta times 500
    # (collocation, row-scaled) or times 6 (ultraspherical): 5e13 and 6e13 measured,
    # above the 1e12 warning level and below the 1/eps singular level.
    near = LinearBVP((w2 * (1 + delta), 0.0, 1.0), 1.0, DIRICHLET0)
    with pytest.warns(IllConditionedWarning, match="condition number"):
        SOLVERS[method](near, 32)


def test_well_conditioned_problem_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for solve in SOLVERS.values():
            solve(exp4_problem(), 64)


@pytest.mark.parametrize(
    ("kwargs", "err", "match"),
    [
        ({"bcs": [("left", 0, 0.0)]}, ValueError, "needs exactly 2 boundary conditions"),
        ({"bcs": [*DIRICHLET0, ("left", 1, 0.0)]}, ValueError, "needs exactly 2"),
        ({"coeffs": (np.nan, 0.0, 1.0)}, ValueError, r"coeffs\[0\]` must be finite"),
        ({"coeffs": (0.0, 1.0, 0.0)}, ValueError, "leading coefficient"),
        ({"coeffs": (1.0,)}, ValueError, "order m >= 1"),
        ({"coeffs": (0.0, "a", 1.0)}, TypeError, r"coeffs\[1\]"),
        ({"rhs": np.inf}, ValueError, "`rhs` must be finite"),
        ({"domain": (1.0, -1.0)}, ValueError, "a < b"),
        ({"domain": (0.0, np.inf)}, ValueError, "finite"),
        ({"bcs": [("left", 2, 0.0), ("right", 0, 0.0)]}, ValueError, "up to order 1"),
        ({"bcs": [("middle", 0, 0.0), ("right", 0, 0.0)]}, ValueError, "'left', 'right'"),
        ({"bcs": [(5.0, 0, 0.0), ("right", 0, 0.0)]}, ValueError, "outside the domain"),
        ({"bcs": [("left", (0.0, 0.0), 0.0), ("right", 0, 0.0)]}, ValueError, "nonzero"),
        ({"bcs": [("left", 0), ("right", 0, 0.0)]}, TypeError, r"\(point, order, value\)"),
        ({"bcs": [("left", 0, np.nan), ("right", 0, 0.0)]}, ValueError, "`value` must be"),
        ({"bcs": ("left", 0, 0.0)}, TypeError, "wrap a single one in a list"),
    ],
)
def test_bad_problem_definitions(kwargs, err, match) -> None:
    base = {"coeffs": (0.0, 0.0, 1.0), "rhs": 1.0, "bcs": DIRICHLET0}
    base.update(kwargs)
    with pytest.raises(err, match=match):
        LinearBVP(**base)


@pytest.mark.parametrize("method", list(SOLVERS))
def test_bad_solver_arguments(method: str) -> None:
    bvp = exp4_problem()
    with pytest.raises(ValueError, match="too small"):
        SOLVERS[method](bvp, 2)
    with pytest.raises(TypeError, match="integer"):
        SOLVERS[method](bvp, 32.0)
    nan_coeff = LinearBVP((lambda x: np.where(x > 0.5, np.nan, 1.0), 0.0, 1.0), 1.0, DIRICHLET0)
    with pytest.raises(ValueError, match="must be finite on the whole domain"):
        SOLVERS[method](nan_coeff, 32)
    bad_shape = LinearBVP((0.0, 0.0, 1.0), lambda x: np.ones(3), DIRICHLET0)
    with pytest.raises(ValueError, match="vectorised"):
        SOLVERS[method](bad_shape, 32)


def test_bad_options_and_types() -> None:
    with pytest.raises(ValueError, match="`cond` must be"):
        solve_collocation(exp4_problem(), 16, cond="fast")
    with pytest.raises(TypeError, match="LinearBVP"):
        solve_ultraspherical({"coeffs": (0, 0, 1)}, 16)
    rough = LinearBVP((lambda x: np.abs(x), 0.0, 1.0), 1.0, DIRICHLET0)
    with pytest.raises(ValueError, match="smooth"):
        solve_ultraspherical(rough, 32)
    # ... which collocation accepts.
    assert solve_collocation(rough, 32).success


@pytest.mark.parametrize("w2", [0.0, 2.404825557695773**2])  # Schur path, SuperLU path
def test_ultraspherical_condition_estimates_against_dense(w2: float) -> None:
    # Rebuild the system from the public operators: Dirichlet rows over the first n - 2
    # rows of D_2 + w2 S_1 S_0; R = diag(1, 1, 1/(2k)).  The estimates are of the
    # 1-norm condition numbers: Hager-Higham gives a lower bound within a factor 3.
    n = 300
    bvp = LinearBVP((w2, 0.0, 1.0), 1.0, DIRICHLET0)
    res = solve_ultraspherical(bvp, n, cond="estimate")
    assert res.stats["solver"] == ("schur-banded" if w2 == 0.0 else "splu")
    assert res.stats["cond_norm"] == "1 (estimate)"
    big = n + 4  # build larger and cut, so that the truncation is exact
    op = differentiation_operator(2, big) + w2 * (
        conversion_operator(1, big) @ conversion_operator(0, big)
    )
    top = np.array([boundary_row(BoundaryCondition.dirichlet(p), n, (-1.0, 1.0))
                    for p in ("left", "right")])
    a = np.vstack([top, op.toarray()[: n - 2, :n]])
    r = np.ones(n)
    r[2:] = 1.0 / (2.0 * np.arange(2, n))
    for key, mat in (("cond", a), ("cond_preconditioned", a * r)):
        exact = np.linalg.cond(mat, 1)
        assert exact / 3 <= res.stats[key] <= exact * (1 + 1e-10)
