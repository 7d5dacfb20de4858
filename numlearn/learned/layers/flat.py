"""A module's trainable parameters as one flat vector, for the flat-vector optimisers.

The optimisers of :mod:`numlearn.learned.optim` (NNCG, L-BFGS, Adam with cosine decay,
Levenberg-Marquardt) work on a 1-D tensor ``theta`` and a pure function of it.
:class:`FlatParameters` maps between ``theta`` and a module: :meth:`get` and :meth:`set`
copy, :meth:`call` evaluates the module *at* ``theta`` without touching its parameters
(``torch.func.functional_call``), so ``torch.func`` can differentiate through it twice.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

__all__ = ["FlatParameters"]


class FlatParameters:
    """Flat-vector view of the trainable parameters of ``module`` (in registration order).

    Examples
    --------
    >>> import torch
    >>> lin = torch.nn.Linear(2, 1, dtype=torch.float64)
    >>> flat = FlatParameters(lin)
    >>> flat.size
    3
    >>> theta = torch.ones(3, dtype=torch.float64)
    >>> float(flat.call(theta, torch.ones(1, 2, dtype=torch.float64)))
    3.0
    """

    def __init__(self, module: nn.Module) -> None:
        if not isinstance(module, nn.Module):
            raise TypeError(f"`module` must be a torch.nn.Module, got {type(module).__name__}.")
        self.module = module
        self.named = [(k, p) for k, p in module.named_parameters() if p.requires_grad]
        if not self.named:
            raise ValueError("`module` has no trainable parameters.")
        self.size = sum(p.numel() for _, p in self.named)

    def get(self) -> Tensor:
        """The current parameters as a new 1-D tensor."""
        return torch.cat([p.detach().reshape(-1) for _, p in self.named])

    def set(self, theta: Tensor) -> None:
        """Copy ``theta`` into the module's parameters (in place, no grad)."""
        self._check(theta)
        with torch.no_grad():
            i = 0
            for _, p in self.named:
                p.copy_(theta[i : i + p.numel()].view_as(p))
                i += p.numel()

    def unflatten(self, theta: Tensor) -> dict[str, Tensor]:
        """``{name: view of theta}``, the parameter dict of ``functional_call``."""
        self._check(theta)
        out, i = {}, 0
        for k, p in self.named:
            out[k] = theta[i : i + p.numel()].view_as(p)
            i += p.numel()
        return out

    def call(self, theta: Tensor, *args: Any, **kwargs: Any) -> Any:
        """The module evaluated with parameters ``theta`` (its own are not read)."""
        return torch.func.functional_call(self.module, self.unflatten(theta), args, kwargs)

    def _check(self, theta: Tensor) -> None:
        if not isinstance(theta, Tensor) or theta.ndim != 1 or theta.numel() != self.size:
            shape = tuple(theta.shape) if isinstance(theta, Tensor) else type(theta).__name__
            raise ValueError(f"`theta` must be a 1-D tensor of {self.size} parameters, got "
                             f"{shape}.")
