"""The ``rational`` suite: its registration, problems (truth = the closed form off the
samples), methods (three AAA implementations agree; AAA-Lawson beats AAA at the same
terms), the not-applicable rows, the report and the extension point."""

from __future__ import annotations

import math

import numpy as np
import pytest

from numlearn import Result, Status
from numlearn.compare import rational_suite as rs
from numlearn.compare.harness import Method, run_comparison
from numlearn.compare.suites import SUITES


def _rows(problems, methods=None):
    return run_comparison(problems, methods or rs.rational_methods(), extra=rs._extra)


def test_registered():
    suite = SUITES["rational"]
    assert suite.build is rs.build_rational_suite
    problems, methods, extra = suite.build()
    names = [p.name for p in problems]
    assert len(set(names)) == len(names) == 7
    assert [m.name for m in methods] == ["numlearn.aaa", "scipy.AAA", "baryrat.aaa",
                                         "numlearn.aaa_lawson"]
    assert extra(problems[0])["terms"] == problems[0].terms


@pytest.mark.parametrize("p", rs.rational_problems(), ids=lambda p: p.name)
def test_problem_truth_is_closed_form_off_the_samples(p):
    z, zz = p.sample_points(), p.eval_points()
    assert np.intersect1d(z, zz).size == 0
    assert zz.size >= 3 * z.size
    f = rs.RATIONAL_TARGETS[p.target]
    np.testing.assert_array_equal(p.truth(), f(zz))
    assert np.all(np.isfinite(p.truth())) and np.all(np.isfinite(p.sample_values()))


def test_filter_target_is_its_transfer_function():
    # H(z) = B(z^-1)/A(z^-1) against scipy.signal.freqz (a second implementation)
    from scipy.signal import freqz

    b, a = rs._butter()
    w, h = freqz(b, a, worN=64, whole=True)
    np.testing.assert_allclose(rs._filter_response(np.exp(1j * w)), h, rtol=1e-12, atol=1e-14)


def test_aaa_implementations_agree_and_lawson_improves():
    pytest.importorskip("baryrat")
    problems = [rs.RationalProblem("exp", "interval", 4, samples=500),
                rs.RationalProblem("exp", "circle", 4, samples=400)]
    rows = _rows(problems)
    by = {(r.problem, r.method): r for r in rows}
    for p in problems:
        ours = by[(p.name, "numlearn.aaa")].max_abs
        for other in ("scipy.AAA", "baryrat.aaa"):
            # the same greedy algorithm: same support points, weights to rounding
            assert by[(p.name, other)].max_abs == pytest.approx(ours, rel=1e-6)
        law = by[(p.name, "numlearn.aaa_lawson")]
        assert law.extra["status"] == Status.SUCCESS.code
        assert law.max_abs < 0.5 * ours
        st = law.extra["solver_stats"]
        assert st["equioscillation_ratio"] >= 0.99 and st["terms"] == 4
    # type (3, 3) minimax error of exp on [-1, 1] (mpmath, see the lawson tests):
    # the Lawson row's error (on points off the samples) is within 1 % above it
    law = by[(problems[0].name, "numlearn.aaa_lawson")].max_abs
    assert 1.55066905397117e-7 <= law * (1 + 1e-9) and law <= 1.01 * 1.55066905397117e-7


def test_not_applicable_rows(monkeypatch):
    monkeypatch.setattr(rs, "is_installed", lambda name: name != "baryrat")
    p = rs.RationalProblem("tan", "spiral", 6, samples=300, lawson=False)
    rows = _rows([p])
    st = {r.method: r.extra["status"] for r in rows}
    assert st["baryrat.aaa"] == st["numlearn.aaa_lawson"] == Status.NOT_APPLICABLE.code
    assert st["numlearn.aaa"] == st["scipy.AAA"] == Status.SUCCESS.code
    assert all(math.isnan(r.max_abs) for r in rows if r.extra["status"] == "not_applicable")


class _Other:
    """A problem of another track (the extension point's rows)."""

    name = "other"
    grid_name = "three points"

    def truth(self):
        return np.ones(3)


def _zeros(p):
    if isinstance(p, rs.RationalProblem):  # an added method answers for its own problems
        return Result(np.full(p.truth().shape, np.nan), side="classical", method="ones",
                      status=Status.NOT_APPLICABLE)
    return Result(np.ones(3), side="classical", method="ones")


def test_extension_point():
    problems, methods, extra = rs.build_rational_suite(
        extra_problems=[_Other()], extra_methods=[Method("ones", "classical", _zeros)])
    assert problems[-1].name == "other" and methods[-1].name == "ones"
    rows = run_comparison([problems[1], problems[-1]], methods, extra=extra)
    st = {(r.problem, r.method): r.extra.get("status") for r in rows}
    for m in ("numlearn.aaa", "scipy.AAA", "baryrat.aaa", "numlearn.aaa_lawson"):
        assert st[("other", m)] == Status.NOT_APPLICABLE.code
    assert extra(_Other()) == {}


def test_report(monkeypatch):
    monkeypatch.setattr(rs, "DISTILL_REPORT", {"C": 1, "L": 128, "orders": (2,),
                                               "families": ("modal8",), "methods": ("era",)})
    p = rs.RationalProblem("exp", "circle", 3, samples=300)
    text = rs._report(_rows([p]))
    assert p.name in text and "w5/5" in text and "success" in text
    assert "Distillation error vs order" in text and "modal8" in text


@pytest.mark.parametrize(("kwargs", "exc", "arg"), [
    ({"target": "sin"}, ValueError, "target"),
    ({"domain": "disk"}, ValueError, "domain"),
    ({"terms": 0}, ValueError, "terms"),
    ({"terms": 2.0}, TypeError, "terms"),
    ({"samples": 401}, ValueError, "samples"),
    ({"samples": 6}, ValueError, "samples"),
    ({"half_width": -1.0}, ValueError, "half_width"),
])
def test_problem_bad_input(kwargs, exc, arg):
    args = {"target": "exp", "domain": "interval", "terms": 4, "samples": 400} | kwargs
    with pytest.raises(exc, match=f"`{arg}`"):
        rs.RationalProblem(**args)
