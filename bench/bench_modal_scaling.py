"""Batched modal fitting over thousands of filters: time per step per filter, memory,
and whether a filter's fit depends on the batch it is fitted in (issue 17).

For each ``C`` of ``--Cs`` (default 8, 64, 512, 2048): the filters
``hyena_filters(C, L, seed=0, **HYENA_LM)`` (L = 2048, the Hyena implicit-filter recipe
at its language-model widths; the bank depends on ``C``: decays spread over the ``C``
channels, ``C`` output rows of the MLP), ``d = 16`` complex modes, and

(i)   ``adamw``: the authors' recipe, ``fit_modal(method="adamw", init="ring",
      constrain=False)``;
(ii)  ``varpro-lm``: ``fit_modal(method="varpro-lm", init=start)`` from the classical
      ERA start ``era(h, 2 d, method="lanczos", refit=True)`` (ERA with ARPACK's leading
      singular triplets: at L = 2048 the same models as ``distill(h, d, method="era")``,
      whose dense half-size Hankel SVD costs about 30x more per filter).  Its time per
      filter is the column ``era s/f``; ``distill(..., method="era")`` (dense) is timed
      once on the first 8 filters beside it.

Per method and ``C``, in a fresh child process (so that its peak memory is its own):
``fit_modal`` with ``S = --scaling-steps`` steps, each step timed (the loop's progress
bar replaced by a clock; every step reads its loss, so it synchronises on a GPU).
``s/step`` is the median step, ``s/step/f`` the same per filter (flat in ``C``: the
batch costs nothing extra; falling: batching pays), ``overhead`` the rest of
``stats["seconds"]`` (``T_S``): validation, the start (ring, or loading the ERA start:
its mode selection loops over the filters in Python) and the final ``filter_errors``.
Memory: peak resident set size of the child (``resource.getrusage(RUSAGE_SELF).
ru_maxrss``: everything, NumPy, torch and the interpreter, about 0.4 GB of it before any
work, printed as ``base``); on CUDA also ``torch.cuda.max_memory_allocated``.

Batching check: the first ``--check`` filters (default 8) fitted alone, ``S`` steps from
the same start (the rows of the batch's start: for (i) the ring of the ``C``-filter
``ModalFilter`` passed as a ``ModalSSM``, since the ring's draws depend on ``C``), are
compared with their rows of the batched fit: ``dpole`` = max ``|lambda_b - lambda_1| /
|lambda_1|``, ``dres`` = max over filters of ``max|R_b - R_1| / max|R_1|``, ``dh`` =
max over filters of the relative l2 difference of the impulse responses on ``[0, L)``,
``drel`` = max relative difference of the relative window errors.  VarPro-LM agrees
to rounding step by step; where LM's accept test compares two objective values equal
to rounding (at a minimum) it can decide differently alone and in the batch, and the
parameters then differ in directions the error does not see.  AdamW's mean loss over
all ``C (L - 1)`` taps scales each filter's gradient by ``1 / C``: Adam ignores that
scale except through its ``eps``, so the batch changes the fit (a batch of ``C`` is the
single fit with ``eps`` times ``C``; ``tests/learned/test_modal_batching.py``).

Run (single-threaded; the machine load is printed)::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH=. nice -n 10 \\
        python bench/bench_modal_scaling.py --Cs 8,64,512,2048 --scaling-steps 5

(``bench/bench_modal_fit.py --scaling ...`` runs this file.)  ``--device cuda`` runs the
same on a GPU (float64).  ``--methods adamw`` or ``varpro-lm`` selects one method.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import time
import warnings

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from numlearn.classical.reduction.distill import distill  # noqa: E402
from numlearn.classical.reduction.era import era  # noqa: E402
from numlearn.classical.reduction.modal import ModalSSM  # noqa: E402
from numlearn.learned.layers.modal import ModalFilter  # noqa: E402
from numlearn.learned.reduction.modal_fit import fit_modal  # noqa: E402
from numlearn.problems.filters import HYENA_LM, hyena_filters  # noqa: E402

METHODS = ("adamw", "varpro-lm")


def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20   # kB on Linux


def _rows(model: ModalSSM, k: int) -> ModalSSM:
    """The first ``k`` channels of a batched model."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ModalSSM(model.poles[:k], model.residues[:k], model.feedthrough[:k],
                        real=model.real, allow_unstable=not model.is_stable)


