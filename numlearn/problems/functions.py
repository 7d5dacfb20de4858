r"""One-dimensional target functions shared by the classical and the learned side.

Each target carries a NumPy implementation (float64, for the solvers), an mpmath
implementation (any precision, for the oracle and the golden references in
``reference/``), its interval, and the analytic facts that predict how fast
polynomial approximation converges: a function analytic inside the Bernstein ellipse
:math:`E_\rho` (foci :math:`\pm 1`, semi-axis sum :math:`\rho`) of the interval mapped
to :math:`[-1, 1]` has Chebyshev coefficients :math:`|a_k| = O(\rho^{-k})` and
Chebyshev interpolants with error :math:`O(\rho^{-n})` [1]_.  A singularity at
:math:`z` (in the reference variable) gives :math:`\rho = |z + \sqrt{z^2 - 1}|` with
the branch chosen so that :math:`\rho > 1`.

Every constant in a formula is an exact binary float64 number (``1.05`` means
``float(1.05)``) and is converted to mpmath exactly, so the NumPy and the mpmath
implementations define the same mathematical function; the NumPy one then differs
from the truth only by float64 rounding.

Categories
----------
``"entire"``
    No finite singularity: super-geometric convergence.
``"runge"``
    Runge-type rational functions: poles off the real axis near the interval.
``"near_singular"``
    A pole, branch point or steep front just outside (or near) the interval.
``"oscillatory"``
    Entire but with many oscillations: convergence starts only once the degree
    exceeds the number of oscillations (about :math:`\omega` for :math:`\sin\omega x`).

References
----------
.. [1] L. N. Trefethen, *Approximation Theory and Approximation Practice*, extended
   edition, SIAM 2019, chapters 8 (convergence for analytic functions) and 3
   (Chebyshev coefficients).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import mpmath
import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import EPS, as_float_array, check_domain, check_int
from numlearn.problems.protocol import UnknownProblemError

if TYPE_CHECKING:
    from numlearn._core.result import Result

__all__ = [
    "CATEGORIES",
    "DOMAIN_SLACK",
    "TARGETS",
    "InterpolationProblem",
    "InterpolationSolver",
    "TargetFunction",
    "get_target",
]

CATEGORIES = ("entire", "runge", "near_singular", "oscillatory")

#: The largest ``n`` and ``grid_size`` of an :class:`InterpolationProblem` (10**7 points:
#: 80 MB per float64 array; the mpmath truth costs about 10 us per point).
MAX_GRID: int = 10**7

# Exact binary constants shared by the two implementations (see the module docstring).
_POLE = 1.05  # near_pole: 1/(1.05 - x)
_BRANCH = 1.01  # near_branch: sqrt(1.01 - x)
_TWO_PI = 2.0 * math.pi  # the float64 nearest to 2*pi; the sine target lives on [0, _TWO_PI]


def _rho_real(c: float) -> float:
    """Bernstein parameter of a singularity at the real point ``c``, ``|c| > 1``."""
    c = abs(c)
    return c + math.sqrt(c * c - 1.0)


def _rho_imag(y: float) -> float:
    """Bernstein parameter of a singularity at ``i*y`` on the imaginary axis."""
    y = abs(y)
    return y + math.sqrt(1.0 + y * y)


@dataclass(frozen=True)
class TargetFunction:
    r"""A 1-D target function with matching float64 and arbitrary-precision code.

    Parameters
    ----------
    name : str
        Registry key, e.g. ``"runge"``.
    numpy_func : callable
        ``f(x)`` on float64 arrays (vectorised NumPy).
    mpmath_func : callable
        ``f(x)`` on one ``mpmath.mpf``; it computes at the caller's working precision
        (``mpmath.workdps``) and never sets the global precision.
    domain : (float, float)
        The interval ``(a, b)``; the endpoints are exact float64 numbers.
    category : str
        One of :data:`CATEGORIES`.
    description : str
        One line: the function and why it is in the set.
    latex : str
        The formula in LaTeX.
    rho : float
        Bernstein-ellipse parameter of the largest ellipse (for the domain mapped to
        ``[-1, 1]``) in which ``f`` is analytic; ``math.inf`` for entire functions.
        Chebyshev coefficients decay like ``rho**-k``.
    singularity : str
        Where the nearest singularity is (``"none (entire)"`` if there is none).

    Examples
    --------
    >>> from numlearn.problems import get_target
    >>> f = get_target("runge")
    >>> float(f(0.0))
    1.0
    >>> import mpmath
    >>> with mpmath.workdps(40):
    ...     print(f.mpmath_func(mpmath.mpf(0.5)))
    0.1379310344827586206896551724137931034483
    """

    name: str
    numpy_func: Callable[[NDArray[np.float64]], NDArray[np.float64]]
    mpmath_func: Callable[[Any], Any]
    domain: tuple[float, float]
    category: str
    description: str
    latex: str
    rho: float = math.inf
    singularity: str = "none (entire)"

    def __post_init__(self) -> None:
        for name in ("name", "description", "latex", "singularity"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"`{name}` must be a string, got {getattr(self, name)!r}.")
        for name in ("numpy_func", "mpmath_func"):
            if not callable(getattr(self, name)):
                raise TypeError(f"`{name}` must be callable, got {getattr(self, name)!r}.")
        object.__setattr__(self, "domain", check_domain(self.domain, "domain"))
        if not isinstance(self.category, str) or self.category not in CATEGORIES:
            raise ValueError(
                f"`category` must be one of {CATEGORIES}, got {self.category!r}."
            )
        rho = _as_rho(self.rho)
        object.__setattr__(self, "rho", rho)

    def __reduce_ex__(self, protocol: Any) -> Any:
        # A registered target pickles by name (for worker processes): its functions are
        # lambdas and mpmath's wrappers, which pickle cannot send.
        if TARGETS.get(self.name) is self:
            return (get_target, (self.name,))
        return super().__reduce_ex__(protocol)

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        """Evaluate the NumPy implementation at ``x`` (converted to float64).

        Raises
        ------
        ValueError
            NaN/inf or empty ``x``, or a point outside :attr:`domain` (by more than
            :data:`DOMAIN_SLACK` ulps of the endpoints' size, the rounding of an affine
            map onto the domain): several targets are NaN, infinite or overflow there
            (``sqrt(1.01 - x)`` beyond 1.01, ``1/(1.05 - x)`` at 1.05), and the
            analytic facts (:attr:`rho`) hold on the domain only.  The raw
            :attr:`numpy_func` evaluates anywhere.
        TypeError
            Non-numeric, complex, string or bool-only input.
        """
        xx = as_float_array(x, "x", allow_complex=False).astype(np.float64)
        a, b = self.domain
        slack = DOMAIN_SLACK * EPS * max(abs(a), abs(b))
        outside = (xx < a - slack) | (xx > b + slack)
        if outside.any():
            k = int(np.argmax(outside.ravel()))
            raise ValueError(
                f"`x` must lie in the domain [{a!r}, {b!r}] of {self.name!r}; "
                f"{int(outside.sum())} of {xx.size} points lie outside (the first is "
                f"{float(xx.ravel()[k])!r}). Map the points onto the domain, or call "
                "`numpy_func` directly to evaluate the formula anywhere."
            )
        return self.numpy_func(xx)


#: Points within this many ulps (of the endpoints' size) outside a target's domain are
#: accepted by :meth:`TargetFunction.__call__`: the rounding of an affine map onto it.
DOMAIN_SLACK: float = 8.0


def _as_rho(value: Any) -> float:
    """The Bernstein parameter: a real number > 1 (``math.inf`` for entire functions)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"`rho` must be a real number > 1 (or math.inf), got {value!r}.")
    rho = float(value)
    if not rho > 1.0:
        raise ValueError(
            f"`rho` must be > 1 (a Bernstein ellipse parameter; math.inf for an entire "
            f"function), got {value!r}."
        )
    return rho


