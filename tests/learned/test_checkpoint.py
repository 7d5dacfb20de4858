"""Tests for numlearn.learned.checkpoint: round trips, the cache of trained runs, what a
checkpoint carries, and checkpoints written before the stats vocabulary (the refusals are
in tests/bad_input/test_learned.py)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.checkpoint import (  # noqa: E402
    load_checkpoint,
    save_checkpoint,
    trained_model,
)
from numlearn.learned.config import TrainConfig, build_model  # noqa: E402
from numlearn.learned.least_squares import (  # noqa: E402
    make_tokens,
    sample_least_squares,
)
from numlearn.learned.least_squares.tokens import _tokens  # noqa: E402
from numlearn.learned.training import train  # noqa: E402
from numlearn.problems.least_squares import sample  # noqa: E402

EXACT_TOL = 1e-14
EPS = np.finfo(np.float64).eps


def test_checkpoint_round_trip(tmp_path):
    cfg = TrainConfig.tiny(steps=10, polish="none", eval_every=5)
    res = train(cfg, progress=False)
    path = tmp_path / "ckpt.pt"
    save_checkpoint(path, res.value, cfg, res.history)
    model, cfg2, hist = load_checkpoint(path)
    assert cfg2 == cfg
    assert hist.keys() == res.history.keys()
    for k, v in res.history.items():
        np.testing.assert_array_equal(np.asarray(hist[k]), v)
    P = sample_least_squares(32, seed=11)
    tok = make_tokens(P.A, P.b, P.x0)
    with torch.no_grad():
        assert torch.equal(model(tok), res.value(tok))
    # a baseconv checkpoint too
    bc_cfg = TrainConfig.tiny(arch="baseconv", width=13, n_layers=4, steps=0, polish="none")
    bc = build_model(bc_cfg)
    save_checkpoint(path, bc, bc_cfg)
    bc2, _, _ = load_checkpoint(path)
    with torch.no_grad():
        assert torch.equal(bc(tok), bc2(tok))
def test_trained_model_cache_round_trip(tmp_path):
    cfg = TrainConfig.tiny(steps=20, polish="none", eval_batch=128)
    first = trained_model(cfg, cache_dir=tmp_path, progress=False)
    again = trained_model(cfg, cache_dir=tmp_path, progress=False)
    assert first.stats["cached"] is False and again.stats["cached"] is True
    assert again.stats["grad_rel_l2"] == first.stats["grad_rel_l2"]
    P = sample("paper", 16, seed=9)
    tok = _tokens(*(torch.tensor(a) for a in (P.A, P.b, P.x0)))
    with torch.no_grad():
        torch.testing.assert_close(first.value(tok), again.value(tok), rtol=0, atol=0)
    with pytest.raises(TypeError, match="TrainConfig"):
        trained_model({"arch": "softmax"}, cache_dir=tmp_path)


def test_checkpoint_with_old_stats_keys_loads_translated(tmp_path):
    """A cache entry written before the stats vocabulary (``time``, ``time_adam``,
    ``steps``) is found by its config's key and read under the current keys."""
    import hashlib
    import json
    from dataclasses import asdict

    from numlearn.learned._checkpoint_format import ADDED_FIELDS

    cfg = TrainConfig.tiny(steps=0, polish="none")
    # The key as it was computed then: over the fields TrainConfig had then.
    then = {k: v for k, v in asdict(cfg).items() if k not in ADDED_FIELDS}
    key = hashlib.sha256(json.dumps(then, sort_keys=True).encode()).hexdigest()
    path = tmp_path / f"{cfg.arch}-{key[:16]}.pt"
    old = {"time": 12.5, "time_adam": 2.5, "time_polish": 10.0, "steps": 100,
           "grad_rel_l2": 3e-16, "status": "success", "message": ""}
    save_checkpoint(path, build_model(cfg), cfg, {"loss": [1.0]}, old)
    res = trained_model(cfg, cache_dir=tmp_path, progress=False)
    assert res.stats["cached"] is True and res.success
    assert res.stats["seconds"] == 12.5 and res.stats["seconds_adam"] == 2.5
    assert res.stats["seconds_polish"] == 10.0 and res.stats["eval_iterations"] == 100
    assert not {"time", "time_adam", "time_polish", "steps"} & res.stats.keys()


