"""Balanced truncation from closed-form Gramians (numlearn.classical.reduction.balanced).

Oracles: the HSVs of the model against the dense SVD of the Hankel matrix of its long
impulse response (two algorithms: square-root SVD of Gramian factors vs SVD of H);
the Gramians against their defining series sum_t Lambda^t B B^H Lambda^{H t}; the
bound theorem sigma_{d+1} <= ||E||_inf <= 2 sum_{k>d} sigma_k on random stable models,
H-infinity measured on a fine grid of the unit circle (the grid can only underestimate
the sup, which is safe for the upper bound; the lower bound is checked with the slack of
the grid stated); exact recovery at full order.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from numlearn._core.validation import EPS
from numlearn.classical.reduction.balanced import balanced_truncation, modal_gramians
from numlearn.classical.reduction.hankel import hankel_singular_values
from numlearn.classical.reduction.modal import ModalSSM, filter_errors

from .test_era import exact_model


def random_model(pairs, n_real, seed, real=True, rmax=0.95):
    return exact_model(pairs, n_real, seed, real=real, rmax=rmax, rmin=0.3, d0=0.2)


def hinf(m1, m2, M=1 << 14):
    z = np.exp(2j * np.pi * np.arange(M) / M)
    return np.abs(m1.transfer_function(z) - m2.transfer_function(z)).max()


def test_gramians_equal_their_series():
    rng = np.random.default_rng(0)
    lam = 0.8 * np.exp(1j * rng.uniform(0, 3, 4))
    B, C = rng.standard_normal(4) + 0j, rng.standard_normal(4) + 1j * rng.standard_normal(4)
    P, Q = modal_gramians(lam, B, C)
    Ps = sum(np.outer(lam**t * B, (lam**t * B).conj()) for t in range(400))
    Qs = sum(np.outer((C * lam**t).conj(), C * lam**t) for t in range(400))
    np.testing.assert_allclose(P, Ps, atol=1e-13 * np.abs(P).max())
    np.testing.assert_allclose(Q, Qs, atol=1e-13 * np.abs(Q).max())


@pytest.mark.parametrize("real", [True, False])
def test_hsv_match_svd_of_long_impulse_response(real):
    m = random_model(4, 2 if real else 0, seed=1, real=real)
    h = m.impulse_response(1000)  # 0.95^1000 ~ 5e-23: tail negligible
    ref = hankel_singular_values(h).value
    b = balanced_truncation(m, 3)
    n = b.stats["hsv"].size
    np.testing.assert_allclose(b.stats["hsv"], ref[:n], rtol=0, atol=1e3 * EPS * ref[0])


@pytest.mark.parametrize("pairs,n_real", [(1, 0), (2, 1), (3, 2), (4, 0)])
def test_full_order_is_exact(pairs, n_real):
    m = random_model(pairs, n_real, seed=pairs + n_real)
    d = 2 * pairs + n_real
    h = m.impulse_response(800)
    reduced = balanced_truncation(m, d).value
    assert filter_errors(h, reduced)["rel_l2"] <= 1e-10


def test_exact_low_order_inside_a_larger_model():
    """A real-order-4 filter written with 2 extra negligible modes: BT to 4 recovers it."""
    m = random_model(2, 0, seed=9)
    big = ModalSSM(np.r_[m.poles, 0.5j, 0.3], np.r_[m.residues, 1e-14, 1e-14], 0.2)
    h = m.impulse_response(600)
    r = balanced_truncation(big, 4)
    assert r.value.real_order == 4
    assert filter_errors(h, r.value)["rel_l2"] <= 1e-10


@pytest.mark.parametrize("seed", range(4))
def test_error_bounds_hold_on_random_stable_models(seed):
    m = random_model(5, 2, seed=seed)
    for d in range(1, m.real_order):
        r = balanced_truncation(m, d)
        E = hinf(m, r.value)
        lo, hi = r.stats["aak_lower"], r.stats["bt_upper"]
        # grid of 2^14 points: sampling underestimates ||E||_inf, never overestimates
        assert E <= hi * (1 + 1e-9) + 1e3 * EPS * r.stats["hsv"][0], (d, E, hi)
        assert lo <= E * (1 + 1e-3) + 1e3 * EPS * r.stats["hsv"][0], (d, lo, E)
        assert r.value.is_stable


def test_real_model_reduces_to_real_model_with_odd_order():
    m = random_model(3, 0, seed=2)
    r = balanced_truncation(m, 3)
    assert r.value.real and r.value.real_order == 3
    h = r.value.impulse_response(50)
    assert h.dtype == np.float64


def test_batched_models():
    rng = np.random.default_rng(0)
    p = 0.8 * np.exp(1j * rng.uniform(0.2, 3.0, (2, 3)))
    R = rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))
    m = ModalSSM(p, R, np.array([0.1, 0.2]))
    r = balanced_truncation(m, 4)
    assert r.value.channels == 2 and r.stats["hsv"].shape == (2, 6)
    for c in range(2):
        one = balanced_truncation(ModalSSM(p[c], R[c], 0.1 * (c + 1)), 4)
        np.testing.assert_allclose(r.stats["hsv"][c], one.stats["hsv"], rtol=1e-12)


@given(seed=st.integers(0, 2**32 - 1), pairs=st.integers(1, 4), n_real=st.integers(0, 3),
       rmax=st.floats(0.4, 0.97))
def test_property_bounds_and_stability(seed, pairs, n_real, rmax):
    """The bound theorem on hypothesis-drawn stable real models, every reduced order."""
    m = random_model(pairs, n_real, seed=seed, rmax=rmax)
    floor = 1e3 * EPS * balanced_truncation(m, 1).stats["hsv"][0]
    for d in range(1, m.real_order):
        r = balanced_truncation(m, d)
        E = hinf(m, r.value, M=1 << 13)
        assert E <= r.stats["bt_upper"] * (1 + 1e-9) + floor
        assert r.stats["aak_lower"] <= E * (1 + 1e-2) + floor  # grid slack at M = 2^13
        assert r.value.is_stable and r.value.real_order == d
