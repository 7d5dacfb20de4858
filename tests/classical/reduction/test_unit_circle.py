"""numlearn.classical.reduction.unit_circle: AAA on the unit circle for filters.

Oracles: exact low-order modal filters (known poles and residues, plus relative noise
1e-12); scipy.interpolate.AAA on the same samples (a second AAA implementation); the
AAK theorem sigma_{k+1} <= ||H - Hhat||_inf for every model of McMillan degree k, with
the Hankel singular values from a dense SVD (scipy.linalg.hankel + svdvals).
"""

import warnings

import numpy as np
import pytest
from hypothesis import given
from scipy.linalg import hankel, svdvals

from numlearn.classical.reduction.modal import ModalSSM, UnstablePolesWarning, filter_errors
from numlearn.classical.reduction.unit_circle import aaa_filter, conjugate_modes
from numlearn.problems.filters import (
    filter_bank,
    modal_filters,
    modal_impulse_response,
    random_modal_filters,
)
from numlearn.testing.strategies.filters import modal_filter_banks


def _match(found, exact):
    """Largest distance from each exact pole to the nearest found pole."""
    found = np.asarray(found).ravel()
    return max(np.min(np.abs(found - p)) for p in np.asarray(exact).ravel())


def test_exact_modal_filters_are_recovered():
    bank = random_modal_filters(3, 300, 3, radius=(0.5, 0.9), noise=1e-12, seed=11)
    res = aaa_filter(bank.h, 3)
    assert res.success and isinstance(res.value, ModalSSM)
    assert res.value.channels == 3 and res.value.order == 3 and res.value.real
    assert np.all(res.stats["rel_l2"] <= 1e-10)          # issue target
    assert np.all(res.stats["unstable_poles"] == 0)
    for c in range(3):
        # pole sensitivity ~ noise / (residue * separation): 1e-8 leaves a margin of ~100
        assert _match(res.value.poles[c], bank.poles[c]) <= 1e-8
        assert np.all(res.value.poles[c].imag > 0)          # one pole per pair kept


@pytest.mark.filterwarnings("ignore:AAA failed to converge:RuntimeWarning")
def test_agrees_with_scipy_aaa_on_the_same_samples():
    AAA = pytest.importorskip("scipy.interpolate").AAA
    bank = random_modal_filters(1, 200, 2, radius=(0.6, 0.85), seed=3)
    h = bank.h[0]
    M = 400
    w = np.exp(-2j * np.pi * np.arange(M) / M)
    G = (np.fft.fft(h, M) - h[0]) / w
    lam_scipy = 1 / AAA(w, G, max_terms=5).poles()
    res = aaa_filter(h, 2, M=M)
    assert _match(res.value.poles, lam_scipy[lam_scipy.imag > 0]) <= 1e-9
    assert _match(res.value.poles, bank.poles[0]) <= 1e-9


def test_sampling_inside_the_disk_fixes_a_long_tail():
    # |lambda| = 0.99 over 256 taps leaves a tail 0.99**255 ~ 0.08: the samples on the
    # unit circle are not rational (FIR truncation); on |w| = 0.9 they nearly are.
    poles = np.array([[0.99 * np.exp(0.4j), 0.97 * np.exp(1.9j)]])
    bank = modal_filters(256, poles, [[1.0 + 0.5j, -0.7j]], 0.3)
    inner = aaa_filter(bank.h, 2, rho=0.9)
    assert inner.stats["rel_l2"][0] <= 1e-10
    assert _match(inner.value.poles, poles) <= 1e-9


def test_complex_filters():
    rng = np.random.default_rng(2)
    lam = np.array([[0.8 * np.exp(0.3j), 0.7 * np.exp(-2.0j), 0.5]])
    R = rng.standard_normal((1, 3)) + 1j * rng.standard_normal((1, 3))
    h = modal_impulse_response(lam, R, np.array([0.1 + 0.2j]), 120, real=False)
    res = aaa_filter(h, 3, real=False)
    assert not res.value.real and res.stats["rel_l2"][0] <= 1e-10
    assert _match(res.value.poles, lam) <= 1e-10


def test_shared_poles_for_a_head():
    lam = np.array([0.9 * np.exp(0.5j), 0.75 * np.exp(2.2j)])
    rng = np.random.default_rng(4)
    R = rng.standard_normal((4, 2)) + 1j * rng.standard_normal((4, 2))
    bank = modal_filters(300, np.tile(lam, (4, 1)), R, rng.standard_normal(4), noise=1e-12)
    res = aaa_filter(bank.h, 2, shared_poles=True)
    assert res.stats["aaa_terms"].size == 1                # one AAA run for the group
    assert np.all(res.value.poles == res.value.poles[0])
    assert np.all(res.stats["rel_l2"] <= 1e-10)
    assert _match(res.value.poles[0], lam) <= 1e-9


