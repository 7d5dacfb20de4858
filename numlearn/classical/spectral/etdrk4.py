r"""ETDRK4: fourth-order exponential time differencing for stiff semilinear systems.

A semi-discretisation in space turns a PDE into :math:`v_t = L v + N(v, t)`, with the
stiff linear part :math:`L` (diffusion, dispersion, linear reaction) separated from a
non-stiff nonlinear part :math:`N`.  The fourth-order exponential time-differencing
Runge-Kutta scheme ETDRK4 of Cox and Matthews integrates :math:`L` exactly through
:math:`e^{hL}` and the phi-functions, so the step is limited by accuracy on
:math:`N`, not by the stiffness of :math:`L` (no CFL restriction from
:math:`\nu k^2`).

:func:`etdrk4` is the integrator (diagonal :math:`L` for Fourier bases, dense
:math:`L` for Chebyshev bases); :func:`etdrk4_coefficients` computes its
coefficients.  The benchmark problems are solved with it in
:mod:`numlearn.classical.spectral.mol`.

References
----------
.. [1] S. M. Cox and P. C. Matthews, "Exponential time differencing for stiff
   systems", J. Comput. Phys. 176(2), 430-455, 2002. :doi:`10.1006/jcph.2002.6995`
.. [2] A.-K. Kassam and L. N. Trefethen, "Fourth-order time-stepping for stiff
   PDEs", SIAM J. Sci. Comput. 26(4), 1214-1233, 2005. :doi:`10.1137/S1064827502410633`
.. [3] A. H. Al-Mohy and N. J. Higham, "Computing the action of the matrix
   exponential", SIAM J. Sci. Comput. 33(2), 488-511, 2011 (the augmented matrix
   whose exponential holds the phi-functions, after Saad 1992).
.. [4] Chebfun ``spin`` (H. Montanelli and N. Bootland): Fourier in space, ETDRK4 by
   default, 64 contour points, no dealiasing by default.
"""

from __future__ import annotations

import itertools
import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.fft
import scipy.linalg
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result, Status
from numlearn._core.validation import (
    EPS,
    as_float_array,
    check_domain,
    check_even,
    check_int,
    check_positive,
)

__all__ = ["ETDRK4_MAX_STEPS", "ETDRK4Coefficients", "etdrk4", "etdrk4_coefficients"]
Nonlinear = Callable[[NDArray[Any], float], NDArray[Any]]

#: Default limit on the number of time steps one :func:`etdrk4` call may take (over
#: all output intervals), checked before any work: a request beyond it (a tiny
#: ``dt``, a huge ``t_span``) is refused with a ``ValueError`` instead of running for
#: hours.  10**7 steps is minutes for a small system and far above every benchmark
#: (the Burgers method of lines takes 10**4).  Pass ``max_steps=`` to allow more.
ETDRK4_MAX_STEPS = 10**7

# Entries of dt*L are processed in blocks of this many, so that the (block, M/2)
# array of contour nodes stays a few MB however large L is.
_CONTOUR_BLOCK = 1 << 15


# ------------------------------------------------------------------ coefficients


@dataclass(frozen=True)
class ETDRK4Coefficients:
    r"""The six ETDRK4 coefficient arrays for one step size ``h``.

    ``E = exp(hL)``, ``E2 = exp(hL/2)``, ``Q = h phi_1(hL/2)/2`` and the weights
    ``f1, f2, f3`` of the final stage (see :func:`etdrk4_coefficients`).  Vectors for
    a diagonal ``L``, matrices for a dense one.
    """

    h: float
    E: NDArray[Any]
    E2: NDArray[Any]
    Q: NDArray[Any]
    f1: NDArray[Any]
    f2: NDArray[Any]
    f3: NDArray[Any]
    method: str


