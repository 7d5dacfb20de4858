"""Tests for numlearn.learned.least_squares: the token format, the gradient target,
the torch sampler, the exact constructions, the learned iterate and its checks.

Oracles: the gradient A^T(Ax - b)/n and classical GD are computed here with NumPy
(independently of the torch code under test).

Tolerances: the exact constructions perform O(n d) float64 operations on O(1)
numbers; the per-problem relative error bound used is 1e-14 (about 45 eps), which
measured errors (<= 3e-15 over 4096 problems) stay well inside.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.classical.least_squares import RankDeficientWarning, gradient_descent  # noqa: E402
from numlearn.learned.config import TrainConfig, build_model  # noqa: E402
from numlearn.learned.layers import (  # noqa: E402
    LinearAttentionModel,
)
from numlearn.learned.least_squares import (  # noqa: E402
    baseconv_gd_construction,
    evaluate,
    gd_iterate,
    gradient_target,
    linear_attention_gd_construction,
    make_tokens,
    reference_gd,
    sample_least_squares,
)
from numlearn.learned.training import train  # noqa: E402

from ._oracles import _numpy_gradient, _numpy_problems, _rel_errors, _t  # noqa: E402

EXACT_TOL = 1e-14
EPS = np.finfo(np.float64).eps


class _EchoIterate(torch.nn.Module):
    """Outputs token 0's x at every position: x_{k+1} = (1 - eta) x_k iff x is re-inserted."""

    def forward(self, tokens):
        d = tokens.shape[-1] - 1
        return tokens[:, :1, :d].expand(-1, tokens.shape[1], -1)


def test_token_format(rng):
    A, b, _, x0 = _t(*_numpy_problems(rng, batch=3, n=4, d=2))
    tok = make_tokens(A, b, x0)
    assert tok.shape == (3, 5, 3)
    assert tok.dtype == torch.float64
    assert torch.equal(tok[:, 0, :2], x0)
    assert torch.all(tok[:, 0, 2] == 0)
    assert torch.equal(tok[:, 1:, :2], A)
    assert torch.equal(tok[:, 1:, 2], b)


def test_gradient_target_matches_numpy(rng):
    A, b, _, x0 = _numpy_problems(rng)
    got = gradient_target(*_t(A, b, x0)).numpy()
    want = _numpy_gradient(A, b, x0)
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)


def test_sampler_distribution_and_seed():
    P = sample_least_squares(2000, 20, 5, seed=3)
    assert P.A.shape == (2000, 20, 5) and P.b.shape == (2000, 20)
    assert P.x_star.shape == P.x0.shape == (2000, 5)
    assert P.A.dtype == torch.float64
    # b = A x* exactly as computed in float64
    assert torch.equal(P.b, (P.A @ P.x_star.unsqueeze(-1)).squeeze(-1))
    # N(0, 1) entries: 200,000 samples, mean within 5 sigma = 5/sqrt(2e5) ~ 0.011
    assert abs(float(P.A.mean())) < 0.012
    assert abs(float(P.A.std()) - 1) < 0.01
    Q = sample_least_squares(2000, 20, 5, seed=3)
    assert torch.equal(P.A, Q.A) and torch.equal(P.x0, Q.x0)
    R = sample_least_squares(4, 20, 5, seed=3, dtype=torch.float32)
    assert R.A.dtype == R.b.dtype == torch.float32


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("positional", ["learned", "segment"])
def test_linear_attention_construction_is_exact(rng, causal, positional):
    A, b, _, x0 = _numpy_problems(rng, batch=512)
    model = linear_attention_gd_construction(5, 20, causal=causal, positional=positional)
    assert model.num_parameters() == (1649 if positional == "learned" else 1421)
    assert _rel_errors(model, A, b, x0).max() <= EXACT_TOL


@pytest.mark.parametrize("conv", ["direct", "fft"])
def test_baseconv_construction_is_exact(rng, conv):
    A, b, _, x0 = _numpy_problems(rng, batch=512)
    model = baseconv_gd_construction(5, 20, conv=conv)
    assert _rel_errors(model, A, b, x0).max() <= EXACT_TOL


def test_constructions_in_larger_models_and_other_sizes(rng):
    A, b, _, x0 = _numpy_problems(rng, batch=64, n=7, d=3)
    la = linear_attention_gd_construction(3, 7, width=16, n_layers=3, n_heads=4)
    bc = baseconv_gd_construction(3, 7, width=12, n_layers=5, inner=8)
    for model in (la, bc):
        assert _rel_errors(model, A, b, x0).max() <= EXACT_TOL


