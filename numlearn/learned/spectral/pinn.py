r"""The MLP physics-informed neural network (PINN) of the literature, as a :class:`PDEObjective`.

A ``tanh`` network :math:`u_\theta(t, x)` (:class:`~numlearn.learned.layers.MLP`) is
evaluated at collocation points; its derivatives in ``t`` and ``x`` come from automatic
differentiation, and the loss is built from the problem's own definition
(:meth:`~numlearn.problems.pdes.EvolutionProblem.residual`, ``initial_condition``,
``initial_velocity``, ``boundary_values``):

.. math::

    \mathcal L(\theta) = \frac{w_{pde}}{M}\sum_{i}\mathcal R[u_\theta](t_i, x_i)^2
      + \frac{w_{ic}}{M_{ic}}\sum_j (u_\theta(t_0, x_j) - u_0(x_j))^2
      + \frac{w_{bc}}{M_{bc}}\sum_k \dots

with one block per condition (:class:`PDEObjective` residual blocks ``"pde"``,
``"ic"``, ``"ic_t"`` for the wave's :math:`u_t(t_0, x) = v_0(x)`, ``"bc"`` for Dirichlet
problems, ``"periodic"`` for :math:`u(t, a) = u(t, b)` on periodic ones).

Loss weights (``weights``):

* ``"bwler"`` (default): :math:`\operatorname{mean}(res^2) + 100\operatorname{mean}(IC^2) +
  100\operatorname{mean}(BC^2)`, each condition a mean of its own (the BWLer code,
  Liu et al. 2025: ``ic_weight = 10`` squared);
* ``"rathore"``: :math:`\tfrac12\operatorname{mean}(res^2) +
  \tfrac12\operatorname{mean}(cond^2)`, one mean over all condition points pooled
  (Rathore et al., ICML 2024, App. A);
* a mapping ``{term: weight}`` (each term a mean of its own; missing terms weigh 1).

Periodicity (``periodicity``): ``"value"`` (default) penalises
:math:`u(t, a) - u(t, b)` at the boundary times, as Krishnapriyan et al. and Rathore et
al.; ``"none"`` imposes nothing, as the BWLer code's convection MLP baseline.  Only
value periodicity: the reaction's Gaussian initial data is not :math:`C^1`-periodic.

Collocation (``grid``, ``n_residual``, ``n_ic``, ``n_bc``): the residual points are the
interior grid :math:`t_k = t_0 + kT/n_t` (:math:`k = 1..n_t`), :math:`x_j = a + j(b-a)/(n_x+1)`
(:math:`j = 1..n_x`), optionally a seeded random subset of ``n_residual`` of them;
``n_ic`` equispaced points on :math:`t = t_0` (both ends included) and ``n_bc``
equispaced times per boundary.  Rathore et al.: ``grid=(100, 255)``,
``n_residual=10000``, ``n_ic=257``, ``n_bc=101`` (:data:`RATHORE_COLLOCATION`).
The network sees the raw coordinates ``(t, x)``, as in both source codes.

Derivatives: ``"autograd"`` takes them by reverse mode
(``torch.autograd.grad(..., create_graph=True)``, the DeepXDE / PINN-code way; the
cheapest for Adam and L-BFGS); ``"forward"`` by ``torch.func.jvp`` (forward mode, nested
for second derivatives), which composes with ``torch.func`` transforms, so the NNCG
optimiser's Hessian-vector products work; ``"auto"`` (default) uses reverse mode unless a
``torch.func`` transform is active.  Both give the same values to rounding (tests).

Cost of one loss: about :math:`(1 + q)` forward passes of the network at the
:math:`M + M_{ic} + 2M_{bc}` points for :math:`q` derivative orders, each
:math:`O(m\sum_k h_k h_{k+1})`; the gradient doubles it.

References
----------
.. [1] M. Raissi, P. Perdikaris, G. E. Karniadakis, "Physics-informed neural networks",
   J. Comput. Phys. 378 (2019) 686-707.
.. [2] P. Rathore, W. Lei, Z. Frangella, L. Lu, M. Udell, "Challenges in Training PINNs:
   A Loss Landscape Perspective", ICML 2024, arXiv:2402.01868.
.. [3] J. Liu et al., "BWLer: Barycentric Weight Layer Elucidates a
   Precision-Conditioning Tradeoff for PINNs", arXiv:2506.23024 (2025).
.. [4] A. Krishnapriyan et al., "Characterizing possible failure modes in
   physics-informed neural networks", NeurIPS 2021.

DeepXDE's ``dde.data.TimePDE`` with ``dde.nn.FNN`` is the library equivalent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor

from numlearn._core.validation import check_choice, check_int, check_positive
from numlearn.learned.layers import MLP, FlatParameters
from numlearn.learned.layers.base import _check_device, _check_dtype, check_tensor
from numlearn.learned.spectral.objective import PDEObjective

__all__ = ["MLPPINN", "solve_mlp_pinn"]

#: Rathore et al.'s collocation: a 255 x 100 interior grid of which 10,000 points are
#: drawn, 257 initial-condition points and 101 per boundary.
RATHORE_COLLOCATION: dict[str, Any] = {"grid": (100, 255), "n_residual": 10000,
                                       "n_ic": 257, "n_bc": 101}
_WEIGHT_PRESETS = ("bwler", "rathore")
_TERMS = ("pde", "ic", "ic_t", "bc", "periodic")
_DERIVS = {"u_t": (1, 0), "u_x": (0, 1), "u_tt": (2, 0), "u_xx": (0, 2)}


def check_evolution_problem(problem: Any) -> Any:
    """``problem`` as an :class:`~numlearn.problems.pdes.EvolutionProblem` (a name such as
    ``"wave"`` is looked up with ``get_pde``, as the explicit BWLer does); a `TypeError`
    for anything else (Poisson2d-C has no time axis: its learned solvers are in
    :mod:`numlearn.learned.spectral.poisson`) and a `ValueError` for an unknown name."""
    from numlearn.classical.spectral.spacetime import resolve_evolution_problem

    try:
        return resolve_evolution_problem(problem)
    except TypeError as exc:
        raise TypeError(f"`problem`: {exc}") from None


def check_theta_for(theta: Any, size: int, dtype: torch.dtype, device: torch.device) -> Tensor:
    """``theta`` if it is a 1-D tensor of ``size`` entries of ``dtype`` on ``device``
    (:func:`~numlearn.learned.layers.base.check_tensor`)."""
    return check_tensor(theta, "theta", dtype=dtype, device=device, owner="the objective",
                        size=size)


def needed_derivatives(problem: Any) -> tuple[str, ...]:
    """The derivative keys (``u_t``, ``u_x``, ``u_tt``, ``u_xx``) that
    ``problem.residual`` reads, found by calling it once on a recording mapping."""
    seen: list[str] = []

    class _Record(dict):  # type: ignore[type-arg]
        def __getitem__(self, key: str) -> Any:
            if key not in _DERIVS:
                raise KeyError(key)
            if key not in seen:
                seen.append(key)
            return np.zeros(1)

    problem.residual(np.zeros(1), _Record())
    return tuple(k for k in _DERIVS if k in seen)


def fresh_parameters(net: MLP, seed: int) -> Tensor:
    """The flat parameters of a new network like ``net``, initialised with ``seed``."""
    seed = check_int(seed, "seed")
    c = net.config()
    new = MLP(c["in_features"], c["hidden"], c["out_features"], activation=c["activation"],
              init=c["init"], seed=seed, dtype=net.dtype, device=net.device)
    return FlatParameters(new).get()


def _functorch_active() -> bool:
    active = getattr(torch._C, "_are_functorch_transforms_active", None)
    return bool(active()) if active is not None else True


class MLPPINN(PDEObjective):
    """The MLP PINN loss of an evolution problem as a function of the flat parameters
    (module notes).

    Parameters
    ----------
    problem : EvolutionProblem
        Convection, reaction, wave or Burgers (:func:`numlearn.problems.pdes.get_pde`).
    hidden : sequence of int, default (50, 50, 50)
        Hidden widths (Rathore et al.: three of 50-400; BWLer: ``(256, 256)``).
    init : {"xavier_normal", "torch"}, default "xavier_normal"
    activation : {"tanh", "sin"}, default "tanh"
    grid : (int, int), default (32, 64)
        Interior residual grid ``(n_t, n_x)`` (Rathore et al.: ``(100, 255)``).
    n_residual : int, optional
        Draw this many of the grid's points (seeded by ``sample_seed``); all by default.
    n_ic, n_bc : int, default 65, 33
        Initial-condition points and boundary times (Rathore et al.: 257, 101).
    weights : {"bwler", "rathore"} or mapping, default "bwler"
    periodicity : {"value", "none"}, default "value"
        For periodic problems only.
    derivatives : {"auto", "autograd", "forward"}, default "auto"
    sample_seed : int, default 0
    dtype, device
        float64 on the CPU by default; ``theta`` must match (never cast).

    Examples
    --------
    >>> from numlearn.problems.pdes import get_pde
    >>> obj = MLPPINN(get_pde("reaction"), hidden=(8, 8), grid=(4, 6), n_ic=5, n_bc=3)
    >>> sorted(obj.residuals(obj.initial_parameters(0)))
    ['ic', 'pde', 'periodic']
    """

    def __init__(
        self,
        problem: Any,
        *,
        hidden: Sequence[int] = (50, 50, 50),
        init: str = "xavier_normal",
        activation: str = "tanh",
        grid: Sequence[int] = (32, 64),
        n_residual: int | None = None,
        n_ic: int = 65,
        n_bc: int = 33,
        weights: str | Mapping[str, float] = "bwler",
        periodicity: str = "value",
        derivatives: str = "auto",
        sample_seed: int = 0,
        dtype: torch.dtype = torch.float64,
        device: str | torch.device | None = None,
    ) -> None:
        self.problem = check_evolution_problem(problem)
        self.dtype = _check_dtype(dtype)
        self.device = torch.device("cpu") if device is None else _check_device(device)
        if isinstance(grid, (str, int)) or not isinstance(grid, Sequence) or len(grid) != 2:
            raise TypeError(f"`grid` must be a pair (n_t, n_x) of the interior residual "
                            f"grid, got {grid!r}.")
        self.grid = (check_int(grid[0], "grid[0]", minimum=1, maximum=10**5),
                     check_int(grid[1], "grid[1]", minimum=1, maximum=10**5))
        total = self.grid[0] * self.grid[1]
        self.n_residual = (None if n_residual is None else
                           check_int(n_residual, "n_residual", minimum=1, maximum=total))
        self.n_ic = check_int(n_ic, "n_ic", minimum=2, maximum=10**6)
        self.n_bc = check_int(n_bc, "n_bc", minimum=1, maximum=10**6)
        self.periodicity = check_choice(periodicity, "periodicity", ("value", "none"))
        self.derivatives = check_choice(derivatives, "derivatives",
                                        ("auto", "autograd", "forward"))
        self.sample_seed = check_int(sample_seed, "sample_seed")
        self.weights = self._check_weights(weights)
        self.net = MLP(2, hidden, activation=activation, init=init, seed=0, dtype=self.dtype,
                       device=self.device)
        self.flat = FlatParameters(self.net)
        self.keys = needed_derivatives(self.problem)
        self.name = f"MLP PINN {'x'.join(map(str, self.net.sizes[1:-1]))} ({self.problem.name})"
        self._build_points()

    # ---------------------------------------------------------------- set-up
    @staticmethod
    def _check_weights(weights: Any) -> str | dict[str, float]:
        if isinstance(weights, str):
            return check_choice(weights, "weights", _WEIGHT_PRESETS)
        if not isinstance(weights, Mapping):
            raise TypeError(f"`weights` must be 'bwler', 'rathore' or a mapping "
                            f"{{term: weight}}, got {weights!r}.")
        out = {}
        for k, v in weights.items():
            if k not in _TERMS:
                raise ValueError(f"`weights` has an unknown term {k!r}; the terms are "
                                 f"{', '.join(_TERMS)}.")
            out[k] = check_positive(v, f"weights[{k!r}]", allow_zero=True)
        return out

    def _tensor(self, a: Any) -> Tensor:
        return torch.as_tensor(np.asarray(a, dtype=np.float64), dtype=self.dtype,
                               device=self.device)

    def _build_points(self) -> None:
        p = self.problem
        (t0, t1), (a, b) = p.t_domain, p.x_domain
        nt, nx = self.grid
        t = t0 + (t1 - t0) * np.arange(1, nt + 1) / nt
        x = a + (b - a) * np.arange(1, nx + 1) / (nx + 1)
        tt, xx = (g.reshape(-1) for g in np.meshgrid(t, x, indexing="ij"))
        if self.n_residual is not None:
            rng = np.random.default_rng(self.sample_seed)
            keep = np.sort(rng.choice(tt.size, self.n_residual, replace=False))
            tt, xx = tt[keep], xx[keep]
        self.points = self._tensor(np.stack([tt, xx], axis=1))
        xi = np.linspace(a, b, self.n_ic)
        self.ic_points = self._tensor(np.stack([np.full_like(xi, t0), xi], axis=1))
        self.ic_values = self._tensor(p.initial_condition(xi))
        self.ic_velocity = (self._tensor(p.initial_velocity(xi)) if p.order_t == 2
                            else None)
        tb = np.linspace(t0, t1, self.n_bc)
        self.bc_left = self._tensor(np.stack([tb, np.full_like(tb, a)], axis=1))
        self.bc_right = self._tensor(np.stack([tb, np.full_like(tb, b)], axis=1))
        if p.periodic:
            self.bc_values = None
        else:
            ga, gb = p.boundary_values(tb)
            self.bc_values = (self._tensor(ga), self._tensor(gb))
        # The weight of each block's squared sum: w / (number of its points).
        conds = ["ic"] + (["ic_t"] if p.order_t == 2 else [])
        if p.periodic:
            conds += ["periodic"] if self.periodicity == "value" else []
        else:
            conds += ["bc"]
        sizes = {"pde": self.points.shape[0], "ic": self.n_ic, "ic_t": self.n_ic,
                 "bc": 2 * self.n_bc, "periodic": self.n_bc}
        if self.weights == "rathore":
            pooled = sum(sizes[c] for c in conds)
            scale = {"pde": 0.5 / sizes["pde"], **{c: 0.5 / pooled for c in conds}}
        else:
            w = ({"pde": 1.0, "ic": 100.0, "ic_t": 100.0, "bc": 100.0, "periodic": 100.0}
                 if self.weights == "bwler" else self.weights)
            scale = {k: w.get(k, 1.0) / sizes[k] for k in ["pde", *conds]}
        self.terms = ("pde", *conds)
        self._sqrt_scale = {k: math.sqrt(scale[k]) for k in self.terms}

    # ---------------------------------------------------------------- model
    def network(self, theta: Tensor, points: Tensor) -> Tensor:
        """:math:`u_\\theta` at the rows ``(t, x)`` of ``points`` (shape ``(m,)``)."""
        return self.flat.call(theta, points)

    def derivatives_at(self, theta: Tensor, points: Tensor,
                       keys: Sequence[str]) -> tuple[Tensor, dict[str, Tensor]]:
        """``u`` and ``{key: derivative}`` at ``points`` for the keys ``u_t``, ``u_x``,
        ``u_tt``, ``u_xx`` (module notes: reverse or forward mode)."""
        mode = self.derivatives
        if mode == "auto":
            mode = "forward" if _functorch_active() else "autograd"
        return (self._forward_mode if mode == "forward" else self._reverse_mode)(
            theta, points, keys)

    def _reverse_mode(self, theta: Tensor, points: Tensor,
                      keys: Sequence[str]) -> tuple[Tensor, dict[str, Tensor]]:
        with torch.enable_grad():
            z = points.detach().requires_grad_(True)
            u = self.network(theta, z)
            d: dict[str, Tensor] = {}
            if keys:
                (g,) = torch.autograd.grad(u.sum(), z, create_graph=True)
                first = {"t": g[:, 0], "x": g[:, 1]}
                d.update({k: first[k[-1]] for k in keys if len(k) == 3})
                for k in keys:
                    if len(k) == 4:
                        i = 0 if k[-1] == "t" else 1
                        (h,) = torch.autograd.grad(first[k[-1]].sum(), z, create_graph=True)
                        d[k] = h[:, i]
        return u, d

    def _forward_mode(self, theta: Tensor, points: Tensor,
                      keys: Sequence[str]) -> tuple[Tensor, dict[str, Tensor]]:
        def f(z: Tensor) -> Tensor:
            return self.network(theta, z)

        unit = {}
        for c, i in (("t", 0), ("x", 1)):
            e = torch.zeros_like(points)
            e[:, i] = 1.0
            unit[c] = e
        u = f(points)
        d: dict[str, Tensor] = {}
        for k in keys:
            c = k[-1]
            if len(k) == 3:
                d[k] = torch.func.jvp(f, (points,), (unit[c],))[1]
            else:
                def fc(z: Tensor, c: str = c) -> Tensor:
                    return torch.func.jvp(f, (z,), (unit[c],))[1]
                d[k] = torch.func.jvp(fc, (points,), (unit[c],))[1]
        return u, d

    # ---------------------------------------------------------------- PDEObjective
    def residuals(self, theta: Tensor) -> dict[str, Tensor]:
        """The weighted blocks ``pde``, ``ic`` (``ic_t``), ``bc`` or ``periodic``."""
        theta = check_theta_for(theta, self.flat.size, self.dtype, self.device)
        p, s = self.problem, self._sqrt_scale
        u, d = self.derivatives_at(theta, self.points, self.keys)
        out = {"pde": s["pde"] * p.residual(u, d)}
        if "ic_t" in self.terms:
            u0, d0 = self.derivatives_at(theta, self.ic_points, ("u_t",))
            out["ic"] = s["ic"] * (u0 - self.ic_values)
            out["ic_t"] = s["ic_t"] * (d0["u_t"] - self.ic_velocity)
        else:
            out["ic"] = s["ic"] * (self.network(theta, self.ic_points) - self.ic_values)
        if "bc" in self.terms or "periodic" in self.terms:
            ul = self.network(theta, self.bc_left)
            ur = self.network(theta, self.bc_right)
            if self.bc_values is not None:
                ga, gb = self.bc_values
                out["bc"] = s["bc"] * torch.cat([ul - ga, ur - gb])
            else:
                out["periodic"] = s["periodic"] * (ul - ur)
        return out

    def initial_parameters(self, seed: int = 0) -> Tensor:
        """A freshly initialised network's flat parameters (``init``, seeded)."""
        return fresh_parameters(self.net, seed)

    def predict(self, theta: Tensor) -> NDArray[np.float64]:
        """The network on ``problem.evaluation_grid()``, shape ``(n_t, n_x)``."""
        theta = check_theta_for(theta, self.flat.size, self.dtype, self.device)
        if not bool(torch.isfinite(theta).all()):
            raise ValueError("`theta` has NaN or inf entries; the training diverged or was "
                             "given bad parameters.")
        t, x = self.problem.evaluation_grid()
        tt, xx = np.meshgrid(t, x, indexing="ij")
        pts = self._tensor(np.stack([tt.reshape(-1), xx.reshape(-1)], axis=1))
        with torch.no_grad():
            u = torch.cat([self.network(theta.detach(), c) for c in pts.split(65536)])
        return u.cpu().double().numpy().reshape(tt.shape)

    def config(self) -> dict[str, Any]:
        """The problem, the network and the collocation (JSON-able)."""
        c = self.net.config()
        return {"objective": "mlp_pinn", "problem": self.problem.name,
                "params": dict(self.problem.params), "hidden": c["hidden"],
                "init": c["init"], "activation": c["activation"], "grid": list(self.grid),
                "n_residual": self.n_residual, "n_ic": self.n_ic, "n_bc": self.n_bc,
                "weights": self.weights if isinstance(self.weights, str)
                else dict(self.weights),
                "periodicity": self.periodicity, "derivatives": self.derivatives,
                "sample_seed": self.sample_seed, "dtype": str(self.dtype).replace(
                    "torch.", "")}

    @classmethod
    def from_config(cls, config: Mapping[str, Any], *,
                    device: str | torch.device | None = None) -> MLPPINN:
        """The objective :meth:`config` describes."""
        from numlearn.problems.pdes import get_pde

        c = dict(config)
        if c.pop("objective", "mlp_pinn") != "mlp_pinn":
            raise ValueError(f"`config` describes a {config.get('objective')!r} objective, "
                             "not an MLP PINN.")
        problem = get_pde(c.pop("problem"), **c.pop("params", {}))
        c["grid"] = tuple(c["grid"])
        c["dtype"] = getattr(torch, c.get("dtype", "float64"))
        return cls(problem, device=device, **c)


