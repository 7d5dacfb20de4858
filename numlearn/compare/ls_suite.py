"""The ``least-squares`` suite: learned gradient-descent iterates against classical GD.

For each problem family of :data:`numlearn.learned.study.DEFAULT_FAMILIES` (the paper's
distribution n = 20, d = 5; condition number 8 and 30; targets scaled by 16 and 1/16;
n = 10 and 40; noisy right-hand sides), 1000 seeded problems are solved by

- ``numlearn.gradient_descent`` (classical, Numba, float64) with the family's step and
  iterate count,
- ``numlearn.lstsq(qr)`` (classical, Householder QR: the direct-solver anchor),
- the learned iterate of each architecture (linear attention, BaseConv, softmax
  Transformer), trained in float64 by :func:`numlearn.learned.training.trained_model`
  with :meth:`~numlearn.learned.training.TrainConfig.for_arch` (trained once, then
  loaded from the checkpoint cache, ``$NUMLEARN_CACHE`` or ``~/.cache/numlearn``),
  iterated with the same steps from the same start points.

The table scores every method against the drawn solution :math:`x^\\star` (all problems'
solutions stacked).  Each row's solver statistics hold the per-problem median and
interquartile range of :math:`\\|x - x^\\star\\|/\\|x^\\star\\|`; the report after the
table gives the training runs, the paper's float32 figures beside ours, the
per-iterate error decomposition in distribution, and the out-of-distribution table
with the generalization gaps.

Torch is imported only when the suite is built (``import numlearn`` stays torch-free).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from numlearn._core.result import Result, Status
from numlearn.compare.harness import Method
from numlearn.compare.suites import register_suite

__all__ = ["LEARNED_ARCHS", "LSCase"]

#: The learned architectures the suite trains, in the order of the table.
LEARNED_ARCHS: tuple[str, ...] = ("linear_attention", "baseconv", "softmax")
_BATCH = 1000
_SEED = 20261123


@dataclass
class LSCase:
    """A batch of least-squares problems of one family, with its iterate count and
    step rule: a problem of the harness (truth: the stacked solutions ``x*``)."""

    family: Any  # numlearn.learned.study.OODFamily
    index: int
    batch: int = _BATCH
    seed: int = _SEED
    _problems: Any = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return f"{self.family.label} (K={self.family.steps})"

    @property
    def grid_name(self) -> str:
        return f"x* of {self.batch} problems"

    @property
    def problems(self) -> Any:
        if self._problems is None:
            from numlearn.problems.least_squares import sample

            self._problems = sample(self.family.family, self.batch,
                                    seed=self.seed + self.index, **dict(self.family.params))
        return self._problems

    def truth(self) -> NDArray[np.float64]:
        return self.problems.x_star.ravel()


def _per_problem(x: NDArray[np.float64], case: LSCase) -> dict[str, float]:
    xs = case.problems.x_star
    rel = np.linalg.norm(x - xs, axis=1) / np.linalg.norm(xs, axis=1)
    q25, q50, q75 = np.quantile(rel, (0.25, 0.5, 0.75))
    return {"median_rel": float(q50), "q25_rel": float(q25), "q75_rel": float(q75),
            "median_mse": float(np.median(np.sum((x - xs) ** 2, axis=1) / xs.shape[1]))}


def _gd(case: LSCase) -> Result:
    from numlearn.classical.least_squares import gradient_descent

    P = case.problems
    res = gradient_descent(P.A, P.b, P.x0, steps=case.family.steps,
                           step_size=case.family.eta, history=False)
    stats = _per_problem(res.value, case)
    stats.update(median_cond=float(np.median(res.stats["cond"])),
                 median_floor=float(np.median(res.stats["floor"])))
    return Result(value=res.value.ravel(), status=res.status, message=res.message,
                  stats=stats,
                  method="gradient_descent", side="classical")


def _qr(case: LSCase) -> Result:
    from numlearn.classical.least_squares import lstsq_reference

    P = case.problems
    res = lstsq_reference(P.A, P.b, method="qr")
    x = np.asarray(res.value)
    return Result(value=x.ravel(), status=res.status, message=res.message,
                  stats=_per_problem(x, case),
                  method="lstsq(qr)", side="classical")


class _Learned:
    """Trains (or loads) one architecture on first use; keeps every study result for
    the report."""

    def __init__(self, arch: str, store: dict[str, Any]) -> None:
        self.arch = arch
        self.store = store
        self.training: Result | None = None

    def model(self) -> Any:
        if self.training is None:
            from numlearn.learned.training import TrainConfig, trained_model

            self.training = trained_model(TrainConfig.for_arch(self.arch))
            self.store.setdefault("training", {})[self.arch] = self.training
        return self.training.value

    def __call__(self, case: LSCase) -> Result:
        from numlearn.learned.study import iterated_study

        model = self.model()
        P = case.problems
        n = P.A.shape[1]
        if not model.supports_rows(n):
            self.store.setdefault("studies", {})[(case.index, self.arch)] = None
            return Result(value=np.full(P.x_star.size, np.nan),
                          status=Status.NOT_APPLICABLE,
                          message=f"the model runs only at n = {model.n}",
                          method=self.arch, side="learned")
        res = iterated_study(model, P, steps=case.family.steps, eta=case.family.eta)
        self.store.setdefault("studies", {})[(case.index, self.arch)] = res
        keep = ("median_rel_learned", "q25_rel_learned", "q75_rel_learned",
                "median_rel_gd", "median_representation", "median_grad_rel_x0",
                "median_floor", "median_mse_learned", "ratio_learned_gd")
        return Result(value=res.value.ravel(), status=res.status, message=res.message,
                      stats={k: res.stats[k] for k in keep}, method=self.arch,
                      side="learned")


_STORE: dict[str, Any] = {}


def _build() -> tuple[list[LSCase], list[Method], Callable[[Any], dict[str, Any]]]:
    from numlearn.learned.study import DEFAULT_FAMILIES

    _STORE.clear()
    _STORE["cases"] = cases = [LSCase(f, i) for i, f in enumerate(DEFAULT_FAMILIES)]
    methods = [Method("numlearn.gradient_descent", "classical", _gd),
               Method("numlearn.lstsq(qr)", "classical", _qr)]
    methods += [Method(f"learned.{a}", "learned", _Learned(a, _STORE))
                for a in LEARNED_ARCHS]

    def extra(case: LSCase) -> dict[str, Any]:
        return {"family": case.family.label, "steps": case.family.steps,
                "eta": case.family.eta, "batch": case.batch}

    return cases, methods, extra


def _report(rows: Sequence[Any]) -> str:
    from numlearn.learned.study import PAPER_FLOAT32, format_checkpoints, format_ood, ood_row

    out: list[str] = []
    training = _STORE.get("training", {})
    studies = _STORE.get("studies", {})
    cases: list[LSCase] = _STORE.get("cases", [])
    if training:
        out.append("training (float64, CPU unless the config says otherwise; single-step "
                   "relative gradient error on 4096 fresh problems):")
        out.append(f"{'model':<18} {'params':>7} {'grad rel err':>13} {'train s':>9} "
                   f"{'cached':>7}  status")
        for arch, tr in training.items():
            s = tr.stats
            out.append(f"{arch:<18} {s.get('num_parameters', 0):>7} "
                       f"{s.get('grad_rel_l2', float('nan')):>13.2e} "
                       f"{s.get('time', float('nan')):>9.1f} {s.get('cached')!s:>7}  "
                       f"{tr.status.code}")
    if cases and studies:
        first = cases[0]
        out.append("\nthe paper (float32, Fig. 1, read off log axes) beside ours (float64), "
                   "median MSE ||x - x*||^2/d in distribution:")
        for k, v in PAPER_FLOAT32.items():
            out.append(f"  paper  {k:<58} {v:.1e}")
        for arch in LEARNED_ARCHS:
            res = studies.get((0, arch))
            if res is None:
                continue
            for r in res.stats["checkpoints"]:
                if r["k"] in (100, first.family.steps):
                    what = f"{arch}, {r['k']} iterates"
                    out.append(f"  ours   {what:<58} "
                               f"{r['mse_learned']['median']:.1e}   (classical GD "
                               f"{r['mse_gd']['median']:.1e})")
        for arch in LEARNED_ARCHS:
            res = studies.get((0, arch))
            if res is not None:
                out.append(f"\nper-iterate error decomposition, {arch}, {first.name}, "
                           f"{first.batch} problems (relative to ||x*||):")
                out.append(format_checkpoints(res))
        ood: list[dict[str, Any]] = []
        base: dict[str, dict[str, Any]] = {}
        for case in cases:
            for arch in LEARNED_ARCHS:
                if (case.index, arch) not in studies:
                    continue
                res = studies[(case.index, arch)]
                row = ood_row(case.family, arch, res, n=case.problems.A.shape[1],
                              reference=base.get(arch),
                              trained_n=training[arch].value.n if arch in training else None)
                if case.index == 0 and res is not None:
                    base[arch] = row
                ood.append(row)
        out.append("\nout of distribution: learned iterate vs classical GD (medians "
                   "relative to ||x*||; gap = median / in-distribution median):")
        out.append(format_ood(ood))
    return "\n".join(out)


register_suite(
    "least-squares",
    _build,
    "learned GD iterates (linear attention, BaseConv, softmax; trained in float64 or "
    "loaded from the checkpoint cache) vs classical GD and QR on the paper's problems "
    "and 7 out-of-distribution families, 1000 problems each",
    _report,
)
