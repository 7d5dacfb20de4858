"""Assertions for numerical tests: closeness in ULPs and to an mpmath oracle.

Failure messages name the worst point (its index and ``x``), the actual and the
expected value, the error in every measure (absolute, relative, ULP) and the
tolerance, so that a failing property test says at once how far off it is.

The oracle comparison evaluates the mpmath function itself, point by point, under
``mpmath.workdps(dps)``, and rounds with ``float()`` (round to nearest); it does not
go through :mod:`numlearn.precision.oracle`, so that the test helpers stay
independent of the code they test.  It is meant for small ``n`` (each point costs
a Python-level mpmath evaluation).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array, check_int, check_positive
from numlearn.precision.metrics import ulp_distance

__all__ = ["assert_close_to_oracle", "assert_ulp_close"]

#: Most mpmath digits :func:`assert_close_to_oracle` accepts (more would not finish).
MAX_DPS = 10_000


def _ulp_distance(a: ArrayLike, b: ArrayLike) -> NDArray[np.uint64]:
    """:func:`numlearn.precision.metrics.ulp_distance`, broadcast and NaN-aware.

    Two NaNs are at distance 0 (NaN was expected and came out); a NaN and a number
    at the largest distance, ``2**64 - 1``.
    """
    x, y = (np.asarray(v) for v in (a, b))
    x, y = (v.astype(np.float64) if v.dtype.kind in "biu" else v for v in (x, y))
    x, y = np.broadcast_arrays(np.atleast_1d(x), np.atleast_1d(y))
    nan_x, nan_y = np.isnan(x), np.isnan(y)
    ok = ~(nan_x | nan_y)
    dist = np.zeros(x.shape, dtype=np.uint64)
    dist[ok] = ulp_distance(x[ok], y[ok])
    dist[nan_x ^ nan_y] = np.iinfo(np.uint64).max
    return dist.reshape(np.broadcast_shapes(np.shape(a), np.shape(b)))


def _real_array(a: ArrayLike, name: str) -> NDArray[Any]:
    """``a`` as a numeric array (NaN and inf allowed: they are compared), else TypeError."""
    arr = np.asarray(a) if not isinstance(a, str | bytes) else np.asarray(a, dtype=object)
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"`{name}` must be an array of numbers, got dtype {arr.dtype}.")
    return arr


def _broadcast(actual: ArrayLike, desired: ArrayLike) -> tuple[NDArray[Any], NDArray[Any]]:
    act, des = _real_array(actual, "actual"), _real_array(desired, "desired")
    try:
        return tuple(np.broadcast_arrays(act, des))  # type: ignore[return-value]
    except ValueError:
        raise ValueError(f"`actual` (shape {act.shape}) and `desired` (shape {des.shape}) "
                         "do not broadcast to one shape; compare arrays of the same "
                         "shape.") from None


def _fmt(v: Any) -> str:
    # repr of a Python float shows the shortest string that round-trips.
    return repr(v.item() if isinstance(v, np.generic) else v)


def _where(shape: tuple[int, ...], flat: int) -> int | tuple[int, ...]:
    idx = np.unravel_index(flat, shape)
    return int(idx[0]) if len(idx) == 1 else tuple(int(i) for i in idx)


def assert_ulp_close(actual: ArrayLike, desired: ArrayLike, max_ulp: int) -> None:
    """Assert that ``actual`` and ``desired`` are within ``max_ulp`` ULPs elementwise.

    Unlike :func:`numpy.testing.assert_array_max_ulp`, the message names the worst
    element: its index, both values, its ULP distance and how many elements fail.
    Distances are counted as in :func:`numlearn.precision.metrics.ulp_distance`
    (in float32 if both inputs are float32, else in float64); NaN where NaN is
    desired passes.

    Parameters
    ----------
    actual, desired : array_like
        Real arrays of broadcastable shapes.
    max_ulp : int
        Largest allowed distance, ``>= 0``.

    Raises
    ------
    AssertionError
        If some element is more than ``max_ulp`` ULPs away.

    Examples
    --------
    >>> assert_ulp_close([1.0, 2.0], [1.0, np.nextafter(2.0, 3.0)], max_ulp=1)
    >>> assert_ulp_close([1.0], [1.0 + 1e-15], max_ulp=2)
    Traceback (most recent call last):
    ...
    AssertionError: 1 of 1 elements differ by more than 2 ULP; worst at index 0: ...
    """
    max_ulp = check_int(max_ulp, "max_ulp", minimum=0, maximum=2**64 - 1)
    act, des = _broadcast(actual, desired)
    dist = _ulp_distance(act, des)
    bad = dist > np.uint64(max_ulp)
    if not bad.any():
        return
    k = int(np.argmax(dist))
    at = _where(dist.shape, k)
    raise AssertionError(
        f"{int(bad.sum())} of {dist.size} elements differ by more than {int(max_ulp)} ULP; "
        f"worst at index {at}: actual {_fmt(act.flat[k])}, desired {_fmt(des.flat[k])}, "
        f"{int(dist.flat[k])} ULP apart (abs error "
        f"{abs(float(act.flat[k]) - float(des.flat[k])):.3e})."
    )


def _oracle_values(
    x: NDArray[np.float64], f_mp: Callable[[Any], Any], dps: int, complex_out: bool
) -> NDArray[Any]:
    out = np.empty(x.shape, dtype=np.complex128 if complex_out else np.float64)
    with mpmath.workdps(dps):
        for idx in np.ndindex(x.shape):
            # mpf(float) is exact; float()/complex() round to nearest.
            v = f_mp(mpmath.mpf(float(x[idx])))
            out[idx] = complex(v) if complex_out else float(v)
    return out


def assert_close_to_oracle(
    actual: ArrayLike,
    x: ArrayLike,
    f_mp: Callable[[Any], Any],
    *,
    rtol: float | None = None,
    atol: float | None = None,
    ulp: int | None = None,
    dps: int = 30,
) -> None:
    r"""Assert that ``actual`` matches ``f_mp(x)`` evaluated in mpmath.

    The expected value at each point is ``float(f_mp(mpf(x_i)))`` under
    ``mpmath.workdps(dps)``: the exact function value correctly rounded to float64,
    as long as ``f_mp`` itself is accurate to ``dps`` digits.  A point passes if it
    meets *any* of the given tolerances:

    - ``|actual - expected| <= atol + rtol * |expected|`` (if ``rtol`` or ``atol``
      is given; the missing one counts as 0), or
    - ``actual`` is at most ``ulp`` floats away from ``expected`` (if ``ulp`` is
      given; counted by :func:`numlearn.precision.metrics.ulp_distance`).

    So ``ulp=4, atol=1e-300`` asks for 4 ULPs except near zeros of ``f``.

    Parameters
    ----------
    actual : array_like
        Computed values, the shape of ``x``.  Complex values are compared in
        absolute and relative error (``ulp`` does not apply to them).
    x : array_like
        The points, real.
    f_mp : callable
        Takes an ``mpmath.mpf`` and returns an ``mpf`` (or ``mpc``), computing at
        the current ``mpmath.mp.dps``; e.g. ``mpmath.exp``, or
        :meth:`SeriesCase.mp_eval <numlearn.testing.SeriesCase.mp_eval>`.
    rtol, atol : float, optional
        Relative and absolute tolerance.
    ulp : int, optional
        Tolerance in units in the last place of the expected value.
    dps : int, optional
        Decimal digits for mpmath (30 by default: float64 needs 17, the rest are
        guard digits against cancellation inside ``f_mp``).

    Raises
    ------
    AssertionError
        If some point fails; the message shows the worst point.
    ValueError
        If no tolerance is given, or the shapes differ.

    Examples
    --------
    >>> import mpmath
    >>> x = np.linspace(0.0, 1.0, 5)
    >>> assert_close_to_oracle(np.exp(x), x, mpmath.exp, ulp=2)
    """
    if rtol is None and atol is None and ulp is None:
        raise ValueError("give at least one tolerance: `rtol`, `atol` or `ulp`.")
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if tol is not None:
            check_positive(tol, name, allow_zero=True)
    if ulp is not None:
        ulp = check_int(ulp, "ulp", minimum=0, maximum=2**64 - 1)
    if not callable(f_mp):
        raise TypeError(f"`f_mp` must be a callable mpf -> mpf, got {type(f_mp).__name__}.")
    dps = check_int(dps, "dps", minimum=1, maximum=MAX_DPS)
    act = _real_array(actual, "actual")
    xs = as_float_array(x, "x", ndim=None, allow_complex=False, allow_empty=True)
    xs = xs.astype(np.float64)
    if act.shape != xs.shape:
        raise ValueError(
            f"`actual` has shape {act.shape} but `x` has shape {xs.shape}; pass one value "
            "per point."
        )
    complex_out = np.iscomplexobj(act)
    expected = _oracle_values(xs, f_mp, int(dps), complex_out)

    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        err = np.abs(act.astype(expected.dtype) - expected)
        # Equal values (infinities included) and NaN where NaN is expected pass.
        same = (act == expected) | (np.isnan(act) & np.isnan(expected))
        err = np.where(same, 0.0, err)
        err = np.where(np.isnan(err), np.inf, err)  # one NaN: fail
        # Each point's error as a multiple of each tolerance; it passes if the
        # smallest multiple is <= 1, and the worst point is the largest.
        ratios = []
        tol_abs = None
        if rtol is not None or atol is not None:
            tol_abs = (atol or 0.0) + (rtol or 0.0) * np.abs(expected)
            ratios.append(np.where(err == 0, 0.0, err / tol_abs))
        ulps = None
        if ulp is not None and not complex_out:
            ulps = _ulp_distance(act.astype(np.float64), expected)
            ratios.append(np.where(ulps == 0, 0.0, ulps.astype(np.float64) / ulp))
        if not ratios:
            raise ValueError("`ulp` does not apply to complex values; give `rtol` or `atol`.")
        ratio = np.minimum.reduce(ratios)
    bad = ~(ratio <= 1.0)
    if not bad.any():
        return

    k = int(np.argmax(np.where(bad, ratio, -1.0)))
    at = _where(xs.shape, k)
    e = float(err.flat[k])
    ex = expected.flat[k]
    rel = e / abs(ex) if ex != 0 else np.inf
    measures = [f"abs {e:.3e}", f"rel {rel:.3e}"]
    if ulps is not None:
        measures.append(f"{int(ulps.flat[k])} ULP")
    tols = []
    if tol_abs is not None:
        tols.append(
            f"atol + rtol*|expected| = {float(tol_abs.flat[k]):.3e} (rtol={rtol!r}, atol={atol!r})"
        )
    if ulps is not None:
        tols.append(f"{ulp} ULP")
    raise AssertionError(
        f"{int(bad.sum())} of {xs.size} points are not close to the mpmath oracle "
        f"(dps={dps}).\n"
        f"Worst point: index {at}, x = {_fmt(xs.flat[k])}\n"
        f"  actual   = {_fmt(act.flat[k])}\n"
        f"  expected = {_fmt(ex)}\n"
        f"  error    = {', '.join(measures)}\n"
        f"  tolerance: {' or '.join(tols)}"
    )
