r"""Entry points of the learned Burgers and Poisson2d-C solvers (trained by :func:`fit`).

- :func:`solve_explicit_bwler_burgers`: the explicit BWLer
  (:class:`~numlearn.learned.spectral.ExplicitBWLer`, paper weights) on Burgers
  (:math:`u_t + uu_x = \nu u_{xx}`, :math:`\nu = 0.01/\pi`) with its Chebyshev x nodes
  clustered at the front :math:`x = 0` by a tangent map
  (:class:`~numlearn.classical.spectral.spacetime.TanMap`), trained by Gauss-Newton
  (Levenberg-Marquardt, ``torch.func`` Jacobian) from the initial condition extended in
  time (Newton's start in
  :func:`~numlearn.classical.spectral.spacetime.solve_spacetime_newton`).
- :func:`solve_bwler_poisson`: :class:`~numlearn.learned.spectral.ExplicitBWLerPoisson`
  by Gauss-Newton (``"fast"``) or L-BFGS (``"paper"``: the 51 x 51 layer is too large
  for a dense Jacobian of the 10,000-point residual).
- :func:`solve_mlp_pinn_poisson`: :class:`~numlearn.learned.spectral.MLPPINNPoisson` by
  Adam then L-BFGS.

Each returns :func:`fit`'s `Result` (``value`` on the problem's evaluation grid or
points, ``side="learned"``, an honest ``status``), with ``stats["rel_l2"]`` and
``stats["settings"]``; ``preset="fast"`` is a seconds-long run, ``"paper"`` the
measured setting of the notes (minutes).  Measured numbers: the notes
(*burgers_poisson_learned*) and ``bench/bench_burgers_poisson_learned.py``.

References
----------
.. [1] J. Liu et al., "BWLer: Barycentric Weight Layer Elucidates a
   Precision-Conditioning Tradeoff for PINNs", arXiv:2506.23024 (2025).
.. [2] A. Bayliss and E. Turkel, "Mappings and accuracy for Chebyshev pseudo-spectral
   approximations", J. Comput. Phys. 101 (1992) 349-359.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from numlearn._core.result import Result
from numlearn._core.validation import check_choice

__all__ = ["solve_bwler_poisson", "solve_explicit_bwler_burgers", "solve_mlp_pinn_poisson"]

_PRESETS = ("fast", "paper")

#: nt, nx, tangent-map alpha, Gauss-Newton steps (notes: 21x41 reaches the classical
#: floor 4.6e-3 in about 10 steps; 31x61 at alpha 1.5 has floor 6.5e-4).
_BURGERS = {"fast": {"nt": 21, "nx": 41, "x_map": 1.5, "steps": 30},
            "paper": {"nt": 31, "nx": 61, "x_map": 1.5, "steps": 40}}
_POISSON_BWLER = {"fast": {"n": 41, "n_interior": 10_000, "n_boundary": 250,
                           "phases": [("gauss_newton", 8, {"jacobian": "constant",
                                                            "mu": 1e-8})]},
                  "paper": {"n": 47, "n_interior": 10_000, "n_boundary": 250,
                            "phases": [("gauss_newton", 8, {"jacobian": "constant",
                                                             "mu": 1e-8})]}}
_POISSON_MLP = {"fast": {"hidden": (20, 20, 20), "n_interior": 1000, "n_boundary": 60,
                         "phases": [("adam", 300, {"lr_max": 3e-3}), ("lbfgs", 100, {})]},
                "paper": {"hidden": (32, 32, 32), "n_interior": 2000, "n_boundary": 100,
                          "phases": [("adam", 3000, {"lr_max": 1e-2, "lr_min": 1e-4}),
                                     ("lbfgs", 1500, {"history_size": 100})]}}


def _phases(spec: list[tuple[str, int, dict[str, Any]]], steps: int | None) -> list[Any]:
    from numlearn.learned.spectral.fit import Phase

    out = []
    for k, (opt, n, options) in enumerate(spec):
        last = k == len(spec) - 1
        out.append(Phase(opt, steps if (last and steps is not None) else n, dict(options)))
    return out


def _finish(result: Result, objective: Any, settings: dict[str, Any]) -> Result:
    result.stats["settings"] = settings
    result.method = f"{objective.name} ({result.method})" if result.method else objective.name
    return result


def solve_explicit_bwler_burgers(
    problem: Any = "burgers",
    *,
    preset: str = "fast",
    nt: int | None = None,
    nx: int | None = None,
    x_map: Any = "preset",
    steps: int | None = None,
    time_budget: float | None = None,
    target: float | None = None,
    progress: bool | None = None,
    dtype: torch.dtype = torch.float64,
    device: str | torch.device | None = None,
) -> Result:
    """Explicit BWLer on Burgers with front-clustered x nodes (module notes).

    Parameters
    ----------
    problem : "burgers" or EvolutionProblem
    preset : {"fast", "paper"}
        ``"fast"``: 21 x 41 nodes, ``TanMap(1.5)``, 30 Gauss-Newton steps (about 1 min
        on one core); ``"paper"``: 31 x 61, ``TanMap(1.5)``, 40 steps.
    nt, nx : int, optional
        Override the preset's nodes.
    x_map : TanMap, float or None
        Override the preset's map (``None``: unmapped Chebyshev x).
    steps : int, optional
        Gauss-Newton (Levenberg-Marquardt) steps.
    time_budget : float, optional
        Seconds (:func:`fit`).
    target : float, optional
        Relative L2 error to reach (:func:`fit`): missed, the status is
        ``TARGET_NOT_REACHED`` with a warning.  Without it, ``SUCCESS`` means the
        optimiser finished its steps (the error is in ``stats["rel_l2"]``).
    progress : bool, optional
    dtype, device

    Returns
    -------
    Result
        :func:`fit`'s, plus ``stats["rel_l2"]`` against the Cole-Hopf truth on the
        problem's evaluation grid and ``stats["settings"]``.
    """
    from numlearn.learned.spectral.bwler import ExplicitBWLer
    from numlearn.learned.spectral.fit import Phase, fit

    preset = check_choice(preset, "preset", _PRESETS)
    cfg = dict(_BURGERS[preset])
    nt = cfg["nt"] if nt is None else nt
    nx = cfg["nx"] if nx is None else nx
    amap = cfg["x_map"] if (isinstance(x_map, str) and x_map == "preset") else x_map
    obj = ExplicitBWLer(problem, nt, nx, weights="paper", x_basis="chebyshev", x_map=amap,
                        dtype=dtype, device=device)
    xn = obj.layer.nodes[1]
    u0 = torch.as_tensor(np.asarray(obj.problem.initial_condition(xn.cpu().numpy()),
                                    dtype=np.float64), dtype=obj.dtype, device=obj.device)
    theta0 = u0.repeat(obj.shape[0])
    n_steps = cfg["steps"] if steps is None else steps
    result = fit(obj, [Phase("gauss_newton", n_steps, {"mu": 1e-3})], theta0=theta0,
                 time_budget=time_budget, target=target, progress=progress)
    settings = {"preset": preset, "nt": obj.shape[0], "nx": obj.shape[1],
                "x_map": None if obj._disc.x.x_map is None else obj._disc.x.x_map.alpha,
                "weights": "paper", "optimizer": f"gauss_newton x {n_steps}",
                "start": "initial condition extended in t"}
    return _finish(result, obj, settings)


def solve_bwler_poisson(
    problem: Any = None,
    *,
    preset: str = "fast",
    n: int | None = None,
    steps: int | None = None,
    seed: int = 0,
    time_budget: float | None = None,
    target: float | None = None,
    progress: bool | None = None,
    dtype: torch.dtype = torch.float64,
    device: str | torch.device | None = None,
) -> Result:
    """Explicit BWLer on Poisson2d-C (:class:`ExplicitBWLerPoisson`, module notes).

    ``preset="fast"``: 41 x 41 nodes (exact minimiser 1.8e-2); ``"paper"``: 47 x 47
    nodes (7.6e-3; the paper's 51 x 51 gives 2.2e-1 at the exact minimiser of the
    loss, its conditioning 1.2e8: the tradeoff of the paper's title); both with the
    paper's 10,000 interior points and 250 per boundary curve, trained by
    Levenberg-Marquardt (:func:`~numlearn.learned.spectral.fit`'s ``"gauss_newton"``
    phase with the constant Jacobian of :meth:`ExplicitBWLerPoisson.constant_jacobian`,
    8 steps; ``steps`` overrides).
    L-BFGS from zeros does not move this loss (notes).  ``n`` and ``steps`` override the preset.
    ``target`` as in :func:`solve_explicit_bwler_burgers`.  Returns :func:`fit`'s
    `Result` with ``stats["rel_l2"]`` against ``problem.truth()`` at the evaluation
    points.
    """
    from numlearn.learned.spectral.poisson import ExplicitBWLerPoisson

    return _poisson(ExplicitBWLerPoisson, _POISSON_BWLER, "n", n, problem, preset, steps,
                    seed, time_budget, target, progress, dtype, device)


def solve_mlp_pinn_poisson(
    problem: Any = None,
    *,
    preset: str = "fast",
    hidden: tuple[int, ...] | None = None,
    steps: int | None = None,
    seed: int = 0,
    time_budget: float | None = None,
    target: float | None = None,
    progress: bool | None = None,
    dtype: torch.dtype = torch.float64,
    device: str | torch.device | None = None,
) -> Result:
    """MLP PINN on Poisson2d-C (:class:`MLPPINNPoisson`): Adam (cosine-decayed rate)
    then L-BFGS.

    ``preset="fast"``: tanh 20x20x20, 1000 interior points, 300 Adam + 100 L-BFGS;
    ``"paper"`` (the paper has no MLP on Poisson; the measured setting of the notes):
    32x32x32, 2000 points, 100 per boundary curve, 3000 Adam (rate 1e-2 to 1e-4) + 1500
    L-BFGS (``steps`` overrides the L-BFGS count); ``target`` as in
    :func:`solve_explicit_bwler_burgers`.  Returns :func:`fit`'s `Result` with
    ``stats["rel_l2"]``.
    """
    from numlearn.learned.spectral.poisson import MLPPINNPoisson

    return _poisson(MLPPINNPoisson, _POISSON_MLP, "hidden", hidden, problem, preset, steps,
                    seed, time_budget, target, progress, dtype, device)


def _poisson(cls: Any, presets: dict[str, Any], size_key: str, size: Any, problem: Any,
             preset: Any, steps: int | None, seed: int, time_budget: float | None,
             target: float | None, progress: bool | None, dtype: torch.dtype,
             device: Any) -> Result:
    """Build a Poisson objective from a preset (``size`` overrides ``size_key``) and
    train it by the preset's phases."""
    from numlearn.learned.spectral.fit import fit

    preset = check_choice(preset, "preset", _PRESETS)
    cfg = presets[preset]
    obj = cls(problem, **{size_key: cfg[size_key] if size is None else size},
              n_interior=cfg["n_interior"], n_boundary=cfg["n_boundary"], seed=seed,
              dtype=dtype, device=device)
    result = fit(obj, _phases(cfg["phases"], steps), seed=seed, time_budget=time_budget,
                 target=target, progress=progress)
    return _finish(result, obj, {"preset": preset, **obj.config(),
                                 "phases": [p[0] for p in cfg["phases"]]})
