r"""The problems of the ``distill`` suites (private; :mod:`.distill_suite` re-exports
:class:`DistillProblem` and :func:`distill_problems`).

Two filter families, each with its Hankel singular values (dense: the ``(L-1)``-square
zero-padded Hankel matrix of taps ``1..L-1``, whose singular values are exact for the
FIR filter):

``"hyena"``
    ``hyena_filters(C, L, seed=seed, **HYENA_LM)``: the Hyena implicit-filter recipe at
    its language-model widths (random MLP, decays spread as in the reference code).
``"trained"``
    ``C`` of the long-convolution filters of the small Hyena model trained on
    multi-query associative recall,
    ``hyena_checkpoint(model, task).value.filters(L)`` (``model = HyenaConfig(l_max=L)``
    and ``task = MQARConfig()`` by default: 2 layers x 64 channels x 2048 taps, loaded
    from the checkpoint cache, else trained first, about 5 minutes on 2 cores with a
    progress line).  :func:`select_trained_filters` picks the ``C`` filters.

References
----------
M. Poli et al., "Hyena Hierarchy: Towards Larger Convolutional Language Models",
ICML 2023, arXiv:2302.10866.
S. Arora et al., "Zoology: Measuring and Improving Recall in Efficient Language
Models", arXiv:2312.04927 (the recall task).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from numlearn._core.validation import check_choice, check_int

__all__ = ["DISTILL_FAMILIES", "DISTILL_ORDERS", "SELECT_ORDER", "DistillProblem",
           "distill_problems", "select_trained_filters"]

#: The orders (complex modes) of the issue.
DISTILL_ORDERS: tuple[int, ...] = (2, 4, 8, 16, 32)
#: The filter families (module docstring).
DISTILL_FAMILIES: tuple[str, ...] = ("hyena", "trained")
#: The complex order whose AAK floor ranks the trained filters (the issue's goal order).
SELECT_ORDER = 16


def select_trained_filters(filters: NDArray[np.float64], C: int, *,
                           seed: int = 0) -> list[tuple[int, int]]:
    r"""``C`` filters of a bank ``(layers, width, L)``: ``(layer, channel)`` pairs.

    Each filter is ranked by :math:`\rho = \sigma_{k+1} / \sigma_1` at ``k = 2 *``
    :data:`SELECT_ORDER` (``= 32``, capped at ``L - 2``): its Hankel singular values
    relative to the largest, at the issue's goal order ``d = 16``.  The picks, in order:

    1. the largest :math:`\rho` (the hardest filter: the highest relative AAK floor,
       the slowest Hankel decay);
    2. the smallest :math:`\rho` (the worst-conditioned Hankel matrix, closest to
       numerically low rank: where ERA stops at the rank and :math:`\sigma_{k+1}`
       approaches rounding);
    3. the rest drawn uniformly without replacement (``numpy.random.default_rng(seed)``)
       from the remaining filters, cycling over the layers (layer 0, 1, ..., 0, ...)
       so that they spread over layers and channels.

    Cost: the leading ``k + 1`` singular values of every filter (ARPACK on FFT Hankel
    products for ``L > 1025``, dense below), about 4 s for 128 filters of 2048 taps.
    Raises `ValueError` if ``C`` exceeds the bank.
    """
    from numlearn.classical.reduction.hankel import hankel_singular_values

    bank = np.asarray(filters, dtype=np.float64)
    if bank.ndim != 3:
        raise ValueError(f"`filters` must have shape (layers, width, L), got {bank.shape}.")
    layers, width, L = bank.shape
    C = check_int(C, "C", minimum=1, maximum=layers * width)
    flat = bank.reshape(layers * width, L)
    k = min(2 * SELECT_ORDER, L - 2)
    sigma = np.atleast_2d(hankel_singular_values(flat, k + 1).value)
    rho = sigma[:, k] / np.where(sigma[:, 0] > 0, sigma[:, 0], 1.0)
    picks = [int(np.argmax(rho))]
    low = int(np.argmin(rho))
    if C > 1 and low not in picks:
        picks.append(low)
    rng = np.random.default_rng(seed)
    layer = 0
    while len(picks) < C:
        free = [c for c in range(width) if layer * width + c not in picks]
        if free:
            picks.append(layer * width + int(rng.choice(free)))
        layer = (layer + 1) % layers
    return [divmod(i, width) for i in picks[:C]]


@cache
def _hyena_bank(C: int, L: int, seed: int) -> tuple[NDArray[np.float64], ...]:
    """The Hyena-recipe filters and their Hankel singular values, once per process."""
    from numlearn.classical.reduction.hankel import hankel_singular_values
    from numlearn.problems.filters import HYENA_LM, hyena_filters

    h = hyena_filters(C, L, seed=seed, **HYENA_LM).h
    sigma = np.atleast_2d(hankel_singular_values(h, method="dense").value)
    return h, sigma


@cache
def _trained_bank(C: int, L: int, seed: int, model: Any, task: Any
                  ) -> tuple[NDArray[np.float64], NDArray[np.float64], tuple[tuple[int, int], ...]]:
    """The selected trained filters, their Hankel singular values and their
    ``(layer, channel)``, once per process."""
    from numlearn.classical.reduction.hankel import hankel_singular_values
    from numlearn.learned.reduction.hyena_task import hyena_checkpoint

    bank = hyena_checkpoint(model, task, progress=True).value.filters(L)
    picks = select_trained_filters(bank, C, seed=seed)
    h = np.stack([bank[i, c] for i, c in picks])
    sigma = np.atleast_2d(hankel_singular_values(h, method="dense").value)
    return h, sigma, tuple(picks)


@dataclass(frozen=True)
class DistillProblem:
    """``C`` filters of ``family`` (``"hyena"`` or ``"trained"``), length ``L``, at ``d``
    complex modes; ``seed`` seeds the Hyena-recipe bank, or the random picks among the
    trained filters (:func:`select_trained_filters`), and the fits.

    ``model`` (a ``HyenaConfig``, default ``HyenaConfig(l_max=L)``) and ``task`` (an
    ``MQARConfig``, default ``MQARConfig()``) name the trained model (family
    ``"trained"`` only; ``L <= model.l_max``: the first ``L`` taps).  ``truth()`` is the
    taps ``0..L-1`` of every filter, flattened (``C L`` values).
    """

    d: int
    C: int = 4
    L: int = 2048
    seed: int = 0
    family: str = "hyena"
    model: Any = None
    task: Any = None

    def __post_init__(self) -> None:
        d = check_int(self.d, "d", minimum=1)
        check_int(self.C, "C", minimum=1)
        # ERA's Hankel matrix has (L - 1) // 2 rows, at least the real order 2d
        check_int(self.L, "L", minimum=4 * d + 1)
        check_int(self.seed, "seed")
        family = check_choice(self.family, "family", DISTILL_FAMILIES)
        if family == "hyena":
            for name in ("model", "task"):
                if getattr(self, name) is not None:
                    raise ValueError(f"`{name}` applies to family='trained' only; pass "
                                     f"family='trained' or {name}=None.")
            return
        from numlearn.learned.layers.hyena import HyenaConfig
        from numlearn.learned.reduction.hyena_task import MQARConfig

        model = HyenaConfig(l_max=self.L) if self.model is None else self.model
        task = MQARConfig() if self.task is None else self.task
        if not isinstance(model, HyenaConfig):
            raise TypeError(f"`model` must be a HyenaConfig or None, got "
                            f"{type(model).__name__}.")
        if not isinstance(task, MQARConfig):
            raise TypeError(f"`task` must be an MQARConfig or None, got "
                            f"{type(task).__name__}.")
        model.validate()
        task.validate(model.vocab)
        if self.L > model.l_max:
            raise ValueError(f"`L` = {self.L} exceeds the trained filters' length "
                             f"model.l_max = {model.l_max}; use L <= {model.l_max}.")
        if self.C > model.layers * model.width:
            raise ValueError(f"`C` = {self.C} exceeds the model's {model.layers} x "
                             f"{model.width} filters; use C <= {model.layers * model.width}.")
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "task", task)

    @property
    def name(self) -> str:
        return f"{self.family} C={self.C} L={self.L} d={self.d}"

    @property
    def grid_name(self) -> str:
        what = ("hyena_filters (HYENA_LM)" if self.family == "hyena"
                else "trained Hyena filters (select_trained_filters)")
        return f"taps 0..{self.L - 1} of {self.C} {what}, flattened"

    @property
    def k(self) -> int:
        """The real order ``2d``."""
        return 2 * self.d

    def _bank(self) -> tuple[Any, ...]:
        if self.family == "hyena":
            return _hyena_bank(self.C, self.L, self.seed)
        return _trained_bank(self.C, self.L, self.seed, self.model, self.task)

    def filters(self) -> NDArray[np.float64]:
        """The filters, shape (C, L)."""
        return self._bank()[0]

    def sigma(self) -> NDArray[np.float64]:
        """Their Hankel singular values, shape (C, L - 1)."""
        return self._bank()[1]

    def picks(self) -> tuple[tuple[int, int], ...]:
        """``(layer, channel)`` of each trained filter (empty for ``"hyena"``)."""
        return self._bank()[2] if self.family == "trained" else ()

    def truth(self) -> NDArray[np.float64]:
        return self.filters().ravel()


def distill_problems(orders: Sequence[int] = DISTILL_ORDERS, *, C: int = 4, L: int = 2048,
                     seed: int = 0, family: str = "hyena", model: Any = None,
                     task: Any = None) -> list[DistillProblem]:
    """One problem per order, on one filter bank of ``family``."""
    return [DistillProblem(d, C, L, seed, family, model, task) for d in orders]
