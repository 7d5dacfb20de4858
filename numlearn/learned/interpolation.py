r"""1-D interpolation by learned models: the MLP ceiling and the explicit BWLer.

The 1-D interpolation experiment of the BWLer paper (Liu et al., arXiv 2506.23024): fit a smooth
target :math:`f` on an interval from its samples :math:`(x_i, f(x_i))`,
:math:`i = 1..N`, by minimising the mean squared misfit

.. math:: \mathcal L(\theta) = \frac1N \sum_{i=1}^N \bigl(u_\theta(x_i) - f(x_i)\bigr)^2,

once with a tanh multilayer perceptron :math:`u_\theta` (input mapped affinely to
:math:`[-1, 1]`), trained by Adam with cosine decay and then L-BFGS, and once with an
explicit BWLer (:class:`~numlearn.learned.layers.BWLerLayer`, one Chebyshev axis of
:math:`n \le N` nodes: :math:`\theta` are the values at the nodes, :math:`u_\theta` their
barycentric interpolant), trained by Gauss-Newton (Levenberg-Marquardt) or L-BFGS.  The
paper reports that MLPs stall near :math:`10^{-8}` relative error whatever their size,
while the BWLer reaches the float64 floor.

The samples are those of a :class:`numlearn.problems.InterpolationProblem`: its ``n``
Chebyshev points of the second kind and the float64 target values there (what a user
has); the error is measured on its evaluation grid against its mpmath truth.  The BWLer's
loss is linear least squares :math:`\|P v - f\|^2/N` with :math:`P` the barycentric
matrix from the nodes to the samples; its exact minimiser (Householder QR,
:func:`least_squares_reference`) is the *classical* reference, never the training.  When
the nodes are the samples, :math:`P = I` and the minimiser is the interpolant.

Training runs through :func:`numlearn.learned.spectral.fit` (progress bars naming the
model and the phase, a history of loss and error, seeds); the models are
:class:`InterpolationObjective` objects, pure functions of one flat parameter vector.

Equivalents: Chebfun's ``chebfun(f, n)`` / ``polyfit`` (the classical interpolant and
least-squares fit), DeepXDE's ``dde.data.Function`` with ``Model.train`` (function
approximation by a network), ``numpy.polynomial.chebyshev.chebfit``.

References
----------
.. [1] J. Liu, Y. Baig, D. H. J. Lee, R. V. Dwaraknath, A. Rudra, C. Ré, "BWLer:
   Barycentric Weight Layer Elucidates a Precision-Conditioning Tradeoff for PINNs",
   arXiv 2506.23024, 2025 (section on 1-D interpolation).
.. [2] L. N. Trefethen, *Approximation Theory and Approximation Practice*, extended
   edition, SIAM 2019 (chapters 8 and 14: geometric convergence, Lebesgue constants).
.. [3] J.-P. Berrut and L. N. Trefethen, "Barycentric Lagrange interpolation", SIAM
   Review 46(3), 2004.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import mpmath
import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor

from numlearn._core.result import Result, Status
from numlearn._core.validation import check_int, check_positive
from numlearn.learned.layers import MLP, BWLerLayer, ChebyshevAxis, FlatParameters
from numlearn.learned.layers.base import _check_device, _check_dtype
from numlearn.learned.spectral.fit import Phase, fit
from numlearn.learned.spectral.objective import PDEObjective
from numlearn.problems import InterpolationProblem, TargetFunction

__all__ = [
    "InterpolationObjective",
    "fit_bwler",
    "fit_mlp",
    "least_squares_reference",
    "sine_target",
]

#: The largest sample count / node count accepted (dense Jacobians, dense QR).
MAX_SAMPLES = 8192


def sine_target(k: float) -> TargetFunction:
    r"""The target :math:`\sin(kx)` on :math:`[-1, 1]` (``k`` an exact float64 number,
    ``0 < k <= 1000``), named ``"sin<k>x"``; entire, with Chebyshev coefficients
    :math:`2 J_j(k)` at odd :math:`j`, negligible once :math:`j` exceeds about
    :math:`k + 30`."""
    k = check_positive(k, "k")
    if k > 1000:
        raise ValueError(f"`k` must be at most 1000 (about k/pi oscillations on [-1, 1]), "
                         f"got {k}.")
    return _sine_target(k)


@functools.lru_cache(maxsize=64)
def _sine_target(k: float) -> TargetFunction:
    kk = mpmath.mpf(k)
    label = f"{k:g}"
    return TargetFunction(
        f"sin{label}x", lambda x: np.sin(k * x), lambda x: mpmath.sin(kk * x), (-1.0, 1.0),
        "entire" if k <= 20 else "oscillatory",
        f"sin({label}x) on [-1, 1]: the BWLer interpolation sweep's sin(kx) family.",
        rf"\sin({label} x)")


# ------------------------------------------------------------------ the objective


class InterpolationObjective(PDEObjective):
    r"""The least-squares fit of a model to a problem's samples (module notes).

    One residual block, ``"data"``: :math:`r_i = (u_\theta(x_i) - f_i)/\sqrt N` at the
    problem's ``N`` Chebyshev points, so the loss is the mean squared misfit.

    Parameters
    ----------
    problem : InterpolationProblem
        Its nodes are the samples, its float64 node values the data, its grid and
        mpmath truth the evaluation.
    model : {"mlp", "bwler"}
    hidden : sequence of int, default (50, 50, 50)
        The MLP's hidden widths (tanh; Xavier-normal weights, zero biases).
    nodes : int, optional
        The BWLer's Chebyshev nodes on the target's domain, ``2 <= nodes <= N``
        (default ``N``: the nodes are the samples).
    init : {"xavier_normal", "torch"}, default "xavier_normal"
        The MLP's initialisation (:class:`~numlearn.learned.layers.MLP`).
    dtype, device
        float64 on the CPU by default.
    """

    def __init__(self, problem: InterpolationProblem, model: str = "mlp", *,
                 hidden: Sequence[int] = (50, 50, 50), nodes: int | None = None,
                 init: str = "xavier_normal", dtype: torch.dtype = torch.float64,
                 device: str | torch.device | None = None) -> None:
        if not isinstance(problem, InterpolationProblem):
            raise TypeError("`problem` must be a numlearn.problems.InterpolationProblem "
                            f"(e.g. InterpolationProblem(sine_target(4), 257)), got "
                            f"{type(problem).__name__}.")
        if model not in ("mlp", "bwler"):
            raise ValueError(f"`model` must be 'mlp' or 'bwler', got {model!r}.")
        n_samples = problem.n
        if n_samples < 2 or n_samples > MAX_SAMPLES:
            raise ValueError(f"`problem.n` (the samples) must be in [2, {MAX_SAMPLES}], got "
                             f"{n_samples}.")
        self.problem, self.model = problem, model
        self.dtype = _check_dtype(dtype)
        self.device = torch.device("cpu") if device is None else _check_device(device)
        from numlearn.classical import chebyshev_points

        a, b = problem.target.domain
        x = chebyshev_points(n_samples, 2, (a, b))
        y = np.asarray(problem.target.numpy_func(x), dtype=np.float64)
        if not np.all(np.isfinite(y)):
            raise ValueError(f"`problem`: the target {problem.target.name!r} is not finite "
                             "at every sample; choose a target finite on its domain.")
        fk = {"dtype": self.dtype, "device": self.device}
        self._y = torch.as_tensor(y, **fk)
        self._scale = 1.0 / math.sqrt(n_samples)
        self._grid_np = problem.grid
        if model == "mlp":
            self.net = MLP(1, hidden, init=init, seed=0, **fk)
            self.flat = FlatParameters(self.net)
            # the input mapped to [-1, 1]: s = (2x - a - b)/(b - a)
            self._x = torch.as_tensor((2 * x - a - b) / (b - a), **fk)[:, None]
            self._grid = torch.as_tensor(
                np.clip((2 * self._grid_np - a - b) / (b - a), -1.0, 1.0), **fk)[:, None]
            self.hidden = tuple(self.net.sizes[1:-1])
            self.init = self.net.init
            size = self.flat.size
            self.name = f"MLP {'x'.join(map(str, self.hidden))} ({size} parameters)"
        else:
            n = n_samples if nodes is None else check_int(nodes, "nodes", minimum=2,
                                                          maximum=n_samples)
            self.layer = BWLerLayer(ChebyshevAxis(n, (a, b)), **fk)
            # The layer is linear in its values and the points are fixed: its
            # interpolation matrices at the samples and on the grid are formed once
            # (the rows layer(x, values=v) contracts with, to rounding; a node gives e_j).
            self._x = self.layer.interpolation_matrix(torch.as_tensor(x, **fk), 0)
            self._grid = self.layer.interpolation_matrix(
                torch.as_tensor(np.clip(self._grid_np, a, b), **fk), 0)
            self.nodes = n
            self.name = f"explicit BWLer n={n}"
        self.init = init

    @property
    def num_parameters(self) -> int:
        """The length of :math:`\\theta`."""
        return self.flat.size if self.model == "mlp" else self.nodes

    def _u(self, theta: Tensor, x: Tensor) -> Tensor:
        """The model at the samples (``x = self._x``) or on the grid: the MLP at the
        mapped points, or the BWLer's interpolation matrix there times ``theta``."""
        if self.model == "mlp":
            return self.flat.call(theta, x)
        return x @ theta

    def residuals(self, theta: Tensor) -> dict[str, Tensor]:
        """``{"data": (u(x_i) - f_i)/sqrt(N)}``."""
        return {"data": (self._u(theta, self._x) - self._y) * self._scale}

    def initial_parameters(self, seed: int = 0) -> Tensor:
        """The MLP's seeded Xavier-normal (or torch) initialisation; zeros for the BWLer
        (the paper's code)."""
        seed = check_int(seed, "seed")
        if self.model == "bwler":
            return torch.zeros(self.nodes, dtype=self.dtype, device=self.device)
        net = MLP(1, self.hidden, init=self.init, seed=seed, dtype=self.dtype,
                  device=self.device)
        return FlatParameters(net).get()

    def predict(self, theta: Tensor) -> NDArray[np.float64]:
        """The model on the problem's evaluation grid (NumPy float64)."""
        with torch.no_grad():
            return self._u(theta.detach(), self._grid).cpu().numpy().astype(np.float64)

    def config(self) -> dict[str, Any]:
        p = self.problem
        out: dict[str, Any] = {"target": p.target.name, "n": p.n, "grid_size": p.grid_size,
                               "seed": p.seed, "model": self.model,
                               "dtype": str(self.dtype).replace("torch.", "")}
        if self.model == "mlp":
            out.update(hidden=list(self.hidden), init=self.init)
        else:
            out["nodes"] = self.nodes
        return out


