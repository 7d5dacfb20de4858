"""What a numlearn checkpoint file holds, and the checks that a file holds what it claims.

The format (``"format": "numlearn.sequence/<version>"``, a dict of tensors and plain
Python values, read with ``torch.load(weights_only=True)``):

version 2 (written since issue 13)
    ``config`` (every :class:`~numlearn.learned.config.TrainConfig` field),
    ``model_config`` (the model's constructor arguments), ``dtype``, ``state_dict``,
    ``history``, ``stats``, ``numlearn_version``, ``probe`` (the single-step relative
    gradient error of the saved model on a fixed set of problems, measured when it was
    written) and ``digest`` (SHA-256 of everything else, weights included).
version 1 (before)
    The same without ``dtype``, ``numlearn_version``, ``probe`` and ``digest``; its
    ``config`` already held every field, so it is checked like version 2 except for the
    digest, and its recorded ``stats["grad_rel_l2"]`` (when present) is measured again
    with the recipe of that time; older statistics keys are translated
    (:data:`OLD_STATS_KEYS`).

Loading refuses, with a ValueError that names what is wrong: a file that is not a
numlearn checkpoint, a version newer than this numlearn reads, missing entries, a
digest that does not match, a stored configuration that is incomplete, unknown or
invalid, a model configuration or weights (names, shapes, dtype) that do not match the
configuration, non-finite weights, and weights that do not reproduce the recorded error.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from numlearn.learned.config import TrainConfig
from numlearn.learned.least_squares.tokens import (
    _gradient,
    _model_gradient,
    sample_least_squares,
)

FORMAT = "numlearn.sequence"
VERSION = 2

#: Entries each format version must hold.
REQUIRED = {
    1: ("format", "model_config", "config", "state_dict", "history", "stats"),
    2: ("format", "model_config", "config", "state_dict", "history", "stats", "dtype",
        "numlearn_version", "probe", "digest"),
}

#: Statistics keys of checkpoints written before the stats vocabulary, old -> new.
OLD_STATS_KEYS = {"time": "seconds", "time_adam": "seconds_adam",
                  "time_polish": "seconds_polish", "steps": "eval_iterations"}

#: TrainConfig fields added after format version 2, each with the value that reproduces
#: the runs written before it existed: a file that lacks such a field is read with that
#: value, and :func:`cache_key` leaves the field out while it has that value, so the
#: files cached before it still serve.
ADDED_FIELDS: dict[str, Any] = {
    # The restart rules of train() (issue 13); these values switch them off, which is
    # how every earlier file was trained.
    "max_restarts": 0,
    "plateau_check": 0.0,
    "plateau_error": 0.05,
    "stall_window": 0,
    "stall_factor": 10.0,
}

#: The probe of version 2: this many problems of the paper's distribution, this seed.
PROBE_PROBLEMS, PROBE_SEED = 256, 20261205

_NOT_OURS = ("Checkpoints are the files written by numlearn.learned.save_checkpoint "
             "(and trained_model).")


class CheckpointError(ValueError):
    """A file that is not a valid numlearn checkpoint, or not the one requested."""


def read(path: Path) -> dict[str, Any]:
    """The checkpoint dict at ``path``: loaded without running code, its format tag,
    version and required entries checked."""
    if not path.is_file():
        raise FileNotFoundError(f"`path` {str(path)!r} is not a file; pass the path of a "
                                "checkpoint written by save_checkpoint.")
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch's own message suggests weights_only=False: not here
        why = ("it holds Python objects other than tensors and plain values, which are "
               "refused without being run" if "npickl" in type(exc).__name__
               else f"it cannot be read as a torch file ({type(exc).__name__})")
        raise CheckpointError(f"`path` {str(path)!r} is not a numlearn checkpoint: {why}. "
                              f"{_NOT_OURS}") from None
    tag = ckpt.get("format") if isinstance(ckpt, dict) else None
    if not isinstance(tag, str) or not tag.startswith(FORMAT + "/"):
        raise CheckpointError(f"`path` {str(path)!r} is not a numlearn checkpoint (no "
                              f"'{FORMAT}/<version>' format tag). {_NOT_OURS}")
    version = tag.removeprefix(FORMAT + "/")
    if not version.isdigit() or int(version) < 1:
        raise CheckpointError(f"checkpoint {str(path)!r} has an unknown format tag "
                              f"{tag!r}; this numlearn reads versions 1 to {VERSION}.")
    if int(version) > VERSION:
        raise CheckpointError(f"checkpoint {str(path)!r} has format version {version}, "
                              f"newer than this numlearn reads (1 to {VERSION}); upgrade "
                              "numlearn to load it.")
    ckpt["version"] = int(version)
    missing = [k for k in REQUIRED[int(version)] if k not in ckpt]
    if missing:
        raise CheckpointError(f"checkpoint {str(path)!r} lacks {_names(missing)} (format "
                              f"version {version}); the file is damaged: retrain or "
                              "restore it.")
    for key, kind in (("config", dict), ("model_config", dict), ("state_dict", dict),
                      ("history", dict), ("stats", dict)):
        if not isinstance(ckpt[key], kind):
            raise CheckpointError(f"checkpoint {str(path)!r}: `{key}` must be a dict, got "
                                  f"{type(ckpt[key]).__name__}; the file is damaged.")
    bad = [k for k, v in ckpt["state_dict"].items() if not isinstance(v, Tensor)]
    if bad:
        raise CheckpointError(f"checkpoint {str(path)!r}: state_dict entries {bad[:5]} are "
                              "not tensors; the file is damaged.")
    if ckpt["version"] >= 2 and ckpt["digest"] != digest(ckpt):
        raise CheckpointError(f"checkpoint {str(path)!r} does not match its digest: it was "
                              "modified after save_checkpoint wrote it. Retrain or restore "
                              "the file.")
    return ckpt


def digest(ckpt: dict[str, Any]) -> str:
    """SHA-256 of a checkpoint's entries except ``digest`` (and the parsed ``version``):
    plain values as sorted JSON, each tensor as its name, dtype, shape and bytes."""
    h = hashlib.sha256()
    plain = {k: v for k, v in ckpt.items()
             if k not in ("digest", "state_dict", "version")}
    h.update(json.dumps(plain, sort_keys=True, default=repr).encode())
    state = ckpt.get("state_dict")
    for name in sorted(state) if isinstance(state, dict) else ():
        t = state[name].detach().cpu().contiguous()
        h.update(f"{name}|{t.dtype}|{tuple(t.shape)}|".encode())
        h.update(t.reshape(-1).view(torch.uint8).numpy().tobytes())
    return h.hexdigest()


def stored_config(ckpt: dict[str, Any], where: str) -> TrainConfig:
    """The checkpoint's :class:`TrainConfig`: every field present, none unknown, valid."""
    known = [f.name for f in fields(TrainConfig)]
    stored = {**{k: v for k, v in ADDED_FIELDS.items() if k in known}, **ckpt["config"]}
    missing = [k for k in known if k not in stored]
    unknown = [k for k in stored if k not in known]
    if missing:
        raise CheckpointError(f"{where}: its config lacks the TrainConfig field(s) "
                              f"{_names(missing)} (written by an older numlearn whose runs "
                              "are not defined by this one's fields); retrain it.")
    if unknown:
        raise CheckpointError(f"{where}: its config has field(s) {_names(unknown)} that "
                              "this numlearn's TrainConfig does not know (written by a "
                              "newer numlearn?); upgrade numlearn or retrain.")
    config = TrainConfig(**stored)
    try:
        config.validate()
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"{where}: its stored config is invalid: {exc}") from None
    return config


