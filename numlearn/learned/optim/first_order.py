r"""Adam with cosine learning-rate decay and L-BFGS with strong Wolfe line search, as
thin checked wrappers of ``torch.optim`` on a flat parameter vector.

**Cosine decay** (Loshchilov and Hutter [2]_, without restarts), for step
:math:`k = 0, 1, \dots, T`:

.. math:: \eta_k = \eta_{\min} + \tfrac12(\eta_{\max} - \eta_{\min})
          \bigl(1 + \cos(\pi k / T)\bigr),

held at :math:`\eta_{\min}` after :math:`T` steps.  The BWLer paper (arXiv 2506.23024)
decays Adam from ``1e-3`` to ``1e-6``; those are the defaults.  Same curve as
``torch.optim.lr_scheduler.CosineAnnealingLR(T_max=T, eta_min=...)``, in closed form
rather than its recursive update.

**L-BFGS** (Nocedal and Wright [3]_, algorithm 7.5) is ``torch.optim.LBFGS`` with the
strong Wolfe line search, a history of up to 1000 pairs (the BWLer code's value) and
tolerances off by default (``torch``'s, ``1e-7`` and ``1e-9``, stop it far above
rounding in float64).  One :meth:`LBFGS.step` runs up to ``max_iter`` inner
iterations, as ``torch.optim.LBFGS.step`` does.

Both keep ``torch.optim``'s state between calls (Adam's moments, L-BFGS's history) in
a private leaf tensor: ``step(theta, loss_fn)`` copies ``theta`` into it, so a caller
may pass back the ``theta`` it got or a modified one.  Cost per step: one gradient
(Adam); up to ``max_eval`` gradients and :math:`O(mP)` for history ``m`` (L-BFGS).

References
----------
.. [1] D. P. Kingma and J. Ba, "Adam: a method for stochastic optimization", ICLR 2015.
.. [2] I. Loshchilov and F. Hutter, "SGDR: stochastic gradient descent with warm
   restarts", ICLR 2017.
.. [3] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006.
.. [4] Z. Frangella et al. / P. Rathore et al., arXiv 2402.01868 (L-BFGS settings for
   PINNs: lr 1, strong Wolfe).
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
)

__all__ = ["LBFGS", "AdamCosine", "cosine_lr"]


def cosine_lr(step: int, total_steps: int, lr_max: float = 1e-3,
              lr_min: float = 1e-6) -> float:
    r"""The cosine-decayed learning rate :math:`\eta_{\min} + \frac12(\eta_{\max} -
    \eta_{\min})(1 + \cos(\pi\,\min(k, T)/T))` at step ``k`` of ``T`` (module notes)."""
    step = check_int(step, "step")
    total_steps = check_int(total_steps, "total_steps", minimum=1)
    lr_max, lr_min = _check_lrs(lr_max, lr_min)
    k = min(step, total_steps)
    return lr_min + 0.5 * (lr_max - lr_min) * (1.0 + math.cos(math.pi * k / total_steps))


def _check_lrs(lr_max: float, lr_min: float) -> tuple[float, float]:
    lr_max = check_positive(lr_max, "lr_max")
    lr_min = check_positive(lr_min, "lr_min", allow_zero=True)
    if lr_min > lr_max:
        raise ValueError(f"`lr_min` ({lr_min}) must be <= `lr_max` ({lr_max}).")
    return lr_max, lr_min


class _TorchWrapper(Minimizer):
    """Holds the leaf tensor ``torch.optim`` updates and rebuilds the optimiser when the
    parameters' shape, dtype or device change."""

    def __init__(self) -> None:
        self.iteration = 0
        self._param: Tensor | None = None
        self._opt: torch.optim.Optimizer | None = None

    def _make(self, param: Tensor) -> torch.optim.Optimizer:  # pragma: no cover
        raise NotImplementedError

    def _bind(self, theta: Tensor) -> tuple[Tensor, torch.optim.Optimizer]:
        theta = check_theta(theta)
        p = self._param
        if p is None or p.shape != theta.shape or p.dtype != theta.dtype \
                or p.device != theta.device:
            p = theta.clone().requires_grad_(True)
            self._param, self._opt = p, self._make(p)
        else:
            with torch.no_grad():
                p.copy_(theta)
        assert self._opt is not None
        return p, self._opt


