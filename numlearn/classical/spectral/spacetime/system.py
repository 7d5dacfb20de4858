r"""The explicit-BWLer least-squares system of a linear evolution PDE.

:func:`spacetime_system` assembles :math:`\min_v \|W(A_0 v - b_0)\|_2` (module
docstring of :mod:`numlearn.classical.spectral.spacetime`); :class:`CollocationSystem`
holds it with what is needed to interpret a solution vector, and builds the error
decomposition of a solution (:meth:`CollocationSystem.decomposition`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array
from numlearn.classical.linalg import qr_lstsq
from numlearn.classical.spectral.spacetime.discretisation import (
    _LINEAR,
    _NONLINEAR,
    Discretisation,
    _check_grid,
    _discretise,
    _jacobian,
    _residual,
    _row_weights,
    _weighted_name,
    resolve_evolution_problem,
)
from numlearn.classical.spectral.spacetime.grid import SpaceTimeInterpolant

if TYPE_CHECKING:
    from numlearn.precision.decomposition import ErrorDecomposition

__all__ = ["CollocationSystem", "spacetime_system", "system_from_discretisation"]


@dataclass(frozen=True)
class CollocationSystem:
    r"""The weighted least-squares system :math:`\min_v \|W(A_0 v - b_0)\|_2`.

    ``A = W A_0`` and ``b = W b_0`` are stored already weighted
    (``W = diag(row_weights)``), so :math:`\|Av - b\|^2` *is* the discrete loss.

    Attributes
    ----------
    A : ndarray, shape (m, nt*nx)
    b : ndarray, shape (m,)
    row_weights : ndarray, shape (m,)
        The diagonal of ``W``.
    blocks : dict of str -> slice
        Row ranges: ``"pde"``, ``"ic"``, and where present ``"ic_t"``, ``"bc"``,
        ``"periodic"``.
    t_nodes, x_nodes : ndarray
        Ascending Chebyshev ``t`` nodes; ``x`` nodes (Fourier or Chebyshev).
    shape : (int, int)
        ``(nt, nx)``; ``v[i_t * nx + i_x] = U[i_t, i_x]``.
    problem : EvolutionProblem
    x_basis : str
    collocation : str
        Which collocation set (``"nodes"``, ``"square"``, ``"grid Mt x Mx"``).
    weighting : str
        Which row weights.
    x_map : TanMap or None
        The x node map (Chebyshev x), or ``None``.
    """

    A: NDArray[np.float64]
    b: NDArray[np.float64]
    row_weights: NDArray[np.float64]
    blocks: dict[str, slice]
    t_nodes: NDArray[np.float64]
    x_nodes: NDArray[np.float64]
    shape: tuple[int, int]
    problem: Any
    x_basis: str
    collocation: str
    weighting: str
    x_map: Any = None

    def nodal_values(self, v: ArrayLike) -> NDArray[np.float64]:
        """Solution vector ``v`` (length ``nt*nx``) as nodal values ``U[i_t, i_x]``."""
        vv = as_float_array(v, "v", ndim=1, allow_complex=False)
        if vv.size != self.shape[0] * self.shape[1]:
            raise ValueError(f"`v` must have {self.shape[0] * self.shape[1]} entries, "
                             f"got {vv.size}.")
        return vv.reshape(self.shape)

    def interpolant(self, v: ArrayLike) -> SpaceTimeInterpolant:
        """The tensor interpolant whose nodal values are ``v``."""
        return self._interpolant(self.nodal_values(v))

    def _interpolant(self, v: NDArray[np.float64]) -> SpaceTimeInterpolant:
        """:meth:`interpolant` of a float64 vector of the right length (not checked)."""
        return SpaceTimeInterpolant._from_nodal(v.reshape(self.shape), self.problem.t_domain,
                                                self.problem.x_domain, self.x_basis,
                                                self.x_map)

    @property
    def matrix_name(self) -> str:
        """What ``A`` is, for ``cond_of``: e.g. ``"A row-equilibrated (unit 2-norm rows)"``."""
        return f"A {_weighted_name(self.weighting)}"

    def evaluate(self, v: ArrayLike, t: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        """The interpolant of ``v`` on the tensor grid ``t × x``."""
        return self.interpolant(v)(t, x)

    def truth_at_nodes(self) -> NDArray[np.float64]:
        """The exact solution at the nodes as a vector ``v*`` (``u_best``'s values).

        ``self.interpolant(self.truth_at_nodes())`` is the best the nodal model can
        do (term 1 of the error decomposition); ``A v* - b`` is the consistency
        defect of the discretisation.
        """
        u = self.problem.solution(self.t_nodes[:, None], self.x_nodes[None, :])
        return np.asarray(u, dtype=np.float64).ravel()

    def loss(self, v: ArrayLike) -> float:
        r""":math:`\|Av - b\|_2^2` (the explicit-BWLer loss with ``weights='paper'``)."""
        vv = as_float_array(v, "v", ndim=1, allow_complex=False)
        r = self.A @ vv - self.b
        return float(r @ r)

    def decomposition(
        self,
        v_learned: ArrayLike | None = None,
        *,
        norm: str = "rel_l2",
    ) -> ErrorDecomposition:
        r"""The error decomposition of a nodal model on the problem's evaluation grid.

        ``u`` is the exact solution on ``problem.evaluation_grid()``; ``u_best`` the
        interpolant of the truth at the nodes (:meth:`truth_at_nodes`); ``u_disc`` the
        interpolant of the exact minimiser of :math:`\|Av - b\|_2`, computed stably
        (pivoted QR of the weighted matrix, :func:`~numlearn.classical.linalg.qr_lstsq`);
        ``u_learned`` the interpolant of ``v_learned`` (e.g. a trained explicit BWLer's
        nodal values), by default ``u_disc``.  The floor is ``cond(A) eps`` with
        ``cond`` the 2-norm condition number of the weighted ``A`` (exact up to 400
        unknowns, a Lanczos estimate above).  See
        :func:`numlearn.precision.decomposition.collocation_decomposition`.

        Cost: one QR solve, :math:`O(mn^2)`, plus :math:`O(n^3)` for the condition
        number, plus four evaluations on the grid.

        Parameters
        ----------
        v_learned : array_like, shape (nt*nx,) or (nt, nx), optional
        norm : {"rel_l2", "rmse", "max"}

        Returns
        -------
        ErrorDecomposition
        """
        from numlearn.precision.decomposition import collocation_decomposition

        t, x = self.problem.evaluation_grid()
        u = self.problem.solution_on_grid(t, x)
        sol = qr_lstsq(self.A, self.b, cond="auto")
        u_best = self._interpolant(self.truth_at_nodes())(t, x)
        u_disc = self._interpolant(sol.x)(t, x)
        u_learned = None
        if v_learned is not None:
            vl = as_float_array(v_learned, "v_learned", allow_complex=False).ravel()
            u_learned = self.interpolant(vl)(t, x)
        return collocation_decomposition(
            u, u_best=u_best, u_disc=u_disc, u_learned=u_learned,
            grid_name=f"{self.problem.name}.evaluation_grid() {u.shape}",
            cond=sol.cond, cond_of=self.matrix_name, norm=norm,
        )


def spacetime_system(
    problem: Any,
    nt: int,
    nx: int,
    *,
    collocation: Any = None,
    weights: Any = "equilibrate",
    x_basis: str | None = None,
    x_map: Any = None,
) -> CollocationSystem:
    r"""Assemble the explicit-BWLer least-squares system for a linear evolution PDE.

    Builds :math:`A_0 v = b_0` (module docstring: PDE rows as sums of Kronecker
    products :math:`P_tD_t^{(a)}\otimes P_xD_x^{(b)}`, initial- and boundary-condition
    rows) and the row weights :math:`W`, returning ``A = W A_0``, ``b = W b_0``.

    Parameters
    ----------
    problem : EvolutionProblem or str
        ``"convection"`` (Chebyshev t × Fourier x) or ``"wave"`` (Chebyshev t ×
        Chebyshev x), or any linear :class:`~numlearn.problems.pdes.EvolutionProblem`.
    nt, nx : int
        Nodes in t and x (``nt >= order_t + 2``; ``nx >= 3`` Chebyshev, ``>= 2``
        Fourier).
    collocation : None, "nodes", "square", int or (int, int)
        Collocation set (module docstring).  Default: the nodes.
    weights : "equilibrate", "paper", None or array
        Row weights (module docstring).  Default: unit-norm rows.
    x_basis : {"fourier", "chebyshev"}, optional
        Default: Fourier for periodic problems (Chebyshev for reaction), Chebyshev
        otherwise.
    x_map : TanMap or float, optional
        Chebyshev x only: nodes ``g(s_j)`` clustered by the node map
        (:class:`~numlearn.classical.spectral.spacetime.TanMap`; a float is its
        ``alpha``).  Default: unmapped.

    Returns
    -------
    CollocationSystem

    Raises
    ------
    TypeError
        ``problem`` is not an evolution problem (e.g. ``poisson2d_c``).
    ValueError
        Nonlinear problem (use :func:`solve_spacetime_newton`), non-finite
        coefficients, ``nt``/``nx`` too small, a collocation set with fewer points
        than nodes, or a system too large to assemble densely (> 2.5e8 entries).

    Notes
    -----
    Cost: :math:`O(m\,n_t n_x)` time and memory for ``m`` rows (dense); the factors
    are 1-D matrices of size :math:`O(n^2)`.  81 × 80 nodes at the nodes give a
    6560 × 6480 matrix (340 MB).

    Examples
    --------
    >>> sys = spacetime_system("convection", 9, 4)
    >>> sys.A.shape, sorted(sys.blocks)
    ((40, 36), ['ic', 'pde'])
    """
    problem = resolve_evolution_problem(problem)
    return _linear_system(problem, nt, nx, collocation, weights, x_basis, x_map=x_map)


def _linear_system(problem: Any, nt: Any, nx: Any, collocation: Any, weights: Any,
                   x_basis: str | None, *, x_map: Any = None) -> CollocationSystem:
    """:func:`spacetime_system` for a resolved ``problem``."""
    if not problem.linear:
        raise ValueError(
            f"{problem.name} is nonlinear, so its collocation equations are not a linear "
            f"system: use solve_spacetime_newton (supported: {', '.join(_NONLINEAR)}). "
            f"Linear problems: {', '.join(_LINEAR)}."
        )
    disc = _discretise(problem, _check_grid(problem, nt, nx, collocation, x_basis,
                                            x_map=x_map))
    return system_from_discretisation(disc, weights)


def system_from_discretisation(disc: Discretisation,
                               weights: Any = "equilibrate") -> CollocationSystem:
    r"""The dense weighted system of a :class:`Discretisation` (see
    :func:`spacetime_system`, which validates its arguments and calls this).

    ``A_0`` is the Jacobian of the residual at :math:`v = 0` and ``b_0 = -r(0)``: exact
    for a linear problem (for a nonlinear one it is the linearisation at zero).
    ``weights`` as :func:`collocation_row_weights`, the equilibration taken on ``A_0``.
    Cost :math:`O(m\,n_tn_x)` memory and time.
    """
    n = disc.t.n * disc.x.n
    zero = np.zeros(n)
    A0 = _jacobian(disc, zero)
    b0 = -_residual(disc, zero)
    w, label = _row_weights(disc, A0, weights)
    A0 *= w[:, None]
    return CollocationSystem(
        A=A0, b=w * b0, row_weights=w, blocks=disc.blocks(), t_nodes=disc.t.nodes,
        x_nodes=disc.x.nodes, shape=disc.shape, problem=disc.problem,
        x_basis=disc.x_basis, collocation=disc.collocation, weighting=label,
        x_map=disc.x.x_map,
    )
