r"""The ``distill`` and ``distill-paper`` suites: the authors' distillation recipe, the
classical reductions and variable projection from them, on Hyena-recipe filters and on
a trained Hyena model's filters (``numlearn compare --suite distill``).

Problems (:class:`DistillProblem`, two families, one problem per family and order
``d`` in ``{2, 4, 8, 16, 32}`` complex modes, real order ``k = 2d``, ``L = 2048``):

* ``hyena``: ``C = 4`` filters ``hyena_filters(4, 2048, **HYENA_LM)`` (the Hyena
  implicit-filter recipe at its language-model widths, random MLP, decays spread as
  in the reference code);
* ``trained``: :data:`TRAINED_C` = 2 of the 2 x 64 long-convolution filters of the
  small Hyena model trained on multi-query associative recall
  (``hyena_checkpoint(HyenaConfig(l_max=2048), MQARConfig()).value.filters()``; loaded
  from the checkpoint cache ``$NUMLEARN_CACHE/learned``, else trained first, about 5
  minutes on 2 cores with a progress line): the hardest one (highest relative AAK
  floor at ``d = 16``) and the worst-conditioned one (closest to numerically low
  rank); ``trained_C > 2`` adds seeded draws over the layers
  (:func:`select_trained_filters`).  Their ``(layer, channel)`` are in every row
  (``filters``).

The truth is the taps ``0..L-1`` of every filter; each method returns its models'
impulse responses on the same taps.  The methods (:func:`distill_methods`):

(a) ``authors.adamw`` -- the Laughing Hyena distillation recipe as published (random
    ring ``r ~ U[0.9, 0.99]``, AdamW lr ``6e-4``, betas ``(0.9, 0.99)``, one cosine
    cycle, full batch, ``h_0`` copied, radius unconstrained:
    :func:`~numlearn.learned.reduction.modal_fit.fit_modal` with ``method="adamw",
    init="ring", constrain=False``): **capped** at :data:`AUTHORS_STEPS` = 3000 steps
    in ``distill`` (one tenth of the published :data:`PAPER_STEPS` = 30,000 steps,
    which ``distill-paper`` runs);
(b) ``distill.aaa``, ``distill.era``, ``distill.bt_modal`` -- unit-circle AAA, ERA,
    and ERA followed by modal balanced truncation
    (:func:`~numlearn.classical.reduction.distill.distill`; ``bt_modal`` is the
    balanced-truncation route that scales to L = 2048: ``"bt"``, ERA on the full
    ``(L-1)``-square Hankel matrix, took 5.7 s for one filter at d = 16, L = 2048, 10x
    ``bt_modal``, and was less accurate there: 1.1e-2 against 5.5e-3);
(c) ``varpro-lm(aaa)``, ``varpro-lm(era)``, ``varpro-lm(bt_modal)`` -- variable
    projection with Levenberg-Marquardt on the poles (``fit_modal(method="varpro-lm")``)
    from each classical model of (b), :data:`LM_STEPS` = 150 steps (the issue allows
    1000); and ``varpro-lm+hinf(bt)``, the same from ``"bt"`` (balanced truncation
    of the FIR filter itself, whose H-infinity error is within :math:`2\sum_{j>k}
    \sigma_j` and in practice 1.4-2.3 :math:`\sigma_{k+1}`) with ``tail = L`` and
    H-infinity polishing (:data:`HINF_OPTIONS`), which keeps the start where the fit
    would raise the H-infinity error: for the issue's H-infinity goal.  (From
    ``bt_modal``, whose ERA realisation sees only the window, the same setting gave a
    median ratio 6.9 at d = 32 on the Hyena filters and 154 on the trained ones at d =
    16; from ``bt`` 1.5 and 1.4-1.5.)

Each row's statistics: median and max over the filters of the relative l2 error on the
window, the median H-infinity error of the model's full transfer function on ``M = 2L``
points of the unit circle (``filter_errors``'s ``hinf_model``) and its ratio to the AAK
floor :math:`\sigma_{k+1}` (Hankel singular values of each filter, dense), the
balanced-truncation bound :math:`2\sum_{j>k}\sigma_j`, steps, seconds and the realised
real order (``order_min``, ``orders``).  Honest rows where the numbers would mislead:

* ERA (and ``bt_modal``, which starts from ERA) stops at the numerical rank of the
  Hankel matrix (the trained filters' often is below ``k``: then ``d = 16`` and
  ``d = 32`` give the same models, and the report says so); such a row has status
  ``rank_deficient``, counts the filters (``rank_limited``) and says so in ``note``.
  AAA may converge with fewer terms than ``d`` (counted and noted, status unchanged).
  A (c) row whose start was below ``k`` says so too (its missing modes start on the
  ring with zero residues).
* Where :math:`\sigma_{k+1}` is at rounding level (``<= sigma_1 (L-1) eps``, the
  accuracy of the dense singular values) the ratio H-infinity / sigma means nothing:
  those filters are left out of its median and max, counted (``sigma_at_rounding``)
  and named in ``note``; with none left the ratio is NaN and the report prints ``-``
  beside the note.

Rows (c) also carry :func:`~numlearn.precision.distillation.distillation_decomposition`
(``u = h``, ``u_disc`` = the classical start, ``u_learned`` = the fit): medians of the
total, classical and optimization terms, in l2 and as multiples of
:math:`\sigma_{k+1}` in H-infinity.  The report prints per family and order the table
(with the ratio (a)/row of the median relative l2 error and H-infinity / sigma on every
row), the notes, the decomposition and the ratio (a)/(c) (the issue's goal: ``>= 10``
at ``d = 16`` with at most 1000 steps).

Time on 2 shared cores (one thread, the trained checkpoint cached): ``distill`` took
441 s at load average 3.5-4.1, its hyena rows 1.86 times their time in a hyena-only run
at load 1.5-2.1 (147 s of rows, 152 s in all), so about 240 s at that load.
``distill-paper`` (not run in CI) is estimated from that run: the authors' rows were
213 of its 441 s, and 30,000 steps took 8.7 times the time of 3000 (measured on the
trained filters at d = 16: 16.3 s and 141.5 s, load 2.4-3.6), so about 10 x 213 +
228 = 2360 s (40 minutes) at load 4, about 21 minutes at load 2.

Torch is imported only when a learned method runs or a trained problem is built
(``import numlearn`` stays torch-free); the suites declare ``needs=("torch",)``.

References
----------
S. Massaroli et al., "Laughing Hyena Distillery: Extracting Compact Recurrences From
Convolutions", NeurIPS 2023, arXiv:2310.18780.
G. H. Golub and V. Pereyra, "The differentiation of pseudo-inverses and nonlinear least
squares problems whose variables separate", SIAM J. Numer. Anal. 10 (1973) 413,
doi:10.1137/0710036.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from numlearn._core.result import Result, Status
from numlearn._core.validation import check_choice, check_int
from numlearn.compare._distill_problems import (
    DISTILL_FAMILIES,
    DISTILL_ORDERS,
    DistillProblem,
    distill_problems,
    select_trained_filters,
)
from numlearn.compare.harness import Method
from numlearn.compare.suites import register_suite
from numlearn.precision.distillation import distillation_decomposition

__all__ = [
    "AUTHORS_STEPS",
    "DISTILL_FAMILIES",
    "DISTILL_INITS",
    "DISTILL_ORDERS",
    "HINF_INITS",
    "HINF_OPTIONS",
    "LM_STEPS",
    "PAPER_STEPS",
    "TRAINED_C",
    "DistillProblem",
    "build_distill_paper_suite",
    "build_distill_suite",
    "distill_methods",
    "distill_problems",
    "distill_report",
    "select_trained_filters",
]

#: The classical routes of (b), each also the start of a (c) row.
DISTILL_INITS: tuple[str, ...] = ("aaa", "era", "bt_modal")
#: The starts of the H-infinity variant of (c): balanced truncation of the FIR filter.
HINF_INITS: tuple[str, ...] = ("bt",)
#: Steps of the authors' recipe in ``distill`` (published: :data:`PAPER_STEPS`).
AUTHORS_STEPS = 3000
#: Steps of the authors' recipe as published (``distill-paper``).
PAPER_STEPS = 30000
#: Levenberg-Marquardt steps of (c) in the suites (the issue allows 1000).
LM_STEPS = 150
#: Trained filters per problem in the registered suites (the hardest and the
#: worst-conditioned of :func:`select_trained_filters`; 3 took ``distill`` past 4 minutes).
TRAINED_C = 2
_EPS = float(np.finfo(np.float64).eps)


def _not_applicable(p: Any, method: str) -> Result:
    shape = np.shape(p.truth()) if hasattr(p, "truth") else ()
    return Result(np.full(shape, np.nan), side="classical", status=Status.NOT_APPLICABLE,
                  message="not a DistillProblem", method=method)


def _over_sigma(hinf: NDArray[np.float64], sigma: NDArray[np.float64], k: int
                ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    r"""``hinf / sigma_(k+1)`` per filter, NaN where :math:`\sigma_{k+1}` is at rounding
    level (``<= sigma_1 (L-1) eps``, the accuracy of the dense singular values of the
    ``(L-1)``-square Hankel matrix, so the ratio means nothing there), and the mask of
    the filters where it is resolved."""
    s_next = sigma[:, k]
    resolved = s_next > sigma[:, 0] * sigma.shape[1] * _EPS
    ratio = np.full(s_next.shape, np.nan)
    ratio[resolved] = np.asarray(hinf, dtype=np.float64)[resolved] / s_next[resolved]
    return ratio, resolved


def _median(v: NDArray[np.float64], mask: NDArray[np.bool_]) -> float:
    return float(np.median(v[mask])) if mask.any() else math.nan


def _summary(p: DistillProblem, model: Any, steps: int) -> dict[str, Any]:
    """Per-filter errors of ``model`` summarised (median, max) beside the Hankel bounds."""
    from numlearn.classical.reduction.modal import filter_errors

    h, sigma = p.filters(), p.sigma()
    err = filter_errors(h, model)
    ratio, resolved = _over_sigma(err["hinf_model"], sigma, p.k)
    return {"iterations": steps, "rel_l2_median": float(np.median(err["rel_l2"])),
            "rel_l2_max": float(np.max(err["rel_l2"])),
            "rel_l2_per_filter": " ".join(f"{v:.3e}" for v in err["rel_l2"]),
            "hinf_median": float(np.median(err["hinf_model"])),
            "hinf_over_sigma_median": _median(ratio, resolved),
            "hinf_over_sigma_max": float(np.max(ratio[resolved])) if resolved.any()
            else math.nan,
            "sigma_at_rounding": int(np.sum(~resolved)),
            "sigma_next_median": float(np.median(sigma[:, p.k])),
            "bt_bound_median": float(np.median(2.0 * sigma[:, p.k:].sum(axis=1))),
            "unstable_poles": int(np.sum(np.abs(np.atleast_2d(model.poles)) >= 1))}


def _rank_note(p: DistillProblem, orders: Any, route: str, what: str) -> tuple[int, str]:
    """How many filters a classical model of ``route`` realised below the real order
    ``k``, and the note that says so (and why)."""
    orders = np.atleast_1d(np.asarray(orders))
    low = int(np.sum(orders < p.k))
    if not low:
        return 0, ""
    why = ("AAA converged with fewer terms" if route == "aaa" else
           "ERA stops at the numerical rank of its Hankel matrix")
    return low, (f"{what} realised below k = {p.k} on {low} of {p.C} filters (real order "
                 f"min {int(orders.min())}: {why})")


def _result(p: DistillProblem, model: Any, res: Result, steps: int, side: str, method: str,
            extra: dict[str, Any] | None = None, notes: Sequence[str] = (),
            status: Status | None = None) -> Result:
    stats = _summary(p, model, steps)
    for key in ("seconds", "seconds_init", "seconds_fit"):
        if key in res.stats:
            stats[key] = float(res.stats[key])
    stats.update(extra or {})
    notes = [n for n in notes if n]
    if stats["sigma_at_rounding"]:
        n = stats["sigma_at_rounding"]
        notes.append(f"sigma_(k+1) at rounding level on {n} of {p.C} filters: "
                     + ("hinf/sigma over the others" if n < p.C else "hinf/sigma undefined"))
    if stats["unstable_poles"]:
        notes.append(f"{stats['unstable_poles']} poles with |lambda| >= 1")
    if res.message:
        notes.append(res.message)
    stats["note"] = "; ".join(notes)
    values = np.asarray(model.impulse_response(p.L), dtype=np.float64).ravel()
    return Result(values, side=side, status=status or res.status, message=stats["note"],
                  stats=stats, method=method)


@contextmanager
def _one_torch_thread() -> Iterator[None]:
    """Torch's intra-op pool at one thread while a fit runs (restored after): the fits
    are small (``C x L x 2d``), and on two busy cores two threads made 300 AdamW steps
    at ``C = 4``, ``d = 2`` 20 times slower (9.1 s against 0.46 s, load average 4)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _authors(p: Any, *, steps: int = AUTHORS_STEPS) -> Result:
    if not isinstance(p, DistillProblem):
        return _not_applicable(p, "authors.adamw")
    from numlearn.learned.reduction.modal_fit import fit_modal

    with warnings.catch_warnings(), _one_torch_thread():  # unstable poles: see the row
        warnings.simplefilter("ignore")
        res = fit_modal(p.filters(), p.d, init="ring", method="adamw", constrain=False,
                        steps=steps, seed=p.seed, progress=False)
    return _result(p, res.value, res, int(res.stats.get("iterations", steps)), "learned",
                   "authors.adamw")