@pytest.mark.parametrize(
    "make", [linear_attention_gd_construction, baseconv_gd_construction],
    ids=["linear_attention", "baseconv"],
)
def test_iterated_construction_tracks_classical_gd(rng, make):
    A, b, x_star, x0 = _numpy_problems(rng, batch=64)
    # the Numba GD of numlearn.classical, same (batch, steps + 1, d) layout
    ref = gradient_descent(A, b, x0, steps=100, step_size=0.5).history["iterates"]
    res = gd_iterate(make(5, 20), *_t(A, b, x0), 100, 0.5)
    xs = res.history["iterates"]
    assert xs.shape == ref.shape == (64, 101, 5)
    assert res.side == "learned" and res.stats["iterations"] == 100
    np.testing.assert_array_equal(res.value, xs[:, -1])
    dev = np.linalg.norm(xs - ref, axis=2) / np.linalg.norm(ref, axis=2)
    assert dev.max() <= EXACT_TOL  # measured ~1e-15
    # and GD itself made progress, so the comparison is not between two start points
    assert np.all(np.linalg.norm(ref[:, -1] - x_star, axis=1)
                  < 1e-2 * np.linalg.norm(x0 - x_star, axis=1))


def test_gd_iterate_reinserts_the_iterate(rng):
    A, b, _, x0 = _t(*_numpy_problems(rng, batch=4))
    xs = torch.from_numpy(gd_iterate(_EchoIterate(), A, b, x0, 5, 0.25).history["iterates"])
    for k in range(6):
        torch.testing.assert_close(xs[:, k], 0.75**k * x0, rtol=1e-15, atol=0)


def test_bad_input_raises_clear_errors(rng):
    A, b, _, x0 = _t(*_numpy_problems(rng, batch=4))
    with pytest.raises(ValueError, match="`b` must have shape"):
        make_tokens(A, b[:, :-1], x0)
    with pytest.raises(ValueError, match="`x` must have shape"):
        make_tokens(A, b, x0[:, :-1])
    with pytest.raises(ValueError, match="3-dimensional"):
        make_tokens(A[0], b, x0)
    bad = A.clone()
    bad[1, 2, 3] = float("nan")
    with pytest.raises(ValueError, match="finite"):
        make_tokens(bad, b, x0)
    with pytest.raises(ValueError, match="finite"):
        gd_iterate(linear_attention_gd_construction(), A, b, x0 * float("inf"), 3, 0.5)
    with pytest.raises(TypeError, match="floating"):
        make_tokens(A.long(), b, x0)
    with pytest.raises(TypeError, match=r"torch\.Tensor"):
        make_tokens(A.numpy(), b, x0)
    with pytest.raises(TypeError, match="one dtype"):
        make_tokens(A, b.float(), x0)
    model = LinearAttentionModel(5, 20)
    with pytest.raises(ValueError, match="n=20"):
        model(torch.zeros(2, 11, 6, dtype=torch.float64))
    with pytest.raises(ValueError, match="positional"):
        linear_attention_gd_construction(positional="none")
    with pytest.raises(ValueError, match="width"):
        baseconv_gd_construction(5, 20, width=10)
    with pytest.raises(ValueError, match="divisible"):
        LinearAttentionModel(5, 20, width=13, n_heads=2)
    with pytest.raises(ValueError, match="steps"):
        gd_iterate(model, A, b, x0, -1, 0.5)
    with pytest.raises(ValueError, match="arch"):
        build_model(TrainConfig(arch="mlp"))
    with pytest.raises(ValueError, match="lr"):
        train(TrainConfig.tiny(lr=-1.0), progress=False)
    with pytest.raises(ValueError, match="built for n=20, d=5"):
        gd_iterate(model, A[:, :, :4], b, x0[:, :4], 3, 0.5)


def test_step_beyond_stability_limit_names_it(rng):
    A, b, _, x0 = _numpy_problems(rng, batch=8)
    limit = 2 * A.shape[1] / np.linalg.norm(A, 2, axis=(1, 2)) ** 2  # 2/L per problem
    exact = linear_attention_gd_construction()
    eta = float(limit.min()) * 1.01  # beyond the limit of (at least) one problem
    for f, args in ((gd_iterate, (exact,)), (reference_gd, ())):
        with pytest.raises(ValueError, match=r"stability limit 2/L.*min\(2/L\) = "):
            f(*args, *_t(A, b, x0), 5, eta)
        with pytest.raises(ValueError, match="positive"):
            f(*args, *_t(A, b, x0), 5, 0.0)
        with pytest.warns(RuntimeWarning, match="stability limit"):
            xs = f(*args, *_t(A, b, x0), 5, eta, on_unstable="warn")
        assert xs.history["iterates"].shape == (8, 6, 5)


