r"""Discretisation of space-time collocation: row blocks, residual and Jacobian.

A :class:`Discretisation` holds, for one evolution problem and one grid, the Kronecker
factors of every row block (PDE rows, initial, boundary and periodicity conditions);
from it :func:`_residual` and :func:`_jacobian` evaluate the (weighted) collocation
equations and their Jacobian without forming Kronecker products, and
:func:`collocation_row_weights` gives the row weights.  The public entries validate
once (:func:`spacetime_discretisation`, :func:`resolve_evolution_problem`,
:func:`collocation_row_weights`; they are what the learned twins, the explicit BWLer
objectives, build their losses from); the private functions take validated
arguments (the solvers' public boundary is
:func:`~numlearn.classical.spectral.spacetime.spacetime_system`,
:func:`~numlearn.classical.spectral.spacetime.solve_spacetime` and
:func:`~numlearn.classical.spectral.spacetime.solve_spacetime_newton`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from numlearn._core.validation import as_float_array, check_choice, check_int
from numlearn.classical.linalg import COND_METHODS, unit_row_scale
from numlearn.classical.spectral.spacetime.grid import (
    _X_BASES,
    TanMap,
    _Axis,
    _check_x_map,
    _make_axis,
)

__all__ = [
    "Discretisation",
    "collocation_row_weights",
    "default_x_basis",
    "resolve_evolution_problem",
    "spacetime_discretisation",
]

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
# C0-periodic, so it gets Chebyshev x with a value-periodicity row (Liu et al. 2025).
_DEFAULT_X_BASIS = {"reaction": "chebyshev"}
# Condition blocks get weight 100 in BWLer's loss (ic_weight = 10, squared).
_PAPER_CONDITION_WEIGHT = 100.0
# Warn when the solve can lose more than 6 of float64's 16 digits.
_COND_WARN = 1e10
# Dense assembly refuses systems larger than this many entries (8 bytes each).
_MAX_ENTRIES = 2.5e8

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
class Discretisation:
    r"""The row blocks of one evolution problem on one space-time grid, in Kronecker form.

    Every linear row block is a sum of terms :math:`c\,(L \otimes R)\,v` acting on the
    nodal values :math:`v = \operatorname{vec}(U)`, ``U`` of shape :attr:`shape`
    (``(nt, nx)``, t ascending): the PDE rows are
    :math:`\sum_k c_k (P_t D_t^{(a_k)} \otimes P_x D_x^{(b_k)})` (:meth:`factors` gives
    the pair for one derivative key of :attr:`keys`), each condition of
    :attr:`conditions` (``ic``, ``ic_t``, ``bc``, ``periodic``) its own terms and
    right-hand side.  Built by :func:`spacetime_discretisation`; nothing here is a
    dense :math:`m \times n_t n_x` matrix (that is
    :class:`~numlearn.classical.spectral.spacetime.CollocationSystem`).

    Attributes
    ----------
    problem : EvolutionProblem
    t, x : axis
        The time and space axes (``.nodes``, ``.n``, ``.domain``, ``.diff(k)``; ``x`` also
        ``.x_map``, the Chebyshev node map or None).
    pde_L, pde_R : ndarray
        The PDE rows' interpolation factors in t (``rows_t x nt``) and x
        (``rows_x x nx``).
    keys : tuple of str
        The derivative keys of the residual (``"u"``, ``"u_t"``, ``"u_xx"`` ...).
    conditions : tuple
        The condition blocks, each with ``name``, ``terms`` (``coef``, ``L``, ``R``) and
        ``rhs`` (shape ``(rows_t, rows_x)``).
    collocation : str
        The collocation set's label (``"nodes"``, ``"square"``, ``"grid 13 x 11"`` ...).
    x_basis : {"chebyshev", "fourier"}
    """

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


class UnknownProblemError(KeyError, ValueError):
    """No benchmark problem has this name (a `KeyError` as ``get_pde`` raises, and a
    `ValueError` as every other bad argument)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def resolve_evolution_problem(problem: Any) -> Any:
    """``problem`` as an :class:`~numlearn.problems.pdes.EvolutionProblem` with finite
    coefficients: a name (``"wave"``) is looked up with
    :func:`~numlearn.problems.pdes.get_pde`; an unknown name raises
    :class:`~numlearn.problems.pdes.UnknownProblemError`, a problem that is not an
    evolution problem (Poisson2d-C) a `TypeError`, a non-finite coefficient a
    `ValueError`."""
    from numlearn.problems.pdes import EvolutionProblem, get_pde

    if isinstance(problem, str):
        try:
            problem = get_pde(problem)
        except KeyError as exc:
            raise UnknownProblemError(f"`problem`: {exc.args[0]}") from None
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


