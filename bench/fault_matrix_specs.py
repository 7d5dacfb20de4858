"""The argument table of ``bench/fault_matrix.py``: valid arguments per public function
(one argument is changed at a time), argument kinds where the annotation does not say,
and the cases that need a setting of their own (ill-conditioning, files, checkpoints,
the command line)."""

from __future__ import annotations

import importlib
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
from fault_matrix import (
    EXPECT_ANY,
    EXPECT_REFUSE,
    EXPECT_WARN,
    Case,
    _Lazy,
    generic_cases,
)

NAN = float("nan")
X5 = np.linspace(-0.9, 0.9, 5)


def _cheb(n: int) -> np.ndarray:
    from numlearn.classical import chebyshev_points
    return chebyshev_points(n)


def classical_specs() -> dict[str, dict[str, Any]]:
    import numlearn.classical as C
    from numlearn.classical import chebyshev_weights, equispaced_points, equispaced_weights
    nodes = _cheb(9)
    w = chebyshev_weights(9)
    vals = np.exp(nodes)
    nb = dict(nodes=nodes, weights=w, values=vals)
    A = np.random.default_rng(0).standard_normal((8, 3))
    b = np.random.default_rng(1).standard_normal(8)
    eq70 = equispaced_points(70)
    ew70 = equispaced_weights(70)
    coeffs = np.array([1.0, 0.5, 0.25, 0.125])
    nodes_k = {"nodes": "nodes", "x": "x", "x_eval": "x"}
    return {
        "BarycentricInterpolator": dict(
            base=dict(nodes=nodes, values=vals), kinds=nodes_k,
            wrap=lambda f: f(X5), names=("x", "order"),
            extra=[("out-of-domain", "call outside, extrapolate=False",
                    lambda: C.BarycentricInterpolator(nodes, vals)(np.array([3.0])), EXPECT_ANY),
                   ("non-finite", "call at NaN",
                    lambda: C.BarycentricInterpolator(nodes, vals)(np.array([NAN])),
                    EXPECT_REFUSE),
                   ("impossible", "derivative(order=-1)",
                    lambda: C.BarycentricInterpolator(nodes, vals).derivative(-1),
                    EXPECT_REFUSE)]),
        "ChebyshevSeries": dict(
            base=dict(coefficients=coeffs), wrap=lambda s: s(X5), names=("x", "order", "tol"),
            extra=[("non-finite", "call at NaN",
                    lambda: C.ChebyshevSeries(coeffs)(np.array([NAN])), EXPECT_REFUSE),
                   ("impossible", "derivative(-1)",
                    lambda: C.ChebyshevSeries(coeffs).derivative(-1), EXPECT_REFUSE),
                   ("impossible", "simplify(tol=-1)",
                    lambda: C.ChebyshevSeries(coeffs).simplify(-1.0), EXPECT_REFUSE)]),
        # order >= n gives the zero matrix, which is the right answer (derivative_values).
        "barycentric_diffmat": dict(base=dict(nodes=nodes, weights=w), kinds=nodes_k,
                                    huge_ok=("order",)),
        "barycentric_eval": dict(
            base=dict(nodes=nodes, weights=w, values=vals, x=X5), kinds=nodes_k,
            extra=[("ill-conditioning", "equispaced n=70, cubic data",
                    lambda: C.barycentric_eval(eq70, ew70, eq70**3, np.linspace(-1, 1, 999)),
                    EXPECT_WARN),
                   ("out-of-domain", "x=30 outside the nodes",
                    lambda: C.barycentric_eval(nodes, w, vals, np.array([30.0])), EXPECT_WARN),
                   ("dtype", "complex x exactly on a node",
                    lambda: C.barycentric_eval(nodes, w, vals, nodes[:3] + 0j), EXPECT_ANY)]),
        "barycentric_eval_first": dict(base=dict(nodes=nodes, values=vals, x=X5),
                                       kinds=nodes_k),
        "barycentric_matrix": dict(base=dict(x_eval=X5, nodes=nodes, weights=w), kinds=nodes_k),
        "barycentric_weights": dict(
            base=dict(nodes=nodes), kinds=nodes_k,
            extra=[("ill-conditioning", "equispaced n=70",
                    lambda: C.barycentric_weights(eq70), EXPECT_WARN)]),
        "chebyshev_adaptive": dict(
            base=dict(f=np.exp), kinds=dict(tol="positive", vscale="real"),
            extra=[("ill-conditioning", "np.abs, max_n=2**28+1",
                    lambda: C.chebyshev_adaptive(np.abs, max_n=2**28 + 1), EXPECT_WARN),
                   ("ill-conditioning", "np.abs, default max_n",
                    lambda: C.chebyshev_adaptive(np.abs), EXPECT_WARN)]),
        "chebyshev_coefficients": dict(base=dict(values=vals), kinds=dict(kind="int")),
        "chebyshev_derivative_coefficients": dict(base=dict(coeffs=coeffs), huge_ok=("order",)),
        "chebyshev_diffmat": dict(base=dict(n=8), kinds=dict(kind="int"),
                                  huge_ok=("order",)),  # order >= n: zero matrix, correct
        "chebyshev_integral_coefficients": dict(base=dict(coeffs=coeffs)),
        "chebyshev_interpolate": dict(base=dict(f=np.exp, n=8), kinds=dict(kind="int")),
        "chebyshev_points": dict(base=dict(n=8), kinds=dict(kind="int")),
        "chebyshev_values": dict(base=dict(coeffs=coeffs), kinds=dict(kind="int")),
        "chebyshev_weights": dict(base=dict(n=8), kinds=dict(kind="int")),
        # `name` is free text (the caller's name of the step argument), not a choice.
        "check_step_size": dict(base=dict(eta=0.1, L=1.0),
                                kinds=dict(eta="real", L="real", name="text"),
                                skip=("stacklevel",)),
        "clenshaw": dict(
            base=dict(x=X5, coeffs=coeffs), kinds=nodes_k,
            any_length=("coeffs",),  # any number of coefficients is a valid series
            extra=[("out-of-domain", "x=1e300 (inf expected)",  # mpmath agrees: inf
                    lambda: _is_inf(C.clenshaw(np.array([1e300]), coeffs)), EXPECT_ANY)]),
        "clenshaw_curtis": dict(base=dict(values=vals)),
        "clenshaw_curtis_weights": dict(base=dict(n=8)),
        "conditioning": dict(
            base=dict(A=A), kinds=dict(rcond="positive"),
            extra=[("ill-conditioning", "rank-deficient A",
                    lambda: C.conditioning(np.ones((6, 3))), EXPECT_WARN)]),
        "derivative_values": dict(base=dict(nb), kinds=nodes_k, huge_ok=("order",)),
        "equispaced_points": dict(base=dict(n=8)),
        "equispaced_weights": dict(base=dict(n=8)),
        "fourier_diffmat": dict(base=dict(n=8)),
        "fourier_points": dict(base=dict(n=8)),
        "gradient_descent": dict(
            base=dict(A=A, b=b, x0=np.zeros(3), steps=5), kinds=dict(step_size="real"),
            extra=[("ill-conditioning", "step_size=10 (unstable), on_unstable='warn'",
                    lambda: C.gradient_descent(A, b, np.zeros(3), steps=50, step_size=10.0,
                                               on_unstable="warn"), EXPECT_WARN)]),
        "gradient_descent_solver": dict(
            base=dict(problems=_Lazy(lambda: _sample(4)), steps=5),
            kinds=dict(problems="obj", step_size="real")),
        "interpolant_derivative": dict(base=dict(nb, x=X5), kinds=nodes_k, huge_ok=("order",)),
        "inverse_norm1_estimate": dict(
            base=dict(solve=lambda v: v, solve_transpose=lambda v: v, n=4)),
        "lebesgue_constant": dict(base=dict(nodes=nodes), kinds=nodes_k),
        "lebesgue_function": dict(base=dict(nodes=nodes, weights=w, x=X5), kinds=nodes_k),
        "legendre_points": dict(base=dict(n=8)),
        "legendre_weights": dict(base=dict(n=8)),
        "lstsq_reference": dict(
            base=dict(A=A, b=b), kinds=dict(rcond="positive", method="choice"),
            extra=[("ill-conditioning", "rank-deficient A",
                    lambda: C.lstsq_reference(np.ones((6, 3)), np.ones(6)), EXPECT_WARN)]),
        "power_of_two_row_scale": dict(base=dict(A=A)),
        "qr_lstsq": dict(base=dict(A=A, b=b), kinds=dict(cond="choice", row_scale="skip")),
        "standard_chop": dict(base=dict(coeffs=np.geomspace(1, 1e-20, 30)),
                              kinds=dict(tol="positive")),
        "triangular_extreme_singular_values": dict(base=dict(R=np.triu(A[:3] + 3 * np.eye(3)))),
        # len(values) sets the nodes (any length is valid); x is elementwise, any shape.
        "trig_barycentric_eval": dict(base=dict(values=np.sin(np.arange(8) * np.pi / 4),
                                                x=X5 + 1), kinds=dict(x="x"),
                                      any_length=("values",)),
        "unit_row_scale": dict(base=dict(A=A)),
    }


