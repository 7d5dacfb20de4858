"""Checkpoints of trained sequence models and the cache of trained runs.

A checkpoint holds tensors and plain Python values only, so it loads with
``torch.load(weights_only=True)`` (no code in the file runs).  It carries the run's
full :class:`~numlearn.learned.config.TrainConfig`, a format version
(``numlearn.sequence/2``), the weights' dtype, a digest of its contents and the error
the saved model made on fixed check problems; :func:`load_checkpoint` and
:func:`trained_model` check all of it and refuse, with a ValueError naming what is
wrong, any file that is not what it claims (the list is in
``numlearn.learned._checkpoint_format``).

Files of format version 1 (written before this one) still load: their config already
held every field, so everything is checked except the digest they lack, and the error
they recorded is measured again; their statistics under older keys are translated.
"""

from __future__ import annotations

import os
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

import numlearn
from numlearn._core.result import Result, Status
from numlearn._core.validation import check_flag
from numlearn.learned import _checkpoint_format as fmt
from numlearn.learned.config import TrainConfig
from numlearn.learned.least_squares.tokens import _check_device
from numlearn.learned.training import train

__all__ = ["cache_directory", "load_checkpoint", "save_checkpoint", "trained_model"]


def save_checkpoint(
    path: str | os.PathLike[str],
    model: nn.Module,
    config: TrainConfig,
    history: dict[str, Any] | None = None,
    stats: dict[str, Any] | None = None,
) -> None:
    """Write a model, the :class:`TrainConfig` that describes it, its history and
    (optionally) the run's scalar statistics, as format version 2.

    Parameters
    ----------
    path : str or path-like
        Where to write (its folder must exist).
    model : nn.Module
        A sequence model of :mod:`numlearn.learned.layers`; it must be the model
        ``config`` describes (same constructor arguments, weight shapes and dtype), with
        finite weights.
    config : TrainConfig
        Stored in full (every field).
    history : dict of str to sequence, optional
        Per-step records (stored as lists).
    stats : dict, optional
        Run statistics; entries that are not bool, int, float or str are left out.

    Raises
    ------
    TypeError
        ``config`` not a TrainConfig, ``model`` not a numlearn sequence model,
        ``history``/``stats`` not dicts.
    ValueError
        The model is not the one ``config`` describes, or has non-finite weights.

    Notes
    -----
    The file also records the model's single-step relative gradient error on 256
    fixed problems (``probe``) and a SHA-256 digest of all its contents; loading
    measures the first again and recomputes the second.  Everything is tensors or plain
    Python values, so :func:`load_checkpoint` reads it with
    ``torch.load(weights_only=True)``.
    """
    path = _check_path(path)
    if not isinstance(config, TrainConfig):
        raise TypeError(f"`config` must be a TrainConfig, got {type(config).__name__}.")
    config.validate()
    if not isinstance(model, nn.Module) or not callable(getattr(model, "config", None)):
        raise TypeError("`model` must be a numlearn sequence model (LinearAttentionModel, "
                        f"BaseConvModel, SoftmaxTransformer), got {type(model).__name__}.")
    for name, value in (("history", history), ("stats", stats)):
        if value is not None and not isinstance(value, dict):
            raise TypeError(f"`{name}` must be a dict or None, got {type(value).__name__}.")
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    try:
        fmt.build_checked(config, model.config(), state, "`model`")
    except fmt.CheckpointError as exc:
        raise ValueError(f"{exc} Save the model together with the config it was built "
                         "from.") from None
    ckpt: dict[str, Any] = {
        "format": f"{fmt.FORMAT}/{fmt.VERSION}",
        "numlearn_version": numlearn.__version__,
        "config": asdict(config),
        "model_config": model.config(),
        "dtype": config.dtype,
        "state_dict": state,
        "history": {k: np.asarray(v).tolist() for k, v in (history or {}).items()},
        "stats": {k: v for k, v in (stats or {}).items()
                  if isinstance(v, (bool, int, float, str))},
        "probe": {"problems": fmt.PROBE_PROBLEMS, "seed": fmt.PROBE_SEED,
                  "grad_rel_l2": fmt.probe_error(model, batch=fmt.PROBE_PROBLEMS,
                                                 seed=fmt.PROBE_SEED)},
    }
    ckpt["digest"] = fmt.digest(ckpt)
    torch.save(ckpt, path)


def load_checkpoint(
    path: str | os.PathLike[str],
    *,
    config: TrainConfig | None = None,
    device: str | torch.device | None = None,
) -> tuple[nn.Module, TrainConfig, dict[str, list[Any]]]:
    """Rebuild the model saved by :func:`save_checkpoint`, after checking the file.

    Parameters
    ----------
    path : str or path-like
        A checkpoint file (format version 1 or 2).
    config : TrainConfig, optional
        The configuration expected; a checkpoint of any other one is refused (every
        field is compared, the differing ones are named).
    device : str or torch.device, optional
        Where to put the model (default: the stored config's device).

    Returns
    -------
    (model, config, history)
        The model in the config's dtype on ``device``, the stored config (its
        ``device`` replaced by ``device`` when given) and the history.

    Raises
    ------
    FileNotFoundError
        ``path`` is not a file.
    ValueError
        The file is not a numlearn checkpoint (also a pickle of other objects, refused
        without being run), has a newer format version, lacks entries, does not match
        its digest, holds an incomplete, unknown or invalid config or another one than
        ``config``, weights whose names, shapes or dtype do not match its config,
        non-finite weights, or weights that do not reproduce its recorded error.  The
        message names the mismatch.
    """
    path = _check_path(path)
    if config is not None:
        if not isinstance(config, TrainConfig):
            raise TypeError(f"`config` must be a TrainConfig or None, got "
                            f"{type(config).__name__}.")
        config.validate()
    model, stored, history, _ = _load(path, config,
                                      None if device is None else _check_device(device))
    return model, stored, history


