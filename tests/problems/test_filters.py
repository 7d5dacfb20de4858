"""numlearn.problems.filters: the filter families against their closed forms.

Oracles: the closed form of one conjugate pole pair
(:math:`|R| r^{t-1}\\cos((t-1)\\theta + \\arg R)`), the linear recurrence with the
characteristic polynomial of the poles (numpy.poly), exact reciprocals for the power
law, the Hyena modulation as an exact factor, and average pooling by cumulative sums.
"""

import math

import numpy as np
import pytest

from numlearn.problems.filters import (
    FILTER_FAMILIES,
    HYENA_DECAY,
    FilterBank,
    filter_bank,
    hyena_filters,
    long_conv_filters,
    modal_filters,
    power_law_filters,
    random_modal_filters,
)
from numlearn.problems.protocol import UnknownProblemError

EPS = np.finfo(np.float64).eps


def test_one_pair_matches_the_cosine_closed_form():
    r, theta, R, D, L = 0.93, 0.7, 1.5 * np.exp(0.4j), -0.25, 200
    bank = modal_filters(L, [r * np.exp(1j * theta)], [R], D)
    t = np.arange(1, L)
    exact = abs(R) * r ** (t - 1) * np.cos((t - 1) * theta + np.angle(R))
    assert bank.h[0, 0] == D
    # Repeated multiplication: error grows like t * eps relative to |R|.
    np.testing.assert_allclose(bank.h[0, 1:], exact, rtol=0, atol=4 * L * EPS * abs(R))
    assert (bank.order, bank.real_order, bank.channels, bank.length) == (1, 2, 1, L)


def test_random_modal_filters_satisfy_their_recurrence():
    bank = random_modal_filters(3, 120, 4, seed=5)
    assert bank.h.shape == (3, 120) and bank.poles.shape == (3, 4)
    assert np.all(np.abs(bank.poles) < 1) and np.all(bank.poles.imag > 0)
    for c in range(3):
        p = bank.poles[c]
        a = np.real(np.poly(np.concatenate([p, p.conj()])))  # degree 8, real
        h = bank.h[c, 1:]
        # sum_k a_k h_{t-k} = 0 once the window holds 9 taps of the modal part.
        res = np.array([a @ h[t:t - 9:-1] if t >= 9 else a @ h[t::-1] for t in range(8, h.size)])
        assert np.max(np.abs(res)) <= 1e3 * EPS * np.abs(h).max() * np.abs(a).sum()
    np.testing.assert_array_equal(bank.h, random_modal_filters(3, 120, 4, seed=5).h)
    assert not np.array_equal(bank.h, random_modal_filters(3, 120, 4, seed=6).h)


def test_modal_noise_is_relative_and_seeded():
    p, R = [0.9 * np.exp(0.3j)], [1.0 + 0j]
    clean = modal_filters(300, p, R).h
    noisy = modal_filters(300, p, R, noise=1e-12, seed=1).h
    rel = np.linalg.norm(noisy - clean) / np.linalg.norm(clean)
    assert 1e-13 < rel < 1e-11


def test_power_law_is_exact():
    bank = power_law_filters(2, 64, alpha=[1.0, 2.0])
    k = np.arange(1, 65, dtype=np.float64)
    np.testing.assert_array_equal(bank.h[0], 1.0 / k)
    np.testing.assert_allclose(bank.h[1], 1.0 / k**2, rtol=2 * EPS)
    assert bank.poles is None and bank.order is None


def test_hyena_modulation_is_an_exact_factor():
    base = hyena_filters(3, 100, decay=0.0, seed=2).h
    for name in ("slow", "fast"):
        bank = hyena_filters(3, 100, decay=name, seed=2)
        env = np.exp(-np.linspace(0, 1, 100) * HYENA_DECAY[name])
        np.testing.assert_allclose(bank.h, base * env, rtol=4 * EPS, atol=0)
    assert HYENA_DECAY["slow"] == pytest.approx(math.log(100) / 1.5)
    assert HYENA_DECAY["fast"] == pytest.approx(15.35, abs=5e-3)
    recipe = hyena_filters(3, 100, seed=2).h
    # channel 0 decays slowest, channel 2 fastest (the recipe's linspace of rates).
    np.testing.assert_allclose(recipe[0], base[0] * np.exp(-np.linspace(0, 1, 100) * 3.0701),
                               rtol=1e-4)
    # The MLP output is bounded by the output weights (|sin| <= 1, U(-1/4, 1/4) for 16).
    assert np.abs(base).max() <= 16 * 0.25


def test_long_conv_smooth_and_squash():
    raw = long_conv_filters(2, 300, window=1, lam=0.0, seed=4).h
    for window, lam in ((7, 0.1), (3, 0.0), (5, 0.3)):
        k = long_conv_filters(2, 300, window=window, lam=lam, seed=4).h
        c = np.cumsum(np.pad(raw, ((0, 0), (window // 2 + 1, window // 2))), axis=1)
        pooled = (c[:, window:] - c[:, :-window]) / window
        squashed = np.sign(pooled) * np.maximum(np.abs(pooled) - lam, 0.0)
        np.testing.assert_allclose(k, squashed, rtol=0, atol=50 * EPS)
    sparse = long_conv_filters(2, 300, lam=0.3, seed=4).h
    assert np.mean(sparse == 0) > np.mean(long_conv_filters(2, 300, lam=0.05, seed=4).h == 0)


@pytest.mark.parametrize("name", list(FILTER_FAMILIES))
def test_every_family_builds_real_finite_readonly_banks(name):
    bank = filter_bank(name, 3, 128, seed=1)
    assert isinstance(bank, FilterBank) and bank.h.shape == (3, 128)
    assert bank.h.dtype == np.float64 and np.isfinite(bank.h).all()
    assert not bank.h.flags.writeable
    assert np.linalg.norm(bank.h, axis=1).min() > 0
    np.testing.assert_array_equal(bank.h, filter_bank(name, 3, 128, seed=1).h)


def test_unknown_family():
    with pytest.raises(UnknownProblemError, match="hyena_slow"):
        filter_bank("hyena_medium", 2, 64)
