"""The fault matrix's table for numlearn.compare, numlearn.testing and the command
line."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
from fault_matrix import EXPECT_ANY, EXPECT_REFUSE, Case, _CliExit, _Lazy
from fault_matrix_specs import NAN, X5, _cheb


def compare_specs(tmp: Path) -> tuple[dict[str, Any], list[Case]]:
    import numlearn.compare as K
    from numlearn.problems import TARGETS, InterpolationProblem
    prob = InterpolationProblem(TARGETS["exp"], 8, grid_size=20)
    meth = K.Method("m", "classical", lambda p: p.truth())
    rows = _Lazy(lambda: K.run_comparison([prob], [meth]))
    nan_meth = K.Method("nan", "classical", lambda p: np.full_like(p.truth(), NAN))
    specs = {
        "run_comparison": dict(base=dict(problems=[prob], methods=[meth]),
                               kinds=dict(problems="obj", methods="obj", on_row="hook",
                                          executor="skip")),
        "task_threads": dict(base=dict(tasks_at_once=2), kinds=dict(tasks_at_once="size",
                                                                    cores="size")),
        "limit_threads": dict(base=dict(n=2), kinds=dict(n="size")),
        "add_parallel_arguments": "skip: argparse; tests/bad_input/test_parallel_inputs.py",
        "executor_from_args": "skip: argparse namespace; the CLI cases cover it",
        "Method": dict(base=dict(name="m", side="classical", run=lambda p: p.truth()),
                       kinds=dict(side="choice", name="text", run="hook",
                                  decompose="hook")),
        "Row": dict(base=dict(problem="p", method="m", side="classical", rel_l2=0.0, rmse=0.0,
                              max_abs=0.0, seconds=0.0, grid="g"),
                    kinds=dict(rel_l2="positive", rmse="positive", max_abs="positive",
                               seconds="positive", side="choice", problem="text",
                               method="text", grid="text", decomposition="skip",
                               extra="skip"),
                    nonfinite_ok=("rel_l2", "rmse", "max_abs"),
                    wrap=lambda r: r.side),
        "format_table": dict(base=dict(rows=rows), kinds=dict(rows="obj")),
        "get_suite": dict(base=dict(name="quick"), kinds=dict(name="choice"),
                          wrap=lambda s: s.name),
        "register_suite": dict(base=dict(name="matrix-tmp", build=lambda: ([], [], None),
                                         description="d", replace=True),
                               kinds=dict(name="text", description="text", build="hook",
                                          # free text for --help; check() is called
                                          # for its effect (it raises or returns)
                                          data="text", time_note="text", check="hook")),
        "write_json": dict(base=dict(rows=rows, path=str(tmp / "rows.json")),
                           kinds=dict(rows="obj", path="path")),
    }
    cases = [
        Case("compare", "register_suite", "impossible", "overwrite quick, replace=False",
             lambda: K.register_suite("quick", lambda: ([], [], None), "d"), EXPECT_REFUSE,
             ("name", "replace")),
        Case("compare", "run_comparison", "non-finite", "method returns NaN",
             lambda: K.run_comparison([prob], [nan_meth]), EXPECT_ANY, ("methods",)),
        Case("compare", "run_comparison", "empty", "no problems",
             lambda: K.run_comparison([], [meth]), EXPECT_REFUSE, ("problems",)),
        Case("compare", "run_comparison", "empty", "no methods",
             lambda: K.run_comparison([prob], []), EXPECT_REFUSE, ("methods",)),
        Case("compare", "run_comparison", "shape", "method returns the wrong length",
             lambda: K.run_comparison([prob], [K.Method("short", "classical",
                                                        lambda p: p.truth()[:-1])]),
             EXPECT_REFUSE, ("methods", "short")),
        Case("compare", "write_json", "non-finite", "NaN row -> valid JSON",
             lambda: _json_ok(K, prob, nan_meth, tmp), EXPECT_ANY, ("rows",)),
        Case("compare", "write_json", "out-of-domain", "path is a directory",
             lambda: K.write_json(K.run_comparison([prob], [meth]), tmp), EXPECT_REFUSE,
             ("path",)),
    ]
    try:
        from numlearn.compare.plots import plot_rows
        specs["plot_rows"] = dict(base=dict(rows=rows, directory=str(tmp / "plots")),
                                  kinds=dict(rows="obj", directory="path"))
        cases.append(Case("compare", "plot_rows", "empty", "no rows",
                          lambda: plot_rows([], tmp / "p2"), EXPECT_ANY, ("rows",)))
    except ImportError:
        pass
    return specs, cases


def _json_ok(K: Any, prob: Any, meth: Any, tmp: Path) -> Any:
    p = tmp / "nan.json"
    K.write_json(K.run_comparison([prob], [meth]), p)
    json.loads(p.read_text(), parse_constant=lambda c: (_ for _ in ()).throw(
        ValueError(f"`rows` wrote {c}")))
    return 0.0


def testing_specs() -> tuple[dict[str, Any], list[Case]]:
    import numlearn.testing as T

    def draw(s: Any) -> Any:
        import warnings

        from hypothesis import HealthCheck, given, settings
        out = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")

            @settings(max_examples=3, database=None, derandomize=True, deadline=None,
                      suppress_health_check=list(HealthCheck))
            @given(s)
            def t(v: Any) -> None:
                out.append(v)
            t()
        return out[-1] if out else None
    node_kinds = dict(domain="domain", near="skip", kind="int")
    specs: dict[str, Any] = {}
    for nm in ("chebyshev_nodes", "clustered_nodes", "nearly_coincident_nodes", "node_sets",
               "random_distinct_nodes"):
        specs[nm] = dict(base={}, kinds=dict(node_kinds, max_power="positive",
                                             max_relative_gap="positive",
                                             min_separation="positive"), wrap=draw)
    specs["chebyshev_series"] = dict(base={}, kinds=dict(decay="choice", rho="skip",
                                                         power="skip"), wrap=draw)
    specs["evaluation_points"] = dict(base=dict(nodes=_cheb(5)), kinds=dict(nodes="x"),
                                      wrap=draw)
    specs["matrices_with_condition"] = dict(base=dict(shape=(4, 3)), kinds=dict(
        shape="skip", cond="positive", normalize="choice"), wrap=draw)
    specs["SeriesCase"] = dict(base=dict(coeffs=np.array([1.0, 0.5])),
                               wrap=lambda s: s(X5))
    specs["assert_ulp_close"] = dict(base=dict(actual=X5, desired=X5, max_ulp=1),
                                     kinds=dict(actual="array", desired="array", max_ulp="int"),
                                     broadcast_ok=("actual", "desired"))
    specs["assert_close_to_oracle"] = dict(
        base=dict(actual=np.exp(X5), x=X5, f_mp=__import__("mpmath").exp, ulp=2),
        kinds=dict(actual="array", x="array", rtol="positive", atol="positive",
                   ulp="int", f_mp="callable"))
    specs["load_profile"] = dict(base=dict(name="numlearn-ci"), kinds=dict(name="choice"))
    specs["register_profiles"] = dict(base={})
    cases = [
        Case("testing", fn, "impossible", "min_n > max_n",
             lambda fn=fn: getattr(T, fn)(min_n=10, max_n=5), EXPECT_REFUSE,
             ("min_n", "max_n")) for fn in ("chebyshev_nodes", "clustered_nodes", "node_sets",
                                            "nearly_coincident_nodes", "random_distinct_nodes")]
    cases += [
        Case("testing", "chebyshev_series", "impossible", "min_degree > max_degree",
             lambda: T.chebyshev_series(min_degree=9, max_degree=2), EXPECT_REFUSE,
             ("min_degree", "max_degree")),
        Case("testing", "chebyshev_series", "impossible", "rho=(0.5, 2)",
             lambda: T.chebyshev_series(rho=(0.5, 2.0)), EXPECT_REFUSE, ("rho",)),
        Case("testing", "chebyshev_series", "dtype", "rho='x'",
             lambda: T.chebyshev_series(rho="x"), EXPECT_REFUSE, ("rho",)),
        Case("testing", "matrices_with_condition", "impossible", "cond=0.5",
             lambda: T.matrices_with_condition(cond=0.5), EXPECT_REFUSE, ("cond",)),
        Case("testing", "matrices_with_condition", "shape", "shape=(-1, 3)",
             lambda: T.matrices_with_condition(shape=(-1, 3)), EXPECT_REFUSE, ("shape",)),
        Case("testing", "matrices_with_condition", "dtype", "shape='x'",
             lambda: T.matrices_with_condition(shape="x"), EXPECT_REFUSE, ("shape",)),
        Case("testing", "load_profile", "impossible", "load_profile('x') then load_profile()",
             lambda: _profile_twice(T), EXPECT_ANY, ("name",)),
        Case("testing", "random_distinct_nodes", "impossible", "min_separation too large",
             lambda: T.random_distinct_nodes(min_n=10, min_separation=1.0), EXPECT_REFUSE,
             ("min_separation",)),
        Case("testing", "assert_ulp_close", "shape", "shapes not broadcastable",
             lambda: T.assert_ulp_close(np.ones(3), np.ones(4), 1), EXPECT_REFUSE,
             ("actual", "desired")),
    ]
    return specs, cases


def _profile_twice(T: Any) -> Any:
    with contextlib.suppress(ValueError):
        T.load_profile("x")
    return T.load_profile()


def cli_cases(tmp: Path) -> list[Case]:
    from numlearn import cli
    from numlearn.compare import Method, register_suite
    from numlearn.problems import TARGETS, InterpolationProblem
    register_suite("matrix-tiny", lambda: ([InterpolationProblem(TARGETS["exp"], 8,
                                                                 grid_size=20)],
                                           [Method("m", "classical", lambda p: p.truth())],
                                           lambda p: {}), "tiny", replace=True)
    (tmp / "afile").write_text("x")

    def run(argv: list[str]) -> Any:
        def go() -> Any:
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                try:
                    rc = cli.main(argv)
                except SystemExit as exc:
                    rc = exc.code
            if rc == 0:
                return {"cli_exit": 0}
            raise _CliExit(int(rc or 0) if not isinstance(rc, str) else 1,
                           ValueError(err.getvalue().strip().splitlines()[-1]
                                      if err.getvalue().strip() else f"exit {rc}, no message"))
        return go
    argvs = [
        ("dtype", ["compare", "--suite", "nope"], ("--suite", "nope")),
        ("impossible", ["compare", "--repeat", "0"], ("--repeat",)),
        ("dtype", ["compare", "--repeat", "x"], ("--repeat",)),
        ("huge", ["compare", "--suite", "matrix-tiny", "--repeat", str(2**63)], ("--repeat",)),
        ("out-of-domain", ["compare", "--suite", "matrix-tiny", "--json",
                           str(tmp / "missing" / "x.json")], ("--json",)),
        ("out-of-domain", ["compare", "--suite", "matrix-tiny", "--json", str(tmp)],
         ("--json",)),
        ("out-of-domain", ["compare", "--suite", "matrix-tiny", "--plot",
                           str(tmp / "afile")], ("--plot",)),
        ("empty", [], ("command",)), ("dtype", ["--bogus"], ("--bogus",)),
        ("dtype", ["reference", "frobnicate"], ("action",)),
        ("out-of-domain", ["reference", "verify", "--dir", str(tmp / "missing")],
         ("--dir", str(tmp / "missing"))),
        ("impossible", ["reference", "verify", "--recompute", "-1"], ("--recompute",)),
        ("dtype", ["reference", "verify", "--recompute", "x"], ("--recompute",)),
        ("huge", ["reference", "verify", "--recompute", str(2**63)], ("--recompute",)),
        ("out-of-domain", ["reference", "verify", "--dir", str(tmp / "afile")], ("--dir",)),
        ("dtype", ["compare", "--suite", ""], ("--suite",)),
    ]
    out = [Case("cli", "main", cat, " ".join(a) or "(no arguments)", run(a), EXPECT_REFUSE,
                names) for cat, a, names in argvs]
    out.append(Case("cli", "main", "baseline", "compare --suite matrix-tiny",
                    run(["compare", "--suite", "matrix-tiny", "--repeat", "1"]), EXPECT_ANY))
    return out
