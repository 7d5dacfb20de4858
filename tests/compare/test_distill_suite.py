"""The ``distill`` and ``distill-paper`` suites: registration, problems of both families
(truth = the filter taps, sigma = numpy's SVD of the Hankel matrix), a tiny
configuration of both families end to end (a tiny Hyena model trained for 2 steps into a
temporary cache: seconds), the report with the new rows, honest rows (rank-limited
models, sigma at rounding level), not-applicable rows and bad configuration."""

from __future__ import annotations

import copy
import pickle
import re

import numpy as np
import pytest

pytest.importorskip("torch")

from numlearn.compare import distill_suite as ds
from numlearn.compare._distill_problems import SELECT_ORDER
from numlearn.compare.harness import run_comparison
from numlearn.compare.suites import SUITES
from numlearn.learned.layers.hyena import HyenaConfig
from numlearn.learned.reduction.hyena_task import MQARConfig, hyena_checkpoint
from numlearn.problems.filters import HYENA_LM, hyena_filters

EPS = np.finfo(np.float64).eps
#: A tiny model (2 layers x 4 channels x 64 taps) trained 2 steps: ~1.5 s, never cached
#: outside the test's temporary directory.
TINY_MODEL = HyenaConfig(vocab=8, width=4, layers=2, l_max=64, filter_order=8, mlp_ratio=0)
TINY_TASK = MQARConfig(seq_len=12, pairs=2, keys=4, steps=2, batch=4, eval_batch=8)
TINY = {"C": 2, "trained_C": 3, "L": 64, "model": TINY_MODEL, "task": TINY_TASK,
        "authors_steps": 20, "lm_steps": 6}


@pytest.fixture(scope="module")
def tiny_cache(tmp_path_factory):
    """NUMLEARN_CACHE at a temporary directory while the module's tests run."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NUMLEARN_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def tiny_bank(tiny_cache):
    """The tiny model's filters, (layers, width, L)."""
    return hyena_checkpoint(TINY_MODEL, TINY_TASK, progress=False).value.filters()


@pytest.fixture(scope="module")
def tiny_rows(tiny_cache):
    problems, methods, extra = ds.build_distill_suite((2, 8), **TINY)
    return run_comparison(problems, methods, extra=extra)