def _classical(p: Any, *, route: str) -> Result:
    if not isinstance(p, DistillProblem):
        return _not_applicable(p, f"distill.{route}")
    from numlearn.classical.reduction.distill import distill

    with warnings.catch_warnings():  # the status and the note say it
        warnings.simplefilter("ignore")
        res = distill(p.filters(), p.d, method=route, bounds=False)
    orders = np.atleast_1d(res.stats["real_order"])
    low, note = _rank_note(p, orders, route, route)
    extra = {"order_min": int(orders.min()), "rank_limited": low,
             "orders": " ".join(str(int(o)) for o in orders)}
    # ERA's (and so bt_modal's) lower order is the numerical rank of the Hankel matrix
    rank = low and route != "aaa" and res.status is Status.SUCCESS
    status = Status.RANK_DEFICIENT if rank else None
    return _result(p, res.value, res, 0, "classical", f"distill.{route}", extra, [note],
                   status)


#: Options of the H-infinity variant of (c): the window fit also asked to vanish on L
#: taps past the window, then Lawson polishing of the transfer-function error with the
#: poles moving (``fit_modal``'s ``tail``, ``hinf_polish``, ``polish_poles``; the
#: settings measured in the notes on ``fit_modal``).
HINF_OPTIONS: dict[str, int] = {"hinf_polish": 10, "polish_poles": 5}