def _growing_filter():
    # One mode outside the unit circle: AAA finds it (sampled on |w| = 0.5, where the
    # truncated tail (1.02 * 0.5)**59 is negligible), the rule must act on it.
    return modal_impulse_response(np.array([[1.02 * np.exp(0.5j), 0.6 * np.exp(2.0j)]]),
                                  np.array([[1.0 + 0j, 0.5 - 0.5j]]), np.array([0.0]), 60)


@pytest.mark.parametrize("rule", ["reflect", "drop", "keep"])
def test_unstable_poles_are_reported_never_silently_kept(rule):
    with pytest.warns(UnstablePolesWarning, match="outside the unit circle"):
        res = aaa_filter(_growing_filter(), 2, stability=rule, rho=0.5)
    assert res.stats["unstable_poles"][0] == 1 and "unstable" in res.message
    radius = np.abs(res.value.poles[0])
    if rule == "keep":
        assert not res.value.is_stable and np.isclose(radius.max(), 1.02, rtol=1e-8)
    else:
        assert res.value.is_stable
    if rule == "reflect":
        assert np.isclose(np.sort(radius)[-1], 1 / 1.02, rtol=1e-8)
    if rule == "drop":
        assert np.count_nonzero(res.value.residues[0]) == 1


def test_conjugate_modes_pairs_and_reals():
    p = np.array([0.5 + 0.3j, 0.5 - 0.3j + 1e-12, 0.2, -0.4 + 1e-14j, 0.1 - 0.6j, 0.1 + 0.6j])
    modes = conjugate_modes(p)
    np.testing.assert_allclose(np.sort_complex(modes),
                               np.sort_complex([0.5 + 0.3j, 0.2, -0.4, 0.1 + 0.6j]), atol=1e-11)
    # not symmetric: a lone complex pole, or partners too far apart
    assert conjugate_modes(np.array([0.5 + 0.3j, 0.2])) is None
    assert conjugate_modes(np.array([0.5 + 0.3j, 0.5 - 0.31j])) is None


@pytest.mark.parametrize("family", ["hyena_slow", "power_law"])
def test_real_order_budget_at_reduced_order(family):
    # AAA's poles are not conjugate-symmetric at reduced order; the model must still
    # have McMillan degree <= 2d (d conjugate-pair modes).
    h = filter_bank(family, 2, 300).h
    for d in (2, 5):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = aaa_filter(h, d)
        for c in range(2):
            p, r = res.value.poles[c], res.value.residues[c]
            live = r != 0
            assert np.sum(np.where(p[live].imag == 0, 1, 2)) <= 2 * d


@pytest.mark.parametrize("family", ["hyena_fast", "power_law"])
def test_aak_lower_bound(family):
    # Any stable model of McMillan degree k has ||H - Hhat||_inf >= sigma_{k+1}.
    bank = filter_bank(family, 2, 256, seed=1)
    for d in (2, 4):
        res = aaa_filter(bank.h, d)
        k = res.value.real_order
        for c in range(2):
            h = bank.h[c]
            sigma = svdvals(hankel(h[1:], np.zeros(h.size - 1)))
            hinf = filter_errors(h, ModalSSM(res.value.poles[c], res.value.residues[c],
                                             res.value.feedthrough[c]), M=8 * h.size)
            assert sigma[k] <= hinf["hinf_model"] * (1 + 1e-12)


def test_one_filter_gives_an_unbatched_model():
    bank = random_modal_filters(1, 400, 2, seed=7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = aaa_filter(bank.h[0], 2)
    assert not res.value.batched and res.value.poles.shape == (2,)
    assert res.stats["rel_l2"] < 1e-12


@given(modal_filter_banks(2, 4, channels=(1, 2), length=(40, 120)))
def test_aak_holds_for_drawn_modal_banks_at_reduced_order(bank):
    # A theorem for every model of McMillan degree <= k, whatever AAA returns.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = aaa_filter(bank.h, bank.order - 1)
    k = res.value.real_order
    hinf = filter_errors(bank.h, res.value, M=8 * bank.length)["hinf_model"]
    for c in range(bank.channels):
        sigma = svdvals(hankel(bank.h[c, 1:], np.zeros(bank.length - 1)))
        assert sigma[k] <= hinf[c] * (1 + 1e-9) + 1e-14 * sigma[0]


def test_zero_tail_bounds_the_response_beyond_the_window():
    # Least squares on [1, L + tail) with zeros after L: the optimum is no worse than
    # R = 0, so ||hhat[L:L+tail]||^2 + ||misfit on the window||^2 <= ||h[1:]||^2.
    h = filter_bank("power_law", 1, 256).h
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = aaa_filter(h, 8, tail=256)
    hat = res.value.impulse_response(512)
    lhs = np.sum(hat[0, 256:] ** 2) + np.sum((hat[0, 1:256] - h[0, 1:]) ** 2)
    assert lhs <= np.sum(h[0, 1:] ** 2) * (1 + 1e-10)
