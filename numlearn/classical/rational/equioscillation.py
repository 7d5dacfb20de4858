r"""How close an error curve is to that of a best (minimax) approximation.

:func:`equioscillation` finds the alternation points of an error ``e = f - r`` on a
sample set and turns them into a certified bracket on the minimax error :math:`E^*`
of type ``(n, n)``:

* on a real interval, by the characterisation of best rational approximations
  (Chebyshev, Achieser: a non-degenerate best approximation's error alternates in
  sign with equal magnitude at ``2n + 2`` points) and de la Vallée Poussin's theorem:
  if the error of any ``r`` of type ``(n, n)`` without poles there alternates in sign
  at ``2n + 2`` points, then :math:`\min_i |e(x_i)| \le E^* \le \max|e|`;
* on a closed curve, by the winding number: if ``e`` winds at least ``2n + 1`` times
  around 0 then :math:`E^* \ge \min|e|` (Rouché: a better :math:`r^*` would make the
  type-``(2n, 2n)`` function :math:`r^* - r` wind ``2n + 1`` times); best
  approximations on smooth curves have near-circular error curves of winding number
  ``2n + 1`` (Trefethen 1981).

:func:`numlearn.classical.rational.lawson.aaa_lawson` reports it for its result.

References
----------
.. [1] L. N. Trefethen, *Approximation Theory and Approximation Practice*, extended
   edition, SIAM 2019, Chs. 10 and 24.
.. [2] L. N. Trefethen, "Rational Chebyshev approximation on the unit disk", Numer.
   Math. 37, 1981.
.. [3] Y. Nakatsukasa and L. N. Trefethen, "An algorithm for real and complex
   rational minimax approximation", SIAM J. Sci. Comput. 42(5), A3157-A3179, 2020.
   :doi:`10.1137/19M1281897`
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array, check_choice, check_int

__all__ = ["equioscillation"]


def _runs_peaks(e: NDArray[np.float64]) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Index and signed value of the largest |e| in each maximal run of one sign."""
    nz = np.flatnonzero(e != 0)
    if nz.size == 0:
        return nz, np.zeros(0)
    s = np.sign(e[nz])
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    ends = np.r_[starts[1:], nz.size]
    mag = np.abs(e[nz])
    idx = np.array([nz[a + int(np.argmax(mag[a:b]))] for a, b in zip(starts, ends, strict=True)])
    return idx, e[idx]


def _alternant(peaks: NDArray[np.float64], t: float) -> NDArray[np.intp]:
    """Positions (into ``peaks``) of the longest sign-alternating subsequence of the
    peaks with ``|peak| >= t``: consecutive same-sign survivors merge into their
    largest."""
    keep = np.flatnonzero(np.abs(peaks) >= t)
    out: list[int] = []
    for k in keep:
        if out and np.sign(peaks[out[-1]]) == np.sign(peaks[k]):
            if abs(peaks[k]) > abs(peaks[out[-1]]):
                out[-1] = int(k)
        else:
            out.append(int(k))
    return np.asarray(out, dtype=np.intp)


def _real_report(e: NDArray[np.float64], need: int) -> dict[str, Any]:
    idx, peaks = _runs_peaks(e)
    emax = float(np.max(np.abs(e))) if e.size else 0.0
    if peaks.size == 0:
        return {"points": 0, "ratio": 1.0, "lower": 0.0, "alternant": idx}
    # The largest threshold that keeps `need` alternating peaks (the count falls as
    # the threshold rises): bisection over the sorted peak magnitudes.
    mags = np.sort(np.abs(peaks))
    lo, hi = 0, mags.size - 1
    if _alternant(peaks, mags[0]).size < need:
        alt = _alternant(peaks, mags[0])
        return {"points": int(alt.size), "ratio": 0.0, "lower": 0.0, "alternant": idx[alt]}
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _alternant(peaks, mags[mid]).size >= need:
            lo = mid
        else:
            hi = mid - 1
    t = float(mags[lo])
    alt = _alternant(peaks, t)
    return {"points": int(alt.size), "ratio": t / emax, "lower": t, "alternant": idx[alt]}


def _modulus_peaks(a: NDArray[np.float64], closed: bool) -> NDArray[np.intp]:
    """Local maxima of ``a`` (plateaus counted once), cyclically when ``closed``."""
    if closed:
        prev, nxt = np.roll(a, 1), np.roll(a, -1)
    else:
        prev, nxt = np.r_[-np.inf, a[:-1]], np.r_[a[1:], -np.inf]
    return np.flatnonzero((a >= prev) & (a > nxt))


