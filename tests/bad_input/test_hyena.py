"""Bad input to the Hyena model, the MQAR task, its training, checkpoints and the
distillation swap: refused before any work, naming the argument."""

from __future__ import annotations

import dataclasses
import pickle
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.layers.hyena import HyenaConfig, HyenaModel  # noqa: E402
from numlearn.learned.reduction import hyena_task as ht  # noqa: E402

TINY = HyenaConfig(vocab=8, width=4, layers=1, l_max=16, filter_order=4, mlp_ratio=0)
TASK = ht.MQARConfig(seq_len=16, pairs=2, keys=4, steps=2, batch=4, eval_batch=4)


@pytest.mark.parametrize(("field", "value", "exc", "match"), [
    ("vocab", 1, ValueError, "vocab"),
    ("width", 0, ValueError, "width"),
    ("width", 2.5, TypeError, "width"),
    ("emb_dim", 4, ValueError, "emb_dim"),
    ("dtype", "float16", ValueError, "dtype"),
    ("w", 0.0, ValueError, "w"),
    ("width", 10**6, ValueError, "parameters"),
    ("heads", 3, ValueError, "`heads` = 3 must divide `width` = 4"),
    ("heads", 0, ValueError, "heads"),
    ("heads", 2.0, TypeError, "heads"),
    ("heads", True, TypeError, "heads"),
])
def test_config_refused(field, value, exc, match):
    with pytest.raises(exc, match=match):
        HyenaModel(dataclasses.replace(TINY, **{field: value}))


def test_model_refuses_bad_tokens_and_hooks():
    model = HyenaModel(TINY)
    with pytest.raises(TypeError, match="`config`"):
        HyenaModel({"vocab": 8})
    with pytest.raises(TypeError, match="`tokens`"):
        model(torch.zeros(2, 4))
    with pytest.raises(TypeError, match="`tokens`"):
        model(torch.zeros(4, dtype=torch.int64))
    with pytest.raises(ValueError, match="l_max"):
        model(torch.zeros(1, 17, dtype=torch.int64))
    with pytest.raises(ValueError, match="vocab"):
        model(torch.full((1, 4), 8, dtype=torch.int64))
    with pytest.raises(ValueError, match="`layer`"):
        model.set_long_conv(1, lambda v: v)
    with pytest.raises(TypeError, match="`fn`"):
        model.set_long_conv(0, "fft")
    with pytest.raises(ValueError, match="`L`"):
        model.filters(17)
    model.set_long_conv(0, lambda v: v[..., :-1])
    with pytest.raises(ValueError, match="replacement long convolution"):
        model(torch.zeros(1, 4, dtype=torch.int64))


@pytest.mark.parametrize(("change", "match"), [
    ({"pairs": 5}, "pairs"),
    ({"seq_len": 5}, "seq_len"),
    ({"lr": -1.0}, "lr"),
    ({"steps": -1}, "steps"),
])
def test_task_refused(change, match):
    with pytest.raises(ValueError, match=match):
        ht.mqar(2, dataclasses.replace(TASK, **change), 8, seed=0)


def test_task_and_training_arguments():
    with pytest.raises(ValueError, match="vocab"):
        ht.mqar(2, TASK, 5, seed=0)
    with pytest.raises(TypeError, match="`task`"):
        ht.mqar(2, {"seq_len": 16}, 8, seed=0)
    with pytest.raises(ValueError, match="seed"):
        ht.mqar(2, TASK, 8, seed=-1)
    with pytest.raises(ValueError, match="l_max"):
        ht.train_hyena(TINY, dataclasses.replace(TASK, seq_len=32), progress=False)
    with pytest.raises(TypeError, match="`task`"):
        ht.train_hyena(TINY, None, progress=False)
    with pytest.raises(TypeError, match="`cache_dir`"):
        ht.hyena_checkpoint(TINY, TASK, cache_dir=3)


