r"""Golden reference data for the 1-D targets: build, verify, load.

For every target of :data:`numlearn.problems.TARGETS` the repository's top-level
``reference/`` directory holds one JSON file ``<name>.json`` with

(a) its Chebyshev coefficients :math:`a_k`, :math:`k = 0..K`, in the convention
    :math:`f(x) = \sum_k a_k T_k(s)`, :math:`s = (2x - a - b)/(b - a)` (NumPy's
    ``chebval`` convention: :math:`a_0` not halved), with ``K`` the smallest degree
    whose tail :math:`\sum_{k>K} |a_k|` is below ``1e-17`` times :math:`\max_k |a_k|`;
(b) its values at 201 fixed float64 points of the domain (both endpoints included),

as decimal strings with 32 significant digits, plus the float64 roundings as
``float.hex`` strings, and a record of how they were made.  ``MANIFEST.sha256``
(``sha256sum`` format) lists the checksum of every file; :func:`load_reference`
refuses a file whose checksum does not match
(:class:`~numlearn._core.store.ReferenceIntegrityError`; the store, its manifest and
where the directory is: :mod:`numlearn._core.store`) or whose contents are
inconsistent (:class:`~numlearn._core.store.ReferenceFormatError`, e.g. a float64
entry that is not the rounding of its decimal); :func:`numlearn.reference.verify_references`
also recomputes samples.

How the coefficients are computed (and why not by quadrature)
-------------------------------------------------------------
The coefficients :math:`\hat a_k` of the degree-``N`` interpolant in the
Chebyshev-Lobatto points :math:`s_j = \cos(j\pi/N)` are a discrete cosine transform
(DCT-I) of the values, and differ from the series coefficients only by aliasing
(Trefethen, ATAP, Thm. 4.2):

.. math::

    \hat a_k = a_k + \sum_{m \ge 1} (a_{2mN - k} + a_{2mN + k}), \qquad 0 < k < N .

For ``f`` analytic in the Bernstein ellipse :math:`E_\rho` the aliasing is
:math:`O(\rho^{-(2N - k)})`.  ``N`` is doubled until the computed coefficients in the
top quarter, :math:`k \ge 3N/4`, are below the stored resolution, which puts the
aliasing of every stored coefficient below it too.  The transform is also the
trapezoidal rule for :math:`\frac{2}{\pi}\int_0^\pi f(\cos\theta)\cos k\theta\,d\theta`,
whose error the same identity gives exactly; a general-purpose quadrature
(tanh-sinh, Gauss-Legendre) of a sharply peaked integrand has no such identity and
can be wrong in the leading digits at one precision and right at another.

Every number is computed twice, independently: at ``dps = 60`` with ``N`` points and at
``dps = 90`` with ``3N/2`` points (a different precision *and* a different aliasing), and
is stored only if the two agree to the stored digits; otherwise the build fails
(:class:`~numlearn._core.store.ReferenceBuildError`).  The check is that of the oracle
engine :func:`numlearn.precision.two_precision`, with the grid a function of the
precision.  Coefficients far below
:math:`10^{-17} \max|a_k|` (which only occur where a symmetry makes them vanish or
nearly so) are verified to the absolute resolution :math:`10^{-49} \max_k |a_k|` and
stored with the digits that resolution supports (``"0.0e+0"`` below it).

Values at the points are computed with :func:`numlearn.precision.mp_evaluate` at the
same two precisions, demanding 33 digits of agreement.

Cost: building all eight targets takes about 5 s (the ``N = 1024`` transforms dominate);
loading a file a few milliseconds.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
from numpy.typing import NDArray

from numlearn._core.store import (
    ReferenceBuildError,
    ReferenceIntegrityError,
    build_directory,
    check_decimal_rounding,
    checked_bytes,
    format_error,
    json_field,
    parse_hex_floats,
    parse_json,
    read_manifest,
    reference_directory,
    sha256_of,
    write_atomic,
    write_manifest,
)
from numlearn._core.validation import EPS
from numlearn.precision.oracle import (
    OracleDisagreementError,
    mp_evaluate,
    round_to_float64,
    two_precision,
)
from numlearn.problems.functions import TARGETS, TargetFunction, get_target

__all__ = [
    "FORMAT",
    "Reference",
    "UnknownReferenceError",
    "build_references",
    "load_reference",
    "reference_names",
]

#: The layout of a 1-D target's file (``<name>.json``).
FORMAT = "numlearn-reference/1"

_DIGITS = 32  # stored significant digits
_DPS = (60, 90)  # the two working precisions
_TAIL = 1e-17  # K: sum_{k>K} |a_k| <= _TAIL * max|a_k|
# Absolute resolution of the coefficients, relative to max|a_k|: 32 digits below the
# smallest coefficient that matters for the tail.
_RESOLUTION_EXP = _DIGITS + 17  # resolution = 10**-49 * max|a_k|
_K_MAX = 400
_N_MAX = 8192
_N_POINTS = 201


@dataclass(frozen=True)
class Reference:
    """The golden data of one target, as loaded from its checked file.

    Attributes
    ----------
    name : str
        Target name (see :func:`numlearn.problems.get_target`).
    domain : (float, float)
        The interval, exact float64 endpoints.
    coefficients : tuple of str
        Chebyshev coefficients ``a_0 .. a_K`` as decimal strings.
    coefficients_float64 : ndarray of float64
        The same, rounded to float64 from the high-precision values.
    points : ndarray of float64
        The evaluation points (increasing, endpoints included).
    values : tuple of str
        ``f(points)`` as decimal strings (32 significant digits).
    values_float64 : ndarray of float64
        ``f(points)`` correctly rounded to float64.
    metadata : dict
        Everything else in the file: method, precisions, grid sizes, tail bound, etc.
    path : pathlib.Path
        Where it was loaded from.
    """

    name: str
    domain: tuple[float, float]
    coefficients: tuple[str, ...]
    coefficients_float64: NDArray[np.float64]
    points: NDArray[np.float64]
    values: tuple[str, ...]
    values_float64: NDArray[np.float64]
    metadata: dict[str, Any] = field(repr=False)
    path: Path

    @property
    def degree(self) -> int:
        """``K``, the degree of the stored Chebyshev series."""
        return len(self.coefficients) - 1

    def mp_coefficients(self) -> list[Any]:
        """The coefficients as ``mpmath.mpf`` (parsed at 40 digits, enough for 32)."""
        with mpmath.workdps(40):
            return [mpmath.mpf(c) for c in self.coefficients]

    def mp_values(self) -> list[Any]:
        """The values as ``mpmath.mpf`` (parsed at 40 digits, enough for 32)."""
        with mpmath.workdps(40):
            return [mpmath.mpf(v) for v in self.values]


# ---------------------------------------------------------------------------------
# loading


def reference_names(directory: str | os.PathLike[str] | None = None) -> list[str]:
    """Names of the targets with a reference file listed in the manifest, sorted."""
    d = reference_directory(directory)
    return sorted(
        f[: -len(".json")] for f in read_manifest(d) if f.endswith(".json") and "/" not in f
    )


class UnknownReferenceError(KeyError, ValueError):
    """No reference file for the requested name (a ``KeyError`` and a ``ValueError``)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def load_reference(name: str, directory: str | os.PathLike[str] | None = None) -> Reference:
    """Load and check the reference data of target ``name``.

    The file's sha256 is compared with ``MANIFEST.sha256`` before it is parsed; then
    its contents are checked (:func:`_check_document`): the layout and types, the
    lengths (one float64 per decimal, ``K + 1`` coefficients, one value per point),
    finite numbers, points increasing from one end of the domain to the other, each
    float64 field the rounding of its decimal field
    (:func:`numlearn._core.store.check_decimal_rounding`), and the float64 series
    reproducing the float64 values to its rounding error.  About 3 ms per file.

    Raises
    ------
    TypeError
        If ``name`` is not a str.
    UnknownReferenceError
        (a ``KeyError`` and a ``ValueError``) If there is no reference for ``name``
        (the message lists those that exist).
    ReferenceIntegrityError
        If the file is missing, unlisted or altered.
    numlearn._core.store.ReferenceFormatError
        (a ``ReferenceIntegrityError`` and a ``ValueError``) If its contents are
        malformed or inconsistent; the message names the file and the field.

    Examples
    --------
    >>> ref = load_reference("runge")          # doctest: +SKIP
    >>> ref.coefficients[0]                    # doctest: +SKIP
    '1.9611613513818403806205233955041e-1'
    """
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a target name (a str such as 'runge'), got "
                        f"{type(name).__name__} {name!r}.")
    d = reference_directory(directory)
    manifest = read_manifest(d)
    filename = f"{name}.json"
    unsafe = not name or any(c in name for c in "/\\\0") or name.startswith(".")
    if unsafe or (filename not in manifest and not (d / filename).exists()):
        known = sorted(f[:-5] for f in manifest if f.endswith(".json") and "/" not in f)
        raise UnknownReferenceError(
            f"`name`: no reference data for {name!r} in {d}; available: {known}."
        )
    doc = parse_json(checked_bytes(d, filename, manifest), d / filename)
    return _check_document(doc, name, d / filename)


