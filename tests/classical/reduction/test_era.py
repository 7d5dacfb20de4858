"""ERA / Kung (numlearn.classical.reduction.era) and the Prony baseline (prony.py).

Oracles: exact low-order modal filters (closed form: the impulse response of known
poles and residues), recovered to the issue's 1e-10 relative l2 with noise at 1e-12;
python-control's ``eigensys_realization`` as a second ERA implementation; the FIR's
balanced truncation = ERA on the full Hankel, checked against balanced_truncation of
the exact modal model (two algorithms, the filter's tail negligible).
"""

from __future__ import annotations

import numpy as np
import pytest

from numlearn._core.validation import EPS
from numlearn.classical.reduction.balanced import balanced_truncation
from numlearn.classical.reduction.era import era
from numlearn.classical.reduction.modal import ModalSSM, filter_errors
from numlearn.classical.reduction.prony import prony


def exact_model(pairs, n_real, seed=0, real=True, rmax=0.97, rmin=0.6, d0=0.3):
    """Poles of radius in [rmin, rmax] and angle in [0.1, 3], real poles in [-0.9, 0.9],
    Gaussian residues (real for the real poles of a real model)."""
    rng = np.random.default_rng(seed)
    p = np.r_[rng.uniform(rmin, rmax, pairs) * np.exp(1j * rng.uniform(0.1, 3.0, pairs)),
              rng.uniform(-0.9, 0.9, n_real)]
    R = rng.standard_normal(p.size) + 1j * rng.standard_normal(p.size)
    if real:
        R[pairs:] = R[pairs:].real
    return ModalSSM(p, R, d0 if real else d0 - 0.1j, real=real)


CASES = [(1, 0), (0, 2), (2, 0), (1, 2), (3, 0), (2, 3), (3, 2), (4, 0)]  # real order 2..8


@pytest.mark.parametrize("method", ["dense", "lanczos", "randomized"])
@pytest.mark.parametrize("pairs,n_real", CASES)
def test_exact_low_order_recovered_with_noise(pairs, n_real, method):
    m = exact_model(pairs, n_real, seed=pairs * 10 + n_real)
    L = 400
    h = m.impulse_response(L)
    noisy = h + 1e-12 * np.random.default_rng(1).standard_normal(L)
    r = era(noisy, 2 * pairs + n_real, method=method)
    assert r.success and r.value.real_order == 2 * pairs + n_real
    err = filter_errors(h, r.value)["rel_l2"]
    assert err <= 1e-10, err
    np.testing.assert_allclose(np.sort_complex(r.value.poles), np.sort_complex(m.poles),
                               atol=1e-8)


def test_exact_complex_filter():
    m = exact_model(3, 0, seed=4, real=False)
    h = m.impulse_response(300)
    r = era(h, 3, real=False)
    assert not r.value.real
    assert filter_errors(h, r.value)["rel_l2"] <= 1e3 * EPS


def test_batched_filters_with_different_real_pole_counts():
    H = np.stack([exact_model(2, 0, 1).impulse_response(300),
                  exact_model(1, 2, 2).impulse_response(300)])
    r = era(H, 4)
    assert r.value.channels == 2 and r.stats["hsv"].shape[0] == 2
    assert np.all(filter_errors(H, r.value)["rel_l2"] <= 1e3 * EPS)


def test_full_hankel_era_is_the_fir_balanced_truncation():
    """ERA on the zero-padded (L-1)^2 Hankel = BT of the FIR; the FIR of a modal model with
    a negligible tail has the model's HSVs, so both reductions must nearly coincide."""
    m = exact_model(4, 1, seed=7, rmax=0.9)
    L = 600  # 0.9^600 ~ 1e-28
    h = m.impulse_response(L)
    for d in (3, 5):
        e = era(h, d, rows=L - 1, cols=L - 1)
        b = balanced_truncation(m, d)
        np.testing.assert_allclose(e.stats["hsv"][:9], b.stats["hsv"][:9],
                                   atol=1e3 * EPS * b.stats["hsv"][0])
        z = np.exp(2j * np.pi * np.arange(2048) / 2048)
        diff = np.abs(e.value.transfer_function(z) - b.value.transfer_function(z)).max()
        assert diff <= 1e-8 * np.abs(m.transfer_function(z)).max()
        assert e.value.is_stable and e.stats["unstable"] == 0


def test_matches_python_control_eigensys_realization():
    control = pytest.importorskip("control")
    m = exact_model(2, 1, seed=3)
    h = m.impulse_response(200)
    sys, S = control.eigensys_realization(h, 5, m=99, n=99)
    t = np.arange(1, 200)
    A, B, C = np.asarray(sys.A), np.asarray(sys.B), np.asarray(sys.C)
    x, taps = B, []
    for _ in t:
        taps.append((C @ x).item())
        x = A @ x
    ours = era(h, 5, rows=99, cols=99)
    np.testing.assert_allclose(ours.value.impulse_response(200)[1:], taps, atol=1e-11)
    np.testing.assert_allclose(ours.stats["hsv"][:5], S[:5], rtol=1e-12)


def test_unstable_poles_reflected_and_reported():
    # a slowly decaying non-low-order filter: the half-window ERA can produce |lambda| > 1
    t = np.arange(256)
    h = np.cos(0.3 * t) + 0.5 * (1.0 + t) ** 0.2 * np.sin(1.1 * t)
    with pytest.warns(RuntimeWarning, match="reflected"):
        r = era(h, 6)
    assert r.stats["unstable"] == r.stats["reflected"] > 0 and "reflected" in r.message
    assert r.value.is_stable
    with pytest.warns(RuntimeWarning, match="kept"):
        k = era(h, 6, unstable="keep")
    assert not k.value.is_stable


def test_refit_never_worse_in_l2():
    t = np.arange(512)
    h = (1.0 + t) ** -1.0 * np.cos(0.1 * t)
    a = filter_errors(h, era(h, 8).value)["rel_l2"]
    b = filter_errors(h, era(h, 8, refit=True).value)["rel_l2"]
    assert b <= a * (1 + 1e-12)


class TestProny:
    @pytest.mark.parametrize("pairs,n_real", [(1, 0), (3, 2), (4, 0)])
    def test_exact_recovery(self, pairs, n_real):
        m = exact_model(pairs, n_real, seed=pairs + 3 * n_real)
        h = m.impulse_response(400)
        r = prony(h, 2 * pairs + n_real)
        assert filter_errors(h, r.value)["rel_l2"] <= 1e-10

    def test_batched(self):
        H = np.stack([exact_model(1, 0, 1).impulse_response(100),
                      exact_model(0, 2, 2).impulse_response(100)])
        r = prony(H, 2)
        assert np.all(filter_errors(H, r.value)["rel_l2"] <= 1e-10)
