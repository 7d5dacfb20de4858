"""Wrong and tampered checkpoint files for the learned API (issue 13 item 2): each read
through load_checkpoint and through the cache of trained_model, each refusal naming
what is wrong; the other categories of bad input are in test_learned.py."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn._core.result import Status  # noqa: E402
from numlearn.learned.checkpoint import (  # noqa: E402
    load_checkpoint,
    save_checkpoint,
    trained_model,
)
from numlearn.learned.config import TrainConfig, build_model  # noqa: E402
from numlearn.learned.least_squares import (  # noqa: E402
    evaluate,
    linear_attention_gd_construction,
)
from tests.bad_input._learned_files import Payload, key_path, rewrite, serve  # noqa: E402

T = TrainConfig.tiny
NAN = float("nan")


# ------------------------------------------------------------------ wrong checkpoints


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A valid checkpoint of the tiny untrained model (width 12, n = 20)."""
    d = tmp_path_factory.mktemp("ckpt")
    cfg = T(steps=0, polish="none")
    save_checkpoint(d / "w12.pt", build_model(cfg), cfg, {"loss": [1.0]},
                    {"status": "success", "grad_rel_l2": 1.0})
    return d / "w12.pt", cfg


SERVE = ("load_checkpoint", "trained_model")


class TestWrongCheckpoints:
    @pytest.mark.parametrize("entry", SERVE)
    @pytest.mark.parametrize("other,match", [
        ({"width": 16}, "width: checkpoint 12, requested 16"),
        ({"arch": "softmax"}, "arch: checkpoint 'linear_attention', requested 'softmax'"),
        ({"n": 10}, "n: checkpoint 20, requested 10"),
        ({"seed": 3}, "seed: checkpoint 0, requested 3"),
    ])
    def test_another_configuration_is_refused(self, entry, other, match, saved, tmp_path):
        """Issue 13 item 2: a checkpoint of another config under this config's name."""
        src, cfg = saved
        from dataclasses import replace

        with pytest.raises(ValueError, match=match):
            serve(entry, src, replace(cfg, **other), tmp_path)

    @pytest.mark.parametrize("entry", SERVE)
    @pytest.mark.parametrize("edit,match", [
        # a model for n = 10 saved under the config for n = 20 (learned embedding: shapes)
        (lambda c: c["state_dict"].update(pos_emb=torch.zeros(11, 12, dtype=torch.float64)),
         r"weight shapes do not match the config: pos_emb \(11, 12\)"),
        (lambda c: c["model_config"].update(n=10), "n: 10 vs config's 20"),
        (lambda c: c["state_dict"]["read_in.weight"].fill_(NAN), "non-finite"),
        (lambda c: c["state_dict"].update(
            {k: v.float() for k, v in c["state_dict"].items()}),
         "weights are float32 but the config says dtype='float64'"),
        (lambda c: c.update(format="numlearn.sequence/3"), "format version 3, newer"),
        (lambda c: c.pop("state_dict"), "lacks `state_dict`"),
        (lambda c: c.pop("probe"), "lacks `probe`"),
        (lambda c: c["config"].pop("width"), "lacks the TrainConfig field"),
        (lambda c: c["config"].update(flux=1), "`flux` that this numlearn's TrainConfig"),
        (lambda c: c["config"].update(grad_clip=-1.0), "stored config is invalid: `grad_clip`"),
        (lambda c: c["state_dict"].pop("read_out.bias"), r"weights missing \['read_out.bias'\]"),
        (lambda c: c.update(dtype="float32"), "its dtype entry 'float32' differs"),
    ], ids=["n10-under-n20", "model-config", "nan", "float32", "newer", "no-state",
            "no-probe", "config-field-missing", "config-field-unknown", "config-invalid",
            "weight-missing", "dtype-entry"])
    def test_mismatches_are_named(self, entry, edit, match, tmp_path):
        cfg = T(steps=0, polish="none", positional="learned")
        src = tmp_path / "ok.pt"
        save_checkpoint(src, build_model(cfg), cfg)
        bad = rewrite(src, tmp_path / "bad.pt", edit)
        with pytest.raises(ValueError, match=match):
            serve(entry, bad, cfg, tmp_path)

    @pytest.mark.parametrize("entry", SERVE)
    def test_same_shapes_other_n_is_caught_by_the_probe(self, entry, tmp_path):
        """With the segment embedding a model for n = 10 has the weights' shapes of one
        for n = 20: the exact construction for n = 10 relabelled as the n = 20 one
        (config, model config, new digest) still gives itself away, by twice the
        gradient (relative error 1 against the recorded rounding level)."""
        cfg = T(steps=0, polish="none", positional="segment", init_std=0.02)
        src = tmp_path / "ok.pt"
        save_checkpoint(src, linear_attention_gd_construction(positional="segment"), cfg)
        m10 = linear_attention_gd_construction(n=10, positional="segment")

        def swap(c):
            c["state_dict"] = {k: v.clone() for k, v in m10.state_dict().items()}

        bad = rewrite(src, tmp_path / "bad.pt", swap)
        with pytest.raises(ValueError, match=r"error of 1.0\d+e\+00 .* not the recorded"):
            serve(entry, bad, cfg, tmp_path)

    def test_version_1_files_load_after_the_same_checks(self, tmp_path):
        """A file written before format 2 (no digest, no probe) is served when its
        config is complete and its weights reproduce its recorded error; the same file
        with changed weights is refused."""
        cfg = T(steps=0, polish="none", eval_batch=128)
        model = build_model(cfg)
        stats = {"grad_rel_l2": evaluate(model, batch=128, seed=cfg.seed + 3,
                                         steps=0)["grad_rel_l2"],
                 "time": 1.5, "status": "target_not_reached"}
        v1 = {"format": "numlearn.sequence/1", "model_config": model.config(),
              "config": asdict(cfg), "state_dict": model.state_dict(),
              "history": {"loss": [1.0]}, "stats": stats}
        cache = tmp_path / "cache"
        cache.mkdir()
        torch.save(v1, key_path(cfg, cache))
        res = trained_model(cfg, cache_dir=cache, progress=False)
        assert res.stats["cached"] is True and res.stats["seconds"] == 1.5
        assert res.status is Status.TARGET_NOT_REACHED
        _, c, h = load_checkpoint(key_path(cfg, cache), config=cfg)
        assert c == cfg and h == {"loss": [1.0]}
        v1["state_dict"] = {k: v * 1.001 for k, v in v1["state_dict"].items()}
        torch.save(v1, key_path(cfg, cache))
        with pytest.raises(ValueError, match="not the recorded"):
            trained_model(cfg, cache_dir=cache, progress=False)

    def test_device_override(self, saved):
        src, cfg = saved
        model, c, _ = load_checkpoint(src, config=cfg, device="cpu")
        assert c.device == "cpu" and next(model.parameters()).device.type == "cpu"


