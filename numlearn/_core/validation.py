"""Input validation shared by every public function, and :data:`EPS`.

Errors name the argument, say what was wrong and what to do (lineax style):
`TypeError` for a value of the wrong type, `ValueError` for a value of the right type
that is out of range.  One function per idea:

- arrays: :func:`as_float_array` (numeric, finite, of a number of dimensions),
  :func:`check_finite`, :func:`check_distinct`, :func:`as_lstsq_batch` (the batched
  least-squares layout ``A (B, n, d)``, ``b (B, n)``, ``x0 (B, d)``), its inverse
  :func:`drop_batch_axis`, and :func:`as_kernel_array` (the layout Numba kernels take);
- scalars: :func:`check_real` (a finite real number), :func:`check_positive` (``> 0``
  or ``>= 0``), :func:`check_fraction` (in ``(0, 1]`` or another unit interval),
  :func:`check_int` (an integer in a range), :func:`check_even`,
  :func:`check_domain` (an interval ``a < b``), :func:`check_flag` (a bool);
- names: :func:`check_choice` (one of a list of known names, listed in the message).

Integer and boolean arrays are promoted to float64; float32 and complex64 are accepted
and the caller decides whether to keep them (see :func:`result_dtype`).
"""

from __future__ import annotations

import math
import numbers
import operator
import warnings
from collections.abc import Sequence
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


def as_lstsq_batch(
    A: ArrayLike, b: ArrayLike | None = None, x0: ArrayLike | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.float64] | None, bool]:
    """Validate batched least-squares data; return float64 copies with a batch axis.

    The layout every least-squares function takes: ``A (B, n, d)``, ``b (B, n)``,
    ``x0 (B, d)``, or unbatched ``(n, d)``, ``(n,)``, ``(d,)`` (given a batch axis of
    length 1 here).  ``b`` and ``x0`` are optional (``None`` comes back as ``None``).

    Returns
    -------
    A, b, x0 : ndarray
        float64, C-contiguous, aligned and writeable (copied only if needed): one
        array type for the Numba kernels, so read-only or strided input does not
        compile, and cache, a separate specialisation.
    single : bool
        Whether the input was unbatched (``A`` 2-D); undo with :func:`drop_batch_axis`.

    Raises
    ------
    TypeError
        Non-numeric or complex input.
    ValueError
        ``A`` not 2- or 3-dimensional, empty or non-finite input, or ``b``/``x0`` of a
        shape that does not match ``A`` (the message gives the expected shape).
    """
    Am = as_float_array(A, "A", ndim=(2, 3), allow_complex=False)
    single = Am.ndim == 2
    Am = as_kernel_array(Am[None] if single else Am)
    B, n, d = Am.shape
    lead = () if single else (B,)
    out: list[NDArray[np.float64] | None] = []
    for name, v, tail in (("b", b, (n,)), ("x0", x0, (d,))):
        if v is None:
            out.append(None)
            continue
        arr = as_float_array(v, name, allow_complex=False)
        if arr.shape != lead + tail:
            layout = "(n,)" if name == "b" else "(d,)"
            if not single:
                layout = "(B, n)" if name == "b" else "(B, d)"
            raise ValueError(
                f"`{name}` must have shape {layout} = {lead + tail} to match `A` of "
                f"shape {Am.shape[1:] if single else Am.shape}, got {arr.shape}. Batched "
                "input is A (B, n, d), b (B, n), x0 (B, d); unbatched (n, d), (n,), (d,)."
            )
        out.append(as_kernel_array(arr.reshape((B, *tail))))
    return Am, out[0], out[1], single


def as_kernel_array(a: ArrayLike) -> NDArray[np.float64]:
    """``a`` as float64, C-contiguous, aligned and writeable (copying only if needed).

    The one array type the Numba kernels see (see :func:`as_lstsq_batch`).
    """
    return np.require(a, dtype=np.float64, requirements=["C", "A", "W"])


def drop_batch_axis(value: Any, single: bool) -> Any:
    """Undo :func:`as_lstsq_batch`'s batch axis on a result for unbatched input.

    With ``single``, an array whose first axis has length 1 loses it (a 0-d result
    becomes a Python scalar); anything else, and everything when ``single`` is false,
    comes back unchanged.
    """
    if not single:
        return value
    if isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == 1:
        v = value[0]
        return v.item() if v.ndim == 0 else v
    return value


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


