r"""Training a learned PDE solver: phases of optimisers on one :class:`PDEObjective`.

:func:`fit` runs a sequence of :class:`Phase` objects (an optimiser and a step count)
on the flat parameter vector :math:`\theta` of an objective
:math:`\mathcal L(\theta) = \sum_k \|r_k(\theta)\|^2`, as the BWLer paper trains its
models (Adam, then NNCG, in its published code; arXiv 2506.23024), and adds a
Gauss-Newton phase:

``"adam"``
    :class:`~numlearn.learned.optim.AdamCosine` on :meth:`PDEObjective.loss`, the
    rate decayed by a cosine from ``lr_max = 1e-3`` to ``lr_min = 1e-6`` over the phase
    (``total_steps`` defaults to the phase's ``steps``).  One step: one gradient.
``"lbfgs"``
    :class:`~numlearn.learned.optim.LBFGS` (strong Wolfe, history up to 1000 pairs).
    One step is one L-BFGS iteration (``max_iter=1``, ``max_eval=25`` unless the
    options say otherwise); the history is kept between steps.
``"nncg"``
    :class:`~numlearn.learned.optim.NNCG` (Nyström-preconditioned Newton-CG, Rathore
    et al., arXiv 2402.01868); its sketch seed defaults to ``fit``'s ``seed``.
``"gauss_newton"``
    :class:`~numlearn.learned.optim.LevenbergMarquardt` on
    :meth:`PDEObjective.residual_vector` with the dense Jacobian of ``torch.func``
    (``jacfwd`` when the residual has at least as many entries as :math:`\theta`,
    else ``jacrev``; option ``jacobian="fwd"|"rev"``, or ``"constant"`` for a linear
    residual: the Jacobian is taken once, and the steps are iterative refinement of the
    normal equations).  Cost per step
    :math:`O(mP^2 + P^3)` and :math:`8(mP + P^2)` bytes, so a model of more than
    ``max_parameters`` (default 20000) parameters is refused before any work: use
    ``"nncg"`` (matrix-free) instead.  For a linear residual (explicit BWLer on a linear
    PDE) one undamped step is the least-squares solve of the normal equations, whose
    error floor is :math:`\kappa(J)^2\varepsilon` instead of QR's
    :math:`\kappa(J)\varepsilon`.

Each step is checked: a NaN or inf loss stops the run with
:class:`~numlearn.learned.spectral.NonFiniteLossError` naming the step and the loss term
(found by :meth:`PDEObjective.loss_terms`).  Every ``eval_every`` steps (and at the
start, at the end of each phase and at the end) a row is added to the history: the
global step, the phase's index, the loss and each ``term_<name>``
:math:`\|r_k\|^2` (at the same :math:`\theta`), the error of
:meth:`PDEObjective.error` (relative :math:`\ell_2` on the evaluation grid), and the
seconds since the start.  The run stops early at ``target`` (error) or ``time_budget``
(seconds).  With the same ``seed`` (and the same thread count) a CPU run's history is
bit-identical, the ``seconds`` column aside.

Nearest equivalents: DeepXDE's ``Model.compile(optimizer)`` / ``Model.train`` chained
per optimiser (``"adam"``, ``"L-BFGS"``); ``scipy.optimize.least_squares(method="lm")``
for the Gauss-Newton phase on a NumPy residual.

References
----------
.. [1] J. Liu, Y. Baig, D. H. J. Lee, R. V. Dwaraknath, A. Rudra, C. Ré, "BWLer:
   Barycentric Weight Layer Elucidates a Precision-Conditioning Tradeoff for PINNs",
   arXiv 2506.23024 (2025).
.. [2] P. Rathore, W. Lei, Z. Frangella, L. Lu and M. Udell, "Challenges in training
   PINNs: a loss landscape perspective", ICML 2024 (arXiv 2402.01868).
.. [3] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006,
   chapters 7 and 10.
"""

from __future__ import annotations

from pathlib import Path

from torch import Tensor