def etdrk4_coefficients(
    linear: ArrayLike, dt: float, *, contour_points: int = 32
) -> ETDRK4Coefficients:
    r"""ETDRK4 coefficients for ``v_t = L v + N(v, t)`` and step ``h = dt``.

    With :math:`z = hL`,

    .. math::

        Q &= h\,\frac{e^{z/2} - 1}{z}, \\
        f_1 &= h\,\frac{-4 - z + e^{z}(4 - 3z + z^2)}{z^3}, \quad
        f_2 = h\,\frac{2 + z + e^{z}(z - 2)}{z^3}, \quad
        f_3 = h\,\frac{-4 - 3z - z^2 + e^{z}(4 - z)}{z^3}

    (:math:`f_1 = h(\varphi_1 - 3\varphi_2 + 4\varphi_3)`,
    :math:`f_2 = h(\varphi_2 - 2\varphi_3)`, :math:`f_3 = h(4\varphi_3 - \varphi_2)`,
    with :math:`\varphi_k(z) = \sum_j z^j/(j+k)!`).  Written as they stand the
    formulas lose all digits for small :math:`|z|` (the numerators vanish like
    :math:`z^3`).

    **Diagonal L** (1-D array of eigenvalues, real or complex): Kassam and
    Trefethen's remedy.  Each function :math:`f` is entire, so by Cauchy's formula it
    equals its mean over any circle around :math:`z`; the mean over ``M =
    contour_points`` equispaced nodes :math:`w = z + R e^{i\theta_j}`,
    :math:`\theta_j = 2\pi(j - 1/2)/M`, converges faster than geometrically in ``M``
    and evaluates the formulas only at nodes away from 0.  For real :math:`z` only
    the ``M/2`` nodes in the upper half plane are used and the real part is taken
    (the same mean, by conjugate symmetry).  Kassam and Trefethen take ``R = 1``; a
    node then comes within :math:`\pi/M` of 0 when :math:`|z| \approx 1`, where the
    cancellation costs up to 5e3 eps (real z) and 8e5 eps (complex z) relative, as
    measured against mpmath.  Here :math:`R = |z| + 1/2` for
    :math:`1/2 < |z| < 3/2` and ``R = 1`` otherwise, so that every node has
    :math:`1/2 \le |w|`; the measured relative error is then below 50 eps for real
    :math:`z` in :math:`[-10^5, 30]` and complex :math:`|z| \le 10` (apart from the
    intrinsic ill-conditioning of the formulas near their zeros for large imaginary
    :math:`z`).  Cost :math:`O(nM)` exponentials.

    **Dense L** (2-D square array): matrix functions from one exponential of an
    augmented matrix (Saad 1992; Al-Mohy and Higham 2011),

    .. math::

        \exp\begin{pmatrix} hL & I & 0 & 0 \\ 0 & 0 & I & 0 \\ 0 & 0 & 0 & I \\
        0 & 0 & 0 & 0\end{pmatrix} = \begin{pmatrix} e^{hL} & \varphi_1 & \varphi_2
        & \varphi_3 \\ & \ddots \end{pmatrix},

    and a second one of size ``2n`` for :math:`e^{hL/2}` and
    :math:`\varphi_1(hL/2)`, by :func:`scipy.linalg.expm` (scaling and squaring).
    ``contour_points`` is not used.  The combinations ``f1, f2, f3`` are formed from
    the :math:`\varphi_k` and so carry an absolute error of order
    :math:`\varepsilon\,h\,\|\varphi_1\|` (relative accuracy is lost on the stiff
    eigen-directions, where the coefficients are small anyway).  Cost
    :math:`O(n^3 \log_2\|hL\|)`.

    Parameters
    ----------
    linear : array_like, shape (n,) or (n, n)
        Eigenvalues of a diagonal ``L``, or a dense ``L``.
    dt : float
        Step size ``h > 0``.
    contour_points : int, default 32
        Even number ``M >= 8`` of contour nodes (Chebfun ``spin`` uses 64).

    Returns
    -------
    ETDRK4Coefficients

    Raises
    ------
    ValueError
        If ``exp(h L)`` overflows (eigenvalues with a large positive real part).

    References
    ----------
    Kassam and Trefethen (2005) and their ``kursiv.m``; Cox and Matthews (2002);
    Chebfun ``spin``.
    """
    L = _check_linear(linear)
    h = check_positive(dt, "dt")
    M = _check_contour_points(contour_points)
    coef = _diagonal_coefficients(L, h, M) if L.ndim == 1 else _dense_coefficients(L, h)
    for name in ("E", "Q", "f1", "f2", "f3"):
        if not np.isfinite(getattr(coef, name)).all():
            big = float(np.max(np.real(np.linalg.eigvals(L) if L.ndim == 2 else L)))
            raise ValueError(
                f"exp(dt*L) overflows: dt*max(Re L) = {h * big:.3g}. ETDRK4 needs "
                "dt*Re(L) well below 700; reduce `dt` or move the unstable part of L "
                "into the nonlinear term."
            )
    return coef


