"""Shared steps of the method-of-lines solvers: output grid, march, status, Fourier setup.

Private helpers of :mod:`numlearn.classical.spectral.mol`: validating the output grid,
running :func:`~numlearn.classical.spectral.etdrk4.etdrk4` to the output times, and
turning its result into the solver's (with the instability and resolution checks).
"""

from __future__ import annotations

import math
import time
import warnings
from typing import Any

import numpy as np
import scipy.fft
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result, Status
from numlearn._core.validation import as_float_array, check_even, check_positive
from numlearn.classical.spectral._resolution import relative_tail, resolution_status
from numlearn.classical.spectral.etdrk4 import (
    Nonlinear,
    _check_contour_points,
    _check_max_steps,
    etdrk4,
)


def _check_modes(N: Any) -> int:
    return check_even(N, "N", minimum=8, reason="the real FFT keeps a Nyquist mode")


def _output_grid(
    problem: Any, t_out: ArrayLike | None, x_out: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.float64]]:
    """Validate output times/points (default: the problem's evaluation grid): sorted
    unique times, the inverse map, x."""
    if t_out is None or x_out is None:
        t_grid, x_grid = problem.evaluation_grid()
        t_out = t_grid if t_out is None else t_out
        x_out = x_grid if x_out is None else x_out
    t0 = problem.t_domain[0]
    tt = as_float_array(t_out, "t_out", ndim=(0, 1), allow_complex=False).reshape(-1)
    xx = as_float_array(x_out, "x_out", ndim=(0, 1), allow_complex=False).reshape(-1)
    tt = tt.astype(np.float64)
    xx = xx.astype(np.float64)
    if tt.min() < t0:
        raise ValueError(f"`t_out` must be >= the initial time {t0}; got {tt.min()}.")
    a, b = problem.x_domain
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
    max_steps: Any,
) -> Result:
    """Run :func:`etdrk4` to the sorted ``times`` (all of them may equal ``t0``)."""
    max_steps = _check_max_steps(max_steps)
    if times[-1] == t0:  # nothing to integrate
        return Result(
            value=np.repeat(v0[None, :], times.size, axis=0),
            stats={"iterations": 0, "nonlinear_evaluations": 0, "dt": dt, "seconds": 0.0},
            history={"t": list(times), "max_abs": [float(np.max(np.abs(v0)))] * times.size},
            method="etdrk4",
            side="classical",
        )
    return etdrk4(L, nonlinear, v0, (t0, float(times[-1])), dt,
                  contour_points=contour_points, save_at=times, max_steps=max_steps)


#: Growth of max|state| (over its initial value) beyond which a method-of-lines solve of
#: these bounded benchmark problems is declared unstable.
BLOWUP_FACTOR = 1e6
#: Largest number of Fourier modes / Chebyshev points a method-of-lines solve accepts
#: (the dense Chebyshev wave system is 2(N - 2) square and exponentiated).
_MAX_MODES = {"fourier": 2**24, "chebyshev": 2048}


def _check_size(N: Any, kind: str) -> None:
    """Refuse ``N`` beyond :data:`_MAX_MODES` before anything is allocated."""
    if N > _MAX_MODES[kind]:
        raise ValueError(
            f"`N` = {N} is too large for the {kind} method of lines (limit "
            f"{_MAX_MODES[kind]}): the state and its work arrays would not fit in memory."
        )


def _finish(
    res: Result, u: NDArray[np.float64], inverse: NDArray[np.intp], method: str,
    stats: dict[str, Any], seconds_from: float, spectrum: NDArray[Any] | None = None,
) -> Result:
    """The MOL result: values at the output points, and the status the march earned.

    Beyond :func:`etdrk4`'s own DIVERGED (a non-finite state), growth of the state by
    more than :data:`BLOWUP_FACTOR` is UNSTABLE, and a ``spectrum`` (Fourier or
    Chebyshev coefficients in x, one row per saved time) whose tail has not decayed at
    some time is UNRESOLVED; each with a `RuntimeWarning`.
    """
    stats = {**res.stats, **stats, "seconds": time.perf_counter() - seconds_from}
    status, message = res.status, res.message
    peaks = np.asarray(res.history.get("max_abs", []), dtype=np.float64)
    if status is Status.SUCCESS and peaks.size:
        growth = float(peaks.max()) / max(float(peaks[0]), np.finfo(np.float64).tiny)
        if not np.isfinite(u).all() or growth > BLOWUP_FACTOR:
            status = Status.UNSTABLE
            message = (
                f"{method}: the state grew by a factor {growth:.3g} (limit "
                f"{BLOWUP_FACTOR:g}); the time stepping is unstable for this `dt` and `N`: "
                "reduce `dt`."
            )
            warnings.warn(message, RuntimeWarning, stacklevel=3)
    if status is Status.SUCCESS and spectrum is not None:
        stats["tail"] = max(relative_tail(row) for row in np.atleast_2d(spectrum))
        status, message = resolution_status(
            {"x": stats["tail"]}, math.nan, f"the {method} solution",
            "Raise `N` (and reduce `dt` with it).", stacklevel=4,
        )
    return Result(value=u[inverse], side="classical", status=status,
                  message=message, stats=stats, history=res.history, method=method)


# ------------------------------------------------------------------ Fourier problems


def _fourier_setup(
    problem: Any, N: Any, dt: Any, contour_points: Any, t_out: ArrayLike | None,
    x_out: ArrayLike | None,
) -> tuple[int, float, int, NDArray[np.float64], NDArray[np.intp], NDArray[np.float64],
           NDArray[np.float64]]:
    """Validated ``N, dt, contour_points``, the output grid ``times, inverse, x`` and the
    periodic grid :math:`x_j = a + (b - a) j / N` of a Fourier MOL solve of ``problem``."""
    N = _check_modes(N)
    _check_size(N, "fourier")
    dt = check_positive(dt, "dt")
    M = _check_contour_points(contour_points)
    times, inverse, x = _output_grid(problem, t_out, x_out)
    a, b = problem.x_domain
    grid = a + (b - a) * (np.arange(N, dtype=np.float64) / N)
    return N, dt, M, times, inverse, x, grid


def _fourier_mol(
    symbol: NDArray[Any],
    nonlinear: Nonlinear,
    u0: NDArray[np.float64],
    period: tuple[float, float],
    times: NDArray[np.float64],
    x: NDArray[np.float64],
    dt: float,
    contour_points: int,
    max_steps: Any,
) -> tuple[Result, NDArray[np.float64]]:
    """ETDRK4 on real-FFT coefficients; values at ``x`` by trigonometric interpolation."""
    from numlearn.classical.barycentric import trig_barycentric_eval

    N = u0.shape[0]
    res = _march(symbol, nonlinear, scipy.fft.rfft(u0), times, 0.0, dt, contour_points,
                 max_steps)
    grid_values = scipy.fft.irfft(res.value, n=N, axis=1)  # (n_t, N)
    u = np.full((times.size, x.size), np.nan)
    ok = np.isfinite(grid_values).all(axis=1)  # rows not reached (failure) stay NaN
    if ok.any():
        u[ok] = trig_barycentric_eval(grid_values[ok].T, x, domain=period).T
    return res, u
