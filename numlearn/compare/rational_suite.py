"""The ``rational`` suite: AAA (numlearn, SciPy, baryrat) and AAA-Lawson on one set of
rational-approximation problems (``numlearn compare --suite rational``).

Each :class:`RationalProblem` is a closed-form function on a sample set (an interval,
the unit circle, a complex spiral), a number of barycentric terms ``m`` (type
``(m - 1, m - 1)``) given to every method, and an evaluation set *different from*
the samples (midpoints of a finer grid), on which the harness scores the returned
values against the closed form.  The methods (:func:`rational_methods`):

* ``numlearn.aaa``: :func:`numlearn.classical.rational.aaa.aaa` with
  ``degree = m - 1``, ``rtol = 0`` (all ``m`` terms), cleanup on (its default);
* ``scipy.AAA``: :class:`scipy.interpolate.AAA` (SciPy >= 1.15), same ``m`` and
  ``rtol``, ``clean_up`` on (its default);
* ``baryrat.aaa``: ``baryrat.aaa(Z, F, tol=0, mmax=m)`` (no cleanup in baryrat);
* ``numlearn.aaa_lawson``: :func:`numlearn.classical.rational.lawson.aaa_lawson` of
  degree ``m - 1`` (adaptive steps), on the interval and unit-circle problems; its
  row's solver statistics carry the equioscillation report, which the suite's report
  prints beside AAA's error.

A method whose package is missing returns a ``not_applicable`` row naming the
install command, as the other suites do for their extras.

Extension point: :func:`rational_problems` and :func:`rational_methods` return the
lists; :func:`build_rational_suite` takes further problems and methods (e.g. the
filter-distillation rows) and joins them.  A method given a problem it does not know
returns ``not_applicable``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from numlearn._core.lazy import is_installed
from numlearn._core.result import Result, Status
from numlearn._core.validation import (
    check_choice,
    check_even,
    check_flag,
    check_int,
    check_positive,
)
from numlearn.compare.harness import Method
from numlearn.compare.suites import register_suite

__all__ = [
    "RATIONAL_TARGETS",
    "RationalProblem",
    "build_rational_suite",
    "rational_methods",
    "rational_problems",
]


@cache
def _butter() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    from scipy.signal import butter

    return butter(6, 0.3)  # (b, a): a 6th-order digital low-pass filter


def _filter_response(z: NDArray[Any]) -> NDArray[Any]:
    """H(z) = B(z^-1) / A(z^-1) of the Butterworth filter: a type (6, 6) rational."""
    b, a = _butter()
    w = 1.0 / z
    return np.polyval(b[::-1], w) / np.polyval(a[::-1], w)


#: The closed forms, by name (module-level functions, so problems pickle for
#: ``--workers``).
RATIONAL_TARGETS: dict[str, Callable[[NDArray[Any]], NDArray[Any]]] = {
    "abs": np.abs,
    "exp": np.exp,
    "tan": lambda x: np.tan(np.pi * x / 2),
    "log": lambda x: np.log(1.1 - x),
    "butter6": _filter_response,
}

_LABEL = {"abs": "|x|", "exp": "exp", "tan": "tan(pi x/2)", "log": "log(1.1-x)",
          "butter6": "butter(6,.3)"}


@dataclass(frozen=True)
class RationalProblem:
    """A closed-form function on a sample set, with ``terms`` barycentric terms.

    Parameters
    ----------
    target : str
        Key of :data:`RATIONAL_TARGETS`.
    domain : {"interval", "clustered", "circle", "spiral"}
        ``interval``: ``samples`` Chebyshev points of [-1, 1] (``[-a, a]`` with
        ``half_width``); ``clustered``: ``samples / 2`` points ``+-logspace(-8, 0)``
        each side and 0 (exponential clustering at 0, for ``|x|``); ``circle``: the ``samples``-th
        roots of unity; ``spiral``: ``exp(t (-0.5 ... 0.5 + 15 i pi))`` at ``samples``
        equispaced ``t`` (the SciPy ``AAA`` docstring's set).
    terms : int
        Barycentric terms ``m`` (type ``(m - 1, m - 1)``).
    samples : int
        ``k``, even (the evaluation points then never coincide with a sample).
    half_width : float
        For ``interval``: the interval is ``[-half_width, half_width]``.
    lawson : bool
        Whether AAA-Lawson applies (a real interval or a closed curve).
    """

    target: str
    domain: str
    terms: int
    samples: int = 2000
    half_width: float = 1.0
    lawson: bool = True

    def __post_init__(self) -> None:
        check_choice(self.target, "target", tuple(RATIONAL_TARGETS))
        check_choice(self.domain, "domain", ("interval", "clustered", "circle", "spiral"))
        terms = check_int(self.terms, "terms", minimum=1)
        check_even(self.samples, "samples", minimum=max(4, 2 * terms),
                   reason="so that no evaluation point is a sample")
        check_positive(self.half_width, "half_width")
        check_flag(self.lawson, "lawson")

    @property
    def name(self) -> str:
        where = {"interval": f"[-{self.half_width:g},{self.half_width:g}]",
                 "clustered": "[-1,1]c", "circle": "|z|=1", "spiral": "spiral"}[self.domain]
        return f"{_LABEL[self.target]} {where} m={self.terms}"

    @property
    def grid_name(self) -> str:
        return f"{self.domain}: midpoints between 4x{self.samples} points"

    def _points(self, evaluation: bool) -> NDArray[Any]:
        k = self.samples
        if evaluation:  # 4k parameters strictly between the samples' (k is even)
            t = (np.arange(4 * k) + 0.5) / (4 * k)
        elif self.domain == "circle":
            t = np.arange(k) / k  # the k-th roots of unity
        else:
            t = np.arange(k) / (k - 1)  # both ends
        if self.domain == "interval":  # Chebyshev points (2nd kind) of [-a, a]
            return -self.half_width * np.cos(np.pi * t)
        if self.domain == "clustered":
            h = np.logspace(-8, 0, k // 2)
            if evaluation:  # geometric midpoints, off the samples and off 0
                h = np.logspace(-8, 0, 2 * k)
                h = np.sqrt(h[:-1] * h[1:])
                return np.r_[-h[::-1], h]
            return np.r_[-h[::-1], 0.0, h]
        if self.domain == "circle":
            return np.exp(2j * np.pi * t)
        return np.exp(-0.5 + t * (1.0 + 15j * np.pi))

    def sample_points(self) -> NDArray[Any]:
        """Where every method sees the function."""
        return self._points(False)

    def eval_points(self) -> NDArray[Any]:
        """Where the harness scores it: 4x as many points, none of them a sample."""
        return self._points(True)

    def sample_values(self) -> NDArray[Any]:
        return RATIONAL_TARGETS[self.target](self.sample_points())

    def truth(self) -> NDArray[Any]:
        """The closed form at :meth:`eval_points`."""
        return RATIONAL_TARGETS[self.target](self.eval_points())


def rational_problems() -> list[RationalProblem]:
    """The suite's problems (the whole suite: about 5 s)."""
    return [
        RationalProblem("abs", "clustered", 11),
        RationalProblem("exp", "interval", 4),
        RationalProblem("tan", "interval", 6, half_width=0.999),
        RationalProblem("log", "interval", 8),
        RationalProblem("exp", "circle", 4, samples=1000),
        RationalProblem("butter6", "circle", 5, samples=1000),
        RationalProblem("tan", "spiral", 8, samples=1000, lawson=False),
    ]


def _not_applicable(p: Any, method: str, why: str) -> Result:
    shape = np.shape(p.truth()) if hasattr(p, "truth") else ()
    return Result(np.full(shape, np.nan), side="classical", status=Status.NOT_APPLICABLE,
                  message=why, method=method)


def _row(p: RationalProblem, r: Callable[[Any], Any], method: str, terms: int,
         res: Result | None = None) -> Result:
    values = np.asarray(r(p.eval_points()))
    stats: dict[str, Any] = {"terms": terms}
    status, message = Status.SUCCESS, ""
    if res is not None:
        stats.update({k: v for k, v in res.stats.items() if k != "seconds"})
        status, message = res.status, res.message
    if not np.all(np.isfinite(values)):
        status, message = Status.DIVERGED, "non-finite values on the evaluation set"
    return Result(values, side="classical", status=status, message=message, stats=stats,
                  method=method)


def _numlearn_aaa(p: Any) -> Result:
    if not isinstance(p, RationalProblem):
        return _not_applicable(p, "numlearn.aaa", "not a RationalProblem")
    from numlearn.classical.rational.aaa import aaa

    res = aaa(p.sample_points(), p.sample_values(), degree=p.terms - 1, rtol=0.0)
    return _row(p, res.value, "numlearn.aaa", res.value.degree + 1, res)


def _scipy_aaa(p: Any) -> Result:
    if not isinstance(p, RationalProblem):
        return _not_applicable(p, "scipy.AAA", "not a RationalProblem")
    try:
        from scipy.interpolate import AAA
    except ImportError:
        return _not_applicable(p, "scipy.AAA", "scipy.interpolate.AAA needs SciPy >= 1.15: "
                               "pip install -U scipy")
    import warnings

    with warnings.catch_warnings():  # "failed to converge" is expected at fixed terms
        warnings.simplefilter("ignore", RuntimeWarning)
        r = AAA(p.sample_points(), p.sample_values(), rtol=0.0, max_terms=p.terms)
    return _row(p, r, "scipy.AAA", r.support_points.size)


def _baryrat_aaa(p: Any) -> Result:
    if not isinstance(p, RationalProblem):
        return _not_applicable(p, "baryrat.aaa", "not a RationalProblem")
    if not is_installed("baryrat"):
        return _not_applicable(p, "baryrat.aaa", "baryrat is not installed: pip install "
                               "'numlearn[compare]' (or pip install baryrat)")
    import baryrat

    r = baryrat.aaa(p.sample_points(), p.sample_values(), tol=0.0, mmax=p.terms)
    return _row(p, r, "baryrat.aaa", np.size(r.nodes))


def _numlearn_lawson(p: Any) -> Result:
    if not isinstance(p, RationalProblem) or not p.lawson:
        return _not_applicable(p, "numlearn.aaa_lawson", (
            "AAA-Lawson's equioscillation report needs a real interval or a closed curve"))
    import warnings

    from numlearn.classical.rational.lawson import aaa_lawson

    with warnings.catch_warnings():  # the status and the report say it
        warnings.simplefilter("ignore", RuntimeWarning)
        res = aaa_lawson(p.sample_points(), p.sample_values(), p.terms - 1)
    return _row(p, res.value, "numlearn.aaa_lawson", res.value.degree + 1, res)


def rational_methods() -> list[Method]:
    """The suite's methods (AAA of three packages, AAA-Lawson)."""
    return [
        Method("numlearn.aaa", "classical", _numlearn_aaa),
        Method("scipy.AAA", "classical", _scipy_aaa),
        Method("baryrat.aaa", "classical", _baryrat_aaa),
        Method("numlearn.aaa_lawson", "classical", _numlearn_lawson),
    ]


def _extra(p: Any) -> dict[str, Any]:
    if not isinstance(p, RationalProblem):
        return {}
    return {"target": p.target, "domain": p.domain, "terms": p.terms, "samples": p.samples}


def build_rational_suite(
    extra_problems: Sequence[Any] = (), extra_methods: Sequence[Method] = ()
) -> tuple[list[Any], list[Method], Callable[[Any], dict[str, Any]]]:
    """The suite's problems and methods, plus any given (the extension point): every
    method runs on every problem, and answers ``not_applicable`` to ones it does not
    know."""
    return ([*rational_problems(), *extra_problems], [*rational_methods(), *extra_methods],
            _extra)


#: The distillation study the report runs after the AAA table (keywords of
#: :func:`~numlearn.compare.studies.distill_orders_report`; about 15 s on 2 cores);
#: ``None`` skips it.  ``bench/bench_distill_orders.py`` runs the full study (L = 2048).
DISTILL_REPORT: dict[str, Any] | None = {"C": 1, "L": 512,
                                         "methods": ("aaa", "era", "bt_modal")}


def _report(rows: Sequence[Any]) -> str:
    """AAA-Lawson's equioscillation report beside numlearn's AAA at the same terms, then
    the distillation of the filter families over the order (:data:`DISTILL_REPORT`)."""
    aaa_rows = {r.problem: r for r in rows if r.method == "numlearn.aaa"}
    lines = ["AAA-Lawson vs AAA (max error on the evaluation set; ratio = min/max |e| at "
             "the alternant (interval) or on the curve (circle); lower bound = certified "
             "E* >= ...):",
             f"{'problem':<32} {'AAA':>9} {'Lawson':>9} {'lower bd':>9} {'ratio':>6} "
             f"{'points':>7} {'steps':>5} status",
             "(points: alternation points / 2n + 2 on an interval; w = winding number of "
             "the error curve / 2n + 1 on a circle)"]
    for r in rows:
        if r.method != "numlearn.aaa_lawson" or r.extra.get("status") == "not_applicable":
            continue
        st = r.extra.get("solver_stats", {})
        a = aaa_rows.get(r.problem)
        need = st.get("equioscillation_required", "?")
        if r.extra.get("domain") == "circle":  # turns of the error curve / 2n + 1
            pts = f"w{st.get('winding_number', '?')}/{need}"
        else:  # alternation points / 2n + 2
            pts = f"{st.get('equioscillation_points', '?')}/{need}"
        lines.append(
            f"{r.problem:<32} {a.max_abs if a else math.nan:>9.2e} {r.max_abs:>9.2e} "
            f"{st.get('minimax_lower_bound', math.nan):>9.2e} "
            f"{st.get('equioscillation_ratio', math.nan):>6.3f} {pts:>7} "
            f"{st.get('iterations', 0):>5} {r.extra.get('status', '')}")
    if DISTILL_REPORT is not None:
        from numlearn.compare.studies.distill_orders import distill_orders_report

        lines += ["", distill_orders_report(**DISTILL_REPORT)]
    return "\n".join(lines)


register_suite(
    "rational",
    build_rational_suite,
    "AAA (numlearn, scipy.interpolate.AAA, baryrat) at the same number of terms on |x|, "
    "exp, tan near its poles, log(1.1 - x), exp and a Butterworth filter on the unit "
    "circle, tan on a complex spiral; AAA-Lawson (near-minimax, with its equioscillation "
    "report) where it applies; then unit-circle AAA, ERA and balanced truncation of "
    "filter families over the order beside the Hankel bounds",
    _report,
    typical_seconds=25,
    time_note="the distillation table in the report dominates",
)
