"""The JSON report of ``numlearn compare --json``: an envelope around the rows.

The file is one JSON object (RFC 8259; non-finite floats are written as ``null``)::

    {"numlearn": "0.1.0", "suite": "quick", "settings": {...}, "started": "...",
     "finished": null, "complete": false, "machine": {...}, "rows": [...]}

:class:`JsonReport` rewrites the whole file after every row (to a temporary file in
the same directory, then :func:`os.replace`), so the file on disk is always a whole,
valid document: a run that crashes or is interrupted leaves the rows that finished,
with ``"complete": false``.  :data:`ENVELOPE_KEYS` and :data:`ROW_KEYS` are the
schema (documented in the CLI page of the docs); :func:`check_report` validates a
document against it.

A report that knows the suite's ``(problem, method)`` pairs (``pairs=``) keeps its
rows in the suite's order, lists the pairs not yet in the file under ``"pending"``
while it is incomplete, and is complete only when every pair is in: ``numlearn
compare --resume`` continues such a file (:meth:`JsonReport.resume`, rows read back
by :func:`read_report` and :func:`row_from_json`).
"""

from __future__ import annotations

import copy
import datetime
import json
import math
import os
import platform
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numlearn
from numlearn._core.store import write_atomic
from numlearn.compare.harness import _HEADER, Row, _format_line, check_output_path, check_rows
from numlearn.compare.harness import _jsonable as jsonable

__all__ = [
    "ENVELOPE_KEYS",
    "MACHINE_KEYS",
    "ROW_KEYS",
    "JsonReport",
    "atomic_write_text",
    "check_report",
    "machine_info",
    "read_report",
    "row_from_json",
]

_NUM = (int, float, type(None))  # a metric: a number, or null when not finite
_STR = (str,)

#: The envelope's keys and their JSON types (``None`` stands for ``null``).
ENVELOPE_KEYS: dict[str, tuple[type, ...]] = {
    "numlearn": _STR,  # the version that wrote the file
    "suite": _STR,  # the suite's name
    "settings": (dict,),  # the run's settings (repeat, ...)
    "started": _STR,  # ISO 8601 UTC time the run started
    "finished": (str, type(None)),  # ISO 8601 UTC time it ended; null while running
    "complete": (bool,),  # true once every row is in
    "machine": (dict,),  # see MACHINE_KEYS
    "rows": (list,),  # see ROW_KEYS
}

#: Envelope keys written only in some files: ``pending`` (the suite's pairs not yet in
#: the file, each ``[problem, method]``; present while an incomplete report knows the
#: suite's pairs) and ``resumed`` (one ``{"started", "settings", "machine"}`` per
#: ``--resume`` that continued the file).
_OPTIONAL_ENVELOPE_KEYS: dict[str, tuple[type, ...]] = {
    "pending": (list,),
    "resumed": (list,),
}

#: The ``machine`` object's keys (a version is ``null`` where the package is missing).
MACHINE_KEYS: dict[str, tuple[type, ...]] = {
    "platform": _STR,
    "machine": _STR,
    "python": _STR,
    "cpu_count": (int, type(None)),
    "numba_num_threads": (str, type(None)),
    "numpy": (str, type(None)),
    "scipy": (str, type(None)),
    "numba": (str, type(None)),
    "mpmath": (str, type(None)),
    "torch": (str, type(None)),
}

#: The keys every row has, whatever the suite (each suite adds its own keys, e.g.
#: the quick suite ``target`` and ``n``; a row with a ``status`` also has
#: ``solver_stats``).
ROW_KEYS: dict[str, tuple[type, ...]] = {
    "problem": _STR,
    "method": _STR,
    "side": _STR,
    "rel_l2": _NUM,
    "rmse": _NUM,
    "max_abs": _NUM,
    "seconds": (int, float),
    "grid": _STR,
    "decomposition": (dict, type(None)),
}

