"""Tests for numlearn.learned.sequence and numlearn.learned.training.

Oracles: the gradient A^T(Ax - b)/n and classical GD are computed here with NumPy
(independently of the torch code under test); parameter counts are hand-computed from
the layer shapes (and, for the paper's 3x256 linear-attention model, the 797,957 of
research/least_squares.md, recomputed there from the official code).

Tolerances: the exact constructions perform O(n d) float64 operations on O(1)
numbers; the per-problem relative error bound used is 1e-14 (about 45 eps), which
measured errors (<= 3e-15 over 4096 problems) stay well inside.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from numlearn.classical.least_squares import RankDeficientWarning, gradient_descent

torch = pytest.importorskip("torch")

from numlearn.learned.sequence import (  # noqa: E402
    BaseConvModel,
    LinearAttentionModel,
    SoftmaxTransformer,
    baseconv_gd_construction,
    causal_conv,
    gd_iterate,
    gradient_target,
    linear_attention_gd_construction,
    make_tokens,
    model_gradient,
    num_parameters,
    reference_gd,
    sample_least_squares,
)
from numlearn.learned.training import (  # noqa: E402
    TrainConfig,
    build_model,
    evaluate,
    load_checkpoint,
    save_checkpoint,
    train,
)

EXACT_TOL = 1e-14
EPS = np.finfo(np.float64).eps


def _numpy_problems(rng: np.random.Generator, batch: int = 64, n: int = 20, d: int = 5):
    A = rng.standard_normal((batch, n, d))
    x_star = rng.standard_normal((batch, d))
    b = np.einsum("bij,bj->bi", A, x_star)
    x0 = rng.standard_normal((batch, d))
    return A, b, x_star, x0


def _numpy_gradient(A, b, x):
    r = np.einsum("bij,bj->bi", A, x) - b
    return np.einsum("bij,bi->bj", A, r) / A.shape[1]


def _t(*arrays):
    return [torch.from_numpy(a) for a in arrays]


# ----------------------------------------------------------------------- token format


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


# --------------------------------------------------------------------- parameter counts


def test_parameter_counts_linear_attention():
    # d=5, n=20, W=12, H=2, h_d=6, L=2:
    # read-in 6*12+12 = 84; positions 21*12 = 252; per layer 4*12*12 + 3*12 + 12 = 624;
    # read-out 12*5+5 = 65  ->  84 + 252 + 2*624 + 65 = 1649
    m = LinearAttentionModel(5, 20, width=12, n_layers=2, n_heads=2)
    assert m.num_parameters() == num_parameters(m) == 1649
    # segment embedding: 2*12 = 24 instead of 252
    assert LinearAttentionModel(5, 20, positional="segment").num_parameters() == 1421
    assert LinearAttentionModel(5, 20, positional="none").num_parameters() == 1397
    # the paper's 3 x 256, 16 heads: 1792 + 5376 + 3*(4*256*256 + 3*256 + 256) + 1285
    paper = LinearAttentionModel(5, 20, width=256, n_layers=3, n_heads=16)
    assert paper.num_parameters() == 797_957
    assert SoftmaxTransformer(5, 20, width=256, n_layers=3, n_heads=16).num_parameters() \
        == 797_957


def test_parameter_counts_transformer_and_baseconv():
    # + 2 LayerNorms (4W = 48) + MLP x4 (2*4*144 + 4*12 + 12 = 1212) per layer
    m = SoftmaxTransformer(5, 20, width=12, n_layers=2, n_heads=2, layer_norm=True,
                           mlp_ratio=4)
    assert m.num_parameters() == 84 + 252 + 2 * (624 + 48 + 1212) + 65 == 4169
    # BaseConv W=C=13, L=4: per layer 3*13*13 + 2*13 + 13 + 13*21 = 819;
    # 91 + 273 + 4*819 + 70 = 3710
    assert BaseConvModel(5, 20, width=13, n_layers=4).num_parameters() == 3710
    # The paper's BaseConv 3 x 64: per layer 3*64*64 + 2*64 + 64 + 64*21 = 13824;
    # 448 + 1344 + 3*13824 + 325 = 43,589.  (The official code has 43,787: a conv bias
    # and two scalars beta per layer, 3 * (64 + 2) = 198 more.)
    assert BaseConvModel(5, 20, width=64, n_layers=3).num_parameters() == 43_589


# ------------------------------------------------------------------ exact constructions


def _rel_errors(model, A, b, x):
    with torch.no_grad():
        got = model_gradient(model, *_t(A, b, x)).numpy()
    want = _numpy_gradient(A, b, x)
    return np.linalg.norm(got - want, axis=1) / np.linalg.norm(want, axis=1)


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
    xs = gd_iterate(make(5, 20), *_t(A, b, x0), 100, 0.5).numpy()
    assert xs.shape == ref.shape == (64, 101, 5)
    dev = np.linalg.norm(xs - ref, axis=2) / np.linalg.norm(ref, axis=2)
    assert dev.max() <= EXACT_TOL  # measured ~1e-15
    # and GD itself made progress, so the comparison is not between two start points
    assert np.all(np.linalg.norm(ref[:, -1] - x_star, axis=1)
                  < 1e-2 * np.linalg.norm(x0 - x_star, axis=1))


class _EchoIterate(torch.nn.Module):
    """Outputs token 0's x at every position: x_{k+1} = (1 - eta) x_k iff x is re-inserted."""

    def forward(self, tokens):
        d = tokens.shape[-1] - 1
        return tokens[:, :1, :d].expand(-1, tokens.shape[1], -1)


