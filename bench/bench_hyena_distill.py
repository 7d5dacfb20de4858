"""A small Hyena trained on multi-query associative recall, then every long convolution
replaced by its order-d distillation: accuracy and logits change per d.

Run::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python bench/bench_hyena_distill.py \
        [--steps 1500] [--methods era bt_modal] [--retrain]

Trains the model (float64, about 4 minutes on one core) or loads it from the cache
(``$NUMLEARN_CACHE/learned`` or ``~/.cache/numlearn/learned``), prints its accuracy on
the query positions against chance, then for d in {2, 4, 8, 16, 32} complex modes and
each classical route: accuracy, the change of the logits (max over the evaluation set
of ``|dz|`` over max ``|z|``; mean over positions of ``||dz||_2 / ||z||_2``), the share
of query predictions that changed, and the distillation errors of the filters (relative
l2 and ``hinf / sigma_{2d+1}``, median and max over the layers' channels); finally the
smallest d at which the accuracy is unchanged.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
import warnings

import numpy as np
import torch

from numlearn.learned.layers.hyena import HyenaConfig
from numlearn.learned.reduction import hyena_task as ht

ORDERS = (2, 4, 8, 16, 32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=ht.MQARConfig.steps)
    ap.add_argument("--methods", nargs="+", default=["era", "bt_modal"])
    ap.add_argument("--retrain", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    print(f"load: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    print(f"threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, torch 1")
    config = HyenaConfig()
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
    print(f"{'method':>8} {'d':>3} {'acc':>7} {'dz_max':>9} {'dz_mean':>9} {'pred_chg':>8} "
          f"{'rel_l2 med':>10} {'rel_l2 max':>10} {'h/sig med':>9} {'h/sig max':>9} "
          f"{'s':>6}")
    smallest: dict[str, int | None] = {}
    for method in args.methods:
        smallest[method] = None
        for d in ORDERS:
            t1 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results = ht.distill_long_convs(model, d, method=method)
            with torch.no_grad():
                z = model(tokens)
            model.reset_long_conv()
            dz = z - z0
            acc = ht.mqar_accuracy(z, labels)
            rel = np.concatenate([r.stats["rel_l2"] for r in results])
            ratio = np.concatenate([r.stats["hinf_over_sigma"] for r in results])
            changed = float((z.argmax(-1)[mask] != pred0).double().mean())
            print(f"{method:>8} {d:>3} {acc:7.4f} "
                  f"{float(dz.abs().max() / z0.abs().max()):9.2e} "
                  f"{float((dz.norm(dim=-1) / z0.norm(dim=-1)).mean()):9.2e} "
                  f"{changed:8.4f} {np.median(rel):10.2e} {rel.max():10.2e} "
                  f"{np.median(ratio):9.2f} {ratio.max():9.2f} "
                  f"{time.perf_counter() - t1:6.1f}", flush=True)
            if acc == acc0 and smallest[method] is None:
                smallest[method] = d
    for method, d in smallest.items():
        print(f"smallest d with unchanged accuracy ({method}): {d}")


if __name__ == "__main__":
    main()
