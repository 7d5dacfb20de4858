"""The measurements of ``bench/device_check.py``: one function per item, each run on one
torch device with the settings of one side (``SIZES[profile][side]``).

Every item returns a dict with ``time_per_iteration_s`` (the median of the timed
iterations after warm-up; CUDA synchronised before and after each), the raw
``times_s``, and what else the item measures (final errors, tokens/s ...).  Settings are
float64 and seeded throughout.  The sizes are chosen so that the whole check finishes in
a few minutes on a machine with one GPU and 16 CPU cores (the CPU side runs the same
problem sizes with fewer steps); ``quick`` is for a CPU-only test run (seconds).
"""

from __future__ import annotations

import math
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

F64 = torch.float64

# Per profile and side ("device": the device asked for, "cpu": the CPU side of the same
# run).  The problem sizes are the same on both sides of a profile (so the times per
# iteration compare); only the step counts differ.
_FULL: dict[str, Any] = {
    "bwler_nodes": (81, 80), "beta": 40.0, "gn_steps": 4, "jacfwd_steps": 2,
    "hat_nodes": (81, 80), "hat_hidden": (256, 256, 256), "adam_steps": 200,
    "pinn_adam": 200, "pinn_lbfgs": 50, "pinn": "rathore",
    "nncg_steps": 4, "nncg_rank": 60, "nncg_cg": 50,
    "modal_C": (108, 1024), "modal_L": 2048, "modal_d": 16,
    "adamw_steps": (20, 60), "lm_steps": (3, 9),
    "gen_L": 8192, "gen_shapes": ((1, 256), (8, 256)), "gen_d": 16,
    "gen_tokens": 256, "fft_tokens": 16, "warmup": 3}
_QUICK: dict[str, Any] = {
    "bwler_nodes": (41, 4), "beta": 10.0, "gn_steps": 3, "jacfwd_steps": 1,
    "hat_nodes": (21, 8), "hat_hidden": (16, 16), "adam_steps": 5,
    "pinn_adam": 5, "pinn_lbfgs": 3, "pinn": "small",
    "nncg_steps": 2, "nncg_rank": 8, "nncg_cg": 5,
    "modal_C": (4, 8), "modal_L": 128, "modal_d": 4,
    "adamw_steps": (3, 6), "lm_steps": (1, 2),
    "gen_L": 512, "gen_shapes": ((1, 8),), "gen_d": 4,
    "gen_tokens": 8, "fft_tokens": 2, "warmup": 1}
SIZES: dict[str, dict[str, dict[str, Any]]] = {
    "full": {"device": _FULL,
             # the CPU side: the same sizes, fewer steps (one thread of this 2-core
             # machine took 528 s for these; see docs/notes/device_check.md)
             "cpu": {**_FULL, "gn_steps": 3, "jacfwd_steps": 1, "adam_steps": 20,
                     "pinn_adam": 20, "pinn_lbfgs": 5, "nncg_steps": 2,
                     "adamw_steps": (5, 15), "lm_steps": (1, 3), "gen_tokens": 64,
                     "fft_tokens": 4, "warmup": 1}},
    "quick": {"device": _QUICK, "cpu": _QUICK},
}

#: What each item measures (printed and stored in the JSON).
ITEMS: dict[str, str] = {
    "explicit_bwler": "explicit BWLer on convection: s per Gauss-Newton step (constant "
                      "Jacobian, mu = 1e-12, and re-formed by jacfwd), final relative L2",
    "bwler_hat": "BWLer-hat on convection: s per Adam step",
    "mlp_pinn": "MLP PINN 3 x 50 (Rathore collocation) on convection: s per Adam step "
                "and per L-BFGS iteration",
    "nncg": "NNCG on the MLP PINN loss: s per step (Nystrom sketch timed apart)",
    "fit_modal": "fit_modal on Hyena filters: AdamW recipe and varpro-lm steps per s",
    "generation": "DistilledConv: recurrence and FFT-recompute tokens/s, recurrence vs "
                  "FFT agreement",
}


