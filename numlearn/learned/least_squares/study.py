r"""Iterated learned solves measured against classical gradient descent.

A model trained to output :math:`g(x) = A^\top(Ax-b)/n` is iterated as
:math:`\hat x_{k+1} = \hat x_k - \eta\, \hat g(\hat x_k)` (one model call per iterate,
:func:`~numlearn.learned.least_squares.gd_iterate`), and compared with classical GD
:math:`x_{k+1} = x_k - \eta\, g(x_k)` (the Numba kernel
:func:`numlearn.classical.least_squares.gradient_descent`) from the same :math:`x_0`
and with the same steps.

The error after :math:`k` iterates splits exactly (as vectors) into

.. math::
    x^\star - \hat x_k = \underbrace{(x^\star - x_k)}_{\text{conditioning/algorithmic}}
                       + \underbrace{(x_k - \hat x_k)}_{\text{optimization}},

the *conditioning/algorithmic* part (how far classical GD is after k steps:
:math:`\lesssim \rho^k\|x_0 - x^\star\|` with :math:`\rho = \max|1-\eta\lambda|`,
down to the conditioning floor) and the *optimization* part (how far training left
the learned gradient from the exact one, its errors accumulated along the trajectory;
for a per-call error :math:`\delta` it levels off near
:math:`\eta\delta/(1-\rho) \approx \delta/\mu`).  Each is reported per problem relative
to :math:`\|x^\star\|`, as median and interquartile range, next to the conditioning
floor :math:`\mathrm{cond}(A)\,\epsilon` that no float64 solver beats, and next to the
single-step relative gradient error :math:`\|\hat g - g\|/\|g\|` measured along the
learned trajectory.  In the three-term language of
:mod:`numlearn.precision.decomposition` (built by
:func:`~numlearn.precision.decomposition.least_squares_decomposition`):
:math:`u_{best} = x^\star`, :math:`u_{disc} = x_k`, :math:`u_{learned} = \hat x_k`, and
the representation term is zero.  The truth :math:`x^\star` is the drawn solution,
within :math:`\mathrm{cond}(A)\,d\,\epsilon` of the exact least-squares solution of
the stored float64 data (the mpmath solution for the noisy family), see
:mod:`numlearn.problems.least_squares`.

:func:`ood_study` runs this over a list of problem families (condition number, scale,
other ``n``, noisy right-hand sides) for several models and reports the
generalization gap: the ratio of a family's median single-step gradient error, and of
its median optimization term, to the in-distribution ones.

References
----------
Liu et al., "Towards learning high-precision least squares algorithms with sequence
models", arXiv 2503.12295 (ICLR 2025), Fig. 1 and §5; the float32 figures read off that
figure are in :data:`PAPER_FLOAT32`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn

from numlearn._core.result import Result
from numlearn._core.validation import as_float_array, check_int, check_positive
from numlearn.classical.least_squares import gradient_descent
from numlearn.learned.least_squares.iterate import (
    _check_history,
    _check_model_shape,
    iterates_status,
)
from numlearn.learned.least_squares.tokens import (
    _check_model,
    _check_problem,
    _gradient,
    _model_gradient,
)
from numlearn.precision.decomposition import least_squares_decomposition
from numlearn.problems.least_squares import LeastSquaresBatch, LeastSquaresFamily

__all__ = [
    "DEFAULT_FAMILIES",
    "PAPER_FLOAT32",
    "format_checkpoints",
    "format_ood",
    "iterated_study",
    "ood_row",
    "ood_study",
]

#: Figures of arXiv 2503.12295 (float32 training and evaluation, n = 20, d = 5), read
#: off Fig. 1's log axes (about +-2x), as median MSE :math:`\|x-x^\star\|^2/d` (the
#: figure's "average loss": the runs are float32 throughout, so these are float32
#: floors, not the float64 ones measured here).
PAPER_FLOAT32: dict[str, float] = {
    "learned iterate (BaseConv ~ linear attention), 100 iterates": 1.5e-13,
    "classical GD in float32, 100 iterates": 5e-15,
    "softmax attention, iterated (plateau)": 1.3e-2,
    "end-to-end Transformer, 12 layers": 3e-9,
}

_QUANTILES = (0.25, 0.5, 0.75)

#: Most problems per family of :func:`ood_study` (2^20).
MAX_OOD_BATCH = 2**20


def _summary(v: NDArray[np.float64]) -> dict[str, float]:
    """Quartiles and max; diverged entries (inf/NaN) count as +inf, and the quantiles
    are then taken as sample values (``inverted_cdf``), since interpolating towards
    inf is undefined.  ``diverged`` is the number of non-finite entries."""
    v = np.asarray(v, dtype=np.float64)
    bad = ~np.isfinite(v)
    method = "linear"
    if bad.any():
        v = np.where(bad, np.inf, v)
        method = "inverted_cdf"
    q25, q50, q75 = np.quantile(v, _QUANTILES, method=method)
    return {"median": float(q50), "q25": float(q25), "q75": float(q75),
            "max": float(np.max(v)), "diverged": int(bad.sum())}


def _fmt(v: float, width: int = 9) -> str:
    """``v`` in ``.2e``; ``diverged`` for inf (see :func:`_summary`), ``-`` for NaN
    (not defined, e.g. the gap of the in-distribution row itself)."""
    if v == np.inf:
        return f"{'diverged':>{width}}"
    return f"{'-':>{width}}" if v != v else f"{v:>{width}.2e}"


_MARKS = (0, 10, 20, 40, 60, 80, 100, 150, 200, 300, 500, 1000, 2000, 5000, 10000)


def _default_checkpoints(steps: int) -> list[int]:
    return sorted({k for k in _MARKS if k < steps} | {steps})


def _step_arg(eta: Any) -> Any:
    """``eta`` as :func:`~numlearn.classical.least_squares.gradient_descent` takes it
    (it validates and resolves ``"optimal"``)."""
    if isinstance(eta, str):
        if eta != "optimal":
            raise ValueError(f"`eta` must be a positive float, an array of shape (B,) or "
                             f"'optimal' (2/(L+mu) per problem), got {eta!r}.")
        return eta
    if np.ndim(eta) == 0:
        return check_positive(eta, "eta")
    arr = as_float_array(eta, "eta", ndim=1, allow_complex=False)
    if not (arr > 0).all():
        raise ValueError(f"`eta` must be positive, got {float(arr[arr <= 0][0])} at problem "
                         f"{int(np.flatnonzero(arr <= 0)[0])}.")
    return arr


def iterated_study(
    model: nn.Module,
    problems: LeastSquaresBatch,
    *,
    steps: int = 200,
    eta: float | str | NDArray[np.float64] = 0.5,
    checkpoints: Sequence[int] | None = None,
) -> Result:
    r"""Iterate a learned gradient and classical GD on the same problems; decompose.

    Parameters
    ----------
    model : nn.Module
        A sequence model of :mod:`numlearn.learned.layers` (its device and dtype are
        used; the problems are cast to them).
    problems : LeastSquaresBatch
        From :mod:`numlearn.problems.least_squares` (float64; ``x_star`` the truth).
    steps : int
        Iterations ``K``.
    eta : float, "optimal" or array of shape (B,)
        Step size(s); ``"optimal"`` is :math:`2/(L+\mu)` per problem.  A step at or
        beyond the stability limit ``2/L`` raises (as in ``gradient_descent``).
    checkpoints : sequence of int, optional
        Iterate counts at which to report (default 0, 10, 20, 40, 60, 80, 100, 150,
        200, ... up to ``steps``).

    Returns
    -------
    Result
        ``value``: the learned iterate :math:`\hat x_K` (B, d) as NumPy, in the
        model's dtype.  ``status``: SUCCESS, or DIVERGED when some learned iterate is
        NaN or inf, UNSTABLE when some learned trajectory grows
        (:func:`~numlearn.learned.least_squares.iterate.iterates_status`; with a
        RuntimeWarning).
        ``stats``: scalars at ``K`` (``median_rel_learned``, ``q25_rel_learned``,
        ``q75_rel_learned``, the same for ``_gd``, ``median_mse_learned``/``_gd``
        (:math:`\|x-x^\star\|^2/d`), ``median_optimization`` (learned vs classical
        GD), ``median_grad_rel_x0`` (single step at :math:`x_0`), ``median_floor``
        (cond(A) eps, with the eps of the model's dtype), ``ratio_learned_gd`` (of
        the medians), ``batch``, ``iterations`` (``K``), ``dtype`` (the model's),
        ``diverged_learned`` (problems whose final learned iterate is NaN or inf),
        ``grown_learned`` (problems whose learned trajectory grows)), and
        ``checkpoints``: a list of dicts, one per iterate
        count ``k``, each with ``rel_learned``, ``rel_gd`` (conditioning/algorithmic
        part), ``optimization``,
        ``mse_learned``, ``mse_gd``, ``grad_rel`` (single-step error at
        :math:`\hat x_k`) and ``grad_abs`` (:math:`\|\hat g - g\|`), each a dict of
        median / q25 / q75 / max over the problems, and ``floor`` (median cond eps).
        ``history``: ``{"learned": (B, K+1, d), "gd": (B, K+1, d)}`` NumPy arrays
        (the learned ones in the model's dtype, classical GD in float64).

    Warns
    -----
    RuntimeWarning
        With a DIVERGED or UNSTABLE status (the statistics then hold inf, printed as
        "diverged" by :func:`format_checkpoints`).

    Notes
    -----
    Cost: ``K`` model calls on the whole batch plus ``O(B K n d)`` for the classical GD
    and the exact gradients at the checkpoints; memory ``16 B K d`` bytes.
    """
    if not isinstance(problems, LeastSquaresBatch):
        raise TypeError("`problems` must be a numlearn.problems.least_squares."
                        f"LeastSquaresBatch, got {type(problems).__name__}.")
    K = check_int(steps, "steps", minimum=0)
    marks = _default_checkpoints(K) if checkpoints is None else sorted(
        {check_int(k, "checkpoints", minimum=0) for k in checkpoints})
    if not marks:
        raise ValueError("`checkpoints` is empty; pass the iterate counts to report "
                         "(or None for the default ones).")
    if marks[-1] > K:
        raise ValueError(f"`checkpoints` must be <= steps = {K}, got {marks[-1]}.")
    p = _check_model(model)
    dev, dtype = p.device, p.dtype
    _check_history(problems.A.shape[0], K, problems.A.shape[2], 8 + p.element_size())
    A, b, x0 = (torch.tensor(a, device=dev).to(dtype)  # copies (the batch is read-only)
                for a in (problems.A, problems.b, problems.x0))
    A, b, x0 = _check_problem(A, b, x0, "x0")
    _check_model_shape(model, A)

    # classical GD (the Numba kernel, float64) first: its single conditioning pass
    # resolves eta="optimal", raises for steps beyond 2/L and warns on rank deficiency,
    # for the learned iterate too (same problems, same steps)
    gd = gradient_descent(problems.A, problems.b, problems.x0, steps=K,
                          step_size=_step_arg(eta))
    x_gd = gd.history["iterates"]
    etas = np.asarray(gd.stats["step_size"], dtype=np.float64)
    eta_t = torch.as_tensor(etas, dtype=dtype, device=dev).unsqueeze(-1)

    # learned iterates, with the exact gradient along the trajectory at the marks
    xs = [x0]
    grad_rel: dict[int, NDArray[np.float64]] = {}
    grad_abs: dict[int, NDArray[np.float64]] = {}
    mark_set = set(marks)
    with torch.no_grad():
        x = x0
        for k in range(K + 1):
            if k == K and k not in mark_set:
                break
            gh = _model_gradient(model, A, b, x)
            if k in mark_set:
                g = _gradient(A, b, x)
                err = (gh - g).norm(dim=1)
                grad_abs[k] = err.double().cpu().numpy()
                grad_rel[k] = (err / g.norm(dim=1)).double().cpu().numpy()
            if k == K:
                break
            x = x - eta_t * gh
            xs.append(x)
    x_l = torch.stack(xs, dim=1).cpu().numpy()  # the model's dtype
    method = f"iterated[{getattr(model, 'arch', type(model).__name__)}]"
    status, message, n_bad = iterates_status(x_l, method, stacklevel=3)

    xstar = problems.x_star
    d = xstar.shape[1]
    # the floor the learned iterate can reach: cond(A) times its own dtype's eps
    floor = np.asarray(gd.stats["cond"], dtype=np.float64) * float(torch.finfo(dtype).eps)
    rows: list[dict[str, Any]] = []
    for k in marks:
        with np.errstate(invalid="ignore", over="ignore"):
            dec = least_squares_decomposition(xstar, x_disc=x_gd[:, k],
                                              x_learned=x_l[:, k].astype(np.float64))
        el, eg = dec["total"], dec["conditioning"]
        rows.append({
            "k": k,
            "rel_learned": _summary(dec["rel_total"]),
            "rel_gd": _summary(dec["rel_conditioning"]),
            "optimization": _summary(dec["rel_optimization"]),
            "mse_learned": _summary(el**2 / d), "mse_gd": _summary(eg**2 / d),
            "grad_rel": _summary(grad_rel[k]), "grad_abs": _summary(grad_abs[k]),
            "floor": float(np.median(floor)),
        })
    last = rows[-1]
    stats: dict[str, Any] = {
        "iterations": K, "batch": int(xstar.shape[0]),
        "eta": float(np.median(etas)) if isinstance(eta, str) else float(etas[0]),
        "eta_rule": eta if isinstance(eta, str) else "fixed",
        "median_grad_rel_x0": rows[0]["grad_rel"]["median"] if marks[0] == 0 else float(
            "nan"),
        "median_optimization": last["optimization"]["median"],
        "median_floor": last["floor"],
        "diverged_learned": last["rel_learned"]["diverged"],
        "grown_learned": n_bad if status.code == "unstable" else 0,
        "dtype": str(dtype).removeprefix("torch."),
        "checkpoints": rows,
    }
    for side in ("learned", "gd"):
        for q in ("median", "q25", "q75"):
            stats[f"{q}_rel_{side}"] = last[f"rel_{side}"][q]
        stats[f"median_mse_{side}"] = last[f"mse_{side}"]["median"]
    stats["ratio_learned_gd"] = stats["median_rel_learned"] / max(
        stats["median_rel_gd"], np.finfo(np.float64).tiny)
    return Result(value=x_l[:, -1], stats=stats, status=status, message=message,
                  history={"learned": x_l, "gd": x_gd}, method=method, side="learned")


def format_checkpoints(result: Result) -> str:
    """The per-iterate decomposition of :func:`iterated_study` as a text table: medians
    over the problems (the total with its interquartile range), relative to ``||x*||``,
    except ``|g^ - g|`` (absolute gradient error along the learned trajectory; its
    relative version grows as ``g -> 0``) and the MSE ``||x - x*||^2 / d``."""
    head = (f"{'k':>5} {'learned [q25, q75]':>31} {'GD (algorithmic)':>17} "
            f"{'optimization':>15} {'|g^ - g|':>10} {'MSE learned':>12} "
            f"{'MSE GD':>10} {'floor':>9}")
    if not isinstance(result, Result) or "checkpoints" not in result.stats:
        raise TypeError("`result` must be the Result of iterated_study, got "
                        f"{type(result).__name__}.")
    lines = [head, "-" * len(head)]
    for r in result.stats["checkpoints"]:
        rl = r["rel_learned"]
        lines.append(
            f"{r['k']:>5} {_fmt(rl['median'])} [{_fmt(rl['q25'], 8)}, "
            f"{_fmt(rl['q75'], 8)}] {_fmt(r['rel_gd']['median'], 17)} "
            f"{_fmt(r['optimization']['median'], 15)} "
            f"{_fmt(r['grad_abs']['median'], 10)} {_fmt(r['mse_learned']['median'], 12)} "
            f"{_fmt(r['mse_gd']['median'], 10)} {r['floor']:>9.1e}")
    return "\n".join(lines)


# ------------------------------------------------------------------ out of distribution


#: In distribution first (the gap's denominator), then the shifts: a larger condition
#: number (cond(A) = kappa, against a median of 2.2 in distribution; step 2/(L+mu)
#: because L = kappa^2/n), scaled targets, other n (for models that run at other
#: lengths, see ``supports_rows``) and noisy, inconsistent right-hand sides.
DEFAULT_FAMILIES: tuple[LeastSquaresFamily, ...] = (
    LeastSquaresFamily("in-distribution", "paper", {}, 200, 0.5),
    LeastSquaresFamily("cond kappa=8", "cond", {"kappa": 8.0}, 1000, "optimal"),
    LeastSquaresFamily("cond kappa=30", "cond", {"kappa": 30.0}, 1000, "optimal"),
    LeastSquaresFamily("scaled x16", "scaled", {"scale": 16.0}, 200, 0.5),
    LeastSquaresFamily("scaled x1/16", "scaled", {"scale": 1.0 / 16}, 200, 0.5),
    LeastSquaresFamily("n=10", "shape", {"n": 10, "d": 5}, 400, "optimal"),
    LeastSquaresFamily("n=40", "shape", {"n": 40, "d": 5}, 200, "optimal"),
    LeastSquaresFamily("noisy sigma=1e-2", "noisy", {"sigma": 1e-2}, 200, 0.5),
)


def ood_study(
    models: Mapping[str, nn.Module],
    families: Sequence[LeastSquaresFamily] = DEFAULT_FAMILIES,
    *,
    batch: int = 1000,
    seed: int = 20261123,
) -> list[dict[str, Any]]:
    r"""Learned iterates vs classical GD on shifted problem families, per model.

    Parameters
    ----------
    models : mapping of str to nn.Module
        Label to trained model.
    families : sequence of LeastSquaresFamily
        The first is the reference for the generalization gap (in distribution).
    batch : int
        Problems per family (the same problems for every model), at most
        :data:`MAX_OOD_BATCH`.
    seed : int
        Seed of the problem draws (family ``i`` uses ``seed + i``).

    Returns
    -------
    list of dict
        One row per (family, model): ``family``, ``model``, ``steps``, ``eta``,
        ``median_rel_learned``, ``q25_rel_learned``, ``q75_rel_learned``,
        ``median_rel_gd``, ``median_optimization``, ``median_grad_rel_x0``,
        ``gap_grad`` and ``gap_optimization`` (ratios of the medians to the
        in-distribution row of the same model); ``status`` ``"ok"`` (the row was
        measured), or ``"not_applicable: ..."`` when the model cannot run at that
        length; ``learned_status``: the code of the learned iterates' status
        (``"success"``, ``"diverged"``, ``"unstable"``; :func:`iterated_study`).

    Notes
    -----
    Cost: ``sum(steps)`` model calls on ``batch`` problems per model.
    """
    batch = check_int(batch, "batch", minimum=1, maximum=MAX_OOD_BATCH)
    if not isinstance(models, Mapping):
        raise TypeError(f"`models` must be a mapping of label to model, got "
                        f"{type(models).__name__}.")
    if not models:
        raise ValueError("`models` is empty; pass at least one {label: model}.")
    for label, model in models.items():
        if not isinstance(model, nn.Module):
            raise TypeError(f"`models`[{label!r}] must be a torch.nn.Module, got "
                            f"{type(model).__name__}.")
    if not families:
        raise ValueError("`families` is empty; pass at least the in-distribution family.")
    rows: list[dict[str, Any]] = []
    base: dict[str, dict[str, Any]] = {}
    for i, fam in enumerate(families):
        problems = replace(fam, batch=batch, seed=seed + i).problems
        n = problems.A.shape[1]
        for label, model in models.items():
            supports = getattr(model, "supports_rows", None)
            res = None
            if supports is None or supports(n):
                res = iterated_study(model, problems, steps=fam.steps, eta=fam.eta,
                                     checkpoints=(0, fam.steps))
            row = ood_row(fam, label, res, n=n, reference=base.get(label),
                          trained_n=getattr(model, "n", None))
            if i == 0 and res is not None:
                base[label] = row
            rows.append(row)
    return rows


def ood_row(
    family: LeastSquaresFamily,
    model: str,
    result: Result | None,
    *,
    n: int,
    reference: Mapping[str, Any] | None = None,
    trained_n: int | None = None,
) -> dict[str, Any]:
    """One row of the out-of-distribution table from an :func:`iterated_study` result
    (``None``: the model cannot run at this ``n``); ``reference`` is the in-distribution
    row of the same model, for the gaps."""
    row: dict[str, Any] = {"family": family.label, "model": model, "steps": family.steps,
                           "eta": family.eta, "n": n}
    if result is None:
        row["status"] = f"not_applicable: the model runs only at n = {trained_n}"
        return row
    s = result.stats
    row.update({k: s[k] for k in (
        "median_rel_learned", "q25_rel_learned", "q75_rel_learned", "median_rel_gd",
        "median_optimization", "median_grad_rel_x0", "median_floor",
        "diverged_learned", "batch")})
    row["status"] = "ok"
    row["learned_status"] = result.status.code
    if reference is not None:
        row["gap_grad"] = row["median_grad_rel_x0"] / reference["median_grad_rel_x0"]
        row["gap_optimization"] = (row["median_optimization"]
                                   / max(reference["median_optimization"], 1e-300))
    return row


def format_ood(rows: Sequence[Mapping[str, Any]]) -> str:
    """:func:`ood_study` rows as a text table (errors relative to ``||x*||``)."""
    head = (f"{'family':<18} {'model':<18} {'K':>5} {'learned [q25, q75]':>31} "
            f"{'GD':>9} {'optim.':>9} {'grad err':>9} {'gap grad':>9} {'gap optim':>9}")
    if isinstance(rows, (str, Mapping)) or not isinstance(rows, Sequence) or not all(
            isinstance(r, Mapping) for r in rows):
        raise TypeError("`rows` must be the list of dicts of ood_study, got "
                        f"{type(rows).__name__}.")
    lines = [head, "-" * len(head)]
    for r in rows:
        if r.get("status") != "ok":
            lines.append(f"{r['family']:<18} {r['model']:<18} {r['steps']:>5} "
                         f"{r.get('status', '')}")
            continue
        ndiv = r.get("diverged_learned", 0)
        lines.append(
            f"{r['family']:<18} {r['model']:<18} {r['steps']:>5} "
            f"{_fmt(r['median_rel_learned'])} [{_fmt(r['q25_rel_learned'], 8)}, "
            f"{_fmt(r['q75_rel_learned'], 8)}] {_fmt(r['median_rel_gd'])} "
            f"{_fmt(r['median_optimization'])} {_fmt(r['median_grad_rel_x0'])} "
            f"{_fmt(r.get('gap_grad', float('nan')))} "
            f"{_fmt(r.get('gap_optimization', float('nan')))}"
            + (f"  ({ndiv} of {r['batch']} diverged)" if ndiv else ""))
    return "\n".join(lines)

