r"""Linear boundary value problems on an interval: the problem, its solution, collocation.

The problem is an order-``m`` linear ODE with ``m`` linear boundary conditions,

.. math::

    \sum_{k=0}^{m} a_k(x)\, u^{(k)}(x) = f(x), \quad x \in [a, b], \qquad
    \sum_{j=0}^{m-1} w_{ij}\, u^{(j)}(x_i) = g_i, \quad i = 1, \dots, m,

with constant or vectorised callable coefficients ``a_k`` and right-hand side ``f``,
and conditions at ``x_i`` = either endpoint (Dirichlet ``u``, Neumann ``u'``, Robin
``alpha u + beta u'``, any combination of derivatives) or an interior point.
:class:`LinearBVP` holds and validates it; every solver returns a
:class:`~numlearn._core.result.Result` whose ``value`` is a :class:`ChebyshevSeries`, the
solution as Chebyshev coefficients on ``[a, b]``.

Two discretisations of the same problem live here (the third, the ultraspherical
spectral method, in :mod:`numlearn.classical.spectral.ultraspherical`):

* **square collocation** (Trefethen 2000, ch. 7 and 13; ``cheb.m``): the ODE at the
  ``n`` Chebyshev points of the second kind, with ``m`` of those rows replaced by the
  boundary conditions;
* **rectangular collocation** (Driscoll and Hale 2016): the ODE at ``n - m`` Chebyshev
  points of the *first* kind, reached from the ``n`` unknown values by the barycentric
  resampling matrix, with the ``m`` boundary rows appended.  No row is dropped, so the
  discretisation does not depend on which rows one would replace, and the same
  recipe serves any order and any mix of conditions.  Chebfun's default
  (``chebcolloc2``) discretisation of a ``chebop``.

Both are dense and cost :math:`O(n^3)` for the LU factorisation.  Their condition
numbers grow algebraically with ``n``: measured log-log slopes (``n`` = 32 ... 256,
square and rectangular alike) 2.5, 4.55 and 8.4 for the assembled matrix of an order
1, 2 and 4 problem (about :math:`n^{2m + 1/2}`), and 1.05, 2.1 and 4.2 once its rows
are scaled to unit size (about :math:`n^m`), which is what the solver factors.

References
----------
.. [1] L. N. Trefethen, *Spectral Methods in MATLAB*, SIAM, 2000, ch. 7 (boundary
   value problems) and ch. 13 (more about boundary conditions).
.. [2] T. A. Driscoll and N. Hale, "Rectangular spectral collocation", IMA J. Numer.
   Anal. 36(1), 108-132, 2016. :doi:`10.1093/imanum/dru062`
.. [3] S. Olver and A. Townsend, "A fast and well-conditioned spectral method",
   SIAM Review 55(3), 462-489, 2013. :doi:`10.1137/120865458`
.. [4] Chebfun: ``chebop``, ``linop``, ``chebcolloc2``, ``colloc/reduce.m``,
   ``chebtech/diff.m``.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg as sla
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result
from numlearn._core.validation import (
    as_float_array,
    check_domain,
    check_int,
    warn_ill_conditioned,
)
from numlearn.classical.adaptive import standard_chop
from numlearn.classical.chebyshev import (
    chebyshev_coefficients,
    chebyshev_derivative_coefficients,
    chebyshev_values,
    clenshaw,
)
from numlearn.classical.differentiation import chebyshev_diffmat
from numlearn.classical.nodes import chebyshev_points, chebyshev_weights

__all__ = [
    "BoundaryCondition",
    "ChebyshevSeries",
    "LinearBVP",
    "SingularBVPError",
    "inverse_norm1_estimate",
    "solve_collocation",
]

EPS = float(np.finfo(np.float64).eps)

#: Largest ``n`` for which ``cond="auto"`` computes the exact 2-norm condition number
#: by an SVD (O(n^3), ~0.1 s at n = 512); above it, a 1-norm estimate.
EXACT_COND_MAX_N = 512
#: Condition number above which the solvers warn (`IllConditionedWarning`).
ILL_CONDITIONED = 1e12
#: Condition number (of the matrix actually factored) above which the discrete problem
#: is declared singular: beyond 1/eps no digit of the solution is determined.
SINGULAR_COND = 1.0 / EPS

Coefficient = float | Callable[[NDArray[np.float64]], ArrayLike]


class SingularBVPError(np.linalg.LinAlgError):
    """The discretised boundary value problem is (numerically) singular.

    Subclass of `numpy.linalg.LinAlgError` (itself a `ValueError`).
    """


def _singular_message(cond: float, bvp: LinearBVP) -> str:
    return (
        f"the discretised boundary value problem is singular (condition number "
        f"{cond:.3g} of the system; {bvp.order} boundary condition(s) for an order-"
        f"{bvp.order} ODE). Likely cause: the boundary conditions do not determine the "
        "solution - e.g. u'' = f with only Neumann conditions leaves a constant free, "
        "and then has a solution only if f is compatible with them - or the ODE with "
        "these conditions has a nontrivial null space (a resonance, such as "
        "u'' + (pi/2)^2 u = f with u(-1) = u(1) = 0). Add or change a boundary "
        "condition (e.g. fix u at one point)."
    )


# ------------------------------------------------------------------------- problem


@dataclass(frozen=True)
class BoundaryCondition:
    r"""A linear boundary condition :math:`\sum_j w_j\, u^{(j)}(x_0) = g`.

    Parameters
    ----------
    point : "left", "right" or float
        Where the condition holds: the left end ``a``, the right end ``b``, or a point
        of ``[a, b]`` (a float equal to ``a`` or ``b`` is that endpoint).
    weights : tuple of float
        ``weights[j]`` multiplies :math:`u^{(j)}(x_0)`: ``(1,)`` Dirichlet,
        ``(0, 1)`` Neumann, ``(alpha, beta)`` Robin.  The highest derivative must be
        below the order of the ODE (checked by :class:`LinearBVP`).
    value : float, default 0
        The right-hand side ``g``.

    Examples
    --------
    >>> BoundaryCondition.robin("right", 1.0, 2.0, value=3.0)   # u + 2u' = 3 at b
    BoundaryCondition(point='right', weights=(1.0, 2.0), value=3.0)
    """

    point: str | float
    weights: tuple[float, ...]
    value: float = 0.0

    def __post_init__(self) -> None:
        point = self.point
        if isinstance(point, str):
            if point not in ("left", "right"):
                raise ValueError(
                    f"`point` must be 'left', 'right' or a number, got {point!r}."
                )
        else:
            try:
                point = float(point)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise TypeError(
                    f"`point` must be 'left', 'right' or a real number, got {point!r}."
                ) from None
            if not math.isfinite(point):
                raise ValueError(f"`point` must be finite, got {point}.")
        w = as_float_array(self.weights, "weights", ndim=1, allow_complex=False)
        if not np.any(w != 0):
            raise ValueError(
                f"`weights` must have a nonzero entry (weights[j] multiplies the j-th "
                f"derivative), got {tuple(w)}."
            )
        nz = np.flatnonzero(w)
        w = w[: nz[-1] + 1]  # drop trailing zeros: the order is the last nonzero
        try:
            value = float(self.value)
        except (TypeError, ValueError):
            raise TypeError(f"`value` must be a real number, got {self.value!r}.") from None
        if not math.isfinite(value):
            raise ValueError(f"`value` must be finite, got {value}.")
        object.__setattr__(self, "point", point)
        object.__setattr__(self, "weights", tuple(float(v) for v in w))
        object.__setattr__(self, "value", value)

    @property
    def order(self) -> int:
        """Highest derivative the condition involves."""
        return len(self.weights) - 1

    @classmethod
    def dirichlet(cls, point: str | float, value: float = 0.0) -> BoundaryCondition:
        """``u(point) = value``."""
        return cls(point, (1.0,), value)

    @classmethod
    def neumann(cls, point: str | float, value: float = 0.0) -> BoundaryCondition:
        """``u'(point) = value``."""
        return cls(point, (0.0, 1.0), value)

    @classmethod
    def robin(
        cls, point: str | float, alpha: float, beta: float, value: float = 0.0
    ) -> BoundaryCondition:
        """``alpha u(point) + beta u'(point) = value``."""
        return cls(point, (alpha, beta), value)

    @classmethod
    def coerce(cls, bc: Any, index: int = 0) -> BoundaryCondition:
        """A `BoundaryCondition` from itself or from a tuple ``(point, order, value)``.

        ``order`` is an int (the derivative: 0 Dirichlet, 1 Neumann) or a sequence of
        weights (``(alpha, beta)`` for Robin).
        """
        if isinstance(bc, BoundaryCondition):
            return bc
        if not isinstance(bc, tuple | list) or len(bc) != 3:
            raise TypeError(
                f"`bcs[{index}]` must be a BoundaryCondition or a tuple (point, order, "
                f"value), e.g. ('left', 0, 1.0) for u(a) = 1, got {bc!r}."
            )
        point, order, value = bc
        if isinstance(order, int | np.integer) and not isinstance(order, bool):
            k = check_int(order, f"bcs[{index}] derivative order")
            weights: tuple[float, ...] = (0.0,) * k + (1.0,)
        else:
            try:
                weights = tuple(float(v) for v in order)
            except (TypeError, ValueError):
                raise TypeError(
                    f"`bcs[{index}]`: the second entry must be a derivative order (int) or "
                    f"a sequence of weights (alpha, beta, ...), got {order!r}."
                ) from None
        return cls(point, weights, value)

    def location(self, domain: tuple[float, float]) -> float:
        """The point as a number in ``domain`` (raises if it lies outside)."""
        a, b = domain
        if self.point == "left":
            return a
        if self.point == "right":
            return b
        x0 = float(self.point)
        if not a <= x0 <= b:
            raise ValueError(
                f"boundary condition point {x0} lies outside the domain [{a}, {b}]; "
                "conditions must hold at a point of the interval."
            )
        return x0


