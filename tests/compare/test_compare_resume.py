"""Long suites in pieces: ``numlearn compare --resume``, ``--problems``, ``--methods``
and ``run_comparison(skip=...)``.

The truth of "what ran" is a counter in each toy method and each toy problem's
``truth``, independent of the code under test; the rows kept from a file are compared
with the file's own JSON, key by key.
"""

import json
import math
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import numlearn
from numlearn import Result
from numlearn._core.result import Status
from numlearn.cli import main
from numlearn.compare import Method, run_comparison, suites
from numlearn.compare._resume import CompareArgumentError, split_names
from numlearn.compare.harness import Row
from numlearn.compare.report import JsonReport, check_report, row_from_json
from numlearn.compare.suites import SUITES

CALLS: Counter = Counter()  # (problem, method) -> runs; ("truth", problem) -> truths
STATE: dict = {"stop_at": None, "reported": None}


class _Toy:
    grid_name = "5 points"

    def __init__(self, name, scale):
        self.name, self.scale = name, scale

    def truth(self):
        CALLS[("truth", self.name)] += 1
        return self.scale * np.linspace(1.0, 2.0, 5)


def _counted(method, fn):
    def run(p):
        CALLS[(p.name, method)] += 1
        if STATE["stop_at"] is not None and sum(
                v for k, v in CALLS.items() if k[0] != "truth") >= STATE["stop_at"]:
            raise KeyboardInterrupt  # Ctrl-C in the middle of this pair
        return fn(p)
    return run


def _noisy(p):
    return p.truth() * (1 + 1e-3 * np.arange(5))


def _blowup(p):  # diverged on "c": its metrics are inf, written as null
    if p.name == "c":
        return Result(np.full(5, np.inf), status=Status.DIVERGED, side="classical",
                      method="blowup")
    return p.truth()


def _na(p):  # not applicable on "a": NaN metrics, written as null
    if p.name == "a":
        return Result(np.nan, status=Status.NOT_APPLICABLE, side="learned", method="na")
    return p.truth() + 0.5


METHODS = (Method("exact", "classical", _counted("exact", lambda p: p.truth())),
           Method("noisy", "classical", _counted("noisy", _noisy)),
           Method("blowup", "classical", _counted("blowup", _blowup)),
           Method("na", "learned", _counted("na", _na)))
PROBLEMS = ("a", "b [0,1]", "c")  # a name with a comma, as the rational suite's
PAIRS = [(p, m.name) for p in PROBLEMS for m in METHODS]


def _build():
    return ([_Toy(n, s) for n, s in zip(PROBLEMS, (1.0, 2.0, 3.0), strict=True)],
            METHODS, lambda p: {"scale": p.scale})


def _report(rows):
    STATE["reported"] = list(rows)
    return f"TOY REPORT over {len(rows)} rows"


@pytest.fixture(autouse=True)
def toy(monkeypatch):
    CALLS.clear()
    STATE.update(stop_at=None, reported=None)
    monkeypatch.setitem(SUITES, "toy", suites.Suite("toy", _build, "toy suite", _report,
                                                    repeat=1))
    monkeypatch.setitem(SUITES, "toy2", suites.Suite("toy2", _build, "other", repeat=1))


def _runs():
    return {k: v for k, v in CALLS.items() if k[0] != "truth"}


def _compare(*argv):
    return main(["compare", "--suite", "toy", *argv])


def _doc(path):
    doc = json.loads(path.read_text())
    check_report(doc)
    return doc


def _pairs(doc):
    return [(r["problem"], r["method"]) for r in doc["rows"]]


