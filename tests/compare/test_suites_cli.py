"""`numlearn compare` as a user meets it (issue 14): prerequisites checked before any
computing, rows streamed under their header, the JSON envelope and its schema, Ctrl-C
and crashes that leave whole files, --version and --help."""

import dataclasses
import importlib.util
import json
import time

import pytest

import numlearn
from numlearn.cli import main
from numlearn.compare import suites
from numlearn.compare.report import (
    ENVELOPE_KEYS,
    MACHINE_KEYS,
    ROW_KEYS,
    JsonReport,
    atomic_write_text,
    check_report,
)
from numlearn.compare.suites import INTERPOLATION_METHODS, SUITES, PrerequisiteError
from numlearn.problems import InterpolationProblem, get_target


def _never():
    raise AssertionError("the suite was built before its prerequisites were checked")


def _tiny(methods=INTERPOLATION_METHODS[:2], ns=(8, 12)):
    def build():
        return ([InterpolationProblem(get_target("runge"), n, grid_size=30) for n in ns],
                methods, lambda p: {"n": p.n, "target": p.target.name})
    return build


def _refused(argv, capsys):
    """Run the CLI; its exit status, stderr, and the seconds it took."""
    t0 = time.perf_counter()
    code = main(argv)
    seconds = time.perf_counter() - t0
    err = capsys.readouterr().err
    return code, err, seconds


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("numlearn: error:")
    return lines[0]


# ---------------------------------------------------------------- prerequisites


def test_least_squares_without_torch_stops_first(monkeypatch, capsys):
    monkeypatch.setitem(SUITES, "least-squares",
                        dataclasses.replace(SUITES["least-squares"], build=_never))
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "torch" else real(name, *a))
    code, err, seconds = _refused(["compare", "--suite", "least-squares"], capsys)
    line = _one_line(err)
    assert code == 1 and seconds < 5
    assert "needs torch" in line and "pip install 'numlearn[torch]'" in line


