r"""Adaptive Chebyshev construction: where to chop a series, and how many points to take.

Chebfun's constructor in plain functions: :func:`standard_chop` (Aurentz & Trefethen's
chopping rule) decides where a Chebyshev series has reached the noise level, and
:func:`chebyshev_adaptive` samples a function on nested Chebyshev grids until it has.
:func:`chebyshev_interpolate` is the fixed-``n`` counterpart.  The transforms and the
evaluation they use live in :mod:`numlearn.classical.chebyshev`.

References
----------
.. [1] J. L. Aurentz and L. N. Trefethen, "Chopping a Chebyshev series", ACM Trans. Math.
   Softw. 43(4), article 33, 2017. :doi:`10.1145/2998442`
.. [2] Z. Battles and L. N. Trefethen, "An extension of MATLAB to continuous functions
   and operators", SIAM J. Sci. Comput. 25(5), 1743-1770, 2004.
   :doi:`10.1137/S1064827503430126`
.. [3] Chebfun: ``standardChop.m``, ``chebtech/populate.m``, ``chebtech/standardCheck.m``,
   ``chebtech/sampleTest.m``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result, Status
from numlearn._core.validation import (
    EPS,
    as_float_array,
    check_domain,
    check_int,
    check_positive,
    check_real,
    compute_dtype,
)
from numlearn.classical._chop import _chop_one, chop_columns
from numlearn.classical.chebyshev import chebyshev_coefficients, chebyshev_values, clenshaw
from numlearn.classical.nodes import _check_kind, chebyshev_points, map_from_reference

if TYPE_CHECKING:
    from numlearn.classical.chebyshev_series import ChebyshevSeries

__all__ = ["ADAPTIVE_MAX_N", "chebyshev_adaptive", "chebyshev_interpolate", "standard_chop"]

#: Largest grid :func:`chebyshev_adaptive` may sample (``max_n`` times the number of
#: columns ``f`` returns): a refinement step holds about ten float64 arrays of the grid's
#: length (samples, points, the DCT's work arrays, the check of the chopped series),
#: so 2**25 + 1 points take about 3 GB.  Larger ``max_n`` is refused before sampling.
ADAPTIVE_MAX_N = 2**25 + 1
#: Bytes of working memory per grid point of a refinement step (see ADAPTIVE_MAX_N).
_BYTES_PER_POINT = 80


def standard_chop(coeffs: ArrayLike, tol: float = EPS) -> int:
    r"""Where to chop a Chebyshev (or Fourier) series: Aurentz & Trefethen's rule.

    Returns ``cutoff``, the number of leading coefficients to keep.  ``cutoff ==
    len(coeffs)`` means "not happy": no satisfactory chopping point was found.  The
    decision depends only on the *envelope* :math:`e_j = \max_{i\ge j}|c_i| /
    \max_i|c_i|`, a nonincreasing sequence starting at 1.  Three steps (1-based ``j``
    as in the paper):

    1. Build the envelope.  Series shorter than 17 are never chopped.
    2. Find the first plateau: the first ``j`` with
       :math:`e_{j_2}/e_j > r_j`, :math:`j_2 = \mathrm{round}(1.25 j + 5)`,
       :math:`r_j = 3\,(1 - \log e_j / \log \mathrm{tol})` (or :math:`e_j = 0`).
       ``r`` goes from 0 at :math:`e_j = \mathrm{tol}` (anything counts as a plateau)
       to 1 at :math:`e_j = \mathrm{tol}^{2/3}` (only a perfectly flat stretch counts);
       nothing above :math:`\mathrm{tol}^{1/3}` ever qualifies.  No plateau before
       :math:`j_2 > n`: not happy.
    3. Chop at the minimum over :math:`1..j_2` of :math:`\log_{10} e_j` plus a line
       rising by :math:`-\tfrac13\log_{10}\mathrm{tol}` over that range (biasing towards
       fewer terms), after capping the range where the envelope falls below
       :math:`\mathrm{tol}^{7/6}`; ``cutoff`` is the index before that minimum.

    The constants 17, 1.25, 5, 3, 2/3, 7/6 and 1/3 are experimental: the paper and
    Chebfun state they come from extensive experiments, not from first principles.
    Cost O(n).

    Parameters
    ----------
    coeffs : array_like, shape (n,) or (n, k)
        Coefficients, real or complex, finite.  For 2-D input each column is chopped
        and the largest cutoff returned (Chebfun ``standardCheck``).
    tol : float, default machine epsilon
        Target relative accuracy, ``> 0``; ``tol >= 1`` returns 1.

    Returns
    -------
    int

    References
    ----------
    .. [1] J. L. Aurentz and L. N. Trefethen, "Chopping a Chebyshev series", ACM Trans.
       Math. Softw. 43(4), 33, 2017. :doi:`10.1145/2998442`

    See Also
    --------
    chebyshev_adaptive : uses it to stop refining.  Chebfun ``standardChop.m``.

    Examples
    --------
    The test vectors of Chebfun's ``standardChop.m``:

    >>> c = 10.0 ** -np.arange(1, 51)
    >>> standard_chop(c), standard_chop(c + 1e-13 * np.cos(np.arange(1, 51) ** 2))
    (18, 13)
    """
    arr = as_float_array(coeffs, "coeffs", ndim=(1, 2))
    tol = check_positive(tol, "tol")
    return chop_columns(arr, tol)


def _name_of(f: Callable[..., Any]) -> str:
    """``f``'s name for a message: ``np.abs`` -> 'absolute', a lambda -> '<lambda>'."""
    return str(getattr(f, "__qualname__", None) or getattr(f, "__name__", None) or repr(f))