def _is_inf(v: Any) -> Any:
    return "inf" if np.all(np.isposinf(v)) else v


def _sample(batch: int) -> Any:
    from numlearn.problems import sample_paper
    return sample_paper(batch, seed=0)


def precision_specs() -> dict[str, dict[str, Any]]:
    import mpmath

    import numlearn.precision as P
    u = np.linspace(1, 2, 6)
    nodes = _cheb(5)
    from numlearn.classical import chebyshev_weights
    w = chebyshev_weights(5)
    dec = dict(u=u, u_best=u + 1e-3, u_disc=u + 2e-3, u_learned=u + 3e-3, grid_name="g")
    pair = dict(u_true=u, u=u + 1e-3)
    return {
        "ErrorDecomposition": dict(base=dict(dec), kinds=dict(cond="positive", norm="choice",
                                                               grid_name="skip")),
        # grid_name and cond_of are free-text labels: any string is valid.
        "collocation_decomposition": dict(base=dict(dec), kinds=dict(
            cond="positive", norm="choice", grid_name="text", cond_of="text")),
        "interpolation_decomposition": dict(base=dict(dec), kinds=dict(
            cond="positive", norm="choice", grid_name="text")),
        "max_abs": dict(base=dict(pair)), "mse": dict(base=dict(pair)),
        "rel_l2": dict(base=dict(pair)), "rmse": dict(base=dict(pair)),
        "metric_report": dict(base=dict(pair, grid_name="g"),
                              kinds=dict(grid_name="skip", ulp="flag",  # a bool
                                         ulp_scale="positive")),
        "mp_barycentric": dict(
            base=dict(x=X5, nodes=nodes, weights=w, values=np.exp(nodes)),
            kinds=dict(nodes="nodes", x="x"),
            extra=[("duplicates", "zero weights",
                    lambda: P.mp_barycentric(X5, nodes, np.zeros(5), np.exp(nodes)),
                    EXPECT_REFUSE)]),
        "mp_evaluate": dict(
            base=dict(func=mpmath.exp, x=X5), kinds=dict(func="callable", x="x"),
            extra=[("out-of-domain", "function returns a float64",
                    lambda: P.mp_evaluate(lambda x: np.exp(float(x)), [0.1, 0.7]),
                    EXPECT_WARN)]),
        "mp_lstsq": dict(base=dict(A=np.eye(3)[:, :2] + 0.1, b=np.ones(3))),
        # inf rounds to inf, the right answer (NaN is refused).
        "round_to_float64": dict(base=dict(v=mpmath.mpf(1) / 3), kinds=dict(v="real"),
                                 wrap=lambda f: "inf" if f == float("inf") else f),
        "svd_conditioning": dict(base=dict(A=np.eye(3)[None]), kinds=dict(rcond="positive")),
        "two_precision": dict(base=dict(fn=mpmath.exp, args=[0.5]), kinds=dict(args="skip")),
        # documented: inf is the number after the largest float (NaN is refused).
        "ulp_distance": dict(base=dict(a=u, b=u + 1e-15), kinds=dict(a="array", b="array"),
                             nonfinite_ok=("a", "b")),
        "ulp_error": dict(base=dict(u_true=u, u=u + 1e-15),
                          kinds=dict(u_true="array", u="array", scale="positive")),
    }


