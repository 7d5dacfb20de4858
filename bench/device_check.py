"""One short run that times the learned solvers on an accelerator beside the CPU.

Issues 15 and 17 ask that, when a GPU is lent, the CUDA path be run in float64 and its
time per iteration recorded beside the CPU's.  This script does it in one call, within
a time budget, and writes everything to one JSON file:

1. ``explicit_bwler``: explicit BWLer on convection (beta = 40, the paper's 81 x 80
   nodes): seconds per Gauss-Newton step (constant Jacobian, as
   ``solve_explicit_bwler`` trains it; and with the Jacobian re-formed by ``jacfwd``)
   and the final relative L2 (target 1e-13);
2. ``bwler_hat``: BWLer-hat (3 x 256) on convection: seconds per Adam step;
3. ``mlp_pinn``: MLP PINN 3 x 50 with Rathore et al.'s collocation: seconds per Adam step
   and per L-BFGS iteration;
4. ``nncg``: NNCG on the PINN loss: seconds per step;
5. ``fit_modal``: AdamW recipe and varpro-lm seconds per step at C = 108 and 1024
   Hyena filters, L = 2048, d = 16;
6. ``generation``: ``DistilledConv`` tokens/s at L = 8192 (recurrence and FFT
   recompute), and the recurrence against the FFT convolution on the device.

Each item runs on ``--device`` and then on the CPU (same problem sizes, fewer steps;
torch threads = ``--threads``, default all cores); times are medians of timed
iterations after warm-up, with ``torch.cuda.synchronize()`` around each on CUDA.  An
item that fails is recorded with its message and the next one runs; before each item
and each side the elapsed time is checked against ``--budget`` and the rest is skipped
with a note.  The JSON is rewritten after every item, so a run cut short keeps what it
measured.  ``--quick`` (CPU only) uses tiny sizes: the structure test of the script.

Run on a GPU machine (about 3-5 minutes)::

    python bench/device_check.py --device cuda --out $OUT/device_check.json --budget 420

and here (seconds)::

    PYTHONPATH=. python bench/device_check.py --device cpu --quick --out /tmp/dc.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

SCHEMA = 1
#: Seconds kept free at the end of the budget for the CPU side of an item once its
#: device side has run (a side is not started with less than this left).
MIN_SIDE_S = 5.0


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cuda",
                    help="torch device to time beside the CPU ('cuda', 'cuda:1', 'cpu')")
    ap.add_argument("--out", required=True, help="the JSON file to write")
    ap.add_argument("--budget", type=float, default=420.0,
                    help="seconds in all; items not started by then are skipped")
    ap.add_argument("--quick", action="store_true",
                    help="tiny sizes (a CPU test of the script, seconds)")
    ap.add_argument("--threads", type=int, default=None,
                    help="torch threads of the CPU side (default: all cores)")
    ap.add_argument("--items", default=None,
                    help="comma-separated subset of the items (default all)")
    a = ap.parse_args(argv)
    if not a.budget > 0:
        ap.error(f"--budget must be > 0 seconds, got {a.budget}")
    if a.threads is not None and a.threads < 1:
        ap.error(f"--threads must be >= 1, got {a.threads}")
    return a


def check_device(name: str) -> Any:
    """The torch device, or a `SystemExit` with a message before any computing."""
    import torch

    try:
        dev = torch.device(name)
    except (RuntimeError, ValueError) as exc:
        raise SystemExit(f"device_check: --device {name!r} is not a torch device ({exc}); "
                         "use 'cuda', 'cuda:0' or 'cpu'.") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise SystemExit(f"device_check: --device {name!r} asked for, but CUDA is not "
                             "available on this machine (torch.cuda.is_available() is "
                             "False); run with --device cpu, or on a machine with a GPU.")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise SystemExit(f"device_check: --device {name!r}: only "
                             f"{torch.cuda.device_count()} CUDA devices here.")
        # an explicit index: torch compares devices by type and index, and tensors made
        # on "cuda" report "cuda:0"
        return torch.device("cuda", torch.cuda.current_device() if dev.index is None
                            else dev.index)
    if dev.type != "cpu":
        raise SystemExit(f"device_check: --device {name!r}: only 'cuda' and 'cpu' are "
                         "supported.")
    return torch.device("cpu")


def _git_commit() -> str | None:
    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def source_digest(root: Path | None = None) -> str:
    """SHA-256 over the paths and bytes of ``numlearn/**/*.py`` and ``bench/*.py``: names
    the code that ran where the copy has no git history (compare with the same
    function on a checkout)."""
    import hashlib

    root = Path(__file__).resolve().parent.parent if root is None else root
    h = hashlib.sha256()
    for f in sorted([*root.glob("numlearn/**/*.py"), *root.glob("bench/*.py")]):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def environment(dev: Any, threads: int) -> dict[str, Any]:
    import numpy as np
    import torch

    env: dict[str, Any] = {
        "python": platform.python_version(), "platform": platform.platform(),
        "torch": torch.__version__, "numpy": np.__version__,
        "cpu_cores": _cores(), "torch_threads_cpu_side": threads,
        "cuda_available": torch.cuda.is_available(), "torch_cuda": torch.version.cuda,
        "git_commit": _git_commit(), "source_sha256": source_digest(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                               "CUDA_VISIBLE_DEVICES")},
    }
    if dev.type == "cuda":
        props = torch.cuda.get_device_properties(dev)
        env.update({"device_name": torch.cuda.get_device_name(dev),
                    "device_memory_bytes": int(props.total_memory),
                    "device_capability": list(torch.cuda.get_device_capability(dev)),
                    "cudnn": torch.backends.cudnn.version()})
    return env


def _finite_time(res: dict[str, Any]) -> bool:
    t = res.get("time_per_iteration_s")
    return isinstance(t, float | int) and math.isfinite(t) and t > 0


def run_side(name: str, dev: Any, sizes: dict[str, Any], deadline: float) -> dict[str, Any]:
    """One item on one device: ``status`` ok/failed, the measurements or the message."""
    import torch
    from _device_items import RUNNERS, sync

    t0 = time.perf_counter()
    if dev.type == "cuda":
        torch.cuda.reset_peak_memory_stats(dev)
    try:
        torch.manual_seed(0)
        res = RUNNERS[name](dev, sizes, deadline)
        sync(dev)
        if not _finite_time(res):
            raise RuntimeError(f"no finite time per iteration was measured: "
                               f"{res.get('time_per_iteration_s')!r}")
        out: dict[str, Any] = {"status": "ok", **res}
    except Exception as exc:  # recorded; the next item runs
        out = {"status": "failed", "message": f"{type(exc).__name__}: {exc}",
               "traceback": traceback.format_exc(limit=6)}
    out["device"] = str(dev)
    out["wall_s"] = time.perf_counter() - t0
    if dev.type == "cuda":
        out["max_memory_allocated_bytes"] = int(torch.cuda.max_memory_allocated(dev))
        torch.cuda.empty_cache()
    return out


#: Numbers printed beside the time in the progress line, where an item has them.
_SHOWN = ("final_rel_l2", "lbfgs_iteration_s", "first_step_s",
          "max_rel_diff_recurrence_vs_fft")


def _summary(entry: dict[str, Any]) -> str:
    parts = []
    for r in entry["sides"].values():
        if r["status"] == "ok":
            extra = "".join(f" {k} {r[k]:.2e}" for k in _SHOWN if isinstance(
                r.get(k), float))
            parts.append(f"{r['device']} {r['time_per_iteration_s']:.3g} s/it{extra}")
        else:
            parts.append(f"{r['device']} {r['status']}: {r.get('message', '')[:90]}")
    if "cpu_over_device" in entry:
        parts.append(f"cpu/device {entry['cpu_over_device']:.3g}x")
    return "; ".join(parts)


def _write(path: Path, report: dict[str, Any]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(report, indent=1, default=_jsonable))
    tmp.replace(path)


def _jsonable(x: Any) -> Any:
    if hasattr(x, "tolist"):
        return x.tolist()
    return str(x)


def run_items(report: dict[str, Any], names: list[str], sides: list[tuple[str, Any]],
              profile: dict[str, dict[str, Any]], t_start: float, deadline: float,
              out: Path) -> None:
    """Each item on each side (``(label, device)``: the device side first, then the
    CPU's), within ``deadline``; the report is rewritten after every item."""
    from _device_items import ITEMS

    for k, name in enumerate(names, 1):
        entry: dict[str, Any] = {"description": ITEMS[name], "sides": {}}
        report["items"][name] = entry
        left = deadline - time.perf_counter()
        if left < MIN_SIDE_S:
            entry["status"] = "skipped"
            entry["message"] = "budget spent before this item started"
            print(f"[{k}/{len(names)}] {name}: skipped (budget spent)", flush=True)
            continue
        # the device side may use up to its share of what is left (the CPU side the
        # rest): items still to come keep time too
        share = left / (len(names) - k + 1)
        for j, (label, d) in enumerate(sides):
            side_left = deadline - time.perf_counter()
            if side_left < MIN_SIDE_S:
                entry["sides"][label] = {"status": "skipped", "device": str(d),
                                          "message": "budget spent before this side"}
                continue
            frac = 0.4 if (len(sides) == 2 and j == 0) else 1.0
            t_side = time.perf_counter()
            side_deadline = min(deadline, t_side + max(frac * share, MIN_SIDE_S))
            entry["sides"][label] = run_side(name, d, profile[label], side_deadline)
            share = max(share - (time.perf_counter() - t_side), MIN_SIDE_S)
        statuses = [r["status"] for r in entry["sides"].values()]
        entry["status"] = ("ok" if all(s == "ok" for s in statuses) else
                           "failed" if all(s != "ok" for s in statuses) else "partial")
        if len(sides) == 2 and entry["status"] == "ok":
            t_dev = entry["sides"]["device"]["time_per_iteration_s"]
            t_cpu = entry["sides"]["cpu"]["time_per_iteration_s"]
            entry["cpu_over_device"] = t_cpu / t_dev
        print(f"[{k}/{len(names)}] {name} ({time.perf_counter() - t_start:.0f} s): "
              f"{_summary(entry)}", flush=True)
        report["elapsed_s"] = time.perf_counter() - t_start
        _write(out, report)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    a = parse_args(argv)
    t_start = time.perf_counter()
    dev = check_device(a.device)          # before any computing
    import torch
    from _device_items import ITEMS, SIZES

    names = list(ITEMS) if a.items is None else [x.strip() for x in a.items.split(",")]
    unknown = [x for x in names if x not in ITEMS]
    if unknown:
        raise SystemExit(f"device_check: unknown --items {unknown}; choose from "
                         f"{', '.join(ITEMS)}.")
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    threads = a.threads or _cores()
    torch.set_num_threads(threads)
    profile = SIZES["quick" if a.quick else "full"]
    sides = [("device", dev), ("cpu", torch.device("cpu"))] if dev.type == "cuda" \
        else [("cpu", dev)]
    report: dict[str, Any] = {
        "schema": SCHEMA, "command": [sys.argv[0], *(argv if argv is not None
                                                      else sys.argv[1:])],
        "started_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "device": str(dev), "quick": a.quick, "budget_s": a.budget, "dtype": "float64",
        "environment": environment(dev, threads), "items": {}, "notes": []}
    env = report["environment"]
    print(f"device_check: {dev} ({env.get('device_name', 'CPU')}), torch {env['torch']}, "
          f"numpy {env['numpy']}, CPU side {threads} threads of {env['cpu_cores']} cores, "
          f"budget {a.budget:g} s, {'quick' if a.quick else 'full'} sizes", flush=True)
    _write(out, report)
    run_items(report, names, sides, profile, t_start, t_start + a.budget, out)
    if dev.type == "cuda":
        report["max_memory_allocated_bytes"] = max(
            (r.get("max_memory_allocated_bytes", 0) for e in report["items"].values()
             for r in e["sides"].values()), default=0)
    report["elapsed_s"] = time.perf_counter() - t_start
    report["finished_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
    if report["elapsed_s"] > a.budget:
        report["notes"].append(f"elapsed {report['elapsed_s']:.0f} s exceeds the budget: "
                               "an item's last iteration ran past it")
    _write(out, report)
    print(f"device_check: {report['elapsed_s']:.1f} s; wrote {out}", flush=True)
    return report


if __name__ == "__main__":
    main()
