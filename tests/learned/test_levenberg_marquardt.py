"""numlearn.learned.optim.LevenbergMarquardt on toy nonlinear least squares with known
minimisers (the optimiser the learned tracks share)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.optim import LevenbergMarquardt  # noqa: E402

EPS = np.finfo(np.float64).eps


def _rosenbrock(t):
    return torch.stack([10 * (t[1] - t[0] ** 2), 1 - t[0]])


def _rosenbrock_jacobian(t):
    return torch.stack([torch.stack([-20 * t[0], torch.tensor(10.0, dtype=t.dtype)]),
                        torch.tensor([-1.0, 0.0], dtype=t.dtype)])


def test_rosenbrock_converges_to_the_known_minimiser():
    """Rosenbrock as least squares, r = (10 (y - x^2), 1 - x): zero residual at (1, 1);
    from the classical start (-1.2, 1) Levenberg-Marquardt reaches it to rounding."""
    lm = LevenbergMarquardt()
    theta, steps = lm.minimize(torch.tensor([-1.2, 1.0], dtype=torch.float64),
                               _rosenbrock, _rosenbrock_jacobian, max_iter=200, tol=1e-30)
    np.testing.assert_allclose(theta.numpy(), [1.0, 1.0], rtol=0, atol=10 * EPS)
    assert steps[-1].loss <= 1e-30
    losses = [s.loss for s in steps]
    assert all(b <= a for a, b in itertools.pairwise(losses))  # monotone


def test_exponential_fit_is_quadratic_near_a_zero_residual_solution():
    """y = a exp(b t) sampled exactly at a = 2, b = -0.5: once close, Gauss-Newton
    squares the error each step (zero residual), so few steps reach rounding."""
    t = torch.linspace(0, 4, 30, dtype=torch.float64)
    y = 2.0 * torch.exp(-0.5 * t)

    def res(th):
        return th[0] * torch.exp(th[1] * t) - y

    def jac(th):
        e = torch.exp(th[1] * t)
        return torch.stack([e, th[0] * t * e], dim=1)

    theta, steps = LevenbergMarquardt().minimize(
        torch.tensor([1.0, 0.0], dtype=torch.float64), res, jac, max_iter=100, tol=1e-28)
    np.testing.assert_allclose(theta.numpy(), [2.0, -0.5], rtol=1e-13)
    assert len(steps) <= 30


def test_rejected_steps_raise_the_damping_and_bad_settings_are_refused():
    lm = LevenbergMarquardt(mu=1e-2)
    at_min = torch.tensor([1.0, 1.0], dtype=torch.float64)
    s = lm.step(at_min, _rosenbrock, _rosenbrock_jacobian)  # nothing to decrease
    assert not s.accepted and s.loss == 0.0 and s.mu >= lm.mu_max
    assert torch.equal(s.theta, at_min)
    with pytest.raises(ValueError, match="factor"):
        LevenbergMarquardt(factor=1.0)


def test_fixed_jacobian_reuses_the_normal_matrix_and_reaches_qr():
    import numpy as np

    from numlearn.learned.optim import LevenbergMarquardt

    rng = np.random.default_rng(0)
    A_np = rng.standard_normal((60, 20)) @ np.diag(np.logspace(0, -4, 20))
    b_np = rng.standard_normal(60)
    A = torch.as_tensor(A_np)
    b = torch.as_tensor(b_np)
    calls = []

    def jac(th):
        calls.append(1)
        return A

    jac.fixed = True
    lm = LevenbergMarquardt(1e-12)
    theta, _ = lm.minimize(torch.zeros(20, dtype=torch.float64), lambda th: A @ th - b,
                           jac, max_iter=8)
    x_qr = np.linalg.lstsq(A_np, b_np, rcond=None)[0]
    cond = np.linalg.cond(A_np)
    err = np.linalg.norm(theta.numpy() - x_qr) / np.linalg.norm(x_qr)
    assert err <= 10 * cond * np.finfo(float).eps
    assert lm._fixed is not None and lm._fixed[0] is A  # J^T J formed once, kept
    assert len(lm._fixed[3]) == 1  # the factor of the accepted damping, only
