"""The small Hyena model and its MQAR task: the FFT long convolution against a direct
causal convolution (NumPy, an independent oracle), swaps that must leave the logits
unchanged (a direct convolution; an exact full-order ModalSSM of the filter), the task
generator's structure, a tiny end-to-end training, checkpoints and their refusals."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.classical.reduction.modal import ModalSSM, fit_residues  # noqa: E402
from numlearn.learned.layers.hyena import HyenaConfig, HyenaModel  # noqa: E402
from numlearn.learned.reduction import hyena_task as ht  # noqa: E402

EPS = np.finfo(np.float64).eps
TINY = HyenaConfig(vocab=8, width=8, layers=2, l_max=16, filter_order=8, mlp_ratio=1)
TASK = ht.MQARConfig(seq_len=16, pairs=2, keys=4, steps=40, batch=32, lr=1e-2,
                     eval_batch=64)


def _direct(h: np.ndarray):
    """Long convolution by NumPy's direct ``np.convolve`` per channel (the oracle)."""

    def conv(v):
        x = v.detach().numpy()
        L = x.shape[-1]
        y = np.empty_like(x)
        for b in range(x.shape[0]):
            for c in range(x.shape[1]):
                y[b, c] = np.convolve(h[c, :L], x[b, c])[:L]
        return torch.from_numpy(y)

    return conv


def _tokens(cfg: HyenaConfig, B: int = 3, L: int = 16, seed: int = 1):
    return torch.from_numpy(np.random.default_rng(seed).integers(0, cfg.vocab, (B, L)))


@pytest.mark.parametrize("heads", [None, 2])
def test_fft_long_conv_equals_direct_convolution(heads):
    """Plain: per channel; MultiHyena (2 heads of 4): per head on the hook layout
    (B N^2, M, L), against the default taps path (Toeplitz form at L = 16)."""
    model = HyenaModel(dataclasses.replace(TINY, heads=heads))
    tok = _tokens(TINY)
    with torch.no_grad():
        z0 = model(tok)
    h = model.filters()
    assert h.shape == (2, 8 if heads is None else heads, 16) and h.dtype == np.float64
    for layer in range(2):
        model.set_long_conv(layer, _direct(h[layer]))
    with torch.no_grad():
        z1 = model(tok)
    # FFT rounding ~ eps log2(2L) per product, through two layers and the head:
    # measured 0.9 eps (plain), 1.7 eps (heads)
    assert float((z1 - z0).abs().max()) <= 64 * EPS * float(z0.abs().max())
    model.reset_long_conv()
    with torch.no_grad():
        assert torch.equal(model(tok), z0)


def test_filters_are_prefixes_of_the_l_max_filters():
    model = HyenaModel(TINY)
    np.testing.assert_array_equal(model.filters(10), model.filters()[:, :, :10])
    tok = _tokens(TINY, L=10)
    with torch.no_grad():
        z0 = model(tok)
    for layer in range(2):
        model.set_long_conv(layer, _direct(model.filters()[layer]))
    with torch.no_grad():
        z1 = model(tok)
    assert float((z1 - z0).abs().max()) <= 64 * EPS * float(z0.abs().max())


def test_full_order_modal_swap_leaves_logits_unchanged():
    """An exact modal realisation of each 16-tap filter (15 real states: poles 0.9 w^k
    on the 15th roots of unity, residues interpolating taps 1..15) through
    ModalSSM.convolve: the model's logits must not move beyond rounding."""
    model = HyenaModel(TINY)
    tok = _tokens(TINY)
    with torch.no_grad():
        z0 = model(tok)
    h = model.filters()
    poles = 0.9 * np.exp(2j * np.pi * np.arange(8) / 15)
    for layer in range(2):
        ssm = fit_residues(h[layer], np.broadcast_to(poles, (8, 8)))
        assert isinstance(ssm, ModalSSM)
        err = np.abs(ssm.impulse_response(16) - h[layer]).max() / np.abs(h[layer]).max()
        assert err <= 64 * EPS  # measured ~1 eps (Vandermonde, condition ~0.9^-15)
        model.set_long_conv(layer, ht.modal_long_conv(ssm))
    with torch.no_grad():
        z1 = model(tok)
    assert float((z1 - z0).abs().max()) <= 256 * EPS * float(z0.abs().max())


@pytest.mark.parametrize("heads", [None, 2])
def test_distill_long_convs_swaps_every_layer_and_resets(heads):
    cfg = dataclasses.replace(TINY, heads=heads)
    model = HyenaModel(cfg)
    tok = _tokens(TINY)
    with torch.no_grad():
        z0 = model(tok)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ht.distill_long_convs(model, 2, method="era", bounds=False)
    assert [r.value.channels for r in res] == [cfg.filters_per_layer] * 2  # 8 or 2 heads
    assert all(b.mixer.long_conv is not None for b in model.blocks)
    with torch.no_grad():
        z1 = model(tok)
    assert z1.shape == z0.shape and bool(torch.isfinite(z1).all())
    model.reset_long_conv()
    with torch.no_grad():
        assert torch.equal(model(tok), z0)