def _sample(f: Callable[..., Any], x: NDArray[np.float64], n_total: int) -> NDArray[Any]:
    """Call ``f`` on the points ``x``; check the shape and that every value is finite."""
    raw = np.asarray(f(x))
    if raw.ndim == 0:  # a constant function written as `lambda x: 1.0`
        raw = np.broadcast_to(raw, x.shape)
    if raw.ndim not in (1, 2) or raw.shape[0] != x.shape[0]:
        raise ValueError(
            f"`f` ({_name_of(f)}) must return an array of shape ({x.shape[0]},) or "
            f"({x.shape[0]}, k) for "
            f"{x.shape[0]} points, got shape {raw.shape}; make it vectorised (use numpy "
            "functions, not math)."
        )
    vals = as_float_array(raw, "f(x)", finite=False)
    ok = np.isfinite(vals)
    if not ok.all():
        i = int(np.argmin(ok.reshape(x.shape[0], -1).all(axis=1)))
        bad = vals[i]
        raise ValueError(
            f"`f` ({_name_of(f)}) returned a non-finite value {bad} at x = {float(x[i])!r} "
            "(while sampling at "
            f"{n_total} Chebyshev points). Remove the singularity, or construct on a "
            "subinterval that excludes it."
        )
    return vals.astype(compute_dtype(vals.dtype), copy=False)


def _alias(c: NDArray[Any], m: int) -> NDArray[Any]:
    """Coefficients of the m-point (2nd kind) interpolant of the series ``c``.

    On the m-point grid, :math:`\\theta_i = i\\pi/(m-1)`, :math:`T_j` coincides with
    :math:`T_k`, ``k`` the reflection of ``j mod 2(m-1)`` into ``[0, m-1]``; so each
    dropped coefficient is added onto its alias (Chebfun ``chebtech2/alias.m``).
    """
    n = c.shape[0]
    if m >= n:
        return c.copy()
    if m == 1:
        # The 1-point grid is s = 0, where T_{2i} = (-1)^i and odd T_k vanish.
        even = c[0::2]
        sign = np.where(np.arange(even.shape[0]) % 2 == 0, 1.0, -1.0)
        return np.tensordot(sign, even, axes=(0, 0))[None]
    out = c[:m].copy()
    j = np.arange(m, n)
    r = j % (2 * (m - 1))
    k = np.where(r <= m - 1, r, 2 * (m - 1) - r)
    np.add.at(out, k, c[m:])
    return out


