"""The quadrature window and the limits of the float64 Burgers solution.

:func:`window_for` (the window's half-width for a viscosity), the accepted range of
``nu`` (:data:`NU_MIN`, :data:`NU_MAX`) and the node budget (:data:`MAX_NODES`) of
:func:`numlearn.problems.burgers.burgers_solution`, which re-exports them; the
derivation is in that module's docstring.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from numlearn._core.validation import check_int, check_positive

__all__ = ["MAX_NODES", "NU_MAX", "NU_MIN", "WINDOW", "check_nu", "check_quadrature",
           "window_for"]

WINDOW = 14.0  # |x - y| <= WINDOW sqrt(4 nu t), at least (see window_for)
_TAIL = 60.0  # the window's truncation bound: relative e^(2a - L^2) <= e^(-_TAIL)

NU_MIN = 1e-5
"""The smallest viscosity the float64 solution accepts (``a = 1/(2 pi nu)`` = 15915);
verified against the mpmath oracle down to it, inside the front included."""

NU_MAX = 1e100
"""The largest viscosity the float64 solution accepts: it keeps the scale
``4 nu / sqrt(4 nu t)`` finite for every positive float64 ``t`` (a larger ``t`` is
refused by ``MAX_NODES`` long before)."""

MAX_NODES = 10**7
"""The most quadrature nodes per point the float64 solution uses (about
``11200 sqrt(4 nu t)`` for ``sqrt(4 nu t) > 0.05``, ``40 sqrt(2a + 60)`` for small
``nu``); a time and viscosity that need more are refused before anything is allocated."""


def window_for(nu: float) -> float:
    r"""The default half-width of the quadrature window, in units of :math:`\sqrt{4\nu t}`.

    :math:`L = \max(14, \sqrt{2a + 60})`, :math:`a = 1/(2\pi\nu)`: the integrand is at
    most :math:`e^{a - \zeta^2}` and the denominator at least :math:`e^{-a}\sqrt\pi`, so
    cutting at :math:`|\zeta| = L` changes ``u`` by a relative
    :math:`e^{2a - L^2}/(L\sqrt\pi) \le e^{-60}`.  14 for the benchmark's ``nu``
    (:math:`a = 50`), 57 for ``nu = 1e-4``, 179 for ``nu = 1e-5``.
    """
    a = 1.0 / (2.0 * math.pi * nu)
    return max(WINDOW, math.sqrt(2.0 * a + _TAIL))


def check_nu(nu: Any) -> float:
    """``nu`` as a float in ``[NU_MIN, NU_MAX]``, else `TypeError`/`ValueError` naming it."""
    nu_f = check_positive(nu, "nu")
    if nu_f > NU_MAX:
        raise ValueError(
            f"`nu` = {nu_f!r} is above NU_MAX = {NU_MAX:g}: the quadrature's scale "
            "4 nu / sqrt(4 nu t) would overflow for small t; use a smaller `nu`."
        )
    if nu_f < NU_MIN:
        raise ValueError(
            f"`nu` = {nu_f!r} is below NU_MIN = {NU_MIN:g}, the smallest viscosity the "
            "float64 Cole-Hopf quadrature is verified for (its window grows like "
            "1/sqrt(nu) and its exponents like 1/nu); use "
            "numlearn.problems.burgers_mp.burgers_solution_mp for smaller `nu`."
        )
    return nu_f


def check_quadrature(
    nu: float, resolution: Any, window: Any, t_max: float
) -> tuple[int, float]:
    r"""Validated ``(resolution, window)``; refuses a rule of more than MAX_NODES nodes.

    ``window=None`` is :func:`window_for`; an explicit window narrower than
    :math:`\sqrt{2a + 60}` is used as given, with a `RuntimeWarning` (its
    truncation error is not negligible).
    """
    res = check_int(resolution, "resolution", minimum=1)
    need = window_for(nu)
    if window is None:
        win = need
    else:
        win = check_positive(window, "window")
        floor = math.sqrt(2.0 / (2.0 * math.pi * nu) + _TAIL)
        if win < floor:
            warnings.warn(
                f"`window` = {win:g} is narrower than sqrt(2a + 60) = {floor:.4g} for "
                f"`nu` = {nu:g}: the truncated tails may change u by up to "
                f"exp(2a - window^2) relative; pass window=None for the default "
                f"{need:.4g}.",
                RuntimeWarning,
                stacklevel=3,
            )
    if t_max > 0.0:
        s = math.sqrt(nu) * 2.0 * math.sqrt(t_max)
        nodes = win * res * max(1.0, s / 0.05) + 1.0  # as the kernel's ceil(win/eta) + 1
        if not nodes <= MAX_NODES:  # inf for nu near the float64 limit
            raise ValueError(
                f"`t` = {t_max:g} with `nu` = {nu:g}, `resolution` = {res} and `window` = "
                f"{win:.4g} needs {nodes:.3g} quadrature nodes per point, more than "
                f"MAX_NODES = {MAX_NODES:.0e} (about 11200 sqrt(4 nu t) nodes once "
                "sqrt(4 nu t) > 0.05); use a smaller `t` or `nu`."
            )
    return res, win
