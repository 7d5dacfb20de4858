"""Bad input to the adaptive constructor and the spectral solvers (issue 13).

One class per category of the issue's bad-input matrix; each case names the public
function it calls, asserts the exception type and that the message names the argument
(in backticks), or, for answers the code can detect as wrong, the status and the
warning.  Functions: numlearn.classical.adaptive (chebyshev_adaptive,
chebyshev_interpolate, standard_chop) and numlearn.classical.spectral (LinearBVP,
BoundaryCondition, solve_collocation, solve_ultraspherical and its operators, etdrk4,
etdrk4_coefficients, the solve_*_mol family, the space-time solvers and
SpaceTimeInterpolant, the Poisson2d-C functions, PiecewiseChebyshevSeries).
"""

# The case tables keep one case per line (id, call, exception, message pattern).
# ruff: noqa: E501

from __future__ import annotations

import numpy as np
import pytest

from numlearn import Status
from numlearn.classical.adaptive import (
    chebyshev_adaptive,
    chebyshev_interpolate,
    standard_chop,
)
from numlearn.classical.chebyshev_series import ChebyshevSeries
from numlearn.classical.spectral import (
    BoundaryCondition,
    LinearBVP,
    PiecewiseChebyshevSeries,
    SpaceTimeInterpolant,
    etdrk4,
    etdrk4_coefficients,
    fit_poisson2d_c,
    poisson2d_c_boundary_error,
    poisson2d_c_nystrom,
    solve_burgers_mol,
    solve_collocation,
    solve_mol,
    solve_reaction_diffusion_mol,
    solve_reaction_mol,
    solve_spacetime,
    solve_spacetime_lstsq,
    solve_spacetime_newton,
    solve_ultraspherical,
    solve_wave_mol,
    spacetime_system,
)
from numlearn.classical.spectral.ultraspherical_operators import (
    boundary_row,
    conversion_operator,
    differentiation_operator,
    multiplication_operator,
)

D0 = [("left", 0, 0.0), ("right", 0, 0.0)]
BVP = LinearBVP((0.0, 0.0, 1.0), np.exp, D0)
L2 = [0.0, -1.0]


def _zero(v, t):
    return 0 * v


def _nan_rhs():
    return LinearBVP((0.0, 0.0, 1.0), lambda x: x * np.nan, D0)


def _cases(table):
    return pytest.mark.parametrize(
        ("call", "exc", "match"), [c[1:] for c in table], ids=[c[0] for c in table]
    )


def _check(call, exc, match):
    with np.errstate(all="ignore"), pytest.raises(exc, match=match):
        call()


