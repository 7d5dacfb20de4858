"""Optimisers as objects, shared by the learned tracks.

Each runs on a loss as a function of a flat parameter vector: Levenberg-Marquardt on
residuals (:class:`LevenbergMarquardt`), and on a scalar loss :class:`AdamCosine`
(Adam with cosine decay), :class:`LBFGS` (strong Wolfe) and :class:`NNCG`
(Nyström-preconditioned Newton-CG), whose ``step(theta, loss_fn)`` returns an
:class:`OptimStep` and whose ``minimize`` loop stops on a NaN/inf loss naming the step.
"""

from numlearn.learned.optim._common import OptimStep
from numlearn.learned.optim.first_order import LBFGS, AdamCosine, cosine_lr
from numlearn.learned.optim.levenberg_marquardt import (
    LevenbergMarquardt,
    LMStep,
    jacobian_of,
)
from numlearn.learned.optim.nncg import NNCG
from numlearn.learned.optim.nystrom import (
    CGResult,
    NystromApproximation,
    hessian_vector_product,
    nystrom_approximation,
    pcg,
)

__all__ = [
    "LBFGS", "NNCG", "AdamCosine", "CGResult", "LMStep", "LevenbergMarquardt",
    "NystromApproximation", "OptimStep", "cosine_lr", "hessian_vector_product",
    "jacobian_of", "nystrom_approximation", "pcg",
]
