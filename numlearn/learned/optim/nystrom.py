r"""Randomized Nyström approximation, its preconditioner, preconditioned CG and
Hessian-vector products (the linear algebra under :class:`~numlearn.learned.optim.NNCG`).

**Nyström approximation** of a symmetric positive semidefinite :math:`A \in
\mathbb{R}^{n\times n}` at rank :math:`r` (Frangella, Tropp and Udell [1]_, Algorithm
2.1): with a Gaussian test matrix orthonormalised, :math:`\Omega = \mathrm{qr}(G)`,
:math:`Y = A\Omega`, a shift :math:`\nu = \varepsilon\,\|Y\|_F` for stability,
:math:`Y_\nu = Y + \nu\Omega`, the Cholesky factor :math:`C^\top C = \Omega^\top Y_\nu`,
:math:`B = Y_\nu C^{-1}` and its thin SVD :math:`B = U\Sigma V^\top`,

.. math:: \hat A = U \hat\Lambda U^\top, \qquad
          \hat\Lambda = \max(\Sigma^2 - \nu I, 0).

It equals :math:`A\Omega(\Omega^\top A\Omega)^{+}\Omega^\top A` up to the shift, so it
is exact (to rounding) when :math:`\mathrm{rank}(A) \le r`.  If the Cholesky factorisation
fails (an indefinite Hessian away from a minimum), the core is shifted by its most
negative eigenvalue first (as the NNCG code does).  Cost: :math:`r` products with
:math:`A` and :math:`O(nr^2)` flops.

**Preconditioner** for :math:`A + \mu I` ([1]_, eq. 5.3):

.. math:: P^{-1} = (\hat\lambda_r + \mu)\,U(\hat\Lambda + \mu I)^{-1}U^\top
          + (I - UU^\top),

applied in :math:`O(nr)`.  With :math:`\hat\lambda_r` near :math:`\mu` the
preconditioned matrix has condition number :math:`O(1)` ([1]_, Theorem 5.1), so CG
converges in a few iterations where plain CG needs :math:`O(\sqrt{\kappa})`.

**Hessian-vector products** :math:`v \mapsto \nabla^2 f(\theta)\,v` by forward-over-reverse
differentiation, ``torch.func.jvp`` of ``torch.func.grad`` (about the cost of two
gradients), vectorised over the sketch's columns by ``torch.func.vmap``.

References
----------
.. [1] Z. Frangella, J. A. Tropp and M. Udell, "Randomized Nyström preconditioning",
   SIAM J. Matrix Anal. Appl. 44(2), 2023 (arXiv 2110.02820).
.. [2] P. Rathore, W. Lei, Z. Frangella, L. Lu and M. Udell, "Challenges in training
   PINNs: a loss landscape perspective", ICML 2024 (arXiv 2402.01868).
.. [3] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006,
   algorithm 5.3 (preconditioned CG) and 7.1 (Newton-CG).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

from numlearn._core.validation import check_int, check_positive

__all__ = ["CGResult", "NystromApproximation", "hessian_vector_product",
           "nystrom_approximation", "pcg"]

MatVec = Callable[[Tensor], Tensor]


@dataclass(frozen=True)
class NystromApproximation:
    r"""A rank-``r`` Nyström approximation :math:`U\,\mathrm{diag}(\lambda)\,U^\top`.

    ``U`` (``n x r``, orthonormal columns) and ``eigenvalues`` (``r``, descending,
    :math:`\ge 0`).  :meth:`matrix` forms it; :meth:`preconditioner` returns
    :math:`v \mapsto P^{-1}v` for :math:`A + \mu I` (module notes).
    """

    U: Tensor
    eigenvalues: Tensor

    def matrix(self) -> Tensor:
        """The dense ``n x n`` approximation (for tests and small problems)."""
        return (self.U * self.eigenvalues) @ self.U.T

    def preconditioner(self, mu: float) -> MatVec:
        r""":math:`v \mapsto P^{-1}v`, :math:`P^{-1} = (\lambda_r+\mu)U(\Lambda+\mu I)^{-1}
        U^\top + I - UU^\top`, for vectors ``(n,)`` or blocks ``(n, k)``.

        ``mu >= 0``; at ``mu = 0`` the eigenvalues are floored at ``eps * lambda_1`` so
        that a rank-deficient sketch does not divide by zero.
        """
        mu = check_positive(mu, "mu", allow_zero=True)
        lam = self.eigenvalues
        floor = torch.finfo(lam.dtype).eps * float(lam[0]) if lam.numel() else 0.0
        shifted = (lam + mu).clamp(min=floor if floor > 0 else torch.finfo(lam.dtype).tiny)
        scale = shifted[-1]
        U = self.U

        def apply(v: Tensor) -> Tensor:
            Utv = U.T @ v
            coef = (scale / shifted - 1.0)
            coef = coef.unsqueeze(-1) if v.ndim == 2 else coef
            return v + U @ (coef * Utv)

        return apply


def nystrom_approximation(
    A: Tensor | MatVec,
    n: int,
    rank: int,
    *,
    seed: int | None = 0,
    generator: torch.Generator | None = None,
    dtype: torch.dtype = torch.float64,
    device: torch.device | str | None = None,
) -> NystromApproximation:
    """Randomized Nyström approximation of a symmetric PSD matrix (module notes).

    Parameters
    ----------
    A : Tensor ``(n, n)`` or callable
        The matrix, or ``Y = A(Omega)`` mapping an ``(n, rank)`` block to ``(n, rank)``
        (e.g. :func:`hessian_vector_product` with ``batched=True``).
    n : int
        The dimension.
    rank : int
        The sketch size ``r``, ``1 <= r <= n``.
    seed, generator
        The Gaussian test matrix is drawn from ``generator`` if given, else from a
        fresh generator seeded by ``seed`` (so the result is reproducible).
    dtype, device
        Of the test matrix (a given ``A`` must match them).

    Returns
    -------
    NystromApproximation
    """
    n = check_int(n, "n", minimum=1)
    rank = check_int(rank, "rank", minimum=1)
    if rank > n:
        raise ValueError(f"`rank` must be <= the dimension n = {n}, got {rank}; "
                         f"use rank <= {n}.")
    if isinstance(A, Tensor):
        if A.shape != (n, n):
            raise ValueError(f"`A` must have shape ({n}, {n}), got {tuple(A.shape)}.")
        if A.dtype != dtype:
            raise TypeError(f"`A` has dtype {A.dtype} but `dtype` is {dtype}; pass "
                            "dtype=A.dtype or cast A.")
        device = A.device if device is None else device
        mat = A

        def matvec(V: Tensor) -> Tensor:
            return mat @ V
    elif callable(A):
        matvec = A
    else:
        raise TypeError(f"`A` must be a tensor or a callable, got {type(A).__name__}.")
    if generator is None:
        generator = torch.Generator(device=device or "cpu")
        generator.manual_seed(0 if seed is None else int(seed))
    G = torch.randn(n, rank, generator=generator, dtype=dtype, device=device)
    Omega, _ = torch.linalg.qr(G)
    Y = matvec(Omega)
    if Y.shape != (n, rank) or Y.dtype != dtype:
        raise ValueError(f"`A` must map an ({n}, {rank}) {dtype} block to the same shape "
                         f"and dtype, got {tuple(Y.shape)} {Y.dtype}.")
    nu = torch.finfo(dtype).eps * torch.linalg.matrix_norm(Y)
    Y_nu = Y + nu * Omega
    core = Omega.T @ Y_nu
    core = 0.5 * (core + core.T)
    L, info = torch.linalg.cholesky_ex(core)
    if int(info):
        # Indefinite core (a Hessian away from a minimum): shift it by its most negative
        # eigenvalue, and count the shift as part of nu, as the NNCG code does.
        shift = float(torch.linalg.eigvalsh(core)[0].abs()) + float(nu)
        Y_nu = Y_nu + shift * Omega
        nu = nu + shift
        L = torch.linalg.cholesky(core + shift * torch.eye(rank, dtype=dtype,
                                                           device=core.device))
    # B = Y_nu L^{-T}: solve B L^T = Y_nu.
    B = torch.linalg.solve_triangular(L, Y_nu.T, upper=False).T
    U, S, _ = torch.linalg.svd(B, full_matrices=False)
    lam = (S * S - nu).clamp(min=0.0)
    return NystromApproximation(U, lam)


@dataclass(frozen=True)
class CGResult:
    """``x`` the solution, ``iterations`` taken, ``residual_norm`` the final
    :math:`\\|b - Ax\\|_2` (recurrence), ``negative_curvature`` True when CG stopped at a
    direction with :math:`p^\\top A p \\le 0` (an indefinite matrix)."""

    x: Tensor
    iterations: int
    residual_norm: float
    negative_curvature: bool = False


def pcg(
    matvec: MatVec,
    b: Tensor,
    *,
    precond: MatVec | None = None,
    x0: Tensor | None = None,
    tol: float = 1e-16,
    max_iter: int | None = None,
) -> CGResult:
    r"""Preconditioned conjugate gradients for :math:`Ax = b`, :math:`A` symmetric
    positive definite (Nocedal-Wright algorithm 5.3).

    Stops when :math:`\|r\|_2 \le \mathrm{tol}\,\|b\|_2`, after ``max_iter`` iterations
    (default ``n``), or at a direction of non-positive curvature (then the last iterate
    is returned, the Newton-CG safeguard of Nocedal-Wright algorithm 7.1).  A warm
    start ``x0`` is used only if its residual is below :math:`\|b\|` (NNCG passes the
    previous direction, useless once the gradient has shrunk by orders of magnitude).  ``precond``
    applies :math:`P^{-1}` (e.g. :meth:`NystromApproximation.preconditioner`).  Cost:
    one product with :math:`A` and one with :math:`P^{-1}` per iteration.
    SciPy equivalent: ``scipy.sparse.linalg.cg(A, b, M=...)``.
    """
    tol = check_positive(tol, "tol", allow_zero=True)
    n = b.numel()
    max_iter = n if max_iter is None else check_int(max_iter, "max_iter", minimum=1)
    if precond is None:
        def precond(v: Tensor) -> Tensor:
            return v
    bnorm = float(torch.linalg.vector_norm(b))
    x, r = torch.zeros_like(b), b.clone()
    rnorm = bnorm
    if x0 is not None:
        r0 = b - matvec(x0)
        r0norm = float(torch.linalg.vector_norm(r0))
        if r0norm < bnorm:  # a warm start only when it beats zero
            x, r, rnorm = x0.clone(), r0, r0norm
    if rnorm <= tol * bnorm or bnorm == 0.0:
        return CGResult(x, 0, rnorm)
    z = precond(r)
    p = z.clone()
    rz = r @ z
    for k in range(1, max_iter + 1):
        Ap = matvec(p)
        pAp = p @ Ap
        if float(pAp) <= 0.0:
            if k == 1:  # no curvature information at all: return the preconditioned b
                x = x + z
            return CGResult(x, k - 1, rnorm, negative_curvature=True)
        alpha = rz / pAp
        x = x + alpha * p
        r = r - alpha * Ap
        rnorm = float(torch.linalg.vector_norm(r))
        if rnorm <= tol * bnorm:
            return CGResult(x, k, rnorm)
        z = precond(r)
        rz_new = r @ z
        p = z + (rz_new / rz) * p
        rz = rz_new
    return CGResult(x, max_iter, rnorm)


def hessian_vector_product(
    loss_fn: Callable[[Tensor], Tensor], theta: Tensor, *, batched: bool = False
) -> MatVec:
    r""":math:`v \mapsto \nabla^2 f(\theta)\,v` for a scalar ``loss_fn`` of a flat
    ``theta``, by ``torch.func.jvp`` of ``torch.func.grad`` (forward over reverse).

    With ``batched``, the returned function maps an ``(n, k)`` block to ``(n, k)`` by
    ``torch.func.vmap`` over the columns (falling back to a loop over them where an
    operation has no batching rule).  ``loss_fn`` must be a pure torch function of its
    argument (``torch.func`` transforms it).  Cost: about two gradients per vector.
    torch equivalent: ``torch.autograd.functional.hvp`` (double backward).
    """
    theta = theta.detach()
    grad_fn = torch.func.grad(loss_fn)

    def hvp(v: Tensor) -> Tensor:
        return torch.func.jvp(grad_fn, (theta,), (v,))[1]

    if not batched:
        return hvp

    def block(V: Tensor) -> Tensor:
        try:
            return torch.func.vmap(hvp, in_dims=1, out_dims=1)(V)
        except RuntimeError:  # an operation without a batching rule
            return torch.stack([hvp(V[:, j]) for j in range(V.shape[1])], dim=1)

    return block
