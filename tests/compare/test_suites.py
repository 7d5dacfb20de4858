"""The suites (the quick suite's methods and their protocol, the registry), JSON output
and the CLI."""

import json
import subprocess
import sys

import numpy as np
import pytest

from numlearn import Result
from numlearn.cli import main
from numlearn.compare import Method, get_suite, run_comparison
from numlearn.compare.suites import INTERPOLATION_METHODS, INTERPOLATION_SOLVERS
from numlearn.problems import InterpolationProblem, InterpolationSolver, get_target


def test_unknown_suite_lists_known():
    with pytest.raises(KeyError, match="quick"):
        get_suite("nope")


def test_register_suite_refuses_silent_overwrite_and_non_callables(monkeypatch):
    """register_suite used to replace 'quick' silently and accept a non-callable
    builder (which failed only when the suite ran)."""
    from numlearn.compare import SUITES, register_suite

    quick = SUITES["quick"]
    monkeypatch.setitem(SUITES, "quick", quick)  # restored after the test
    with pytest.raises(ValueError, match=r"'quick' is already registered.*replace=True"):
        register_suite("quick", quick.build, "another")
    assert SUITES["quick"] is quick
    with pytest.raises(TypeError, match="`build` must be a callable"):
        register_suite("tmp-suite", "not a function", "bad")
    with pytest.raises(TypeError, match="`report` must be None or a callable"):
        register_suite("tmp-suite", quick.build, "bad", report=42)
    with pytest.raises(TypeError, match="`name`"):
        register_suite("", quick.build, "bad")
    assert "tmp-suite" not in SUITES
    register_suite("quick", quick.build, "replaced on purpose", replace=True)
    assert SUITES["quick"].description == "replaced on purpose"


def test_interpolation_problem_methods_agree_on_smooth_target_regression():
    """numlearn's methods (and scipy's) interpolate exp at n = 30 to near eps.

    Regression window (50 eps), set on these implementations: the interpolation
    error of exp at 30 points is negligible (|a_30| = 2 I_30(1) ~ 1e-41), what is
    left is the node values' rounding and the formula's, whose bound (Higham 2004)
    is (3n + 4) Lambda_n eps max|f| ~ 800 eps (Lambda_30 ~ 3.1, max|f| = e).
    (numpy's chebinterpolate + chebval is left out: it measured 6e-14 here, an
    anchor's accuracy and not ours to assert.)"""
    prob = InterpolationProblem(get_target("exp"), 30, grid_size=200)
    rows = run_comparison([prob], INTERPOLATION_METHODS)
    for r in rows:
        if r.method.startswith("numpy"):
            continue
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
    rows = json.loads(path.read_text())["rows"]
    assert {r["method"] for r in rows} == {"numlearn.barycentric", "numlearn.dct+clenshaw"}


def test_cli_plot(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    from numlearn.compare import suites

    def tiny():
        return ([InterpolationProblem(get_target("exp"), n, grid_size=20) for n in (5, 10)],
                INTERPOLATION_METHODS[1:2], lambda p: {"n": p.n, "target": p.target.name})

    monkeypatch.setitem(suites.SUITES, "tiny", suites.Suite("tiny", tiny, "test suite",
                                                            can_plot=True))
    assert main(["compare", "--suite", "tiny", "--plot", str(tmp_path), "--repeat", "1"]) == 0
    assert (tmp_path / "error_vs_n.png").stat().st_size > 1000
    assert (tmp_path / "coefficient_decay.png").stat().st_size > 1000


def test_python_dash_m_lists_suites():
    out = subprocess.run([sys.executable, "-m", "numlearn", "compare", "--list"],
                         capture_output=True, text=True, check=True)
    assert "quick" in out.stdout


def test_interpolation_solvers_speak_the_protocol(check_solver_result):
    """Each quick-suite method is an InterpolationSolver: a problem in, a classical
    Result named after the method with the values on the problem's grid out."""
    prob = InterpolationProblem(get_target("runge"), 12, grid_size=40)
    assert [m.name for m in INTERPOLATION_METHODS] == list(INTERPOLATION_SOLVERS)
    for name, solver in INTERPOLATION_SOLVERS.items():
        assert isinstance(solver, InterpolationSolver)
        check_solver_result(solver(prob), side="classical", method=name,
                            shape=prob.grid.shape)


def test_learned_interpolation_stand_in_swaps_into_the_harness(check_solver_result):
    """A learned InterpolationSolver (here a stand-in returning the truth) joins the
    classical methods as a plain Method, with no adapter, and scores zero error."""
    prob = InterpolationProblem(get_target("runge"), 12, grid_size=40)

    def stand_in(p: InterpolationProblem) -> Result:
        return Result(p.truth(), side="learned", method="truth stand-in")

    assert isinstance(stand_in, InterpolationSolver)
    check_solver_result(stand_in(prob), side="learned", method="truth stand-in",
                        shape=prob.grid.shape)
    methods = (*INTERPOLATION_METHODS[:1], Method("stand-in", "learned", stand_in))
    classical, learned = run_comparison([prob], methods)
    assert learned.side == "learned" and learned.extra["status"] == "success"
    assert (learned.rel_l2, learned.rmse, learned.max_abs) == (0.0, 0.0, 0.0)
    assert classical.max_abs > 0.0  # n = 12 does not resolve Runge's function
