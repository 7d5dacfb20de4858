r"""Levenberg-Marquardt for nonlinear least squares in torch, as a reusable object.

For residuals :math:`r(\theta) \in \mathbb{R}^m` with Jacobian :math:`J`, one step
solves the damped Gauss-Newton system

.. math:: (J^\top J + \mu\,\mathrm{diag}(J^\top J))\,\delta = -J^\top r

by Cholesky (Marquardt's scaling by the diagonal, floored at ``1e-12`` of its largest
entry) and accepts :math:`\theta + \delta` if it lowers :math:`\|r\|^2`.  After an
accepted step :math:`\mu` is divided by ``factor`` (default 5, not below ``mu_min``),
after a rejected one multiplied by it; a failed Cholesky multiplies :math:`\mu` by 10.
Near a zero-residual minimiser the Gauss-Newton model is exact to second order and the
method converges quadratically.

Cost per step: :math:`O(mP^2 + P^3)` for ``P`` parameters (dense :math:`J^\top J`), so
it suits models of up to a few thousand parameters.

Any track can use it without writing a Jacobian: with ``jacobian=None`` the step takes
the Jacobian of ``residual`` by automatic differentiation (:func:`jacobian_of`:
``torch.func.jacfwd`` when :math:`m \ge P`, i.e. :math:`P` forward passes, else
``torch.func.jacrev``, :math:`m` backward passes).  SciPy's equivalent is
``scipy.optimize.least_squares(method="lm")`` (MINPACK, finite-difference Jacobian by
default).

References
----------
.. [1] D. W. Marquardt, "An algorithm for least-squares estimation of nonlinear
   parameters", SIAM J. Appl. Math. 11(2), 1963.
.. [2] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006,
   chapter 10.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import torch
from torch import Tensor

from numlearn._core.validation import check_positive

__all__ = ["LMStep", "LevenbergMarquardt", "jacobian_of"]

Residual = Callable[[Tensor], Tensor]


def jacobian_of(residual: Residual, mode: Literal["auto", "fwd", "rev"] = "auto",
                *, chunk_size: int | None = None) -> Residual:
    """The function ``theta -> J(theta)`` (shape ``(m, P)``) of a residual
    ``theta -> r(theta)`` (shape ``(m,)``, a pure torch function of a 1-D ``theta``).

    ``mode="fwd"``: ``torch.func.jacfwd`` (``P`` forward-mode passes, batched by
    ``vmap``); ``"rev"``: ``torch.func.jacrev`` (``m`` reverse-mode passes);
    ``"auto"``: forward mode when ``m >= P`` (tall Jacobians, the usual least-squares
    case), else reverse mode.  ``chunk_size`` (reverse mode) bounds the memory: that
    many backward passes are batched at a time (``torch.func.jacrev``'s option).

    Examples
    --------
    >>> import torch
    >>> jac = jacobian_of(lambda t: torch.stack([t[0] * t[1], t[0] ** 2]))
    >>> jac(torch.tensor([2.0, 3.0], dtype=torch.float64)).tolist()
    [[3.0, 2.0], [4.0, 0.0]]
    """
    if not callable(residual):
        raise TypeError(f"`residual` must be callable, got {type(residual).__name__}.")
    if mode not in ("auto", "fwd", "rev"):
        raise ValueError(f"`mode` must be 'auto', 'fwd' or 'rev', got {mode!r}.")

    def jacobian(theta: Tensor) -> Tensor:
        chosen = mode
        if chosen == "auto":
            with torch.no_grad():
                m = residual(theta).numel()
            chosen = "fwd" if m >= theta.numel() else "rev"
        if chosen == "fwd":
            fn = torch.func.jacfwd(residual)
        else:
            fn = torch.func.jacrev(residual, chunk_size=chunk_size)
        with torch.enable_grad():
            return fn(theta.detach()).detach()

    return jacobian


@dataclass(frozen=True)
class LMStep:
    """The outcome of one :meth:`LevenbergMarquardt.step`.

    ``theta`` the new parameters (the old ones if rejected), ``loss``
    :math:`\\|r\\|^2` at ``theta``, ``accepted``, ``grad_norm`` :math:`\\|J^\\top r\\|`
    at the start of the step, ``mu`` the damping after the step.
    """

    theta: Tensor
    loss: float
    accepted: bool
    grad_norm: float
    mu: float


class LevenbergMarquardt:
    """Levenberg-Marquardt with Marquardt's diagonal scaling (module notes).

    Parameters
    ----------
    mu : float, default 1e-2
        Initial damping.
    factor : float, default 5
        Damping divided by this after an accepted step, multiplied after a rejected one.
    mu_min, mu_max : float
        Bounds: ``mu`` never drops below ``mu_min``; a step gives up (rejected) once
        ``mu`` reaches ``mu_max``.

    Examples
    --------
    >>> import torch
    >>> def res(t):  # Rosenbrock as least squares, minimiser (1, 1)
    ...     return torch.stack([10 * (t[1] - t[0] ** 2), 1 - t[0]])
    >>> def jac(t):
    ...     return torch.tensor([[-20 * t[0], 10.0], [-1.0, 0.0]], dtype=t.dtype)
    >>> theta = LevenbergMarquardt().minimize(torch.tensor([-1.2, 1.0],
    ...     dtype=torch.float64), res, jac, max_iter=100)[0]
    >>> torch.allclose(theta, torch.ones(2, dtype=torch.float64))
    True
    """

    def __init__(self, mu: float = 1e-2, *, factor: float = 5.0, mu_min: float = 1e-15,
                 mu_max: float = 1e12) -> None:
        mu, mu_min, mu_max = (check_positive(v, name) for v, name in (
            (mu, "mu"), (mu_min, "mu_min"), (mu_max, "mu_max")))
        factor = check_positive(factor, "factor")
        if factor <= 1:
            raise ValueError(f"`factor` must be > 1 (it scales the damping), got {factor}.")
        if mu_min > mu_max:
            raise ValueError(f"`mu_min` ({mu_min}) must be <= `mu_max` ({mu_max}).")
        self.mu = mu
        self.factor = factor
        self.mu_min = mu_min
        self.mu_max = mu_max
        self._fixed: tuple[Tensor, Tensor, Tensor, dict[float, Tensor]] | None = None

    def step(
        self,
        theta: Tensor,
        residual: Callable[[Tensor], Tensor],
        jacobian: Callable[[Tensor], Tensor] | None = None,
    ) -> LMStep:
        """One damped Gauss-Newton step from ``theta``.

        ``residual(theta)`` returns :math:`r` (shape ``(m,)``, no autograd graph needed)
        and ``jacobian(theta)`` returns :math:`J` (shape ``(m, P)``); without
        ``jacobian`` it is :func:`jacobian_of` ``(residual)`` (automatic
        differentiation, ``residual`` then a pure torch function).  A ``jacobian``
        callable with the attribute ``fixed = True`` that returns the same tensor at
        every ``theta`` (a linear residual) has :math:`J^\top J` formed once, and
        the Cholesky factor of the last accepted damping kept (so once the damping has
        reached ``mu_min`` a step costs :math:`O(mP + P^2)`); the steps are then
        iterative refinement of the normal equations, each residual recomputed in full
        precision.
        """
        if jacobian is None:
            jacobian = jacobian_of(residual)
        r = residual(theta)
        loss = float(r @ r)
        J = jacobian(theta)
        cache = self._fixed
        if cache is not None and cache[0] is J:  # the same Jacobian tensor as before
            _, JTJ, diag, factors = cache
        else:
            JTJ = J.T @ J
            diag = JTJ.diagonal().clone()
            diag.clamp_(min=1e-12 * float(diag.max()) + 1e-300)
            factors = {}
            # Kept only for a Jacobian that is one tensor for every theta (a linear
            # residual): then J^T J and its factor per damping are formed once.
            self._fixed = (J, JTJ, diag, factors) if getattr(jacobian, "fixed", False) \
                else None
        JTr = J.T @ r
        del J
        accepted = False
        mu = self.mu
        while mu < self.mu_max:
            if mu in factors:
                L, info = factors[mu], 0
            else:
                L, info = torch.linalg.cholesky_ex(JTJ + mu * torch.diag(diag))
            if int(info):
                mu *= 10
                continue
            delta = -torch.cholesky_solve(JTr.unsqueeze(-1), L).squeeze(-1)
            r_new = residual(theta + delta)
            loss_new = float(r_new @ r_new)
            if loss_new < loss:
                theta, loss, accepted = theta + delta, loss_new, True
                if self._fixed is not None:  # keep the factor that worked (one, P^2)
                    factors.clear()
                    factors[mu] = L
                mu = max(mu / self.factor, self.mu_min)
                break
            mu *= self.factor
        self.mu = mu
        return LMStep(theta, loss, accepted, float(JTr.norm()), mu)

    def minimize(
        self,
        theta: Tensor,
        residual: Callable[[Tensor], Tensor],
        jacobian: Callable[[Tensor], Tensor] | None = None,
        *,
        max_iter: int = 100,
        tol: float = 0.0,
    ) -> tuple[Tensor, list[LMStep]]:
        """Iterate :meth:`step` until ``loss <= tol``, a step is rejected at ``mu_max``,
        or ``max_iter`` steps; returns the parameters and the steps taken."""
        if jacobian is None:
            jacobian = jacobian_of(residual)
        steps: list[LMStep] = []
        for _ in range(max_iter):
            s = self.step(theta, residual, jacobian)
            steps.append(s)
            theta = s.theta
            if s.loss <= tol or not s.accepted:
                break
        return theta, steps