def problems_specs() -> dict[str, dict[str, Any]]:
    import numlearn.problems as P
    return {
        "get_pde": dict(
            base=dict(name="burgers"), names=("nu", "beta", "t", "bogus"),
            extra=[("out-of-domain", "burgers nu=1e-4 solution(0.5,0.3)=-0.805?",
                    lambda: _check(P.get_pde("burgers", nu=1e-4).solution(0.5, 0.3), -0.805,
                                   1e-2), EXPECT_ANY),
                   ("non-finite", "reaction rho=1000 solution(1,3)",
                    lambda: P.get_pde("reaction", rho=1000.0).solution(1.0, 3.0), EXPECT_ANY),
                   ("impossible", "burgers nu=-1", lambda: P.get_pde("burgers", nu=-1.0),
                    EXPECT_REFUSE),
                   ("dtype", "convection beta=True", lambda: P.get_pde("convection", beta=True),
                    EXPECT_REFUSE),
                   ("non-finite", "solution(NaN, 0)",
                    lambda: P.get_pde("convection").solution(NAN, 0.0), EXPECT_REFUSE),
                   ("dtype", "unknown parameter", lambda: P.get_pde("burgers", bogus=1.0),
                    EXPECT_REFUSE)]),
        "get_target": dict(
            base=dict(name="runge"),
            extra=[("out-of-domain", f"{t} outside its domain",
                    lambda t=t: P.get_target(t).numpy_func(np.array([-7.0, 7.0])), EXPECT_ANY)
                   for t in P.TARGETS]),
        "sample": dict(base=dict(family="paper", batch=4, seed=0), kinds=dict(seed="int")),
        "sample_paper": dict(base=dict(batch=4, seed=0), kinds=dict(seed="int")),
        "InterpolationProblem": dict(base=dict(target=P.TARGETS["exp"], n=8, grid_size=50),
                                     kinds=dict(target="obj", seed="int"), skip=("_truth",),
                                     wrap=lambda p: p.truth()),
        "LeastSquaresFamily": dict(base=dict(label="x", family="paper", batch=4),
                                   kinds=dict(eta="real", seed="int", label="skip",
                                              family="choice"),
                                   skip=("params",)),
        "LeastSquaresBatch": dict(
            base=dict(A=np.ones((2, 4, 3)), b=np.ones((2, 4)), x_star=np.zeros((2, 3)),
                      x0=np.zeros((2, 3))), skip=("meta",)),
        "EvolutionProblem": "skip: a record type, built by get_pde",
        "TargetFunction": "skip: a record type, the TARGETS table",
    }


