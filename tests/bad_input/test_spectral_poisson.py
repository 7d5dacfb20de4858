"""Bad input of the Poisson2d-C learned objectives and the Burgers/Poisson entry points."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from numlearn.classical.spectral.spacetime import TanMap  # noqa: E402
from numlearn.learned.layers import ChebyshevAxis  # noqa: E402
from numlearn.learned.spectral import (  # noqa: E402
    ExplicitBWLerPoisson,
    MLPPINNPoisson,
    explicit_poisson_floor,
    solve_bwler_poisson,
    solve_explicit_bwler_burgers,
)


@pytest.mark.parametrize("kw, match", [
    ({"n": 2}, "`n`"), ({"n_interior": 0}, "`n_interior`"), ({"n_boundary": 0}, "`n_boundary`"),
    ({"bc_weight": -1.0}, "`bc_weight`"), ({"bc_weight": math.nan}, "`bc_weight`"),
    ({"seed": -1}, "`seed`"),
])
def test_bad_sizes(kw, match):
    with pytest.raises(ValueError, match=match):
        ExplicitBWLerPoisson(**kw)


def test_wrong_problem_and_dtype():
    with pytest.raises(TypeError, match="`problem`"):
        ExplicitBWLerPoisson("burgers", n=5, n_interior=10, n_boundary=4)
    with pytest.raises(TypeError, match="`dtype`"):
        MLPPINNPoisson(dtype=torch.int64, n_interior=10, n_boundary=4)


def test_bad_theta():
    obj = ExplicitBWLerPoisson(n=5, n_interior=10, n_boundary=4)
    with pytest.raises(ValueError, match="`theta`"):
        obj.loss(torch.zeros(24, dtype=torch.float64))
    with pytest.raises(TypeError, match="`theta`"):
        obj.loss(torch.zeros(25, dtype=torch.float32))
    with pytest.raises(TypeError, match="`objective`"):
        explicit_poisson_floor("poisson2d_c")


@pytest.mark.parametrize("alpha", [-0.1, math.pi / 2, 2.0, math.nan, math.inf])
def test_bad_tan_map(alpha):
    with pytest.raises(ValueError, match="`alpha`"):
        TanMap(alpha)


def test_bad_map_types():
    with pytest.raises(TypeError, match="`x_map`"):
        ChebyshevAxis(5, x_map="tan")
    with pytest.raises(ValueError, match="`preset`"):
        solve_bwler_poisson(preset="huge")
    with pytest.raises(ValueError, match="`preset`"):
        solve_explicit_bwler_burgers(preset="slow")
