"""solve_pde, the one entry point of the learned PDE solvers: it routes each problem and
model to the solver that fits, and the answer is that solver's (oracle for the
explicit BWLer: the QR minimiser of the same discrete loss, its ``classical_error``)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.spectral import Phase, solve_explicit_bwler, solve_pde  # noqa: E402
from numlearn.problems.pdes import get_pde  # noqa: E402


def test_explicit_is_solve_explicit_bwler_and_reaches_the_floor():
    problem = get_pde("convection", beta=4.0)
    a = solve_pde(problem, "explicit", progress=False)
    b = solve_explicit_bwler(problem, progress=False)
    assert a.success and a.side == "learned"
    assert a.stats["error"] <= 3 * a.stats["classical_error"]
    assert a.method == b.method
    scale = np.abs(b.value).max()
    np.testing.assert_allclose(a.value, b.value, rtol=0,
                               atol=2 * b.stats["classical_error"] * scale)


def test_routes_by_problem_and_model():
    one = [Phase("adam", 1)]
    hat = solve_pde("convection", "hat", phases=one, progress=False, nt=9, nx=8,
                    hidden=(4,), failure_threshold=10.0)
    assert "hat" in hat.method.lower()
    pinn = solve_pde("poisson2d_c", "pinn", steps=1, hidden=(4,), progress=False)
    assert "poisson" in pinn.method.lower() and "pinn" in pinn.method.lower()
    burgers = solve_pde("burgers", "explicit", nt=7, nx=9, steps=1, progress=False)
    assert burgers.stats["settings"]["x_map"] == 1.5  # the Burgers entry's node map


def test_every_model_reports_rel_l2_as_fit_computes_it():
    """One stats name for the error across the entry points: fit puts the relative L2
    of PDEObjective.error under ``rel_l2`` (as the classical solvers do) and ``error``."""
    r = solve_pde("convection", "hat", phases=[Phase("adam", 1)], progress=False, nt=9,
                  nx=8, hidden=(4,), failure_threshold=10.0)
    p = solve_pde("poisson2d_c", "pinn", steps=1, hidden=(4,), progress=False)
    for res in (r, p):
        assert res.stats["rel_l2"] == res.stats["error"] and np.isfinite(res.stats["rel_l2"])
