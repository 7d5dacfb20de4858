"""Command line: ``numlearn compare ...`` and ``numlearn reference build|verify``.

The library never depends on this module.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Largest ``--repeat`` and ``--recompute`` accepted (more is a typo that would never end).
MAX_REPEAT = 1000
MAX_RECOMPUTE = 10_000


def _int_in(low: int, high: int) -> Any:
    """argparse type: an integer in ``[low, high]`` (checked before any work starts)."""

    def parse(text: str) -> int:
        want = f"expected an integer >= {low} and <= {high}"
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{want}, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{want}, got {value}")
        return value

    parse.__name__ = "integer"  # argparse names the type in its messages
    return parse


def _check_compare_paths(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse an unusable --json / --plot / --resume before the suite runs (exit
    status 2)."""
    if args.merge and not args.resume:
        parser.error("argument --merge: adds rows to the run that --json PATH --resume "
                     "continues; give --json PATH --resume too")
    if args.resume and not args.json:
        parser.error("argument --resume: continues the file of --json PATH; give "
                     "--json PATH (the file of the run to continue)")
    if args.json:
        p = Path(args.json)
        if p.is_dir():
            parser.error(f"argument --json: {args.json!r} is a directory; give a file name")
        if not p.parent.is_dir():
            parser.error(f"argument --json: the directory of {args.json!r} does not exist")
    if args.plot and Path(args.plot).exists() and not Path(args.plot).is_dir():
        parser.error(f"argument --plot: {args.plot!r} is a file; give a directory")


def _suites_text() -> str:
    """The registered suites, what each needs and how long it takes (for --help)."""
    import textwrap

    from numlearn.compare.suites import SUITES

    pad = " " * 19
    lines = ["suites:"]
    for s in SUITES.values():
        lines.append(textwrap.fill(s.description, 88, initial_indent=f"  {s.name:<16} ",
                                   subsequent_indent=pad))
        for what, text in (("needs", s.needs_text()), ("time", s.time_text()),
                           ("plots", "yes (--plot)" if s.can_plot else "no")):
            lines.append(textwrap.fill(f"{what}: {text}", 88, initial_indent=pad,
                                       subsequent_indent=pad + "  "))
    lines.append("\nenvironment: NUMLEARN_REFERENCE_DIR (reference data), NUMLEARN_CACHE "
                 "(trained\ncheckpoints), NUMBA_NUM_THREADS (threads of the kernels)")
    return "\n".join(lines)


def _cmd_compare(args: argparse.Namespace) -> int:
    from numlearn.compare import get_suite
    from numlearn.compare._resume import CompareArgumentError
    from numlearn.compare.suites import SUITES

    if args.list:
        print(_suites_text())
        return 0
    if args.suite not in SUITES:
        print(f"numlearn: error: argument --suite: no suite named {args.suite!r}; known "
              f"suites: {', '.join(sorted(SUITES))} (see --list)", file=sys.stderr)
        return 1
    suite = get_suite(args.suite)
    suite.check_prerequisites(plot=bool(args.plot))  # before any computing
    try:
        return _run_suite(suite, args)
    except CompareArgumentError as exc:  # raised before any computing
        print(f"numlearn: error: {exc}", file=sys.stderr)
        return 1


