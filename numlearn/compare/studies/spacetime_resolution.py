"""Error and condition number of space-time collocation against resolution.

One row per size: how the error of
:func:`~numlearn.classical.spectral.spacetime.solve_spacetime` on the problem's
evaluation grid and the condition number of the matrix it factors change with the
number of nodes.  First-derivative operators give ``cond`` growing like about
:math:`N^2`, second derivatives like :math:`N^4` (Trefethen 2000, ch. 6-7); the error
falls spectrally (geometrically in ``N`` for the analytic benchmark solutions) until
it meets the floor ``cond * eps``.

``bench/bench_spacetime.py`` prints this study for the benchmark problems.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["resolution_study"]


def resolution_study(
    problem_name: Any,
    sizes: Sequence[int | tuple[int, int]],
    **options: Any,
) -> list[dict[str, Any]]:
    """Error and condition number against resolution: one row per size.

    Parameters
    ----------
    problem_name : str or EvolutionProblem
        ``"convection"``, ``"wave"``, ``"reaction"`` or ``"burgers"`` (or a problem).
    sizes : sequence of int or (int, int)
        ``N`` means ``N × N`` nodes, except for a Fourier x axis where it means
        ``N × (N - 1)`` (BWLer's ``2c + 1 × 2c``); pairs are ``(nt, nx)``.
    **options
        Passed to :func:`~numlearn.classical.spectral.spacetime.solve_spacetime`
        (``collocation``, ``weights``, ...).

    Returns
    -------
    list of dict
        Keys ``problem, nt, nx, n_unknowns, n_rows, collocation, weighting, cond,
        cond_of, cond_method, rel_l2, max_abs, iterations (Newton only), status,
        seconds``.  ``cond`` is the 2-norm condition number of the weighted matrix
        that was factorised (the final Jacobian for Newton), named in ``cond_of``.

    Notes
    -----
    Cost: one solve per size (dense QR, :math:`O(m n^2)` for ``n = nt*nx``).
    Warnings of the solves (ill-conditioning) are silenced: the condition number is
    in the rows.
    """
    from numlearn.classical.spectral.spacetime import default_x_basis, solve_spacetime
    from numlearn.problems.pdes import get_pde

    prob = get_pde(problem_name) if isinstance(problem_name, str) else problem_name
    x_basis = options.get("x_basis") or default_x_basis(prob)
    rows = []
    for size in sizes:
        if isinstance(size, (int, np.integer)):
            nt, nx = int(size), int(size) - 1 if x_basis == "fourier" else int(size)
        else:
            nt, nx = (int(s) for s in size)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = solve_spacetime(prob, nt, nx, **options)
        st = res.stats
        rows.append({
            "problem": prob.name, "nt": nt, "nx": nx,
            "n_unknowns": st["n_unknowns"], "n_rows": st["n_rows"],
            "collocation": st["collocation"], "weighting": st["weighting"],
            "cond": st["cond"], "cond_of": st["cond_of"],
            "cond_method": st.get("cond_method", "svd"),
            "rel_l2": st.get("rel_l2", math.nan), "max_abs": st.get("max_abs", math.nan),
            "iterations": st.get("iterations"), "status": res.status.code,
            "seconds": st["seconds"],
        })
    return rows
