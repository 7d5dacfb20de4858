r"""Attention layers and the attention sequence models.

- :class:`AttentionBlock`: residual multi-head attention, linear (no softmax) or softmax,
  optionally with pre-LayerNorm and a GELU MLP;
- :class:`LinearAttentionModel`: linear attention (von Oswald et al. 2023; arXiv
  2212.07677), a polynomial of degree 3 per layer, so it can compute the
  least-squares gradient exactly
  (:func:`numlearn.learned.least_squares.linear_attention_gd_construction`);
- :class:`SoftmaxTransformer`: the same skeleton with softmax attention (the contrast:
  softmax cannot multiply exactly).

All are ``torch.nn.Module``, float64 by default, and take ``device`` and ``dtype``.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor, nn

from numlearn._core.validation import check_flag, check_int
from numlearn.learned.layers.base import (
    _check_budget,
    _check_dtype,
    _check_size,
    _SequenceModel,
)

__all__ = ["AttentionBlock", "LinearAttentionModel", "SoftmaxTransformer"]


def _block_count(width: int, n_heads: int, head_dim: int, seq_len: int, layer_norm: bool,
                 mlp_ratio: int) -> int:
    """Parameters of one :class:`AttentionBlock` (Python ints), plus its boolean
    ``(seq_len, seq_len)`` mask at its size in float64 words."""
    inner = n_heads * head_dim
    count = 4 * width * inner + 3 * inner + width + -(-seq_len * seq_len // 8)
    if layer_norm:
        count += 4 * width if mlp_ratio else 2 * width
    if mlp_ratio:
        count += 2 * mlp_ratio * width * width + mlp_ratio * width + width
    return count


class AttentionBlock(nn.Module):
    r"""Residual multi-head attention, linear (no softmax) or softmax.

    .. math::
        h \leftarrow h + W_o\,\mathrm{concat}_j\big(S_j V_j\big), \quad
        S_j = M \circ \frac{Q_j K_j^\top}{\sqrt{h_d}} \ \text{(linear)}, \quad
        S_j = \mathrm{softmax}\Big(\frac{Q_j K_j^\top}{\sqrt{h_d}} + \log M\Big)
        \ \text{(softmax)},

    with :math:`Q = hW_q + b_q` etc., :math:`M` all-ones (non-causal) or
    lower-triangular (causal); optionally pre-LayerNorm and a GELU MLP (Transformer).
    Cost per call :math:`O(B\,L(3 W H h_d + H h_d W) + B H L^2 h_d)`.
    """

    def __init__(
        self,
        width: int,
        n_heads: int,
        head_dim: int,
        seq_len: int,
        *,
        softmax: bool = False,
        causal: bool = False,
        layer_norm: bool = False,
        mlp_ratio: int = 0,
        device: str | torch.device | None = None,
        dtype: torch.dtype = torch.float64,
    ) -> None:
        super().__init__()
        width = _check_size(width, "width")
        self.n_heads = n_heads = _check_size(n_heads, "n_heads")
        self.head_dim = head_dim = _check_size(head_dim, "head_dim")
        seq_len = _check_size(seq_len, "seq_len")
        self.softmax = check_flag(softmax, "softmax")
        self.causal = check_flag(causal, "causal")
        layer_norm = check_flag(layer_norm, "layer_norm")
        mlp_ratio = check_int(mlp_ratio, "mlp_ratio", minimum=0, maximum=64)
        _check_budget(
            _block_count(width, n_heads, head_dim, seq_len, layer_norm, mlp_ratio),
            {"width": width, "n_heads": n_heads, "head_dim": head_dim, "seq_len": seq_len,
             "mlp_ratio": mlp_ratio}, "an attention block")
        fk = {"device": device, "dtype": _check_dtype(dtype)}
        inner = n_heads * head_dim
        self.q = nn.Linear(width, inner, **fk)
        self.k = nn.Linear(width, inner, **fk)
        self.v = nn.Linear(width, inner, **fk)
        self.out = nn.Linear(inner, width, **fk)
        # Dividing by sqrt(h_d) (not multiplying by its rounded inverse) lets the exact
        # constructions cancel the scale exactly: (sqrt(h_d) * 1) / sqrt(h_d) == 1.
        self.sqrt_hd = math.sqrt(head_dim)
        mask = torch.tril(torch.ones(seq_len, seq_len, dtype=torch.bool, device=device))
        self.register_buffer("mask", mask, persistent=False)
        self.ln1 = nn.LayerNorm(width, **fk) if layer_norm else None
        self.ln2 = nn.LayerNorm(width, **fk) if (layer_norm and mlp_ratio) else None
        self.mlp = (
            nn.Sequential(
                nn.Linear(width, mlp_ratio * width, **fk),
                nn.GELU(),
                nn.Linear(mlp_ratio * width, width, **fk),
            )
            if mlp_ratio
            else None
        )

    def forward(self, h: Tensor) -> Tensor:
        B, L, _ = h.shape
        u = self.ln1(h) if self.ln1 is not None else h
        H, hd = self.n_heads, self.head_dim
        q = self.q(u).view(B, L, H, hd).transpose(1, 2)
        k = self.k(u).view(B, L, H, hd).transpose(1, 2)
        v = self.v(u).view(B, L, H, hd).transpose(1, 2)
        s = (q @ k.transpose(-1, -2)) / self.sqrt_hd
        if self.softmax:
            if self.causal:
                s = s.masked_fill(~self.mask[:L, :L], float("-inf"))
            s = torch.softmax(s, dim=-1)
        elif self.causal:
            s = s.masked_fill(~self.mask[:L, :L], 0.0)
        y = (s @ v).transpose(1, 2).reshape(B, L, H * hd)
        h = h + self.out(y)
        if self.mlp is not None:
            h = h + self.mlp(self.ln2(h) if self.ln2 is not None else h)
        return h



class LinearAttentionModel(_SequenceModel):
    r"""Linear-attention sequence model (no softmax, no LayerNorm, no MLP).

    Read-in :math:`\mathbb{R}^{d+1}\to\mathbb{R}^W`, learned positional embedding
    (optional), ``n_layers`` residual :class:`AttentionBlock` s with ``n_heads`` heads
    of size ``head_dim`` (default ``width // n_heads``), read-out
    :math:`\mathbb{R}^W\to\mathbb{R}^d`.  The network is a polynomial of degree
    :math:`3^{L}` in the tokens, so it can represent :math:`A^\top(Ax-b)/n` exactly
    (:func:`linear_attention_gd_construction`; von Oswald et al. 2023).

    Parameter count: :math:`(d+1)W + W + PW + L\,[4 W H h_d + 3 H h_d + W] + W d + d`,
    with :math:`P = n+1` (``positional="learned"``), 2 (``"segment"``) or 0.

    Parameters
    ----------
    d, n : int
        Unknowns and rows (sequence length n + 1).
    width, n_layers, n_heads : int
    head_dim : int, optional
    causal : bool
        Lower-triangular mask (the answer is read at the last position, which sees
        every token either way).
    positional : {"learned", "segment", "none"} or bool
        ``"learned"`` (True): one learned vector per position (the paper's GPT-2
        embedding); ``"segment"``: one vector for token 0 and one shared by all rows, so
        the non-causal model is equivariant under row permutations (the target is
        invariant), which removes the 20 row embeddings that an exact solution must
        otherwise make interchangeable (trains far better, see
        :mod:`numlearn.learned.training`); ``"none"`` (False): none (then token 0
        cannot be told from the rows).
    init_std : float
        Weights ~ N(0, init_std^2); output projections scaled by 1/sqrt(2 n_layers)
        (GPT-2); biases zero.
    device, dtype
        Default float64.
    """

    arch = "linear_attention"
    _softmax = False

    def __init__(
        self,
        d: int = 5,
        n: int = 20,
        *,
        width: int = 12,
        n_layers: int = 2,
        n_heads: int = 2,
        head_dim: int | None = None,
        causal: bool = False,
        positional: bool | str = "learned",
        init_std: float = 0.02,
        layer_norm: bool = False,
        mlp_ratio: int = 0,
        device: str | torch.device | None = None,
        dtype: torch.dtype = torch.float64,
    ) -> None:
        super().__init__(d, n, width, n_layers, positional, dtype)
        self.n_heads = _check_size(n_heads, "n_heads")
        if head_dim is None:
            if self.width % self.n_heads:
                raise ValueError(
                    f"`width` ({self.width}) must be divisible by `n_heads` ({self.n_heads}) "
                    "unless `head_dim` is given."
                )
            head_dim = self.width // self.n_heads
        self.head_dim = _check_size(head_dim, "head_dim")
        self.causal = check_flag(causal, "causal")
        self.layer_norm = check_flag(layer_norm, "layer_norm")
        self.mlp_ratio = check_int(mlp_ratio, "mlp_ratio", minimum=0, maximum=64)
        self.init_std = self._check_init_std(init_std)
        self._build(
            _block_count(self.width, self.n_heads, self.head_dim, self.seq_len,
                         self.layer_norm, self.mlp_ratio),
            {"n_heads": self.n_heads, "head_dim": self.head_dim, "mlp_ratio": self.mlp_ratio},
            device)
        for _ in range(self.n_layers):
            self.blocks.append(
                AttentionBlock(
                    self.width, self.n_heads, self.head_dim, self.seq_len,
                    softmax=self._softmax, causal=self.causal, layer_norm=self.layer_norm,
                    mlp_ratio=self.mlp_ratio, device=device, dtype=self._dtype,
                )
            )
        self.reset_parameters(self.init_std)

    def reset_parameters(self, std: float = 0.02) -> None:
        """GPT-2 style initialisation: N(0, std^2), residual outputs std/sqrt(2L)."""
        self._init_common(std)
        out_std = std / math.sqrt(2 * max(self.n_layers, 1))
        for blk in self.blocks:
            for lin in (blk.q, blk.k, blk.v):
                nn.init.normal_(lin.weight, std=std)
                nn.init.zeros_(lin.bias)
            nn.init.normal_(blk.out.weight, std=out_std)
            nn.init.zeros_(blk.out.bias)
            if blk.mlp is not None:
                nn.init.normal_(blk.mlp[0].weight, std=std)
                nn.init.zeros_(blk.mlp[0].bias)
                nn.init.normal_(blk.mlp[2].weight, std=out_std)
                nn.init.zeros_(blk.mlp[2].bias)

    def config(self) -> dict[str, Any]:
        return {
            "arch": self.arch, "d": self.d, "n": self.n, "width": self.width,
            "n_layers": self.n_layers, "n_heads": self.n_heads, "head_dim": self.head_dim,
            "causal": self.causal, "positional": self.positional, "init_std": self.init_std,
            "layer_norm": self.layer_norm, "mlp_ratio": self.mlp_ratio,
        }



class SoftmaxTransformer(LinearAttentionModel):
    r"""The contrast: the same skeleton as :class:`LinearAttentionModel` with softmax
    attention, optionally pre-LayerNorm and a GELU MLP (``mlp_ratio``).

    Softmax attention returns convex combinations of values, so it cannot form the
    products :math:`a_i^\top x` exactly; the paper's 3x256 softmax model trained on this
    task stalls at ~1e-2 when iterated (arXiv 2503.12295, Fig. 1).  Parameter count: as
    the linear model, plus :math:`4W` per LayerNorm pair and
    :math:`2mW^2 + mW + W` per MLP.
    """

    arch = "softmax"
    _softmax = True

