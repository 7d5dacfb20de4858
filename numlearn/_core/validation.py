"""Input validation shared by every public function.

Errors name the argument, say what was wrong and what to do (lineax style).  Integer
and boolean input is promoted to float64; float32 and complex64 are accepted and the
caller decides whether to keep them (see :func:`result_dtype`).
"""

from __future__ import annotations

import operator
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Machine epsilon of float64 (2**-52), the unit of every tolerance in numlearn.
EPS: float = float(np.finfo(np.float64).eps)


class IllConditionedWarning(RuntimeWarning):
    """A computation is ill-conditioned; the message gives the estimated condition number."""


def as_float_array(
    a: ArrayLike,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    allow_complex: bool = True,
    allow_empty: bool = False,
    finite: bool = True,
) -> NDArray[Any]:
    """Convert ``a`` to a floating (or complex) array and validate it.

    Integers and booleans become float64, float16 becomes float32; float32, float64,
    complex64 and complex128 are kept.  Raises `TypeError` for other dtypes (object,
    strings, datetimes) and `ValueError` for the wrong number of dimensions, empty input
    (unless ``allow_empty``) or non-finite entries (when ``finite``).
    """
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError) as exc:  # ragged nested sequences
        raise TypeError(f"`{name}` must be array-like of numbers: {exc}") from None
    kind = arr.dtype.kind
    if kind in "biu":
        arr = arr.astype(np.float64)
    elif kind == "f":
        if arr.dtype == np.float16:
            arr = arr.astype(np.float32)
        elif arr.dtype not in (np.float32, np.float64):  # longdouble
            arr = arr.astype(np.float64)
    elif kind == "c":
        if not allow_complex:
            raise TypeError(
                f"`{name}` must be real, got dtype {arr.dtype}; pass `np.real({name})` "
                "if the imaginary part is meant to be zero."
            )
        if arr.dtype not in (np.complex64, np.complex128):
            arr = arr.astype(np.complex128)
    else:
        raise TypeError(
            f"`{name}` must have a numeric dtype (int, float or complex), got {arr.dtype}."
        )
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(
                f"`{name}` must be {want}-dimensional, got shape {arr.shape}."
            )
    if not allow_empty and arr.size == 0:
        raise ValueError(f"`{name}` is empty; it needs at least one entry.")
    if finite:
        check_finite(arr, name)
    return arr


def check_finite(arr: NDArray[Any], name: str) -> None:
    """Raise `ValueError` naming the first NaN/inf entry of ``arr``."""
    ok = np.isfinite(arr)
    if not ok.all():
        bad = np.unravel_index(int(np.argmin(ok)), arr.shape)
        idx = bad[0] if len(bad) == 1 else bad
        raise ValueError(
            f"`{name}` must be finite; entry {idx} is {arr[bad]}. Remove or replace "
            "NaN/inf entries before calling."
        )


def check_distinct(nodes: NDArray[Any], name: str = "nodes") -> None:
    """Raise `ValueError` if two entries of the 1-D array ``nodes`` coincide."""
    if nodes.size < 2:
        return
    if np.iscomplexobj(nodes):
        order = np.lexsort((nodes.imag, nodes.real))
    else:
        order = np.argsort(nodes, kind="stable")
    s = nodes[order]
    same = s[1:] == s[:-1]
    if same.any():
        k = int(np.argmax(same))
        i, j = sorted((int(order[k]), int(order[k + 1])))
        raise ValueError(
            f"`{name}` must be distinct; entries {i} and {j} are both {nodes[i]}. "
            "Remove duplicates (e.g. with np.unique) before interpolating."
        )


def check_int(n: Any, name: str, *, minimum: int = 0) -> int:
    """Return ``n`` as an ``int``, raising if it is not an integer ``>= minimum``."""
    if isinstance(n, bool | np.bool_):
        raise TypeError(f"`{name}` must be an integer, got a bool ({n}).")
    try:
        value = operator.index(n)
    except TypeError:
        raise TypeError(f"`{name}` must be an integer, got {type(n).__name__} {n!r}.") from None
    if value < minimum:
        raise ValueError(f"`{name}` must be >= {minimum}, got {value}.")
    return value


def check_domain(domain: Any, name: str = "domain") -> tuple[float, float]:
    """Return ``(a, b)`` as floats, raising unless ``a < b`` are finite reals."""
    try:
        a, b = (float(v) for v in domain)
    except (TypeError, ValueError):
        raise TypeError(
            f"`{name}` must be a pair (a, b) of real numbers, got {domain!r}."
        ) from None
    if not (np.isfinite(a) and np.isfinite(b)):
        raise ValueError(f"`{name}` endpoints must be finite, got ({a}, {b}).")
    if not a < b:
        raise ValueError(f"`{name}` must satisfy a < b, got ({a}, {b}).")
    return a, b


def result_dtype(*arrays: NDArray[Any]) -> np.dtype[Any]:
    """The dtype an operation on ``arrays`` returns: their common type, at least float32.

    float32 in, float32 out (the computation itself runs in float64 and is rounded once
    at the end); any float64 input gives float64; complex input gives complex.
    """
    return np.result_type(*arrays, np.float32)


def compute_dtype(dt: np.dtype[Any]) -> type:
    """The 64-bit type the kernels compute in for an output of dtype ``dt``."""
    return np.complex128 if np.dtype(dt).kind == "c" else np.float64


def warn_ill_conditioned(cond: float, what: str, *, threshold: float, stacklevel: int = 3) -> None:
    """Warn with `IllConditionedWarning` if ``cond > threshold``."""
    if cond > threshold:
        warnings.warn(
            f"{what} is ill-conditioned: estimated condition number {cond:.3g}; expect "
            f"errors up to about {cond * np.finfo(np.float64).eps:.1e} relative.",
            IllConditionedWarning,
            stacklevel=stacklevel,
        )
