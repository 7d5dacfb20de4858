"""numlearn.precision.distillation.distillation_decomposition: the distillation track's
terms (u = h, u_best bounded below by sigma_(k+1), u_disc the classical fit, u_learned the
fitted modal filter), per filter, in l2 on the window and H-infinity on the circle."""

import numpy as np
import pytest

from numlearn.precision.distillation import distillation_decomposition as dd

EPS = np.finfo(np.float64).eps


def _hankel_sv(h):
    """Oracle: singular values of the FIR's (L-1)-square Hankel matrix, numpy SVD."""
    t = h[1:]
    n = t.size
    H = np.array([[t[i + j] if i + j < n else 0.0 for j in range(n)] for i in range(n)])
    return np.linalg.svd(H, compute_uv=False)


def _modal_taps(poles, res, h0, L):
    """Closed form h_0 = D, h_t = Re sum R lambda^(t-1) (real conjugate-pair modes)."""
    t = np.arange(1, L)
    return np.r_[h0, np.real((res[:, None] * poles[:, None] ** (t - 1)).sum(axis=0))]


def test_tiny_closed_form_delay():
    # h = z^-3 (L = 4): the Hankel matrix of (h1, h2, h3) = (0, 0, 1) is the 3x3 anti-
    # identity, sigma = (1, 1, 1); at d = 1 (k = 2) the floor is sigma_3 = 1, bt 2.
    h = np.array([0.0, 0.0, 0.0, 1.0])
    sigma = _hankel_sv(h)
    np.testing.assert_array_equal(sigma, [1.0, 1.0, 1.0])
    zero, half = np.zeros(4), np.array([0.0, 0.0, 0.0, 0.5])
    l2 = dd(h, zero, half, d=1, sigma=sigma, norm="l2")
    assert (l2["total"], l2["classical"], l2["optimization"], l2["norm"]) == (0.5, 1.0, 0.5, 1.0)
    assert (l2["sigma_next"], l2["bt_bound"], l2["k"], l2["metric"]) == (1.0, 2.0, 2, "l2")
    assert l2["telescopes"] and l2["residual"] == 0.0
    assert "total_over_sigma" not in l2  # no AAK floor for the window l2 error
    hinf = dd(h, zero, half, d=1, sigma=sigma, norm="hinf")
    # |H(z)| = |z^-3| = 1 on the circle: the zero model (order 0 <= 2) sits exactly at
    # the AAK floor; the FIR 0.5 z^-3 (degree 3) is not bound by it
    assert hinf["M"] == 8
    assert hinf["classical"] == pytest.approx(1.0, rel=4 * EPS)
    assert hinf["total"] == pytest.approx(0.5, rel=4 * EPS)
    assert hinf["classical_over_sigma"] == pytest.approx(1.0, rel=4 * EPS)
    assert hinf["total_over_sigma"] == pytest.approx(0.5, rel=4 * EPS)
    assert hinf["rel_optimization"] == pytest.approx(0.5, rel=4 * EPS)


def test_exact_modal_filter_full_order_floor_vanishes_and_terms_telescope():
    # 3 conjugate pairs, radii <= 0.8: the tail past L = 200 is below 0.8^199 ~ 5e-20,
    # so the FIR has numerical McMillan degree 6 and sigma_7 ~ 0 at d = 3
    poles = np.array([0.8 * np.exp(0.3j), 0.7 * np.exp(1.1j), 0.5 * np.exp(2.0j)])
    res = np.array([1.0 + 0.5j, -0.3 + 0.2j, 0.4 - 0.1j])
    L = 200
    h = _modal_taps(poles, res, 0.3, L)
    sigma = _hankel_sv(h)
    rng = np.random.default_rng(7)
    classical = h + 1e-9 * rng.standard_normal(L)          # an almost exact fit
    learned = _modal_taps(poles * 0.999, res, 0.3, L)        # a perturbed one
    out = dd(h, classical, learned, d=3, sigma=sigma, norm="l2")
    assert out["sigma_next"] <= 1e-14 * sigma[0]
    assert out["sigma_next"] == sigma[6] and out["bt_bound"] == pytest.approx(2 * sigma[6:].sum())
    # independent norms of the three difference vectors
    assert out["total"] == pytest.approx(np.linalg.norm(h - learned), rel=1e-14)
    assert out["classical"] == pytest.approx(np.linalg.norm(h - classical), rel=1e-14)
    assert out["optimization"] == pytest.approx(np.linalg.norm(classical - learned), rel=1e-14)
    assert out["rel_total"] == pytest.approx(out["total"] / np.linalg.norm(h), rel=1e-14)
    assert out["telescopes"]
    assert out["residual"] <= 4 * EPS * np.abs(h).sum()
    assert out["total"] <= out["classical"] + out["optimization"] * (1 + 4 * EPS)
    # H-infinity with the models' exact transfer functions (closed form on the circle)
    M = 2 * L
    z = np.exp(2j * np.pi * np.arange(M) / M)

    def tf(p):
        return 0.3 + 0.5 * sum(r / (z - q) + np.conj(r) / (z - np.conj(q))
                               for q, r in zip(p, res, strict=True))

    exact = dd(h, h, h, d=3, sigma=sigma, norm="hinf", classical_tf=tf(poles),
               learned_tf=tf(poles))
    # the FIR vs its own (untruncated) modal form: the tail, < 1e-17 * ||H||
    assert exact["rel_total"] < 1e-14 and exact["optimization"] == 0.0
    hinf = dd(h, h, learned, d=3, sigma=sigma, norm="hinf", classical_tf=tf(poles),
              learned_tf=tf(poles * 0.999))
    assert hinf["total"] == pytest.approx(np.abs(tf(poles) - tf(poles * 0.999)).max(),
                                          rel=1e-9)
    assert hinf["norm"] == pytest.approx(np.abs(np.fft.fft(h, M)).max(), rel=1e-14)
    assert hinf["telescopes"] and hinf["total_over_sigma"] > 1e6  # far above a ~0 floor


