"""Bad input to the layers and the exact constructions of numlearn.learned (issue 13):
the blocks (AttentionBlock, BaseConvBlock), the sequence models' size arguments, the
constructions and LearnedGradientDescent.  One class per category; each case asserts
the exception type and that the message names the argument."""

from __future__ import annotations

import re

import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.layers import (  # noqa: E402
    AttentionBlock,
    BaseConvBlock,
    BaseConvModel,
    LinearAttentionModel,
    SoftmaxTransformer,
)
from numlearn.learned.layers.base import MAX_PARAMETERS  # noqa: E402
from numlearn.learned.least_squares import (  # noqa: E402
    LearnedGradientDescent,
    baseconv_gd_construction,
    linear_attention_gd_construction,
)

ATTN = {"width": 8, "n_heads": 2, "head_dim": 4, "seq_len": 6}
CONV = {"width": 8, "seq_len": 6, "inner": 8}


def _calls(name, value):
    """Every public entry taking the size ``name``, called with ``value``."""
    out = []
    if name in ATTN:
        out.append(lambda: AttentionBlock(**{**ATTN, name: value}))
    if name in CONV:
        out.append(lambda: BaseConvBlock(**{**CONV, name: value}))
    if name == "mlp_ratio":
        out.append(lambda: AttentionBlock(**ATTN, mlp_ratio=value))
    optional = value is None and name in ("head_dim", "inner")  # None: the default
    if name in ("n_heads", "head_dim") and not optional:
        out += [lambda: LinearAttentionModel(**{name: value}),
                lambda: SoftmaxTransformer(**{name: value}),
                lambda: linear_attention_gd_construction(**{name: value})]
    if name == "inner" and not optional:
        out += [lambda: BaseConvModel(inner=value),
                lambda: baseconv_gd_construction(inner=value)]
    if name == "n_layers":
        out += [lambda: linear_attention_gd_construction(n_layers=value),
                lambda: baseconv_gd_construction(n_layers=value)]
    return out


SIZES = ["width", "n_heads", "head_dim", "seq_len", "inner", "mlp_ratio", "n_layers"]


def _cases(values):
    return [(name, value, i) for name in SIZES for value in values
            for i in range(len(_calls(name, value)))]


class TestNonFinite:
    @pytest.mark.parametrize("name,value,i", _cases([float("nan"), float("inf")]))
    def test_sizes(self, name, value, i):
        with pytest.raises(TypeError, match=f"`{name}`"):
            _calls(name, value)[i]()


class TestDtype:
    @pytest.mark.parametrize("name,value,i", _cases([True, "8", 2.5, 1j, None]))
    def test_sizes(self, name, value, i):
        with pytest.raises(TypeError, match=f"`{name}`"):
            _calls(name, value)[i]()

    @pytest.mark.parametrize("flag", ["softmax", "causal", "layer_norm"])
    @pytest.mark.parametrize("value", ["no", 1, None])
    def test_block_flags(self, flag, value):
        with pytest.raises(TypeError, match=f"`{flag}`"):
            AttentionBlock(**ATTN, **{flag: value})

    @pytest.mark.parametrize("model", [None, "abc", torch.nn.ReLU()])
    def test_learned_gd_model(self, model):
        with pytest.raises((TypeError, ValueError), match="`model`"):
            LearnedGradientDescent(model)

    @pytest.mark.parametrize("value,exc", [("bogus", ValueError), (1, TypeError)])
    def test_learned_gd_on_unstable(self, value, exc):
        with pytest.raises(exc, match="`on_unstable`"):
            LearnedGradientDescent(linear_attention_gd_construction(), on_unstable=value)


class TestImpossibleParameters:
    @pytest.mark.parametrize("name,value,i", _cases([-1]))
    def test_negative_sizes(self, name, value, i):
        with pytest.raises(ValueError, match=f"`{name}`"):
            _calls(name, value)[i]()

    @pytest.mark.parametrize("call,name", [
        (lambda: linear_attention_gd_construction(n_layers=1), "`n_layers`"),
        (lambda: linear_attention_gd_construction(head_dim=2), "`head_dim`"),
        (lambda: baseconv_gd_construction(n_layers=3), "`n_layers`"),
        (lambda: baseconv_gd_construction(inner=2), "`inner`"),
    ])
    def test_construction_minimums(self, call, name):
        with pytest.raises(ValueError, match=name):
            call()


class TestHugeSizes:
    @pytest.mark.parametrize("name,value,i", _cases([2**40, 2**63]))
    def test_sizes(self, name, value, i):
        with pytest.raises(ValueError, match=f"`{name}`"):
            _calls(name, value)[i]()

    @pytest.mark.parametrize("call", [
        lambda: AttentionBlock(2**14, 2**7, 2**7, 6),
        lambda: BaseConvBlock(2**14, 6, 2**14),
        lambda: LinearAttentionModel(width=2**12, n_layers=2**5, n_heads=1),
        lambda: BaseConvModel(n=2**20, inner=2**10),
        lambda: SoftmaxTransformer(width=2**10, n_heads=1, mlp_ratio=64, n_layers=8),
    ])
    def test_parameter_budget(self, call):
        # every size is allowed alone; their product is over the budget
        limit = re.escape(f"limit {MAX_PARAMETERS:.3g} (MAX_PARAMETERS)")
        with pytest.raises(ValueError, match=f"`width`=.*{limit}"):
            call()

    def test_attention_mask_counted(self):
        # a (seq_len, seq_len) mask per block: 2**16 tokens need 2**29 bytes each
        with pytest.raises(ValueError, match="`seq_len`"):
            AttentionBlock(8, 2, 4, 2**16)