def _check_document(doc: dict[str, Any], name: str, path: Path) -> Reference:
    """The :class:`Reference` of a parsed ``<name>.json``, after the checks of
    :func:`load_reference`."""
    fmt = json_field(doc, "format", str, path)
    if fmt != FORMAT:
        raise format_error(path, "format", f"is {fmt!r}, expected {FORMAT!r}")
    if json_field(doc, "name", str, path) != name:
        raise format_error(path, "name", f"is {doc['name']!r}, but the file is {name}.json")
    domain = parse_hex_floats(json_field(doc, "domain", list, path), path, "domain")
    if domain.size != 2 or not domain[0] < domain[1]:
        raise format_error(path, "domain", f"is {domain.tolist()}, expected [a, b] with a < b")
    for key in ("provenance", "chebyshev.computations", "values.computations"):
        json_field(doc, key, (dict, list), path)
    n_lo = json_field(doc, "chebyshev.computations", list, path)
    if not n_lo or not isinstance(n_lo[0], dict) or not isinstance(
            n_lo[0].get("n_points"), int) or isinstance(n_lo[0].get("n_points"), bool):
        raise format_error(path, "chebyshev.computations[0].n_points",
                           "is missing or not an integer")
    # coefficients: K + 1 decimals, one float64 each, the rounding of each decimal
    coefficients = json_field(doc, "chebyshev.coefficients", list, path)
    c64 = parse_hex_floats(json_field(doc, "chebyshev.float64", list, path), path,
                           "chebyshev.float64")
    k = json_field(doc, "chebyshev.K", int, path)
    if not 0 <= k == len(coefficients) - 1 < n_lo[0]["n_points"] - 1:
        raise format_error(path, "chebyshev.coefficients",
                           f"has {len(coefficients)} entries; `chebyshev.K` = {k} demands "
                           f"K + 1 = {k + 1} (and K < N = "
                           f"{n_lo[0]['n_points'] - 1}, the grid of the computation)")
    check_decimal_rounding(coefficients, c64, path, "chebyshev.coefficients",
                           "chebyshev.float64")
    tail = json_field(doc, "chebyshev.tail_over_max", str, path)
    try:
        tail_ok = 0 <= float(tail) <= _TAIL
    except ValueError:
        tail_ok = False
    if not tail_ok:
        raise format_error(path, "chebyshev.tail_over_max",
                           f"is {tail!r}, expected a number in [0, {_TAIL:g}]")
    # values: one point, one decimal and one float64 each
    points = parse_hex_floats(json_field(doc, "values.points", list, path), path,
                              "values.points")
    values = json_field(doc, "values.values", list, path)
    v64 = parse_hex_floats(json_field(doc, "values.float64", list, path), path,
                           "values.float64")
    if len(values) != points.size or points.size < 2:
        raise format_error(path, "values.values", f"has {len(values)} entries, "
                           f"`values.points` {points.size}; one value per point (at least 2)")
    if points[0] != domain[0] or points[-1] != domain[1] or not np.all(np.diff(points) > 0):
        raise format_error(path, "values.points", "must increase strictly from the first "
                           "endpoint of `domain` to the last")
    check_decimal_rounding(values, v64, path, "values.values", "values.float64")
    _check_series(c64, points, v64, domain, path)
    return Reference(
        name=name,
        domain=(float(domain[0]), float(domain[1])),
        coefficients=tuple(coefficients),
        coefficients_float64=c64,
        points=points,
        values=tuple(values),
        values_float64=v64,
        metadata=_metadata(doc),
        path=path,
    )


