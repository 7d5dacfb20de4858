"""Bad input to the explicit BWLer objective and its solve: refused before any work,
with a message naming the argument."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.classical.spectral.spacetime import spacetime_system  # noqa: E402
from numlearn.learned.spectral import (  # noqa: E402
    ExplicitBWLer,
    NonFiniteLossError,
    solve_explicit_bwler,
)


@pytest.mark.parametrize(("name", "nt", "nx", "arg"), [
    ("convection", 2, 8, "`nt`"),      # first order in t: nt >= 3
    ("wave", 3, 9, "`nt`"),            # second order in t: nt >= 4
    ("convection", 9, 1, "`nx`"),      # Fourier x: nx >= 2
    ("wave", 9, 2, "`nx`"),            # Chebyshev x: nx >= 3
    ("convection", 0, 8, "`nt`"),
])
def test_too_few_nodes(name, nt, nx, arg):
    with pytest.raises(ValueError, match=arg):
        ExplicitBWLer(name, nt, nx)


@pytest.mark.parametrize("nx", [7, 8])
def test_fourier_parity_either_is_valid(nx):
    # The Fourier derivative at the nodes is that of the trigonometric interpolant
    # for odd and even nx alike (the Nyquist cosine's derivative vanishes at the
    # nodes), so neither parity is refused; both equal the classical rows.
    obj = ExplicitBWLer("convection", 9, nx)
    sys = spacetime_system("convection", 9, nx, weights="paper")
    v = torch.linspace(-1, 1, 9 * nx, dtype=torch.float64)
    r = obj.residual_vector(v).numpy()
    assert np.max(np.abs(r - (sys.A @ v.numpy() - sys.b))) < 1e-12


def test_nan_parameters():
    obj = ExplicitBWLer("wave", 9, 9)
    theta = torch.full((81,), float("nan"), dtype=torch.float64)
    with pytest.raises(NonFiniteLossError, match="step 3"):
        obj.loss_terms(theta, step=3)
    with pytest.raises(ValueError, match="`U`"):
        obj.predict(theta)


def test_dtype_mismatch():
    obj = ExplicitBWLer("convection", 9, 4, dtype=torch.float32)
    with pytest.raises(TypeError, match=r"`theta`.*float64.*float32"):
        obj.loss(torch.zeros(36, dtype=torch.float64))
    with pytest.raises(TypeError, match="`U`"):
        obj.residuals_at_values(torch.zeros((9, 4), dtype=torch.float64))
    # float32 throughout is accepted
    assert obj.loss(torch.zeros(36, dtype=torch.float32)).dtype == torch.float32


def test_device_mismatch():
    obj = ExplicitBWLer("convection", 9, 4, device="meta")
    with pytest.raises(ValueError, match=r"`theta`.*meta"):
        obj.loss(torch.zeros(36, dtype=torch.float64))


@pytest.mark.parametrize("theta", [torch.zeros(35, dtype=torch.float64),
                                   torch.zeros((9, 4), dtype=torch.float64)])
def test_wrong_theta_shape(theta):
    obj = ExplicitBWLer("convection", 9, 4)
    with pytest.raises(ValueError, match=r"`theta`.*36"):
        obj.loss(theta)


def test_theta_not_a_tensor():
    obj = ExplicitBWLer("convection", 9, 4)
    with pytest.raises(TypeError, match="`theta`"):
        obj.loss(np.zeros(36))


@pytest.mark.parametrize(("kwargs", "exc", "arg"), [
    ({"weights": "uniform"}, ValueError, "`weights`"),
    ({"weights": np.ones(3)}, ValueError, "`weights`"),
    ({"weights": -np.ones(40)}, ValueError, "`weights`"),
    ({"x_basis": "legendre"}, ValueError, "x_basis"),
    ({"collocation": (3, 2)}, ValueError, "`collocation`"),
    ({"dtype": torch.int64}, TypeError, "`dtype`"),
    ({"device": 3}, TypeError, "`device`"),
])
def test_bad_options(kwargs, exc, arg):
    with pytest.raises(exc, match=arg):
        ExplicitBWLer("convection", 9, 4, **kwargs)


def test_bad_problem():
    with pytest.raises(ValueError, match="`problem`"):
        ExplicitBWLer("advection", 9, 4)
    with pytest.raises(TypeError, match="evolution problems"):
        ExplicitBWLer("poisson2d_c", 9, 9)
    with pytest.raises(ValueError, match="x_basis='chebyshev'"):
        ExplicitBWLer("wave", 9, 8, x_basis="fourier")


def test_system_of_nonlinear_problem_refused():
    with pytest.raises(ValueError, match="classical_solution"):
        ExplicitBWLer("reaction", 9, 9).system()


def test_solve_bad_preset():
    with pytest.raises(ValueError, match="`preset`"):
        solve_explicit_bwler("convection", preset="slow")
    with pytest.raises(TypeError):
        ExplicitBWLer("convection", 9, 4).initial_parameters(seed=1.5)
