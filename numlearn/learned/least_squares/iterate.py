r"""Gradient descent with a learned gradient, and its classical twin in torch.

One model call is one gradient-descent (GD) iterate: :func:`gd_iterate` sets
:math:`x_{k+1} = x_k - \eta\,\hat g(x_k)` and *re-inserts* :math:`x_{k+1}` into
token 0 before the next call.  (Applying a block repeatedly without re-inserting x is
not GD; each token then keeps its own prefix iterate.)  :func:`reference_gd` is
classical GD in torch on the same device.  Both return a :class:`numlearn.Result`
with NumPy arrays (converted at the boundary), as
:func:`numlearn.classical.least_squares.gradient_descent` does, and
:class:`LearnedGradientDescent` makes a model a
:class:`~numlearn.problems.least_squares.LeastSquaresSolver`.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from numlearn._core.result import Result, Status
from numlearn._core.validation import check_choice, check_int, check_positive
from numlearn.classical.least_squares import (
    check_step_size,
    conditioning,
    gd_conditioning,
)
from numlearn.learned.least_squares.tokens import (
    _check_model,
    _check_problem,
    _gradient,
    _model_gradient,
    sample_least_squares,
)
from numlearn.problems.least_squares import LeastSquaresBatch

__all__ = ["LearnedGradientDescent", "evaluate", "gd_iterate", "reference_gd"]


def gd_iterate(
    model: nn.Module,
    A: Tensor,
    b: Tensor,
    x0: Tensor,
    steps: int,
    eta: float | Tensor,
    *,
    on_unstable: str = "raise",
) -> Result:
    r"""Gradient descent with a learned gradient: one model call per iterate.

    .. math:: x_{k+1} = x_k - \eta\, f_\theta([x_k, 0; A, b])_{\text{last}}

    with :math:`x_{k+1}` re-inserted into token 0 before every call (arXiv 2503.12295;
    the official ``app_odes`` notebook does the same).  With an exact model this is
    classical GD on :math:`\tfrac{1}{2n}\|Ax-b\|^2`, which converges for
    :math:`0 < \eta < 2/L`, :math:`L = \lambda_{\max}(A^\top A/n)`.

    Parameters
    ----------
    model : nn.Module
        Maps tokens (batch, n+1, d+1) to outputs (batch, n+1, >= d); a model with
        ``d``/``n`` attributes must match ``A``'s shape.
    A, b, x0 : Tensor
        Problems (batch, n, d), (batch, n) and start points (batch, d).
    steps : int
        Number of iterates (model calls).
    eta : float or Tensor of shape (batch,)
        Step size(s), ``eta > 0`` (one per problem, e.g. ``2/(L + mu)``, for families
        whose ``L`` varies).
    on_unstable : {"raise", "warn"}
        What to do when ``eta >= 2/L`` for some problem (GD does not converge there;
        :func:`numlearn.classical.least_squares.check_step_size`, the check both sides
        share): a ValueError naming the problems and their limits, or a
        RuntimeWarning.

    Returns
    -------
    Result
        ``value``: the last iterate, NumPy ``(batch, d)`` in the tensors' dtype;
        ``history["iterates"]``: :math:`x_0, \dots, x_{\text{steps}}`, NumPy
        ``(batch, steps + 1, d)`` (the layout of
        ``gradient_descent(...).history["iterates"]``); ``stats``: ``iterations``
        (``steps``), ``step_size`` (per problem) and ``diverged`` (problems whose
        iterates diverged or grew); ``status`` SUCCESS, or DIVERGED (non-finite
        iterates) or UNSTABLE (growing iterates), see :func:`iterates_status`.
        ``side="learned"``.

    Warns
    -----
    RuntimeWarning
        With a DIVERGED or UNSTABLE status.
    RankDeficientWarning, IllConditionedWarning
        When some ``A`` is numerically rank deficient (estimated rank in the message):
        GD then converges to the least-squares solution nearest ``x0`` (the minimum-norm
        one for ``x0 = 0``); or when ``cond(A) > 1/sqrt(eps)``.  The checks of
        :func:`numlearn.classical.least_squares.gd_conditioning`, shared with the
        classical GD.

    Notes
    -----
    Cost: ``steps`` forward passes plus one batched SVD of ``A`` for the checks.
    """
    A, b, x0 = _check_problem(A, b, x0, "x0")
    _check_model_shape(model, A)
    steps = check_int(steps, "steps", minimum=0)
    _check_history(A.shape[0], steps, A.shape[2], A.element_size())
    eta, etas = _check_step(A, eta, on_unstable, "gd_iterate")
    xs = [x0]
    with torch.no_grad():
        x = x0
        for _ in range(steps):
            x = x - eta * _model_gradient(model, A, b, x)
            xs.append(x)
    return _iterates_result(torch.stack(xs, dim=1), etas,
                            f"gd_iterate[{getattr(model, 'arch', type(model).__name__)}]",
                            "learned")


def reference_gd(
    A: Tensor, b: Tensor, x0: Tensor, steps: int, eta: float | Tensor, *,
    on_unstable: str = "raise",
) -> Result:
    r"""Classical GD :math:`x_{k+1} = x_k - \eta A^\top(Ax_k-b)/n` in torch: the
    reference :func:`gd_iterate` is measured against on the training device
    (``numlearn.classical.least_squares.gradient_descent`` is the Numba twin, same
    layout).  Same checks and the same :class:`~numlearn.Result` as :func:`gd_iterate`
    (``side="classical"``)."""
    A, b, x0 = _check_problem(A, b, x0, "x0")
    steps = check_int(steps, "steps", minimum=0)
    _check_history(A.shape[0], steps, A.shape[2], A.element_size())
    eta, etas = _check_step(A, eta, on_unstable, "reference_gd")
    xs = [x0]
    x = x0
    for _ in range(steps):
        x = x - eta * _gradient(A, b, x)
        xs.append(x)
    return _iterates_result(torch.stack(xs, dim=1), etas, "reference_gd", "classical")


def _iterates_result(xs: Tensor, etas: np.ndarray, method: str, side: str) -> Result:
    """The torch iterates ``(B, K+1, d)`` as a Result of NumPy arrays (the boundary),
    with the status of :func:`iterates_status` (and its warning)."""
    hist = xs.detach().cpu().numpy()
    status, message, bad = iterates_status(hist, method, stacklevel=4)
    return Result(value=hist[:, -1], side=side, method=method, status=status,
                  message=message,
                  stats={"iterations": hist.shape[1] - 1, "step_size": etas,
                         "diverged": bad},
                  history={"iterates": hist})


#: A trajectory whose last step is this many times its first one (plus rounding) grows:
#: a stable GD's step norms never increase.
_GROWTH = 100.0


def iterates_status(xs: np.ndarray, method: str, *, stacklevel: int = 3
                    ) -> tuple[Status, str, int]:
    r"""Status of a batch of GD trajectories ``(B, K+1, d)``; warns unless SUCCESS.

    ``DIVERGED`` when some iterate is NaN or inf; ``UNSTABLE`` when some trajectory
    grows: its last step is more than 100 times its first one,
    :math:`\|x_K - x_{K-1}\| > 100\,(\|x_1 - x_0\| + \epsilon\|x_0\|)` with the
    dtype's :math:`\epsilon` (for stable GD on a quadratic every eigencomponent of the
    step shrinks, so the step norms never increase; a learned gradient adds only noise
    at rounding level).  Returns ``(status, message, number of problems affected)``.
    """
    B, K1 = xs.shape[0], xs.shape[1]
    with np.errstate(invalid="ignore", over="ignore"):
        nonfinite = ~np.isfinite(xs).reshape(B, -1).all(axis=1)
        growing = np.zeros(B, dtype=bool)
        if K1 >= 3:
            eps = float(np.finfo(xs.dtype).eps)
            first = np.linalg.norm(xs[:, 1] - xs[:, 0], axis=1)
            last = np.linalg.norm(xs[:, -1] - xs[:, -2], axis=1)
            growing = ~nonfinite & (last > _GROWTH * (first + eps * np.linalg.norm(
                xs[:, 0], axis=1)))
    if nonfinite.any():
        bad = nonfinite
        status, what = Status.DIVERGED, "have non-finite (NaN or inf) iterates"
    elif growing.any():
        bad = growing
        status, what = Status.UNSTABLE, "have growing iterates (last step > 100x the first)"
    else:
        return Status.SUCCESS, "", 0
    n_bad = int(bad.sum())
    message = (f"{n_bad} of {B} problems {what} (first: problem "
               f"{int(np.flatnonzero(bad)[0])})")
    warnings.warn(f"{method}: {message}; {status.hint}.", RuntimeWarning,
                  stacklevel=stacklevel)
    return status, message, n_bad


class LearnedGradientDescent:
    """A model's learned iterate as a
    :class:`~numlearn.problems.least_squares.LeastSquaresSolver`.

    ``LearnedGradientDescent(model)(problems, steps, step_size)`` copies the NumPy
    batch to the model's device and dtype, runs :func:`gd_iterate` from
    ``problems.x0`` and returns its :class:`~numlearn.Result` (NumPy arrays).
    ``step_size="optimal"`` is ``2 / (L + mu)`` per problem
    (:func:`numlearn.classical.least_squares.conditioning`).

    Raises `TypeError` at construction unless ``model`` is a ``torch.nn.Module`` with
    parameters, and `TypeError`/`ValueError` unless ``on_unstable`` is ``"raise"`` or
    ``"warn"`` (see :func:`gd_iterate`).
    """

    def __init__(self, model: nn.Module, *, on_unstable: str = "raise") -> None:
        _check_model(model)
        self.model = model
        self.on_unstable = check_choice(on_unstable, "on_unstable", ("raise", "warn"))

    def __call__(self, problems: LeastSquaresBatch, steps: int,
                 step_size: Any = "optimal") -> Result:
        if not isinstance(problems, LeastSquaresBatch):
            raise TypeError("`problems` must be a numlearn.problems.least_squares."
                            f"LeastSquaresBatch, got {type(problems).__name__}.")
        p = _check_model(self.model)
        A, b, x0 = (torch.tensor(a, device=p.device).to(p.dtype)  # copies (read-only batch)
                    for a in (problems.A, problems.b, problems.x0))
        if isinstance(step_size, str):
            if step_size != "optimal":
                raise ValueError(f"`step_size` must be a positive float, an array of shape "
                                 f"(B,) or 'optimal', got {step_size!r}.")
            step_size = torch.as_tensor(conditioning(problems.A).step_optimal,
                                        dtype=p.dtype, device=p.device)
        elif np.ndim(step_size) == 0:
            step_size = check_positive(step_size, "step_size")
        else:
            step_size = torch.as_tensor(np.asarray(step_size, dtype=np.float64),
                                        dtype=p.dtype, device=p.device)
        return gd_iterate(self.model, A, b, x0, steps, step_size,
                          on_unstable=self.on_unstable)


#: Largest history of iterates (batch x (steps + 1) x d values) kept, checked before
#: iterating.
MAX_HISTORY_BYTES = 8 * 2**30


def _check_history(B: int, steps: int, d: int, itemsize: int) -> None:
    nbytes = B * (steps + 1) * d * itemsize
    if nbytes > MAX_HISTORY_BYTES:
        raise ValueError(f"`steps` = {steps} iterates of {B} problems (d={d}) keep "
                         f"{nbytes / 2**30:.3g} GiB of history, more than the limit of "
                         f"{MAX_HISTORY_BYTES / 2**30:.0f} GiB; run fewer steps or problems.")


def _check_model_shape(model: nn.Module, A: Tensor) -> None:
    _check_model(model, A)
    n, d = A.shape[1], A.shape[2]
    md, mn = getattr(model, "d", None), getattr(model, "n", None)
    supports = getattr(model, "supports_rows", None)
    rows_ok = supports(n) if supports is not None else (mn is None or mn == n)
    if (md is not None and md != d) or not rows_ok:
        raise ValueError(
            f"`model` was built for n={mn}, d={md} but `A` has n={n}, d={d}; the "
            "positional embedding and read-out fix both (train a model of that size)."
        )


def _check_step(A: Tensor, eta: Any, on_unstable: str, caller: str
                ) -> tuple[float | Tensor, np.ndarray]:
    """Validate ``eta``; run the shared stability check and the rank warning on ``A``
    (float64 SVD on the CPU).  Returns ``eta`` as the iteration uses it (a float, or a
    ``(B, 1)`` tensor) and the per-problem steps as float64 NumPy."""
    check_choice(on_unstable, "on_unstable", ("raise", "warn"))
    B = A.shape[0]
    if isinstance(eta, (str, bool, np.bool_)) or (
            isinstance(eta, Tensor) and not eta.is_floating_point()):
        raise TypeError(f"`eta` must be a positive float or a float tensor of shape "
                        f"(batch,), got {type(eta).__name__} {eta!r}.")
    if isinstance(eta, Tensor) or hasattr(eta, "__len__"):
        eta_t = torch.as_tensor(eta, dtype=A.dtype, device=A.device)
        if eta_t.ndim == 0:
            eta = float(eta_t)
        elif eta_t.shape != (B,):
            raise ValueError(f"`eta` must be a float or have shape (batch,) = ({B},), got "
                             f"shape {tuple(eta_t.shape)}.")
        else:
            eta = eta_t
    etas_t = eta if isinstance(eta, Tensor) else torch.full((B,), float(eta), dtype=A.dtype)
    etas = etas_t.detach().to(torch.float64).cpu().numpy()
    if not bool(np.all(np.isfinite(etas) & (etas > 0))):
        i = int(np.flatnonzero(~(np.isfinite(etas) & (etas > 0)))[0])
        raise ValueError(f"`eta` must be positive and finite, got {float(etas[i])}"
                         + (f" for problem {i}." if isinstance(eta, Tensor) else "."))
    c = gd_conditioning(A.detach().to(torch.float64).cpu().numpy(), caller=caller,
                        stacklevel=4)
    check_step_size(etas, c.L, on_unstable=on_unstable, name="eta", stacklevel=4)
    if isinstance(eta, Tensor):
        eta = eta.unsqueeze(-1)
    return eta, etas


def evaluate(
    model: nn.Module,
    *,
    batch: int = 4096,
    seed: int = 2025,
    steps: int = 100,
    eta: float = 0.5,
) -> dict[str, float]:
    r"""Measure a model on fresh in-distribution problems (a metric helper: it returns
    a dict of numbers, not a :class:`~numlearn.Result`).

    Returns
    -------
    dict
        ``grad_rel_l2``: :math:`\|\hat G - G\|_F / \|G\|_F` over the batch (single
        step, at :math:`x_0`); ``grad_rel_median`` and ``grad_rel_max``: per-problem
        :math:`\|\hat g - g\|/\|g\|`; ``iter_rel_max``: :math:`\max_{k\le K}
        \|x_k - x_k^{GD}\|_F / \|x_k^{GD}\|_F` over the batch, learned iterates
        (:func:`gd_iterate`, ``steps`` = K, step ``eta``)
        against classical GD from the same :math:`x_0`; ``iter_err_learned`` and
        ``iter_err_gd``: :math:`\|x_K - x^\star\|_F/\|x^\star\|_F` for both;
        ``iterations`` (K), ``eta``, ``batch``; ``diverged`` (problems whose learned
        iterates became non-finite or grew) and ``iterate_status`` (the code of the
        learned iterates' :class:`~numlearn.Status`: ``"success"``, ``"diverged"`` or
        ``"unstable"``).

    Warns
    -----
    RuntimeWarning
        When the learned iterates diverge or grow, or the model's gradient is
        non-finite: the numbers above are then NaN or inf, never silently.

    Notes
    -----
    The problems come from their own generator (``seed``), disjoint from training's
    (which uses ``config.seed + 1``).  Cost: ``steps + 1`` forward passes on ``batch``
    problems.
    """
    p = _check_model(model)
    if not isinstance(getattr(model, "n", None), int) or not isinstance(
            getattr(model, "d", None), int):
        raise TypeError("`model` must have integer attributes `n` and `d` (a sequence model "
                        f"of numlearn.learned.layers), got {type(model).__name__}.")
    batch = check_int(batch, "batch", minimum=1)
    seed = check_int(seed, "seed", minimum=0, maximum=2**62)
    steps = check_int(steps, "steps", minimum=0)
    P = sample_least_squares(batch, model.n, model.d, seed=seed, device=p.device,
                             dtype=p.dtype)
    _check_history(batch, steps, model.d, 8)
    with torch.no_grad():
        g = _gradient(P.A, P.b, P.x0)
        gh = _model_gradient(model, P.A, P.b, P.x0)
    per = (gh - g).norm(dim=1) / g.norm(dim=1)
    # back to torch exactly (the Results hold NumPy copies of the iterates)
    learned = gd_iterate(model, P.A, P.b, P.x0, steps, eta)  # warns when it diverges
    xs = torch.from_numpy(learned.history["iterates"])
    ref = torch.from_numpy(reference_gd(P.A, P.b, P.x0, steps, eta).history["iterates"])
    xs, ref = xs.to(p.device), ref.to(p.device)
    dev = ((xs - ref).norm(dim=(0, 2)) / ref.norm(dim=(0, 2))).max()
    if learned.success and not bool(torch.isfinite(gh).all()):
        warnings.warn("evaluate: the model's gradient is NaN or inf on some problems.",
                      RuntimeWarning, stacklevel=2)
    xs_norm = P.x_star.norm()
    return {
        "grad_rel_l2": float((gh - g).norm() / g.norm()),
        "grad_rel_median": float(per.median()),
        "grad_rel_max": float(per.max()),
        "iter_rel_max": float(dev),
        "iter_err_learned": float((xs[:, -1] - P.x_star).norm() / xs_norm),
        "iter_err_gd": float((ref[:, -1] - P.x_star).norm() / xs_norm),
        "iterations": steps,
        "eta": eta,
        "batch": batch,
        "diverged": learned.stats["diverged"],
        "iterate_status": learned.status.code,
    }