def test_checkpoint_carries_its_full_config_and_format_version(tmp_path):
    """Issue 13 item 2: every TrainConfig field, the format version, the dtype, the
    probe error and a digest; a reload with the expected config checks them all."""
    from dataclasses import asdict, fields

    from numlearn.learned import _checkpoint_format as fmt

    cfg = TrainConfig.tiny(steps=0, polish="none", width=10, n_heads=2)
    model = build_model(cfg)
    path = tmp_path / "c.pt"
    save_checkpoint(path, model, cfg)
    raw = torch.load(path, weights_only=True)
    assert raw["format"] == "numlearn.sequence/2" and raw["dtype"] == "float64"
    assert set(raw["config"]) == {f.name for f in fields(TrainConfig)}
    assert raw["config"] == asdict(cfg)
    assert raw["digest"] == fmt.digest(raw)
    assert raw["probe"]["grad_rel_l2"] == fmt.probe_error(
        model, batch=raw["probe"]["problems"], seed=raw["probe"]["seed"])
    again, cfg2, _ = load_checkpoint(path, config=cfg)
    assert cfg2 == cfg
    for (k, v), (k2, v2) in zip(model.state_dict().items(), again.state_dict().items(),
                                strict=True):
        assert k == k2 and torch.equal(v, v2)


def test_trained_model_refuses_a_cached_file_of_another_config(tmp_path):
    """Issue 13 item 2's reproducer: a width-16 model under the cache name of the
    width-12 config was served; now refused, naming the field, and retrain=True
    replaces it."""
    import shutil

    c12 = TrainConfig.tiny(steps=0, polish="none", eval_batch=128)
    c16 = TrainConfig.tiny(steps=0, polish="none", eval_batch=128, width=16)
    p12 = trained_model(c12, cache_dir=tmp_path, progress=False).stats["checkpoint"]
    p16 = trained_model(c16, cache_dir=tmp_path, progress=False).stats["checkpoint"]
    shutil.copy(p16, p12)
    with pytest.raises(ValueError, match=r"width: checkpoint 16, requested 12.*retrain=True"):
        trained_model(c12, cache_dir=tmp_path, progress=False)
    res = trained_model(c12, cache_dir=tmp_path, retrain=True, progress=False)
    assert res.value.width == 12 and res.stats["cached"] is False
    assert trained_model(c12, cache_dir=tmp_path, progress=False).stats["cached"] is True


def test_a_field_added_later_keeps_older_files_serving(tmp_path, monkeypatch):
    """A TrainConfig field listed in ADDED_FIELDS with the value that reproduces older
    runs: files without it load with that value, and the cache key leaves it out while
    it holds that value (here ``lr_step`` plays the new field)."""
    import hashlib
    import json
    from dataclasses import asdict, replace

    from numlearn.learned import _checkpoint_format as fmt

    monkeypatch.setattr(fmt, "ADDED_FIELDS", {"lr_step": 3000})
    cfg = TrainConfig.tiny(steps=0, polish="none", eval_batch=128)
    old = {k: v for k, v in asdict(cfg).items() if k != "lr_step"}
    assert fmt.cache_key(cfg) == hashlib.sha256(
        json.dumps(old, sort_keys=True).encode()).hexdigest()
    assert fmt.cache_key(replace(cfg, lr_step=10)) != fmt.cache_key(cfg)
    path = trained_model(cfg, cache_dir=tmp_path, progress=False).stats["checkpoint"]
    raw = torch.load(path, weights_only=True)
    del raw["config"]["lr_step"]  # as written before the field existed
    raw["digest"] = fmt.digest(raw)
    torch.save(raw, path)
    res = trained_model(cfg, cache_dir=tmp_path, progress=False)
    assert res.stats["cached"] is True
    _, stored, _ = load_checkpoint(path, config=cfg)
    assert stored.lr_step == 3000
