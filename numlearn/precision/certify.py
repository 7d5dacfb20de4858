r"""The oracle's verdict on a pair of values: agreement, rounding and its certificate.

:func:`~numlearn.precision.oracle.two_precision` computes every value at two
precisions; this module decides what the pair proves: the relative disagreement, the
float64 rounding of the check-precision value (:func:`round_to_float64`, once, also
in the subnormal range) and whether that rounding is certified to be the correct
rounding of the true value (Ziv's test).  It also holds what the oracle returns
(:class:`OracleResult`) and raises (:class:`OracleDisagreementError`).

References
----------
.. [1] J.-M. Muller et al., *Handbook of Floating-Point Arithmetic*, 2nd ed.,
   Birkhauser 2018, sections 2.2 (double rounding) and 10.3 (Ziv's rounding test).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
from mpmath.libmp import from_float, mpf_sub, round_nearest, to_float
from numpy.typing import NDArray

__all__ = ["OracleDisagreementError", "OracleResult", "round_to_float64"]

_TINY = 2.0**-1022  # smallest normal float64


class OracleDisagreementError(ArithmeticError):
    """The two working precisions of the oracle disagree at a point.

    Attributes
    ----------
    index : int or tuple of int
        Index of the first offending point in the input array.
    point : float
        The point itself.
    low, high : mpmath.mpf
        The values at the working and at the check precision.
    count : int
        How many points disagree in total.
    """

    def __init__(
        self, message: str, *, index: Any, point: float, low: Any, high: Any, count: int
    ) -> None:
        super().__init__(message)
        self.index = index
        self.point = point
        self.low = low
        self.high = high
        self.count = count


@dataclass(frozen=True)
class OracleResult:
    """What the oracle returns.

    Attributes
    ----------
    values : ndarray of float64
        The check-precision values rounded to float64 (correctly rounded where
        ``rounding_certified``), same shape as the points.
    mp_values : ndarray of object
        The check-precision values as ``mpmath.mpf``, same shape.
    rel_disagreement : ndarray of float64
        ``|low - high| / |high|`` per point: an estimate of the relative error of the
        working-precision value (0 where both are exactly equal; NaN where the
        function returned a float64, which the two precisions cannot check).
    rounding_certified : ndarray of bool
        Whether ``values`` is proven (up to the error estimate) to be the correctly
        rounded float64 of the true value.
    dps, check_dps : int
        The two working precisions, in decimal digits.
    digits : int
        The agreement demanded, in significant decimal digits.
    """

    values: NDArray[np.float64]
    mp_values: NDArray[np.object_]
    rel_disagreement: NDArray[np.float64]
    rounding_certified: NDArray[np.bool_]
    dps: int
    check_dps: int
    digits: int

    @property
    def agreement_digits(self) -> float:
        """The worst agreement over all points, in decimal digits (``inf`` if exact,
        NaN if some value could not be checked)."""
        worst = float(np.max(self.rel_disagreement, initial=0.0))
        return math.inf if worst == 0.0 else -math.log10(worst)


def round_to_float64(v: Any) -> float:
    """Round an ``mpmath.mpf`` to the nearest float64 (ties to even), once.

    ``float(mpf)`` in mpmath rounds the binary mantissa of the mpf to 53 bits with
    round-to-nearest-even and scales it exactly with ``math.ldexp``: it is the correct
    rounding of the mpf's binary value for normal results.  In the subnormal range the
    53-bit rounding would be followed by a second rounding inside ``ldexp`` (double
    rounding), so there we round once, to the grid of multiples of ``2**-1074``.

    Note that the mpf is itself a rounding of the true value to the working precision:
    true -> p bits -> 53 bits.  That double rounding differs from the direct rounding
    only when the true value lies within ``2**-p`` (relative) of a float64 rounding
    boundary; the oracle's certificate (:class:`OracleResult`, ``rounding_certified``)
    excludes exactly these cases.

    ``v`` may also be an int or a float (returned rounded the same way); infinities
    round to themselves.  Raises `TypeError` for anything else (bools, strings,
    complex, None) and `ValueError` for NaN, which has no nearest float64 to certify.
    """
    if isinstance(v, bool | np.bool_) or not isinstance(v, mpmath.mpf | numbers.Real):
        raise TypeError(f"`v` must be a real number (an mpmath.mpf, int or float), got "
                        f"{type(v).__name__} {v!r}.")
    if mpmath.isnan(v):
        raise ValueError("`v` is NaN; only a real number can be rounded to float64.")
    f = float(v)
    if abs(f) >= _TINY or math.isinf(f) or not v:
        return f
    # Subnormal or underflowed: one rounding to an integer multiple of 2**-1074.
    # ldexp by a power of two is exact; nint rounds half to even.
    n = int(mpmath.nint(mpmath.ldexp(v, 1074)))
    return math.copysign(math.ldexp(n, -1074), v)


def _exact_check(lo: Any, hi: Any, prec: int) -> tuple[float, float, bool]:
    """Slow path of :func:`_check` in full mpmath: relative difference, float, certificate.

    Used where float arithmetic on the differences could underflow or overflow (zero,
    subnormal, huge or infinite values).
    """
    diff = abs(lo - hi)
    rel = float(diff / abs(hi)) if hi else (0.0 if not lo else math.inf)
    # Ziv's test: the true value is assumed within `bound` of `hi` (the observed
    # disagreement, plus a few ulps of `hi` in case the two coincide); certified if
    # that whole interval rounds to a single float64.
    bound = diff + abs(hi) * mpmath.ldexp(1, 8 - prec)
    f = round_to_float64(hi)
    cert = f == round_to_float64(hi - bound) == round_to_float64(hi + bound)
    return rel, f, bool(cert)


def _check(
    lo_vals: Sequence[Any], hi_vals: Sequence[Any], prec: int
) -> tuple[NDArray[np.float64], ...]:
    """Relative disagreement, float64 rounding, rounding certificate of ``hi_vals``, and
    the absolute disagreement ``|lo - hi|`` (to 64 bits).

    The fast path works on mpmath's raw ``(sign, man, exp, bc)`` tuples (``libmp``),
    which avoids the ~1 microsecond of wrapper overhead per mpf operation, and then
    decides in NumPy: the true value ``y`` is assumed to satisfy
    ``|y - hi| <= B = |lo - hi| + 2**(8 - prec) |hi|``; the float64 ``f`` nearest to
    ``hi`` is then the correct rounding of ``y`` if the interval ``hi +- B`` stays
    strictly between the midpoints from ``f`` to its two float64 neighbours (Ziv's
    rounding test).
    """
    n = len(hi_vals)
    d = np.empty(n)  # lo - hi
    f = np.empty(n)  # hi rounded to float64
    r = np.empty(n)  # hi - f, the rounding residual
    for k, (lo, hi) in enumerate(zip(lo_vals, hi_vals, strict=True)):
        h = hi._mpf_
        fk = to_float(h, rnd=round_nearest)
        f[k] = fk
        # 64 bits are plenty for a difference that only enters tolerance tests.
        d[k] = to_float(mpf_sub(lo._mpf_, h, 64, round_nearest))
        r[k] = to_float(mpf_sub(h, from_float(fk), 64, round_nearest))
    af = np.abs(f)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rel = np.abs(d) / af
        # Residual and the float64 gaps, measured in the direction of growing magnitude.
        res = r * np.sign(f)
        up = np.nextafter(af, np.inf) - af
        down = af - np.nextafter(af, 0.0)
        # The factor 1 + 1e-14 covers the float rounding of this very test.
        bound = (np.abs(d) + af * 2.0 ** (8 - prec)) * (1.0 + 1e-14) + np.abs(r) * 1e-14
        cert = (res + bound < 0.5 * up) & (res - bound > -0.5 * down)
    # Zero, subnormal-range, huge and infinite values take the exact mpmath path.
    slow = ~((af >= 2.0**-900) & (af <= 2.0**1000))
    for k in np.flatnonzero(slow).tolist():
        rel[k], f[k], cert[k] = _exact_check(lo_vals[k], hi_vals[k], prec)
    return rel, f, cert, np.abs(d)