def cache_key(config: TrainConfig) -> str:
    """SHA-256 of the config's fields as sorted JSON, without the :data:`ADDED_FIELDS`
    that hold their old value."""
    values = {k: v for k, v in asdict(config).items()
              if not (k in ADDED_FIELDS and v == ADDED_FIELDS[k])}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def compare_configs(stored: TrainConfig, requested: TrainConfig, where: str) -> None:
    """Refuse when the checkpoint's config differs from the requested one."""
    a, b = asdict(stored), asdict(requested)
    diff = [f"{k}: checkpoint {a[k]!r}, requested {b[k]!r}" for k in a if a[k] != b[k]
            or (type(a[k]) is not type(b[k]) and not _same_number(a[k], b[k]))]
    if diff:
        raise CheckpointError(f"{where} holds another configuration than the one "
                              f"requested (`config`): {'; '.join(diff)}.")


def _same_number(x: Any, y: Any) -> bool:
    """1 and 1.0 are the same setting; True and 1 are not."""
    num = (int, float)
    return (isinstance(x, num) and isinstance(y, num) and not isinstance(x, bool)
            and not isinstance(y, bool) and x == y)


def build_checked(config: TrainConfig, model_config: dict[str, Any],
                  state: dict[str, Tensor], where: str) -> nn.Module:
    """The model ``config`` describes (on the CPU) with the weights ``state``, after
    refusing a ``model_config`` (constructor arguments), weight names, shapes or dtype
    that do not match ``config``, and non-finite weights."""
    from dataclasses import replace

    from numlearn.learned.config import build_model

    model = build_model(replace(config, device="cpu"))
    theirs = model.config()
    diff = [f"{k}: {model_config.get(k)!r} vs config's {theirs.get(k)!r}"
            for k in sorted(set(model_config) | set(theirs))
            if model_config.get(k) != theirs.get(k)]
    if diff:
        raise CheckpointError(f"{where}: the model is not the one its config describes "
                              f"({'; '.join(diff)}).")
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    extra = [k for k in state if k not in expected]
    if missing or extra:
        raise CheckpointError(f"{where}: weights missing {missing[:5]}, unexpected "
                              f"{extra[:5]} for the model its config describes.")
    shapes = [f"{k} {tuple(state[k].shape)} (config: {tuple(v.shape)})"
              for k, v in expected.items() if state[k].shape != v.shape]
    if shapes:
        raise CheckpointError(f"{where}: weight shapes do not match the config: "
                              f"{', '.join(shapes[:5])}.")
    dtypes = sorted({str(t.dtype).removeprefix("torch.") for t in state.values()})
    if dtypes != [config.dtype]:
        raise CheckpointError(f"{where}: weights are {'/'.join(dtypes)} but the config "
                              f"says dtype={config.dtype!r}.")
    bad = [k for k, t in state.items() if not bool(torch.isfinite(t).all())]
    if bad:
        raise CheckpointError(f"{where}: non-finite (NaN or inf) weights in {bad[:5]}; "
                              "the run diverged or the file is damaged: retrain.")
    model.load_state_dict(state)
    return model