def test_checkpoint_files_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="`path`"):
        ht.load_hyena(tmp_path / "missing.pt")
    with pytest.raises(TypeError, match="`config`"):
        ht.load_hyena(tmp_path / "missing.pt", config={"vocab": 8})
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a torch file")
    with pytest.raises(ValueError, match="not a numlearn Hyena checkpoint"):
        ht.load_hyena(junk)
    evil = tmp_path / "evil.pt"
    with open(evil, "wb") as f:
        pickle.dump({"format": ht.FORMAT, "x": np.random.default_rng(0)}, f, protocol=2)
    with pytest.raises(ValueError, match="not a numlearn Hyena checkpoint"):
        ht.load_hyena(evil)
    other = tmp_path / "other.pt"
    torch.save({"format": "numlearn.sequence/2"}, other)
    with pytest.raises(ValueError, match=r"numlearn\.hyena/1"):
        ht.load_hyena(other)
    good = tmp_path / "good.pt"
    model = HyenaModel(TINY)
    ht.save_hyena(good, model, TASK)
    ckpt = torch.load(good, weights_only=True)
    ckpt["config"]["width"] = 8  # a forged config, digest recomputed: weights mismatch
    from numlearn.learned import _checkpoint_format as fmt
    ckpt["digest"] = fmt.digest(ckpt)
    torch.save(ckpt, good)
    with pytest.raises(ValueError, match="weights"):
        ht.load_hyena(good)
    ht.save_hyena(good, model, TASK)
    ckpt = torch.load(good, weights_only=True)
    ckpt["state_dict"]["head.bias"][0] += 0.5  # forged weights, digest recomputed
    ckpt["digest"] = fmt.digest(ckpt)
    torch.save(ckpt, good)
    with pytest.raises(ValueError, match="evaluation loss"):
        ht.load_hyena(good)
    with pytest.raises(TypeError, match="`model`"):
        ht.save_hyena(good, torch.nn.Linear(2, 2), TASK)


def test_distillation_swap_refused():
    model = HyenaModel(TINY)
    with pytest.raises(ValueError, match="`d`"):
        ht.distill_long_convs(model, 0)
    with pytest.raises(ValueError):
        ht.distill_long_convs(model, 9)  # 16 taps cannot carry 18 real states
    with pytest.raises(TypeError, match="`model`"):
        ht.distill_long_convs(torch.nn.Linear(2, 2), 2)
    with pytest.raises(ValueError, match="`backend`"):
        ht.distill_long_convs(model, 2, backend="jax")
    with pytest.raises(TypeError, match="`ssm`"):
        ht.modal_long_conv(np.zeros(3))


def test_multihyena_hooks_and_stored_heads_refused(tmp_path):
    from numlearn.learned.layers.hyena import head_mix

    cfg = dataclasses.replace(TINY, heads=2)
    model = HyenaModel(cfg)
    model.set_long_conv(0, lambda z: z[:1])  # must keep (B N^2, M, L)
    with pytest.raises(ValueError, match="replacement long convolution"):
        model(torch.zeros(1, 4, dtype=torch.int64))
    q = torch.zeros(1, 4, 5, dtype=torch.float64)
    with pytest.raises(ValueError, match="`method`"):
        head_mix(q, q, q, 2, torch.zeros(2, 5, dtype=torch.float64), method="direct")
    with pytest.raises(ValueError, match="`heads`"):
        head_mix(q, q, q, 3, torch.zeros(3, 5, dtype=torch.float64))
    with pytest.raises(ValueError, match="`conv`"):
        head_mix(q, q, q, 2, torch.zeros(2, 4, dtype=torch.float64))
    with pytest.raises(TypeError, match="`conv`"):
        head_mix(q, q, q, 2, "fft")
    with pytest.raises(TypeError, match="`v`"):
        head_mix(q, q, q[..., :4], 2, torch.zeros(2, 5, dtype=torch.float64))
    path = tmp_path / "mh.pt"
    ht.save_hyena(path, HyenaModel(cfg), TASK)
    ckpt = torch.load(path, weights_only=True)
    ckpt["config"]["heads"] = 3  # forged, digest recomputed: does not divide width
    from numlearn.learned import _checkpoint_format as fmt
    ckpt["digest"] = fmt.digest(ckpt)
    torch.save(ckpt, path)
    with pytest.raises(ValueError, match=r"stored `config` is invalid.*heads"):
        ht.load_hyena(path)


def test_generation_refused_without_recurrences():
    model = HyenaModel(dataclasses.replace(TINY, heads=2))
    prompt = torch.zeros(1, 4, dtype=torch.int64)
    with pytest.raises(TypeError, match="DistilledConv"):
        model.generate(prompt, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ERA's notes on random filters
        ht.distill_long_convs(model, 2, method="era", bounds=False, backend="torch")
    with pytest.raises(ValueError, match="`steps`"):
        model.generate(prompt, 0)
    with pytest.raises(ValueError, match="`prefill`"):
        model.generate(prompt, 2, prefill="cheb")
    with pytest.raises(TypeError, match="`prompt`"):
        model.generate(prompt.double(), 2)
    with pytest.raises(ValueError, match="`prompt`"):
        model.generate(torch.full((1, 4), 9, dtype=torch.int64), 2)