def test_plot_without_matplotlib_stops_first(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(SUITES, "quick", dataclasses.replace(SUITES["quick"], build=_never))

    def blocked(name, *a):
        raise ModuleNotFoundError(name)  # how a blocked import looks to find_spec

    monkeypatch.setattr(importlib.util, "find_spec", blocked)
    code, err, _ = _refused(["compare", "--plot", str(tmp_path / "p")], capsys)
    line = _one_line(err)
    assert code == 1 and "--plot needs matplotlib" in line
    assert "pip install 'numlearn[plot]'" in line
    assert not (tmp_path / "p").exists()


def test_plot_on_a_suite_that_cannot_plot_stops_first(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(SUITES, "pdes-classical",
                        dataclasses.replace(SUITES["pdes-classical"], build=_never))
    code, err, _ = _refused(["compare", "--suite", "pdes-classical", "--plot",
                             str(tmp_path)], capsys)
    line = _one_line(err)
    assert code == 1 and "has no plots" in line and "drop --plot" in line


@pytest.mark.parametrize("damage", ["missing", "altered"])
def test_pdes_without_reference_data_stops_first(damage, monkeypatch, capsys, tmp_path):
    import shutil

    from numlearn._core.store import reference_directory

    monkeypatch.setitem(SUITES, "pdes-classical",
                        dataclasses.replace(SUITES["pdes-classical"], build=_never))
    where = tmp_path / "ref"
    if damage == "altered":
        shutil.copytree(reference_directory(), where)
        with open(where / "pdes" / "burgers.npz", "ab") as fh:
            fh.write(b"x")
    monkeypatch.setenv("NUMLEARN_REFERENCE_DIR", str(where))
    code, err, seconds = _refused(["compare", "--suite", "pdes-classical"], capsys)
    line = _one_line(err)
    assert code == 1 and seconds < 5 and "needs the PDE reference data" in line
    assert ("does not exist" in line) if damage == "missing" else ("altered" in line)
    assert "numlearn reference build" in line


def test_the_repository_reference_data_passes_the_check():
    SUITES["pdes-classical"].check_prerequisites()


def test_prerequisites_are_declared_on_the_suites():
    assert SUITES["least-squares"].needs == ("torch",)
    assert [s.name for s in SUITES.values() if s.can_plot] == ["quick"]
    assert SUITES["pdes-classical"].check is not None
    assert all(s.typical_seconds for s in SUITES.values())
    with pytest.raises(PrerequisiteError, match="drop --plot"):
        SUITES["least-squares"].check_prerequisites(plot=True)


# ---------------------------------------------------------------- talking while working


def test_rows_stream_under_the_header_then_the_summaries(monkeypatch, capsys):
    monkeypatch.setitem(SUITES, "tiny", suites.Suite("tiny", _tiny(), "test suite"))
    assert main(["compare", "--suite", "tiny", "--repeat", "1", "-v"]) == 0
    out = capsys.readouterr().out.splitlines()
    header = next(i for i, s in enumerate(out) if s.startswith("problem "))
    rows = [i for i, s in enumerate(out) if s.startswith("runge/n=")]
    footer = next(i for i, s in enumerate(out) if s.startswith("errors: relative L2"))
    decomposition = next(i for i, s in enumerate(out) if s.startswith("error decomposition"))
    # one copy of each of the 4 rows (even with -v), between the header and the footer,
    # and the decomposition's own 2 lines after the summaries' heading
    table_rows = [i for i in rows if i < footer]
    assert len(table_rows) == 4 and header < min(table_rows) and max(table_rows) < footer
    assert footer < decomposition
    assert len([i for i in rows if i > decomposition]) == 2


def test_solver_statistics_name_the_method(monkeypatch, capsys):
    """The pdes suite's statistics printed the problem and the status only, so the two
    solvers' lines could not be told apart; each line now names its method."""
    from numlearn import Result
    from numlearn.compare import Method

    def solver(p):
        return Result(p.truth(), side="classical", stats={"iterations": 3}, method="s")

    methods = (Method("solver A", "classical", solver), Method("solver B", "classical",
                                                                solver))
    monkeypatch.setitem(SUITES, "tiny", suites.Suite("tiny", _tiny(methods, (8,)), "t"))
    assert main(["compare", "--suite", "tiny", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    stats = out[out.index("solver statistics:"):].splitlines()
    assert stats[1].split()[:3] == ["problem", "method", "status"]
    assert [line.split()[1:3] for line in stats[2:4]] == [["solver", "A"], ["solver", "B"]]


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"numlearn {numlearn.__version__}"


def test_compare_help_lists_suites_needs_and_times(capsys):
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    out = capsys.readouterr().out
    for s in SUITES.values():
        assert s.name in out
    assert "needs: the torch extra" in out and "the PDE reference data" in out
    assert "on 2 cores" in out and "NUMLEARN_CACHE" in out and "NUMBA_NUM_THREADS" in out


# ---------------------------------------------------------------- the JSON envelope


def test_json_envelope_schema_on_the_quick_suite(monkeypatch, tmp_path):
    """Real output of the quick suite's methods on a tiny problem set, validated
    against the schema in code (ENVELOPE_KEYS, MACHINE_KEYS, ROW_KEYS)."""
    monkeypatch.setitem(SUITES, "quick",
                        dataclasses.replace(SUITES["quick"], build=_tiny(INTERPOLATION_METHODS)))
    path = tmp_path / "rows.json"
    assert main(["compare", "--json", str(path), "--repeat", "1"]) == 0
    doc = json.loads(path.read_text())

    def quick_keys(row):
        assert isinstance(row["n"], int) and row["target"] == "runge"

    check_report(doc, row_check=quick_keys)
    assert list(doc) == list(ENVELOPE_KEYS) and set(doc["machine"]) == set(MACHINE_KEYS)
    assert doc["numlearn"] == numlearn.__version__ and doc["suite"] == "quick"
    assert doc["settings"] == {"repeat": 1, "workers": 1, "scheduler": None}
    assert doc["complete"] is True
    assert len(doc["rows"]) == 2 * len(INTERPOLATION_METHODS)
    assert all(set(ROW_KEYS) <= set(r) for r in doc["rows"])
    assert [p.name for p in tmp_path.iterdir()] == ["rows.json"]  # no temporary left


def test_check_report_names_the_bad_key():
    good = {"numlearn": "0", "suite": "s", "settings": {}, "started": "t", "finished": None,
            "complete": False, "machine": {k: None for k in MACHINE_KEYS}, "rows": []}
    good["machine"].update(platform="p", machine="m", python="3")
    check_report(good)
    for key, bad in (("rows", {}), ("complete", "yes"), ("finished", "t")):
        with pytest.raises(ValueError, match=key):
            check_report({**good, key: bad})
    row = {"problem": "p", "method": "m", "side": "classical", "rel_l2": None, "rmse": 1.0,
           "max_abs": 1.0, "seconds": 0.1, "grid": "g", "decomposition": None}
    check_report({**good, "rows": [row]})
    with pytest.raises(ValueError, match="seconds"):
        check_report({**good, "rows": [{**row, "seconds": True}]})
    with pytest.raises(ValueError, match="'grid'"):
        check_report({**good, "rows": [{k: v for k, v in row.items() if k != "grid"}]})


def _crashing(exc_type, after: int):
    """Methods whose second one raises ``exc_type`` once ``after`` rows finished."""
    from numlearn.compare import Method

    calls = []

    def boom(p):
        calls.append(p)
        if len(calls) > after:
            raise exc_type()
        return INTERPOLATION_METHODS[0].run(p)

    return (INTERPOLATION_METHODS[0], Method("boom", "classical", boom))


def test_ctrl_c_keeps_the_finished_rows_and_exits_130(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(SUITES, "tiny", suites.Suite(
        "tiny", _tiny(_crashing(KeyboardInterrupt, after=1)), "t"))
    path = tmp_path / "rows.json"
    assert main(["compare", "--suite", "tiny", "--json", str(path), "--repeat", "1"]) == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "interrupted" in err[0] and "3 finished rows" in err[0]
    doc = json.loads(path.read_text())
    check_report(doc)
    assert doc["complete"] is False and doc["finished"] is None and len(doc["rows"]) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["rows.json"]


def test_a_crash_keeps_the_finished_rows(monkeypatch, tmp_path):
    monkeypatch.setitem(SUITES, "tiny", suites.Suite(
        "tiny", _tiny(_crashing(MemoryError, after=0)), "t"))
    path = tmp_path / "rows.json"
    with pytest.raises(MemoryError):
        main(["compare", "--suite", "tiny", "--json", str(path), "--repeat", "1"])
    doc = json.loads(path.read_text())
    assert doc["complete"] is False and [r["method"] for r in doc["rows"]] == [
        "numlearn.barycentric"]


def test_atomic_write_leaves_the_old_file_when_interrupted(tmp_path, monkeypatch):
    import os

    path = tmp_path / "f.json"
    atomic_write_text(path, "old")
    real_fdopen = os.fdopen

    def fdopen(fd, *args, **kwargs):  # a file whose write is cut off half way
        fh = real_fdopen(fd, *args, **kwargs)

        class Half:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                fh.close()

            def write(self, text):
                fh.write(text[: len(text) // 2])
                raise KeyboardInterrupt

        return Half()

    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(path, "new text")
    monkeypatch.undo()
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["f.json"]


def test_report_rows_appear_as_they_finish(tmp_path):
    from numlearn.compare import run_comparison

    path = tmp_path / "r.json"
    report = JsonReport(path, "tiny", {"repeat": 1})
    seen = []
    problems, methods, extra = _tiny()()

    def on_row(row):
        report.add(row)
        seen.append(len(json.loads(path.read_text())["rows"]))

    rows = run_comparison(problems, methods, extra=extra, on_row=on_row)
    assert seen == [1, 2, 3, 4] and len(rows) == 4
    assert json.loads(path.read_text())["complete"] is False
    report.finish()
    assert json.loads(path.read_text())["complete"] is True


def test_report_finish_puts_the_rows_in_the_serial_order(tmp_path):
    """Rows appended in a finishing order (as under --workers) are written in the
    order run_comparison returns; a different set of rows is refused."""
    from numlearn.compare import run_comparison

    path = tmp_path / "r.json"
    problems, methods, extra = _tiny()()
    rows = run_comparison(problems, methods, extra=extra)
    report = JsonReport(path, "tiny", {"repeat": 1})
    for row in reversed(rows):
        report.add(row)
    with pytest.raises(ValueError, match="`rows`"):
        report.finish(rows[:-1])
    report.finish(rows)
    doc = json.loads(path.read_text())
    assert [(r["problem"], r["method"]) for r in doc["rows"]] == [
        (r.problem, r.method) for r in rows]
    assert doc["complete"] is True

def test_training_runs_say_which_model_and_where_the_checkpoint_goes(
        monkeypatch, tmp_path, capsys):
    """Before a training run the least-squares suite names the model, its phases,
    its time budget and the checkpoint's path; the bars name model, phase and seed."""
    pytest.importorskip("torch")
    from numlearn import Result
    from numlearn.compare import ls_suite
    from numlearn.learned import checkpoint
    from numlearn.learned.config import TrainConfig
    from numlearn.learned.training import _label

    monkeypatch.setenv("NUMLEARN_CACHE", str(tmp_path))

    def fake(config):
        path = tmp_path / "learned" / "written.pt"
        return Result(None, side="learned", stats={"cached": False, "seconds": 12.0,
                                                   "checkpoint": str(path)})

    monkeypatch.setattr(checkpoint, "trained_model", fake)
    ls_suite._train("baseconv")
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("learned.baseconv: training: Adam ")
    assert "at most 30 min" in err[0] and f"checkpoint -> {tmp_path}/learned/baseconv-" in err[0]
    assert err[1] == (f"learned.baseconv: trained in 12 s (success); checkpoint "
                      f"{tmp_path}/learned/written.pt")
    config = TrainConfig.for_arch("baseconv")
    assert _label(config, "adam") == f"baseconv adam (seed {config.seed})"


def test_default_repeat_is_the_suites():
    """Without --repeat a suite runs each method its own number of times (quick: 3,
    so the best time is past the cold-cache second call); register_suite checks it."""
    from numlearn.compare.suites import get_suite, register_suite

    assert get_suite("quick").repeat == 3 and get_suite("pdes-classical").repeat == 2
    with pytest.raises(ValueError, match="`repeat`"):
        register_suite("bad-repeat", _tiny(), "x", repeat=0)
