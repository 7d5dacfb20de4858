"""The quick suite's learned rows (explicit BWLer, MLP) and the MLP-ceiling study at
tiny sizes; without torch the learned rows are not_applicable and the report names the
install command."""

import importlib.util

import numpy as np
import pytest

from numlearn.compare import run_comparison
from numlearn.compare.suites import (
    BWLER_QUICK,
    INTERPOLATION_METHODS,
    LEARNED_INTERPOLATION_METHODS,
    MLP_QUICK,
    SUITES,
)
from numlearn.problems import InterpolationProblem, get_target

EPS = np.finfo(np.float64).eps


def _no_torch(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "torch" else real(name, *a))


def test_quick_suite_lists_the_learned_rows():
    problems, methods, _ = SUITES["quick"].build()
    names = [m.name for m in methods]
    assert names[-2:] == [BWLER_QUICK, MLP_QUICK]
    assert [m.side for m in methods[-2:]] == ["learned", "learned"]
    assert SUITES["quick"].needs == ()  # runs without torch (rows not applicable)
    assert any(p.name == "runge/n=256" for p in problems)


def test_learned_rows_without_torch_are_not_applicable(monkeypatch):
    _no_torch(monkeypatch)
    prob = InterpolationProblem(get_target("runge"), 12, grid_size=20)
    rows = run_comparison([prob], (*INTERPOLATION_METHODS[:1],
                                   *LEARNED_INTERPOLATION_METHODS))
    assert [r.extra["status"] for r in rows] == ["success", "not_applicable",
                                                 "not_applicable"]
    assert all(np.isnan(r.rel_l2) for r in rows[1:])
    report = SUITES["quick"].report(rows)
    assert "need torch" in report and "pip install 'numlearn[torch]'" in report
    res = LEARNED_INTERPOLATION_METHODS[0].run(prob)
    assert "pip install 'numlearn[torch]'" in res.message


def test_bwler_row_matches_the_classical_interpolant(check_solver_result):
    """The learned BWLer row trains on the n samples with n nodes (P = I): its values
    equal the classical barycentric row's to a few eps x Lebesgue constant."""
    pytest.importorskip("torch")
    from numlearn.classical import chebyshev_points, chebyshev_weights, lebesgue_constant

    prob = InterpolationProblem(get_target("runge"), 24, grid_size=60)
    res = LEARNED_INTERPOLATION_METHODS[0].run(prob)
    check_solver_result(res, side="learned", method=BWLER_QUICK, shape=prob.grid.shape)
    classical = INTERPOLATION_METHODS[0].run(prob).value
    nodes = chebyshev_points(24, 2, (-1.0, 1.0))
    lam = lebesgue_constant(nodes, chebyshev_weights(24), domain=(-1.0, 1.0))
    assert np.max(np.abs(res.value - classical)) <= 8 * lam * EPS
    big = InterpolationProblem(get_target("runge"), 1024, grid_size=5)
    assert LEARNED_INTERPOLATION_METHODS[0].run(big).status.code == "not_applicable"


def test_mlp_row_applies_only_where_the_suite_trains_it():
    pytest.importorskip("torch")
    res = LEARNED_INTERPOLATION_METHODS[1].run(InterpolationProblem(get_target("exp"),
                                                                    16, grid_size=5))
    assert res.status.code == "not_applicable" and "exp/n=64" in res.message


def test_quick_report_puts_learned_beside_classical():
    pytest.importorskip("torch")
    prob = InterpolationProblem(get_target("exp"), 12, grid_size=30)
    rows = run_comparison([prob], (*INTERPOLATION_METHODS[:1],
                                   *LEARNED_INTERPOLATION_METHODS))
    report = SUITES["quick"].report(rows)
    line = next(s for s in report.splitlines() if BWLER_QUICK in s)
    assert line.split()[0] == "exp/n=12" and line.split()[-1] == "success"
    assert MLP_QUICK not in report  # not applicable here: no line


def test_mlp_ceiling_study_at_tiny_sizes(tmp_path):
    pytest.importorskip("torch")
    from numlearn.compare.studies import format_mlp_ceiling, mlp_ceiling_study

    rows = mlp_ceiling_study(targets=(4.0,), widths=(3,), samples=17, nodes=13,
                             adam_steps=20, lbfgs_steps=3, grid_size=40, progress=False)
    assert [r["model"] for r in rows] == ["classical", "bwler", "mlp"]
    classical, bwler, mlp = rows
    assert classical["parameters"] == bwler["parameters"] == 13
    assert mlp["parameters"] == 2 * 9 + 5 * 3 + 1
    # 13 Chebyshev nodes resolve sin(4x) to about J_13(4) ~ 1e-6: the BWLer reaches the
    # classical least-squares fit, not the float64 floor
    assert bwler["rel_l2"] == pytest.approx(classical["rel_l2"], rel=1e-6)
    assert mlp["rel_l2"] > 100 * bwler["rel_l2"]
    assert mlp["history"]["step"][-1] == 23
    text = format_mlp_ceiling(rows)
    assert "sin4x" in text and "explicit BWLer (GN)" in text
    pytest.importorskip("matplotlib")
    from numlearn.compare.studies import plot_mlp_ceiling

    paths = plot_mlp_ceiling(rows, tmp_path / "plots")
    assert [p.name for p in paths] == ["mlp_ceiling_vs_parameters.png",
                                       "mlp_ceiling_vs_steps.png"]
    assert all(p.stat().st_size > 1000 for p in paths)


def test_a_training_method_runs_once_whatever_the_repeat():
    """Method.max_repeat caps the runs per problem (the learned rows train once: their
    time is one training); a bad cap is refused naming it."""
    from numlearn.compare import Method

    calls = []

    def solver(p):
        calls.append(p)
        return p.truth()

    prob = InterpolationProblem(get_target("exp"), 8, grid_size=10)
    run_comparison([prob], [Method("once", "learned", solver, max_repeat=1)], repeat=3)
    assert len(calls) == 1
    run_comparison([prob], [Method("twice", "classical", solver, max_repeat=2)], repeat=3)
    assert len(calls) == 3
    assert all(m.max_repeat == 1 for m in LEARNED_INTERPOLATION_METHODS)
    with pytest.raises(ValueError, match="`max_repeat`"):
        Method("bad", "learned", solver, max_repeat=0)
