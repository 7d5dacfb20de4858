"""Tests for numlearn.learned.layers: parameter counts, the causal convolution, the
softmax contrast, row-permutation equivariance, dtype/device arguments, hidden streams.

Parameter counts are hand-computed from the layer shapes (and, for the paper's 3x256
linear-attention model, 797,957, recomputed from the official code).
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.layers import (  # noqa: E402
    BaseConvModel,
    LinearAttentionModel,
    SoftmaxTransformer,
    causal_conv,
    num_parameters,
)
from numlearn.learned.least_squares import (  # noqa: E402
    gradient_target,
    linear_attention_gd_construction,
    make_tokens,
    model_gradient,
    sample_least_squares,
)

from ._oracles import _numpy_problems, _rel_errors, _t  # noqa: E402

EXACT_TOL = 1e-14
EPS = np.finfo(np.float64).eps


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
    # the learned iterate converts CUDA tensors to NumPy at the boundary
    from numlearn.learned.least_squares import LearnedGradientDescent, evaluate
    from numlearn.problems.least_squares import sample

    res = LearnedGradientDescent(model)(sample("paper", 8, seed=1), 20, 0.5)
    assert isinstance(res.value, np.ndarray) and res.history["iterates"].shape == (8, 21, 5)
    assert evaluate(model, batch=64, steps=20)["iter_rel_max"] <= 1e-13


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
