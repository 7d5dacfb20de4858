"""The comparison harness: run methods on problems, collect rows of metrics.

A *problem* knows its truth on an evaluation grid; a *method* maps a problem to
values on that grid.  :func:`run_comparison` runs every method on every problem,
times it, scores it against the truth with the named metrics of
:mod:`numlearn.precision.metrics`, and attaches an error decomposition where the
method provides one.  Classical and learned methods are interchangeable: both
return values on the grid (or a :class:`numlearn.Result` whose ``value`` is those
values).
"""

from __future__ import annotations

import json
import math
import os
import time
import warnings
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from numlearn._core.result import Result, Status
from numlearn._core.validation import check_choice, check_flag, check_int
from numlearn.compare.parallel import run_tasks
from numlearn.precision.metrics import max_abs, rel_l2, rmse
from numlearn.problems.protocol import HarnessProblem

__all__ = [
    "Method",
    "Row",
    "format_table",
    "run_comparison",
    "write_json",
]

#: Most runs per method :func:`run_comparison` accepts (the best time of 1000 runs is
#: as good as it gets; more is a typo, e.g. ``2**63``, that would never finish).
MAX_REPEAT = 1000


@dataclass(frozen=True)
class Method:
    """A named way of solving a problem.

    Parameters
    ----------
    name : str
        Short label shown in tables (``"numlearn.barycentric"``).
    side : {"classical", "learned"}
    run : callable
        ``run(problem) -> values on the grid`` or a :class:`numlearn.Result` whose
        ``value`` is those values.
    decompose : callable, optional
        ``decompose(problem, values) -> ErrorDecomposition`` (not timed).
    in_process : bool, default False
        True for a method that keeps state in the calling process (models it trains
        once, studies a suite's report reads): :func:`run_comparison` with an
        ``executor`` still runs it in the calling process, after the parallel work.
    max_repeat : int, optional
        At most this many runs per problem, whatever ``repeat`` the comparison asks
        (1 for a method that trains a model: its time is one training, and the
        retrainings would give the same values).
    """

    name: str
    side: str
    run: Callable[[Any], Any]
    decompose: Callable[[Any, NDArray[Any]], Any] | None = None
    in_process: bool = False
    max_repeat: int | None = None

    def __post_init__(self) -> None:
        _check_label(self.name, "name")
        check_choice(self.side, "side", ("classical", "learned"))
        _check_callable(self.run, "run", "run(problem) -> values on the grid")
        if self.decompose is not None:
            _check_callable(self.decompose, "decompose",
                            "decompose(problem, values) -> ErrorDecomposition")
        object.__setattr__(self, "in_process", check_flag(self.in_process, "in_process"))
        if self.max_repeat is not None:
            object.__setattr__(self, "max_repeat", check_int(
                self.max_repeat, "max_repeat", minimum=1, maximum=MAX_REPEAT))


@dataclass
class Row:
    """One method on one problem: the JSON row of ``numlearn compare --json``."""

    problem: str
    method: str
    side: str
    rel_l2: float
    rmse: float
    max_abs: float
    seconds: float
    grid: str
    decomposition: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("problem", "method", "grid"):
            _check_label(getattr(self, name), name)
        check_choice(self.side, "side", ("classical", "learned"))
        # The metrics may be NaN (the method does not apply) or inf (it diverged);
        # they are never negative.
        for name in ("rel_l2", "rmse", "max_abs", "seconds"):
            v = getattr(self, name)
            if isinstance(v, bool | np.bool_) or not isinstance(v, int | float | np.number) \
                    or isinstance(v, complex | np.complexfloating):
                raise TypeError(f"`{name}` must be a real number, got "
                                f"{type(v).__name__} {v!r}.")
            if v < 0 or (name == "seconds" and not math.isfinite(v)):
                raise ValueError(f"`{name}` must be >= 0"
                                 f"{' and finite' if name == 'seconds' else ''}, got {v!r}.")
        if self.decomposition is not None and not isinstance(self.decomposition, dict):
            raise TypeError(f"`decomposition` must be None or a dict, got "
                            f"{type(self.decomposition).__name__}.")
        if not isinstance(self.extra, dict):
            raise TypeError(f"`extra` must be a dict, got {type(self.extra).__name__}.")

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        extra = d.pop("extra")
        d.update(extra)
        return d


