"""The argument table of ``bench/fault_matrix.py``: valid arguments per public function
(one argument is changed at a time), argument kinds where the annotation does not say,
and the cases that need a setting of their own (ill-conditioning, files, checkpoints,
the command line)."""

from __future__ import annotations

import contextlib
import importlib
import io
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
    _CliExit,
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
        "BarycentricInterpolant": dict(
            base=dict(nodes=nodes, values=vals), kinds=nodes_k,
            wrap=lambda f: f(X5), names=("x", "order"),
            extra=[("out-of-domain", "call outside, extrapolate=False",
                    lambda: C.BarycentricInterpolant(nodes, vals)(np.array([3.0])), EXPECT_ANY),
                   ("non-finite", "call at NaN",
                    lambda: C.BarycentricInterpolant(nodes, vals)(np.array([NAN])),
                    EXPECT_REFUSE),
                   ("impossible", "derivative(order=-1)",
                    lambda: C.BarycentricInterpolant(nodes, vals).derivative(-1),
                    EXPECT_REFUSE)]),
        "ChebyshevSeries": dict(
            base=dict(coefficients=coeffs), wrap=lambda s: s(X5), names=("x", "order", "tol"),
            extra=[("non-finite", "call at NaN",
                    lambda: C.ChebyshevSeries(coeffs)(np.array([NAN])), EXPECT_REFUSE),
                   ("impossible", "derivative(-1)",
                    lambda: C.ChebyshevSeries(coeffs).derivative(-1), EXPECT_REFUSE),
                   ("impossible", "simplify(tol=-1)",
                    lambda: C.ChebyshevSeries(coeffs).simplify(-1.0), EXPECT_REFUSE)]),
        "barycentric_diffmat": dict(base=dict(nodes=nodes, weights=w), kinds=nodes_k),
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
        "chebyshev_derivative_coefficients": dict(base=dict(coeffs=coeffs)),
        "chebyshev_diffmat": dict(base=dict(n=8), kinds=dict(kind="int")),
        "chebyshev_integral_coefficients": dict(base=dict(coeffs=coeffs)),
        "chebyshev_interpolate": dict(base=dict(f=np.exp, n=8), kinds=dict(kind="int")),
        "chebyshev_points": dict(base=dict(n=8), kinds=dict(kind="int")),
        "chebyshev_values": dict(base=dict(coeffs=coeffs), kinds=dict(kind="int")),
        "chebyshev_weights": dict(base=dict(n=8), kinds=dict(kind="int")),
        "check_step_size": dict(base=dict(eta=0.1, L=1.0), kinds=dict(eta="real", L="real"),
                                skip=("stacklevel",)),
        "clenshaw": dict(
            base=dict(x=X5, coeffs=coeffs), kinds=nodes_k,
            extra=[("out-of-domain", "x=1e300 (inf expected)",
                    lambda: C.clenshaw(np.array([1e300]), coeffs), EXPECT_ANY)]),
        "clenshaw_curtis": dict(base=dict(values=vals)),
        "clenshaw_curtis_weights": dict(base=dict(n=8)),
        "conditioning": dict(
            base=dict(A=A), kinds=dict(rcond="positive"),
            extra=[("ill-conditioning", "rank-deficient A",
                    lambda: C.conditioning(np.ones((6, 3))), EXPECT_WARN)]),
        "derivative_values": dict(base=dict(nb), kinds=nodes_k),
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
        "interpolant_derivative": dict(base=dict(nb, x=X5), kinds=nodes_k),
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
        "trig_barycentric_eval": dict(base=dict(values=np.sin(np.arange(8) * np.pi / 4),
                                                x=X5 + 1)),
        "unit_row_scale": dict(base=dict(A=A)),
    }


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
        "collocation_decomposition": dict(base=dict(dec), kinds=dict(cond="positive",
                                                                      norm="choice")),
        "interpolation_decomposition": dict(base=dict(dec), kinds=dict(cond="positive",
                                                                        norm="choice")),
        "max_abs": dict(base=dict(pair)), "mse": dict(base=dict(pair)),
        "rel_l2": dict(base=dict(pair)), "rmse": dict(base=dict(pair)),
        "metric_report": dict(base=dict(pair, grid_name="g"), kinds=dict(grid_name="skip")),
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
        "round_to_float64": dict(base=dict(v=mpmath.mpf(1) / 3), kinds=dict(v="real")),
        "svd_conditioning": dict(base=dict(A=np.eye(3)[None]), kinds=dict(rcond="positive")),
        "two_precision": dict(base=dict(fn=mpmath.exp, args=[0.5]), kinds=dict(args="skip")),
        "ulp_distance": dict(base=dict(a=u, b=u + 1e-15), kinds=dict(a="array", b="array")),
    }