class TestNonFinite:
    @_cases(
        [
            ("chebyshev_adaptive-f-nan", lambda: chebyshev_adaptive(lambda x: np.where(x > 0.5, np.nan, x)), ValueError, r"`f` \(.*\) returned a non-finite value nan"),
            ("chebyshev_adaptive-f-inf", lambda: chebyshev_adaptive(lambda x: 1.0 / x), ValueError, r"`f` \(.*\) returned a non-finite value inf"),
            ("chebyshev_adaptive-tol", lambda: chebyshev_adaptive(np.exp, tol=np.nan), ValueError, "`tol`"),
            ("chebyshev_adaptive-vscale", lambda: chebyshev_adaptive(np.exp, vscale=np.inf), ValueError, "`vscale`"),
            ("chebyshev_interpolate-f", lambda: chebyshev_interpolate(lambda x: x * np.nan, n=5), ValueError, "`f`"),
            ("standard_chop-coeffs", lambda: standard_chop([1.0, np.nan] + [0.0] * 20), ValueError, "`coeffs`"),
            ("LinearBVP-coeffs", lambda: LinearBVP((np.nan, 0, 1), 0.0, D0), ValueError, r"`coeffs\[0\]`"),
            ("BoundaryCondition-value", lambda: BoundaryCondition("left", (1.0,), np.nan), ValueError, "`value`"),
            ("BoundaryCondition-weights", lambda: BoundaryCondition("left", (np.nan,)), ValueError, "`weights`"),
            ("solve_collocation-rhs", lambda: solve_collocation(_nan_rhs(), 16), ValueError, "`rhs`"),
            ("solve_ultraspherical-rhs", lambda: solve_ultraspherical(_nan_rhs(), 16), ValueError, "`rhs`"),
            ("multiplication_operator", lambda: multiplication_operator([np.nan], 0, 5), ValueError, "`coeffs`"),
            ("etdrk4-dt", lambda: etdrk4(L2, _zero, [1.0, 1.0], (0, 1), np.nan), ValueError, "`dt`"),
            ("etdrk4-v0", lambda: etdrk4(L2, _zero, [np.nan, 1.0], (0, 1), 0.1), ValueError, "`v0`"),
            ("etdrk4-linear", lambda: etdrk4([np.nan, 1.0], _zero, [1.0, 1.0], (0, 1), 0.1), ValueError, "`linear`"),
            ("etdrk4-save_at", lambda: etdrk4(L2, _zero, [1.0, 1.0], (0, 1), 0.1, save_at=[np.nan]), ValueError, "`save_at`"),
            ("solve_burgers_mol-t_out", lambda: solve_burgers_mol(t_out=[np.nan], x_out=[0.0]), ValueError, "`t_out`"),
            ("solve_wave_mol-beta", lambda: solve_wave_mol(8, beta=np.nan), ValueError, "`beta`"),
            ("solve_spacetime_newton-xtol", lambda: solve_spacetime_newton("reaction", 5, 8, xtol=np.nan), ValueError, "`xtol`"),
            ("solve_spacetime_newton-initial", lambda: solve_spacetime_newton("reaction", 5, 8, initial=np.full((5, 8), np.nan)), ValueError, "`initial`"),
            ("solve_spacetime_newton-continuation", lambda: solve_spacetime_newton("reaction", 5, 8, continuation={"rho": [np.nan]}), ValueError, "`continuation`"),
            ("SpaceTimeInterpolant-values", lambda: SpaceTimeInterpolant(np.full((3, 3), np.nan), (0, 1), (0, 1), "fourier"), ValueError, "`values`"),
            ("SpaceTimeInterpolant-call", lambda: SpaceTimeInterpolant(np.ones((3, 3)), (0, 1), (0, 1), "fourier")([np.nan], [0.5]), ValueError, "`t`"),
            ("poisson2d_c_nystrom-x", lambda: poisson2d_c_nystrom([np.nan], [0.0]), ValueError, "`x`"),
            ("solve_collocation-breakpoints", lambda: solve_collocation(BVP, 16, breakpoints=[np.nan]), ValueError, "`breakpoints`"),
        ]
    )
    def test_refused(self, call, exc, match) -> None:
        _check(call, exc, match)

    def test_etdrk4_nan_state_is_diverged_with_a_warning(self) -> None:
        with np.errstate(all="ignore"), pytest.warns(RuntimeWarning, match="diverged"):
            res = etdrk4(L2, lambda v, t: v * np.nan, [1.0, 1.0], (0, 1), 0.1)
        assert res.status is Status.DIVERGED


class TestEmpty:
    @_cases(
        [
            ("standard_chop", lambda: standard_chop([]), ValueError, "`coeffs`"),
            ("BoundaryCondition-weights", lambda: BoundaryCondition("left", ()), ValueError, "`weights`"),
            ("etdrk4-linear", lambda: etdrk4([], _zero, [], (0, 1), 0.1), ValueError, "`linear`"),
            ("PiecewiseChebyshevSeries", lambda: PiecewiseChebyshevSeries([]), ValueError, "`pieces`"),
            ("LinearBVP-coeffs", lambda: LinearBVP((1.0,), 0.0, []), ValueError, "`coeffs`"),
        ]
    )
    def test_refused(self, call, exc, match) -> None:
        _check(call, exc, match)