def _load(path: Path, requested: TrainConfig | None, device: torch.device | None
          ) -> tuple[nn.Module, TrainConfig, dict[str, list[Any]], dict[str, Any]]:
    """Read and check a checkpoint; ``(model, config, history, stats)``."""
    ckpt = fmt.read(path)
    where = f"checkpoint {str(path)!r}"
    config = fmt.stored_config(ckpt, where)
    if requested is not None:
        fmt.compare_configs(config, requested, where)
    if ckpt["version"] >= 2 and ckpt["dtype"] != config.dtype:
        raise fmt.CheckpointError(f"{where}: its dtype entry {ckpt['dtype']!r} differs "
                                  f"from its config's dtype={config.dtype!r}.")
    model = fmt.build_checked(config, ckpt["model_config"], ckpt["state_dict"], where)
    stats = fmt.translate_stats(ckpt["stats"])
    if ckpt["version"] >= 2:
        probe = ckpt["probe"]
        if (not isinstance(probe, dict) or set(probe) != {"problems", "seed", "grad_rel_l2"}
                or not all(type(probe[k]) is int for k in ("problems", "seed"))
                or not 1 <= probe["problems"] <= 65536 or probe["seed"] < 0):
            raise fmt.CheckpointError(f"{where}: its `probe` entry is damaged.")
        fmt.check_claim(model, probe["grad_rel_l2"], where, batch=probe["problems"],
                        seed=probe["seed"])
    elif "grad_rel_l2" in stats:  # version 1: train's evaluate() recorded it thus
        fmt.check_claim(model, stats["grad_rel_l2"], where, batch=config.eval_batch,
                        seed=config.seed + 3)
    if device is not None:
        config = replace(config, device=str(device))
    return model.to(config.device), config, ckpt["history"], stats


def _check_path(path: Any) -> Path:
    if not isinstance(path, (str, os.PathLike)) or isinstance(path, bytes):
        raise TypeError(f"`path` must be a str or os.PathLike, got {type(path).__name__}.")
    return Path(path)


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
    cache_dir: str | os.PathLike[str] | None = None,
    retrain: bool = False,
    progress: bool = True,
) -> Result:
    """A model trained with ``config``: loaded from the checkpoint cache when this exact
    config was trained before, else trained by :func:`train` and cached.

    The cache key is a SHA-256 of the config's fields (seeded runs are reproducible, so a
    config determines its model up to the platform's rounding); a field added to
    TrainConfig later is left out of the key while it holds the value that reproduces
    the older runs, so their cached files keep serving.  A cached file is read
    as :func:`load_checkpoint` reads it and must hold this very config (every field),
    so a file of another configuration under this name is refused, not served.

    Parameters
    ----------
    config : TrainConfig
    cache_dir : str or path-like, optional
        Default :func:`cache_directory`.
    retrain : bool
        Train (and overwrite the cached file) even when a checkpoint exists.
    progress : bool
        Show progress bars while training.

    Returns
    -------
    Result
        As :func:`train` (``value`` the model, ``stats`` the training statistics, plus
        ``cached``: whether it came from the cache, and ``checkpoint``: the path).

    Raises
    ------
    ValueError
        The cached file fails a check of :func:`load_checkpoint` (the message names
        what, and says to delete the file or pass ``retrain=True``).
    """
    if not isinstance(config, TrainConfig):
        raise TypeError(f"`config` must be a TrainConfig, got {type(config).__name__}.")
    config.validate()
    retrain = check_flag(retrain, "retrain")
    progress = check_flag(progress, "progress")
    if cache_dir is not None and (not isinstance(cache_dir, (str, os.PathLike))
                                  or isinstance(cache_dir, bytes)):
        raise TypeError(f"`cache_dir` must be a str, os.PathLike or None, got "
                        f"{type(cache_dir).__name__}.")
    key = fmt.cache_key(config)
    directory = Path(cache_dir) if cache_dir is not None else cache_directory()
    path = directory / f"{config.arch}-{key[:16]}.pt"
    if path.exists() and not retrain:
        try:
            model, _, history, stats = _load(path, config, None)
        except fmt.CheckpointError as exc:
            raise ValueError(f"the cached model cannot be served: {exc} Delete the file "
                             "or call trained_model(config, retrain=True).") from None
        stats.update(cached=True, checkpoint=str(path))
        code = str(stats.pop("status", "success")).split(":")[0]
        try:
            status = Status.from_code(code)
        except ValueError:
            raise ValueError(f"the cached checkpoint {str(path)!r} records an unknown "
                             f"status {code!r}; delete the file or call "
                             "trained_model(config, retrain=True).") from None
        return Result(value=model, status=status, message=str(stats.pop("message", "")),
                      stats=stats, history=history,
                      method=f"train[{config.arch}] (cached)", side="learned")
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
