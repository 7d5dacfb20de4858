r"""Error metrics, each named for what it computes.

All metrics compare a reference ``u_true`` with an approximation ``u`` of the same
shape, on some grid the caller names (:func:`metric_report` insists on the name):

=================  ========================================================  ==========
name               formula                                                   units
=================  ========================================================  ==========
``rel_l2``         :math:`\|u_{true} - u\|_2 / \|u_{true}\|_2`               relative
``rmse``           :math:`\sqrt{\tfrac1N \sum_i (u_{true,i} - u_i)^2}`       absolute
``mse``            :math:`\tfrac1N \sum_i (u_{true,i} - u_i)^2` (no root)     squared
``max_abs``        :math:`\max_i |u_{true,i} - u_i|`                          absolute
``ulp_distance``   representable floats between the two, per entry            ULPs
``ulp_error``      :math:`|u_i - u_{true,i}|` over the ulp of                  ULPs
                   :math:`\max(|u_{true,i}|, s)`, per entry
=================  ========================================================  ==========

Near a zero of ``u_true`` a count of representable floats is no measure: from
``1e-17`` to ``0`` there are about ``4.3e18`` of them, though ``1e-17`` is a tiny
rounding error for data of size 1.  :func:`ulp_error` (and ``max_ulp`` in
:func:`metric_report`) therefore counts in ulps of :math:`\max(|u_{true,i}|, s)`,
with the scale :math:`s` by default :math:`\max_i |u_{true,i}|`: the normwise error
in units of the data's last place, the quantity rounding-error bounds are stated in
(e.g. Higham's for barycentric interpolation, relative to :math:`\max|f|`).  Pass a
smaller ``scale`` (``0`` for purely relative ulps) to count entries larger than it
relative to themselves.

MSE is the square of RMSE; papers mix the two, so both exist with names that say
which.  Norms are computed after scaling by the largest magnitude, so neither tiny
(``1e-200``) nor huge (``1e200``) data underflow or overflow when squared.  NaN or inf
input raises `ValueError` naming the argument.  Cost: O(N) each.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array, check_flag, check_positive

__all__ = [
    "METRICS",
    "max_abs",
    "metric_report",
    "mse",
    "rel_l2",
    "rmse",
    "ulp_distance",
    "ulp_error",
]


def _pair(
    u_true: ArrayLike, u: ArrayLike, *, allow_complex: bool = True
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Validate and convert the two arguments; shapes must match exactly."""
    a = as_float_array(u_true, "u_true", allow_complex=allow_complex)
    b = as_float_array(u, "u", allow_complex=allow_complex)
    if a.shape != b.shape:
        raise ValueError(
            f"`u_true` and `u` must have the same shape, got {a.shape} and {b.shape}; "
            "evaluate both on the same grid (no broadcasting is done)."
        )
    return a, b


def _scaled_norm(v: NDArray[Any]) -> float:
    """``||v||_2`` without overflow or underflow of the squares."""
    s = float(np.max(np.abs(v)))
    if s == 0.0:
        return 0.0
    return s * float(np.linalg.norm((v / s).ravel()))


def rel_l2(u_true: ArrayLike, u: ArrayLike) -> float:
    r"""Relative L2 error :math:`\|u_{true} - u\|_2 / \|u_{true}\|_2`.

    The discrete 2-norm over all entries (so on a uniform grid it approximates the
    relative :math:`L^2` norm of the functions).

    Raises
    ------
    ValueError
        If ``u_true`` is identically zero (the ratio is undefined; use :func:`rmse`
        or :func:`max_abs`), on shape mismatch, or on NaN/inf.

    Examples
    --------
    >>> rel_l2([3.0, 4.0], [3.0, 3.0])
    0.2
    """
    a, b = _pair(u_true, u)
    denom = _scaled_norm(a)
    if denom == 0.0:
        raise ValueError(
            "`u_true` is identically zero, so the relative L2 error is undefined; "
            "report `rmse` or `max_abs` instead."
        )
    return _scaled_norm(a - b) / denom


def mse(u_true: ArrayLike, u: ArrayLike) -> float:
    r"""Mean squared error :math:`\frac1N\sum_i |u_{true,i} - u_i|^2` (not its root).

    Examples
    --------
    >>> mse([0.0, 0.0], [3.0, 4.0])
    12.5
    """
    a, b = _pair(u_true, u)
    d = np.abs(a - b)
    s = float(np.max(d))
    if s == 0.0:
        return 0.0
    return s * s * float(np.mean((d / s) ** 2))