def problems_specs() -> dict[str, dict[str, Any]]:
    import numlearn.problems as P
    return {
        "get_pde": dict(
            base=dict(name="burgers"),
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


def learned_specs(tmp: Path) -> tuple[dict[str, Any], list[Case]]:
    import torch

    import numlearn.learned as L
    torch.set_num_threads(1)
    cfg = L.TrainConfig(steps=2, batch_size=8, polish_iters=0, eval_batch=8, eval_every=1,
                        polish="none" if "none" in _polish_choices() else "gauss_newton")
    model = _Lazy(lambda: L.linear_attention_gd_construction())
    tb = L.sample_least_squares(4, seed=0)
    A, b, x0 = tb.A, tb.b, tb.x0
    specs = {
        "TrainConfig": dict(base={}, kinds=dict(arch="choice", positional="choice",
                                                conv="choice", dtype="choice",
                                                device="choice", lr_schedule="choice",
                                                aux_probe="choice", polish="choice",
                                                grad_clip="positive", lr="positive",
                                                lr_decay="positive", max_time="positive",
                                                ema_lambda="real", target="positive",
                                                seed="int", lr_step="size", beta1="real",
                                                beta2="real", adam_eps="positive"),
                            wrap=lambda c: c.validate() or c),
        "build_model": dict(base=dict(config=cfg), kinds=dict(config="obj")),
        "LinearAttentionModel": dict(base={}, kinds=dict(device="skip", dtype="skip",
                                                         positional="choice",
                                                         init_std="positive")),
        "SoftmaxTransformer": dict(base={}, kinds=dict(device="skip", dtype="skip",
                                                       positional="choice",
                                                       init_std="positive")),
        "BaseConvModel": dict(base={}, kinds=dict(device="skip", dtype="skip",
                                                  positional="choice", conv="choice",
                                                  init_std="positive")),
        "AttentionBlock": dict(base=dict(width=8, n_heads=2, head_dim=4, seq_len=6),
                               kinds=dict(device="skip", dtype="skip")),
        "BaseConvBlock": dict(base=dict(width=8, seq_len=6, inner=8),
                              kinds=dict(device="skip", dtype="skip", conv="choice")),
        "linear_attention_gd_construction": dict(base={}, kinds=dict(
            device="skip", dtype="skip", positional="choice")),
        "baseconv_gd_construction": dict(base={}, kinds=dict(
            device="skip", dtype="skip", positional="choice", conv="choice")),
        "LevenbergMarquardt": dict(base={}, kinds=dict(mu="positive", factor="positive",
                                                       mu_min="positive", mu_max="positive")),
        "LearnedGradientDescent": dict(base=dict(model=model), kinds=dict(
            model="obj", on_unstable="choice")),
        "sample_least_squares": dict(base=dict(batch=4, seed=0),
                                     kinds=dict(generator="skip", device="skip",
                                                dtype="skip", seed="int")),
        "evaluate": dict(base=dict(model=model, batch=8, steps=5),
                         kinds=dict(model="obj", seed="int", eta="positive")),
        "gd_iterate": dict(base=dict(model=model, A=A, b=b, x0=x0, steps=5, eta=0.5),
                           kinds=dict(model="obj", eta="positive", on_unstable="choice")),
        "reference_gd": dict(base=dict(A=A, b=b, x0=x0, steps=5, eta=0.5),
                             kinds=dict(eta="positive", on_unstable="choice")),
        "iterated_study": dict(base=dict(model=model, problems=_Lazy(lambda: _sample(4)),
                                         steps=5),
                               kinds=dict(model="obj", problems="obj", eta="positive",
                                          checkpoints="skip")),
        # config=None trains the default config (1000 steps): only a wrong type here.
        "train": dict(base=dict(config=cfg, progress=False),
                      kinds=dict(config="skip", model="skip", callback="skip"),
                      extra=[("dtype", "config='abc'", lambda: L.train("abc", progress=False),
                              EXPECT_REFUSE)]),
        "trained_model": "skip: trains and caches; the checkpoint cases cover its files",
        "ood_study": "skip: trains nothing but runs 8 families x 1000 problems",
        "num_parameters": dict(base=dict(model=model), kinds=dict(model="obj")),
        "save_checkpoint": dict(base=dict(path=str(tmp / "ok.pt"), model=model, config=cfg),
                                kinds=dict(model="obj", config="obj", path="path",
                                           history="skip", stats="skip")),
        "load_checkpoint": dict(base=dict(path=_Lazy(lambda: _ckpt(tmp, cfg))),
                                kinds=dict(device="choice", path="path")),
    }
    for nm in ("gradient_target", "make_tokens", "model_gradient"):
        specs[nm] = dict(base=dict(A=A, b=b, x=x0, **({"model": model} if nm ==
                                                       "model_gradient" else {})),
                         kinds=dict(model="obj"))
    cases = []
    bad = {"tensor NaN in A": (A.clone().index_fill_(1, torch.tensor([0]), NAN), b, x0),
           "b of another n": (A, b[:, :-1], x0), "x0 of another d": (A, b, x0[:, :-1]),
           "float32 A": (A.float(), b, x0), "empty batch": (A[:0], b[:0], x0[:0])}
    for label, (a_, b_, x_) in bad.items():
        cat = "non-finite" if "NaN" in label else "empty" if "empty" in label else \
            "dtype" if "float32" in label else "shape"
        for nm, f in (("gd_iterate", lambda a_=a_, b_=b_, x_=x_: L.gd_iterate(
                model(), a_, b_, x_, 5, 0.5)),
                ("reference_gd", lambda a_=a_, b_=b_, x_=x_: L.reference_gd(a_, b_, x_, 5, 0.5)),
                ("model_gradient", lambda a_=a_, b_=b_, x_=x_: L.model_gradient(
                    model(), a_, b_, x_))):
            cases.append(Case("learned", nm, cat, label, f, EXPECT_REFUSE,
                              ("A", "b", "x0", "x")))
    cases.append(Case("learned", "gd_iterate", "ill-conditioning", "eta=50 diverges, warn",
                      lambda: L.gd_iterate(model(), A, b, x0, 50, 50.0, on_unstable="warn"),
                      EXPECT_WARN))
    cases.append(Case("learned", "iterated_study", "ill-conditioning", "float32 model",
                      lambda: L.iterated_study(L.linear_attention_gd_construction(
                          dtype=torch.float32), _sample(4), steps=5), EXPECT_ANY))
    cases += checkpoint_cases(tmp, cfg)
    return specs, cases


def _polish_choices() -> tuple[str, ...]:
    import numlearn.learned.config as c
    return tuple(getattr(c, "POLISH_METHODS", ("gauss_newton",)))


def _ckpt(tmp: Path, cfg: Any, **change: Any) -> str:
    import numlearn.learned as L
    p = tmp / f"ck-{len(list(tmp.glob('ck-*')))}.pt"
    L.save_checkpoint(p, L.build_model(cfg), cfg)
    return str(p)


def checkpoint_cases(tmp: Path, cfg: Any) -> list[Case]:
    import dataclasses

    import torch

    import numlearn.learned as L

    def doc_edit(fn: Any) -> Any:
        def run() -> Any:
            p = _ckpt(tmp, cfg)
            d = torch.load(p, weights_only=True)
            fn(d)
            torch.save(d, p)
            return L.load_checkpoint(p)
        return run

    def nan_w(d: dict[str, Any]) -> None:
        k = next(iter(d["state_dict"]))
        d["state_dict"][k] = d["state_dict"][k].clone().fill_(NAN)

    def f32(d: dict[str, Any]) -> None:
        d["state_dict"] = {k: v.float() for k, v in d["state_dict"].items()}

    def raw(data: bytes) -> Any:
        def run() -> Any:
            p = tmp / f"raw-{len(data)}.pt"
            p.write_bytes(data)
            return L.load_checkpoint(p)
        return run

    class Evil:
        def __reduce__(self) -> Any:
            return (print, ("pwned",))

    import pickle
    good = Path(_ckpt(tmp, cfg)).read_bytes()
    cases = [
        ("model n=10 under a config n=20", doc_edit(lambda d: d["config"].update(n=10))),
        ("config width changed", doc_edit(lambda d: d["config"].update(width=16))),
        ("NaN weights", doc_edit(nan_w)), ("float32 weights, float64 config", doc_edit(f32)),
        ("format string changed", doc_edit(lambda d: d.update(format="other/9"))),
        ("random bytes", raw(b"\x00garbage" * 10)), ("truncated file", raw(good[:200])),
        ("malicious pickle", raw(pickle.dumps(Evil()))),
    ]

    def cached_other() -> Any:
        d = tmp / "cache"
        res = L.trained_model(cfg, cache_dir=d, progress=False)
        path = Path(res.stats["checkpoint"])
        other = dataclasses.replace(cfg, width=16)
        L.save_checkpoint(path, L.build_model(other), other)
        return L.trained_model(cfg, cache_dir=d, progress=False)
    cases.append(("trained_model serves a cached width-16 model for width 12", cached_other))
    return [Case("learned", "load_checkpoint" if "trained" not in lab else "trained_model",
                 "checkpoint", lab, f, EXPECT_REFUSE,
                 ("path", "checkpoint", "config", "n", "width", "state_dict", "format",
                  "dtype", "weights")) for lab, f in cases]


def compare_specs(tmp: Path) -> tuple[dict[str, Any], list[Case]]:
    import numlearn.compare as K
    from numlearn.problems import TARGETS, InterpolationProblem
    prob = InterpolationProblem(TARGETS["exp"], 8, grid_size=20)
    meth = K.Method("m", "classical", lambda p: p.truth())
    rows = _Lazy(lambda: K.run_comparison([prob], [meth]))
    nan_meth = K.Method("nan", "classical", lambda p: np.full_like(p.truth(), NAN))
    specs = {
        "run_comparison": dict(base=dict(problems=[prob], methods=[meth]),
                               kinds=dict(problems="obj", methods="obj")),
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
                               kinds=dict(name="text", description="text", build="hook")),
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


def build_cases(modules: tuple[str, ...], tmp: Path) -> tuple[list[Case], list[str]]:
    """Every case of the chosen modules, and the names skipped (with why)."""
    cases: list[Case] = []
    skipped: list[str] = []
    for mod in modules:
        extra: list[Case] = []
        if mod == "core":
            continue  # numlearn.__all__: Result, Status, EPS ... (constants and types)
        if mod == "cli":
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
            specs, extra = learned_specs(tmp)
        elif mod == "compare":
            specs, extra = compare_specs(tmp)
        else:
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