def _diagonal_coefficients(L: NDArray[Any], h: float, M: int) -> ETDRK4Coefficients:
    z = h * L
    real = not np.iscomplexobj(z)
    if real:
        nodes = np.exp(1j * np.pi * (np.arange(1, M // 2 + 1) - 0.5) / (M // 2))
    else:
        nodes = np.exp(2j * np.pi * (np.arange(1, M + 1) - 0.5) / M)
    out = [np.empty(z.shape, dtype=z.dtype) for _ in range(4)]
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, z.size, _CONTOUR_BLOCK):
            zb = z[start : start + _CONTOUR_BLOCK]
            r = np.abs(zb)
            # Keep every node at least 1/2 away from 0, where the formulas cancel.
            radius = np.where((r > 0.5) & (r < 1.5), r + 0.5, 1.0)
            w = zb[:, None] + radius[:, None] * nodes[None, :]
            ew = np.exp(w)
            w3 = w**3
            means = (
                np.mean((np.exp(0.5 * w) - 1.0) / w, axis=1),
                np.mean((-4.0 - w + ew * (4.0 - 3.0 * w + w * w)) / w3, axis=1),
                np.mean((2.0 + w + ew * (w - 2.0)) / w3, axis=1),
                np.mean((-4.0 - 3.0 * w - w * w + ew * (4.0 - w)) / w3, axis=1),
            )
            for o, m in zip(out, means, strict=True):
                o[start : start + _CONTOUR_BLOCK] = m.real if real else m
        E = np.exp(z)
        E2 = np.exp(0.5 * z)
    Q, f1, f2, f3 = (h * o for o in out)
    return ETDRK4Coefficients(h, E, E2, Q, f1, f2, f3, f"contour mean, M={M}")


def _dense_coefficients(L: NDArray[Any], h: float) -> ETDRK4Coefficients:
    n = L.shape[0]
    A = h * L
    eye = np.eye(n, dtype=A.dtype)
    B = np.zeros((4 * n, 4 * n), dtype=A.dtype)
    B[:n, :n] = A
    for k in range(3):
        B[k * n : (k + 1) * n, (k + 1) * n : (k + 2) * n] = eye
    with np.errstate(over="ignore", invalid="ignore"):
        X = scipy.linalg.expm(B)
        C = np.zeros((2 * n, 2 * n), dtype=A.dtype)
        C[:n, :n] = 0.5 * A
        C[:n, n:] = eye
        Y = scipy.linalg.expm(C)
    E = X[:n, :n]
    p1, p2, p3 = X[:n, n : 2 * n], X[:n, 2 * n : 3 * n], X[:n, 3 * n :]
    return ETDRK4Coefficients(
        h,
        E=np.ascontiguousarray(E),
        E2=np.ascontiguousarray(Y[:n, :n]),
        Q=0.5 * h * Y[:n, n:],
        f1=h * (p1 - 3.0 * p2 + 4.0 * p3),
        f2=h * (p2 - 2.0 * p3),
        f3=h * (4.0 * p3 - p2),
        method="augmented-matrix expm",
    )


# ------------------------------------------------------------------ integrator


def etdrk4(
    linear: ArrayLike,
    nonlinear: Nonlinear,
    v0: ArrayLike,
    t_span: tuple[float, float],
    dt: float,
    *,
    contour_points: int = 32,
    save_at: ArrayLike | None = None,
    callback: Callable[[float, NDArray[Any]], Any] | None = None,
    max_steps: int = ETDRK4_MAX_STEPS,
) -> Result:
    r"""Integrate :math:`v_t = L v + N(v, t)` with ETDRK4 (Cox-Matthews, Kassam-Trefethen).

    One step of size :math:`h` from :math:`(t, v)`, with :math:`E = e^{hL}`,
    :math:`E_2 = e^{hL/2}` and :math:`Q, f_1, f_2, f_3` of
    :func:`etdrk4_coefficients`:

    .. math::

        a &= E_2 v + Q\,N(v, t), \qquad b = E_2 v + Q\,N(a, t + h/2), \\
        c &= E_2 a + Q\,\bigl(2N(b, t + h/2) - N(v, t)\bigr), \\
        v_{\rm new} &= E v + f_1 N(v, t) + 2 f_2 \bigl(N(a, \cdot) + N(b, \cdot)\bigr)
                      + f_3 N(c, t + h).

    Fourth order for smooth solutions; :math:`L` is integrated exactly, so the step
    is not limited by its stiffness.  With ``L = 0`` the scheme is the classical RK4.
    Cost per step: 4 evaluations of ``N`` (for a Fourier pseudospectral ``N``, 8
    FFTs) plus :math:`O(n)` for a diagonal ``L`` or 9 matrix-vector products
    (:math:`O(n^2)`) for a dense one; the coefficients are computed once per distinct
    step size.

    Step sizes: the interval between consecutive stopping times (``t_span`` ends and
    ``save_at``) of length :math:`\Delta` is cut into :math:`\lceil\Delta/dt\rceil`
    equal steps, so the step used is at most ``dt`` and equals it when ``dt`` divides
    :math:`\Delta` (up to 1e-9 of a step, for rounding).  Output times are hit exactly, never
    interpolated.  The total number of steps this implies is computed before any
    work and refused beyond ``max_steps`` (a ``ValueError`` naming ``dt``, the step
    count and the limit).

    Parameters
    ----------
    linear : array_like, shape (n,) or (n, n)
        Diagonal of ``L`` (e.g. Fourier symbols; real or complex) or a dense ``L``.
    nonlinear : callable ``N(v, t) -> array of shape (n,)``
        The nonlinear part.  It may return complex values for real ``v`` (the state
        is then complex).
    v0 : array_like, shape (n,)
        Initial state, finite.
    t_span : (float, float)
        ``(t0, t1)``, ``t0 < t1``.
    dt : float
        Largest step, ``> 0``.
    contour_points : int, default 32
        Contour nodes for the diagonal coefficients (see
        :func:`etdrk4_coefficients`).
    save_at : array_like, optional
        Non-decreasing times in ``[t0, t1]`` at which to record the state.
    callback : callable ``(t, v) -> bool | None``, optional
        Called after every step; a true return value stops the integration (status
        ``"stopped_by_callback"``).
    max_steps : int, default :data:`ETDRK4_MAX_STEPS` (10**7)
        Largest number of steps allowed, summed over the output intervals; checked
        before the first step.

    Raises
    ------
    ValueError
        Invalid input, or a step count ``dt`` implies beyond ``max_steps``.

    Returns
    -------
    Result
        ``value``: the state at ``t1``, or, with ``save_at``, an array of shape
        ``(len(save_at), n)`` of states (rows not reached are NaN).  ``stats``:
        ``iterations`` (time steps taken), ``nonlinear_evaluations``
        (``4 iterations + 1``: one call checks the
        output shape), ``dt`` (requested), ``dt_min``,
        ``dt_max`` (used), ``coefficient_method``, ``seconds``.  ``history``: ``t``
        (times saved) and ``max_abs`` (:math:`\max|v|` there).  ``status`` is
        ``"success"``, ``"diverged: ..."`` when the state becomes non-finite (with a
        `RuntimeWarning`), or ``"stopped_by_callback"``.

    Examples
    --------
    Logistic growth :math:`u' = u(1 - u)` with the linear part :math:`L = 1`:

    >>> import numpy as np
    >>> res = etdrk4([1.0], lambda v, t: -v**2, [0.5], (0.0, 1.0), 0.01)
    >>> float(abs(res.value[0] - np.e / (np.e + 1.0))) < 1e-10  # error 4.4e-11
    True

    References
    ----------
    Cox and Matthews (2002); Kassam and Trefethen (2005) and their ``kursiv.m``;
    Chebfun ``spin`` (default scheme ``'etdrk4'``).
    """
    L = _check_linear(linear)
    n = L.shape[0]
    v = as_float_array(v0, "v0", ndim=1)
    if v.shape[0] != n:
        raise ValueError(
            f"`v0` has length {v.shape[0]} but `linear` is for {n} unknowns; they must match."
        )
    t0, t1 = check_domain(t_span, "t_span")
    h_max = check_positive(dt, "dt")
    M = _check_contour_points(contour_points)
    if not callable(nonlinear):
        raise TypeError(f"`nonlinear` must be callable N(v, t), got {type(nonlinear).__name__}.")
    if callback is not None and not callable(callback):
        raise TypeError(f"`callback` must be callable (t, v) or None, got {callback!r}.")
    if save_at is None:
        saves = np.array([t1])
    else:
        saves = as_float_array(save_at, "save_at", ndim=1, allow_complex=False)
        if np.any(np.diff(saves) < 0):
            raise ValueError("`save_at` must be non-decreasing; sort it (np.sort) first.")
        if saves[0] < t0 or saves[-1] > t1:
            raise ValueError(
                f"`save_at` must lie in t_span = [{t0}, {t1}]; got [{saves[0]}, {saves[-1]}]."
            )
    stops = np.unique(np.concatenate(([t0], saves, [t1])))
    counts = _step_counts(stops, h_max, _check_max_steps(max_steps))
    start = time.perf_counter()

    dense = L.ndim == 2
    n0 = np.asarray(nonlinear(v, t0))
    if n0.shape != v.shape:
        raise ValueError(
            f"`nonlinear` returned shape {n0.shape} for a state of shape {v.shape}; "
            "it must return an array of the state's shape."
        )
    dtype = np.result_type(v.dtype, L.dtype, n0.dtype, np.float64)
    v = v.astype(dtype)
    out = np.full((saves.size, n), np.nan, dtype=dtype)
    hist_t: list[float] = []
    hist_max: list[float] = []
    save_idx = 0
    steps = 0
    status, message = Status.SUCCESS, ""
    coef: ETDRK4Coefficients | None = None
    hs: list[float] = []

    def record(t: float) -> None:
        nonlocal save_idx
        while save_idx < saves.size and saves[save_idx] == t:
            out[save_idx] = v
            save_idx += 1
            hist_t.append(t)
            hist_max.append(float(np.max(np.abs(v))))

    record(t0)
    for (a, b), nsteps in zip(itertools.pairwise(stops.tolist()), counts, strict=True):
        h = (b - a) / nsteps
        # Reuse the coefficients when the step differs from the last one only by the
        # rounding of b - a (equispaced output times); recompute otherwise.
        rounding = 4.0 * EPS * ((abs(a) + abs(b)) / nsteps + h)
        if coef is None or abs(h - coef.h) > rounding:
            coef = etdrk4_coefficients(L, h, contour_points=M)
            hs.append(h)
        for i in range(nsteps):
            t = a + i * h
            v = _step(coef, nonlinear, v, t, dense)
            steps += 1
            t_new = b if i == nsteps - 1 else a + (i + 1) * h
            if not np.isfinite(v).all():
                status = Status.DIVERGED
                message = (
                    f"the state became non-finite at t = {t_new:.6g} after "
                    f"{steps} steps; reduce `dt` or check the nonlinear term."
                )
                warnings.warn(f"etdrk4 diverged: {message}", RuntimeWarning, stacklevel=2)
                break
            if callback is not None and callback(t_new, v):
                status = Status.STOPPED_BY_CALLBACK
                break
        else:
            record(b)
            continue
        break

    stats = {
        "n": n,
        "iterations": steps,
        "nonlinear_evaluations": 4 * steps + 1,
        "dt": h_max,
        "dt_min": min(hs) if hs else 0.0,
        "dt_max": max(hs) if hs else 0.0,
        "coefficient_method": coef.method if coef is not None else "",
        "seconds": time.perf_counter() - start,
    }
    value = out[-1].copy() if save_at is None else out
    return Result(
        value=value,
        side="classical",
        status=status,
        message=message,
        stats=stats,
        history={"t": hist_t, "max_abs": hist_max},
        method="etdrk4",
    )


def _step_counts(stops: NDArray[np.float64], h_max: float, max_steps: int) -> list[int]:
    """Steps per interval between consecutive ``stops`` (``ceil(length / dt)``, at least
    one), refused with a ``ValueError`` when their sum exceeds ``max_steps``.

    A ratio ``length / dt`` of 2**53 or more (an integer already, possibly inf) is
    summed as a float, so that a ``dt`` so small that it overflows is refused, not
    handed to ``math.ceil``."""
    ratios = [(b - a) / h_max - 1e-9 for a, b in itertools.pairwise(stops.tolist())]
    implied = sum(max(1, math.ceil(r)) if r < 2.0**53 else r for r in ratios)
    if implied > max_steps:
        t0, t1 = float(stops[0]), float(stops[-1])
        least = (t1 - t0) / max_steps  # inf for a span beyond the float range
        hint = f" (to at least {least:.3g})" if math.isfinite(least) else ""
        raise ValueError(
            f"`dt` = {h_max:.6g} over t_span [{t0:.6g}, {t1:.6g}] implies "
            f"{implied:.6g} time steps, more than max_steps = {max_steps}; raise "
            f"`dt`{hint} or pass `max_steps=` to allow more."
        )
    return [max(1, math.ceil(r)) for r in ratios]


def _check_max_steps(max_steps: Any) -> int:
    """``max_steps`` as an integer ``>= 1`` (see :data:`ETDRK4_MAX_STEPS`)."""
    return check_int(max_steps, "max_steps", minimum=1)


def _step(
    c: ETDRK4Coefficients, nonlinear: Nonlinear, v: NDArray[Any], t: float, dense: bool
) -> NDArray[Any]:
    """One ETDRK4 step (see :func:`etdrk4`)."""
    h = c.h
    if dense:
        Nv = nonlinear(v, t)
        E2v = c.E2 @ v
        a = E2v + c.Q @ Nv
        Na = nonlinear(a, t + 0.5 * h)
        b = E2v + c.Q @ Na
        Nb = nonlinear(b, t + 0.5 * h)
        cc = c.E2 @ a + c.Q @ (2.0 * Nb - Nv)
        Nc = nonlinear(cc, t + h)
        return c.E @ v + c.f1 @ Nv + 2.0 * (c.f2 @ (Na + Nb)) + c.f3 @ Nc
    Nv = nonlinear(v, t)
    E2v = c.E2 * v
    a = E2v + c.Q * Nv
    Na = nonlinear(a, t + 0.5 * h)
    b = E2v + c.Q * Na
    Nb = nonlinear(b, t + 0.5 * h)
    cc = c.E2 * a + c.Q * (2.0 * Nb - Nv)
    Nc = nonlinear(cc, t + h)
    return c.E * v + c.f1 * Nv + 2.0 * c.f2 * (Na + Nb) + c.f3 * Nc


# ------------------------------------------------------------------ validation


def _check_linear(linear: ArrayLike) -> NDArray[Any]:
    L = as_float_array(linear, "linear", ndim=(1, 2))
    if L.ndim == 2 and L.shape[0] != L.shape[1]:
        raise ValueError(
            f"a dense `linear` must be square, got shape {L.shape}; pass the diagonal "
            "as a 1-D array for a diagonal operator."
        )
    L = L.astype(np.result_type(L.dtype, np.float64))
    if np.iscomplexobj(L) and not np.any(L.imag):
        L = L.real.copy()
    return L


def _check_contour_points(m: Any) -> int:
    return check_even(m, "contour_points", minimum=8,
                      reason="the real case uses the upper half of the contour")
