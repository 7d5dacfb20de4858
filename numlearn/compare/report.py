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
"""

from __future__ import annotations

import datetime
import json
import os
import platform
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata
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
                 settings: Mapping[str, Any]) -> None:
        self.path = check_output_path(path)
        if not isinstance(suite, str) or not suite:
            raise TypeError(f"`suite` must be a non-empty string, got {suite!r}.")
        if not isinstance(settings, Mapping):
            raise TypeError(f"`settings` must be a mapping, got {type(settings).__name__}.")
        self.doc: dict[str, Any] = {
            "numlearn": numlearn.__version__, "suite": suite,
            "settings": jsonable(dict(settings)), "started": _now(), "finished": None,
            "complete": False, "machine": machine_info(), "rows": [],
        }
        self._write()

    def add(self, row: Row) -> None:
        """Append one finished row and rewrite the file."""
        (row,) = check_rows([row])
        self.doc["rows"].append(jsonable(row.as_dict()))
        self._write()

    def finish(self, rows: Sequence[Row] | None = None) -> None:
        """Mark the run complete (``"complete": true`` and the ``finished`` time).

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
        self.doc.update(finished=_now(), complete=True)
        self._write()

    def _write(self) -> None:
        atomic_write_text(self.path, json.dumps(self.doc, indent=2, allow_nan=False))


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
    _check_keys(doc["machine"], MACHINE_KEYS, "the report's `machine`")
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