def _run_suite(suite: Any, args: argparse.Namespace) -> int:
    """Build the suite, select its pairs (--problems, --methods, --resume), run them
    and print the table and the summaries of every row (kept and new)."""
    from numlearn.compare import run_comparison
    from numlearn.compare._resume import (
        CompareArgumentError,
        checkpoint_dir,
        drop_checkpoint_dir,
        kept_rows,
        load_for_resume,
        merge_into,
        refuse_unfinished,
        select_pairs,
        split_names,
        suite_pairs,
    )
    from numlearn.compare.parallel import executor_from_args
    from numlearn.compare.report import JsonReport, format_footer, format_header, stream_to

    doc, merged = None, 0
    if args.resume:
        doc, args.repeat = load_for_resume(args.json, suite.name, args.repeat)
        merged = merge_into(doc, args.merge or [], suite.name, args.repeat, args.json)
    elif args.json:
        refuse_unfinished(args.json)
    if args.repeat is None:
        args.repeat = suite.repeat
    ckpt, removed = None, 0
    if suite.checkpoints and args.json:
        ckpt, removed = checkpoint_dir(args.json, resume=args.resume)
    print(f"numlearn compare --suite {suite.name}: {suite.description}")
    print(f"typically {suite.time_text()}")
    t0 = time.perf_counter()
    if removed:
        print(f"removed {removed} training checkpoint(s) that an earlier run of "
              f"{args.json} left in {ckpt}")
    problems, methods, extra = (suite.build() if ckpt is None
                                else suite.build(checkpoint_dir=ckpt))
    selection = args.problems is not None or args.methods is not None
    try:
        pairs: list[tuple[str, str]] | None = suite_pairs(problems, methods)
    except CompareArgumentError:  # two rows of one name: only the whole suite runs
        if selection or doc is not None:
            raise
        pairs = None
    kept: list[Any] = []
    todo: list[tuple[str, str]] = [] if pairs is None else list(pairs)
    if pairs is not None and (selection or doc is not None):
        chosen = select_pairs(
            pairs, split_names(args.problems, [p.name for p in problems], "--problems"),
            split_names(args.methods, [m.name for m in methods], "--methods"))
        kept = [] if doc is None else kept_rows(doc, pairs, args.json)
        done = {(r.problem, r.method) for r in kept}
        todo = [p for p in chosen if p not in done]
        _say_plan(args, len(pairs), len(kept), len(pairs) - len(done), len(todo), kept,
                  methods)
    skip = None if pairs is None else set(pairs) - set(todo)
    n_run = len(problems) * len(methods) if pairs is None else len(todo)
    print(f"{len(problems)} problems x {len(methods)} methods; times are best of "
          f"{args.repeat} runs; rows as they finish:\n")
    settings: dict[str, Any] = {"repeat": args.repeat, "workers": args.workers,
                                "scheduler": args.scheduler}
    settings.update({k: getattr(args, k) for k in ("problems", "methods")
                     if getattr(args, k) is not None})
    report = None
    # resuming a file rewrites it only if rows are added or every pair is in (finish)
    all_in = pairs is not None and len(kept) == len(pairs)
    if doc is not None and (n_run or merged or (all_in and not doc["complete"])):
        assert pairs is not None  # with --resume, suite_pairs raised on a repeated pair
        report = JsonReport.resume(args.json, doc, settings, pairs=pairs)
    elif args.json and doc is None:
        report = JsonReport(args.json, suite.name, settings, pairs=pairs)
    print(format_header(), flush=True)
    for row in _in_order(kept, pairs):  # merged pieces: their rows in the suite's order
        _print_row(row)
    new: list[Any] = []
    try:
        if n_run:
            with executor_from_args(args) as executor:
                new = run_comparison(problems, methods, repeat=args.repeat, extra=extra,
                                     on_row=stream_to(report, _print_row),
                                     executor=executor, skip=skip)
    except KeyboardInterrupt:
        kept_text = "" if report is None else (
            f"; {args.json} keeps the {len(report.doc['rows'])} finished rows "
            '("complete": false): continue with the same command and --resume'
            + ("" if ckpt is None else
               f" (a training row continues from its checkpoint in {ckpt})"))
        print(f"numlearn: interrupted (Ctrl-C){kept_text}", file=sys.stderr)
        return 130
    rows = new if not kept else _in_order(kept + new, pairs)
    if rows:
        print(format_footer(rows))
    _print_summaries(suite, rows)
    if report is not None:
        report.finish(None if pairs is not None else rows)  # with pairs: in order
        left = report.pending
        state = "complete" if not left else (
            f'"complete": false, {len(left)} pairs pending: continue with --resume')
        print(f"wrote {len(report.doc['rows'])} rows to {args.json} ({state})")
        if ckpt is not None and not left:
            drop_checkpoint_dir(ckpt)
    elif doc is not None:
        print(f"nothing to run: {args.json} is left as it was ("
              + ("complete" if doc["complete"] else '"complete": false') + ")")
    if args.plot:
        for path in _plot(rows, Path(args.plot)):
            print(f"wrote {path}")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


def _in_order(rows: list[Any], pairs: Sequence[tuple[str, str]] | None) -> list[Any]:
    """``rows`` in the suite's order of ``pairs``."""
    if pairs is None:
        return rows
    order = {p: i for i, p in enumerate(pairs)}
    return sorted(rows, key=lambda r: order[(r.problem, r.method)])


def _say_plan(args: argparse.Namespace, total: int, kept: int, remain: int, run: int,
              rows: Sequence[Any], methods: Sequence[Any]) -> None:
    """The line before the table: rows kept from the file, pairs left, pairs run now."""
    head = (f"resuming {args.json}: {kept} row{'' if kept == 1 else 's'} kept, "
            if args.resume else "")
    now = f"running {run} now" + (" (the pairs selected by --problems/--methods)"
                                   if run != remain else "")
    print(f"{head}{remain} of the suite's {total} (problem, method) pairs remain; {now}")
    stateful = sorted({m.name for m in methods if m.in_process}
                      & {r.method for r in rows})
    if stateful:
        print(f"note: the suite's report may not cover the kept rows of "
              f"{', '.join(map(repr, stateful))}, whose state (models, studies) stayed "
              "in the process that ran them")