# ------------------------------------------------------------------ fitting


def _named(res: Result, method: str, objective: InterpolationObjective) -> Result:
    res.method = method
    res.stats["num_parameters"] = objective.num_parameters
    res.stats["samples"] = objective.problem.n
    return res


def fit_mlp(
    problem: InterpolationProblem,
    *,
    hidden: Sequence[int] = (50, 50, 50),
    adam_steps: int = 2000,
    lbfgs_steps: int = 500,
    lr_max: float = 1e-3,
    lr_min: float = 1e-6,
    history_size: int = 100,
    seed: int = 0,
    target: float | None = None,
    time_budget: float | None = None,
    eval_every: int | None = None,
    progress: bool | None = None,
    dtype: torch.dtype = torch.float64,
    device: str | torch.device | None = None,
) -> Result:
    """Fit a tanh MLP to the problem's samples by Adam (cosine decay) then L-BFGS.

    Parameters
    ----------
    problem : InterpolationProblem
        The samples (its ``n`` Chebyshev points) and the evaluation grid.
    hidden : sequence of int, default (50, 50, 50)
    adam_steps, lbfgs_steps : int, default 2000, 500
        Adam steps (rate from ``lr_max`` to ``lr_min`` by a cosine, the BWLer paper's
        1e-3 to 1e-6) and L-BFGS iterations (strong Wolfe, ``history_size`` pairs).
        ``lbfgs_steps = 0`` skips L-BFGS.
    seed : int, default 0
        The initialisation (a private generator: the same seed gives the same run).
    target, time_budget, eval_every, progress
        As in :func:`numlearn.learned.spectral.fit`.

    Returns
    -------
    Result
        ``value`` the MLP on ``problem.grid``; ``stats`` of :func:`fit` plus
        ``num_parameters`` and ``samples``; ``history`` (step, phase, loss, error on
        the grid, seconds).  ``method`` is ``"MLP <widths> (Adam+L-BFGS)"``.

    Notes
    -----
    Cost per step :math:`O(N P)` for ``N`` samples and ``P`` parameters (one forward
    and backward pass; an L-BFGS iteration takes one or a few).
    """
    adam_steps = check_int(adam_steps, "adam_steps", minimum=1)
    lbfgs_steps = check_int(lbfgs_steps, "lbfgs_steps", minimum=0)
    obj = InterpolationObjective(problem, "mlp", hidden=hidden, dtype=dtype, device=device)
    phases = [Phase("adam", adam_steps, {"lr_max": lr_max, "lr_min": lr_min})]
    if lbfgs_steps:
        phases.append(Phase("lbfgs", lbfgs_steps, {"history_size": history_size}))
    res = fit(obj, phases, seed=seed, target=target, time_budget=time_budget,
              eval_every=eval_every, progress=progress)
    opt = "Adam+L-BFGS" if lbfgs_steps else "Adam"
    return _named(res, f"MLP {'x'.join(map(str, obj.hidden))} ({opt})", obj)