def equioscillation(
    z: ArrayLike, e: ArrayLike, degree: int, *, curve: str = "auto"
) -> dict[str, Any]:
    r"""How close an error curve ``e = f - r`` is to that of a minimax approximation.

    * ``curve="interval"`` (default for real ``z``; the points are sorted): the
      alternation points are the peaks of the maximal runs of one sign of the real
      error; the alternant is the longest sign-alternating subsequence of peaks above
      the largest threshold ``t`` that still leaves ``2n + 2`` of them.  Then
      ``t <= E* <= max|e|`` (de la Vallée Poussin; ``E*`` the minimax error on the
      sample set, hence also a lower bound for it on the whole interval), and
      ``ratio = t / max|e|`` (0 when fewer than ``2n + 2`` alternations exist at all).
      For a complex error on an interval, the peaks are the local maxima of ``|e|``
      and no bound is claimed.
    * ``curve="closed"`` (default for complex ``z``; the points are taken in the given
      order as a closed curve, except that points on the unit circle are sorted by
      angle): ``points`` counts the local maxima of ``|e|``, ``winding_number`` is the
      number of turns of ``e`` around 0, ``ratio = min|e| / max|e|`` over the curve,
      and the lower bound
      ``min|e|`` holds when the winding number is at least ``2n + 1`` (Rouché).  The
      samples must resolve ``e``: the discrete winding number and minimum are those of
      the sampled polygon.  Near-constant ``|e|`` marks minimax approximations on
      smooth curves (circles); on a curve with corners ``|e|`` dips there even at the
      minimax, so the ratio stays low and the bound is loose (Chebfun's triangle
      example, exp of type (4, 4): ratio 0.36); use ``curve="none"`` in
      :func:`numlearn.classical.rational.lawson.aaa_lawson` there.

    Cost :math:`O(M \log M)`.

    Parameters
    ----------
    z : array_like, shape (M,)
        Sample points.
    e : array_like, shape (M,)
        Error at the sample points.
    degree : int
        ``n`` of the type ``(n, n)``.
    curve : {"auto", "interval", "closed"}

    Returns
    -------
    dict
        ``points`` (int), ``required`` (``2n + 2`` on an interval, ``2n + 1`` turns on
        a closed curve), ``ratio`` (in [0, 1]), ``lower_bound`` and ``upper_bound``
        (``max|e|``) on the minimax error, ``winding_number`` (closed curves, else
        None), ``alternant`` (the points of ``z`` used), ``curve``.

    Examples
    --------
    >>> import numpy as np
    >>> from numlearn.classical.rational.equioscillation import equioscillation
    >>> x = np.cos(np.linspace(0, np.pi, 2001))  # contains the extrema of T_4
    >>> rep = equioscillation(x, np.cos(4 * np.arccos(x)) / 8, 1)  # T_4 / 8
    >>> rep["points"], round(rep["ratio"], 12), round(rep["lower_bound"], 12)
    (5, 1.0, 0.125)
    """
    zz = as_float_array(z, "z", ndim=1)
    ee = as_float_array(e, "e", ndim=1)
    if ee.shape != zz.shape:
        raise ValueError(f"`e` must have the shape of `z` {zz.shape}, got {ee.shape}.")
    n = check_int(degree, "degree", minimum=0)
    curve = check_choice(curve, "curve", ("auto", "interval", "closed"))
    if curve == "auto":
        curve = "closed" if np.iscomplexobj(zz) else "interval"
    if curve == "interval" and np.iscomplexobj(zz):
        raise TypeError("`curve='interval'` needs real `z`; use curve='closed' for points "
                        "on a closed curve in the complex plane.")
    a = np.abs(ee)
    emax = float(a.max())
    out: dict[str, Any] = {"curve": curve, "upper_bound": emax, "winding_number": None}
    if curve == "interval":
        order = np.argsort(zz, kind="stable")
        es = ee[order]
        out["required"] = 2 * n + 2
        if np.iscomplexobj(es) and np.any(es.imag != 0):
            pk = _modulus_peaks(np.abs(es), closed=False)
            out.update(points=int(pk.size), lower_bound=0.0,
                       ratio=float(np.abs(es[pk]).min() / emax) if emax > 0 else 1.0,
                       alternant=zz[order][pk])
            return out
        rep = _real_report(np.real(es).astype(np.float64), 2 * n + 2)
        out.update(points=rep["points"], ratio=rep["ratio"], lower_bound=rep["lower"],
                   alternant=zz[order][rep["alternant"]])
        return out
    if np.allclose(np.abs(zz), 1.0, rtol=0, atol=1e-12):  # the unit circle, by angle
        order = np.argsort(np.angle(zz), kind="stable")
        zz, ee, a = zz[order], ee[order], a[order]
    pk = _modulus_peaks(a, closed=True)
    dphi = np.angle(np.roll(ee, -1) / ee) if np.all(a > 0) else np.array([np.nan])
    turns = float(np.sum(dphi) / (2 * np.pi))
    wind = round(turns) if np.isfinite(turns) else 0
    ratio = float(a.min() / emax) if emax > 0 else 1.0
    out.update(points=int(pk.size), required=2 * n + 1, winding_number=wind, ratio=ratio,
               lower_bound=float(a.min()) if abs(wind) >= 2 * n + 1 else 0.0,
               alternant=zz[pk])
    return out