def _print_row(row: Any) -> None:
    from numlearn.compare.report import format_row

    print(format_row(row), flush=True)


def _print_summaries(suite: Any, rows: Sequence[Any]) -> None:
    """What follows the table: solver statistics, decompositions, the suite's report."""
    _print_solver_stats(rows)
    decs = [r for r in rows if r.decomposition is not None]
    if decs:
        print("\nerror decomposition (relative L2 of each term; conditioning floor = "
              "Lebesgue constant x eps):")
        print(f"{'problem':<26} {'representation':>14} {'conditioning':>13} "
              f"{'optimization':>13} {'total':>9} {'floor':>9}")
        for r in decs:
            d = r.decomposition
            assert d is not None
            floor = d.get("conditioning_floor")
            t = {k: v["value"] for k, v in d["terms"].items()}
            print(f"{r.problem:<26} {t['representation']:>14.2e} {t['conditioning']:>13.2e} "
                  f"{t['optimization']:>13.2e} {d['total']:>9.2e} "
                  f"{floor if floor is None else format(floor, '.2e'):>9}")
    if suite.report is not None:
        print()
        print(suite.report(rows))


def _plot(rows: Sequence[Any], directory: Path) -> list[Path]:
    """The plots, drawn into a temporary folder beside ``directory`` and then moved in
    (an interrupted run leaves no half-written image)."""
    import os
    import shutil
    import tempfile

    from numlearn.compare.plots import plot_rows

    directory.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".plots-", dir=directory))
    try:
        out = []
        for path in plot_rows(rows, tmp):
            os.replace(path, directory / path.name)
            out.append(directory / path.name)
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_STAT_COLUMNS = ("nt", "nx", "N", "dt", "K", "cond", "iterations", "rank")


def _print_solver_stats(rows: Sequence[Any]) -> None:
    """Solver statistics (resolution, condition number, iterations) where reported."""
    with_stats = [r for r in rows if r.extra.get("solver_stats")]
    if not with_stats:
        return
    print("\nsolver statistics:")
    w = max(len("problem"), *(len(r.problem) for r in with_stats))
    print(f"{'problem':<{w}} {'method':<24} {'status':<20} statistics")
    for r in with_stats:
        st = r.extra["solver_stats"]
        parts = [f"{k}={st[k]:.3g}" if isinstance(st[k], float) else f"{k}={st[k]}"
                 for k in _STAT_COLUMNS if k in st]
        print(f"{r.problem:<{w}} {r.method:<24} {r.extra.get('status', '')[:20]:<20} "
              f"{' '.join(parts)}")


def _cmd_reference(args: argparse.Namespace) -> int:
    from numlearn import reference
    from numlearn._core.store import ENV_VAR, build_directory, shipped_directory

    directory = Path(args.dir) if args.dir else None
    if args.action == "build":
        try:  # default: the user cache, never the data installed with numlearn
            where = build_directory(directory)
            written = reference.build_references(where, progress=print)
            count = len(written)
            if args.pdes:
                count += len(reference.build_burgers_reference(where, progress=print))
                count += len(reference.build_poisson2d_reference(where, progress=print))
        except PermissionError as exc:
            print(f"numlearn: error: {exc}", file=sys.stderr)
            return 1
        print(f"wrote {count} files and the manifest in {where}\n"
              f"compare them with the shipped data: numlearn reference verify --dir {where}\n"
              f"read them instead of the shipped data: export {ENV_VAR}={where}")
        return 0
    where = reference.reference_directory(directory)
    checked = reference.verify_references(directory, recompute=args.recompute,
                                          against_shipped=True)
    for name, digest in sorted(checked.items()):
        print(f"ok  {digest[:16]}  {name}")
    extra = f", {args.recompute} value(s) per file recomputed" if args.recompute else ""
    shipped = shipped_directory()
    if shipped is not None and shipped.resolve() != where.resolve():
        extra += " and agree with the data installed with numlearn (MANIFEST.tolerances)"
    print(f"{len(checked)} reference files in {where} match the manifest{extra}")
    return 0