def probe_error(model: nn.Module, *, batch: int, seed: int) -> float:
    """Single-step relative gradient error ``||G^ - G||_F / ||G||_F`` of ``model`` on
    ``batch`` problems of the paper's distribution drawn with ``seed`` (its dtype)."""
    p = next(model.parameters())
    P = sample_least_squares(batch, model.n, model.d, seed=seed, device=p.device,
                             dtype=p.dtype)
    with torch.no_grad():
        g = _gradient(P.A, P.b, P.x0)
        gh = _model_gradient(model, P.A, P.b, P.x0)
    return float((gh - g).norm() / g.norm())


def check_claim(model: nn.Module, recorded: Any, where: str, *, batch: int,
                seed: int) -> None:
    """Refuse weights that do not reproduce the recorded probe error up to rounding:
    ``|measured - recorded| <= 64 eps (1 + recorded)`` with the eps of the model's dtype
    (another thread count or BLAS sums in another order; the same platform reproduces
    it exactly)."""
    if not isinstance(recorded, (int, float)) or isinstance(recorded, bool):
        raise CheckpointError(f"{where}: its recorded error {recorded!r} is not a number; "
                              "the file is damaged.")
    measured = probe_error(model, batch=batch, seed=seed)
    eps = torch.finfo(next(model.parameters()).dtype).eps
    same = (math.isnan(measured) and math.isnan(recorded)) or (
        abs(measured - recorded) <= 64 * eps * (1 + abs(recorded)))
    if not same:
        raise CheckpointError(f"{where}: its weights give a single-step gradient error of "
                              f"{measured:.3e} on the check problems, not the recorded "
                              f"{recorded:.3e}; the weights were changed after the "
                              "measurement (or the model code changed): retrain.")


def translate_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """A checkpoint's stats under the current keys (:data:`OLD_STATS_KEYS`)."""
    return {OLD_STATS_KEYS.get(k, k): v for k, v in stats.items()}


def _names(keys: list[str]) -> str:
    return ", ".join(f"`{k}`" for k in keys)
