r"""Blocks of filters for the batched fits of
:func:`~numlearn.learned.reduction.modal_fit.fit_modal` (private).

Every objective of ``fit_modal`` is a sum over the filters of terms that each depend on
one filter's parameters only, so a step can be computed over consecutive blocks of
filters with the same result, and with memory ``O(block L d)`` instead of
``O(C L d)``.  The arrays of a step (the ``(C, L, 2d)`` Vandermonde and its
derivatives, the ``(C, d, L)`` powers of the modes and autograd's copies of them) then
stay in cache.  Measured on one CPU thread at L = 2048, d = 16 (the figures are in the
``modal_fit`` notes of the documentation): a Levenberg-Marquardt step cost 5 ms per
filter in blocks of 1-4 filters and 17 ms per filter for 512 filters at once, and an
AdamW step 2 ms per filter for 8-64 filters and 10 ms per filter for 2048 at once
(5.6 GB).  On a GPU the blocks are large (the batch is what it is good at).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

__all__: list[str] = []

#: Entries of a block's largest per-filter array (``taps x columns`` per filter): about
#: 1 MiB of float64 on the CPU, 512 MiB on a GPU.
BLOCK_ELEMENTS = {"cpu": 2 ** 17, "cuda": 2 ** 26}


def filter_blocks(C: int, per_filter: int, device: Any,
                  elements: int | None = None) -> list[slice]:
    """Consecutive slices of the ``C`` filters with about ``elements`` entries
    (default :data:`BLOCK_ELEMENTS` by device type) of an array of ``per_filter``
    entries per filter; at least one filter per block."""
    if elements is None:
        kind = torch.device(device).type
        elements = BLOCK_ELEMENTS.get(kind, BLOCK_ELEMENTS["cuda"])
    B = max(1, elements // max(1, per_filter))
    return [slice(s, min(s + B, C)) for s in range(0, C, B)]


class _BlockSum(torch.autograd.Function):
    """``sum_b fn(theta, b)`` whose gradient is computed block by block in the forward
    pass (each block's graph built, differentiated and freed before the next)."""

    @staticmethod
    def forward(ctx: Any, theta: Tensor, fn: Callable[[Tensor, slice], Tensor],
                blocks: list[slice]) -> Tensor:
        grad = torch.zeros_like(theta)
        total = theta.new_zeros(())
        for sl in blocks:
            with torch.enable_grad():
                leaf = theta.detach().requires_grad_(True)
                value = fn(leaf, sl)
                (g,) = torch.autograd.grad(value, leaf)
            grad += g
            total = total + value.detach()
        ctx.save_for_backward(grad)
        return total

    @staticmethod
    def backward(ctx: Any, grad_out: Tensor) -> tuple[Tensor, None, None]:
        (grad,) = ctx.saved_tensors
        return grad_out * grad, None, None


def blocked_sum(fn: Callable[[Tensor, slice], Tensor], theta: Tensor,
                blocks: list[slice]) -> Tensor:
    """``sum_b fn(theta, b)`` over the blocks, differentiable in ``theta`` with the
    memory of one block's graph; one block: ``fn(theta, blocks[0])`` itself."""
    if len(blocks) == 1:
        return fn(theta, blocks[0])
    if not (torch.is_grad_enabled() and theta.requires_grad):
        with torch.no_grad():
            return sum((fn(theta, sl) for sl in blocks), theta.new_zeros(()))
    return _BlockSum.apply(theta, fn, blocks)
