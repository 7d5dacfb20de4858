r"""Space-time spectral collocation for the benchmark evolution PDEs.

The unknowns are the values :math:`v = \operatorname{vec}(U)` of a tensor-product
interpolant at the nodes, :math:`U_{kl} = u(t_k, x_l)`: exactly the trainable
parameters of an explicit BWLer (Liu et al. 2025).  Every loss term is then a
linear (or, for the nonlinear problems, pointwise nonlinear) function of :math:`v`,
and the discrete loss is a least-squares problem that can be solved *exactly*: its
minimiser is the ``u_disc`` of the error decomposition
(:meth:`CollocationSystem.decomposition`).

Grid and ordering
-----------------
- time: ``nt`` Chebyshev points of the second kind on ``t_domain``, **ascending**
  (:func:`~numlearn.classical.nodes.chebyshev_points`), so ``t = 0`` is index 0
  (BWLer lists them descending, with ``t = 0`` last);
- space: ``nx`` equispaced periodic points (Fourier basis, convection) or ``nx``
  ascending Chebyshev points (wave, reaction, Burgers);
- ``U[i_t, i_x]``, flattened row-major: ``v[i_t * nx + i_x] = U[i_t, i_x]``.

Operators
---------
With 1-D differentiation matrices :math:`D_t^{(a)}` (:func:`chebyshev_diffmat`) and
:math:`D_x^{(b)}` (:func:`chebyshev_diffmat` or :func:`fourier_diffmat`), and
interpolation matrices :math:`P_t` (:math:`M_t\times n_t`), :math:`P_x`
(:math:`M_x\times n_x`) from the nodes to the collocation points (built by the
barycentric formula applied to the columns of the identity, never by inverting a
Vandermonde matrix), the derivative :math:`\partial_t^a\partial_x^b u` at the
collocation grid is

.. math::

    (P_t D_t^{(a)} \otimes P_x D_x^{(b)})\, v
    = \operatorname{vec}\bigl(P_t D_t^{(a)}\, U\, (P_x D_x^{(b)})^{\mathsf T}\bigr),

the exact derivative of the interpolant (as BWLer computes it: derivative at the
nodes, then interpolation).  Row blocks of :math:`A v = b`:

- ``pde``: :math:`\sum_k c_k\,(P_t D_t^{(a_k)}\otimes P_x D_x^{(b_k)})` (the linear
  residual), right-hand side 0;
- ``ic``: :math:`e_0^{\mathsf T}\otimes P_x`, right-hand side :math:`u(0, x_j)`;
- ``ic_t`` (wave): :math:`e_0^{\mathsf T} D_t\otimes P_x`, right-hand side
  :math:`u_t(0, x_j)`;
- ``bc``: :math:`P_t\otimes [e_0, e_{n_x-1}]^{\mathsf T}`, right-hand side
  :math:`u(t_i, a), u(t_i, b)`;
- ``periodic`` (Chebyshev x of a periodic problem):
  :math:`P_t\otimes (e_0 - e_{n_x-1})^{\mathsf T}`, right-hand side 0.

The coefficients :math:`c_k` are read off the problem's own ``residual(u, d)`` (its
partial derivatives with respect to ``u, u_t, u_x, ...``, by the complex step), so
the discretisation cannot drift from the problem definition.

Collocation sets (``collocation=``): ``None``/``"nodes"`` (BWLer's high-precision
setting: every node is a collocation point, the system is overdetermined by the
condition rows); an integer refinement ``k`` (``M = k(N-1)+1`` Chebyshev points, so
the nodes are a subset, or ``M = kN`` Fourier points; ``k = 4`` is BWLer's
``161 = 4*40+1``); an explicit pair ``(Mt, Mx)``; or ``"square"``: classical
collocation, where the PDE rows at the boundary nodes are *replaced* by the
conditions so that :math:`A` is square (first order in t: PDE at ``t_1..t_{nt-1}``;
second order: at ``t_1..t_{nt-2}``; Dirichlet x: at interior ``x`` only).

Row weights (``weights=``): ``"paper"`` reproduces BWLer's loss exactly,
:math:`\|W(Av-b)\|^2 = \operatorname{mean}(res^2) + 100\,\operatorname{mean}(IC^2)
+ 100\,\operatorname{mean}(BC^2)` (each condition block, ``ic``, ``ic_t``, ``bc``,
``periodic``, is its own mean), i.e. :math:`W_{rr} = 1/\sqrt{M_{pde}}` and
:math:`\sqrt{100/M_{block}}`; ``"equilibrate"`` (default) scales every row of
:math:`A` to unit 2-norm (the classical heuristic; for square systems van der
Sluis (1969) showed it within a factor :math:`\sqrt{n}` of the best diagonal row
scaling); ``None`` leaves :math:`A` as assembled (the effect on :math:`\kappa` and the
error is measured in the notes, *Spectral solvers*).  For a consistent (square) system
the weights do not change the solution, only the conditioning; for the
overdetermined sets they also change the minimiser, at the level of the
discretisation error.

Why QR and never the normal equations: :math:`\kappa(A^{\mathsf T}A) =
\kappa(A)^2`, so Householder QR reaches errors near :math:`\kappa\varepsilon` where
:math:`A^{\mathsf T}A` loses as many digits again; loss-based optimisers (Adam,
NNCG) see the squared condition number.

References
----------
.. [1] J. Liu, Y. Baig, D. H. J. Lee, R. V. Dwaraknath, A. Rudra, C. Ré, "BWLer:
   Barycentric Weight Layer Elucidates a Precision-Conditioning Tradeoff for
   PINNs", arXiv:2506.23024 (2025).
.. [2] L. N. Trefethen, *Spectral Methods in MATLAB*, SIAM, 2000 (ch. 6, 7, 13:
   differentiation matrices, boundary conditions by row replacement, Kronecker
   products for tensor grids).
.. [3] J. P. Boyd, *Chebyshev and Fourier Spectral Methods*, 2nd ed., Dover, 2001
   (ch. 6 boundary bordering, ch. 3 Newton–Kantorovich iteration).
.. [4] Å. Björck, *Numerical Methods for Least Squares Problems*, SIAM, 1996 (QR vs
   normal equations, row scaling).

Modules
-------
:mod:`~.grid` (axes, interpolation matrices, :class:`SpaceTimeInterpolant`),
:mod:`~.discretisation` (row blocks, residual, Jacobian, row weights), :mod:`~.system`
(:class:`CollocationSystem`, :func:`spacetime_system`), :mod:`~.solve` (QR solve and
the driver :func:`solve_spacetime`), :mod:`~.newton` (Gauss-Newton).  The resolution
study lives in :mod:`numlearn.compare.studies.spacetime_resolution`.
"""

from numlearn.classical.spectral.spacetime.discretisation import (
    Discretisation,
    collocation_row_weights,
    default_x_basis,
    resolve_evolution_problem,
    spacetime_discretisation,
)
from numlearn.classical.spectral.spacetime.grid import SpaceTimeInterpolant, TanMap
from numlearn.classical.spectral.spacetime.newton import solve_spacetime_newton
from numlearn.classical.spectral.spacetime.solve import solve_spacetime, solve_spacetime_lstsq
from numlearn.classical.spectral.spacetime.system import (
    CollocationSystem,
    spacetime_system,
    system_from_discretisation,
)

__all__ = [
    "CollocationSystem",
    "Discretisation",
    "SpaceTimeInterpolant",
    "TanMap",
    "collocation_row_weights",
    "default_x_basis",
    "resolve_evolution_problem",
    "solve_spacetime",
    "solve_spacetime_lstsq",
    "solve_spacetime_newton",
    "spacetime_discretisation",
    "spacetime_system",
    "system_from_discretisation",
]