def build_parser(*, list_suites: bool = False) -> argparse.ArgumentParser:
    """The argument parser of the ``numlearn`` command (``list_suites``: the help of
    ``compare`` lists the suites, which imports them)."""
    import numlearn

    parser = argparse.ArgumentParser(
        prog="numlearn",
        description="Classical numerical references and learned models, side by side.",
    )
    parser.add_argument("--version", action="version",
                        version=f"numlearn {numlearn.__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    cmp_ = sub.add_parser(
        "compare", help="run a comparison suite and print the table",
        description="Run a suite: its prerequisites are checked first, then each row\n"
                    "is printed as it finishes, then the summaries.",
        epilog=_suites_text() if list_suites else None,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    cmp_.add_argument("--suite", default="quick", help="suite name (see --list)")
    cmp_.add_argument("--list", action="store_true",
                      help="list the suites, what each needs and how long it takes")
    cmp_.add_argument("--json", metavar="PATH",
                      help="write the rows as JSON (an envelope; rewritten as each row "
                           "finishes); refuses to overwrite an unfinished run's file "
                           "(continue it with --resume)")
    cmp_.add_argument("--merge", metavar="PATH", action="append",
                      help="with --resume: first add the rows of PATH, a piece of the same "
                           "suite run into its own --json file (repeatable; a pair in two "
                           "files is refused)")
    cmp_.add_argument("--resume", action="store_true",
                      help="continue the run whose --json file is PATH: its rows (any "
                           "status) are kept, only the pairs without a row run; the "
                           "suite, the numlearn version and --repeat must be the file's")
    cmp_.add_argument("--problems", metavar="NAME[,NAME...]", action="append",
                      help="run only these problems (the table's problem column; "
                           "repeatable); with --json the file is complete once every "
                           "pair of the suite is in, e.g. after --resume runs")
    cmp_.add_argument("--methods", metavar="NAME[,NAME...]", action="append",
                      help="run only these methods (the table's method column; "
                           "repeatable)")
    cmp_.add_argument("--plot", metavar="DIR", help="write plots (needs matplotlib)")
    cmp_.add_argument("--repeat", type=_int_in(1, MAX_REPEAT), default=None,
                      help=f"runs per method (best time), 1 to {MAX_REPEAT}; default: the "
                           "suite's (3 for quick, 2 for the others); with --resume the file's")
    cmp_.add_argument("--verbose", "-v", action="store_true",
                      help="accepted for compatibility: rows always print as they finish")
    from numlearn.compare.parallel import add_parallel_arguments

    add_parallel_arguments(cmp_)
    cmp_.set_defaults(func=_cmd_compare, parser=cmp_)

    ref = sub.add_parser("reference", help="build or verify the golden reference data")
    ref.add_argument("action", choices=["build", "verify"])
    ref.add_argument("--dir", help="reference directory (build: default $NUMLEARN_CACHE/reference "
                     "or ~/.cache/numlearn/reference; verify: default $NUMLEARN_REFERENCE_DIR, "
                     "else the data installed with numlearn)")
    ref.add_argument("--pdes", action="store_true",
                     help="build: also the PDE references (Burgers, Poisson2d-C; ~2 min)")
    ref.add_argument("--recompute", type=_int_in(0, MAX_RECOMPUTE), default=0, metavar="N",
                     help="verify: also recompute N stored values per file with mpmath "
                          f"(0 to {MAX_RECOMPUTE})")
    ref.set_defaults(func=_cmd_reference, parser=ref)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``numlearn`` command."""
    given = list(sys.argv[1:] if argv is None else argv)
    help_ = given[:1] == ["compare"] and not {"-h", "--help"}.isdisjoint(given)
    parser = build_parser(list_suites=help_)
    if given and given[0].startswith("-") and given[0] not in ("-h", "--help", "--version"):
        parser.error(f"unrecognized argument {given[0]!r} before the command; give a "
                     "command first: numlearn compare ... or numlearn reference ...")
    args = parser.parse_args(given)
    if args.command == "compare":
        _check_compare_paths(args.parser, args)
    elif args.dir is not None and Path(args.dir).exists() and not Path(args.dir).is_dir():
        args.parser.error(
            f"argument --dir: {args.dir!r} is a file; give the reference directory")
    from numlearn._core.store import ReferenceBuildError, ReferenceIntegrityError

    expected: tuple[type[Exception], ...] = (
        ReferenceIntegrityError, ReferenceBuildError, FileNotFoundError, KeyError)
    if args.command == "compare":
        from numlearn.compare.suites import PrerequisiteError

        expected = (*expected, PrerequisiteError)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("numlearn: interrupted (Ctrl-C); no file is left half written",
              file=sys.stderr)
        return 130
    except expected as exc:
        # Expected failures: one clear line, exit status 1, no traceback.
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"numlearn: error: {msg}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
