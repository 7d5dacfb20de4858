"""Small tanh MLPs on sin(4x) polished by Gauss-Newton: where the MLP's error stops.

The MLP-ceiling study (bench_mlp_ceiling.py) trains by Adam then L-BFGS and is
optimisation-limited on a CPU.  Here three small MLPs (76, 169 and 349 parameters;
257 Chebyshev samples on [-1, 1]) get Adam (5000 steps, cosine 1e-2 -> 1e-5) and then
6000 Levenberg-Marquardt steps (numlearn.learned.spectral.fit's "gauss_newton" phase,
dense Jacobian by torch.func), which converges quadratically where the model can fit
the data exactly.  The relative L2 error on 2001 points (against the mpmath truth) is
printed every ~660 steps: it falls fast to ~1e-6, then creeps (the ceiling), while an
explicit BWLer on the same samples reaches ~3e-16 in a few steps.

Run: OMP_NUM_THREADS=1 python bench/bench_mlp_gauss_newton.py   (about 5 minutes)
"""

from __future__ import annotations

import time
import warnings

from numlearn.learned.interpolation import InterpolationObjective, fit_bwler, sine_target
from numlearn.learned.spectral import Phase, fit
from numlearn.problems.functions import InterpolationProblem


def main() -> None:
    f = sine_target(4.0)
    prob = InterpolationProblem(f, 257, grid_size=2001)
    warnings.simplefilter("ignore", RuntimeWarning)
    bw = fit_bwler(prob, nodes=193, progress=False)
    print(f"explicit BWLer, 193 nodes (Gauss-Newton): rel L2 {bw.stats['error']:.2e}")
    for width in (5, 8, 12):
        obj = InterpolationObjective(prob, "mlp", hidden=(width,) * 3)
        t0 = time.perf_counter()
        res = fit(obj, [Phase("adam", 5000, {"lr_max": 1e-2, "lr_min": 1e-5}),
                        Phase("gauss_newton", 6000, {"mu": 1e-3})], seed=0, progress=True)
        steps, errs = res.history["step"], res.history["error"]
        stride = max(1, len(errs) // 16)
        trace = ", ".join(f"{int(steps[k])}: {errs[k]:.1e}" for k in range(0, len(errs), stride))
        print(f"MLP 3x{width} ({obj.num_parameters} parameters): rel L2 "
              f"{res.stats['error']:.2e} after {res.stats['iterations']} steps, "
              f"{time.perf_counter() - t0:.0f} s\n  {trace}")


if __name__ == "__main__":
    main()