def _compare(batch: ModalSSM, alone: ModalSSM, L: int, rel_b: np.ndarray,
             rel_1: np.ndarray) -> dict[str, float]:
    """Max relative differences of poles, residues and impulse responses of the first
    channels of ``batch`` against ``alone`` (modes beyond ``alone``'s width are the
    batch's zero padding: their residues are compared with 0)."""
    k, w = alone.channels, alone.order
    lam_b, res_b = batch.poles[:k], batch.residues[:k]
    lam_1, res_1 = alone.poles, np.zeros_like(res_b)
    res_1[:, :w] = alone.residues
    with np.errstate(divide="ignore", invalid="ignore"):
        dp = np.abs(lam_b[:, :w] - lam_1) / np.where(lam_1 != 0, np.abs(lam_1), 1.0)
    dr = np.abs(res_b - res_1).max(axis=1) / np.abs(res_1).max(axis=1)
    hb, h1 = _rows(batch, k).impulse_response(L), alone.impulse_response(L)
    dh = np.linalg.norm(hb - h1, axis=1) / np.linalg.norm(h1, axis=1)
    drel = np.abs(rel_b[:k] - rel_1) / rel_1
    return {"dpole": float(dp.max()), "dres": float(dr.max()), "dh": float(dh.max()),
            "drel": float(drel.max())}


class _StepClock:
    """Stands in for ``tqdm.auto.tqdm`` inside ``fit_modal``: stamps the time at each
    step's start and at the loop's end (every step synchronises: it reads the loss)."""

    def __init__(self) -> None:
        self.stamps: list[float] = []

    def __call__(self, iterable, **_: object) -> _StepClock:
        self.stamps, self._it = [], iterable
        return self

    def __iter__(self):
        for item in self._it:
            self.stamps.append(time.perf_counter())
            yield item
        self.stamps.append(time.perf_counter())

    def set_postfix(self, **_: object) -> None:
        pass

    def close(self) -> None:
        pass

    def steps(self) -> np.ndarray:
        return np.diff(self.stamps)


def child(C: int, method: str, args: argparse.Namespace) -> dict:
    """One method at one ``C`` (run in its own process): timings, memory, check."""
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    device, L, d, S, k = args.device, args.L, args.d, args.scaling_steps, min(args.check, C)
    h_np = hyena_filters(C, L, seed=0, **HYENA_LM).h
    h = torch.from_numpy(h_np).to(device)
    out: dict = {"C": C, "method": method, "base_gb": _rss_gb()}
    if device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()
    kw = {"progress": False, "device": device}
    if method == "adamw":
        kw |= {"method": "adamw", "constrain": False}
        init = "ring"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = ModalFilter(C, d, constrain=False, seed=0).to_modal_ssm()
    else:
        kw |= {"method": "varpro-lm"}
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = era(h_np, 2 * d, method="lanczos", refit=True).value
        out["era_s"] = time.perf_counter() - t0
        init = start
        t0 = time.perf_counter()
        distill(h_np[:k], d, method="era", bounds=False)
        out["era_dense_s_per_filter"] = (time.perf_counter() - t0) / k
    import tqdm.auto

    clock = _StepClock()
    tqdm.auto.tqdm = clock          # fit_modal imports it at call time
    big = fit_modal(h, d, init=init, steps=S, **kw)
    steps = clock.steps()
    out["tS"] = big.stats["seconds"]
    out["per_step"] = float(np.median(steps))
    out["first_step"] = float(steps[0])
    out["overhead"] = out["tS"] - float(steps.sum())
    out["iterations"] = int(big.stats["iterations"])
    out["rel_l2_median"] = float(np.median(big.stats["rel_l2"]))
    out["peak_gb"] = _rss_gb()
    if device.startswith("cuda"):
        out["cuda_peak_gb"] = torch.cuda.max_memory_allocated() / 2 ** 30
    if method == "adamw":             # the check needs a start the first rows share
        big = fit_modal(h, d, init=start, steps=S, **kw)
    alone = fit_modal(h[:k], d, init=_rows(start, k), steps=S, **kw)
    out |= _compare(big.value, alone.value, L, big.stats["rel_l2"], alone.stats["rel_l2"])
    return out