class TestShape:
    @_cases(
        [
            ("standard_chop", lambda: standard_chop(np.ones((2, 2, 2))), ValueError, "`coeffs`"),
            ("chebyshev_adaptive-f", lambda: chebyshev_adaptive(lambda x: x[:3]), ValueError, "`f`"),
            ("etdrk4-v0", lambda: etdrk4(L2, _zero, [1.0, 1.0, 1.0], (0, 1), 0.1), ValueError, "`v0`"),
            ("etdrk4-nonlinear", lambda: etdrk4(L2, lambda v, t: v[:1], [1.0, 1.0], (0, 1), 0.1), ValueError, "`nonlinear`"),
            ("LinearBVP-bcs-count", lambda: LinearBVP((0, 0, 1), 0.0, D0[:1]), ValueError, "boundary conditions"),
            ("LinearBVP-rhs-shape", lambda: solve_collocation(LinearBVP((0, 0, 1), lambda x: x[:2], D0), 8), ValueError, "`rhs`"),
            ("SpaceTimeInterpolant", lambda: SpaceTimeInterpolant(np.ones(3), (0, 1), (0, 1), "fourier"), ValueError, "`values`"),
            ("PiecewiseChebyshevSeries-gap", lambda: PiecewiseChebyshevSeries([ChebyshevSeries([1.0], (-1.0, 0.0)), ChebyshevSeries([1.0], (0.5, 1.0))]), ValueError, "`pieces`"),
        ]
    )
    def test_refused(self, call, exc, match) -> None:
        _check(call, exc, match)


