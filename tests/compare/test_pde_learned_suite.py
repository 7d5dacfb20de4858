"""The ``pdes`` and ``pdes-paper`` suites: registration, dispatch and the report."""

import math

import numpy as np
import pytest

from numlearn._core.result import Status
from numlearn.compare.harness import Row
from numlearn.compare.pde_learned_suite import (
    PAPER_NUMBERS,
    _problems_for,
    _report,
    learned_pde_methods,
)
from numlearn.compare.suites import get_suite
from numlearn.problems.pdes import get_pde


def test_suites_are_registered_with_their_prerequisites():
    for name in ("pdes", "pdes-paper"):
        suite = get_suite(name)
        assert suite.needs == ("torch",)
        assert suite.repeat == 1
        assert suite.check is not None


def test_both_suites_run_the_five_benchmarks():
    for preset in ("fast", "paper"):
        names = [p.name for p in _problems_for(preset)]
        assert names == ["convection", "reaction", "wave", "burgers", "poisson2d_c"]


def test_methods_train_each_learned_model_once():
    methods = learned_pde_methods("fast")
    assert [m.side for m in methods] == ["classical", "learned", "learned", "learned"]
    assert all(m.max_repeat == 1 for m in methods[1:])


def test_hat_is_not_applicable_off_the_papers_comparison():
    pytest.importorskip("torch")
    hat = learned_pde_methods("fast")[2]
    for name in ("burgers", "poisson2d_c"):
        res = hat.run(get_pde(name))
        assert res.status is Status.NOT_APPLICABLE
        assert math.isnan(res.value)


def _row(problem, method, err, **stats):
    return Row(problem, method, "learned", err, err, err, 1.0, "grid",
               extra={"params": {"beta": 40.0} if problem == "convection" else {},
                      "solver_stats": stats})


def test_report_puts_the_papers_numbers_beside_ours():
    rows = [
        _row("convection", "explicit BWLer (GN)", 3e-15, classical_error=9e-15),
        _row("convection", "BWLer-hat (Adam)", 0.5, iterations=20000),
        _row("convection", "MLP PINN", 1.0, iterations=41000),
        _row("poisson2d_c", "explicit BWLer (GN)", np.nan),
    ]
    text = _report(rows)
    assert "explicit BWLer 3.00e-15 (classical floor 9.00e-15)" in text
    assert f"vs paper {PAPER_NUMBERS['convection']['explicit BWLer']:.2e}" in text
    assert "PINN/hat ratio 2 at 41000 PINN / 20000 hat steps" in text
    assert "poisson2d_c: no learned row" in text


@pytest.mark.parametrize(("preset", "bar"), [("fast", False), ("paper", True)])
def test_paper_rows_show_the_training_progress(monkeypatch, preset, bar):
    """The paper presets' rows train for minutes to an hour each: their solvers get a
    progress bar (stderr); the fast rows do not."""
    pytest.importorskip("torch")
    import numlearn.learned.spectral as spectral

    seen = []

    def fake(problem, model, **kw):
        seen.append((model, kw["preset"], kw["progress"]))
        return object()

    monkeypatch.setattr(spectral, "solve_pde", fake)
    from numlearn.compare import pde_learned_suite as suite

    problem = get_pde("reaction")
    for fn in (suite._explicit, suite._hat, suite._pinn):
        fn(problem, preset, None)
    assert seen == [(m, preset, bar) for m in ("explicit", "hat", "pinn")]
