"""Conjugate-symmetric AAA (``aaa(..., conjugate=True)``): symmetry of the result,
exact recovery (closed form), the structured least-squares weights against the problem
over all samples formed independently, cleanup in pairs, and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from numlearn._core.result import Status
from numlearn.classical.rational.aaa import aaa
from numlearn.problems.filters import HYENA_LM, hyena_filters

EPS = np.finfo(float).eps
M = 512
W = np.exp(-2j * np.pi * np.arange(M) / M)


def _asym(p):
    """Largest distance of a point of ``p`` from the conjugates of ``p`` (relative)."""
    return float(np.max(np.min(np.abs(p[:, None] - p.conj()[None, :]), axis=1)
                        / np.maximum(np.abs(p), 1.0)))


def _filter_dft(L=256):
    h = hyena_filters(1, L, decay="fast", seed=0, **HYENA_LM).h[0]
    return (np.fft.fft(h, M) - h[0]) / W


@pytest.mark.parametrize("degree", [4, 8, 16])
def test_poles_conjugate_symmetric_at_reduced_degree(degree):
    # The DFT of a real filter: plain AAA's poles are not symmetric at reduced degree
    # (its support points are not), the conjugate variant's are, to rounding.
    G = _filter_dft()
    plain = aaa(W, G, degree=degree).value
    conj = aaa(W, G, degree=degree, conjugate=True).value
    assert _asym(plain.poles()) > 1e-6
    assert _asym(conj.poles()) < 1e3 * EPS
    assert _asym(conj.nodes) < 1e3 * EPS
    x = 0.7 * np.exp(1j * np.linspace(0.1, 3.0, 7))
    np.testing.assert_allclose(conj(x.conj()), conj(x).conj(), rtol=1e3 * EPS)


def test_exact_rational_recovered_on_circle():
    # f real on the real axis: poles 1.5, -2 and the pair 0.3 +- 1.4i, real residues
    # for the real poles and conjugate residues for the pair (closed form).
    poles = np.array([1.5, -2.0, 0.3 + 1.4j, 0.3 - 1.4j])
    rho = np.array([1.0, -0.5, 2.0 - 1.0j, 2.0 + 1.0j])
    z = np.exp(2j * np.pi * np.arange(400) / 400)
    f = 0.25 + (rho[None, :] / (z[:, None] - poles[None, :])).sum(axis=1)
    res = aaa(z, f, conjugate=True)
    r = res.value
    assert r.degree == 4
    assert res.stats["max_error"] <= 100 * EPS * np.abs(f).max()
    p = r.poles()
    got = np.array([p[np.argmin(np.abs(p - t))] for t in poles])
    np.testing.assert_allclose(got, poles, rtol=1e-12)


def test_weights_solve_the_full_structured_problem():
    # The loop keeps one sample of each conjugate pair, weighted by sqrt(2).  Oracle:
    # the real least-squares problem over ALL non-support samples, built here from
    # the definition; our weights must attain its smallest singular value.
    G = _filter_dft()
    res = aaa(W, G, degree=8, conjugate=True, cleanup=False)
    assert not res.stats["column_scaled"]
    r = res.value
    z, fz, w = r.nodes, r.values, r.weights
    rows = ~np.isin(W, z)
    L = (G[rows][:, None] - fz[None, :]) / (W[rows][:, None] - z[None, :])
    # real unknowns: (Re w, Im w) of the points with Im >= 0 (partners are conjugates)
    cols, x = [], []
    for k in range(z.size):
        j = int(np.argmin(np.abs(z - z[k].conj())))  # the partner (k itself if real)
        if j != k and z[k].imag < 0:
            continue  # the pair is counted from its upper point
        if j == k:
            cols.append(L[:, k])
            x.append(w[k].real)
        else:
            cols += [L[:, k] + L[:, j], 1j * (L[:, k] - L[:, j])]
            x += [w[k].real, w[k].imag]
    A = np.column_stack(cols)
    Ar = np.vstack([A.real, A.imag])
    x = np.asarray(x)
    smin = np.linalg.svd(Ar, compute_uv=False)[-1]
    assert abs(np.linalg.norm(x) - 1) < 1e-12
    assert np.linalg.norm(Ar @ x) <= smin * (1 + 1e-8) + 1e3 * EPS * np.linalg.norm(Ar)
    # and the symmetric weights are the complex residual's weights
    np.testing.assert_allclose(np.linalg.norm(L @ w), np.linalg.norm(A @ x),
                               rtol=1e-12)


def test_cleanup_removes_doublets_in_pairs():
    # Noise at 1e-9 and 60 terms: Froissart doublets; they leave in conjugate pairs.
    z = np.exp(2j * np.pi * np.arange(400) / 400)
    th = np.angle(z)
    f = np.exp(z) / (z - 1.5) + 1e-9 * (0.3 * np.cos(7 * th) + 1j * np.sin(5 * th))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = aaa(z, f, conjugate=True, rtol=0, max_terms=60)
    assert res.stats["doublets_removed"] > 0
    r = res.value
    assert _asym(r.nodes) < 1e3 * EPS
    # poles near the circle symmetric to rounding (those far out are ill-conditioned
    # eigenvalues of the pencil), and the function itself
    p = r.poles()
    assert _asym(p[np.abs(p) < 2]) < 1e-10
    x = 0.9 * np.exp(1j * np.linspace(0.1, 3.0, 7))
    np.testing.assert_allclose(r(x.conj()), r(x).conj(), rtol=1e3 * EPS)
    assert res.stats["max_error"] < 1e-7


def test_real_interval_symmetric():
    # A real function on a real point set: every point is its own partner, the
    # weights are real, the poles symmetric.
    x = np.linspace(-1, 1, 300)
    f = np.exp(x) / (1.2 - x)
    r = aaa(x, f, conjugate=True).value
    assert np.all(r.weights.imag == 0)
    assert _asym(r.poles()) < 1e-12


def test_degree_counts_pairs():
    G = _filter_dft()
    res = aaa(W, G, degree=5, conjugate=True)
    assert res.value.nodes.size <= 6
    assert res.status is Status.SUCCESS


@pytest.mark.parametrize("case", ["points", "values"])
def test_bad_input_not_symmetric(case):
    z = np.exp(2j * np.pi * np.arange(100) / 100)
    f = np.exp(z)
    if case == "points":
        z = z * np.exp(0.01j)  # rotated: not closed under conjugation
        with pytest.raises(ValueError, match="closed under conjugation"):
            aaa(z, f, conjugate=True)
    else:
        with pytest.raises(ValueError, match=r"f\(conj z\) = conj\(f\(z\)\)"):
            aaa(z, f * 1j, conjugate=True)


def test_bad_input_one_support_point_and_no_real_sample():
    z = np.exp(2j * np.pi * (np.arange(100) + 0.5) / 100)   # no real point
    with pytest.raises(ValueError, match="at least 2 support points"):
        aaa(z, np.exp(z), conjugate=True, degree=0)
    assert aaa(z, np.exp(z), conjugate=True, degree=1).value.nodes.size == 2
