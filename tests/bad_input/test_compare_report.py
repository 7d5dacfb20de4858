"""Bad input to the suites' prerequisites and the JSON report (issue 14): each is
refused with the argument named, before any work."""

from __future__ import annotations

import pytest

from numlearn.compare import run_comparison
from numlearn.compare.report import JsonReport, check_report
from numlearn.compare.suites import INTERPOLATION_METHODS, SUITES, register_suite
from numlearn.problems import InterpolationProblem, get_target


def _build():
    return [], [], None


@pytest.mark.parametrize("kwargs,exc,name", [
    ({"needs": ("tensorflow",)}, ValueError, "`needs`"),
    ({"needs": (1,)}, TypeError, "`needs`"),
    ({"check": "yes"}, TypeError, "`check`"),
    ({"can_plot": "yes"}, TypeError, "`can_plot`"),
    ({"typical_seconds": -1.0}, ValueError, "`typical_seconds`"),
    ({"typical_seconds": float("nan")}, ValueError, "`typical_seconds`"),
    ({"data": 1}, TypeError, "`data`"),
    ({"time_note": 1}, TypeError, "`time_note`"),
    ({"repeat": 0}, ValueError, "`repeat`"),
    ({"repeat": 2.5}, TypeError, "`repeat`"),
])
def test_register_suite_prerequisites(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        register_suite("bad-input-prereq", _build, "d", **kwargs)
    assert "bad-input-prereq" not in SUITES


@pytest.mark.parametrize("args,exc,name", [
    ((1, "s", {}), TypeError, "`path`"),
    (("{tmp}", "s", {}), ValueError, "directory"),
    (("{tmp}/missing/r.json", "s", {}), ValueError, "does not exist"),
    (("{tmp}/r.json", "", {}), TypeError, "`suite`"),
    (("{tmp}/r.json", "s", [("repeat", 1)]), TypeError, "`settings`"),
])
def test_json_report_arguments(args, exc, name, tmp_path):
    args = tuple(a.format(tmp=tmp_path) if isinstance(a, str) else a for a in args)
    with pytest.raises(exc, match=name):
        JsonReport(*args)
    assert not (tmp_path / "r.json").exists()


def test_json_report_add_takes_rows_only(tmp_path):
    report = JsonReport(tmp_path / "r.json", "s", {})
    with pytest.raises(TypeError, match="Row"):
        report.add({"problem": "p"})
    assert report.doc["rows"] == []


def test_check_report_refuses_non_objects():
    for doc in ([], None, "{}"):
        with pytest.raises(ValueError, match="JSON object"):
            check_report(doc)


def test_run_comparison_on_row_must_be_callable():
    prob = InterpolationProblem(get_target("exp"), 5, grid_size=10)
    with pytest.raises(TypeError, match="`on_row`"):
        run_comparison([prob], INTERPOLATION_METHODS[:1], on_row="print")
