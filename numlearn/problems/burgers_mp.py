r"""The two-precision mpmath oracle of the viscous Burgers solution.

The Cole–Hopf mean of :mod:`numlearn.problems.burgers`, evaluated by the trapezoidal
rule in mpmath at two working precisions (the second with a finer rule), on the
engine :func:`numlearn.precision.two_precision`: the reference against which the
float64 kernel :func:`~numlearn.problems.burgers.burgers_solution` and the shipped
Burgers data are verified.
"""

from __future__ import annotations

import numbers
from typing import Any

import mpmath
import numpy as np

from numlearn._core.validation import check_int
from numlearn.precision.oracle import OracleDisagreementError, two_precision

__all__ = ["burgers_front_slope_mp", "burgers_solution_mp"]


def _mp_cole_hopf(t: Any, x: Any, nu: Any, refine: float = 1.0) -> Any:
    r"""The Cole–Hopf mean at the current mpmath precision, by the trapezoidal rule.

    The *direct* form: nodes :math:`\zeta_j = j\eta`, :math:`|j| \le J`, weights
    :math:`\exp(-\zeta^2 - a\cos\pi(x - s\zeta) + a)`, no pairing or splitting of the
    cosine (so it shares no algebra with the float64 kernel beyond the integral
    itself).  Window and step are chosen for a relative error
    :math:`\tau = 2^{-\mathrm{prec}}` of the two sums:

    * window :math:`L^2 \ge 2a + \ln(1/\tau) + 5` (integrand :math:`\le e^{a - \zeta^2}`,
      denominator :math:`\ge e^{-a}\sqrt\pi`);
    * step :math:`\eta = 2\pi/\Xi`, :math:`\Xi \ge 4\sqrt{2a + \ln(1/\tau) + 5}` and
      :math:`\Xi \ge 2\pi s n_0`, :math:`n_0` the first ``n`` with
      :math:`\ln\big[(a/2)^n e^{a^2/(4(n+1))}/n!\big] + 2a < \ln\tau - 5` (a bound
      on :math:`I_n(a) e^{a}`): the trapezoidal error is the Fourier transform of the
      integrand at multiples of :math:`\Xi`, which is
      :math:`\sqrt\pi\sum_n (-1)^n I_n(a) e^{-(\Xi - \pi n s)^2/4}` (Poisson summation);
    * ``refine`` multiplies :math:`\Xi` and :math:`L^2` (the check computation uses
      1.3: a different, finer rule).
    """
    if t == 0:
        return -mpmath.sinpi(x)
    a = 1 / (2 * mpmath.pi * nu)
    s = mpmath.sqrt(4 * nu * t)
    ln_inv_tau = mpmath.mp.prec * mpmath.log(2)
    L = mpmath.sqrt((2 * a + ln_inv_tau + 5) * refine)
    n0 = int(a) + 1
    while (n0 * mpmath.log(a / 2) - mpmath.loggamma(n0 + 1) + a * a / (4 * (n0 + 1))
           + 2 * a) >= -ln_inv_tau - 5:
        n0 += 1
    xi = max(4 * mpmath.sqrt(2 * a + ln_inv_tau + 5), 2 * mpmath.pi * s * n0) * refine
    eta = 2 * mpmath.pi / xi
    half = int(mpmath.ceil(L / eta))
    num = mpmath.mpf(0)
    den = mpmath.mpf(0)
    for j in range(-half, half + 1):
        z = j * eta
        w = mpmath.exp(a - z * z - a * mpmath.cospi(x - s * z))
        num += z * w
        den += w
    return (4 * nu / s) * (num / den)