# Chebfun's sampleTest points in [-1, 1] (arbitrary, "unlikely" values).
_SAMPLE_TEST_POINTS = np.array([-0.357998918959666, 0.036785641195074])


def chebyshev_adaptive(
    f: Callable[[NDArray[np.float64]], ArrayLike],
    domain: tuple[float, float] = (-1.0, 1.0),
    tol: float = EPS,
    max_n: int = 2**16 + 1,
    *,
    vscale: float = 0.0,
) -> Result:
    r"""Chebfun's adaptive construction of a Chebyshev series for a callable.

    Samples ``f`` at ``n = 17, 33, 65, ...`` Chebyshev points of the 2nd kind (nested:
    each grid reuses the previous samples, so ``f`` is called on the new points only),
    computes the coefficients (:func:`chebyshev_coefficients`) and chops them with
    :func:`standard_chop` at the tolerance Chebfun's ``standardCheck`` uses,

    .. math::

        \mathrm{tol}_{\rm eff} = \mathrm{tol}\cdot\max\bigl(h, V / \max_j|f(x_j)|\bigr),
        \qquad h = \max(|a|, |b|),\ V = \max(\text{vscale}, \max_j|f(x_j)|),

    (``h`` is Chebfun's hscale ``norm(domain, inf)``; on one interval ``V`` is the sampled
    maximum and the ratio is 1).  It is happy when the chop point is below ``n`` *and*
    Chebfun's ``sampleTest`` passes: ``f`` and the unchopped interpolant agree within
    :math:`\sqrt{\max(\varepsilon, \mathrm{tol})}\max(h\,V_f, V)` at two fixed points.
    The kept coefficients are then *aliased* to length ``cutoff`` (Chebfun's
    ``prolong``: the ``cutoff``-point interpolant of the ``n``-point one), which differs
    from plain truncation by at most the discarded tail.  Cost O(n log n) per
    refinement plus the samples of ``f``.  Chebfun lengths: ``exp`` 15, ``sin`` 14,
    ``cos(20x)`` 51; the result matches them.

    Parameters
    ----------
    f : callable
        Vectorised: ``f(x)`` for a float64 array ``x`` of shape (m,) returns shape (m,)
        or (m, k) (``k`` functions at once), real or complex.
    domain : (float, float)
    tol : float, default machine epsilon
        Relative tolerance passed (scaled) to :func:`standard_chop`.
    max_n : int, default 2**16 + 1
        Largest grid to try (Chebfun's ``maxLength``), at least 17.
    vscale : float, default 0
        A global vertical scale (Chebfun's ``data.vscale``) when this interval is one
        piece of a larger function; loosens the tolerance where ``|f|`` is small.

    Returns
    -------
    Result
        ``value``: a :class:`~numlearn.classical.ChebyshevSeries` on ``domain`` holding
        the chopped coefficients (all ``n_samples`` of them if not converged); its
        ``sum()``, ``roots()``, ``derivative()`` etc. act on the function.
        ``status``: ``Status.SUCCESS``, or ``Status.UNRESOLVED`` with the
        particulars in ``message``.  ``stats`` (keys of this solver; none of them is a
        quantity of :data:`numlearn.STATS_VOCABULARY`): ``n`` (coefficients kept),
        ``n_samples`` (finest grid), ``vscale``, ``hscale``, ``tol`` (effective),
        ``happiness`` (bool), ``evaluations`` (points at which ``f`` was called).
        ``history``: per grid, ``n``, ``cutoff`` and ``tail`` (largest ``|c_k|`` in
        the last quarter of the coefficients, relative to the largest ``|c_k|``: it
        falls to ~tol when the series is resolved).

    Raises
    ------
    ValueError
        If ``f`` returns NaN/inf (the message names the point) or the wrong shape.

    Warns
    -----
    RuntimeWarning
        If no chop point is found up to ``max_n`` points (``status`` says what to do).

    References
    ----------
    .. [1] Aurentz & Trefethen 2017, :doi:`10.1145/2998442`; Battles & Trefethen
       2004, :doi:`10.1137/S1064827503430126`.

    See Also
    --------
    chebyshev_interpolate : fixed degree, as ``numpy.polynomial.Chebyshev.interpolate``;
        this function is Chebfun's ``chebfun(f)`` (and ``chebpy.chebfun``).

    Examples
    --------
    >>> res = chebyshev_adaptive(np.exp)
    >>> res.status.code, res.stats["n"], res.stats["n_samples"]
    ('success', 15, 33)
    >>> f = chebyshev_adaptive(np.log, domain=(1, 3)).value
    >>> f
    ChebyshevSeries on [1, 3]: length 27, endpoint values 1.11022e-16, 1.09861
    >>> bool(abs(f(2.0) - np.log(2.0)) < 1e-15), bool(abs(f.sum() - (3 * np.log(3) - 2)) < 1e-15)
    (True, True)
    """
    a, b = check_domain(domain)
    tol = check_positive(tol, "tol")
    max_n = _check_max_n(max_n)
    vscale = _check_vscale(vscale)
    if not callable(f):
        raise TypeError(f"`f` must be callable, got {type(f).__name__}.")
    hscale = max(abs(a), abs(b))
    history: dict[str, list[Any]] = {"n": [], "cutoff": [], "tail": [], "chop_error": []}
    n, values, evaluations = 17, None, 0
    happy, cutoff, coeffs = False, 0, np.zeros(1)
    tol_eff, vglobal, chop_error, memory_stop = tol, vscale, math.inf, False
    while n <= max_n:
        if values is None:
            values = _sample(f, chebyshev_points(n, 2, (a, b)), n)
            evaluations += n
        else:
            columns = int(np.prod(values.shape[1:], dtype=np.int64))
            if n * columns > ADAPTIVE_MAX_N:
                memory_stop = True
                break
            # The odd points of the n-point grid are new; the even ones are the old grid
            # (bitwise: the sine formula gives the same rounded argument).
            new = _sample(f, chebyshev_points(n, 2, (a, b))[1::2], n)
            evaluations += new.shape[0]
            grid = np.empty((n, *values.shape[1:]), dtype=np.result_type(values, new))
            grid[0::2] = values
            grid[1::2] = new
            values = grid
        coeffs = chebyshev_coefficients(values)
        c2 = coeffs.reshape(n, -1)
        vscale_f = np.max(np.abs(values.reshape(n, -1)), axis=0)
        vglobal = max(vscale, float(vscale_f.max()))
        # A zero column gets tol = inf: standard_chop then keeps one coefficient.
        ratio = np.full(vscale_f.shape, np.inf)
        np.divide(vglobal, vscale_f, out=ratio, where=vscale_f > 0)
        tols = tol * np.maximum(hscale, ratio)
        cutoff = max(_chop_one(np.abs(c2[:, j]), float(tols[j])) for j in range(c2.shape[1]))
        tol_eff = float(np.min(tols))
        cmax = np.max(np.abs(c2))
        tail = float(np.max(np.abs(c2[-(n // 4) :])) / cmax) if cmax > 0 else 0.0
        chop_error = math.inf
        if cutoff < n:
            evaluations += _SAMPLE_TEST_POINTS.shape[0]
            happy = _sample_test(f, coeffs, (a, b), values, hscale, vglobal, tol)
            chop_error, chop_ok = _chop_check(coeffs, cutoff, values, vscale_f, tols)
            happy = happy and chop_ok
        history["n"].append(n)
        history["cutoff"].append(cutoff)
        history["tail"].append(tail)
        history["chop_error"].append(chop_error / vglobal if vglobal > 0 else chop_error)
        if happy:
            break
        n = 2 * n - 1
    stats = {
        "n": cutoff if happy else coeffs.shape[0],
        "n_samples": coeffs.shape[0],
        "vscale": vglobal,
        "hscale": hscale,
        "tol": tol_eff,
        "happiness": happy,
        "evaluations": evaluations,
        "chop_error": history["chop_error"][-1],
    }
    from numlearn.classical.chebyshev_series import ChebyshevSeries  # (import cycle)

    if happy:
        return Result(ChebyshevSeries(_alias(coeffs, cutoff), (a, b)), side="classical",
                      stats=stats, history=history, method="chebyshev_adaptive")
    last = coeffs.shape[0]
    why = (f"the next grid would exceed ADAPTIVE_MAX_N = {ADAPTIVE_MAX_N} values; "
           if memory_stop else "")
    message = (
        f"{why}the Chebyshev coefficients of f ({_name_of(f)}) did not decay to "
        f"tol*vscale = {tol_eff * vglobal:.2e} with {last} points (max_n = {max_n}); "
        f"the best chop found reproduces the samples only to {stats['chop_error']:.1e} "
        "relative. f may be non-smooth or singular in the domain (split the domain "
        "there), noisy (raise `tol` to the noise level) or very oscillatory (raise "
        "`max_n`)."
    )
    warnings.warn(f"unresolved: {message}", RuntimeWarning, stacklevel=2)
    return Result(ChebyshevSeries(coeffs, (a, b)), side="classical",
                  status=Status.UNRESOLVED, message=message, stats=stats, history=history,
                  method="chebyshev_adaptive")


def _check_vscale(vscale: Any) -> float:
    """``vscale`` as a finite float ``>= 0`` (bools and strings refused)."""
    v = check_real(vscale, "vscale") if not isinstance(vscale, float) else vscale
    if not (math.isfinite(v) and v >= 0):
        raise ValueError(f"`vscale` must be a finite number >= 0, got {v}.")
    return float(v)


def _check_max_n(max_n: Any) -> int:
    """``max_n`` as an int in ``[17, ADAPTIVE_MAX_N]``, refused before any sampling."""
    max_n = check_int(max_n, "max_n", minimum=17)
    if max_n > ADAPTIVE_MAX_N:
        gib = max_n * _BYTES_PER_POINT / 2**30
        raise ValueError(
            f"`max_n` = {max_n} is too large: a grid that size needs about {gib:.3g} GiB "
            f"of working memory; the limit is ADAPTIVE_MAX_N = {ADAPTIVE_MAX_N}. A "
            "function that needs more points is not smooth there: split the domain."
        )
    return max_n


def _chop_check(
    coeffs: NDArray[Any],
    cutoff: int,
    values: NDArray[Any],
    vscale_f: NDArray[np.float64],
    tols: NDArray[np.float64],
) -> tuple[float, bool]:
    r"""Does the chopped series reproduce the samples?  (largest error, verdict).

    The series returned (``coeffs`` aliased to ``cutoff`` terms) is evaluated on the
    whole ``n``-point grid and compared with the samples.  For a smooth function the
    difference is the discarded tail, at the level where :func:`standard_chop` cut
    (``tol`` or below); for a function whose coefficients decay only algebraically
    (a kink, :math:`|c_k| \sim k^{-2}` for ``|x|``) standard_chop can find a "plateau"
    once :math:`|c_k|` falls below :math:`\mathrm{tol}^{0.79}`, yet the tail *sums* to
    :math:`O(1/\mathrm{cutoff})`: ``|x|`` at 2**20 + 1 points chops at 154,919 terms
    whose error is 3.7e-6.  Column ``j`` passes when its error is at most
    :math:`\mathrm{tol}_j^{2/3} V_j`, the level below which standard_chop accepts a
    plateau at all.  Cost one inverse DCT, O(n log n).
    """
    n = coeffs.shape[0]
    chopped = np.zeros_like(coeffs)
    chopped[:cutoff] = _alias(coeffs, cutoff)
    err = np.max(np.abs(chebyshev_values(chopped) - values).reshape(n, -1), axis=0)
    with np.errstate(invalid="ignore", over="ignore"):
        bound = np.where(vscale_f > 0, tols ** (2.0 / 3.0) * vscale_f, np.inf)
    return float(err.max()), bool(np.all(err <= bound))


def _sample_test(
    f: Callable[..., Any],
    coeffs: NDArray[Any],
    domain: tuple[float, float],
    values: NDArray[Any],
    hscale: float,
    vglobal: float,
    tol: float,
) -> bool:
    """Chebfun's ``sampleTest``: f and its interpolant agree at two off-grid points."""
    x = map_from_reference(_SAMPLE_TEST_POINTS, domain)
    vscale_f = np.max(np.abs(values.reshape(values.shape[0], -1)), axis=0)
    bound = math.sqrt(max(EPS, tol)) * np.maximum(hscale * vscale_f, vglobal)
    fx = _sample(f, x, values.shape[0]).reshape(2, -1)
    px = clenshaw(x, coeffs, domain).reshape(2, -1)
    return bool(np.all(np.abs(fx - px) <= bound))


def chebyshev_interpolate(
    f: Callable[[NDArray[np.float64]], ArrayLike],
    *args: Any,
    n: int | None = None,
    deg: int | None = None,
    kind: int = 2,
    domain: tuple[float, float] = (-1.0, 1.0),
) -> ChebyshevSeries:
    r"""The interpolant of ``f`` at ``n = deg + 1`` Chebyshev points, as a series.

    ``ChebyshevSeries(chebyshev_coefficients(f(chebyshev_points(n, kind, domain)),
    kind), domain)``.  Cost ``n`` samples plus O(n log n).  The interpolant is within a
    factor :math:`2 + \tfrac{2}{\pi}\log n` (the Lebesgue constant) of the best
    polynomial approximation.

    The size is given by keyword, as exactly one of ``n=`` (number of points, this
    library's convention) or ``deg=`` (the degree, numpy's convention:
    ``Chebyshev.interpolate(f, deg)`` samples ``deg + 1`` points).  A positional size
    is refused with a ``TypeError``: ``chebyshev_interpolate(f, 8)`` would mean 8 points
    here and degree 8 in numpy.

    Parameters
    ----------
    f : callable
        Vectorised; returns shape (n,) or (n, k).  NaN/inf raise ``ValueError``.
    n : int, keyword-only
        Number of points, ``1 <= n <= ADAPTIVE_MAX_N``.
    deg : int, keyword-only
        Degree, ``0 <= deg < ADAPTIVE_MAX_N`` (``n = deg + 1``).
    kind : {1, 2}, keyword-only
        First or second kind points (numpy's ``interpolate`` uses the first kind).
    domain : (float, float), keyword-only

    Returns
    -------
    ChebyshevSeries
        ``n`` coefficients on ``domain`` (complex or with ``k`` columns if ``f`` is).

    See Also
    --------
    numpy.polynomial.Chebyshev.interpolate : first kind, ``deg``, O(n^2).
    chebyshev_adaptive : chooses ``n``.

    Examples
    --------
    >>> p = chebyshev_interpolate(lambda x: 4 * x**3, deg=3, kind=1)   # T_3 + 3 T_1
    >>> np.round(p.coefficients, 14) + 0.0
    array([0., 3., 0., 1.])
    """
    if args:
        raise TypeError(
            "chebyshev_interpolate takes the size by keyword: `n=` (number of points) or "
            "`deg=` (degree = n - 1, as numpy's Chebyshev.interpolate(f, deg)); got "
            f"{len(args)} positional argument(s) after `f`."
        )
    if not callable(f):
        raise TypeError(f"`f` must be callable, got {type(f).__name__}.")
    if (n is None) == (deg is None):
        raise TypeError(
            "chebyshev_interpolate needs exactly one of `n=` (number of points) and "
            "`deg=` (degree, n - 1)" + (", got both." if n is not None else ", got neither.")
        )
    if deg is not None:
        n = check_int(deg, "deg", minimum=0, maximum=ADAPTIVE_MAX_N - 1) + 1
    n = check_int(n, "n", minimum=1, maximum=ADAPTIVE_MAX_N)
    kind = _check_kind(kind)
    a, b = check_domain(domain)
    x = chebyshev_points(n, kind, (a, b))
    from numlearn.classical.chebyshev_series import ChebyshevSeries  # (import cycle)

    return ChebyshevSeries(chebyshev_coefficients(_sample(f, x, n), kind), (a, b))
