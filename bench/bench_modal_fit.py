"""Learned modal fitting vs the authors' distillation recipe (issue 17 goal at d = 16).

Filters: ``hyena_filters(C, L, **HYENA_LM)`` (``emb_dim=33, order=64``: the Hyena
implicit-filter recipe at its language-model widths, random MLP, decays spread as in the
reference code).

(a) the authors' recipe (random ring, AdamW 6e-4, betas (0.9, 0.99), one cosine cycle,
    full batch, unconstrained radius) at as many steps as fit in ``--budget`` seconds,
    or ``--steps-a`` steps (30000 as published);
(b) the classical initialisers (unit-circle AAA, ERA, ERA + modal balanced truncation);
(c) variable projection (Levenberg-Marquardt on the poles, Golub-Pereyra Jacobian)
    from (b), at most ``--lm-steps`` steps; optionally Adam-VarPro (``--adam-steps``) and
    L-BFGS-VarPro (``--lbfgs-steps``).

Prints per method: steps, seconds, median/max relative l2, median hinf, and the ratio
of (a)'s median rel l2 to (c)'s; the AAK bound sigma_{2d+1} (real order 2d) beside the
H-infinity errors.  Run::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH=. python bench/bench_modal_fit.py

``--grid`` instead runs (b) and (c) for every order of ``--orders`` and every ``tail``
of ``--tails`` (``L`` and ``L/2`` allowed), and prints for each the median and max over
the filters of ``hinf_model / sigma_{2d+1}`` (the model's full transfer function
against the FIR on ``2 L`` points, over the AAK lower bound at real order ``2 d``),
the relative l2 window error, the largest pole radius and the seconds (same run,
same load: compare seconds as ratios).  ``--polish N`` adds the same rows with ``N``
Lawson iterations of H-infinity polishing (``--polish-poles k``: ``k`` LM steps on the
poles per iteration)::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH=. python bench/bench_modal_fit.py \
        --grid --orders 2,4,8,16,32 --tails 0,L/2,L

``--scaling`` runs ``bench/bench_modal_scaling.py`` (the other arguments go to it:
``--Cs``, ``--scaling-steps``, ``--device`` ...): (a) and (c) batched over thousands of
filters, seconds per step per filter, peak memory, and each filter's fit alone against
its fit in the batch.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

import numpy as np
import torch

from numlearn.classical.reduction.distill import distill
from numlearn.classical.reduction.hankel import hankel_singular_values
from numlearn.classical.reduction.modal import ModalSSM
from numlearn.learned.reduction.modal_fit import fit_modal
from numlearn.problems.filters import HYENA_LM, hyena_filters


def _row(name: str, steps: int, seconds: float, rel: np.ndarray, hinf: np.ndarray,
         sigma: np.ndarray) -> None:
    print(f"{name:40s} {steps:6d} {seconds:8.1f}  {np.median(rel):9.2e} {np.max(rel):9.2e}  "
          f"{np.median(hinf):9.2e}  {np.median(hinf / sigma):8.3g} {np.max(hinf / sigma):8.3g}")


def main() -> None:
    if "--scaling" in sys.argv[1:]:
        from bench_modal_scaling import main as scaling  # this directory

        scaling([a for a in sys.argv[1:] if a != "--scaling"])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--C", type=int, default=8)
    ap.add_argument("--L", type=int, default=2048)
    ap.add_argument("--d", type=int, default=16)
    ap.add_argument("--budget", type=float, default=120.0, help="seconds for (a)")
    ap.add_argument("--steps-a", type=int, default=0,
                    help="fixed steps for (a) instead of the budget (30000 = as published)")
    ap.add_argument("--lm-steps", type=int, default=200)
    ap.add_argument("--adam-steps", type=int, default=0)
    ap.add_argument("--lbfgs-steps", type=int, default=0,
                    help="also VarPro by L-BFGS (one iteration per step) from each start")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--grid", action="store_true",
                    help="(b) and (c) over --orders x --tails, H-infinity/sigma per row")
    ap.add_argument("--orders", default="16", help="comma-separated d (grid)")
    ap.add_argument("--tails", default="0,L", help="comma-separated tails: ints, L, L/2")
    ap.add_argument("--inits", default="aaa,era,bt_modal")
    ap.add_argument("--polish", type=int, default=0,
                    help="Lawson H-infinity iterations (grid: extra rows; else every (c))")
    ap.add_argument("--polish-poles", type=int, default=0,
                    help="LM steps on the poles per Lawson iteration (0: residues only)")
    ap.add_argument("--polish-only", action="store_true",
                    help="grid: only the polished rows (with --polish)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    print(f"uptime: {os.popen('uptime').read().strip()}; torch threads 1, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}")
    h = hyena_filters(args.C, args.L, seed=args.seed, **HYENA_LM).h
    if args.grid:
        _grid(h, args)
        return
    d = args.d
    print(f"filters: hyena_filters(C={args.C}, L={args.L}, emb_dim=33, order=64, "
          f"seed={args.seed}); d = {d} complex modes (real order {2 * d})")
    t0 = time.perf_counter()
    ref = distill(h, d, method="era", bounds=True)
    sigma = ref.stats["sigma_next"]
    print(f"Hankel bounds: {time.perf_counter() - t0:.1f} s; sigma_(2d+1) median "
          f"{np.median(sigma):.2e}\n")
    print("hinf = hinf_model: max over 2L points of |FFT(h) - H_model| (full transfer "
          "function, the AAK quantity); hinf/sig median and max over the filters")
    print(f"{'method':40s} {'steps':>6s} {'seconds':>8s}  {'med rel':>9s} {'max rel':>9s}  "
          f"{'med hinf':>9s}  {'hinf/sig':>8s} {'max':>8s}")
    # (a) the authors' recipe: per-step time from a short run, then the budget
    fit_modal(h, d, init="ring", method="adamw", steps=2, progress=False)   # warm-up
    probe = fit_modal(h, d, init="ring", method="adamw", constrain=False, steps=50,
                      seed=args.seed, progress=False)
    per_step = probe.stats["seconds"] / 50
    steps_a = args.steps_a or max(20, int(args.budget / per_step))
    a = fit_modal(h, d, init="ring", method="adamw", constrain=False, steps=steps_a,
                  seed=args.seed, progress=False)
    _row("(a) authors (ring, AdamW)", steps_a, a.stats["seconds"], a.stats["rel_l2"],
         a.stats["hinf_model"], sigma)
    rel_a = np.median(a.stats["rel_l2"])
    for init in ("aaa", "era", "bt_modal"):
        t0 = time.perf_counter()
        b = distill(h, d, method=init, bounds=False)
        _row(f"(b) {init}", 0, time.perf_counter() - t0, b.stats["rel_l2"],
             b.stats["hinf_model"], sigma)
        for tail in _tails(args.tails, args.L):
            c = fit_modal(h, d, init=b.value, method="varpro-lm", steps=args.lm_steps,
                          tail=tail, hinf_polish=args.polish,
                          polish_poles=args.polish_poles if args.polish else 0,
                          seed=args.seed, progress=False)
            _row(f"(c) varpro-lm from {init} tail={tail}", c.stats["iterations"],
                 c.stats["seconds"], c.stats["rel_l2"], c.stats["hinf_model"], sigma)
        ratio = a.stats["rel_l2"] / c.stats["rel_l2"]
        print(f"    ratio (a)/(c) of median rel l2: {rel_a / np.median(c.stats['rel_l2']):.3g}; "
              f"per filter: min {np.min(ratio):.3g}, median {np.median(ratio):.3g}")
        print(f"    per filter rel l2 (a): {np.array2string(a.stats['rel_l2'], precision=2)}")
        print(f"    per filter rel l2 (c): {np.array2string(c.stats['rel_l2'], precision=2)}")
        if args.adam_steps:
            c2 = fit_modal(h, d, init=init, method="varpro-adam", steps=args.adam_steps,
                           seed=args.seed, progress=False)
            _row(f"(c) varpro-adam from {init}", args.adam_steps, c2.stats["seconds"],
                 c2.stats["rel_l2"], c2.stats["hinf_model"], sigma)
        if args.lbfgs_steps:
            c3 = fit_modal(h, d, init=b.value, method="varpro-lbfgs",
                           steps=args.lbfgs_steps, seed=args.seed, progress=False)
            _row(f"(c) varpro-lbfgs from {init}", args.lbfgs_steps, c3.stats["seconds"],
                 c3.stats["rel_l2"], c3.stats["hinf_model"], sigma)


def _tails(spec: str, L: int) -> list[int]:
    out = []
    for item in spec.split(","):
        item = item.strip()
        out.append(L if item == "L" else L // 2 if item == "L/2" else int(item))
    return out


def _grid(h: np.ndarray, args: argparse.Namespace) -> None:
    """(b) and (c) for every order and tail: H-infinity over sigma_{2d+1} per row."""
    C, L = h.shape
    orders = [int(x) for x in args.orders.split(",")]
    tails = _tails(args.tails, L)
    inits = args.inits.split(",")
    polish = ([] if args.polish_only and args.polish else [0]) + \
        ([args.polish] if args.polish else [])
    t0 = time.perf_counter()
    hsv = hankel_singular_values(h, 2 * max(orders) + 1).value
    print(f"filters: hyena_filters(C={C}, L={L}, emb_dim=33, order=64, seed={args.seed}); "
          f"{args.lm_steps} LM steps; Hankel SVs {time.perf_counter() - t0:.1f} s; "
          f"hinf = max over 2L points of |FFT(h) - H_model| (full transfer function)")
    print("peak/s: the max over the 2L grid and the poles' angles (a pole near the circle "
          "peaks between grid points), FIR by direct sums")
    print(f"{'d':>3s} {'start':9s} {'tail':>5s} {'pol':>3s} {'steps':>5s} {'s':>7s}  "
          f"{'med rel':>9s} {'max rel':>9s}  {'med hinf/s':>10s} {'max hinf/s':>10s}  "
          f"{'max r':>9s}  {'med peak/s':>10s} {'max peak/s':>10s}")
    for d in orders:
        sigma = hsv[:, 2 * d]
        for init in inits:
            t1 = time.perf_counter()
            start = distill(h, d, method=init, bounds=False)
            sec = time.perf_counter() - t1
            _grid_row(d, init, "-", 0, 0, sec, {**start.stats, "h": h}, sigma, start.value)
            for tail in tails:
                for n in polish:
                    kw = {"hinf_polish": n, "polish_poles": args.polish_poles} if n else {}
                    c = fit_modal(h, d, init=start.value, method="varpro-lm",
                                  steps=args.lm_steps, tail=tail, progress=False, **kw)
                    _grid_row(d, init, str(tail), n, c.stats["iterations"],
                              c.stats["seconds"], {**c.stats, "h": h}, sigma, c.value)
        print(flush=True)


def _grid_row(d: int, init: str, tail: str, polish: int, steps: int, sec: float,
              stats: dict, sigma: np.ndarray, model: ModalSSM) -> None:
    ratio = np.asarray(stats["hinf_model"]) / sigma
    rel = np.asarray(stats["rel_l2"])
    rmax = float(np.max(np.abs(model.poles)))
    peak = _peaks(stats["h"], model) / sigma
    print(f"{d:3d} {init:9s} {tail:>5s} {polish:3d} {steps:5d} {sec:7.1f}  "
          f"{np.median(rel):9.2e} {np.max(rel):9.2e}  {np.median(ratio):10.3g} "
          f"{np.max(ratio):10.3g}  {rmax:9.6f}  {np.median(peak):10.3g} "
          f"{np.max(peak):10.3g}", flush=True)


def _peaks(h: np.ndarray, model: ModalSSM) -> np.ndarray:
    """max |FIR - H| over the 2L grid and each filter's poles' angles, per filter."""
    C, L = h.shape
    full = np.abs(np.fft.fft(h, 2 * L, axis=1) - model.frequency_response(2 * L).reshape(C, -1))
    out = full.max(axis=1)
    poles = np.asarray(model.poles).reshape(C, -1)
    for c in range(C):
        z = np.exp(1j * np.abs(np.angle(poles[c])))
        fir = np.exp(-1j * np.outer(np.angle(z), np.arange(L))) @ h[c]
        one = ModalSSM(poles[c], np.asarray(model.residues).reshape(C, -1)[c],
                       np.asarray(model.feedthrough).reshape(C)[c])
        out[c] = max(out[c], np.abs(fir - one.transfer_function(z)).max())
    return out


if __name__ == "__main__":
    main()