@dataclass(frozen=True)
class LinearBVP:
    r"""A linear ODE boundary value problem :math:`\sum_k a_k u^{(k)} = f` on ``[a, b]``.

    Parameters
    ----------
    coeffs : sequence of float or callable
        ``(a_0, a_1, ..., a_m)``: ``coeffs[k]`` multiplies :math:`u^{(k)}`; ``m >= 1``
        is the order.  Each is a number or a vectorised callable ``a(x)`` returning an
        array of ``x.shape`` (NumPy functions, not ``math``).  The leading coefficient
        must not be the constant 0.
    rhs : float or callable
        The right-hand side ``f``, as for ``coeffs``.
    bcs : sequence of BoundaryCondition or (point, order, value) tuples
        Exactly ``m`` conditions, each involving derivatives of order below ``m``.
        ``(point, order, value)`` means :math:`u^{(order)}(point) = value`;
        ``(point, (alpha, beta), value)`` means :math:`\alpha u + \beta u' = value`.
    domain : (float, float), default (-1, 1)

    Examples
    --------
    Trefethen's Program 13, :math:`u'' = e^{4x}`, :math:`u(\pm1) = 0`:

    >>> bvp = LinearBVP((0.0, 0.0, 1.0), np.exp, [("left", 0, 0.0), ("right", 0, 0.0)])
    >>> bvp.order
    2
    """

    coeffs: Sequence[Coefficient]
    rhs: Coefficient
    bcs: Sequence[BoundaryCondition | tuple[Any, Any, float]]
    domain: tuple[float, float] = (-1.0, 1.0)

    def __post_init__(self) -> None:
        domain = check_domain(self.domain)
        if callable(self.coeffs) or isinstance(self.coeffs, str | bytes):
            raise TypeError(
                "`coeffs` must be a sequence (a_0, ..., a_m) of numbers or callables, "
                f"got {type(self.coeffs).__name__}."
            )
        try:
            coeffs = tuple(self.coeffs)
        except TypeError:
            raise TypeError(
                "`coeffs` must be a sequence (a_0, ..., a_m) of numbers or callables, "
                f"got {self.coeffs!r}."
            ) from None
        if len(coeffs) < 2:
            raise ValueError(
                f"`coeffs` must hold a_0, ..., a_m with order m >= 1, got {len(coeffs)} "
                "entr(y/ies); e.g. (0, 0, 1) for u''."
            )
        coeffs = tuple(_check_coefficient(c, f"coeffs[{k}]") for k, c in enumerate(coeffs))
        if not callable(coeffs[-1]) and coeffs[-1] == 0.0:
            raise ValueError(
                f"the leading coefficient coeffs[{len(coeffs) - 1}] is 0, so the ODE is not "
                f"of order {len(coeffs) - 1}; drop it (and one boundary condition)."
            )
        rhs = _check_coefficient(self.rhs, "rhs")
        if isinstance(self.bcs, BoundaryCondition) or (
            isinstance(self.bcs, tuple) and len(self.bcs) == 3 and isinstance(self.bcs[0], str)
        ):
            raise TypeError(
                "`bcs` must be a sequence of boundary conditions, e.g. "
                "[('left', 0, 0.0), ('right', 0, 0.0)]; wrap a single one in a list."
            )
        bcs = tuple(BoundaryCondition.coerce(bc, i) for i, bc in enumerate(self.bcs))
        m = len(coeffs) - 1
        if len(bcs) != m:
            raise ValueError(
                f"an order-{m} ODE needs exactly {m} boundary conditions, got {len(bcs)}."
                + (" Add conditions (e.g. u or u' at an end)." if len(bcs) < m
                   else " Remove conditions, or raise the order.")
            )
        for i, bc in enumerate(bcs):
            if bc.order >= m:
                raise ValueError(
                    f"`bcs[{i}]` involves the derivative of order {bc.order}; conditions on "
                    f"an order-{m} ODE may involve derivatives up to order {m - 1}."
                )
            bc.location(domain)
        object.__setattr__(self, "coeffs", coeffs)
        object.__setattr__(self, "rhs", rhs)
        object.__setattr__(self, "bcs", bcs)
        object.__setattr__(self, "domain", domain)

    @property
    def order(self) -> int:
        """The order ``m`` of the ODE."""
        return len(self.coeffs) - 1

    def residual(self, u: ChebyshevSeries, x: ArrayLike) -> NDArray[np.float64]:
        r"""The ODE residual :math:`\sum_k a_k(x) u^{(k)}(x) - f(x)` of ``u`` at ``x``."""
        xe = as_float_array(x, "x", ndim=1, allow_complex=False)
        out = -_sample(self.rhs, xe, "rhs")
        d = u
        for k, c in enumerate(self.coeffs):
            if k:
                d = d.derivative()
            out += _sample(c, xe, f"coeffs[{k}]") * d(xe)
        return out

    def bc_residuals(self, u: ChebyshevSeries) -> NDArray[np.float64]:
        """The boundary residuals :math:`\\sum_j w_j u^{(j)}(x_i) - g_i`, one per condition."""
        out = np.empty(len(self.bcs))
        for i, bc in enumerate(self.bcs):
            x0 = np.array([bc.location(self.domain)])
            acc, d = -bc.value, u
            for j, w in enumerate(bc.weights):
                if j:
                    d = d.derivative()
                acc += w * float(d(x0)[0])
            out[i] = acc
        return out


