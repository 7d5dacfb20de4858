r"""The multilayer perceptron of the PINN literature: ``tanh`` hidden layers, a linear read-out.

.. math::

    f_\theta(x) = W_{L+1}\,\sigma(W_L \cdots \sigma(W_1 x + b_1) \cdots + b_L) + b_{L+1},
    \qquad \sigma = \tanh,

with ``hidden`` the widths of the ``L`` hidden layers.  The baselines of the source
papers: Rathore et al. (ICML 2024) use 3 hidden layers of width 50-400 with
Xavier-normal weights and zero biases (``init="xavier_normal"``, the default here); the
BWLer code (Liu et al. 2025) uses ``(256, 256)`` with PyTorch's default initialisation
(``init="torch"``).  Cost of a forward pass: :math:`O(m \sum_k h_k h_{k+1})` for ``m``
points.

References
----------
.. [1] P. Rathore, W. Lei, Z. Frangella, L. Lu, M. Udell, "Challenges in Training PINNs:
   A Loss Landscape Perspective", ICML 2024, arXiv:2402.01868.
.. [2] J. Liu et al., "BWLer: Barycentric Weight Layer Elucidates a Precision-Conditioning
   Tradeoff for PINNs", arXiv:2506.23024 (2025).
.. [3] X. Glorot, Y. Bengio, "Understanding the difficulty of training deep feedforward
   neural networks", AISTATS 2010 (Xavier initialisation).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import torch
from torch import Tensor, nn

from numlearn._core.validation import check_choice, check_int
from numlearn.learned.layers.base import (
    _check_budget,
    _check_device,
    _check_dtype,
    _check_size,
    check_tensor,
)

__all__ = ["MLP"]

_ACTIVATIONS = {"tanh": torch.tanh, "sin": torch.sin}
_INITS = ("xavier_normal", "torch")


class MLP(nn.Module):
    r"""A fully connected network from ``in_features`` through the ``hidden`` widths to
    ``out_features`` (module notes).

    Parameters
    ----------
    in_features : int
        Input dimension ``d`` (2 for ``(t, x)``).
    hidden : sequence of int, default (50, 50, 50)
        Widths of the hidden layers (at least one).
    out_features : int, default 1
    activation : {"tanh", "sin"}, default "tanh"
    init : {"xavier_normal", "torch"}, default "xavier_normal"
        Xavier-normal weights and zero biases (Rathore et al.), or PyTorch's default
        (Kaiming-uniform, as the BWLer code).
    seed : int, optional
        Seeds the initialisation (a private generator; the global RNG is untouched).
    dtype, device
        float64 on the CPU by default.

    Input of shape ``(m, in_features)``; output ``(m, out_features)``, or ``(m,)`` when
    ``out_features == 1``.  A dtype or device other than the network's is refused, never
    cast.

    Examples
    --------
    >>> import torch
    >>> net = MLP(2, (8, 8), seed=0)
    >>> net(torch.zeros(5, 2, dtype=torch.float64)).shape
    torch.Size([5])
    """

    def __init__(
        self,
        in_features: int,
        hidden: Sequence[int] = (50, 50, 50),
        out_features: int = 1,
        *,
        activation: str = "tanh",
        init: str = "xavier_normal",
        seed: int | None = None,
        dtype: torch.dtype = torch.float64,
        device: str | torch.device | None = None,
    ) -> None:
        super().__init__()
        in_features = _check_size(in_features, "in_features")
        out_features = _check_size(out_features, "out_features")
        if isinstance(hidden, (int, str)) or not isinstance(hidden, Sequence) or not hidden:
            raise TypeError(f"`hidden` must be a non-empty sequence of widths, e.g. (50, 50, "
                            f"50); got {hidden!r}.")
        widths = [_check_size(h, f"hidden[{k}]") for k, h in enumerate(hidden)]
        self.activation = check_choice(activation, "activation", tuple(_ACTIVATIONS))
        self.init = check_choice(init, "init", _INITS)
        dtype = _check_dtype(dtype)
        device = torch.device("cpu") if device is None else _check_device(device)
        sizes = [in_features, *widths, out_features]
        count = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
        _check_budget(count, {"in_features": in_features, "hidden": max(widths),
                              "layers": len(widths)}, "an MLP")
        self.sizes = tuple(sizes)
        gen = None
        if seed is not None:
            gen = torch.Generator(device="cpu").manual_seed(check_int(seed, "seed"))
        self.layers = nn.ModuleList()
        for a, b in itertools.pairwise(sizes):
            lin = torch.nn.utils.skip_init(nn.Linear, a, b, dtype=dtype, device="cpu")
            with torch.no_grad():
                if self.init == "xavier_normal":
                    std = math.sqrt(2.0 / (a + b))
                    lin.weight.copy_(torch.randn(b, a, generator=gen, dtype=dtype) * std)
                    lin.bias.zero_()
                else:  # PyTorch's default, drawn from the private generator
                    bound = 1.0 / math.sqrt(a)
                    lin.weight.copy_((torch.rand(b, a, generator=gen, dtype=dtype) * 2 - 1)
                                     * bound)
                    lin.bias.copy_((torch.rand(b, generator=gen, dtype=dtype) * 2 - 1) * bound)
            self.layers.append(lin)
        self.to(device)

    @property
    def dtype(self) -> torch.dtype:
        return self.layers[0].weight.dtype

    @property
    def device(self) -> torch.device:
        return self.layers[0].weight.device

    def forward(self, x: Tensor) -> Tensor:
        """The network at the rows of ``x`` (shape ``(m, in_features)``)."""
        check_tensor(x, "x", dtype=self.dtype, device=self.device, owner="the network")
        if x.ndim != 2 or x.shape[1] != self.sizes[0]:
            raise ValueError(f"`x` must have shape (m, {self.sizes[0]}), got "
                             f"{tuple(x.shape)}.")
        act = _ACTIVATIONS[self.activation]
        h = x
        for lin in self.layers[:-1]:
            h = act(lin(h))
        out = self.layers[-1](h)
        return out[:, 0] if self.sizes[-1] == 1 else out

    def config(self) -> dict[str, Any]:
        """The sizes and choices that rebuild this network (for checkpoints)."""
        return {"in_features": self.sizes[0], "hidden": list(self.sizes[1:-1]),
                "out_features": self.sizes[-1], "activation": self.activation,
                "init": self.init}

    def extra_repr(self) -> str:
        return f"sizes={self.sizes}, activation={self.activation!r}, init={self.init!r}"
