"""numlearn.classical.reduction.distill: three routes, errors and Hankel bounds.

Oracles: exact low-order modal filters (known poles, noise 1e-12 relative) for exact
recovery; the AAK theorem (sigma_{k+1} <= ||H - Hhat||_inf for every model of McMillan
degree <= k) and the balanced-truncation bound (||H - Hhat_BT||_inf <= 2 sum_{j>k}
sigma_j) with the Hankel singular values from an independent dense SVD
(scipy.linalg.hankel + svdvals); the H-infinity norms re-sampled on 8L points.
"""

import warnings

import numpy as np
import pytest
from scipy.linalg import hankel, svdvals

from numlearn.classical.reduction.distill import distill
from numlearn.classical.reduction.modal import ModalSSM, filter_errors
from numlearn.problems.filters import filter_bank, random_modal_filters

METHODS = ["aaa", "era", "bt", "bt_modal"]


def _match(found, exact):
    found = np.asarray(found).ravel()
    return max(np.min(np.abs(found - p)) for p in np.asarray(exact).ravel())


def _hsv(h):
    return svdvals(hankel(h[1:], np.zeros(h.size - 1)))


@pytest.mark.parametrize("method", METHODS)
def test_exact_modal_filters_are_recovered(method):
    bank = random_modal_filters(2, 240, 3, radius=(0.5, 0.9), noise=1e-12, seed=21)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = distill(bank.h, 3, method=method)
    assert isinstance(res.value, ModalSSM) and res.value.channels == 2
    assert np.all(res.stats["rel_l2"] <= 1e-10), res.stats["rel_l2"]       # issue target
    for c in range(2):
        assert _match(res.value.poles[c], bank.poles[c]) <= 1e-8
    # exact order 6 = 2d: the next Hankel singular value is at the noise level
    assert np.all(res.stats["sigma_next"] <= 1e-9 * np.abs(bank.h).max())


@pytest.mark.parametrize("family", ["hyena_fast", "power_law", "long_conv"])
def test_aak_lower_bound_for_every_method(family):
    bank = filter_bank(family, 1, 160, seed=2)
    h = bank.h[0]
    sigma = _hsv(h)
    for method in METHODS:
        for d in (2, 4):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = distill(h, d, method=method)
            k = res.value.real_order
            hinf = filter_errors(h, res.value, M=8 * h.size)["hinf_model"]
            assert sigma[k] <= hinf * (1 + 1e-9), (method, d)
            # the reported bound is at the nominal real order 2d >= k
            assert res.stats["sigma_next"] == pytest.approx(sigma[2 * d], rel=1e-9,
                                                            abs=1e-13 * sigma[0])
            assert res.stats["bt_bound"] == pytest.approx(2 * sigma[2 * d:].sum(), rel=1e-9)


@pytest.mark.parametrize("family", ["hyena_slow", "power_law", "long_conv"])
def test_balanced_truncation_upper_bound(family):
    # method="bt" is balanced truncation of the FIR itself (ERA on its full Hankel
    # operator, P = I): ||H - Hhat_BT||_inf <= 2 sum_{j>k} sigma_j exactly.
    h = filter_bank(family, 1, 160, seed=3).h[0]
    sigma = _hsv(h)
    for d in (2, 4, 8):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = distill(h, d, method="bt")
        assert res.value.is_stable and res.value.real_order <= 2 * d
        hinf = filter_errors(h, res.value, M=8 * h.size)["hinf_model"]
        assert hinf <= 2 * sigma[2 * d:].sum() * (1 + 1e-9) + 1e-12 * sigma[0]
        assert sigma[2 * d] <= hinf * (1 + 1e-9)
        assert res.stats["hinf_over_sigma"] >= 1 - 1e-9


@pytest.mark.parametrize("family", ["hyena_slow", "power_law"])
def test_modal_balanced_truncation_bound_against_the_intermediate_model(family):
    # BT of the ERA model H_high: ||H - Hhat|| <= ||H - H_high|| + 2 sum sigma_j(H_high),
    # sigma_j(H_high) from the model's closed-form Gramians (balanced_truncation's hsv).
    h = filter_bank(family, 1, 160, seed=3).h[0]
    for d in (2, 4):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = distill(h, d, method="bt_modal")
            from numlearn.classical.reduction.balanced import balanced_truncation
            from numlearn.classical.reduction.era import era
            high = era(h, res.stats["n_high"], refit=True).value
            hsv = balanced_truncation(high, 2 * d).stats["hsv"]
        hinf = filter_errors(h, res.value, M=8 * h.size)["hinf_model"]
        bound = 2 * np.sum(hsv[2 * d:]) + filter_errors(h, high, M=8 * h.size)["hinf_model"]
        assert hinf <= bound * (1 + 1e-8)


def test_stats_and_single_filter():
    h = random_modal_filters(1, 100, 2, seed=5).h[0]
    res = distill(h, 2)
    assert not res.value.batched
    for key in ("rel_l2", "hinf", "hinf_model", "sigma_next", "bt_bound", "hinf_over_sigma"):
        assert np.ndim(res.stats[key]) == 0
    assert res.stats["seconds"] >= res.stats["seconds_fit"] > 0
    assert res.method == "distill/aaa"
    res = distill(np.stack([h, 2 * h]), 2, method="era", bounds=False)
    assert res.stats["rel_l2"].shape == (2,) and "sigma_next" not in res.stats


@pytest.mark.parametrize("method", METHODS)
def test_real_order_budget(method):
    # d complex modes = real order 2d; real poles (power law) take one real state each.
    h = filter_bank("power_law", 2, 200).h
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = distill(h, 3, method=method)
    assert res.stats["real_order"].shape == (2,)
    assert np.all(res.stats["real_order"] <= 6) and np.all(res.stats["real_order"] >= 1)


def test_bt_modal_stops_at_the_numerical_order():
    # A mode with residue 0 is unobservable: its Hankel singular values are 0, so
    # balanced_truncation refuses the full real order 6 and the channel is truncated
    # at the largest order it accepts (4), which is exact; reported in the message.
    from numlearn.classical.reduction.distill import _truncate

    high = ModalSSM([[0.9 * np.exp(0.3j), 0.6 * np.exp(2.0j), 0.5 * np.exp(1.0j)]],
                    [[1.0 + 0.5j, -0.7j, 0.0]], [0.2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        inner, model = _truncate(high, 6)
    assert "lower order" in inner.message
    h = high.impulse_response(300)
    assert filter_errors(h, model)["rel_l2"][0] <= 1e-12


@pytest.mark.parametrize("method", ["era", "bt", "bt_modal"])
def test_svd_option_is_eras_method(method):
    """``svd=`` reaches ERA's own ``method`` (which ``distill``'s ``method`` shadows):
    ARPACK's leading singular triplets recover the exact filters as the dense SVD does,
    and a bad value is refused by ERA, naming its argument."""
    bank = random_modal_filters(2, 240, 3, radius=(0.5, 0.9), noise=1e-12, seed=22)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = distill(bank.h, 3, method=method, svd="lanczos")
    assert np.all(res.stats["rel_l2"] <= 1e-10), res.stats["rel_l2"]
    for c in range(2):
        assert _match(res.value.poles[c], bank.poles[c]) <= 1e-8
    with pytest.raises(ValueError, match="`method`"):
        distill(bank.h, 3, method=method, svd="qr")
