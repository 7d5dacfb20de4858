r"""What a learned PDE solver minimises: a sum of weighted residual blocks of a flat vector.

Every learned PDE model of numlearn (explicit BWLer, BWLer-hat, MLP PINN) is trained on
a :class:`PDEObjective`: a pure function of one flat parameter vector :math:`\theta`,

.. math::

    \mathcal L(\theta) = \sum_k \|r_k(\theta)\|_2^2,

where each block :math:`r_k` (``"pde"``, ``"ic"``, ``"ic_t"``, ``"bc"``, ``"periodic"``,
...) already carries its weight, e.g. :math:`r_{pde} = \mathrm{res}/\sqrt{M_{pde}}` and
:math:`r_{ic} = \sqrt{100/M_{ic}}\,(u - u_0)` for the source paper's loss
:math:`\operatorname{mean}(res^2) + 100\operatorname{mean}(IC^2) + \dots`.  Written as
residuals, the same objective serves the loss-based optimisers (Adam, L-BFGS, NNCG on
:meth:`~PDEObjective.loss`) and Gauss-Newton / Levenberg-Marquardt (on
:meth:`~PDEObjective.residual_vector` and its Jacobian).

A subclass implements :meth:`~PDEObjective.residuals`,
:meth:`~PDEObjective.initial_parameters`, :meth:`~PDEObjective.predict` and
:meth:`~PDEObjective.config`; the rest (the loss, the checked per-term values, the error
on the problem's evaluation grid) is shared here.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor

__all__ = ["NonFiniteLossError", "PDEObjective"]


class NonFiniteLossError(ValueError):
    """A loss term is NaN or inf; the message names the term and the step."""


class PDEObjective:
    """Base class of the learned PDE objectives (module notes).

    Attributes
    ----------
    problem : EvolutionProblem or Poisson2dC
        The problem of :mod:`numlearn.problems.pdes` being solved.
    name : str
        What is trained, e.g. ``"explicit BWLer 81x80"``.
    dtype : torch.dtype
    device : torch.device
    """

    problem: Any
    name: str
    dtype: torch.dtype
    device: torch.device

    # ----------------------------------------------------------- to implement

    def residuals(self, theta: Tensor) -> dict[str, Tensor]:  # pragma: no cover
        """The weighted residual blocks ``{term: 1-D tensor}`` at ``theta``."""
        raise NotImplementedError

    def initial_parameters(self, seed: int = 0) -> Tensor:  # pragma: no cover
        """The starting ``theta`` (seeded; zeros for an explicit BWLer)."""
        raise NotImplementedError

    def predict(self, theta: Tensor) -> NDArray[np.float64]:  # pragma: no cover
        """The model at ``theta`` on ``problem.evaluation_grid()`` (NumPy float64)."""
        raise NotImplementedError

    def config(self) -> dict[str, Any]:  # pragma: no cover
        """JSON-able description that rebuilds this objective (checked on resume)."""
        raise NotImplementedError

    # ----------------------------------------------------------- shared

    def residual_vector(self, theta: Tensor) -> Tensor:
        """All blocks concatenated: :math:`\\mathcal L = \\|r\\|^2`."""
        return torch.cat([r.reshape(-1) for r in self.residuals(theta).values()])

    def loss(self, theta: Tensor) -> Tensor:
        r""":math:`\mathcal L(\theta) = \sum_k \|r_k(\theta)\|^2` (a scalar tensor)."""
        return sum(r.pow(2).sum() for r in self.residuals(theta).values())  # type: ignore[return-value]

    def loss_terms(self, theta: Tensor, step: int | None = None) -> dict[str, float]:
        """``{term: ||r_k||^2}`` at ``theta``; a NaN or inf term raises
        :class:`NonFiniteLossError` naming the term (and ``step`` when given)."""
        with torch.no_grad():
            out = {k: float(r.pow(2).sum()) for k, r in self.residuals(theta).items()}
        for k, v in out.items():
            if not math.isfinite(v):
                where = f" at step {step}" if step is not None else ""
                raise NonFiniteLossError(
                    f"{self.name}: the loss term {k!r} is {v}{where}; the run is stopped. "
                    "Lower the learning rate, or check the model's initialisation and "
                    "the problem's data.")
        return out

    def error(self, theta: Tensor, norm: str = "rel_l2") -> float:
        """The error of :meth:`predict` against ``problem.truth()`` on the evaluation
        grid: ``"rel_l2"`` (:math:`\\|u-v\\|_2/\\|u\\|_2`), ``"rmse"`` or ``"max"``.

        The truth is computed once per objective and kept (:meth:`truth`; Burgers'
        Cole-Hopf reference takes seconds per call)."""
        from numlearn._core.validation import check_choice
        from numlearn.precision.metrics import max_abs, rel_l2, rmse

        fn = {"rel_l2": rel_l2, "rmse": rmse, "max": max_abs}
        check_choice(norm, "norm", tuple(fn))
        return float(fn[norm](self.truth(), self.predict(theta)))

    def truth(self) -> NDArray[np.float64]:
        """``problem.truth()`` on the evaluation grid, computed on first use and kept."""
        cached = self.__dict__.get("_truth_cache")
        if cached is None:
            cached = np.asarray(self.problem.truth(), dtype=np.float64)
            self.__dict__["_truth_cache"] = cached
        return cached
