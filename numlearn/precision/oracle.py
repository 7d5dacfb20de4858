r"""The mpmath oracle: high-precision values that check themselves.

Every value is computed twice, at a working precision ``dps`` and at a check precision
``check_dps`` (default ``2 * dps``) decimal digits, and is accepted only where the two
agree to ``digits`` significant digits; otherwise :class:`OracleDisagreementError`
names the point.  The check catches what a single high-precision run hides: an
mpmath formula that cancels catastrophically, a quadrature that has not converged, a
function that secretly computes in float64.  It cannot catch an error that is the same
at every precision (a wrong formula).

The float64 results are rounded from the check-precision value, and each one carries a
certificate that the rounding is the correct rounding of the true value (see
:func:`round_to_float64`).

The engine is :func:`two_precision` (any function of exact arguments, scalar or
vector values); :func:`mp_evaluate` (a function at float64 points) and
:func:`mp_barycentric` (the barycentric formula in mpmath) are its front ends.  Other
oracles (a least-squares solve, the Cole-Hopf integral of Burgers' equation, the
reference builders) call the engine instead of repeating the rule.

All precision changes go through ``mpmath.workdps`` context managers; the global
``mpmath.mp.dps`` is never touched.

Cost: about 20 microseconds per point for a function of a few elementary operations
(two evaluations, the comparison and the certificate, pure-Python mpmath), i.e. about
2 s for ``10**5`` points.  The barycentric oracle costs ``O(n)`` mpmath operations per
point for ``n`` nodes, about ``7 n`` microseconds per point for both precisions.

References
----------
.. [1] F. Johansson et al., mpmath: a Python library for arbitrary-precision
   floating-point arithmetic, https://mpmath.org.
.. [2] J.-M. Muller et al., *Handbook of Floating-Point Arithmetic*, 2nd ed.,
   Birkhauser 2018, sections 2.2 (double rounding) and 10.3 (Ziv's rounding test).
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import numpy as np
from mpmath.libmp import (
    from_float,
    fzero,
    mpf_add,
    mpf_div,
    mpf_mul,
    mpf_sub,
    round_nearest,
)
from numpy.typing import ArrayLike

from numlearn._core.validation import (
    as_float_array,
    check_distinct,
    check_int,
    check_positive,
)
from numlearn.precision.certify import (
    OracleDisagreementError,
    OracleResult,
    _check,
    round_to_float64,
)

__all__ = [
    "OracleDisagreementError",
    "OracleResult",
    "mp_barycentric",
    "mp_evaluate",
    "round_to_float64",
    "two_precision",
]

# A function that returns the values at the given mpf points at the current precision.
_Compute = Callable[[Sequence[Any]], list[Any]]


def _as_mpf(v: Any) -> Any:
    """``v`` as an mpf (functions may return ints or Python floats)."""
    if isinstance(v, mpmath.mpf):
        return v
    try:
        return mpmath.mpf(v)
    except TypeError:
        raise TypeError(
            f"the oracle handles real values only; the function returned {v!r}. Is a "
            "point outside the function's domain (a square root of a negative number)?"
        ) from None


def _is_float(v: Any) -> bool:
    """Whether ``v`` is a binary floating-point number of fixed precision (a Python or
    NumPy float): a value the working precision cannot have reached."""
    return isinstance(v, float | np.floating)


def _components(v: Any) -> tuple[tuple[int, ...], list[Any], list[bool]]:
    """The shape of one returned value, its entries as mpf in C order, and which
    entries came back as fixed-precision floats."""
    if isinstance(v, list | tuple | np.ndarray):
        a = np.asarray(v, dtype=object)
        flat = a.ravel().tolist()
        return a.shape, [_as_mpf(e) for e in flat], [_is_float(e) for e in flat]
    return (), [_as_mpf(v)], [_is_float(v)]


def two_precision(
    fn: Callable[[Any], Any],
    args: Sequence[Any],
    *,
    dps: tuple[int, int] = (30, 60),
    digits: int = 20,
    atol: float = 0.0,
    max_dps: int | None = None,
    shape: tuple[int, ...] | None = None,
    points: Sequence[Any] | None = None,
) -> OracleResult:
    r"""The oracle engine: compute at two precisions, check agreement, round once.

    For every argument ``a`` in ``args``, ``fn(a)`` is called inside
    ``mpmath.workdps(dps[0])`` and inside ``mpmath.workdps(dps[1])``.  A value is
    accepted when the two agree to ``digits`` significant digits,

    .. math:: |v_{lo} - v_{hi}| \le 10^{-\text{digits}} |v_{hi}|,

    and is then rounded once, from the check-precision value, to the nearest float64
    (:func:`round_to_float64`); ``rounding_certified`` says where Ziv's test proves
    that rounding to be the correct rounding of the true value (the interval
    :math:`v_{hi} \pm (|v_{lo} - v_{hi}| + 2^{8-p}|v_{hi}|)`, ``p`` the check
    precision in bits, rounds to one float64).  This is the rule every mpmath oracle in
    numlearn follows; :func:`mp_evaluate` and :func:`mp_barycentric` are thin front
    ends of it.

    With ``atol`` the agreement may instead be absolute, :math:`|v_{lo} - v_{hi}| \le`
    ``atol``.

    The contract for ``fn``:

    * it computes at the *current* mpmath precision (set by the engine through
      ``mpmath.workdps``; ``fn`` never sets ``mpmath.mp.dps`` itself, though it may
      raise the precision locally, e.g. by guard digits that depend on
      ``mpmath.mp.dps``);
    * its arguments are exact at every precision (an ``mpf`` made from a float64, an
      integer index, a float64 array that ``fn`` converts with ``mpmath.mpf``), so the
      two runs differ only by the working precision;
    * it returns a real number (``mpf``, ``int`` or ``float``) or a sequence / object
      array of them, of the same shape for every argument (e.g. the ``d`` components
      of a least-squares solution).

    The check catches what one high-precision run hides (catastrophic cancellation,
    an unconverged series or quadrature, code that secretly computes in float64); it
    cannot catch an error that is the same at every precision (a wrong formula).

    Parameters
    ----------
    fn : callable
        ``fn(arg) -> value(s)`` at the current precision.
    args : sequence
        The arguments, one call of ``fn`` per entry and precision.
    dps : (int, int), default (30, 60)
        Working and check precision in decimal digits, ``16 <= dps[0] < dps[1]``.
    digits : int, default 20
        Significant digits the two must agree to, ``<= dps[0]`` (20 is enough to
        round to float64, 17 digits, with 3 to spare).
    atol : float, default 0
        Values whose two computations differ by at most ``atol`` absolutely are
        accepted too: for values bounded by a known scale (``|u| <= 1``, say), where
        a truth of zero makes the relative test meaningless.
    max_dps : int, optional
        If given, the arguments whose values fail the agreement or the rounding
        certificate are recomputed with both precisions doubled (the old check value
        becomes the new working value), up to ``max_dps``, before an error is raised.
    shape : tuple of int, optional
        Shape of the arguments' array (``len(args)`` entries); the result arrays have
        ``shape + value_shape``.  Default ``(len(args),)``.
    points : sequence, optional
        What each argument is, for the error message and
        :attr:`OracleDisagreementError.point` (e.g. the float64 points); default the
        arguments themselves.

    Returns
    -------
    OracleResult
        ``values`` (float64), ``mp_values`` (the check-precision mpf), the
        per-value disagreement and certificate, the two precisions and ``digits``.

    Raises
    ------
    OracleDisagreementError
        If the two precisions disagree on some value (after escalation); the message
        names the first one, its argument and both values.
    ValueError
        If ``fn`` returns NaN (naming the argument), or an argument is out of range.
    TypeError
        If ``dps`` is not a pair of integers or ``fn`` is not callable.

    Examples
    --------
    >>> import mpmath
    >>> r = two_precision(lambda k: mpmath.zeta(k), [2, 3], dps=(30, 60))
    >>> r.values.tolist()
    [1.6449340668482264, 1.2020569031595942]
    >>> r.agreement_digits > 20
    True
    """
    return _two_precision(fn, args, dps=dps, digits=digits, atol=atol, max_dps=max_dps,
                          shape=shape, points=points)


def _two_precision(fn: Callable[[Any], Any], args: Sequence[Any], *, dps: Any, digits: int,
                   atol: float, max_dps: int | None, shape: tuple[int, ...] | None,
                   points: Sequence[Any] | None, fn_name: str = "fn") -> OracleResult:
    """:func:`two_precision`; ``fn_name`` is the caller's name of ``fn`` (messages)."""
    if isinstance(dps, str | bytes) or not hasattr(dps, "__len__") or len(dps) != 2:
        raise TypeError("`dps` must be a pair (dps, check_dps) of integers, e.g. (30, 60); "
                        f"got {type(dps).__name__} {dps!r}.")
    lo0, hi0 = dps
    dps0 = check_int(lo0, "dps", minimum=16, maximum=MAX_DPS)
    check_dps = check_int(hi0, "check_dps", minimum=1, maximum=MAX_DPS)
    if check_dps <= dps0:
        raise ValueError(f"`check_dps` must exceed `dps` = {dps0}, got {check_dps}.")
    digits = check_int(digits, "digits", minimum=1)
    atol = check_positive(atol, "atol", allow_zero=True)
    if not callable(fn):
        raise TypeError(f"`{fn_name}` must be callable, got {fn!r}.")
    if digits > dps0:
        raise ValueError(
            f"`digits` = {digits} cannot exceed the working precision `dps` = {dps0}; "
            "raise `dps` to claim more digits."
        )
    limit = check_dps if max_dps is None else check_int(max_dps, "max_dps", minimum=check_dps,
                                                        maximum=MAX_DPS)
    args = list(args)
    m = len(args)
    shape = (m,) if shape is None else tuple(shape)
    if math.prod(shape) != m:
        raise ValueError(f"`shape` {shape} does not hold the {m} arguments.")
    labels = args if points is None else list(points)

    vshape: tuple[int, ...] | None = None

    floats: set[int] = set()  # flat indices of values fn returned as float64

    def run(sub: Sequence[int]) -> list[Any]:
        nonlocal vshape
        flat: list[Any] = []
        for i in sub:
            s, vals, isf = _components(fn(args[i]))
            if any(mpmath.isnan(v) for v in vals):
                raise ValueError(
                    f"`{fn_name}` returned NaN at argument {i} (x = {labels[i]!r}); the "
                    "oracle needs a real value there. Is the point outside the function's "
                    "domain?")
            floats.update(i * len(vals) + j for j, f in enumerate(isf) if f)
            if vshape is None:
                vshape = s
            elif s != vshape:
                raise ValueError(
                    f"`fn` returned shape {s} for argument {i} but {vshape} before; it "
                    "must return the same shape for every argument."
                )
            flat += vals
        return flat

    todo = np.arange(m)
    lo_dps, hi_dps = dps0, check_dps
    lo_vals: list[Any] | None = None
    low: list[Any] = []
    high: list[Any] = []
    rel = out = cert = absd = np.zeros(0)
    while True:
        if lo_vals is None:
            with mpmath.workdps(lo_dps):
                lo_vals = run(todo.tolist())
        with mpmath.workdps(hi_dps):
            hi_vals = run(todo.tolist())
            prec = mpmath.mp.prec
        k = math.prod(vshape) if vshape is not None else 1
        if not high:
            low, high = [None] * (m * k), [None] * (m * k)
            rel, out, absd = np.zeros(m * k), np.zeros(m * k), np.zeros(m * k)
            cert = np.zeros(m * k, dtype=bool)
        # entries of the arguments in `todo`, in order
        at = (todo[:, None] * k + np.arange(k)[None, :]).ravel()
        r_sub, f_sub, c_sub, a_sub = _check(lo_vals, hi_vals, prec)
        rel[at], out[at], cert[at], absd[at] = r_sub, f_sub, c_sub, a_sub
        for j, e in enumerate(at.tolist()):
            low[e], high[e] = lo_vals[j], hi_vals[j]
        failed_v = ~(((r_sub <= 10.0**-digits) | (a_sub <= atol)) & c_sub)
        failed = failed_v.reshape(-1, k).any(axis=1)
        if not failed.any() or 2 * hi_dps > limit:
            break
        # Escalate only the failing arguments: the old check value becomes the new
        # working-precision value, and the check precision doubles.
        keep = np.repeat(failed, k)
        lo_vals = [v for v, bad in zip(hi_vals, keep, strict=True) if bad]
        todo = todo[failed]
        lo_dps, hi_dps = hi_dps, 2 * hi_dps

    k = math.prod(vshape) if vshape is not None else 1
    full = shape + (vshape or ())
    bad = np.flatnonzero((rel > 10.0**-digits) & (absd > atol))
    if bad.size:
        i = int(bad[0])
        idx: int | tuple[int, ...] = (
            tuple(int(j) for j in np.unravel_index(i, full)) if len(full) != 1 else i
        )
        point = labels[i // k]
        raise OracleDisagreementError(
            f"the oracle's two precisions disagree at point {idx} (x = {point!r}): "
            f"{mpmath.nstr(low[i], 25)} at {lo_dps} digits vs {mpmath.nstr(high[i], 25)} "
            f"at {hi_dps} digits (relative difference {rel[i]:.2e} > 1e-{digits}); "
            f"{bad.size} of {m * k} values disagree. The evaluation loses digits there "
            "(cancellation, an unconverged series or quadrature); raise `dps`, pass "
            "`max_dps` to escalate automatically, or lower `digits`.",
            index=idx, point=point, low=low[i], high=high[i], count=int(bad.size),
        )
    if floats:
        # A float64 returned at both precisions agrees with itself exactly: the check
        # says nothing about it, so it is not certified (issue 13 item 9).
        cert[sorted(floats)] = False
        rel[sorted(floats)] = np.nan  # agreement unknown, not infinite
        first = min(floats)
        warnings.warn(
            f"two_precision: `fn` returned fixed-precision floats ({len(floats)} of "
            f"{m * k} values, first at point {labels[first // k]!r}); the two precisions "
            "cannot check a value that does not depend on them, so these are not "
            "certified (rounding_certified=False). Compute in mpmath (mpmath.exp, not "
            "np.exp or math.exp; no float() of the argument).",
            RuntimeWarning,
            stacklevel=2,
        )
    mp_values = np.empty(m * k, dtype=object)
    mp_values[:] = high
    return OracleResult(
        values=out.reshape(full),
        mp_values=mp_values.reshape(full),
        rel_disagreement=rel.reshape(full),
        rounding_certified=cert.reshape(full),
        dps=dps0,
        check_dps=check_dps,
        digits=digits,
    )


#: Largest precision, in decimal digits, the oracle works at (``dps``, ``check_dps``,
#: ``max_dps``): mpmath's cost grows faster than linearly in the digits, and a
#: hundred thousand digits of a single value already take seconds.
MAX_DPS: int = 100_000


def _dps_pair(dps: int, check_dps: int | None) -> tuple[int, int]:
    """``(dps, check_dps)`` of the front ends: ``dps >= 30``, check default ``2 dps``."""
    dps = check_int(dps, "dps", minimum=30, maximum=MAX_DPS // 2)
    return dps, 2 * dps if check_dps is None else check_int(
        check_dps, "check_dps", minimum=1, maximum=MAX_DPS)


def mp_evaluate(
    func: Callable[[Any], Any] | Any,
    x: ArrayLike,
    *,
    dps: int = 30,
    digits: int = 20,
    check_dps: int | None = None,
    max_dps: int | None = None,
) -> OracleResult:
    """Evaluate ``func`` at float64 points in high precision, checked at two precisions.

    Each point ``x_i`` is taken as the exact binary number it is; ``func(x_i)`` is
    computed at ``dps`` and at ``check_dps`` decimal digits, and the value is accepted
    when ``|low - high| <= 10**-digits * |high|``.

    Parameters
    ----------
    func : callable or TargetFunction
        ``func(mpf) -> mpf`` computing at the current mpmath precision (e.g.
        ``mpmath.exp``), or an object with an ``mpmath_func`` attribute such as a
        :class:`numlearn.problems.TargetFunction`.
    x : array_like of float
        Points, any shape; float32 and integer input is converted exactly.
    dps : int, default 30
        Working precision in decimal digits, ``>= 30``.
    digits : int, default 20
        Significant digits the two precisions must agree to; 20 is enough to round
        to float64 (17 digits) with 3 to spare.  At most ``dps``.
    check_dps : int, optional
        Check precision, default ``2 * dps``.
    max_dps : int, optional
        If given, points that fail the agreement or the rounding certificate are
        recomputed with both precisions doubled, up to ``max_dps``, before an error
        is raised.  Default: no escalation.

    Returns
    -------
    OracleResult
        ``values`` (float64, correctly rounded where certified), ``mp_values``
        (mpf at the check precision), the per-point disagreement and certificate.

    Raises
    ------
    OracleDisagreementError
        If the two precisions disagree at some point; the message names the first one.
    TypeError, ValueError
        ``func`` not callable, ``x`` not real and finite, precisions not integers in
        range (``dps <= MAX_DPS``).

    Warns
    -----
    RuntimeWarning
        If ``func`` computes in float64, which two precisions cannot check: it returned
        Python or NumPy floats, or (an mpf wrapped around a float64) every value came
        out identical at both precisions, is a float64 number, and does not move when
        a nonzero point is moved by ``2**-64`` relative.  Those values are returned
        with ``rounding_certified=False`` and ``rel_disagreement`` NaN.

    Examples
    --------
    >>> import mpmath
    >>> r = mp_evaluate(mpmath.exp, [0.0, 1.0])
    >>> r.values.tolist()
    [1.0, 2.718281828459045]
    >>> bool(r.rounding_certified.all())
    True
    """
    f = getattr(func, "mpmath_func", func)
    if not callable(f):
        raise TypeError(f"`func` must be callable or have an `mpmath_func`, got {func!r}.")
    xs = as_float_array(x, "x", allow_complex=False, allow_empty=True).astype(np.float64)
    flat = xs.reshape(-1).tolist()
    # float64 -> mpf is exact at any precision >= 53 bits, so convert once.
    pts = [mpmath.mp.make_mpf(from_float(v)) for v in flat]
    pair = _dps_pair(dps, check_dps)
    r = _two_precision(f, pts, dps=pair, digits=digits, atol=0.0, max_dps=max_dps,
                       shape=xs.shape, points=flat, fn_name="func")
    if r.rounding_certified.any() and _computes_in_float64(f, pts, r, pair[1]):
        warnings.warn(
            "mp_evaluate: every value is a float64 that came out identical at both "
            "precisions, and moving a point by 2**-64 relative does not change its "
            "value: `func` evaluates in float64 (np.exp(float(x)) instead of "
            "mpmath.exp(x)), and the oracle cannot check it. The values are returned "
            "uncertified (rounding_certified=False); compute in mpmath.",
            RuntimeWarning,
            stacklevel=2,
        )
        r = dataclasses.replace(r, rounding_certified=np.zeros_like(r.rounding_certified),
                                rel_disagreement=np.full_like(r.rel_disagreement, np.nan))
    return r


#: Points :func:`mp_evaluate` moves to tell a float64 function from an exact one.
_PROBES = 3


def _computes_in_float64(
    f: Callable[[Any], Any], pts: Sequence[Any], r: OracleResult, check_dps: int
) -> bool:
    """Whether ``f`` looks like a float64 computation wrapped in mpf.

    Such a function agrees with itself exactly at both precisions, its values are
    float64 numbers, and it ignores bits of its argument beyond the 53rd.  A genuine
    mpmath function shows the first two only at special points (``exp(0) = 1``) and
    never the third: moving ``x`` by ``2**-64`` relative moves ``f(x)`` by about
    ``2**-64 x f'(x)``, visible at the check precision.  Probes up to ``_PROBES``
    nonzero points, one evaluation each.
    """
    vals = r.mp_values.reshape(-1)
    exact = r.rel_disagreement.reshape(-1) == 0
    if not exact.all() or any(mpmath.mpf(float(v)) != v for v in vals.tolist()):
        return False
    probes = [i for i, p in enumerate(pts) if p != 0][:_PROBES]
    if not probes:
        return False
    with mpmath.workdps(check_dps):
        for i in probes:
            moved = pts[i] * (1 + mpmath.ldexp(1, -64))
            try:
                if _as_mpf(f(moved)) != vals[i]:
                    return False
            except Exception:  # the moved point is outside f's domain: no verdict
                return False
    return True


def mp_barycentric(
    x: ArrayLike,
    nodes: ArrayLike,
    weights: ArrayLike,
    values: ArrayLike,
    *,
    dps: int = 30,
    digits: int = 20,
    check_dps: int | None = None,
    max_dps: int | None = None,
) -> OracleResult:
    r"""The second barycentric formula evaluated in mpmath, for small ``n``.

    .. math::

        p(x) = \frac{\sum_j w_j f_j / (x - x_j)}{\sum_j w_j / (x - x_j)},
        \qquad p(x_j) = f_j,

    with the float64 ``nodes``, ``weights`` and ``values`` taken as the exact binary
    numbers they are.  This is the exact value of the rational function that the
    float64 data define (the interpolating polynomial when the weights are the exact
    barycentric weights of the nodes), so comparing a float64 kernel with it isolates
    the kernel's rounding errors.  Checked at two precisions like :func:`mp_evaluate`.

    Cost: ``O(n)`` mpmath operations per point and precision, about ``7 n``
    microseconds per point for both (0.1 s for ``n = 64`` and 200 points, 1.5 s for
    ``n = 1024``); meant for ``n`` up to about a thousand.

    Parameters
    ----------
    x : array_like of float
        Evaluation points, any shape.
    nodes, weights, values : array_like of float, shape (n,)
        Distinct interpolation nodes, barycentric weights, nodal values.
    dps, digits, check_dps, max_dps
        As in :func:`mp_evaluate`.

    Returns
    -------
    OracleResult

    Raises
    ------
    ValueError
        Empty, non-finite or repeated ``nodes``, zero or non-finite ``weights``,
        non-finite ``values`` or ``x``, lengths that differ.
    TypeError
        Non-numeric or complex input.

    References
    ----------
    .. [1] J.-P. Berrut and L. N. Trefethen, "Barycentric Lagrange interpolation",
       SIAM Review 46(3), 501-517, 2004, eq. (4.2).
    """
    xs = as_float_array(x, "x", allow_complex=False, allow_empty=True).astype(np.float64)
    xn = as_float_array(nodes, "nodes", ndim=1, allow_complex=False).astype(np.float64)
    wn = as_float_array(weights, "weights", ndim=1, allow_complex=False).astype(np.float64)
    fn = as_float_array(values, "values", ndim=1, allow_complex=False).astype(np.float64)
    if not xn.shape == wn.shape == fn.shape:
        raise ValueError(
            f"`nodes`, `weights` and `values` must have the same length, got "
            f"{xn.size}, {wn.size} and {fn.size}."
        )
    # Duplicate nodes make the formula 0/0 at the repeated node and a different
    # rational function elsewhere; a zero weight drops its node: neither is an
    # interpolant, and the oracle would "verify" it all the same.
    check_distinct(xn, "nodes")
    if (wn == 0).any():
        j = int(np.flatnonzero(wn == 0)[0])
        raise ValueError(
            f"`weights[{j}]` is zero; barycentric weights of distinct nodes are never "
            "zero (a zero weight removes its node from the interpolant). Recompute them "
            "with `barycentric_weights(nodes)`."
        )
    # Exact conversion, valid at every precision; a dict finds exact node hits.
    # Raw libmp tuples: this O(n) inner loop is the whole cost, and mpmath's wrapper
    # objects would triple it.
    X = [from_float(float(v)) for v in xn]
    W = [from_float(float(v)) for v in wn]
    F = [from_float(float(v)) for v in fn]
    hit = {float(v): j for j, v in enumerate(xn)}
    make = mpmath.mp.make_mpf

    def compute(p: float) -> Any:
        j = hit.get(p)
        if j is not None:  # x is a node: the formula is 0/0, the limit is f_j
            return make(F[j])
        # 20 guard bits for the two running sums, which add n rounded terms each;
        # whatever they cost is caught by the two-precision check.
        prec = mpmath.mp.prec + 20
        rnd = round_nearest
        x = from_float(p)
        num = den = fzero
        for xj, wj, fj in zip(X, W, F, strict=True):
            q = mpf_div(wj, mpf_sub(x, xj, prec, rnd), prec, rnd)
            num = mpf_add(num, mpf_mul(q, fj, prec, rnd), prec, rnd)
            den = mpf_add(den, q, prec, rnd)
        return make(mpf_div(num, den, prec, rnd))

    flat = xs.reshape(-1).tolist()
    return two_precision(compute, flat, dps=_dps_pair(dps, check_dps), digits=digits,
                         max_dps=max_dps, shape=xs.shape)
