"""The ``least-squares`` comparison suite with exact constructions in place of trained
models."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.least_squares import (  # noqa: E402
    DEFAULT_FAMILIES,
    baseconv_gd_construction,
    linear_attention_gd_construction,
)

EPS = np.finfo(np.float64).eps


def test_least_squares_suite_runs_with_exact_models():
    from numlearn._core.result import Result
    from numlearn.compare import run_comparison
    from numlearn.compare.ls_suite import LeastSquaresSuite
    from numlearn.compare.suites import get_suite
    from numlearn.problems.protocol import HarnessProblem

    registered = get_suite("least-squares")
    cases, _, _ = registered.build()
    assert [c.label for c in cases] == [f.label for f in DEFAULT_FAMILIES]
    assert all(isinstance(c, HarnessProblem) for c in cases)
    exact = {"linear_attention": linear_attention_gd_construction(positional="segment"),
             "baseconv": baseconv_gd_construction(positional="segment"),
             "softmax": linear_attention_gd_construction(positional="segment")}

    def fake_train(arch):
        return Result(value=exact[arch], side="learned",
                      stats={"num_parameters": 0, "grad_rel_l2": 0.0, "seconds": 0.0,
                             "cached": True})

    suite = LeastSquaresSuite([DEFAULT_FAMILIES[i] for i in (0, 3, 6)], batch=32,
                              train=fake_train)
    small, methods, extra = suite.build()
    rows = run_comparison(small, methods, extra=extra)
    assert len(rows) == 3 * len(methods)
    by = {(r.problem, r.method): r for r in rows}
    ind = small[0].name
    assert by[(ind, "numlearn.lstsq(qr)")].rel_l2 <= 1e-14
    # 200 exact iterates: the learned solve is classical GD up to rounding
    gd_err = by[(ind, "numlearn.gradient_descent")].rel_l2
    assert abs(by[(ind, "learned.linear_attention")].rel_l2 - gd_err) <= 1e-14
    nrow = by[(small[2].name, "learned.baseconv")]  # n = 40: BaseConv cannot run
    assert nrow.extra["status"] == "not_applicable"
    report = suite.report(rows)
    assert "paper" in report and "per-iterate error decomposition" in report
    assert "out of distribution" in report and "optimization" in report
    # a second build starts afresh: the report has nothing until methods run again
    suite.build()
    assert "per-iterate" not in suite.report([])
