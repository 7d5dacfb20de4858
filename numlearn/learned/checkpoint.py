"""Checkpoints of trained sequence models and the cache of trained runs.

A checkpoint holds tensors and plain Python values only, so it loads with
``torch.load(weights_only=True)``; its format tag ``numlearn.sequence/1`` is unchanged
since the first release, so older files still load (their statistics under older keys
are translated on load, :data:`_OLD_STATS_KEYS`).
"""

from __future__ import annotations

from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from numlearn._core.result import Result, Status
from numlearn.learned.config import _ARCHS, TrainConfig
from numlearn.learned.training import train

__all__ = ["cache_directory", "load_checkpoint", "save_checkpoint", "trained_model"]

#: Statistics keys of checkpoints written before the stats vocabulary, old -> new.
_OLD_STATS_KEYS = {"time": "seconds", "time_adam": "seconds_adam",
                   "time_polish": "seconds_polish", "steps": "eval_iterations"}


def save_checkpoint(
    path: str | Path,
    model: nn.Module,
    config: TrainConfig,
    history: dict[str, list[Any]] | None = None,
    stats: dict[str, Any] | None = None,
) -> None:
    """Write model weights, its constructor config, the run config, the history and
    (optionally) the run's scalar statistics.

    Everything is tensors or plain Python values, so :func:`load_checkpoint` can use
    ``torch.load(weights_only=True)`` (no arbitrary code runs on load).
    """
    if not isinstance(config, TrainConfig):
        raise TypeError(f"`config` must be a TrainConfig, got {type(config).__name__}.")
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    torch.save(
        {
            "format": "numlearn.sequence/1",
            "model_config": model.config(),
            "config": asdict(config),
            "state_dict": state,
            "history": {k: np.asarray(v).tolist() for k, v in (history or {}).items()},
            "stats": {k: v for k, v in (stats or {}).items()
                      if isinstance(v, (bool, int, float, str))},
        },
        Path(path),
    )


def load_checkpoint(
    path: str | Path, *, device: str | None = None
) -> tuple[nn.Module, TrainConfig, dict[str, list[Any]]]:
    """Rebuild the model saved by :func:`save_checkpoint`.

    Returns ``(model, config, history)``; the model is on ``device`` (default: the
    config's) in the config's dtype.
    """
    return _rebuild(_read_checkpoint(path), device)


def _rebuild(
    ckpt: dict[str, Any], device: str | None = None
) -> tuple[nn.Module, TrainConfig, dict[str, list[Any]]]:
    known = {f.name for f in fields(TrainConfig)}
    config = TrainConfig(**{k: v for k, v in ckpt["config"].items() if k in known})
    if device is not None:
        config = replace(config, device=device)
    mc = dict(ckpt["model_config"])
    cls = _ARCHS[mc.pop("arch")]
    d, n = mc.pop("d"), mc.pop("n")
    model = cls(d, n, **mc, dtype=config.torch_dtype)
    model.load_state_dict(ckpt["state_dict"])
    return model.to(config.device), config, ckpt["history"]


def _read_checkpoint(path: str | Path) -> dict[str, Any]:
    ckpt = torch.load(Path(path), map_location="cpu", weights_only=True)
    if not isinstance(ckpt, dict) or ckpt.get("format") != "numlearn.sequence/1":
        raise ValueError(f"{path} is not a numlearn sequence-model checkpoint.")
    return ckpt


def cache_directory() -> Path:
    """Where :func:`trained_model` keeps its checkpoints: ``$NUMLEARN_CACHE/learned``,
    else ``~/.cache/numlearn/learned``."""
    import os

    root = os.environ.get("NUMLEARN_CACHE")
    base = Path(root) if root else Path.home() / ".cache" / "numlearn"
    return base / "learned"


def trained_model(
    config: TrainConfig,
    *,
    cache_dir: str | Path | None = None,
    retrain: bool = False,
    progress: bool = True,
) -> Result:
    """A model trained with ``config``: loaded from the checkpoint cache when this exact
    config was trained before, else trained by :func:`train` and cached.

    The cache key is a SHA-256 of the config's fields (seeded runs are reproducible, so a
    config determines its model up to the platform's rounding); the file is read with
    ``weights_only=True``.

    Returns
    -------
    Result
        As :func:`train` (``value`` the model, ``stats`` the training statistics, plus
        ``cached``: whether it came from the cache, and ``checkpoint``: the path).
    """
    import hashlib
    import json

    if not isinstance(config, TrainConfig):
        raise TypeError(f"`config` must be a TrainConfig, got {type(config).__name__}.")
    config.validate()
    key = hashlib.sha256(json.dumps(asdict(config), sort_keys=True).encode()).hexdigest()
    directory = Path(cache_dir) if cache_dir is not None else cache_directory()
    path = directory / f"{config.arch}-{key[:16]}.pt"
    if path.exists() and not retrain:
        ckpt = _read_checkpoint(path)  # one read for the model and its stats
        model, _, history = _rebuild(ckpt)
        stats = _translate_stats(ckpt.get("stats", {}))
        stats.update(cached=True, checkpoint=str(path))
        status = Status.from_code(str(stats.pop("status", "success")).split(":")[0])
        return Result(value=model, status=status, message=str(stats.pop("message", "")),
                      stats=stats,
                      history=history, method=f"train[{config.arch}] (cached)",
                      side="learned")
    res = train(config, progress=progress)
    directory.mkdir(parents=True, exist_ok=True)
    stats = dict(res.stats)
    stats["status"] = res.status.code
    stats["message"] = res.message
    tmp = path.with_suffix(".tmp")
    save_checkpoint(tmp, res.value, config, res.history, stats)
    tmp.replace(path)  # atomic: a concurrent reader never sees half a file
    res.stats.update(cached=False, checkpoint=str(path))
    return res


def _translate_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """A checkpoint's stats under the current keys (:data:`_OLD_STATS_KEYS`)."""
    return {_OLD_STATS_KEYS.get(k, k): v for k, v in stats.items()}