def _check_series(c64: NDArray[np.float64], points: NDArray[np.float64],
                  v64: NDArray[np.float64], domain: NDArray[np.float64], path: Path) -> None:
    """The float64 series must reproduce the float64 values to within its rounding
    error, ``4 eps sum_k (k + 1)^2 |a_k|`` (Clenshaw's error and that of the mapped
    point ``s`` times ``|T_k'| <= k^2``), plus the stored tail ``<= 1e-17 max|a_k|``.
    Catches coefficients or values that were truncated, scaled or swapped together
    with their decimals; a truncation below this bound is caught by
    :func:`~numlearn.reference.verify_references` with ``recompute``."""
    a, b = domain
    s = (2 * points - a - b) / (b - a)
    k = np.arange(c64.size)
    bound = 4 * EPS * float(np.sum((k + 1.0) ** 2 * np.abs(c64)))
    bound += _TAIL * float(np.max(np.abs(c64)))
    err = np.abs(np.polynomial.chebyshev.chebval(s, c64) - v64)
    if not np.max(err) <= bound:
        i = int(np.argmax(err))
        raise format_error(path, "chebyshev.coefficients",
                           f"do not reproduce `values.float64`: the series differs by "
                           f"{err[i]:.3e} at x = {float(points[i])!r} (rounding allows "
                           f"{bound:.1e}); coefficients or values are truncated or changed")