def _error_line(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("numlearn: error:"), err
    return err[0]


# ------------------------------------------------------------------ resuming


def test_an_interrupted_run_resumes_with_only_the_missing_pairs(tmp_path, capsys):
    path = tmp_path / "runs.json"
    STATE["stop_at"] = 6  # the 6th method call raises: 5 rows finished
    assert _compare("--json", str(path)) == 130
    assert "--resume" in capsys.readouterr().err
    before = _doc(path)
    assert before["complete"] is False and before["finished"] is None
    assert _pairs(before) == PAIRS[:5]
    assert [tuple(p) for p in before["pending"]] == PAIRS[5:]

    CALLS.clear()
    STATE["stop_at"] = None
    assert _compare("--json", str(path), "--resume") == 0
    out = capsys.readouterr().out
    assert "5 rows kept, 7 of the suite's 12 (problem, method) pairs remain" in out
    # every missing pair ran once (the interrupted one again), no kept pair ran again
    assert _runs() == {p: 1 for p in PAIRS[5:]}
    after = _doc(path)
    assert _pairs(after) == PAIRS and after["complete"] is True
    assert after["finished"] is not None and "pending" not in after
    assert after["rows"][:5] == before["rows"]  # metrics, seconds, keys: unchanged
    assert after["started"] == before["started"] and len(after["resumed"]) == 1
    # the table, the summaries and the suite's report cover all 12 rows
    assert len([s for s in out.splitlines() if s.split(" ")[0] in PROBLEMS[::2]
                or s.startswith("b [0,1]")]) == 12
    assert "TOY REPORT over 12 rows" in out
    assert [(r.problem, r.method) for r in STATE["reported"]] == PAIRS


def test_kept_rows_keep_their_status_and_non_finite_metrics(tmp_path, capsys):
    """Rows whose metrics are null in the file (not applicable, diverged) are results:
    kept, not re-run, read back as NaN and inf."""
    path = tmp_path / "runs.json"
    assert _compare("--json", str(path), "--problems", "a,c") == 0
    first = _doc(path)
    assert first["complete"] is False and first["finished"] is None
    assert [tuple(p) for p in first["pending"]] == PAIRS[4:8]
    rows = {(r["problem"], r["method"]): r for r in first["rows"]}
    assert rows[("a", "na")]["rel_l2"] is None and rows[("a", "na")]["status"] == \
        "not_applicable"
    assert rows[("c", "blowup")]["rel_l2"] is None and rows[("c", "blowup")]["status"] \
        == "diverged"
    assert "4 pairs pending: continue with --resume" in capsys.readouterr().out

    CALLS.clear()
    assert _compare("--json", str(path), "--resume") == 0
    assert _runs() == {p: 1 for p in PAIRS[4:8]}
    final = _doc(path)
    assert final["complete"] is True and _pairs(final) == PAIRS
    assert [r for r in final["rows"] if r["problem"] != "b [0,1]"] == first["rows"]
    back = {(r.problem, r.method): r for r in STATE["reported"]}
    assert math.isnan(back[("a", "na")].rel_l2)
    assert back[("c", "blowup")].rel_l2 == math.inf
    assert back[("c", "noisy")].rel_l2 == pytest.approx(
        np.linalg.norm(1e-3 * np.arange(5) * np.linspace(1, 2, 5))
        / np.linalg.norm(np.linspace(1, 2, 5)), rel=1e-12)


def test_a_suite_in_pieces_by_problem_and_method(tmp_path, capsys):
    path = tmp_path / "runs.json"
    assert _compare("--json", str(path), "--problems", "b [0,1]", "--methods",
                    "exact,na") == 0
    assert _runs() == {("b [0,1]", "exact"): 1, ("b [0,1]", "na"): 1}
    assert CALLS[("truth", "a")] == 0 and CALLS[("truth", "c")] == 0  # never solved
    doc = _doc(path)
    assert doc["settings"]["problems"] == ["b [0,1]"]
    assert doc["settings"]["methods"] == ["exact,na"]
    CALLS.clear()
    # the same problem again, the rest of its methods; then two problems at once
    assert _compare("--json", str(path), "--resume", "--problems", "b [0,1]") == 0
    assert _runs() == {("b [0,1]", "noisy"): 1, ("b [0,1]", "blowup"): 1}
    assert _doc(path)["complete"] is False
    CALLS.clear()
    assert _compare("--json", str(path), "--resume", "--problems", "c",
                    "--problems", "a") == 0
    assert set(_runs()) == {p for p in PAIRS if p[0] != "b [0,1]"}
    doc = _doc(path)
    assert doc["complete"] is True and _pairs(doc) == PAIRS and len(doc["resumed"]) == 2
    capsys.readouterr()


def test_resume_with_nothing_left_prints_the_summaries(tmp_path, capsys):
    path = tmp_path / "runs.json"
    assert _compare("--json", str(path)) == 0
    text = path.read_text()
    capsys.readouterr()
    CALLS.clear()
    assert _compare("--json", str(path), "--resume") == 0
    out = capsys.readouterr().out
    assert _runs() == {} and sum(CALLS.values()) == 0
    assert "12 rows kept, 0 of the suite's 12" in out and "TOY REPORT over 12 rows" in out
    assert "errors: relative L2" in out and "left as it was (complete)" in out
    assert path.read_text() == text


def test_resume_of_a_file_with_every_row_but_not_marked_complete(tmp_path, capsys):
    """Interrupted after the last row was written, before the file was marked
    complete: --resume runs nothing and marks it complete."""
    path = tmp_path / "runs.json"
    assert _compare("--json", str(path)) == 0
    doc = _doc(path)
    doc.update(complete=False, finished=None)
    path.write_text(json.dumps(doc))
    CALLS.clear()
    assert _compare("--json", str(path), "--resume") == 0
    after = _doc(path)
    assert sum(CALLS.values()) == 0 and after["complete"] is True
    assert after["rows"] == doc["rows"] and "(complete)" in capsys.readouterr().out


def test_check_report_checks_the_pending_pairs():
    good = {"numlearn": "0", "suite": "s", "settings": {}, "started": "t",
            "finished": None, "complete": False, "rows": [], "pending": [["p", "m"]],
            "machine": {"platform": "p", "machine": "m", "python": "3", "cpu_count": 2,
                        "numba_num_threads": None, "numpy": None, "scipy": None,
                        "numba": None, "mpmath": None, "torch": None}}
    check_report(good)
    for bad in ({"pending": "p"}, {"pending": [["p"]]}, {"pending": [["p", 1]]},
                {"resumed": {}}):
        with pytest.raises(ValueError, match=r"pending|resumed"):
            check_report({**good, **bad})


def test_resume_reads_the_file_of_a_writer_without_pairs(tmp_path, capsys):
    """The file of the writer before --resume existed (no "pending", rows in the
    finishing order): what a run started from an older checkout leaves."""
    path = tmp_path / "old.json"
    problems, methods, extra = _build()
    old = JsonReport(path, "toy", {"repeat": 1, "workers": 1, "scheduler": None})
    for row in reversed(run_comparison(problems[1:], methods, extra=extra)):
        old.add(row)
    written = json.loads(path.read_text())
    assert "pending" not in written
    CALLS.clear()
    assert _compare("--json", str(path), "--resume") == 0
    assert _runs() == {p: 1 for p in PAIRS[:4]}
    doc = _doc(path)
    assert doc["complete"] and _pairs(doc) == PAIRS
    assert sorted(doc["rows"][4:], key=json.dumps) == sorted(written["rows"], key=json.dumps)
    capsys.readouterr()


def test_resume_says_when_the_report_may_miss_kept_rows_of_stateful_methods(
        monkeypatch, tmp_path, capsys):
    """A method marked in_process keeps state (models, studies) that the suite's report
    reads; its kept rows' state is gone after a restart, and the run says so."""
    stateful = (METHODS[0], Method("state", "learned", METHODS[1].run, in_process=True))
    monkeypatch.setitem(SUITES, "toy", suites.Suite(
        "toy", lambda: (_build()[0], stateful, None), "toy", repeat=1))
    path = tmp_path / "runs.json"
    assert _compare("--json", str(path), "--problems", "a") == 0
    assert "note:" not in capsys.readouterr().out
    assert _compare("--json", str(path), "--resume") == 0
    out = capsys.readouterr().out
    assert "2 rows kept, 4 of the suite's 6" in out
    assert "note: the suite's report may not cover the kept rows of 'state'" in out


def _plain(p):  # module level: a process pool pickles it
    return p.truth()


def test_resume_on_worker_processes(monkeypatch, tmp_path, capsys):
    """--workers 2: the skipped pairs are not sent, the file ends in the suite's order."""
    methods = (Method("exact", "classical", _plain), Method("noisy", "classical", _noisy))
    monkeypatch.setitem(SUITES, "toy", suites.Suite(
        "toy", lambda: (_build()[0], methods, None), "toy", repeat=1))
    path = tmp_path / "runs.json"
    assert _compare("--json", str(path), "--workers", "2", "--problems", "c") == 0
    first = _doc(path)
    assert _pairs(first) == [("c", "exact"), ("c", "noisy")]
    assert _compare("--json", str(path), "--workers", "2", "--resume") == 0
    doc = _doc(path)
    want = [(p, m.name) for p in PROBLEMS for m in methods]
    assert doc["complete"] and _pairs(doc) == want and doc["rows"][4:] == first["rows"]
    assert doc["resumed"][0]["settings"]["workers"] == 2
    assert "2 rows kept, 4 of the suite's 6" in capsys.readouterr().out


# ------------------------------------------------------------------ refusals


def _unfinished(tmp_path):
    path = tmp_path / "runs.json"
    assert main(["compare", "--suite", "toy", "--json", str(path), "--problems", "a"]) == 0
    CALLS.clear()
    return path


@pytest.mark.parametrize(("edit", "argv", "match"), [
    (None, ("--suite", "toy2"), "holds a run of suite 'toy', not 'toy2'; resume it with "
                                "--suite toy"),
    (lambda d: d.update(numlearn="0.0.1"), (), "written by numlearn 0.0.1, this is "
                                               f"numlearn {numlearn.__version__}"),
    (None, ("--repeat", "2"), r"best of 1 run\(s\) per method, not 2; resume with --repeat 1"),
    (lambda d: d.update(rows=[*d["rows"], {**d["rows"][0], "method": "gone"}]), (),
     r"the row \('a', 'gone'\) that the suite does not have"),
    (lambda d: d.update(rows=[*d["rows"], d["rows"][0]]), (), r"\('a', 'exact'\) twice"),
    (lambda d: d.pop("machine"), (), "not a numlearn compare --json file .*'machine'"),
    (lambda d: d["settings"].update(repeat=True), (), "settings.repeat = True, not a"),
])
def test_resume_refuses_a_file_it_cannot_continue(tmp_path, capsys, edit, argv, match):
    path = _unfinished(tmp_path)
    if edit is not None:
        doc = json.loads(path.read_text())
        edit(doc)
        path.write_text(json.dumps(doc))
    text = path.read_text()
    capsys.readouterr()
    suite = [] if "--suite" in argv else ["--suite", "toy"]
    assert main(["compare", *suite, *argv, "--json", str(path), "--resume"]) == 1
    line = _error_line(capsys)
    assert re.search(match, line), line
    assert sum(CALLS.values()) == 0 and path.read_text() == text


@pytest.mark.parametrize("content", [None, "{not json", "[]"])
def test_resume_refuses_a_missing_or_foreign_file(tmp_path, capsys, content):
    path = tmp_path / "runs.json"
    if content is not None:
        path.write_text(content)
    assert _compare("--json", str(path), "--resume") == 1
    line = _error_line(capsys)
    want = "does not exist; run without --resume" if content is None else \
        "is not a numlearn compare --json file"
    assert want in line and sum(CALLS.values()) == 0


def test_resume_needs_json(capsys):
    with pytest.raises(SystemExit) as exc:
        _compare("--resume")
    assert exc.value.code == 2
    assert "argument --resume" in capsys.readouterr().err and sum(CALLS.values()) == 0


@pytest.mark.parametrize(("option", "value", "known"), [
    ("--problems", "a,zeta", "'a', 'b [0,1]', 'c'"),
    ("--problems", "b", "'a', 'b [0,1]', 'c'"),
    ("--methods", "exact,Exact", "'exact', 'noisy', 'blowup', 'na'"),
])
def test_an_unknown_name_is_refused_with_the_known_ones(capsys, option, value, known):
    assert _compare(option, value) == 1
    line = _error_line(capsys)
    assert f"argument {option}: no name" in line and known in line
    assert sum(CALLS.values()) == 0  # nothing solved, not even a truth


def test_a_new_run_does_not_overwrite_an_unfinished_file(tmp_path, capsys):
    path = _unfinished(tmp_path)
    text = path.read_text()
    capsys.readouterr()
    assert _compare("--json", str(path)) == 1
    assert "continue it with --resume" in _error_line(capsys)
    assert path.read_text() == text and sum(CALLS.values()) == 0


def test_split_names_takes_the_longest_known_name():
    known = ["exp [-1,1] m=4", "exp", "1]", "c"]
    assert split_names(["exp [-1,1] m=4,c"], known, "--problems") == ["exp [-1,1] m=4", "c"]
    assert split_names(["exp, c", "exp"], known, "--problems") == ["exp", "c"]
    assert split_names(None, known, "--problems") is None
    with pytest.raises(CompareArgumentError, match="give at least one name"):
        split_names([","], known, "--problems")


# ------------------------------------------------------------------ the harness


@pytest.mark.parametrize("parallel", [False, True])
def test_run_comparison_skips_pairs(parallel):
    problems, methods, extra = _build()
    skip = {("a", "exact"), ("a", "noisy"), ("a", "blowup"), ("a", "na"), ("c", "noisy")}
    if parallel:
        with ThreadPoolExecutor(2) as ex, pytest.warns(UserWarning, match="one at a time"):
            rows = run_comparison(problems, methods, extra=extra, skip=skip, executor=ex)
    else:
        rows = run_comparison(problems, methods, extra=extra, skip=list(skip))
    want = [p for p in PAIRS if p not in skip]
    assert [(r.problem, r.method) for r in rows] == want
    assert _runs() == {p: 1 for p in want} and CALLS[("truth", "a")] == 0


@pytest.mark.parametrize(("skip", "exc", "match"), [
    ("ab", TypeError, "`skip` must be a collection"),
    (3, TypeError, "`skip` must be a collection"),
    ({"a": "exact"}, TypeError, "`skip` must be a collection"),
    ([("a",)], TypeError, "`skip` must be .* it holds tuple"),
    ([("a", 1)], TypeError, "`skip` must be .* it holds tuple"),
    (["ab"], TypeError, "it holds str"),
    ([("zz", "exact")], ValueError, "`skip` holds the pair .* no problem .* named 'zz'"),
    ([("a", "zz")], ValueError, "no method of this comparison is named 'zz'"),
])
def test_run_comparison_validates_skip(skip, exc, match):
    problems, methods, _ = _build()
    with pytest.raises(exc, match=match):
        run_comparison(problems, methods, skip=skip)
    assert sum(CALLS.values()) == 0


# ------------------------------------------------------------------ the report


def test_a_report_with_pairs_keeps_the_suite_order_and_knows_what_is_pending(tmp_path):
    problems, methods, extra = _build()
    rows = run_comparison(problems, methods, extra=extra)
    path = tmp_path / "r.json"
    report = JsonReport(path, "toy", {"repeat": 1}, pairs=PAIRS)
    for row in reversed(rows[4:]):
        report.add(row)
    report.finish()  # 4 pairs still missing: stays incomplete
    doc = _doc(path)
    assert _pairs(doc) == PAIRS[4:] and doc["complete"] is False
    assert doc["finished"] is None and [tuple(p) for p in doc["pending"]] == PAIRS[:4]
    with pytest.raises(ValueError, match="not one of the report's `pairs`"):
        report.add(Row("zz", "exact", "classical", 0.0, 0.0, 0.0, 0.1, "g"))
    with pytest.raises(ValueError, match=r"names .* twice"):
        JsonReport(tmp_path / "s.json", "toy", {}, pairs=PAIRS + PAIRS[:1])
    with pytest.raises(TypeError, match=r"`pairs\[0\]`"):
        JsonReport(tmp_path / "s.json", "toy", {}, pairs=["ab"])


def test_row_from_json_is_the_inverse_of_the_writer():
    problems, methods, extra = _build()
    rows = run_comparison(problems, methods, extra=extra)
    path_rows = [json.loads(json.dumps(numlearn.compare.report.jsonable(r.as_dict())))
                 for r in rows]
    back = [row_from_json(d) for d in path_rows]
    assert [numlearn.compare.report.jsonable(r.as_dict()) for r in back] == path_rows
    for r, b in zip(rows, back, strict=True):
        for k in ("rel_l2", "rmse", "max_abs"):
            v, w = getattr(r, k), getattr(b, k)
            assert (math.isnan(v) and math.isnan(w)) or v == w


def test_pieces_run_side_by_side_are_merged(tmp_path, capsys):
    """Three pieces, each its own --json file (as two processes would run them); the
    first is resumed with the other two merged: nothing runs again, the file holds
    every row in the suite's order, each row as its piece wrote it, and is complete."""
    files = [tmp_path / f"piece{i}.json" for i in range(3)]
    for f, prob in zip(files, PROBLEMS, strict=True):
        assert _compare("--json", str(f), "--problems", prob) == 0
    pieces = {(r["problem"], r["method"]): r for f in files for r in _doc(f)["rows"]}
    CALLS.clear()
    assert _compare("--json", str(files[0]), "--resume", "--merge", str(files[1]),
                    "--merge", str(files[2])) == 0
    assert _runs() == {}
    doc = _doc(files[0])
    assert doc["complete"] is True and _pairs(doc) == PAIRS
    assert all(r == pieces[(r["problem"], r["method"])] for r in doc["rows"])
    assert STATE["reported"] is not None and len(STATE["reported"]) == len(PAIRS)
    capsys.readouterr()


def test_merged_rows_print_in_the_suites_order(tmp_path, capsys):
    """The table printed on resuming lists the kept rows in the suite's order, not in
    the order of the files they came from (here the last problem's piece is resumed
    with the first two merged into it)."""
    files = [tmp_path / f"piece{i}.json" for i in range(3)]
    for f, prob in zip(files, PROBLEMS, strict=True):
        assert _compare("--json", str(f), "--problems", prob) == 0
    capsys.readouterr()
    assert _compare("--json", str(files[2]), "--resume", "--merge", str(files[0]),
                    "--merge", str(files[1])) == 0
    printed = []
    for line in capsys.readouterr().out.splitlines():
        prob = next((p for p in PROBLEMS if line.startswith(p + " ")), None)
        if prob is not None:
            printed.append((prob, line[len(prob):].split()[0]))
    assert printed[:len(PAIRS)] == PAIRS


def test_merge_runs_what_no_piece_has(tmp_path, capsys):
    a, c = tmp_path / "a.json", tmp_path / "c.json"
    assert _compare("--json", str(a), "--problems", "a") == 0
    assert _compare("--json", str(c), "--problems", "c") == 0
    CALLS.clear()
    assert _compare("--json", str(a), "--resume", "--merge", str(c)) == 0
    assert set(_runs()) == {p for p in PAIRS if p[0] == "b [0,1]"}
    assert _doc(a)["complete"] is True and _pairs(_doc(a)) == PAIRS
    capsys.readouterr()


@pytest.mark.parametrize("case", ["same pair", "other suite", "missing"])
def test_merge_refuses_what_one_table_cannot_hold(tmp_path, capsys, case):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert _compare("--json", str(a), "--problems", "a") == 0
    if case == "same pair":
        assert _compare("--json", str(b), "--problems", "a,c") == 0
    elif case == "other suite":
        assert main(["compare", "--suite", "toy2", "--json", str(b), "--problems", "c"]) == 0
    before, n = a.read_text(), len(_runs())
    capsys.readouterr()
    assert _compare("--json", str(a), "--resume", "--merge", str(b)) == 1
    line = _error_line(capsys)
    want = {"same pair": "both have a row for ('a', 'exact')",
            "other suite": "holds a run of suite 'toy2'",
            "missing": "does not exist"}[case]
    assert "argument --merge" in line and want in line, line
    assert a.read_text() == before and len(_runs()) == n


def test_merge_needs_resume(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        _compare("--json", str(tmp_path / "a.json"), "--merge", str(tmp_path / "b.json"))
    assert exc.value.code == 2
    assert "argument --merge" in capsys.readouterr().err and sum(CALLS.values()) == 0