def check_int(n: Any, name: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """Return ``n`` as an ``int``, raising unless it is an integer in ``[minimum, maximum]``.

    Parameters
    ----------
    n : int or numpy integer
        The value; floats (even ``64.0``) and bools are refused.
    name : str
        The argument's name, used in the messages.
    minimum, maximum : int, optional
        Inclusive bounds (default ``>= 0``, no upper bound).

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If it lies outside the bounds.
    """
    if isinstance(n, bool | np.bool_):
        raise TypeError(f"`{name}` must be an integer, got a bool ({n}).")
    try:
        value = operator.index(n)
    except TypeError:
        raise TypeError(f"`{name}` must be an integer, got {type(n).__name__} {n!r}.") from None
    if value < minimum:
        raise ValueError(f"`{name}` must be >= {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"`{name}` must be <= {maximum}, got {value}.")
    return value


def check_even(n: Any, name: str, *, minimum: int = 0, reason: str = "") -> int:
    """Return ``n`` as an ``int``, raising unless it is an even integer ``>= minimum``.

    ``reason`` (why it must be even) goes into the message, which suggests ``n + 1``.
    Raises `TypeError` for a non-integer, `ValueError` for an odd or too small one.
    """
    value = check_int(n, name, minimum=minimum)
    if value % 2:
        why = f" ({reason})" if reason else ""
        raise ValueError(f"`{name}` must be even{why}, got {value}; use {value + 1}.")
    return value


def _as_real(value: Any, name: str) -> float:
    """``float(value)`` for a real number (or 0-d real array); `TypeError` otherwise."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value.item()
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"`{name}` must be a real number, got {type(value).__name__} {value!r}."
        )
    return float(value)


def check_real(value: Any, name: str) -> float:
    """Return ``value`` as a ``float``, raising unless it is a finite real number.

    Accepted: Python and NumPy integers and floats (and 0-d arrays of them); refused:
    bools, strings, complex numbers, sequences.

    Parameters
    ----------
    value : real number
    name : str
        The argument's name, used in the messages.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If it is NaN or infinite.
    """
    x = _as_real(value, name)
    if not math.isfinite(x):
        raise ValueError(f"`{name}` must be finite, got {value!r}.")
    return x


def check_positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a ``float``, raising unless it is finite and ``> 0``.

    With ``allow_zero``, ``>= 0``.  Raises `TypeError` for a non-real value (see
    :func:`check_real`) and `ValueError` for NaN, inf or the wrong sign.
    """
    x = _as_real(value, name)
    if not (math.isfinite(x) and (x >= 0.0 if allow_zero else x > 0.0)):
        need = "non-negative" if allow_zero else "positive"
        raise ValueError(f"`{name}` must be a finite {need} number, got {value!r}.")
    return x


def check_fraction(
    value: Any, name: str, *, allow_zero: bool = False, allow_one: bool = True
) -> float:
    """Return ``value`` as a ``float``, raising unless it lies in the unit interval.

    The default interval is ``(0, 1]`` (a probability that must be positive, a
    fraction of a batch); ``allow_zero`` closes it at 0, ``allow_one=False`` opens it
    at 1 (``[0, 1)`` for a decay factor).  Raises `TypeError` for a non-real value and
    `ValueError` outside the interval (NaN included).
    """
    x = check_positive(value, name, allow_zero=True)
    low_ok = x >= 0.0 if allow_zero else x > 0.0
    high_ok = x <= 1.0 if allow_one else x < 1.0
    if not (low_ok and high_ok):
        interval = ("[" if allow_zero else "(") + "0, 1" + ("]" if allow_one else ")")
        raise ValueError(f"`{name}` must be in {interval}, got {value!r}.")
    return x


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    """Return ``value`` if it is one of the names ``choices``; the message lists them.

    Raises `TypeError` if ``value`` is not a string and `ValueError` if it is an
    unknown name.
    """
    if len(choices) == 1:
        known = repr(choices[0])
    else:
        known = ", ".join(repr(c) for c in choices[:-1]) + f" or {choices[-1]!r}"
        if len(choices) > 2:
            known = "one of " + known
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be {known} (a string), got {type(value).__name__} "
                        f"{value!r}.")
    if value not in choices:
        raise ValueError(f"`{name}` must be {known}, got {value!r}.")
    return value


#: A domain ``[a, b]`` must be wider than this many ulps of ``max(|a|, |b|)``; a
#: narrower one cannot hold distinct interpolation points (see :func:`check_domain`).
MIN_DOMAIN_ULPS: float = 1024.0


def check_domain(domain: Any, name: str = "domain") -> tuple[float, float]:
    """Return ``(a, b)`` as floats, raising unless ``a < b`` are finite reals.

    Refuses (with `TypeError`) anything but a pair of real numbers: strings, bools and
    complex endpoints included.  Refuses (with `ValueError`) non-finite endpoints,
    reversed or empty intervals, and intervals narrower than
    ``MIN_DOMAIN_ULPS * eps * max(|a|, |b|)``: on those the affine map to ``[-1, 1]``
    loses all but a few bits, and points placed on them round together.
    """
    if isinstance(domain, str | bytes) or not hasattr(domain, "__len__") or len(domain) != 2:
        raise TypeError(f"`{name}` must be a pair (a, b) of real numbers, got {domain!r}.")
    a, b = (_as_real(v, f"{name}[{i}]") for i, v in enumerate(domain))
    if not (np.isfinite(a) and np.isfinite(b)):
        raise ValueError(f"`{name}` endpoints must be finite, got ({a}, {b}).")
    if not a < b:
        raise ValueError(
            f"`{name}` must satisfy a < b, got ({a}, {b}); pass the endpoints in "
            "increasing order."
        )
    scale = max(abs(a), abs(b))
    if b - a <= MIN_DOMAIN_ULPS * EPS * scale:
        raise ValueError(
            f"`{name}` = ({a!r}, {b!r}) is too narrow for its distance from 0: its width "
            f"{b - a:.3g} is under {MIN_DOMAIN_ULPS:g} ulps of {scale:.3g}, so points on it "
            "round together; shift the variable (x - a) so the interval sits near 0."
        )
    return a, b


def check_flag(value: Any, name: str) -> bool:
    """Return ``value`` if it is a bool (Python or NumPy), else raise `TypeError`.

    Strings such as ``'no'`` and numbers are refused: ``bool('no')`` is True.
    """
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise TypeError(f"`{name}` must be True or False, got {value!r} ({type(value).__name__}).")


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
            f"errors up to about {cond * EPS:.1e} relative.",
            IllConditionedWarning,
            stacklevel=stacklevel,
        )
