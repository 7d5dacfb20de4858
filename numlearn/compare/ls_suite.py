"""The ``least-squares`` suite: learned gradient-descent iterates against classical GD.

For each problem family of
:data:`numlearn.learned.least_squares.DEFAULT_FAMILIES` (the paper's
distribution n = 20, d = 5; condition number 8 and 30; targets scaled by 16 and 1/16;
n = 10 and 40; noisy right-hand sides), 1000 seeded problems are solved by

- ``numlearn.gradient_descent`` (classical, Numba, float64) with the family's step and
  iterate count,
- ``numlearn.lstsq(qr)`` (classical, Householder QR: the direct-solver anchor),
- the learned iterate of each architecture (linear attention, BaseConv, softmax
  Transformer), trained in float64 by :func:`numlearn.learned.checkpoint.trained_model`
  with :meth:`~numlearn.learned.config.TrainConfig.for_arch` (trained once, then
  loaded from the checkpoint cache, ``$NUMLEARN_CACHE`` or ``~/.cache/numlearn``),
  iterated with the same steps from the same start points.

The table scores every method against the family's truth :math:`x^\\star` (all
problems' solutions stacked: the drawn solution, or the mpmath solution for the noisy
family).  Each row's solver statistics hold the per-problem median and
interquartile range of :math:`\\|x - x^\\star\\|/\\|x^\\star\\|`; the report after the
table gives the training runs, the paper's float32 figures beside ours, the
per-iterate error decomposition in distribution
(:func:`numlearn.precision.decomposition.least_squares_decomposition`: classical GD vs
:math:`x^\\star` is the conditioning/algorithmic term, learned vs classical GD the
optimization term), and the out-of-distribution table with the generalization gaps.

The suite's state (the cases, the trained models, the studies the report needs) lives
in the :class:`LeastSquaresSuite` object whose ``build`` and ``report`` are
registered; every ``build()`` starts afresh.

Torch is imported only when the suite is built (``import numlearn`` stays torch-free).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from numlearn._core.result import Result, Status
from numlearn.compare.harness import Method
from numlearn.compare.suites import register_suite
from numlearn.problems.least_squares import LeastSquaresFamily

__all__ = ["LEARNED_ARCHS", "LeastSquaresSuite"]

#: The learned architectures the suite trains, in the order of the table.
LEARNED_ARCHS: tuple[str, ...] = ("linear_attention", "baseconv", "softmax")
_BATCH = 1000
_SEED = 20261123


def _per_problem(x: NDArray[np.float64], case: LeastSquaresFamily) -> dict[str, float]:
    xs = case.problems.x_star
    rel = np.linalg.norm(x - xs, axis=1) / np.linalg.norm(xs, axis=1)
    q25, q50, q75 = np.quantile(rel, (0.25, 0.5, 0.75))
    return {"median_rel": float(q50), "q25_rel": float(q25), "q75_rel": float(q75),
            "median_mse": float(np.median(np.sum((x - xs) ** 2, axis=1) / xs.shape[1]))}


def _gd(case: LeastSquaresFamily) -> Result:
    from numlearn.classical.least_squares import gradient_descent

    P = case.problems
    res = gradient_descent(P.A, P.b, P.x0, steps=case.steps, step_size=case.eta,
                           history=False)
    stats = _per_problem(res.value, case)
    stats.update(median_cond=float(np.median(res.stats["cond"])),
                 median_floor=float(np.median(res.stats["floor"])))
    return Result(value=res.value.ravel(), status=res.status, message=res.message,
                  stats=stats, method="gradient_descent", side="classical")


def _qr(case: LeastSquaresFamily) -> Result:
    from numlearn.classical.least_squares import lstsq_reference

    P = case.problems
    res = lstsq_reference(P.A, P.b, method="qr")
    x = np.asarray(res.value)
    return Result(value=x.ravel(), status=res.status, message=res.message,
                  stats=_per_problem(x, case), method="lstsq(qr)", side="classical")


def _say(line: str) -> None:
    """A progress line on stderr, beside the training bars (stdout has the table)."""
    print(line, file=sys.stderr, flush=True)


def _train(arch: str) -> Result:
    from numlearn.learned import _checkpoint_format as fmt
    from numlearn.learned.checkpoint import cache_directory, trained_model
    from numlearn.learned.config import TrainConfig

    config = TrainConfig.for_arch(arch)
    path = cache_directory() / f"{config.arch}-{fmt.cache_key(config)[:16]}.pt"
    if path.exists():
        _say(f"learned.{arch}: loading the cached checkpoint {path}")
    else:
        budget = ("no time limit" if config.max_time is None
                  else f"at most {config.max_time / 60:.0f} min")
        _say(f"learned.{arch}: training: Adam {config.steps} steps, then {config.polish} "
             f"up to {config.polish_iters} iterations, up to {config.max_restarts} "
             f"restarts ({budget}; the bars show each phase's ETA); checkpoint -> {path}")
    res = trained_model(config)
    if not res.stats.get("cached"):
        _say(f"learned.{arch}: trained in {res.stats.get('seconds', 0.0):.0f} s "
             f"({res.status.code}); checkpoint {res.stats.get('checkpoint', path)}")
    return res


class _Learned:
    """One architecture: trained (or loaded) on first use; its studies go to the
    suite for the report."""

    _KEEP = ("median_rel_learned", "q25_rel_learned", "q75_rel_learned", "median_rel_gd",
             "median_optimization", "median_grad_rel_x0", "median_floor",
             "median_mse_learned", "ratio_learned_gd")

    def __init__(self, arch: str, suite: LeastSquaresSuite) -> None:
        self.arch = arch
        self.suite = suite

    def model(self) -> Any:
        training = self.suite.training.get(self.arch)
        if training is None:
            training = self.suite.training[self.arch] = self.suite.train(self.arch)
        return training.value

    def __call__(self, case: LeastSquaresFamily) -> Result:
        import torch

        # One intra-op thread: the tensors are small (n x d = 20 x 5), and suites run
        # beside other jobs (--workers) whose threads the pool would fight.
        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self._run(case)
        finally:
            torch.set_num_threads(before)

    def _run(self, case: LeastSquaresFamily) -> Result:
        from numlearn.learned.least_squares import iterated_study

        model = self.model()
        P = case.problems
        if not model.supports_rows(P.n):
            self.suite.studies[(case.label, self.arch)] = None
            return Result(value=np.full(P.x_star.size, np.nan),
                          status=Status.NOT_APPLICABLE,
                          message=f"the model runs only at n = {model.n}",
                          method=self.arch, side="learned")
        res = iterated_study(model, P, steps=case.steps, eta=case.eta)
        self.suite.studies[(case.label, self.arch)] = res
        return Result(value=res.value.ravel(), status=res.status, message=res.message,
                      stats={k: res.stats[k] for k in self._KEEP}, method=self.arch,
                      side="learned")


class LeastSquaresSuite:
    """The ``least-squares`` suite: :meth:`build` for the harness, then :meth:`report`.

    Parameters
    ----------
    families : sequence of LeastSquaresFamily, optional
        Default :data:`numlearn.learned.least_squares.DEFAULT_FAMILIES` (the first is
        the in-distribution reference of the report's gaps).
    batch : int
        Problems per family.
    seed : int
        Family ``i`` draws with ``seed + i``.
    archs : sequence of str
        Learned architectures, default :data:`LEARNED_ARCHS`.
    train : callable, optional
        ``train(arch) -> Result`` whose ``value`` is the model (default: the
        checkpoint cache's :func:`~numlearn.learned.checkpoint.trained_model` with
        :meth:`~numlearn.learned.config.TrainConfig.for_arch`).
    """

    def __init__(
        self,
        families: Sequence[LeastSquaresFamily] | None = None,
        *,
        batch: int = _BATCH,
        seed: int = _SEED,
        archs: Sequence[str] = LEARNED_ARCHS,
        train: Callable[[str], Result] = _train,
    ) -> None:
        self.families = families
        self.batch = batch
        self.seed = seed
        self.archs = tuple(archs)
        self.train = train
        self.cases: list[LeastSquaresFamily] = []
        self.training: dict[str, Result] = {}
        self.studies: dict[tuple[str, str], Result | None] = {}

    def build(self) -> tuple[list[LeastSquaresFamily], list[Method],
                             Callable[[Any], dict[str, Any]]]:
        """The cases (one seeded batch per family), the methods and the row extras."""
        families = self.families
        if families is None:
            from numlearn.learned.least_squares import DEFAULT_FAMILIES

            families = DEFAULT_FAMILIES
        self.cases = [replace(f, batch=self.batch, seed=self.seed + i)
                      for i, f in enumerate(families)]
        self.training, self.studies = {}, {}
        methods = [Method("numlearn.gradient_descent", "classical", _gd),
                   Method("numlearn.lstsq(qr)", "classical", _qr)]
        # in_process: the models and studies stay in this suite object (the report).
        methods += [Method(f"learned.{a}", "learned", _Learned(a, self), in_process=True)
                    for a in self.archs]
        return self.cases, methods, _extra

    def report(self, rows: Sequence[Any]) -> str:
        """Training runs, the paper's figures beside ours, the per-iterate
        decomposition in distribution and the out-of-distribution table."""
        from numlearn.learned.least_squares import (
            PAPER_FLOAT32,
            format_checkpoints,
            format_ood,
            ood_row,
        )

        out: list[str] = []
        training, studies, cases = self.training, self.studies, self.cases
        if training:
            out.append("training (float64, CPU unless the config says otherwise; "
                       "single-step relative gradient error on 4096 fresh problems):")
            out.append(f"{'model':<18} {'params':>7} {'grad rel err':>13} {'train s':>9} "
                       f"{'cached':>7}  status")
            for arch, tr in training.items():
                s = tr.stats
                out.append(f"{arch:<18} {s.get('num_parameters', 0):>7} "
                           f"{s.get('grad_rel_l2', float('nan')):>13.2e} "
                           f"{s.get('seconds', float('nan')):>9.1f} "
                           f"{s.get('cached')!s:>7}  {tr.status.code}")
        if not (cases and studies):
            return "\n".join(out)
        first = cases[0]
        out.append("\nthe paper (float32, Fig. 1, read off log axes) beside ours (float64), "
                   "median MSE ||x - x*||^2/d in distribution:")
        for k, v in PAPER_FLOAT32.items():
            out.append(f"  paper  {k:<58} {v:.1e}")
        for arch in self.archs:
            res = studies.get((first.label, arch))
            if res is None:
                continue
            for r in res.stats["checkpoints"]:
                if r["k"] in (100, first.steps):
                    what = f"{arch}, {r['k']} iterates"
                    out.append(f"  ours   {what:<58} "
                               f"{r['mse_learned']['median']:.1e}   (classical GD "
                               f"{r['mse_gd']['median']:.1e})")
        for arch in self.archs:
            res = studies.get((first.label, arch))
            if res is not None:
                out.append(f"\nper-iterate error decomposition, {arch}, {first.name}, "
                           f"{first.batch} problems (relative to ||x*||):")
                out.append(format_checkpoints(res))
        ood: list[dict[str, Any]] = []
        base: dict[str, dict[str, Any]] = {}
        for i, case in enumerate(cases):
            for arch in self.archs:
                if (case.label, arch) not in studies:
                    continue
                res = studies[(case.label, arch)]
                row = ood_row(case, arch, res, n=case.problems.n, reference=base.get(arch),
                              trained_n=training[arch].value.n if arch in training else None)
                if i == 0 and res is not None:
                    base[arch] = row
                ood.append(row)
        out.append("\nout of distribution: learned iterate vs classical GD (medians "
                   "relative to ||x*||; gap = median / in-distribution median):")
        out.append(format_ood(ood))
        return "\n".join(out)


def _extra(case: LeastSquaresFamily) -> dict[str, Any]:
    return {"family": case.label, "iterations": case.steps, "eta": case.eta,
            "batch": case.batch}


_SUITE = LeastSquaresSuite()
register_suite(
    "least-squares",
    _SUITE.build,
    "learned GD iterates (linear attention, BaseConv, softmax; trained in float64 or "
    "loaded from the checkpoint cache) vs classical GD and QR on the paper's problems "
    "and 7 out-of-distribution families, 1000 problems each",
    _SUITE.report,
    needs=("torch",),
    typical_seconds=3600,
    time_note="the first run trains 3 models, each up to 30 min (5-25 min measured); "
              "later runs load them from the checkpoint cache",
)
