"""Bad input to the learned public API (numlearn.learned): TrainConfig, build_model,
train, the layers, the least-squares iterate and study functions, checkpoints and the
cache of trained runs (issue 13); the wrong and tampered checkpoint files are in
test_learned_checkpoints.py.  One class per category; each case asserts the
exception type and that the message names the argument (or the warning and the
status)."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn._core.result import Status  # noqa: E402
from numlearn._core.validation import IllConditionedWarning  # noqa: E402
from numlearn.learned.checkpoint import (  # noqa: E402
    load_checkpoint,
    save_checkpoint,
    trained_model,
)
from numlearn.learned.config import TrainConfig, build_model  # noqa: E402
from numlearn.learned.layers import (  # noqa: E402
    BaseConvModel,
    LinearAttentionModel,
    SoftmaxTransformer,
    causal_conv,
    num_parameters,
)
from numlearn.learned.least_squares import (  # noqa: E402
    LearnedGradientDescent,
    evaluate,
    format_checkpoints,
    format_ood,
    gd_iterate,
    iterated_study,
    linear_attention_gd_construction,
    make_tokens,
    model_gradient,
    ood_study,
    reference_gd,
    sample_least_squares,
)
from numlearn.learned.optim import LevenbergMarquardt  # noqa: E402
from numlearn.learned.training import train  # noqa: E402
from numlearn.problems.least_squares import sample  # noqa: E402

T = TrainConfig.tiny
NAN, INF = float("nan"), float("inf")


@pytest.fixture(scope="module")
def exact():
    return linear_attention_gd_construction()


@pytest.fixture(scope="module")
def problems():
    return sample("paper", 8, seed=0)


@pytest.fixture(scope="module")
def tensors(problems):
    return tuple(torch.tensor(a) for a in (problems.A, problems.b, problems.x0))


def _config_calls(cfg, tmp_path):
    """Every public entry that takes a TrainConfig, each validating it first."""
    return {
        "validate": lambda: cfg.validate(),
        "build_model": lambda: build_model(cfg),
        "train": lambda: train(cfg, progress=False),
        "trained_model": lambda: trained_model(cfg, cache_dir=tmp_path, progress=False),
        "save_checkpoint": lambda: save_checkpoint(tmp_path / "x.pt",
                                                   LinearAttentionModel(5, 20), cfg),
    }


ENTRIES = ("validate", "build_model", "train", "trained_model", "save_checkpoint")


def _check_config(field, value, exc, entry, tmp_path, match=None):
    cfg = T(**{field: value})
    with pytest.raises(exc, match=match or f"`{field}`"):
        _config_calls(cfg, tmp_path)[entry]()
    assert not list(tmp_path.iterdir())  # refused before anything was written


# ------------------------------------------------------------------------- non-finite


class TestNonFinite:
    @pytest.mark.parametrize("entry", ENTRIES)
    @pytest.mark.parametrize("field,value", [
        ("lr", NAN), ("lr", INF), ("grad_clip", NAN), ("max_time", INF), ("target", NAN),
        ("init_std", INF), ("ema_lambda", NAN), ("lr_decay", NAN), ("adam_eps", NAN),
    ])
    def test_config_fields(self, field, value, entry, tmp_path):
        _check_config(field, value, ValueError, entry, tmp_path)

    @pytest.mark.parametrize("make", [
        lambda: LinearAttentionModel(5, 20, init_std=NAN),
        lambda: BaseConvModel(5, 20, init_std=INF),
        lambda: SoftmaxTransformer(5, 20, init_std=NAN),
    ], ids=["linear_attention", "baseconv", "softmax"])
    def test_layers_init_std(self, make):
        with pytest.raises(ValueError, match="`init_std`"):
            make()

    @pytest.mark.parametrize("fn", ["gd_iterate", "reference_gd", "model_gradient",
                                    "make_tokens"])
    def test_nan_in_problems(self, fn, exact, tensors):
        A, b, x0 = tensors
        calls = {"gd_iterate": lambda a: gd_iterate(exact, a, b, x0, 3, 0.5),
                 "reference_gd": lambda a: reference_gd(a, b, x0, 3, 0.5),
                 "model_gradient": lambda a: model_gradient(exact, a, b, x0),
                 "make_tokens": lambda a: make_tokens(a, b, x0)}
        with pytest.raises(ValueError, match="`A` must be finite"):
            calls[fn](A * NAN)

    @pytest.mark.parametrize("fn", ["gd_iterate", "iterated_study", "evaluate",
                                    "LearnedGradientDescent"])
    def test_nan_step(self, fn, exact, problems, tensors):
        calls = {"gd_iterate": lambda: gd_iterate(exact, *tensors, 3, NAN),
                 "iterated_study": lambda: iterated_study(exact, problems, steps=3, eta=NAN),
                 "evaluate": lambda: evaluate(exact, batch=8, eta=NAN),
                 "LearnedGradientDescent": lambda: LearnedGradientDescent(exact)(
                     problems, 3, NAN)}
        with pytest.raises(ValueError, match=r"`eta`|`step_size`"):
            calls[fn]()

    def test_levenberg_marquardt(self):
        with pytest.raises(ValueError, match="`mu`"):
            LevenbergMarquardt(NAN)

    @pytest.mark.parametrize("fn", ["gd_iterate", "iterated_study", "evaluate"])
    def test_nan_iterates_are_diverged_with_a_warning(self, fn, problems, tensors):
        """Issue 13 item 4: NaN learned iterates never come back under SUCCESS."""
        model = linear_attention_gd_construction()
        with torch.no_grad():
            model.read_out.weight[0, 0] = NAN
        calls = {"gd_iterate": lambda: gd_iterate(model, *tensors, 5, 0.5),
                 "iterated_study": lambda: iterated_study(model, problems, steps=5),
                 "evaluate": lambda: evaluate(model, batch=8, steps=5)}
        with pytest.warns(RuntimeWarning, match="non-finite"):
            out = calls[fn]()
        if fn == "evaluate":
            assert out["iterate_status"] == "diverged" and out["diverged"] == 8
        else:
            assert out.status is Status.DIVERGED and not out.success
            assert "8 of 8 problems" in out.message


# ------------------------------------------------------------------------------ empty


class TestEmpty:
    @pytest.mark.parametrize("fn", ["gd_iterate", "reference_gd", "model_gradient",
                                    "make_tokens"])
    def test_empty_batch(self, fn, exact, tensors):
        A, b, x0 = (t[:0] for t in tensors)
        calls = {"gd_iterate": lambda: gd_iterate(exact, A, b, x0, 3, 0.5),
                 "reference_gd": lambda: reference_gd(A, b, x0, 3, 0.5),
                 "model_gradient": lambda: model_gradient(exact, A, b, x0),
                 "make_tokens": lambda: make_tokens(A, b, x0)}
        with pytest.raises(ValueError, match="`A` is empty"):
            calls[fn]()

    def test_study_empty_checkpoints(self, exact, problems):
        with pytest.raises(ValueError, match="`checkpoints` is empty"):
            iterated_study(exact, problems, steps=3, checkpoints=[])

    @pytest.mark.parametrize("kwargs,match", [({"models": {}}, "`models` is empty"),
                                              ({"families": []}, "`families` is empty")])
    def test_ood_study(self, kwargs, match, exact):
        args = {"models": {"exact": exact}, **kwargs}
        with pytest.raises(ValueError, match=match):
            ood_study(args.pop("models"), batch=4, **args)

    def test_model_without_parameters(self, problems):
        with pytest.raises(ValueError, match="`model` has no parameters"):
            iterated_study(torch.nn.Identity(), problems, steps=3)


# ------------------------------------------------------------------------------ shape


class TestShape:
    def test_b_shape(self, exact, tensors):
        A, b, x0 = tensors
        for call in (lambda: gd_iterate(exact, A, b[:, :3], x0, 3, 0.5),
                     lambda: reference_gd(A, b[:, :3], x0, 3, 0.5),
                     lambda: make_tokens(A, b[:, :3], x0)):
            with pytest.raises(ValueError, match="`b` must have shape"):
                call()

    def test_eta_shape(self, exact, tensors):
        with pytest.raises(ValueError, match="`eta` must be a float or have shape"):
            gd_iterate(exact, *tensors, 3, torch.ones(3, dtype=torch.float64))

    def test_model_built_for_other_d(self, exact):
        with pytest.raises(ValueError, match="`model` was built for n=20, d=5"):
            iterated_study(exact, sample("shape", 4, n=20, d=4, seed=0), steps=3)

    def test_tokens_shape(self):
        with pytest.raises(ValueError, match="`tokens` must have shape"):
            LinearAttentionModel(5, 20)(torch.zeros(2, 21, 5, dtype=torch.float64))

    def test_causal_conv_filter(self):
        with pytest.raises(ValueError, match="`filt` must have shape"):
            causal_conv(torch.zeros(2, 5, 3), torch.zeros(4, 3))


# ------------------------------------------------------------------- dtype, bool, str


class TestDtype:
    @pytest.mark.parametrize("entry", ENTRIES)
    @pytest.mark.parametrize("field,value,exc", [
        ("d", True, TypeError), ("width", 12.0, TypeError), ("lr", "1e-2", TypeError),
        ("lr", True, TypeError), ("causal", "no", TypeError), ("seed", "0", TypeError),
        ("dtype", torch.float64, TypeError), ("dtype", "float16", ValueError),
        ("device", 5, TypeError), ("positional", 1, TypeError), ("arch", None, TypeError),
    ])
    def test_config_fields(self, field, value, exc, entry, tmp_path):
        _check_config(field, value, exc, entry, tmp_path)

    @pytest.mark.parametrize("kwargs,name", [
        ({"causal": "no"}, "causal"), ({"layer_norm": "no"}, "layer_norm"),
        ({"dtype": "float64"}, "dtype"), ({"d": True}, "d"), ({"n_heads": 2.0}, "n_heads"),
    ])
    def test_layers(self, kwargs, name):
        with pytest.raises(TypeError, match=f"`{name}`"):
            LinearAttentionModel(**{"d": 5, "n": 20, **kwargs})

    @pytest.mark.parametrize("eta", [True, "0.5", torch.tensor([1, 1])])
    def test_gd_iterate_eta(self, eta, exact, tensors):
        with pytest.raises(TypeError, match="`eta`"):
            gd_iterate(exact, *tensors, 3, eta)

    @pytest.mark.parametrize("kwargs,name", [({"steps": True}, "steps"),
                                             ({"eta": True}, "eta"),
                                             ({"checkpoints": [True]}, "checkpoints"),
                                             ({"steps": 2.0}, "steps")])
    def test_iterated_study(self, kwargs, name, exact, problems):
        with pytest.raises(TypeError, match=f"`{name}`"):
            iterated_study(exact, problems, **{"steps": 3, **kwargs})

    @pytest.mark.parametrize("fn", ["gd_iterate", "iterated_study", "evaluate",
                                    "model_gradient", "num_parameters", "ood_study",
                                    "LearnedGradientDescent"])
    def test_model_not_a_module(self, fn, problems, tensors):
        calls = {"gd_iterate": lambda m: gd_iterate(m, *tensors, 3, 0.5),
                 "iterated_study": lambda m: iterated_study(m, problems, steps=3),
                 "evaluate": lambda m: evaluate(m, batch=8),
                 "model_gradient": lambda m: model_gradient(m, *tensors),
                 "num_parameters": num_parameters,
                 "ood_study": lambda m: ood_study({"x": m}, batch=4),
                 "LearnedGradientDescent": lambda m: LearnedGradientDescent(m)(problems, 3)}
        with pytest.raises(TypeError, match="`model"):
            calls[fn](lambda tokens: tokens)

    def test_float32_model_on_float64_problems(self, tensors):
        m32 = linear_attention_gd_construction(dtype=torch.float32)
        with pytest.raises(TypeError, match=r"`model` has dtype torch\.float32 but `A`"):
            gd_iterate(m32, *tensors, 3, 0.5)

    def test_complex_problems(self, exact, tensors):
        A, b, x0 = tensors
        with pytest.raises(TypeError, match="`A` must have a real floating dtype"):
            gd_iterate(exact, A.to(torch.complex128), b, x0, 3, 0.5)

    @pytest.mark.parametrize("kwargs,name", [({"retrain": "no"}, "retrain"),
                                             ({"progress": 0}, "progress"),
                                             ({"cache_dir": 5}, "cache_dir")])
    def test_trained_model_flags(self, kwargs, name, tmp_path):
        with pytest.raises(TypeError, match=f"`{name}`"):
            trained_model(T(), **{"cache_dir": tmp_path, **kwargs})
        assert not list(tmp_path.iterdir())

    @pytest.mark.parametrize("fn", ["trained_model", "save_checkpoint", "load_checkpoint",
                                    "build_model", "train"])
    def test_config_not_a_trainconfig(self, fn, tmp_path):
        cfg = asdict(T())
        calls = {"trained_model": lambda: trained_model(cfg, cache_dir=tmp_path),
                 "save_checkpoint": lambda: save_checkpoint(tmp_path / "x.pt",
                                                            LinearAttentionModel(5, 20), cfg),
                 "load_checkpoint": lambda: load_checkpoint(tmp_path / "x.pt", config=cfg),
                 "build_model": lambda: build_model(cfg),
                 "train": lambda: train(cfg)}
        with pytest.raises(TypeError, match="`config` must be a TrainConfig"):
            calls[fn]()

    @pytest.mark.parametrize("kwargs,name", [({"path": 5}, "path"),
                                             ({"device": 5}, "device")])
    def test_load_checkpoint_arguments(self, kwargs, name, tmp_path):
        with pytest.raises(TypeError, match=f"`{name}`"):
            load_checkpoint(**{"path": tmp_path / "x.pt", **kwargs})

    def test_save_checkpoint_model(self, tmp_path):
        with pytest.raises(TypeError, match="`model` must be a numlearn sequence model"):
            save_checkpoint(tmp_path / "x.pt", torch.nn.Linear(2, 2), T())

    @pytest.mark.parametrize("kwargs,name", [({"seed": "a"}, "seed"),
                                             ({"batch": True}, "batch")])
    def test_sample_least_squares(self, kwargs, name):
        with pytest.raises(TypeError, match=f"`{name}`"):
            sample_least_squares(**{"batch": 4, **kwargs})

    @pytest.mark.parametrize("fn,arg", [(format_checkpoints, 5), (format_ood, 5),
                                        (format_ood, "rows")])
    def test_formatters(self, fn, arg):
        with pytest.raises(TypeError, match=r"`result`|`rows`"):
            fn(arg)


# ---------------------------------------------------------------------- out of domain


class TestOutOfDomain:
    @pytest.mark.parametrize("entry", ENTRIES)
    @pytest.mark.parametrize("field,value", [
        ("grad_clip", -1.0), ("grad_clip", 0.0), ("lr_decay", -0.5), ("seed", -1),
        ("head_dim", 0), ("init_std", -1.0), ("max_time", 0.0), ("device", "tpu"),
        ("positional", "x"), ("conv", "xx"), ("steps", -1), ("beta1", 1.0),
    ])
    def test_config_fields(self, field, value, entry, tmp_path):
        _check_config(field, value, ValueError, entry, tmp_path)

    @pytest.mark.parametrize("fn", ["gd_iterate", "reference_gd"])
    def test_negative_step(self, fn, exact, tensors):
        call = {"gd_iterate": lambda: gd_iterate(exact, *tensors, 3, -1.0),
                "reference_gd": lambda: reference_gd(*tensors, 3, -1.0)}[fn]
        with pytest.raises(ValueError, match="`eta` must be positive"):
            call()

    @pytest.mark.parametrize("fn", ["gd_iterate", "reference_gd", "iterated_study"])
    def test_step_beyond_stability_limit(self, fn, exact, problems, tensors):
        call = {"gd_iterate": lambda: gd_iterate(exact, *tensors, 3, 1.5),
                "reference_gd": lambda: reference_gd(*tensors, 3, 1.5),
                "iterated_study": lambda: iterated_study(exact, problems, steps=3,
                                                         eta=1.5)}[fn]
        with pytest.raises(ValueError, match="stability limit"):
            call()

    @pytest.mark.parametrize("kwargs,name", [({"seed": -1}, "seed"),
                                             ({"device": "tpu"}, "device"),
                                             ({"batch": 0}, "batch")])
    def test_sample_least_squares(self, kwargs, name):
        with pytest.raises(ValueError, match=f"`{name}`"):
            sample_least_squares(**{"batch": 4, **kwargs})

    @pytest.mark.parametrize("kwargs,name", [({"seed": -1}, "seed"), ({"steps": -1}, "steps"),
                                             ({"batch": 0}, "batch")])
    def test_evaluate(self, kwargs, name, exact):
        with pytest.raises(ValueError, match=f"`{name}`"):
            evaluate(exact, **{"batch": 8, **kwargs})

    def test_on_unstable(self, exact, tensors):
        with pytest.raises(ValueError, match="`on_unstable`"):
            gd_iterate(exact, *tensors, 3, 0.5, on_unstable="no")

    def test_load_checkpoint_device(self, tmp_path):
        with pytest.raises(ValueError, match="`device`"):
            load_checkpoint(tmp_path / "x.pt", device="tpu")

    @pytest.mark.parametrize("kwargs,name", [({"factor": 0.5}, "factor"),
                                             ({"mu": -1.0}, "mu")])
    def test_levenberg_marquardt(self, kwargs, name):
        with pytest.raises(ValueError, match=f"`{name}`"):
            LevenbergMarquardt(**kwargs)


# ------------------------------------------------------------- impossible parameters


class TestImpossibleParameters:
    @pytest.mark.parametrize("entry", ENTRIES)
    def test_heads_do_not_divide_width(self, entry, tmp_path):
        _check_config("n_heads", 5, ValueError, entry, tmp_path, match="`n_heads`")

    @pytest.mark.parametrize("entry", ENTRIES)
    def test_probe_needs_layers(self, entry, tmp_path):
        cfg = T(aux_weight=1.0, aux_probe="residuals", n_layers=2)
        with pytest.raises(ValueError, match="`n_layers`"):
            _config_calls(cfg, tmp_path)[entry]()

    def test_checkpoints_beyond_steps(self, exact, problems):
        with pytest.raises(ValueError, match="`checkpoints` must be <= steps"):
            iterated_study(exact, problems, steps=3, checkpoints=(0, 4))

    def test_mu_range(self):
        with pytest.raises(ValueError, match="`mu_min`"):
            LevenbergMarquardt(mu_min=1.0, mu_max=0.5)

    def test_rows_beyond_the_model(self):
        P = sample("shape", 4, n=30, d=5, seed=1)
        with pytest.raises(ValueError, match="`model` was built for n=20"):
            gd_iterate(BaseConvModel(5, 20, positional="segment"),
                       *(torch.tensor(a) for a in (P.A, P.b, P.x0)), 2, 0.1)

    @pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
    def test_cuda_without_cuda(self):
        with pytest.raises(ValueError, match="`device` is 'cuda'"):
            build_model(T(device="cuda"))

    def test_save_a_model_of_another_config(self, tmp_path):
        """The n = 10 model cannot be saved under the n = 20 config (issue 13 item 2)."""
        m10 = build_model(T(n=10, positional="learned"))
        with pytest.raises(ValueError, match="n: 10 vs config's 20"):
            save_checkpoint(tmp_path / "x.pt", m10, T(positional="learned"))
        m32 = build_model(T(dtype="float32"))
        with pytest.raises(ValueError, match="weights are float32 but the config says"):
            save_checkpoint(tmp_path / "x.pt", m32, T())
        bad = build_model(T())
        with torch.no_grad():
            bad.read_in.weight[0, 0] = NAN
        with pytest.raises(ValueError, match="non-finite"):
            save_checkpoint(tmp_path / "x.pt", bad, T())
        assert not list(tmp_path.iterdir())


# ------------------------------------------------------------------- ill-conditioning


class TestIllConditioning:
    @pytest.mark.parametrize("fn", ["gd_iterate", "reference_gd", "iterated_study"])
    def test_ill_conditioned_problems_warn(self, fn, exact):
        rng = np.random.default_rng(3)
        A = rng.standard_normal((2, 20, 5))
        A[:, :, 4] = A[:, :, 3] + 1e-10 * A[:, :, 4]  # cond ~ 1e10 > 1/sqrt(eps)
        x = rng.standard_normal((2, 5))
        b = np.einsum("bij,bj->bi", A, x)
        At, bt, xt = (torch.tensor(a) for a in (A, b, np.zeros((2, 5))))
        from numlearn.problems.least_squares import LeastSquaresBatch

        call = {"gd_iterate": lambda: gd_iterate(exact, At, bt, xt, 3, 0.1),
                "reference_gd": lambda: reference_gd(At, bt, xt, 3, 0.1),
                "iterated_study": lambda: iterated_study(
                    exact, LeastSquaresBatch(A, b, x, np.zeros((2, 5))), steps=3,
                    eta=0.1)}[fn]
        with pytest.warns(IllConditionedWarning):
            call()


# ------------------------------------------------------------------------ huge sizes


class TestHugeSizes:
    @pytest.mark.parametrize("entry", ENTRIES)
    @pytest.mark.parametrize("field,value", [("batch_size", 2**40), ("width", 2**40),
                                             ("eval_batch", 2**63), ("n", 2**40),
                                             ("seed", 2**70)])
    def test_config_fields(self, field, value, entry, tmp_path):
        _check_config(field, value, ValueError, entry, tmp_path)

    @pytest.mark.parametrize("entry", ENTRIES)
    def test_config_activation_beyond_16_gib(self, entry, tmp_path):
        cfg = T(batch_size=2**20, n=4096)
        with pytest.raises(ValueError, match="`batch_size`"):
            _config_calls(cfg, tmp_path)[entry]()

    @pytest.mark.parametrize("cls", [LinearAttentionModel, BaseConvModel, SoftmaxTransformer])
    def test_layers(self, cls):
        with pytest.raises(ValueError, match="`width`"):
            cls(5, 20, width=2**40, n_heads=1) if cls is not BaseConvModel else cls(
                5, 20, width=2**40)

    @pytest.mark.parametrize("steps", [2**63, 10**9])
    def test_iterates(self, steps, exact, problems, tensors):
        for call in (lambda: gd_iterate(exact, *tensors, steps, 0.5),
                     lambda: reference_gd(*tensors, steps, 0.5),
                     lambda: iterated_study(exact, problems, steps=steps)):
            with pytest.raises(ValueError, match="`steps`"):
                call()

    @pytest.mark.parametrize("fn", ["evaluate", "sample_least_squares", "ood_study"])
    def test_batches(self, fn, exact):
        call = {"evaluate": lambda: evaluate(exact, batch=2**40),
                "sample_least_squares": lambda: sample_least_squares(2**40),
                "ood_study": lambda: ood_study({"e": exact}, batch=2**40)}[fn]
        with pytest.raises(ValueError, match="`batch`"):
            call()