def _hankel_svd(t: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """numpy's singular values of the explicit Hankel matrix H_ij = t_(i+j)."""
    H = np.array([[t[i + j] if i + j < t.size else 0.0 for j in range(cols)]
                  for i in range(rows)])
    return np.linalg.svd(H, compute_uv=False)


def test_registered_with_its_defaults():
    suite = SUITES["distill"]
    assert suite.build is ds.build_distill_suite and suite.report is ds.distill_report
    assert suite.needs == ("torch",) and suite.repeat == 1
    problems, methods, extra = suite.build()
    assert [(p.family, p.d) for p in problems] == [
        (f, d) for f in ("hyena", "trained") for d in (2, 4, 8, 16, 32)]
    assert list(ds.DISTILL_ORDERS) == [2, 4, 8, 16, 32]
    assert {(p.family, p.C, p.L) for p in problems} == {("hyena", 4, 2048),
                                                        ("trained", ds.TRAINED_C, 2048)}
    trained = problems[5]
    assert trained.model == HyenaConfig(l_max=2048) and trained.task == MQARConfig()
    assert [m.name for m in methods] == [
        "authors.adamw", "distill.aaa", "distill.era", "distill.bt_modal",
        "varpro-lm(aaa)", "varpro-lm(era)", "varpro-lm(bt_modal)",
        "varpro-lm+hinf(bt)"]
    assert methods[-1].run.keywords["hinf"] is True
    assert all(m.max_repeat == 1 for m in methods)
    assert methods[0].run.keywords["steps"] == ds.AUTHORS_STEPS == 3000
    assert methods[-1].run.keywords["steps"] == ds.LM_STEPS <= 1000
    assert extra(problems[3]) == {"family": "hyena", "d": 16, "C": 4, "L": 2048, "k": 32}


def test_paper_suite_is_distill_at_the_published_steps():
    suite = SUITES["distill-paper"]
    assert suite.build is ds.build_distill_paper_suite and suite.report is ds.distill_report
    assert suite.needs == ("torch",) and suite.repeat == 1
    assert suite.typical_seconds > 4 * SUITES["distill"].typical_seconds
    problems, methods, _ = suite.build()
    fast_problems, fast_methods, _ = SUITES["distill"].build()
    assert problems == fast_problems
    assert methods[0].run.keywords["steps"] == ds.PAPER_STEPS == 30000
    assert [m.name for m in methods] == [m.name for m in fast_methods]
    assert [m.run.keywords for m in methods[1:]] == [m.run.keywords for m in fast_methods[1:]]


def test_hyena_problem_truth_is_the_filters_and_sigma_the_hankel_svd():
    p = ds.DistillProblem(3, C=2, L=40, seed=1)
    h = hyena_filters(2, 40, seed=1, **HYENA_LM).h
    np.testing.assert_array_equal(p.truth(), h.ravel())
    # oracle: numpy SVD of the explicit (L-1)-square Hankel matrix of taps 1..L-1
    t = h[0, 1:]
    np.testing.assert_allclose(p.sigma()[0], _hankel_svd(t, t.size, t.size),
                               rtol=1e-10, atol=1e-13 * np.abs(t).max())
    assert p.k == 6 and p.name == "hyena C=2 L=40 d=3" and p.picks() == ()


def test_trained_filters_are_selected_by_the_documented_rule(tiny_bank):
    layers, width, L = tiny_bank.shape
    flat = tiny_bank.reshape(-1, L)
    k = min(2 * SELECT_ORDER, L - 2)
    # oracle: numpy SVD of each filter's (L-1)-square Hankel matrix
    rho = np.array([(lambda s: s[k] / s[0])(_hankel_svd(f[1:], L - 1, L - 1))
                    for f in flat])
    picks = ds.select_trained_filters(tiny_bank, 6, seed=3)
    assert picks[0] == divmod(int(np.argmax(rho)), width)
    assert picks[1] == divmod(int(np.argmin(rho)), width)
    assert len(set(picks)) == 6
    # the seeded draws cycle over the layers: 0, 1, 0, 1
    assert [i for i, _ in picks[2:]] == [0, 1, 0, 1]
    assert picks == ds.select_trained_filters(tiny_bank, 6, seed=3)  # seeded
    assert sorted(ds.select_trained_filters(tiny_bank, 8)) == [
        (i, c) for i in range(layers) for c in range(width)]


def test_trained_problem_truth_and_sigma(tiny_bank):
    p = ds.DistillProblem(4, C=3, L=64, seed=0, family="trained", model=TINY_MODEL,
                          task=TINY_TASK)
    picks = ds.select_trained_filters(tiny_bank, 3, seed=0)
    assert p.picks() == tuple(picks)
    h = np.stack([tiny_bank[i, c] for i, c in picks])
    np.testing.assert_array_equal(p.truth(), h.ravel())
    for row, s in zip(h, p.sigma(), strict=True):
        np.testing.assert_allclose(s, _hankel_svd(row[1:], 63, 63), rtol=1e-9,
                                   atol=64 * EPS * s[0])
    assert p.name == "trained C=3 L=64 d=4"
    # L below l_max: the first L taps
    short = ds.DistillProblem(4, C=3, L=40, family="trained", model=TINY_MODEL,
                              task=TINY_TASK)
    assert short.filters().shape == (3, 40)


def test_tiny_configuration_of_both_families_end_to_end(tiny_rows):
    assert len(tiny_rows) == 2 * 2 * 8
    by = {(r.extra["family"], r.extra["d"], r.method): r for r in tiny_rows}
    for fam in ("hyena", "trained"):
        for d in (2, 8):
            a = by[(fam, d, "authors.adamw")].extra["solver_stats"]
            assert a["iterations"] == TINY["authors_steps"]
            for init in ds.DISTILL_INITS:
                b = by[(fam, d, f"distill.{init}")]
                c = by[(fam, d, f"varpro-lm({init})")]
                st_b, st_c = b.extra["solver_stats"], c.extra["solver_stats"]
                assert b.side == "classical" and c.side == "learned"
                assert 1 <= st_c["iterations"] <= TINY["lm_steps"]
                # the decomposition's classical term is the (b) row's error, its total
                # the (c) row's
                assert st_c["dec_l2_classical"] == pytest.approx(st_b["rel_l2_median"],
                                                                 rel=1e-9)
                assert st_c["dec_l2_total"] == pytest.approx(st_c["rel_l2_median"],
                                                             rel=1e-9)
                assert st_c["telescopes"] is True
                # AAK: every stable model of real order <= 2d is at least sigma_(k+1)
                # away in H-infinity (sampled on 2L points: allow the sampling, 1 %)
                assert st_b["hinf_over_sigma_median"] >= 0.99
                assert st_c["hinf_over_sigma_median"] >= 0.99
                assert st_c["sigma_next_median"] <= st_c["bt_bound_median"]
                assert st_c["start_order_min"] == st_b["order_min"]
            # the H-infinity variant: AAK holds for it too, its decomposition telescopes
            hv = by[(fam, d, "varpro-lm+hinf(bt)")].extra["solver_stats"]
            assert hv["hinf_over_sigma_median"] >= 0.99
            assert hv["telescopes"] is True
    trained = by[("trained", 2, "authors.adamw")]
    assert trained.extra["filters"].count("l") == 3 and trained.extra["C"] == 3


def test_rank_limited_era_rows_say_so(tiny_rows):
    """ERA's realised order against numpy's numerical rank of its Hankel matrix (the
    rows (L-1)//2, sigma > sigma_1 max(rows, cols) eps): the row counts the filters
    below k, its status is rank_deficient exactly when there are any, and the note says
    it; the (c) row from it says its start was rank limited."""
    seen = 0
    for r in tiny_rows:
        if r.method != "distill.era":
            continue
        st, k = r.extra["solver_stats"], r.extra["k"]
        p = ds.DistillProblem(r.extra["d"], r.extra["C"], r.extra["L"],
                              family=r.extra["family"],
                              **({"model": TINY_MODEL, "task": TINY_TASK}
                                 if r.extra["family"] == "trained" else {}))
        L = p.L
        rows, cols = (L - 1) // 2, L - 1 - (L - 1) // 2
        ranks = []
        for f in p.filters():
            s = _hankel_svd(f[1:], rows, cols)
            ranks.append(int(np.sum(s > s[0] * max(rows, cols) * EPS)))
        low = sum(rk < k for rk in ranks)
        assert st["rank_limited"] == low
        assert st["order_min"] == min(min(ranks), k)
        assert [int(o) for o in st["orders"].split()] == [min(rk, k) for rk in ranks]
        c = next(x for x in tiny_rows if x.method == "varpro-lm(era)"
                 and x.problem == r.problem).extra["solver_stats"]
        assert c["start_rank_limited"] == low
        if low:
            seen += 1
            assert r.extra["status"] == "rank_deficient"
            assert f"realised below k = {k} on {low} of" in st["note"]
            assert "missing modes start on the ring" in c["note"]
        else:
            assert r.extra["status"] == "success"
    assert seen  # the tiny trained filters are numerically low rank at d = 8


def test_report_has_both_families_the_ratios_and_the_notes(tiny_rows):
    text = ds.distill_report(tiny_rows)
    hyena = text.index("Distillation of Hyena-recipe filters (C = 2")
    trained = text.index("Distillation of the trained Hyena model's filters (C = 3: "
                         "layer/channel l")
    assert hyena < trained
    for part in ("d = 2 (k = 4)", "d = 8 (k = 16)", "decomposition of (c)",
                 "(a)/(c) varpro-lm(era)", "hinf/sigma", "telescopes", "(a)/row",
                 "rank_deficient", "note distill.era: era realised below k = 16"):
        assert part in text[trained:]
    assert text[:trained].count("d = 2 (k = 4)") == 1
    assert "goal at d = 16" not in text  # no d = 16 row in the tiny run
    # (a)/row on every row: the authors' median over the row's
    for r in tiny_rows:
        if r.extra["family"] == "hyena" and r.extra["d"] == 2:
            a = next(x for x in tiny_rows if x.problem == r.problem
                     and x.method == "authors.adamw").extra["solver_stats"]
            ratio = a["rel_l2_median"] / r.extra["solver_stats"]["rel_l2_median"]
            line = next(ln for ln in text[:trained].splitlines()
                        if ln.startswith(f"  {r.method} "))
            assert f"{ratio:.3g}" in line.split()
    assert ds.distill_report([]) == "distill: no rows"


def test_report_same_models_and_published_steps(tiny_rows):
    """Report logic on edited copies of the tiny rows: equal realised orders at two
    rank-limited orders are called the same models; (a) at 30,000 steps is 'at the
    published' and the goal line appears at d = 16."""
    rows = [copy.deepcopy(r) for r in tiny_rows if r.extra["family"] == "trained"]
    for r in rows:
        st = r.extra["solver_stats"]
        if r.method == "distill.era":
            st.update(orders="15 16 16", rank_limited=1, order_min=15)
        if r.method == "authors.adamw":
            st["iterations"] = ds.PAPER_STEPS
        if r.extra["d"] == 8:
            r.extra["d"] = 16
    text = ds.distill_report(rows)
    assert "the same realised orders as at the previous d (the same models)" in text
    assert "goal at d = 16 (trained)" in text and "at the published 30000 steps" in text


def test_goal_line_at_order_16():
    problems, methods, extra = ds.build_distill_suite(
        (16,), families=("hyena",), C=1, L=66, authors_steps=5, lm_steps=3, inits=("era",))
    rows = run_comparison(problems, methods, extra=extra)
    text = ds.distill_report(rows)
    assert "goal at d = 16 (hyena)" in text
    assert "capped at 5 of the published 30000" in text and "distill-paper" in text


class _Exact(ds.DistillProblem):
    """One exact order-2 filter (h_0 = 0.5, h_t = 0.5^(t-1) cos(0.3 (t-1))): its Hankel
    matrix has rank 2, so at d = 2 (k = 4) sigma_(k+1) is at rounding level and every
    classical route realises order 2 < k."""

    def filters(self):
        t = np.arange(1, self.L)
        return np.r_[0.5, 0.5 ** (t - 1) * np.cos(0.3 * (t - 1))][None, :]

    def sigma(self):
        from numlearn.classical.reduction.hankel import hankel_singular_values

        return np.atleast_2d(hankel_singular_values(self.filters(), method="dense").value)


@pytest.fixture(scope="module")
def exact_rows():
    p = _Exact(2, C=1, L=80)
    methods = ds.distill_methods(authors_steps=3, lm_steps=3, inits=("aaa", "era"))
    return run_comparison([p], methods, extra=ds._extra)


def test_exact_filter_rows_say_rank_and_rounding(exact_rows):
    """Rank-limited routes and sigma at rounding level, through the suite's own path:
    ERA is rank_deficient, AAA's fewer terms are noted with its status kept, and
    H-infinity / sigma is NaN with the note (never a silent inf)."""
    p = _Exact(2, C=1, L=80)
    # oracle: numpy's SVD sees rank 2, the rest at rounding
    sv = _hankel_svd(p.filters()[0, 1:], p.L - 1, p.L - 1)
    assert sv[2] < 64 * EPS * sv[0]
    by = {r.method: r for r in exact_rows}
    for name, status, why in (("distill.era", "rank_deficient", "ERA stops at the numerical"),
                              ("distill.aaa", "success", "AAA converged with fewer terms")):
        st = by[name].extra["solver_stats"]
        assert by[name].extra["status"] == status
        assert st["orders"] == "2" and st["rank_limited"] == 1 and why in st["note"]
        assert st["rel_l2_median"] < 1e3 * EPS  # the exact filter is recovered
    for name in ("distill.era", "distill.aaa", "varpro-lm(era)", "authors.adamw"):
        st = by[name].extra["solver_stats"]
        assert st["sigma_at_rounding"] == 1
        assert np.isnan(st["hinf_over_sigma_median"]) and np.isnan(st["hinf_over_sigma_max"])
        assert "sigma_(k+1) at rounding level on 1 of 1 filters: hinf/sigma undefined" \
            in st["note"]
    c = by["varpro-lm(era)"].extra["solver_stats"]
    assert np.isnan(c["dec_hinf_total_over_sigma"]) and c["start_rank_limited"] == 1
    ratio, resolved = ds._over_sigma(np.array([1.0, 1.0]),
                                     np.array([[1.0, 0.5, 1e-20], [1.0, 0.5, 0.25]]), 2)
    assert resolved.tolist() == [False, True] and np.isnan(ratio[0]) and ratio[1] == 4.0


def test_report_prints_undefined_ratios_as_dashes(exact_rows):
    text = ds.distill_report(exact_rows)
    era = next(ln for ln in text.splitlines() if ln.startswith("  distill.era "))
    cols = era.split()
    assert cols[-1] == "rank_deficient" and cols[3] == "2*"
    assert cols[7] == "-" and cols[8] == "-"  # hinf/sigma median and max
    assert "note distill.era:" in text and "hinf/sigma undefined" in text
    assert not re.search(r"\b(nan|inf)\b", text)


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
    ({"families": "trained"}, TypeError, "`families` must be a sequence"),
    ({"families": ("hyena", "hyena")}, ValueError, "`families` must name each"),
    ({"families": ()}, ValueError, "`families` must name each"),
    ({"families": ("lm",)}, ValueError, "`families`"),
    ({"families": ("hyena",), "model": TINY_MODEL}, ValueError, "add 'trained'"),
    ({"families": ("trained",), "model": "hyena"}, TypeError, "`model` must be a Hyena"),
    ({"families": ("trained",), "model": TINY_MODEL, "task": 3}, TypeError,
     "`task` must be an MQARConfig"),
    ({"families": ("trained",), "model": TINY_MODEL, "task": TINY_TASK, "L": 65}, ValueError,
     "`L` = 65 exceeds the trained filters' length model.l_max = 64"),
    ({"families": ("trained",), "model": TINY_MODEL, "task": TINY_TASK, "L": 64,
      "trained_C": 9}, ValueError, "`C` = 9 exceeds the model's 2 x 4 filters"),
    ({"families": ("trained",), "trained_C": 0}, ValueError, "`C` must be >= 1"),
])
def test_bad_configuration(kwargs, exc, match):
    orders = kwargs.pop("orders", (2,))
    with pytest.raises(exc, match=match):
        ds.build_distill_suite(orders, **kwargs)


