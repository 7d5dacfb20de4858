"""MultiHyena (``HyenaConfig(heads=M)``): the filter-tied head mixing against a direct
O(L^2) loop over the defining sums (an independent oracle), ``heads = width`` against
the plain operator, exact low-order filters distilled and swapped in (logits unchanged
to rounding), the parameter count against torch's, checkpoints (plain ones keep their
stored form and cache name), generation by recurrence against convolution mode.  The
model-level hook / swap tests of both operators are parametrized in test_hyena.py."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.classical.reduction.modal import ModalSSM  # noqa: E402
from numlearn.learned.layers.hyena import HyenaConfig, HyenaModel, head_mix  # noqa: E402
from numlearn.learned.layers.recurrent import DistilledConv  # noqa: E402
from numlearn.learned.reduction import hyena_task as ht  # noqa: E402

from .test_hyena import EPS, _direct, _tokens  # noqa: E402

TINY = HyenaConfig(vocab=8, width=8, layers=2, l_max=16, filter_order=8, mlp_ratio=1,
                   heads=2)
TASK = ht.MQARConfig(seq_len=16, pairs=2, keys=4, steps=40, batch=32, lr=1e-2,
                     eval_batch=64)
#: the HyenaConfig fields before the `heads` option (the stored form of plain models)
PLAIN_FIELDS = ("vocab", "width", "layers", "l_max", "filter_order", "emb_dim",
                "short_kernel", "w", "mlp_ratio", "dtype", "seed")


def _loop(q, k, v, h, heads):
    """y[b, mN+j, t] = sum_i sum_{s<=t} q[b,mN+i,t] h[m,t-s] k[b,mN+i,s] v[b,mN+j,s],
    summed term by term in Python (the definition, O(B D N L^2))."""
    B, D, L = q.shape
    N = D // heads
    y = np.zeros((B, D, L))
    for b in range(B):
        for m in range(heads):
            for t in range(L):
                for j in range(N):
                    acc = 0.0
                    for i in range(N):
                        c = m * N + i
                        for s in range(t + 1):
                            acc += q[b, c, t] * h[m, t - s] * k[b, c, s] * v[b, m * N + j, s]
                    y[b, m * N + j, t] = acc
    return y


@pytest.mark.parametrize("method", ["fft", "toeplitz", "auto"])
@pytest.mark.parametrize(("heads", "N"), [(3, 2), (2, 4), (4, 1)])
def test_head_mix_equals_the_defining_loop(method, heads, N):
    rng = np.random.default_rng(heads * 10 + N)
    B, L = 2, 11
    q, k, v = (rng.standard_normal((B, heads * N, L)) for _ in range(3))
    h = rng.standard_normal((heads, L + 3))  # longer than L: the first L taps are used
    want = _loop(q, k, v, h, heads)
    got = head_mix(*(torch.from_numpy(a) for a in (q, k, v)), heads, torch.from_numpy(h),
                   method=method).numpy()
    # the l1 mass of each output's terms (the same loop on |.|) bounds the rounding of a
    # plain sum (N (t+1) terms) and of the FFT (~ eps log2(2L) of it)
    scale = _loop(*(np.abs(a) for a in (q, k, v, h)), heads).max()
    assert np.abs(got - want).max() <= 16 * EPS * scale  # measured <= 1.3 eps
    hook = head_mix(*(torch.from_numpy(a) for a in (q, k, v)), heads, _direct(h)).numpy()
    assert np.abs(hook - want).max() <= 16 * EPS * scale


def test_heads_equal_width_is_the_plain_operator():
    """N = 1: z is k * v and the head sum is x2 times it; same seed, same weights."""
    plain = dataclasses.replace(TINY, heads=None)
    a, b = HyenaModel(plain), HyenaModel(dataclasses.replace(TINY, heads=TINY.width))
    sa, sb = a.state_dict(), b.state_dict()
    assert set(sa) == set(sb) and all(torch.equal(sa[k], sb[k]) for k in sa)
    tok = _tokens(TINY)
    with torch.no_grad():
        za, zb = a(tok), b(tok)
    # FFT (plain) against the Toeplitz form (heads): measured 1.2 eps
    assert float((za - zb).abs().max()) <= 64 * EPS * float(za.abs().max())


@pytest.mark.parametrize("heads", [None, 1, 2, 4, 8])
def test_parameter_count_is_torchs(heads):
    cfg = dataclasses.replace(TINY, heads=heads, mlp_ratio=3, layers=3)
    model = HyenaModel(cfg)
    assert cfg.parameter_count() == sum(p.numel() for p in model.parameters())
    assert model.filters().shape[1] == (cfg.width if heads is None else heads)


def _exact_order2(C: int, L: int, seed: int) -> ModalSSM:
    rng = np.random.default_rng(seed)
    r = rng.uniform(0.5, 0.9, (C, 2))
    poles = r * np.exp(1j * rng.uniform(0.2, 2.8, (C, 2)))
    residues = rng.standard_normal((C, 2)) + 1j * rng.standard_normal((C, 2))
    return ModalSSM(poles, residues, rng.standard_normal(C))


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_distilling_exact_low_order_head_filters_leaves_logits_unchanged(backend):
    """Each layer's M = 2 filters replaced by exact order-2 modal filters (32 taps);
    distill_long_convs at d = 2 (ERA) recovers them and the swapped model (per-head
    ModalSSM / DistilledConv on the N x N elements) gives the FFT model's logits."""
    cfg = dataclasses.replace(TINY, l_max=32)
    model = HyenaModel(cfg)
    exact = [_exact_order2(2, 32, seed) for seed in (3, 4)]
    for block, ssm in zip(model.blocks, exact, strict=True):
        taps = torch.from_numpy(ssm.impulse_response(32))
        block.mixer.filter.taps = lambda L, taps=taps: taps[:, :L]
    tok = _tokens(cfg, L=32)
    with torch.no_grad():
        z0 = model(tok)
    res = ht.distill_long_convs(model, 2, method="era", bounds=False, backend=backend)
    for r, ssm in zip(res, exact, strict=True):
        assert r.value.channels == 2
        err = np.abs(r.value.impulse_response(32) - ssm.impulse_response(32)).max()
        # ERA on the 16 x 16 Hankel matrix of rank 4: measured 3.9 and 9.8 eps
        assert err <= 256 * EPS * np.abs(ssm.impulse_response(32)).max()
    if backend == "torch":
        assert all(isinstance(b.mixer.long_conv, DistilledConv) for b in model.blocks)
    with torch.no_grad():
        z1 = model(tok)
    # measured 11 eps (both backends)
    assert float((z1 - z0).abs().max()) <= 256 * EPS * float(z0.abs().max())