# ------------------------------------------------------------------------------ solving

#: The collocation of the fast setting (a minute or two per run on a loaded 2-core CPU)
#: per problem; the network is 3 x 50 tanh, Xavier-normal, the BWLer loss weights.
FAST_PINN: dict[str, dict[str, Any]] = {
    "convection": {"grid": (64, 64), "n_ic": 65, "n_bc": 65},
    "reaction": {"grid": (48, 48), "n_ic": 49, "n_bc": 49},
    "wave": {"grid": (40, 40), "n_ic": 41, "n_bc": 41},
    "burgers": {"grid": (40, 80), "n_ic": 81, "n_bc": 41},
}
#: Rathore et al.'s setting: 3 x 50 Xavier-normal (the narrowest of their widths), their
#: collocation and their 1/2 + 1/2 loss.
PAPER_PINN: dict[str, Any] = {**RATHORE_COLLOCATION, "hidden": (50, 50, 50),
                              "init": "xavier_normal", "weights": "rathore"}


def default_phases(preset: str, model: str) -> list[Any]:
    """The optimiser phases of a preset: ``"fast"`` 1000 Adam steps (cosine 1e-3 to
    1e-6); ``"paper"`` for the PINN Rathore et al.'s Adam 1000 + L-BFGS (history 100)
    40,000 iterations, for the hat the BWLer code's 20,000-step Adam budget (its 1-hour
    runs; the paper's own runs were 10^6 steps)."""
    from numlearn.learned.spectral.fit import Phase

    adam = {"lr_max": 1e-3, "lr_min": 1e-6}
    if preset == "fast":
        return [Phase("adam", 1000, adam)]
    if model == "pinn":
        return [Phase("adam", 1000, adam), Phase("lbfgs", 40000, {"history_size": 100})]
    return [Phase("adam", 20000, adam)]