def _targets() -> dict[str, TargetFunction]:
    pole = mpmath.mpf(_POLE)
    branch = mpmath.mpf(_BRANCH)
    items = [
        TargetFunction(
            "exp", np.exp, mpmath.exp, (-1.0, 1.0), "entire",
            "exp(x): the model entire function; Chebyshev coefficients 2 I_k(1).",
            r"e^{x}",
        ),
        TargetFunction(
            "sine", np.sin, mpmath.sin, (0.0, _TWO_PI), "entire",
            "sin(x) on [0, 2pi]: the 1-D interpolation experiment of the BWLer code "
            "(21 training points). The right endpoint is float64(2*pi).",
            r"\sin x",
        ),
        TargetFunction(
            "gaussian",
            lambda x: np.exp(-50.0 * x * x),
            lambda x: mpmath.exp(-50 * x * x),
            (-1.0, 1.0), "entire",
            "exp(-50x^2): a peaked bump (width 0.14), entire but with a long "
            "pre-asymptotic phase; coefficients 2(-1)^m e^{-25} I_m(25) at k = 2m.",
            r"e^{-50 x^2}",
        ),
        TargetFunction(
            "runge",
            lambda x: 1.0 / (1.0 + 25.0 * x * x),
            lambda x: 1 / (1 + 25 * x * x),
            (-1.0, 1.0), "runge",
            "Runge's function 1/(1+25x^2): equispaced interpolation diverges, "
            "Chebyshev interpolation converges like rho^-n.",
            r"\frac{1}{1 + 25 x^2}",
            rho=_rho_imag(0.2), singularity="simple poles at x = +-i/5",
        ),
        TargetFunction(
            "near_pole",
            lambda x: 1.0 / (_POLE - x),
            lambda x: 1 / (pole - x),
            (-1.0, 1.0), "near_singular",
            "1/(1.05 - x): a real pole 0.05 beyond the right endpoint; values from "
            "0.49 to 20; coefficients 2 r^k / sqrt(1.05^2 - 1), r = 1/rho.",
            r"\frac{1}{1.05 - x}",
            rho=_rho_real(_POLE), singularity="simple pole at x = 1.05",
        ),
        TargetFunction(
            "near_branch",
            lambda x: np.sqrt(_BRANCH - x),
            lambda x: mpmath.sqrt(branch - x),
            (-1.0, 1.0), "near_singular",
            "sqrt(1.01 - x): a square-root branch point 0.01 beyond the right "
            "endpoint; coefficients decay like k^{-3/2} rho^{-k}.",
            r"\sqrt{1.01 - x}",
            rho=_rho_real(_BRANCH), singularity="branch point at x = 1.01",
        ),
        TargetFunction(
            "tanh_front",
            lambda x: np.tanh(10.0 * x),
            lambda x: mpmath.tanh(10 * x),
            (-1.0, 1.0), "near_singular",
            "tanh(10x): a steep front (as in Burgers' equation), poles at "
            "x = +-i pi/20 (2m+1); exactly representable by one tanh neuron.",
            r"\tanh(10 x)",
            rho=_rho_imag(math.pi / 20.0), singularity="simple poles at x = +-i*pi/20",
        ),
        TargetFunction(
            "oscillatory",
            lambda x: np.sin(50.0 * x),
            lambda x: mpmath.sin(50 * x),
            (-1.0, 1.0), "oscillatory",
            "sin(50x): about 16 periods; Chebyshev coefficients 2(-1)^((k-1)/2) J_k(50) "
            "at odd k; they decay only once k exceeds 50 (K = 93 for a 1e-17 tail).",
            r"\sin(50 x)",
        ),
    ]
    return {t.name: t for t in items}