def run_comparison(
    problems: Sequence[HarnessProblem],
    methods: Sequence[Method],
    *,
    repeat: int = 1,
    extra: Callable[[Any], dict[str, Any]] | None = None,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
    on_row: Callable[[Row], None] | None = None,
    skip: Collection[tuple[str, str]] | None = None,
) -> list[Row]:
    """Run every method on every problem and score it on the problem's grid.

    Parameters
    ----------
    problems : sequence of HarnessProblem
        Each names itself and its grid and returns its truth on that grid.
    methods : sequence of Method
    repeat : int, default 1
        Runs per method, ``1 <= repeat <= MAX_REPEAT`` (1000); the reported time is
        the best (the first run of a Numba kernel includes loading its cache, so use
        ``repeat >= 2`` for timings).
    extra : callable, optional
        ``extra(problem) -> dict`` of problem keys added to every row (e.g. ``n``).
    progress : callable, optional
        Called with a line of text after each row (the CLI prints it).
    executor : concurrent.futures.Executor, optional
        Run the problems in parallel on it (a ``ProcessPoolExecutor``, a
        ``ThreadPoolExecutor``, a Dask ``Client.get_executor()``); ``None`` runs
        them here, one after the other.  One task per problem: it computes the
        truth once and runs the methods one after the other, as the serial loop does,
        so each method's time is its own (on the worker's share of the cores,
        :func:`numlearn.compare.parallel.task_threads`).  The rows come back in the
        serial order with the same metrics (to the bit when the workers and the
        serial run use the same BLAS thread count: LAPACK's QR rounds differently on
        one and two threads); only ``seconds`` differs.
        Methods marked ``in_process`` run here, after the parallel work.  One task
        at a time runs in each process, since mpmath's working precision, which the
        truths and decompositions set, is global to a process: use worker processes
        (a process pool; a Dask cluster of one-thread workers); a thread pool or a
        Dask cluster with ``processes=False`` runs the tasks one after another, with
        a warning.  A process pool needs picklable problems, methods and ``extra`` (module-level
        functions, :func:`functools.partial`; no lambdas or closures); a Dask cluster
        pickles with cloudpickle.  Warnings raised in worker processes are raised
        again here.
    on_row : callable, optional
        ``on_row(row)``, called here with each :class:`Row` as it finishes (after
        ``progress``; the CLI streams the rows to the table and the ``--json``
        file); with an executor, in the order the problems finish.
    skip : collection of (str, str), optional
        ``(problem name, method name)`` pairs not to run (a set, list or tuple of
        pairs; ``numlearn compare --resume`` passes the rows already in its file, and
        ``--problems`` / ``--methods`` the pairs not selected).  A problem whose
        methods are all skipped is not solved at all (no truth, no task).  Every pair
        must name a problem and a method of this comparison.

    Returns
    -------
    list of Row
        The rows of the pairs not skipped, in the serial order (problems, then
        methods within a problem).
        Metrics: relative L2 (``||u - v|| / ||u||``), RMSE, max abs error on the
        problem's evaluation grid (named in ``grid``); inf when the method returned
        non-finite values (diverged), NaN when it returned a Result whose ``status``
        is ``not_applicable`` (the method does not apply to the problem);
        :func:`write_json` writes both as ``null``, beside the row's ``status``.
        A method that returns non-finite values without a Result saying so (or under
        status ``success``) gets a `RuntimeWarning` and the row's status ``diverged``.

    Raises
    ------
    TypeError
        If ``problems`` or ``methods`` is not a sequence of problems / of
        :class:`Method`, ``extra`` / ``progress`` / ``on_row`` is not callable,
        ``skip`` is not a collection of pairs of strings,
        ``executor`` is not a ``concurrent.futures.Executor``, or (with a process
        pool) a problem, method or ``extra`` cannot be pickled.
    ValueError
        If ``problems`` or ``methods`` is empty, ``repeat`` is out of range, a pair of
        ``skip`` names no problem or method of the comparison, or a method returns
        values of another shape than the problem's truth.

    Notes
    -----
    Like ``joblib.Parallel`` and Dask's ``Client.map``, the parallel run submits
    independent tasks and gathers them in submission order; the harness adds the
    per-task thread limit that keeps ``workers x threads`` within the cores.
    """
    repeat = check_int(repeat, "repeat", minimum=1, maximum=MAX_REPEAT)
    problems = _check_items(problems, "problems", lambda p: callable(getattr(p, "truth", None)),
                            "problems with a truth() method (HarnessProblem)")
    methods = _check_items(methods, "methods", lambda m: isinstance(m, Method),
                           "numlearn.compare.Method")
    for fn, name, what in ((extra, "extra", "extra(problem) -> dict"),
                           (progress, "progress", "progress(line: str)"),
                           (on_row, "on_row", "on_row(row: Row)")):
        if fn is not None:
            _check_callable(fn, name, what)

    def finished(row: Row) -> None:
        if progress is not None:
            progress(_format_line(row))
        if on_row is not None:
            on_row(row)

    skipped = _check_skip(skip, problems, methods)
    # todo[k]: the indices of the methods to run on problems[k]
    todo = [[j for j, m in enumerate(methods) if (p.name, m.name) not in skipped]
            for p in problems]
    if executor is None:
        rows: list[Row] = []
        for prob, js in zip(problems, todo, strict=True):
            if not js:
                continue
            truth = np.asarray(prob.truth())
            for j in js:
                row = _run_method(prob, truth, methods[j], repeat, extra)
                rows.append(row)
                finished(row)
        return rows
    if not isinstance(executor, Executor):
        raise TypeError("`executor` must be None or a concurrent.futures.Executor (a "
                        "ProcessPoolExecutor, a dask Client.get_executor()), got "
                        f"{type(executor).__name__} {executor!r:.80}.")
    # away[t]: (problem index, method indices) of parallel task t; here: the rest
    away = [(k, [j for j in js if not methods[j].in_process]) for k, js in enumerate(todo)]
    away = [(k, js) for k, js in away if js]
    here = [[j for j in js if methods[j].in_process] for js in todo]
    table: list[list[Row | None]] = [[None] * len(methods) for _ in problems]

    def done(t: int, part: list[Row]) -> None:
        k, js = away[t]
        for j, row in zip(js, part, strict=True):
            table[k][j] = row
            finished(row)

    if away:
        sent = {j: methods[j] for _, js in away for j in js}
        run_tasks(executor, _run_problem,
                  [(problems[k], [methods[j] for j in js], repeat, extra) for k, js in away],
                  done, named=_named([problems[k] for k, _ in away],
                                     [sent[j] for j in sorted(sent)], extra))
    for k, js in enumerate(here):  # methods keeping state here
        if not js:
            continue
        truth = np.asarray(problems[k].truth())
        for j in js:
            table[k][j] = row = _run_method(problems[k], truth, methods[j], repeat, extra)
            finished(row)
    return [row for line in table for row in line if row is not None]