def train_objective(objective: PDEObjective, phases: Any, *, seed: int, progress: Any,
                    time_budget: float | None, target: float | None, method: str,
                    failure_threshold: float, eval_every: int | None = None,
                    checkpoint: str | Path | None = None, resume: bool = False) -> Any:
    """:func:`~numlearn.learned.spectral.fit` of ``objective``, the result's method
    named, and ``Status.UNRESOLVED`` with a `RuntimeWarning` when the relative error is
    at least ``failure_threshold`` (the network has not learned the solution)."""
    import dataclasses
    import warnings

    from numlearn._core.result import Status
    from numlearn.learned.spectral.fit import fit

    failure_threshold = check_positive(failure_threshold, "failure_threshold")
    res = fit(objective, phases, seed=seed, progress=progress, time_budget=time_budget,
              target=target, eval_every=eval_every, checkpoint=checkpoint, resume=resume)
    label = f"{method}: {objective.name}, {res.method}"
    err = float(res.stats.get("error", math.nan))
    if res.status is Status.SUCCESS and not err < failure_threshold:
        msg = (f"{objective.name}: relative l2 error {err:.3g} >= {failure_threshold:g} "
               f"after {res.stats.get('iterations')} steps: the network has not learned the "
               "solution (a known failure mode of PINNs at this budget); add steps or "
               "L-BFGS/NNCG phases")
        warnings.warn(msg, RuntimeWarning, stacklevel=3)
        return dataclasses.replace(res, status=Status.UNRESOLVED, message=msg, method=label)
    return dataclasses.replace(res, method=label)