def _varpro(p: Any, *, init: str, steps: int = LM_STEPS, hinf: bool = False) -> Result:
    name = f"varpro-lm+hinf({init})" if hinf else f"varpro-lm({init})"
    if not isinstance(p, DistillProblem):
        return _not_applicable(p, name)
    from numlearn.classical.reduction.distill import distill
    from numlearn.learned.reduction.modal_fit import fit_modal

    t0 = time.perf_counter()
    h = p.filters()
    with warnings.catch_warnings(), _one_torch_thread():
        warnings.simplefilter("ignore")
        first = distill(h, p.d, method=init, bounds=False)
        start = first.value
        t_init = time.perf_counter() - t0
        opts = {"tail": p.L, **HINF_OPTIONS} if hinf else {}
        res = fit_modal(h, p.d, init=start, method="varpro-lm", steps=steps, seed=p.seed,
                        progress=False, **opts)
    model, M = res.value, 2 * p.L
    args = (h, start.impulse_response(p.L), model.impulse_response(p.L))
    l2 = distillation_decomposition(*args, d=p.d, norm="l2")
    hinf = distillation_decomposition(
        *args, d=p.d, sigma=p.sigma(), norm="hinf",
        classical_tf=start.frequency_response(M), learned_tf=model.frequency_response(M))
    extra: dict[str, Any] = {"seconds_init": t_init,
                             "seconds_fit": float(res.stats.get("seconds", math.nan)),
                             "telescopes": bool(np.all(l2["telescopes"])
                                                and np.all(hinf["telescopes"]))}
    _, resolved = _over_sigma(hinf["total"], p.sigma(), p.k)  # the rows' mask
    for term in ("total", "classical", "optimization"):
        extra[f"dec_l2_{term}"] = float(np.median(l2[f"rel_{term}"]))
        extra[f"dec_hinf_{term}_over_sigma"] = _median(hinf[f"{term}_over_sigma"], resolved)
    orders = np.atleast_1d(first.stats["real_order"])
    low, note = _rank_note(p, orders, init, f"its start {init}")
    extra.update(start_order_min=int(orders.min()), start_rank_limited=low)
    if low:
        note += "; the missing modes start on the ring with zero residues"
    return _result(p, model, res, int(res.stats.get("iterations", steps)), "learned",
                   name, extra, [note])