class TestDtype:
    @_cases(
        [
            ("chebyshev_adaptive-tol-str", lambda: chebyshev_adaptive(np.exp, tol="1e-10"), TypeError, "`tol`"),
            ("chebyshev_adaptive-tol-bool", lambda: chebyshev_adaptive(np.exp, tol=True), TypeError, "`tol`"),
            ("chebyshev_adaptive-max_n-float", lambda: chebyshev_adaptive(np.exp, max_n=100.0), TypeError, "`max_n`"),
            ("chebyshev_adaptive-max_n-bool", lambda: chebyshev_adaptive(np.exp, max_n=True), TypeError, "`max_n`"),
            ("chebyshev_adaptive-vscale-str", lambda: chebyshev_adaptive(np.exp, vscale="1"), TypeError, "`vscale`"),
            ("chebyshev_adaptive-vscale-bool", lambda: chebyshev_adaptive(np.exp, vscale=True), TypeError, "`vscale`"),
            ("chebyshev_adaptive-domain-str", lambda: chebyshev_adaptive(np.exp, domain="ab"), TypeError, "`domain`"),
            ("chebyshev_adaptive-f-none", lambda: chebyshev_adaptive(None), TypeError, "`f`"),
            ("chebyshev_adaptive-f-strings", lambda: chebyshev_adaptive(lambda x: np.array(["a"] * len(x))), TypeError, "`f"),
            ("chebyshev_interpolate-n-bool", lambda: chebyshev_interpolate(np.exp, n=True), TypeError, "`n`"),
            ("standard_chop-str", lambda: standard_chop("abc"), TypeError, "`coeffs`"),
            ("standard_chop-tol-bool", lambda: standard_chop(np.ones(20), tol=True), TypeError, "`tol`"),
            ("LinearBVP-coeffs-str", lambda: LinearBVP(("a", 0, 1), 0.0, D0), TypeError, r"`coeffs\[0\]`"),
            ("LinearBVP-coeffs-bool", lambda: LinearBVP((True, 0, 1), 0.0, D0), TypeError, r"`coeffs\[0\]`"),
            ("LinearBVP-rhs-str", lambda: LinearBVP((0, 0, 1), "x", D0), TypeError, "`rhs`"),
            ("BoundaryCondition-point-bool", lambda: BoundaryCondition(True, (1.0,)), TypeError, "`point`"),
            ("BoundaryCondition-weights-str", lambda: BoundaryCondition("left", "ab"), TypeError, "`weights`"),
            ("BoundaryCondition-value-str", lambda: BoundaryCondition("left", (1.0,), "0"), TypeError, "`value`"),
            ("solve_collocation-n-str", lambda: solve_collocation(BVP, "16"), TypeError, "`n`"),
            ("solve_collocation-n-float", lambda: solve_collocation(BVP, 16.0), TypeError, "`n`"),
            ("solve_collocation-rectangular", lambda: solve_collocation(BVP, 16, rectangular="no"), TypeError, "`rectangular`"),
            ("solve_collocation-refine", lambda: solve_collocation(BVP, 16, refine=1), TypeError, "`refine`"),
            ("solve_collocation-cond", lambda: solve_collocation(BVP, 16, cond=True), TypeError, "`cond`"),
            ("solve_collocation-breakpoints-str", lambda: solve_collocation(BVP, 16, breakpoints="0"), TypeError, "`breakpoints`"),
            ("solve_ultraspherical-n-bool", lambda: solve_ultraspherical(BVP, True), TypeError, "`n`"),
            ("solve_ultraspherical-refine", lambda: solve_ultraspherical(BVP, 16, refine="no"), TypeError, "`refine`"),
            ("solve_ultraspherical-breakpoints-bool", lambda: solve_ultraspherical(BVP, 16, breakpoints=[True]), TypeError, "`breakpoints`"),
            ("conversion_operator-lam", lambda: conversion_operator(True, 5), TypeError, "`lam`"),
            ("differentiation_operator-order", lambda: differentiation_operator("2", 5), TypeError, "`order`"),
            ("boundary_row-bc", lambda: boundary_row("left", 5, (-1, 1)), TypeError, "`bc`"),
            ("etdrk4-dt-str", lambda: etdrk4(L2, _zero, [1.0, 1.0], (0, 1), "0.1"), TypeError, "`dt`"),
            ("etdrk4-dt-bool", lambda: etdrk4(L2, _zero, [1.0, 1.0], (0, 1), True), TypeError, "`dt`"),
            ("etdrk4-t_span", lambda: etdrk4(L2, _zero, [1.0, 1.0], "ab", 0.1), TypeError, "`t_span`"),
            ("etdrk4-max_steps", lambda: etdrk4(L2, _zero, [1.0, 1.0], (0, 1), 0.1, max_steps=True), TypeError, "`max_steps`"),
            ("etdrk4_coefficients-linear", lambda: etdrk4_coefficients("ab", 0.1), TypeError, "`linear`"),
            ("solve_burgers_mol-nu-str", lambda: solve_burgers_mol(nu="0.1"), TypeError, "`nu`"),
            ("solve_burgers_mol-nu-bool", lambda: solve_burgers_mol(nu=True), TypeError, "`nu`"),
            ("solve_burgers_mol-N-bool", lambda: solve_burgers_mol(N=True), TypeError, "`N`"),
            ("solve_reaction_diffusion_mol-rho", lambda: solve_reaction_diffusion_mol(rho=True, N=16), TypeError, "`rho`"),
            ("solve_reaction_mol-rho", lambda: solve_reaction_mol(rho="5"), TypeError, "`rho`"),
            ("solve_wave_mol-c", lambda: solve_wave_mol(8, c=True), TypeError, "`c`"),
            ("solve_mol-N", lambda: solve_mol("convection", N="64"), TypeError, "`N`"),
            ("solve_spacetime-nt-bool", lambda: solve_spacetime("convection", True, 8), TypeError, "`nt`"),
            ("solve_spacetime-nt-float", lambda: solve_spacetime("convection", 8.0, 8), TypeError, "`nt`"),
            ("solve_spacetime_newton-max_iter", lambda: solve_spacetime_newton("reaction", 5, 8, max_iter=True), TypeError, "`max_iter`"),
            ("solve_spacetime_newton-xtol", lambda: solve_spacetime_newton("reaction", 5, 8, xtol="1e-10"), TypeError, "`xtol`"),
            ("solve_spacetime_lstsq-system", lambda: solve_spacetime_lstsq("x"), TypeError, "`system`"),
            ("fit_poisson2d_c-n_laurent", lambda: fit_poisson2d_c(n_laurent=True), TypeError, "`n_laurent`"),
            ("poisson2d_c_boundary_error-expansion", lambda: poisson2d_c_boundary_error("x"), TypeError, "`expansion`"),
            ("poisson2d_c_nystrom-order", lambda: poisson2d_c_nystrom([0.0], [0.0], order=True), TypeError, "`order`"),
            ("poisson2d_c_nystrom-x-str", lambda: poisson2d_c_nystrom("a", [0.0]), TypeError, "`x`"),
            ("solve_breakpoints-complex", lambda: solve_collocation(BVP, 16, breakpoints=[0.5j]), TypeError, "`breakpoints`"),
        ]
    )
    def test_refused(self, call, exc, match) -> None:
        _check(call, exc, match)


