r"""Multi-query associative recall, a small Hyena trained on it, and its distillation.

The task (MQAR; Arora et al. 2023, "Zoology", arXiv 2312.04927): a sequence opens with
``pairs`` key-value pairs ``k_1 v_1 ... k_P v_P`` (distinct keys from the lower half of
the vocabulary ``[1, 1 + K)``, values from the upper half ``[1 + K, vocab)``, token 0
the filler), then every key appears once more, in a random order at random positions of
the rest of the sequence (filler elsewhere); at each such query position the model must
output the key's value.  Accuracy is counted on the query positions only; **chance** is
``1 / (vocab - 1 - K)`` (a uniform guess among the values).

:func:`train_hyena` trains a :class:`~numlearn.learned.layers.hyena.HyenaModel` on fresh
seeded batches (AdamW, cosine schedule, cross-entropy on the query positions);
:func:`hyena_checkpoint` caches it next to the least-squares models
(:func:`numlearn.learned.checkpoint.cache_directory`) as a file read with
``torch.load(weights_only=True)`` and checked on load (format, digest, the full
configuration, weights, and the recorded evaluation loss re-measured).
:func:`distill_long_convs` replaces every long convolution by its order-``d`` modal
distillation (:func:`numlearn.classical.reduction.distill.distill`, run through
:meth:`ModalSSM.convolve <numlearn.classical.reduction.modal.ModalSSM.convolve>`).
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor

from numlearn._core.result import Result, Status
from numlearn._core.validation import check_choice, check_flag, check_int, check_positive
from numlearn.classical.reduction.distill import distill
from numlearn.classical.reduction.modal import ModalSSM
from numlearn.learned import _checkpoint_format as fmt
from numlearn.learned.checkpoint import cache_directory
from numlearn.learned.layers.hyena import HyenaConfig, HyenaModel, LongConv

__all__ = ["MQARConfig", "chance", "distill_long_convs", "hyena_checkpoint", "load_hyena",
           "modal_long_conv", "mqar", "mqar_accuracy", "mqar_evaluate", "save_hyena",
           "train_hyena"]

FORMAT = "numlearn.hyena/1"
IGNORE = -100


@dataclass(frozen=True)
class MQARConfig:
    """The task and the training run (stored in full in checkpoints).

    ``seq_len`` positions, ``pairs`` key-value pairs, ``keys`` key tokens; training
    ``steps`` of AdamW (``lr``, ``weight_decay``, cosine to 0) on batches of ``batch``
    fresh sequences drawn from ``seed``; evaluation on ``eval_batch`` sequences of seed
    ``seed + 1``.
    """

    seq_len: int = 64
    pairs: int = 4
    keys: int = 16
    steps: int = 1500
    batch: int = 64
    lr: float = 3e-3
    weight_decay: float = 0.1
    eval_batch: int = 512
    seed: int = 0

    def validate(self, vocab: int | None = None) -> MQARConfig:
        """Check every field (and that ``vocab`` leaves room for the keys and a value)."""
        check_int(self.seq_len, "seq_len", minimum=2)
        check_int(self.pairs, "pairs", minimum=1)
        check_int(self.keys, "keys", minimum=1)
        check_int(self.steps, "steps", minimum=0)
        check_int(self.batch, "batch", minimum=1)
        check_int(self.eval_batch, "eval_batch", minimum=1)
        check_int(self.seed, "seed", minimum=0)
        check_positive(self.lr, "lr")
        check_positive(self.weight_decay, "weight_decay", allow_zero=True)
        if self.pairs > self.keys:
            raise ValueError(f"`pairs` = {self.pairs} needs that many distinct keys; raise "
                             f"`keys` (= {self.keys}) or lower `pairs`.")
        if 3 * self.pairs > self.seq_len:
            raise ValueError(f"`seq_len` = {self.seq_len} cannot hold {self.pairs} pairs and "
                             f"their queries (needs >= 3 * pairs = {3 * self.pairs}).")
        if vocab is not None and vocab < self.keys + 2:
            raise ValueError(f"`vocab` = {vocab} leaves no value tokens: it must be >= "
                             f"keys + 2 = {self.keys + 2}.")
        return self


def mqar(batch: int, task: MQARConfig, vocab: int, *, seed: int) -> tuple[Tensor, Tensor]:
    """``batch`` MQAR sequences: ``(tokens, labels)`` int64 ``(batch, seq_len)``,
    labels the value at each query position and ``-100`` (ignored) elsewhere."""
    batch = check_int(batch, "batch", minimum=1)
    if not isinstance(task, MQARConfig):
        raise TypeError(f"`task` must be an MQARConfig, got {type(task).__name__}.")
    vocab = check_int(vocab, "vocab", minimum=2)
    task = task.validate(vocab)
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    P, L, K = task.pairs, task.seq_len, task.keys
    keys = np.argsort(rng.random((batch, K)), axis=1)[:, :P] + 1
    values = rng.integers(1 + K, vocab, size=(batch, P))
    tokens = np.zeros((batch, L), dtype=np.int64)
    labels = np.full((batch, L), IGNORE, dtype=np.int64)
    tokens[:, 0:2 * P:2], tokens[:, 1:2 * P:2] = keys, values
    slots = np.argsort(rng.random((batch, L - 2 * P)), axis=1)[:, :P] + 2 * P
    order = np.argsort(rng.random((batch, P)), axis=1)
    rows = np.arange(batch)[:, None]
    tokens[rows, slots] = keys[rows, order]
    labels[rows, slots] = values[rows, order]
    return torch.from_numpy(tokens), torch.from_numpy(labels)


def chance(task: MQARConfig, vocab: int) -> float:
    """Accuracy of a uniform guess among the value tokens."""
    return 1.0 / (vocab - 1 - task.keys)


def mqar_accuracy(logits: Tensor, labels: Tensor) -> float:
    """Fraction of query positions whose arg-max logit is the label."""
    mask = labels != IGNORE
    return float((logits.argmax(-1)[mask] == labels[mask]).double().mean())


def _loss(model: HyenaModel, tokens: Tensor, labels: Tensor) -> Tensor:
    logits = model(tokens)
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                             labels.reshape(-1), ignore_index=IGNORE)


def mqar_evaluate(model: HyenaModel, task: MQARConfig) -> dict[str, float]:
    """Loss and accuracy on the fixed evaluation set (seed ``task.seed + 1``)."""
    tokens, labels = mqar(task.eval_batch, task, model.hyena_config.vocab, seed=task.seed + 1)
    with torch.no_grad():
        logits = model(tokens)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                                 labels.reshape(-1), ignore_index=IGNORE)
    return {"loss": float(loss), "accuracy": mqar_accuracy(logits, labels)}


def train_hyena(config: HyenaConfig, task: MQARConfig, *, progress: bool = True) -> Result:
    """Train a fresh :class:`HyenaModel` of ``config`` on MQAR ``task``.

    Returns a Result with ``value`` the model, ``history`` (``step``, ``loss``) and
    ``stats`` (``accuracy``, ``loss`` on the evaluation set, ``chance``, ``seconds``,
    ``iterations``); status UNRESOLVED (with a warning-free message) when the accuracy
    is not above twice chance.  Seeded: the same configs give the same model on one
    platform.  A tqdm bar names the model and the phase.
    """
    _check_configs(config, task)
    progress = check_flag(progress, "progress")
    from tqdm.auto import tqdm

    t0 = time.perf_counter()
    model = HyenaModel(config)
    opt = torch.optim.AdamW(model.parameters(), lr=task.lr, weight_decay=task.weight_decay)
    history: dict[str, list[Any]] = {"step": [], "loss": []}
    name = "hyena" if config.heads is None else f"multihyena h{config.heads}"
    bar = tqdm(range(task.steps), desc=f"{name} {config.layers}x{config.width} mqar train "
               f"(seed {task.seed})", disable=not progress, mininterval=1.0)
    for step in bar:
        for group in opt.param_groups:
            group["lr"] = 0.5 * task.lr * (1 + math.cos(math.pi * step / task.steps))
        tokens, labels = mqar(task.batch, task, config.vocab, seed=task.seed * 1_000_003 + step + 2)
        loss = _loss(model, tokens, labels)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        history["step"].append(step)
        history["loss"].append(loss.item())
        if step % 50 == 0:
            bar.set_postfix(loss=f"{loss.item():.3f}")
    model.eval()
    ev = mqar_evaluate(model, task)
    stats = {**ev, "chance": chance(task, config.vocab), "iterations": task.steps,
             "seconds": time.perf_counter() - t0}
    ok = math.isfinite(ev["loss"]) and ev["accuracy"] > 2 * stats["chance"]
    message = "" if ok else (f"accuracy {ev['accuracy']:.3f} not above twice chance "
                             f"{stats['chance']:.3f}; train longer")
    return Result(model, status=Status.SUCCESS if ok else Status.UNRESOLVED, stats=stats,
                  history=history, message=message, method="train_hyena[mqar]",
                  side="learned")


def _check_configs(config: Any, task: Any) -> None:
    """Types and fields of a model config and a task, and that they fit together."""
    if not isinstance(config, HyenaConfig):
        raise TypeError(f"`config` must be a HyenaConfig, got {type(config).__name__}.")
    if not isinstance(task, MQARConfig):
        raise TypeError(f"`task` must be an MQARConfig, got {type(task).__name__}.")
    config.validate()
    task.validate(config.vocab)
    if task.seq_len > config.l_max:
        raise ValueError(f"`task.seq_len` = {task.seq_len} exceeds the model's l_max = "
                         f"{config.l_max}; raise l_max or shorten the sequences.")


def save_hyena(path: str | os.PathLike[str], model: HyenaModel, task: MQARConfig,
               stats: dict[str, Any] | None = None) -> None:
    """Write ``model`` with its :class:`HyenaConfig`, ``task``, stats, the evaluation
    loss (re-measured on load) and a SHA-256 digest (``torch.load(weights_only=True)``)."""
    if not isinstance(model, HyenaModel):
        raise TypeError(f"`model` must be a HyenaModel, got {type(model).__name__}.")
    _check_configs(model.hyena_config, task)
    if not isinstance(path, (str, os.PathLike)) or isinstance(path, bytes):
        raise TypeError(f"`path` must be a str or os.PathLike, got {type(path).__name__}.")
    ckpt: dict[str, Any] = {
        "format": FORMAT, "config": model.config(), "task": asdict(task),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "stats": {k: v for k, v in (stats or {}).items()
                  if isinstance(v, (bool, int, float, str))},
        "eval_loss": mqar_evaluate(model, task)["loss"],
    }
    ckpt["digest"] = fmt.digest(ckpt)
    torch.save(ckpt, Path(path))


def load_hyena(path: str | os.PathLike[str], config: HyenaConfig | None = None,
               task: MQARConfig | None = None) -> tuple[HyenaModel, MQARConfig, dict[str, Any]]:
    """Read a :func:`save_hyena` file: ``(model, task, stats)``.

    Refused (ValueError naming what): not such a file (or holding Python objects, never
    run), a digest that does not match, a stored configuration with missing or unknown
    fields or other than the ``config`` / ``task`` requested (the differing fields named),
    weights of other names/shapes/dtype or non-finite, and weights that do not reproduce
    the recorded evaluation loss to ``64 eps (1 + loss)``.
    """
    if not isinstance(path, (str, os.PathLike)) or isinstance(path, bytes):
        raise TypeError(f"`path` must be a str or os.PathLike, got {type(path).__name__}.")
    for name, value, cls in (("config", config, HyenaConfig), ("task", task, MQARConfig)):
        if value is not None and not isinstance(value, cls):
            raise TypeError(f"`{name}` must be a {cls.__name__} or None, got "
                            f"{type(value).__name__}.")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"`path` {str(path)!r} is not a file; pass a file written "
                                "by save_hyena.")
    where = f"checkpoint {str(path)!r}"
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise ValueError(f"{where} is not a numlearn Hyena checkpoint "
                         f"({type(exc).__name__}; files holding Python objects are refused "
                         "unread).") from None
    need = ("format", "config", "task", "state_dict", "stats", "eval_loss", "digest")
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT or any(
            k not in ckpt for k in need):
        raise ValueError(f"{where} is not a {FORMAT} checkpoint (written by save_hyena).")
    if ckpt["digest"] != fmt.digest(ckpt):
        raise ValueError(f"{where} does not match its digest: modified after it was "
                         "written; retrain or restore it.")
    stored_c = _stored(HyenaConfig, ckpt["config"], where, "config", optional=("heads",))
    stored_t = _stored(MQARConfig, ckpt["task"], where, "task")
    for name, want, have in (("config", config, stored_c), ("task", task, stored_t)):
        if want is not None:
            a, b = asdict(have), asdict(want)
            diff = [f"{k}: checkpoint {a[k]!r}, requested {b[k]!r}" for k in a if a[k] != b[k]]
            if diff:
                raise ValueError(f"{where} holds another {name} than the one requested "
                                 f"(`{name}`): {'; '.join(diff)}.")
    model = HyenaModel(stored_c)
    expected = model.state_dict()
    state = ckpt["state_dict"]
    if set(state) != set(expected) or any(
            not isinstance(state[k], Tensor) or state[k].shape != v.shape
            or state[k].dtype != v.dtype for k, v in expected.items()):
        raise ValueError(f"{where}: its weights (names, shapes, dtype) are not those of the "
                         "model its config describes; the file is damaged.")
    if not all(bool(torch.isfinite(t).all()) for t in state.values()):
        raise ValueError(f"{where}: non-finite weights; retrain.")
    model.load_state_dict(state)
    model.eval()
    loss = mqar_evaluate(model, stored_t)["loss"]
    eps = torch.finfo(stored_c.torch_dtype).eps
    if not abs(loss - ckpt["eval_loss"]) <= 64 * eps * (1 + abs(ckpt["eval_loss"])):
        raise ValueError(f"{where}: its weights give evaluation loss {loss:.6e}, not the "
                         f"recorded {ckpt['eval_loss']:.6e}; retrain.")
    return model, stored_t, dict(ckpt["stats"])


def _stored(cls: Any, values: Any, where: str, name: str,
            optional: tuple[str, ...] = ()) -> Any:
    """The ``cls`` of a stored dict holding every field (the ``optional`` ones may be
    absent: their default, as :meth:`HyenaConfig.as_dict` leaves out ``heads=None``)."""
    known = [f.name for f in fields(cls)]
    required = [k for k in known if k not in optional]
    if not isinstance(values, dict) or not (
            sorted(values) == sorted(known) or sorted(values) == sorted(required)):
        raise ValueError(f"{where}: its `{name}` does not hold exactly the {cls.__name__} "
                         f"fields {known}; retrain.")
    try:
        return cls(**values).validate()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}: its stored `{name}` is invalid: {exc}") from None


def hyena_checkpoint(config: HyenaConfig, task: MQARConfig, *,
                     cache_dir: str | os.PathLike[str] | None = None, retrain: bool = False,
                     progress: bool = True) -> Result:
    """The model trained with ``(config, task)``: loaded from the cache
    (``hyena-<sha256 of both configs>.pt`` under :func:`cache_directory` by default) or
    trained by :func:`train_hyena` and cached; ``stats["cached"]`` says which."""
    import hashlib
    import json

    _check_configs(config, task)
    retrain = check_flag(retrain, "retrain")
    if cache_dir is not None and (not isinstance(cache_dir, (str, os.PathLike))
                                  or isinstance(cache_dir, bytes)):
        raise TypeError(f"`cache_dir` must be a str, os.PathLike or None, got "
                        f"{type(cache_dir).__name__}.")
    key = hashlib.sha256(json.dumps([config.as_dict(), asdict(task)], sort_keys=True)
                         .encode()).hexdigest()[:16]
    directory = Path(cache_dir) if cache_dir is not None else cache_directory()
    path = directory / f"hyena-{key}.pt"
    if path.exists() and not retrain:
        model, _, stats = load_hyena(path, config, task)
        stats.update(cached=True, checkpoint=str(path))
        return Result(model, stats=stats, method="train_hyena[mqar] (cached)", side="learned")
    res = train_hyena(config, task, progress=progress)
    directory.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    save_hyena(tmp, res.value, task, res.stats)
    tmp.replace(path)
    res.stats.update(cached=False, checkpoint=str(path))
    return res


def modal_long_conv(ssm: ModalSSM) -> LongConv:
    """A long convolution ``(B, C, L) -> (B, C, L)`` by ``ssm.convolve`` (float64 NumPy
    at the boundary, result in the input's dtype and device; no gradient).  ``C`` is
    the model's filters per layer: ``width``, or ``heads`` for a MultiHyena, whose
    operator passes the ``N^2`` elements of each head's ``z`` as batch rows
    (:func:`~numlearn.learned.layers.hyena.head_mix`), so one distilled filter per head
    serves all of them."""
    if not isinstance(ssm, ModalSSM) or not ssm.batched:
        raise TypeError("`ssm` must be a batched ModalSSM (one channel per model channel).")

    def conv(v: Tensor) -> Tensor:
        y = ssm.convolve(v.detach().cpu().double().numpy())
        return torch.from_numpy(np.ascontiguousarray(y)).to(v.dtype).to(v.device)

    return conv


def distill_long_convs(model: HyenaModel, d: int, *, method: str = "era",
                       bounds: bool = True, backend: str = "numpy",
                       **options: Any) -> list[Result]:
    """Replace every layer's long convolution by the ``d``-mode distillation of its
    ``l_max``-tap filters (:func:`distill`; ``width`` filters per layer, or ``heads``
    for a MultiHyena, each then applied to the ``N x N`` elements of its head); returns
    the per-layer Results (errors and Hankel bounds per filter).  Undo with
    ``model.reset_long_conv()``.

    ``backend="numpy"`` runs :meth:`ModalSSM.convolve` (:func:`modal_long_conv`);
    ``"torch"`` installs a :class:`~numlearn.learned.layers.recurrent.DistilledConv` of
    the model's dtype (torch FFT convolution of the modal taps, differentiable, with the
    recurrent ``step`` / ``generate`` of that layer; it refuses unstable models)."""
    if not isinstance(model, HyenaModel):
        raise TypeError(f"`model` must be a HyenaModel, got {type(model).__name__}.")
    d = check_int(d, "d", minimum=1)
    backend = check_choice(backend, "backend", ("numpy", "torch"))
    h = model.filters()
    results = [distill(h[i], d, method=method, bounds=bounds, **options)
               for i in range(h.shape[0])]
    for i, res in enumerate(results):
        if backend == "numpy":
            model.set_long_conv(i, modal_long_conv(res.value))
        else:
            from numlearn.learned.layers.recurrent import DistilledConv

            model.set_long_conv(i, DistilledConv.from_modal_ssm(
                res.value, dtype=model.hyena_config.torch_dtype))
    return results
