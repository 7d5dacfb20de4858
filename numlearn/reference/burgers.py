"""Build the stored Burgers reference (``reference/pdes/burgers.npz`` and ``.json``).

The solution itself (the Cole-Hopf quadrature :func:`~numlearn.problems.burgers.burgers_solution`
and its two-precision mpmath oracle) is defined in :mod:`numlearn.problems.burgers`,
which also loads the stored files; this module computes them, checks them against the
oracle, a third method (``mpmath.quad``) and Basdevant et al.'s published slope, and
writes and registers them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
from numpy.typing import NDArray

from numlearn import __version__
from numlearn._core.store import (
    ReferenceBuildError,
    build_directory,
    register_files,
    write_atomic,
)
from numlearn.problems.burgers import (
    BASDEVANT_SLOPE,
    NU,
    REFERENCE_FILES,
    basdevant_minimum,
    burgers_solution,
)
from numlearn.problems.burgers_mp import burgers_front_slope_mp, burgers_solution_mp
from numlearn.problems.pdes import Burgers
from numlearn.reference._files import npz_bytes

__all__ = ["build_burgers_reference"]


def _mp_quad(t: float, x: float, dps: int = 30) -> Any:
    """Third method, for the build's cross-check: ``mpmath.quad`` (Gauss-Legendre) on
    unit subintervals of [-16, 16] in zeta, at ``dps + 10`` digits, exact nu."""
    with mpmath.workdps(dps + 10):
        tm, xm = mpmath.mpf(t), mpmath.mpf(x)
        nu = mpmath.mpf(1) / (100 * mpmath.pi)  # exact 0.01/pi
        a = 1 / (2 * mpmath.pi * nu)
        s = mpmath.sqrt(4 * nu * tm)
        pts = [mpmath.mpf(k) / 2 for k in range(-32, 33)]

        def w(z: Any) -> Any:
            return mpmath.exp(a - z * z - a * mpmath.cospi(xm - s * z))

        den = mpmath.quad(w, pts, method="gauss-legendre")
        num = mpmath.quad(lambda z: z * w(z), pts, method="gauss-legendre")
        return (4 * nu / s) * (num / den)


def _sample_points(t: NDArray[np.float64], x: NDArray[np.float64]) -> list[dict[str, Any]]:
    """The oracle sample: grid points (random, beside the front, first time step,
    boundary) and off-grid points (near the front, tiny t).  Seeded."""
    rng = np.random.default_rng(20240611)
    pts: list[dict[str, Any]] = []

    def grid(it: int, ix: int, why: str) -> None:
        pts.append({"t": float(t[it]), "x": float(x[ix]), "grid_index": [it, ix], "why": why})

    for it, ix in zip(rng.integers(1, t.size, 24), rng.integers(0, x.size, 24), strict=True):
        grid(int(it), int(ix), "random grid point")
    mid = x.size // 2
    for it in (60, 102, 140, 200):  # t = 0.3, 0.51, 0.7, 1
        grid(it, mid - 1, "beside the front")
        grid(it, mid + 1, "beside the front")
    for ix in rng.integers(0, x.size, 3):
        grid(1, int(ix), "first time step")
    grid(100, 0, "boundary")
    for tv, e, sign in zip(rng.uniform(0.3, 1.0, 12), rng.uniform(-6, -3, 12),
                           rng.choice([-1.0, 1.0], 12), strict=True):
        pts.append({"t": float(tv), "x": float(sign * 10.0**e), "why": "near the front"})
    for e, xv in zip(rng.uniform(-12, -2, 8), rng.uniform(-1, 1, 8), strict=True):
        pts.append({"t": float(10.0**e), "x": float(xv), "why": "small t"})
    return pts


def build_burgers_reference(
    directory: str | os.PathLike[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[str]:
    """Compute the Burgers reference on the evaluation grid, check it, and store it.

    Writes ``pdes/burgers.npz`` (arrays ``t`` (201,), ``x`` (511,), ``u`` (201, 511),
    float64, ``u[i_t, i_x]``; an ``np.savez`` layout with fixed timestamps) and
    ``pdes/burgers.json`` (how it was made and its verified accuracy) under the
    reference directory, and registers both in ``MANIFEST.sha256``
    (:func:`numlearn._core.store.register_files`).

    The checks, recorded in the JSON file:

    * self-convergence: max change of ``u`` on the grid when the step is halved
      (``resolution=80``) and when the window is widened to 20;
    * the mpmath oracle (:func:`burgers_solution_mp`, 30 and 60 digits, two rules)
      at 56 seeded points, grid and off-grid, with 30-digit values and the max
      deviation of the float64 values; a third method (``mpmath.quad``) at 4 points;
    * Basdevant et al.'s steepest slope (:func:`basdevant_minimum`).

    Parameters
    ----------
    directory : path, optional
        Where to write (default :func:`numlearn._core.store.build_directory`: the
        user cache, never the data installed with numlearn).
    progress : callable, optional
        Called with one line of text per stage (e.g. ``print``).

    Returns
    -------
    list of str
        The filenames written, relative to the reference directory.

    Raises
    ------
    numlearn._core.store.ReferenceBuildError
        If a check fails (self-convergence above 1e-14, an oracle deviation above
        1e-14, a Basdevant mismatch beyond 5e-6).

    Notes
    -----
    About 25 s on a shared 2-core machine (the oracle sample dominates).  The float64
    values depend on the platform's ``exp``/``sin`` only in the last bit or so; on one
    machine a rebuild is byte-identical.
    """
    say = progress or (lambda _line: None)
    d = build_directory(directory)
    (d / "pdes").mkdir(parents=True, exist_ok=True)
    t, x = Burgers().evaluation_grid()
    u = burgers_solution(t[:, None], x[None, :])
    say(f"burgers: u on the {t.size} x {x.size} grid")
    half_h = float(np.max(np.abs(burgers_solution(t[:, None], x[None, :], resolution=80) - u)))
    wide = float(np.max(np.abs(burgers_solution(t[:, None], x[None, :], window=20.0) - u)))
    say(f"burgers: self-convergence: halving h {half_h:.2e}, window 20 {wide:.2e}")
    if max(half_h, wide) > 1e-14:
        raise ReferenceBuildError(f"burgers: not converged (halving h {half_h:.2e}, "
                                  f"widening the window {wide:.2e}).")

    sample = _sample_points(t, x)
    deviations = []
    for p in sample:
        v = burgers_solution_mp(p["t"], p["x"], 30, check_dps=60)
        f64 = (u[tuple(p["grid_index"])] if "grid_index" in p
               else float(burgers_solution(p["t"], p["x"])))
        dev = float(abs(mpmath.mpf(float(f64)) - v))
        deviations.append(dev)
        p.update(t=p["t"].hex(), x=p["x"].hex(), t_decimal=repr(p["t"]), x_decimal=repr(p["x"]),
                 u=mpmath.nstr(v, 30, min_fixed=0, max_fixed=0) if v else "0.0",
                 float64=float(f64).hex(), abs_deviation=f"{dev:.2e}")
    worst = int(np.argmax(deviations))
    say(f"burgers: mpmath sample of {len(sample)} points, max deviation "
        f"{deviations[worst]:.2e}")
    if deviations[worst] > 1e-14:
        raise ReferenceBuildError(f"burgers: float64 value deviates from the oracle by "
                                  f"{deviations[worst]:.2e} at {sample[worst]}.")
    quad_points = [(0.5, 0.3), (1.0, 1e-4), (float(t[102]), float(x[256])), (0.75, -0.9)]
    quad_dev = 0.0
    for tq, xq in quad_points:
        with mpmath.workdps(40):
            quad_dev = max(quad_dev, float(abs(_mp_quad(tq, xq) - burgers_solution_mp(tq, xq))))
    say(f"burgers: mpmath.quad cross-check at {len(quad_points)} points, {quad_dev:.1e}")
    if quad_dev > 1e-29:
        raise ReferenceBuildError(f"burgers: mpmath.quad and the oracle differ by {quad_dev}.")

    t_star, slope = basdevant_minimum()
    slope_mp = burgers_front_slope_mp(t_star, 30)
    if abs(slope - BASDEVANT_SLOPE) > 5e-6:
        raise ReferenceBuildError(f"burgers: min u_x(0, t) = {slope}, Basdevant et al. give "
                                  f"{BASDEVANT_SLOPE}.")
    say(f"burgers: min_t u_x(0, t) = {slope:.8f} at t = {t_star:.8f}")

    meta = {
        "format": "numlearn-burgers-reference/1",
        "problem": {
            "equation": "u_t + u*u_x = nu*u_xx",
            "nu": "0.01/pi (float64 " + NU.hex() + "; 1/(2 pi nu) = 50.0)",
            "domain": {"t": [0.0, 1.0], "x": [-1.0, 1.0]},
            "initial_condition": "u(0, x) = -sin(pi x)",
            "boundary_conditions": "u(t, -1) = u(t, 1) = 0",
        },
        "grid": {
            "t": "numpy.linspace(0, 1, 201)", "x": "numpy.linspace(-1, 1, 511)",
            "u": "float64, shape (201, 511), u[i_t, i_x]",
            "from": "numlearn.problems.pdes.Burgers().evaluation_grid()",
        },
        "method": {
            "formula": "Cole-Hopf: u = int ((x-y)/t) K phi0 dy / int K phi0 dy, "
                       "K = exp(-(x-y)^2/(4 nu t)), phi0 = exp(-cos(pi y)/(2 pi nu))",
            "function": "numlearn.problems.burgers.burgers_solution",
            "quadrature": "trapezoidal rule in z = x - y on the symmetric nodes z_k = k h, "
                          "+-z paired (odd part as sinh, even part as cosh of "
                          "a sin(pi x) sin(pi z)), log-sum-exp scaled, Neumaier sums; "
                          "terms below exp(-60) of the largest skipped",
            "h": "min(sqrt(4 nu t), 0.05) / 40",
            "window": "|z| <= 14 sqrt(4 nu t)",
            "t = 0": "the initial condition -sin(pi x), exact argument reduction",
            "a_priori_error": "truncation e^(2a - 196) ~ 1e-42 relative; trapezoidal "
                              "(aliasing) error below 1e-300; the rest is float64 rounding",
        },
        "self_convergence": {
            "max_abs_change_halving_h": f"{half_h:.3e}",
            "max_abs_change_window_20": f"{wide:.3e}",
            "over": "the whole 201 x 511 grid",
        },
        "mpmath_sample": {
            "oracle": "numlearn.problems.burgers_mp.burgers_solution_mp: direct (unpaired) "
                      "trapezoidal rule with a priori window and step, at 30 (+10 guard) "
                      "digits and at 60 (+10) digits with a finer rule (step / 1.3, wider "
                      "window); values accepted where both agree to 1e-30 absolutely; "
                      "exact nu = 0.01/pi; points taken as the exact binary numbers",
            "count": len(sample),
            "points": sample,
            "max_abs_deviation_float64": f"{deviations[worst]:.3e}",
            "max_abs_deviation_float64_grid_points": "{:.3e}".format(
                max(dv for dv, p in zip(deviations, sample, strict=True) if "grid_index" in p)),
            "worst_point": {"t": sample[worst]["t_decimal"], "x": sample[worst]["x_decimal"]},
            "quad_cross_check": {
                "method": "mpmath.quad Gauss-Legendre on unit subintervals of [-16, 16] "
                          "(zeta units), 40 digits, vs the oracle",
                "points": [[repr(a), repr(b)] for a, b in quad_points],
                "max_abs_difference": f"{quad_dev:.1e}",
            },
        },
        "basdevant_check": {
            "quantity": "min over t of u_x(t, x=0)",
            "t_star": f"{t_star:.8f}",
            "min_u_x": f"{slope:.8f}",
            "mpmath_u_x_at_t_star": mpmath.nstr(slope_mp, 20),
            "published": "-152.00516 (Basdevant et al., Comput. Fluids 14 (1986) 23-41)",
            "method": "numlearn.problems.burgers.basdevant_minimum (integrated-by-parts "
                      "moment, scipy bounded minimisation); mpmath: mpmath.diff of the "
                      "oracle's integral in x at t_star, 30 digits",
        },
        "versions": {"numlearn": __version__, "numpy": np.__version__,
                     "mpmath": mpmath.__version__},
    }
    npz_name, json_name = REFERENCE_FILES
    files = {npz_name: npz_bytes({"t": t, "x": x, "u": u}, deflate=False),
             json_name: (json.dumps(meta, indent=1, ensure_ascii=True) + "\n").encode()}
    for name, data in files.items():
        write_atomic(d / name, data)
    manifest = register_files(list(files), d)
    say("burgers: wrote " + ", ".join(f"{n} (sha256 {manifest[n][:12]})" for n in files))
    return list(files)

