"""Burgers and Poisson2d-C: the explicit BWLer (and an MLP PINN on Poisson2d-C) against
the verified references, with the classical floors of the same discrete losses.

Burgers (nu = 0.01/pi, Cole-Hopf truth on the 201 x 511 evaluation grid): the classical
Gauss-Newton/QR solve of the paper-weighted space-time collocation loss
(``solve_spacetime``, continuation in nu) unmapped and with the tangent map clustering
the Chebyshev x nodes at the front, then the explicit BWLer trained on the same loss by
Gauss-Newton (``solve_explicit_bwler_burgers``).  Poisson2d-C (stored certified
reference at its evaluation points): the QR floor of the explicit BWLer loss
(``explicit_poisson_floor``), the explicit BWLer trained (``solve_bwler_poisson``) and
the MLP PINN (``solve_mlp_pinn_poisson``).  Targets (BWLer paper, Table 2): 4.63e-3
(Burgers), 1.08e-2 (Poisson).

Run:  OMP_NUM_THREADS=1 python bench/bench_burgers_poisson_learned.py [fast|paper]
(``fast``: a few minutes on one core; ``paper``: tens of minutes).
"""

from __future__ import annotations

import sys
import time
import warnings

PAPER = {"burgers": 4.63e-3, "poisson2d_c": 1.08e-2}
BURGERS_FLOORS = {"fast": [(21, 41, None), (21, 41, 1.4), (21, 41, 1.5)],
                  "paper": [(31, 61, None), (31, 61, 1.4), (31, 61, 1.5), (31, 61, 1.55),
                            (41, 61, 1.5)]}
POISSON_FLOORS = {"fast": [15, 21], "paper": [31, 41, 45, 47, 51]}


def _row(problem: str, model: str, setting: str, err: float, seconds: float,
         status: str) -> dict:
    row = {"problem": problem, "model": model, "setting": setting, "rel_l2": err,
           "seconds": seconds, "status": status}
    print(f"{problem:<12} {model:<28} {setting:<34} {err:>9.3e} {seconds:>8.1f}  {status}",
          flush=True)
    return row


def main(preset: str = "fast") -> list[dict]:
    import torch

    from numlearn.classical.spectral.spacetime import TanMap, solve_spacetime
    from numlearn.learned.spectral import (
        ExplicitBWLerPoisson,
        explicit_poisson_floor,
        solve_bwler_poisson,
        solve_explicit_bwler_burgers,
        solve_mlp_pinn_poisson,
    )

    warnings.simplefilter("ignore", RuntimeWarning)
    rows: list[dict] = []
    print(f"targets (paper): {PAPER}")
    print(f"{'problem':<12} {'model':<28} {'setting':<34} {'rel_l2':>9} {'seconds':>8}  status")
    for nt, nx, alpha in BURGERS_FLOORS[preset]:
        t0 = time.perf_counter()
        r = solve_spacetime("burgers", nt, nx, weights="paper",
                            x_map=None if alpha is None else TanMap(alpha),
                            continuation={"nu": [0.1, 0.03, 0.01]}, max_iter=60)
        rows.append(_row("burgers", "classical GN/QR (floor)",
                         f"{nt}x{nx} map={alpha}", r.stats["rel_l2"],
                         time.perf_counter() - t0, r.status.name))
    r = solve_explicit_bwler_burgers(preset=preset, progress=False)
    s = r.stats["settings"]
    rows.append(_row("burgers", "explicit BWLer (GN)",
                     f"{s['nt']}x{s['nx']} map={s['x_map']}", r.stats["rel_l2"],
                     r.stats["seconds"], r.status.name))
    for n in POISSON_FLOORS[preset]:
        t0 = time.perf_counter()
        big = preset == "paper"
        obj = ExplicitBWLerPoisson(n=n, n_interior=10_000 if big else 1000,
                                   n_boundary=250 if big else 60)
        x, st = explicit_poisson_floor(obj)
        rows.append(_row("poisson2d_c", "explicit BWLer QR (floor)",
                         f"{n}x{n} M={obj.n_interior} cond={st['cond']:.1e}",
                         obj.error(torch.as_tensor(x)), time.perf_counter() - t0, "-"))
    for name, fn in (("explicit BWLer (trained)", solve_bwler_poisson),
                     ("MLP PINN (Adam+L-BFGS)", solve_mlp_pinn_poisson)):
        r = fn(preset=preset, progress=False)
        s = r.stats["settings"]
        size = f"n={s['n']}" if "n" in s else f"hidden={s['hidden']}"
        rows.append(_row("poisson2d_c", name, f"{size} {'+'.join(s['phases'])}",
                         r.stats["rel_l2"], r.stats["seconds"], r.status.name))
    return rows


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "fast")
