"""Build the stored Poisson2d-C reference (``reference/pdes/poisson2d_c.npz``, ``.json``).

The problem, the basis of its series and the loader are in
:mod:`numlearn.problems.poisson2d`; the fit, the maximum-principle certificate and the
Nyström solve in :mod:`numlearn.classical.spectral.laplace`.  This module runs them,
records the self-convergence table and the cross-check, and writes and registers the
files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

import numpy as np

import numlearn
from numlearn._core.store import build_directory, register_files, write_atomic
from numlearn.classical.spectral.laplace import (
    fit_poisson2d_c,
    poisson2d_c_boundary_error,
    poisson2d_c_nystrom,
)
from numlearn.problems.poisson2d import (
    CENTERS,
    FILE_JSON,
    FILE_NPZ,
    FORMAT,
    RADIUS,
    clear_reference_cache,
    distance_to_boundary,
    poisson2d_c_grid_points,
    poisson2d_c_training_points,
)
from numlearn.reference._files import npz_bytes

__all__ = ["build_poisson2d_reference"]

# The stored expansion and how the builder checks it.
_K, _N_FIT = 40, 400
_CONVERGENCE = (8, 12, 16, 20, 24, 28, 32, 36, 40, 48)
# The Nystrom discretisation of the cross-check (4,608 unknowns) and the points it is
# trusted at (at least 0.05 from the boundary).
_NYSTROM = {"n_uniform": 16, "levels": 24, "order": 16, "n_circle": 128}
_NYSTROM_MIN_DISTANCE = 0.05


def build_poisson2d_reference(
    directory: str | os.PathLike[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[str]:
    """Fit, certify and cross-check the reference; write and register its files.

    Steps: (1) fit the series for ``K = N`` in 8, 12, ..., 40, 48 and record the
    self-convergence table (boundary bound on 4,097 points per piece, maximum change
    at the evaluation points); (2) certify the stored ``K = N = 40`` fit on 65,537
    points per edge and 65,536 per circle (:func:`poisson2d_c_boundary_error`);
    (3) compare with :func:`poisson2d_c_nystrom` at every evaluation point at least
    0.05 from the boundary; (4) write ``pdes/poisson2d_c.npz`` and
    ``pdes/poisson2d_c.json`` and register them with
    :func:`numlearn._core.store.register_files`.

    Parameters
    ----------
    directory : path, optional
        Where to write (default :func:`numlearn._core.store.build_directory`: the
        user cache, never the data installed with numlearn);
        the files go to its ``pdes/`` subfolder.
    progress : callable, optional
        Called with one line of text per step (e.g. ``print``).

    Returns
    -------
    list of str
        The registered file names, relative to the reference directory.

    Raises
    ------
    ArithmeticError
        If the certified bound exceeds 1e-10 or the Nyström cross-check disagrees by
        more than 1e-10 (the build then writes nothing).

    Notes
    -----
    1-2 minutes of CPU time.  Deterministic on one machine with the same library
    versions and BLAS threads: with the default threads a rebuild here reproduces the
    files byte for byte; with ``OMP_NUM_THREADS=1`` LAPACK rounds differently and ``u``
    differs by 110 eps (certified bound 2.6e-14 instead of 3.6e-15).  A rebuilt
    directory is compared with the shipped one within the tolerances of
    ``MANIFEST.tolerances`` (:mod:`numlearn.reference.reproduce`: 256 eps x max|u|).
    """
    say = progress or (lambda _line: None)
    root = build_directory(directory)
    (root / "pdes").mkdir(parents=True, exist_ok=True)
    x, y = poisson2d_c_grid_points()

    # (1) self-convergence
    fits = {n: fit_poisson2d_c(n, n, max(_N_FIT, 10 * n), max(_N_FIT, 10 * n))
            for n in _CONVERGENCE}
    values = {n: f(x, y) for n, f in fits.items()}
    table = []
    for i, n in enumerate(_CONVERGENCE):
        cert = poisson2d_c_boundary_error(fits[n], 4096, 4096)
        row = {"K": n, "N": n, "n_fit_per_piece": fits[n].stats["n_edge"],
               "n_coefficients": 2 + 2 * n, "cond": fits[n].stats["cond"],
               "boundary_bound": cert["bound"],
               "max_change_from_previous": (None if i == 0 else float(
                   np.max(np.abs(values[n] - values[_CONVERGENCE[i - 1]])))),
               "max_difference_from_K_N_48": float(np.max(np.abs(values[n] - values[48])))}
        table.append(row)
        say(f"K = N = {n:2d}: boundary bound {cert['bound']:.2e}, change "
            f"{row['max_change_from_previous'] or float('nan'):.2e}")
    expansion = fits[_K]

    # (2) certificate
    cert = poisson2d_c_boundary_error(expansion)
    say(f"certificate: max sampled {cert['max_sampled']:.2e}, bound {cert['bound']:.2e}, "
        f"certified {cert['certified_bound']:.2e}")
    if not cert["certified_bound"] <= 1e-10:
        raise ArithmeticError(f"certified bound {cert['certified_bound']:.3e} > 1e-10")

    # (3) independent cross-check
    far = distance_to_boundary(x, y) >= _NYSTROM_MIN_DISTANCE
    u = values[_K]
    nys = poisson2d_c_nystrom(x[far], y[far], **_NYSTROM)
    nys_diff = float(np.max(np.abs(nys - u[far])))
    say(f"Nystrom cross-check at {int(far.sum())} points: max difference {nys_diff:.2e}")
    if not nys_diff <= 1e-10:
        raise ArithmeticError(f"Nystrom cross-check differs by {nys_diff:.3e} > 1e-10")

    # (4) files
    square, circles = poisson2d_c_training_points()
    arrays = {
        "coefficients": expansion.coefficients,
        "n_laurent": np.array(expansion.n_laurent),
        "hessenberg": expansion.hessenberg,
        "x": x, "y": y, "u": u,
        "square_x": square.real, "square_y": square.imag,
        "square_u": expansion(square.real, square.imag),
        "circle_x": circles.real, "circle_y": circles.imag,
        "circle_u": expansion(circles.real, circles.imag),
    }
    # The module paths in the strings below are those of the committed files' build;
    # kept so that a rebuild reproduces the files byte for byte.
    meta = {
        "format": FORMAT,
        "name": "poisson2d_c",
        "problem": "Laplace u = 0 on [-0.5,0.5]^2 minus the closed disks of radius 0.1 at "
                   "(+-0.3, +-0.3); u = 1 on the square, u = 0 on the circles (PINNacle "
                   "Poisson2d-C)",
        "method": "D4-symmetric harmonic series fitted by weighted least squares "
                  "(Trefethen 2018 series method; numlearn.problems.poisson2d): "
                  "u = a0 + aL sum_m log(|z-c_m|/0.5) + sum_k b_k sum_m Re(r chat_m/(z-c_m))^k "
                  "+ sum_j d_j Re p_j(4 z^4), c_m = i^m (0.3+0.3i), chat_m = c_m/|c_m|, "
                  "r = 0.1, p_j the Arnoldi polynomials of the stored Hessenberg matrix",
        "basis": {"n_laurent": expansion.n_laurent, "n_poly": expansion.n_poly,
                  "n_coefficients": int(expansion.coefficients.size),
                  "column_order": "constant, log, K Laurent, N polynomial",
                  "zeta": "4 z^4", "radius": RADIUS,
                  "centers": [[c.real, c.imag] for c in CENTERS]},
        "fit": {"n_edge": expansion.stats["n_edge"], "n_arc": expansion.stats["n_arc"],
                "samples": "half-edge x = 0.5, 0 <= y <= 0.5 at Chebyshev points of the "
                           "first kind; half-circle around (0.3, 0.3), angles in "
                           "[-3pi/4, pi/4] at midpoints; rows weighted by sqrt(arclength "
                           "per point), columns scaled to unit norm",
                "solver": "numpy.linalg.lstsq (LAPACK gelsd)",
                "cond_scaled": expansion.stats["cond"], "rank": expansion.stats["rank"],
                "residual_rms": expansion.stats["residual_rms"]},
        "certificate": {
            "argument": "u_ref - u is harmonic in the domain, so by the maximum principle "
                        "its maximum modulus is attained on the boundary; bound = max over "
                        "pieces of (max sampled |u_ref - g| + spacing * max |d/ds u_ref|), "
                        "certified_bound = bound + 2 * (float64 evaluation rounding "
                        "estimate eps * max sum_j |coef_j phi_j|)",
            **{k: v for k, v in cert.items()},
        },
        "self_convergence": table,
        "cross_check": {"method": "Nystrom double-layer + 4 logarithms (Greenbaum, "
                                  "Greengard & McFadden 1993), numlearn.problems.poisson2d."
                                  "poisson2d_c_nystrom",
                        "parameters": dict(_NYSTROM),
                        "points": f"the evaluation points at distance >= "
                                  f"{_NYSTROM_MIN_DISTANCE} from the boundary",
                        "n_points": int(far.sum()),
                        "max_abs_difference": nys_diff},
        "evaluation_points": {"rule": "g = numpy.linspace(-0.5, 0.5, 201); all (g[i], g[j]) "
                                      "(x slowest) in the closed domain (|x|, |y| <= 0.5 and "
                                      "hypot(x - cx, y - cy) >= 0.1 for every centre)",
                              "count": int(x.size),
                              "note": "PINNacle's COMSOL node set is not available offline"},
        "training_points": {"square": "4 x 250: on each edge (counter-clockwise from "
                                      "(0.5,-0.5)) the midpoints of 250 equal parts",
                            "circles": "4 x 250: c_m + 0.1 exp(2 pi i k/250), k = 0..249",
                            "note": "BWLer's counts (4 x 250 each); not necessarily its "
                                    "exact points"},
        "accuracy": f"|u_ref - u| <= {cert['certified_bound']:.2e} everywhere in the closed "
                    "domain (maximum principle)",
        "numlearn_version": numlearn.__version__,
        "numpy_version": np.__version__,
    }
    npz_path, json_path = root / FILE_NPZ, root / FILE_JSON
    write_atomic(npz_path, npz_bytes(arrays, deflate=True))
    write_atomic(json_path, (json.dumps(meta, indent=1, ensure_ascii=True) + "\n").encode())
    register_files([FILE_NPZ, FILE_JSON], root)
    clear_reference_cache()
    say(f"wrote {npz_path} and {json_path}")
    return [FILE_NPZ, FILE_JSON]
