"""Bad input to numlearn.compare, the ``numlearn`` command and numlearn.testing (issue 13).

One class per category of the fault matrix (``bench/fault_matrix.py``); each test
asserts the exception type and that the message names the argument, or the warning
and the status.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import pytest

from numlearn.cli import main
from numlearn.compare import (
    Method,
    Row,
    format_table,
    get_suite,
    register_suite,
    run_comparison,
    write_json,
)
from numlearn.compare.suites import SUITES, Suite
from numlearn.problems import TARGETS, InterpolationProblem
from numlearn.testing import (
    SeriesCase,
    assert_close_to_oracle,
    assert_ulp_close,
    chebyshev_nodes,
    chebyshev_series,
    clustered_nodes,
    evaluation_points,
    load_profile,
    matrices_with_condition,
    nearly_coincident_nodes,
    node_sets,
    random_distinct_nodes,
)

NAN, INF = math.nan, math.inf


def _problem() -> InterpolationProblem:
    return InterpolationProblem(TARGETS["exp"], 8, grid_size=20)


def _method(run: Callable[[Any], Any] | None = None, name: str = "m") -> Method:
    return Method(name, "classical", run or (lambda p: p.truth()))


def _rows() -> list[Row]:
    return run_comparison([_problem()], [_method()])


def _row(**change: Any) -> Row:
    kw: dict[str, Any] = dict(problem="p", method="m", side="classical", rel_l2=0.0,
                              rmse=0.0, max_abs=0.0, seconds=0.0, grid="g")
    kw.update(change)
    return Row(**kw)


NODE_STRATEGIES = {
    "chebyshev_nodes": chebyshev_nodes,
    "clustered_nodes": clustered_nodes,
    "nearly_coincident_nodes": nearly_coincident_nodes,
    "node_sets": node_sets,
    "random_distinct_nodes": random_distinct_nodes,
}


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Exit status and stderr of ``numlearn argv``."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    return int(code or 0), capsys.readouterr().err


class TestNonFinite:
    @pytest.mark.parametrize("name", ["rmse", "max_abs", "rel_l2"])
    def test_row_metric_nan_means_not_applicable_but_negative_is_refused(self, name):
        assert math.isnan(getattr(_row(**{name: NAN}), name))  # documented: n/a
        with pytest.raises(ValueError, match=f"`{name}`"):
            _row(**{name: -1.0})

    @pytest.mark.parametrize("value", [NAN, INF])
    def test_row_seconds(self, value):
        with pytest.raises(ValueError, match="`seconds`"):
            _row(seconds=value)

    @pytest.mark.parametrize("name", ["max_relative_gap"])
    @pytest.mark.parametrize("value", [NAN, INF])
    def test_strategy_real_parameter(self, name, value):
        with pytest.raises(ValueError, match=f"`{name}`"):
            nearly_coincident_nodes(**{name: value})

    @pytest.mark.parametrize("value", [NAN, INF])
    def test_matrices_cond(self, value):
        with pytest.raises(ValueError, match="`cond`"):
            matrices_with_condition(cond=value)

    def test_series_case_coefficients(self):
        with pytest.raises(ValueError, match="`coeffs`"):
            SeriesCase(np.array([1.0, NAN]))

    def test_oracle_points(self):
        with pytest.raises(ValueError, match="`x`"):
            assert_close_to_oracle(np.ones(2), [0.1, NAN], mpmath.exp, ulp=1)

    def test_write_json_writes_standard_json(self, tmp_path):
        nan_method = _method(lambda p: np.full_like(p.truth(), NAN))
        with pytest.warns(RuntimeWarning, match="non-finite"):
            rows = run_comparison([_problem()], [nan_method])
        path = tmp_path / "rows.json"
        write_json(rows, path)
        doc = json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(c))
        assert doc[0]["rel_l2"] is None and doc[0]["status"] == "diverged"


class TestEmpty:
    @pytest.mark.parametrize("which", ["problems", "methods"])
    def test_run_comparison(self, which):
        args = {"problems": [_problem()], "methods": [_method()], which: []}
        with pytest.raises(ValueError, match=f"`{which}`"):
            run_comparison(**args)

    def test_format_table_and_write_json_accept_no_rows(self, tmp_path):
        assert "errors" in format_table([])
        write_json([], tmp_path / "e.json")
        assert json.loads((tmp_path / "e.json").read_text()) == []

    def test_plot_rows(self, tmp_path):
        pytest.importorskip("matplotlib")
        from numlearn.compare.plots import plot_rows

        with pytest.raises(ValueError, match="`rows`"):
            plot_rows([], tmp_path / "plots")

    @pytest.mark.parametrize("name", ["", " quick"])
    def test_register_suite_name(self, name):
        with pytest.raises(TypeError, match="`name`"):
            register_suite(name, lambda: ([], [], None), "d")

    def test_series_case(self):
        with pytest.raises(ValueError, match="`coeffs`"):
            SeriesCase(np.array([]))

    def test_cli_without_a_command(self, capsys):
        code, err = _cli([], capsys)
        assert code == 2 and "command" in err


class TestShape:
    def test_method_returning_another_length(self):
        short = _method(lambda p: p.truth()[:-1], name="short")
        with pytest.raises(ValueError, match="`methods`: 'short'"):
            run_comparison([_problem()], [short])

    def test_assert_ulp_close_shapes(self):
        with pytest.raises(ValueError, match=r"`actual`.*`desired`"):
            assert_ulp_close(np.ones(3), np.ones(4), 1)

    def test_assert_close_to_oracle_shapes(self):
        with pytest.raises(ValueError, match="`actual`"):
            assert_close_to_oracle(np.ones(3), np.ones(2) / 3, mpmath.exp, ulp=1)

    @pytest.mark.parametrize("shape", [(3,), (1, 2, 3), "x", 7])
    def test_matrices_shape(self, shape):
        with pytest.raises(TypeError, match="`shape`"):
            matrices_with_condition(shape=shape)

    def test_evaluation_points_nodes_2d(self):
        with pytest.raises(ValueError, match="`nodes`"):
            evaluation_points(np.ones((2, 2)))

    @pytest.mark.parametrize("name", ["rho", "power"])
    @pytest.mark.parametrize("value", [(2.0,), (2.0, 3.0, 4.0), 2.0])
    def test_series_ranges(self, name, value):
        with pytest.raises(TypeError, match=f"`{name}`"):
            chebyshev_series(**{name: value})


class TestDtype:
    @pytest.mark.parametrize("fn,kw,name,exc", [
        (run_comparison, {"problems": None}, "problems", TypeError),
        (run_comparison, {"problems": "abc"}, "problems", TypeError),
        (run_comparison, {"problems": [1]}, "problems", TypeError),
        (run_comparison, {"methods": None}, "methods", TypeError),
        (run_comparison, {"methods": ["m"]}, "methods", TypeError),
        (run_comparison, {"repeat": True}, "repeat", TypeError),
        (run_comparison, {"repeat": 2.5}, "repeat", TypeError),
        (run_comparison, {"extra": 1}, "extra", TypeError),
        (run_comparison, {"extra": lambda p: 1.0}, "extra", TypeError),
        (run_comparison, {"progress": 1}, "progress", TypeError),
    ])
    def test_run_comparison(self, fn, kw, name, exc):
        args = {"problems": [_problem()], "methods": [_method()], **kw}
        with pytest.raises(exc, match=f"`{name}"):
            fn(**args)

    @pytest.mark.parametrize("kw,name", [
        ({"name": 1}, "name"), ({"name": ""}, "name"), ({"side": "bogus"}, "side"),
        ({"side": 1}, "side"), ({"run": None}, "run"), ({"run": 1}, "run"),
        ({"decompose": 1}, "decompose"),
    ])
    def test_method(self, kw, name):
        args: dict[str, Any] = {"name": "m", "side": "classical", "run": lambda p: 0, **kw}
        with pytest.raises((TypeError, ValueError), match=f"`{name}`"):
            Method(**args)

    @pytest.mark.parametrize("kw,name", [
        ({"side": "bogus"}, "side"), ({"rel_l2": True}, "rel_l2"),
        ({"rmse": "1e-10"}, "rmse"), ({"max_abs": 1j}, "max_abs"),
        ({"problem": 1}, "problem"), ({"extra": None}, "extra"),
        ({"decomposition": "x"}, "decomposition"),
    ])
    def test_row(self, kw, name):
        with pytest.raises((TypeError, ValueError), match=f"`{name}`"):
            _row(**kw)

    @pytest.mark.parametrize("fn", [format_table, lambda r: write_json(r, "x.json")])
    @pytest.mark.parametrize("rows", [None, "abc", [1]])
    def test_rows(self, fn, rows):
        with pytest.raises(TypeError, match="`rows"):
            fn(rows)

    def test_write_json_path(self):
        with pytest.raises(TypeError, match="`path`"):
            write_json(_rows(), 1)

    @pytest.mark.parametrize("name", [None, 1])
    def test_get_suite_name_type(self, name):
        with pytest.raises(TypeError, match="`name`"):
            get_suite(name)

    def test_get_suite_unknown_is_a_value_error_and_a_key_error(self):
        with pytest.raises(ValueError, match=r"`name`.*known suites: .*quick") as exc:
            get_suite("nope")
        assert isinstance(exc.value, KeyError)

    @pytest.mark.parametrize("kw,name", [
        ({"build": None}, "build"), ({"build": 1}, "build"), ({"report": 1}, "report"),
        ({"description": 1}, "description"), ({"replace": "no"}, "replace"),
        ({"replace": 1}, "replace"), ({"name": 1}, "name"),
    ])
    def test_register_suite(self, kw, name):
        args: dict[str, Any] = {"name": "bad-input-test", "build": lambda: ([], [], None),
                                "description": "d", **kw}
        with pytest.raises(TypeError, match=f"`{name}`"):
            register_suite(**args)
        assert "bad-input-test" not in SUITES

    @pytest.mark.parametrize("strategy", list(NODE_STRATEGIES))
    @pytest.mark.parametrize("name", ["min_n", "max_n"])
    @pytest.mark.parametrize("value", [True, "8", 2.5, None, 1j, NAN])
    def test_node_strategy_sizes(self, strategy, name, value):
        with pytest.raises(TypeError, match=f"`{name}`"):
            NODE_STRATEGIES[strategy](**{name: value})

    @pytest.mark.parametrize("kw,name", [
        ({"cond": True}, "cond"), ({"cond": "1e3"}, "cond"), ({"cond": (1.0, "x")}, "cond"),
        ({"return_factors": "no"}, "return_factors"), ({"return_factors": 1},
                                                       "return_factors"),
    ])
    def test_matrices(self, kw, name):
        with pytest.raises(TypeError, match=f"`{name}"):
            matrices_with_condition(**kw)

    @pytest.mark.parametrize("value", ["1e-10", True])
    def test_nearly_coincident_gap(self, value):
        with pytest.raises(TypeError, match="`max_relative_gap`"):
            nearly_coincident_nodes(max_relative_gap=value)

    @pytest.mark.parametrize("kw,name", [({"rho": "x"}, "rho"), ({"rho": (2.0, "x")}, "rho"),
                                         ({"power": (True, 2.0)}, "power"),
                                         ({"min_degree": True}, "min_degree")])
    def test_chebyshev_series(self, kw, name):
        with pytest.raises(TypeError, match=f"`{name}"):
            chebyshev_series(**kw)

    @pytest.mark.parametrize("nodes", ["abc", np.array(["a", "b"]), [1j, 2j], None])
    def test_evaluation_points_nodes(self, nodes):
        with pytest.raises(TypeError, match="`nodes`"):
            evaluation_points(nodes)

    def test_series_case_strings(self):
        with pytest.raises(TypeError, match="`coeffs`"):
            SeriesCase(np.array(["a", "b"]))

    @pytest.mark.parametrize("kw,name", [({"max_ulp": True}, "max_ulp"),
                                         ({"max_ulp": 1.5}, "max_ulp"),
                                         ({"actual": "abc"}, "actual"),
                                         ({"desired": None}, "desired")])
    def test_assert_ulp_close(self, kw, name):
        args = {"actual": np.ones(2), "desired": np.ones(2), "max_ulp": 1, **kw}
        with pytest.raises(TypeError, match=f"`{name}`"):
            assert_ulp_close(**args)

    @pytest.mark.parametrize("kw,name", [({"ulp": True}, "ulp"), ({"rtol": "1e-3"}, "rtol"),
                                         ({"f_mp": 1}, "f_mp"), ({"dps": 30.0}, "dps"),
                                         ({"actual": "abc"}, "actual")])
    def test_assert_close_to_oracle(self, kw, name):
        args: dict[str, Any] = {"actual": np.exp([0.5]), "x": [0.5], "f_mp": mpmath.exp,
                                "ulp": 1, **kw}
        with pytest.raises(TypeError, match=f"`{name}`"):
            assert_close_to_oracle(**args)

    def test_load_profile(self):
        with pytest.raises(TypeError, match="`name`"):
            load_profile(1)

    @pytest.mark.parametrize("argv,option", [
        (["compare", "--repeat", "x"], "--repeat"),
        (["reference", "verify", "--recompute", "x"], "--recompute"),
        (["reference", "frobnicate"], "action"),
        (["--bogus"], "--bogus"),
        (["compare", "--bogus"], "--bogus"),
    ])
    def test_cli_argument_types(self, argv, option, capsys):
        code, err = _cli(argv, capsys)
        assert code == 2 and option in err

    def test_cli_unknown_suite(self, capsys):
        code, err = _cli(["compare", "--suite", "nope"], capsys)
        assert code == 1 and "'nope'" in err and "known suites" in err


class TestOutOfDomain:
    def test_write_json_path_is_a_directory(self, tmp_path):
        with pytest.raises(ValueError, match=r"`path`.*directory"):
            write_json(_rows(), tmp_path)

    def test_write_json_missing_directory(self, tmp_path):
        with pytest.raises(ValueError, match=r"`path`.*does not exist"):
            write_json(_rows(), tmp_path / "missing" / "rows.json")

    def test_plot_rows_directory_is_a_file(self, tmp_path):
        pytest.importorskip("matplotlib")
        from numlearn.compare.plots import plot_rows

        f = tmp_path / "afile"
        f.write_text("x")
        with pytest.raises(ValueError, match="`directory`"):
            plot_rows(_rows(), f)

    @pytest.mark.parametrize("domain", [(1.0, -1.0), (1.0, 1.0), (NAN, 1.0), (0.0, INF)])
    @pytest.mark.parametrize("strategy", list(NODE_STRATEGIES))
    def test_node_strategy_domain(self, strategy, domain):
        with pytest.raises(ValueError, match="`domain`"):
            NODE_STRATEGIES[strategy](domain=domain)

    def test_profile_unknown_name_keeps_the_loaded_profile(self):
        with pytest.raises(ValueError, match="`name`"):
            load_profile("x")
        assert load_profile() in ("numlearn-ci", "numlearn-random")

    @pytest.mark.parametrize("argv,option", [
        (["compare", "--json", "{tmp}"], "--json"),
        (["compare", "--json", "{tmp}/missing/x.json"], "--json"),
        (["compare", "--plot", "{tmp}/afile"], "--plot"),
        (["reference", "verify", "--dir", "{tmp}/afile"], "--dir"),
    ])
    def test_cli_paths_refused_before_the_suite_runs(self, argv, option, tmp_path, capsys,
                                                     monkeypatch):
        (tmp_path / "afile").write_text("x")

        def never() -> Any:
            raise AssertionError("the suite ran before its output path was checked")
        monkeypatch.setitem(SUITES, "bad-input-never", Suite("bad-input-never", never, "d"))
        argv = [a.format(tmp=tmp_path) for a in argv]
        if argv[0] == "compare":
            argv += ["--suite", "bad-input-never"]
        code, err = _cli(argv, capsys)
        assert code == 2 and option in err

    def test_cli_missing_reference_directory(self, tmp_path, capsys):
        code, err = _cli(["reference", "verify", "--dir", str(tmp_path / "missing")], capsys)
        assert code == 1 and "missing" in err and "`directory`" in err


class TestImpossibleParameters:
    def test_register_suite_refuses_to_overwrite(self):
        with pytest.raises(ValueError, match="'quick' is already registered"):
            register_suite("quick", lambda: ([], [], None), "d")
        assert SUITES["quick"].description.startswith("interpolation")

    @pytest.mark.parametrize("repeat", [0, -1])
    def test_run_comparison_repeat(self, repeat):
        with pytest.raises(ValueError, match="`repeat`"):
            run_comparison([_problem()], [_method()], repeat=repeat)

    @pytest.mark.parametrize("strategy", list(NODE_STRATEGIES))
    def test_min_n_above_max_n(self, strategy):
        with pytest.raises(ValueError, match="`max_n` must be >= `min_n`"):
            NODE_STRATEGIES[strategy](min_n=10, max_n=5)

    @pytest.mark.parametrize("strategy", list(NODE_STRATEGIES))
    def test_negative_sizes(self, strategy):
        with pytest.raises(ValueError, match="`min_n`"):
            NODE_STRATEGIES[strategy](min_n=-1)

    @pytest.mark.parametrize("kw,name", [
        ({"min_degree": 9, "max_degree": 2}, "max_degree"), ({"min_degree": -1}, "min_degree"),
        ({"rho": (0.5, 2.0)}, "rho"), ({"rho": (3.0, 2.0)}, "rho"), ({"power": (0.0, 1.0)},
                                                                    "power"),
        ({"decay": "bogus"}, "decay"),
    ])
    def test_chebyshev_series(self, kw, name):
        with pytest.raises(ValueError, match=f"`{name}`"):
            chebyshev_series(**kw)

    @pytest.mark.parametrize("kw,name", [
        ({"cond": 0.5}, "cond"), ({"cond": -1.0}, "cond"), ({"cond": (10.0, 2.0)}, "cond"),
        ({"shape": (-1, 3)}, "shape"), ({"shape": (1, 3), "cond": 10.0}, "shape"),
        ({"normalize": "bogus"}, "normalize"),
    ])
    def test_matrices(self, kw, name):
        with pytest.raises(ValueError, match=f"`{name}`"):
            matrices_with_condition(**kw)

    @pytest.mark.parametrize("kw,name", [({"max_relative_gap": 0.0}, "max_relative_gap"),
                                         ({"max_relative_gap": -1.0}, "max_relative_gap"),
                                         ({"max_power": 0.5}, "max_power")])
    def test_node_strategy_reals(self, kw, name):
        fn = clustered_nodes if "max_power" in kw else nearly_coincident_nodes
        with pytest.raises(ValueError, match=f"`{name}`"):
            fn(**kw)

    def test_min_separation_too_large(self):
        with pytest.raises(ValueError, match="`min_separation`"):
            random_distinct_nodes(min_n=10, min_separation=1.0)

    @pytest.mark.parametrize("kw,name", [({"max_random": 0}, "max_random"),
                                         ({"max_special": -1}, "max_special")])
    def test_evaluation_points(self, kw, name):
        with pytest.raises(ValueError, match=f"`{name}`"):
            evaluation_points(np.zeros(2), **kw)

    @pytest.mark.parametrize("kw,name", [({"max_ulp": -1}, "max_ulp")])
    def test_assert_ulp_close(self, kw, name):
        with pytest.raises(ValueError, match=f"`{name}`"):
            assert_ulp_close(np.ones(2), np.ones(2), **kw)

    @pytest.mark.parametrize("kw,name", [({"rtol": -1.0}, "rtol"), ({"atol": NAN}, "atol"),
                                         ({"ulp": -1}, "ulp"), ({"dps": 0}, "dps")])
    def test_assert_close_to_oracle(self, kw, name):
        args: dict[str, Any] = {"ulp": 1, **kw}
        with pytest.raises(ValueError, match=f"`{name}`"):
            assert_close_to_oracle(np.exp([0.5]), [0.5], mpmath.exp, **args)

    @pytest.mark.parametrize("argv,option", [
        (["compare", "--repeat", "0"], "--repeat"),
        (["compare", "--repeat", "-3"], "--repeat"),
        (["reference", "verify", "--recompute", "-1"], "--recompute"),
    ])
    def test_cli(self, argv, option, capsys):
        code, err = _cli(argv, capsys)
        assert code == 2 and option in err


class TestIllConditioning:
    """A method whose answer is NaN/inf without a status saying so is flagged."""

    def test_run_comparison_warns_and_marks_the_row(self):
        nan_method = _method(lambda p: np.full_like(p.truth(), INF), name="blows-up")
        with pytest.warns(RuntimeWarning, match="'blows-up' returned non-finite"):
            (row,) = run_comparison([_problem()], [nan_method])
        assert row.rel_l2 == INF and row.extra["status"] == "diverged"

    def test_not_applicable_result_is_not_flagged(self):
        from numlearn import Result, Status

        na = _method(lambda p: Result(np.nan, side="classical",
                                      status=Status.NOT_APPLICABLE, method="na"))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            (row,) = run_comparison([_problem()], [na])
        assert math.isnan(row.rel_l2) and row.extra["status"] == "not_applicable"


class TestHugeSizes:
    """Sizes that could never finish are refused at once, before any work."""

    @pytest.mark.parametrize("repeat", [1001, 2**40, 2**63])
    def test_run_comparison_repeat(self, repeat):
        with pytest.raises(ValueError, match="`repeat` must be <= 1000"):
            run_comparison([_problem()], [_method()], repeat=repeat)

    @pytest.mark.parametrize("strategy", list(NODE_STRATEGIES))
    @pytest.mark.parametrize("value", [2**40, 2**63])
    def test_node_strategy_max_n(self, strategy, value):
        with pytest.raises(ValueError, match="`max_n` must be <= 10000"):
            NODE_STRATEGIES[strategy](max_n=value)

    @pytest.mark.parametrize("kw,name", [({"max_random": 2**40}, "max_random"),
                                         ({"max_special": 2**63}, "max_special")])
    def test_evaluation_points(self, kw, name):
        with pytest.raises(ValueError, match=f"`{name}` must be <="):
            evaluation_points(np.zeros(2), **kw)

    def test_chebyshev_series_degree(self):
        with pytest.raises(ValueError, match="`max_degree` must be <="):
            chebyshev_series(max_degree=2**40)

    def test_matrices_shape(self):
        with pytest.raises(ValueError, match="`shape` must be <= 1000"):
            matrices_with_condition(shape=(2**40, 3))

    def test_oracle_dps(self):
        with pytest.raises(ValueError, match="`dps` must be <="):
            assert_close_to_oracle(np.exp([0.5]), [0.5], mpmath.exp, ulp=1, dps=2**40)
        with pytest.raises(ValueError, match="`dps` must be <="):
            SeriesCase([1.0]).mp_eval(0.5, dps=2**40)

    @pytest.mark.parametrize("argv,option", [
        (["compare", "--repeat", str(2**63)], "--repeat"),
        (["reference", "verify", "--recompute", str(2**63)], "--recompute"),
    ])
    def test_cli(self, argv, option, capsys):
        code, err = _cli(argv, capsys)
        assert code == 2 and option in err and "<=" in err


class TestTamperedFiles:
    def test_cli_verify_names_the_altered_file(self, tmp_path, capsys):
        import shutil

        from numlearn.reference import reference_directory

        d = tmp_path / "ref"
        shutil.copytree(reference_directory(), d)
        f = d / "runge.json"
        f.write_text(f.read_text().replace("1", "2", 1))
        code, err = _cli(["reference", "verify", "--dir", str(d)], capsys)
        assert code == 1 and err.startswith("numlearn: error:") and "runge.json" in err