def rmse(u_true: ArrayLike, u: ArrayLike) -> float:
    r"""Root mean squared error :math:`\sqrt{\frac1N\sum_i |u_{true,i} - u_i|^2}`.

    Equal to :math:`\|u_{true} - u\|_2 / \sqrt N`; compare with :func:`mse`, its
    square.

    Examples
    --------
    >>> rmse([0.0, 0.0], [3.0, 4.0])  # sqrt(12.5)
    3.5355339059327378
    """
    a, b = _pair(u_true, u)
    d = np.abs(a - b)
    s = float(np.max(d))
    if s == 0.0:
        return 0.0
    return s * float(np.sqrt(np.mean((d / s) ** 2)))


def max_abs(u_true: ArrayLike, u: ArrayLike) -> float:
    r"""Maximum absolute error :math:`\max_i |u_{true,i} - u_i|`.

    Examples
    --------
    >>> max_abs([1.0, 2.0, 3.0], [1.0, 2.5, 2.0])
    1.0
    """
    a, b = _pair(u_true, u)
    return float(np.max(np.abs(a - b)))


def _ordered_int(x: NDArray[Any]) -> NDArray[np.int64]:
    """Map floats to integers whose order is the order of the floats.

    The IEEE bit pattern read as a sign-magnitude integer is monotone in the
    magnitude; negating the magnitude for negative numbers makes it monotone overall,
    and maps both +0 and -0 to 0.  Consecutive floats map to consecutive integers.
    """
    if x.dtype == np.float32:
        bits = x.view(np.int32).astype(np.int64)
        mag = bits & 0x7FFFFFFF
    else:
        bits = x.view(np.int64)
        mag = bits & 0x7FFFFFFFFFFFFFFF
    return np.where(bits < 0, -mag, mag)


def ulp_distance(a: ArrayLike, b: ArrayLike) -> NDArray[np.uint64]:
    """Number of representable floats between ``a`` and ``b``, entrywise.

    ``ulp_distance(x, np.nextafter(x, inf)) == 1``; ``+0.0`` and ``-0.0`` are at
    distance 0; the smallest positive and negative subnormals are at distance 2.
    The format is float32 if both inputs are float32, otherwise float64 (float32 and
    integer input is converted exactly).  Infinities count as the representable number
    after the largest finite one.

    Parameters
    ----------
    a, b : array_like of real float
        Same shape (no broadcasting).

    Returns
    -------
    ndarray of uint64
        The distances (unsigned: across the whole float64 range they exceed the
        int64 range).

    Raises
    ------
    ValueError
        On NaN (no ULP distance exists), naming the argument, or on shape mismatch.
    TypeError
        On complex input.

    Examples
    --------
    >>> import numpy as np
    >>> int(ulp_distance(1.0, np.nextafter(1.0, 2.0)))
    1
    >>> int(ulp_distance(-0.0, 0.0))
    0
    """
    x = as_float_array(a, "a", allow_complex=False, allow_empty=True, finite=False)
    y = as_float_array(b, "b", allow_complex=False, allow_empty=True, finite=False)
    if x.shape != y.shape:
        raise ValueError(
            f"`a` and `b` must have the same shape, got {x.shape} and {y.shape}."
        )
    for arr, name in ((x, "a"), (y, "b")):
        if np.isnan(arr).any():
            k = int(np.argmax(np.isnan(arr).ravel()))
            raise ValueError(
                f"`{name}` contains NaN (flat index {k}); a ULP distance to NaN is "
                "undefined. Remove or replace NaN entries first."
            )
    dt = np.float32 if x.dtype == y.dtype == np.float32 else np.float64
    ia = _ordered_int(np.asarray(x, dtype=dt))
    ib = _ordered_int(np.asarray(y, dtype=dt))
    # |ia - ib| can exceed 2**63 - 1; the difference is exact in uint64 modular
    # arithmetic once the larger one is subtracted from.
    hi = np.maximum(ia, ib).astype(np.uint64)
    lo = np.minimum(ia, ib).astype(np.uint64)
    with np.errstate(over="ignore"):  # the wrap-around is intended
        return hi - lo