def test_plain_config_keeps_its_stored_form_and_cache_name(tmp_path):
    plain = dataclasses.replace(TINY, heads=None)
    stored = HyenaModel(plain).config()
    assert tuple(stored) == PLAIN_FIELDS
    task = dataclasses.replace(TASK, steps=2)
    old = {k: getattr(plain, k) for k in PLAIN_FIELDS}
    key = hashlib.sha256(json.dumps([old, dataclasses.asdict(task)], sort_keys=True)
                         .encode()).hexdigest()[:16]
    res = ht.hyena_checkpoint(plain, task, cache_dir=tmp_path, progress=False)
    assert res.stats["checkpoint"].endswith(f"hyena-{key}.pt")
    ckpt = torch.load(res.stats["checkpoint"], weights_only=True)
    assert "heads" not in ckpt["config"]
    model, _, _ = ht.load_hyena(res.stats["checkpoint"], plain, task)
    assert model.hyena_config.heads is None


def test_heads_checkpoint_round_trip_and_refusal(tmp_path):
    res = ht.train_hyena(TINY, TASK, progress=False)
    loss = np.asarray(res.history["loss"])
    assert loss[-10:].mean() < 0.8 * loss[:5].mean()
    path = tmp_path / "mh.pt"
    ht.save_hyena(path, res.value, TASK, res.stats)
    assert torch.load(path, weights_only=True)["config"]["heads"] == 2
    model, _, _ = ht.load_hyena(path, TINY, TASK)
    tok = _tokens(TINY)
    with torch.no_grad():
        assert torch.equal(model(tok), res.value(tok))
    with pytest.raises(ValueError, match=r"another config.*heads"):
        ht.load_hyena(path, dataclasses.replace(TINY, heads=4))
    with pytest.raises(ValueError, match=r"another config.*heads"):
        ht.load_hyena(path, dataclasses.replace(TINY, heads=None))


@pytest.mark.parametrize("heads", [None, 2, 8])
@pytest.mark.parametrize("prefill", ["fft", "direct", "companion"])
def test_recurrent_generation_equals_convolution_mode(heads, prefill):
    """Greedy generation by modal recurrences of order 2 in every layer (per head:
    N^2 d states) against the same model in convolution mode (FFT of the same modal
    taps) on the sequence it generated: logits equal to rounding, the same tokens."""
    cfg = dataclasses.replace(TINY, heads=heads, l_max=32)
    model = HyenaModel(cfg)
    for i in range(cfg.layers):  # complex poles only: the companion form needs one order
        ssm = _exact_order2(cfg.filters_per_layer, 32, seed=10 + i)
        model.set_long_conv(i, DistilledConv.from_modal_ssm(ssm))
    prompt = _tokens(cfg, B=2, L=12, seed=5)
    T, steps = 12, 20
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the companion prefill's conditioning note
        tokens, logits, info = model.generate(prompt, steps, prefill=prefill)
    assert tokens.shape == (2, steps) and logits.shape == (2, steps, cfg.vocab)
    full = torch.cat([prompt, tokens], dim=1)[:, :-1]
    with torch.no_grad():
        ref = model(full)[:, T - 1:]
    # 20 recurrence steps through two layers: measured <= 2.6 eps (every prefill)
    assert float((logits - ref).abs().max()) <= 64 * EPS * float(ref.abs().max())
    assert torch.equal(tokens, ref.argmax(-1))
    C = cfg.filters_per_layer
    rows = cfg.head_size ** 2
    orders = [b.mixer.long_conv.order for b in model.blocks]
    assert info["state_bytes"] == sum(rows * C * d * 16 for d in orders)  # complex128
    assert info["window_bytes"] == cfg.layers * 3 * cfg.width * (cfg.short_kernel - 1) * 8


@pytest.mark.slow
def test_short_multihyena_training_beats_chance():
    """150 float32 steps of the default model with 8 heads (~33 s on one loaded core):
    accuracy measured 0.335 against chance 1/15; required above 4x chance."""
    cfg = HyenaConfig(dtype="float32", heads=8)
    res = ht.train_hyena(cfg, ht.MQARConfig(steps=150), progress=False)
    assert res.stats["accuracy"] > 4 * res.stats["chance"]
