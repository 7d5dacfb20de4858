"""Companion (transfer-function) form and the canonical-FFT prefill.

Oracles: ``scipy.signal.invres`` (partial fractions -> b, a), the RTF / Laughing Hyena
formula ``b = poly(eig(A - B C)) - a`` (matrix determinant lemma, diagonal A), and
``scipy.signal.lfilter`` (the IIR filter b/a run as a difference equation); the modal
recurrence for the state.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.signal

from numlearn._core.validation import EPS, IllConditionedWarning
from numlearn.classical.reduction.companion import (
    from_companion,
    prefill_companion,
    to_companion,
)
from numlearn.classical.reduction.modal import ModalSSM


def random_model(rng, C, d, *, real=True, rmin=0.3, rmax=0.9):
    lam = rng.uniform(rmin, rmax, (C, d)) * np.exp(1j * rng.uniform(0.1, np.pi - 0.1, (C, d)))
    res = rng.standard_normal((C, d)) + 1j * rng.standard_normal((C, d))
    d0 = rng.standard_normal(C) + (0 if real else 1j * rng.standard_normal(C))
    return ModalSSM(lam, res, d0, real=real)


def full_partial_fractions(m, c):
    lam, res = m.poles[c], m.residues[c]
    if not m.real:
        return lam, res
    return np.concatenate([lam, lam.conj()]), np.concatenate([res / 2, res.conj() / 2])


@pytest.mark.parametrize("real", [True, False])
def test_to_companion_matches_invres_and_rtf_formula(rng, real):
    m = random_model(rng, 2, 3, real=real)
    b, a, h0 = to_companion(m)
    assert a.shape == (2, 7 if real else 4) and b.shape == (2, 6 if real else 3)
    assert (a.dtype == np.float64) == real
    for c in range(2):
        mu, rho = full_partial_fractions(m, c)
        bs, as_ = scipy.signal.invres(rho, mu, [])
        assert np.abs(a[c] - as_).max() <= 64 * EPS
        assert np.abs(b[c] - np.pad(bs, (b.shape[1] - bs.size, 0))).max() <= 64 * EPS
        # RTF App. A: H = 1 + C (zI - A)^-1 B = det(zI - (A - BC)) / det(zI - A)
        A = np.diag(mu)
        B = np.ones((mu.size, 1))
        Cm = rho[None, :]
        b_rtf = np.poly(np.linalg.eigvals(A - B @ Cm)) - np.poly(mu)
        assert np.abs(b[c] - b_rtf[1:]).max() <= 1e3 * EPS
    assert np.array_equal(h0, m.feedthrough)


@pytest.mark.parametrize("real", [True, False])
def test_companion_transfer_function_and_lfilter(rng, real):
    m = random_model(rng, 1, 4, real=real)
    b, a, h0 = (x[0] for x in to_companion(m))
    z = np.exp(2j * np.pi * np.arange(32) / 32)
    H = m.transfer_function(z)[0]
    Hc = h0 + np.polyval(b, z) / np.polyval(a, z)
    assert np.abs(H - Hc).max() <= 1e3 * EPS * np.abs(H).max()
    # the difference equation: numerator h0 a + [0, b] over a, in powers of 1/z
    num = h0 * a + np.concatenate([[0], b])
    u = rng.standard_normal(300)
    y = scipy.signal.lfilter(num, a, u)
    y_ref = m.convolve(u[None])[0]
    assert np.abs(y - y_ref).max() <= 1e-12 * np.abs(y_ref).max()


@pytest.mark.parametrize("real", [True, False])
def test_companion_round_trip(rng, real):
    m = random_model(rng, 3, 4, real=real)
    back = from_companion(*to_companion(m), real=real)
    assert back.order == m.order and back.channels == 3
    for c in range(3):
        p0 = np.sort_complex(m.poles[c])
        p1 = np.sort_complex(back.poles[c])
        assert np.abs(p0 - p1).max() <= 1e-12
        order0, order1 = np.argsort(m.poles[c]), np.argsort(back.poles[c])
        assert np.abs(m.residues[c][order0] - back.residues[c][order1]).max() <= 1e-11
    h = m.impulse_response(200)
    assert np.abs(back.impulse_response(200) - h).max() <= 1e-12 * np.abs(h).max()


def test_from_companion_real_pole_and_unbatched():
    # (z - 0.5)(z^2 - 0.6 z + 0.25): one real pole, one conjugate pair
    a = np.polymul([1, -0.5], [1, -0.6, 0.25])
    b = np.array([1.0, 0.2, -0.1])
    m = from_companion(b, a, 0.7)
    assert not m.batched and m.order == 2
    assert np.sort(m.poles.imag >= 0).all()
    z = np.array([1.3, -1.1 + 0.4j])
    assert m.transfer_function(z) == pytest.approx(
        0.7 + np.polyval(b, z) / np.polyval(a, z), rel=1e3 * EPS)
    # shorter b is padded; a non-monic a is normalised
    m2 = from_companion([1.0], 2 * a, 0.0)
    assert m2.transfer_function(z) == pytest.approx(
        np.polyval([1.0], z) / np.polyval(2 * a, z), rel=1e3 * EPS)


@pytest.mark.parametrize("real", [True, False])
def test_prefill_companion_equals_modal_prefill(rng, real):
    # well-conditioned: 4 complex modes (real order 8), radius <= 0.9, spread angles
    m = random_model(rng, 4, 4, real=real)
    T = 4096
    u = rng.standard_normal((2, 4, T))
    if not real:
        u = u + 1j * rng.standard_normal(u.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s, y, info = prefill_companion(m, u, return_output=True, full_output=True)
    _, s_rec = m.recurrence(u, return_state=True)
    s_mod = m.prefill(u)
    scale = np.abs(s_rec).max()
    assert np.abs(s - s_mod).max() <= 1e-12 * scale
    assert np.abs(s - s_rec).max() <= 1e-12 * scale
    y_ref = m.convolve(u)
    assert np.abs(y - y_ref).max() <= 1e-12 * np.abs(y_ref).max()
    assert (info["error_estimate"] <= 1e4 * EPS).all()
    assert (info["fft_length"] >= T).all() and (info["companion_radius"] < 1).all()


def test_prefill_companion_warns_when_ill_conditioned(rng):
    # order 32 (16 conjugate pairs) clustered at radius 0.5, angles in [0.2, 0.6]
    lam = 0.5 * np.exp(1j * np.linspace(0.2, 0.6, 16))
    res = rng.standard_normal(16) + 1j * rng.standard_normal(16)
    m = ModalSSM(lam, res, 0.3)
    u = rng.standard_normal(2000)
    with pytest.warns(IllConditionedWarning, match="companion"):
        s, info = prefill_companion(m, u, full_output=True)
    _, s_rec = m.recurrence(u, return_state=True)
    err = np.abs(s - s_rec).max() / np.abs(s_rec).max()
    assert err > 1e-8                                # measured 9.6e-4: genuinely lost
    assert info["error_estimate"] >= err             # the estimate bounds it
    assert info["coefficient_norm"] > 1e4


def test_prefill_companion_refuses_hopeless_denominator():
    lam = 0.9 * np.exp(1j * np.linspace(0.2, 0.6, 12))
    m = ModalSSM(lam, np.ones(12), 0.0)
    with pytest.raises(FloatingPointError, match="companion"):
        prefill_companion(m, np.ones(100))


def test_to_companion_channels_of_different_real_order():
    # channel 0: one pair and two real poles (real order 4, stored as 3 modes);
    # channel 1: three pairs (real order 6).  Channel 0 is padded with poles at 0 and
    # zero residues; both transfer functions must be unchanged (closed form).
    lam = np.array([[0.5 + 0.4j, 0.7 + 0j, -0.3 + 0j],
                    [0.6 + 0.2j, -0.4 + 0.5j, 0.2 - 0.6j]])
    res = np.array([[1.0 - 0.5j, 0.8 + 0j, 0.4 + 0j],
                    [0.3 + 0.1j, -0.7 + 0.2j, 0.5j]])
    m = ModalSSM(lam, res, np.array([0.2, -0.1]), real=True)
    b, a, h0 = to_companion(m)
    assert a.shape == (2, 7) and b.shape == (2, 6)
    np.testing.assert_array_equal(a[0, -2:], 0.0)   # the two poles at 0
    z = 1.3 * np.exp(2j * np.pi * np.arange(16) / 16)
    H = m.transfer_function(z)
    Hc = h0[:, None] + np.array([np.polyval(b[c], z) / np.polyval(a[c], z) for c in (0, 1)])
    assert np.abs(H - Hc).max() <= 1e3 * EPS * np.abs(H).max()
