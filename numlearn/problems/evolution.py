"""The common part of the time-dependent benchmark problems (:class:`EvolutionProblem`).

Fields, validation, the evaluation grid and the harness protocol shared by the
problems of :mod:`numlearn.problems.pdes` (which re-exports :class:`EvolutionProblem`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import (
    as_float_array,
    check_domain,
    check_flag,
    check_int,
    check_real,
)

__all__ = ["TWO_PI", "EvolutionProblem", "broadcast_tx", "finite_phase"]

TWO_PI = 2.0 * math.pi


def broadcast_tx(
    t: ArrayLike, x: ArrayLike, names: tuple[str, str] = ("t", "x")
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Broadcast ``t`` and ``x`` (validated real float64) against each other."""
    tt = as_float_array(t, names[0], allow_complex=False).astype(np.float64, copy=False)
    xx = as_float_array(x, names[1], allow_complex=False).astype(np.float64, copy=False)
    try:
        return np.broadcast_arrays(tt, xx)  # type: ignore[return-value]
    except ValueError:
        raise ValueError(
            f"`{names[0]}` (shape {tt.shape}) and `{names[1]}` (shape {xx.shape}) do not "
            f"broadcast; pass {names[0]}[:, None] and {names[1]}[None, :] for a tensor grid."
        ) from None


def finite_phase(phase: NDArray[np.float64], what: str) -> NDArray[np.float64]:
    """``phase`` if finite; else `ValueError` naming ``t`` and ``x`` (the product overflowed)."""
    if not np.all(np.isfinite(phase)):
        raise ValueError(
            f"`t` and `x` are too large: the phase {what} overflows float64 (it is "
            "meaningless long before that: its rounding error exceeds 2 pi once it is "
            "beyond 2**53); evaluate within the problem's domain."
        )
    return phase