class AdamCosine(_TorchWrapper):
    """``torch.optim.Adam`` with the cosine learning-rate decay (module notes).

    Parameters
    ----------
    total_steps : int
        :math:`T`, the steps over which the rate decays from ``lr_max`` to ``lr_min``.
    lr_max, lr_min : float, default 1e-3, 1e-6
        The BWLer paper's schedule.
    betas : (float, float), default (0.9, 0.999)
    eps : float, default 1e-8
        Adam's denominator floor (``torch``'s default; lower it for float64 runs that
        must go below about ``1e-8`` in gradient scale).
    max_grad_norm : float or None, default None
        Clip the gradient to this Euclidean norm before the step,
        :math:`g \\leftarrow g \\min(1, c / \\lVert g\\rVert_2)` (the BWLer code clips at
        ``1.0``; ``torch.nn.utils.clip_grad_norm_`` without its ``1e-6`` guard).  The
        step's recorded ``grad_norm`` is the norm before clipping.  ``None``: no clip.

    Examples
    --------
    >>> import torch
    >>> opt = AdamCosine(total_steps=2000, lr_max=1e-1)
    >>> theta, steps = opt.minimize(torch.tensor([3.0], dtype=torch.float64),
    ...     lambda x: ((x - 1) ** 2).sum(), max_iter=2000)
    >>> abs(float(theta[0]) - 1) < 1e-3, steps[1].lr == cosine_lr(1, 2000, 1e-1)
    (True, True)
    """

    def __init__(self, total_steps: int, *, lr_max: float = 1e-3, lr_min: float = 1e-6,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 max_grad_norm: float | None = None) -> None:
        super().__init__()
        self.total_steps = check_int(total_steps, "total_steps", minimum=1)
        self.lr_max, self.lr_min = _check_lrs(lr_max, lr_min)
        if not isinstance(betas, tuple | list) or len(betas) != 2:
            raise TypeError(f"`betas` must be a pair of floats, got {betas!r}.")
        self.betas = (check_fraction(betas[0], "betas[0]", allow_zero=True, allow_one=False),
                      check_fraction(betas[1], "betas[1]", allow_zero=True, allow_one=False))
        self.eps = check_positive(eps, "eps")
        self.max_grad_norm = (None if max_grad_norm is None
                              else check_positive(max_grad_norm, "max_grad_norm"))

    def _make(self, param: Tensor) -> torch.optim.Optimizer:
        return torch.optim.Adam([param], lr=self.lr_max, betas=self.betas, eps=self.eps)

    def lr(self, step: int) -> float:
        """The learning rate used at ``step`` (:func:`cosine_lr`)."""
        return cosine_lr(step, self.total_steps, self.lr_max, self.lr_min)

    def step(self, theta: Tensor, loss_fn: LossFn) -> OptimStep:
        """One Adam step from ``theta`` at the rate :meth:`lr` of this step."""
        p, opt = self._bind(theta)
        k = self.iteration
        lr = self.lr(k)
        for group in opt.param_groups:
            group["lr"] = lr
        opt.zero_grad(set_to_none=True)
        with torch.enable_grad():
            loss_t = loss_fn(p)
            loss = check_loss(loss_t, p, k)
            loss_t.backward()
        assert p.grad is not None
        gnorm = float(p.grad.norm())
        if self.max_grad_norm is not None and gnorm > self.max_grad_norm:
            p.grad.mul_(self.max_grad_norm / gnorm)
        opt.step()
        self.iteration += 1
        return OptimStep(p.detach().clone(), loss, gnorm, lr, 1)


class LBFGS(_TorchWrapper):
    """``torch.optim.LBFGS`` with strong Wolfe line search and float64 tolerances.

    Parameters
    ----------
    history_size : int, default 1000
        Pairs kept (1 to 1000 accepted; the BWLer code uses 1000, Rathore et al. 100).
    lr : float, default 1
    max_iter : int, default 20
        Inner iterations per :meth:`step` (``torch``'s default).
    max_eval : int, optional
        Loss evaluations per step, at least 2 (default ``max(25, 1.25 * max_iter)``;
        ``torch``'s ``1.25 * max_iter`` leaves the strong Wolfe search of a one-iteration
        step no evaluation, and it returns a zero step).
    tolerance_grad, tolerance_change : float, default 0
        ``torch``'s stopping tests on :math:`\\|g\\|_\\infty` and on the change of the
        loss and of the parameters.  At 0 a step stops only at an exactly zero gradient
        or step, or after ``max_iter``: ``torch``'s defaults (``1e-7``, ``1e-9``) and
        even ``1e-16`` on the *absolute* loss change stop far above rounding once the
        loss itself is small.

    Examples
    --------
    >>> import torch
    >>> def rosen(t):
    ...     return 100 * (t[1] - t[0] ** 2) ** 2 + (1 - t[0]) ** 2
    >>> theta, _ = LBFGS().minimize(torch.tensor([-1.2, 1.0], dtype=torch.float64),
    ...     rosen, max_iter=20)
    >>> bool(torch.allclose(theta, torch.ones(2, dtype=torch.float64), atol=1e-12))
    True
    """

    def __init__(self, *, history_size: int = 1000, lr: float = 1.0, max_iter: int = 20,
                 max_eval: int | None = None, tolerance_grad: float = 0.0,
                 tolerance_change: float = 0.0) -> None:
        super().__init__()
        self.history_size = check_int(history_size, "history_size", minimum=1,
                                      maximum=1000)
        self.lr_value = check_positive(lr, "lr")
        self.max_iter = check_int(max_iter, "max_iter", minimum=1)
        self.max_eval = (max(25, self.max_iter * 5 // 4) if max_eval is None
                         else check_int(max_eval, "max_eval", minimum=2))
        self.tolerance_grad = check_positive(tolerance_grad, "tolerance_grad",
                                             allow_zero=True)
        self.tolerance_change = check_positive(tolerance_change, "tolerance_change",
                                               allow_zero=True)

    def _make(self, param: Tensor) -> torch.optim.Optimizer:
        return torch.optim.LBFGS(
            [param], lr=self.lr_value, max_iter=self.max_iter, max_eval=self.max_eval,
            tolerance_grad=self.tolerance_grad, tolerance_change=self.tolerance_change,
            history_size=self.history_size, line_search_fn="strong_wolfe")

    def step(self, theta: Tensor, loss_fn: LossFn) -> OptimStep:
        """Up to ``max_iter`` L-BFGS iterations from ``theta`` (one ``torch`` step)."""
        p, opt = self._bind(theta)
        k = self.iteration
        count = [0]
        first: list[float] = []

        def closure() -> Tensor:
            opt.zero_grad(set_to_none=True)
            with torch.enable_grad():
                loss_t = loss_fn(p)
                value = check_loss(loss_t, p, k)
                loss_t.backward()
            count[0] += 1
            if not first:
                assert p.grad is not None
                first.extend((value, float(p.grad.norm())))
            return loss_t

        opt.step(closure)
        self.iteration += 1
        return OptimStep(p.detach().clone(), first[0], first[1], self.lr_value, count[0])
