r"""Linear boundary value problems on an interval: the problem and its checks.

The problem is an order-``m`` linear ODE with ``m`` linear boundary conditions,

.. math::

    \sum_{k=0}^{m} a_k(x)\, u^{(k)}(x) = f(x), \quad x \in [a, b], \qquad
    \sum_{j=0}^{m-1} w_{ij}\, u^{(j)}(x_i) = g_i, \quad i = 1, \dots, m,

with constant or vectorised callable coefficients ``a_k`` and right-hand side ``f``,
and conditions at ``x_i`` = either endpoint (Dirichlet ``u``, Neumann ``u'``, Robin
``alpha u + beta u'``, any combination of derivatives) or an interior point.
:class:`LinearBVP` holds and validates it; every solver returns a
:class:`~numlearn._core.result.Result` whose ``value`` is a
:class:`~numlearn.classical.chebyshev_series.ChebyshevSeries`, the solution as
Chebyshev coefficients on ``[a, b]``.

The solvers: square and rectangular Chebyshev collocation
(:mod:`numlearn.classical.spectral.collocation`) and the ultraspherical spectral method
(:mod:`numlearn.classical.spectral.ultraspherical`).

References
----------
.. [1] L. N. Trefethen, *Spectral Methods in MATLAB*, SIAM, 2000, ch. 7 (boundary
   value problems) and ch. 13 (more about boundary conditions).
.. [2] Chebfun: ``chebop``, ``linop``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import (
    EPS,
    as_float_array,
    check_choice,
    check_domain,
    check_int,
    check_real,
)

if TYPE_CHECKING:
    from numlearn.classical.chebyshev_series import ChebyshevSeries

__all__ = [
    "BoundaryCondition",
    "LinearBVP",
    "SingularBVPError",
]

#: Largest ``n`` for which ``cond="auto"`` computes the exact 2-norm condition number
#: by an SVD (O(n^3), ~0.1 s at n = 512); above it, a 1-norm estimate.
EXACT_COND_MAX_N = 512
#: Condition number above which the solvers warn (`IllConditionedWarning`).
ILL_CONDITIONED = 1e12
#: Condition number (of the matrix actually factored) above which the discrete problem
#: is declared singular: beyond 1/eps no digit of the solution is determined.
SINGULAR_COND = 1.0 / EPS

#: What the BVP solvers suggest when the solution's coefficients have not decayed.
UNRESOLVED_FIX = (
    "Raise `n` (a layer of width w needs n of order 1/sqrt(w) to 1/w points), or, "
    "where a coefficient or the right-hand side has a kink or jump, pass it as a "
    "breakpoint (`breakpoints=`)."
)

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
                point = check_real(point, "point")
            except TypeError:
                raise TypeError(
                    f"`point` must be 'left', 'right' or a real number, got {point!r}."
                ) from None
        w = as_float_array(self.weights, "weights", ndim=1, allow_complex=False)
        if not np.any(w != 0):
            raise ValueError(
                f"`weights` must have a nonzero entry (weights[j] multiplies the j-th "
                f"derivative), got {tuple(w)}."
            )
        nz = np.flatnonzero(w)
        w = w[: nz[-1] + 1]  # drop trailing zeros: the order is the last nonzero
        value = check_real(self.value, "value")
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
                f"`point` = {x0} of the boundary condition lies outside the domain "
                f"[{a}, {b}]; conditions must hold at a point of the interval."
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
            try:
                bc.location(domain)
            except ValueError as exc:
                raise ValueError(f"`bcs[{i}]`: {exc}") from None
        for i in range(len(bcs)):
            for j in range(i):
                same_place = bcs[i].location(domain) == bcs[j].location(domain)
                if same_place and bcs[i].weights == bcs[j].weights:
                    raise ValueError(
                        f"`bcs[{j}]` and `bcs[{i}]` constrain the same quantity at the same "
                        "point; the conditions must be independent (replace one, e.g. by a "
                        "condition at the other end)."
                    )
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
    try:
        return check_real(c, name)
    except TypeError:
        raise TypeError(
            f"`{name}` must be a number or a vectorised callable a(x), got "
            f"{type(c).__name__} {c!r}."
        ) from None


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


# ------------------------------------------------------------------ solver checks


def data_tails(bvp: LinearBVP, n: int, domain: tuple[float, float]) -> dict[str, float]:
    """Relative tails of each callable coefficient and right-hand side, sampled at the
    ``n`` second-kind Chebyshev points of ``domain`` (a kink there leaves them large)."""
    from numlearn.classical.chebyshev import chebyshev_coefficients
    from numlearn.classical.nodes import chebyshev_points
    from numlearn.classical.spectral._resolution import relative_tail

    x = chebyshev_points(n, 2, domain)
    named = [(f"coeffs[{k}]", c) for k, c in enumerate(bvp.coeffs)] + [("rhs", bvp.rhs)]
    return {name: relative_tail(chebyshev_coefficients(_sample(c, x, name)))
            for name, c in named if callable(c)}


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
    return check_choice(cond, "cond", ("auto", "exact", "estimate", "none"))


def _cond_kind(cond: str, n: int) -> str:
    """``"exact"``, ``"estimate"`` or ``"none"``: ``cond="auto"`` is exact up to n = 512."""
    if cond == "auto":
        return "exact" if n <= EXACT_COND_MAX_N else "estimate"
    return cond


#: The ``cond_norm`` stat for each kind of condition number.
_NORM_LABEL = {"exact": "2", "estimate": "1 (estimate)", "none": "none"}


def _inf_norm(v: NDArray[np.float64], matrix: bool = False) -> float:
    if matrix:
        return float(np.abs(v).sum(axis=1).max())
    return float(np.max(np.abs(v))) if v.size else 0.0
