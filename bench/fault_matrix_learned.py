"""The fault matrix's table for numlearn.learned: models, training configs, the
learned least-squares functions and wrong checkpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fault_matrix import EXPECT_ANY, EXPECT_REFUSE, EXPECT_WARN, Case, _Lazy
from fault_matrix_specs import NAN, _sample


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
