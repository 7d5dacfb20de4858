"""Tests for numlearn.classical.adaptive (standard_chop, chebyshev_adaptive,
chebyshev_interpolate) against independent oracles.

Oracles: the test vectors printed in Chebfun's standardChop.m, the Chebfun adaptive
lengths that chebpy's test suite records, and the Runge function's geometric series
of Chebyshev coefficients.  Tolerances are multiples of eps = 2^-52 with the reason
beside each.
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.polynomial.chebyshev as npcheb
import pytest

from numlearn import EPS, Status
from numlearn._core.result import Result
from numlearn.classical.adaptive import chebyshev_adaptive, chebyshev_interpolate, standard_chop
from numlearn.classical.chebyshev import (
    chebyshev_coefficients,
)
from numlearn.classical.nodes import chebyshev_points

from .test_chebyshev import fft_tol

# --------------------------------------------------------------------------------------
# standard_chop
# --------------------------------------------------------------------------------------


def test_standard_chop_chebfun_examples() -> None:
    # The examples printed in the help text of Chebfun's standardChop.m.
    j = np.arange(1, 51)
    coeffs = 10.0 ** (-j)
    rnd = np.cos(j.astype(np.float64) ** 2)
    assert standard_chop(coeffs) == 18
    assert standard_chop(coeffs + 1e-16 * rnd) == 15
    assert standard_chop(coeffs + 1e-13 * rnd) == 13
    assert standard_chop(coeffs + 1e-10 * rnd) == 50
    assert standard_chop(coeffs + 1e-10 * rnd, 1e-10) == 10


def test_standard_chop_clear_cases() -> None:
    rng = np.random.default_rng(80)
    # geometric decay 2^-k reaching a noise plateau at 1e-15 relative: keep the decay
    # down to the plateau, 2^-k ~ 1e-15 at k ~ 50, and nothing of the plateau's length.
    k = np.arange(200)
    c = 2.0**-k + 1e-15 * rng.standard_normal(200)
    cut = standard_chop(c)
    assert 45 <= cut <= 56
    # a series that never decays: not happy, full length
    assert standard_chop(rng.standard_normal(100)) == 100
    assert standard_chop(1.0 / (1.0 + np.arange(100))) == 100
    # exactly zero tail after 21 decaying terms: keep exactly the 21
    c = np.zeros(40)
    c[:21] = 2.0 ** -np.arange(21)
    assert standard_chop(c) == 21
    # short vectors are never chopped; zero vectors chop to 1; tol >= 1 chops to 1
    assert standard_chop(1e-20 * np.ones(16)) == 16
    assert standard_chop(np.zeros(30)) == 1
    assert standard_chop(np.ones(30), tol=1.0) == 1
    # complex and column input: largest column cutoff
    cz = 10.0 ** -np.arange(1, 51) * (1 + 1j)
    assert standard_chop(cz) == 18
    assert standard_chop(np.stack([10.0 ** -np.arange(1, 51), np.ones(50)], axis=1)) == 50


def test_standard_chop_plateau_threshold_is_tol_two_thirds() -> None:
    # The paper's r = 3 (1 - log e / log tol) equals 1 at e = tol^(2/3): a perfectly
    # flat tail just below that level is a plateau (chop after the 11 decaying terms),
    # just above it is not (not happy).  Catches any change of the constant 3.
    level = EPS ** (2 / 3)
    for factor, expected in ((0.99, 11), (0.5, 11), (1.01, 100), (2.0, 100)):
        c = np.r_[10.0 ** -np.arange(11), np.full(89, factor * level)]
        assert standard_chop(c) == expected, factor


def test_standard_chop_rounds_halves_up() -> None:
    # c_j = 10^-(j-1), n = 22, tol = 1e-13 (1-based j as in the paper).  No plateau for
    # j <= 13 (e.g. j = 13: e(21)/e(13) = 1e-8 < r = 3/13).  At j = 14, MATLAB's
    # round(1.25*14 + 5) = round(22.5) = 23 > n, so the scan stops: not happy, 22.
    # Round-half-even would give j2 = 22 and find a plateau (r = 0 at e = tol).
    assert standard_chop(10.0 ** -np.arange(22), tol=1e-13) == 22
    # With n = 23 the stretch j..j2 = 14..23 fits (j2 <= n is allowed): plateau point
    # 13.  Step 3: 16 entries are >= tol^(7/6) = 6.8e-16, so j2 becomes 17 with
    # e(17) = tol^(7/6); log10 e(j) + (13/3)(j-1)/16 = -0.729 (j-1) falls until j = 16
    # (-10.94) and rises at j = 17 (-10.84): the minimum is at d = 16, cutoff 15.
    assert standard_chop(10.0 ** -np.arange(23), tol=1e-13) == 15


def test_alias_is_interpolation_on_the_coarse_grid() -> None:
    # Chebfun's prolong/alias: the m coefficients are those of the m-point interpolant
    # of the long series.  Oracle: numpy chebval on the m-point grid, then the
    # transform; both steps err by ~n eps sum|c|.
    from numlearn.classical.adaptive import _alias

    rng = np.random.default_rng(85)
    c = rng.standard_normal((40, 2))
    for m in (1, 2, 7, 21, 39, 40):
        ref = chebyshev_coefficients(npcheb.chebval(chebyshev_points(m), c).T)
        ref = ref.reshape(m, 2)
        assert np.max(np.abs(_alias(c, m) - ref)) <= 40 * EPS * np.sum(np.abs(c))
    assert _alias(c[:, 0], 1).shape == (1,)


# --------------------------------------------------------------------------------------
# adaptive construction
# --------------------------------------------------------------------------------------

# Chebfun's adaptive lengths on [-1, 1], as recorded in chebpy's test suite
# (tests/utilities.py "Matlab chebfun adaptive degree"); chebpy accepts 0..+2.  The
# third entry bounds max |x f'(x)| on [-1, 1], the sensitivity of f to its argument.
CHEBFUN_LENGTHS = [
    (lambda x: x**3 + x**2 + x + 1.1, 4, 6.0),
    (np.exp, 15, np.e),
    (np.sin, 14, 0.57),
    (lambda x: 0.2 + 0.1 * np.sin(x), 14, 0.06),
    (lambda x: np.cos(20 * x), 51, 20.0),
    (lambda x: 0.0 * x + 1.0, 1, 0.0),
    (lambda x: 0.0 * x, 1, 0.0),
]


@pytest.mark.parametrize(("f", "length", "dscale"), CHEBFUN_LENGTHS)
def test_adaptive_lengths_match_chebfun(f, length: int, dscale: float) -> None:
    res = chebyshev_adaptive(f)
    assert isinstance(res, Result) and res.success and res.side == "classical"
    c = res.value.coefficients
    assert c.ndim == 1 and 0 <= c.shape[0] - length <= 2 and res.value.domain == (-1.0, 1.0)
    assert res.stats["n"] == c.shape[0] == len(res.value) and res.stats["happiness"] is True
    x = np.random.default_rng(90).uniform(-1, 1, 500)
    assert np.max(np.abs(res.value(x) - f(x))) <= _budget(res, dscale)


def _budget(res: Result, dscale: float) -> float:
    """Error budget of an adaptive construction checked against float f.

    Each term is ~eps times: Clenshaw in the interior, sum|c_k|; the samples' own
    rounding, vscale + max|x f'(x)| (f evaluated at a rounded argument), amplified by
    the Lebesgue constant 1 + (2/pi) log n; the same for the reference f(x); the
    chopped tail, ~eps vscale.  Measured: at most 0.41 of this budget.
    """
    n = res.value.coefficients.shape[0]
    lebesgue = 1 + 2 / np.pi * np.log(n)
    csum = np.sum(np.abs(res.value.coefficients))
    return EPS * (csum + lebesgue * (res.stats["vscale"] + dscale))


def test_adaptive_runge_length_from_exact_coefficients() -> None:
    # 1/(1+25x^2) = (1/sqrt26) (1 + 2 sum_k (-q)^k T_2k), q = (sqrt26 - 1)^2/25: the
    # envelope relative to max|c| = |c_2| is q^(m-1) at index 2m.  standardChop keeps
    # the series down to where it is resolved and (its docstring) never keeps a last
    # coefficient below tol^(7/6) relative: so the cutoff lies between the first index
    # with q^(m-1) <= eps and the last with q^(m-1) >= eps^(7/6), i.e. in [184, 213].
    q = (np.sqrt(26.0) - 1) ** 2 / 25
    first = 2 * int(np.ceil(1 + np.log(EPS) / np.log(q)))
    last = 2 * int(np.floor(1 + (7 / 6) * np.log(EPS) / np.log(q))) + 1
    res = chebyshev_adaptive(lambda x: 1 / (1 + 25 * x**2))
    cut = res.value.coefficients.shape[0]
    assert first <= cut <= last, (first, cut, last)
    assert res.stats["n_samples"] == 257
    # and the kept coefficients are the exact ones to a few eps (fft_tol at vscale 1)
    m = np.arange(0, cut, 2) // 2
    exact = np.zeros(cut)
    exact[0::2] = 2 / np.sqrt(26.0) * (-q) ** m
    exact[0] /= 2
    assert np.max(np.abs(res.value.coefficients - exact)) <= fft_tol(257, 1.0)


def test_adaptive_domain_complex_columns_and_history() -> None:
    a, b = 0.0, 10.0
    res = chebyshev_adaptive(np.exp, (a, b))
    assert res.success and res.stats["hscale"] == 10.0
    assert res.stats["tol"] == 10 * EPS  # Chebfun: tol * max(hscale, 1), computed exactly
    x = np.linspace(a, b, 301)
    # |x f'(x)| <= 10 e^10 on (0, 10)
    assert res.value.domain == (a, b)
    assert np.max(np.abs(res.value(x) - np.exp(x))) <= _budget(
        res, 10 * np.exp(10.0)
    )
    # the 17- and 33-point series are far from resolved (tail 1.5e-6, then the
    # envelope is still at ~1e-11 where a plateau would have to start)
    assert res.history["n"].tolist() == [17, 33, 65]
    assert res.history["cutoff"][:2].tolist() == [17, 33]
    assert len(res.history["tail"]) == len(res.history["cutoff"]) == len(res.history["n"])
    assert res.history["tail"][-1] <= 1e-14  # the resolved grid's tail has decayed
    # complex-valued and array-valued f
    rz = chebyshev_adaptive(lambda x: np.exp(5j * x))
    assert rz.success and np.iscomplexobj(rz.value.coefficients)
    xs = np.linspace(-1, 1, 50)
    assert np.max(np.abs(rz.value(xs) - np.exp(5j * xs))) <= _budget(rz, 5.0)
    rc = chebyshev_adaptive(lambda x: np.stack([np.sin(x), np.cos(20 * x)], axis=1))
    assert rc.success and rc.value.coefficients.shape[1] == 2
    assert 51 <= rc.value.coefficients.shape[0] <= 53  # the longer column (cos 20x) decides
    # nested sampling: f is evaluated at 17 + 16 + 32 + 64 = 129 points plus 2 tests
    assert rc.stats["evaluations"] == 129 + 2


def test_adaptive_not_converged_warns() -> None:
    with pytest.warns(RuntimeWarning, match="unresolved"):
        res = chebyshev_adaptive(np.abs, max_n=257)
    assert not res.success and res.status is Status.UNRESOLVED
    assert res.value.coefficients.shape == (257,) and res.stats["happiness"] is False
    assert res.history["n"].tolist() == [17, 33, 65, 129, 257]


def test_adaptive_sample_test_catches_what_the_grids_miss() -> None:
    # exp(x) plus a spike of height 1e-6 and width 1e-6 centred on Chebfun's first
    # sampleTest point: every grid up to 257 points misses it (nearest grid point
    # ~1e-3 away, exp(-1e6) = 0), so the coefficients look like exp's and
    # standard_chop is happy from 33 points on; the sample test sees f - p = 1e-6 >
    # sqrt(eps) vscale and refuses each time.
    x0 = -0.357998918959666

    def f(x):
        return np.exp(x) + 1e-6 * np.exp(-(((x - x0) / 1e-6) ** 2))

    with pytest.warns(RuntimeWarning, match="unresolved"):
        res = chebyshev_adaptive(f, max_n=257)
    ns, cuts = res.history["n"].tolist(), res.history["cutoff"].tolist()
    assert ns == [17, 33, 65, 129, 257]
    assert all(cut < n for n, cut in zip(ns[1:], cuts[1:], strict=True))
    assert res.stats["evaluations"] == 257 + 2 * 4  # four sample tests, two points each
    # max_n need not be 2^k + 1: the largest such grid <= max_n is the last one tried
    with pytest.warns(RuntimeWarning, match=r"with 65 points \(max_n = 100\)"):
        res = chebyshev_adaptive(f, max_n=100)
    assert res.history["n"].tolist() == [17, 33, 65]


def test_adaptive_and_interpolate_reject_bad_f() -> None:
    with np.errstate(divide="ignore", invalid="ignore"):
        # the 17-point grid contains x = 0 exactly (sine formula)
        with pytest.raises(ValueError, match=r"non-finite value inf at x = 0\.0"):
            chebyshev_adaptive(lambda x: 1.0 / x)
        with pytest.raises(ValueError, match=r"non-finite value nan at x = -1\.0"):
            chebyshev_interpolate(lambda x: np.sqrt(x - 0.5), n=9)
    with pytest.raises(ValueError, match="must return an array of shape"):
        chebyshev_adaptive(lambda x: x[:3])
    with pytest.raises(TypeError, match="callable"):
        chebyshev_adaptive(3.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_n"):
        chebyshev_adaptive(np.exp, max_n=9)
    with pytest.raises(ValueError, match="tol"):
        chebyshev_adaptive(np.exp, tol=0.0)
    with pytest.raises(ValueError, match="`vscale` must be a finite number >= 0"):
        chebyshev_adaptive(np.exp, vscale=-1.0)


def test_interpolate() -> None:
    # 4 x^3 = 3 T_1 + T_3 exactly; kind 1 points on (-1, 1)
    c = chebyshev_interpolate(lambda x: 4 * x**3, n=4, kind=1).coefficients
    np.testing.assert_allclose(c, [0, 3, 0, 1], rtol=0, atol=fft_tol(4, 4.0))
    # constant function written as a scalar, and a domain
    np.testing.assert_allclose(
        chebyshev_interpolate(lambda x: 2.0, n=5, domain=(3, 4)).coefficients,
        [2, 0, 0, 0, 0],
        rtol=0,
        atol=fft_tol(5, 2.0),
    )


def test_adaptive_stats_speak_the_vocabulary() -> None:
    from numlearn._core.result import check_stats

    for f in (np.exp, lambda x: np.abs(x)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = chebyshev_adaptive(f, max_n=65)
        check_stats(res.stats)
        assert res.side == "classical" and res.method == "chebyshev_adaptive"


# --------------------------------------------------------------------------------------
# issue 13 item 5: non-smooth functions are not reported resolved
# --------------------------------------------------------------------------------------


def test_adaptive_abs_is_unresolved_not_chopped_at_a_false_plateau() -> None:
    # |x| = 2/pi - (4/pi) sum (-1)^k T_2k / (4k^2 - 1): coefficients ~ k^-2, and the
    # truncation after N terms errs by ~ 2/(pi N) at x = 0 (closed form).  At 2^20 + 1
    # points standard_chop finds a "plateau" at 154,919 terms (max error 3.7e-6); the
    # chop check refuses it, so the constructor refines to max_n and says so.
    with pytest.warns(RuntimeWarning, match=r"unresolved.*absolute"):
        res = chebyshev_adaptive(np.abs, max_n=2**20 + 1)
    assert res.status is Status.UNRESOLVED and res.stats["happiness"] is False
    # the rejected chop of the last grid: its error on the grid is the 1/N truncation
    # error, against the closed-form coefficients' tail sum 4/pi sum_{k > N/2} 1/(4k^2-1)
    cut = int(res.history["cutoff"][-1])
    assert cut < res.stats["n_samples"]
    k = np.arange(cut // 2 + 1, 10**7)
    tail_sum = 4 / np.pi * np.sum(1.0 / (4.0 * k**2 - 1))
    assert 0.5 * tail_sum <= res.stats["chop_error"] <= 2 * tail_sum
    # the unchopped interpolant on 2^20 + 1 points is what comes back: its error at 0
    # (a grid point) is rounding, and off the grid at most the 1/n interpolation error
    x = np.linspace(-1e-3, 1e-3, 2001)
    err = np.max(np.abs(res.value(x) - np.abs(x)))
    assert err <= 2.0 / res.stats["n_samples"]


@pytest.mark.parametrize(
    ("f", "name"),
    [
        (lambda x: np.abs(x) ** 3, "|x|^3"),  # C^2: chopped at 1,259 terms, error 5e-10
        (lambda x: np.sqrt(np.maximum(1.0 - x * x, 0.0)), "sqrt(1-x^2)"),  # endpoint
    ],
)
def test_adaptive_algebraic_decay_is_unresolved(f, name: str) -> None:
    with pytest.warns(RuntimeWarning, match="unresolved"):
        res = chebyshev_adaptive(f, max_n=2**14 + 1)
    assert res.status is Status.UNRESOLVED, name
    # every refused chop left an error far above tol^(2/3) = 3.7e-11
    errs = res.history["chop_error"][np.isfinite(res.history["chop_error"])]
    assert np.all(errs > EPS ** (2 / 3)), name


def test_adaptive_resolved_means_resolved_against_closed_forms() -> None:
    # |x|^7 (c_k ~ k^-8) and a smooth function are resolved; the claimed chop error
    # bounds the true error against the closed form on a fine grid (within a factor
    # 4: the grid maximum misses the off-grid one by at most the Lebesgue-like factor
    # of the degree-n tail plus rounding).
    x = np.linspace(-1, 1, 20001)
    for f in (lambda t: np.abs(t) ** 7, lambda t: np.exp(np.sin(5 * t))):
        res = chebyshev_adaptive(f, max_n=2**14 + 1)
        assert res.success
        err = np.max(np.abs(res.value(x) - f(x))) / res.stats["vscale"]
        assert err <= max(4 * res.stats["chop_error"], 8 * EPS)
        assert res.stats["chop_error"] <= EPS ** (2 / 3)


def test_adaptive_refuses_sizes_that_cannot_fit() -> None:
    from numlearn.classical.adaptive import ADAPTIVE_MAX_N

    for max_n in (2**28 + 1, 2**63, ADAPTIVE_MAX_N + 1):
        with pytest.raises(ValueError, match=r"`max_n` = \d+ is too large.*GiB"):
            chebyshev_adaptive(np.abs, max_n=max_n)


def test_adaptive_non_finite_value_names_the_function() -> None:
    def spiky(x):
        return 1.0 / (x - x[len(x) // 2])

    with np.errstate(divide="ignore"), pytest.raises(ValueError, match=r"`f` \(.*spiky\)"):
        chebyshev_adaptive(spiky)
    with pytest.raises(ValueError, match=r"`f` \(.*<lambda>\) returned a non-finite value nan"):
        chebyshev_adaptive(lambda x: np.where(x > 0.5, np.nan, x))