def test_gd_iterate_reinserts_the_iterate(rng):
    A, b, _, x0 = _t(*_numpy_problems(rng, batch=4))
    xs = gd_iterate(_EchoIterate(), A, b, x0, 5, 0.25)
    for k in range(6):
        torch.testing.assert_close(xs[:, k], 0.75**k * x0, rtol=1e-15, atol=0)


def test_softmax_transformer_is_a_contrast_not_exact(rng):
    # The construction's weights in a softmax model do not give the gradient.
    A, b, _, x0 = _numpy_problems(rng, batch=64)
    exact = linear_attention_gd_construction(5, 20)
    soft = SoftmaxTransformer(5, 20, width=12, n_layers=2, n_heads=2)
    soft.load_state_dict(exact.state_dict())
    assert _rel_errors(soft, A, b, x0).min() > 1e-3


def test_segment_model_is_row_permutation_equivariant(rng):
    # With one embedding shared by all rows and no causal mask, permuting the rows
    # permutes the outputs at positions 1..n and leaves token 0's output unchanged.
    # (The last-position output is not invariant: the last row is a different row.)
    A, b, _, x0 = _t(*_numpy_problems(rng, batch=8))
    model = LinearAttentionModel(5, 20, positional="segment", init_std=0.3)
    perm = torch.randperm(20, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        out1 = model(make_tokens(A, b, x0))
        out2 = model(make_tokens(A[:, perm], b[:, perm], x0))
    scale = float(out1.abs().max())
    torch.testing.assert_close(out2[:, 0], out1[:, 0], rtol=0, atol=1e-14 * scale)
    torch.testing.assert_close(out2[:, 1:], out1[:, 1:][:, perm], rtol=0, atol=1e-14 * scale)
    learned = LinearAttentionModel(5, 20, positional="learned", init_std=0.3)
    with torch.no_grad():
        o1 = learned(make_tokens(A, b, x0))
        o2 = learned(make_tokens(A[:, perm], b[:, perm], x0))
    assert not torch.allclose(o2[:, 1:], o1[:, 1:][:, perm], rtol=1e-6, atol=0)


def test_causal_conv_direct_fft_and_loop_agree():
    gen = torch.Generator().manual_seed(1)
    z = torch.randn(2, 9, 3, generator=gen, dtype=torch.float64)
    h = torch.randn(3, 9, generator=gen, dtype=torch.float64)
    loop = torch.zeros_like(z)
    for t in range(9):
        for k in range(t + 1):
            loop[:, t] += h[:, k] * z[:, t - k]
    torch.testing.assert_close(causal_conv(z, h, "direct"), loop, rtol=1e-14, atol=1e-14)
    torch.testing.assert_close(causal_conv(z, h, "fft"), loop, rtol=1e-13, atol=1e-13)


# ------------------------------------------------------------------------ device, dtype


def test_dtype_and_device_arguments(rng):
    m32 = LinearAttentionModel(5, 20, dtype=torch.float32, device="cpu")
    assert all(p.dtype == torch.float32 for p in m32.parameters())
    b32 = BaseConvModel(5, 20, dtype=torch.float32)
    assert all(p.dtype == torch.float32 for p in b32.parameters())
    A, b, _, x0 = _numpy_problems(rng, batch=4)
    A, b, x0 = (torch.from_numpy(a).float() for a in (A, b, x0))
    assert model_gradient(m32, A, b, x0).dtype == torch.float32
    with pytest.raises(TypeError, match="dtype"):
        model_gradient(LinearAttentionModel(5, 20), A, b, x0)  # float64 model
    with pytest.raises(TypeError, match="dtype"):
        LinearAttentionModel(5, 20, dtype=torch.int64)
    c32 = linear_attention_gd_construction(dtype=torch.float32)
    assert c32.read_in.weight.dtype == torch.float32


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_matches_cpu(rng):
    A, b, _, x0 = _t(*_numpy_problems(rng, batch=16))
    model = linear_attention_gd_construction(device="cuda")
    got = model_gradient(model, A.cuda(), b.cuda(), x0.cuda()).cpu()
    torch.testing.assert_close(got, gradient_target(A, b, x0), rtol=1e-13, atol=1e-14)


# ---------------------------------------------------------------------------- bad input


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
        assert xs.shape == (8, 6, 5)


def test_rank_deficient_problem_warns_with_rank_and_reaches_nearest_solution(rng):
    A, b, _, x0 = _numpy_problems(rng, batch=4)
    A[:, :, 4] = A[:, :, 3]  # rank 4: columns 3 and 4 equal
    b = A[:, :, :4].sum(axis=2)  # consistent: x = (1, 1, 1, 1/2, 1/2) + null space
    with pytest.warns(RankDeficientWarning, match="estimated rank 4 < d = 5"):
        xs = gd_iterate(linear_attention_gd_construction(), *_t(A, b, x0), 400, 0.5)
    # GD keeps x0's null-space component (e_3 - e_4)/sqrt(2) and converges to the
    # solution nearest x0 = x_min_norm + that component
    x_mn = np.linalg.pinv(A) @ b[..., None]
    v = np.array([0, 0, 0, 1, -1]) / math.sqrt(2)
    nearest = x_mn[..., 0] + (x0 @ v)[:, None] * v
    err = np.linalg.norm(xs[:, -1].numpy() - nearest, axis=1) / np.linalg.norm(nearest, axis=1)
    assert err.max() <= 100 * EPS  # measured ~1e-15


# ----------------------------------------------------------------------------- training


def test_tiny_training_run_decreases_the_loss():
    res = train(TrainConfig.tiny(), progress=False)
    h = res.history
    adam = np.array([v for v, p in zip(h["loss"], h["phase"], strict=True) if p == "adam"])
    assert len(adam) == 200
    # measured (seed 0): first-50 mean 2.25, last-50 mean 0.71 (factor 3.2)
    assert adam[-50:].mean() <= 0.5 * adam[:50].mean()
    # eval relative gradient error: 1.00 at init -> 0.31 after 4 Gauss-Newton steps
    assert h["eval_rel_error"][0] > 0.9
    assert h["eval_rel_error"][-1] <= 0.4 * h["eval_rel_error"][0]
    assert "gauss_newton" in h["phase"]
    assert res.stats["num_parameters"] == 1421
    assert res.side == "learned" and not res.success  # tiny does not reach 1e-14


def test_training_is_reproducible():
    cfg = TrainConfig.tiny(steps=20, polish_iters=1, eval_every=10)
    r1 = train(cfg, progress=False)
    r2 = train(cfg, progress=False)
    np.testing.assert_array_equal(r1.history["loss"], r2.history["loss"])
    assert r1.history["eval_rel_error"] == r2.history["eval_rel_error"]


def test_checkpoint_round_trip(tmp_path):
    cfg = TrainConfig.tiny(steps=10, polish="none", eval_every=5)
    res = train(cfg, progress=False)
    path = tmp_path / "ckpt.pt"
    save_checkpoint(path, res.value, cfg, res.history)
    model, cfg2, hist = load_checkpoint(path)
    assert cfg2 == cfg
    assert hist == res.history
    P = sample_least_squares(32, seed=11)
    tok = make_tokens(P.A, P.b, P.x0)
    with torch.no_grad():
        assert torch.equal(model(tok), res.value(tok))
    # a baseconv checkpoint too
    bc_cfg = TrainConfig.tiny(arch="baseconv", width=13, n_layers=4, steps=0, polish="none")
    bc = build_model(bc_cfg)
    save_checkpoint(path, bc, bc_cfg)
    bc2, _, _ = load_checkpoint(path)
    with torch.no_grad():
        assert torch.equal(bc(tok), bc2(tok))


def test_forward_with_hidden_returns_the_stream_after_each_layer(rng):
    model = BaseConvModel(5, 20, width=13, n_layers=3, positional="segment", init_std=0.3)
    P = sample_least_squares(8, seed=4)
    tok = make_tokens(P.A, P.b, P.x0)
    with torch.no_grad():
        out, h0 = model.forward_with_hidden(tok, 0)
        assert torch.equal(out, model(tok))
        emb = model.read_in(tok)
        emb = torch.cat([emb[:, :1] + model.pos_emb[0], emb[:, 1:] + model.pos_emb[1]], 1)
        assert torch.equal(h0, emb)
        _, h2 = model.forward_with_hidden(tok, 2)
        assert torch.equal(h2, model.blocks[1](model.blocks[0](emb)))
        _, h3 = model.forward_with_hidden(tok, 3)
        assert torch.equal(model.read_out(h3), out)
        _, (g2, g0) = model.forward_with_hidden(tok, (2, 0))
        assert torch.equal(g2, h2) and torch.equal(g0, h0)
    with pytest.raises(ValueError, match="layer"):
        model.forward_with_hidden(tok, 4)
    with pytest.raises(ValueError, match="layer"):
        model.forward_with_hidden(tok, ())


def test_auxiliary_probe_training_runs_and_validates():
    cfg = TrainConfig.tiny(arch="baseconv", width=16, inner=8, n_layers=3, steps=12,
                           polish="none", eval_every=12, eval_batch=64, aux_weight=10.0,
                           aux_frac=0.5)
    r1 = train(cfg, progress=False)
    r2 = train(cfg, progress=False)
    assert r1.history["loss"] == r2.history["loss"]  # seeded, probe included
    assert len(r1.history["loss"]) == 12 and np.isfinite(r1.history["loss"]).all()
    # the probe is discarded: the model has only its own parameters
    assert r1.stats["num_parameters"] == num_parameters(build_model(cfg))
    # the probe changes the run (a different loss from step 1 on)
    r0 = train(replace(cfg, aux_weight=0.0), progress=False)
    assert r0.history["loss"][2:] != r1.history["loss"][2:]
    with pytest.raises(ValueError, match="aux_weight"):
        TrainConfig(aux_weight=-1.0).validate()
    with pytest.raises(ValueError, match="aux_frac"):
        TrainConfig(aux_frac=0.0).validate()
    with pytest.raises(ValueError, match="n_layers"):
        TrainConfig(aux_weight=1.0, n_layers=1).validate()
    with pytest.raises(ValueError, match="aux_probe"):
        TrainConfig(aux_probe="rows").validate()
    with pytest.raises(ValueError, match="`n_layers` >= 3"):
        TrainConfig(aux_weight=1.0, aux_probe="residuals", n_layers=2).validate()


def test_residual_probe_reads_the_construction_exactly():
    # the exact 4-layer construction carries r_t after layer 2 and r_t a_t after
    # layer 3 in its stream, so a least-squares fit of each probe head is exact and the
    # probe loss at the fitted heads is at rounding level: the targets are the right ones
    from numlearn.learned.training import _AuxProbe

    model = baseconv_gd_construction(positional="segment")
    cfg = TrainConfig(arch="baseconv", width=model.width, inner=model.inner, n_layers=4,
                      aux_weight=1.0, aux_probe="residuals")
    probe = _AuxProbe(cfg)
    assert probe.layers == (2, 3)
    P = sample_least_squares(64, seed=8)
    with torch.no_grad():
        _, hid = model.forward_with_hidden(make_tokens(P.A, P.b, P.x0), probe.layers)
        r = P.A @ P.x0.unsqueeze(-1) - P.b.unsqueeze(-1)
        for head, h, t in zip(probe.heads, hid, (r, r * P.A), strict=True):
            X = torch.cat([h[:, 1:].reshape(-1, h.shape[-1]),
                           torch.ones(h.shape[0] * (h.shape[1] - 1), 1, dtype=h.dtype)], 1)
            sol = torch.linalg.lstsq(X, t.reshape(X.shape[0], -1), driver="gelsd").solution
            head.weight.copy_(sol[:-1].T)
            head.bias.copy_(sol[-1])
        assert float(probe.loss(hid, P.A, P.b, P.x0)) <= 1e-26
        # and a random head is far from it
        assert float(_AuxProbe(cfg).loss(hid, P.A, P.b, P.x0)) > 0.5


def test_residual_probe_training_runs_seeded():
    cfg = TrainConfig.tiny(arch="baseconv", width=16, inner=8, n_layers=4, steps=10,
                           polish="none", eval_every=10, eval_batch=64, aux_weight=10.0,
                           aux_probe="residuals")
    r1, r2 = train(cfg, progress=False), train(cfg, progress=False)
    assert r1.history["loss"] == r2.history["loss"]
    assert np.isfinite(r1.history["loss"]).all()
    r0 = train(replace(cfg, aux_probe="normal_equations"), progress=False)
    assert r0.history["loss"][2:] != r1.history["loss"][2:]


def test_evaluate_reports_exact_model_at_rounding_level():
    stats = evaluate(linear_attention_gd_construction(), batch=256, steps=50)
    assert stats["grad_rel_l2"] <= EXACT_TOL
    assert stats["iter_rel_max"] <= EXACT_TOL
    assert math.isclose(stats["iter_err_learned"], stats["iter_err_gd"], rel_tol=1e-10)


@pytest.mark.slow
def test_default_training_reaches_1e12():
    # measured on a shared 2-core CPU: 60-260 s (load-dependent), final errors 4e-16,
    # 5e-16, 3e-13
    # (seeds 1, 0, 2)
    res = train(TrainConfig.default(seed=1), progress=False)
    assert res.stats["grad_rel_l2"] <= 1e-12
    assert res.stats["iter_rel_max"] <= 1e-11


@pytest.mark.slow
def test_baseconv_preset_reaches_1e12():
    # measured on a shared 2-core CPU, 1 thread: about 5 minutes (2 of Adam with the
    # residual probe, then Gauss-Newton); see the training module notes for other seeds
    res = train(TrainConfig.for_arch("baseconv"), progress=False)
    assert res.stats["num_parameters"] == 2565
    assert res.stats["grad_rel_l2"] <= 1e-12
    assert res.stats["iter_rel_max"] <= 1e-11
