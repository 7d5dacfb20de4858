"""Space-time collocation solves (numlearn.classical.spectral.spacetime.solve): the QR
least-squares solve and the driver, on manufactured and benchmark problems.

Truth: the problems' closed-form solutions (convection, wave) and manufactured
polynomial exact solutions.  Tolerances are ``cond * eps`` multiples where the exact
solution lies in the discrete space; the benchmark headlines are regression checks
(windows about 10-100 times the measured errors, quoted beside each test, which vary
with the BLAS thread count in the last place, not more).
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from typing import Any

import numpy as np
import pytest

from numlearn import Status
from numlearn._core.result import check_stats
from numlearn._core.validation import EPS, IllConditionedWarning
from numlearn.classical.spectral.spacetime import (
    solve_spacetime,
    solve_spacetime_lstsq,
    solve_spacetime_newton,
    spacetime_system,
)
from numlearn.problems.pdes import Convection, Poisson2dC, Wave

from .manufactured import PolyAdvection, PolyWave, err_on_grid

# ---------------------------------------------------------- exactness (manufactured)


@pytest.mark.parametrize("collocation", [None, "square", 2])
def test_polynomial_wave_solution_is_recovered_to_cond_eps(collocation: Any) -> None:
    """Degree 3 in t and x: exact in the discrete space (nt = nx = 6), so the least
    squares solution is the truth up to about cond(A) eps."""
    prob = PolyWave()
    res = solve_spacetime_lstsq(spacetime_system(prob, 6, 6, collocation=collocation),
                                cond="svd")
    assert res.success and res.stats["rank"] == 36
    err = err_on_grid(res, prob)
    assert err < 10 * res.stats["cond"] * EPS, (err, res.stats["cond"])


def test_polynomial_advection_solution_is_recovered_to_cond_eps() -> None:
    prob = PolyAdvection()
    for collocation in (None, "square"):
        res = solve_spacetime_lstsq(spacetime_system(prob, 5, 5, collocation=collocation),
                                    cond="svd")
        err = err_on_grid(res, prob)
        assert err < 10 * res.stats["cond"] * EPS, (collocation, err, res.stats["cond"])


def test_qr_gelsy_gelsd_agree() -> None:
    s = spacetime_system("wave", 15, 15)
    vals = [np.asarray(solve_spacetime_lstsq(s, method=m).value) for m in ("qr", "gelsy",
                                                                            "gelsd")]
    # gelsd reports its own SVD's kappa, qr and gelsy the SVD of R: the same matrix.
    kappas = [solve_spacetime_lstsq(s, method=m, cond="svd").stats["cond"]
              for m in ("qr", "gelsy", "gelsd")]
    assert kappas[0] == pytest.approx(kappas[2], rel=1e-8)
    assert kappas[1] == pytest.approx(kappas[2], rel=1e-8)
    for v in vals[1:]:
        assert np.max(np.abs(v - vals[0])) < 100 * kappas[0] * EPS


# ------------------------------------------------------------------- headlines


def test_convection_beta40_fast_size_regression() -> None:
    """sin(x - 40 t): only the |k| = 1 Fourier modes in x, so nx = 8 is exact in x;
    61 Chebyshev points in t resolve sin(40 t) below eps (the Chebyshev coefficients
    J_k(20) fall below 1e-16 for k > 45), so theory predicts about cond * eps = 4e-14.
    Regression window: measured 1.0e-14 (cond 2.0e2), window 2e-12."""
    res = solve_spacetime("convection", 61, 8, cond="none")
    assert res.success
    assert res.stats["rel_l2"] <= 2e-12


@pytest.mark.slow
def test_convection_beta40_bwler_size_regression() -> None:
    """BWLer's 81 x 80 nodes (6560 x 6480 system; minutes of QR on a shared two-core
    machine).  Theory: resolved below eps, so about cond * eps (kappa 5.4e3 with the
    paper's weights: 1.2e-12).  Regression window: measured 1.0e-14 with row
    equilibration, 3.1e-14 with the paper's weights (Liu et al. 2025), window 2e-12."""
    res = solve_spacetime("convection", 81, 80, weights="paper", cond="none")
    assert res.stats["rel_l2"] <= 2e-12


def test_wave_41_nodes_equilibrated_regression() -> None:
    """41 x 41 nodes, collocation at the nodes, unit-norm rows.  Theory: the
    interpolation error of the truth at 41^2 is 8.6e-15, so the error is about
    kappa * eps = 1e-12 at most (kappa 4.4e3).  Regression window: measured 7.0e-14;
    BWLer's setting (161^2 collocation, paper weights) floors at 2.3e-11."""
    res = solve_spacetime("wave", 41, 41, cond="none")
    assert res.success
    assert res.stats["rel_l2"] <= 1e-12


# ------------------------------------------------------------- conditioning growth


def _slope(ns: list[int], ks: list[float]) -> float:
    return float(np.polyfit(np.log(ns), np.log(ks), 1)[0])


def test_condition_number_growth_exponents_regression() -> None:
    """log-log slope of kappa(A) against N.  Theory: kappa(D1 + BC) ~ N^2 to N^2.5,
    kappa(D2) ~ N^4 (Trefethen 2000, ch. 6-7; Liu et al. 2025).  Measured
    (least-squares fit over N = 9..21): convection (N x 4 nodes) unweighted 2.36,
    paper weights 1.81; wave (N x N) unweighted 4.76, paper weights 4.22,
    equilibrated 2.43 (local slopes 9->13 and 17->21: 2.2/2.5, 1.6/2.0, 4.9/4.7,
    4.3/4.2, 2.3/2.5).  Regression windows: about +-0.4 around the fitted slopes,
    short of the neighbouring integer exponents."""
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
    # No ill-conditioning warning; 21 time nodes do not resolve beta = 40 (rel L2 0.83),
    # which is reported as unresolved (issue 13 item 7), and nothing else.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = solve_spacetime("convection", 21, 8, cond="svd")
    assert [type(w.message) for w in caught] == [RuntimeWarning]
    assert "not resolved" in str(caught[0].message) and res.status is Status.UNRESOLVED


def test_stats_speak_the_vocabulary() -> None:
    """seconds, cond with cond_of, residual_norm with residual_norm_of; no aliases."""
    res = solve_spacetime("wave", 7, 7, weights="paper")
    check_stats(res.stats)
    assert res.stats["cond_of"] == "A with the paper's weights"
    assert res.stats["residual_norm_of"] == "||A v - b||_2" and res.stats["seconds"] >= 0
    res = solve_spacetime("convection", 9, 4, weights=None)
    assert res.stats["cond_of"] == "A unweighted"
