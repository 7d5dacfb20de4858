"""``bench/device_check.py``: the one-call GPU check of issues 15 and 17, tested on the
CPU with its ``--quick`` sizes (the GPU run itself needs a lent machine).

Subprocesses, so that the script's ``torch.set_num_threads`` and ``sys.path`` changes
stay out of the test process."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "device_check.py"
ITEMS = ("explicit_bwler", "bwler_hat", "mlp_pinn", "nncg", "fit_modal", "generation")


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=ROOT)


def _finite_positive(x: object) -> bool:
    return isinstance(x, float | int) and math.isfinite(x) and x > 0


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("device_check") / "dc.json"
    proc = _run("--device", "cpu", "--quick", "--threads", "1", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    for k, name in enumerate(ITEMS, 1):  # one progress line per item
        assert f"[{k}/{len(ITEMS)}] {name}" in proc.stdout
    return json.loads(out.read_text())


def test_quick_cpu_run_structure(quick_report):
    r = quick_report
    assert r["schema"] == 1 and r["device"] == "cpu" and r["quick"] is True
    assert r["dtype"] == "float64"
    env = r["environment"]
    for key in ("torch", "numpy", "cpu_cores", "torch_threads_cpu_side", "git_commit",
                "cuda_available", "source_sha256"):
        assert key in env
    assert len(env["source_sha256"]) == 64
    assert env["torch"] == torch.__version__ and env["torch_threads_cpu_side"] == 1
    assert tuple(r["items"]) == ITEMS
    assert _finite_positive(r["elapsed_s"]) and r["elapsed_s"] <= r["budget_s"]
    for name, item in r["items"].items():
        assert item["status"] in ("ok", "failed", "partial"), name
        assert set(item["sides"]) == {"cpu"}, name          # no device side on a CPU run
        side = item["sides"]["cpu"]
        if side["status"] == "ok":
            assert _finite_positive(side["time_per_iteration_s"]), name
        else:
            assert side["status"] == "failed" and side["message"], name


def test_quick_cpu_run_measures_what_it_says(quick_report):
    items = {k: v["sides"]["cpu"] for k, v in quick_report["items"].items()}
    assert all(v["status"] == "ok" for v in items.values()), \
        {k: v.get("message") for k, v in items.items() if v["status"] != "ok"}
    bw = items["explicit_bwler"]
    # the target for convection (beta = 40 there; 10 here on 41 x 4 nodes, the
    # preset's grid for it), against the closed-form solution sin(x - beta t)
    assert bw["final_rel_l2"] <= 1e-13 and bw["target_met"] is True
    assert len(bw["times_s"]) == 3 and _finite_positive(bw["jacfwd_step_s"])
    gen = items["generation"]
    # recurrence and FFT convolution are two algorithms for the same outputs
    assert gen["max_rel_diff_recurrence_vs_fft"] <= 1e-12 and gen["agreement_ok"]
    row = gen["B=1,D=8"]
    assert _finite_positive(row["recurrence_tokens_per_s"])
    assert row["rel_diff_fft_recompute"] <= 1e-12
    pinn = items["mlp_pinn"]
    assert _finite_positive(pinn["lbfgs_iteration_s"]) and len(pinn["adam_times_s"]) == 5
    fm = items["fit_modal"]
    for C in ("C=4", "C=8"):
        for method in ("adamw", "varpro-lm"):
            assert _finite_positive(fm[C][method]["seconds_per_step"]), (C, method)
    assert items["nncg"]["cg_iterations"] and _finite_positive(items["nncg"]["first_step_s"])


def test_budget_skips_the_items_with_a_note(tmp_path):
    out = tmp_path / "dc.json"
    proc = _run("--device", "cpu", "--quick", "--threads", "1", "--budget", "0.001",
                "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    r = json.loads(out.read_text())
    assert [v["status"] for v in r["items"].values()] == ["skipped"] * len(ITEMS)
    assert all("budget" in v["message"] for v in r["items"].values())
    assert "skipped (budget spent)" in proc.stdout


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_cuda_is_a_clear_error_before_any_work(tmp_path):
    out = tmp_path / "dc.json"
    proc = _run("--device", "cuda", "--out", str(out))
    assert proc.returncode != 0
    assert "CUDA is not available" in proc.stderr and "--device cpu" in proc.stderr
    assert not out.exists()                     # nothing was computed or written


def test_unknown_item_and_bad_budget_are_refused(tmp_path):
    out = tmp_path / "dc.json"
    proc = _run("--device", "cpu", "--items", "nope", "--out", str(out))
    assert proc.returncode != 0 and "unknown --items" in proc.stderr
    proc = _run("--device", "cpu", "--budget", "-1", "--out", str(out))
    assert proc.returncode == 2 and "--budget must be > 0" in proc.stderr
    assert not out.exists()


def test_a_failing_item_is_recorded_and_the_next_runs(monkeypatch):
    """In process: ``run_side`` turns an exception into a recorded failure."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("_dc_under_test", SCRIPT)
    dc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dc)
    import _device_items

    def boom(device, sizes, deadline):
        raise RuntimeError("out of memory (simulated)")

    monkeypatch.setitem(_device_items.RUNNERS, "nncg", boom)
    monkeypatch.setitem(_device_items.RUNNERS, "bwler_hat",
                        lambda device, sizes, deadline: {"time_per_iteration_s": math.nan})
    cpu = torch.device("cpu")
    failed = dc.run_side("nncg", cpu, {}, deadline=0.0)
    assert failed["status"] == "failed" and "out of memory (simulated)" in failed["message"]
    nan = dc.run_side("bwler_hat", cpu, {}, deadline=0.0)
    assert nan["status"] == "failed" and "no finite time" in nan["message"]


def test_two_sided_run_records_both_and_the_ratio(monkeypatch, tmp_path, capsys):
    """The GPU run's orchestration (a device side, then the CPU side, the ratio), with
    the CPU standing in for the device (quick sizes)."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("_dc_two_sided", SCRIPT)
    dc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dc)
    import _device_items

    report: dict = {"items": {}}
    out = tmp_path / "dc.json"
    sides = [("device", torch.device("cpu")), ("cpu", torch.device("cpu"))]
    t0 = __import__("time").perf_counter()
    dc.run_items(report, ["explicit_bwler", "generation"], sides,
                 _device_items.SIZES["quick"], t0, t0 + 120, out)
    assert json.loads(out.read_text())["items"].keys() == {"explicit_bwler", "generation"}
    for name, item in report["items"].items():
        assert set(item["sides"]) == {"device", "cpu"}, name
        assert item["status"] == "ok", {k: v.get("message") for k, v in item["sides"].items()}
        ratio = item["cpu_over_device"]
        assert math.isfinite(ratio) and ratio > 0
    assert capsys.readouterr().out.count("cpu/device") == 2     # one line per item