def _check_skip(skip: Any, problems: Sequence[Any], methods: Sequence[Method]
                ) -> frozenset[tuple[str, str]]:
    """``skip`` as a set of (problem name, method name) pairs of this comparison."""
    if skip is None:
        return frozenset()
    want = "a collection (set, list, tuple) of (problem name, method name) pairs"
    if isinstance(skip, str | bytes | dict) or not isinstance(skip, Collection):
        raise TypeError(f"`skip` must be {want}, got {type(skip).__name__} {skip!r:.80}.")
    pairs = set()
    for item in skip:
        if isinstance(item, str | bytes) or not isinstance(item, Sequence) \
                or len(item) != 2 or not all(isinstance(s, str) for s in item):
            raise TypeError(f"`skip` must be {want}; it holds {type(item).__name__} "
                            f"{item!r:.80}.")
        pairs.add((item[0], item[1]))
    known_p = {p.name for p in problems}
    known_m = {m.name for m in methods}
    for prob, meth in sorted(pairs):
        if prob not in known_p or meth not in known_m:
            which, name, known = (("problem", prob, known_p) if prob not in known_p
                                  else ("method", meth, known_m))
            raise ValueError(
                f"`skip` holds the pair ({prob!r}, {meth!r}), but no {which} of this "
                f"comparison is named {name!r}; the {which}s are: "
                f"{', '.join(map(repr, sorted(known)))[:400]}.")
    return frozenset(pairs)


