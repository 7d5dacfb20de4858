r"""The head layout of MultiHyena, and token-by-token generation of a
:class:`~numlearn.learned.layers.hyena.HyenaModel` whose long convolutions are
distilled recurrences (private: used by
:meth:`HyenaModel.generate <numlearn.learned.layers.hyena.HyenaModel.generate>`).

Every layer's long convolution must be a
:class:`~numlearn.learned.layers.recurrent.DistilledConv` (``distill_long_convs(model, d,
backend="torch")``).  The prompt runs once through the model in convolution mode (the
DistilledConv's FFT of its modal taps), leaving per layer

* the last ``K - 1`` input projections (the short causal convolution's window), and
* the modal state ``x_n = sum_k lambda_n^(T-1-k) z_k`` of the long convolution's input
  ``z`` (:meth:`DistilledConv.prefill`: modal FFT, direct geometric sums or the
  companion form): ``(B, D, d)`` for the plain operator (``z = x_1 v``), ``(B N^2, M,
  d)`` for a MultiHyena (``z^m_t = k^m_t (v^m_t)^T``, ``N^2 d`` complex states per head,
  the hook layout of :func:`~numlearn.learned.layers.hyena.head_mix`).

Each new token then costs, per layer, the projections and MLP of one position
(:math:`O(D^2)`), the short convolution (:math:`O(DK)`) and one step of the recurrence,
``y_t = h_0 z_t + Re sum_n R_n x_n``, ``x <- lambda x + z_t``: :math:`O(Dd)` work and
memory (plain; ``O(d)`` per channel) or :math:`O(DNd)` (MultiHyena; ``O(Nd)`` per
channel, ``O(N^2 d)`` per head) -- independent of the position.

The outputs equal the model's convolution-mode logits on the extended sequence to
rounding (the recurrence against the FFT of the same modal taps; tested).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from numlearn._core.validation import check_choice, check_int


def _head_outer(k: Tensor, v: Tensor, heads: int) -> Tensor:
    """``z`` of :func:`~numlearn.learned.layers.hyena.head_mix` in the hook layout
    ``(B N^2, M, L)``, row ``(b, i, j)``: ``z[(b, i, j), m, t] = k[b, mN+i, t] v[b, mN+j, t]``."""
    B, D, L = k.shape
    N = D // heads
    z = k.reshape(B, heads, N, 1, L) * v.reshape(B, heads, 1, N, L)
    return z.permute(0, 2, 3, 1, 4).reshape(B * N * N, heads, L)


def _head_contract(q: Tensor, hz: Tensor, heads: int) -> Tensor:
    """``y^m_j = sum_i q^m_i (h^m * z^m)_ij`` from ``hz`` in the hook layout: (B, D, L)."""
    B, D, L = q.shape
    N = D // heads
    hz = hz.reshape(B, N, N, heads, L).permute(0, 3, 1, 2, 4)           # (B, M, N, N, L)
    return (q.reshape(B, heads, N, 1, L) * hz).sum(dim=2).reshape(B, D, L)


def _short_window(op: Any, x: Tensor, T: int) -> Tensor:
    """The last ``K - 1`` input projections ``(B, 3D, K - 1)`` (zeros before the start)."""
    K = op.short.kernel_size[0]
    if K == 1:
        return x[..., :0]
    if T >= K - 1:
        return x[..., T - K + 1:]
    return torch.nn.functional.pad(x, (K - 1 - T, 0))


def operator_prefill(op: Any, u: Tensor, method: str) -> tuple[Tensor, dict[str, Tensor]]:
    """The operator on a prompt ``u`` (B, T, D) in convolution mode and its cache."""
    _, T, D = u.shape
    conv = op.long_conv
    pre = op.in_proj(u).transpose(1, 2)                                # (B, 3D, T)
    x = op.short(pre)[..., :T]
    x2, x1, v = x.split(D, dim=1)
    if op.heads is None:
        z = x1 * v
        y = x2 * conv(z)
    else:
        z = _head_outer(x1, v, op.heads)
        y = _head_contract(x2, conv(z), op.heads)
    cache = {"window": _short_window(op, pre, T), "state": conv.prefill(z, method=method)}
    return op.out_proj(y.transpose(1, 2)), cache


def operator_step(op: Any, u_t: Tensor, cache: dict[str, Tensor]
                  ) -> tuple[Tensor, dict[str, Tensor]]:
    """One position ``u_t`` (B, D) from the cache: ``(out_t, new cache)``."""
    D = u_t.shape[-1]
    conv = op.long_conv
    window = torch.cat([cache["window"], op.in_proj(u_t)[..., None]], dim=-1)  # (B, 3D, K)
    x = (window * op.short.weight[:, 0, :]).sum(dim=-1) + op.short.bias
    x2, x1, v = x.split(D, dim=1)
    if op.heads is None:
        y, state = conv.step(cache["state"], x1 * v)
        y = x2 * y
    else:
        z = _head_outer(x1[..., None], v[..., None], op.heads)[..., 0]  # (B N^2, M)
        hz, state = conv.step(cache["state"], z)
        y = _head_contract(x2[..., None], hz[..., None], op.heads)[..., 0]
    return op.out_proj(y), {"window": window[..., 1:], "state": state}


def _block_prefill(block: Any, u: Tensor, method: str) -> tuple[Tensor, dict[str, Tensor]]:
    out, cache = operator_prefill(block.mixer, block.norm1(u), method)
    u = u + out
    if block.mlp is not None:
        u = u + block.mlp(block.norm2(u))
    return u, cache


def _block_step(block: Any, u_t: Tensor, cache: dict[str, Tensor]
                ) -> tuple[Tensor, dict[str, Tensor]]:
    out, cache = operator_step(block.mixer, block.norm1(u_t), cache)
    u_t = u_t + out
    if block.mlp is not None:
        u_t = u_t + block.mlp(block.norm2(u_t))
    return u_t, cache


def generate(model: Any, prompt: Tensor, steps: int, *, prefill: str = "fft"
             ) -> tuple[Tensor, Tensor, dict[str, Any]]:
    """Greedy continuation of ``prompt`` by the distilled recurrences (module notes).

    Returns ``(tokens (B, steps), logits (B, steps, vocab), info)``: ``logits[:, s]``
    are those of position ``T - 1 + s`` (from which ``tokens[:, s]`` is the arg-max),
    ``info`` the state bytes per sequence (``state_bytes``: modal states, and
    ``window_bytes``: the short-convolution windows, summed over layers).
    """
    from numlearn.learned.layers.recurrent import DistilledConv

    steps = check_int(steps, "steps", minimum=1)
    prefill = check_choice(prefill, "prefill", ("fft", "direct", "companion"))
    for i, block in enumerate(model.blocks):
        conv = block.mixer.long_conv
        if not isinstance(conv, DistilledConv):
            raise TypeError(
                f"layer {i}'s long convolution is {type(conv).__name__}, not a "
                "DistilledConv: generation by recurrence needs one in every layer; install "
                "them with distill_long_convs(model, d, backend='torch').")
        if conv.channels != model.hyena_config.filters_per_layer \
                or conv.dtype != model.hyena_config.torch_dtype:
            raise ValueError(f"layer {i}'s DistilledConv has {conv.channels} channels of "
                             f"{conv.dtype}; the model needs "
                             f"{model.hyena_config.filters_per_layer} of "
                             f"{model.hyena_config.torch_dtype}.")
    model._check_tokens(prompt, "prompt")
    with torch.no_grad():
        u = model.embed(prompt)
        caches = []
        for block in model.blocks:
            u, cache = _block_prefill(block, u, prefill)
            caches.append(cache)
        logits = model.head(model.norm(u[:, -1]))
        out_logits, out_tokens = [logits], [logits.argmax(-1)]
        for _ in range(steps - 1):
            u_t = model.embed(out_tokens[-1])
            for i, block in enumerate(model.blocks):
                u_t, caches[i] = _block_step(block, u_t, caches[i])
            logits = model.head(model.norm(u_t))
            out_logits.append(logits)
            out_tokens.append(logits.argmax(-1))
    B = prompt.shape[0]
    info = {"state_bytes": sum(c["state"].numel() * c["state"].element_size()
                               for c in caches) // B,
            "window_bytes": sum(c["window"].numel() * c["window"].element_size()
                                for c in caches) // B}
    return torch.stack(out_tokens, dim=1), torch.stack(out_logits, dim=1), info