def fit_bwler(
    problem: InterpolationProblem,
    nodes: int | None = None,
    *,
    optimizer: str = "gauss_newton",
    steps: int | None = None,
    target: float | None = None,
    time_budget: float | None = None,
    eval_every: int | None = None,
    progress: bool | None = None,
    dtype: torch.dtype = torch.float64,
    device: str | torch.device | None = None,
) -> Result:
    r"""Train an explicit BWLer (one Chebyshev axis of ``nodes`` nodes) on the samples.

    The loss :math:`\|Pv - f\|^2/N` is linear least squares in the node values
    :math:`v` (start: zeros, as the paper's code).  ``"gauss_newton"``
    (Levenberg-Marquardt with Marquardt's scaling, damping from ``1e-2`` down by 5 per
    accepted step; default 30 steps, it stops when no step lowers the loss) converges
    geometrically to the minimiser; its floor is that of the normal equations,
    :math:`\kappa(P)^2\varepsilon`, with :math:`\kappa(P)` near 1 for Chebyshev samples.
    ``"lbfgs"`` (default 500 iterations) is the first-order alternative.

    Returns
    -------
    Result
        As :func:`fit_mlp`; ``method`` ``"explicit BWLer (GN)"`` or
        ``"explicit BWLer (L-BFGS)"``.
    """
    if optimizer not in ("gauss_newton", "lbfgs"):
        raise ValueError(f"`optimizer` must be 'gauss_newton' or 'lbfgs', got "
                         f"{optimizer!r}.")
    gn = optimizer == "gauss_newton"
    steps = (30 if gn else 500) if steps is None else check_int(steps, "steps", minimum=1)
    obj = InterpolationObjective(problem, "bwler", nodes=nodes, dtype=dtype, device=device)
    options: dict[str, Any] = {"jacobian": "constant", "mu": 1e-12} if gn \
        else {"history_size": 100}
    res = fit(obj, [Phase(optimizer, steps, options)], target=target,
              time_budget=time_budget, eval_every=eval_every, progress=progress)
    return _named(res, f"explicit BWLer ({'GN' if gn else 'L-BFGS'})", obj)