def _check(v: Any, want: float, tol: float) -> Any:
    if abs(float(v) - want) > tol:
        return np.array([NAN])  # wrong answer -> reported as SILENT
    return v


def reference_specs(tmp: Path) -> tuple[dict[str, Any], list[Case]]:
    import numlearn.reference as R
    src = R.reference_directory()
    specs = {
        "load_reference": dict(base=dict(name="runge"), kinds=dict(name="choice")),
        "load_checked_bytes": dict(base=dict(filename="runge.json"),
                                   kinds=dict(filename="choice")),
        "reference_names": dict(base={}),
        "reference_directory": dict(base={}),
        "verify_references": dict(base={}, kinds=dict(seed="int"),
                                  skip=("recompute",)),
        "register_files": dict(base=dict(filenames=["runge.json"], directory=_Lazy(
            lambda: _copy(src, tmp / "reg"))), kinds=dict(filenames="skip")),
        "build_references": "skip: minutes of mpmath",
        "build_burgers_reference": "skip: minutes of mpmath",
        "build_poisson2d_reference": "skip: minutes of mpmath",
    }
    cases = []

    def tampered(label: str, edit: Any, reregister: bool, calls: tuple[str, ...] = (
            "load", "verify", "recompute")) -> None:
        for call in calls:
            def run(edit: Any = edit, call: str = call, label: str = label) -> Any:
                d = _copy(src, tmp / f"t-{abs(hash((label, call)))}")
                names = edit(d)
                if reregister:
                    R.register_files(names, d)
                if call == "load":
                    if names[0] == "pdes/burgers.npz":  # the content loader checks values
                        from numlearn.problems.burgers import load_burgers_reference
                        return load_burgers_reference(d)
                    return R.load_reference(Path(names[0]).stem, d) if names[0].endswith(
                        ".json") and "/" not in names[0] else R.load_checked_bytes(names[0], d)
                return R.verify_references(d, recompute=3 if call == "recompute" else 0)
            cases.append(Case("reference", f"{call}", "tampered", label, run, EXPECT_REFUSE,
                              ("runge.json", "pdes/burgers.npz", "MANIFEST.sha256",
                               "burgers.npz", "manifest")))

    def jedit(fn: Any) -> Any:
        def edit(d: Path) -> list[str]:
            p = d / "runge.json"
            doc = json.loads(p.read_text())
            fn(doc)
            p.write_text(json.dumps(doc))
            return ["runge.json"]
        return edit

    tampered("byte changed, manifest stale", lambda d: (
        (d / "runge.json").write_text((d / "runge.json").read_text().replace("1", "2", 1)),
        ["runge.json"])[1], False)
    tampered("truncated, re-registered", lambda d: (
        (d / "runge.json").write_text((d / "runge.json").read_text()[:200]),
        ["runge.json"])[1], True)
    tampered("float64 value +1e-6, re-registered", jedit(
        lambda doc: doc["values"]["float64"].__setitem__(
            0, (float.fromhex(doc["values"]["float64"][0]) + 1e-6).hex())), True)
    tampered("float64 list one short, re-registered", jedit(
        lambda doc: doc["values"]["float64"].pop()), True)
    tampered("coefficient list truncated, re-registered", jedit(
        lambda doc: doc["chebyshev"]["coefficients"].__delitem__(slice(-5, None))), True)
    tampered("coefficients doubled, re-registered", jedit(
        lambda doc: doc["chebyshev"].__setitem__("float64", [
            (2 * float.fromhex(v)).hex() for v in doc["chebyshev"]["float64"]])), True)
    tampered("manifest deleted", lambda d: ((d / "MANIFEST.sha256").unlink(),
                                            ["runge.json"])[1], False)

    def npz_nan(d: Path) -> list[str]:
        p = d / "pdes" / "burgers.npz"
        data = dict(np.load(p))
        k = next(k for k, v in data.items() if v.dtype.kind == "f" and v.size > 1)
        data[k] = data[k].copy()
        data[k].flat[0] = NAN
        with open(p, "wb") as f:
            np.savez(f, **data)
        return ["pdes/burgers.npz"]
    tampered("NaN in pdes/burgers.npz, re-registered", npz_nan, True,
              ("load", "verify", "recompute"))
    return specs, cases