def _check_coefficient(c: Any, name: str) -> Coefficient:
    """A finite float, or the callable itself (checked when sampled)."""
    if callable(c):
        return c
    if isinstance(c, bool | np.bool_):
        raise TypeError(f"`{name}` must be a number or a callable, got a bool.")
    try:
        v = float(c)
    except (TypeError, ValueError):
        raise TypeError(
            f"`{name}` must be a number or a vectorised callable a(x), got "
            f"{type(c).__name__} {c!r}."
        ) from None
    if not math.isfinite(v):
        raise ValueError(f"`{name}` must be finite, got {v}.")
    return v


def _sample(c: Coefficient, x: NDArray[np.float64], name: str) -> NDArray[np.float64]:
    """Values of a constant or callable coefficient at ``x`` (shape ``x.shape``), checked."""
    if not callable(c):
        return np.full(x.shape, float(c))
    raw = np.asarray(c(x))
    if raw.ndim == 0:  # a constant written as `lambda x: 2.0`
        raw = np.broadcast_to(raw, x.shape)
    if raw.shape != x.shape:
        raise ValueError(
            f"`{name}` must return an array of shape {x.shape} for points of that shape, "
            f"got {raw.shape}; make it vectorised (NumPy functions, not math)."
        )
    vals = as_float_array(raw, f"{name}(x)", allow_complex=False, finite=False)
    ok = np.isfinite(vals)
    if not ok.all():
        i = int(np.argmin(ok))
        raise ValueError(
            f"`{name}` returned {vals[i]} at x = {float(x[i])!r}; coefficients and right-hand "
            "side must be finite on the whole domain (split the domain at a singularity)."
        )
    return vals.astype(np.float64, copy=False)


