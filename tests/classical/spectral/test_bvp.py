"""Linear BVPs (numlearn.classical.spectral.bvp) and the three solvers on shared problems.

Oracles: closed-form and manufactured solutions (Neumann/Robin, first-order,
fourth-order, variable-coefficient and interior-point problems), mpmath's Airy
function at 30 digits.  Tolerances are multiples of eps with the reason beside each
(``bvp_cases``).
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest

from numlearn._core.validation import IllConditionedWarning
from numlearn.classical.spectral import BoundaryCondition, LinearBVP, SingularBVPError

from .bvp_cases import (
    DIRICHLET0,
    EPS,
    SOLVERS,
    U_MAX,
    XE,
    colloc_tol,
    exp4_problem,
    max_err,
)


def test_three_methods_agree_on_coefficients() -> None:
    bvp = exp4_problem()
    cs = [SOLVERS[k](bvp, 40).value.coefficients for k in ("square", "rect", "ultra")]
    assert np.max(np.abs(cs[0] - cs[2])) <= colloc_tol(40, 2, U_MAX)
    assert np.max(np.abs(cs[1] - cs[2])) <= colloc_tol(40, 2, U_MAX)


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