def _check_cond(cond: Any) -> str:
    """The ``cond`` option of the QR solves (:func:`~numlearn.classical.linalg.qr_lstsq`)."""
    return check_choice(cond, "cond", COND_METHODS)


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


def default_x_basis(problem: Any) -> str:
    """The x basis space-time collocation uses for ``problem`` when none is given.

    Fourier for periodic problems, Chebyshev otherwise, except reaction (its Gaussian
    initial value is only C0-periodic: Chebyshev x with a value-periodicity row, as
    in BWLer).
    """
    return _DEFAULT_X_BASIS.get(problem.name, "fourier" if problem.periodic else "chebyshev")


@dataclass(frozen=True)
class _Grid:
    """Validated grid settings of a space-time solve: sizes, x basis, collocation set."""

    nt: int
    nx: int
    x_basis: str
    label: str  # collocation set, e.g. "nodes", "square", "grid 13 x 11"
    mt: int | None  # collocation points in t (None: the nodes)
    mx: int | None
    x_map: TanMap | None = None  # Chebyshev x nodes g(s_j) (None: unmapped)


def _check_grid(problem: Any, nt: Any, nx: Any, collocation: Any,
                x_basis: str | None, *, x_map: Any = None) -> _Grid:
    """Validate sizes, basis, collocation set and x node map for a resolved ``problem``
    (once)."""
    nt = check_int(nt, "nt", minimum=1)
    nx = check_int(nx, "nx", minimum=1)
    if x_basis is None:
        x_basis = default_x_basis(problem)
    check_choice(x_basis, "x_basis", _X_BASES)
    x_map = _check_x_map(x_map)
    if x_map is not None and x_map.identity:
        x_map = None
    if x_map is not None and x_basis != "chebyshev":
        raise ValueError("`x_map` clusters Chebyshev nodes; it needs x_basis='chebyshev' "
                         f"(got {x_basis!r}).")
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
    label, mt, mx = _parse_collocation(collocation, nt, nx, x_basis)
    grid = _Grid(nt, nx, x_basis, label, mt, mx, x_map)
    rows = _row_count(problem, grid)
    if rows * nt * nx > _MAX_ENTRIES:
        raise ValueError(
            f"the dense system would have {rows} x {nt * nx} entries "
            f"({rows * nt * nx * 8 / 2**30:.1f} GiB); reduce `nt`, `nx` or the "
            "`collocation` refinement."
        )
    return grid


def _row_count(problem: Any, grid: _Grid) -> int:
    """Rows of the system :func:`_discretise` builds (without building it)."""
    if grid.label == "square":
        return grid.nt * grid.nx
    rt, rx = (grid.mt or grid.nt), (grid.mx or grid.nx)
    rows = rt * rx + rx * int(problem.order_t)  # pde, ic (and ic_t)
    if not problem.periodic:
        rows += 2 * rt  # bc
    elif grid.x_basis == "chebyshev":
        rows += rt  # periodic
    return rows


def _discretise(problem: Any, grid: _Grid) -> Discretisation:
    """The row blocks of ``problem`` on ``grid`` (both validated)."""
    nt, nx, x_basis, label, mt, mx = (grid.nt, grid.nx, grid.x_basis, grid.label,
                                       grid.mt, grid.mx)
    order_t = int(problem.order_t)
    keys = _residual_keys(problem)
    has_x = any(_DERIVS[k][1] > 0 for k in keys)
    tax = _make_axis("chebyshev", nt, mt, problem.t_domain)
    xax = _make_axis(x_basis, nx, mx, problem.x_domain, grid.x_map)
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
    disc = Discretisation(problem, tax, xax, pde_L, pde_R, keys, tuple(conds), label, x_basis)
    if disc.nrows != _row_count(problem, grid):  # pragma: no cover - invariant
        raise AssertionError(f"{disc.nrows} rows, expected {_row_count(problem, grid)}")
    return disc


# ------------------------------------------------------------ residual, Jacobian


def _derivatives(disc: Discretisation, U: NDArray[Any]) -> dict[str, NDArray[Any]]:
    """``d[key] = (L_t D_t^a) U (R_x D_x^b)^T`` at the PDE rows."""
    out = {}
    for key in disc.keys:
        lt, rx = disc.factors(key)
        out[key] = lt @ U @ rx.T
    return out


