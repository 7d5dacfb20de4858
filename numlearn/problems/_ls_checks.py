"""Parameter and size checks of the least-squares samplers (:mod:`numlearn.problems.least_squares`).

Shared by the samplers and by :class:`~numlearn.problems.least_squares.LeastSquaresFamily`,
which checks a family's parameters when it is made, before anything is drawn.
"""

from __future__ import annotations

from typing import Any

from numlearn._core.validation import check_int, check_positive, check_real

__all__ = [
    "MAX_BYTES",
    "MAX_KAPPA",
    "check_family_params",
    "check_kappa",
    "check_scale",
    "check_sigma",
    "check_sizes",
]

#: The most bytes a sampler's ``A`` (``batch * n * d`` float64) may take: 4 GiB.
MAX_BYTES: int = 2**32

#: The range of ``scale`` and ``sigma``: squares of the data and of the errors
#: ``||x - x*||^2`` must stay normal float64 numbers.
_MAX_SCALE = 1e150

#: The largest ``kappa``: beyond ``1/eps`` the stored ``A`` is numerically singular and
#: ``x*`` no longer the least-squares solution of the stored ``(A, b)`` in any sense.
MAX_KAPPA: float = 1e15


def check_sizes(batch: Any, n: Any, d: Any, *, tall: bool = True) -> tuple[int, int, int]:
    """``(batch, n, d)`` as ints >= 1 (``n >= d`` if ``tall``) whose ``A`` fits MAX_BYTES."""
    B = check_int(batch, "batch", minimum=1)
    n = check_int(n, "n", minimum=1)
    d = check_int(d, "d", minimum=1)
    if tall and n < d:
        raise ValueError(
            f"`n` = {n} < `d` = {d}: the samplers make overdetermined or square systems "
            "(n >= d), which have a unique least-squares solution; swap or raise `n`."
        )
    size = B * n * d * 8
    if size > MAX_BYTES:
        raise ValueError(
            f"`batch` * `n` * `d` = {B} * {n} * {d} float64 entries of `A` take "
            f"{size / 2**30:.3g} GiB, more than MAX_BYTES = {MAX_BYTES / 2**30:g} GiB; "
            "draw fewer or smaller problems (or several batches with different seeds)."
        )
    return B, n, d


def check_kappa(kappa: Any) -> float:
    """``kappa`` as a float in ``[1, MAX_KAPPA]``, else `TypeError`/`ValueError` naming it."""
    k = check_real(kappa, "kappa")
    if not 1.0 <= k <= MAX_KAPPA:
        raise ValueError(
            f"`kappa` must lie in [1, {MAX_KAPPA:g}], got {kappa!r}: beyond ~1/eps the "
            "stored A is numerically singular and x* is not the least-squares solution "
            "of the stored (A, b)."
        )
    return k


def check_scale(scale: Any) -> float:
    """``scale`` in ``[1e-150, 1e150]`` (its square, in the errors, must stay normal)."""
    v = check_positive(scale, "scale")
    if not 1.0 / _MAX_SCALE <= v <= _MAX_SCALE:
        raise ValueError(f"`scale` must lie in [1e-150, 1e150] (squared errors must stay "
                         f"in float64 range), got {scale!r}.")
    return v


def check_sigma(sigma: Any) -> float:
    """``sigma`` in ``[0, 1e150]``."""
    v = check_positive(sigma, "sigma", allow_zero=True)
    if v > _MAX_SCALE:
        raise ValueError(f"`sigma` must lie in [0, 1e150] (squared residuals must stay in "
                         f"float64 range), got {sigma!r}.")
    return v


def check_family_params(family: str, batch: int, params: dict[str, Any]) -> None:
    """Validate a family's parameters without drawing (the samplers' own checks)."""
    known = {"paper": {"n", "d"}, "shape": {"n", "d"}, "cond": {"n", "d", "kappa"},
             "scaled": {"n", "d", "scale"}, "noisy": {"n", "d", "sigma"}}[family]
    unknown = set(params) - known
    if unknown:
        raise ValueError(
            f"`params` of family {family!r} may set {sorted(known)}; got unknown "
            f"{sorted(unknown)}."
        )
    defaults = {"paper": (20, 5), "shape": (40, 10)}.get(family, (20, 5))
    check_sizes(batch, params.get("n", defaults[0]), params.get("d", defaults[1]))
    for name, check in (("kappa", check_kappa), ("scale", check_scale),
                        ("sigma", check_sigma)):
        if name in params:
            check(params[name])
