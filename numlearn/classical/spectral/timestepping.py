r"""Method-of-lines time stepping: ETDRK4 and the benchmark PDEs on spectral grids.

A semi-discretisation in space turns a PDE into :math:`v_t = L v + N(v, t)`, with the
stiff linear part :math:`L` (diffusion, dispersion, linear reaction) separated from a
non-stiff nonlinear part :math:`N`.  The fourth-order exponential time-differencing
Runge-Kutta scheme ETDRK4 of Cox and Matthews integrates :math:`L` exactly through
:math:`e^{hL}` and the phi-functions, so the step is limited by accuracy on
:math:`N`, not by the stiffness of :math:`L` (no CFL restriction from
:math:`\nu k^2`).

:func:`etdrk4` is the integrator (diagonal :math:`L` for Fourier bases, dense
:math:`L` for Chebyshev bases); :func:`etdrk4_coefficients` computes its
coefficients.  The benchmark problems of :mod:`numlearn.problems.pdes` are solved by

- :func:`solve_burgers_mol`: Fourier on period 2 (the solution is odd and 2-periodic),
  :math:`L = -\nu k^2`, :math:`N = -(u^2/2)_x`;
- :func:`solve_reaction_mol`: no spatial coupling, one logistic ODE per output
  point, :math:`L = \rho`, :math:`N = -\rho u^2`;
- :func:`solve_reaction_diffusion_mol` (Krishnapriyan's reaction-diffusion): Fourier
  on :math:`[0, 2\pi)`, :math:`L = \rho - \nu k^2`, :math:`N = -\rho u^2`;
- :func:`solve_wave_mol`: Chebyshev collocation of the first-order system, dense
  :math:`L`, :math:`N = 0` (exact propagator);
- :func:`solve_mol`: dispatch on a problem or its name (also convection: Fourier,
  :math:`L = -i\beta k`, :math:`N = 0`).

Every solver returns a :class:`numlearn.Result` whose ``value`` is ``u[i_t, i_x]`` on
the requested output times and points, like the learned solvers.

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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.fft
import scipy.linalg
from numpy.typing import ArrayLike, NDArray

from numlearn._result import Result
from numlearn._validation import as_float_array, check_domain, check_int

__all__ = [
    "ETDRK4Coefficients",
    "etdrk4",
    "etdrk4_coefficients",
    "solve_burgers_mol",
    "solve_mol",
    "solve_reaction_diffusion_mol",
    "solve_reaction_mol",
    "solve_wave_mol",
]

Nonlinear = Callable[[NDArray[Any], float], NDArray[Any]]

# Entries of dt*L are processed in blocks of this many, so that the (block, M/2)
# array of contour nodes stays a few MB however large L is.
_CONTOUR_BLOCK = 1 << 15
_EPS = float(np.finfo(np.float64).eps)


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
    h = _check_dt(dt)
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
    interpolated.

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

    Returns
    -------
    Result
        ``value``: the state at ``t1``, or, with ``save_at``, an array of shape
        ``(len(save_at), n)`` of states (rows not reached are NaN).  ``stats``:
        ``steps``, ``nonlinear_evaluations`` (``4 steps + 1``: one call checks the
        output shape), ``dt`` (requested), ``dt_min``,
        ``dt_max`` (used), ``coefficient_method``, ``seconds``.  ``history``: ``t``
        (times saved) and ``max_abs`` (:math:`\max|v|` there).  ``status`` is
        ``"success"``, ``"diverged: ..."`` when the state becomes non-finite, or
        ``"stopped_by_callback"``.

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
    h_max = _check_dt(dt)
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
    stops = np.unique(np.concatenate(([t0], saves, [t1])))
    save_idx = 0
    steps = 0
    status = "success"
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
    for a, b in itertools.pairwise(stops.tolist()):
        nsteps = max(1, math.ceil((b - a) / h_max - 1e-9))
        h = (b - a) / nsteps
        # Reuse the coefficients when the step differs from the last one only by the
        # rounding of b - a (equispaced output times); recompute otherwise.
        rounding = 4.0 * _EPS * ((abs(a) + abs(b)) / nsteps + h)
        if coef is None or abs(h - coef.h) > rounding:
            coef = etdrk4_coefficients(L, h, contour_points=M)
            hs.append(h)
        for i in range(nsteps):
            t = a + i * h
            v = _step(coef, nonlinear, v, t, dense)
            steps += 1
            t_new = b if i == nsteps - 1 else a + (i + 1) * h
            if not np.isfinite(v).all():
                status = (
                    f"diverged: the state became non-finite at t = {t_new:.6g} after "
                    f"{steps} steps; reduce `dt` or check the nonlinear term."
                )
                break
            if callback is not None and callback(t_new, v):
                status = "stopped_by_callback"
                break
        else:
            record(b)
            continue
        break

    stats = {
        "n": n,
        "steps": steps,
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
        status=status,
        stats=stats,
        history={"t": hist_t, "max_abs": hist_max},
        method="etdrk4",
    )


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


def _check_dt(dt: Any) -> float:
    if isinstance(dt, bool) or not isinstance(dt, (int, float, np.integer, np.floating)):
        raise TypeError(f"`dt` must be a real number, got {type(dt).__name__} {dt!r}.")
    h = float(dt)
    if not (math.isfinite(h) and h > 0.0):
        raise ValueError(f"`dt` must be a finite positive step size, got {dt!r}.")
    return h


def _check_contour_points(m: Any) -> int:
    m = check_int(m, "contour_points", minimum=8)
    if m % 2:
        raise ValueError(
            f"`contour_points` must be even (the real case uses the upper half), got {m}."
        )
    return m


def _check_positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"`{name}` must be a real number, got {type(value).__name__} {value!r}.")
    x = float(value)
    ok = math.isfinite(x) and (x >= 0.0 if allow_zero else x > 0.0)
    if not ok:
        need = "non-negative" if allow_zero else "positive"
        raise ValueError(f"`{name}` must be a finite {need} number, got {value!r}.")
    return x


def _check_real(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"`{name}` must be a real number, got {type(value).__name__} {value!r}.")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"`{name}` must be finite, got {value!r}.")
    return x


def _check_modes(N: Any) -> int:
    N = check_int(N, "N", minimum=8)
    if N % 2:
        raise ValueError(
            f"`N` must be even (the real FFT keeps a Nyquist mode), got {N}; use {N + 1}."
        )
    return N


def _output_grid(
    t_out: ArrayLike, x_out: ArrayLike, t0: float, x_domain: tuple[float, float]
) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.float64]]:
    """Validate output times/points: sorted unique times, the inverse map, x."""
    tt = as_float_array(t_out, "t_out", ndim=(0, 1), allow_complex=False).reshape(-1)
    xx = as_float_array(x_out, "x_out", ndim=(0, 1), allow_complex=False).reshape(-1)
    tt = tt.astype(np.float64)
    xx = xx.astype(np.float64)
    if tt.min() < t0:
        raise ValueError(f"`t_out` must be >= the initial time {t0}; got {tt.min()}.")
    a, b = x_domain
    if xx.min() < a or xx.max() > b:
        raise ValueError(
            f"`x_out` must lie in the problem's domain [{a}, {b}]; got "
            f"[{xx.min()}, {xx.max()}]."
        )
    times, inverse = np.unique(tt, return_inverse=True)
    return times, inverse.reshape(-1), xx


def _march(
    L: NDArray[Any],
    nonlinear: Nonlinear,
    v0: NDArray[Any],
    times: NDArray[np.float64],
    t0: float,
    dt: float,
    contour_points: int,
) -> Result:
    """Run :func:`etdrk4` to the sorted ``times`` (all of them may equal ``t0``)."""
    if times[-1] == t0:  # nothing to integrate
        return Result(
            value=np.repeat(v0[None, :], times.size, axis=0),
            stats={"steps": 0, "nonlinear_evaluations": 0, "dt": dt, "seconds": 0.0},
            history={"t": list(times), "max_abs": [float(np.max(np.abs(v0)))] * times.size},
            method="etdrk4",
        )
    return etdrk4(L, nonlinear, v0, (t0, float(times[-1])), dt,
                  contour_points=contour_points, save_at=times)


def _finish(
    res: Result, u: NDArray[np.float64], inverse: NDArray[np.intp], method: str,
    stats: dict[str, Any], seconds_from: float
) -> Result:
    stats = {**res.stats, **stats, "seconds": time.perf_counter() - seconds_from}
    return Result(value=u[inverse], status=res.status, stats=stats, history=res.history,
                  method=method)


# ------------------------------------------------------------------ Fourier problems


def _fourier_mol(
    symbol: NDArray[Any],
    nonlinear: Nonlinear,
    u0: NDArray[np.float64],
    period: tuple[float, float],
    times: NDArray[np.float64],
    x: NDArray[np.float64],
    dt: float,
    contour_points: int,
) -> tuple[Result, NDArray[np.float64]]:
    """ETDRK4 on real-FFT coefficients; values at ``x`` by trigonometric interpolation."""
    from numlearn.classical.barycentric import trig_barycentric_eval

    N = u0.shape[0]
    res = _march(symbol, nonlinear, scipy.fft.rfft(u0), times, 0.0, dt, contour_points)
    grid_values = scipy.fft.irfft(res.value, n=N, axis=1)  # (n_t, N)
    u = np.full((times.size, x.size), np.nan)
    ok = np.isfinite(grid_values).all(axis=1)  # rows not reached (failure) stay NaN
    if ok.any():
        u[ok] = trig_barycentric_eval(grid_values[ok].T, x, domain=period).T
    return res, u


def solve_burgers_mol(
    nu: float = 0.01 / math.pi,
    N: int = 2048,
    dt: float = 1e-4,
    t_out: ArrayLike | None = None,
    x_out: ArrayLike | None = None,
    *,
    contour_points: int = 32,
) -> Result:
    r"""Viscous Burgers by Fourier pseudospectral ETDRK4 (no dealiasing).

    :math:`u_t + u u_x = \nu u_{xx}` on :math:`[-1, 1]`, :math:`u(0, x) = -\sin\pi x`,
    :math:`u(t, \pm 1) = 0`.  The solution is odd and 2-periodic (the equation
    preserves both properties of the initial data), so it is represented exactly in
    form by a Fourier series of period 2 on :math:`x_j = -1 + 2j/N`, and the
    boundary condition holds automatically (:math:`u(1) = u(-1) = -u(1)`).  For the
    real-FFT coefficients :math:`\hat u_k`, wavenumbers :math:`\kappa = \pi k`,

    .. math::

        \hat u_t = -\nu\kappa^2 \hat u \;-\; \tfrac{i\kappa}{2}\,
        \mathcal F\bigl[(\mathcal F^{-1}\hat u)^2\bigr],

    the derivative of the Nyquist mode set to zero.  Values at ``x_out`` come from
    the trigonometric interpolant
    (:func:`~numlearn.classical.barycentric.trig_barycentric_eval`).

    Measured max error against the Cole-Hopf solution on 511 equispaced points,
    :math:`\nu = 0.01/\pi` (see the tests): ``N = 2048, dt = 1e-4``: 2.0e-12 at
    :math:`t = 0.5`, 7e-13 at :math:`t = 1` (time error; ``dt = 5e-5`` gives 3e-13);
    ``N = 1024, dt = 2.5e-4``: 9.8e-8 and 3.0e-10 (spatial error: the front, of
    width :math:`\sim\nu` and slope -152 at :math:`t \approx 0.51`, needs
    ``N >= 2048`` for 1e-12); ``N = 512``: 3.5e-4.

    Cost per step: 8 real FFTs of length ``N``; ``ceil(1/dt)`` steps to ``t = 1``;
    output :math:`O(N\,n_x\,n_t)`.

    Parameters
    ----------
    nu : float, default 0.01/pi
        Viscosity, ``> 0``.
    N : int, default 2048
        Number of grid points (even, ``>= 8``).
    dt : float, default 1e-4
        Largest time step (see :func:`etdrk4` for how output times are hit).
    t_out, x_out : array_like, optional
        Output times (``>= 0``, any order) and points in ``[-1, 1]``; default the
        problem's evaluation grid (201 x 511).
    contour_points : int, default 32

    Returns
    -------
    Result
        ``value`` of shape ``(len(t_out), len(x_out))``; ``stats`` as in
        :func:`etdrk4` plus ``N`` and ``nu``.
    """
    from numlearn.problems.pdes import Burgers

    start = time.perf_counter()
    nu = _check_positive(nu, "nu")
    N = _check_modes(N)
    dt = _check_dt(dt)
    M = _check_contour_points(contour_points)
    problem = Burgers(params={"nu": nu})
    t_out, x_out = _default_grid(problem, t_out, x_out)
    times, inverse, x = _output_grid(t_out, x_out, problem.t_domain[0], problem.x_domain)
    period = (-1.0, 1.0)
    grid = -1.0 + 2.0 * (np.arange(N, dtype=np.float64) / N)
    kappa = np.pi * np.arange(N // 2 + 1, dtype=np.float64)
    symbol = -nu * kappa**2
    ik_half = -0.5j * kappa
    ik_half[-1] = 0.0  # odd derivative of the Nyquist mode

    def nonlinear(v: NDArray[Any], t: float) -> NDArray[Any]:
        u = scipy.fft.irfft(v, n=N)
        return ik_half * scipy.fft.rfft(u * u)

    res, u = _fourier_mol(symbol, nonlinear, problem.initial_condition(grid), period,
                          times, x, dt, M)
    return _finish(res, u, inverse, "etdrk4-fourier burgers",
                   {"N": N, "nu": nu, "contour_points": M, "dealias": False}, start)


def solve_reaction_diffusion_mol(
    nu: float = 5.0,
    rho: float = 5.0,
    N: int = 256,
    dt: float = 1e-3,
    t_out: ArrayLike | None = None,
    x_out: ArrayLike | None = None,
    *,
    contour_points: int = 32,
) -> Result:
    r"""Reaction-diffusion :math:`u_t = \nu u_{xx} + \rho u(1 - u)`, periodic on [0, 2π).

    Krishnapriyan et al.'s problem, with the Gaussian initial data of the reaction
    benchmark, :math:`h(x) = e^{-(x-\pi)^2/(2(\pi/4)^2)}`.  Fourier pseudospectral in
    :math:`x` with the linear part :math:`L = \rho - \nu k^2` (diffusion and the
    linearisation at :math:`u = 0`, both stiff for large ``nu`` or ``rho``) and
    :math:`N(u) = -\rho u^2`, computed on the grid (no dealiasing).  Note that
    :math:`h` is periodic in value only (its derivative jumps by 1.7e-3 at
    :math:`x = 0 \equiv 2\pi`), which limits the spatial convergence to algebraic:
    the research notes measured N = 256 vs 512 differing by 3e-9 to 6e-8.

    With ``nu = 0`` the grid values evolve exactly as independent logistic ODEs
    (the product is pointwise and ``L`` is a multiple of the identity).

    Parameters
    ----------
    nu, rho : float, default 5, 5
        Diffusion (``>= 0``) and reaction rate (real).
    N : int, default 256
        Grid points on [0, 2π), even.
    dt : float, default 1e-3
    t_out, x_out : array_like, optional
        Default: the reaction problem's evaluation grid.
    contour_points : int, default 32

    Returns
    -------
    Result
        ``value[i_t, i_x]``; ``stats`` as in :func:`etdrk4` plus ``N``, ``nu``, ``rho``.
    """
    from numlearn.problems.pdes import Reaction

    start = time.perf_counter()
    nu = _check_positive(nu, "nu", allow_zero=True)
    rho = _check_real(rho, "rho")
    N = _check_modes(N)
    dt = _check_dt(dt)
    M = _check_contour_points(contour_points)
    problem = Reaction(params={"rho": rho})
    t_out, x_out = _default_grid(problem, t_out, x_out)
    times, inverse, x = _output_grid(t_out, x_out, problem.t_domain[0], problem.x_domain)
    period = problem.x_domain
    grid = period[0] + (period[1] - period[0]) * (np.arange(N, dtype=np.float64) / N)
    k = np.arange(N // 2 + 1, dtype=np.float64)
    symbol = rho - nu * k**2

    def nonlinear(v: NDArray[Any], t: float) -> NDArray[Any]:
        u = scipy.fft.irfft(v, n=N)
        return -rho * scipy.fft.rfft(u * u)

    res, u = _fourier_mol(symbol, nonlinear, problem.initial_condition(grid), period,
                          times, x, dt, M)
    return _finish(res, u, inverse, "etdrk4-fourier reaction-diffusion",
                   {"N": N, "nu": nu, "rho": rho, "contour_points": M}, start)


def _solve_convection_mol(
    beta: float, N: int, dt: float, t_out: ArrayLike | None, x_out: ArrayLike | None,
    contour_points: int,
) -> Result:
    """Convection ``u_t + beta u_x = 0``: Fourier, ``L = -i beta k``, ``N = 0``."""
    from numlearn.problems.pdes import Convection

    start = time.perf_counter()
    beta = _check_real(beta, "beta")
    N = _check_modes(N)
    dt = _check_dt(dt)
    M = _check_contour_points(contour_points)
    problem = Convection(params={"beta": beta})
    t_out, x_out = _default_grid(problem, t_out, x_out)
    times, inverse, x = _output_grid(t_out, x_out, problem.t_domain[0], problem.x_domain)
    period = problem.x_domain
    grid = period[0] + (period[1] - period[0]) * (np.arange(N, dtype=np.float64) / N)
    k = np.arange(N // 2 + 1, dtype=np.float64)
    symbol = -1j * beta * k
    symbol[-1] = 0.0  # Nyquist mode: odd derivative set to zero

    def nonlinear(v: NDArray[Any], t: float) -> NDArray[Any]:
        return np.zeros_like(v)

    res, u = _fourier_mol(symbol, nonlinear, problem.initial_condition(grid), period,
                          times, x, dt, M)
    return _finish(res, u, inverse, "etdrk4-fourier convection",
                   {"N": N, "beta": beta, "contour_points": M}, start)


# ------------------------------------------------------------------ pointwise / Chebyshev


def solve_reaction_mol(
    t_out: ArrayLike | None = None,
    x_out: ArrayLike | None = None,
    *,
    rho: float = 5.0,
    dt: float = 1e-3,
    contour_points: int = 32,
) -> Result:
    r"""Reaction :math:`u_t = \rho u(1 - u)`: one logistic ODE per output point.

    The equation has no spatial coupling, so the method of lines needs no spatial
    discretisation: each ``x`` in ``x_out`` carries its own ODE from
    :math:`u(0, x) = h(x)`, integrated by ETDRK4 with :math:`L = \rho` (the
    linearisation at the unstable state :math:`u = 0`, integrated exactly) and
    :math:`N(u) = -\rho u^2`.  This choice makes the small Gaussian tails
    (:math:`h \approx 10^{-4}` at the ends), where :math:`u \approx h e^{\rho t}`,
    exact up to rounding, and the error elsewhere comes from the
    :math:`O((\rho\,dt)^4)` treatment of :math:`-\rho u^2` only.  (``L = 0`` would
    give classical RK4.)  The exact solution is
    :math:`h e^{\rho t}/(h e^{\rho t} + 1 - h)`.

    Cost: 4 evaluations of :math:`-\rho u^2` over ``len(x_out)`` points per step.

    Parameters
    ----------
    t_out, x_out : array_like, optional
        Output times and points (in [0, 2π]); default the problem's evaluation grid.
    rho : float, default 5
    dt : float, default 1e-3
    contour_points : int, default 32

    Returns
    -------
    Result
        ``value[i_t, i_x]``; ``stats`` as in :func:`etdrk4` plus ``rho``.
    """
    from numlearn.problems.pdes import Reaction

    start = time.perf_counter()
    rho = _check_real(rho, "rho")
    dt = _check_dt(dt)
    M = _check_contour_points(contour_points)
    problem = Reaction(params={"rho": rho})
    t_out, x_out = _default_grid(problem, t_out, x_out)
    times, inverse, x = _output_grid(t_out, x_out, problem.t_domain[0], problem.x_domain)
    L = np.full(x.size, rho)

    def nonlinear(v: NDArray[Any], t: float) -> NDArray[Any]:
        return -rho * v * v

    res = _march(L, nonlinear, problem.initial_condition(x), times, 0.0, dt, M)
    return _finish(res, np.asarray(res.value, dtype=np.float64), inverse,
                   "etdrk4-pointwise reaction", {"rho": rho, "contour_points": M}, start)


def solve_wave_mol(
    N: int = 32,
    dt: float = 0.05,
    t_out: ArrayLike | None = None,
    x_out: ArrayLike | None = None,
    *,
    c: float = 2.0,
    beta: float = 5.0,
) -> Result:
    r"""Wave :math:`u_{tt} = c^2 u_{xx}` on [0, 1], zero Dirichlet, by Chebyshev MOL.

    Collocation on ``N`` Chebyshev points of the second kind; the boundary values are
    zero, so the unknowns are the ``N - 2`` interior values :math:`u` and
    :math:`w = u_t`, and

    .. math::

        \frac{d}{dt}\begin{pmatrix} u \\ w \end{pmatrix} =
        \begin{pmatrix} 0 & I \\ c^2 D^{(2)}_{\rm int} & 0 \end{pmatrix}
        \begin{pmatrix} u \\ w \end{pmatrix},

    integrated by :func:`etdrk4` with this dense ``L`` and ``N = 0``, which makes
    each step the exact propagator :math:`e^{hL}` (computed by
    :func:`scipy.linalg.expm`): there is no time-discretisation error, only the
    spatial error of the collocation and rounding.  Values at ``x_out`` by
    barycentric interpolation on the Chebyshev points.  The research notes measured
    the same semi-discretisation (integrated by eigendecomposition) at 2.0e-14 max
    error for N = 32 (``N - 1 = 32`` intervals there).

    Cost: one ``expm`` of size ``8(N - 2)`` per distinct step, then :math:`O(N^2)`
    per step.

    Parameters
    ----------
    N : int, default 32
        Number of Chebyshev points, ``>= 8``.
    dt : float, default 0.05
        Largest step (accuracy does not depend on it, cost does).
    t_out, x_out : array_like, optional
        Default: the problem's evaluation grid (200 x 200).
    c, beta : float
        Wave speed and the second mode's wavenumber (problem parameters).

    Returns
    -------
    Result
        ``value[i_t, i_x]``; ``stats`` as in :func:`etdrk4` plus ``N``.
    """
    from numlearn.classical.barycentric import barycentric_eval
    from numlearn.classical.differentiation import chebyshev_diffmat
    from numlearn.classical.nodes import chebyshev_points, chebyshev_weights
    from numlearn.problems.pdes import Wave

    start = time.perf_counter()
    N = check_int(N, "N", minimum=8)
    dt = _check_dt(dt)
    c = _check_real(c, "c")
    beta = _check_real(beta, "beta")
    problem = Wave(params={"c": c, "beta": beta})
    t_out, x_out = _default_grid(problem, t_out, x_out)
    times, inverse, x = _output_grid(t_out, x_out, problem.t_domain[0], problem.x_domain)
    nodes = chebyshev_points(N, domain=problem.x_domain)
    m = N - 2
    D2 = chebyshev_diffmat(N, 2, domain=problem.x_domain)[1:-1, 1:-1]
    L = np.zeros((2 * m, 2 * m))
    L[:m, m:] = np.eye(m)
    L[m:, :m] = c**2 * D2
    v0 = np.concatenate([problem.initial_condition(nodes[1:-1]),
                         problem.initial_velocity(nodes[1:-1])])

    def nonlinear(v: NDArray[Any], t: float) -> NDArray[Any]:
        return np.zeros_like(v)

    res = _march(L, nonlinear, v0, times, 0.0, dt, 32)
    full = np.zeros((times.size, N))
    full[:, 1:-1] = np.real(res.value[:, :m])
    u = barycentric_eval(nodes, chebyshev_weights(N), full.T, x).T
    return _finish(res, np.asarray(u, dtype=np.float64), inverse,
                   "etdrk4-chebyshev wave (exact propagator)", {"N": N}, start)


def _default_grid(
    problem: Any, t_out: ArrayLike | None, x_out: ArrayLike | None
) -> tuple[ArrayLike, ArrayLike]:
    if t_out is None or x_out is None:
        t_grid, x_grid = problem.evaluation_grid()
        t_out = t_grid if t_out is None else t_out
        x_out = x_grid if x_out is None else x_out
    return t_out, x_out


# ------------------------------------------------------------------ dispatch


def solve_mol(
    problem: Any,
    *,
    N: int | None = None,
    dt: float | None = None,
    t_out: ArrayLike | None = None,
    x_out: ArrayLike | None = None,
    contour_points: int = 32,
) -> Result:
    r"""Solve a benchmark evolution problem by the method of lines with ETDRK4.

    ``problem`` is a name (``"burgers"``, ``"reaction"``, ``"convection"``,
    ``"wave"``) or a problem object from :mod:`numlearn.problems.pdes`; its
    coefficients are used.  Defaults (``N``, ``dt``): Burgers 2048, 1e-4
    (:func:`solve_burgers_mol`); reaction -, 1e-3 (:func:`solve_reaction_mol`);
    convection 64, 1e-2 (Fourier, ``L = -i beta k``, ``N = 0``: exact in time);
    wave 32, 0.05 (:func:`solve_wave_mol`).  ``t_out``, ``x_out`` default to the
    problem's evaluation grid.

    Raises
    ------
    KeyError
        Unknown problem name.
    ValueError
        A problem without a method-of-lines solver here (``poisson2d_c`` is not an
        evolution problem).
    """
    from numlearn.problems.pdes import EvolutionProblem, get_pde

    p = get_pde(problem) if isinstance(problem, str) else problem
    if not isinstance(p, EvolutionProblem):
        raise ValueError(
            f"solve_mol integrates evolution problems in (t, x); {getattr(p, 'name', p)!r} "
            "is not one (for poisson2d_c use a steady solver)."
        )
    name = p.name
    if name == "reaction" and N is not None:
        raise ValueError("the reaction problem has no spatial grid; leave `N` unset.")
    if name == "burgers":
        return solve_burgers_mol(p.params["nu"], 2048 if N is None else N,
                                 1e-4 if dt is None else dt, t_out, x_out,
                                 contour_points=contour_points)
    if name == "reaction":
        return solve_reaction_mol(t_out, x_out, rho=p.params["rho"],
                                  dt=1e-3 if dt is None else dt,
                                  contour_points=contour_points)
    if name == "convection":
        return _solve_convection_mol(p.params["beta"], 64 if N is None else N,
                                     1e-2 if dt is None else dt, t_out, x_out,
                                     contour_points)
    if name == "wave":
        return solve_wave_mol(32 if N is None else N, 0.05 if dt is None else dt,
                              t_out, x_out, c=p.params["c"], beta=p.params["beta"])
    raise ValueError(
        f"no method-of-lines solver for problem {name!r}; supported: burgers, "
        "reaction, convection, wave."
    )