def solve_mlp_pinn(
    problem: Any,
    *,
    preset: str = "fast",
    phases: Any = None,
    seed: int = 0,
    progress: bool | None = None,
    time_budget: float | None = None,
    target: float | None = None,
    failure_threshold: float = 0.5,
    eval_every: int | None = None,
    checkpoint: str | Path | None = None,
    resume: bool = False,
    dtype: torch.dtype = torch.float64,
    device: str | torch.device | None = None,
    **options: Any,
) -> Any:
    """Train an MLP PINN on ``problem``; a :class:`~numlearn.Result` on its evaluation grid.

    Parameters
    ----------
    problem : EvolutionProblem
    preset : {"fast", "paper"}, default "fast"
        ``"fast"``: 3 x 50 tanh network, the collocation of :data:`FAST_PINN`, BWLer
        weights, 1000 Adam steps.  ``"paper"``: Rathore et al.'s network, collocation and
        loss (:data:`PAPER_PINN`) and their Adam + L-BFGS phases (long: cap it with
        ``time_budget``).
    phases : list of Phase, optional
        Replace the preset's optimiser phases.
    seed, progress, time_budget, target, eval_every, checkpoint, resume
        As :func:`~numlearn.learned.spectral.fit` (a ``checkpoint`` file lets a run
        longer than one sitting continue with ``resume=True``).
    failure_threshold : float, default 0.5
        A run whose relative error is at least this gets status ``UNRESOLVED`` and a
        warning.
    dtype, device
        Of the objective.
    **options
        :class:`MLPPINN` keywords overriding the preset's (``hidden``, ``grid``,
        ``weights``, ``periodicity`` ...).

    Returns
    -------
    Result
        ``value`` the network on ``problem.evaluation_grid()``, ``side="learned"``,
        ``stats`` (``seconds``, ``iterations``, ``loss``, ``error``, ``theta``) and the
        training ``history`` of :func:`~numlearn.learned.spectral.fit`.
    """
    problem = check_evolution_problem(problem)
    preset = check_choice(preset, "preset", ("fast", "paper"))
    base = (dict(FAST_PINN.get(problem.name, FAST_PINN["reaction"])) if preset == "fast"
            else dict(PAPER_PINN))
    objective = MLPPINN(problem, **{**base, **options}, dtype=dtype, device=device)
    phases = default_phases(preset, "pinn") if phases is None else phases
    return train_objective(objective, phases, seed=seed, progress=progress,
                           time_budget=time_budget, target=target, method="mlp_pinn",
                           failure_threshold=failure_threshold, eval_every=eval_every,
                           checkpoint=checkpoint, resume=resume)