def _metadata(doc: dict[str, Any]) -> dict[str, Any]:
    """The document without its data arrays."""
    meta = {k: v for k, v in doc.items() if k not in ("chebyshev", "values")}
    meta["chebyshev"] = {
        k: v for k, v in doc["chebyshev"].items() if k not in ("coefficients", "float64")
    }
    meta["values"] = {
        k: v for k, v in doc["values"].items() if k not in ("points", "values", "float64")
    }
    return meta


# ---------------------------------------------------------------------------------
# computing


def _cheb_coefficients(
    f: Callable[[Any], Any], domain: tuple[float, float], n: int, kmax: int, dps: int
) -> list[Any]:
    """``a_0..a_kmax`` of the degree-``n`` Chebyshev-Lobatto interpolant, at ``dps``.

    DCT-I, ``a_k = (2/n) sum''_j f(s_j) cos(jk pi/n)`` (first and last terms halved,
    ``a_0`` halved once more).  The O(n kmax) sum runs in fixed-point integer
    arithmetic: values and cosines scaled by ``2**P`` and rounded to integers,
    ``P`` = working precision + 32 guard bits.  Python's big integers multiply and add
    numbers of a few hundred bits about five times faster than mpf objects; the sum is
    exact, and the only roundings are the ``n + 1`` scalings, each below ``2**-P``.
    """
    with mpmath.workdps(dps):
        prec = mpmath.mp.prec + 32
        a, b = mpmath.mpf(domain[0]), mpmath.mpf(domain[1])
        cos_tab = [mpmath.cospi(mpmath.mpf(m) / n) for m in range(2 * n)]
        fx = [f((a * (1 - s) + b * (1 + s)) / 2) for s in cos_tab[: n + 1]]
        table = np.empty(2 * n, dtype=object)
        table[:] = [int(mpmath.nint(mpmath.ldexp(c, prec))) for c in cos_tab]
        vals = np.empty(n + 1, dtype=object)
        vals[:] = [int(mpmath.nint(mpmath.ldexp(v, prec - (j in (0, n)))))
                   for j, v in enumerate(fx)]
        j = np.arange(n + 1, dtype=np.int64)
        out = []
        for k in range(kmax + 1):
            total = int(np.dot(vals, table[(j * k) % (2 * n)]))
            out.append(mpmath.ldexp(mpmath.mpf(total), 1 - 2 * prec - (k == 0)) / n)
        return out


def _format(v: Any, digits: int) -> str:
    """Decimal scientific notation with ``digits`` significant digits."""
    if digits <= 0 or not v:
        return "0.0e+0"
    return mpmath.nstr(v, digits, strip_zeros=False, min_fixed=0, max_fixed=0,
                       show_zero_exponent=True)


