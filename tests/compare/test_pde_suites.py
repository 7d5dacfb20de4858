"""The pdes-classical suite (numlearn.compare.pde_suites): problems that speak the
harness protocol, two methods that speak the PDESolver protocol, an independent
Poisson2d-C truth."""

import dataclasses
import json
import math

from numlearn import Result, Status
from numlearn._core.store import load_checked_bytes
from numlearn.cli import main
from numlearn.compare import Method, get_suite, run_comparison
from numlearn.problems import PDESolver, get_pde
from numlearn.problems.protocol import HarnessProblem


def test_pdes_classical_suite_cases(tmp_path, monkeypatch, capsys):
    """The suite covers the five problems with two methods; two cheap problems run
    through the CLI, with their solver statistics in the JSON rows.  (The whole
    suite, ~1-2 minutes, is `numlearn compare --suite pdes-classical`.)"""
    from numlearn.classical.spectral import poisson2d_c_nystrom
    from numlearn.compare import suites

    problems, methods, extra = get_suite("pdes-classical").build()
    assert [p.name for p in problems] == [
        "convection", "reaction", "wave", "burgers", "poisson2d_c"]
    assert all(isinstance(p, HarnessProblem) for p in problems)
    assert [m.name for m in methods] == ["spectral whole-domain", "method of lines"]
    react, poisson = problems[1], problems[4]
    assert "distance >= 0.05" in poisson.grid_name and poisson.reference["kind"] == "nystrom"

    def coarse(x, y):  # a cheaper Nystrom truth for the test (2,432 unknowns)
        return poisson2d_c_nystrom(x, y, n_uniform=16, levels=8, n_circle=96)

    def cheap():
        return [react, dataclasses.replace(poisson, oracle=coarse)], methods, extra

    monkeypatch.setitem(suites.SUITES, "cheap", suites.Suite("cheap", cheap, "test"))
    path = tmp_path / "pdes.json"
    assert main(["compare", "--suite", "cheap", "--json", str(path), "--repeat", "1"]) == 0
    rows = {(r["problem"], r["method"]): r for r in json.loads(path.read_text())["rows"]}
    assert "solver statistics" in capsys.readouterr().out
    mol = rows["reaction", "method of lines"]
    # ETDRK4 is fourth order: the MOL tests give ~2.6e-12 at dt = 1e-3 against the
    # exact logistic solution.
    assert mol["max_abs"] < 1e-11 and mol["status"] == "success"
    assert rows["reaction", "spectral whole-domain"]["max_abs"] < 1e-13
    series = rows["poisson2d_c", "spectral whole-domain"]
    # maximum principle: the K = N = 24 fit's error is at most its boundary error
    # (measured densely when the reference was built); the truth's own error (the
    # Nystrom solve, <= 1e-13 at these points) is added.
    meta = json.loads(load_checked_bytes("pdes/poisson2d_c.json"))
    bound = next(r["boundary_bound"] for r in meta["self_convergence"] if r["K"] == 24)
    assert series["max_abs"] <= bound + 1e-13
    # the edges carry the largest error, where the truth is exact: not a rounding-level
    # number from comparing the series with itself
    assert series["max_abs"] > 1e-12
    assert series["solver_stats"]["K"] == 24 and series["solver_stats"]["cond_of"]
    not_applicable = rows["poisson2d_c", "method of lines"]
    assert not_applicable["status"] == "not_applicable" and not_applicable["rel_l2"] is None


def test_pde_solvers_speak_the_protocol(check_solver_result):
    """Each pdes-classical method is a PDESolver: a classical Result with the values on
    the problem's evaluation grid (the shape of its truth), or a not-applicable Result
    saying why."""
    from numlearn.compare.pde_suites import PDE_SOLVERS

    reaction = get_pde("reaction")
    shape = reaction.truth().shape
    methods = {"spectral whole-domain": "spacetime collocation Gauss-Newton (QR)",
               "method of lines": "etdrk4-pointwise reaction"}
    assert list(PDE_SOLVERS) == list(methods)
    for name, solver in PDE_SOLVERS.items():
        assert isinstance(solver, PDESolver)
        check_solver_result(solver(reaction), side="classical", method=methods[name],
                            shape=shape)
    for name, problem in (("spectral whole-domain", get_pde("burgers")),
                          ("method of lines", get_pde("poisson2d_c"))):
        res = PDE_SOLVERS[name](problem)
        assert res.status is Status.NOT_APPLICABLE and res.side == "classical"
        assert res.method and res.message.startswith(problem.name)
        assert math.isnan(res.value)


def test_learned_pde_stand_in_swaps_into_the_harness(check_solver_result):
    """A learned PDESolver (here a stand-in whose callable solution is the exact one,
    evaluated by the problem's own evaluate_on_grid) runs in the harness as a plain
    Method, with no adapter, and scores zero error."""
    reaction = get_pde("reaction")

    def stand_in(problem):
        u = problem.evaluate_on_grid(problem.solution_on_grid)
        return Result(u, side="learned", method="exact-solution stand-in")

    assert isinstance(stand_in, PDESolver)
    check_solver_result(stand_in(reaction), side="learned",
                        method="exact-solution stand-in", shape=reaction.truth().shape)
    (row,) = run_comparison([reaction], [Method("stand-in", "learned", stand_in)])
    assert row.side == "learned" and row.extra["status"] == "success"
    assert (row.rel_l2, row.rmse, row.max_abs) == (0.0, 0.0, 0.0)
