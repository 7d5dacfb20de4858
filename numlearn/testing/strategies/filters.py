"""Hypothesis strategies for long-convolution filters (:class:`FilterBank`).

Each strategy draws the family's parameters and a seed through hypothesis, then builds
the bank with :mod:`numlearn.problems.filters`, so failures shrink and replay.

- :func:`modal_filter_banks`: exact low-order modal filters (known poles, residues,
  feedthrough), optionally with relative noise: the exact-recovery oracle;
- :func:`hyena_filter_banks`: Hyena implicit filters at random initialisations;
- :func:`filter_banks`: any family of :data:`~numlearn.problems.filters.FILTER_FAMILIES`.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

from numlearn._core.validation import check_positive
from numlearn.problems.filters import (
    FILTER_FAMILIES,
    HYENA_DECAY,
    FilterBank,
    filter_bank,
    hyena_filters,
    random_modal_filters,
)
from numlearn.testing.strategies._checks import check_pair, check_sizes

__all__ = ["filter_banks", "hyena_filter_banks", "modal_filter_banks"]

_SEEDS = st.integers(0, 2**32 - 1)


def modal_filter_banks(
    min_order: int = 1,
    max_order: int = 4,
    *,
    channels: tuple[int, int] = (1, 3),
    length: tuple[int, int] = (64, 256),
    radius: tuple[float, float] = (0.5, 0.95),
    noise: float = 0.0,
) -> st.SearchStrategy[FilterBank]:
    """Real modal filters with ``d`` conjugate pole pairs, ``min_order <= d <= max_order``.

    The bank carries its exact poles, residues and feedthrough.  ``length`` is raised to
    ``4 d + 2`` taps where needed (enough for the order to be identifiable).

    Parameters
    ----------
    min_order, max_order : int
        Range of the complex modes per filter.
    channels, length : (int, int)
        Ranges of ``C`` and ``L``.
    radius : (float, float)
        Range of the pole moduli, ``0 < lo <= hi < 1``.
    noise : float
        Relative white noise (``>= 0``).
    """
    d_lo, d_hi = check_sizes(min_order, max_order, names=("min_order", "max_order"),
                             maximum=256)
    c_lo, c_hi = check_sizes(*channels, names=("channels[0]", "channels[1]"), maximum=64)
    l_lo, l_hi = check_sizes(*length, minimum=2, names=("length[0]", "length[1]"),
                             maximum=8192)
    r_lo, r_hi = check_pair(radius, "radius")
    if not 0.0 < r_lo <= r_hi < 1.0:
        raise ValueError(f"`radius` must satisfy 0 < lo <= hi < 1, got {radius!r}.")
    noise = check_positive(noise, "noise", allow_zero=True)

    @st.composite
    def _bank(draw: st.DrawFn) -> FilterBank:
        d = draw(st.integers(d_lo, d_hi))
        C = draw(st.integers(c_lo, c_hi))
        L = max(draw(st.integers(l_lo, l_hi)), 4 * d + 2)
        return random_modal_filters(C, L, d, radius=(r_lo, r_hi), noise=noise,
                                    seed=draw(_SEEDS))

    return _bank()


def hyena_filter_banks(
    *,
    channels: tuple[int, int] = (1, 4),
    length: tuple[int, int] = (32, 512),
    decay: tuple[float, float] | None = None,
) -> st.SearchStrategy[FilterBank]:
    """Hyena implicit filters (random MLP weights) with a drawn decay rate.

    ``decay`` is the range of ``|delta|`` (default: the recipe's range
    ``(ln(100)/1.5, ln(100)/0.3)``), drawn log-uniformly.
    """
    c_lo, c_hi = check_sizes(*channels, names=("channels[0]", "channels[1]"), maximum=64)
    l_lo, l_hi = check_sizes(*length, minimum=2, names=("length[0]", "length[1]"),
                             maximum=8192)
    if decay is None:
        decay = (HYENA_DECAY["slow"], HYENA_DECAY["fast"])
    k_lo, k_hi = check_pair(decay, "decay")
    if not 0.0 < k_lo <= k_hi < math.inf:
        raise ValueError(f"`decay` must satisfy 0 < lo <= hi, got {decay!r}.")

    @st.composite
    def _bank(draw: st.DrawFn) -> FilterBank:
        rate = math.exp(draw(st.floats(math.log(k_lo), math.log(k_hi))))
        return hyena_filters(draw(st.integers(c_lo, c_hi)), draw(st.integers(l_lo, l_hi)),
                             decay=rate, seed=draw(_SEEDS))

    return _bank()


def filter_banks(
    families: Any = None,
    *,
    channels: tuple[int, int] = (1, 4),
    length: tuple[int, int] = (32, 512),
) -> st.SearchStrategy[FilterBank]:
    """A bank of one of ``families`` (names of ``FILTER_FAMILIES``; default all)."""
    names = list(FILTER_FAMILIES) if families is None else list(families)
    if not names:
        raise ValueError("`families` must name at least one filter family.")
    unknown = [n for n in names if n not in FILTER_FAMILIES]
    if unknown:
        raise ValueError(f"`families` has unknown names {unknown}; known: "
                         f"{', '.join(FILTER_FAMILIES)}.")
    c_lo, c_hi = check_sizes(*channels, names=("channels[0]", "channels[1]"), maximum=64)
    l_lo, l_hi = check_sizes(*length, minimum=8, names=("length[0]", "length[1]"),
                             maximum=8192)

    @st.composite
    def _bank(draw: st.DrawFn) -> FilterBank:
        return filter_bank(draw(st.sampled_from(names)), draw(st.integers(c_lo, c_hi)),
                           draw(st.integers(l_lo, l_hi)), seed=draw(_SEEDS))

    return _bank()
