"""The harness: rows, metrics, the table and the JSON output."""

import json

import numpy as np
import pytest

from numlearn import Result
from numlearn.compare import (
    Method,
    format_table,
    run_comparison,
    write_json,
)


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


@pytest.mark.parametrize(("repeat", "exc", "match"), [
    (0, ValueError, "`repeat` must be >= 1, got 0"),
    (-3, ValueError, "`repeat` must be >= 1"),
    (2.0, TypeError, "`repeat` must be an integer"),
    (True, TypeError, "`repeat` must be an integer"),
])
def test_run_comparison_refuses_an_impossible_repeat(repeat, exc, match):
    """repeat=0 used to be accepted (and run once anyway)."""
    methods = [Method("exact", "classical", lambda p: p.truth())]
    with pytest.raises(exc, match=match):
        run_comparison([_Toy()], methods, repeat=repeat)


def test_not_applicable_and_diverged_rows_say_so():
    from numlearn import Status
    from numlearn.problems.protocol import HarnessProblem

    assert isinstance(_Toy(), HarnessProblem)
    methods = [
        Method("na", "learned", lambda p: Result(np.full(3, np.nan), side="learned",
                                                 status=Status.NOT_APPLICABLE,
                                                 message="runs only at n = 20")),
        Method("blowup", "classical", lambda p: Result(np.array([1.0, np.inf, 3.0]),
                                                       side="classical",
                                                       status=Status.DIVERGED)),
    ]
    na, blowup = run_comparison([_Toy()], methods)
    assert np.isnan(na.rel_l2) and na.extra["status"] == "not_applicable"
    assert blowup.rel_l2 == np.inf and blowup.extra["status"] == "diverged"
    lines = format_table([na, blowup]).splitlines()
    assert lines[2].split()[3:6] == ["n/a", "n/a", "n/a"]
    assert lines[3].split()[3:6] == ["inf", "inf", "inf"]


def test_write_json_is_standard_json_with_null_for_non_finite(tmp_path):
    """write_json used to write NaN / Infinity, which standard JSON parsers reject;
    now every non-finite float, nested ones included, is null (the status says why)."""
    from numlearn import Status

    class _Decomposition:
        def as_dict(self):
            return {"terms": {"conditioning": {"value": np.float64(np.nan)}},
                    "total": np.inf, "cond": np.array([1.0, -np.inf]), "ok": 2.5}

    def _reject(token):
        raise ValueError(f"non-standard JSON constant {token}")

    methods = [
        Method("na", "learned",
               lambda p: Result(np.full(3, np.nan), side="learned",
                                status=Status.NOT_APPLICABLE,
                                stats={"floor": np.float64(np.nan), "iterations": 3}),
               decompose=lambda p, v: _Decomposition()),
        Method("blowup", "classical",
               lambda p: Result(np.array([1.0, np.inf, 3.0]), side="classical",
                                status=Status.DIVERGED, stats={"residual_norm": np.inf,
                                                              "residual_norm_of": "r"})),
    ]
    rows = run_comparison([_Toy()], methods, extra=lambda p: {"scale": np.float32("nan")})
    path = tmp_path / "rows.json"
    write_json(rows, path)
    na, blowup = json.loads(path.read_text(), parse_constant=_reject)
    assert na["status"] == "not_applicable" and blowup["status"] == "diverged"
    assert na["rel_l2"] is None and blowup["max_abs"] is None and na["scale"] is None
    assert na["solver_stats"] == {"floor": None, "iterations": 3}
    assert blowup["solver_stats"]["residual_norm"] is None
    assert na["decomposition"] == {"terms": {"conditioning": {"value": None}},
                                   "total": None, "cond": [1.0, None], "ok": 2.5}
    assert isinstance(na["seconds"], float)
