"""Helpers of tests/bad_input/test_learned_checkpoints.py: checkpoint files read through each
public entry, rewritten as a forger who knows the format would, and a pickle payload
that must never run."""

from __future__ import annotations

import pathlib
import shutil

import torch

from numlearn.learned._checkpoint_format import cache_key
from numlearn.learned.checkpoint import load_checkpoint, trained_model


def key_path(cfg, directory):
    """Where trained_model looks for ``cfg``'s file (the cache's own naming rule)."""
    key = cache_key(cfg)
    return pathlib.Path(directory) / f"{cfg.arch}-{key[:16]}.pt"


def serve(entry, src, cfg, tmp_path):
    """Read checkpoint ``src`` through ``entry`` as the checkpoint of ``cfg``."""
    if entry == "load_checkpoint":
        return load_checkpoint(src, config=cfg)
    cache = tmp_path / "cache"
    cache.mkdir(exist_ok=True)
    shutil.copy(src, key_path(cfg, cache))
    return trained_model(cfg, cache_dir=cache, progress=False)


def rewrite(src, dst, edit, *, redigest=True):
    """A copy of checkpoint ``src`` with ``edit(ckpt)`` applied and (by default) its
    digest recomputed, as a forger who knows the format would."""
    from numlearn.learned import _checkpoint_format as fmt

    ckpt = torch.load(src, weights_only=True)
    edit(ckpt)
    if redigest and "digest" in ckpt:
        ckpt["digest"] = fmt.digest(ckpt)
    torch.save(ckpt, dst)
    return dst



class Payload:
    """Unpickling this would create ``marker``; it must never run."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.marker),))