# ------------------------------------------------------------------------ solution


class ChebyshevSeries:
    r"""A Chebyshev series :math:`p(x) = \sum_k c_k T_k(s)`, :math:`s = (2x - a - b)/(b - a)`.

    The value every BVP solver returns: a thin class over
    :func:`~numlearn.classical.chebyshev.clenshaw` and
    :func:`~numlearn.classical.chebyshev.chebyshev_derivative_coefficients` (as
    :class:`numpy.polynomial.Chebyshev` binds ``chebval``; Chebfun's ``chebfun`` on
    one interval).

    Parameters
    ----------
    coefficients : array_like, shape (n,)
        Real coefficients of :math:`T_0, \dots, T_{n-1}`.
    domain : (float, float), default (-1, 1)

    Examples
    --------
    >>> p = ChebyshevSeries([0.0, 0.0, 1.0], domain=(0.0, 2.0))   # T_2(x - 1)
    >>> p(np.array([0.0, 1.0])), p.derivative()(np.array([2.0]))
    (array([ 1., -1.]), array([4.]))
    """

    __slots__ = ("_c", "_domain")

    def __init__(self, coefficients: ArrayLike, domain: tuple[float, float] = (-1.0, 1.0)):
        c = as_float_array(coefficients, "coefficients", ndim=1, allow_complex=False)
        self._c = np.array(c, dtype=np.float64)
        self._c.flags.writeable = False
        self._domain = check_domain(domain)

    @property
    def coefficients(self) -> NDArray[np.float64]:
        """The coefficients (read-only view)."""
        return self._c

    @property
    def domain(self) -> tuple[float, float]:
        """The interval ``(a, b)``."""
        return self._domain

    def __len__(self) -> int:
        return int(self._c.shape[0])

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        """Values at ``x`` (any shape) by Clenshaw's recurrence, O(n) per point."""
        return clenshaw(x, self._c, self._domain)

    def derivative(self, order: int = 1) -> ChebyshevSeries:
        """The ``order``-th derivative, O(n) per order (the coefficient recurrence)."""
        return ChebyshevSeries(
            chebyshev_derivative_coefficients(self._c, order, self._domain), self._domain
        )

    def values(self) -> NDArray[np.float64]:
        """Values at the ``len(self)`` Chebyshev points of the 2nd kind (increasing)."""
        return chebyshev_values(self._c)

    def simplify(self, tol: float = EPS) -> ChebyshevSeries:
        """The series chopped by :func:`~numlearn.classical.adaptive.standard_chop`."""
        return ChebyshevSeries(self._c[: standard_chop(self._c, tol)], self._domain)

    def __repr__(self) -> str:
        return f"ChebyshevSeries(n={len(self)}, domain={self._domain})"