def test_rank_deficient_problem_warns_with_rank_and_reaches_nearest_solution(rng):
    A, b, _, x0 = _numpy_problems(rng, batch=4)
    A[:, :, 4] = A[:, :, 3]  # rank 4: columns 3 and 4 equal
    b = A[:, :, :4].sum(axis=2)  # consistent: x = (1, 1, 1, 1/2, 1/2) + null space
    with pytest.warns(RankDeficientWarning, match=r"estimated rank < d = 5.*problem 0: rank 4"):
        xs = gd_iterate(linear_attention_gd_construction(), *_t(A, b, x0), 400, 0.5)
    # GD keeps x0's null-space component (e_3 - e_4)/sqrt(2) and converges to the
    # solution nearest x0 = x_min_norm + that component
    x_mn = np.linalg.pinv(A) @ b[..., None]
    v = np.array([0, 0, 0, 1, -1]) / math.sqrt(2)
    nearest = x_mn[..., 0] + (x0 @ v)[:, None] * v
    err = np.linalg.norm(xs.value - nearest, axis=1) / np.linalg.norm(nearest, axis=1)
    assert err.max() <= 100 * EPS  # measured ~1e-15


def test_evaluate_reports_exact_model_at_rounding_level():
    stats = evaluate(linear_attention_gd_construction(), batch=256, steps=50)
    assert stats["grad_rel_l2"] <= EXACT_TOL
    assert stats["iter_rel_max"] <= EXACT_TOL
    assert math.isclose(stats["iter_err_learned"], stats["iter_err_gd"], rel_tol=1e-10)


def test_stability_check_is_shared_and_excludes_2_over_L():
    """Both sides refuse eta = 2/L exactly (the top mode |1 - eta L| = 1 does not
    contract): a diagonal problem with L = 4/n exactly representable."""
    n = 4
    A = np.zeros((1, n, 2))
    A[0, 0, 0], A[0, 1, 1] = 2.0, 1.0  # H = A^T A / n = diag(1, 1/4): L = 1, 2/L = 2
    b = np.zeros((1, n))
    x0 = np.ones((1, 2))
    with pytest.raises(ValueError, match="stability limit"):
        gradient_descent(A, b, x0, steps=3, step_size=2.0)
    with pytest.raises(ValueError, match="stability limit"):
        reference_gd(*_t(A, b, x0), 3, 2.0)
    ok = gradient_descent(A, b, x0, steps=3, step_size=np.nextafter(2.0, 0.0))
    assert ok.success


def test_learned_and_classical_solvers_share_the_protocol():
    from numlearn.classical.least_squares import gradient_descent_solver
    from numlearn.learned.least_squares import LearnedGradientDescent
    from numlearn.problems.least_squares import LeastSquaresSolver, sample

    P = sample("paper", 16, seed=3)
    learned = LearnedGradientDescent(linear_attention_gd_construction())
    for solver in (gradient_descent_solver, learned):
        assert isinstance(solver, LeastSquaresSolver)
        res = solver(P, 30, 0.5)
        assert isinstance(res.value, np.ndarray) and res.value.shape == (16, 5)
        assert res.history["iterates"].shape == (16, 31, 5)
        assert res.stats["iterations"] == 30
    np.testing.assert_allclose(learned(P, 30, 0.5).value,
                               gradient_descent_solver(P, 30, 0.5).value, rtol=0, atol=1e-13)


def test_torch_sampler_uses_the_problems_formula():
    """The torch sampler draws A, x*, x0 in that order and forms b = A x* in float64
    (numlearn.problems.least_squares.paper_draws); pinned bitwise on a seeded batch."""
    P = sample_least_squares(3, n=4, d=2, seed=5)
    gen = torch.Generator()
    gen.manual_seed(5)
    A = torch.randn(3, 4, 2, generator=gen, dtype=torch.float64)
    x_star = torch.randn(3, 2, generator=gen, dtype=torch.float64)
    x0 = torch.randn(3, 2, generator=gen, dtype=torch.float64)
    assert torch.equal(P.A, A) and torch.equal(P.x_star, x_star) and torch.equal(P.x0, x0)
    assert torch.equal(P.b, (A @ x_star.unsqueeze(-1)).squeeze(-1))