def test_one_pole_aak_floor_at_degree_zero():
    # h_t = a^(t-1): H(z) = 1/(z - a), rank-one Hankel, sigma_1 = 1/(1 - a^2);
    # the best order-0 model has sup |H| = 1/(1 - a) >= sigma_1 (and >= by AAK)
    a, L = 0.5, 120
    h = np.r_[0.0, a ** np.arange(L - 1)]
    sigma = _hankel_sv(h)
    assert sigma[0] == pytest.approx(1 / (1 - a * a), rel=1e-14)
    assert sigma[1] < 1e-15
    # complex model family (real=False): k = d = 1, the floor sigma_2 ~ 0
    out = dd(h, np.zeros(L), h, d=1, sigma=sigma, norm="hinf", real=False)
    assert out["k"] == 1 and out["sigma_next"] == sigma[1]
    assert out["classical"] == pytest.approx(1 / (1 - a), rel=1e-14)


def test_batched_shapes_and_single_filter_floats():
    rng = np.random.default_rng(0)
    h = rng.standard_normal((3, 16))
    sig = np.stack([_hankel_sv(r) for r in h])
    out = dd(h, 0.9 * h, 0.8 * h, d=2, sigma=sig, norm="hinf", M=64)
    assert out["total"].shape == (3,) and out["M"] == 64
    np.testing.assert_allclose(out["rel_total"], 0.2, rtol=1e-13)
    np.testing.assert_allclose(out["rel_classical"], 0.1, rtol=1e-13)
    np.testing.assert_array_equal(out["sigma_next"], sig[:, 4])
    one = dd(h[1], 0.9 * h[1], 0.8 * h[1], d=2, sigma=sig[1], norm="hinf", M=64)
    assert isinstance(one["total"], float) and isinstance(one["telescopes"], bool)
    assert one["total"] == out["total"][1]
    # a partial set of singular values (randomized) gives the floor, bt marked incomplete
    part = dd(h, h, h, d=2, sigma=sig[:, :6])
    assert not part["bt_complete"].any() and np.all(part["sigma_next"] == sig[:, 4])
    # at full order (k >= L - 1) with all L - 1 values the floor is 0
    full = dd(h[:, :5], h[:, :5], h[:, :5], d=2, sigma=sig[:, :4] * 0 + sig[:, :1])
    np.testing.assert_array_equal(full["sigma_next"], 0.0)


def test_diverged_fit_gives_inf_not_an_error():
    h = np.r_[0.0, 0.5 ** np.arange(19)]
    bad = h.copy()
    bad[3] = np.inf
    out = dd(h, h, bad, d=1)
    assert out["total"] == np.inf and out["classical"] == 0.0
    assert not out["telescopes"]


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"h": [0.0, np.nan, 1.0, 2.0, 3.0]}, ValueError, "`h`"),
    ({"h": np.zeros((2, 2, 5))}, ValueError, "`h`"),
    ({"h": np.ones(5) + 0j}, TypeError, "`h` must be real"),
    ({"classical": np.ones(4)}, ValueError, "`classical` must have shape"),
    ({"learned": np.ones((2, 5))}, ValueError, "`learned` must have shape"),
    ({"d": 3}, ValueError, "too short for d = 3"),
    ({"d": 0}, ValueError, "`d` must be >= 1"),
    ({"d": 1.0}, TypeError, "`d` must be an integer"),
    ({"norm": "l1"}, ValueError, "`norm`"),
    ({"real": "yes"}, TypeError, "`real`"),
    ({"sigma": [1.0, 2.0, 0.5, 0.1]}, ValueError, "non-increasing"),
    ({"sigma": [1.0, -0.5, -1.0, -2.0]}, ValueError, "nonnegative"),
    ({"sigma": [1.0, 0.5]}, ValueError, "at least 3"),
    ({"sigma": np.ones(7)}, ValueError, "at most L - 1 = 4"),
    ({"sigma": np.ones((2, 4))}, ValueError, "one row per filter"),
    ({"sigma": [1.0, np.nan, 0.0, 0.0]}, ValueError, "`sigma`"),
    ({"M": 20}, ValueError, "norm='hinf' only"),
    ({"norm": "hinf", "M": 9}, ValueError, "`M` must be >= 10"),
    ({"norm": "hinf", "classical_tf": np.ones(10)}, ValueError, "both"),
    ({"norm": "hinf", "classical_tf": np.ones(10), "learned_tf": np.ones(12)},
     ValueError, "`learned_tf` must have shape"),
    ({"norm": "hinf", "classical_tf": np.ones(8), "learned_tf": np.ones(8)},
     ValueError, "`M` must be >= 10"),
    ({"classical_tf": np.ones(10), "learned_tf": np.ones(10)}, ValueError, "norm='hinf'"),
])
def test_bad_input_names_the_argument(kwargs, exc, match):
    args = {"h": np.arange(5.0), "classical": np.zeros(5), "learned": np.zeros(5), "d": 1}
    args.update(kwargs)
    h, c, lrn = args.pop("h"), args.pop("classical"), args.pop("learned")
    with pytest.raises(exc, match=match):
        dd(h, c, lrn, **args)


def test_keyword_only_after_the_three_responses():
    with pytest.raises(TypeError):
        dd(np.arange(5.0), np.zeros(5), np.zeros(5), 1)  # d by position
