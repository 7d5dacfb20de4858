"""The ``distill`` suite: registration, problems (truth = the filter taps), a tiny
configuration end to end (seconds), the report with the decomposition and the ratio
(a)/(c), not-applicable rows and bad configuration."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from numlearn.compare import distill_suite as ds
from numlearn.compare.harness import run_comparison
from numlearn.compare.suites import SUITES
from numlearn.problems.filters import HYENA_LM, hyena_filters

TINY = {"C": 2, "L": 64, "authors_steps": 20, "lm_steps": 6}


@pytest.fixture(scope="module")
def tiny_rows():
    problems, methods, extra = ds.build_distill_suite((2, 4), **TINY)
    return run_comparison(problems, methods, extra=extra)


def test_registered_with_its_defaults():
    suite = SUITES["distill"]
    assert suite.build is ds.build_distill_suite and suite.report is ds.distill_report
    assert suite.needs == ("torch",) and suite.repeat == 1
    problems, methods, extra = suite.build()
    assert [p.d for p in problems] == [2, 4, 8, 16, 32] == list(ds.DISTILL_ORDERS)
    assert {(p.C, p.L) for p in problems} == {(4, 2048)}
    assert [m.name for m in methods] == [
        "authors.adamw", "distill.aaa", "distill.era", "distill.bt_modal",
        "varpro-lm(aaa)", "varpro-lm(era)", "varpro-lm(bt_modal)"]
    assert all(m.max_repeat == 1 for m in methods)
    assert methods[0].run.keywords["steps"] == ds.AUTHORS_STEPS == 3000
    assert methods[-1].run.keywords["steps"] == ds.LM_STEPS <= 1000
    assert extra(problems[3]) == {"d": 16, "C": 4, "L": 2048, "k": 32}


def test_problem_truth_is_the_hyena_filters_and_sigma_the_hankel_svd():
    p = ds.DistillProblem(3, C=2, L=40, seed=1)
    h = hyena_filters(2, 40, seed=1, **HYENA_LM).h
    np.testing.assert_array_equal(p.truth(), h.ravel())
    # oracle: numpy SVD of the explicit (L-1)-square Hankel matrix of taps 1..L-1
    t = h[0, 1:]
    H = np.array([[t[i + j] if i + j < t.size else 0.0 for j in range(t.size)]
                  for i in range(t.size)])
    np.testing.assert_allclose(p.sigma()[0], np.linalg.svd(H, compute_uv=False),
                               rtol=1e-10, atol=1e-13 * np.abs(t).max())
    assert p.k == 6 and p.name == "hyena C=2 L=40 d=3"


def test_tiny_configuration_end_to_end(tiny_rows):
    assert len(tiny_rows) == 2 * 7
    by = {(r.extra["d"], r.method): r for r in tiny_rows}
    for d in (2, 4):
        a = by[(d, "authors.adamw")].extra["solver_stats"]
        assert a["iterations"] == TINY["authors_steps"]
        for init in ds.DISTILL_INITS:
            b = by[(d, f"distill.{init}")]
            c = by[(d, f"varpro-lm({init})")]
            st_b, st_c = b.extra["solver_stats"], c.extra["solver_stats"]
            assert b.side == "classical" and c.side == "learned"
            assert 1 <= st_c["iterations"] <= TINY["lm_steps"]
            # the decomposition's classical term is the (b) row's error, its total the
            # (c) row's (not necessarily smaller: fit_modal keeps d conjugate-pair
            # modes, so a classical fit with real poles loses modes at the start)
            assert st_c["dec_l2_classical"] == pytest.approx(st_b["rel_l2_median"], rel=1e-9)
            assert st_c["dec_l2_total"] == pytest.approx(st_c["rel_l2_median"], rel=1e-9)
            assert st_c["telescopes"] is True
            # AAK: every stable model of real order 2d is at least sigma_(k+1) away
            # in H-infinity (sampled on 2L points: allow the sampling, 1 %)
            assert st_b["hinf_over_sigma_median"] >= 0.99
            assert st_c["hinf_over_sigma_median"] >= 0.99
            assert st_c["sigma_next_median"] <= st_c["bt_bound_median"]


def test_report_has_the_decomposition_and_the_ratio(tiny_rows):
    text = ds.distill_report(tiny_rows)
    for part in ("d = 2 (k = 4)", "d = 4 (k = 8)", "decomposition of (c)",
                 "(a)/(c) varpro-lm(era)", "hinf/sigma", "telescopes"):
        assert part in text
    assert "goal at d = 16" not in text  # no d = 16 row in the tiny run
    assert ds.distill_report([]) == "distill: no rows"


def test_goal_line_at_order_16():
    problems, methods, extra = ds.build_distill_suite(
        (16,), C=1, L=66, authors_steps=5, lm_steps=3, inits=("era",))
    rows = run_comparison(problems, methods, extra=extra)
    text = ds.distill_report(rows)
    assert "goal at d = 16" in text and "capped at 5 of the published 30000" in text


def test_other_problems_are_not_applicable():
    from numlearn.compare.rational_suite import RationalProblem

    p = RationalProblem("exp", "interval", 4, samples=40)
    methods = ds.distill_methods(authors_steps=2, lm_steps=2, inits=("era",))
    for m in methods:
        res = m.run(p)
        assert res.status.code == "not_applicable" and res.value.shape == p.truth().shape


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"inits": ("prony",)}, ValueError, "`inits`"),
    ({"lm_steps": 0}, ValueError, "`lm_steps`"),
    ({"authors_steps": 1.5}, TypeError, "`authors_steps`"),
    ({"L": 16, "orders": (4,)}, ValueError, "`L` must be >= 17"),
    ({"orders": (0,)}, ValueError, "`d` must be >= 1"),
])
def test_bad_configuration(kwargs, exc, match):
    orders = kwargs.pop("orders", (2,))
    with pytest.raises(exc, match=match):
        ds.build_distill_suite(orders, **kwargs)


def test_problems_and_methods_pickle_for_worker_processes():
    import pickle

    problems, methods, extra = ds.build_distill_suite((2,), C=1, L=40, authors_steps=3,
                                                      lm_steps=2, inits=("aaa",))
    back = pickle.loads(pickle.dumps((problems, methods, extra)))
    assert back[0] == problems and [m.name for m in back[1]] == [m.name for m in methods]
    res = back[1][1].run(back[0][0])  # distill.aaa in the unpickled form
    np.testing.assert_array_equal(res.value, methods[1].run(problems[0]).value)
