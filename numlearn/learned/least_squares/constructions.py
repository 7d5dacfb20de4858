r"""Exact weight constructions: sequence models whose weights compute the
least-squares gradient :math:`A^\top(Ax-b)/n` exactly (up to rounding), in the
paper's token format.

Linear attention and BaseConv are polynomials in their tokens, so they can:
:func:`linear_attention_gd_construction` (2 layers, 2 heads, width 2d+2) and
:func:`baseconv_gd_construction` (4 layers, width 2d+3).
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from numlearn.learned.layers.attention import LinearAttentionModel
from numlearn.learned.layers.base import _check_positional, _check_size
from numlearn.learned.layers.conv import BaseConvModel

__all__ = ["baseconv_gd_construction", "linear_attention_gd_construction"]


def _construction_positional(positional: Any) -> str:
    pos = _check_positional(positional)
    if pos == "none":
        raise ValueError(
            "the exact constructions need a positional embedding to flag token 0; pass "
            "positional='learned' or 'segment'."
        )
    return pos


def _zero_(model: nn.Module) -> None:
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()


def linear_attention_gd_construction(
    d: int = 5,
    n: int = 20,
    *,
    width: int | None = None,
    n_layers: int = 2,
    n_heads: int = 2,
    head_dim: int | None = None,
    causal: bool = False,
    positional: str = "learned",
    device: str | torch.device | None = None,
    dtype: torch.dtype = torch.float64,
) -> LinearAttentionModel:
    r"""A linear-attention model whose weights compute :math:`A^\top(Ax-b)/n` exactly.

    Residual channels ``[a (d) | b (1) | xc (d) | flag (1)]`` (width :math:`\ge 2d+2`);
    the read-in copies token ``[u, v]`` into ``a, b``; the positional embedding sets
    ``flag = 1`` at token 0 only.  With :math:`s = \sqrt{h_d}` absorbed into the
    queries so that scores are :math:`q\cdot k` exactly:

    Layer 1.  Head 1 (broadcast): :math:`q_t = 1,\ k_j = \mathrm{flag}_j,\ v_j = a_j`,
    added to ``xc``: every token gets :math:`\sum_j \mathrm{flag}_j a_j = x`.  Head 2
    (erase): :math:`q_t = \mathrm{flag}_t,\ k_j = \mathrm{flag}_j,\ v_j = a_j`, subtracted
    from ``a``: token 0 now holds ``a = 0, b = 0``.

    Layer 2.  Head 1 (gradient): :math:`q_t = [xc_t; 1],\ k_j = [a_j; -b_j],\
    v_j = a_j/n`, added to ``xc``: :math:`\sum_j (a_j^\top x - b_j) a_j / n = g` (token 0
    contributes 0 after the erase).  Head 2: :math:`q_t = 1,\ k_j = \mathrm{flag}_j,\
    v_j = xc_j`, subtracted from ``xc``, removing the broadcast x.  The read-out returns
    ``xc``: :math:`x + (g - x)`, so the error is :math:`O(\epsilon(\|g\| + \|x\|))`
    absolute.

    Causal masking changes nothing at the last position (it sees every token) nor in
    the broadcast (token 0 precedes all), so ``causal=True`` is exact too.  Extra
    layers, heads and width are set to zero (residual identity).

    Parameters
    ----------
    d, n : int
    width : int, optional
        Default (and minimum) 2d + 2.
    n_layers, n_heads : int
        At least 2 each.
    head_dim : int, optional
        Default ``width // n_heads`` when divisible, else d + 1; at least d + 1.
    causal : bool
    positional : {"learned", "segment"}
        Only token 0's embedding is non-zero (the flag).
    device, dtype

    Returns
    -------
    LinearAttentionModel
        2 layers, 2 heads, width 2d+2, head_dim d+1 by default: 1,649 parameters for
        d = 5, n = 20.

    References
    ----------
    von Oswald et al., "Transformers learn in-context by gradient descent", ICML 2023
    (one linear self-attention layer = one GD step once x is in every token);
    arXiv 2503.12295 (token format).
    """
    d = _check_size(d, "d")
    width = 2 * d + 2 if width is None else _check_size(width, "width")
    if width < 2 * d + 2:
        raise ValueError(f"`width` must be >= 2d+2 = {2 * d + 2} for the construction.")
    n_layers = _check_size(n_layers, "n_layers")
    n_heads = _check_size(n_heads, "n_heads")
    if n_layers < 2 or n_heads < 2:
        raise ValueError("the construction needs `n_layers` >= 2 and `n_heads` >= 2.")
    if head_dim is None:
        head_dim = width // n_heads if width % n_heads == 0 else d + 1
    head_dim = _check_size(head_dim, "head_dim")
    if head_dim < d + 1:
        raise ValueError(f"`head_dim` must be >= d+1 = {d + 1} for the construction.")
    model = LinearAttentionModel(
        d, n, width=width, n_layers=n_layers, n_heads=n_heads, head_dim=head_dim,
        causal=causal, positional=_construction_positional(positional), device=device,
        dtype=dtype,
    )
    _zero_(model)
    a = list(range(d))
    bch = d
    xc = list(range(d + 1, 2 * d + 1))
    flag = 2 * d + 1
    hd = head_dim
    s = math.sqrt(hd)
    with torch.no_grad():
        for i in range(d + 1):
            model.read_in.weight[i, i] = 1.0
        model.pos_emb[0, flag] = 1.0
        l1, l2 = model.blocks[0], model.blocks[1]
        # layer 1, head 0: broadcast x (a-channels of token 0) into xc of every token
        l1.q.bias[0] = s
        l1.k.weight[0, flag] = 1.0
        # layer 1, head 1: erase x from token 0's a-channels
        l1.q.weight[hd, flag] = s
        l1.k.weight[hd, flag] = 1.0
        for j in range(d):
            l1.v.weight[j, a[j]] = 1.0
            l1.out.weight[xc[j], j] = 1.0
            l1.v.weight[hd + j, a[j]] = 1.0
            l1.out.weight[a[j], hd + j] = -1.0
        # layer 2, head 0: sum_j (a_j.x - b_j) a_j / n into xc
        l2.q.bias[d] = s
        l2.k.weight[d, bch] = -1.0
        # layer 2, head 1: remove the broadcast x from xc
        l2.q.bias[hd] = s
        l2.k.weight[hd, flag] = 1.0
        for j in range(d):
            l2.q.weight[j, xc[j]] = s
            l2.k.weight[j, a[j]] = 1.0
            l2.v.weight[j, a[j]] = 1.0 / n
            l2.out.weight[xc[j], j] = 1.0
            l2.v.weight[hd + j, xc[j]] = 1.0
            l2.out.weight[xc[j], hd + j] = -1.0
            model.read_out.weight[j, xc[j]] = 1.0
    return model


def baseconv_gd_construction(
    d: int = 5,
    n: int = 20,
    *,
    width: int | None = None,
    n_layers: int = 4,
    inner: int | None = None,
    conv: str = "direct",
    positional: str = "learned",
    device: str | torch.device | None = None,
    dtype: torch.dtype = torch.float64,
) -> BaseConvModel:
    r"""A BaseConv model whose weights compute :math:`A^\top(Ax-b)/n` exactly.

    Residual channels ``[a (d) | b (1) | flag (1) | m (d) | r (1)]`` (width
    :math:`\ge 2d+3`), inner width :math:`\ge d+1`; read-in copies ``[u, v]`` into
    ``a, b``; the positional embedding sets ``flag = 1`` at token 0.  Each layer is
    :math:`u \mathrel{+}= W_{out}((h * W_{in}u) \odot W_{proj}u)`:

    1. *isolate x*: conv identity on ``a``, gate ``flag``: ``m_t = flag_t a_t``, i.e.
       ``x`` at token 0 and 0 elsewhere.  (A single BaseConv layer cannot broadcast x:
       token t sees x at lag t and the rows at lags 0..t-1 through the *same* channel
       map, so no filter selects x for every t; the product with the flag must come
       first.)
    2. *broadcast and residual*: an all-ones (prefix-sum) filter on ``m`` gives x at
       every token, gated by ``a_t``: :math:`x\odot a_t`; a constant channel with
       identity filter gated by :math:`-b_t`; the out-projection sums them into
       :math:`r_t = a_t^\top x - b_t`.
    3. *per-row gradient*: conv identity on ``r`` (copied to d channels), gate
       ``a_t``: ``m_t += r_t a_t``.
    4. *average*: filter :math:`h_0 = 1/n - 1,\ h_{1..n-1} = 1/n,\ h_n = 0`, gate 1:
       at the last position ``m`` becomes :math:`\sum_{t=1}^{n} r_t a_t / n = g`.  The
       zero tap at lag n discards token 0, whose channels hold junk from steps 2-3
       (this uses that the answer is read at the last position only).

    Layers 2-4 are the official 3-layer construction (``baseconv_construction``
    notebook, which instead writes x into every token beforehand); layer 1 makes it
    work on the paper's prompt format.  Extra layers/width are zero.

    Parameters
    ----------
    d, n : int
    width : int, optional
        Default (and minimum) 2d + 3.
    n_layers : int
        At least 4.
    inner : int, optional
        Default ``width``; at least d + 1.
    conv : {"direct", "fft"}
    positional : {"learned", "segment"}
        Only token 0's embedding is non-zero (the flag).
    device, dtype

    Returns
    -------
    BaseConvModel
        4 layers, width 2d+3 by default: 3,710 parameters for d = 5, n = 20.

    References
    ----------
    Arora et al., "Zoology: measuring and improving recall in efficient language
    models", arXiv 2312.04927 (BaseConv); arXiv 2503.12295 (BaseConv expresses GD).
    """
    d = _check_size(d, "d")
    n = _check_size(n, "n")
    width = 2 * d + 3 if width is None else _check_size(width, "width")
    if width < 2 * d + 3:
        raise ValueError(f"`width` must be >= 2d+3 = {2 * d + 3} for the construction.")
    inner = width if inner is None else _check_size(inner, "inner")
    if inner < d + 1:
        raise ValueError(f"`inner` must be >= d+1 = {d + 1} for the construction.")
    n_layers = _check_size(n_layers, "n_layers")
    if n_layers < 4:
        raise ValueError("the construction needs `n_layers` >= 4.")
    model = BaseConvModel(d, n, width=width, n_layers=n_layers, inner=inner, conv=conv,
                          positional=_construction_positional(positional), device=device,
                          dtype=dtype)
    _zero_(model)
    a = list(range(d))
    bch, flag = d, d + 1
    m = list(range(d + 2, 2 * d + 2))
    r = 2 * d + 2
    with torch.no_grad():
        for i in range(d + 1):
            model.read_in.weight[i, i] = 1.0
        model.pos_emb[0, flag] = 1.0
        l1, l2, l3, l4 = model.blocks[:4]
        for j in range(d):
            # 1: m_t = flag_t * a_t
            l1.in_proj.weight[j, a[j]] = 1.0
            l1.filter[j, 0] = 1.0
            l1.proj.weight[j, flag] = 1.0
            l1.out_proj.weight[m[j], j] = 1.0
            # 2: r_t = sum_j (prefix-sum m)_j a_tj - b_t
            l2.in_proj.weight[j, m[j]] = 1.0
            l2.filter[j, :] = 1.0
            l2.proj.weight[j, a[j]] = 1.0
            l2.out_proj.weight[r, j] = 1.0
            # 3: m_t += r_t a_t
            l3.in_proj.weight[j, r] = 1.0
            l3.filter[j, 0] = 1.0
            l3.proj.weight[j, a[j]] = 1.0
            l3.out_proj.weight[m[j], j] = 1.0
            # 4: m_n <- sum_{t=1..n} m_t / n
            l4.in_proj.weight[j, m[j]] = 1.0
            l4.filter[j, : n] = 1.0 / n
            l4.filter[j, 0] = 1.0 / n - 1.0
            l4.proj.bias[j] = 1.0
            l4.out_proj.weight[m[j], j] = 1.0
            model.read_out.weight[j, m[j]] = 1.0
        l2.in_proj.bias[d] = 1.0
        l2.filter[d, 0] = 1.0
        l2.proj.weight[d, bch] = -1.0
        l2.out_proj.weight[r, d] = 1.0
    return model