def _run_child(C: int, method: str, argv: list[str]) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", f"{C}:{method}", *argv]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"C": C, "method": method, "failed": f"exit {proc.returncode} after "
                f"{time.perf_counter() - t0:.0f} s: {tail}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _print(r: dict, S: int) -> None:
    if "failed" in r:
        print(f"{r['C']:5d} {r['method']:10s} FAILED: {r['failed']}", flush=True)
        return
    C = r["C"]
    era_s = f"{r['era_s'] / C:8.4f}" if "era_s" in r else f"{'-':>8s}"
    cuda = f"  cuda {r['cuda_peak_gb']:.2f} GB" if "cuda_peak_gb" in r else ""
    print(f"{C:5d} {r['method']:10s} {r['per_step'] / C:10.2e} {r['per_step']:9.3f} "
          f"{r['overhead']:8.2f} {r['tS']:8.1f} {era_s} {r['peak_gb']:7.2f} "
          f"{r['base_gb']:5.2f}  {r['dpole']:8.1e} {r['dres']:8.1e} {r['dh']:8.1e} "
          f"{r['drel']:8.1e}  "
          f"{r['rel_l2_median']:8.2e}{cuda}", flush=True)
    if "era_dense_s_per_filter" in r:
        print(f"{'':16s}(distill(method='era'), dense SVD: "
              f"{r['era_dense_s_per_filter']:.3f} s per filter)", flush=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--Cs", default="8,64,512,2048", help="comma-separated filter counts")
    ap.add_argument("--L", type=int, default=2048)
    ap.add_argument("--d", type=int, default=16)
    ap.add_argument("--scaling-steps", type=int, default=5, help="timed steps S")
    ap.add_argument("--check", type=int, default=8, help="filters refitted alone")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.scaling_steps < 1:
        ap.error("--scaling-steps must be >= 1")
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        ap.error("--device cuda: no CUDA device is available to torch here")
    if args.child:
        C, method = args.child.split(":")
        print(json.dumps(child(int(C), method, args)))
        return
    raw = sys.argv[1:] if argv is None else argv
    fwd = [a for a in raw if a != "--scaling"]
    methods = [m for m in args.methods.split(",") if m]
    S = args.scaling_steps
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; {platform.node()}, "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; torch "
          f"{torch.__version__}, threads 1; device {args.device}, float64")
    print(f"load: {load}")
    print(f"hyena_filters(C, L={args.L}, seed=0, **HYENA_LM); d = {args.d}; S = {S} steps; "
          f"check: first {args.check} filters alone vs in the batch")
    print(f"{'C':>5s} {'method':10s} {'s/step/f':>10s} {'s/step':>9s} {'overhead':>8s} "
          f"{'T_S s':>8s} {'era s/f':>8s} {'peak GB':>7s} {'base':>5s}  {'dpole':>8s} "
          f"{'dres':>8s} {'dh':>8s} {'drel':>8s}  {'med rel':>8s}")
    for C in (int(c) for c in args.Cs.split(",")):
        for method in methods:
            _print(_run_child(C, method, fwd), S)
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"load after: {load}")


if __name__ == "__main__":
    main()
