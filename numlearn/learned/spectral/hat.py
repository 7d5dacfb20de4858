r"""The BWLer-hat: an MLP that feeds the nodal values of an explicit BWLer.

Liu et al. (BWLer, arXiv:2506.23024) put a barycentric weight layer "on top of" a PINN's
MLP: the network :math:`f_\theta(t, x)` is evaluated **only at the tensor-product nodes**
:math:`(t_k, x_l)` of the BWLer grid, and those values are the nodal values of the
spectral interpolant,

.. math::

    U_{kl}(\theta) = f_\theta(t_k, x_l), \qquad
    \mathcal L(\theta) = \mathcal L_{\text{explicit}}\bigl(U(\theta)\bigr),

so derivatives are spectral (differentiation matrices at the nodes, then barycentric
interpolation to the collocation points), never autograd in ``(t, x)``, and the loss is
exactly the explicit BWLer's (:class:`~numlearn.learned.spectral.ExplicitBWLer`, with
its collocation set and its row weights, the paper's ``mean(res^2) + 100 mean(IC^2) +
100 mean(BC^2)`` by default).  The parameters are the network's; the nodal values are
no longer free, which is what the paper's "hat" ablation measures against the plain
MLP PINN (:class:`~numlearn.learned.spectral.MLPPINN`).

Cost of one loss: one network forward at the :math:`n_tn_x` nodes,
:math:`O(n_tn_x\sum_k h_kh_{k+1})`, plus the explicit residual (two dense products per
derivative); the gradient doubles it.  Unlike the PINN, no input derivatives are taken,
so a step is several times cheaper at the same number of points.

The network sees the raw node coordinates ``(t, x)``, as the PINN does
(``embedding="raw"``), or, for a problem periodic in x, ``(t, sin(kx), cos(kx))`` with
:math:`k = 2\pi/(b - a)` (``embedding="periodic"``): then every network is exactly
periodic in x, so the Fourier axis' spectral derivative sees no jump at the ends.  The
raw network is not periodic, and on convection its initial PDE term is some 60 times
the PINN's (notes); the embedding is the standard remedy (a hard periodicity
constraint, as in Dong & Ni, J. Comput. Phys. 435 (2021) 110242).

References
----------
.. [1] J. Liu, Y. Baig, D. H. J. Lee, R. V. Dwaraknath, A. Rudra, C. Ré, "BWLer:
   Barycentric Weight Layer Elucidates a Precision-Conditioning Tradeoff for PINNs",
   arXiv:2506.23024 (2025) (``MLPSpectralInterpolationND`` in its code).
.. [2] J.-P. Berrut, L. N. Trefethen, "Barycentric Lagrange interpolation", SIAM Review
   46(3) (2004).

Chebfun's ``chebfun2`` on a tensor grid of values is the classical counterpart of the
nodal interpolant; DeepXDE has no equivalent.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor

from numlearn._core.validation import check_choice
from numlearn.learned.layers import MLP, FlatParameters
from numlearn.learned.spectral.bwler import ExplicitBWLer
from numlearn.learned.spectral.objective import PDEObjective
from numlearn.learned.spectral.pinn import (
    check_evolution_problem,
    check_theta_for,
    fresh_parameters,
)

__all__ = ["BWLerHat", "solve_bwler_hat"]


class BWLerHat(PDEObjective):
    r"""An MLP at the nodes of an explicit BWLer, trained on the explicit loss (module
    notes).

    Parameters
    ----------
    problem : EvolutionProblem
        Convection, reaction, wave or Burgers.
    nt, nx : int
        BWLer nodes in t and x (the paper: 81 x 80 convection, 41 x 41 reaction and
        wave).
    collocation, weights, x_basis
        Passed to :class:`ExplicitBWLer` (default: collocation at the nodes, the paper's
        weights; the paper's reaction and wave runs use ``collocation=4``, 161 points
        for 41 nodes).
    hidden : sequence of int, default (50, 50, 50)
        The network's hidden widths (the paper's hat: ``(256, 256, 256)``).
    init : {"xavier_normal", "torch"}, default "xavier_normal"
    activation : {"tanh", "sin"}, default "tanh"
    embedding : {"raw", "periodic"}, default "raw"
        The network's input: ``(t, x)``, or ``(t, sin kx, cos kx)`` with
        :math:`k = 2\pi/(b-a)` (periodic problems only: convection, reaction).
    dtype, device
        float64 on the CPU by default; ``theta`` must match (never cast).

    Attributes
    ----------
    nodal : ExplicitBWLer
        The explicit objective whose ``residuals_at_values`` this one calls.

    Examples
    --------
    >>> from numlearn.problems.pdes import get_pde
    >>> hat = BWLerHat(get_pde("wave"), 9, 9, hidden=(8,))
    >>> theta = hat.initial_parameters(0)
    >>> U = hat.node_values(theta)
    >>> all(torch.equal(a, b) for a, b in zip(hat.residuals(theta).values(),
    ...     hat.nodal.residuals_at_values(U).values()))
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
        hidden: Sequence[int] = (50, 50, 50),
        init: str = "xavier_normal",
        activation: str = "tanh",
        embedding: str = "raw",
        dtype: torch.dtype = torch.float64,
        device: str | torch.device | None = None,
    ) -> None:
        self.problem = check_evolution_problem(problem)
        self.embedding = check_choice(embedding, "embedding", ("raw", "periodic"))
        if self.embedding == "periodic" and not self.problem.periodic:
            raise ValueError(f"`embedding`: 'periodic' needs a problem periodic in x; "
                             f"{self.problem.name} has Dirichlet boundaries (use 'raw').")
        self.nodal = ExplicitBWLer(self.problem, nt, nx, collocation=collocation,
                                   weights=weights, x_basis=x_basis, dtype=dtype,
                                   device=device)
        self.dtype, self.device = self.nodal.dtype, self.nodal.device
        self.shape = self.nodal.shape
        n_in = 2 if self.embedding == "raw" else 3
        self.net = MLP(n_in, hidden, activation=activation, init=init, seed=0,
                       dtype=self.dtype, device=self.device)
        self.flat = FlatParameters(self.net)
        tt, xx = (g.reshape(-1) for g in self.nodal.layer.node_grid())
        self.node_points = self.embed(tt, xx)
        self.name = (f"BWLer-hat {'x'.join(map(str, self.net.sizes[1:-1]))} on "
                     f"{self.shape[0]}x{self.shape[1]} ({self.problem.name})")

    def embed(self, t: Tensor, x: Tensor) -> Tensor:
        """The network's input at points ``(t, x)`` (1-D tensors of one length):
        ``(t, x)`` or ``(t, sin kx, cos kx)``, shape ``(m, 2)`` or ``(m, 3)``."""
        if self.embedding == "raw":
            return torch.stack([t, x], dim=1)
        a, b = self.problem.x_domain
        kx = (2 * np.pi / (b - a)) * (x - a)
        return torch.stack([t, torch.sin(kx), torch.cos(kx)], dim=1)

    def node_values(self, theta: Tensor) -> Tensor:
        """:math:`U_{kl} = f_\\theta(t_k, x_l)`, shape ``(nt, nx)``."""
        theta = check_theta_for(theta, self.flat.size, self.dtype, self.device)
        return self.flat.call(theta, self.node_points).reshape(self.shape)

    def residuals(self, theta: Tensor) -> dict[str, Tensor]:
        """The explicit BWLer's weighted blocks at the network's node values."""
        return self.nodal.residuals_at_values(self.node_values(theta))

    def initial_parameters(self, seed: int = 0) -> Tensor:
        """A freshly initialised network's flat parameters (seeded)."""
        return fresh_parameters(self.net, seed)

    def predict(self, theta: Tensor) -> NDArray[np.float64]:
        """The interpolant of the network's node values on the evaluation grid."""
        with torch.no_grad():
            U = self.node_values(theta.detach() if isinstance(theta, Tensor) else theta)
        return self.nodal.predict_values(U)

    def config(self) -> dict[str, Any]:
        """The explicit objective's settings plus the network's (JSON-able)."""
        c = self.net.config()
        return {"objective": "bwler_hat", "nodal": self.nodal.config(),
                "hidden": c["hidden"], "init": c["init"], "activation": c["activation"],
                "embedding": self.embedding}

    @classmethod
    def from_config(cls, config: dict[str, Any], *,
                    device: str | torch.device | None = None) -> BWLerHat:
        """The objective :meth:`config` describes."""
        from numlearn.problems.pdes import get_pde

        if config.get("objective", "bwler_hat") != "bwler_hat":
            raise ValueError(f"`config` describes a {config.get('objective')!r} objective, "
                             "not a BWLer-hat.")
        n = config["nodal"]
        col = n.get("collocation")
        return cls(get_pde(n["problem"], **n.get("params", {})), n["nt"], n["nx"],
                   collocation=tuple(col) if isinstance(col, list) else col,
                   weights=n.get("weights", "paper"), x_basis=n.get("x_basis"),
                   hidden=tuple(config["hidden"]), init=config["init"],
                   activation=config["activation"],
                   embedding=config.get("embedding", "raw"),
                   dtype=getattr(torch, n.get("dtype", "float64")), device=device)