def _run_problem(prob: Any, methods: Sequence[Method], repeat: int,
                 extra: Callable[[Any], Any] | None) -> list[Row]:
    """One parallel task: the problem's truth once, then each method in turn."""
    truth = np.asarray(prob.truth())
    return [_run_method(prob, truth, meth, repeat, extra) for meth in methods]


def _named(problems: Sequence[Any], methods: Sequence[Method],
           extra: Any) -> list[tuple[str, Any]]:
    """What a process pool must pickle, each named as the error message names it."""
    named = [(f"`problems[{i}]` ({getattr(p, 'name', '?')!r})", p)
             for i, p in enumerate(problems)]
    named += [(f"`methods` ({m.name!r})", m) for m in methods]
    return [*named, ("`extra`", extra)]


def _run_method(prob: Any, truth: NDArray[Any], meth: Method, repeat: int,
                extra: Callable[[Any], Any] | None) -> Row:
    """Time ``meth`` on ``prob`` (best of ``repeat``, at most ``meth.max_repeat``) and
    score it against ``truth``."""
    best = math.inf
    values: Any = None
    if meth.max_repeat is not None:
        repeat = min(repeat, meth.max_repeat)
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = meth.run(prob)
        best = min(best, time.perf_counter() - t0)
        values = out.value if isinstance(out, Result) else out
    values = np.asarray(values)
    na = isinstance(out, Result) and out.status is Status.NOT_APPLICABLE
    if values.shape != truth.shape and not na:
        raise ValueError(
            f"`methods`: {meth.name!r} returned values of shape {values.shape} on "
            f"problem {prob.name!r}, whose truth has shape {truth.shape}; a method "
            "must return one value per point of the problem's grid.")
    dec = meth.decompose(prob, values) if meth.decompose is not None else None
    row_extra = _extra_keys(extra, prob)
    if isinstance(out, Result):
        row_extra["status"] = out.status.code
        row_extra["solver_stats"] = scalar_stats(out.stats)
    finite = bool(np.all(np.isfinite(values)))
    if not finite and not na and (not isinstance(out, Result)
                                  or out.status is Status.SUCCESS):
        warnings.warn(
            f"method {meth.name!r} returned non-finite values on problem "
            f"{prob.name!r} without a status saying so; its row's errors are inf "
            "and its status 'diverged'.", RuntimeWarning, stacklevel=3)
        row_extra["status"] = Status.DIVERGED.code
    if finite:
        errs = (rel_l2(truth, values), rmse(truth, values), max_abs(truth, values))
    else:  # not applicable (NaN, with a status saying so) or diverged (inf)
        errs = (math.nan,) * 3 if na else (math.inf,) * 3
    return Row(
        problem=prob.name,
        method=meth.name,
        side=meth.side,
        rel_l2=errs[0],
        rmse=errs[1],
        max_abs=errs[2],
        seconds=best,
        grid=prob.grid_name,
        decomposition=None if dec is None else dec.as_dict(),
        extra=row_extra,
    )


def _check_label(value: Any, name: str) -> None:
    if not isinstance(value, str) or not value:
        raise TypeError(f"`{name}` must be a non-empty string, got "
                        f"{type(value).__name__} {value!r}.")


def _check_callable(value: Any, name: str, what: str) -> None:
    if not callable(value):
        raise TypeError(f"`{name}` must be a callable {what}, got "
                        f"{type(value).__name__} {value!r}.")


def _check_items(items: Any, name: str, ok: Callable[[Any], bool], what: str) -> list[Any]:
    """``items`` as a list, refusing strings, non-sequences, empty ones and wrong items."""
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise TypeError(f"`{name}` must be a sequence of {what}, got "
                        f"{type(items).__name__} {items!r:.80}.")
    items = list(items)
    if not items:
        raise ValueError(f"`{name}` is empty; pass at least one.")
    for i, it in enumerate(items):
        if not ok(it):
            raise TypeError(f"`{name}[{i}]` must be one of {what}, got "
                            f"{type(it).__name__} {it!r:.80}.")
    return items


def check_rows(rows: Any) -> list[Row]:
    """``rows`` as a list of :class:`Row` (possibly empty), else `TypeError`."""
    if isinstance(rows, str | bytes) or not isinstance(rows, Sequence):
        raise TypeError(f"`rows` must be a sequence of Row (from run_comparison), got "
                        f"{type(rows).__name__}.")
    rows = list(rows)
    for i, r in enumerate(rows):
        if not isinstance(r, Row):
            raise TypeError(f"`rows[{i}]` must be a Row (from run_comparison), got "
                            f"{type(r).__name__} {r!r:.80}.")
    return rows


