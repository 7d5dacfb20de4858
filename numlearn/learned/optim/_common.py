"""What the flat-parameter optimisers share: the step record, the checks on the
parameters and on the loss, and the ``minimize`` loop (private helpers)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

from numlearn._core.validation import check_int, check_positive, check_real

LossFn = Callable[[Tensor], Tensor]


@dataclass(frozen=True)
class OptimStep:
    """The outcome of one ``step`` of :class:`AdamCosine`, :class:`LBFGS` or :class:`NNCG`.

    ``theta`` the new parameters; ``loss`` the loss at the parameters the step *started*
    from (where ``grad_norm`` :math:`\\|\\nabla f\\|_2` was taken, as ``torch.optim``'s
    ``step`` returns it); ``lr`` the learning rate (Adam), or the accepted step length
    (NNCG's line search, 0 if it failed); ``evaluations`` the loss evaluations spent;
    ``accepted`` False when NNCG's line search found no decrease (``theta`` unchanged);
    ``cg_iterations`` NNCG's conjugate-gradient iterations (0 for the others).
    """

    theta: Tensor
    loss: float
    grad_norm: float
    lr: float
    evaluations: int
    accepted: bool = True
    cg_iterations: int = 0


def check_theta(theta: object, name: str = "theta") -> Tensor:
    """A 1-D, non-empty, finite floating tensor, detached (a `TypeError`/`ValueError`
    naming ``name`` otherwise)."""
    if not isinstance(theta, Tensor):
        raise TypeError(f"`{name}` must be a torch.Tensor (the flat parameter vector), "
                        f"got {type(theta).__name__}; flatten a module's parameters with "
                        "torch.nn.utils.parameters_to_vector.")
    if not theta.is_floating_point():
        raise TypeError(f"`{name}` must be a real floating tensor (float64 by default), "
                        f"got dtype {theta.dtype}.")
    if theta.ndim != 1 or theta.numel() == 0:
        raise ValueError(f"`{name}` must be a non-empty 1-D tensor (flatten the "
                         f"parameters), got shape {tuple(theta.shape)}.")
    if not bool(torch.isfinite(theta).all()):
        raise ValueError(f"`{name}` must be finite; it has NaN or inf entries.")
    return theta.detach()


def check_loss(loss: object, theta: Tensor, step: int) -> float:
    """``float(loss)`` for a finite real scalar of ``theta``'s dtype and device.

    A loss of another dtype means the parameters and the data disagree (float32
    parameters promoted by float64 data, say): refused rather than silently mixed.
    A NaN or inf loss stops the run with the step's index.
    """
    if not isinstance(loss, Tensor) or loss.numel() != 1 or loss.is_complex():
        raise TypeError(f"`loss_fn` must return a real scalar tensor, got "
                        f"{type(loss).__name__} {getattr(loss, 'shape', '')}.")
    if loss.dtype != theta.dtype:
        raise TypeError(
            f"`loss_fn` returned a {loss.dtype} loss for {theta.dtype} `theta`: the "
            "parameters and the data have different dtypes; cast `theta` (or the data) "
            "so that both agree (numlearn never mixes float32 and float64 silently).")
    if loss.device != theta.device:
        raise ValueError(f"`loss_fn` returned a loss on {loss.device} for `theta` on "
                         f"{theta.device}; move the data and `theta` to one device.")
    value = float(loss.detach())
    if not math.isfinite(value):
        raise ValueError(f"the loss is {value} at step {step} (`loss_fn` at `theta` "
                         "returned a non-finite value); lower the learning rate or check "
                         "the data and the loss terms.")
    return value


def value_and_grad(loss_fn: LossFn, theta: Tensor, step: int) -> tuple[float, Tensor]:
    """The loss (checked) and its gradient at ``theta``, by reverse mode."""
    x = theta.detach().requires_grad_(True)
    with torch.enable_grad():
        loss = loss_fn(x)
        value = check_loss(loss, theta, step)
        (g,) = torch.autograd.grad(loss, x)
    return value, g.detach()


class Minimizer:
    """The ``minimize`` loop, for optimisers with ``step(theta, loss_fn)``."""

    iteration: int

    def step(self, theta: Tensor, loss_fn: LossFn) -> OptimStep:  # pragma: no cover
        raise NotImplementedError

    def minimize(
        self,
        theta: Tensor,
        loss_fn: LossFn,
        *,
        max_iter: int = 100,
        tol: float | None = None,
        gtol: float = 0.0,
    ) -> tuple[Tensor, list[OptimStep]]:
        """Iterate :meth:`step` from ``theta``; returns the last parameters and the steps.

        Stops after ``max_iter`` steps, once a step starts at ``loss <= tol`` (no
        test by default: a loss may be negative) or ``grad_norm <= gtol``, or when a
        step is not accepted (NNCG's line search failed: no decrease is left at this
        precision).  A NaN or inf loss raises a `ValueError`
        naming the step.
        """
        max_iter = check_int(max_iter, "max_iter", minimum=1)
        tol = -math.inf if tol is None else check_real(tol, "tol")
        gtol = check_positive(gtol, "gtol", allow_zero=True)
        theta = check_theta(theta)
        steps: list[OptimStep] = []
        for _ in range(max_iter):
            s = self.step(theta, loss_fn)
            steps.append(s)
            theta = s.theta
            if s.loss <= tol or s.grad_norm <= gtol or not s.accepted:
                break
        return theta, steps