class TestDuplicates:
    @_cases(
        [
            ("LinearBVP-bcs", lambda: LinearBVP((0, 0, 1), 0.0, [("left", 0, 0.0), ("left", 0, 1.0)]), ValueError, r"`bcs\[0\]` and `bcs\[1\]`"),
            ("solve_collocation-breakpoints", lambda: solve_collocation(BVP, 16, breakpoints=[0.2, 0.2]), ValueError, "`breakpoints`.*distinct"),
            ("solve_ultraspherical-breakpoints", lambda: solve_ultraspherical(BVP, 16, breakpoints=[0.2, 0.2]), ValueError, "`breakpoints`.*distinct"),
        ]
    )
    def test_refused(self, call, exc, match) -> None:
        _check(call, exc, match)


class TestOutOfDomain:
    @_cases(
        [
            ("chebyshev_adaptive-domain-reversed", lambda: chebyshev_adaptive(np.exp, domain=(1, -1)), ValueError, "`domain`"),
            ("chebyshev_adaptive-domain-one-ulp", lambda: chebyshev_adaptive(np.exp, domain=(1e10, 1e10 + 1e-6)), ValueError, "`domain`"),
            ("chebyshev_interpolate-domain", lambda: chebyshev_interpolate(np.exp, n=5, domain=(1, 0)), ValueError, "`domain`"),
            ("LinearBVP-domain", lambda: LinearBVP((0, 0, 1), 0.0, D0, domain=(1, -1)), ValueError, "`domain`"),
            ("LinearBVP-bc-point", lambda: LinearBVP((0, 0, 1), 0.0, [(5.0, 0, 0), ("right", 0, 0)]), ValueError, r"`bcs\[0\]`.*`point`"),
            ("boundary_row-domain", lambda: boundary_row(BoundaryCondition("left", (1.0,)), 5, (1, -1)), ValueError, "`domain`"),
            ("solve_collocation-breakpoint-outside", lambda: solve_collocation(BVP, 16, breakpoints=[3.0]), ValueError, "`breakpoints`"),
            ("solve_ultraspherical-breakpoint-at-end", lambda: solve_ultraspherical(BVP, 16, breakpoints=[1.0]), ValueError, "`breakpoints`"),
            ("etdrk4-t_span", lambda: etdrk4(L2, _zero, [1.0, 1.0], (1, 0), 0.1), ValueError, "`t_span`"),
            ("etdrk4-save_at", lambda: etdrk4(L2, _zero, [1.0, 1.0], (0, 1), 0.1, save_at=[2.0]), ValueError, "`save_at`"),
            ("solve_burgers_mol-x_out", lambda: solve_burgers_mol(t_out=[0.5], x_out=[5.0]), ValueError, "`x_out`"),
            ("solve_burgers_mol-t_out", lambda: solve_burgers_mol(t_out=[-1.0], x_out=[0.0]), ValueError, "`t_out`"),
            ("SpaceTimeInterpolant-domain", lambda: SpaceTimeInterpolant(np.ones((3, 3)), (1, 0), (0, 1), "fourier"), ValueError, "`domain`"),
        ]
    )
    def test_refused(self, call, exc, match) -> None:
        _check(call, exc, match)


