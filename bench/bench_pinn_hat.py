"""BWLer-hat vs MLP PINN at an equal budget, and the MLP PINN with Adam + L-BFGS (+ NNCG).

Experiment 2 of issue 15 (BWLer, arXiv:2506.23024: "BWLer-hatted MLP vs MLP, first-order
optimizers: error lower by up to 30x (convection), 10x (reaction), 1800x (wave)"), on a
CPU budget, and the MLP PINN beside Rathore et al. (ICML 2024, arXiv:2402.01868)
Adam + L-BFGS + NNCG: 1.94e-3 / 9.92e-3 / 1.27e-2 (float32, 41,000 iterations).

Prints one row per run: the model, its optimiser phases and steps, the relative l2 error
on the problem's evaluation grid, the final loss, the seconds, and for each problem the
ratio MLP error / hat error.

Usage::

    OMP_NUM_THREADS=1 python bench/bench_pinn_hat.py --runs equal --steps 1000
    OMP_NUM_THREADS=1 python bench/bench_pinn_hat.py --runs equal --steps 20000 \
        --problems wave --adam bwler
    OMP_NUM_THREADS=1 python bench/bench_pinn_hat.py --runs lbfgs --steps 1000 \
        --lbfgs 1000 --nncg 20 --budget 300
"""

from __future__ import annotations

import argparse
import json
import time

import torch

from numlearn.learned.spectral import MLPPINN, BWLerHat
from numlearn.learned.spectral.hat import HAT_NETWORK, HAT_NODES
from numlearn.learned.spectral.pinn import FAST_PINN
from numlearn.problems.pdes import get_pde

PUBLISHED = {"convection": 1.94e-3, "reaction": 9.92e-3, "wave": 1.27e-2}


#: Adam's settings: ``cosine`` 1e-3 -> 1e-6 (our presets); ``bwler`` the BWLer code's
#: convection / reaction / wave scripts (constant 1e-3, gradient norm clipped at 1.0).
ADAM = {"cosine": {"lr_max": 1e-3, "lr_min": 1e-6},
        "bwler": {"lr_max": 1e-3, "lr_min": 1e-3, "max_grad_norm": 1.0}}


def _phases(steps: int, lbfgs: int, nncg: int, rank: int, cg: int,
            adam: str = "cosine") -> list:
    out = [("adam", steps, dict(ADAM[adam]))]
    if lbfgs:
        out.append(("lbfgs", lbfgs, {"history_size": 100}))
    if nncg:
        out.append(("nncg", nncg, {"rank": rank, "cg_max_iter": cg}))
    return out


def _minimize(objective, phases, budget: float | None) -> tuple[torch.Tensor, int]:
    """The phases by the optimisers' own ``minimize`` (before ``fit`` existed)."""
    from numlearn.learned.optim import LBFGS, NNCG, AdamCosine

    theta, done, t0 = objective.initial_parameters(0), 0, time.perf_counter()
    for name, steps, opts in phases:
        opt = {"adam": lambda n, o: AdamCosine(n, **o),
               "lbfgs": lambda n, o: LBFGS(max_iter=1, max_eval=25, **o),
               "nncg": lambda n, o: NNCG(**o)}[name](steps, opts)
        chunk = 50 if name == "adam" else 5
        left = steps
        while left > 0:
            theta, st = opt.minimize(theta, objective.loss, max_iter=min(chunk, left))
            done += len(st)
            left -= len(st)
            if len(st) < min(chunk, left + len(st)):  # stopped early (no progress)
                break
            if budget is not None and time.perf_counter() - t0 > budget:
                return theta, done
    return theta, done


def run(objective, phases, budget: float | None) -> dict:
    t0 = time.perf_counter()
    label = "+".join(f"{n} {s}" for n, s, _ in phases)
    try:
        from numlearn.learned.spectral.fit import Phase, fit
    except ImportError:
        theta, steps = _minimize(objective, phases, budget)
        error, loss = objective.error(theta), float(objective.loss(theta))
        status, how = "-", "minimize"
    else:
        res = fit(objective, [Phase(*p) for p in phases], seed=0, time_budget=budget,
                  progress=False, eval_every=max(1, sum(p[1] for p in phases) // 10))
        theta, steps = res.stats["theta"], int(res.stats["iterations"])
        error, loss = float(res.stats["error"]), float(res.stats["loss"])
        status, how = res.status.code, "fit"
    return {"model": objective.name, "phases": label, "steps": steps, "error": error,
            "loss": loss, "seconds": time.perf_counter() - t0, "status": status,
            "trainer": how, "params": int(theta.numel())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", choices=("equal", "lbfgs"), default="equal")
    ap.add_argument("--problems", default="convection,reaction,wave")
    ap.add_argument("--steps", type=int, default=1000, help="Adam steps")
    ap.add_argument("--lbfgs", type=int, default=0, help="L-BFGS iterations after Adam")
    ap.add_argument("--nncg", type=int, default=0, help="NNCG steps after L-BFGS")
    ap.add_argument("--rank", type=int, default=60)
    ap.add_argument("--cg", type=int, default=100)
    ap.add_argument("--weights", default="bwler", help="PINN loss weights (lbfgs runs)")
    ap.add_argument("--network", choices=("fast", "paper"), default="fast")
    ap.add_argument("--adam", choices=tuple(ADAM), default="cosine",
                    help="Adam's rate and clip (see ADAM)")
    ap.add_argument("--embedding", choices=("raw", "periodic"), default="raw",
                    help="the hat's input on a Fourier x axis (convection): raw x or "
                         "(sin x, cos x)")
    ap.add_argument("--budget", type=float, default=None, help="seconds per run")
    ap.add_argument("--json", default=None, help="append the rows to this JSON-lines file")
    a = ap.parse_args()
    torch.set_num_threads(1)
    net = HAT_NETWORK[a.network]
    rows = []
    for name in a.problems.split(","):
        p = get_pde(name)
        phases = _phases(a.steps, a.lbfgs, a.nncg, a.rank, a.cg, a.adam)
        if a.runs == "equal":
            emb = {"embedding": a.embedding} if name == "convection" else {}
            hat = BWLerHat(p, **HAT_NODES[name], **net, **emb)
            pinn = MLPPINN(p, **FAST_PINN[name], **net)
            r_hat, r_mlp = run(hat, phases, a.budget), run(pinn, phases, a.budget)
            r_mlp["ratio"] = r_mlp["error"] / r_hat["error"]
            new = [r_hat, r_mlp]
        else:
            pinn = MLPPINN(p, **FAST_PINN[name], **net, weights=a.weights)
            r = run(pinn, phases, a.budget)
            r["published"] = PUBLISHED.get(name)
            new = [r]
        for r in new:
            r["problem"] = name
            r["adam"] = a.adam
            print(f"{name:10s} {r['model']:38s} {r['phases']:28s} steps {r['steps']:6d} "
                  f"err {r['error']:.3e} loss {r['loss']:.3e} {r['seconds']:7.1f} s "
                  f"{r['status']}" + (f" ratio {r['ratio']:.2f}" if "ratio" in r else "")
                  + (f" published {r['published']:.2e}" if r.get("published") else ""),
                  flush=True)
            if a.json:
                with open(a.json, "a") as fh:
                    fh.write(json.dumps(r) + "\n")
        rows += new


if __name__ == "__main__":
    main()
