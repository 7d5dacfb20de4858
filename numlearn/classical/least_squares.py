r"""Least squares, classically: gradient descent, exact solves, conditioning.

The classical side of the least-squares track.  The learned counterpart
(:mod:`numlearn.learned`) learns one gradient-descent iterate; this module gives the
iterate itself, the exact solutions it converges to, and the conditioning that
limits both.  All functions are batched: ``A (B, n, d)``, ``b (B, n)``, ``x0 (B, d)``,
or unbatched ``(n, d)``, ``(n,)``, ``(d,)``; they compute in float64 and return a
:class:`numlearn.Result` (``side="classical"``).

The iteration.  Gradient descent on ``f(x) = ||A x - b||^2 / (2 n)``:

.. math::

    x_{k+1} = x_k - \eta\, A^T (A x_k - b) / n ,

whose error ``e_k = x_k - x_{LS}`` obeys ``e_{k+1} = (I - \eta H) e_k`` with
``H = A^T A / n``: with ``mu = lambda_min(H)``, ``L = lambda_max(H)``,

.. math::

    \|e_k\|_2 \le \rho^k \|e_0\|_2, \qquad
    \rho = \max(|1 - \eta \mu|, |1 - \eta L|),

stable iff ``0 < eta < 2 / L``; the step ``eta = 2 / (L + mu)`` minimises ``rho``
to ``(kappa^2 - 1) / (kappa^2 + 1)``, ``kappa = cond(A) = sqrt(L / mu)``.

The floor.  A backward-stable solver computes the exact solution of a problem
perturbed by ``~eps`` relative, so (Golub & Van Loan, section 5.3; Wedin 1973)

.. math::

    \frac{\|x - x_{LS}\|}{\|x_{LS}\|} \lesssim \epsilon \left( \kappa
    + \kappa^2 \frac{\|r\|}{\|A\| \|x_{LS}\|} \right),

which for consistent systems (``r = 0``, the paper's setting) is the *conditioning
floor* ``cond(A) eps`` reported in the stats.  On the paper's distribution
(``n = 20``, ``d = 5``, ``cond(A) ~ 2.2``) it puts the float64 MSE
``||x - x*||^2 / d`` near ``1e-31``.

References
----------
.. [1] J. Liu et al., "Towards Learning High-Precision Least Squares Algorithms with
   Sequence Models", arXiv:2503.12295 (ICLR 2025).
.. [2] G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., Johns Hopkins
   2013, sections 5.3 (least squares, QR, sensitivity) and 11.3 (iterative methods).
.. [3] C. C. Paige and M. A. Saunders, "LSQR: An algorithm for sparse linear
   equations and sparse least squares", ACM TOMS 8(1), 43-71, 1982.
.. [4] A. Björck, *Numerical Methods for Least Squares Problems*, SIAM 1996,
   chapter 2 (iterative refinement of least-squares solutions).
.. [5] T. Ogita, S. M. Rump, S. Oishi, "Accurate sum and dot product", SIAM J. Sci.
   Comput. 26(6), 2005 (the double-double residual).

SciPy/NumPy equivalents: ``numpy.linalg.lstsq`` (LAPACK ``gelsd``),
``scipy.linalg.lstsq``, ``scipy.sparse.linalg.lsqr``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result, Status
from numlearn._core.validation import (
    IllConditionedWarning,
    as_float_array,
    check_int,
    warn_ill_conditioned,
)
from numlearn.classical import _ls_kernels as _k
from numlearn.problems.least_squares import LeastSquaresBatch

__all__ = [
    "Conditioning",
    "RankDeficientWarning",
    "check_step_size",
    "conditioning",
    "gradient_descent",
    "gradient_descent_solver",
    "lstsq_reference",
]

EPS = float(np.finfo(np.float64).eps)
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


# ------------------------------------------------------------------ gradient descent


def gradient_descent(
    A: ArrayLike,
    b: ArrayLike,
    x0: ArrayLike,
    *,
    steps: int,
    step_size: str | float | ArrayLike = "optimal",
    history: bool = True,
    on_unstable: str = "raise",
) -> Result:
    r"""Batched gradient descent for ``min_x ||A x - b||^2 / (2 n)``, in Numba.

    .. math:: x_{k+1} = x_k - \eta\, A^T (A x_k - b) / n, \qquad k = 0, \dots, K-1,

    evaluated per problem in a fixed order: ``r = A x - b`` (row sums over ``j``
    ascending), ``g = A^T r`` (``i`` ascending), ``x <- x - eta * (g * (1/n))``, in
    float64 without fastmath, in parallel over the batch.  The error contracts by
    ``rho = max(|1 - eta mu|, |1 - eta L|)`` per step (module notes) down to the
    rounding floor of about ``cond(A) eps ||x*||``.

    Parameters
    ----------
    A : array_like, shape (B, n, d) or (n, d)
    b : array_like, shape (B, n) or (n,)
    x0 : array_like, shape (B, d) or (d,)
        Start points.
    steps : int
        Number of iterations ``K >= 0``.
    step_size : "optimal", float or array_like of shape (B,)
        ``"optimal"``: ``2 / (L + mu)`` per problem (needs ``A``'s extreme
        eigenvalues, computed anyway for the stats); a float: the same step for every
        problem (the paper iterates with 0.5); an array: one step per problem.
    history : bool, default True
        Record every iterate: ``history["iterates"]`` of shape ``(B, K + 1, d)``
        (``8 B (K+1) d`` bytes: 80 MB for ``B = 10^4``, ``K = 200``, ``d = 5``).
    on_unstable : {"raise", "warn"}
        What to do when ``eta >= 2 / L`` for some problem, where GD does not
        converge (:func:`check_step_size`): ``"raise"`` (default) a ValueError naming
        the offending problems and their limits ``2/L``; ``"warn"`` a RuntimeWarning,
        then run anyway (to measure the divergence, e.g. on the ``cond`` family).

    Returns
    -------
    Result
        ``value``: final iterates ``(B, d)``; ``history``: ``{"iterates": ...}`` when
        asked; ``stats``: ``step_size``, ``L``, ``mu``, ``cond`` (``cond_of``
        ``"A"``), ``contraction`` (``rho``), ``predicted_factor`` (``rho ** K``),
        ``floor`` (``cond(A) eps``), ``stability_limit`` (``2/L``), ``rank``,
        ``unstable`` (mask), ``iterations`` (``K``).
        ``status`` is ``"success"`` unless some problem was unstable or its iterates
        became non-finite.  Unbatched input gives unbatched output (stats as floats).

    Raises
    ------
    ValueError
        Bad shapes, NaN/inf, ``steps < 0``, a non-positive step, a zero matrix, or
        (with ``on_unstable="raise"``) a step at or beyond the stability limit ``2/L``.

    Warns
    -----
    RankDeficientWarning, IllConditionedWarning
        For rank-deficient ``A`` (GD then converges to the solution nearest ``x0``,
        at rate ``max |1 - eta lambda|`` over the nonzero eigenvalues) or
        ``cond(A) > 1/sqrt(eps)``.

    Notes
    -----
    Cost: ``O(B n d^2)`` for the SVD (stats and step) plus ``4 B K n d`` flops,
    ``O(B K d)`` memory with history.  One problem per parallel iteration keeps its
    ``A`` in L1 cache across all ``K`` steps.

    References
    ----------
    .. [1] Liu et al., arXiv:2503.12295: the iterate learned by the sequence models
       is exactly this map (``explicit_gradient`` task, ``g = A^T (A x - b) / n``).
    .. [2] Golub & Van Loan, *Matrix Computations*, 4th ed., section 11.3.

    Examples
    --------
    >>> A = np.array([[2.0, 0.0], [0.0, 1.0]]); b = np.array([2.0, 1.0])
    >>> r = gradient_descent(A, b, np.zeros(2), steps=60)
    >>> np.allclose(r.value, [1.0, 1.0])
    True
    """
    Am, bm, xm, single = _as_batch(A, b, x0)
    assert bm is not None and xm is not None
    K = check_int(steps, "steps", minimum=0)
    if on_unstable not in ("raise", "warn"):
        raise ValueError(f"`on_unstable` must be 'raise' or 'warn', got {on_unstable!r}.")
    B, n, d = Am.shape
    c = _conditioning(Am, None)
    if np.any(c.L == 0):
        i = int(np.flatnonzero(c.L == 0)[0])
        raise ValueError(f"`A` of problem {i} is zero: every x solves it; nothing to iterate.")
    _warn_conditioning(c, d, "gradient_descent")
    eta = _step_sizes(step_size, c, B)
    unstable = check_step_size(eta, c.L, on_unstable=on_unstable, name="step_size")

    # Contraction over the eigenvalues that move: for rank-deficient A the error's
    # null-space component never changes, so the smallest *nonzero* eigenvalue counts.
    mu_move = np.where(c.rank < d, _smallest_nonzero(c) ** 2 / n, c.mu)
    rho = np.maximum(np.abs(1.0 - eta * mu_move), np.abs(1.0 - eta * c.L))
    out = np.empty((B, K + 1 if history else 1, d))
    _k.gd(Am, bm, xm, eta, K, out)
    x = out[:, -1, :].copy()
    hist = out

    status, message = Status.SUCCESS, ""
    finite = np.isfinite(x).all(axis=1)
    if not finite.all():
        status = Status.DIVERGED
        message = (f"{int((~finite).sum())} problems have non-finite iterates "
                  f"(first: {_first(~finite)}); reduce step_size below 2/L")
    elif unstable.any():
        status = Status.UNSTABLE
        message = (f"step_size >= 2/L in {int(unstable.sum())} problems "
                  f"(first: {_first(unstable)}); their iterates do not contract")
    with np.errstate(over="ignore", under="ignore"):
        predicted = rho ** float(K)
    stats: dict[str, Any] = {
        "iterations": K, "step_size": eta, "L": c.L, "mu": c.mu, "cond": c.cond,
        "cond_of": "A", "contraction": rho, "predicted_factor": predicted, "floor": c.floor,
        "stability_limit": c.stability_limit, "rank": c.rank, "unstable": unstable,
    }
    hist_out: dict[str, Any] = {"iterates": hist} if history else {}
    if single:
        x = x[0]
        stats = {k: _unbatch(v, True) for k, v in stats.items()}
        hist_out = {k: v[0] for k, v in hist_out.items()}
    return Result(value=x, status=status, message=message, stats=stats, history=hist_out,
                  method="gradient_descent", side="classical")


def gradient_descent_solver(
    problems: LeastSquaresBatch, steps: int, step_size: str | float | ArrayLike = "optimal",
    *, on_unstable: str = "raise",
) -> Result:
    """:func:`gradient_descent` on a :class:`~numlearn.problems.least_squares.LeastSquaresBatch`
    from its start points ``x0``, with history: the classical
    :class:`~numlearn.problems.least_squares.LeastSquaresSolver`."""
    return gradient_descent(problems.A, problems.b, problems.x0, steps=steps,
                            step_size=step_size, history=True, on_unstable=on_unstable)


def check_step_size(
    eta: ArrayLike, L: ArrayLike, *, on_unstable: str = "raise", name: str = "step_size",
    stacklevel: int = 3,
) -> NDArray[np.bool_]:
    r"""The stability check of gradient descent, for both sides of the track.

    GD's error obeys ``e_{k+1} = (I - eta H) e_k``; its top mode is multiplied by
    ``1 - eta L`` per step.  A problem is *unstable* where ``eta * L >= 2``: beyond
    ``2 / L`` that mode grows, and at ``eta = 2 / L`` exactly
    (``|1 - eta L| = 1``) it does not contract, so GD does not converge either.

    Parameters
    ----------
    eta, L : array_like, shape (B,)
        Step sizes and largest eigenvalues of ``A^T A / n``.
    on_unstable : {"raise", "warn"}
        ``"raise"``: a ValueError naming the first offending problems and their
        limits ``2/L``; ``"warn"``: the same text as a RuntimeWarning.
    name : str
        The caller's name of the step argument, used in the message.

    Returns
    -------
    ndarray of bool, shape (B,)
        The unstable mask (only returned when it is empty or ``on_unstable="warn"``).
    """
    if on_unstable not in ("raise", "warn"):
        raise ValueError(f"`on_unstable` must be 'raise' or 'warn', got {on_unstable!r}.")
    eta = np.asarray(eta, dtype=np.float64)
    L = np.asarray(L, dtype=np.float64)
    unstable = eta * L >= 2.0
    if unstable.any():
        with np.errstate(divide="ignore"):
            limit = 2.0 / L
        listed = ", ".join(
            f"problem {i} (2/L = {limit[i]:.4g}, step {eta[i]:.4g})" for i in _first(unstable)
        )
        msg = (
            f"`{name}` is at or beyond the stability limit 2/L in {int(unstable.sum())} "
            f"of {unstable.size} problems: {listed}. GD does not converge there "
            f"(|1 - eta L| >= 1). Use step_size='optimal' (2/(L+mu)), a step below "
            f"min(2/L) = {float(np.min(limit)):.4g}, or on_unstable='warn' to run anyway."
        )
        if on_unstable == "raise":
            raise ValueError(msg)
        warnings.warn(msg, RuntimeWarning, stacklevel=stacklevel)
    return unstable


def _step_sizes(step_size: Any, c: Conditioning, B: int) -> NDArray[np.float64]:
    if isinstance(step_size, str):
        if step_size != "optimal":
            raise ValueError(
                f"`step_size` must be 'optimal', a positive float or an array of shape "
                f"(B,), got {step_size!r}."
            )
        return _kernel_array(c.step_optimal)
    eta = as_float_array(step_size, "step_size", ndim=(0, 1), allow_complex=False)
    if eta.ndim == 1 and eta.shape != (B,):
        raise ValueError(
            f"`step_size` must be a scalar or have shape (B,) = ({B},), got shape "
            f"{eta.shape}."
        )
    eta = np.broadcast_to(eta.astype(np.float64), (B,))
    if np.any(eta <= 0):
        i = int(np.flatnonzero(eta <= 0)[0])
        raise ValueError(f"`step_size` must be > 0; problem {i} has {eta[i]!r}.")
    return _kernel_array(eta)


# -------------------------------------------------------------------- exact solvers

_METHODS = ("qr", "svd", "lsqr", "qr_refined")


def lstsq_reference(
    A: ArrayLike,
    b: ArrayLike,
    *,
    method: str = "qr",
    rcond: float | None = None,
    iter_lim: int | None = None,
    max_refine: int = 10,
) -> Result:
    r"""Exact least-squares solutions in float64, batched: the references GD is measured by.

    ``x = argmin_x ||A x - b||_2`` for each problem, by

    * ``"qr"``: Householder QR (``numpy.linalg.qr``, LAPACK ``geqrf``),
      ``x = R^{-1} Q^T b``.  Backward stable; error ``<~ eps (kappa + kappa^2 ||r||
      / (||A|| ||x||))``.  ``O(n d^2)`` per problem, batched in NumPy.
    * ``"svd"``: ``numpy.linalg.lstsq`` (LAPACK ``gelsd``, divide-and-conquer SVD),
      one call per problem.
    * ``"lsqr"``: ``scipy.sparse.linalg.lsqr`` (Paige & Saunders 1982) with
      ``atol = btol = conlim = 0`` (run to the rounding level, SciPy's "maximum
      precision" setting) and ``iter_lim`` (default ``10 d + 10``), one call per
      problem; ``stats["istop"]``, ``stats["iterations"]`` record why and when it
      stopped.
    * ``"qr_refined"``: ``"qr"`` followed by iterative refinement
      ``x <- x + (R^T R)^{-1} A^T (b - A x)`` with the normal-equations residual
      evaluated in double-double arithmetic (Dot2): converges (factor
      ``~ kappa^2 eps`` per sweep) to the least-squares solution of the stored data
      to about an ulp, also for inconsistent ``b``.  ``stats["refinements"]``.

    Rank-deficient problems (estimated rank ``< d``; always when ``n < d``) get the
    minimum-norm solution by truncated SVD (``numpy.linalg.lstsq`` with ``rcond``),
    whatever the method, with a :class:`RankDeficientWarning`.

    Parameters
    ----------
    A : array_like, shape (B, n, d) or (n, d)
    b : array_like, shape (B, n) or (n,)
    method : {"qr", "svd", "lsqr", "qr_refined"}
    rcond : float, optional
        Relative singular-value cutoff for the rank, default ``eps * max(n, d)``.
    iter_lim : int, optional
        LSQR iteration limit.
    max_refine : int, default 10
        Maximum refinement sweeps for ``"qr_refined"``.

    Returns
    -------
    Result
        ``value``: ``x`` ``(B, d)``; ``stats``: ``cond`` (``cond_of`` ``"A"``),
        ``rank``, ``rank_deficient`` (mask), ``floor`` (``cond eps``),
        ``residual_norm`` (``residual_norm_of`` ``"||b - A x||_2"``) and the method's
        own entries.  ``method`` is ``"lstsq_<method>"``.

    References
    ----------
    .. [1] Golub & Van Loan, *Matrix Computations*, 4th ed., sections 5.3 (QR
       least squares) and 5.5 (rank deficiency, SVD); Björck 1996, chapter 2
       (iterative refinement).
    .. [2] Paige & Saunders, ACM TOMS 8(1), 1982 (LSQR).

    Examples
    --------
    >>> A = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]); b = np.array([1.0, 2.0, 3.0])
    >>> lstsq_reference(A, b).value.tolist()
    [1.0, 2.0]
    """
    if method not in _METHODS:
        raise ValueError(f"`method` must be one of {_METHODS}, got {method!r}.")
    Am, bm, _, single = _as_batch(A, b)
    assert bm is not None
    B, _, d = Am.shape
    c = _conditioning(Am, rcond)
    deficient = _warn_conditioning(c, d, f"lstsq_reference(method={method!r})")
    full = ~deficient
    x = np.zeros((B, d))
    stats: dict[str, Any] = {}
    status, message = Status.SUCCESS, ""
    if full.any():
        Af, bf = Am[full], bm[full]
        if method in ("qr", "qr_refined"):
            Q, R = np.linalg.qr(Af)
            # R is upper triangular and nonsingular: LU with partial pivoting makes no
            # swaps on it, so numpy's batched solve is plain back substitution.
            xf = np.linalg.solve(R, np.matmul(Q.transpose(0, 2, 1), bf[..., None]))[..., 0]
            if method == "qr_refined":
                xf, sweeps = _refine(Af, bf, xf, R, max_refine)
                counts = np.zeros(B, dtype=np.int64)
                counts[full] = sweeps
                stats["refinements"] = counts
                if np.any(sweeps > max_refine):
                    status = Status.MAX_ITERATIONS
                    message = ("iterative refinement did not converge within max_refine "
                               "sweeps; the problem may be too ill-conditioned (cond^2 eps >~ 1)")
                    counts[full] = np.minimum(sweeps, max_refine)
        elif method == "svd":
            xf = np.stack([np.linalg.lstsq(a, v, rcond=c.rcond)[0]
                           for a, v in zip(Af, bf, strict=True)])
        else:
            xf, istop, itn = _lsqr(Af, bf, 10 * d + 10 if iter_lim is None
                                   else check_int(iter_lim, "iter_lim", minimum=1))
            stats["istop"] = np.zeros(B, dtype=np.int64)
            stats["iterations"] = np.zeros(B, dtype=np.int64)
            stats["istop"][full], stats["iterations"][full] = istop, itn
            if np.any(istop == 7):
                status = Status.MAX_ITERATIONS
                message = ("LSQR stopped at iter_lim before its rounding-level tests; "
                           "increase iter_lim")
        x[full] = xf
    if deficient.any():
        for i in np.flatnonzero(deficient):
            x[i] = np.linalg.lstsq(Am[i], bm[i], rcond=c.rcond)[0]
    res = np.linalg.norm(bm - np.matmul(Am, x[..., None])[..., 0], axis=1)
    stats.update({"cond": c.cond, "cond_of": "A", "rank": c.rank,
                  "rank_deficient": deficient, "floor": c.floor, "residual_norm": res,
                  "residual_norm_of": "||b - A x||_2"})
    if single:
        x = x[0]
        stats = {k: _unbatch(v, True) for k, v in stats.items()}
    return Result(value=x, status=status, message=message, stats=stats,
                  method=f"lstsq_{method}",
                  side="classical")


def _refine(
    A: NDArray[np.float64], b: NDArray[np.float64], x: NDArray[np.float64],
    R: NDArray[np.float64], max_refine: int,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Refine ``x`` with double-double normal residuals until the corrections stop.

    Returns ``x`` and the sweeps per problem (``max_refine + 1`` where not converged).
    """
    max_refine = check_int(max_refine, "max_refine", minimum=0)
    B, _, d = A.shape
    x = x.copy()
    sweeps = np.full(B, max_refine + 1, dtype=np.int64)
    active = np.ones(B, dtype=bool)
    g = np.empty((B, d))
    Rt = R.transpose(0, 2, 1)
    for k in range(max_refine):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        Aa = np.ascontiguousarray(A[idx])
        ga = g[: idx.size]
        _k.normal_residual_dd(Aa, np.ascontiguousarray(b[idx]), np.ascontiguousarray(x[idx]),
                              ga)
        y = np.linalg.solve(Rt[idx], ga[..., None])
        dx = np.linalg.solve(R[idx], y)[..., 0]
        x[idx] += dx
        # Converged once the correction is below an ulp of x: further sweeps would
        # only move x between its two nearest floats.
        small = np.max(np.abs(dx), axis=1) <= EPS * np.max(np.abs(x[idx]), axis=1)
        done = idx[small]
        sweeps[done] = k + 1
        active[done] = False
    return x, sweeps


def _lsqr(
    A: NDArray[np.float64], b: NDArray[np.float64], iter_lim: int
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    from scipy.sparse.linalg import lsqr

    xs, istop, itn = [], [], []
    for a, v in zip(A, b, strict=True):
        out = lsqr(a, v, atol=0.0, btol=0.0, conlim=0.0, iter_lim=iter_lim)
        xs.append(out[0])
        istop.append(out[1])
        itn.append(out[2])
    return np.stack(xs), np.array(istop, dtype=np.int64), np.array(itn, dtype=np.int64)