def distill_methods(*, authors_steps: int = AUTHORS_STEPS, lm_steps: int = LM_STEPS,
                    inits: Sequence[str] = DISTILL_INITS,
                    hinf_inits: Sequence[str] | None = None) -> list[Method]:
    """(a), then (b) for each route of ``inits``, then (c) from each, then the
    H-infinity variant of (c) (:data:`HINF_OPTIONS`, ``tail = L``) from each route of
    ``hinf_inits`` (default :data:`HINF_INITS`; any ``distill`` route); every method
    runs once per problem (``max_repeat=1``: the fits are deterministic and long)."""
    authors_steps = check_int(authors_steps, "authors_steps", minimum=1)
    lm_steps = check_int(lm_steps, "lm_steps", minimum=1)
    inits = tuple(check_choice(i, "inits", DISTILL_INITS) for i in inits)
    if hinf_inits is None:
        hinf_inits = HINF_INITS
    hinf_inits = tuple(check_choice(i, "hinf_inits", (*DISTILL_INITS, "bt"))
                       for i in hinf_inits)
    return [
        Method("authors.adamw", "learned", partial(_authors, steps=authors_steps),
               max_repeat=1),
        *(Method(f"distill.{i}", "classical", partial(_classical, route=i), max_repeat=1)
          for i in inits),
        *(Method(f"varpro-lm({i})", "learned", partial(_varpro, init=i, steps=lm_steps),
                 max_repeat=1) for i in inits),
        *(Method(f"varpro-lm+hinf({i})", "learned",
                 partial(_varpro, init=i, steps=lm_steps, hinf=True), max_repeat=1)
          for i in hinf_inits),
    ]


