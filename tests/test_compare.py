"""The harness, the quick suite's pieces, JSON output and the CLI."""

import json
import subprocess
import sys

import numpy as np
import pytest

from numlearn import Result
from numlearn.cli import main
from numlearn.compare import (
    InterpolationProblem,
    Method,
    format_table,
    get_suite,
    run_comparison,
    write_json,
)
from numlearn.compare.suites import INTERPOLATION_METHODS
from numlearn.problems import get_target


class _Toy:
    name = "toy"
    grid_name = "3 points"

    def truth(self):
        return np.array([1.0, 2.0, 3.0])


def test_run_comparison_rows_and_metrics(tmp_path):
    methods = [
        Method("exact", "classical", lambda p: p.truth()),
        Method("off", "learned", lambda p: Result(p.truth() + np.array([0.0, 0.0, 0.3]),
                                                   side="learned")),
    ]
    rows = run_comparison([_Toy()], methods, extra=lambda p: {"n": 3})
    assert [r.method for r in rows] == ["exact", "off"]
    assert rows[0].rel_l2 == 0.0 and rows[0].max_abs == 0.0
    assert rows[1].max_abs == pytest.approx(0.3)
    assert rows[1].rmse == pytest.approx(0.3 / np.sqrt(3))
    assert rows[1].rel_l2 == pytest.approx(0.3 / np.sqrt(14))
    text = format_table(rows)
    assert "toy" in text and "3 points" in text
    path = tmp_path / "rows.json"
    write_json(rows, path)
    data = json.loads(path.read_text())
    for key in ("problem", "method", "side", "rel_l2", "rmse", "max_abs", "seconds",
                "decomposition", "n"):
        assert key in data[1]
    assert data[1]["side"] == "learned"


def test_method_side_validated():
    with pytest.raises(ValueError, match="side"):
        Method("x", "neither", lambda p: None)


def test_unknown_suite_lists_known():
    with pytest.raises(KeyError, match="quick"):
        get_suite("nope")


def test_interpolation_problem_methods_agree_on_smooth_target():
    """numlearn's methods (and scipy's) interpolate exp at n = 30 to near eps.

    (numpy's chebinterpolate + chebval is left out: it measured 6e-14 here, an
    anchor's accuracy and not ours to assert.)"""
    prob = InterpolationProblem(get_target("exp"), 30, grid_size=200)
    rows = run_comparison([prob], INTERPOLATION_METHODS)
    for r in rows:
        if r.method.startswith("numpy"):
            continue
        # exp on [-1, 1] has |f| <= e; 30 points resolve it to ~1e-16; the rounding
        # of each method is a few eps * Lambda_n.
        assert r.max_abs <= 50 * np.finfo(float).eps, r
    dec = next(r for r in rows if r.decomposition is not None).decomposition
    assert dec["telescopes"]


def test_cli_compare_json(tmp_path, monkeypatch, capsys):
    """The CLI runs a (monkeypatched, tiny) suite and writes the JSON rows."""
    from numlearn.compare import suites

    def tiny():
        return ([InterpolationProblem(get_target("runge"), 20, grid_size=50)],
                INTERPOLATION_METHODS[:2], lambda p: {"n": p.n, "target": p.target.name})

    monkeypatch.setitem(suites.SUITES, "tiny", suites.Suite("tiny", tiny, "test suite"))
    path = tmp_path / "out.json"
    assert main(["compare", "--suite", "tiny", "--json", str(path), "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "runge/n=20" in out and "error decomposition" in out
    rows = json.loads(path.read_text())
    assert {r["method"] for r in rows} == {"numlearn.barycentric", "numlearn.dct+clenshaw"}


def test_cli_plot(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    from numlearn.compare import suites

    def tiny():
        return ([InterpolationProblem(get_target("exp"), n, grid_size=20) for n in (5, 10)],
                INTERPOLATION_METHODS[1:2], lambda p: {"n": p.n, "target": p.target.name})

    monkeypatch.setitem(suites.SUITES, "tiny", suites.Suite("tiny", tiny, "test suite"))
    assert main(["compare", "--suite", "tiny", "--plot", str(tmp_path), "--repeat", "1"]) == 0
    assert (tmp_path / "error_vs_n.png").stat().st_size > 1000
    assert (tmp_path / "coefficient_decay.png").stat().st_size > 1000


def test_python_dash_m_lists_suites():
    out = subprocess.run([sys.executable, "-m", "numlearn", "compare", "--list"],
                         capture_output=True, text=True, check=True)
    assert "quick" in out.stdout