def _as_mpf(value: Any, name: str) -> Any:
    """``value`` (a real number, a decimal string or an mpf) as a finite ``mpf``, exactly.

    Bools, complex numbers, sequences and strings that are not numbers are refused
    (`TypeError`/`ValueError` naming ``name``), as are NaN and infinities.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(
            value, numbers.Real | str | mpmath.mpf):
        raise TypeError(
            f"`{name}` must be a real number, a decimal string or an mpf, got "
            f"{type(value).__name__} {value!r}."
        )
    try:
        v = mpmath.mpf(value)
    except (TypeError, ValueError):
        raise ValueError(f"`{name}` must be a number, got the string {value!r}.") from None
    if not mpmath.isfinite(v):
        raise ValueError(f"`{name}` must be finite, got {value!r}.")
    return v


def _mp_nu(nu: Any) -> Any:
    """``nu`` at the current precision: exact ``0.01/pi`` for None, else exact input."""
    return mpmath.mpf(1) / (100 * mpmath.pi) if nu is None else mpmath.mpf(nu)


def _extra_digits(t: Any, nu: Any) -> int:
    """Digits lost to the cancellation of the +-zeta halves, ``log10(4 nu 20 / s)``."""
    with mpmath.workdps(20):
        if t == 0:
            return 0
        s = mpmath.sqrt(4 * _mp_nu(nu) * mpmath.mpf(t))
        return max(0, int(mpmath.ceil(mpmath.log10(80 * _mp_nu(nu) / s))))


def burgers_solution_mp(
    t: float | str | Any,
    x: float | str | Any,
    dps: int = 30,
    *,
    nu: float | str | Any | None = None,
    check_dps: int | None = None,
) -> Any:
    r"""The Burgers solution at one point in high precision, checked at two precisions.

    The Cole–Hopf integral (module docstring) by the trapezoidal rule in the direct,
    unpaired form, with a window and step chosen from a priori bounds so that the
    truncation and discretisation errors are below the working precision (see
    :func:`_mp_cole_hopf`).  It is computed twice: at ``dps + 10 + g`` digits with
    one rule and at ``check_dps + 10 + g`` digits with a finer rule and a wider window
    (step 1/1.3, window ×1.14), where ``g = log10(80 nu / sqrt(4 nu t))`` digits make
    up for the cancellation of the :math:`\pm\zeta` halves at small ``t``.  The value
    is returned only if the two agree to :math:`10^{-\mathrm{dps}}` absolutely
    (:math:`|u| \le 1` by the maximum principle).  The two runs and the check are
    those of the oracle engine :func:`numlearn.precision.two_precision` (the rule a
    function of the precision: the finer one at the check precision).

    Parameters
    ----------
    t, x : float, str or mpf
        The point, taken exactly (a float is the binary number it is).  ``t >= 0``.
    dps : int, default 30
        Digits guaranteed (absolute); at least 15.
    nu : float, str or mpf, optional
        Viscosity, taken exactly; default the exact :math:`0.01/\pi` (not its float64
        rounding ``NU``: the difference changes ``u`` by at most ~1e-16).
    check_dps : int, optional
        Precision of the check computation, ``> dps``, default ``2 * dps``.

    Returns
    -------
    mpmath.mpf
        The check computation's value (at ``check_dps`` precision).

    Raises
    ------
    numlearn.precision.OracleDisagreementError
        If the two computations disagree, naming the point.
    ValueError
        NaN/inf, ``t < 0``, ``nu <= 0``, ``dps < 15``, ``check_dps <= dps``.

    Notes
    -----
    Cost: 500-1300 nodes per computation for ``t <= 1``, 0.1-0.2 s per point at
    ``dps = 30`` (both computations, pure-Python mpmath).  A third, independent
    method (``mpmath.quad``, Gauss-Legendre on unit subintervals) agrees to 1e-40 at
    the points recorded in ``reference/pdes/burgers.json``.
    """

    dps = check_int(dps, "dps", minimum=15)
    check = 2 * dps if check_dps is None else check_int(check_dps, "check_dps", minimum=dps + 1)
    with mpmath.workdps(max(check, 30) + 20):
        tm, xm = _as_mpf(t, "t"), _as_mpf(x, "x")
        num = _mp_nu(None) if nu is None else _as_mpf(nu, "nu")
    if tm < 0:
        raise ValueError(f"`t` must be >= 0, got {t!r}.")
    if num <= 0:
        raise ValueError(f"`nu` must be positive, got {nu!r}.")
    g = _extra_digits(tm, nu)
    lo, hi = dps + 10 + g, check + 10 + g

    def cole_hopf(_: Any) -> Any:
        # The rule is a function of the precision: the working precision's rule, and
        # at the check precision a finer step and a wider window (refine 1.3).
        refine = 1.0 if mpmath.mp.dps < hi else 1.3
        return _mp_cole_hopf(+tm, +xm, _mp_nu(nu), refine)

    # Absolute agreement to 10**-dps (|u| <= 1); the relative test at `lo` digits
    # cannot accept more than that.
    try:
        res = two_precision(cole_hopf, [None], dps=(lo, hi), digits=lo,
                            atol=10.0**-dps, points=[(t, x)])
    except OracleDisagreementError as exc:
        raise OracleDisagreementError(
            f"burgers_solution_mp: the {dps}- and {check}-digit computations disagree "
            f"at (t, x) = ({t!r}, {x!r}): {mpmath.nstr(exc.low, dps + 5)} vs "
            f"{mpmath.nstr(exc.high, dps + 5)} (run at {lo} and {hi} digits), more than "
            f"1e-{dps} apart. The trapezoidal rule is not resolved there; raise `dps` "
            "or `check_dps`.",
            index=None, point=(t, x), low=exc.low, high=exc.high, count=1,
        ) from None
    return res.mp_values[0]


def burgers_front_slope_mp(t: float | str | Any, dps: int = 30) -> Any:
    """:math:`u_x(t, 0)` in high precision: ``mpmath.diff`` of the oracle's integral.

    The trapezoidal rule of :func:`burgers_solution_mp` (one rule, exact
    ``nu = 0.01/pi``) differentiated in ``x`` at 0 by mpmath's finite differences at
    raised precision; an independent check of :func:`burgers_front_slope`.  About
    1 s per time at ``dps = 30``.
    """
    dps = check_int(dps, "dps", minimum=15)
    with mpmath.workdps(dps):
        nu = _mp_nu(None)
        tm = _as_mpf(t, "t")
        if tm <= 0:
            raise ValueError(f"`t` must be > 0 for the front slope, got {t!r}.")
        return mpmath.diff(lambda xv: _mp_cole_hopf(tm, xv, nu), 0)