def ulp_error(
    u_true: ArrayLike, u: ArrayLike, *, scale: float | None = None
) -> NDArray[np.float64]:
    r"""The error of ``u`` in ulps of :math:`\max(|u_{true,i}|, s)`, entrywise.

    .. math::

        e_i = \frac{|u_i - u_{true,i}|}{\operatorname{ulp}(\max(|u_{true,i}|, s))},

    with :math:`\operatorname{ulp}(y)` = ``np.spacing(y)``, the gap from ``y`` to the
    next float of the format (float32 if both inputs are float32, else float64).
    Unlike :func:`ulp_distance` it stays meaningful near zeros of ``u_true``: there
    the unit is the ulp of the scale, not of the tiny true value.  Cost O(N).

    Parameters
    ----------
    u_true, u : array_like of real float
        Reference and approximation, same shape, finite.
    scale : float, optional
        :math:`s \ge 0`.  Default ``max |u_true|``: every entry is then measured in
        ulps of the largest true value (the normwise error in units of the last
        place).  ``0`` gives purely relative ulps, which explode near zeros.

    Returns
    -------
    ndarray of float64
        The errors in ulps, shape of ``u_true``.

    Raises
    ------
    ValueError
        On NaN/inf or shape mismatch, a negative or non-finite ``scale``, or an
        identically zero ``u_true`` with the default scale (no unit exists: pass
        ``scale``).
    TypeError
        On complex input.

    Examples
    --------
    >>> import numpy as np
    >>> # 1e-17 where the truth is 0, on data of size 1: 1e-17 / 2**-52 ulps
    >>> float(ulp_error([0.0, 1.0], [1e-17, 1.0])[0]) == 1e-17 * 2.0**52
    True
    """
    a, b = _pair(u_true, u, allow_complex=False)
    dt = np.float32 if a.dtype == b.dtype == np.float32 else np.float64
    a, b = a.astype(dt, copy=False), b.astype(dt, copy=False)
    if scale is None:
        s = float(np.max(np.abs(a))) if a.size else 0.0
        if s == 0.0:
            raise ValueError(
                "`u_true` is identically zero, so the default `scale` (max |u_true|) "
                "gives no unit; pass `scale`, e.g. the size of your data."
            )
    else:
        s = check_positive(scale, "scale", allow_zero=True)
    unit = np.spacing(np.maximum(np.abs(a), dt(s)))
    with np.errstate(over="ignore"):  # an error beyond 1e308 ulps is inf
        return (np.abs(b.astype(np.float64) - a.astype(np.float64))
                / unit.astype(np.float64))


def metric_report(
    u_true: ArrayLike,
    u: ArrayLike,
    *,
    grid_name: str,
    ulp: bool = True,
    ulp_scale: float | None = None,
) -> dict[str, Any]:
    """All metrics of ``u`` against ``u_true`` on the named grid, as a JSON-ready dict.

    Parameters
    ----------
    u_true, u : array_like
        Reference and approximation on the same grid, same shape.
    grid_name : str
        Which grid the values live on (e.g. ``"201 equispaced points on [-1, 1]"``);
        every reported number is meaningless without it.
    ulp : bool, default True
        Also report ``max_ulp``, the largest :func:`ulp_error`, and ``ulp_scale``
        (real input only; both ``None`` for complex input and for an identically
        zero ``u_true`` without ``ulp_scale``).
    ulp_scale : float, optional
        The scale :math:`s` of :func:`ulp_error`; default ``max |u_true|``, so that
        ``max_ulp`` is ``max_abs`` in ulps of the largest true value and stays
        meaningful where ``u_true`` has zeros.

    Returns
    -------
    dict
        ``{"grid": grid_name, "n_points": N, "rel_l2": ..., "rmse": ..., "max_abs": ...,
        "max_ulp": ..., "ulp_scale": ...}``, Python scalars.  ``rel_l2`` is ``None`` if
        ``u_true`` is identically zero.

    Examples
    --------
    >>> r = metric_report([1.0, 2.0], [1.0, 2.0], grid_name="two points")
    >>> r["grid"], r["rel_l2"], r["max_ulp"]
    ('two points', 0.0, 0.0)
    >>> # near a zero: 1e-17 off where sin is 0, on data of size 1
    >>> r = metric_report([0.0, 1.0], [1e-17, 1.0], grid_name="two points")
    >>> round(r["max_ulp"], 3), r["ulp_scale"]
    (0.045, 1.0)
    """
    if not isinstance(grid_name, str) or not grid_name:
        raise TypeError(f"`grid_name` must be a non-empty string, got {grid_name!r}.")
    ulp = check_flag(ulp, "ulp")
    a, b = _pair(u_true, u)
    try:
        rel: float | None = rel_l2(a, b)
    except ValueError:
        rel = None
    report: dict[str, Any] = {
        "grid": grid_name,
        "n_points": int(a.size),
        "rel_l2": rel,
        "rmse": rmse(a, b),
        "max_abs": max_abs(a, b),
    }
    if ulp:
        real = not (np.iscomplexobj(a) or np.iscomplexobj(b))
        if ulp_scale is not None:
            s = check_positive(ulp_scale, "ulp_scale", allow_zero=True)
        else:
            s = float(np.max(np.abs(a))) if a.size else 0.0
        if real and (s > 0.0 or ulp_scale is not None):
            report["max_ulp"] = float(np.max(ulp_error(a, b, scale=s), initial=0.0))
            report["ulp_scale"] = s
        else:
            report["max_ulp"] = report["ulp_scale"] = None
    return report


METRICS = {"rel_l2": rel_l2, "rmse": rmse, "mse": mse, "max_abs": max_abs}
"""The scalar metrics by name (``ulp_distance`` is entrywise, so it is not here)."""