def test_torch_distilled_conv_backend_matches_numpy_backend():
    """The same distilled models through DistilledConv (torch) and ModalSSM.convolve
    (NumPy): two FFT convolutions of the same modal taps, logits equal to rounding."""
    model = HyenaModel(TINY)
    tok = _tokens(TINY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ht.distill_long_convs(model, 3, method="era", bounds=False)
        with torch.no_grad():
            z_np = model(tok)
        ht.distill_long_convs(model, 3, method="era", bounds=False, backend="torch")
    with torch.no_grad():
        z_t = model(tok)
    assert float((z_t - z_np).abs().max()) <= 256 * EPS * float(z_np.abs().max())
    assert set(model.state_dict()) == set(HyenaModel(TINY).state_dict())  # not registered
    model.set_long_conv(0, _direct(model.filters()[0]))  # module -> plain function
    model.reset_long_conv()
    assert all(b.mixer.long_conv is None for b in model.blocks)


def test_mqar_structure():
    tok, lab = ht.mqar(50, TASK, TINY.vocab, seed=3)
    assert tok.shape == lab.shape == (50, 16) and tok.dtype == torch.int64
    P, K = TASK.pairs, TASK.keys
    for x, y in zip(tok.numpy(), lab.numpy(), strict=True):
        keys, vals = x[0:2 * P:2], x[1:2 * P:2]
        assert len(set(keys)) == P and all(1 <= k <= K for k in keys)
        assert all(1 + K <= v < TINY.vocab for v in vals)
        q = np.flatnonzero(y != ht.IGNORE)
        assert len(q) == P and q.min() >= 2 * P
        assert sorted(x[q]) == sorted(keys)
        value_of = dict(zip(keys, vals, strict=True))
        assert all(y[i] == value_of[x[i]] for i in q)
        rest = np.setdiff1d(np.arange(2 * P, 16), q)
        assert (x[rest] == 0).all()
    again = ht.mqar(50, TASK, TINY.vocab, seed=3)
    assert torch.equal(again[0], tok) and torch.equal(again[1], lab)
    assert not torch.equal(ht.mqar(50, TASK, TINY.vocab, seed=4)[0], tok)
    assert ht.chance(TASK, TINY.vocab) == pytest.approx(1 / 3)


def test_tiny_training_checkpoint_round_trip_and_refusals(tmp_path):
    res = ht.train_hyena(TINY, TASK, progress=False)
    loss = np.asarray(res.history["loss"])
    assert loss[-10:].mean() < 0.8 * loss[:5].mean()
    again = ht.train_hyena(TINY, TASK, progress=False)  # seeded: the same run
    np.testing.assert_array_equal(again.history["loss"], res.history["loss"])
    path = tmp_path / "h.pt"
    ht.save_hyena(path, res.value, TASK, res.stats)
    model, task, stats = ht.load_hyena(path, TINY, TASK)
    assert task == TASK and stats["accuracy"] == res.stats["accuracy"]
    tok = _tokens(TINY)
    with torch.no_grad():
        assert torch.equal(model(tok), res.value(tok))
    with pytest.raises(ValueError, match=r"another config.*width"):
        ht.load_hyena(path, dataclasses.replace(TINY, width=16))
    with pytest.raises(ValueError, match=r"another task.*pairs"):
        ht.load_hyena(path, TINY, dataclasses.replace(TASK, pairs=3))
    ckpt = torch.load(path, weights_only=True)
    ckpt["state_dict"]["head.bias"] += 1.0
    torch.save(ckpt, path)
    with pytest.raises(ValueError, match="digest"):
        ht.load_hyena(path)


def test_hyena_checkpoint_caches(tmp_path):
    task = dataclasses.replace(TASK, steps=3)
    first = ht.hyena_checkpoint(TINY, task, cache_dir=tmp_path, progress=False)
    second = ht.hyena_checkpoint(TINY, task, cache_dir=tmp_path, progress=False)
    assert first.stats["cached"] is False and second.stats["cached"] is True
    assert first.stats["checkpoint"] == second.stats["checkpoint"]
    tok = _tokens(TINY)
    with torch.no_grad():
        assert torch.equal(first.value(tok), second.value(tok))


@pytest.mark.parametrize("heads", [None, 2])
def test_float32_model_runs(heads):
    cfg = dataclasses.replace(TINY, dtype="float32", heads=heads)
    model = HyenaModel(cfg)
    assert next(model.parameters()).dtype == torch.float32
    assert model(_tokens(cfg)).dtype == torch.float32


@pytest.mark.slow
def test_short_training_beats_chance():
    """300 float32 steps of the default model (~25 s on one core): accuracy measured
    0.553 against chance 1/15; required above 4x chance."""
    cfg = dataclasses.replace(HyenaConfig(), dtype="float32")
    task = ht.MQARConfig(steps=300)
    res = ht.train_hyena(cfg, task, progress=False)
    assert res.stats["accuracy"] > 4 * res.stats["chance"]
