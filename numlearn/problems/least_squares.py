r"""Least-squares problem samplers, shared by the classical and the learned side.

The paper's distribution (Liu et al., arXiv 2503.12295, ``LeastSquaresSampler`` in
its code) and out-of-distribution families built from it.  Every sampler is seeded
and batched: it returns a :class:`LeastSquaresBatch` with ``A (B, n, d)``,
``b (B, n)``, ``x_star (B, d)`` and the start point ``x0 (B, d)``, all float64.

``paper``
    ``A_ij ~ N(0, 1)``, ``x* ~ N(0, I)``, ``b = A x*``, ``x0 ~ N(0, I)``
    (:func:`sample_paper`).
``cond``
    the paper's ``A`` with its singular values mapped affinely onto ``[1, kappa]``
    (:func:`sample_cond`, the paper's ``scale_cond``).
``scaled``
    the paper's problem with ``x*`` and ``x0`` multiplied by ``scale``
    (:func:`sample_scaled`, the paper's ``scale_target``).
``shape``
    the paper's distribution at other ``n``, ``d`` (``n >= d``, :func:`sample_shape`).
``noisy``
    inconsistent ``b = A x_gen + sigma N(0, I_n)``; ``x_star`` is the least-squares
    solution, correctly rounded from the mpmath oracle (:func:`sample_noisy`).  In the
    other families ``x_star`` is the drawn ``x*``.

The families draw their random numbers in the same order (``A``, then ``x*``, then
``x0``, then the noise), so with the same seed ``cond``, ``scaled`` and ``noisy`` are
transformations of the very problems ``paper`` gives.

Why ``b`` is generated in float64: ``b = fl(A x*)`` differs from ``A x*`` by a
relative rounding of at most ``~ d eps`` per entry, so the drawn ``x*`` is the
least-squares solution of the stored ``(A, b)`` up to ``cond(A) d eps`` relative
(measured on the paper's distribution: median ``||x* - x_LS||^2 / d`` 9e-34 against
the mpmath solution), below the ~1e-32 to 4e-31 that the float64 solvers themselves
reach.  Generated in float32, as the paper's code does, the data alone put the floor
at ~5e-16 in MSE (measured: float32 ``A``, ``x*``, ``b``, then an exact float64
solve), whatever the solver.

References
----------
.. [1] J. Liu, J. Grogan, O. Dugan, A. Rao, S. Arora, A. Rudra, C. Ré, "Towards
   Learning High-Precision Least Squares Algorithms with Sequence Models",
   arXiv:2503.12295 (ICLR 2025); code github.com/HazyResearch/precision-ls,
   ``src/datagen/main/samplers.py`` (``scale_cond``, ``scale_target``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array, check_int, check_positive
from numlearn.precision.mp_linalg import mp_lstsq
from numlearn.problems._ls_checks import (
    MAX_BYTES,
    MAX_KAPPA,
    check_family_params,
    check_kappa,
    check_scale,
    check_sigma,
    check_sizes,
)

if TYPE_CHECKING:
    from numlearn._core.result import Result

__all__ = [
    "LS_FAMILIES",
    "MAX_BYTES",
    "MAX_KAPPA",
    "LeastSquaresBatch",
    "LeastSquaresFamily",
    "LeastSquaresSolver",
    "paper_draws",
    "sample",
    "sample_cond",
    "sample_noisy",
    "sample_paper",
    "sample_scaled",
    "sample_shape",
]

Seed = int | np.random.Generator | np.random.SeedSequence | None


@dataclass(frozen=True)
class LeastSquaresBatch:
    """A batch of least-squares problems ``min_x ||A x - b||_2`` with their solutions.

    Attributes
    ----------
    A : ndarray, shape (B, n, d)
        Matrices.
    b : ndarray, shape (B, n)
        Right-hand sides.
    x_star : ndarray, shape (B, d)
        The solutions the errors are measured against (see each family).
    x0 : ndarray, shape (B, d)
        Start points for iterative methods.
    meta : dict
        How the batch was made: ``family``, ``n``, ``d``, the family's parameters,
        ``seed`` (when an int was given) and ``x_star`` (``"drawn"`` or how it was
        computed).

    The arrays are float64, C-contiguous, finite and read-only views (a solver cannot
    modify the shared data in place); shapes are checked on construction.
    """

    A: NDArray[np.float64]
    b: NDArray[np.float64]
    x_star: NDArray[np.float64]
    x0: NDArray[np.float64]
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        A = _frozen(self.A, "A", 3)
        B, n, d = A.shape
        want = {"b": (B, n), "x_star": (B, d), "x0": (B, d)}
        for name, shape in want.items():
            arr = _frozen(getattr(self, name), name, 2)
            if arr.shape != shape:
                raise ValueError(
                    f"`{name}` must have shape {shape} to match `A` of shape {A.shape}, "
                    f"got {arr.shape}."
                )
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "A", A)
        if not isinstance(self.meta, Mapping):
            raise TypeError(f"`meta` must be a mapping, got {type(self.meta).__name__}.")
        object.__setattr__(self, "meta", dict(self.meta))

    @property
    def batch_size(self) -> int:
        """Number of problems ``B``."""
        return int(self.A.shape[0])

    @property
    def n(self) -> int:
        """Rows (equations) per problem."""
        return int(self.A.shape[1])

    @property
    def d(self) -> int:
        """Columns (unknowns) per problem."""
        return int(self.A.shape[2])

    def __len__(self) -> int:
        return self.batch_size

    def mse(self, x: ArrayLike) -> NDArray[np.float64]:
        r"""Per-problem error ``||x - x*||_2^2 / d`` (the paper's metric).

        ``x`` of shape ``(B, d)`` gives ``(B,)``; a history ``(B, k, d)`` gives
        ``(B, k)``.
        """
        xs = as_float_array(x, "x", ndim=(2, 3), allow_complex=False, finite=False)
        if xs.shape[0] != self.batch_size or xs.shape[-1] != self.d:
            raise ValueError(
                f"`x` must have shape (B, d) or (B, k, d) with B = {self.batch_size}, "
                f"d = {self.d}; got {xs.shape}."
            )
        ref = self.x_star if xs.ndim == 2 else self.x_star[:, None, :]
        return np.mean((xs.astype(np.float64) - ref) ** 2, axis=-1)

    def subset(self, index: Any) -> LeastSquaresBatch:
        """The problems ``index`` selects (an int array, a slice or a boolean mask).

        Raises `ValueError` naming ``index`` for an index out of range, a mask of the
        wrong length, or a selection of no problem, and `TypeError` for another kind.
        """
        try:
            idx = np.atleast_1d(np.arange(self.batch_size)[index])
        except IndexError as exc:
            raise ValueError(f"`index` does not fit the batch of {self.batch_size}: {exc}.") \
                from None
        except (TypeError, ValueError) as exc:
            raise TypeError(f"`index` must be an int array, a slice or a boolean mask: "
                            f"{exc}.") from None
        if idx.size == 0:
            raise ValueError(f"`index` selects no problem of the batch of {self.batch_size}.")
        return LeastSquaresBatch(
            self.A[idx], self.b[idx], self.x_star[idx], self.x0[idx],
            {**self.meta, "subset_of": self.batch_size},
        )


def _frozen(a: Any, name: str, ndim: int) -> NDArray[np.float64]:
    arr = as_float_array(a, name, ndim=ndim, allow_complex=False)
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    view = arr.view()
    view.flags.writeable = False
    return view


def _rng(seed: Seed) -> np.random.Generator:
    if isinstance(seed, bool):
        raise TypeError(f"`seed` must be an int, a numpy Generator or None, got {seed!r}.")
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"`seed` must be an int >= 0, a numpy Generator, a SeedSequence or None; "
            f"got {seed!r} ({exc})."
        ) from None


def paper_draws(normal: Callable[[tuple[int, ...]], Any], batch: int, n: int, d: int):
    r"""The paper's problem formula, for any array library: ``(A, b, x_star, x0)``.

    ``normal(shape)`` returns standard normal draws (NumPy's
    ``Generator.standard_normal`` here, ``torch.randn`` with a generator on the
    learned side); the draws come in the order ``A (B, n, d)``, ``x* (B, d)``,
    ``x0 (B, d)``, and ``b = A x*`` is one batched matmul (``@``) in the draws'
    precision.  The random stream is the library's: the same seed gives the same
    distribution on both sides, not the same numbers.

    Raises `TypeError` for a non-callable ``normal`` or non-integer sizes and
    `ValueError` for sizes < 1 or an ``A`` over ``MAX_BYTES`` (``n < d`` is allowed).
    """
    if not callable(normal):
        raise TypeError(f"`normal` must be callable normal(shape), got {normal!r}.")
    batch, n, d = check_sizes(batch, n, d, tall=False)
    A, x_star, x0 = _draw(batch, n, d, normal)
    return A, _matvec(A, x_star), x_star, x0


def _draw(B: int, n: int, d: int, normal: Callable[[tuple[int, ...]], Any]):
    # Order matters: every family draws A, x*, x0 (then noise) in this order, so the
    # families are transformations of the same paper problems for the same seed.
    A = normal((B, n, d))
    x_star = normal((B, d))
    x0 = normal((B, d))
    return A, x_star, x0


def _matvec(A: Any, x: Any) -> Any:
    """``A x`` per problem (one batched matmul; NumPy or torch arrays)."""
    return (A @ x[..., None])[..., 0]


def _meta(family: str, n: int, d: int, seed: Seed, **params: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"family": family, "n": n, "d": d, **params}
    meta["seed"] = seed if isinstance(seed, int) else None
    return meta


def sample_paper(batch: int, n: int = 20, d: int = 5, *, seed: Seed = None) -> LeastSquaresBatch:
    r"""The paper's distribution: consistent Gaussian least-squares problems.

    .. math::

        A_{ij} \sim N(0, 1), \quad x^* \sim N(0, I_d), \quad b = A x^*,
        \quad x_0 \sim N(0, I_d),

    with ``b`` computed in float64 (see the module notes).  At ``n = 20``, ``d = 5``
    the spectrum of ``A^T A / n`` has median ``lambda_min`` 0.37 and ``lambda_max``
    1.79 (median ``cond(A)^2`` 4.8), so gradient descent with step 0.5 contracts by
    ``~0.82`` per step.

    Parameters
    ----------
    batch : int
        Number of problems ``B``.
    n, d : int
        Equations and unknowns per problem, ``n >= d``; the paper uses 20 and 5.
    seed : int, numpy Generator, SeedSequence or None
        Random source (``numpy.random.default_rng(seed)``).

    Returns
    -------
    LeastSquaresBatch

    Notes
    -----
    Cost: ``O(B n d)`` (three Gaussian draws and one batched mat-vec).

    References
    ----------
    .. [1] Liu et al., arXiv:2503.12295, section "Problem setup" and
       ``LeastSquaresSampler`` in github.com/HazyResearch/precision-ls.

    Examples
    --------
    >>> p = sample_paper(3, seed=0)
    >>> p.A.shape, p.b.shape, p.x_star.shape
    ((3, 20, 5), (3, 20), (3, 5))
    """
    B, n, d = check_sizes(batch, n, d)
    A, b, x_star, x0 = paper_draws(_rng(seed).standard_normal, B, n, d)
    return LeastSquaresBatch(A, b, x_star, x0, _meta("paper", n, d, seed, x_star="drawn"))


def sample_cond(
    batch: int, kappa: float = 10.0, n: int = 20, d: int = 5, *, seed: Seed = None
) -> LeastSquaresBatch:
    r"""The paper's problems with a prescribed condition number (its ``scale_cond``).

    Each ``A = U diag(s) V^T`` (thin SVD) is replaced by ``U diag(s') V^T`` with

    .. math:: s'_i = 1 + (\kappa - 1) \frac{s_i - s_{\min}}{s_{\max} - s_{\min}},

    so its singular values span ``[1, kappa]`` and ``cond(A) = kappa`` (up to the
    rounding of the product, relative ``~d eps``).  Then ``b = A x*`` in float64.

    Note the scale changes with it: ``L = kappa^2 / n``, so gradient descent with a
    fixed step ``eta`` is stable only for ``kappa < sqrt(2 n / eta)`` (8.9 for the
    paper's ``n = 20``, ``eta = 0.5``).

    Parameters
    ----------
    batch, n, d, seed
        As in :func:`sample_paper` (same draws for the same seed).
    kappa : float, default 10
        Target condition number of ``A``, in ``[1, MAX_KAPPA = 1e15]``
        (``cond(A^T A) = kappa^2``).

    Returns
    -------
    LeastSquaresBatch

    Notes
    -----
    Cost: ``O(B n d^2)`` for the batched SVD.

    References
    ----------
    .. [1] Liu et al., arXiv:2503.12295; ``scale_cond`` in ``LeastSquaresSampler``
       (a training config uses ``kappa = 5``).
    """
    B, n, d = check_sizes(batch, n, d)
    kappa = check_kappa(kappa)
    A, x_star, x0 = _draw(B, n, d, _rng(seed).standard_normal)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    lo, hi = s[:, -1:], s[:, :1]
    spread = np.where(hi > lo, hi - lo, 1.0)  # d == 1: one singular value, maps to 1
    s_new = 1.0 + (kappa - 1.0) * (s - lo) / spread
    A = np.ascontiguousarray((U * s_new[:, None, :]) @ Vt)
    return LeastSquaresBatch(
        A, _matvec(A, x_star), x_star, x0,
        _meta("cond", n, d, seed, kappa=kappa, x_star="drawn"),
    )


def sample_scaled(
    batch: int, scale: float = 4.0, n: int = 20, d: int = 5, *, seed: Seed = None
) -> LeastSquaresBatch:
    r"""The paper's problems with the target and the start scaled (its ``scale_target``).

    ``x* <- scale * x*``, ``x0 <- scale * x0``, ``b = A x*`` (float64).  GD's error
    scales exactly with ``scale`` (the iteration is linear); a learned iterate that
    memorised the training scale does not.  For a power of two ``scale`` every array is
    the paper's one times ``scale`` exactly.

    Parameters
    ----------
    batch, n, d, seed
        As in :func:`sample_paper` (same draws for the same seed).
    scale : float, default 4
        Factor, in ``[1e-150, 1e150]``; the OOD protocol of the paper's notebooks uses
        ``{1/16, 1/4, 1, 4, 16}``.

    Returns
    -------
    LeastSquaresBatch
    """
    B, n, d = check_sizes(batch, n, d)
    scale = check_scale(scale)
    A, x_star, x0 = _draw(B, n, d, _rng(seed).standard_normal)
    x_star = scale * x_star
    return LeastSquaresBatch(
        A, _matvec(A, x_star), x_star, scale * x0,
        _meta("scaled", n, d, seed, scale=scale, x_star="drawn"),
    )


def sample_shape(batch: int, n: int = 40, d: int = 10, *, seed: Seed = None) -> LeastSquaresBatch:
    """The paper's distribution at another shape ``n x d`` (``n >= d``).

    Identical to :func:`sample_paper` except for the defaults; a family of its own so
    that a sweep over OOD shifts names it.  ``A^T A / n`` has eigenvalues in about
    ``[(1 - sqrt(d/n))^2, (1 + sqrt(d/n))^2]`` (Marchenko-Pastur), so the aspect
    ratio ``d / n``, not the size, sets GD's rate.
    """
    B, n, d = check_sizes(batch, n, d)
    A, x_star, x0 = _draw(B, n, d, _rng(seed).standard_normal)
    return LeastSquaresBatch(
        A, _matvec(A, x_star), x_star, x0, _meta("shape", n, d, seed, x_star="drawn")
    )


def sample_noisy(
    batch: int, sigma: float = 1e-2, n: int = 20, d: int = 5, *, seed: Seed = None
) -> LeastSquaresBatch:
    r"""Inconsistent problems: ``b = A x_gen + sigma * e``, ``e ~ N(0, I_n)``.

    ``x_gen`` is the paper's drawn ``x*``; the returned ``x_star`` is the
    least-squares solution of the stored float64 ``(A, b)``, computed by the mpmath
    oracle (:func:`numlearn.precision.mp_lstsq`: Householder QR at 50 and 100 digits,
    checked to agree to 30, rounded once to float64 with a certificate), so the truth
    is independent of every float64 solver it scores.  The residual ``b - A x*`` is
    then nonzero (``~ sigma sqrt(n - d)``), and the conditioning floor grows by the
    ``cond(A)^2 ||r|| / (||A|| ||x||)`` term of the least-squares perturbation bound.

    Parameters
    ----------
    batch, n, d, seed
        As in :func:`sample_paper` (same ``A``, ``x_gen``, ``x0`` for the same seed).
    sigma : float, default 1e-2
        Noise standard deviation, in ``[0, 1e150]`` (0 gives the paper's ``b`` with the
        computed least-squares solution as ``x_star``).

    Returns
    -------
    LeastSquaresBatch
        ``meta["x_star"]`` records how ``x_star`` was computed.

    Notes
    -----
    Cost: the mpmath solve, about 10 ms per 20 x 5 problem (10 s for 1000).
    """
    B, n, d = check_sizes(batch, n, d)
    sigma = check_sigma(sigma)
    rng = _rng(seed)
    A, x_gen, x0 = _draw(B, n, d, rng.standard_normal)
    b = _matvec(A, x_gen) + sigma * rng.standard_normal((B, n))
    x_star = mp_lstsq(A, b).value
    return LeastSquaresBatch(
        A, b, x_star, x0,
        _meta("noisy", n, d, seed, sigma=sigma,
              x_star="least-squares solution, mpmath QR at 50 and 100 digits"),
    )


LS_FAMILIES: dict[str, Callable[..., LeastSquaresBatch]] = {
    "paper": sample_paper,
    "cond": sample_cond,
    "scaled": sample_scaled,
    "shape": sample_shape,
    "noisy": sample_noisy,
}
"""The named problem families, name -> sampler."""


def sample(family: str, batch: int, seed: Seed = None, **kwargs: Any) -> LeastSquaresBatch:
    """Draw ``batch`` problems from the named family.

    Parameters
    ----------
    family : {"paper", "cond", "scaled", "shape", "noisy"}
        See :data:`LS_FAMILIES`.
    batch : int
        Number of problems.
    seed : int, numpy Generator, SeedSequence or None
        Random source.
    **kwargs
        The family's parameters (``n``, ``d``, ``kappa``, ``scale``, ``sigma``).

    Examples
    --------
    >>> sample("cond", 2, seed=1, kappa=100.0).meta["kappa"]
    100.0
    """
    if not isinstance(family, str):
        raise TypeError(
            f"`family` must be a family name (a string), one of {sorted(LS_FAMILIES)}; "
            f"got {type(family).__name__} {family!r}."
        )
    try:
        sampler = LS_FAMILIES[family]
    except KeyError:
        raise ValueError(
            f"unknown least-squares family {family!r}; choose one of {sorted(LS_FAMILIES)}."
        ) from None
    try:
        return sampler(batch, seed=seed, **kwargs)
    except TypeError as exc:
        if "unexpected keyword" in str(exc):
            raise TypeError(f"family {family!r}: {exc}") from None
        raise


# ------------------------------------------------------------------ solver protocol


@runtime_checkable
class LeastSquaresSolver(Protocol):
    """What a least-squares iteration of either side is: problems and steps in, a
    :class:`numlearn.Result` out.

    Implemented by the classical gradient descent
    (:func:`numlearn.classical.least_squares.gradient_descent_solver`) and by the
    learned iterate (``numlearn.learned.least_squares.LearnedGradientDescent``), so a
    test or the harness swaps one for the other.

    ``solver(problems, steps, step_size)`` returns a ``Result`` whose ``value`` is a
    NumPy float64 array ``(B, d)`` (the last iterate), whose
    ``history["iterates"]`` is ``(B, steps + 1, d)`` (``x_0, ..., x_steps``) and
    whose ``stats["iterations"]`` is ``steps``.  ``step_size`` is a float, an array of
    shape ``(B,)`` or ``"optimal"`` (``2 / (L + mu)`` per problem).
    """

    def __call__(
        self, problems: LeastSquaresBatch, steps: int, step_size: Any = ...
    ) -> Result: ...


# ---------------------------------------------------------------- harness problems


@dataclass(frozen=True)
class LeastSquaresFamily:
    """A seeded batch of one family with its iterate count and step rule.

    It speaks :class:`numlearn.problems.protocol.HarnessProblem`: :attr:`name`,
    :attr:`grid_name` and :meth:`truth` (all problems' solutions ``x*`` stacked, from
    the family's sampler: drawn, or the mpmath solve for the noisy family).

    Attributes
    ----------
    label : str
        Row label (``"in-distribution"``, ``"cond kappa=8"`` ...).
    family : str
        A key of :data:`LS_FAMILIES`.
    params : mapping
        The sampler's parameters (``kappa``, ``scale``, ``n``, ``d``, ``sigma``).
    steps : int
        Iterations ``K`` the iterative methods run.
    eta : float or "optimal"
        Step size (``"optimal"``: ``2 / (L + mu)`` per problem).
    batch, seed : int
        Problems drawn (:attr:`problems`, drawn once on first use) and their seed.
    """

    label: str
    family: str
    params: Mapping[str, Any] = field(default_factory=dict)
    steps: int = 200
    eta: float | str = 0.5
    batch: int = 1000
    seed: int = 20261123

    def __post_init__(self) -> None:
        if not isinstance(self.label, str):
            raise TypeError(f"`label` must be a string, got {self.label!r}.")
        if not isinstance(self.family, str) or self.family not in LS_FAMILIES:
            raise ValueError(
                f"`family` must be one of {sorted(LS_FAMILIES)}, got {self.family!r}."
            )
        if not isinstance(self.params, Mapping):
            raise TypeError(f"`params` must be a mapping, got {self.params!r}.")
        set_ = object.__setattr__
        set_(self, "steps", check_int(self.steps, "steps", minimum=0, maximum=10**9))
        set_(self, "batch", check_int(self.batch, "batch", minimum=1))
        set_(self, "seed", check_int(self.seed, "seed", minimum=0))
        if isinstance(self.eta, str):
            if self.eta != "optimal":
                raise ValueError(f"`eta` must be a positive number or 'optimal', got {self.eta!r}.")
        else:
            set_(self, "eta", check_positive(self.eta, "eta"))
        # Draws nothing: the sampler's own checks of the parameters and sizes, now.
        check_family_params(self.family, self.batch, dict(self.params))

    @property
    def name(self) -> str:
        return f"{self.label} (K={self.steps})"

    @property
    def grid_name(self) -> str:
        return f"x* of {self.batch} problems"

    @cached_property
    def problems(self) -> LeastSquaresBatch:
        """The seeded batch (drawn on first access, then kept)."""
        return sample(self.family, self.batch, seed=self.seed, **dict(self.params))

    def truth(self) -> NDArray[np.float64]:
        return self.problems.x_star.ravel()

