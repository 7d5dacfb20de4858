"""Conditioning of batched least-squares problems and the warnings the least-squares
solvers share (see :mod:`numlearn.classical.least_squares`).

The singular values, condition numbers and ranks come from
:func:`numlearn.precision.svd_conditioning` (one batched exact SVD, shared with the
oracle :func:`numlearn.precision.mp_lstsq`); this module adds the gradient-descent
constants.  For one large system use the condition number of its pivoted-QR factor
(:func:`numlearn.classical.linalg.qr_lstsq`) or a 1-norm estimate
(:func:`numlearn.classical.linalg.inverse_norm1_estimate`) instead.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import (
    EPS,
    IllConditionedWarning,
    as_lstsq_batch,
    warn_ill_conditioned,
)
from numlearn.precision.mp_linalg import _svd_conditioning

__all__ = ["Conditioning", "RankDeficientWarning", "conditioning", "gd_conditioning"]

# Above 1/sqrt(eps) ~ 6.7e7, cond(A^T A) = cond(A)^2 exceeds 1/eps: the normal
# equations, and gradient descent with them, lose every digit, and the kappa^2 term of
# the least-squares bound can reach O(1) for inconsistent problems.
ILL_CONDITIONED = 1.0 / math.sqrt(EPS)
_LIST = 5  # offending problems named in a message


class RankDeficientWarning(IllConditionedWarning):
    """``A`` is (numerically) rank deficient; the message gives the estimated rank.

    The references then return the minimum-norm least-squares solution (truncated
    SVD); gradient descent converges to the solution nearest to ``x0``.
    """


def _first(mask: NDArray[np.bool_]) -> list[int]:
    return np.flatnonzero(mask)[:_LIST].tolist()


_LAYOUTS = {"b": "the right-hand sides, shape (n,) or (B, n)",
            "x0": "the start points, shape (d,) or (B, d)"}


def _require_arrays(**arrays: Any) -> None:
    """Raise `TypeError` naming the first required array argument that is ``None``."""
    for name, v in arrays.items():
        if v is None:
            layout = _LAYOUTS.get(name, "an array")
            raise TypeError(f"`{name}` is required ({layout}), got None.")


# ---------------------------------------------------------------------- conditioning


@dataclass(frozen=True)
class Conditioning:
    r"""Conditioning of batched least-squares problems; arrays of shape ``(B,)``.

    Attributes
    ----------
    singular_values : ndarray, shape (B, min(n, d))
        Singular values of ``A``, descending.
    cond : ndarray
        ``cond(A) = s_max / s_min`` (``inf`` when ``n < d`` or ``s_min = 0``).
    L, mu : ndarray
        Extreme eigenvalues of ``H = A^T A / n``: ``s_max^2 / n``, ``s_min^2 / n``.
    step_optimal : ndarray
        ``2 / (L + mu)``, the step minimising GD's contraction factor.
    rate_optimal : ndarray
        The factor it achieves, ``(L - mu) / (L + mu) = (cond^2 - 1) / (cond^2 + 1)``.
    stability_limit : ndarray
        ``2 / L``: GD diverges for larger steps.
    floor : ndarray
        ``cond(A) * eps``, the relative forward error a backward-stable solver can
        guarantee for a consistent system.
    rank : ndarray of int
        Numerical rank: singular values ``> rcond * s_max`` (default
        ``rcond = eps * max(n, d)``, as ``numpy.linalg.matrix_rank``).
    rcond : float
        The relative cutoff used.
    """

    singular_values: NDArray[np.float64]
    cond: NDArray[np.float64]
    L: NDArray[np.float64]
    mu: NDArray[np.float64]
    step_optimal: NDArray[np.float64]
    rate_optimal: NDArray[np.float64]
    stability_limit: NDArray[np.float64]
    floor: NDArray[np.float64]
    rank: NDArray[np.int64]
    rcond: float

    def as_stats(self) -> dict[str, Any]:
        """The per-problem fields as a dict (without the singular values)."""
        return {
            "cond": self.cond, "L": self.L, "mu": self.mu,
            "step_optimal": self.step_optimal, "rate_optimal": self.rate_optimal,
            "stability_limit": self.stability_limit, "floor": self.floor,
            "rank": self.rank,
        }


def _conditioning(Am: NDArray[np.float64], rcond: float | None) -> Conditioning:
    B, n, d = Am.shape
    s, cond, rank, rc = _svd_conditioning(Am, rcond)
    smax = s[:, 0]
    smin = s[:, -1] if n >= d else np.zeros(B)  # n < d: A^T A has d - n zero eigenvalues
    with np.errstate(divide="ignore", invalid="ignore"):
        L = smax**2 / n
        mu = smin**2 / n
        step = 2.0 / (L + mu)
        rate = (L - mu) / (L + mu)
        limit = 2.0 / L
    return Conditioning(s, cond, L, mu, step, rate, limit, cond * EPS, rank, rc)


def conditioning(A: ArrayLike, *, rcond: float | None = None) -> Conditioning:
    r"""Condition number, GD constants and the conditioning floor of each ``A``.

    From the singular values ``s`` of ``A`` (``n x d``):
    ``cond(A) = s_max / s_min``, ``L = s_max^2 / n``, ``mu = s_min^2 / n`` (extreme
    eigenvalues of ``A^T A / n``), the optimal GD step ``2 / (L + mu)``, its rate
    ``(cond^2 - 1) / (cond^2 + 1)``, the stability limit ``2 / L`` and the floor
    ``cond(A) eps``.

    Parameters
    ----------
    A : array_like, shape (B, n, d) or (n, d)
        Matrices (finite, real).
    rcond : float, optional
        Relative singular-value cutoff for the rank, default ``eps * max(n, d)``.

    Returns
    -------
    Conditioning
        Arrays of shape ``(B,)`` (``(1,)`` for a single matrix).

    Warns
    -----
    IllConditionedWarning
        If some ``A`` is rank-deficient (numerical rank below ``d``, by ``rcond``):
        its ``cond`` is huge or inf and ``mu`` about 0, so GD has no linear rate
        there.  Ill-conditioned full-rank matrices are not warned about (the solvers
        do that).

    Notes
    -----
    Cost: one batched SVD, ``O(B n d^2)``.

    References
    ----------
    .. [1] Golub & Van Loan, *Matrix Computations*, 4th ed., sections 5.3 (sensitivity
       of least squares) and 11.3 (steepest descent and its rate).

    Examples
    --------
    >>> c = conditioning(np.diag([3.0, 1.0]))
    >>> float(c.cond[0]), float(c.step_optimal[0])
    (3.0, 0.4)
    """
    Am, _, _, _ = as_lstsq_batch(A)
    c = _conditioning(Am, rcond)
    d = Am.shape[2]
    low = np.flatnonzero(c.rank < d)
    if low.size:
        i = int(low[0])
        warnings.warn(
            f"`A` is rank-deficient in {low.size} of {c.rank.size} problems (problem {i}: "
            f"rank {int(c.rank[i])} < d = {d}, cond = {float(c.cond[i]):.3g}); least "
            "squares has no unique solution there and GD no linear rate.",
            IllConditionedWarning, stacklevel=2)
    return c


def _smallest_nonzero(c: Conditioning) -> NDArray[np.float64]:
    """The smallest singular value counted in the rank (0 where the rank is 0)."""
    r = np.maximum(c.rank, 1) - 1
    s = c.singular_values[np.arange(r.size), r]
    return np.where(c.rank > 0, s, 0.0)


def gd_conditioning(A: ArrayLike, *, caller: str = "gradient_descent",
                    stacklevel: int = 2) -> Conditioning:
    r""":func:`conditioning` with the checks gradient descent needs, for both sides.

    Raises `ValueError` for a zero ``A`` (every ``x`` solves it; there is nothing to
    iterate) and warns, naming ``caller``, for rank-deficient problems
    (:class:`RankDeficientWarning`: GD converges to the solution nearest ``x0``) and
    for ``cond(A) > 1/sqrt(eps)`` (:class:`~numlearn.IllConditionedWarning`).  Used by
    :func:`~numlearn.classical.gradient_descent` and by the learned iterate
    (``numlearn.learned.least_squares.gd_iterate``), so both refuse and warn alike.

    Parameters
    ----------
    A : array_like, shape (B, n, d) or (n, d)
    caller : str
        Named in the messages.
    stacklevel : int
        Of the warnings, counted from the caller of this function (2: its caller's
        caller, as :func:`warnings.warn`).

    Returns
    -------
    Conditioning
    """
    Am, _, _, _ = as_lstsq_batch(A)
    c = _conditioning(Am, None)
    if np.any(c.L == 0):
        i = int(np.flatnonzero(c.L == 0)[0])
        raise ValueError(f"`A` of problem {i} is zero: every x solves it; nothing to iterate.")
    _warn_conditioning(c, Am.shape[2], caller, stacklevel=stacklevel + 1)
    return c


def _warn_conditioning(c: Conditioning, d: int, what: str,
                       stacklevel: int = 3) -> NDArray[np.bool_]:
    """Warn about rank-deficient or ill-conditioned problems; return the deficient mask.

    ``stacklevel`` is that of the rank warning, counted from this function."""
    deficient = c.rank < d
    if deficient.any():
        idx = _first(deficient)
        ranks = ", ".join(f"problem {i}: rank {int(c.rank[i])}" for i in idx)
        warnings.warn(
            f"{what}: `A` is rank deficient (estimated rank < d = {d}) in "
            f"{int(deficient.sum())} of {deficient.size} problems ({ranks}); singular "
            f"values below rcond * s_max = {c.rcond:.1e} * s_max count as zero. The "
            "references return the minimum-norm solution; gradient descent converges "
            "to the least-squares solution nearest `x0` (the minimum-norm one for "
            "x0 = 0), at the rate set by the smallest nonzero singular value.",
            RankDeficientWarning,
            stacklevel=stacklevel,
        )
    full = ~deficient
    if full.any():
        worst = int(np.flatnonzero(full)[np.argmax(c.cond[full])])
        warn_ill_conditioned(
            float(c.cond[worst]), f"{what}: `A` (problem {worst})",
            threshold=ILL_CONDITIONED, stacklevel=stacklevel + 1,
        )
    return deficient