#: The BWLer paper's nodes and collocation per problem (the paper: convection 81 x 80 at
#: the nodes; reaction and wave 41 x 41 with 161 x 161 collocation; Burgers 321 x 321,
#: here 65 x 65 at the nodes for the CPU).
HAT_NODES: dict[str, dict[str, Any]] = {
    "convection": {"nt": 81, "nx": 80},
    "reaction": {"nt": 41, "nx": 41, "collocation": 4},
    "wave": {"nt": 41, "nx": 41, "collocation": 4},
    "burgers": {"nt": 65, "nx": 65},
}
#: The network per preset: the fast one is the PINN's (3 x 50, Xavier-normal, an equal
#: comparison); the paper's hat is 3 x 256 with PyTorch's initialisation.
HAT_NETWORK: dict[str, dict[str, Any]] = {
    "fast": {"hidden": (50, 50, 50), "init": "xavier_normal"},
    "paper": {"hidden": (256, 256, 256), "init": "torch"},
}


def solve_bwler_hat(
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
    """Train a BWLer-hat on ``problem``; a :class:`~numlearn.Result` on its evaluation
    grid (the arguments of :func:`~numlearn.learned.spectral.solve_mlp_pinn`).

    ``preset="fast"``: the nodes of :data:`HAT_NODES`, a 3 x 50 network (the fast MLP
    PINN's), 1000 Adam steps; ``"paper"``: the same nodes, the paper's 3 x 256 network,
    20,000 Adam steps.  ``**options`` are :class:`BWLerHat` keywords (``nt``, ``nx``,
    ``collocation``, ``hidden`` ...) overriding the preset's.
    """
    from numlearn._core.validation import check_choice
    from numlearn.learned.spectral.pinn import default_phases, train_objective

    problem = check_evolution_problem(problem)
    preset = check_choice(preset, "preset", ("fast", "paper"))
    kw = {**HAT_NODES.get(problem.name, HAT_NODES["reaction"]), **HAT_NETWORK[preset],
          **options}
    objective = BWLerHat(problem, kw.pop("nt"), kw.pop("nx"), **kw, dtype=dtype,
                         device=device)
    phases = default_phases(preset, "hat") if phases is None else phases
    return train_objective(objective, phases, seed=seed, progress=progress,
                           time_budget=time_budget, target=target, method="bwler_hat",
                           failure_threshold=failure_threshold, eval_every=eval_every,
                           checkpoint=checkpoint, resume=resume)