def _extra(p: Any) -> dict[str, Any]:
    if not isinstance(p, DistillProblem):
        return {}
    out: dict[str, Any] = {"family": p.family, "d": p.d, "C": p.C, "L": p.L, "k": p.k}
    if p.family == "trained":
        out["filters"] = " ".join(f"l{i}c{c}" for i, c in p.picks())
    return out


def build_distill_suite(
    orders: Sequence[int] = DISTILL_ORDERS, *, families: Sequence[str] = DISTILL_FAMILIES,
    C: int = 4, trained_C: int = TRAINED_C, L: int = 2048, seed: int = 0,
    model: Any = None, task: Any = None, authors_steps: int = AUTHORS_STEPS,
    lm_steps: int = LM_STEPS, inits: Sequence[str] = DISTILL_INITS,
) -> tuple[list[DistillProblem], list[Method], Callable[[Any], dict[str, Any]]]:
    """The suite's problems (per family of ``families``, one per order: ``C``
    Hyena-recipe filters, ``trained_C`` trained ones of ``model`` / ``task``, default
    ``HyenaConfig(l_max=L)`` / ``MQARConfig()``), methods and row keys.  The registered
    ``distill`` uses the defaults (both families, ``C = 4``, ``trained_C = 2``, ``L =
    2048``, the five orders, 3000 AdamW and 150 LM steps)."""
    if isinstance(families, str):
        raise TypeError(f"`families` must be a sequence of family names, got the string "
                        f"{families!r}; pass ({families!r},).")
    families = tuple(check_choice(f, "families", DISTILL_FAMILIES) for f in families)
    if not families or len(set(families)) != len(families):
        raise ValueError(f"`families` must name each of {DISTILL_FAMILIES} at most once "
                         f"and at least one, got {families}.")
    if "trained" not in families and (model is not None or task is not None):
        raise ValueError("`model` and `task` name the trained filters: add 'trained' to "
                         "`families` or leave them None.")
    methods = distill_methods(authors_steps=authors_steps, lm_steps=lm_steps, inits=inits)
    problems: list[DistillProblem] = []
    for fam in families:
        problems += (distill_problems(orders, C=C, L=L, seed=seed) if fam == "hyena" else
                     distill_problems(orders, C=trained_C, L=L, seed=seed, family=fam,
                                      model=model, task=task))
    return problems, methods, _extra


def build_distill_paper_suite(
    orders: Sequence[int] = DISTILL_ORDERS, **options: Any,
) -> tuple[list[DistillProblem], list[Method], Callable[[Any], dict[str, Any]]]:
    """:func:`build_distill_suite` with the authors' recipe at the published
    :data:`PAPER_STEPS` = 30,000 AdamW steps (``authors_steps`` in ``options`` refused:
    that is what this suite fixes); everything else as in ``distill``."""
    if "authors_steps" in options:
        raise TypeError("`authors_steps` is fixed at PAPER_STEPS = 30000 in the paper "
                        "suite; use build_distill_suite(authors_steps=...) instead.")
    return build_distill_suite(orders, authors_steps=PAPER_STEPS, **options)


