r"""Space-time spectral collocation for the benchmark evolution PDEs.

The unknowns are the values :math:`v = \operatorname{vec}(U)` of a tensor-product
interpolant at the nodes, :math:`U_{kl} = u(t_k, x_l)`: exactly the trainable
parameters of an explicit BWLer (Liu et al. 2025).  Every loss term is then a
linear (or, for the nonlinear problems, pointwise nonlinear) function of :math:`v`,
and the discrete loss is a least-squares problem that can be solved *exactly*: its
minimiser is the ``u_disc`` of the error decomposition (``DESIGN.md``).

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
scaling); ``None`` leaves :math:`A` as assembled.  Measured effect, wave 41 x 41
at the nodes: :math:`\kappa` = 7.0e7 unweighted, 1.6e6 paper, 4.4e3 equilibrated,
relative L2 errors 1.3e-10, 2.1e-12 and 7.3e-14.  For a consistent (square) system
the weights do not change the solution, only the conditioning; for the
overdetermined sets they also change the minimiser, at the level of the
discretisation error.

Why QR and never the normal equations: :math:`\kappa(A^{\mathsf T}A) =
\kappa(A)^2`.  With BWLer's convection (81 x 80 nodes, paper weights,
:math:`\kappa = 5.4\times10^3`) Householder QR reaches 4e-14 relative error while
:math:`A^{\mathsf T}A` gives 4e-11 (``research/bwler.md`` §5); loss-based optimisers
(Adam, NNCG) see the squared condition number.

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
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg as sla
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result, Status
from numlearn._core.validation import as_float_array, check_int, warn_ill_conditioned
from numlearn.classical.barycentric import barycentric_eval, trig_barycentric_eval
from numlearn.classical.differentiation import chebyshev_diffmat, fourier_diffmat
from numlearn.classical.nodes import chebyshev_points, chebyshev_weights, fourier_points

__all__ = [
    "CollocationSystem",
    "SpaceTimeInterpolant",
    "resolution_study",
    "solve_spacetime",
    "solve_spacetime_lstsq",
    "solve_spacetime_newton",
    "spacetime_system",
]

EPS = float(np.finfo(np.float64).eps)

# key of the problem's derivative mapping -> (order in t, order in x)
_DERIVS: dict[str, tuple[int, int]] = {
    "u": (0, 0),
    "u_t": (1, 0),
    "u_tt": (2, 0),
    "u_x": (0, 1),
    "u_xx": (0, 2),
}
_LINEAR = ("convection", "wave")
_NONLINEAR = ("reaction", "burgers")
# BWLer's bases for the periodic problems: reaction's Gaussian initial value is only
# C0-periodic, so it gets Chebyshev x with a value-periodicity row (bwler.md §2).
_DEFAULT_X_BASIS = {"reaction": "chebyshev"}
# Condition blocks get weight 100 in BWLer's loss (ic_weight = 10, squared).
_PAPER_CONDITION_WEIGHT = 100.0
# Warn when the solve can lose more than 6 of float64's 16 digits.
_COND_WARN = 1e10
# Dense assembly refuses systems larger than this many entries (8 bytes each).
_MAX_ENTRIES = 2.5e8
# Exact singular values (SVD of R, O(n^3)) up to this many unknowns, Lanczos above.
_SVD_MAX_N = 400


# ============================================================================ axes


@dataclass(frozen=True)
class _Axis:
    """Nodes of one axis, its collocation points and the interpolation matrix."""

    kind: str  # "chebyshev" or "fourier"
    domain: tuple[float, float]
    nodes: NDArray[np.float64]
    points: NDArray[np.float64]  # collocation points
    interp: NDArray[np.float64]  # (len(points), len(nodes)), exact identity at nodes
    _diff: dict[int, NDArray[np.float64]] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return int(self.nodes.shape[0])

    def diff(self, order: int) -> NDArray[np.float64]:
        """Differentiation matrix of ``order`` at the nodes (cached)."""
        if order not in self._diff:
            if self.kind == "chebyshev":
                self._diff[order] = chebyshev_diffmat(self.n, order, self.domain)
            else:
                self._diff[order] = fourier_diffmat(self.n, order, self.domain)
        return self._diff[order]


def _nodes(kind: str, n: int, domain: tuple[float, float]) -> NDArray[np.float64]:
    if kind == "chebyshev":
        return chebyshev_points(n, 2, domain)
    return fourier_points(n, domain)


def _interp_matrix(
    kind: str, n: int, domain: tuple[float, float], points: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``P[i, j] = ell_j(points[i])``: the interpolant's basis at the points.

    The barycentric formula applied to the identity's columns (a point equal to a
    node returns the exact indicator row); no linear system is solved.
    """
    eye = np.eye(n)
    if kind == "chebyshev":
        return barycentric_eval(_nodes(kind, n, domain), chebyshev_weights(n), eye, points)
    return trig_barycentric_eval(eye, points, domain)


def _make_axis(kind: str, n: int, m: int | None, domain: tuple[float, float]) -> _Axis:
    nodes = _nodes(kind, n, domain)
    if m is None or m == n:
        return _Axis(kind, domain, nodes, nodes, np.eye(n))
    points = _nodes(kind, m, domain)
    return _Axis(kind, domain, nodes, points, _interp_matrix(kind, n, domain, points))


# ==================================================================== interpolant