#: Keys some suites add to their rows, with their types where present.
_OPTIONAL_ROW_KEYS: dict[str, tuple[type, ...]] = {
    "status": _STR,
    "solver_stats": (dict,),
}


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    """Where the numbers were measured: OS, Python, CPU count, the thread setting and
    the versions of the numerical packages (``None`` for a missing one)."""
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "numba_num_threads": os.environ.get("NUMBA_NUM_THREADS"),
    }
    for dist in ("numpy", "scipy", "numba", "mpmath", "torch"):
        info[dist] = _version(dist)
    return info


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` so that ``path`` is never half written: into a
    temporary file in the same directory, then :func:`os.replace` (atomic on POSIX and
    Windows).  An interrupted write leaves the old file (or none) and no temporary.
    (:func:`numlearn._core.store.write_atomic` on text.)"""
    write_atomic(path, text)


class JsonReport:
    """The ``--json`` file of one run, rewritten atomically as rows finish.

    Parameters
    ----------
    path : str or path-like
        The file (its directory must exist; it must not be a directory).
    suite : str
        The suite's name.
    settings : mapping
        The run's settings (e.g. ``{"repeat": 2}``), JSON-able.
    pairs : sequence of (str, str), optional
        Every ``(problem, method)`` pair of the suite, in the suite's order.  Given,
        the rows are kept in that order, the pairs not yet in the file are listed
        under ``"pending"``, and :meth:`finish` marks the file complete only when
        every pair is in (a run of some of the problems leaves it incomplete, to be
        continued with ``--resume``).

    Notes
    -----
    Each :meth:`add` rewrites the whole file, O(rows) per row and O(rows^2) in all:
    for the suites here (at most a few hundred rows) a few milliseconds per row,
    nothing beside the methods' run times.

    Examples
    --------
    >>> report = JsonReport("rows.json", "quick", {"repeat": 2})  # doctest: +SKIP
    >>> rows = run_comparison(..., on_row=report.add)  # doctest: +SKIP
    >>> report.finish()  # doctest: +SKIP
    """

    def __init__(self, path: str | os.PathLike[str], suite: str,
                 settings: Mapping[str, Any], *,
                 pairs: Sequence[tuple[str, str]] | None = None) -> None:
        self.path = check_output_path(path)
        if not isinstance(suite, str) or not suite:
            raise TypeError(f"`suite` must be a non-empty string, got {suite!r}.")
        self._order = _check_pairs(pairs)
        self.doc: dict[str, Any] = {
            "numlearn": numlearn.__version__, "suite": suite,
            "settings": _settings(settings), "started": _now(), "finished": None,
            "complete": False, "machine": machine_info(), "rows": [],
        }
        self._sort_and_write()

    @classmethod
    def resume(cls, path: str | os.PathLike[str], doc: Mapping[str, Any],
               settings: Mapping[str, Any], *,
               pairs: Sequence[tuple[str, str]]) -> JsonReport:
        """Continue the report ``doc`` (read by :func:`read_report` from ``path``):
        its rows and fields are kept as they are, ``{"started", "settings",
        "machine"}`` of this run is appended to ``"resumed"``, and the file is
        rewritten with its rows in the order of ``pairs`` (every pair of the suite).
        Rows of pairs not in ``pairs``, or two rows of one pair, raise `ValueError`.
        """
        report = cls.__new__(cls)
        report.path = check_output_path(path)
        check_report(doc)
        report._order = _check_pairs(pairs)
        seen: set[tuple[str, str]] = set()
        for row in doc["rows"]:
            pair = (row["problem"], row["method"])
            if report._order is not None and pair not in report._order:
                raise ValueError(f"`doc` has a row {pair} that is not a pair of `pairs`.")
            if pair in seen:
                raise ValueError(f"`doc` has two rows of the pair {pair}.")
            seen.add(pair)
        report.doc = copy.deepcopy(dict(doc))
        if report.pending:  # (a file marked complete by a suite with fewer pairs)
            report.doc.update(complete=False, finished=None)
        report.doc.setdefault("resumed", []).append(
            {"started": _now(), "settings": _settings(settings), "machine": machine_info()})
        report._sort_and_write()
        return report

    def add(self, row: Row) -> None:
        """Append one finished row and rewrite the file."""
        (row,) = check_rows([row])
        if self._order is not None and (row.problem, row.method) not in self._order:
            raise ValueError(f"`row` ({row.problem!r}, {row.method!r}) is not one of the "
                             "report's `pairs`.")
        self.doc["rows"].append(jsonable(row.as_dict()))
        self._sort_and_write()

    @property
    def pending(self) -> list[tuple[str, str]]:
        """The pairs of ``pairs`` not in the file yet (in order; empty without
        ``pairs``)."""
        if self._order is None:
            return []
        have = {(r["problem"], r["method"]) for r in self.doc["rows"]}
        return [p for p in self._order if p not in have]

    def _sort_and_write(self) -> None:
        if self._order is not None:
            order = self._order
            self.doc["rows"].sort(key=lambda r: order.get((r["problem"], r["method"]), -1))
            if not self.doc["complete"]:
                self.doc["pending"] = [list(p) for p in self.pending]
        self._write()

    def finish(self, rows: Sequence[Row] | None = None) -> None:
        """Mark the run complete (``"complete": true`` and the ``finished`` time), or,
        for a report with ``pairs`` some of which are not in yet, write it with its
        ``"pending"`` pairs and leave it incomplete.

        ``rows`` (optional): the run's rows in their final order (what
        :func:`~numlearn.compare.harness.run_comparison` returns: the serial order
        even when an executor finished them in another); they replace the rows
        appended so far, which must be the same rows.
        """
        if rows is not None:
            final = [jsonable(r.as_dict()) for r in check_rows(rows)]
            if sorted(map(json.dumps, final)) != sorted(map(json.dumps, self.doc["rows"])):
                raise ValueError("`rows` must be the rows added to this report, in any "
                                 "order (got a different set).")
            self.doc["rows"] = final
        if self.pending:  # a run of some of the suite's pairs: still incomplete
            self._sort_and_write()
            return
        self.doc.pop("pending", None)
        self.doc.update(finished=_now(), complete=True)
        self._sort_and_write()

    def _write(self) -> None:
        atomic_write_text(self.path, json.dumps(self.doc, indent=2, allow_nan=False))


def _settings(settings: Any) -> dict[str, Any]:
    if not isinstance(settings, Mapping):
        raise TypeError(f"`settings` must be a mapping, got {type(settings).__name__}.")
    return jsonable(dict(settings))


def _check_pairs(pairs: Any) -> dict[tuple[str, str], int] | None:
    """``pairs`` as {pair: position}, refusing non-pairs and repeated pairs."""
    if pairs is None:
        return None
    if isinstance(pairs, str | bytes) or not isinstance(pairs, Sequence):
        raise TypeError(f"`pairs` must be a sequence of (problem, method) name pairs, got "
                        f"{type(pairs).__name__} {pairs!r:.80}.")
    order: dict[tuple[str, str], int] = {}
    for i, p in enumerate(pairs):
        if isinstance(p, str | bytes) or not isinstance(p, Sequence) or len(p) != 2 \
                or not all(isinstance(s, str) for s in p):
            raise TypeError(f"`pairs[{i}]` must be a (problem, method) pair of names, got "
                            f"{p!r:.80}.")
        key = (p[0], p[1])
        if key in order:
            raise ValueError(f"`pairs` names {key} twice; rows are told apart by their "
                             "problem and method names, which must be unique pairs.")
        order[key] = i
    return order


def read_report(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``--json`` document at ``path``, validated by :func:`check_report`.

    Raises `FileNotFoundError` if there is no file, `OSError` if it cannot be read,
    `ValueError` if it is not JSON or not a report (the message says which key).
    """
    text = Path(path).read_text(encoding="utf-8")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc})") from None
    check_report(doc)
    return doc


def row_from_json(row: Mapping[str, Any]) -> Row:
    """The :class:`Row` of a row of a ``--json`` file (the inverse of the writer).

    The file writes a non-finite metric as ``null``; it is read back as NaN in a row
    whose ``status`` is ``not_applicable`` and as inf otherwise (the harness's
    convention: NaN where the method does not apply, inf where it diverged).  The keys
    beyond :data:`ROW_KEYS` are the row's suite keys (``extra``).  A row written from
    a :class:`Row` and read back writes the same JSON.
    """
    _check_keys(row, ROW_KEYS, "`row`")
    missing = math.nan if row.get("status") == "not_applicable" else math.inf
    base = {k: row[k] for k in ROW_KEYS}
    for k in ("rel_l2", "rmse", "max_abs"):
        if base[k] is None:
            base[k] = missing
    return Row(**base, extra={k: v for k, v in row.items() if k not in ROW_KEYS})


def format_header() -> str:
    """The header of the streamed table (the columns of
    :func:`~numlearn.compare.harness.format_table`) and its rule."""
    return f"{_HEADER}\n{'-' * len(_HEADER)}"


def format_row(row: Row) -> str:
    """One row of the streamed table."""
    return _format_line(row)


def format_footer(rows: Sequence[Row]) -> str:
    """The line after the streamed table: the grids the errors are measured on."""
    grids = sorted({r.grid for r in check_rows(rows)})
    return f"errors: relative L2, RMSE, max abs on grid(s): {', '.join(grids)}"


def _check_keys(obj: Any, keys: Mapping[str, tuple[type, ...]], where: str,
                required: bool = True) -> None:
    if not isinstance(obj, dict):
        raise ValueError(f"{where} must be a JSON object, got {type(obj).__name__}.")
    for key, types in keys.items():
        if key not in obj:
            if required:
                raise ValueError(f"{where} lacks the key {key!r}.")
            continue
        v = obj[key]
        # JSON true/false are not numbers here
        if not isinstance(v, types) or (isinstance(v, bool) and bool not in types):
            raise ValueError(f"{where}[{key!r}] must be of type "
                             f"{' or '.join(t.__name__ for t in types)}, got {v!r:.60}.")


def check_report(doc: Any, *, row_check: Callable[[dict[str, Any]], None] | None = None
                 ) -> None:
    """Validate a ``--json`` document against :data:`ENVELOPE_KEYS`,
    :data:`MACHINE_KEYS` and :data:`ROW_KEYS`; `ValueError` naming the first key that
    is missing or of the wrong type.  ``row_check(row)`` may check suite keys too."""
    _check_keys(doc, ENVELOPE_KEYS, "the report")
    _check_keys(doc, _OPTIONAL_ENVELOPE_KEYS, "the report", required=False)
    _check_keys(doc["machine"], MACHINE_KEYS, "the report's `machine`")
    for pair in doc.get("pending", ()):
        if not (isinstance(pair, list) and len(pair) == 2
                and all(isinstance(s, str) for s in pair)):
            raise ValueError(f"the report's `pending` must hold [problem, method] pairs, "
                             f"got {pair!r:.60}.")
    if doc["complete"] != (doc["finished"] is not None):
        raise ValueError("the report's `finished` must be set exactly when `complete`.")
    for i, row in enumerate(doc["rows"]):
        _check_keys(row, ROW_KEYS, f"row {i}")
        _check_keys(row, _OPTIONAL_ROW_KEYS, f"row {i}", required=False)
        if row["side"] not in ("classical", "learned"):
            raise ValueError(f"row {i}: `side` must be 'classical' or 'learned', "
                             f"got {row['side']!r}.")
        if row_check is not None:
            row_check(row)


def stream_to(report: JsonReport | None, *also: Callable[[Row], None]
              ) -> Callable[[Row], None]:
    """One ``on_row`` callback that feeds ``report`` (if any) and each of ``also``."""

    def on_row(row: Row) -> None:
        for f in also:
            f(row)
        if report is not None:
            report.add(row)

    return on_row

