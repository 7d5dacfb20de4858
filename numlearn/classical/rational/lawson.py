r"""AAA-Lawson: near-minimax rational approximation, with an equioscillation report.

AAA (:func:`numlearn.classical.rational.aaa.aaa`) gives a near-best rational
approximation in the least-squares sense on the sample set; the Lawson iteration
(iteratively reweighted least squares) moves it towards the minimax (best uniform)
approximation of the same type (Nakatsukasa & Trefethen 2020).  With support points
:math:`z_0, \dots, z_n` fixed (those of AAA of type ``(n, n)``), the rational function

.. math::

    r(z) = \frac{N(z)}{D(z)} = \frac{-\sum_j a_j / (z - z_j)}{\sum_j w_j / (z - z_j)}

is linearised as :math:`D (F - r) = \sum_j a_j/(Z - z_j) + F \sum_j w_j/(Z - z_j)`:
the columns of :math:`A \in \mathbb{C}^{M \times 2(n+1)}` are
:math:`[1/(Z - z_j),\ F/(Z - z_j)]`, except on the row of a support point
:math:`Z_i = z_j`, which is :math:`[1,\ F_i]` in column pair ``j`` and 0 elsewhere
(so :math:`r(z_j) = f_j := -a_j/w_j` is free, not interpolated).  Each step takes
:math:`c = (a_0, w_0, a_1, w_1, \dots)` as the right singular vector of the smallest
singular value of :math:`\operatorname{diag}(\sqrt{\omega}) A`, and updates the
sample weights

.. math::

    \omega \leftarrow \omega \odot \bigl((1 - \delta) + \delta\,|e| / \max|e|\bigr),
    \qquad \omega \leftarrow \omega / \max \omega,

with :math:`e = F - r(Z)` and damping :math:`\delta \in (0, 1]` (Chebfun ``aaa.m``'s
``'lawson'`` and ``'damping'`` options; :math:`\delta = 1` is Lawson's rule).  Each
step costs one thin SVD, :math:`O(M n^2)`.  Convergence is linear and can be slow;
it is reliable when the minimax error is well above rounding, and more so for
complex than for real problems (Nakatsukasa & Trefethen 2020, Sec. 6).

The *equioscillation report*
(:func:`~numlearn.classical.rational.equioscillation.equioscillation`) says how close
the result is to minimax.  On a real interval the best approximation of type ``(n, n)`` (not
degenerate) is characterised by an error that alternates in sign with equal
magnitude at ``2n + 2`` points (Chebyshev, Achieser); by de la Vallée Poussin's
theorem, if the error of *any* ``r`` of type ``(n, n)`` without poles there alternates
in sign at ``2n + 2`` points, then :math:`\min_i |e(x_i)| \le E^* \le \max|e|`, so the
ratio of the two is a self-certifying measure.  On a closed curve in the complex
plane the analogue is a near-circular error curve of winding number ``2n + 1``
(Trefethen 1981, for the unit disk): if :math:`e = f - r` winds at least ``2n + 1`` times around 0,
then :math:`E^* \ge \min |e|` (by Rouché's theorem, a better :math:`r^*` would make the
type-``(2n, 2n)`` function :math:`r^* - r` wind ``2n + 1`` times).

References
----------
.. [1] Y. Nakatsukasa and L. N. Trefethen, "An algorithm for real and complex
   rational minimax approximation", SIAM J. Sci. Comput. 42(5), A3157-A3179, 2020.
   :doi:`10.1137/19M1281897`, arXiv:1908.06001
.. [2] Y. Nakatsukasa, O. Sète and L. N. Trefethen, "The AAA algorithm for rational
   approximation", SIAM J. Sci. Comput. 40(3), A1494-A1522, 2018.
   :doi:`10.1137/16M1106122`
.. [3] L. N. Trefethen, *Approximation Theory and Approximation Practice*, extended
   edition, SIAM 2019, Chs. 10 and 24 (equioscillation, de la Vallée Poussin).
.. [4] Chebfun ``aaa.m`` (options ``'degree'``, ``'lawson'``, ``'damping'``); baryrat
   ``brasil`` (best rational approximation on an interval by a different
   algorithm: interpolation-node adjustment).
.. [5] L. N. Trefethen, "Rational Chebyshev approximation on the unit disk", Numer.
   Math. 37, 1981.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result, Status
from numlearn._core.validation import (
    EPS,
    as_float_array,
    check_choice,
    check_distinct,
    check_fraction,
    check_int,
)
from numlearn.classical.rational.equioscillation import equioscillation
from numlearn.classical.rational.form import BarycentricRational

__all__ = ["DEFAULT_RATIO_THRESHOLD", "aaa_lawson"]

#: Equioscillation ratio (min over the alternant of |e| / max |e|) above which
#: :func:`aaa_lawson` reports success: the error is then within 1 % of the minimax
#: error, certified by de la Vallée Poussin's bound E* >= ratio * max|e|.
DEFAULT_RATIO_THRESHOLD = 0.99

# Chebfun's adaptive rule: at least 20 steps, then continue while the error drops by
# more than 0.1 % per step, at most 1000 steps.
_MIN_STEPS, _MAX_STEPS, _PROGRESS = 20, 1000, 0.999
# Beyond Chebfun's rule, the equioscillation ratio is checked every this many steps.
_CHECK_EVERY = 10
# An error below this many eps times max|F| is rounding: AAA is then exact and there
# is nothing for Lawson to equalise.
_ROUNDING = 1e3


# ----------------------------------------------------------------------- Lawson


def _lawson_matrices(
    Z: NDArray[Any], F: NDArray[Any], zj: NDArray[Any]
) -> tuple[NDArray[Any], NDArray[Any], NDArray[np.intp], NDArray[np.intp]]:
    """Cauchy matrix C (support rows zeroed), the Lawson matrix A, and the rows/columns
    of the support points that are sample points."""
    M, m = Z.size, zj.size
    hit = Z[:, None] == zj[None, :]
    rows, cols = np.nonzero(hit)
    with np.errstate(divide="ignore", invalid="ignore"):
        C = 1.0 / (Z[:, None] - zj[None, :])
    C[rows, :] = 0.0
    A = np.empty((M, 2 * m), dtype=np.result_type(C, F))
    A[:, 0::2] = C
    A[:, 1::2] = F[:, None] * C
    A[rows, 2 * cols] = 1.0
    A[rows, 2 * cols + 1] = F[rows]
    return C, A, rows, cols


def _evaluate(C: NDArray[Any], a: NDArray[Any], w: NDArray[Any], rows: NDArray[np.intp],
              cols: NDArray[np.intp]) -> NDArray[Any]:
    with np.errstate(divide="ignore", invalid="ignore"):
        R = -(C @ a) / (C @ w)
        R[rows] = -a[cols] / w[cols]
    return R


def _check_input(z: ArrayLike, f: ArrayLike, degree: Any) -> tuple[NDArray[Any], NDArray[Any], int]:
    Z = as_float_array(z, "z", ndim=1)
    F = as_float_array(f, "f")
    if F.ndim != 1:
        raise ValueError(f"`f` must be 1-D with one value per sample point (shape "
                         f"({Z.size},)), got shape {F.shape}; AAA-Lawson approximates one "
                         "function (for N functions sharing poles use aaa with f of shape "
                         "(M, N), without Lawson).")
    if F.size != Z.size:
        raise ValueError(f"`f` must have the length of `z` ({Z.size}), got {F.size}.")
    check_distinct(Z, "z")
    n = check_int(degree, "degree", minimum=0)
    if Z.size < 2 * n + 2:
        raise ValueError(
            f"`degree` = {n} needs at least 2*degree + 2 = {2 * n + 2} sample points "
            f"(a minimax error alternates at 2n + 2 points), got {Z.size}; lower `degree` "
            f"to at most {(Z.size - 2) // 2} or sample more points.")
    Z = Z.astype(np.complex128 if Z.dtype.kind == "c" else np.float64)
    F = F.astype(np.complex128 if F.dtype.kind == "c" else np.float64)
    return Z, F, n


def aaa_lawson(
    z: ArrayLike,
    f: ArrayLike,
    degree: int,
    *,
    steps: int | str | None = None,
    damping: float = 1.0,
    init: BarycentricRational | None = None,
    curve: str = "auto",
    ratio_threshold: float = DEFAULT_RATIO_THRESHOLD,
) -> Result:
    r"""Near-minimax rational approximation of type ``(degree, degree)`` by AAA-Lawson.

    Starts from AAA with ``degree + 1`` terms (or from ``init``), keeps its support
    points, and takes Lawson steps (module docstring): a fixed number ``steps``;
    ``steps="chebfun"``, Chebfun's adaptive rule (at least 20 steps, continuing while
    the maximum error falls by more than 0.1 % per step, at most 1000); or, by
    default, that rule *and then*, while the equioscillation ratio of the best
    iterate is below ``ratio_threshold`` (checked every 10 steps), more steps up to
    1000 in all.  Chebfun's rule alone stops 1-9 % above the minimax error in the
    measured cases (Lawson converges linearly), the default within about 1 %.  The
    iterate with the smallest maximum error on the samples is returned (Chebfun
    returns the last one and falls back to AAA only when Lawson did worse; the best
    iterate is never worse than that).  Then the error curve is analysed by
    :func:`equioscillation`.

    Cost: AAA, then one thin SVD of an :math:`M \times 2(n + 1)` matrix per step,
    :math:`O(M n^2)` each.

    Parameters
    ----------
    z : array_like, shape (M,)
        Distinct finite sample points, real (an interval) or complex (a closed curve,
        in order, or any point set with ``curve="none"``).
    f : array_like, shape (M,)
        Finite samples of the function, real or complex.
    degree : int
        ``n``: the type ``(n, n)``; needs ``M >= 2n + 2``.
    steps : int, "chebfun" or None, default None
        Number of Lawson steps (0: AAA only); ``"chebfun"`` for Chebfun's adaptive
        rule; None for that rule continued until the report certifies the result
        (or 1000 steps).
    damping : float in (0, 1], default 1.0
        Chebfun's ``'damping'``: each step multiplies the sample weights by
        ``(1 - damping) + damping |e|/max|e|``; 1 is Lawson's rule, smaller is slower
        but more robust.
    init : BarycentricRational, optional
        Start from this approximation (its nodes become the support points) instead
        of AAA; its degree must equal ``degree``.
    curve : {"auto", "interval", "closed", "none"}
        How the samples are read for the equioscillation report (see
        :func:`equioscillation`); ``"none"`` skips it (e.g. a scattered point set) and
        the status then reflects only the steps.
    ratio_threshold : float in (0, 1], default :data:`DEFAULT_RATIO_THRESHOLD`
        Success when the equioscillation ratio reaches it.

    Returns
    -------
    Result
        ``value``: the :class:`BarycentricRational` (support points ``z_j``, values
        ``f_j = -a_j / w_j``, weights ``w_j``; zero weights dropped).
        ``history``: ``"errors"`` (max error on the samples: AAA, then after each
        Lawson step), ``"aaa_errors"`` (AAA's own per-step errors, when AAA ran).
        ``stats``: ``iterations`` (Lawson steps taken), ``best_step`` (0 = AAA),
        ``seconds``, ``max_error``, ``aaa_max_error``, ``degree``,
        ``equioscillation_points``, ``equioscillation_required``,
        ``equioscillation_ratio``, ``minimax_lower_bound``, ``winding_number`` (closed
        curves), ``reverted_to_aaa``.
        ``status``: SUCCESS when the ratio reaches ``ratio_threshold`` (or the error
        is at rounding level, ``1e3 eps max|f|``: nothing left to equalise), else
        MAX_ITERATIONS with a `RuntimeWarning` saying the result is not near minimax.

    Raises
    ------
    TypeError
        Non-numeric input, ``degree`` not an integer, ``steps`` neither an integer
        nor ``"chebfun"``/None, ``init`` not a
        BarycentricRational, ``curve="interval"`` with complex ``z``.
    ValueError
        Empty, non-finite, repeated or mis-shaped ``z``/``f``; ``degree`` needing more
        than ``M`` samples; ``damping`` outside (0, 1]; ``init`` of another degree.

    See Also
    --------
    numlearn.classical.rational.aaa.aaa : the starting point.
    numlearn.classical.rational.equioscillation.equioscillation : the report alone.

    References
    ----------
    .. [1] Y. Nakatsukasa and L. N. Trefethen, SIAM J. Sci. Comput. 42(5),
       A3157-A3179, 2020. :doi:`10.1137/19M1281897`

    Examples
    --------
    >>> import numpy as np
    >>> from numlearn.classical.rational.lawson import aaa_lawson
    >>> x = np.cos(np.linspace(0, np.pi, 2000))
    >>> res = aaa_lawson(x, np.exp(x), 2)
    >>> res.success, res.stats["equioscillation_points"]
    (True, 6)
    >>> lo, hi = res.stats["minimax_lower_bound"], res.stats["max_error"]
    >>> bool(lo <= 8.68999107505519e-05 <= hi)  # E*_{2,2}(exp) on [-1, 1] (mpmath)
    True
    """
    t0 = time.perf_counter()
    Z, F, n = _check_input(z, f, degree)
    chebfun_rule = isinstance(steps, str)
    if chebfun_rule:
        check_choice(steps, "steps", ("chebfun",))
        steps = None
    elif steps is not None:
        steps = check_int(steps, "steps", minimum=0, maximum=100_000)
    damp = check_fraction(damping, "damping")
    curve = check_choice(curve, "curve", ("auto", "interval", "closed", "none"))
    thr = check_fraction(ratio_threshold, "ratio_threshold")
    if curve == "interval" and Z.dtype.kind == "c":
        raise TypeError("`curve='interval'` needs real `z`; use curve='closed' for a "
                        "closed curve or 'none' for a scattered complex point set.")
    history: dict[str, Any] = {}
    if init is None:
        from numlearn.classical.rational.aaa import aaa

        with warnings.catch_warnings():  # AAA not reaching its tolerance is expected here
            warnings.simplefilter("ignore", RuntimeWarning)
            start = aaa(Z, F, degree=n, cleanup=False)
        r0 = start.value
        history["aaa_errors"] = np.asarray(start.history.get("errors", []))
    else:
        if not isinstance(init, BarycentricRational):
            raise TypeError(f"`init` must be a BarycentricRational (e.g. aaa(...).value), "
                            f"got {type(init).__name__}.")
        if init.degree != n:
            raise ValueError(f"`init` has degree {init.degree} but `degree` is {n}; pass "
                             f"degree={init.degree} or an init of degree {n}.")
        if np.ndim(init.values) != 1:
            raise ValueError("`init` must be a scalar rational function (values of shape "
                             "(m,)), not set-valued.")
        r0 = init
    zj = np.asarray(r0.nodes).astype(np.result_type(Z, np.asarray(r0.nodes)))
    C, A, rows, cols = _lawson_matrices(Z, F, zj)
    w0 = np.asarray(r0.weights)
    a0 = -w0 * np.asarray(r0.values)
    R = _evaluate(C, a0, w0, rows, cols)
    err_aaa = float(np.max(np.abs(F - R)))
    errors = [err_aaa]
    best = (err_aaa, a0, w0, 0)
    fscale = float(np.max(np.abs(F)))
    wt = np.ones(Z.size)
    maxerr, k = err_aaa, 0
    certified: bool | None = None  # checked once Chebfun's rule would stop
    while True:
        if maxerr == 0.0 or not np.isfinite(maxerr):
            break
        if steps is not None:
            go = k < steps
        else:
            go = k < _MIN_STEPS or (errors[-1] / errors[-2] < _PROGRESS and k < _MAX_STEPS)
            if not go and not chebfun_rule and curve != "none" and k < _MAX_STEPS:
                # Past Chebfun's rule: continue while the best iterate is not yet
                # certified near-minimax (Lawson converges linearly; 0.1 % per step
                # can still be several per cent from equioscillation).
                if certified is None or k % _CHECK_EVERY == 0:
                    E_best = F - _evaluate(C, best[1], best[2], rows, cols)
                    ratio_now = equioscillation(Z, E_best, n, curve=curve)["ratio"]
                    certified = ratio_now >= thr or best[0] <= _ROUNDING * EPS * fscale
                go = not certified
        if not go:
            break
        k += 1
        _, _, vh = np.linalg.svd(np.sqrt(wt)[:, None] * A, full_matrices=False)
        c = vh[-1].conj()
        a, w = c[0::2], c[1::2]
        R = _evaluate(C, a, w, rows, cols)
        absErr = np.abs(F - R)
        maxerr = float(np.max(absErr)) if np.all(np.isfinite(absErr)) else np.inf
        errors.append(maxerr)
        if maxerr < best[0]:
            best = (maxerr, a, w, k)
        if not np.isfinite(maxerr) or maxerr == 0.0:
            break
        wt = wt * ((1.0 - damp) + damp * absErr / maxerr)
        wt /= wt.max()
    err, a, w, kbest = best
    # the returned function's error, evaluated as the user will (barycentric_eval);
    # it equals the iterate's to rounding, so a Lawson iterate that is not better
    # than the start by this measure gives way to the start itself
    E0 = F - r0(Z)
    err_aaa = float(np.max(np.abs(E0))) if np.all(np.isfinite(E0)) else np.inf
    value, E, err = r0, E0, err_aaa
    if kbest > 0:
        keep = w != 0
        with np.errstate(divide="ignore", invalid="ignore"):
            fj = -a[keep] / w[keep]
        cand = BarycentricRational(zj[keep], fj, w[keep])
        Ec = F - cand(Z)
        errc = float(np.max(np.abs(Ec))) if np.all(np.isfinite(Ec)) else np.inf
        if errc <= err_aaa:
            value, E, err = cand, Ec, errc
        else:
            kbest = 0
    stats: dict[str, Any] = {
        "iterations": k, "best_step": kbest, "max_error": err, "aaa_max_error": err_aaa,
        "degree": n, "reverted_to_aaa": kbest == 0 and k > 0,
    }
    rounding = err <= _ROUNDING * EPS * fscale
    if curve != "none":
        rep = equioscillation(Z, E, n, curve=curve)
        stats.update(equioscillation_points=rep["points"],
                     equioscillation_required=rep["required"],
                     equioscillation_ratio=rep["ratio"],
                     minimax_lower_bound=rep["lower_bound"],
                     winding_number=rep["winding_number"])
        ok = rep["ratio"] >= thr or rounding
    else:
        ok = True
    stats["seconds"] = time.perf_counter() - t0
    history["errors"] = np.asarray(errors)
    status, message = Status.SUCCESS, ""
    if rounding and curve != "none":
        message = ("the error is at rounding level (<= 1e3 eps max|f|); equioscillation "
                   "was not required")
    if not ok:
        status = Status.MAX_ITERATIONS
        what = (f"{rep['points']} alternation points of the {rep['required']} required"
                if rep["curve"] == "interval"
                else f"winding number {rep['winding_number']} (required {rep['required']})")
        message = (
            f"aaa_lawson: not near minimax after {k} Lawson steps: equioscillation ratio "
            f"{rep['ratio']:.3g} < {thr:g} ({what}; max error {err:.3e}, certified "
            f"lower bound {rep['lower_bound']:.3e}). Take more steps (steps=...), try "
            "damping < 1, sample more densely where the error peaks, or use an even "
            "degree for an even function (degenerate cases alternate at fewer points).")
        warnings.warn(message, RuntimeWarning, stacklevel=2)
    return Result(value, side="classical", status=status, message=message, stats=stats,
                  history=history, method="aaa_lawson")
