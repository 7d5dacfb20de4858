"""Running a suite in pieces: ``numlearn compare --resume``, ``--problems``, ``--methods``.

A suite is a set of ``(problem, method)`` pairs (:func:`suite_pairs`, the names of
the table's first two columns).  ``--problems`` / ``--methods`` select some of them
(:func:`select_pairs`); ``--resume`` reads the ``--json`` file of an earlier run of the
same suite (:func:`load_for_resume`) and runs only the pairs that have no row in it.

Which rows are finished: every row in the file.  A row is written only when its
method returned, whatever its status: a ``diverged``, ``unresolved`` or
``not_applicable`` row is a result (running the method again gives the same one), so
it is kept; only pairs absent from the file run.  To run a pair again, start a new
``--json`` file.

What must match: the suite's name, the numlearn version that wrote the file, and the
runs per method (``--repeat``; without it the file's is used), since a table that
mixes them compares unlike numbers.  The worker count and the scheduler may differ:
they change how long a run takes, not its rows; each resumption is recorded in the
file's ``"resumed"`` list with its settings and machine.

A row that trains for longer than one sitting (the ``pdes-paper`` suite's PINN rows
take hours each on two cores) need not start over: a suite registered with
``checkpoints=True`` keeps its training checkpoints in ``F.ckpt/`` beside the
``--json F`` file (:func:`checkpoint_dir`), and under ``--resume`` an unfinished row
continues from its checkpoint.  A resumed L-BFGS phase rebuilds its history, so such
a row's numbers differ slightly from an uninterrupted run's (``fit``'s
``stats["resumed_at"]`` lists the steps it was resumed at; the row keeps scalar
statistics only).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numlearn
from numlearn.compare.harness import MAX_REPEAT, Method, Row
from numlearn.compare.report import read_report, row_from_json

__all__ = [
    "CompareArgumentError",
    "checkpoint_dir",
    "kept_rows",
    "load_for_resume",
    "refuse_unfinished",
    "select_pairs",
    "split_names",
    "suite_pairs",
]

Pair = tuple[str, str]


class CompareArgumentError(ValueError):
    """An option of ``numlearn compare`` that cannot be honoured (an unknown name, a
    ``--json`` file that cannot be resumed); the message is one line naming the fix."""


def suite_pairs(problems: Sequence[Any], methods: Sequence[Method]) -> list[Pair]:
    """The suite's ``(problem name, method name)`` pairs in its order (problems, then
    methods), `CompareArgumentError` if two are equal (rows could not be told apart)."""
    pairs = [(p.name, m.name) for p in problems for m in methods]
    seen: set[Pair] = set()
    for pair in pairs:
        if pair in seen:
            raise CompareArgumentError(
                f"the suite has two rows named {pair}; --resume, --problems and --methods "
                "tell rows apart by their problem and method names (run it whole, "
                "without them)")
        seen.add(pair)
    return pairs


def split_names(values: Sequence[str] | None, known: Sequence[str], option: str
                ) -> list[str] | None:
    """The names given to ``option`` (each value ``NAME[,NAME...]``, the option may be
    repeated), matched against ``known``; ``None`` when the option was not given.

    Names may contain commas (``exp [-1,1] m=4``): at each position the longest known
    name followed by a comma or the end is taken.  An unknown name raises
    `CompareArgumentError` listing the known ones.
    """
    if values is None:
        return None
    by_length = sorted(set(known), key=len, reverse=True)
    names: list[str] = []
    for text in values:
        i = 0
        while i < len(text):
            while i < len(text) and text[i] in ", ":  # separators, spaces after a comma
                i += 1
            if i == len(text):
                break
            hit = next((n for n in by_length if text.startswith(n, i)
                        and text[i + len(n):i + len(n) + 1] in ("", ",")), None)
            if hit is None:
                word = text[i:].split(",")[0].strip()
                raise CompareArgumentError(
                    f"argument {option}: no name {word!r} in this suite; the names are: "
                    f"{', '.join(map(repr, known))} (the table's "
                    f"{option.lstrip('-')[:-1]} column)")
            if hit not in names:
                names.append(hit)
            i += len(hit)
    if not names:
        raise CompareArgumentError(f"argument {option}: give at least one name")
    return names


def select_pairs(pairs: Sequence[Pair], problems: Sequence[str] | None,
                 methods: Sequence[str] | None) -> list[Pair]:
    """The pairs whose problem is in ``problems`` and method in ``methods`` (``None``:
    all), in the suite's order."""
    return [(p, m) for p, m in pairs
            if (problems is None or p in problems) and (methods is None or m in methods)]


def _unfinished_hint(path: str) -> str:
    return (f"continue it with --resume, or give another --json path (delete {path} to "
            "start over)")


def refuse_unfinished(path: str | os.PathLike[str]) -> None:
    """`CompareArgumentError` if ``path`` holds an unfinished run with rows (a new run
    would overwrite hours of work); a missing file, a complete run or a file that is
    not a report is left to be overwritten, as before."""
    try:
        doc = read_report(path)
    except (OSError, ValueError):
        return
    if not doc["complete"] and doc["rows"]:
        raise CompareArgumentError(
            f"argument --json: {os.fspath(path)} holds {len(doc['rows'])} rows of an "
            f"unfinished run of suite {doc['suite']!r}; {_unfinished_hint(os.fspath(path))}")


