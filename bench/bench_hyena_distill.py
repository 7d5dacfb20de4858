"""A small Hyena trained on multi-query associative recall, then every long convolution
replaced by its order-d distillation: accuracy and logits change per d.

Run::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python bench/bench_hyena_distill.py \
        [--steps 1500] [--methods era bt_modal] [--retrain] [--heads M]

Trains the model (float64, about 4 minutes on one core) or loads it from the cache
(``$NUMLEARN_CACHE/learned`` or ``~/.cache/numlearn/learned``), prints its accuracy on
the query positions against chance, then for d in {2, 4, 8, 16, 32} complex modes and
each classical route: accuracy, the change of the logits (max over the evaluation set
of ``|dz|`` over max ``|z|``; mean over positions of ``||dz||_2 / ||z||_2``), the share
of query predictions that changed, and the distillation errors of the filters (relative
l2 over the ``l_max`` taps and ``hinf / sigma_{2d+1}``, median and max over the layers'
channels; the max relative l2 over the ``seq_len`` taps the model uses); finally the
smallest d at which the accuracy is unchanged (and at which no query prediction
changes).  Controls first: the accuracy with each long convolution cut to its first
1 (``h_0`` only), 8, 16, 32 taps.  ``--heads M`` runs the same for a MultiHyena
(``HyenaConfig(heads=M)``: ``M`` filters per layer, each on the ``N x N`` elements of
its head, ``N = width / M``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
import warnings

import numpy as np
import torch

from numlearn.learned.layers.conv import causal_conv
from numlearn.learned.layers.hyena import HyenaConfig
from numlearn.learned.reduction import hyena_task as ht

ORDERS = (1, 2, 4, 8, 16, 32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=ht.MQARConfig.steps)
    ap.add_argument("--methods", nargs="+", default=["era", "bt_modal"])
    ap.add_argument("--retrain", action="store_true")
    ap.add_argument("--l-max", type=int, default=HyenaConfig.l_max,
                    help="filter length (the model's l_max; sequences stay seq_len)")
    ap.add_argument("--heads", type=int, default=None,
                    help="MultiHyena with this many heads (filter-tied; default: plain)")
    ap.add_argument("--generate", type=int, default=0, metavar="D",
                    help="also time greedy generation by the order-D recurrences (ERA, "
                         "torch DistilledConv) against recomputing the FFT model per token")
    ap.add_argument("--no-bounds", action="store_true",
                    help="skip the Hankel bounds (a dense eigenproblem of size l_max - 1 "
                         "per filter): the h/sig columns print nan")
    args = ap.parse_args()
    torch.set_num_threads(1)
    print(f"load: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    print(f"threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, torch 1")
    config = HyenaConfig(l_max=args.l_max, heads=args.heads)
    task = ht.MQARConfig(steps=args.steps)
    print(f"model: {config}\ntask:  {task}")
    t0 = time.perf_counter()
    res = ht.hyena_checkpoint(config, task, retrain=args.retrain)
    model = res.value
    print(f"{'loaded' if res.stats['cached'] else 'trained'} in "
          f"{time.perf_counter() - t0:.1f} s ({res.stats['checkpoint']}); training took "
          f"{res.stats['seconds']:.1f} s")
    tokens, labels = ht.mqar(task.eval_batch, task, config.vocab, seed=task.seed + 1)
    mask = labels != ht.IGNORE
    with torch.no_grad():
        z0 = model(tokens)
    acc0 = ht.mqar_accuracy(z0, labels)
    pred0 = z0.argmax(-1)[mask]
    print(f"accuracy {acc0:.4f} on {int(mask.sum())} queries; chance "
          f"{ht.chance(task, config.vocab):.4f}\n")
    # controls: how much of the recall goes through the long convolutions
    taps = torch.from_numpy(model.filters()).to(z0.dtype)
    for name, keep in (("no long conv (h_0 only)", 1), ("first 8 taps", 8),
                       ("first 16 taps", 16), ("first 32 taps", 32)):
        for i in range(config.layers):
            g = taps[i].clone()
            g[:, keep:] = 0
            model.set_long_conv(i, lambda v, g=g: causal_conv(v.transpose(1, 2), g, "fft")
                                .transpose(1, 2))
        with torch.no_grad():
            print(f"control: {name:<24} accuracy "
                  f"{ht.mqar_accuracy(model(tokens), labels):.4f}")
        model.reset_long_conv()
    print(f"{'method':>8} {'d':>3} {'acc':>7} {'dz_max':>9} {'dz_mean':>9} {'pred_chg':>8} "
          f"{'rel_l2 med':>10} {'rel_l2 max':>10} {'h/sig med':>9} {'h/sig max':>9} "
          f"{'used max':>9} {'s':>6}")
    smallest: dict[str, int | None] = {}
    same: dict[str, int | None] = {}
    for method in args.methods:
        smallest[method] = None
        for d in ORDERS:
            t1 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results = ht.distill_long_convs(model, d, method=method,
                                                 bounds=not args.no_bounds)
            with torch.no_grad():
                z = model(tokens)
            model.reset_long_conv()
            dz = z - z0
            acc = ht.mqar_accuracy(z, labels)
            rel = np.concatenate([r.stats["rel_l2"] for r in results])
            ratio = np.concatenate([r.stats.get("hinf_over_sigma",
                                                np.full(config.filters_per_layer, np.nan))
                                    for r in results])
            h = model.filters(task.seq_len)
            used = np.concatenate([
                np.linalg.norm(r.value.impulse_response(task.seq_len) - h[i], axis=1)
                / np.linalg.norm(h[i], axis=1) for i, r in enumerate(results)])
            changed = float((z.argmax(-1)[mask] != pred0).double().mean())
            print(f"{method:>8} {d:>3} {acc:7.4f} "
                  f"{float(dz.abs().max() / z0.abs().max()):9.2e} "
                  f"{float((dz.norm(dim=-1) / z0.norm(dim=-1)).mean()):9.2e} "
                  f"{changed:8.4f} {np.median(rel):10.2e} {rel.max():10.2e} "
                  f"{np.median(ratio):9.2f} {ratio.max():9.2f} {used.max():9.2e} "
                  f"{time.perf_counter() - t1:6.1f}", flush=True)
            if acc == acc0 and smallest[method] is None:
                smallest[method] = d
            if changed == 0 and same.get(method) is None:
                same[method] = d
    for method, d in smallest.items():
        print(f"smallest d with unchanged accuracy ({method}): {d}; with every query "
              f"prediction unchanged: {same.get(method)}")
    if args.generate:
        _generation(model, tokens, args.generate, task.seq_len, config.l_max)


def _generation(model, tokens, d: int, T: int, l_max: int) -> None:
    """Greedy generation from 8 prompts of ``T`` tokens to ``l_max``: per-token time of
    the recurrence (``model.generate``) and of recomputing the convolution-mode model
    on the whole prefix, and the largest logit difference between the two."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ht.distill_long_convs(model, d, method="era", bounds=False, backend="torch")
    prompt, steps = tokens[:8, :T], l_max - T
    t0 = time.perf_counter()
    new, logits, info = model.generate(prompt, steps)
    t_rec = (time.perf_counter() - t0) / steps
    seq = torch.cat([prompt, new], dim=1)
    t0 = time.perf_counter()
    worst = 0.0
    with torch.no_grad():
        for s in range(steps):
            z = model(seq[:, :T + s])[:, -1]
            worst = max(worst, float((z - logits[:, s]).abs().max() / z.abs().max()))
    t_fft = (time.perf_counter() - t0) / steps
    model.reset_long_conv()
    print(f"\ngeneration, d = {d}: 8 prompts of {T} tokens + {steps} greedy tokens; "
          f"recurrence {1e3 * t_rec:.2f} ms/token, recomputing the FFT model "
          f"{1e3 * t_fft:.2f} ms/token (ratio {t_fft / t_rec:.1f}); max relative logit "
          f"difference {worst:.2e}; state per sequence {info['state_bytes']} B (+ short "
          f"windows {info['window_bytes']} B)")


if __name__ == "__main__":
    main()