def _coefficients_record(t: TargetFunction) -> dict[str, Any]:
    """Compute, cross-check and format the Chebyshev coefficients of ``t``."""
    lo_dps, hi_dps = _DPS
    f = t.mpmath_func
    n = 32
    while True:
        low = _cheb_coefficients(f, t.domain, n, n - 1, lo_dps)
        with mpmath.workdps(lo_dps):
            mags = [abs(c) for c in low]
            scale = max(mags)
            resolution = scale * mpmath.mpf(10) ** -_RESOLUTION_EXP
            if max(mags[3 * n // 4:]) <= resolution / 100:
                break
        n *= 2
        if n > _N_MAX:
            raise ReferenceBuildError(
                f"{t.name}: the Chebyshev coefficients do not fall below the resolution "
                f"1e-{_RESOLUTION_EXP} * max|a_k| with {_N_MAX} points; the function is "
                "not smooth enough for this reference format."
            )
    with mpmath.workdps(lo_dps):
        tail = mpmath.mpf(0)
        kmax = n - 1
        while kmax > 0 and tail + mags[kmax] <= _TAIL * scale:
            tail += mags[kmax]
            kmax -= 1
    if kmax > _K_MAX:
        raise ReferenceBuildError(
            f"{t.name}: degree {kmax} is needed for a tail below {_TAIL:g}, more than "
            f"the cap {_K_MAX}."
        )
    n_hi = n + n // 2
    with mpmath.workdps(lo_dps):
        resolution_lo = float(scale * mpmath.mpf(10) ** -_RESOLUTION_EXP)

    def transform(_: Any) -> list[Any]:
        # The grid is a function of the precision (a different aliasing at the check
        # precision); the working-precision transform is the one the loop above made.
        if mpmath.mp.dps < hi_dps:
            return low[: kmax + 1]
        return _cheb_coefficients(f, t.domain, n_hi, kmax, hi_dps)

    try:
        res = two_precision(transform, [None], dps=_DPS, digits=_DIGITS + 1,
                            atol=resolution_lo / 10, points=[t.name])
    except OracleDisagreementError as exc:
        k = exc.index[-1]
        raise ReferenceBuildError(
            f"{t.name}: Chebyshev coefficient a_{k} disagrees between {lo_dps} "
            f"digits/{n} points ({mpmath.nstr(exc.low, 40)}) and {hi_dps} digits/{n_hi} "
            f"points ({mpmath.nstr(exc.high, 40)}), by more than 1e-{_DIGITS + 1} "
            f"relative and 1e-{_RESOLUTION_EXP + 1} * max|a_k| absolute. One of the "
            "two transforms loses digits (the target's mpmath_func cancels or computes "
            "in float64 somewhere); check mpmath_func at both precisions, or raise _DPS."
        ) from None
    high = res.mp_values[0].tolist()
    coefficients = []
    with mpmath.workdps(hi_dps):
        scale_hi = max(abs(c) for c in high)
        resolution = scale_hi * mpmath.mpf(10) ** -_RESOLUTION_EXP
        for hi, hi64 in zip(high, res.values[0].tolist(), strict=True):
            # Significant digits the absolute resolution supports for this entry.
            digits = _DIGITS if not hi else min(
                _DIGITS, int(mpmath.floor(mpmath.log10(abs(hi) / resolution))) + 1
            )
            coefficients.append((_format(hi, digits), hi64 if digits > 0 else 0.0))
        tail_rel = float(tail / scale)
    return {
        "convention": "f(x) = sum_{k=0}^{K} a_k T_k(s), s = (2x - a - b)/(b - a); "
                      "a_0 not halved (numpy.polynomial.chebyshev.chebval)",
        "method": "DCT-I of the values at the Chebyshev-Lobatto points cos(j pi/N), "
                  "j = 0..N (the coefficients of the degree-N interpolant; aliasing "
                  "a_{2N-k} + a_{2N+k} + ... below the resolution), fixed-point "
                  "integer sums",
        "computations": [{"dps": lo_dps, "n_points": n + 1},
                         {"dps": hi_dps, "n_points": n_hi + 1}],
        "stored_from": f"the {hi_dps}-digit computation",
        "agreement": f"relative 1e-{_DIGITS + 1}, or absolute 1e-{_RESOLUTION_EXP + 1} "
                     "* max|a_k| for smaller coefficients",
        "resolution": f"1e-{_RESOLUTION_EXP} * max|a_k| (entries stored with the "
                      "significant digits this supports, at most 32)",
        "K": kmax,
        "tail_over_max": f"{tail_rel:.3e}",
        "tail_criterion": f"sum_(k>K) |a_k| <= {_TAIL:g} * max|a_k|",
        "coefficients": [s for s, _ in coefficients],
        "float64": [float(v).hex() for _, v in coefficients],
    }


def _evaluation_points(domain: tuple[float, float], n: int) -> list[float]:
    """``n`` fixed points: both endpoints and ``n - 2`` points of the golden-ratio
    (Kronecker) sequence ``frac(i / phi)``, mapped to the domain and rounded to
    float64.  Computed in mpmath, so independent of NumPy's random streams."""
    a, b = domain
    with mpmath.workdps(50):
        g = (mpmath.sqrt(5) - 1) / 2
        inner = [round_to_float64(a + (b - a) * mpmath.frac(i * g)) for i in range(1, n - 1)]
    pts = sorted({a, b, *inner})
    if len(pts) != n:  # cannot happen for n << 2**52, but say so if it does
        raise ReferenceBuildError(f"evaluation points collide: {len(pts)} of {n} distinct.")
    return pts


def _values_record(t: TargetFunction) -> dict[str, Any]:
    lo_dps, hi_dps = _DPS
    pts = _evaluation_points(t.domain, _N_POINTS)
    res = mp_evaluate(t, np.array(pts), dps=lo_dps, check_dps=hi_dps, digits=_DIGITS + 1)
    if not res.rounding_certified.all():
        k = int(np.argmin(res.rounding_certified))
        raise ReferenceBuildError(f"{t.name}: float64 rounding not certified at x = {pts[k]!r}.")
    return {
        "method": "mpmath_func at the exact binary points (numlearn.precision.mp_evaluate)",
        "points_rule": "endpoints and frac(i (sqrt(5) - 1)/2), i = 1..199, mapped to the "
                       "domain and rounded to float64; sorted",
        "computations": [{"dps": lo_dps}, {"dps": hi_dps}],
        "stored_from": f"the {hi_dps}-digit computation",
        "agreement": f"relative 1e-{_DIGITS + 1}",
        "float64_rounding": "correctly rounded, certified by Ziv's test",
        "points": [p.hex() for p in pts],
        "values": [_format(v, _DIGITS) for v in res.mp_values],
        "float64": [float(v).hex() for v in res.values],
    }


def _document(t: TargetFunction) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "name": t.name,
        "description": t.description,
        "latex": t.latex,
        "category": t.category,
        "rho": repr(t.rho),
        "domain": [t.domain[0].hex(), t.domain[1].hex()],
        "digits": _DIGITS,
        "provenance": {
            # the committed files record the builder's path at the time they were made;
            # kept so that a rebuild reproduces them byte for byte
            "generator": "numlearn.precision.reference.build_references",
            "mpmath_version": mpmath.__version__,
            "working_precisions_dps": list(_DPS),
            "rule": "every stored number was computed twice, independently, and agrees "
                    "to the stored digits",
        },
        "chebyshev": _coefficients_record(t),
        "values": _values_record(t),
    }


def build_references(
    directory: str | os.PathLike[str] | None = None,
    names: Iterable[str] | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> dict[str, str]:
    """Compute the golden data and write ``<name>.json`` files and the manifest.

    Parameters
    ----------
    directory : path, optional
        Where to write (created if needed); default
        :func:`numlearn._core.store.build_directory` (``$NUMLEARN_CACHE/reference`` or
        ``~/.cache/numlearn/reference``), never the data installed with numlearn.
    names : iterable of str, optional
        Targets to (re)build; default all of :data:`numlearn.problems.TARGETS`.
        Entries of other files already in the manifest are kept.
    progress : callable, optional
        Called with one line of text per target (e.g. ``print``).

    Returns
    -------
    dict of str to str
        The manifest after the build, ``{filename: sha256}``.

    Raises
    ------
    TypeError
        If ``names`` is a str (a single name must be given as a list).
    ReferenceBuildError
        If the two independent computations of some number disagree.

    Notes
    -----
    The output is deterministic: a rebuild with the same mpmath version reproduces
    the files byte for byte (no dates, no host names).  About 5 s in all.
    """
    if isinstance(names, str):
        raise TypeError(f"`names` must be an iterable of target names, not the str "
                        f"{names!r}; use [{names!r}].")
    d = build_directory(directory)
    d.mkdir(parents=True, exist_ok=True)
    targets = [get_target(n) for n in (TARGETS if names is None else names)]
    try:
        manifest = read_manifest(d)
    except ReferenceIntegrityError:
        manifest = {}
    for t in targets:
        text = json.dumps(_document(t), indent=1, ensure_ascii=True) + "\n"
        path = d / f"{t.name}.json"
        write_atomic(path, text)
        manifest[path.name] = sha256_of(path)
        if progress is not None:
            doc = json.loads(text)
            progress(f"{path.name}: K = {doc['chebyshev']['K']}, "
                     f"{len(doc['values']['points'])} values, sha256 {manifest[path.name][:12]}")
    write_manifest(d, manifest)
    return dict(sorted(manifest.items()))