class TestImpossibleParameters:
    @_cases(
        [
            ("chebyshev_adaptive-tol", lambda: chebyshev_adaptive(np.exp, tol=0.0), ValueError, "`tol`"),
            ("chebyshev_adaptive-max_n", lambda: chebyshev_adaptive(np.exp, max_n=9), ValueError, "`max_n`"),
            ("chebyshev_adaptive-vscale", lambda: chebyshev_adaptive(np.exp, vscale=-1.0), ValueError, "`vscale`"),
            ("chebyshev_interpolate-kind", lambda: chebyshev_interpolate(np.exp, n=5, kind=3), ValueError, "`kind`"),
            ("solve_collocation-n", lambda: solve_collocation(BVP, 2), ValueError, "`n`"),
            ("solve_ultraspherical-cond", lambda: solve_ultraspherical(BVP, 16, cond="fast"), ValueError, "`cond`"),
            ("conversion_operator-lam", lambda: conversion_operator(-1, 5), ValueError, "`lam`"),
            ("etdrk4-contour_points", lambda: etdrk4(L2, _zero, [1.0, 1.0], (0, 1), 0.1, contour_points=0), ValueError, "`contour_points`"),
            ("etdrk4-dt-tiny", lambda: etdrk4(L2, _zero, [1.0, 1.0], (0, 1), 1e-300), ValueError, "`dt`"),
            ("etdrk4_coefficients-dt", lambda: etdrk4_coefficients(L2, -0.1), ValueError, "`dt`"),
            ("solve_burgers_mol-nu", lambda: solve_burgers_mol(nu=-1.0), ValueError, "`nu`"),
            ("solve_burgers_mol-N-odd", lambda: solve_burgers_mol(N=63), ValueError, "`N`"),
            ("solve_burgers_mol-dt-tiny", lambda: solve_burgers_mol(dt=1e-12), ValueError, "`dt`"),
            ("solve_reaction_diffusion_mol-nu", lambda: solve_reaction_diffusion_mol(nu=-1.0, N=16), ValueError, "`nu`"),
            ("solve_mol-problem-name", lambda: solve_mol("nope"), ValueError, "`problem`"),
            ("solve_mol-problem-type", lambda: solve_mol(3), ValueError, "`problem`"),
            ("solve_spacetime-problem", lambda: solve_spacetime("nope", 8, 8), ValueError, "`problem`"),
            ("solve_spacetime-nt", lambda: solve_spacetime("convection", 0, 8), ValueError, "`nt`"),
            ("solve_spacetime-method", lambda: solve_spacetime("convection", 8, 8, method="lu"), ValueError, "`method`"),
            ("solve_spacetime-weights", lambda: solve_spacetime("convection", 8, 8, weights="x"), ValueError, "`weights`"),
            ("solve_spacetime-x_basis", lambda: solve_spacetime("convection", 8, 8, x_basis="legendre"), ValueError, "`x_basis`"),
            ("solve_spacetime_newton-separable", lambda: solve_spacetime_newton("reaction", 5, 8, separable="no"), ValueError, "`separable`"),
            ("fit_poisson2d_c-too-few-points", lambda: fit_poisson2d_c(n_edge=1, n_arc=1), ValueError, "`n_edge`"),
        ]
    )
    def test_refused(self, call, exc, match) -> None:
        _check(call, exc, match)


