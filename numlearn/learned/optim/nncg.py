r"""NNCG: Nyström-preconditioned Newton-CG with Armijo backtracking (Rathore et al.).

At parameters :math:`\theta_k` with gradient :math:`g_k` and Hessian :math:`H_k`, one
step solves the damped Newton system

.. math:: (H_k + \mu I)\,d_k = g_k

by preconditioned CG (Hessian-vector products only, warm-started from the previous
:math:`d`), with the Nyström preconditioner of a rank-``rank`` sketch of :math:`H`,
refreshed every ``update_freq`` steps; then backtracks :math:`t = \eta, \eta\beta,
\eta\beta^2, \dots` until the Armijo condition

.. math:: f(\theta_k - t d_k) \le f(\theta_k) - \alpha\, t\, g_k^\top d_k

holds and sets :math:`\theta_{k+1} = \theta_k - t d_k`.  If :math:`d_k` is not a descent
direction (an indefinite Hessian far from a minimum, where CG stops at negative
curvature), the step falls back to the preconditioned gradient.  Near a minimiser
with :math:`H \succ 0` the step is Newton's, damped by :math:`\mu`: the error contracts
by about :math:`\mu/(\lambda_{\min}(H)+\mu)` per step.

Cost per step: one gradient, at most ``cg_max_iter`` Hessian-vector products (about two
gradients each), the line search's loss evaluations, and every ``update_freq`` steps
``rank`` more Hessian-vector products plus :math:`O(Pr^2)` for the sketch.

Defaults follow the paper's code (arXiv 2402.01868, §E; the BWLer runs, arXiv
2506.23024): ``mu = 1e-2``, CG tolerance ``1e-16``, ``update_freq = 20``, Armijo
``alpha = 0.1``, ``beta = 0.5`` from ``lr = 1``; the paper used sketch sizes 60 to 1000.
SciPy's nearest equivalent is ``scipy.optimize.minimize(method="Newton-CG", hessp=...)``
(unpreconditioned, undamped); torch has none.

References
----------
.. [1] P. Rathore, W. Lei, Z. Frangella, L. Lu and M. Udell, "Challenges in training
   PINNs: a loss landscape perspective", ICML 2024 (arXiv 2402.01868).
.. [2] Z. Frangella, J. A. Tropp and M. Udell, "Randomized Nyström preconditioning",
   SIAM J. Matrix Anal. Appl. 44(2), 2023.
.. [3] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006,
   algorithms 3.1 (backtracking) and 7.1 (line-search Newton-CG).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from numlearn._core.validation import check_fraction, check_int, check_positive
from numlearn.learned.optim._common import (
    LossFn,
    Minimizer,
    OptimStep,
    check_loss,
    check_theta,
    value_and_grad,
)
from numlearn.learned.optim.nystrom import (
    NystromApproximation,
    hessian_vector_product,
    nystrom_approximation,
    pcg,
)

__all__ = ["NNCG"]


class NNCG(Minimizer):
    """Nyström-preconditioned Newton-CG with Armijo line search (module notes).

    Parameters
    ----------
    rank : int, default 60
        Sketch size of the Nyström preconditioner; more than the number of parameters
        is an error (raised by the first :meth:`step`).
    cg_max_iter : int, default 1000
        Most CG iterations per step.
    cg_tol : float, default 1e-16
        CG stops at :math:`\\|r\\| \\le` ``cg_tol`` :math:`\\|g\\|`.
    mu : float, default 1e-2
        Damping added to the Hessian (``>= 0``).
    update_freq : int, default 20
        The preconditioner is rebuilt every ``update_freq`` steps.
    lr : float, default 1
        First trial step length :math:`\\eta` of the line search.
    alpha, beta : float, default 0.1, 0.5
        Armijo sufficient-decrease constant and backtracking factor, both in (0, 1).
    max_backtracks : int, default 60
        The step is rejected (``accepted=False``) after this many halvings.
    seed : int, default 0
        Seeds the Gaussian test matrices (the ``j``-th sketch uses ``seed + j``).

    Examples
    --------
    >>> import torch
    >>> A = torch.tensor([[3.0, 1.0], [1.0, 2.0]], dtype=torch.float64)
    >>> b = torch.tensor([1.0, 1.0], dtype=torch.float64)
    >>> def f(x):
    ...     return 0.5 * x @ A @ x - b @ x
    >>> theta, steps = NNCG(rank=2, mu=1e-14).minimize(
    ...     torch.zeros(2, dtype=torch.float64), f, max_iter=5)
    >>> bool(torch.allclose(theta, torch.linalg.solve(A, b), rtol=1e-14))
    True
    """

    def __init__(self, rank: int = 60, *, cg_max_iter: int = 1000, cg_tol: float = 1e-16,
                 mu: float = 1e-2, update_freq: int = 20, lr: float = 1.0,
                 alpha: float = 0.1, beta: float = 0.5, max_backtracks: int = 60,
                 seed: int = 0) -> None:
        self.rank = check_int(rank, "rank", minimum=1)
        self.cg_max_iter = check_int(cg_max_iter, "cg_max_iter", minimum=1)
        self.cg_tol = check_positive(cg_tol, "cg_tol", allow_zero=True)
        self.mu = check_positive(mu, "mu", allow_zero=True)
        self.update_freq = check_int(update_freq, "update_freq", minimum=1)
        self.lr = check_positive(lr, "lr")
        self.alpha = check_fraction(alpha, "alpha", allow_one=False)
        self.beta = check_fraction(beta, "beta", allow_one=False)
        self.max_backtracks = check_int(max_backtracks, "max_backtracks", minimum=1)
        self.seed = check_int(seed, "seed")
        self.iteration = 0
        self.sketches = 0
        self.nystrom: NystromApproximation | None = None
        self._d: Tensor | None = None

    def step(self, theta: Tensor, loss_fn: LossFn) -> OptimStep:
        """One damped Newton-CG step with line search from ``theta`` (1-D tensor).

        ``loss_fn(theta)`` returns the scalar loss; it must be a pure torch function
        (``torch.func`` differentiates it twice).
        """
        theta = check_theta(theta)
        n = theta.numel()
        if self.rank > n:
            raise ValueError(f"`rank` ({self.rank}) must be <= the number of parameters "
                             f"({n}); use rank <= {n}.")
        k = self.iteration
        loss, g = value_and_grad(loss_fn, theta, k)
        evaluations = 1
        hvp = hessian_vector_product(loss_fn, theta)
        if self.nystrom is None or k % self.update_freq == 0:
            self.nystrom = nystrom_approximation(
                hessian_vector_product(loss_fn, theta, batched=True), n, self.rank,
                seed=self.seed + self.sketches, dtype=theta.dtype, device=theta.device)
            self.sketches += 1
        mu = self.mu
        precond = self.nystrom.preconditioner(mu)

        def matvec(v: Tensor) -> Tensor:
            return hvp(v) + mu * v

        x0 = self._d if self._d is not None and self._d.shape == g.shape else None
        cg = pcg(matvec, g, precond=precond, x0=x0, tol=self.cg_tol,
                 max_iter=self.cg_max_iter)
        d = cg.x
        slope = float(g @ d)
        if not slope > 0.0:  # not a descent direction: preconditioned gradient instead
            d = precond(g)
            slope = float(g @ d)
        self._d = d
        t, accepted = self.lr, False
        with torch.no_grad():
            for _ in range(self.max_backtracks):
                trial = theta - t * d
                f = loss_fn(trial)
                evaluations += 1
                value = _trial_loss(f, theta, k)
                if value <= loss - self.alpha * t * slope:  # NaN fails: backtrack
                    accepted = True
                    break
                t *= self.beta
        self.iteration += 1
        if not accepted:
            return OptimStep(theta, loss, float(g.norm()), 0.0, evaluations, False,
                             cg.iterations)
        return OptimStep(trial, loss, float(g.norm()), t, evaluations, True, cg.iterations)



def _trial_loss(f: object, theta: Tensor, step: int) -> float:
    """The loss at a line-search trial point; a NaN or inf there is not an error (the
    search backtracks), a wrong type or dtype is."""
    if isinstance(f, Tensor) and f.numel() == 1 and f.dtype == theta.dtype:
        value = float(f)
        return value if math.isfinite(value) else math.inf
    return check_loss(f, theta, step)