class SpaceTimeInterpolant:
    r"""Tensor-product interpolant ``u(t, x)`` from nodal values ``U[i_t, i_x]``.

    Barycentric (second formula, Chebyshev weights) in ``t``; trigonometric
    barycentric (Fourier) or barycentric (Chebyshev) in ``x``.  Evaluation on a
    tensor grid contracts one axis at a time: :math:`O(n_x n_t m_x + n_t m_x m_t)`.
    ``np.asarray(interp)`` gives the nodal values.

    Parameters
    ----------
    values : array_like, shape (nt, nx)
        Values at the nodes, ``t`` ascending along axis 0.
    t_domain, x_domain : (float, float)
    x_basis : {"chebyshev", "fourier"}
    """

    def __init__(
        self,
        values: ArrayLike,
        t_domain: tuple[float, float],
        x_domain: tuple[float, float],
        x_basis: str,
    ) -> None:
        self.values = as_float_array(values, "values", ndim=2, allow_complex=False)
        if x_basis not in ("chebyshev", "fourier"):
            raise ValueError(f"`x_basis` must be 'chebyshev' or 'fourier', got {x_basis!r}.")
        self.t_domain = (float(t_domain[0]), float(t_domain[1]))
        self.x_domain = (float(x_domain[0]), float(x_domain[1]))
        self.x_basis = x_basis
        nt, nx = self.values.shape
        self.t_nodes = chebyshev_points(nt, 2, self.t_domain)
        self.x_nodes = _nodes(x_basis, nx, self.x_domain)

    @property
    def shape(self) -> tuple[int, int]:
        """``(nt, nx)``."""
        return self.values.shape  # type: ignore[return-value]

    def __array__(self, dtype: Any = None, copy: Any = None) -> NDArray[Any]:
        return self.values if dtype is None else self.values.astype(dtype)

    def __call__(self, t: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        """Values on the tensor grid ``t × x``: an array of shape ``(len(t), len(x))``."""
        tt = as_float_array(t, "t", ndim=1, allow_complex=False)
        xx = as_float_array(x, "x", ndim=1, allow_complex=False)
        nt, nx = self.shape
        # Along x first: columns are the nt time levels.
        if self.x_basis == "fourier":
            vx = trig_barycentric_eval(self.values.T, xx, self.x_domain)
        else:
            vx = barycentric_eval(self.x_nodes, chebyshev_weights(nx), self.values.T, xx)
        return barycentric_eval(self.t_nodes, chebyshev_weights(nt), vx.T, tt)

    def __repr__(self) -> str:
        return (f"SpaceTimeInterpolant(shape={self.shape}, x_basis={self.x_basis!r}, "
                f"t_domain={self.t_domain}, x_domain={self.x_domain})")


# ============================================================== discretisation


@dataclass(frozen=True)
class _Term:
    """Rows ``coef * kron(L, R)``; ``coef`` scalar or per-row ``(rows_t, rows_x)``."""

    coef: Any
    L: NDArray[np.float64]
    R: NDArray[np.float64]


@dataclass(frozen=True)
class _Condition:
    """A linear condition block ``sum_terms kron(L, R) v = rhs``."""

    name: str
    terms: tuple[_Term, ...]
    rhs: NDArray[np.float64]  # (rows_t, rows_x)

    @property
    def nrows(self) -> int:
        return int(self.rhs.size)


@dataclass(frozen=True)
class _Disc:
    """Everything needed to evaluate the residual and its Jacobian."""

    problem: Any
    t: _Axis
    x: _Axis
    pde_L: NDArray[np.float64]  # (rows_t, nt): nodes -> PDE rows in t
    pde_R: NDArray[np.float64]  # (rows_x, nx)
    keys: tuple[str, ...]
    conditions: tuple[_Condition, ...]
    collocation: str
    x_basis: str

    @property
    def shape(self) -> tuple[int, int]:
        return (self.t.n, self.x.n)

    @property
    def n_pde(self) -> int:
        return int(self.pde_L.shape[0] * self.pde_R.shape[0])

    @property
    def nrows(self) -> int:
        return self.n_pde + sum(c.nrows for c in self.conditions)

    def factors(self, key: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        a, b = _DERIVS[key]
        lt = self.pde_L if a == 0 else self.pde_L @ self.t.diff(a)
        rx = self.pde_R if b == 0 else self.pde_R @ self.x.diff(b)
        return lt, rx

    def blocks(self) -> dict[str, slice]:
        out = {"pde": slice(0, self.n_pde)}
        start = self.n_pde
        for c in self.conditions:
            out[c.name] = slice(start, start + c.nrows)
            start += c.nrows
        return out


class _KeyRecorder(Mapping):  # type: ignore[type-arg]
    """Records which derivatives ``problem.residual`` reads."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __getitem__(self, key: str) -> NDArray[np.float64]:
        if key not in _DERIVS:
            raise KeyError(key)
        self.used.add(key)
        return np.zeros(1)

    def __iter__(self) -> Iterator[str]:
        return iter(_DERIVS)

    def __len__(self) -> int:
        return len(_DERIVS)


def _residual_keys(problem: Any) -> tuple[str, ...]:
    rec = _KeyRecorder()
    try:
        problem.residual(np.zeros(1), rec)
    except KeyError as exc:
        raise ValueError(
            f"{problem.name}'s residual reads the derivative {exc.args[0]!r}; space-time "
            f"collocation provides {', '.join(_DERIVS)}."
        ) from None
    return ("u", *sorted(rec.used - {"u"}))


def _resolve_problem(problem: Any) -> Any:
    from numlearn.problems.pdes import EvolutionProblem, get_pde

    if isinstance(problem, str):
        problem = get_pde(problem)
    if not isinstance(problem, EvolutionProblem):
        name = getattr(problem, "name", type(problem).__name__)
        raise TypeError(
            f"space-time collocation solves evolution problems u(t, x) (linear: "
            f"{', '.join(_LINEAR)}; nonlinear by Newton: {', '.join(_NONLINEAR)}); got "
            f"{name!r}. A stationary problem on a domain with holes (poisson2d_c) has no "
            "tensor-product space-time grid."
        )
    for k, v in problem.params.items():
        if not (isinstance(v, (int, float, np.floating)) and math.isfinite(v)):
            raise ValueError(
                f"{problem.name}: coefficient params[{k!r}] = {v!r} is not a finite "
                "number; pass finite coefficients (e.g. get_pde(name, **params))."
            )
    return problem


def _parse_collocation(
    collocation: Any, nt: int, nx: int, x_basis: str
) -> tuple[str, int | None, int | None]:
    """``(label, Mt, Mx)``; ``Mt = Mx = None`` means the nodes (or square)."""
    if collocation is None or (isinstance(collocation, str) and collocation == "nodes"):
        return "nodes", None, None
    if isinstance(collocation, str):
        if collocation == "square":
            return "square", None, None
        raise ValueError(
            f"`collocation` must be None/'nodes', 'square', a refinement factor k >= 1 "
            f"or a pair (Mt, Mx); got {collocation!r}."
        )
    if isinstance(collocation, (int, np.integer)) and not isinstance(collocation, bool):
        k = check_int(collocation, "collocation", minimum=1)
        mt = k * (nt - 1) + 1
        mx = k * nx if x_basis == "fourier" else k * (nx - 1) + 1
        return f"refined x{k} ({mt} x {mx})", mt, mx
    try:
        mt, mx = (check_int(m, "collocation", minimum=1) for m in collocation)
    except (TypeError, ValueError):
        raise ValueError(
            f"`collocation` must be None/'nodes', 'square', a refinement factor k >= 1 "
            f"or a pair (Mt, Mx) of integers; got {collocation!r}."
        ) from None
    if mt < nt or mx < nx:
        raise ValueError(
            f"`collocation` = ({mt}, {mx}) has fewer points than nodes ({nt}, {nx}) on "
            "some axis: the PDE rows could not determine the interpolant (rank-deficient "
            "system). Use at least as many collocation points as nodes per axis."
        )
    return f"grid {mt} x {mx}", mt, mx


def _discretise(
    problem: Any, nt: Any, nx: Any, collocation: Any, x_basis: str | None
) -> _Disc:
    nt = check_int(nt, "nt", minimum=1)
    nx = check_int(nx, "nx", minimum=1)
    if x_basis is None:
        x_basis = _DEFAULT_X_BASIS.get(
            problem.name, "fourier" if problem.periodic else "chebyshev"
        )
    if x_basis not in ("chebyshev", "fourier"):
        raise ValueError(f"`x_basis` must be 'chebyshev' or 'fourier', got {x_basis!r}.")
    if x_basis == "fourier" and not problem.periodic:
        raise ValueError(
            f"{problem.name} is not periodic in x (Dirichlet boundaries): use "
            "x_basis='chebyshev'."
        )
    order_t = int(problem.order_t)
    if nt < order_t + 2:
        # Fewer nodes leave no PDE row once the initial conditions are imposed.
        raise ValueError(
            f"`nt` = {nt} is too small for {problem.name}: a degree-{nt - 1} polynomial "
            f"in t cannot carry the {order_t} initial condition(s) and the PDE; use "
            f"nt >= {order_t + 2}."
        )
    min_nx = 3 if x_basis == "chebyshev" else 2
    if nx < min_nx:
        raise ValueError(
            f"`nx` = {nx} is too small: {x_basis} x needs at least {min_nx} nodes to "
            "represent the initial condition and the boundary rows."
        )
    keys = _residual_keys(problem)
    has_x = any(_DERIVS[k][1] > 0 for k in keys)
    label, mt, mx = _parse_collocation(collocation, nt, nx, x_basis)
    tax = _make_axis("chebyshev", nt, mt, problem.t_domain)
    xax = _make_axis(x_basis, nx, mx, problem.x_domain)
    dirichlet = not problem.periodic
    periodic_rows = problem.periodic and x_basis == "chebyshev"
    ic_x = xax.points
    eye_t, eye_x = np.eye(nt), np.eye(nx)
    ends = eye_x[[0, -1]]
    conds: list[_Condition] = []
    if label != "square":
        pde_L, pde_R = tax.interp, xax.interp
        conds.append(_Condition("ic", (_Term(1.0, eye_t[:1], xax.interp),),
                                problem.initial_condition(ic_x)[None, :]))
        if order_t == 2:
            conds.append(_Condition("ic_t", (_Term(1.0, tax.diff(1)[:1], xax.interp),),
                                    problem.initial_velocity(ic_x)[None, :]))
        if dirichlet:
            left, right = problem.boundary_values(tax.points)
            conds.append(_Condition("bc", (_Term(1.0, tax.interp, ends),),
                                    np.stack([left, right], axis=1)))
        if periodic_rows:
            conds.append(_Condition("periodic", (_Term(1.0, tax.interp, ends[:1] - ends[1:]),),
                                    np.zeros((tax.points.size, 1))))
    else:
        # Row replacement (Trefethen 2000, ch. 7; Boyd's boundary bordering).
        if periodic_rows and has_x:
            raise ValueError(
                f"collocation='square' with Chebyshev x for the periodic problem "
                f"{problem.name} (which has x-derivatives) is not supported: use "
                "x_basis='fourier' or a least-squares collocation set."
            )
        pde_L = eye_t[1:-1] if order_t == 2 else eye_t[1:]
        x_int = eye_x[1:-1] if dirichlet else eye_x
        pde_R = x_int
        conds.append(_Condition("ic", (_Term(1.0, eye_t[:1], eye_x),),
                                problem.initial_condition(xax.nodes)[None, :]))
        if order_t == 2:
            conds.append(_Condition("ic_t", (_Term(1.0, tax.diff(1)[:1], x_int),),
                                    (x_int @ problem.initial_velocity(xax.nodes))[None, :]))
        if dirichlet:
            left, right = problem.boundary_values(tax.nodes[1:])
            conds.append(_Condition("bc", (_Term(1.0, eye_t[1:], ends),),
                                    np.stack([left, right], axis=1)))
        # A periodic problem in Chebyshev x without x-derivatives (reaction): every
        # x-line is an ODE in t, and u(t, a) = u(t, b) follows from u0(a) = u0(b).
    disc = _Disc(problem, tax, xax, pde_L, pde_R, keys, tuple(conds), label, x_basis)
    if label == "square" and disc.nrows != nt * nx:  # pragma: no cover - invariant
        raise AssertionError(f"square system has {disc.nrows} rows for {nt * nx} unknowns")
    if disc.nrows * nt * nx > _MAX_ENTRIES:
        raise ValueError(
            f"the dense system would have {disc.nrows} x {nt * nx} entries "
            f"({disc.nrows * nt * nx * 8 / 2**30:.1f} GiB); reduce nt, nx or the "
            "collocation refinement."
        )
    return disc


# ------------------------------------------------------------ residual, Jacobian


def _derivatives(disc: _Disc, U: NDArray[Any]) -> dict[str, NDArray[Any]]:
    """``d[key] = (L_t D_t^a) U (R_x D_x^b)^T`` at the PDE rows."""
    out = {}
    for key in disc.keys:
        lt, rx = disc.factors(key)
        out[key] = lt @ U @ rx.T
    return out


def _pde_partials(disc: _Disc, U: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
    r"""Pointwise :math:`\partial\,\mathrm{res}/\partial d_k` by the complex step.

    ``res`` is polynomial in ``(u, u_t, ...)`` for every benchmark problem, so
    :math:`\operatorname{Im}\,\mathrm{res}(d + i h e_k)/h` with ``h = 1e-100`` is the
    exact partial derivative up to rounding (no subtractive cancellation; Squire and
    Trapp 1998).  For reaction :math:`\partial/\partial u = -\rho(1 - 2u)`; for Burgers
    :math:`\partial/\partial u = u_x`, :math:`\partial/\partial u_x = u`.
    """
    d = {k: v.astype(np.complex128) for k, v in _derivatives(disc, U).items()}
    h = 1e-100
    out = {}
    for key in disc.keys:
        dk = dict(d)
        dk[key] = d[key] + 1j * h
        res = disc.problem.residual(dk["u"], dk)
        out[key] = np.broadcast_to(np.imag(res) / h, d["u"].shape)
    return out


def _residual(disc: _Disc, v: NDArray[np.float64]) -> NDArray[np.float64]:
    U = v.reshape(disc.shape)
    d = _derivatives(disc, U)
    parts = [np.asarray(disc.problem.residual(d["u"], d), dtype=np.float64).ravel()]
    for c in disc.conditions:
        val = sum(t.coef * (t.L @ U @ t.R.T) for t in c.terms)
        parts.append((val - c.rhs).ravel())
    return np.concatenate(parts)


def _add_kron(out: NDArray[np.float64], coef: Any, L: NDArray[np.float64],
              R: NDArray[np.float64]) -> None:
    """``out += diag(coef) kron(L, R)`` without forming the Kronecker product.

    ``out`` is viewed as ``(rows_t, rows_x, nt, nx)``; ``out[i, j, k, l] +=
    coef[i, j] L[i, k] R[j, l]``, a few time rows at a time so that the temporary
    stays below about 2**22 entries (32 MiB).
    """
    rt, nt = L.shape
    rx, nx = R.shape
    o4 = out.reshape(rt, rx, nt, nx)
    c = np.broadcast_to(np.asarray(coef, dtype=np.float64), (rt, rx))
    step = max(1, (1 << 22) // max(1, rx * nt * nx))
    for i0 in range(0, rt, step):
        i1 = min(rt, i0 + step)
        o4[i0:i1] += (c[i0:i1, :, None, None] * L[i0:i1, None, :, None]) * R[None, :, None, :]


def _jacobian(disc: _Disc, v: NDArray[np.float64]) -> NDArray[np.float64]:
    """Dense Jacobian of :func:`_residual` (the matrix ``A`` for linear problems)."""
    n = disc.t.n * disc.x.n
    J = np.zeros((disc.nrows, n))
    pdeJ = J[: disc.n_pde]
    for key, coef in _pde_partials(disc, v.reshape(disc.shape)).items():
        if not np.any(coef):
            continue
        lt, rx = disc.factors(key)
        _add_kron(pdeJ, coef, lt, rx)
    start = disc.n_pde
    for c in disc.conditions:
        blk = J[start:start + c.nrows]
        for t in c.terms:
            _add_kron(blk, t.coef, t.L, t.R)
        start += c.nrows
    return J


def _row_weights(disc: _Disc, A: NDArray[np.float64] | None, weights: Any) -> tuple[
        NDArray[np.float64], str]:
    m = disc.nrows
    if weights is None or (isinstance(weights, str) and weights == "none"):
        return np.ones(m), "none"
    if isinstance(weights, str):
        if weights == "paper":
            w = np.empty(m)
            for name, sl in disc.blocks().items():
                size = sl.stop - sl.start
                scale = 1.0 if name == "pde" else _PAPER_CONDITION_WEIGHT
                w[sl] = math.sqrt(scale / size)
            return w, "paper (mean(res^2) + 100 mean(IC^2) + 100 mean(BC^2))"
        if weights == "equilibrate":
            assert A is not None
            norms = np.linalg.norm(A, axis=1)
            if not (norms > 0).all():
                raise ValueError(f"row {int(np.argmin(norms))} of the system is zero")
            return 1.0 / norms, "equilibrate (unit 2-norm rows)"
        raise ValueError(
            f"`weights` must be 'equilibrate', 'paper', None or an array of {m} row "
            f"weights; got {weights!r}."
        )
    w = as_float_array(weights, "weights", ndim=1, allow_complex=False)
    if w.shape != (m,) or not (w > 0).all():
        raise ValueError(f"`weights` must be {m} positive row weights, got shape {w.shape}.")
    return w.astype(np.float64), "user"


# ====================================================================== system


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

    def nodal_values(self, v: ArrayLike) -> NDArray[np.float64]:
        """Solution vector ``v`` (length ``nt*nx``) as nodal values ``U[i_t, i_x]``."""
        vv = as_float_array(v, "v", ndim=1, allow_complex=False)
        if vv.size != self.shape[0] * self.shape[1]:
            raise ValueError(f"`v` must have {self.shape[0] * self.shape[1]} entries, "
                             f"got {vv.size}.")
        return vv.reshape(self.shape)

    def interpolant(self, v: ArrayLike) -> SpaceTimeInterpolant:
        """The tensor interpolant whose nodal values are ``v``."""
        return SpaceTimeInterpolant(self.nodal_values(v), self.problem.t_domain,
                                    self.problem.x_domain, self.x_basis)

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


def spacetime_system(
    problem: Any,
    nt: int,
    nx: int,
    *,
    collocation: Any = None,
    weights: Any = "equilibrate",
    x_basis: str | None = None,
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
    problem = _resolve_problem(problem)
    if not problem.linear:
        raise ValueError(
            f"{problem.name} is nonlinear, so its collocation equations are not a linear "
            f"system: use solve_spacetime_newton (supported: {', '.join(_NONLINEAR)}). "
            f"Linear problems: {', '.join(_LINEAR)}."
        )
    disc = _discretise(problem, nt, nx, collocation, x_basis)
    return _system_from_disc(disc, weights)


def _system_from_disc(disc: _Disc, weights: Any) -> CollocationSystem:
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
    )


# ======================================================================= solves


def _singular_values_R(R: NDArray[np.float64], method: str) -> tuple[float, float, str]:
    """(sigma_max, sigma_min) of the triangular factor, exactly or by Lanczos."""
    n = R.shape[0]
    if method == "svd" or (method == "auto" and n <= _SVD_MAX_N):
        s = sla.svdvals(R)
        return float(s[0]), float(s[-1]), "svd"
    from scipy.sparse.linalg import LinearOperator, svds

    rop = LinearOperator((n, n), matvec=lambda y: R @ y, rmatvec=lambda y: R.T @ y,
                         dtype=np.float64)
    rinv = LinearOperator(
        (n, n), matvec=lambda y: sla.solve_triangular(R, y),
        rmatvec=lambda y: sla.solve_triangular(R, y, trans="T"), dtype=np.float64)
    smax = svds(rop, k=1, tol=1e-6, return_singular_vectors=False, random_state=0)
    sinv = svds(rinv, k=1, tol=1e-6, return_singular_vectors=False, random_state=0)
    return float(smax[0]), 1.0 / float(sinv[0]), "lanczos estimate (rel. tol 1e-6)"


def _qr_lstsq(
    A: NDArray[np.float64], b: NDArray[np.float64], cond: str
) -> tuple[NDArray[np.float64], int, float, str]:
    """Householder QR with column pivoting (LAPACK geqp3, the core of gelsy).

    ``A P = Q R``; ``x = P R^{-1} (Q^T b)``; ``Q`` is applied, never formed.
    Returns ``(x, rank, cond, cond_method)``; rank from ``|R_jj| > max(m, n) eps |R_00|``.
    """
    m, n = A.shape
    qtb, R, perm = sla.qr_multiply(A, b[None, :], mode="right", pivoting=True)
    qtb = qtb[0, :n]
    R = R[:n, :n]
    d = np.abs(np.diag(R))
    rank = int(np.count_nonzero(d > max(m, n) * EPS * d[0])) if d[0] > 0 else 0
    y = np.zeros(n)
    if rank > 0:
        y[:rank] = sla.solve_triangular(R[:rank, :rank], qtb[:rank])
    x = np.empty(n)
    x[perm] = y
    if cond == "none":
        return x, rank, math.nan, "none"
    if rank < n:
        return x, rank, math.inf, "rank-deficient"
    smax, smin, how = _singular_values_R(R, cond)
    return x, rank, smax / smin, how


def solve_spacetime_lstsq(
    system: CollocationSystem, *, method: str = "qr", cond: str = "auto"
) -> Result:
    r"""Solve the collocation least-squares problem :math:`\min\|Av - b\|_2` stably.

    ``method="qr"`` (default): Householder QR with column pivoting (LAPACK
    ``geqp3``, as in ``gelsy``), :math:`Q` applied to :math:`b` without being formed,
    then a triangular solve; backward stable, so the forward error is about
    :math:`\kappa(A)\,\varepsilon` (plus :math:`\kappa^2\varepsilon\,\|r\|/(\|A\|\|v\|)`
    for inconsistent systems).  ``"gelsy"``/``"gelsd"``: :func:`scipy.linalg.lstsq`
    with that LAPACK driver (``gelsd`` is SVD based and reports the exact
    :math:`\kappa`).  The normal equations are never formed (they square
    :math:`\kappa`).

    Parameters
    ----------
    system : CollocationSystem
    method : {"qr", "gelsy", "gelsd"}
    cond : {"auto", "svd", "lanczos", "none"}
        How :math:`\kappa_2(A)` is computed for ``method="qr"``: singular values of
        :math:`R` (the same as those of :math:`A`), exactly (``"svd"``, :math:`O(n^3)`,
        the default up to 400 unknowns) or by Lanczos on :math:`R` and
        :math:`R^{-1}` (:func:`scipy.sparse.linalg.svds`, relative tolerance 1e-6,
        :math:`O(n^2)` per iteration).

    Returns
    -------
    Result
        ``value``: :class:`SpaceTimeInterpolant` (``np.asarray(value)`` gives the
        nodal values ``U[i_t, i_x]``); ``stats``: ``cond`` (2-norm of the weighted
        ``A``), ``cond_method``, ``rank``, ``residual_norm`` :math:`\|Av-b\|_2`,
        ``loss`` (its square), ``shape``, ``n_rows``, ``n_unknowns``, ``weighting``,
        ``collocation``, ``time_s``; ``status`` ``"success"`` or
        ``"rank_deficient: ..."`` (then the basic solution of the leading ``rank``
        pivoted columns, and an :class:`IllConditionedWarning`).

    Notes
    -----
    Cost :math:`2mn^2 - \tfrac23 n^3` flops for ``m`` rows and ``n = nt*nx``
    unknowns (about a minute for 81 × 80 on two cores), plus the condition number.

    References
    ----------
    Golub and Van Loan, *Matrix Computations*, 4th ed., §5.3–5.4; LAPACK ``dgelsy``.
    """
    if not isinstance(system, CollocationSystem):
        raise TypeError(
            f"`system` must be a CollocationSystem (from spacetime_system), got "
            f"{type(system).__name__}."
        )
    if method not in ("qr", "gelsy", "gelsd"):
        raise ValueError(f"`method` must be 'qr', 'gelsy' or 'gelsd', got {method!r}.")
    if cond not in ("auto", "svd", "lanczos", "none"):
        raise ValueError(f"`cond` must be 'auto', 'svd', 'lanczos' or 'none', got {cond!r}.")
    A, b = system.A, system.b
    m, n = A.shape
    t0 = time.perf_counter()
    if method == "qr":
        v, rank, kappa, how = _qr_lstsq(A, b, cond)
    else:
        v, _, rank, s = sla.lstsq(A, b, lapack_driver=method)
        if method == "gelsd" and s is not None:
            kappa, how = float(s[0] / s[-1]) if s[-1] > 0 else math.inf, "svd (gelsd)"
        elif cond != "none":
            _, kappa, _, how = _qr_lstsq(A, b, cond)
        else:
            kappa, how = math.nan, "none"
    elapsed = time.perf_counter() - t0
    r = A @ v - b
    status, message = Status.SUCCESS, ""
    if rank < n:
        status = Status.RANK_DEFICIENT
        message = (
            f"numerical rank {rank} < {n} unknowns. Likely causes: fewer "
            "collocation points than nodes, a zero coefficient removing a derivative "
            "from the PDE, or missing initial/boundary rows; the returned values are "
            "one (basic) least-squares solution, not unique."
        )
        warn_ill_conditioned(math.inf, f"The {system.problem.name} collocation system "
                             f"(rank {rank} < {n})", threshold=0.0)
    else:
        warn_ill_conditioned(kappa, f"The {system.problem.name} collocation system",
                             threshold=_COND_WARN)
    stats = {
        "cond": kappa, "cond_method": how, "rank": rank,
        "residual_norm": float(np.linalg.norm(r)), "loss": float(r @ r),
        "shape": system.shape, "n_rows": m, "n_unknowns": n,
        "weighting": system.weighting, "collocation": system.collocation,
        "x_basis": system.x_basis, "time_s": elapsed,
    }
    return Result(value=system.interpolant(v), side="classical", status=status,
                  message=message, stats=stats,
                  method=f"spacetime collocation least squares ({method})")


def _add_error_stats(result: Result, problem: Any) -> None:
    """rel_l2 and max_abs on the problem's evaluation grid, when its truth is available."""
    from numlearn.precision.metrics import max_abs, rel_l2

    t, x = problem.evaluation_grid()
    try:
        truth = problem.solution_on_grid(t, x)
    except (ImportError, NotImplementedError) as exc:
        result.stats["reference"] = f"unavailable ({exc})"
        return
    approx = result.value(t, x)
    result.stats["rel_l2"] = rel_l2(truth, approx)
    result.stats["max_abs"] = max_abs(truth, approx)
    result.stats["error_grid"] = f"{problem.name}.evaluation_grid() {truth.shape}"


def solve_spacetime(
    problem: Any,
    nt: int,
    nx: int,
    *,
    collocation: Any = None,
    weights: Any = "equilibrate",
    x_basis: str | None = None,
    method: str = "qr",
    cond: str = "auto",
    **newton_options: Any,
) -> Result:
    """Space-time spectral solve of a benchmark problem, with its error.

    Linear problems: :func:`spacetime_system` then :func:`solve_spacetime_lstsq`;
    nonlinear problems: :func:`solve_spacetime_newton` (``newton_options`` are passed
    on).  Adds ``stats["rel_l2"]`` and ``stats["max_abs"]`` on the problem's
    evaluation grid when its solution is available.

    Examples
    --------
    >>> from numlearn.problems.pdes import get_pde
    >>> res = solve_spacetime(get_pde("convection", beta=10.0), 31, 4)
    >>> bool(res.stats["rel_l2"] < 1e-13)
    True
    """
    problem = _resolve_problem(problem)
    if problem.linear:
        if newton_options:
            raise TypeError(f"unexpected options for a linear problem: {sorted(newton_options)}")
        system = spacetime_system(problem, nt, nx, collocation=collocation,
                                  weights=weights, x_basis=x_basis)
        result = solve_spacetime_lstsq(system, method=method, cond=cond)
    else:
        result = solve_spacetime_newton(problem, nt, nx, collocation=collocation,
                                        weights=weights, x_basis=x_basis, cond=cond,
                                        **newton_options)
    _add_error_stats(result, problem)
    return result


# ====================================================================== Newton


def _x_groups(disc: _Disc) -> list[NDArray[np.intp]]:
    """Sets of x nodes that no row couples to any other (connected components).

    A row couples the x nodes where its x factor is nonzero; without x-derivatives
    and with the nodes as x collocation points every x-line is its own ODE in t,
    coupled at most by the periodicity row.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    nx = disc.x.n
    mats = [disc.factors(k)[1] for k in disc.keys]
    mats += [t.R for c in disc.conditions for t in c.terms]
    rows: list[int] = []
    cols: list[int] = []
    for r in mats:
        for row in r:
            nz = np.flatnonzero(row)
            if nz.size < 2:
                continue
            rows.extend(np.full(nz.size - 1, nz[0]))
            cols.extend(nz[1:])
    g = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(nx, nx))
    ncomp, labels = connected_components(g, directed=False)
    return [np.flatnonzero(labels == k) for k in range(ncomp)]


def _restrict(disc: _Disc, cols: NDArray[np.intp]) -> tuple[_Disc, list[NDArray[np.intp]]]:
    """The subsystem on the x nodes ``cols`` and, per block, its row indices in x."""

    def keep(R: NDArray[np.float64]) -> NDArray[np.intp]:
        return np.flatnonzero(np.abs(R[:, cols]).sum(axis=1) > 0)

    xsub = _Axis(disc.x.kind, disc.x.domain, disc.x.nodes[cols], disc.x.points,
                 disc.x.interp[:, cols])
    # Only x-derivative-free residuals are split, so x.diff is never needed.
    rk = keep(disc.pde_R)
    conds, row_sets = [], [rk]
    for c in disc.conditions:
        rr = keep(c.terms[0].R)
        conds.append(_Condition(c.name, tuple(_Term(t.coef, t.L, t.R[rr][:, cols])
                                              for t in c.terms), c.rhs[:, rr]))
        row_sets.append(rr)
    sub = _Disc(disc.problem, disc.t, xsub, disc.pde_L, disc.pde_R[rk][:, cols],
                disc.keys, tuple(conds), disc.collocation, disc.x_basis)
    return sub, row_sets


def _sub_weights(disc: _Disc, w: NDArray[np.float64],
                 row_sets: list[NDArray[np.intp]]) -> NDArray[np.float64]:
    """Pick the weights of a subsystem's rows out of the full weight vector."""
    out = []
    blocks = list(disc.blocks().values())
    rts = [disc.pde_L.shape[0]] + [c.rhs.shape[0] for c in disc.conditions]
    rxs = [disc.pde_R.shape[0]] + [c.rhs.shape[1] for c in disc.conditions]
    for sl, rt, rx, rr in zip(blocks, rts, rxs, row_sets, strict=True):
        out.append(w[sl].reshape(rt, rx)[:, rr].ravel())
    return np.concatenate(out)


@dataclass
class _NewtonState:
    disc: _Disc
    w: NDArray[np.float64]
    v: NDArray[np.float64]
    F: NDArray[np.float64]
    done: bool = False
    failed: bool = False
    last_step: float = math.inf


def _newton_step(st: _NewtonState) -> tuple[float, float]:
    """One damped Gauss–Newton step in place; returns (step_norm, damping)."""
    J = st.w[:, None] * _jacobian(st.disc, st.v)
    s, _, _, _ = _qr_lstsq(J, -st.F, "none")
    snorm = float(np.linalg.norm(s))
    vnorm = max(float(np.linalg.norm(st.v)), 1.0)
    alpha = 1.0
    # Steps below 1e-8 |v|: the linear model is exact to rounding, take them whole.
    if snorm > 1e-8 * vnorm:
        # Armijo on ||F||^2: the Gauss-Newton direction has directional derivative
        # -2 ||J s||^2 (J s is minus the projection of F on range(J)).
        f0 = float(st.F @ st.F)
        js2 = float(np.sum((J @ s) ** 2))
        while True:
            F_new = st.w * _residual(st.disc, st.v + alpha * s)
            if float(F_new @ F_new) <= f0 - 2e-4 * alpha * js2:
                break
            alpha *= 0.5
            if alpha < 2.0**-30:  # no decrease along the Gauss-Newton direction
                st.failed = True
                return 0.0, 0.0
        st.v = st.v + alpha * s
        st.F = F_new
    else:
        st.v = st.v + s
        st.F = st.w * _residual(st.disc, st.v)
    return alpha * snorm, alpha


def _jacobian_cond(states: list[_NewtonState], cond: str) -> tuple[int, float]:
    """Rank and 2-norm condition number of the block-diagonal weighted Jacobian."""
    rank, smax, smin = 0, 0.0, math.inf
    for st in states:
        J = st.w[:, None] * _jacobian(st.disc, st.v)
        R = sla.qr(J, mode="r", pivoting=True)[0][: J.shape[1]]
        d = np.abs(np.diag(R))
        rk = int(np.count_nonzero(d > max(J.shape) * EPS * d[0]))
        rank += rk
        if rk < J.shape[1]:
            smin = 0.0
            continue
        a, b, _ = _singular_values_R(R, cond)
        smax, smin = max(smax, a), min(smin, b)
    return rank, (smax / smin if smin > 0 else math.inf)


def solve_spacetime_newton(
    problem: Any,
    nt: int,
    nx: int,
    *,
    collocation: Any = None,
    weights: Any = "equilibrate",
    x_basis: str | None = None,
    initial: ArrayLike | None = None,
    max_iter: int = 50,
    xtol: float = 64 * EPS,
    continuation: Mapping[str, Sequence[float]] | None = None,
    separable: bool | str = "auto",
    cond: str = "auto",
) -> Result:
    r"""Nonlinear space-time collocation by damped Gauss–Newton with QR solves.

    Minimises :math:`\|W F(v)\|_2` where :math:`F` stacks the pointwise PDE residual
    at the collocation points and the linear condition rows (module docstring).  The
    Jacobian is assembled from the same Kronecker factors:
    :math:`J = \sum_k \operatorname{diag}(\partial\mathrm{res}/\partial d_k)
    (P_tD_t^{(a_k)}\otimes P_xD_x^{(b_k)})` — for reaction
    :math:`u_t - \rho u(1-u)`: :math:`P_tD_t\otimes P_x - \operatorname{diag}(\rho(1 -
    2u))(P_t\otimes P_x)`; for Burgers :math:`u_t + uu_x - \nu u_{xx}`:
    :math:`T + \operatorname{diag}(u_x)P + \operatorname{diag}(u)X - \nu X_2`.  Each
    step solves :math:`\min_s\|WJs + WF\|` by pivoted QR (never :math:`J^TJ`), then
    backtracks (Armijo, factor 1/2) unless the step is already below
    :math:`10^{-8}\|v\|`.  For a square (``collocation="square"``) or consistent
    system this is Newton's method and converges quadratically.

    **Separability.**  If no row couples two x nodes (no x-derivative in the residual
    and the x collocation points are the nodes: reaction), the system splits into
    independent ODE collocation problems in ``t``, one per x node (the two end
    nodes of a periodic Chebyshev axis together, joined by the periodicity row).
    ``separable="auto"`` solves them one group at a time: :math:`n_x` QR solves of
    size :math:`\sim n_t` instead of one of size :math:`n_tn_x`.

    Parameters
    ----------
    problem : EvolutionProblem or str
        ``"reaction"`` or ``"burgers"`` (or any evolution problem; a linear one
        converges in one step).
    nt, nx, collocation, weights, x_basis
        As in :func:`spacetime_system`.  ``weights="equilibrate"`` scales rows by the
        norms of the Jacobian at the initial iterate, fixed for all iterations (the
        objective must not change between steps).
    initial : array_like (nt, nx), optional
        Starting nodal values; default the initial condition extended constantly in
        time, :math:`U_{kl} = u_0(x_l)`.
    max_iter : int, default 50
        Per continuation stage.
    xtol : float, default 64 eps
        Stop when :math:`\|s\|_2 \le \mathrm{xtol}\,\max(\|v\|_2, 1)`, or when the
        steps stop contracting (:math:`\|s_k\| > \|s_{k-1}\|/2`) below
        :math:`10^{-8}\|v\|`: the rounding floor of :math:`\kappa(J)\varepsilon`.
    continuation : dict, optional
        ``{"nu": [0.1, 0.03, ...]}``: solve with these coefficient values in turn,
        each from the previous solution, before the problem's own value.
    separable : bool or "auto"
    cond : {"auto", "svd", "lanczos", "none"}
        Condition number of the final (weighted) Jacobian; see
        :func:`solve_spacetime_lstsq`.

    Returns
    -------
    Result
        ``value``: :class:`SpaceTimeInterpolant`; ``status``: ``"success"``,
        ``"max_iterations_reached: ..."``, ``"line_search_failed: ..."`` or
        ``"diverged: ..."``; ``stats``:
        ``iterations``, ``residual_norm`` :math:`\|WF\|_2`, ``cond`` (final
        Jacobian, the largest over independent groups), ``rank``, ``groups``,
        ``separable``, ``weighting``, ``collocation``, ``time_s``; ``history``:
        ``residual_norm`` (initial, then after each iteration), ``step_norm``,
        ``damping``, ``stage``.

    Notes
    -----
    Cost per iteration: assembly :math:`O(m n)` and QR :math:`O(mn^2)` for ``m``
    rows and ``n = nt*nx`` unknowns (separable: :math:`O(n_x m_t n_t^2)`).

    Measured (relative L2 on the evaluation grid): reaction 31 × 81 nodes 8.1e-14
    (separable, 11 iterations, under a second); reaction 41 × 41 nodes with BWLer's
    161 × 161 collocation and paper weights (coupled) 2.5e-6, limited by the x
    resolution of the Gaussian.  Burgers (ν = 0.01/π, square collocation): Newton
    converges to the rounding floor (from the constant-in-time start at 17 × 129;
    with continuation ν = 0.1, 0.03, 0.01 at 9 × 257), but the error is 3.5e-2
    (17 × 129) and 1.4e-2 (9 × 257): the front needs hundreds of x nodes, beyond a
    dense space-time system of a few thousand unknowns.
    """
    problem = _resolve_problem(problem)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    if not (isinstance(xtol, (int, float)) and 0 < xtol < 1):
        raise ValueError(f"`xtol` must be in (0, 1), got {xtol!r}.")
    stages: list[Any] = []
    if continuation:
        lengths = {len(v) for v in continuation.values()}
        if len(lengths) != 1:
            raise ValueError("all `continuation` sequences must have the same length")
        for i in range(lengths.pop()):
            over = {k: float(v[i]) for k, v in continuation.items()}
            unknown = set(over) - set(problem.params)
            if unknown:
                raise ValueError(f"`continuation` names unknown coefficients {sorted(unknown)}"
                                 f"; {problem.name} has {sorted(problem.params)}.")
            stages.append(_resolve_problem(type(problem)(params={**problem.params, **over})))
    stages.append(problem)

    t0 = time.perf_counter()
    disc = _discretise(problem, nt, nx, collocation, x_basis)
    n = disc.t.n * disc.x.n
    if initial is None:
        v0 = np.tile(problem.initial_condition(disc.x.nodes), disc.t.n)
    else:
        u0 = as_float_array(initial, "initial", ndim=2, allow_complex=False)
        if u0.shape != disc.shape:
            raise ValueError(f"`initial` must have shape {disc.shape}, got {u0.shape}.")
        v0 = u0.ravel().copy()
    groups = [np.arange(disc.x.n)]
    has_x = any(_DERIVS[k][1] > 0 for k in disc.keys)
    if separable is True or (separable == "auto" and not has_x):
        groups = _x_groups(disc) if not has_x else groups
        if separable is True and len(groups) == 1:
            raise ValueError("`separable=True` but the rows couple all x nodes (x-derivatives "
                             "or a refined x collocation set).")
    elif separable not in (False, "auto"):
        raise ValueError(f"`separable` must be True, False or 'auto', got {separable!r}.")

    history: dict[str, list[Any]] = {"residual_norm": [], "step_norm": [], "damping": [],
                                     "stage": []}
    V = v0.reshape(disc.shape).copy()
    status, message, iters_total, rank, kappa = Status.SUCCESS, "", 0, n, math.nan
    weight_label = ""
    for si, prob in enumerate(stages):
        sdisc = disc if prob is problem else _discretise(prob, nt, nx, collocation, x_basis)
        # Weights fixed within a stage; equilibration uses the rows of the Jacobian at
        # the stage's starting point (a group's rows carry all their nonzeros).
        equil = isinstance(weights, str) and weights == "equilibrate"
        if not equil:
            w_full, weight_label = _row_weights(sdisc, None, weights)
        states = []
        for cols in groups:
            if len(groups) == 1:
                sub, row_sets = sdisc, None
            else:
                sub, row_sets = _restrict(sdisc, cols)
            v = V[:, cols].ravel()
            if equil:
                ws, weight_label = _row_weights(sub, _jacobian(sub, v), weights)
            else:
                ws = w_full if row_sets is None else _sub_weights(sdisc, w_full, row_sets)
            states.append(_NewtonState(sub, ws, v, ws * _residual(sub, v)))

        def total(sts: list[_NewtonState]) -> float:
            return math.sqrt(sum(float(s.F @ s.F) for s in sts))

        history["residual_norm"].append(total(states))
        history["step_norm"].append(math.nan)
        history["damping"].append(math.nan)
        history["stage"].append(si)
        stage_status = Status.MAX_ITERATIONS
        stage_message = (f"{max_iter} Gauss-Newton iterations without convergence; raise "
                         "max_iter or use continuation/damping")
        for _ in range(max_iter):
            steps, damps = [], []
            for st in states:
                if st.done:
                    continue
                snorm, alpha = _newton_step(st)
                vnorm = max(float(np.linalg.norm(st.v)), 1.0)
                if snorm <= xtol * vnorm or (snorm > 0.5 * st.last_step
                                             and snorm <= 1e-8 * vnorm):
                    st.done = True
                st.last_step = snorm
                steps.append(snorm)
                damps.append(alpha)
            iters_total += 1
            rn = total(states)
            history["residual_norm"].append(rn)
            history["step_norm"].append(math.sqrt(sum(s * s for s in steps)))
            history["damping"].append(min(damps))
            history["stage"].append(si)
            if not math.isfinite(rn):
                stage_status = Status.DIVERGED
                stage_message = ("the residual became non-finite; use continuation or a "
                                 "better initial guess")
                break
            if any(st.failed for st in states):
                stage_status = Status.LINE_SEARCH_FAILED
                stage_message = ("no decrease of the residual along the Gauss-Newton "
                                 "direction (singular Jacobian or a start too far away); "
                                 "use continuation or a better initial guess")
                break
            if all(st.done for st in states):
                stage_status, stage_message = Status.SUCCESS, ""
                break
        for cols, st in zip(groups, states, strict=True):
            V[:, cols] = st.v.reshape(disc.t.n, len(cols))
        if stage_status is not Status.SUCCESS:
            status = stage_status
            message = (f"{stage_message} (stage {si + 1} of {len(stages)}, "
                       f"params {prob.params})")
            break
        # Condition of the final Jacobian (block diagonal over independent groups).
        if si == len(stages) - 1 and cond != "none":
            rank, kappa = _jacobian_cond(states, cond)
    elapsed = time.perf_counter() - t0
    if math.isfinite(kappa):
        warn_ill_conditioned(kappa, f"The {problem.name} Newton Jacobian", threshold=_COND_WARN)
    stats = {
        "iterations": iters_total, "residual_norm": history["residual_norm"][-1],
        "cond": kappa, "rank": rank, "groups": len(groups),
        "separable": len(groups) > 1, "shape": disc.shape, "n_rows": disc.nrows,
        "n_unknowns": n, "weighting": weight_label, "collocation": disc.collocation,
        "x_basis": disc.x_basis, "stages": len(stages), "time_s": elapsed,
    }
    value = SpaceTimeInterpolant(V, problem.t_domain, problem.x_domain, disc.x_basis)
    return Result(value=value, side="classical", status=status, message=message,
                  stats=stats, history=history,
                  method="spacetime collocation Gauss-Newton (QR)")


# ============================================================ resolution study


def resolution_study(
    problem_name: str,
    sizes: Sequence[int | tuple[int, int]],
    **options: Any,
) -> list[dict[str, Any]]:
    """Error and condition number against resolution: one row per size.

    Parameters
    ----------
    problem_name : str
        ``"convection"``, ``"wave"``, ``"reaction"`` or ``"burgers"`` (or a problem).
    sizes : sequence of int or (int, int)
        ``N`` means ``N × N`` nodes, except for a Fourier x axis where it means
        ``N × (N - 1)`` (BWLer's ``2c + 1 × 2c``); pairs are ``(nt, nx)``.
    **options
        Passed to :func:`solve_spacetime` (``collocation``, ``weights``, ...).

    Returns
    -------
    list of dict
        Keys ``problem, nt, nx, n_unknowns, n_rows, collocation, weighting, cond,
        cond_method, rel_l2, max_abs, iterations (Newton only), status, time_s``.
        ``cond`` is the 2-norm condition number of the weighted matrix that was
        factorised (the final Jacobian for Newton).  First-derivative operators give
        ``cond`` growing like about ``N^2``, second derivatives like ``N^4``.
    """
    rows = []
    for size in sizes:
        if isinstance(size, (int, np.integer)):
            prob = _resolve_problem(problem_name)
            fourier = options.get("x_basis") == "fourier" or (
                options.get("x_basis") is None and prob.periodic
                and prob.name not in _DEFAULT_X_BASIS)
            nt, nx = int(size), int(size) - 1 if fourier else int(size)
        else:
            nt, nx = (int(s) for s in size)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = solve_spacetime(problem_name, nt, nx, **options)
        st = res.stats
        rows.append({
            "problem": getattr(problem_name, "name", problem_name), "nt": nt, "nx": nx,
            "n_unknowns": st["n_unknowns"], "n_rows": st["n_rows"],
            "collocation": st["collocation"], "weighting": st["weighting"],
            "cond": st["cond"], "cond_method": st.get("cond_method", "svd"),
            "rel_l2": st.get("rel_l2", math.nan), "max_abs": st.get("max_abs", math.nan),
            "iterations": st.get("iterations"), "status": res.status.code, "time_s": st["time_s"],
        })
    return rows