from numlearn._core.result import Result
from numlearn.learned.spectral import _fit_run
from numlearn.learned.spectral._fit_parts import Phase
from numlearn.learned.spectral.objective import PDEObjective

__all__ = ["Phase", "fit"]


# ------------------------------------------------------------------------------ fit


def fit(
    objective: PDEObjective,
    phases: Phase | list[Phase] | tuple[Phase, ...],
    *,
    seed: int = 0,
    theta0: Tensor | None = None,
    time_budget: float | None = None,
    target: float | None = None,
    eval_every: int | None = None,
    progress: bool | None = None,
    checkpoint: str | Path | None = None,
    resume: bool = False,
) -> Result:
    r"""Train ``objective`` by the optimiser ``phases`` in turn (module notes).

    Parameters
    ----------
    objective : PDEObjective
    phases : Phase or sequence of Phase
    seed : int, default 0
        Seeds ``objective.initial_parameters``, the torch generator and NNCG's sketches.
    theta0 : Tensor, optional
        Start here instead (1-D, the objective's dtype, device and parameter count).
    time_budget : float, optional
        Seconds; the run stops after the step that exceeds it (status
        ``MAX_ITERATIONS``, or ``TARGET_NOT_REACHED`` when ``target`` is missed).
    target : float, optional
        Stop once the error (relative l2) is at most this; if it is not reached the
        status is ``TARGET_NOT_REACHED`` and a `RuntimeWarning` is issued.
    eval_every : int, optional
        Steps between history rows (default: about 100 rows in all).
    progress : bool, optional
        tqdm bars naming the objective and the phase (default on).
    checkpoint : str or Path, optional
        File written (atomically) at the end of each phase, every minute at most at
        a history row, and at the end: theta, ``objective.config()``, the phases, the
        completed steps, the history, the seed and cheap optimiser state.
    resume : bool, default False
        Continue from ``checkpoint`` if the file exists; a checkpoint of another
        configuration (objective config, phases, seed) is refused naming the keys.

    Returns
    -------
    Result
        ``value`` the prediction on the evaluation grid (float64); ``stats``:
        ``seconds``, ``iterations`` (steps done), ``loss``, ``error`` (relative
        :math:`\ell_2` on the evaluation grid; also under ``rel_l2``, the name the
        classical solvers' results use), ``theta``
        (detached), ``stopped_by`` (``"steps"``, ``"target"``, ``"time_budget"``, or
        ``"stalled"``: the last phase ended early because its step found no decrease,
        NNCG's line search or Levenberg-Marquardt at ``mu_max``),
        ``num_parameters``, ``resumed_at`` (the steps at which this run was resumed
        from ``checkpoint``: empty for a run in one go; a resumed L-BFGS phase starts
        with an empty history, so its iterates differ from an uninterrupted run's);
        ``history`` as in the module notes.

    Raises
    ------
    NonFiniteLossError
        A loss term became NaN or inf (the message names the step and the term).

    Notes
    -----
    Levenberg-Marquardt's default damping ``mu = 1e-2`` suits nonlinear residuals; on
    a linear, ill-conditioned one (an explicit BWLer of convection or wave) it
    contracts the error by only about :math:`\mu/(\lambda_{\min} + \mu)` a step: pass
    ``{"jacobian": "constant", "mu": 1e-12}`` there (measured in the notes,
    *BWLer precision-conditioning tradeoff*).

    Examples
    --------
    >>> from numlearn.learned.spectral import ExplicitBWLer, Phase, fit
    >>> obj = ExplicitBWLer("convection", 9, 8)
    >>> res = fit(obj, [Phase("adam", 20), Phase("gauss_newton", 4,
    ...           {"jacobian": "constant", "mu": 1e-12})], progress=False)
    >>> bool(res.stats["loss"] < res.history["loss"][0]), res.method
    (True, 'fit(adam+gauss_newton)')
    """
    run = _fit_run.Run(objective, phases, seed=seed, theta0=theta0,
                       time_budget=time_budget, target=target, eval_every=eval_every,
                       progress=progress, checkpoint=checkpoint, resume=resume)
    return run.run()