def sync(device: torch.device) -> None:
    """Wait for the device's queued work (a no-op on the CPU)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def timed_steps(step: Callable[[], Any], device: torch.device, *, warmup: int,
                repeats: int, deadline: float) -> dict[str, Any]:
    """Run ``step`` ``warmup`` times untimed, then up to ``repeats`` times timed (at
    least once; no more once ``time.perf_counter()`` passes ``deadline``).  Returns
    ``times_s`` and their median ``time_per_iteration_s``."""
    for _ in range(warmup):
        step()
        if time.perf_counter() > deadline:
            break
    sync(device)
    times: list[float] = []
    while len(times) < max(repeats, 1):
        t0 = time.perf_counter()
        step()
        sync(device)
        times.append(time.perf_counter() - t0)
        if time.perf_counter() > deadline:
            break
    return {"time_per_iteration_s": statistics.median(times), "times_s": times,
            "warmup": warmup}


def _loss(obj: Any, theta: torch.Tensor) -> float:
    with torch.no_grad():
        return float(obj.loss(theta))


def _convection(beta: float) -> Any:
    from numlearn.problems.pdes import get_pde

    return get_pde("convection", beta=beta)


# ------------------------------------------------------------------- 1. explicit BWLer

def explicit_bwler(device: torch.device, s: dict[str, Any], deadline: float) -> dict:
    """Gauss-Newton / Levenberg-Marquardt (``mu = 1e-12``) on the explicit BWLer, as
    ``solve_explicit_bwler`` trains it: the constant Jacobian formed once, ``J^T J`` and
    its Cholesky factor in the first step, refinement steps after.  Then the cost of a
    step with the Jacobian re-formed by ``jacfwd`` (the nonlinear problems' step)."""
    from numlearn.learned.optim import LevenbergMarquardt, jacobian_of
    from numlearn.learned.spectral import ExplicitBWLer

    nt, nx = s["bwler_nodes"]
    obj = ExplicitBWLer(_convection(s["beta"]), nt, nx, weights="paper", dtype=F64,
                        device=device)

    def res(th: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return obj.residual_vector(th)

    t0 = time.perf_counter()
    held = {"J": obj.constant_jacobian()}
    sync(device)
    t_jac = time.perf_counter() - t0

    def fixed(th: torch.Tensor) -> torch.Tensor:
        return held["J"]

    fixed.fixed = True  # type: ignore[attr-defined]
    lm = LevenbergMarquardt(mu=1e-12)
    theta = obj.initial_parameters(0)
    times, errors = [], []
    for _ in range(s["gn_steps"]):
        t0 = time.perf_counter()
        theta = lm.step(theta, res, fixed).theta
        sync(device)
        times.append(time.perf_counter() - t0)
        errors.append(obj.error(theta))
        if time.perf_counter() > deadline:
            break
    held.clear()
    del lm  # frees J, J^T J and the factor before the jacfwd steps
    out: dict[str, Any] = {
        "nodes": [nt, nx], "beta": s["beta"], "parameters": nt * nx,
        "residuals": int(res(theta).numel()),
        "time_per_iteration_s": (t_jac + sum(times)) / len(times),
        "jacobian_s": t_jac, "first_step_s": times[0],
        "refine_step_s": statistics.median(times[1:]) if len(times) > 1 else None,
        "times_s": times, "errors": errors, "final_rel_l2": errors[-1], "target": 1e-13,
        "target_met": bool(errors[-1] <= 1e-13)}
    if s["jacfwd_steps"] and time.perf_counter() < deadline:
        lm2 = LevenbergMarquardt(mu=1e-12)
        jac = jacobian_of(obj.residual_vector, "fwd")
        th = obj.initial_parameters(0)

        def step() -> None:
            lm2.step(th, res, jac)

        t = timed_steps(step, device, warmup=1, repeats=s["jacfwd_steps"],
                        deadline=deadline)
        out["jacfwd_step_s"] = t["time_per_iteration_s"]
        out["jacfwd_times_s"] = t["times_s"]
    return out


def _adam_timed(obj: Any, n: int, warmup: int, device: torch.device,
                deadline: float) -> tuple[dict[str, Any], list[torch.Tensor]]:
    """``warmup`` + up to ``n`` timed AdamCosine steps (cosine over all of them) on
    ``obj.loss`` from its seed-0 start: the timings and ``[theta]`` at the end."""
    from numlearn.learned.optim import AdamCosine

    opt = AdamCosine(n + warmup)
    box = [obj.initial_parameters(0)]

    def step() -> None:
        box[0] = opt.step(box[0], obj.loss).theta

    return timed_steps(step, device, warmup=warmup, repeats=n, deadline=deadline), box


# ------------------------------------------------------------------- 2. BWLer-hat

def bwler_hat(device: torch.device, s: dict[str, Any], deadline: float) -> dict:
    """Adam (cosine 1e-3 -> 1e-6) on the BWLer-hat's loss: s per step, loss and error
    after the steps (a short run: the error is not a converged one)."""
    from numlearn.learned.spectral import BWLerHat

    nt, nx = s["hat_nodes"]
    obj = BWLerHat(_convection(s["beta"]), nt, nx, hidden=s["hat_hidden"], init="torch",
                   dtype=F64, device=device)
    t, box = _adam_timed(obj, s["adam_steps"], s["warmup"], device, deadline)
    return {"nodes": [nt, nx], "hidden": list(s["hat_hidden"]),
            "parameters": int(box[0].numel()), **t, "steps": len(t["times_s"]),
            "loss": _loss(obj, box[0]), "rel_l2_after_steps": obj.error(box[0])}


# ------------------------------------------------------------------- 3. MLP PINN

def _pinn(device: torch.device, s: dict[str, Any]) -> Any:
    from numlearn.learned.spectral import MLPPINN
    from numlearn.learned.spectral.pinn import PAPER_PINN

    kw = (dict(PAPER_PINN) if s["pinn"] == "rathore" else
          {"hidden": (16, 16), "grid": (8, 8), "n_ic": 9, "n_bc": 5})
    return MLPPINN(_convection(s["beta"]), **kw, dtype=F64, device=device), kw


def mlp_pinn(device: torch.device, s: dict[str, Any], deadline: float) -> dict:
    """Adam then L-BFGS (strong Wolfe, history 100, one iteration per step, at most 25
    evaluations) on the PINN loss: s per Adam step and per L-BFGS iteration."""
    from numlearn.learned.optim import LBFGS

    obj, kw = _pinn(device, s)
    ta, box = _adam_timed(obj, s["pinn_adam"], s["warmup"], device, deadline)
    lbfgs = LBFGS(max_iter=1, max_eval=25, history_size=100)
    evals: list[int] = []

    def lbfgs_step() -> None:
        st = lbfgs.step(box[0], obj.loss)
        box[0] = st.theta
        evals.append(st.evaluations)

    tl = timed_steps(lbfgs_step, device, warmup=1, repeats=s["pinn_lbfgs"],
                     deadline=deadline)
    return {"network": list(kw["hidden"]), "collocation": s["pinn"],
            "residual_points": int(obj.residuals(box[0])["pde"].numel()),
            "parameters": int(box[0].numel()),
            "time_per_iteration_s": ta["time_per_iteration_s"], "adam_times_s": ta["times_s"],
            "lbfgs_iteration_s": tl["time_per_iteration_s"], "lbfgs_times_s": tl["times_s"],
            "lbfgs_evaluations": evals, "loss": _loss(obj, box[0]),
            "rel_l2_after_steps": obj.error(box[0])}


# ------------------------------------------------------------------- 4. NNCG

def nncg(device: torch.device, s: dict[str, Any], deadline: float) -> dict:
    """NNCG (rank ``nncg_rank`` Nystrom sketch, at most ``nncg_cg`` CG iterations,
    mu = 1e-2) on the MLP PINN loss from its initialisation: the first step (with the
    sketch) timed apart, then the median of the next steps."""
    from numlearn.learned.optim import NNCG

    obj, _ = _pinn(device, s)
    opt = NNCG(rank=s["nncg_rank"], cg_max_iter=s["nncg_cg"], seed=0)
    box = [obj.initial_parameters(0)]
    cg: list[int] = []

    def step() -> None:
        st = opt.step(box[0], obj.loss)
        box[0] = st.theta
        cg.append(st.cg_iterations)

    t0 = time.perf_counter()
    step()
    sync(device)
    first = time.perf_counter() - t0
    t = timed_steps(step, device, warmup=0, repeats=s["nncg_steps"], deadline=deadline)
    return {"rank": s["nncg_rank"], "cg_max_iter": s["nncg_cg"], "first_step_s": first,
            **t, "cg_iterations": cg, "loss": _loss(obj, box[0])}


# ------------------------------------------------------------------- 5. fit_modal

def fit_modal_item(device: torch.device, s: dict[str, Any], deadline: float) -> dict:
    """``fit_modal`` from the authors' ring on ``hyena_filters(C, L, emb_dim=33,
    order=64)``: AdamW (the authors' recipe, unconstrained radius) and varpro-lm.
    Seconds per step = the difference of two runs of ``n1`` and ``n2`` steps (after a
    warm-up run on an accelerator) over ``n2 - n1`` steps, so the set-up and the final
    error evaluation (NumPy, on the CPU: seconds at C = 1024) cancel."""
    from numlearn.learned.reduction.modal_fit import fit_modal
    from numlearn.problems.filters import HYENA_LM, hyena_filters

    out: dict[str, Any] = {"L": s["modal_L"], "d": s["modal_d"]}
    for C in s["modal_C"]:
        h = hyena_filters(C, s["modal_L"], seed=0, **HYENA_LM).h
        row: dict[str, Any] = {}
        for method, steps, kw in (("adamw", s["adamw_steps"], {"constrain": False}),
                                  ("varpro-lm", s["lm_steps"], {})):
            if time.perf_counter() > deadline:
                row[method] = "skipped: the item's time ran out"
                continue

            def run(n: int, method: str = method, kw: dict = kw, h: Any = h) -> Any:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return fit_modal(h, s["modal_d"], init="ring", method=method, steps=n,
                                     seed=0, progress=False, device=device, **kw)

            if device.type != "cpu":
                run(1)  # warm-up (kernels, FFT plans); each run's set-up costs seconds
            n1, n2 = steps
            t0 = time.perf_counter()
            r1 = run(n1)
            t1 = time.perf_counter()
            r2 = run(n2)
            t2 = time.perf_counter()
            it1, it2 = int(r1.stats["iterations"]), int(r2.stats["iterations"])
            diff = ((t2 - t1) - (t1 - t0)) / (it2 - it1) if it2 > it1 else -1.0
            # the difference, or (timer noise on tiny runs) the whole run's mean, an
            # upper bound that includes the set-up
            per, how = (diff, "difference") if diff > 0 else ((t2 - t1) / it2, "whole run")
            row[method] = {"steps": [it1, it2], "run_s": [t1 - t0, t2 - t1],
                           "seconds_per_step": per, "estimate": how,
                           "steps_per_s": 1.0 / per,
                           "median_rel_l2": float(np.median(r2.stats["rel_l2"]))}
        out[f"C={C}"] = row
    firsts = [r["adamw"]["seconds_per_step"] for k, r in out.items()
              if k.startswith("C=") and isinstance(r.get("adamw"), dict)]
    out["time_per_iteration_s"] = firsts[-1] if firsts else math.nan
    return out


# ------------------------------------------------------------------- 6. generation

def _modal(rng: np.random.Generator, D: int, d: int) -> Any:
    """A random stable real ModalSSM, radii U[0.5, 0.999] (as bench_generation.py)."""
    from numlearn.classical.reduction.modal import ModalSSM

    lam = rng.uniform(0.5, 0.999, (D, d)) * np.exp(1j * rng.uniform(0.05, np.pi - 0.05, (D, d)))
    res = (rng.standard_normal((D, d)) + 1j * rng.standard_normal((D, d))) / np.sqrt(d)
    return ModalSSM(lam, res, rng.standard_normal(D))


def _rel(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max() / b.abs().max())


def _generation_row(conv: Any, u: torch.Tensor, n: int, nb: int,
                    deadline: float) -> dict[str, Any]:
    """Tokens/s of the recurrence (``n`` tokens) and of the FFT recompute (``nb``) at
    the last positions of ``u`` (B, D, L), each against ``conv(u)`` (FFT convolution)."""
    device, (B, D, L) = u.device, u.shape
    y_ref = conv(u)
    state0 = conv.prefill(u[..., :L - n])
    box: list[Any] = [None]

    def rec() -> None:
        box[0] = conv.run_steps(state0, u[..., L - n:])[0]

    t_a = timed_steps(rec, device, warmup=1, repeats=3, deadline=deadline)
    err_a = _rel(box[0], y_ref[..., L - n:])
    spec = torch.fft.rfft(conv.impulse_response(L), n=2 * L, dim=-1)     # cached
    hist = torch.zeros(B, D, L, dtype=F64, device=device)
    hist[..., :L - nb] = u[..., :L - nb]

    def fft() -> None:
        ys = []
        for t in range(L - nb, L):
            hist[..., t] = u[..., t]
            full = torch.fft.irfft(torch.fft.rfft(hist[..., :t + 1], n=2 * L, dim=-1)
                                   * spec, n=2 * L, dim=-1)
            ys.append(full[..., t])
        box[0] = torch.stack(ys, dim=-1)

    t_b = timed_steps(fft, device, warmup=1, repeats=3, deadline=deadline)
    return {"recurrence_tokens_per_s": n / t_a["time_per_iteration_s"],
            "fft_recompute_tokens_per_s": nb / t_b["time_per_iteration_s"],
            "rel_diff_recurrence_vs_fft": err_a,
            "rel_diff_fft_recompute": _rel(box[0], y_ref[..., L - nb:]),
            "state_bytes_per_sequence": conv.state_bytes(1), "y_ref": y_ref}


def generation(device: torch.device, s: dict[str, Any], deadline: float) -> dict:
    """Per (B, D): ``DistilledConv.step`` per token at positions just below L from the
    FFT prefill of the prompt (tokens/s = tokens / median time of 3 runs), the FFT
    recompute of the whole prefix per token (as ``bench/bench_generation.py``), and the
    max relative difference of the generated outputs from ``forward`` (FFT convolution)
    on the same device; also the device's ``forward`` against the CPU's."""
    from numlearn.learned.layers.recurrent import DistilledConv

    L, n, nb = s["gen_L"], s["gen_tokens"], s["fft_tokens"]
    rng = np.random.default_rng(0)
    out: dict[str, Any] = {"L": L, "d": s["gen_d"], "tokens": n, "fft_tokens": nb}
    worst = 0.0
    for B, D in s["gen_shapes"]:
        model = _modal(rng, D, s["gen_d"])
        u_cpu = torch.from_numpy(rng.standard_normal((B, D, L)))
        row = _generation_row(DistilledConv.from_modal_ssm(model, dtype=F64, device=device),
                              u_cpu.to(device), n, nb, deadline)
        if device.type != "cpu":
            ref_cpu = DistilledConv.from_modal_ssm(model, dtype=F64)(u_cpu)
            row["rel_diff_device_vs_cpu_forward"] = _rel(row.pop("y_ref").cpu(), ref_cpu)
        row.pop("y_ref", None)
        worst = max(worst, row["rel_diff_recurrence_vs_fft"])
        out[f"B={B},D={D}"] = row
        if time.perf_counter() > deadline:
            break
    first = next(v for k, v in out.items() if k.startswith("B="))
    out["time_per_iteration_s"] = 1.0 / first["recurrence_tokens_per_s"]
    out["max_rel_diff_recurrence_vs_fft"] = worst
    out["agreement_ok"] = bool(worst <= 1e-12)
    return out


RUNNERS: dict[str, Callable[[torch.device, dict[str, Any], float], dict]] = {
    "explicit_bwler": explicit_bwler, "bwler_hat": bwler_hat, "mlp_pinn": mlp_pinn,
    "nncg": nncg, "fit_modal": fit_modal_item, "generation": generation,
}