def check_output_path(path: Any, name: str = "path") -> Path:
    """``path`` as a :class:`~pathlib.Path` to a file that can be written: a string or
    path-like, not an existing directory, in a directory that exists."""
    if not isinstance(path, str | os.PathLike) or not str(path):
        raise TypeError(f"`{name}` must be a file path (str or os.PathLike), got "
                        f"{type(path).__name__} {path!r}.")
    p = Path(path)
    if p.is_dir():
        raise ValueError(f"`{name}` = {str(p)!r} is a directory; give a file name in it.")
    if not p.parent.is_dir():
        raise ValueError(f"`{name}` = {str(p)!r}: the directory {str(p.parent)!r} does not "
                         "exist; create it first.")
    return p


def _extra_keys(extra: Callable[[Any], Any] | None, prob: Any) -> dict[str, Any]:
    if extra is None:
        return {}
    keys = extra(prob)
    if not isinstance(keys, dict):
        raise TypeError(f"`extra` must return a dict of row keys, got "
                        f"{type(keys).__name__} {keys!r:.80}.")
    return dict(keys)


def scalar_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """The entries of a solver's ``stats`` that are plain scalars or strings (JSON-able)."""
    out: dict[str, Any] = {}
    for k, v in stats.items():
        if isinstance(v, (bool, int, float, str, np.integer, np.floating, np.bool_)):
            out[k] = v.item() if isinstance(v, np.generic) else v
    return out


_HEADER = (
    f"{'problem':<40} {'method':<24} {'side':<9} {'rel_l2':>9} {'rmse':>9} "
    f"{'max_abs':>9} {'seconds':>9}"
)


def _format_line(r: Row) -> str:
    if r.extra.get("status") == Status.NOT_APPLICABLE.code:
        errs = f"{'n/a':>9} {'n/a':>9} {'n/a':>9}"
    else:
        errs = f"{r.rel_l2:>9.2e} {r.rmse:>9.2e} {r.max_abs:>9.2e}"
    return f"{r.problem:<40} {r.method:<24} {r.side:<9} {errs} {r.seconds:>9.2e}"


def format_table(rows: Sequence[Row]) -> str:
    """Rows as a fixed-width text table (errors on each row's named grid)."""
    rows = check_rows(rows)
    grids = sorted({r.grid for r in rows})
    lines = [_HEADER, "-" * len(_HEADER)]
    lines += [_format_line(r) for r in rows]
    lines.append(f"errors: relative L2, RMSE, max abs on grid(s): {', '.join(grids)}")
    return "\n".join(lines)


def write_json(rows: Sequence[Row], path: str | Path) -> None:
    """Write rows as a JSON list (keys: problem, method, side, rel_l2, rmse, max_abs,
    seconds, grid, decomposition, and each suite's own keys).

    The file is standard JSON (RFC 8259), which has no NaN or infinity: every
    non-finite float, at any depth (the metrics, ``solver_stats``, the decomposition),
    is written as ``null``.  The row's ``status`` says why a metric is missing
    (``not_applicable``: the method does not apply, NaN in the rows; ``diverged``:
    non-finite values, inf in the rows).

    Raises `TypeError` if ``rows`` is not a sequence of :class:`Row` or ``path`` not a
    path, `ValueError` if ``path`` is a directory or its directory does not exist.
    """
    rows = check_rows(rows)
    out = check_output_path(path)
    doc = _jsonable([r.as_dict() for r in rows])
    out.write_text(json.dumps(doc, indent=2, allow_nan=False))


def _jsonable(o: Any) -> Any:
    """``o`` with NumPy scalars and arrays as Python ones and non-finite floats as None."""
    if isinstance(o, np.ndarray):
        o = o.tolist()
    elif isinstance(o, np.generic):
        o = o.item()
    if isinstance(o, dict):
        return {k: _jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_jsonable(v) for v in o]
    if isinstance(o, float) and not math.isfinite(o):
        return None
    if o is None or isinstance(o, (bool, int, float, str)):
        return o
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")