# --------------------------------------------------------------------- collocation


def _check_n(n: Any, m: int, rectangular: bool = False) -> int:
    n = check_int(n, "n", minimum=1)
    if n <= m:
        raise ValueError(
            f"`n` = {n} is too small: an order-{m} problem has {m} boundary conditions, "
            f"which need n >= {m + 1} unknowns (and n well above that for accuracy, "
            "e.g. n = 32)."
        )
    return n


def _check_cond_option(cond: Any) -> str:
    if cond not in ("auto", "exact", "estimate", "none"):
        raise ValueError(
            f"`cond` must be 'auto', 'exact', 'estimate' or 'none', got {cond!r}."
        )
    return str(cond)


def _barycentric_matrix(
    x: NDArray[np.float64], w: NDArray[np.float64], y: NDArray[np.float64]
) -> NDArray[np.float64]:
    r"""``P[i, j] = (w_j / (y_i - x_j)) / \sum_k w_k / (y_i - x_k)``: values at ``x`` to ``y``.

    The interpolation (resampling) matrix of the second barycentric formula; a row
    whose ``y_i`` equals a node ``x_j`` is the unit vector ``e_j``.
    """
    diff = y[:, None] - x[None, :]
    hit = diff == 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        c = w[None, :] / diff
        p = c / c.sum(axis=1, keepdims=True)
    rows = hit.any(axis=1)
    p[rows] = hit[rows].astype(np.float64)
    return p


def _functional_row(
    bc: BoundaryCondition,
    domain: tuple[float, float],
    x: NDArray[np.float64],
    wbar: NDArray[np.float64],
    dmats: list[NDArray[np.float64]],
) -> NDArray[np.float64]:
    """The row ``r`` with ``r @ u_values = sum_j w_j u^(j)(x0)`` for the interpolant."""
    x0 = bc.location(domain)
    n = x.shape[0]
    if x0 == domain[0]:
        ell = np.zeros(n)
        ell[0] = 1.0
    elif x0 == domain[1]:
        ell = np.zeros(n)
        ell[-1] = 1.0
    else:
        ell = _barycentric_matrix(x, wbar, np.array([x0]))[0]
    row = np.zeros(n)
    for j, wj in enumerate(bc.weights):
        if wj != 0.0:
            row += wj * (ell if j == 0 else ell @ dmats[j])
    return row


def _replaced_rows(bcs: Sequence[BoundaryCondition], domain: tuple[float, float],
                   x: NDArray[np.float64]) -> list[int]:
    """Which collocation rows the square method gives to the boundary conditions.

    Conditions at the left end take rows 0, 1, ...; at the right end n-1, n-2, ...;
    a condition at an interior point the free row nearest to it.
    """
    n = x.shape[0]
    free = np.ones(n, dtype=bool)
    rows = []
    for bc in bcs:
        x0 = bc.location(domain)
        if x0 == domain[0]:
            i = int(np.argmax(free))
        elif x0 == domain[1]:
            i = n - 1 - int(np.argmax(free[::-1]))
        else:
            dist = np.where(free, np.abs(x - x0), np.inf)
            i = int(np.argmin(dist))
        free[i] = False
        rows.append(i)
    return rows


