r"""Gated long convolutions: the causal depthwise convolution, the BaseConv block and
the BaseConv sequence model (Arora et al. 2023, Zoology; arXiv 2312.04927).

A BaseConv layer is a polynomial of degree 2 in its input, so four of them compute the
least-squares gradient exactly
(:func:`numlearn.learned.least_squares.baseconv_gd_construction`).
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor, nn

from numlearn._core.validation import check_choice
from numlearn.learned.layers.base import (
    _check_budget,
    _check_dtype,
    _check_size,
    _SequenceModel,
)

__all__ = ["BaseConvBlock", "BaseConvModel", "causal_conv"]


def _block_count(width: int, seq_len: int, inner: int) -> int:
    """Parameters of one :class:`BaseConvBlock` (Python ints)."""
    return 3 * width * inner + 2 * inner + width + inner * seq_len


def causal_conv(z: Tensor, filt: Tensor, method: str = "direct") -> Tensor:
    r"""Causal depthwise convolution :math:`c_{t,c} = \sum_{k=0}^{t} h_{c,k}\, z_{t-k,c}`.

    Parameters
    ----------
    z : Tensor, shape (batch, L, C)
    filt : Tensor, shape (C, K), K >= L
        Tap ``k`` multiplies the input ``k`` positions back.
    method : {"direct", "fft"}
        ``"direct"``: multiply by the (C, L, L) Toeplitz matrix, :math:`O(BCL^2)`, one
        rounding per product and a plain sum.  ``"fft"``: zero-padded real FFT of length
        2L, :math:`O(BCL\log L)`, rounding :math:`\sim \epsilon\log L\,\|z\|`.
    """
    for name, t, nd in (("z", z, 3), ("filt", filt, 2)):
        if not isinstance(t, Tensor) or not t.is_floating_point() or t.ndim != nd:
            raise TypeError(f"`{name}` must be a {nd}-dimensional real floating tensor, got "
                            f"{type(t).__name__} {tuple(getattr(t, 'shape', ()))}.")
    check_choice(method, "method", ("direct", "fft"))
    L = z.shape[1]
    if filt.shape[0] != z.shape[2] or filt.shape[1] < L:
        raise ValueError(f"`filt` must have shape (C, K) = ({z.shape[2]}, >= {L}) for `z` of "
                         f"shape {tuple(z.shape)}, got {tuple(filt.shape)}.")
    h = filt[:, :L]
    if method == "fft":
        zf = torch.fft.rfft(z, n=2 * L, dim=1)
        hf = torch.fft.rfft(h.transpose(0, 1), n=2 * L, dim=0)
        return torch.fft.irfft(zf * hf.unsqueeze(0), n=2 * L, dim=1)[:, :L]
    t = torch.arange(L, device=z.device)
    lag = t[:, None] - t[None, :]
    toeplitz = h[:, lag.clamp(min=0)] * (lag >= 0).to(h.dtype)  # (C, L, L)
    return torch.einsum("cts,bsc->btc", toeplitz, z)



class BaseConvBlock(nn.Module):
    r"""Residual BaseConv (Arora et al. 2023, Zoology; arXiv 2312.04927):

    .. math::
        u \leftarrow u + W_{out}\Big(\big(h * (W_{in}u + b_{in})\big) \odot
        (W_{proj}u + b_{proj})\Big) + b_{out},

    with a causal depthwise filter :math:`h \in \mathbb{R}^{C\times L}` as long as the
    sequence (the official code's "short" conv with ``kernel_size = l_max``).  Cost per
    call :math:`O(B L\,3WC + B C L^2)` (direct) or :math:`O(BCL\log L)` (FFT).
    """

    def __init__(
        self,
        width: int,
        seq_len: int,
        inner: int,
        *,
        conv: str = "direct",
        device: str | torch.device | None = None,
        dtype: torch.dtype = torch.float64,
    ) -> None:
        super().__init__()
        width = _check_size(width, "width")
        seq_len = _check_size(seq_len, "seq_len")
        inner = _check_size(inner, "inner")
        self.conv = check_choice(conv, "conv", ("direct", "fft"))
        _check_budget(_block_count(width, seq_len, inner),
                      {"width": width, "seq_len": seq_len, "inner": inner}, "a BaseConv block")
        fk = {"device": device, "dtype": _check_dtype(dtype)}
        self.in_proj = nn.Linear(width, inner, **fk)
        self.proj = nn.Linear(width, inner, **fk)
        self.out_proj = nn.Linear(inner, width, **fk)
        self.filter = nn.Parameter(torch.zeros(inner, seq_len, **fk))

    def forward(self, u: Tensor) -> Tensor:
        c = causal_conv(self.in_proj(u), self.filter, self.conv)
        return u + self.out_proj(c * self.proj(u))



class BaseConvModel(_SequenceModel):
    r"""BaseConv sequence model (gated long convolutions, no softmax/LayerNorm/MLP).

    ``n_layers`` residual :class:`BaseConvBlock` s of width ``width`` and inner width
    ``inner`` (default ``width``), each with a causal depthwise filter of length n + 1.
    A polynomial of degree :math:`2^L`; :func:`baseconv_gd_construction` computes the
    gradient exactly with 4 layers.

    Parameter count: :math:`(d+1)W + W + PW + L\,[3WC + 2C + W + C(n+1)] + Wd + d`,
    with :math:`P = n+1` (``positional="learned"``), 2 (``"segment"``) or 0.

    Parameters
    ----------
    d, n, width, n_layers : int
    inner : int, optional
        Channels of the convolution/gate (default ``width``).
    conv : {"direct", "fft"}
        How the long convolution is computed (:func:`causal_conv`).
    positional : {"learned", "segment", "none"} or bool
        As for :class:`LinearAttentionModel`.
    init_std : float
        Projections ~ N(0, init_std^2) (``out_proj`` scaled by 1/sqrt(2 n_layers));
        filters: identity tap 1 plus N(0, 1/(n+1)) on every tap.
    device, dtype
        Default float64.
    """

    arch = "baseconv"

    def __init__(
        self,
        d: int = 5,
        n: int = 20,
        *,
        width: int = 13,
        n_layers: int = 4,
        inner: int | None = None,
        conv: str = "direct",
        positional: bool | str = "learned",
        init_std: float = 0.02,
        device: str | torch.device | None = None,
        dtype: torch.dtype = torch.float64,
    ) -> None:
        super().__init__(d, n, width, n_layers, positional, dtype)
        self.inner = _check_size(self.width if inner is None else inner, "inner")
        self.conv = check_choice(conv, "conv", ("direct", "fft"))
        self.init_std = self._check_init_std(init_std)
        self._build(_block_count(self.width, self.seq_len, self.inner),
                    {"inner": self.inner}, device)
        for _ in range(self.n_layers):
            self.blocks.append(
                BaseConvBlock(self.width, self.seq_len, self.inner, conv=conv, device=device,
                              dtype=self._dtype)
            )
        self.reset_parameters(self.init_std)

    def reset_parameters(self, std: float = 0.02) -> None:
        """Projections N(0, std^2), filters identity + N(0, 1/(n+1)), biases zero.

        The filter scale 1/sqrt(n+1) is that of ``nn.Conv1d``'s default for a depthwise
        kernel of length n+1 (the official code's "short" conv); the identity tap is
        the Zoology conv's internal residual.
        """
        self._init_common(std)
        out_std = std / math.sqrt(2 * max(self.n_layers, 1))
        for blk in self.blocks:
            for lin in (blk.in_proj, blk.proj):
                nn.init.normal_(lin.weight, std=std)
                nn.init.zeros_(lin.bias)
            nn.init.normal_(blk.out_proj.weight, std=out_std)
            nn.init.zeros_(blk.out_proj.bias)
            with torch.no_grad():
                nn.init.normal_(blk.filter, std=1.0 / math.sqrt(self.seq_len))
                blk.filter[:, 0] += 1.0

    def config(self) -> dict[str, Any]:
        return {
            "arch": self.arch, "d": self.d, "n": self.n, "width": self.width,
            "n_layers": self.n_layers, "inner": self.inner, "conv": self.conv,
            "positional": self.positional, "init_std": self.init_std,
        }

