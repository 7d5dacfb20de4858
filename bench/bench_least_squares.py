"""Batched gradient descent for least squares: numlearn (Numba) vs NumPy vs torch CPU,
and the accuracy table of the classical side, all measured in one run.

Timing: B = 10^4 problems of the paper's distribution (n = 20, d = 5, arXiv
2503.12295), 100 steps of x <- x - eta A^T (A x - b) / n with eta = 0.5, float64.

* numlearn: ``gradient_descent(..., step_size=0.5, history=False)``, the public call
  (validation, one batched SVD for the stats, the Numba kernel parallel over
  problems), and ``kernel``, the Numba kernel alone.
* numpy: the same iteration as two ``einsum`` contractions per step over the batch.
* torch: two ``einsum`` or two ``bmm`` per step, float64, CPU (only if torch is
  importable; the library itself never imports torch).

Time: best of 3 after a warm-up (JIT / cache load); ratios are against the Numba
kernel.  Difference: max |x - x_numlearn| over the batch, in units of eps * max |x|.

Accuracy (2000 problems, seed 0): median and IQR of ||x_k - x*||^2 / d at k = 10 ...
200 for eta = 0.5, 0.6 and the optimal step 2 / (L + mu); the float64 references (QR,
SVD, LSQR, QR + double-double refinement) against x* and against the mpmath oracle
(first 200 problems); the observed contraction rate (||e_40|| / ||e_10||)^(1/30) over
the predicted max |1 - eta lambda| at eta = 0.5.

Run:  python bench/bench_least_squares.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

B, N, D, STEPS, ETA = 10_000, 20, 5, 100, 0.5
ACC_B, ACC_MP = 2000, 200
KS = (10, 20, 40, 60, 80, 100, 200)
EPS = np.finfo(np.float64).eps


def _best(fn: Callable[[], np.ndarray], repeat: int = 3) -> tuple[float, np.ndarray]:
    out = fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def timing() -> list[dict]:
    import numba

    from numlearn.classical import _ls_kernels as _k
    from numlearn.classical.least_squares import gradient_descent
    from numlearn.problems.least_squares import sample_paper

    p = sample_paper(B, N, D, seed=0)
    A, b, x0 = (np.array(v) for v in (p.A, p.b, p.x0))  # writeable copies
    eta = np.full(B, ETA)

    def kernel() -> np.ndarray:
        out = np.empty((B, 1, D))
        _k.gd(A, b, x0, eta, STEPS, out)
        return out[:, 0]

    def public() -> np.ndarray:
        return gradient_descent(A, b, x0, steps=STEPS, step_size=ETA, history=False).value

    def numpy_einsum() -> np.ndarray:
        x = x0.copy()
        for _ in range(STEPS):
            r = np.einsum("bij,bj->bi", A, x) - b
            x = x - ETA * (np.einsum("bij,bi->bj", A, r) / N)
        return x

    methods: dict[str, Callable[[], np.ndarray]] = {
        "numlearn kernel": kernel, "numlearn public": public, "numpy einsum": numpy_einsum,
    }
    threads = {"numba": numba.get_num_threads()}
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        At = torch.from_numpy(A)
        Att = At.transpose(1, 2)
        bt = torch.from_numpy(b)[..., None]
        x0t = torch.from_numpy(x0)[..., None]

        def torch_bmm() -> np.ndarray:
            x = x0t.clone()
            for _ in range(STEPS):
                x = x - ETA * (torch.bmm(Att, torch.bmm(At, x) - bt) / N)
            return x[..., 0].numpy()

        def torch_einsum() -> np.ndarray:
            x = x0t[..., 0].clone()
            for _ in range(STEPS):
                r = torch.einsum("bij,bj->bi", At, x) - bt[..., 0]
                x = x - ETA * (torch.einsum("bij,bi->bj", At, r) / N)
            return x.numpy()

        methods["torch einsum (cpu)"] = torch_einsum
        methods["torch bmm (cpu)"] = torch_bmm
        threads["torch"] = torch.get_num_threads()

    rows = []
    ref = None
    for name, fn in methods.items():
        t, x = _best(fn)
        if ref is None:
            ref, t_ref = x, t
        rows.append({"method": name, "seconds": t, "x_kernel": t / t_ref,
                     "max_diff_eps": float(np.max(np.abs(x - ref)) / (EPS * np.abs(ref).max()))})
    print(f"batched GD, B = {B} problems (n = {N}, d = {D}), {STEPS} steps, eta = {ETA}, "
          f"float64; threads {threads}")
    print(f"{'method':>18} {'seconds':>9} {'x kernel':>9} {'max diff / eps|x|':>18}")
    for r in rows:
        print(f"{r['method']:>18} {r['seconds']:>9.4f} {r['x_kernel']:>9.1f} "
              f"{r['max_diff_eps']:>18.1f}")
    return rows


def accuracy() -> dict:
    from numlearn.classical.least_squares import gradient_descent, lstsq_reference
    from numlearn.precision.mp_linalg import mp_lstsq
    from numlearn.problems.least_squares import sample_paper

    p = sample_paper(ACC_B, seed=0)
    out: dict = {"gd": {}, "references": {}}
    print(f"\nGD on the paper's distribution, {ACC_B} problems, seed 0: "
          "median [IQR] of ||x_k - x*||^2 / d")
    print(f"{'eta':>8} " + " ".join(f"{'k=' + str(k):>27}" for k in KS))
    for eta in (0.5, 0.6, "optimal"):
        r = gradient_descent(p.A, p.b, p.x0, steps=max(KS), step_size=eta)
        m = p.mse(r.history["iterates"])
        q = {k: np.quantile(m[:, k], [0.25, 0.5, 0.75]) for k in KS}
        out["gd"][str(eta)] = q
        print(f"{eta!s:>8} " + " ".join(
            f"{v[1]:9.2e} [{v[0]:7.1e},{v[2]:7.1e}]" for v in q.values()))
        if eta == 0.5:
            x_ls = lstsq_reference(p.A, p.b, method="qr_refined").value
            e = np.linalg.norm(r.history["iterates"] - x_ls[:, None], axis=2)
            ratio = (e[:, 40] / e[:, 10]) ** (1 / 30) / r.stats["contraction"]
            out["rate_ratio"] = np.quantile(ratio, [0.0, 0.05, 0.5, 0.95, 1.0])
    print("observed / predicted contraction (eta = 0.5, k = 10..40), quantiles "
          "0/5/50/95/100%: " + " ".join(f"{v:.5f}" for v in out["rate_ratio"]))

    sub = p.subset(slice(0, ACC_MP))
    t0 = time.perf_counter()
    ora = mp_lstsq(sub.A, sub.b)
    t_mp = time.perf_counter() - t0
    print(f"\nfloat64 references: median ||x - x*||^2 / d over {ACC_B} problems; vs the "
          f"mpmath oracle (50/100 digits, {ACC_MP} problems, {t_mp:.1f} s): median and max "
          "of ||x - x_mp||^2 / d, max ||x - x_mp|| / (eps ||x_mp||)")
    for method in ("qr", "svd", "lsqr", "qr_refined"):
        t0 = time.perf_counter()
        x = lstsq_reference(p.A, p.b, method=method).value
        t = time.perf_counter() - t0
        m = p.mse(x)
        mm = np.mean((x[:ACC_MP] - ora.value) ** 2, axis=1)
        rel = np.max(np.linalg.norm(x[:ACC_MP] - ora.value, axis=1)
                     / (EPS * np.linalg.norm(ora.value, axis=1)))
        out["references"][method] = (np.median(m), np.median(mm), np.max(mm), rel)
        print(f"{method:>11}: vs x* {np.median(m):8.2e}   vs mp median {np.median(mm):8.2e} "
              f"max {np.max(mm):8.2e}   max rel/eps {rel:6.2f}   ({t:.3f} s)")
    print(f"{'mp_lstsq':>11}: vs x* {np.median(sub.mse(ora.value)):8.2e}   (x* is exact "
          "only up to the rounding of b = A x*)")
    return out


def main() -> tuple[list[dict], dict]:
    rows = timing()
    acc = accuracy()
    return rows, acc


if __name__ == "__main__":
    main()