def _copy(src: Path, dst: Path) -> Path:
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    return dst


def build_cases(modules: tuple[str, ...], tmp: Path) -> tuple[list[Case], list[str]]:
    """Every case of the chosen modules, and the names skipped (with why)."""
    cases: list[Case] = []
    skipped: list[str] = []
    for mod in modules:
        extra: list[Case] = []
        if mod == "core":
            continue  # numlearn.__all__: Result, Status, EPS ... (constants and types)
        if mod == "cli":
            from fault_matrix_tools import cli_cases

            cases += cli_cases(tmp)
            continue
        if mod == "classical":
            specs = classical_specs()
        elif mod == "precision":
            specs = precision_specs()
        elif mod == "problems":
            specs = problems_specs()
        elif mod == "reference":
            specs, extra = reference_specs(tmp)
        elif mod == "learned":
            from fault_matrix_learned import learned_specs

            specs, extra = learned_specs(tmp)
        elif mod == "compare":
            from fault_matrix_tools import compare_specs

            specs, extra = compare_specs(tmp)
        else:
            from fault_matrix_tools import testing_specs

            specs, extra = testing_specs()
        pkg = importlib.import_module(f"numlearn.{mod}")
        for name in list(getattr(pkg, "__all__", ())) + [n for n in specs
                                                          if n not in pkg.__all__]:
            spec = specs.get(name)
            obj = getattr(pkg, name, None)
            if obj is None:
                obj = getattr(importlib.import_module("numlearn.compare.plots"), name, None)
            if isinstance(spec, str):
                skipped.append(f"{mod}.{name} ({spec[6:]})")
                continue
            if spec is None:
                if callable(obj) and not (isinstance(obj, type) and issubclass(
                        obj, BaseException)):
                    if name not in ("HarnessProblem", "InterpolationSolver", "PDESolver",
                                    "LeastSquaresSolver", "OracleResult", "SVDConditioning",
                                    "LstsqSolution", "LMStep", "LeastSquaresTorchBatch",
                                    "Reference", "cache_directory", "format_checkpoints",
                                    "format_ood", "ood_row"):
                        skipped.append(f"{mod}.{name} (no spec)")
                continue
            cases += generic_cases(mod, name, obj, spec)
        cases += extra
    return cases, skipped
