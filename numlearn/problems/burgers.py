r"""The viscous Burgers benchmark: exact solution by the Cole–Hopf transform.

Problem (Raissi et al. 2019 [4]_; Basdevant et al. 1986 [3]_):

.. math::

    u_t + u u_x = \nu u_{xx}, \quad \nu = 0.01/\pi, \quad x \in [-1, 1],\ t \in [0, 1],
    \qquad u(0, x) = -\sin \pi x, \quad u(t, \pm 1) = 0 .

The Cole–Hopf transform
-----------------------
Hopf 1950 [1]_, Cole 1951 [2]_.
With :math:`u = -2\nu\,\varphi_x/\varphi` Burgers' equation becomes the heat equation
:math:`\varphi_t = \nu\varphi_{xx}`, whose solution is the convolution of the initial
data with the heat kernel.  Here
:math:`\varphi_0(y) = \exp\!\big(-\tfrac{1}{2\nu}\int_0^y u_0\big)
\propto \exp(-a\cos\pi y)`, :math:`a = 1/(2\pi\nu)` (:math:`a = 50` for
:math:`\nu = 0.01/\pi`), and differentiating under the integral gives

.. math::

    u(t, x) = \frac{\int \frac{x - y}{t}\, K\, \varphi_0(y)\, dy}{\int K\, \varphi_0(y)\,dy},
    \qquad K = e^{-(x - y)^2 / (4\nu t)} .

With :math:`s = \sqrt{4\nu t}` and :math:`x - y = s\zeta` this is a weighted mean,

.. math::

    u = \frac{4\nu}{s}\, \frac{\int \zeta\, w(\zeta)\, d\zeta}{\int w(\zeta)\, d\zeta},
    \qquad w(\zeta) = \exp\!\big(-\zeta^2 - a\cos\pi(x - s\zeta)\big) .

:math:`\varphi_0` is even and 2-periodic, so :math:`u` is odd and 2-periodic in
:math:`x`: the formula holds for every real ``x`` (the odd periodic extension) and
gives :math:`u(t, \pm 1) = 0` without imposing it.

Float64 evaluation
------------------
The exponent of :math:`w` ranges over about :math:`2a + 14^2 \approx 300`, and at the
front (:math:`x \approx 0`, :math:`t > 0.3`) :math:`w` has two peaks near
:math:`\zeta = \pm 0.74/s` whose contributions to the numerator nearly cancel.  Both
problems disappear after splitting :math:`\cos\pi(x - s\zeta) = \cos\pi x\cos\pi s\zeta
+ \sin\pi x \sin\pi s\zeta` and pairing :math:`\pm\zeta`:

.. math::

    u = \frac{4\nu}{s}\,
        \frac{\sum_{k\ge 1} \zeta_k\, e^{e_k} \sinh c_k}
             {\sum_{k\ge 0}{}' e^{e_k} \cosh c_k},
    \qquad e_k = -\zeta_k^2 - a\cos\pi x\cos\pi s\zeta_k, \quad
    c_k = -a \sin\pi x \sin\pi s\zeta_k ,

(the prime halves the :math:`k = 0` term), on the trapezoidal nodes
:math:`\zeta_k = k\eta`.  The numerator's terms all have the sign of
:math:`-\sin\pi x` as long as :math:`s\zeta_k < 1` (beyond, they are below
:math:`e^{-20}` of the total for :math:`t \le 1`), so nothing cancels;
:math:`e^{e}\sinh c = \tfrac12\,\mathrm{sign}(c)\, e^{e + |c|}\,(-\mathrm{expm1}(-2|c|))`
and :math:`e^{e}\cosh c = \tfrac12 e^{e + |c|}(1 + e^{-2|c|})` are formed with the
maximum of :math:`e_k + |c_k|` subtracted (log-sum-exp), and summed with
compensation (Neumaier).  :math:`\sin\pi x`, :math:`\cos\pi x` are computed after an
exact reduction of ``x`` to [-1/2, 1/2] (so :math:`u(t, \pm 1) = 0` exactly and
:math:`u(0, x)` is :math:`-\sin\pi x` to an ulp); the factor :math:`4\nu/s` keeps
tiny ``t`` (down to the smallest subnormal) free of underflow.

Quadrature parameters (in :math:`z = x - y` units):
step :math:`h = s\eta = \min(s, 0.05)/40`, window :math:`|z| \le L s` with
:math:`L = \max(14, \sqrt{2a + 60})` (:func:`window_for`; 14 for the benchmark).

Error.  *Truncation*: the integrand is at most :math:`e^{a}e^{-\zeta^2}` and the
denominator at least :math:`e^{-a}\sqrt\pi`, so cutting at :math:`|\zeta| = L`
changes ``u`` by a relative :math:`e^{2a - L^2} \le e^{-60}` (:math:`10^{-42}` for
the benchmark).  A fixed window fails for small ``nu``: the peak of the integrand
sits where the characteristic from :math:`y` reaches :math:`x`, at
:math:`|\zeta| = |x - y|/s` up to :math:`\sqrt{t/(4\nu)}` (91 for ``nu = 1e-4``,
``t = 0.3``), far outside :math:`|\zeta| \le 14`.
*Discretisation*: the trapezoidal rule on the line errs by the Fourier transform of
the integrand at :math:`2\pi/\eta \ge 80\pi` (Poisson summation); with
:math:`e^{-a\cos\theta} = \sum_n (-1)^n I_n(a) e^{in\theta}` that is at most
:math:`e^{2a}\big(e^{-(40\pi)^2/4} + I_{800}(a)/I_0(a)\big)`, far below
:math:`10^{-300}`.  Terms below :math:`e^{-60}` of the largest are skipped (their sum
is below :math:`10^{-22}` relative).  What is left is rounding: each exponent of
size up to ~300 carries an absolute error of a few :math:`10^{-14}`, which enters
``u`` averaged over the nodes: a few units of :math:`10^{-16}` (the measurements
against the oracle and the self-convergence of the grid values are in the
documentation's notes on the PDE references, and in ``reference/pdes/burgers.json``).
For smaller ``nu`` the exponents grow like :math:`a`, but in the paired form the
front's two peaks are weighed through :math:`c_k`, which is small near :math:`x = 0`,
and the exponents' rounding enters ``u`` scaled by :math:`4\nu/s`: measured against
the oracle, the error stays below :math:`3\times 10^{-15}` down to ``NU_MIN = 1e-5``
(:math:`a = 15915`), the front included (largest at small ``t``, where the factor
:math:`4\nu a/s = 2/(\pi s)` is largest).  Smaller ``nu`` is refused.  The step
:math:`\eta = 1/40` needs no change: in :math:`\zeta` the log-integrand's curvature
is :math:`-2 + 2\pi t\cos\pi(x - s\zeta)`, independent of ``nu``.

Check: :math:`\min_t u_x(0, t) = -152.00516160` at :math:`t = 0.51046976`
(:func:`basdevant_minimum`), Basdevant et al. [3]_ give 152.00516.

References
----------
.. [1] E. Hopf, "The partial differential equation u_t + u u_x = mu u_xx",
   Comm. Pure Appl. Math. 3 (1950) 201-230.
.. [2] J. D. Cole, "On a quasi-linear parabolic equation occurring in aerodynamics",
   Quart. Appl. Math. 9 (1951) 225-236.
.. [3] C. Basdevant, M. Deville, P. Haldenwang, J. M. Lacroix, J. Ouazzani,
   R. Peyret, P. Orlandi, A. T. Patera, "Spectral and finite difference solutions of
   the Burgers equation", Comput. Fluids 14 (1986) 23-41.
.. [4] M. Raissi, P. Perdikaris, G. E. Karniadakis, "Physics-informed neural
   networks", J. Comput. Phys. 378 (2019) 686-707.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
from numba import njit, prange
from numpy.typing import ArrayLike, NDArray

from numlearn._core.compensated import neumaier_add
from numlearn._core.store import (
    check_decimal_rounding,
    format_error,
    json_field,
    load_checked_json,
    load_checked_npz,
    parse_hex_float,
    reference_path,
)
from numlearn._core.threads import keep_torch_threads
from numlearn._core.validation import as_float_array
from numlearn.problems._burgers_rule import (
    MAX_NODES,
    NU_MAX,
    NU_MIN,
    check_nu,
    check_quadrature,
    window_for,
)

__all__ = [
    "MAX_NODES",
    "NU",
    "NU_MAX",
    "NU_MIN",
    "REFERENCE_FILES",
    "basdevant_minimum",
    "burgers_front_slope",
    "burgers_solution",
    "load_burgers_reference",
    "window_for",
]

NU = 0.01 / math.pi
"""The viscosity of the benchmark, float64 ``0.01/pi`` (``1/(2 pi NU)`` is 50.0)."""

RESOLUTION = 40  # nodes per sqrt(4 nu t) (or per 0.05 in z, whichever is finer)
_CUT = 60.0  # skip terms below exp(-_CUT) times the largest

REFERENCE_FILES = ("pdes/burgers.npz", "pdes/burgers.json")
"""The stored reference, relative to the reference directory."""

BASDEVANT_SLOPE = -152.00516
"""min_t u_x(0, t) for nu = 0.01/pi as published by Basdevant et al. (1986)."""


# ---------------------------------------------------------------------------------
# float64 kernels


@njit(cache=True, inline="always")
def _reduce2(x):
    """``x - 2 round(x/2)`` in [-1, 1], exact (an even integer is subtracted)."""
    return x - 2.0 * np.rint(0.5 * x)


@njit(cache=True, inline="always")
def _sinpi(r):
    """sin(pi r) for r in [-1, 1]; folding to [-1/2, 1/2] is exact (Sterbenz)."""
    if r > 0.5:
        r = 1.0 - r
    elif r < -0.5:
        r = -1.0 - r
    return math.sin(math.pi * r)


@njit(cache=True, inline="always")
def _cospi(r):
    """cos(pi r) for r in [-1, 1]; 1/2 - |r| is exact for |r| >= 1/4."""
    ar = abs(r)
    if ar <= 0.25:
        return math.cos(math.pi * r)
    return _sinpi(0.5 - ar)


@njit(cache=True, parallel=True)
def _cole_hopf_kernel(t_unique, starts, order, x, nu, resolution, window, out):
    """Evaluate the paired trapezoidal sums (module docstring).

    Points are grouped by their time (``order[starts[i]:starts[i+1]]`` share
    ``t_unique[i]``), so the nodes and their sines and cosines are computed once per
    time; times are processed in parallel.
    """
    a = 1.0 / (2.0 * math.pi * nu)
    for i in prange(t_unique.shape[0]):
        t = t_unique[i]
        if t == 0.0:
            for p in range(starts[i], starts[i + 1]):
                j = order[p]
                out[j] = -_sinpi(_reduce2(x[j]))
            continue
        s = 2.0 * math.sqrt(nu) * math.sqrt(t)  # no under/overflow (= sqrt(4 nu t))
        eta = min(1.0, 0.05 / s) / resolution
        n = math.ceil(window / eta) + 1
        zeta = np.empty(n)
        zeta2 = np.empty(n)
        cz = np.empty(n)
        sz = np.empty(n)
        big = np.empty(n)
        for k in range(n):
            z = k * eta
            zeta[k] = z
            zeta2[k] = z * z
            r = _reduce2(s * z)
            cz[k] = _cospi(r)
            sz[k] = _sinpi(r)
        scale = 4.0 * nu / s
        for p in range(starts[i], starts[i + 1]):
            j = order[p]
            r = _reduce2(x[j])
            asx = a * _sinpi(r)
            acx = a * _cospi(r)
            top = -np.inf
            for k in range(n):
                big[k] = (-zeta2[k] - acx * cz[k]) + abs(asx * sz[k])
                top = max(top, big[k])
            num = 0.0
            num_c = 0.0
            den = 0.0
            den_c = 0.0
            for k in range(n):
                e = big[k] - top
                if e < -_CUT:
                    continue
                c = -asx * sz[k]
                w = math.exp(e)
                d_term = w * (1.0 + math.exp(-2.0 * abs(c)))
                if k == 0:
                    d_term *= 0.5
                den, den_c = neumaier_add(den, den_c, d_term)
                n_term = zeta[k] * w * math.copysign(-math.expm1(-2.0 * abs(c)), c)
                num, num_c = neumaier_add(num, num_c, n_term)
            out[j] = scale * ((num + num_c) / (den + den_c))


def burgers_solution(
    t: ArrayLike,
    x: ArrayLike,
    nu: float = NU,
    *,
    resolution: int = RESOLUTION,
    window: float | None = None,
) -> Any:
    r"""Exact solution of the Burgers benchmark by Cole–Hopf quadrature, in float64.

    .. math::

        u(t, x) = \frac{4\nu}{s}\,\frac{\int \zeta\, e^{-\zeta^2 - a\cos\pi(x - s\zeta)}
        \,d\zeta}{\int e^{-\zeta^2 - a\cos\pi(x - s\zeta)}\,d\zeta},
        \qquad s = \sqrt{4\nu t},\ a = \frac{1}{2\pi\nu},

    the solution of :math:`u_t + uu_x = \nu u_{xx}`, :math:`u(0, x) = -\sin\pi x`,
    evaluated by the symmetric, log-sum-exp scaled trapezoidal rule of the module
    docstring (step :math:`\min(s, 0.05)/40` in :math:`x - y`, window
    :math:`|x - y| \le L s`, :func:`window_for`).  For the default ``nu``, accurate
    to a few units of 1e-16 everywhere in
    :math:`t \in [0, 1]`, :math:`x \in [-1, 1]`, including the front at
    :math:`x = 0` (checked against
    :func:`~numlearn.problems.burgers_mp.burgers_solution_mp`); ``t = 0`` returns the
    initial condition :math:`-\sin\pi x` (with an exact argument reduction, so
    ``u(t, ±1)`` is exactly 0).

    Parameters
    ----------
    t, x : array_like
        Times and positions, broadcast against each other.  ``t >= 0``; ``t > 1`` is
        allowed (the cost per point grows like :math:`\sqrt t` beyond ``t ≈ 0.2``).
        Any real ``x`` is allowed: the result is the odd, 2-periodic extension
        (the Cole–Hopf formula on the whole line), which is the solution on
        [-1, 1] with ``u(t, ±1) = 0``.
    nu : float, default ``0.01/pi``
        Viscosity, in ``[NU_MIN, NU_MAX] = [1e-5, 1e100]``.  Other values than the
        default give Burgers' equation with the same initial condition; measured
        against the oracle at ``nu`` from 1e-5 to 3 (the front included) the error
        stays below 3e-15 (at most 12 eps; largest at small ``t`` and ``nu``, where the
        exponents' rounding is scaled by :math:`2/(\pi s)`).  Large ``nu`` costs
        ``11200 sqrt(4 nu t)`` nodes per point: a ``(t, nu)`` that needs more than
        ``MAX_NODES`` is refused.
    resolution : int, default 40
        Nodes per :math:`\min(s, 0.05)`; for convergence studies.
    window : float, optional
        Half-width of the window in units of :math:`s`, default :func:`window_for`
        (14 for the benchmark's ``nu``); for convergence studies.  A window narrower
        than :math:`\sqrt{2a + 60}` warns (`RuntimeWarning`).

    Returns
    -------
    ndarray of float64
        Broadcast shape of ``t`` and ``x`` (a NumPy scalar for scalar input).

    Raises
    ------
    ValueError
        NaN/inf or empty input, ``t < 0``, shapes that do not broadcast,
        ``nu`` outside ``[NU_MIN, NU_MAX]`` (naming ``nu``), a ``t`` that needs more
        than ``MAX_NODES`` nodes (naming ``t``).
    TypeError
        Non-numeric or complex input (bools and strings for ``nu`` included).

    Notes
    -----
    Cost: about ``40 L`` nodes per point (:math:`L` from :func:`window_for`; 560 nodes for
    the benchmark, 2290 for ``nu = 1e-4``) while :math:`s \le 0.05`, and
    ``800 L sqrt(4 nu t)`` beyond (1267 at ``t = 1``), two exponentials per node above
    the cut-off; the
    nodes' sines and cosines are shared by points with equal ``t`` (Numba, parallel
    over times).

    References
    ----------
    Hopf (1950), Cole (1951), Basdevant et al. (1986), Raissi et al. (2019): see
    the module docstring.  No SciPy/Chebfun equivalent.

    Examples
    --------
    >>> from numlearn.problems.burgers import burgers_solution
    >>> float(burgers_solution(0.0, 0.5))
    -1.0
    >>> bool(abs(burgers_solution(0.5, 0.3) + 0.801240315119220) < 1e-14)
    True
    """
    tt = as_float_array(t, "t", allow_complex=False)
    xx = as_float_array(x, "x", allow_complex=False)
    nu_f = check_nu(nu)
    try:
        tb, xb = np.broadcast_arrays(tt.astype(np.float64), xx.astype(np.float64))
    except ValueError:
        raise ValueError(
            f"`t` (shape {tt.shape}) and `x` (shape {xx.shape}) do not broadcast; "
            "pass t[:, None] and x[None, :] for a tensor grid."
        ) from None
    if (tb < 0).any():
        bad = np.unravel_index(int(np.argmax(tb < 0)), tb.shape)
        where = "" if tb.ndim == 0 else f"entry {bad if len(bad) > 1 else bad[0]} "
        raise ValueError(
            f"`t` must be >= 0 (the solution is defined forward in time); {where}is "
            f"{float(tb[bad])!r}."
        )
    res, win = check_quadrature(nu_f, resolution, window, float(tb.max()))
    tf = np.ascontiguousarray(tb).ravel()
    xf = np.ascontiguousarray(xb).ravel()
    order = np.argsort(tf, kind="stable")
    t_sorted = tf[order]
    t_unique, first = np.unique(t_sorted, return_index=True)
    starts = np.append(first, t_sorted.size).astype(np.int64)
    out = np.empty(tf.size, dtype=np.float64)
    with keep_torch_threads():  # Numba's OpenMP launch would reset torch's count
        _cole_hopf_kernel(t_unique, starts, order.astype(np.int64), xf, nu_f, res, win,
                          out)
    return out.reshape(tb.shape)[()]


def burgers_front_slope(
    t: ArrayLike, nu: float = NU, *, resolution: int = RESOLUTION, window: float | None = None
) -> Any:
    r"""The slope :math:`u_x(t, 0)` at the centre of the front, ``t > 0``.

    Differentiating the Cole–Hopf formula at :math:`x = 0` (where the odd part
    vanishes) gives :math:`u_x = (1 - 2\langle\zeta^2\rangle)/t`, which cancels for
    small ``t``; one integration by parts turns it into a mean without cancellation,

    .. math::

        u_x(t, 0) = -\frac{a\pi s}{t}\,\frac{\int \zeta\sin(\pi s\zeta)\,w\,d\zeta}
        {\int w\,d\zeta}, \qquad w = e^{-\zeta^2 - a\cos\pi s\zeta},

    evaluated by the trapezoidal rule of :func:`burgers_solution` (same step and
    window; NumPy, O(1300) operations per time).

    Parameters
    ----------
    t : array_like
        Times, ``> 0``.
    nu, resolution, window
        As in :func:`burgers_solution` (same limits).

    Returns
    -------
    ndarray of float64 (NumPy scalar for scalar input)
    """
    tt = as_float_array(t, "t", allow_complex=False).astype(np.float64)
    nu_f = check_nu(nu)
    if (tt <= 0).any():
        raise ValueError("`t` must be > 0 for the front slope (u_x(0, 0) = -pi).")
    res, win = check_quadrature(nu_f, resolution, window, float(tt.max()))
    a = 1.0 / (2.0 * math.pi * nu_f)
    out = np.empty(tt.shape)
    for idx, tv in np.ndenumerate(tt):
        s = 2.0 * math.sqrt(nu_f) * math.sqrt(float(tv))
        eta = min(1.0, 0.05 / s) / res
        z = np.arange(math.ceil(win / eta) + 1) * eta
        e = -z * z - a * np.cos(np.pi * s * z)
        w = np.exp(e - e.max())
        w[0] *= 0.5
        out[idx] = -a * math.pi * s * (np.sum(z * np.sin(np.pi * s * z) * w) / np.sum(w)) / tv
    return out[()]


def basdevant_minimum(nu: float = NU) -> tuple[float, float]:
    """The steepest slope of the front, ``(t*, min_t u_x(0, t))`` (the minimum lies in [0.3, 0.8]).

    Minimises :func:`burgers_front_slope` with ``scipy.optimize.minimize_scalar``
    (bounded, ``xatol = 1e-12``) on [0.3, 0.8].  For the default ``nu`` this gives
    ``t* = 0.51046976``, ``u_x = -152.00516160``; Basdevant et al. (1986)
    report 152.00516 (at :math:`\\pi t^* = 1.6037`).

    Returns
    -------
    (float, float)
        The time of the minimum (accurate to about 1e-8: the minimum is quadratic)
        and the minimum slope (about 1e-13 relative).
    """
    from scipy.optimize import minimize_scalar

    nu_f = check_nu(nu)
    r = minimize_scalar(lambda tv: float(burgers_front_slope(tv, nu_f)), bounds=(0.3, 0.8),
                        method="bounded", options={"xatol": 1e-12})
    return float(r.x), float(r.fun)


# ---------------------------------------------------------------------------------
# the stored reference (built by numlearn.reference.build_burgers_reference)


def load_burgers_reference(
    directory: str | os.PathLike[str] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], dict[str, Any]]:
    """The stored Burgers reference ``(t, x, u, metadata)``, checksum-verified and checked.

    Reads ``pdes/burgers.npz`` and ``pdes/burgers.json`` through
    :func:`numlearn._core.store.load_checked_bytes`, which refuses a file
    whose sha256 differs from ``MANIFEST.sha256``, then checks the contents: float64
    arrays ``t``, ``x`` (increasing from 0 to 1 and from -1 to 1) and ``u`` of shape
    ``(t.size, x.size)``, all finite; ``u`` zero at ``x = +-1``, ``-sin(pi x)`` at
    ``t = 0`` (to ``4 eps``) and odd in ``x`` at every grid point (to ``4 eps`` plus
    the slope times the float64 asymmetry of ``x``); and the JSON record's oracle
    sample: every point's float64 value within ``4 eps`` of its 30-digit decimal and,
    at grid points, equal to ``u`` there.  (:func:`numlearn.reference.verify_references`
    with ``recompute`` compares a sample with the mpmath oracle.)  About 10 ms.

    Returns
    -------
    t : ndarray, shape (201,)
    x : ndarray, shape (511,)
    u : ndarray, shape (201, 511)
        ``u[i_t, i_x]``, float64.
    metadata : dict
        The JSON record (method, self-convergence, mpmath sample, Basdevant check).

    Raises
    ------
    numlearn._core.store.ReferenceIntegrityError
        Missing, unlisted or altered files.
    numlearn._core.store.ReferenceFormatError
        (a ``ReferenceIntegrityError`` and a ``ValueError``) Malformed or inconsistent
        contents; the message names the file and the field.
    """
    npz_name, json_name = REFERENCE_FILES
    arrays = load_checked_npz(npz_name, directory, {"t": ("f", 1), "x": ("f", 1),
                                                    "u": ("f", 2)})
    meta = load_checked_json(json_name, directory)
    npz_path, json_path = (reference_path(f, directory) for f in REFERENCE_FILES)
    t, x, u = arrays["t"], arrays["x"], arrays["u"]
    for name, arr, lo, hi in (("t", t, 0.0, 1.0), ("x", x, -1.0, 1.0)):
        if arr.size < 2 or arr[0] != lo or arr[-1] != hi or not np.all(np.diff(arr) > 0):
            raise format_error(npz_path, name, f"must increase strictly from {lo} to {hi}")
    if u.shape != (t.size, x.size):
        raise format_error(npz_path, "u", f"has shape {u.shape}, `t` and `x` give "
                           f"({t.size}, {x.size})")
    if np.any(u[:, 0] != 0) or np.any(u[:, -1] != 0):
        raise format_error(npz_path, "u", "is not 0 at x = -1 and x = 1 (the boundary "
                           "condition)")
    eps = float(np.finfo(np.float64).eps)
    if not np.max(np.abs(u[0] + np.sin(np.pi * x))) <= 4 * eps:
        raise format_error(npz_path, "u[0]", "is not the initial condition -sin(pi x)")
    # u is odd in x: |u(t, x_i) + u(t, x_(n-1-i))| <= 4 eps + |u_x| |x_i + x_(n-1-i)|,
    # |u_x| <= 152.01 (Basdevant's slope, the steepest); a value changed alone breaks it
    if not np.max(np.abs(x + x[::-1])) <= 2 * eps:
        raise format_error(npz_path, "x", "is not symmetric about 0")
    excess = np.abs(u + u[:, ::-1]) - (4 * eps + 160.0 * np.abs(x + x[::-1]))
    if np.max(excess) > 0:
        i, j = np.unravel_index(int(np.argmax(excess)), u.shape)
        raise format_error(npz_path, f"u[{i}, {j}]", f"= {float(u[i, j])!r} breaks the "
                           f"symmetry u(t, -x) = -u(t, x) (u[{i}, {x.size - 1 - j}] = "
                           f"{float(u[i, x.size - 1 - j])!r})")
    if json_field(meta, "format", str, json_path) != "numlearn-burgers-reference/1":
        raise format_error(json_path, "format", f"is {meta['format']!r}, expected "
                           "'numlearn-burgers-reference/1'")
    points = json_field(meta, "mpmath_sample.points", list, json_path)
    count = json_field(meta, "mpmath_sample.count", int, json_path)
    if count != len(points):
        raise format_error(json_path, "mpmath_sample.count", f"is {count}, but "
                           f"`mpmath_sample.points` has {len(points)} entries")
    for i, p in enumerate(points):
        field = f"mpmath_sample.points[{i}]"
        tp, xp, f64 = (parse_hex_float(json_field(p, k, str, json_path), json_path,
                                       f"{field}.{k}") for k in ("t", "x", "float64"))
        check_decimal_rounding([json_field(p, "u", str, json_path)], np.array([f64]),
                               json_path, f"{field}.u", f"{field}.float64", atol=4 * eps)
        if "grid_index" in p:
            gi = json_field(p, "grid_index", list, json_path)
            if (len(gi) != 2 or not all(type(k) is int for k in gi)
                    or not (0 <= gi[0] < t.size and 0 <= gi[1] < x.size)
                    or (t[gi[0]], x[gi[1]], u[gi[0], gi[1]]) != (tp, xp, f64)):
                raise format_error(json_path, f"{field}.grid_index",
                                   f"is {gi!r}: not the grid point of `t`, `x` and "
                                   f"`float64` ({tp!r}, {xp!r}, {f64!r}) in {npz_path.name}")
    return t, x, u, meta