class TestHugeSizes:
    """Refused before allocating: a ValueError naming the argument, never MemoryError."""

    @_cases(
        [
            ("chebyshev_adaptive-max_n-2**28+1", lambda: chebyshev_adaptive(np.abs, max_n=2**28 + 1), ValueError, "`max_n`.*GiB"),
            ("chebyshev_adaptive-max_n-2**63", lambda: chebyshev_adaptive(np.abs, max_n=2**63), ValueError, "`max_n`"),
            ("chebyshev_interpolate-n", lambda: chebyshev_interpolate(np.exp, n=2**62), ValueError, "`n`"),
            ("solve_collocation-n", lambda: solve_collocation(BVP, 2**40), ValueError, "`n`.*GiB"),
            ("solve_collocation-pieces", lambda: solve_collocation(BVP, 2**14, breakpoints=[0.0]), ValueError, "`n`"),
            ("solve_ultraspherical-n", lambda: solve_ultraspherical(BVP, 2**40), ValueError, "`n`"),
            ("solve_ultraspherical-pieces", lambda: solve_ultraspherical(BVP, 2**30, breakpoints=[0.0]), ValueError, "`n`"),
            ("conversion_operator", lambda: conversion_operator(0, 2**62), ValueError, "`n`"),
            ("differentiation_operator", lambda: differentiation_operator(2, 2**62), ValueError, "`n`"),
            ("multiplication_operator", lambda: multiplication_operator([1.0], 0, 2**62), ValueError, "`n`"),
            ("boundary_row", lambda: boundary_row(BoundaryCondition("left", (1.0,)), 2**62, (-1, 1)), ValueError, "`n`"),
            ("solve_burgers_mol-N", lambda: solve_burgers_mol(N=2**40), ValueError, "`N`"),
            ("solve_wave_mol-N", lambda: solve_wave_mol(N=2**40), ValueError, "`N`"),
            ("solve_spacetime-nt", lambda: solve_spacetime("convection", 2**31, 8), ValueError, "`nt`"),
            ("spacetime_system-nx", lambda: spacetime_system("convection", 8, 2**31), ValueError, "`nx`"),
            ("fit_poisson2d_c-n_edge", lambda: fit_poisson2d_c(n_edge=2**40), ValueError, "`n_edge`"),
            ("fit_poisson2d_c-n_laurent", lambda: fit_poisson2d_c(n_laurent=2**40), ValueError, "`n_laurent`"),
            ("poisson2d_c_boundary_error-n_edge", lambda: poisson2d_c_boundary_error(fit_poisson2d_c(4, 4, 40, 40), n_edge=2**40), ValueError, "`n_edge`"),
            ("poisson2d_c_nystrom-n_uniform", lambda: poisson2d_c_nystrom([0.0], [0.0], n_uniform=2**30), ValueError, "`n_uniform`"),
        ]
    )
    def test_refused(self, call, exc, match) -> None:
        _check(call, exc, match)


class TestUnresolved:
    """Wrong answers the solver can see (its tail): status and warning, not success."""

    def test_adaptive_abs(self) -> None:
        with pytest.warns(RuntimeWarning, match="unresolved"):
            res = chebyshev_adaptive(np.abs, max_n=2**16 + 1)
        assert res.status is Status.UNRESOLVED

    @pytest.mark.parametrize("solve", [solve_collocation, solve_ultraspherical])
    def test_bvp_boundary_layer(self, solve) -> None:
        bvp = LinearBVP((0.0, 1.0, 1e-6), 0.0, [("left", 0, 0.0), ("right", 0, 1.0)])
        with pytest.warns(RuntimeWarning, match="not resolved"):
            res = solve(bvp, 24)
        assert res.status is Status.UNRESOLVED

    def test_spacetime_convection(self) -> None:
        with pytest.warns(RuntimeWarning, match="not resolved"):
            res = solve_spacetime("convection", 8, 8)
        assert res.status is Status.UNRESOLVED

    def test_mol_burgers_coarse(self) -> None:
        with pytest.warns(RuntimeWarning, match="not resolved"):
            res = solve_burgers_mol(N=64, dt=1e-3, t_out=[0.5], x_out=[0.0])
        assert res.status is Status.UNRESOLVED