# ---------------------------------------------------------------------- tampered files


class TestTamperedFiles:
    @pytest.mark.parametrize("entry", SERVE)
    @pytest.mark.parametrize("kind", ["pickle", "random-bytes", "plain-dict", "truncated",
                                      "empty", "list", "text"])
    def test_not_a_numlearn_checkpoint(self, entry, kind, saved, tmp_path):
        src, cfg = saved
        path = tmp_path / "file.pt"
        marker = tmp_path / "ran"
        if kind == "pickle":
            torch.save({"format": "numlearn.sequence/2", "x": Payload(marker)}, path)
        elif kind == "random-bytes":
            path.write_bytes(np.random.default_rng(0).bytes(4096))
        elif kind == "plain-dict":
            torch.save({"a": 1}, path)
        elif kind == "truncated":
            path.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
        elif kind == "empty":
            path.write_bytes(b"")
        elif kind == "list":
            torch.save([1, 2], path)
        else:
            path.write_text("format: numlearn.sequence/2\n")
        with pytest.raises(ValueError, match="is not a numlearn checkpoint") as info:
            serve(entry, path, cfg, tmp_path)
        assert "weights_only" not in str(info.value)  # not torch's hint
        assert not marker.exists()  # nothing in the file ran

    @pytest.mark.parametrize("entry", SERVE)
    def test_changed_weights_fail_the_digest(self, entry, saved, tmp_path):
        src, cfg = saved

        def nudge(c):
            c["state_dict"]["read_in.weight"][0, 0] += 1e-6

        bad = rewrite(src, tmp_path / "bad.pt", nudge, redigest=False)
        with pytest.raises(ValueError, match="does not match its digest"):
            serve(entry, bad, cfg, tmp_path)

    @pytest.mark.parametrize("entry", SERVE)
    def test_changed_weights_with_a_new_digest_fail_the_probe(self, entry, saved, tmp_path):
        src, cfg = saved

        def nudge(c):
            c["state_dict"]["read_out.weight"].mul_(1.5)

        bad = rewrite(src, tmp_path / "bad.pt", nudge)
        with pytest.raises(ValueError, match="not the recorded"):
            serve(entry, bad, cfg, tmp_path)

    @pytest.mark.parametrize("edit,match", [
        (lambda c: c["stats"].update(status="wonderful"), "unknown status 'wonderful'"),
        (lambda c: c.update(format="numlearn.sequence/x"), "unknown format tag"),
        (lambda c: c.update(state_dict=[1]), "`state_dict` must be a dict"),
        (lambda c: c["probe"].update(seed="0"), "`probe` entry is damaged"),
    ])
    def test_damaged_entries(self, edit, match, saved, tmp_path):
        src, cfg = saved
        bad = rewrite(src, tmp_path / "bad.pt", edit)
        with pytest.raises(ValueError, match=match):
            serve("trained_model", bad, cfg, tmp_path)

    def test_missing_file(self, tmp_path):
        with pytest.raises(FileNotFoundError, match="`path`"):
            load_checkpoint(tmp_path / "nothing.pt")
        with pytest.raises(FileNotFoundError, match="`path`"):
            load_checkpoint(tmp_path)