TARGETS: dict[str, TargetFunction] = _targets()
"""The registry of 1-D targets, keyed by name."""


def get_target(name: str) -> TargetFunction:
    """Return the registered target called ``name``.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    UnknownProblemError
        If there is no such target (a `KeyError` and a `ValueError`); the message
        lists the available names.
    """
    if not isinstance(name, str):
        raise TypeError(
            f"`name` must be a target name (a string), one of {', '.join(sorted(TARGETS))}; "
            f"got {type(name).__name__} {name!r}."
        )
    try:
        return TARGETS[name]
    except KeyError:
        raise UnknownProblemError(
            f"`name`: no target function named {name!r}; available: "
            f"{', '.join(sorted(TARGETS))}."
        ) from None


@dataclass
class InterpolationProblem:
    """Interpolate ``target`` from its values at ``n`` Chebyshev points; score on a grid.

    A :class:`numlearn.problems.protocol.HarnessProblem`: the harness scores any
    :class:`InterpolationSolver` (``solver(problem) -> Result`` with the values on
    :attr:`grid`) against :meth:`truth`.  The nodes are the
    ``n`` Chebyshev points of the second kind of the target's domain
    (:func:`numlearn.classical.chebyshev_points`); the node values a method is given
    are the float64 ``numpy_func`` values there, as a user would have them.  The
    evaluation grid is ``grid_size`` seeded uniform points in the domain, sorted,
    plus both endpoints (``grid_name`` records this).  The truth is the mpmath
    oracle's correctly rounded value of the target (:func:`numlearn.precision.mp_evaluate`,
    checked at two precisions), independent of every method under test.
    """

    target: TargetFunction
    n: int
    grid_size: int = 1000
    seed: int = 20261123
    _truth: NDArray[np.float64] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.target, TargetFunction):
            raise TypeError(
                "`target` must be a TargetFunction (e.g. get_target('runge')), got "
                f"{type(self.target).__name__} {self.target!r}."
            )
        self.n = check_int(self.n, "n", minimum=1, maximum=MAX_GRID)
        self.grid_size = check_int(self.grid_size, "grid_size", minimum=0, maximum=MAX_GRID)
        self.seed = check_int(self.seed, "seed", minimum=0)

    @property
    def name(self) -> str:
        """Row label, ``"<target>/n=<n>"``."""
        return f"{self.target.name}/n={self.n}"

    @property
    def grid_name(self) -> str:
        """The evaluation grid, in words."""
        return f"uniform{self.grid_size}+ends(seed={self.seed})"

    @property
    def grid(self) -> NDArray[np.float64]:
        """The evaluation points: both endpoints and the sorted seeded uniform points."""
        a, b = self.target.domain
        pts = np.random.default_rng(self.seed).uniform(a, b, self.grid_size)
        return np.concatenate([[a], np.sort(pts), [b]])

    def truth(self) -> NDArray[np.float64]:
        """The target on :attr:`grid` from the mpmath oracle (computed once, cached)."""
        if self._truth is None:
            # Imported here: numlearn.precision's reference builders import this module.
            from numlearn.precision.oracle import mp_evaluate

            self._truth = mp_evaluate(self.target, self.grid).values
        return self._truth


@runtime_checkable
class InterpolationSolver(Protocol):
    """What an interpolation method of either side is: a problem in, a
    :class:`numlearn.Result` out.

    Implemented by the classical methods of the ``quick`` comparison suite
    (``numlearn.compare.suites.INTERPOLATION_SOLVERS``) and by a learned interpolant,
    so a test or the harness (:func:`numlearn.compare.run_comparison`) swaps one for
    the other without an adapter.

    ``solver(problem)`` returns a ``Result`` whose ``value`` is a NumPy float64 array
    of the interpolant's values at :attr:`InterpolationProblem.grid` (the same shape),
    with ``side`` (``"classical"`` or ``"learned"``) and ``method`` (the method's
    name) set.  ``stats`` speaks :data:`numlearn.STATS_VOCABULARY` (``seconds``,
    ``cond`` with ``cond_of`` ...) plus keys the solver documents.  A method uses only
    what a user would have: the nodes and the float64 node values described in
    :class:`InterpolationProblem`, never :meth:`InterpolationProblem.truth`.
    """

    def __call__(self, problem: InterpolationProblem, /) -> Result: ...
