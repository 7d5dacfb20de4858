"""Conditioning of batched least-squares problems, the input checks the least-squares
solvers share, and their warnings (see :mod:`numlearn.classical.least_squares`)."""

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
    as_float_array,
    warn_ill_conditioned,
)

__all__ = ["Conditioning", "RankDeficientWarning", "conditioning"]

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


# ---------------------------------------------------------------------------- inputs


def _as_batch(
    A: ArrayLike, b: ArrayLike | None = None, x0: ArrayLike | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.float64] | None, bool]:
    """Validate ``A``, ``b``, ``x0``; return float64 C-contiguous batched copies.

    The last value says whether the input was unbatched (``A`` 2-D).
    """
    Am = as_float_array(A, "A", ndim=(2, 3), allow_complex=False)
    single = Am.ndim == 2
    Am = _kernel_array(Am[None] if single else Am)
    B, n, d = Am.shape
    lead = () if single else (B,)
    out: list[NDArray[np.float64] | None] = []
    for name, v, tail in (("b", b, (n,)), ("x0", x0, (d,))):
        if v is None:
            out.append(None)
            continue
        arr = as_float_array(v, name, allow_complex=False)
        if arr.shape != lead + tail:
            layout = "(n,)" if name == "b" else "(d,)"
            if not single:
                layout = "(B, n)" if name == "b" else "(B, d)"
            raise ValueError(
                f"`{name}` must have shape {layout} = {lead + tail} to match `A` of "
                f"shape {Am.shape[1:] if single else Am.shape}, got {arr.shape}. Batched "
                "input is A (B, n, d), b (B, n), x0 (B, d); unbatched (n, d), (n,), (d,)."
            )
        out.append(_kernel_array(arr.reshape((B, *tail))))
    return Am, out[0], out[1], single


def _kernel_array(a: ArrayLike) -> NDArray[np.float64]:
    """float64, C-contiguous, aligned and writeable (copying only if needed).

    One array type for the Numba kernels: read-only or strided input (e.g. the
    read-only views of a :class:`~numlearn.problems.least_squares.LeastSquaresBatch`)
    would otherwise compile, and cache, a separate specialisation each.
    """
    return np.require(a, dtype=np.float64, requirements=["C", "A", "W"])


def _unbatch(value: Any, single: bool) -> Any:
    """Drop the batch axis of arrays (and make 0-d arrays floats) for unbatched input."""
    if not single:
        return value
    if isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == 1:
        v = value[0]
        return v.item() if v.ndim == 0 else v
    return value


def _first(mask: NDArray[np.bool_]) -> list[int]:
    return np.flatnonzero(mask)[:_LIST].tolist()


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
    s = np.linalg.svd(Am, compute_uv=False)
    rc = EPS * max(n, d) if rcond is None else float(rcond)
    if not (math.isfinite(rc) and rc >= 0):
        raise ValueError(f"`rcond` must be finite and >= 0, got {rcond!r}.")
    smax = s[:, 0]
    smin = s[:, -1] if n >= d else np.zeros(B)  # n < d: A^T A has d - n zero eigenvalues
    rank = np.sum(s > rc * smax[:, None], axis=1).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        cond = np.where(smin > 0, smax / np.where(smin > 0, smin, 1.0), np.inf)
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
        Arrays of shape ``(B,)`` (``(1,)`` for a single matrix).  Quiet: the solvers
        warn, this diagnostic does not.

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
    Am, _, _, _ = _as_batch(A)
    return _conditioning(Am, rcond)


def _smallest_nonzero(c: Conditioning) -> NDArray[np.float64]:
    """The smallest singular value counted in the rank (0 where the rank is 0)."""
    r = np.maximum(c.rank, 1) - 1
    s = c.singular_values[np.arange(r.size), r]
    return np.where(c.rank > 0, s, 0.0)


def _warn_conditioning(c: Conditioning, d: int, what: str) -> NDArray[np.bool_]:
    """Warn about rank-deficient or ill-conditioned problems; return the deficient mask."""
    deficient = c.rank < d
    if deficient.any():
        idx = _first(deficient)
        ranks = ", ".join(f"problem {i}: rank {int(c.rank[i])}" for i in idx)
        warnings.warn(
            f"{what}: `A` is rank deficient (estimated rank < d = {d}) in "
            f"{int(deficient.sum())} of {deficient.size} problems ({ranks}); singular "
            f"values below rcond * s_max = {c.rcond:.1e} * s_max count as zero. The "
            "references return the minimum-norm solution; gradient descent converges "
            "to the solution nearest `x0`.",
            RankDeficientWarning,
            stacklevel=3,
        )
    full = ~deficient
    if full.any():
        worst = int(np.flatnonzero(full)[np.argmax(c.cond[full])])
        warn_ill_conditioned(
            float(c.cond[worst]), f"{what}: `A` (problem {worst})",
            threshold=ILL_CONDITIONED, stacklevel=4,
        )
    return deficient