def _fmt(v: Any, spec: str = ".2e") -> str:
    return format(v, spec) if isinstance(v, int | float) and math.isfinite(v) else "-"


_TITLES = {"hyena": "Hyena-recipe filters",
           "trained": "the trained Hyena model's filters"}


def _per_filter(st: dict[str, Any]) -> NDArray[np.float64]:
    return np.array([float(v) for v in st["rel_l2_per_filter"].split()])


def _order_block(d: int, rs: list[Any], prev: dict[str, str]) -> tuple[list[str], str]:
    """One order's table, notes, decomposition and (a)/(c) lines; the goal text."""
    st0 = rs[0].extra.get("solver_stats", {})
    authors = next((r for r in rs if r.method == "authors.adamw"), None)
    a_st = authors.extra["solver_stats"] if authors is not None else {}
    a_med = a_st.get("rel_l2_median", math.nan)
    lines = ["", f"d = {d} (k = {2 * d}): sigma median {_fmt(st0.get('sigma_next_median'))}"
             f", bt median {_fmt(st0.get('bt_bound_median'))}",
             f"  {'method':<20} {'steps':>6} {'seconds':>8} {'order':>5} {'rel l2':>9} "
             f"{'max':>9} {'hinf':>9} {'hinf/sigma':>10} {'max':>9} {'(a)/row':>8}  status"]
    notes = []
    for r in rs:
        st = r.extra.get("solver_stats", {})
        med = st.get("rel_l2_median", math.nan)
        ratio = a_med / med if med > 0 else math.nan
        order = st.get("order_min", 2 * d)
        lines.append(
            f"  {r.method:<20} {st.get('iterations', 0):>6} {r.seconds:>8.2f} "
            f"{order:>4}{'*' if order < 2 * d else ' '} "
            f"{_fmt(med):>9} {_fmt(st.get('rel_l2_max')):>9} "
            f"{_fmt(st.get('hinf_median')):>9} "
            f"{_fmt(st.get('hinf_over_sigma_median'), '.3g'):>10} "
            f"{_fmt(st.get('hinf_over_sigma_max'), '.3g'):>9} {_fmt(ratio, '.3g'):>8}  "
            f"{r.extra.get('status', '')}")
        note = st.get("note", "")
        if "orders" in st and st.get("rank_limited") and prev.get(r.method) == st["orders"]:
            note += "; the same realised orders as at the previous d (the same models)"
        if note:
            notes.append(f"  note {r.method}: {note}")
        if "orders" in st:
            prev[r.method] = st["orders"]
    lines += ["  (order: min realised real order, * below k; hinf/sigma over the filters "
              "whose sigma_(k+1) is above rounding)", *notes]
    learned = [r for r in rs if "dec_l2_total" in r.extra.get("solver_stats", {})]
    if learned:
        lines += ["  decomposition of (c): h - u_learned = (h - u_disc) + (u_disc - "
                  "u_learned); l2 relative to ||h||, H-infinity / sigma:",
                  f"  {'start':<22} {'total':>9} {'classical':>9} {'optim.':>9} | "
                  f"{'total/s':>8} {'classical/s':>11} {'optim./s':>8} telescopes"]
        for r in learned:
            st = r.extra["solver_stats"]
            lines.append(
                f"  {r.method:<22} {_fmt(st['dec_l2_total']):>9} "
                f"{_fmt(st['dec_l2_classical']):>9} {_fmt(st['dec_l2_optimization']):>9} | "
                f"{_fmt(st['dec_hinf_total_over_sigma'], '.3g'):>8} "
                f"{_fmt(st['dec_hinf_classical_over_sigma'], '.3g'):>11} "
                f"{_fmt(st['dec_hinf_optimization_over_sigma'], '.3g'):>8} "
                f"{st.get('telescopes')}")
    goal: list[str] = []
    if authors is not None and learned:
        a_per = _per_filter(a_st)
        for r in learned:
            st = r.extra["solver_stats"]
            ratio = a_med / st["rel_l2_median"] if st["rel_l2_median"] > 0 else math.inf
            with np.errstate(divide="ignore", invalid="ignore"):
                per = float(np.min(a_per / _per_filter(st)))
            lines.append(f"  (a)/(c) {r.method}: {_fmt(ratio, '.3g')} (medians; per filter "
                         f"at least {_fmt(per, '.3g')}) with {st['iterations']} steps vs "
                         f"(a)'s {a_st['iterations']}")
            if d == 16:
                goal.append(f"{r.method}: {_fmt(ratio, '.3g')} -> "
                            f"{'met' if ratio >= 10 and st['iterations'] <= 1000 else 'NOT met'}")
    return lines, "; ".join(goal)


