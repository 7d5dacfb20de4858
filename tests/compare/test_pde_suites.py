"""The pdes-classical suite (numlearn.compare.pde_suites): problems that speak the
harness protocol, two methods, an independent Poisson2d-C truth."""

import dataclasses
import json
import math

from numlearn._core.store import load_checked_bytes
from numlearn.cli import main
from numlearn.compare import get_suite
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
    rows = {(r["problem"], r["method"]): r for r in json.loads(path.read_text())}
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
    assert not_applicable["status"] == "not_applicable" and math.isnan(not_applicable["rel_l2"])