def least_squares_reference(problem: InterpolationProblem,
                            nodes: int | None = None) -> Result:
    r"""The classical minimiser of the BWLer's loss: :math:`v = \arg\min\|Pv - f\|`.

    :math:`P` is :func:`numlearn.classical.barycentric_matrix` from ``nodes`` Chebyshev
    points (default: the ``N`` samples) to the samples; :math:`v` by Householder QR
    (:func:`numlearn.classical.linalg.qr_lstsq`, LAPACK ``dgelsy``), evaluated on the
    grid by :func:`numlearn.classical.barycentric_eval`.  Stats: ``cond``
    (:math:`\kappa_2(P)`), ``lebesgue`` (the nodes' Lebesgue constant), ``nodes``.
    Cost :math:`O(Nn^2)`.
    """
    import time

    from numlearn.classical import (
        barycentric_eval,
        barycentric_matrix,
        chebyshev_points,
        chebyshev_weights,
        lebesgue_constant,
    )
    from numlearn.classical.linalg import qr_lstsq

    if not isinstance(problem, InterpolationProblem):
        raise TypeError("`problem` must be a numlearn.problems.InterpolationProblem, got "
                        f"{type(problem).__name__}.")
    t0 = time.perf_counter()
    dom = problem.target.domain
    n = problem.n if nodes is None else check_int(nodes, "nodes", minimum=2,
                                                  maximum=problem.n)
    x = chebyshev_points(problem.n, 2, dom)
    xn, w = chebyshev_points(n, 2, dom), chebyshev_weights(n)
    sol = qr_lstsq(barycentric_matrix(x, xn, w), problem.target.numpy_func(x))
    values = barycentric_eval(xn, w, sol.x, problem.grid)
    stats = {"seconds": time.perf_counter() - t0, "cond": sol.cond, "cond_of": "P",
             "nodes": n, "lebesgue": lebesgue_constant(xn, w, domain=dom)}
    status = Status.SUCCESS if sol.rank == n else Status.RANK_DEFICIENT
    return Result(values, side="classical", status=status, stats=stats,
                  method="least squares (QR)")
