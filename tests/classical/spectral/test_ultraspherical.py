"""The ultraspherical spectral method (numlearn.classical.spectral.ultraspherical).

Oracles: Program 13's closed form; scipy.special's Gegenbauer polynomials and
numpy.polynomial.chebyshev's derivatives for the operators; dense condition numbers
for the estimates.
"""

from __future__ import annotations

import numpy as np
import numpy.polynomial.chebyshev as npcheb
import pytest
from scipy.special import eval_gegenbauer

from numlearn._core.result import check_stats
from numlearn.classical.spectral import BoundaryCondition, LinearBVP, solve_ultraspherical
from numlearn.classical.spectral.ultraspherical import (
    boundary_row,
    conversion_operator,
    differentiation_operator,
    multiplication_operator,
)

from .bvp_cases import (
    DIRICHLET0,
    EPS,
    U_MAX,
    XE,
    exp4_exact,
    exp4_problem,
    max_err,
    slope,
)


@pytest.mark.parametrize("n", [32, 64, 200, 1000, 10_000])
def test_exp4_ultraspherical(n: int) -> None:
    res = solve_ultraspherical(exp4_problem(), n)
    # cond(TAR) ~ 1.7 and the solution's coefficients sum to 2.97: the error is a few
    # eps times max|u| (measured 1.1e-15 for every n >= 32); 20 eps max|u| = 9e-15.
    assert max_err(res.value, exp4_exact, XE) <= 20 * EPS * U_MAX
    assert res.stats["solver"] == "schur-banded"
    assert res.stats["rhs_resolved"] and res.stats["rhs_length"] < 32
    check_stats(res.stats)
    assert len(res.history["residual_norm"]) == 2


@pytest.mark.slow
def test_exp4_ultraspherical_million_regression() -> None:
    res = solve_ultraspherical(exp4_problem(), 10**6)
    assert max_err(res.value, exp4_exact, np.linspace(-1, 1, 201)) <= 20 * EPS * U_MAX
    # Theory: cond(TAR) bounded in n (Olver-Townsend); regression windows: the 1-norm
    # estimate measured 2.5, assembly + solve measured 0.3-0.9 s on a shared CPU.
    assert res.stats["cond"] < 3.0
    assert res.stats["seconds"] < 3.0


def test_ultraspherical_condition_bounded_regression() -> None:
    ns = [32, 64, 128, 256]
    stats = [solve_ultraspherical(exp4_problem(), n).stats for n in ns]
    pre = [s["cond"] for s in stats]
    # Olver-Townsend: bounded in n.  Regression window: measured 1.658 .. 1.666 (exact
    # 2-norm, n = 32 .. 1024).
    assert all(s["cond_norm"] == "2" for s in stats)
    assert max(pre) <= 1.7 and max(pre) - min(pre) <= 0.02
    # Unpreconditioned: kappa(A) ~ 1.56 n (linear growth, measured).
    assert 0.95 <= slope(ns, [s["cond_assembled"] for s in stats]) <= 1.05
    assert all(s["cond_of"].startswith("T A R") for s in stats)


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
    for key, mat in (("cond_assembled", a), ("cond", a * r)):
        exact = np.linalg.cond(mat, 1)
        assert exact / 3 <= res.stats[key] <= exact * (1 + 1e-10)
