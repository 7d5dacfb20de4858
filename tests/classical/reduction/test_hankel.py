"""Hankel singular values of FIR filters (numlearn.classical.reduction.hankel).

Oracles: numpy's SVD of the explicitly built Hankel matrix (a second algorithm and a
second construction); the dense method against the iterative ones; the closed-form
Gramians of an exact modal filter, sqrt(eig(P Q)) computed directly (no Lyapunov
solver, no square-root method); rank-one Hankel of a single real pole (sigma_1 in
closed form).
"""

from __future__ import annotations

import numpy as np
import pytest

from numlearn._core.validation import EPS
from numlearn.classical.reduction.hankel import (
    HankelOperator,
    hankel_bounds,
    hankel_singular_values,
)


def explicit_hankel(h):
    """H_ij = h_{i+j-1}, i, j = 1..L-1, zero past h_{L-1}: built entry by entry."""
    n = len(h) - 1
    H = np.zeros((n, n), dtype=np.result_type(h, float))
    for i in range(n):
        for j in range(n - i):
            H[i, j] = h[i + j + 1]
    return H


def decaying_filter(L, seed=0, complex_=False):
    rng = np.random.default_rng(seed)
    t = np.arange(L)
    h = (np.exp(-t / (L / 5)) * np.cos(0.05 * t) + (1.0 + t) ** -1.5
         + 0.3 * np.exp(-t / (L / 10)) * np.sin(0.3 * t + 1)
         + 1e-3 * rng.standard_normal(L) * np.exp(-t / (L / 3)))
    if complex_:
        h = h * (1 + 0.5j) + 0.1j * np.roll(h, 3)
    return h


@pytest.mark.parametrize("complex_", [False, True])
def test_dense_matches_numpy_svd_of_explicit_hankel(complex_):
    h = decaying_filter(200, complex_=complex_)
    ref = np.linalg.svd(explicit_hankel(h), compute_uv=False)
    s = hankel_singular_values(h).value
    # both backward stable: absolute error ~ eps * n * sigma_1
    np.testing.assert_allclose(s, ref, rtol=0, atol=200 * EPS * ref[0])
    assert s.dtype == np.float64 and np.all(np.diff(s) <= 0)


@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("shape", [(None, None, 1), (10, 15, 1), (15, 10, 2), (29, 29, 2)])
def test_fft_operator_matches_explicit_products(complex_, shape):
    rng = np.random.default_rng(3)
    h = rng.standard_normal(30) + (1j * rng.standard_normal(30) if complex_ else 0)
    rows, cols, shift = shape
    op = HankelOperator(h, rows, cols, shift)
    R, C = op.shape
    H = np.array([[h[i + j + shift] if i + j + shift < 30 else 0 for j in range(C)]
                  for i in range(R)])
    np.testing.assert_array_equal(op.todense(), H)
    x = rng.standard_normal((C, 3)) + 1j * rng.standard_normal((C, 3))
    y = rng.standard_normal((R, 3))
    scale = np.abs(H).sum()
    np.testing.assert_allclose(op.matmat(x), H @ x, atol=50 * EPS * scale)
    np.testing.assert_allclose(op.rmatmat(y), H.conj().T @ y, atol=50 * EPS * scale)


@pytest.mark.parametrize("method", ["lanczos", "randomized"])
@pytest.mark.parametrize("complex_", [False, True])
def test_iterative_agree_with_dense_to_1e10(method, complex_):
    """The issue's target: leading values agree with the dense computation to 1e-10."""
    h = decaying_filter(801, complex_=complex_)
    dense = hankel_singular_values(h, method="dense").value
    k = 24
    r = hankel_singular_values(h, k, method=method)
    assert r.success, r.message
    # the values compared lie above the dense floor eps * n * sigma_1 by > 1e4
    assert dense[k - 1] > 1e-8 * dense[0]
    np.testing.assert_allclose(r.value, dense[:k], rtol=1e-10)
    assert r.stats["error_estimate"] <= 1e-10
    assert r.stats["matvecs"] > 0


def test_error_bound_is_rigorous_on_dense_truth():
    """stats['error_bound'] (residual norm) must bound the actual relative error."""
    h = decaying_filter(801, seed=2)
    dense = hankel_singular_values(h).value
    r = hankel_singular_values(h, 16, method="lanczos")
    actual = np.max(np.abs(r.value - dense[:16]) / dense[:16])
    assert actual <= r.stats["error_bound"] + 100 * EPS