def _pow2_row_scale(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """Powers of two ``s_i`` with ``max_j |s_i a_ij|`` in [1/2, 1): exact row equilibration."""
    big = np.abs(a).max(axis=1)
    big[big == 0] = 1.0
    _, e = np.frexp(big)
    return np.ldexp(1.0, -e)


def solve_collocation(
    bvp: LinearBVP,
    n: int,
    *,
    rectangular: bool = False,
    cond: str = "auto",
    refine: bool = False,
) -> Result:
    r"""Solve a linear BVP by Chebyshev collocation: square (Trefethen) or rectangular.

    The unknowns are the values :math:`u_j = u(x_j)` at the ``n`` Chebyshev points of
    the second kind on ``[a, b]``, i.e. the degree ``n - 1`` interpolant.  With
    :math:`D_k` the ``k``-th order differentiation matrix
    (:func:`~numlearn.classical.differentiation.chebyshev_diffmat`):

    * ``rectangular=False`` (Trefethen 2000, ch. 7 and 13): :math:`L = \sum_k
      \mathrm{diag}(a_k(x)) D_k`, :math:`Lu = f(x)`, and ``m`` rows of ``L`` are
      *replaced* by the boundary conditions (rows 0, 1, ... for conditions at ``a``,
      n-1, n-2, ... at ``b``, the nearest row for an interior point).
    * ``rectangular=True`` (Driscoll and Hale 2016): the ODE is imposed at the
      ``n - m`` Chebyshev points :math:`y_i` of the *first* kind,
      :math:`\sum_k \mathrm{diag}(a_k(y)) P D_k u = f(y)`, where
      :math:`P_{ij} = \ell_j(y_i)` is the barycentric resampling matrix from the
      ``n``-point grid, and the ``m`` boundary rows are appended on top: square, no
      row dropped.  (Driscoll & Hale resample the whole operator, :math:`P L`; for
      variable coefficients this evaluates :math:`a_k` at :math:`y` instead, which is
      the same up to the interpolation error of :math:`a_k u^{(k)}`.)

    A boundary condition :math:`\sum_j w_j u^{(j)}(x_0) = g` is the row
    :math:`\sum_j w_j\, \ell(x_0)^T D_j` (a row of :math:`D_j` at an endpoint).
    Each row of the system is scaled by a power of two (exact) so that its largest
    entry is in [1/2, 1) before the LU factorisation with partial pivoting; the
    solution is unchanged, the pivoting is no longer fooled by the :math:`n^{2m}`
    size of the ODE rows against the O(1) boundary rows.

    Cost: :math:`O(m^2 n^2)` to build (:math:`O(m n^3)` for the rectangular
    :math:`P D_k` products), :math:`O(n^3)` for the LU, :math:`O(n^3)` more for the
    exact condition number (``n <= 512`` with ``cond="auto"``).  Use it up to
    ``n`` in the low thousands; for large ``n`` use
    :func:`~numlearn.classical.spectral.ultraspherical.solve_ultraspherical`.

    Conditioning (measured, see the module docstring): the assembled matrix of an
    order-``m`` problem has a condition number growing like :math:`n^{2m+1/2}`
    (``cond`` ~ :math:`n^{4.55}` for :math:`u'' = e^{4x}`, :math:`u(\pm1)=0`; see
    ``bench/bench_bvp.py``), the row-scaled one like :math:`n^{m}` (0.5 to 0.8
    :math:`n^2` there).  The error of the computed solution follows the row-scaled
    number: about :math:`10^{-12}` at ``n = 1000`` for that problem, far below
    ``cond * eps``.

    Parameters
    ----------
    bvp : LinearBVP
    n : int
        Number of collocation points (degree ``n - 1``); ``n > m``.
    rectangular : bool, default False
        Driscoll-Hale rectangular collocation instead of row replacement.
    cond : {"auto", "exact", "estimate", "none"}, default "auto"
        How to compute the condition numbers in ``stats``: exact 2-norm by SVD
        (``"auto"`` for ``n <= 512``), the LAPACK 1-norm estimate (``gecon`` and
        the Hager-Higham estimate of :func:`inverse_norm1_estimate`, :math:`O(n^2)`;
        ``"auto"`` above 512), or not at all (``nan``).  The 1-norm estimates were 1.5
        to 10 times the 2-norm values (measured, n = 200, four problems).  The
        singularity check always runs (``gecon``).
    refine : bool, default False
        One step of iterative refinement in working precision.  Off by default: the
        residual :math:`b - Au` is computed no more accurately than the solve itself
        (the ODE rows are of size :math:`n^{2m}`), and on :math:`u'' = e^{4x}` the
        refined solution was *less* accurate in 25 of 38 cases, n = 40 ... 1000
        (e.g. 1.5e-12 -> 1.9e-11 at n = 1024, square).

    Returns
    -------
    Result
        ``value``: :class:`ChebyshevSeries` with the ``n`` Chebyshev coefficients of
        the interpolant.  ``stats``: ``n``, ``order``, ``method``, ``cond`` (of the
        assembled matrix, rows unscaled), ``cond_scaled`` (of the row-scaled matrix
        that is factored), ``cond_norm`` (``"2"``, ``"1 (estimate)"`` or ``"none"``),
        ``residual_norm`` (:math:`\|b - Au\|_\infty` of the unscaled system after
        refinement), ``backward_error`` (:math:`\|b - Au\|_\infty / (\|A\|_\infty
        \|u\|_\infty + \|b\|_\infty)`), ``seconds`` (assembly + solve, without the
        condition numbers).  ``history``: ``residual_norm``, before (and, with
        ``refine``, after) refinement.

    Raises
    ------
    SingularBVPError
        If the (row-scaled) system is numerically singular (condition number > 1/eps):
        missing or incompatible boundary conditions, or a resonance.
    ValueError
        If ``n <= m``, or a coefficient is not finite on the domain.

    Warns
    -----
    IllConditionedWarning
        If the row-scaled condition number exceeds 1e12.

    References
    ----------
    .. [1] Trefethen, *Spectral Methods in MATLAB*, SIAM 2000, Programs 13 and 32-33.
    .. [2] Driscoll & Hale, IMA J. Numer. Anal. 36(1), 108-132, 2016.
       :doi:`10.1093/imanum/dru062`

    See Also
    --------
    numlearn.classical.spectral.ultraspherical.solve_ultraspherical : sparse,
        well-conditioned, O(n) for constant coefficients.
    scipy.integrate.solve_bvp : collocation with adaptive mesh (low order).
    Chebfun: ``L = chebop(@(u) diff(u, 2), [-1 1]); L.bc = 0; u = L \ exp(4*x)``
        (``x = chebfun('x')``).

    Examples
    --------
    >>> bvp = LinearBVP((0.0, 0.0, 1.0), lambda x: np.exp(4 * x), [("left", 0, 0.0),
    ...                 ("right", 0, 0.0)])
    >>> u = solve_collocation(bvp, 32).value
    >>> exact = (np.exp(2.0) - 0.5 * np.sinh(4.0) - np.cosh(4.0)) / 16
    >>> bool(abs(u(np.array([0.5]))[0] - exact) < 1e-13)
    True
    """
    if not isinstance(bvp, LinearBVP):
        raise TypeError(f"`bvp` must be a LinearBVP, got {type(bvp).__name__}.")
    m = bvp.order
    n = _check_n(n, m)
    cond = _check_cond_option(cond)
    t0 = time.perf_counter()
    domain = bvp.domain
    x = chebyshev_points(n, 2, domain)
    wbar = chebyshev_weights(n, 2)
    dmats = [np.eye(n)] + [chebyshev_diffmat(n, k, domain) for k in range(1, m + 1)]
    bc_rows = np.array([_functional_row(bc, domain, x, wbar, dmats) for bc in bvp.bcs])
    bc_vals = np.array([bc.value for bc in bvp.bcs])
    if rectangular:
        y = chebyshev_points(n - m, 1, domain)
        p = _barycentric_matrix(x, wbar, y)
        const = all(not callable(c) for c in bvp.coeffs)
        if const:
            op = p @ sum(float(c) * d for c, d in zip(bvp.coeffs, dmats, strict=True) if c)
        else:
            op = np.zeros((n - m, n))
            for k, c in enumerate(bvp.coeffs):
                if callable(c) or c != 0.0:
                    op += _sample(c, y, f"coeffs[{k}]")[:, None] * (p if k == 0 else p @ dmats[k])
        a = np.vstack([bc_rows, op])
        b = np.concatenate([bc_vals, _sample(bvp.rhs, y, "rhs")])
        method = "rectangular collocation (Driscoll-Hale)"
    else:
        a = np.zeros((n, n))
        for k, c in enumerate(bvp.coeffs):
            if callable(c) or c != 0.0:
                a += _sample(c, x, f"coeffs[{k}]")[:, None] * dmats[k]
        b = _sample(bvp.rhs, x, "rhs")
        rows = _replaced_rows(bvp.bcs, domain, x)
        a[rows] = bc_rows
        b[rows] = bc_vals
        method = "square collocation (row replacement)"
    s = _pow2_row_scale(a)
    a_s = a * s[:, None]
    b_s = b * s
    with warnings.catch_warnings():
        # An exactly zero pivot is reported below as a SingularBVPError.
        warnings.simplefilter("ignore", sla.LinAlgWarning)
        lu = sla.lu_factor(a_s, check_finite=False)
    anorm_s = float(np.abs(a_s).sum(axis=0).max())
    rcond_s = float(sla.lapack.dgecon(lu[0], anorm_s, norm="1")[0])
    singular_est = np.inf if rcond_s == 0.0 else 1.0 / rcond_s
    if not np.isfinite(singular_est) or singular_est > SINGULAR_COND:
        raise SingularBVPError(_singular_message(singular_est, bvp))
    u = sla.lu_solve(lu, b_s, check_finite=False)
    history: dict[str, list[Any]] = {"residual_norm": [_inf_norm(b - a @ u)]}
    if refine:
        u = u + sla.lu_solve(lu, (b - a @ u) * s, check_finite=False)
        history["residual_norm"].append(_inf_norm(b - a @ u))
    seconds = time.perf_counter() - t0
    if not np.all(np.isfinite(u)):
        raise SingularBVPError(_singular_message(np.inf, bvp))

    cond_norm = cond
    if cond == "auto":
        cond_norm = "exact" if n <= EXACT_COND_MAX_N else "estimate"
    if cond_norm == "exact":
        c_full, c_scaled = float(np.linalg.cond(a)), float(np.linalg.cond(a_s))
    elif cond_norm == "estimate":
        c_scaled = singular_est
        # A^{-1} = (S A)^{-1} S with S the row scaling.
        c_full = float(np.abs(a).sum(axis=0).max()) * inverse_norm1_estimate(
            lambda v: sla.lu_solve(lu, s * v, check_finite=False),
            lambda v: s * sla.lu_solve(lu, v, trans=1, check_finite=False),
            n,
        )
    else:
        c_full = c_scaled = math.nan
    warn_ill_conditioned(
        singular_est if math.isnan(c_scaled) else c_scaled,
        f"the {method} system (n = {n})",
        threshold=ILL_CONDITIONED,
    )
    r = history["residual_norm"][-1]
    stats = {
        "n": n,
        "order": m,
        "method": method,
        "cond": c_full,
        "cond_scaled": c_scaled,
        "cond_norm": {"exact": "2", "estimate": "1 (estimate)"}.get(cond_norm, "none"),
        "residual_norm": r,
        "backward_error": r / (_inf_norm(a, matrix=True) * _inf_norm(u) + _inf_norm(b)),
        "seconds": seconds,
    }
    tag = "collocation_rectangular" if rectangular else "collocation_square"
    value = ChebyshevSeries(chebyshev_coefficients(u), domain)
    return Result(value, side="classical", stats=stats, history=history, method=tag)


def inverse_norm1_estimate(
    solve: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    solve_transpose: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    n: int,
    *,
    max_iter: int = 5,
) -> float:
    r"""Estimate :math:`\|A^{-1}\|_1` from solves with ``A`` and ``A^T`` (Hager-Higham).

    LAPACK's ``xLACN2`` (the estimator inside ``xGECON``): power-method-like steps
    :math:`y = A^{-1}x`, :math:`\xi = \mathrm{sign}(y)`, :math:`z = A^{-T}\xi`,
    :math:`x = e_{\arg\max|z|}` until the sign pattern repeats, then the larger of
    :math:`\|y\|_1` and Higham's extra estimate from the alternating vector
    :math:`x_i = (-1)^i(1 + i/(n-1))`.  A lower bound, almost always within a factor 3
    of the truth (Higham, ACM TOMS 14, 381-396, 1988).  Cost: 4 to 11 solves.  Used
    instead of :func:`scipy.sparse.linalg.onenormest` (block version, t = 2) because
    at n = 1e6 the latter's bookkeeping takes over a second, the solves 20 ms.
    """
    if n == 1:
        return float(abs(solve(np.ones(1))[0]))
    x = np.full(n, 1.0 / n)
    y = solve(x)
    est = float(np.abs(y).sum())
    xi = np.where(y >= 0, 1.0, -1.0)
    z = solve_transpose(xi)
    j = int(np.argmax(np.abs(z)))
    for _ in range(max_iter - 1):
        x = np.zeros(n)
        x[j] = 1.0
        y = solve(x)
        est_old, est = est, float(np.abs(y).sum())
        xi_new = np.where(y >= 0, 1.0, -1.0)
        if np.array_equal(xi_new, xi) or est <= est_old:
            est = max(est, est_old)
            break
        xi = xi_new
        z = solve_transpose(xi)
        j_old, j = j, int(np.argmax(np.abs(z)))
        if abs(z[j_old]) == abs(z[j]):
            break
    alt = np.where(np.arange(n) % 2 == 0, 1.0, -1.0) * (1.0 + np.arange(n) / (n - 1))
    return max(est, 2.0 * float(np.abs(solve(alt)).sum()) / (3.0 * n))


def _inf_norm(v: NDArray[np.float64], matrix: bool = False) -> float:
    if matrix:
        return float(np.abs(v).sum(axis=1).max())
    return float(np.max(np.abs(v))) if v.size else 0.0
