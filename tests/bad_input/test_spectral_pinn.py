"""Bad input to the MLP PINN and the BWLer-hat: errors name the argument, before any work."""

from __future__ import annotations

import math
import re

import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.spectral import (  # noqa: E402
    MLPPINN,
    BWLerHat,
    NonFiniteLossError,
    solve_bwler_hat,
    solve_mlp_pinn,
)
from numlearn.problems.pdes import get_pde  # noqa: E402

SMALL = {"hidden": (4,), "grid": (3, 4), "n_ic": 3, "n_bc": 2}


@pytest.mark.parametrize(("kwargs", "name", "exc"), [
    ({"grid": 5}, "grid", TypeError),
    ({"grid": (3,)}, "grid", TypeError),
    ({"grid": (0, 4)}, "grid[0]", ValueError),
    ({"grid": (3, 2.5)}, "grid[1]", TypeError),
    ({"n_residual": 13}, "n_residual", ValueError),
    ({"n_residual": 0}, "n_residual", ValueError),
    ({"n_ic": 1}, "n_ic", ValueError),
    ({"n_bc": 0}, "n_bc", ValueError),
    ({"weights": "paper"}, "weights", ValueError),
    ({"weights": {"pde": 1.0, "boundary": 2.0}}, "weights", ValueError),
    ({"weights": {"ic": -1.0}}, "weights", ValueError),
    ({"weights": {"ic": math.nan}}, "weights", ValueError),
    ({"weights": 3}, "weights", TypeError),
    ({"periodicity": "derivative"}, "periodicity", ValueError),
    ({"derivatives": "fd"}, "derivatives", ValueError),
    ({"hidden": ()}, "hidden", TypeError),
    ({"hidden": (0,)}, "hidden", ValueError),
    ({"activation": "relu"}, "activation", ValueError),
    ({"dtype": torch.int64}, "dtype", TypeError),
    ({"device": 3}, "device", TypeError),
])
def test_pinn_bad_arguments_name_themselves(kwargs, name, exc):
    with pytest.raises(exc, match=re.escape(f"`{name}")):
        MLPPINN(get_pde("reaction"), **{**SMALL, **kwargs})


def test_only_evolution_problems():
    for bad in (get_pde("poisson2d_c"), None, 3.0):
        with pytest.raises(TypeError, match="`problem`"):
            MLPPINN(bad, **SMALL)
        with pytest.raises(TypeError, match="`problem`"):
            BWLerHat(bad, 9, 8)
    with pytest.raises(ValueError, match="`problem`"):
        MLPPINN("no_such_pde", **SMALL)


def test_a_problem_name_is_looked_up():
    assert MLPPINN("reaction", **SMALL).problem.name == "reaction"


@pytest.mark.parametrize("model", ["pinn", "hat"])
def test_bad_theta(model):
    obj = (MLPPINN(get_pde("wave"), **SMALL) if model == "pinn"
           else BWLerHat(get_pde("wave"), 6, 6, hidden=(4,)))
    theta = obj.initial_parameters(0)
    with pytest.raises(ValueError, match="`theta`"):
        obj.residuals(theta[:-1])
    with pytest.raises(ValueError, match="`theta`"):
        obj.residuals(theta.reshape(1, -1))
    with pytest.raises(TypeError, match="`theta`"):
        obj.residuals(theta.numpy())
    with pytest.raises(TypeError, match="`theta`"):
        obj.loss(theta.float())
    bad = theta.clone()
    bad[0] = math.nan
    with pytest.raises(NonFiniteLossError, match="at step 7"):
        obj.loss_terms(bad, 7)
    with pytest.raises(ValueError, match="NaN"):
        obj.predict(bad)
    with pytest.raises((TypeError, ValueError), match="`seed`"):
        obj.initial_parameters(-1.5)


def test_hat_bad_nodes_and_network():
    p = get_pde("wave")
    with pytest.raises(ValueError, match="nt"):
        BWLerHat(p, 2, 8)  # fewer t nodes than the wave's two initial conditions need
    with pytest.raises(TypeError, match="`hidden`"):
        BWLerHat(p, 9, 8, hidden=4)
    with pytest.raises(ValueError, match="`init`"):
        BWLerHat(p, 9, 8, init="kaiming")
    with pytest.raises(ValueError, match=r"`embedding`.*Dirichlet"):
        BWLerHat(p, 9, 8, embedding="periodic")  # the wave is not periodic in x
    with pytest.raises(ValueError, match="`embedding`"):
        BWLerHat(get_pde("convection"), 9, 8, embedding="fourier")


def test_solve_bad_preset_and_options():
    p = get_pde("reaction")
    with pytest.raises(ValueError, match="`preset`"):
        solve_mlp_pinn(p, preset="slow")
    with pytest.raises(ValueError, match="`preset`"):
        solve_bwler_hat(p, preset="huge")
    with pytest.raises(TypeError, match="bogus"):
        solve_mlp_pinn(p, bogus=1)
    with pytest.raises(TypeError, match="`phases`"):
        solve_mlp_pinn(p, phases="adam", **SMALL)
    with pytest.raises(ValueError, match="`failure_threshold`"):
        solve_bwler_hat(p, nt=6, nx=6, hidden=(4,), failure_threshold=-1.0,
                        phases=None)