def _pde_partials(disc: Discretisation, U: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
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


def _residual(disc: Discretisation, v: NDArray[np.float64]) -> NDArray[np.float64]:
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


def _jacobian(disc: Discretisation, v: NDArray[np.float64]) -> NDArray[np.float64]:
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


def spacetime_discretisation(problem: Any, nt: Any, nx: Any, *, collocation: Any = None,
                             x_basis: str | None = None,
                             x_map: Any = None) -> Discretisation:
    """The validated :class:`Discretisation` of ``problem`` on ``nt x nx`` nodes.

    Arguments as :func:`~numlearn.classical.spectral.spacetime.spacetime_system` (which
    assembles the dense weighted system from the same object); validated here once.
    Cost :math:`O(n_t^3 + n_x^3)` (the 1-D differentiation and interpolation factors),
    no Kronecker product formed.
    """
    problem = resolve_evolution_problem(problem)
    grid = _check_grid(problem, nt, nx, collocation, x_basis, x_map=x_map)
    return _discretise(problem, grid)


def collocation_row_weights(disc: Discretisation, weights: Any = "equilibrate", *,
                            at: Any = None) -> tuple[NDArray[np.float64], str]:
    r"""Row weights :math:`W` of the discrete loss :math:`\|W(Av - b)\|^2` and their label.

    ``weights``: ``"paper"`` (BWLer's loss: :math:`1/\sqrt{M_{pde}}` on PDE rows,
    :math:`\sqrt{100/M_{block}}` on each condition block), ``"equilibrate"`` (unit
    2-norm rows of the Jacobian at ``at``; default ``at``: Newton's start, the initial
    condition at every time level, which for a linear problem is just :math:`A`),
    ``None``/``"none"`` (ones) or an array of ``disc.nrows`` positive weights.
    Returns ``(w, label)``, the label naming the weighting (the ``weighting`` stat of
    the solvers).  Cost: one Jacobian (:math:`O(m\,n_tn_x)`) for ``"equilibrate"``,
    :math:`O(m)` otherwise.
    """
    A = None
    if isinstance(weights, str) and weights == "equilibrate":
        v = (np.tile(disc.problem.initial_condition(disc.x.nodes), disc.t.n)
             if at is None else as_float_array(at, "at", ndim=1, allow_complex=False))
        if v.shape != (disc.t.n * disc.x.n,):
            raise ValueError(f"`at` must hold the nt*nx = {disc.t.n * disc.x.n} nodal "
                             f"values, got shape {v.shape}.")
        A = _jacobian(disc, v)
    return _row_weights(disc, A, weights)


def _row_weights(disc: Discretisation, A: NDArray[np.float64] | None, weights: Any) -> tuple[
        NDArray[np.float64], str]:
    m = disc.nrows
    if weights is None or (isinstance(weights, str) and weights == "none"):
        return np.ones(m), _UNWEIGHTED
    if isinstance(weights, str):
        if weights == "paper":
            w = np.empty(m)
            for name, sl in disc.blocks().items():
                size = sl.stop - sl.start
                scale = 1.0 if name == "pde" else _PAPER_CONDITION_WEIGHT
                w[sl] = math.sqrt(scale / size)
            return w, _PAPER
        if weights == "equilibrate":
            assert A is not None
            return unit_row_scale(A), _EQUILIBRATE
        raise ValueError(
            f"`weights` must be 'equilibrate', 'paper', None or an array of {m} row "
            f"weights; got {weights!r}."
        )
    w = as_float_array(weights, "weights", ndim=1, allow_complex=False)
    if w.shape != (m,) or not (w > 0).all():
        raise ValueError(f"`weights` must be {m} positive row weights, got shape {w.shape}.")
    return w.astype(np.float64), _USER


# Weighting labels (the ``weighting`` stat) and the matrix each one names in ``cond_of``.
_UNWEIGHTED = "none"
_PAPER = "paper (mean(res^2) + 100 mean(IC^2) + 100 mean(BC^2))"
_EQUILIBRATE = "equilibrate (unit 2-norm rows)"
_USER = "user"
_WEIGHTED_MATRIX = {
    _UNWEIGHTED: "unweighted",
    _PAPER: "with the paper's weights",
    _EQUILIBRATE: "row-equilibrated (unit 2-norm rows)",
    _USER: "with the user's row weights",
}


def _weighted_name(weighting: str) -> str:
    """How the rows of a matrix were weighted, for ``cond_of``: e.g. 'row-equilibrated'."""
    return _WEIGHTED_MATRIX.get(weighting, weighting)
