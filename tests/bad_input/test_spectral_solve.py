"""solve_pde's bad input: unknown model or problem name, the hat on Poisson2d-C."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from numlearn.learned.spectral import solve_pde


def test_unknown_model():
    with pytest.raises(ValueError, match="`model`"):
        solve_pde("wave", "transformer")


def test_unknown_problem_name():
    with pytest.raises(ValueError, match="`problem`"):
        solve_pde("navier_stokes")


def test_hat_needs_a_space_time_grid():
    with pytest.raises(TypeError, match=r"`model`.*space-time grid"):
        solve_pde("poisson2d_c", "hat")
