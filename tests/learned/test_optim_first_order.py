"""numlearn.learned.optim: Adam with cosine decay and L-BFGS (thin torch.optim
wrappers) against closed forms and torch's own scheduler."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.optim import LBFGS, NNCG, AdamCosine, cosine_lr  # noqa: E402

EPS = float(np.finfo(np.float64).eps)
F64 = torch.float64


def test_cosine_schedule_matches_the_closed_form_and_torchs_scheduler():
    """eta_k = lr_min + (lr_max - lr_min)(1 + cos(pi k / T)) / 2: endpoints exact,
    midpoint the mean; torch's CosineAnnealingLR (a recursive update) agrees to
    rounding accumulated over T steps."""
    T, hi, lo = 200, 1e-3, 1e-6
    assert cosine_lr(0, T, hi, lo) == hi
    assert cosine_lr(T, T, hi, lo) == lo
    assert cosine_lr(5 * T, T, hi, lo) == lo  # held after T
    assert math.isclose(cosine_lr(T // 2, T, hi, lo), (hi + lo) / 2, rel_tol=4 * EPS)
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=hi)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=T, eta_min=lo)
    for k in range(T + 1):
        want = lo + 0.5 * (hi - lo) * (1 + math.cos(math.pi * k / T))
        assert math.isclose(cosine_lr(k, T, hi, lo), want, rel_tol=2 * EPS)
        assert math.isclose(opt.param_groups[0]["lr"], want, rel_tol=1e3 * EPS, abs_tol=0)
        opt.step()
        sched.step()


def test_adam_cosine_uses_the_schedule_and_takes_adams_first_step():
    """The lr of step k is cosine_lr(k); Adam's first bias-corrected step is
    -lr * g / (|g| + eps) componentwise (m_hat = g, v_hat = g^2)."""
    c = torch.tensor([1.0, -2.0, 3.0], dtype=F64)

    def f(x):
        return ((x - c) ** 2).sum()

    opt = AdamCosine(total_steps=50)
    theta0 = torch.zeros(3, dtype=F64)
    s = opt.step(theta0, f)
    g = 2 * (theta0 - c)
    np.testing.assert_allclose(s.theta.numpy(), (theta0 - 1e-3 * g / (g.abs() + 1e-8)).numpy(),
                               rtol=4 * EPS, atol=0)
    assert s.loss == float(f(theta0)) and s.lr == 1e-3
    _, steps = opt.minimize(s.theta, f, max_iter=49)
    for k, st in enumerate(steps, start=1):
        assert st.lr == cosine_lr(k, 50)
    assert steps[-1].loss < s.loss


def _adam_numpy(x, grad, steps, lr, clip, b1=0.9, b2=0.999, eps=1e-8):
    """Kingma and Ba's algorithm 1 with the gradient clipped to norm ``clip`` first,
    written out in numpy (the oracle of the clip test)."""
    m, v = np.zeros_like(x), np.zeros_like(x)
    norms = []
    for k in range(1, steps + 1):
        g = grad(x)
        n = float(np.sqrt(np.sum(g * g)))
        norms.append(n)
        if n > clip:
            g = g * (clip / n)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        x = x - lr * (m / (1 - b1**k)) / (np.sqrt(v / (1 - b2**k)) + eps)
    return x, norms


def test_adam_gradient_clip_against_a_numpy_adam():
    """``max_grad_norm`` = the BWLer code's clip: on f = sum(x^4)/4 + |x|^2/2 from far
    out the gradient norm starts above the clip and falls below it, so both branches
    run; 40 steps at a constant rate agree with a numpy Adam to rounding, and differ
    from the unclipped run (the clip changes the iterates)."""
    x0 = np.array([3.0, -2.0, 1.5])

    def f(x):
        return (x**4).sum() / 4 + (x**2).sum() / 2

    def grad(x):
        return x**3 + x

    want, norms = _adam_numpy(x0.copy(), grad, 40, 1e-1, 1.0)
    assert norms[0] > 10 and norms[-1] < 1.0
    opt = AdamCosine(total_steps=40, lr_max=1e-1, lr_min=1e-1, max_grad_norm=1.0)
    theta, steps = opt.minimize(torch.tensor(x0, dtype=F64), f, max_iter=40)
    np.testing.assert_allclose(theta.numpy(), want, rtol=1e3 * EPS, atol=1e3 * EPS)
    np.testing.assert_allclose([s.grad_norm for s in steps], norms, rtol=1e3 * EPS)
    free, _ = _adam_numpy(x0.copy(), grad, 40, 1e-1, np.inf)
    assert np.abs(free - want).max() > 1e-3


def test_adam_cosine_minimises_a_quadratic():
    opt = AdamCosine(total_steps=3000, lr_max=5e-2, lr_min=1e-6)
    c = torch.tensor([0.5, -0.25], dtype=F64)
    theta, _ = opt.minimize(torch.zeros(2, dtype=F64), lambda x: ((x - c) ** 2).sum(),
                            max_iter=3000)
    assert float((theta - c).abs().max()) < 1e-6


def test_lbfgs_defaults_and_a_quadratic_to_rounding():
    """History 1000 and strong Wolfe by default.  On f = (x - x*)^T A (x - x*) / 2
    (n = 30, cond 1e3, x* exact, f* = 0) L-BFGS reaches x* to 100 eps cond.  (With
    f = x^T A x / 2 - b^T x instead, |f*| ~ 1e4 and the line search, which compares loss
    values, stalls near sqrt(eps |f*| / lambda_min): measured 2e3 eps cond.)"""
    opt = LBFGS()
    assert opt.history_size == 1000
    n, cond = 30, 1e3
    g = torch.Generator().manual_seed(4)
    Q, _ = torch.linalg.qr(torch.randn(n, n, generator=g, dtype=F64))
    A = (Q * torch.logspace(0, -3, n, dtype=F64)) @ Q.T
    A = 0.5 * (A + A.T)
    x_star = torch.randn(n, generator=g, dtype=F64)

    def f(x):
        e = x - x_star
        return 0.5 * e @ A @ e

    theta, _ = opt.minimize(torch.zeros(n, dtype=F64), f, max_iter=10)
    assert float((theta - x_star).norm() / x_star.norm()) <= 100 * EPS * cond
    assert opt._opt is not None
    group = opt._opt.param_groups[0]
    assert group["line_search_fn"] == "strong_wolfe" and group["history_size"] == 1000


def test_lbfgs_one_iteration_per_step_moves():
    """LBFGS(max_iter=1), one iteration per step as the training loops use it: each step
    lowers f = ||x - c||^2 (torch's own default max_eval = 1.25 max_iter = 1 would leave
    the strong Wolfe search no evaluation, a zero step); on this quadratic the second
    step (history one pair, the exact curvature) lands on c to rounding."""
    opt = LBFGS(max_iter=1)
    assert opt.max_eval == 25
    c = torch.tensor([0.5, -0.25, 2.0], dtype=F64)

    def f(x):
        return ((x - c) ** 2).sum()

    x = torch.zeros(3, dtype=F64)
    losses = []
    for _ in range(3):
        s = opt.step(x, f)
        losses.append(s.loss)
        x = s.theta
    assert losses[1] < losses[0]
    assert float((x - c).abs().max()) <= 10 * EPS


def test_optimisers_are_deterministic():
    def f(x):
        return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2

    x0 = torch.tensor([-1.2, 1.0], dtype=F64)
    for make in (lambda: NNCG(rank=2, mu=1e-3), lambda: LBFGS(max_iter=5),
                 lambda: AdamCosine(10, lr_max=1e-2)):
        a, _ = make().minimize(x0, f, max_iter=10)
        b, _ = make().minimize(x0, f, max_iter=10)
        assert torch.equal(a, b)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_nncg_on_cuda_float64():
    dev = torch.device("cuda")
    A = torch.tensor([[3.0, 1.0], [1.0, 2.0]], dtype=F64, device=dev)
    b = torch.tensor([1.0, 1.0], dtype=F64, device=dev)
    theta, _ = NNCG(rank=2, mu=0.0).minimize(torch.zeros(2, dtype=F64, device=dev),
                                             lambda x: 0.5 * x @ A @ x - b @ x, max_iter=3)
    assert theta.device.type == "cuda"
    torch.testing.assert_close(theta, torch.linalg.solve(A, b), rtol=1e-14, atol=0)