def distill_report(rows: Sequence[Any]) -> str:
    """Per family and order: the table of (a), (b), (c) beside the Hankel bounds (with
    the realised order, the ratios (a)/row and H-infinity / sigma on every row), the
    notes (rank-limited models, sigma at rounding level, unstable poles), the
    decomposition of (c) and the ratio (a)/(c) of the median relative l2 error."""
    by: dict[str, dict[int, list[Any]]] = {}
    for r in rows:
        if "d" in r.extra and r.extra.get("status") != Status.NOT_APPLICABLE.code:
            fam = r.extra.get("family", "hyena")
            by.setdefault(fam, {}).setdefault(int(r.extra["d"]), []).append(r)
    if not by:
        return "distill: no rows"
    out: list[str] = []
    for fam in sorted(by, key=lambda f: DISTILL_FAMILIES.index(f)
                      if f in DISTILL_FAMILIES else len(DISTILL_FAMILIES)):
        first = next(iter(by[fam].values()))[0]
        picks = first.extra.get("filters")
        if out:
            out.append("")
        out += [f"Distillation of {_TITLES.get(fam, fam)} (C = {first.extra.get('C')}"
                + (f": layer/channel {picks}" if picks else "") + "; medians over the "
                "filters; rel l2 on taps 0..L-1; hinf = max |H - H_model| on 2L points of "
                "the unit circle, the model's full transfer function; sigma = sigma_(k+1), "
                "the AAK floor of every model of real order k = 2d; bt = 2 sum_(j>k) "
                "sigma_j; (a)/row = (a)'s median rel l2 over the row's; seconds: the row's "
                "wall time, (c) including its classical start)"]
        goal, steps = "", 0
        prev: dict[str, str] = {}
        for d in sorted(by[fam]):
            lines, g = _order_block(d, by[fam][d], prev)
            out += lines
            if g:
                goal = g
                steps = next((r.extra["solver_stats"]["iterations"] for r in by[fam][d]
                              if r.method == "authors.adamw"), 0)
        if goal:
            how = (f"at the published {PAPER_STEPS} steps" if steps >= PAPER_STEPS else
                   f"capped at {steps} of the published {PAPER_STEPS} steps; "
                   "--suite distill-paper runs them all")
            out += ["", f"goal at d = 16 ({fam}), (a)/(c) >= 10 with <= 1000 steps ((a) "
                    f"{how}): {goal}"]
    return "\n".join(out)


_DESCRIPTION = (
    "Hyena-recipe filters (C = 4) and a trained Hyena model's filters (C = 2: the "
    "hardest and the worst-conditioned), L = 2048, at d = 2..32 complex "
    "modes: the authors' distillation recipe (random ring, AdamW, {steps}), unit-circle "
    "AAA, ERA and ERA + modal balanced truncation, and variable projection (Levenberg-"
    "Marquardt, 150 steps) from each, and the H-infinity fit from balanced truncation of "
    "the FIR; relative l2 and H-infinity errors beside the AAK "
    "floor sigma_(k+1) and the BT bound, with the error decomposition of the learned fits")

_TRAIN_NOTE = "the first run trains the Hyena model (~5 min) unless its checkpoint is cached"
for _name, _build, _steps, _seconds, _note in (
        ("distill", build_distill_suite, f"capped at {AUTHORS_STEPS} steps", 400,
         f"AdamW's 3000 steps, LM and the balanced truncations at d = 32 dominate; "
         f"{_TRAIN_NOTE}"),
        ("distill-paper", build_distill_paper_suite, f"the published {PAPER_STEPS} steps",
         1800, f"AdamW's 30,000 steps are ~90 %; {_TRAIN_NOTE}; not run in CI")):
    register_suite(_name, _build, _DESCRIPTION.format(steps=_steps), distill_report,
                   needs=("torch",), typical_seconds=_seconds, time_note=_note, repeat=1)
