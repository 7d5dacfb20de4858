"""Argument checks shared by the strategies: each refuses an impossible parameter
when the strategy is built (not at the first draw), naming the argument."""

from __future__ import annotations

from typing import Any

from numlearn._core.validation import check_int, check_real

#: Largest size a strategy draws (nodes, degree + 1, points): hypothesis draws at most
#: a few thousand list elements per example, so larger bounds could never be reached,
#: and a typo such as ``2**40`` would make every draw fail or hang.
MAX_DRAW = 10_000


def check_sizes(min_n: Any, max_n: Any, *, minimum: int = 1, names: tuple[str, str] = (
        "min_n", "max_n"), maximum: int = MAX_DRAW) -> tuple[int, int]:
    """``(min_n, max_n)`` as ints with ``minimum <= min_n <= max_n <= maximum``."""
    lo_name, hi_name = names
    lo = check_int(min_n, lo_name, minimum=minimum, maximum=maximum)
    hi = check_int(max_n, hi_name, minimum=minimum, maximum=maximum)
    if hi < lo:
        raise ValueError(f"`{hi_name}` must be >= `{lo_name}`, got {lo_name}={lo}, "
                         f"{hi_name}={hi}.")
    return lo, hi


def check_pair(value: Any, name: str) -> tuple[float, float]:
    """``value`` as a range ``(lo, hi)`` of two finite reals with ``lo <= hi``."""
    if isinstance(value, str | bytes) or not isinstance(value, tuple | list) or len(value) != 2:
        raise TypeError(f"`{name}` must be a range (lo, hi) of two numbers, got {value!r}.")
    lo, hi = (check_real(v, f"{name}[{i}]") for i, v in enumerate(value))
    if hi < lo:
        raise ValueError(f"`{name}` must be a range (lo, hi) with lo <= hi, got {value!r}.")
    return lo, hi