def test_bad_problem_and_selection_input():
    with pytest.raises(ValueError, match="`model` applies to family='trained' only"):
        ds.DistillProblem(2, C=1, L=64, model=TINY_MODEL)
    with pytest.raises(ValueError, match="`family`"):
        ds.DistillProblem(2, family="recipe")
    with pytest.raises(TypeError, match="`authors_steps` is fixed"):
        ds.build_distill_paper_suite(authors_steps=10)
    with pytest.raises(ValueError, match=r"`filters` must have shape \(layers, width, L\)"):
        ds.select_trained_filters(np.zeros((4, 64)), 2)
    with pytest.raises(ValueError, match="`C` must be <= 8"):
        ds.select_trained_filters(np.ones((2, 4, 64)), 9)


def test_problems_and_methods_pickle_for_worker_processes(tiny_cache):
    problems, methods, extra = ds.build_distill_suite(
        (2,), C=1, trained_C=2, L=40, model=TINY_MODEL, task=TINY_TASK, authors_steps=3,
        lm_steps=2, inits=("aaa",))
    back = pickle.loads(pickle.dumps((problems, methods, extra)))
    assert back[0] == problems and [m.name for m in back[1]] == [m.name for m in methods]
    for p, q in zip(problems, back[0], strict=True):
        res = back[1][1].run(q)  # distill.aaa in the unpickled form
        np.testing.assert_array_equal(res.value, methods[1].run(p).value)