def load_for_resume(path: str | os.PathLike[str], suite: str, repeat: int | None
                    ) -> tuple[dict[str, Any], int | None]:
    """The report at ``path`` for ``--resume`` and the runs per method to use.

    Checks, before any computing, that the file is a report of ``suite`` written by
    this numlearn version, with ``repeat`` runs per method if ``repeat`` is given
    (else the file's ``repeat`` is returned).  Every failure is a
    `CompareArgumentError` saying what to do.
    """
    where = os.fspath(path)
    fresh = "run without --resume to start it, or give the --json path of the run " \
            "to continue"
    try:
        doc = read_report(path)
    except FileNotFoundError:
        raise CompareArgumentError(f"argument --resume: {where} does not exist; "
                                   f"{fresh}") from None
    except OSError as exc:
        raise CompareArgumentError(
            f"argument --resume: cannot read {where} ({exc.strerror or exc}); "
            f"{fresh}") from None
    except ValueError as exc:
        raise CompareArgumentError(
            f"argument --resume: {where} is not a numlearn compare --json file ({exc}); "
            "give the file an earlier run wrote, or a new --json path without "
            "--resume") from None
    if doc["suite"] != suite:
        raise CompareArgumentError(
            f"argument --resume: {where} holds a run of suite {doc['suite']!r}, not "
            f"{suite!r}; resume it with --suite {doc['suite']}, or give another --json "
            "path")
    if doc["numlearn"] != numlearn.__version__:
        raise CompareArgumentError(
            f"argument --resume: {where} was written by numlearn {doc['numlearn']}, this "
            f"is numlearn {numlearn.__version__}, and one table does not mix the rows of "
            f"two versions; finish it with numlearn {doc['numlearn']}, or start a new "
            "--json path without --resume")
    done = doc["settings"].get("repeat")
    if done is not None and (isinstance(done, bool) or not isinstance(done, int)
                             or not 1 <= done <= MAX_REPEAT):
        raise CompareArgumentError(
            f"argument --resume: {where} has settings.repeat = {done!r}, not a number of "
            "runs; give the file an earlier run wrote, or a new --json path")
    if repeat is not None and done is not None and done != repeat:
        raise CompareArgumentError(
            f"argument --repeat: the rows in {where} are the best of {done} run(s) per "
            f"method, not {repeat}; resume with --repeat {done} (or without --repeat), or "
            "start a new --json path")
    return doc, (done if repeat is None else repeat)


def kept_rows(doc: dict[str, Any], pairs: Sequence[Pair], where: str) -> list[Row]:
    """The rows of ``doc`` as :class:`Row`, each of a pair of the suite, at most one
    per pair (else `CompareArgumentError`: the suite changed since the file was
    written)."""
    known = set(pairs)
    rows: list[Row] = []
    seen: set[Pair] = set()
    for i, d in enumerate(doc["rows"]):
        pair = (d["problem"], d["method"])
        if pair not in known or pair in seen:
            why = "that the suite does not have" if pair not in known else "twice"
            raise CompareArgumentError(
                f"argument --resume: {where} has the row {pair} {why} (the suite is not "
                "the one that wrote the file); start a new --json path")
        seen.add(pair)
        try:
            rows.append(row_from_json(d))
        except (TypeError, ValueError) as exc:
            raise CompareArgumentError(f"argument --resume: row {i} of {where}: {exc}; "
                                       "start a new --json path") from None
    return rows


def merge_into(doc: dict[str, Any], paths: Sequence[str], suite: str, repeat: int | None,
               target: str) -> int:
    """Add to ``doc`` (the ``--resume`` file's report) the rows of the reports at
    ``paths`` (``--merge``: pieces of the same suite run beside it, each into its own
    file), each checked as :func:`load_for_resume` checks ``doc``; returns the number of
    rows added.  A pair present in two files is refused (`CompareArgumentError`), since
    one table cannot hold two runs of a pair."""
    have = {(d["problem"], d["method"]): target for d in doc["rows"]}
    added = 0
    for path in paths:
        if not os.path.isfile(path):
            raise CompareArgumentError(f"argument --merge: {path} does not exist; give "
                                       "the --json file of a piece of this suite")
        try:
            other, _ = load_for_resume(path, suite, repeat)
        except CompareArgumentError as exc:
            raise CompareArgumentError(
                str(exc).replace("argument --resume:", "argument --merge:", 1)) from None
        for d in other["rows"]:
            pair = (d["problem"], d["method"])
            if pair in have:
                raise CompareArgumentError(
                    f"argument --merge: {path} and {have[pair]} both have a row for "
                    f"{pair}; keep one (edit a copy of one file, or merge the other "
                    "files only)")
            have[pair] = path
        doc["rows"] = [*doc["rows"], *other["rows"]]
        added += len(other["rows"])
    return added


def checkpoint_dir(json_path: str | os.PathLike[str], resume: bool) -> tuple[Path, int]:
    """The directory ``<json_path>.ckpt`` where a checkpointing suite's training rows
    keep their checkpoints, created if needed, and the number of stale checkpoints
    removed: a new run (``resume`` false) first deletes the ``*.pt`` files that an
    earlier run of the same ``--json`` path left, so that no row continues a run it
    does not belong to."""
    path = Path(os.fspath(json_path) + ".ckpt")
    if path.exists() and not path.is_dir():
        raise CompareArgumentError(
            f"argument --json: {path} is a file, but the training checkpoints of "
            f"{os.fspath(json_path)} go in a directory of that name; move the file")
    removed = 0
    if not resume and path.is_dir():
        for old in sorted(path.glob("*.pt")):
            old.unlink()
            removed += 1
    try:
        path.mkdir(exist_ok=True)
    except OSError as exc:
        raise CompareArgumentError(
            f"argument --json: cannot create the checkpoint directory {path} "
            f"({exc.strerror}); give a --json path in a writable directory") from None
    return path, removed


def drop_checkpoint_dir(path: Path) -> None:
    """Remove ``path`` (a :func:`checkpoint_dir`) if it is empty: the run is complete
    and every row removed its checkpoint."""
    try:
        path.rmdir()
    except OSError:
        pass