def gramian_hsv(poles, residues, real=True):
    """sqrt(eig(P Q)) from the Cauchy-like Gramians of the diagonal realisation with B = 1,
    C = residues (conjugate pairs expanded): an algorithm independent of the SVD of H."""
    if real:
        lam = np.concatenate([poles, poles.conj()])
        c = np.concatenate([residues / 2, residues.conj() / 2])
    else:
        lam, c = poles, residues
    b = np.ones_like(lam)
    P = np.outer(b, b.conj()) / (1 - np.outer(lam, lam.conj()))
    Q = np.outer(c.conj(), c) / (1 - np.outer(lam.conj(), lam))
    return np.sort(np.sqrt(np.abs(np.linalg.eigvals(P @ Q))))[::-1]


@pytest.mark.parametrize("real", [True, False])
def test_exact_modal_filter_matches_closed_form_gramians(real):
    rng = np.random.default_rng(5)
    p = rng.uniform(0.3, 0.9, 4) * np.exp(1j * rng.uniform(0.2, 3.0, 4))
    R = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    L = 1200  # |lambda|^L < 1e-50: the FIR's tail is negligible
    t = np.arange(1, L)
    taps = (R[None, :] * p[None, :] ** (t[:, None] - 1)).sum(axis=1)
    h = np.r_[0.0, taps.real if real else taps]
    ref = gramian_hsv(p, R, real)
    m = ref.size
    s = hankel_singular_values(h, 2 * m, method="lanczos").value
    np.testing.assert_allclose(s[:m], ref, rtol=0, atol=1e3 * EPS * ref[0])
    assert s[m] < 1e-12 * s[0]  # exact order m: the rest vanish


def test_single_real_pole_rank_one_closed_form():
    a, L = 0.8, 400
    h = np.r_[0.3, a ** np.arange(L - 1)]
    s = hankel_singular_values(h).value
    # H = v v^T with v_i = a^(i-1): sigma_1 = sum a^(2i) = (1 - a^(2n)) / (1 - a^2)
    n = L - 1
    np.testing.assert_allclose(s[0], (1 - a ** (2 * n)) / (1 - a**2), rtol=1e-14)
    assert s[1] < 1e-13 * s[0]


def test_batched_equals_loop():
    H = np.stack([decaying_filter(300, seed=s) for s in range(3)])
    r = hankel_singular_values(H, 5, method="lanczos")
    assert r.value.shape == (3, 5)
    for c in range(3):
        np.testing.assert_allclose(r.value[c], hankel_singular_values(H[c]).value[:5],
                                   rtol=1e-11)


def test_auto_picks_dense_for_short_and_lanczos_for_long():
    assert hankel_singular_values(decaying_filter(100), 5).stats["method"] == "dense"
    assert hankel_singular_values(decaying_filter(4097), 8).stats["method"] == "lanczos"


def test_randomized_reports_non_convergence():
    h = np.random.default_rng(0).standard_normal(1025)  # flat spectrum: slow iteration
    with pytest.warns(RuntimeWarning, match="not converged"):
        r = hankel_singular_values(h, 40, method="randomized", oversample=2, max_iter=2)
    assert r.status.code == "max_iterations"
    assert np.all(np.isfinite(r.value))


@pytest.mark.slow
def test_long_filter_32768_in_seconds():
    import time

    h = decaying_filter(32768)
    t0 = time.perf_counter()
    r = hankel_singular_values(h, 64)
    assert r.stats["method"] == "lanczos" and r.success
    assert time.perf_counter() - t0 < 60  # seconds on a loaded 2-core machine
    assert r.stats["error_bound"] < 1e-10


class TestBounds:
    def test_values(self):
        s = np.array([4.0, 2.0, 1.0, 0.5, 0.25])
        assert hankel_bounds(s, 2) == (1.0, 2 * 1.75)
        assert hankel_bounds(s, 0) == (4.0, 2 * 7.75)

    def test_batched(self):
        s = np.array([[4.0, 2.0, 1.0], [3.0, 1.0, 0.0]])
        lo, hi = hankel_bounds(s, 1)
        np.testing.assert_array_equal(lo, [2.0, 1.0])
        np.testing.assert_array_equal(hi, [6.0, 2.0])


def test_python_control_hsv_where_it_supports_discrete_time():
    """python-control 0.10 raises NotImplementedError for discrete-time hsvd; if a later
    version supports it, its Gramian-based values must match ours."""
    control = pytest.importorskip("control")
    a = np.array([0.8, -0.5])
    sys = control.ss(np.diag(a), np.ones((2, 1)), np.array([[1.0, 2.0]]), 0.0, dt=True)
    try:
        ref = np.sort(np.asarray(control.hankel_singular_values(sys)))[::-1]
    except NotImplementedError:
        pytest.skip("python-control: hankel_singular_values not implemented in discrete time")
    t = np.arange(600)
    h = np.r_[0.0, (a[0] ** t + 2 * a[1] ** t)[:-1]]
    np.testing.assert_allclose(hankel_singular_values(h).value[:2], ref, rtol=1e-12)
