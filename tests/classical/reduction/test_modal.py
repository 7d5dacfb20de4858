"""ModalSSM: impulse response, transfer function, running it, fitting residues.

Oracles: mpmath powers at 40 digits (impulse response), the FFT of a long impulse
response folded onto the grid (transfer function), ``scipy.signal.invres`` +
``scipy.signal.freqz`` (a second algorithm for H), FFT convolution (recurrence), the
recurrence itself (prefill), exact modal filters (fit_residues).
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest
import scipy.signal
from hypothesis import given
from hypothesis import strategies as st

from numlearn._core.validation import EPS, IllConditionedWarning
from numlearn.classical.reduction.modal import (
    ModalSSM,
    UnstablePolesWarning,
    engine_step,
    filter_errors,
    fit_residues,
)


def random_model(rng, C, d, *, real=True, rmin=0.3, rmax=0.95, batched=True):
    shape = (C, d) if batched else (d,)
    lam = rng.uniform(rmin, rmax, shape) * np.exp(1j * rng.uniform(0.05, np.pi - 0.05, shape))
    res = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    fshape = (C,) if batched else ()
    d0 = rng.standard_normal(fshape) + (0 if real else 1j * rng.standard_normal(fshape))
    return ModalSSM(lam, res, d0, real=real)


def mp_impulse(model, L, dps=40):
    """h_t = (Re) sum R lambda^(t-1) with mpmath at ``dps`` digits, one channel."""
    with mpmath.workdps(dps):
        lam = [mpmath.mpc(complex(p)) for p in model.poles]
        res = [mpmath.mpc(complex(r)) for r in model.residues]
        out = [complex(model.feedthrough)]
        for t in range(1, L):
            s = mpmath.fsum(r * p ** (t - 1) for r, p in zip(res, lam, strict=True))
            out.append(complex(s))
    h = np.array(out)
    return h.real if model.real else h


@pytest.mark.parametrize("real", [True, False])
def test_impulse_response_matches_mpmath(rng, real):
    m = random_model(rng, 1, 6, real=real, rmin=0.9, rmax=0.999, batched=False)
    L = 600
    h = m.impulse_response(L)
    ref = mp_impulse(m, L)
    assert mp_impulse(m, 50, dps=60)[:50] == pytest.approx(ref[:50], abs=1e-30)
    # error of exp(t log lambda) (two factors of the split power): about
    # (4 + 2 t |log lambda|) eps |R| |lambda|^(t-1) per term, plus the sum (d eps)
    t = np.arange(L)[:, None]
    lam, res = m.poles[None], m.residues[None]
    bound = (np.abs(res) * np.abs(lam) ** np.maximum(t - 1, 0)
             * (4 + 2 * t * np.abs(np.log(lam)) + m.order)).sum(axis=1) * EPS
    err = np.abs(h - ref)
    assert (err <= 2 * bound).all(), float((err / bound).max())
    assert h.dtype == (np.float64 if real else np.complex128)


def test_impulse_response_zero_pole_and_shapes(rng):
    m = ModalSSM([0.0, 0.5], [2.0, 1.0], 3.0, real=False)
    assert m.impulse_response(4) == pytest.approx([3.0, 3.0, 0.5, 0.25], abs=1e-15)
    mb = random_model(rng, 3, 4)
    assert mb.impulse_response(10).shape == (3, 10)
    assert mb.transfer_function(np.ones((2, 5))).shape == (3, 2, 5)
    assert mb.frequency_response(16).shape == (3, 16)
    assert mb.channels == 3 and mb.order == 4 and mb.real_order == 8
    assert mb.spectral_radius.shape == (3,) and mb.is_stable
    mu = ModalSSM([0.5, 0.2 + 0.1j], [1.0, 1.0], 0.0)
    assert mu.real_order == 3 and mu.channels == 1 and not mu.batched
    assert mu.impulse_response(3).shape == (3,)
    assert isinstance(mu.spectral_radius, float)


@pytest.mark.parametrize("real", [True, False])
def test_transfer_function_equals_folded_long_fft(rng, real):
    m = random_model(rng, 2, 5, real=real, rmax=0.9)
    M = 64
    L = 64 * 6 * 64  # 0.9^(L) far below eps: the geometric tail is gone
    h = m.impulse_response(L)
    folded = h.reshape(2, -1, M).sum(axis=1)      # M-periodised impulse response
    ref = np.fft.fft(folded, axis=1)
    H = m.frequency_response(M)
    scale = np.abs(h).sum(axis=1, keepdims=True)
    assert np.abs(H - ref).max() <= 64 * EPS * scale.max() * np.log2(L)


@pytest.mark.parametrize("real", [True, False])
def test_transfer_function_matches_scipy_invres_freqz(rng, real):
    m = random_model(rng, 1, 3, real=real, batched=False)
    if real:
        poles = np.concatenate([m.poles, m.poles.conj()])
        rho = np.concatenate([m.residues / 2, m.residues.conj() / 2])
    else:
        poles, rho = m.poles, m.residues
    b, a = scipy.signal.invres(rho, poles, [complex(m.feedthrough)])
    M = 128
    _, Hs = scipy.signal.freqz(b, a, worN=M, whole=True)
    H = m.frequency_response(M)
    assert np.abs(H - Hs).max() <= 1e3 * EPS * np.abs(Hs).max()
    z = np.array([2.0, -1.5 + 0.5j, 0.3j + 1.0])
    assert m.transfer_function(z) == pytest.approx(np.polyval(b, z) / np.polyval(a, z),
                                                   rel=1e3 * EPS)


@pytest.mark.parametrize("real", [True, False])
def test_truncated_frequency_response_is_fft_of_taps(rng, real):
    m = random_model(rng, 3, 4, real=real)
    L, M = 100, 256
    ref = np.fft.fft(m.impulse_response(L), M, axis=1)
    got = m.frequency_response(M, truncate=L)
    scale = np.abs(m.impulse_response(L)).sum()
    assert np.abs(got - ref).max() <= 50 * EPS * scale


def test_truncated_frequency_response_pole_on_the_grid():
    # a kept pole at z = 1 = z_0: the closed form's 0/0 is replaced by its limit
    with pytest.warns(UnstablePolesWarning):
        m = ModalSSM([1.0 + 0j, 0.5j], [1.0, 2.0], 0.5, allow_unstable=True)
    h = m.impulse_response(16)
    assert np.abs(m.frequency_response(32, truncate=16) - np.fft.fft(h, 32)).max() <= (
        64 * EPS * np.abs(h).sum())


@pytest.mark.parametrize("real", [True, False])
def test_recurrence_equals_fft_convolution_L8192(rng, real):
    # the issue target: <= 1e-12 relative over L = 8192 in float64, batched
    m = random_model(rng, 8, 16, real=real, rmin=0.5, rmax=0.999)
    L = 8192
    u = rng.standard_normal((2, 8, L))
    if not real:
        u = u + 1j * rng.standard_normal(u.shape)
    y_rec = m.recurrence(u)
    y_fft = m.convolve(u)
    rel = np.abs(y_rec - y_fft).max() / np.abs(y_fft).max()
    assert rel <= 1e-12, rel
    assert y_rec.shape == u.shape


def test_recurrence_unbatched_shapes_and_state(rng):
    m = random_model(rng, 1, 3, batched=False)
    u = rng.standard_normal(50)
    y, s = m.recurrence(u, return_state=True)
    assert y.shape == (50,) and s.shape == (3,)
    y2, s2 = m.recurrence(np.stack([u, 2 * u]), return_state=True)
    assert y2.shape == (2, 50) and s2.shape == (2, 3)
    assert np.abs(y2[1] - 2 * y).max() <= 1e-13 * np.abs(y).max()


@pytest.mark.parametrize("real", [True, False])
def test_engine_round_trip_and_step(rng, real):
    m = random_model(rng, 4, 5, real=real)
    lam, r_eng, d_eng = m.to_engine()
    # the engine's own impulse response: h_0 = Re sum R_eng + D_eng, h_t = Re sum R_eng lam^t
    t = np.arange(20)
    h_eng = (r_eng[:, None, :] * lam[:, None, :] ** t[None, :, None]).sum(-1)
    h_eng = (h_eng.real if real else h_eng)
    h_eng[:, 0] += d_eng
    assert np.abs(h_eng - m.impulse_response(20)).max() <= 1e3 * EPS
    back = ModalSSM.from_engine(lam, r_eng, d_eng, real=real)
    assert np.abs(back.residues - m.residues).max() <= 8 * EPS * np.abs(m.residues).max()
    assert np.abs(back.feedthrough - m.feedthrough).max() <= 1e3 * EPS
    u = rng.standard_normal((3, 4, 30))
    y = m.recurrence(u)
    s_eng = np.zeros((3, 4, 5), complex)
    s_own = s_eng.copy()
    for k in range(30):
        s_eng, ye = engine_step(s_eng, u[..., k], lam, r_eng, d_eng, real=real)
        s_own, yo = m.step(s_own, u[..., k])
        assert np.abs(ye - y[..., k]).max() <= 1e-13 * (1 + np.abs(y).max())
        assert np.abs(yo - y[..., k]).max() <= 1e-13 * (1 + np.abs(y).max())
    assert np.abs(s_eng - s_own).max() <= 1e-13 * np.abs(s_own).max()


@pytest.mark.parametrize("method", ["fft", "direct"])
def test_prefill_state_equals_recurrence_and_continues(rng, method):
    m = random_model(rng, 6, 8, rmin=0.5, rmax=0.999)
    T, G = 3000, 200
    u = rng.standard_normal((2, 6, T + G))
    y_all, _ = m.recurrence(u, return_state=True)
    _, s_rec = m.recurrence(u[..., :T], return_state=True)
    s = m.prefill(u[..., :T], method=method)
    assert s.shape == (2, 6, 8)
    assert np.abs(s - s_rec).max() <= 1e-12 * np.abs(s_rec).max()
    y_next = m.recurrence(u[..., T:], s)
    assert np.abs(y_next - y_all[..., T:]).max() <= 1e-12 * np.abs(y_all).max()


def test_prefill_short_prompt(rng):
    m = random_model(rng, 2, 3)
    u = rng.standard_normal((2, 1))
    for method in ("fft", "direct"):
        assert np.abs(m.prefill(u, method=method) - u).max() <= 4 * EPS * np.abs(u).max()


@pytest.mark.parametrize("real", [True, False])
def test_fit_residues_recovers_exact_model(rng, real):
    m = random_model(rng, 5, 6, real=real, rmax=0.98)
    L = 400
    h = m.impulse_response(L)
    fit, stats = fit_residues(h, m.poles, real=real, full_output=True)
    assert np.abs(fit.residues - m.residues).max() <= 1e-13 * stats["cond"].max()
    assert np.abs(fit.residues - m.residues).max() <= 1e-11
    assert np.array_equal(fit.feedthrough, m.feedthrough)
    assert (stats["rank"] == (12 if real else 6)).all()
    err = filter_errors(h, fit)
    assert err["rel_l2"].max() <= 1e-13


def test_fit_residues_shared_poles_and_real_pole(rng):
    lam = np.array([0.6, 0.5 + 0.3j, -0.2 + 0.7j])
    res = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    res[:, 0] = res[:, 0].real                 # a real pole only sees Re R
    m = ModalSSM(lam, res, [1.0, 2.0, 3.0])
    h = m.impulse_response(60)
    fit, stats = fit_residues(h, lam, full_output=True)
    assert np.abs(fit.residues - res).max() <= 1e-13
    assert (stats["rank"] == 5).all() and np.isfinite(stats["cond"]).all()
    one = fit_residues(h[0], lam)
    assert not one.batched and np.abs(one.residues - res[0]).max() <= 1e-13


def test_fit_residues_warns_for_nearly_equal_poles(rng):
    lam = np.array([0.5 + 0.3j, 0.5 + 0.3j + 1e-11, 0.1 - 0.6j])
    h = ModalSSM(lam[[0, 2]], [1.0, 1.0], 0.0).impulse_response(80)
    with pytest.warns(IllConditionedWarning, match="Vandermonde"):
        fit, stats = fit_residues(h, lam, full_output=True)
    assert stats["cond"] > 1e11
    # the residues are ill-determined, but the solve (U^H b before 1/s) keeps the
    # fitted filter at rounding level
    assert filter_errors(h, fit)["rel_l2"] <= 1e-13


def test_filter_errors_known_values(rng):
    m = random_model(rng, 2, 3)
    L = 128
    h = m.impulse_response(L)
    delta = 1e-3
    shifted = ModalSSM(m.poles, m.residues, m.feedthrough + delta)
    e = filter_errors(h, shifted)
    assert e["l2"] == pytest.approx([delta, delta], rel=1e-9)
    assert e["rel_l2"] == pytest.approx(delta / np.linalg.norm(h, axis=1), rel=1e-9)
    assert e["hinf"] == pytest.approx([delta, delta], rel=1e-9)   # a constant spectrum
    exact = filter_errors(h, m, M=4 * L)
    assert exact["rel_l2"].max() == 0.0 and exact["hinf"].max() == 0.0
    assert exact["hinf_model"].max() > 0             # the model's tail beyond L


def test_unstable_poles_are_refused_or_reported():
    with pytest.raises(ValueError, match=r"`poles`.*unit disk"):
        ModalSSM([1.01 + 0j], [1.0], 0.0)
    with pytest.raises(ValueError, match="`poles`"):
        ModalSSM([1.0 + 0j], [1.0], 0.0)
    with pytest.warns(UnstablePolesWarning, match="allow_unstable"):
        m = ModalSSM([1.01 + 0j, 0.5], [1.0, 1.0], 0.0, allow_unstable=True)
    assert not m.is_stable and m.spectral_radius == pytest.approx(1.01)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ModalSSM([0.999 + 0j], [1.0], 0.0).is_stable
    h = np.r_[0.0, 1.01 ** np.arange(30)]
    with pytest.warns(UnstablePolesWarning) as record:
        fit = fit_residues(h, [1.01 + 0j], allow_unstable=True)
    assert len(record) == 1 and not fit.is_stable
    assert fit.residues == pytest.approx([1.0], rel=1e-13)


stable_models = st.builds(
    lambda seed, C, d, real: random_model(np.random.default_rng(seed), C, d, real=real,
                                          rmin=0.0, rmax=0.99),
    st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(1, 6), st.booleans())


@given(m=stable_models, seed=st.integers(0, 2**32 - 1))
def test_property_recurrence_prefill_engine(m, seed):
    rng = np.random.default_rng(seed)
    u = rng.standard_normal((m.channels, 257))
    if not m.real:
        u = u + 1j * rng.standard_normal(u.shape)
    y_fft = m.convolve(u)
    y_rec, s = m.recurrence(u, return_state=True)
    scale = np.abs(m.impulse_response(257)).sum(axis=-1).max() * np.abs(u).max()
    assert np.abs(y_rec - y_fft).max() <= 1e3 * EPS * scale
    for method in ("fft", "direct"):
        assert np.abs(m.prefill(u, method=method) - s).max() <= 1e3 * EPS * (
            np.abs(u).sum() / (1 - m.spectral_radius.max()))
    lam, r_eng, d_eng = m.to_engine() if (m.poles != 0).all() else (None, None, None)
    if lam is not None:
        back = ModalSSM.from_engine(lam, r_eng, d_eng, real=m.real)
        assert np.abs(back.impulse_response(40) - m.impulse_response(40)).max() <= (
            1e3 * EPS * (1 + np.abs(r_eng).sum()))


@given(m=stable_models)
def test_property_fit_residues_round_trip(m):
    h = m.impulse_response(4 * m.real_order + 40)
    fit, stats = fit_residues(h, m.poles, real=m.real, full_output=True)
    err = filter_errors(h, fit)
    assert err["rel_l2"].max() <= 1e3 * EPS * stats["cond"].max()


def test_real_order_does_not_count_padding_modes() -> None:
    """A ragged real batch padded with (0, 0) modes: channel 0 has one conjugate pair
    and one real pole (McMillan degree 3), channel 1 one pair plus a padding mode
    (degree 2); the padding contributes nothing to the response and is not a state."""
    P = np.array([[0.5 + 0.3j, 0.4, 0.0], [0.7 - 0.2j, 0.0, 0.0]])
    R = np.array([[1.0 + 0.5j, 2.0, 0.0], [0.3 + 0.1j, 0.0, 0.0]])
    m = ModalSSM(P, R, np.zeros(2))
    assert m.real_order == 3
    assert ModalSSM(P[1:], R[1:], np.zeros(1)).real_order == 2
    assert ModalSSM(P, R, np.zeros(2), real=False).real_order == 2


def test_fit_residues_negative_real_pole():
    # h_t = Re sum R lambda^(t-1) with a negative real pole (its complex powers carry
    # imaginary rounding noise, which must not become a basis function) and a pair;
    # closed form taps, residues recovered exactly, the real pole's residue real.
    lam = np.array([-0.8, 0.5 + 0.6j])
    R = np.array([0.7, 1.0 - 0.5j])
    t = np.arange(1, 64)
    h = np.concatenate([[0.25], (R[None, :] * lam[None, :] ** (t[:, None] - 1)).sum(1).real])
    m = fit_residues(h, lam, real=True)
    np.testing.assert_allclose(m.residues, R, rtol=1e-12, atol=1e-12)
    assert abs(m.residues[0].imag) <= 1e-12
    np.testing.assert_allclose(m.impulse_response(64), h, rtol=0, atol=1e-14)


def test_filter_errors_sees_peaks_between_grid_points():
    # A pole 1e-5 inside the circle at an angle halfway between the 2L grid points:
    # the model's transfer function peaks there.  Oracle: a 64x finer grid plus the
    # pole's angles, evaluated independently (the FIR by direct sums, the model by
    # ModalSSM.transfer_function).
    L = 64
    theta = 2 * np.pi * (5.5 / (2 * L))
    lam = np.array([(1 - 1e-5) * np.exp(1j * theta)])
    model = ModalSSM(lam, np.array([1e-3 + 0j]), 0.0, real=True)
    h = np.zeros(L)
    h[1] = 0.5
    e = filter_errors(h, model)
    z = np.exp(1j * np.concatenate([2 * np.pi * np.arange(128 * L) / (128 * L),
                                    [theta, -theta]]))
    fir = (h[None, :] * z[:, None] ** -np.arange(L)[None, :]).sum(axis=1)
    truth = np.abs(fir - model.transfer_function(z)).max()
    grid_only = np.abs(np.fft.fft(h, 2 * L) - model.frequency_response(2 * L)).max()
    assert grid_only < 0.05 * truth          # the grid alone misses the peak
    np.testing.assert_allclose(e["hinf_model"], truth, rtol=1e-10)
