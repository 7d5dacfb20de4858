r"""Auxiliary probes for training (``TrainConfig.aux_weight``): linear read-outs of
the intermediate quantities of a gradient-descent route from a model's residual
stream (deep supervision; Lee, Xie, Gallagher, Zhang, Tu, AISTATS 2015).

``"normal_equations"`` reads the upper triangle of :math:`M = A^\top A/n` and
:math:`c = A^\top b/n` at the last position before the last layer; ``"residuals"``
reads the row residuals :math:`r_t = a_t^\top x - b_t` after layer L-2 and the per-row
gradients :math:`r_t a_t` after layer L-1 at every row token.  The probes are seeded and
discarded after training.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

#: Auxiliary probes and how many of the last layers each reads before (the streams
#: after layers L-k, ..., L-1): the one place the probes' depths are set.
_AUX_PROBES = {"normal_equations": 1, "residuals": 2}


def _normal_equation_stats(A: Tensor, b: Tensor) -> Tensor:
    """Upper triangle of :math:`A^\top A/n` and :math:`A^\top b/n`, shape
    (batch, d(d+1)/2 + d): the normal-equation probe's targets."""
    n, d = A.shape[-2:]
    M = A.transpose(-1, -2) @ A / n
    iu = torch.triu_indices(d, d, device=A.device)
    c = (A.transpose(-1, -2) @ b.unsqueeze(-1)).squeeze(-1) / n
    return torch.cat([M[:, iu[0], iu[1]], c], dim=1)


class _AuxProbe:
    """Linear read-outs of a GD route's intermediate quantities from the residual
    stream (``TrainConfig.aux_probe``); seeded, and discarded after training."""

    def __init__(self, config: Any) -> None:  # a numlearn.learned.config.TrainConfig
        d, W, L = config.d, config.width, config.n_layers
        self.kind = config.aux_probe
        depth = _AUX_PROBES[self.kind]
        self.layers = tuple(range(L - depth, L))
        fk = {"dtype": config.torch_dtype, "device": config.device}
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed + 2)
            if self.kind == "normal_equations":
                self.heads = [nn.Linear(W, d * (d + 1) // 2 + d, **fk)]
            else:
                self.heads = [nn.Linear(W, 1, **fk), nn.Linear(W, d, **fk)]

    def parameters(self) -> list[Tensor]:
        return [p for h in self.heads for p in h.parameters()]

    def loss(self, hidden: tuple[Tensor, ...], A: Tensor, b: Tensor, x: Tensor) -> Tensor:
        """Sum over heads of the relative squared error (against the targets' spread)."""
        if self.kind == "normal_equations":
            pairs = [(hidden[0][:, -1], _normal_equation_stats(A, b))]
        else:
            r = A @ x.unsqueeze(-1) - b.unsqueeze(-1)  # (batch, n, 1)
            pairs = [(hidden[0][:, 1:], r), (hidden[1][:, 1:], r * A)]
        total = hidden[0].new_zeros(())
        for head, (h, t) in zip(self.heads, pairs, strict=True):
            spread = ((t - t.mean(dim=tuple(range(t.ndim - 1)))) ** 2).sum()
            total = total + ((head(h) - t) ** 2).sum() / spread
        return total
