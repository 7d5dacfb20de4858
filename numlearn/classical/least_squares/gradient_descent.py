r"""Gradient descent for least squares, batched in Numba, and its stability check
(the iteration, its rate and its floor: :mod:`numlearn.classical.least_squares`)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result, Status
from numlearn._core.threads import PAIR_COST, threads_for
from numlearn._core.validation import (
    as_float_array,
    as_kernel_array,
    as_lstsq_batch,
    check_choice,
    check_flag,
    check_int,
    drop_batch_axis,
)
from numlearn.classical import _ls_kernels as _k
from numlearn.classical._limits import check_alloc
from numlearn.classical.least_squares.conditioning import (
    Conditioning,
    _first,
    _require_arrays,
    _smallest_nonzero,
    gd_conditioning,
)
from numlearn.problems.least_squares import LeastSquaresBatch

__all__ = ["check_step_size", "gradient_descent", "gradient_descent_solver"]

_ON_UNSTABLE = ("raise", "warn")

#: Largest ``steps`` of :func:`gradient_descent`: 10**8 steps of the smallest problem
#: already take minutes, and GD reaches its floor in far fewer (module notes).
MAX_STEPS: int = 10**8


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
        Number of iterations, ``0 <= K <= MAX_STEPS`` (``10**8``).
    step_size : "optimal", float or array_like of shape (B,)
        ``"optimal"``: ``2 / (L + mu)`` per problem (needs ``A``'s extreme
        eigenvalues, computed anyway for the stats); a float: the same step for every
        problem (the paper iterates with 0.5); an array: one step per problem.
    history : bool, default True
        Record every iterate: ``history["iterates"]`` of shape ``(B, K + 1, d)``
        (``8 B (K+1) d`` bytes: 80 MB for ``B = 10^4``, ``K = 200``, ``d = 5``; over
        16 GiB is refused before allocating).
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
    TypeError
        ``b`` or ``x0`` is None; a bool or string where a number or flag is due.
    ValueError
        Bad shapes, NaN/inf, ``steps`` outside ``[0, MAX_STEPS]``, a history over
        16 GiB, a non-positive step, a zero matrix, or (with ``on_unstable="raise"``) a
        step at or beyond the stability limit ``2/L``.

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
    _require_arrays(b=b, x0=x0)
    Am, bm, xm, single = as_lstsq_batch(A, b, x0)
    K = check_int(steps, "steps", minimum=0, maximum=MAX_STEPS)
    check_choice(on_unstable, "on_unstable", _ON_UNSTABLE)
    history = check_flag(history, "history")
    B, n, d = Am.shape
    check_alloc((B, K + 1 if history else 1, d), 8, "steps",
                "the iterate history (B, steps + 1, d)" if history else "the iterates")
    c = gd_conditioning(Am, caller="gradient_descent", stacklevel=3)
    eta = _step_sizes(step_size, c, B)
    unstable = check_step_size(eta, c.L, on_unstable=on_unstable, name="step_size")

    # Contraction over the eigenvalues that move: for rank-deficient A the error's
    # null-space component never changes, so the smallest *nonzero* eigenvalue counts.
    mu_move = np.where(c.rank < d, _smallest_nonzero(c) ** 2 / n, c.mu)
    rho = np.maximum(np.abs(1.0 - eta * mu_move), np.abs(1.0 - eta * c.L))
    out = np.empty((B, K + 1 if history else 1, d))
    with threads_for(PAIR_COST["clenshaw"] * 2 * B * K * n * d):  # 2 n d FMAs per step
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
        stats = {k: drop_batch_axis(v, True) for k, v in stats.items()}
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
    if not all(hasattr(problems, k) for k in ("A", "b", "x0")):
        raise TypeError("`problems` must be a LeastSquaresBatch (e.g. from "
                        "numlearn.problems.sample), got "
                        f"{type(problems).__name__} {problems!r:.60}.")
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

    Raises
    ------
    TypeError
        If ``eta`` or ``L`` is not real (bools, strings, complex, None) or ``name`` is
        not a str.
    ValueError
        If ``eta`` is not finite, ``L`` is NaN, their lengths differ, or (with
        ``on_unstable="raise"``) some problem is unstable.
    """
    check_choice(on_unstable, "on_unstable", _ON_UNSTABLE)
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a str (the caller's name of the step argument), "
                        f"got {type(name).__name__} {name!r}.")
    eta = _real_vector(eta, "eta", allow_inf=False)
    L = _real_vector(L, "L", allow_inf=True)
    if eta.shape != L.shape and 1 not in (eta.size, L.size):
        raise ValueError(f"`eta` and `L` must have the same length (one per problem), got "
                         f"{eta.size} and {L.size}.")
    eta, L = np.broadcast_arrays(eta, L)
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


def _real_vector(v: ArrayLike, name: str, *, allow_inf: bool) -> NDArray[np.float64]:
    """``v`` as a 1-D float64 array of real numbers (a scalar -> shape (1,)): bools,
    strings, complex and NaN refused (inf too unless ``allow_inf``)."""
    if np.asarray(v).dtype.kind == "b":
        raise TypeError(f"`{name}` must be real numbers, got bools ({v!r}).")
    arr = as_float_array(v, name, ndim=(0, 1), allow_complex=False, finite=False)
    arr = np.atleast_1d(arr.astype(np.float64))
    bad = np.isnan(arr) if allow_inf else ~np.isfinite(arr)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"`{name}` must be {'non-NaN' if allow_inf else 'finite'}; entry "
                         f"{i} is {arr[i]}.")
    return arr


def _step_sizes(step_size: Any, c: Conditioning, B: int) -> NDArray[np.float64]:
    if isinstance(step_size, str | bytes):
        if step_size != "optimal":
            raise ValueError(
                f"`step_size` must be 'optimal', a positive float or an array of shape "
                f"(B,), got {step_size!r}."
            )
        return as_kernel_array(c.step_optimal)
    if isinstance(step_size, bool | np.bool_) or np.asarray(step_size).dtype == bool:
        raise TypeError(
            f"`step_size` must be 'optimal', a positive float or an array of shape (B,), "
            f"got a bool ({step_size!r})."
        )
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
    return as_kernel_array(eta)
