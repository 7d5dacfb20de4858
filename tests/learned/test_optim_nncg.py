"""numlearn.learned.optim: NNCG and its linear algebra (randomized Nyström
approximation, preconditioned CG, Hessian-vector products) against closed forms and
dense float64 solves."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.optim import (  # noqa: E402
    LBFGS,
    NNCG,
    hessian_vector_product,
    nystrom_approximation,
    pcg,
)

EPS = float(np.finfo(np.float64).eps)
F64 = torch.float64


def _spd(n, cond, seed, eigenvalues=None):
    """Q diag(lam) Q^T with a seeded Haar-like Q; lam log-spaced from 1 to 1/cond."""
    g = torch.Generator().manual_seed(seed)
    Q, _ = torch.linalg.qr(torch.randn(n, n, generator=g, dtype=F64))
    lam = (torch.logspace(0, -np.log10(cond), n, dtype=F64) if eigenvalues is None
           else eigenvalues)
    A = (Q * lam) @ Q.T
    return 0.5 * (A + A.T), torch.randn(n, generator=g, dtype=F64)


def _refined_solve(A, b):
    """A^-1 b to about eps relative: LAPACK solve plus three steps of iterative
    refinement with residuals in x87 extended precision (an oracle independent of CG)."""
    An, bn = A.numpy(), b.numpy()
    Al, bl = An.astype(np.longdouble), bn.astype(np.longdouble)
    x = np.linalg.solve(An, bn).astype(np.longdouble)
    for _ in range(3):
        r = (bl - Al @ x).astype(np.float64)
        x = x + np.linalg.solve(An, r).astype(np.longdouble)
    return torch.tensor(x.astype(np.float64))


@pytest.mark.parametrize(("n", "cond", "seed"), [(100, 1e4, 0), (100, 1e6, 1), (200, 1e4, 2)])
def test_nncg_solves_a_convex_quadratic_to_cond_times_eps_in_few_steps(n, cond, seed):
    """f = x^T A x / 2 - b^T x: with mu = 0 an NNCG step is Newton's, exact up to CG's
    attainable accuracy, so 3 steps reach ||x - A^-1 b|| / ||A^-1 b|| <= 100 eps cond
    (measured 0.03-0.4 eps cond; a backward-stable direct solve gives ~0.04)."""
    A, b = _spd(n, cond, seed)
    x_star = _refined_solve(A, b)

    def f(x):
        return 0.5 * x @ A @ x - b @ x

    opt = NNCG(rank=n // 2, mu=0.0, cg_max_iter=n, seed=seed)
    theta, steps = opt.minimize(torch.zeros(n, dtype=F64), f, max_iter=3)
    err = float((theta - x_star).norm() / x_star.norm())
    assert err <= 100 * EPS * cond, err / (EPS * cond)
    # the first step is the full Newton step (later ones sit at the rounding floor,
    # where Armijo may backtrack)
    assert steps[0].accepted and steps[0].lr == 1.0


def test_nystrom_of_a_low_rank_psd_matrix_is_exact_to_rounding():
    """A = G G^T of rank 10 (n = 100): the sketch at rank r >= 2 * 10 reproduces A to
    rounding.  Tolerance 4 sqrt(n) r eps ||A||_2 (r products of length-n vectors);
    measured 20-70 eps at r = 20, 30, 100.  (At r equal to the rank, or just above, the
    error is eps times the conditioning of the random core Omega^T A Omega: measured
    11 eps to 8e4 eps over seeds, so it is not asserted.)"""
    n, k = 100, 10
    g = torch.Generator().manual_seed(7)
    G = torch.randn(n, k, generator=g, dtype=F64)
    A = G @ G.T
    norm = float(torch.linalg.matrix_norm(A, 2))
    for r in (2 * k, 3 * k, n):
        ny = nystrom_approximation(A, n, r, seed=r)
        err = float(torch.linalg.matrix_norm(ny.matrix() - A, 2)) / norm
        assert err <= 4 * n ** 0.5 * r * EPS, (r, err / EPS)
        assert ny.U.shape == (n, r) and bool((ny.eigenvalues >= 0).all())
        assert bool((ny.eigenvalues[:-1] >= ny.eigenvalues[1:]).all())
        # the nonzero eigenvalues are those of A
        np.testing.assert_allclose(ny.eigenvalues[:k].numpy(),
                                   torch.linalg.eigvalsh(A).flip(0)[:k].numpy(),
                                   rtol=0, atol=4 * n ** 0.5 * r * EPS * norm)


def test_nystrom_is_seeded():
    A, _ = _spd(40, 1e3, 3)
    a, b = nystrom_approximation(A, 40, 8, seed=5), nystrom_approximation(A, 40, 8, seed=5)
    assert torch.equal(a.U, b.U) and torch.equal(a.eigenvalues, b.eigenvalues)
    c = nystrom_approximation(A, 40, 8, seed=6)
    assert not torch.equal(a.U, c.U)


def test_nystrom_preconditioner_cuts_cg_iterations_on_a_fast_decaying_spectrum():
    """lam_i = 2^-i (n = 100), mu = 1e-8: cond(A + mu I) ~ 1e8.  Plain CG needs
    hundreds of iterations for a 1e-8 relative residual (measured 490 at 1e-10); with
    the rank-30 Nyström preconditioner, cond(P^-1 (A + mu I)) = O(1) and it needs
    fewer than 20 (measured 8).  Both solutions are checked against a dense solve."""
    n, mu, tol = 100, 1e-8, 1e-8
    A, b = _spd(n, 0, 11, eigenvalues=torch.tensor([0.5 ** i for i in range(n)], dtype=F64))
    M = A + mu * torch.eye(n, dtype=F64)

    def mv(v):
        return A @ v + mu * v

    plain = pcg(mv, b, tol=tol, max_iter=5000)
    ny = nystrom_approximation(A, n, 30, seed=0)
    pre = pcg(mv, b, tol=tol, max_iter=5000, precond=ny.preconditioner(mu))
    assert pre.iterations < 20 < 10 * pre.iterations < plain.iterations, (
        pre.iterations, plain.iterations)
    for res in (plain, pre):
        true_res = float((M @ res.x - b).norm() / b.norm())
        assert true_res <= 10 * tol
    # the preconditioner itself: P^-1 is symmetric positive definite and maps the top
    # eigenvectors' part of M onto (lam_r + mu) times themselves
    P = ny.preconditioner(mu)(torch.eye(n, dtype=F64))
    assert float((P - P.T).abs().max()) <= 10 * EPS
    assert float(torch.linalg.eigvalsh(P)[0]) > 0


def test_hessian_vector_products_match_the_closed_form_hessian():
    """f(x) = sum(exp(B x)) + (x^T x)^2 has Hessian B^T diag(exp(B x)) B
    + 4 (x^T x) I + 8 x x^T; the torch.func HVPs (single and vmapped) agree with it to
    a few eps times ||H||."""
    n = 12
    g = torch.Generator().manual_seed(3)
    B = torch.randn(20, n, generator=g, dtype=F64) / n ** 0.5
    x = torch.randn(n, generator=g, dtype=F64)

    def f(t):
        return torch.exp(B @ t).sum() + (t @ t) ** 2

    H = B.T @ torch.diag(torch.exp(B @ x)) @ B + 4 * (x @ x) * torch.eye(n, dtype=F64) \
        + 8 * torch.outer(x, x)
    V = torch.randn(n, 5, generator=g, dtype=F64)
    tol = 50 * EPS * float(torch.linalg.matrix_norm(H, 2))
    hv = hessian_vector_product(f, x)
    for j in range(5):
        assert float((hv(V[:, j]) - H @ V[:, j]).abs().max()) <= tol
    HV = hessian_vector_product(f, x, batched=True)(V)
    assert float((HV - H @ V).abs().max()) <= tol


def _rosenbrock(t):
    return 100 * (t[1] - t[0] ** 2) ** 2 + (1 - t[0]) ** 2


@pytest.mark.parametrize("make", [lambda: NNCG(rank=2, mu=1e-12), lambda: LBFGS()],
                         ids=["nncg", "lbfgs"])
def test_rosenbrock_minimiser_to_rounding(make):
    """Rosenbrock from (-1.2, 1): minimiser (1, 1), Hessian there [[802, -400],
    [-400, 200]] (cond 2508).  Gradient-based stopping attains |x - 1| ~ eps cond;
    both reach it (measured: exactly (1, 1))."""
    theta, steps = make().minimize(torch.tensor([-1.2, 1.0], dtype=F64), _rosenbrock,
                                   max_iter=100, gtol=0.0)
    np.testing.assert_allclose(theta.numpy(), [1.0, 1.0], rtol=0, atol=2508 * EPS)
    assert len(steps) <= 60


@pytest.mark.parametrize("make", [lambda: NNCG(rank=2, mu=1e-12), lambda: LBFGS()],
                         ids=["nncg", "lbfgs"])
def test_exponential_fit_reaches_the_zero_residual_minimiser(make):
    """0.5 sum (exp(a t) + b - y)^2 with y sampled exactly at (a, b) = (0.7, -0.3):
    the minimiser is (0.7, -0.3); tolerance 100 eps cond(J) (cond(J) ~ 30 here)."""
    t = torch.linspace(0, 2, 25, dtype=F64)
    y = torch.exp(0.7 * t) - 0.3

    def loss(th):
        r = torch.exp(th[0] * t) + th[1] - y
        return 0.5 * r @ r

    theta, _ = make().minimize(torch.tensor([0.0, 0.0], dtype=F64), loss, max_iter=100)
    J = torch.stack([t * torch.exp(0.7 * t), torch.ones_like(t)], dim=1)
    cond = float(torch.linalg.cond(J))
    np.testing.assert_allclose(theta.numpy(), [0.7, -0.3], rtol=0, atol=100 * EPS * cond)


def test_indefinite_start_still_descends():
    """Far from the minimum the Hessian of Rosenbrock is indefinite: the Nyström core
    needs its shift and CG may stop at negative curvature; every accepted step still
    lowers the loss."""
    opt = NNCG(rank=2, mu=0.0, update_freq=1)
    theta = torch.tensor([0.0, 1.0], dtype=F64)  # H = [[-398, 0], [0, 200]]
    s = opt.step(theta, _rosenbrock)
    assert s.accepted and float(_rosenbrock(s.theta)) < s.loss