@dataclass(frozen=True)
class EvolutionProblem:
    """Common part of the time-dependent benchmark problems in ``(t, x)``.

    Attributes
    ----------
    name : str
        Registry name.
    equation : str
        The PDE in words/ASCII.
    t_domain, x_domain : (float, float)
        Time interval and spatial interval.
    periodic : bool
        Whether ``x`` is periodic (then the x-interval's right end is excluded).
    order_t : int
        Highest time derivative (1, or 2 for the wave equation).
    linear : bool
        Whether the residual is linear in ``u``.
    params : dict
        The coefficients (``beta``, ``rho``, ``c``, ``nu``).
    reference : dict
        How the truth is computed and its verified accuracy
        (keys ``kind``, ``method``, ``accuracy``).
    """

    name: str
    equation: str
    t_domain: tuple[float, float]
    x_domain: tuple[float, float]
    periodic: bool
    order_t: int
    linear: bool
    params: dict[str, float] = field(default_factory=dict)
    reference: dict[str, Any] = field(default_factory=dict)
    grid_shape: tuple[int, int] = (200, 200)

    #: The coefficients a subclass requires (``params`` must have exactly these keys);
    #: empty: any finite real coefficients.
    _PARAM_NAMES: ClassVar[tuple[str, ...]] = ()
    #: The spatial interval the exact solution is written for (``None``: any).
    _X_DOMAIN: ClassVar[tuple[float, float] | None] = None

    def __post_init__(self) -> None:
        """Validate the fields: domains, flags, grid shape and finite real coefficients.

        Raises `TypeError` (strings, bools, complex where numbers or flags are due) or
        `ValueError` (NaN/inf, reversed domains, impossible coefficients) naming the
        argument; the coefficient checks of a problem are in :meth:`_check_params`.
        """
        set_ = object.__setattr__
        for name in ("name", "equation"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"`{name}` must be a string, got {getattr(self, name)!r}.")
        set_(self, "t_domain", check_domain(self.t_domain, "t_domain"))
        set_(self, "x_domain", check_domain(self.x_domain, "x_domain"))
        if self._X_DOMAIN is not None and self.x_domain != self._X_DOMAIN:
            raise ValueError(
                f"`x_domain` of {self.name} must be {self._X_DOMAIN}, got {self.x_domain}: "
                "the exact solution and its boundary conditions are written for that "
                "interval."
            )
        set_(self, "periodic", check_flag(self.periodic, "periodic"))
        set_(self, "linear", check_flag(self.linear, "linear"))
        set_(self, "order_t", check_int(self.order_t, "order_t", minimum=1, maximum=2))
        if isinstance(self.grid_shape, str) or len(self.grid_shape) != 2:
            raise TypeError(f"`grid_shape` must be a pair (nt, nx), got {self.grid_shape!r}.")
        set_(self, "grid_shape", tuple(
            check_int(v, f"grid_shape[{i}]", minimum=2, maximum=10**5)
            for i, v in enumerate(self.grid_shape)))
        if not isinstance(self.params, Mapping):
            raise TypeError(f"`params` must be a mapping of coefficients, got {self.params!r}.")
        params: dict[str, float] = {}
        for k, v in self.params.items():
            if not isinstance(k, str):
                raise TypeError(f"`params` keys must be coefficient names, got {k!r}.")
            params[k] = check_real(v, k)
        if self._PARAM_NAMES and set(params) != set(self._PARAM_NAMES):
            raise ValueError(
                f"`params` of {self.name} must have the coefficients "
                f"{sorted(self._PARAM_NAMES)}, got {sorted(params)}."
            )
        set_(self, "params", params)
        self._check_params(params)
        if not isinstance(self.reference, Mapping):
            raise TypeError(f"`reference` must be a mapping, got {self.reference!r}.")

    def _check_params(self, params: dict[str, float]) -> None:
        """Problem-specific checks of the (finite, real) coefficients; none here."""

    # ---------------------------------------------------------------- data
    def initial_condition(self, x: ArrayLike) -> NDArray[np.float64]:
        """``u(0, x)``."""
        return self.solution(np.zeros_like(as_float_array(x, "x")), x)

    def initial_velocity(self, x: ArrayLike) -> NDArray[np.float64]:
        """``u_t(0, x)`` (second order in time only)."""
        raise NotImplementedError(f"{self.name} is first order in time")

    def boundary_values(self, t: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(u(t, a), u(t, b))`` for Dirichlet problems."""
        if self.periodic:
            raise ValueError(f"{self.name} is periodic in x: it has no boundary values.")
        tt = as_float_array(t, "t", allow_complex=False).astype(np.float64, copy=False)
        a, b = self.x_domain
        return self.solution(tt, np.full_like(tt, a)), self.solution(tt, np.full_like(tt, b))

    def solution(self, t: ArrayLike, x: ArrayLike) -> NDArray[np.float64]:
        """The exact (or reference) solution at broadcast ``(t, x)``."""
        raise NotImplementedError

    def residual(self, u: Any, d: Mapping[str, Any]) -> Any:
        """The PDE residual from ``u`` and its derivatives ``d`` (see module docs)."""
        raise NotImplementedError

    def evaluation_grid(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The reporting grid ``(t, x)`` as two 1-D arrays (see module docstring)."""
        nt, nx = self.grid_shape
        t = np.linspace(*self.t_domain, nt)
        if self.periodic:
            x = np.linspace(*self.x_domain, nx + 1)[:-1]
        else:
            x = np.linspace(*self.x_domain, nx)
        return t, x

    def solution_on_grid(
        self, t: ArrayLike | None = None, x: ArrayLike | None = None
    ) -> NDArray[np.float64]:
        """The solution on the tensor grid ``u[i_t, i_x]`` (default: evaluation grid)."""
        if (t is None) != (x is None):
            missing = "x" if x is None else "t"
            raise ValueError(
                f"pass both `t` and `x` (or neither, for the evaluation grid); `{missing}` "
                "is missing."
            )
        if t is None or x is None:
            t, x = self.evaluation_grid()
        tt = as_float_array(t, "t").reshape(-1, 1)
        xx = as_float_array(x, "x").reshape(1, -1)
        return self.solution(tt, xx)

    # ---------------------------------------------------------------- harness protocol
    @property
    def grid_name(self) -> str:
        """``"<name>.evaluation_grid (<nt>x<nx>)"``."""
        t, x = self.evaluation_grid()
        return f"{self.name}.evaluation_grid ({t.size}x{x.size})"

    def truth(self) -> NDArray[np.float64]:
        """The exact or reference solution on the evaluation grid, ``u[i_t, i_x]``."""
        return self.solution_on_grid()

    def evaluate_on_grid(self, u: Any) -> NDArray[np.float64]:
        """A solver's value on the evaluation grid: ``u(t, x)`` of the grid's 1-D
        arrays if ``u`` is callable (returning ``u[i_t, i_x]``), else ``u`` itself."""
        return np.asarray(u(*self.evaluation_grid()) if callable(u) else u)
