r"""The explicit BWLer objective: the nodal values of a space-time interpolant, trained.

An explicit BWLer (Liu et al., "BWLer: Barycentric Weight Layer Elucidates a
Precision-Conditioning Tradeoff for PINNs", arXiv:2506.23024) represents ``u(t, x)`` of
an evolution problem by its values :math:`U_{kl} = u(t_k, x_l)` at a tensor grid of
Chebyshev (t, ascending) and Fourier or Chebyshev (x) nodes: the trainable parameters
are exactly :math:`\theta = \operatorname{vec}(U)` (row-major, ``theta.view(nt, nx)``).
Derivatives are spectral (formed at the nodes, then interpolated to the collocation
points), so every loss term is a Kronecker-structured linear map of :math:`U`,

.. math::

    \partial_t^a\partial_x^b u\big|_{\text{colloc}} = (P_tD_t^{(a)})\,U\,(P_xD_x^{(b)})^{\mathsf T},

and the paper's loss :math:`\operatorname{mean}(res^2) + 100\operatorname{mean}(IC^2)
+ 100\operatorname{mean}(BC^2)` is :math:`\|W F(\theta)\|_2^2`, with :math:`F` the
pointwise PDE residual at the collocation points stacked on the condition rows.

This module does not discretise anything itself: the factors :math:`P_tD_t^{(a)}`,
:math:`P_xD_x^{(b)}`, the condition rows and the row weights :math:`W` are those of
the classical space-time collocation
(:mod:`numlearn.classical.spectral.spacetime`), converted to torch tensors.  For a
linear PDE the loss is therefore *the same* weighted least-squares problem
:math:`\|Av - b\|^2` that :func:`~numlearn.classical.spectral.spacetime.spacetime_system`
assembles and QR solves (:meth:`ExplicitBWLer.system`), so the trained values can be
compared with the exact minimiser (the error decomposition, :math:`u_{disc}`); for
reaction and Burgers the residual is the classical Gauss-Newton residual, whose exact
minimiser :func:`~numlearn.classical.spectral.spacetime.solve_spacetime_newton`
computes (:meth:`ExplicitBWLer.classical_solution`).

Equivalents: the paper's ``SpectralInterpolationND`` with ``values`` as the only
parameter; Chebfun's ``chebop`` collocation (which solves the square system directly);
a DeepXDE PINN with the network replaced by a lookup table of nodal values.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor

from numlearn.learned.layers._bwler_axes import axis_nodes
from numlearn.learned.layers.base import _check_device, _check_dtype, check_tensor
from numlearn.learned.layers.bwler import BWLerLayer, ChebyshevAxis, FourierAxis
from numlearn.learned.spectral.objective import PDEObjective

__all__ = ["ExplicitBWLer", "solve_explicit_bwler"]


class ExplicitBWLer(PDEObjective):
    r"""Loss of an explicit BWLer on an evolution problem (module notes).

    ``theta`` (length ``nt * nx``) holds the nodal values, ``U = theta.view(nt, nx)``
    with ``U[k, l] = u(t_k, x_l)``, ``t`` ascending Chebyshev points of the second kind
    (``t = 0`` is row 0; the paper lists them descending), ``x`` equispaced periodic
    (Fourier) or ascending Chebyshev points.  The residual blocks are

    - ``"pde"``: :math:`w_{pde}\odot \mathrm{res}(u, u_t, u_x, \dots)` at the
      collocation points, each derivative :math:`(P_tD_t^{(a)})U(P_xD_x^{(b)})^{\mathsf T}`
      and ``res`` the problem's own ``residual(u, d)`` (so the nonlinear reaction and
      Burgers residuals come out of the same code);
    - ``"ic"``, ``"ic_t"`` (wave), ``"bc"`` (Dirichlet x), ``"periodic"`` (Chebyshev x
      of a periodic problem): :math:`w_{block}\odot(\sum c\,LUR^{\mathsf T} - rhs)`.

    With ``weights="paper"`` :math:`w_{pde} = 1/\sqrt{M_{pde}}` and
    :math:`w_{block} = \sqrt{100/M_{block}}`: the loss is the paper's
    ``mean(res^2) + 100 mean(IC^2) + 100 mean(BC^2)``.

    Parameters
    ----------
    problem : str or EvolutionProblem
        ``"convection"``, ``"reaction"``, ``"wave"``, ``"burgers"`` (or an instance with
        other coefficients, e.g. ``get_pde("convection", beta=80.0)``).
    nt, nx : int
        Nodes in t (``>= order_t + 2``) and x (``>= 3`` Chebyshev, ``>= 2`` Fourier;
        any parity: the Fourier derivative matrix at the nodes is the derivative of the
        trigonometric interpolant, whose Nyquist term :math:`\cos(n x/2)` has zero
        derivative at the nodes, so even ``nx`` (the paper's 80) is as valid as odd).
    collocation : None, "nodes", "square", int or (int, int)
        Collocation set, as in
        :func:`~numlearn.classical.spectral.spacetime.spacetime_system` (default: the
        nodes; ``4`` is the paper's 161 points for 41 nodes).
    weights : "paper", "equilibrate", None or array, default "paper"
        Row weights, as in ``spacetime_system``.  ``"equilibrate"`` of a nonlinear
        problem uses the Jacobian's row norms at Newton's default starting values
        (the initial condition extended constantly in t), fixed for training.
    x_basis : {"fourier", "chebyshev"}, optional
        Default as in ``spacetime_system`` (Fourier for convection, Chebyshev otherwise).
    dtype : torch.dtype, default torch.float64
    device : str or torch.device, optional
        Default CPU.
    x_map : TanMap or float, optional
        Chebyshev x nodes clustered by a node map (as in ``spacetime_system``; the
        layer's x axis carries the same map).

    Attributes
    ----------
    layer : BWLerLayer
        The interpolant on the same axes (its own ``values`` are not read: evaluation
        passes ``values=U``).
    shape : (int, int)
        ``(nt, nx)``.

    Notes
    -----
    Cost of one residual: :math:`O(K(M_t n_t n_x + M_t n_x M_x))` for the ``K``
    derivatives the residual reads (two dense matrix products each), plus the
    condition rows; memory :math:`O(M_tM_x)`.  No ``(M_tM_x) \times (n_tn_x)`` matrix
    is formed (only :meth:`system` does, for the classical solve).

    Initial parameters are zeros, as in the paper's code (a seed is accepted and
    ignored: the objective is convex for linear problems, and for the nonlinear ones
    zeros is the paper's start as well).

    References
    ----------
    .. [1] J. Liu, Y. Baig, D. H. J. Lee, R. V. Dwaraknath, A. Rudra, C. Ré, "BWLer:
       Barycentric Weight Layer Elucidates a Precision-Conditioning Tradeoff for
       PINNs", arXiv:2506.23024 (2025).
    .. [2] L. N. Trefethen, *Spectral Methods in MATLAB*, SIAM, 2000.

    Examples
    --------
    >>> import torch
    >>> obj = ExplicitBWLer("convection", 9, 4)
    >>> theta = obj.initial_parameters()
    >>> sorted(obj.residuals(theta))
    ['ic', 'pde']
    >>> bool(abs(float(obj.loss(theta)) - obj.system().loss(theta.numpy())) < 1e-14)
    True
    """

    def __init__(
        self,
        problem: Any,
        nt: int,
        nx: int,
        *,
        collocation: Any = None,
        weights: Any = "paper",
        x_basis: str | None = None,
        dtype: torch.dtype = torch.float64,
        device: str | torch.device | None = None,
        x_map: Any = None,
    ) -> None:
        from numlearn.classical.spectral.spacetime import (
            collocation_row_weights,
            spacetime_discretisation,
        )

        self.dtype = _check_dtype(dtype)
        self.device = torch.device("cpu") if device is None else _check_device(device)
        disc = spacetime_discretisation(problem, nt, nx, collocation=collocation,
                                        x_basis=x_basis, x_map=x_map)
        self.problem = disc.problem
        self._disc = disc
        self._collocation = collocation
        # "equilibrate": unit rows of the Jacobian at Newton's start (for a linear
        # problem, of A itself)
        w, self.weighting = collocation_row_weights(disc, weights)
        self._weights_arg = weights if (weights is None or isinstance(weights, str)) else w
        self.row_weights = w
        self.shape: tuple[int, int] = disc.shape
        fk = {"dtype": self.dtype, "device": self.device}

        def tt(a: Any) -> Tensor:
            return torch.as_tensor(np.ascontiguousarray(a, dtype=np.float64), **fk)

        blocks = disc.blocks()
        rows_pde = (disc.pde_L.shape[0], disc.pde_R.shape[0])
        self._w_pde = tt(w[blocks["pde"]].reshape(rows_pde))
        self._factors = {key: tuple(tt(f) for f in disc.factors(key)) for key in disc.keys}
        self._conds = []
        for c in disc.conditions:
            terms = [(t.coef if np.isscalar(t.coef) else tt(t.coef), tt(t.L), tt(t.R))
                     for t in c.terms]
            self._conds.append((c.name, terms, tt(c.rhs),
                                tt(w[blocks[c.name]].reshape(c.rhs.shape))))
        x_axis = (FourierAxis(disc.x.n, disc.x.domain) if disc.x_basis == "fourier"
                  else ChebyshevAxis(disc.x.n, disc.x.domain, x_map=disc.x.x_map))
        self.layer = BWLerLayer((ChebyshevAxis(disc.t.n, disc.t.domain), x_axis), **fk)
        for k, (ax, theirs) in enumerate(zip(self.layer.axes, (disc.t.nodes, disc.x.nodes),
                                             strict=True)):
            if not np.array_equal(axis_nodes(ax), theirs):  # pragma: no cover - invariant
                raise AssertionError(f"axis {k}: the layer's nodes differ from the classical ones")
        self.name = f"explicit BWLer {disc.t.n}x{disc.x.n}"
        self._system: Any = None
        self._eval_grid: tuple[Tensor, Tensor] | None = None

    # ------------------------------------------------------------------ helpers

    def _check_values(self, U: Any, name: str) -> Tensor:
        return check_tensor(U, name, dtype=self.dtype, device=self.device,
                            owner="the objective")

    def _check_theta(self, theta: Any) -> Tensor:
        theta = self._check_values(theta, "theta")
        n = self.shape[0] * self.shape[1]
        if theta.ndim != 1 or theta.shape[0] != n:
            raise ValueError(f"`theta` must be a 1-D tensor of nt*nx = {n} nodal values, "
                             f"got shape {tuple(theta.shape)}.")
        return theta

    def _check_shape(self, U: Tensor, name: str) -> Tensor:
        if tuple(U.shape) != self.shape:
            raise ValueError(f"`{name}` must have the node shape {self.shape}, got "
                             f"{tuple(U.shape)}.")
        return U

    # ----------------------------------------------------------------- objective

    def residuals_at_values(self, U: Tensor) -> dict[str, Tensor]:
        """The weighted residual blocks at nodal values ``U`` (shape ``(nt, nx)``).

        ``residuals(theta) == residuals_at_values(theta.view(nt, nx))``; a BWLer-hat
        passes the values its network produces at the nodes.  Values are not tested
        for NaN here (that would break ``torch.func`` transforms):
        :meth:`loss_terms` names a non-finite term.
        """
        U = self._check_shape(self._check_values(U, "U"), "U")
        d = {key: lt @ U @ rx.T for key, (lt, rx) in self._factors.items()}
        out = {"pde": (self._w_pde * self.problem.residual(d["u"], d)).reshape(-1)}
        for name, terms, rhs, w in self._conds:
            val = sum(coef * (L @ U @ R.T) for coef, L, R in terms)
            out[name] = (w * (val - rhs)).reshape(-1)
        return out

    def residuals(self, theta: Tensor) -> dict[str, Tensor]:
        """The weighted residual blocks at ``theta`` (class notes)."""
        return self.residuals_at_values(self._check_theta(theta).view(self.shape))

    def initial_parameters(self, seed: int = 0) -> Tensor:
        """Zeros (the paper's initialisation; ``seed`` is accepted and not used)."""
        from numlearn._core.validation import check_int

        check_int(seed, "seed")
        return torch.zeros(self.shape[0] * self.shape[1], dtype=self.dtype, device=self.device)

    def evaluation_grid(self) -> tuple[Tensor, Tensor]:
        """``problem.evaluation_grid()`` as tensors of the objective's dtype and device."""
        if self._eval_grid is None:
            t, x = self.problem.evaluation_grid()
            fk = {"dtype": self.dtype, "device": self.device}
            self._eval_grid = (torch.as_tensor(t, **fk), torch.as_tensor(x, **fk))
        return self._eval_grid

    def predict_values(self, U: Tensor) -> NDArray[np.float64]:
        """The interpolant of nodal values ``U`` on ``problem.evaluation_grid()``,
        through :attr:`layer` (NumPy float64, shape ``(len(t), len(x))``)."""
        U = self._check_shape(self._check_values(U, "U"), "U")
        if not bool(torch.isfinite(U).all()):
            raise ValueError("`U` (the nodal values) has NaN or inf entries; the model "
                             "diverged or was given bad parameters.")
        with torch.no_grad():
            out = self.layer(self.evaluation_grid(), values=U.detach())
        return out.cpu().numpy().astype(np.float64)

    def predict(self, theta: Tensor) -> NDArray[np.float64]:
        """:meth:`predict_values` of ``theta.view(nt, nx)``."""
        return self.predict_values(self._check_theta(theta).view(self.shape))

    def config(self) -> dict[str, Any]:
        """JSON-able settings that rebuild this objective (:meth:`from_config`)."""
        col = self._collocation
        if isinstance(col, tuple | list):
            col = [int(c) for c in col]
        elif col is not None and not isinstance(col, str):
            col = int(col)
        w = self._weights_arg
        return {
            "model": "explicit_bwler",
            "problem": self.problem.name,
            "params": {k: float(v) for k, v in self.problem.params.items()},
            "nt": self.shape[0], "nx": self.shape[1],
            "collocation": col,
            "weights": w if (w is None or isinstance(w, str)) else [float(v) for v in w],
            "x_basis": self._disc.x_basis,
            **({"x_map": self._disc.x.x_map.alpha} if self._disc.x.x_map is not None else {}),
            "dtype": str(self.dtype).removeprefix("torch."),
            "device": str(self.device),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> ExplicitBWLer:
        """The objective :meth:`config` describes."""
        from numlearn.problems.pdes import get_pde

        problem = get_pde(config["problem"], **config.get("params", {}))
        col = config.get("collocation")
        return cls(problem, config["nt"], config["nx"],
                   collocation=tuple(col) if isinstance(col, list) else col,
                   weights=config.get("weights", "paper"), x_basis=config.get("x_basis"),
                   dtype=getattr(torch, config.get("dtype", "float64")),
                   device=config.get("device"), x_map=config.get("x_map"))

    # ------------------------------------------------------------ classical twin

    def system(self) -> Any:
        """The classical :class:`~numlearn.classical.spectral.spacetime.CollocationSystem`
        with the same nodes, collocation set and row weights (linear problems only):
        ``system().loss(theta) == loss(theta)`` and
        ``system().decomposition(v_learned)`` is the error decomposition of trained
        values.  Assembled on first call (dense, :math:`O(m\\,n_tn_x)` memory)."""
        if not self.problem.linear:
            raise ValueError(
                f"{self.problem.name} is nonlinear: its loss is not a linear least-squares "
                "system. Use classical_solution() (Gauss-Newton with QR solves) for the "
                "classical floor.")
        if self._system is None:
            from numlearn.classical.spectral.spacetime import system_from_discretisation

            self._system = system_from_discretisation(self._disc, self._weights_arg)
        return self._system

    def classical_solution(self) -> Any:
        """The exact minimiser of the same discrete loss, computed classically.

        Linear: pivoted-QR least squares of :meth:`system`
        (:func:`~numlearn.classical.spectral.spacetime.solve_spacetime_lstsq`);
        nonlinear: damped Gauss-Newton with QR solves
        (:func:`~numlearn.classical.spectral.spacetime.solve_spacetime_newton`, from
        its default start, with this objective's row weights).  Returns its `Result`
        with ``stats["rel_l2"]`` on the evaluation grid (the classical floor) and
        ``stats["cond"]``.
        """
        from numlearn.classical.spectral.spacetime import solve_spacetime

        w = self._weights_arg
        if not self.problem.linear and isinstance(w, str) and w == "equilibrate":
            w = self.row_weights  # fixed at Newton's start, as in the constructor
        return solve_spacetime(self.problem, self.shape[0], self.shape[1],
                               collocation=self._collocation, weights=w,
                               x_basis=self._disc.x_basis, x_map=self._disc.x.x_map)

    def constant_jacobian(self) -> Tensor:
        """The Jacobian of :meth:`residual_vector` of a linear problem: ``system().A``
        as a tensor (what Gauss-Newton / Levenberg-Marquardt needs, once)."""
        return torch.as_tensor(self.system().A, dtype=self.dtype, device=self.device)

    def __repr__(self) -> str:
        return (f"ExplicitBWLer({self.problem.name!r}, {self.shape[0]}, {self.shape[1]}, "
                f"collocation={self._disc.collocation!r}, weighting={self.weighting!r}, "
                f"x_basis={self._disc.x_basis!r}, dtype={self.dtype})")


# ====================================================================== solve

#: A trained model counts as converged within this factor of the classical error.
_FLOOR_FACTOR = 3.0

# Per problem and preset: nodes, collocation, weights, Gauss-Newton steps (per stage),
# and the continuation stages of a nonlinear problem (fractions of its coefficient).
# Measurements and the reasons for each choice: docs/notes/bwler_explicit.md.
_PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    "paper": {
        "convection": {"nx": 80, "weights": "paper", "steps": 4},
        "wave": {"nt": 41, "nx": 41, "weights": "equilibrate", "steps": 4},
        "reaction": {"nt": 33, "nx": 101, "weights": "paper", "steps": 5,
                     "stages": (0.2, 0.4, 0.6, 0.8, 1.0)},
        "burgers": {"nt": 33, "nx": 65, "weights": "paper", "steps": 12},
    },
    "fast": {
        "convection": {"nx": 4, "weights": "paper", "steps": 4},
        "wave": {"nt": 41, "nx": 41, "weights": "equilibrate", "steps": 4},
        "reaction": {"nt": 25, "nx": 81, "weights": "paper", "steps": 5,
                     "stages": (0.2, 0.4, 0.6, 0.8, 1.0)},
        "burgers": {"nt": 17, "nx": 33, "weights": "paper", "steps": 12},
    },
}
_CONTINUED = {"reaction": "rho"}


def _preset(problem: Any, preset: str) -> dict[str, Any]:
    from numlearn._core.validation import check_choice

    check_choice(preset, "preset", tuple(_PRESETS))
    if problem.name not in _PRESETS[preset]:
        raise ValueError(f"no explicit-BWLer preset for {problem.name!r}; pass `nt`, `nx` "
                         "and `phases` yourself.")
    out = dict(_PRESETS[preset][problem.name])
    if problem.name == "convection":
        # nt = 2 beta + 1 (the paper's 81 for beta = 40), at least 41: sin(x - beta t)
        # needs a Chebyshev degree of about beta in t; x holds the one mode of sin(x).
        out["nt"] = max(2 * math.ceil(abs(float(problem.params["beta"]))) + 1, 41)
        if out["nt"] * out["nx"] > 81 * 80:
            # The paper's 161 x 160 for beta = 80 is a 25,920 x 25,760 dense Jacobian
            # (5.3 GB); Fourier modes decouple under constant-coefficient convection and
            # sin x is one mode, so 4 x nodes carry the same solution and floor.
            out["nx"] = 4
    return out


def solve_explicit_bwler(
    problem: Any,
    *,
    preset: str = "fast",
    nt: int | None = None,
    nx: int | None = None,
    collocation: Any = None,
    weights: Any = None,
    phases: Any = None,
    seed: int = 0,
    progress: bool | None = None,
    time_budget: float | None = None,
    dtype: torch.dtype = torch.float64,
    device: str | torch.device | None = None,
) -> Any:
    r"""Train an explicit BWLer on an evolution problem and compare it with its floor.

    Builds :class:`ExplicitBWLer` with the preset's nodes, collocation set and row
    weights (each overridable), trains it with
    :func:`~numlearn.learned.spectral.fit` (default phases: Gauss-Newton /
    Levenberg-Marquardt from zeros, :math:`\mu = 10^{-12}`, with the constant
    Jacobian for linear problems; for reaction the same per continuation stage in
    :math:`\rho` (1, 2, ..., 5 for :math:`\rho = 5`), each stage starting from the
    previous one's values, as
    :func:`~numlearn.classical.spectral.spacetime.solve_spacetime_newton`'s
    ``continuation=`` does), and computes the exact minimiser of the same discrete
    loss classically (:meth:`ExplicitBWLer.classical_solution`: QR, or Gauss-Newton
    with QR solves).

    Parameters
    ----------
    problem : str or EvolutionProblem
    preset : {"fast", "paper"}
        ``"paper"`` reaches the BWLer paper's accuracy (relative L2: convection
        :math:`\beta = 40` 1e-13 on the paper's 81 x 80 nodes, :math:`\beta = 80`
        1e-12 on 161 x 4 (the paper's 161 x 160 needs a 5.3 GB dense Jacobian; the
        Fourier modes decouple and :math:`\sin x` is one mode), reaction 1e-11 on
        33 x 101, wave 1e-12 on 41 x 41 with unit-norm rows); ``"fast"`` is for the
        comparison suite (convection on 4 x nodes, smaller reaction/Burgers grids).
    nt, nx, collocation, weights
        Override the preset (as in :class:`ExplicitBWLer`).
    phases : Phase or list of Phase, optional
        Override the optimiser phases (used for every continuation stage).
    seed, progress, time_budget
        As in :func:`~numlearn.learned.spectral.fit` (the budget covers all stages).
    dtype, device
        Of the objective.

    Returns
    -------
    Result
        ``value`` the trained interpolant on ``problem.evaluation_grid()``;
        ``status`` ``SUCCESS``, or ``TARGET_NOT_REACHED`` with a `RuntimeWarning` when
        the error exceeds 3 times the classical error (or ``fit``'s
        own status); ``stats``: ``error`` (relative L2), ``classical_error`` (the
        same discretisation solved classically), ``floor_ratio``, ``cond`` /
        ``cond_of`` (of the classical solve's weighted matrix or Jacobian), ``floor``
        (``cond * eps``), ``iterations``, ``seconds`` (training), ``seconds_classical``,
        ``theta``, ``nodes``, ``collocation``, ``weighting``, ``stages``;
        ``history`` of the last stage.

    Examples
    --------
    >>> import warnings
    >>> from numlearn.problems.pdes import get_pde
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     res = solve_explicit_bwler(get_pde("convection", beta=10.0), progress=False)
    >>> res.success, bool(res.stats["error"] < 1e-13)
    (True, True)
    """
    import time
    import warnings

    from numlearn._core.result import Result, Status
    from numlearn.classical.spectral.spacetime import resolve_evolution_problem
    from numlearn.learned.spectral.fit import Phase, fit

    problem = resolve_evolution_problem(problem)
    cfg = _preset(problem, preset)
    nt = cfg["nt"] if nt is None else nt
    nx = cfg["nx"] if nx is None else nx
    weights = cfg["weights"] if weights is None else weights
    if phases is None:
        opts: dict[str, Any] = {"mu": 1e-12}
        if problem.linear:
            opts["jacobian"] = "constant"  # a linear residual: J formed once
        phases = [Phase("gauss_newton", cfg["steps"], opts)]
    elif isinstance(phases, Phase):
        phases = [phases]
    stages = [problem]
    key = _CONTINUED.get(problem.name)
    if key is not None:
        base = float(problem.params[key])
        stages = [type(problem)(params={**problem.params, key: base * f})
                  for f in cfg["stages"]]
    objs = [ExplicitBWLer(p, nt, nx, collocation=collocation, weights=weights,
                          x_basis=None, dtype=dtype, device=device) for p in stages]
    theta = None
    seconds, iterations, result = 0.0, 0, None
    for obj in objs:
        budget = None if time_budget is None else max(time_budget - seconds, 1e-3)
        result = fit(obj, phases, seed=seed, theta0=theta, progress=progress,
                     time_budget=budget)
        theta = result.stats["theta"]
        seconds += result.stats["seconds"]
        iterations += result.stats["iterations"]
    assert result is not None
    obj = objs[-1]
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the classical solve's own conditioning notes
        floor_res = obj.classical_solution()
    t_classical = time.perf_counter() - t0
    err = float(result.stats["error"])
    c_err = float(floor_res.stats["rel_l2"])
    ratio = err / c_err if c_err > 0 else math.inf
    status, message = result.status, result.message
    if not err <= _FLOOR_FACTOR * c_err:
        status = Status.TARGET_NOT_REACHED
        message = (f"{obj.name} on {problem.name}: error {err:.3e} is {ratio:.3g} times the "
                   f"classical error {c_err:.3e} of the same discretisation (allowed "
                   f"{_FLOOR_FACTOR:g}x); add Gauss-Newton steps or raise `time_budget`.")
        warnings.warn(message, RuntimeWarning, stacklevel=2)
    opt = "+".join(f"{p.optimizer}x{p.steps}" for p in phases)
    cont = (f", continuation in {key} over {len(stages)} stages" if key is not None else "")
    method = (f"explicit BWLer {nt}x{nx} (Chebyshev t x {obj._disc.x_basis} x, "
              f"collocation {obj._disc.collocation}, weights {weights}); {opt}{cont}")
    cond = float(floor_res.stats["cond"])
    stats = {
        "error": err, "classical_error": c_err, "floor_ratio": ratio,
        "cond": cond, "cond_of": floor_res.stats.get("cond_of", ""),
        "floor": cond * float(torch.finfo(torch.float64).eps),
        "iterations": iterations, "seconds": seconds, "seconds_classical": t_classical,
        "loss": result.stats["loss"], "theta": theta, "nodes": (nt, nx),
        "collocation": obj._disc.collocation, "weighting": obj.weighting,
        "stages": [float(p.params[key]) for p in stages] if key else [],
    }
    return Result(result.value, side="learned", status=status, message=message,
                  stats=stats, history=result.history, method=method)
