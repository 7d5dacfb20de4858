r"""The error decomposition, the common language of the four tracks.

For a learned approximation :math:`u_{learned}` of a truth :math:`u`, on an evaluation
grid,

.. math::

    u - u_{learned} = \underbrace{(u - u_{best})}_{\text{representation}}
                    + \underbrace{(u_{best} - u_{disc})}_{\text{conditioning/discretization}}
                    + \underbrace{(u_{disc} - u_{learned})}_{\text{optimization}} .

The three terms telescope, so their vector sum is the total error exactly; in floating
point it is the total up to a few rounding errors, which :class:`ErrorDecomposition`
checks.  Each term is reported as a norm next to the predicted conditioning floor
:math:`\kappa\,\varepsilon`.  What ``u_best`` and ``u_disc`` are depends on the track
(one builder per track, each documenting its choice); :func:`interpolation_decomposition`
fixes them for interpolation: ``u_best`` is the interpolant of the true function at
the nodes (exact arithmetic), ``u_disc`` the float64 interpolant.  The distillation
track's builder, whose ``u_best`` is only bounded (by a Hankel singular value), is
:func:`numlearn.precision.distillation.distillation_decomposition`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import (
    as_float_array,
    check_choice,
    check_positive,
    result_dtype,
)
from numlearn.precision.certify import OracleResult

__all__ = [
    "NORMS",
    "TERMS",
    "ErrorDecomposition",
    "collocation_decomposition",
    "interpolation_decomposition",
]

TERMS = ("representation", "conditioning", "optimization")
"""The term names, in order."""

_FORMULAS = {
    "representation": "u - u_best",
    "conditioning": "u_best - u_disc",
    "optimization": "u_disc - u_learned",
}
_DEFAULT_LABELS = {
    "representation": "representation",
    "conditioning": "conditioning/discretization",
    "optimization": "optimization",
}

NORMS = {
    "rel_l2": "relative L2, ||e||_2 / ||u||_2",
    "rmse": "RMSE, sqrt(mean |e|^2)",
    "max": "max abs, max |e|",
}
"""The norms a decomposition can be reported in."""

# The telescoping check allows this many eps per unit of |u|+|u_best|+|u_disc|+|u_learned|:
# four subtractions and two additions, each off by at most eps/2 of its magnitude, give
# at most 3 eps (to first order); 4 leaves room for the second-order terms.
_TELESCOPE_EPS = 4.0


def collocation_decomposition(
    u: ArrayLike,
    *,
    u_best: ArrayLike,
    u_disc: ArrayLike,
    u_learned: ArrayLike | None = None,
    grid_name: str,
    cond: float | None = None,
    cond_of: str = "A",
    norm: str = "rel_l2",
) -> ErrorDecomposition:
    r"""The error decomposition of a nodal model of a linear PDE (explicit BWLer).

    For a model whose parameters are its values at the nodes (a tensor-product
    interpolant), fitted to the collocation least-squares loss
    :math:`\|Av - b\|_2^2`:

    ========================  =========================================================
    ``u``                      the exact solution on the evaluation grid.
    ``u_best``                 the interpolant of the exact solution's values at the
                               nodes: the best this model class can do.
    ``u_disc``                 the interpolant of the exact minimiser
                               :math:`v^\star = \arg\min\|Av - b\|_2` (computed stably:
                               QR of the row-scaled system, or mpmath for small ones).
    ``u_learned``              the trained model (e.g. an explicit BWLer's nodal values
                               after Adam/NNCG); defaults to ``u_disc``.
    ========================  =========================================================

    so that representation = :math:`u - u_{best}` (interpolation error of the truth),
    conditioning = :math:`u_{best} - u_{disc}` (the discretisation's consistency
    defect, amplified by :math:`\kappa(A)`, plus the rounding of the solve, whose
    floor is :math:`\kappa(A)\,\varepsilon`), optimization = :math:`u_{disc} -
    u_{learned}` (how far training stopped from the discrete optimum).

    The arrays come from the caller (this layer knows no solver); the classical side
    builds them in :meth:`numlearn.classical.spectral.CollocationSystem.decomposition`.
    Cost O(N) for N grid points.

    Parameters
    ----------
    u, u_best, u_disc : array_like
        Values on the evaluation grid, same shape.
    u_learned : array_like, optional
        A learned model's values on the same grid.
    grid_name : str
        Which grid (printed with every number).
    cond : float, optional
        2-norm condition number of the (weighted) collocation matrix; the floor
        ``cond * eps`` is reported next to the conditioning term.
    cond_of : str, default "A"
        Which matrix ``cond`` belongs to (e.g. ``"A row-equilibrated"``), for the label.
    norm : {"rel_l2", "rmse", "max"}

    Returns
    -------
    ErrorDecomposition

    References
    ----------
    .. [1] J. Liu et al., "BWLer: Barycentric Weight Layer Elucidates a
       Precision-Conditioning Tradeoff for PINNs", arXiv:2506.23024, 2025.
    """
    if not isinstance(cond_of, str):
        raise TypeError(f"`cond_of` must be a string (which matrix `cond` belongs to), got "
                        f"{type(cond_of).__name__} {cond_of!r}.")
    learned = u_disc if u_learned is None else u_learned
    labels = {
        "representation": "interpolation of the truth at the nodes",
        "conditioning": f"discrete minimiser vs nodal truth (cond of {cond_of})",
        "optimization": "training (discrete minimiser - learned)"
        if u_learned is not None else "none (exact minimiser)",
    }
    return ErrorDecomposition(
        u, u_best, u_disc, learned,
        grid_name=grid_name, cond=cond, norm=norm, labels=labels,
    )


def _exact_or_array(a: Any, name: str) -> Any:
    """``a`` itself, or an oracle result's float64 ``values`` where the exact values go
    (``u``, ``u_best``); an oracle result where a float64 computation goes is refused."""
    if not isinstance(a, OracleResult):
        return a
    if name in ("u", "u_best"):
        return a.values
    raise TypeError(
        f"`{name}` is an OracleResult (exact values), but `{name}` is the float64 "
        "computation (u_disc: the classical kernel, u_learned: the model). The oracle's "
        "result goes in `u` (the truth) or `u_best` (the exact interpolant)."
    )


def _norm(e: NDArray[Any], kind: str, scale: float) -> float:
    """``e`` in the norm ``kind``; ``scale`` is ``||u||_2`` (only used by rel_l2)."""
    a = np.abs(e).ravel()
    s = float(np.max(a)) if a.size else 0.0
    if s == 0.0:
        return 0.0
    if kind == "max":
        return s
    rms = s * float(np.sqrt(np.mean((a / s) ** 2)))
    if kind == "rmse":
        return rms
    return rms * float(np.sqrt(a.size)) / scale


class ErrorDecomposition:
    r"""Representation + conditioning + optimization = total error, on a named grid.

    Parameters
    ----------
    u : array_like or OracleResult
        The truth on the evaluation grid; an oracle result
        (:func:`~numlearn.precision.mp_evaluate`) stands for its ``values``.
    u_best : array_like or OracleResult
        The best the model class can do (e.g. the exact interpolant of the truth, an
        oracle result of :func:`~numlearn.precision.mp_barycentric`).
    u_disc : array_like
        The exact solution of the discrete problem (e.g. the exact least-squares
        minimiser, or the float64 classical computation).
    u_learned : array_like
        The learned (or computed) approximation.  An oracle result as ``u_disc`` or
        ``u_learned`` is refused (`TypeError`): they are float64 computations.
    grid_name : str
        Which grid the arrays live on; it is printed with every number.
    cond : float, optional
        Condition number of the discrete problem; the predicted floor
        ``cond * eps`` (relative) is reported next to the conditioning term.
    norm : {"rel_l2", "rmse", "max"}, default "rel_l2"
        How each term (and the floor) is measured: relative L2 (divided by
        ``||u||_2``), RMSE, or max abs.
    labels : dict, optional
        Track-specific labels for the terms, e.g.
        ``{"conditioning": "rounding of the float64 kernel"}``; keys from
        :data:`TERMS`, missing ones keep the generic label.

    Attributes
    ----------
    representation, conditioning, optimization, total : float
        The three terms and the total error in the chosen norm.
    terms : dict of str to float
        The three terms by name, in order.
    term_arrays : dict of str to ndarray
        The term vectors ``u - u_best``, ``u_best - u_disc``, ``u_disc - u_learned``.
    residual : float
        The telescoping residual ``(sum of the three term vectors) - (u - u_learned)``
        in the chosen norm (rounding only).
    telescopes : bool
        Whether every entry of that residual is within ``4 eps`` times
        ``|u| + |u_best| + |u_disc| + |u_learned|`` (3 eps is the rounding bound of
        the six operations involved).  False signals inf/overflow or inconsistent input.
    eps : float
        Machine epsilon of the arrays' common dtype.
    floor : float or None
        ``cond * eps`` expressed in the chosen norm (times ``rms(u)`` or ``max|u|``
        for the absolute norms); None without ``cond``.

    Notes
    -----
    Cost O(N) for N grid points; the term arrays are kept.

    Examples
    --------
    >>> import numpy as np
    >>> u = np.array([1.0, 2.0])
    >>> d = ErrorDecomposition(u, u + 1e-3, u + 1e-3, u + 1.5e-3, grid_name="two points")
    >>> round(d.total / d.representation, 12), d.conditioning, d.dominant
    (1.5, 0.0, 'representation')
    """

    def __init__(
        self,
        u: ArrayLike,
        u_best: ArrayLike,
        u_disc: ArrayLike,
        u_learned: ArrayLike,
        *,
        grid_name: str,
        cond: float | None = None,
        norm: str = "rel_l2",
        labels: dict[str, str] | None = None,
    ) -> None:
        if not isinstance(grid_name, str) or not grid_name:
            raise TypeError(f"`grid_name` must be a non-empty string, got {grid_name!r}.")
        check_choice(norm, "norm", sorted(NORMS))
        names = ("u", "u_best", "u_disc", "u_learned")
        arrs = [as_float_array(_exact_or_array(a, n), n)
                for a, n in zip((u, u_best, u_disc, u_learned), names, strict=True)]
        for a, n in zip(arrs[1:], names[1:], strict=True):
            if a.shape != arrs[0].shape:
                raise ValueError(
                    f"`{n}` must have the shape of `u`, {arrs[0].shape}, got {a.shape}; "
                    "evaluate all four on the same grid."
                )
        labels = dict(labels or {})
        unknown = set(labels) - set(TERMS)
        if unknown:
            raise ValueError(f"`labels` keys must be among {TERMS}, got {sorted(unknown)}.")
        if cond is not None:
            cond = check_positive(cond, "cond")  # refuses strings and bools (item 15)
            if not cond >= 1.0:
                raise ValueError(f"`cond` must be a condition number >= 1, got {cond}.")

        dt = result_dtype(*arrs)
        u_, ub, ud, ul = (a.astype(dt, copy=False) for a in arrs)
        self.grid_name = grid_name
        self.norm = norm
        self.cond = cond
        self.n_points = int(u_.size)
        self.eps = float(np.finfo(dt).eps)
        self.labels = {t: labels.get(t, _DEFAULT_LABELS[t]) for t in TERMS}
        # Overflow (inf - inf) is not an error here: it shows up as telescopes=False.
        with np.errstate(over="ignore", invalid="ignore"):
            self.term_arrays = {
                "representation": u_ - ub,
                "conditioning": ub - ud,
                "optimization": ud - ul,
            }
            total_vec = u_ - ul
            u_abs = np.abs(u_).ravel()
            u_max = float(np.max(u_abs))
            u_l2 = _norm(u_, "rmse", 1.0) * float(np.sqrt(u_.size))
            if norm == "rel_l2" and u_l2 == 0.0:
                raise ValueError(
                    "`u` is identically zero, so relative errors are undefined; "
                    "use norm='rmse' or norm='max'."
                )
            self.terms = {t: _norm(v, norm, u_l2) for t, v in self.term_arrays.items()}
            self.total = _norm(total_vec, norm, u_l2)

            t = self.term_arrays
            resid = (t["representation"] + t["conditioning"] + t["optimization"]) - total_vec
            magnitude = np.abs(u_) + np.abs(ub) + np.abs(ud) + np.abs(ul)
            self.telescopes = bool(
                np.all(np.abs(resid) <= _TELESCOPE_EPS * self.eps * magnitude)
            )
            self.residual = _norm(resid, norm, u_l2)

        if cond is None:
            self.floor: float | None = None
        else:
            unit = {"rel_l2": 1.0, "rmse": u_l2 / np.sqrt(u_.size), "max": u_max}[norm]
            self.floor = cond * self.eps * float(unit)

    @property
    def representation(self) -> float:
        """``u - u_best`` in the chosen norm."""
        return self.terms["representation"]

    @property
    def conditioning(self) -> float:
        """``u_best - u_disc`` in the chosen norm."""
        return self.terms["conditioning"]

    @property
    def optimization(self) -> float:
        """``u_disc - u_learned`` in the chosen norm."""
        return self.terms["optimization"]

    @property
    def dominant(self) -> str:
        """Name of the largest term."""
        return max(TERMS, key=lambda t: self.terms[t])

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (Python scalars and strings only)."""
        return {
            "grid": self.grid_name,
            "n_points": self.n_points,
            "norm": self.norm,
            "terms": {
                t: {"formula": _FORMULAS[t], "label": self.labels[t], "value": self.terms[t]}
                for t in TERMS
            },
            "total": self.total,
            "dominant": self.dominant,
            "telescoping_residual": self.residual,
            "telescopes": self.telescopes,
            "cond": self.cond,
            "eps": self.eps,
            "conditioning_floor": self.floor,
        }

    def __str__(self) -> str:
        w = max(len(lbl) for lbl in self.labels.values())
        lines = [
            f"Error decomposition on {self.grid_name} ({self.n_points} points; "
            f"norm: {NORMS[self.norm]})",
        ]
        for t in TERMS:
            lines.append(
                f"  {t:<15} {_FORMULAS[t]:<19} {self.labels[t]:<{w}}  {self.terms[t]:.3e}"
            )
        lines.append("  " + "-" * (15 + 1 + 19 + 1 + w + 2 + 9))
        lines.append(f"  {'total':<15} {'u - u_learned':<19} {'':<{w}}  {self.total:.3e}")
        ok = "ok" if self.telescopes else "FAILED: inf/NaN or inconsistent input?"
        lines.append(f"  telescoping residual {self.residual:.1e} ({ok})")
        if self.floor is not None:
            lines.append(
                f"  conditioning floor cond*eps = {self.cond:.3g} * {self.eps:.3g} "
                f"-> {self.floor:.3e} in this norm"
            )
        lines.append(f"  dominant term: {self.dominant}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        inner = ", ".join(f"{t}={self.terms[t]:.3e}" for t in TERMS)
        return (
            f"ErrorDecomposition({inner}, total={self.total:.3e}, norm={self.norm!r}, "
            f"grid_name={self.grid_name!r})"
        )


def interpolation_decomposition(
    u: ArrayLike,
    *,
    u_best: ArrayLike,
    u_disc: ArrayLike,
    u_learned: ArrayLike | None = None,
    grid_name: str,
    cond: float | None = None,
    norm: str = "rel_l2",
) -> ErrorDecomposition:
    r"""The error decomposition of an interpolant (the interpolation track's builder).

    The three arrays, on the evaluation grid:

    ==============  =================================================================
    ``u``           the target at the grid points, correctly rounded
                    (e.g. :func:`numlearn.precision.mp_evaluate`).
    ``u_best``      the interpolant of the true function at the nodes, in exact
                    arithmetic: the node values (float64) through the barycentric
                    formula evaluated in mpmath
                    (:func:`numlearn.precision.mp_barycentric`).
    ``u_disc``      the same interpolant computed by the float64 kernel.  For
                    interpolation the discrete problem is solved exactly by the node
                    values, so this differs from ``u_best`` by rounding only.
    ``u_learned``   the trained model (e.g. an explicit BWLer fitted to the node
                    values); defaults to ``u_disc`` (the classical method itself).
    ==============  =================================================================

    so that

    - representation = interpolation error of the exact function (exact arithmetic;
      it contains the rounding of the node values to float64, at most
      ``Lambda_N * eps``);
    - conditioning = rounding of the float64 kernel.  Higham's bound for the second
      barycentric formula is about ``(3n + 4) * Lambda_N * eps`` (relative to
      ``max |f|``), so pass the Lebesgue constant ``Lambda_N`` as ``cond`` to see the
      floor ``cond * eps``;
    - optimization = how far the learned model is from the float64 interpolant (zero
      for the classical method itself).

    Parameters
    ----------
    u, u_best, u_disc : array_like
        Values on the evaluation grid, same shape, in the order of
        :class:`ErrorDecomposition`'s arguments; keyword-only after ``u``, so the
        terms cannot be swapped by position (a positional call is a `TypeError`).
        ``u`` and ``u_best`` may be the oracle's results themselves
        (:class:`~numlearn.precision.OracleResult` of
        :func:`~numlearn.precision.mp_evaluate` and
        :func:`~numlearn.precision.mp_barycentric`): their ``values`` are used.
    u_learned : array_like, optional
        Values of a learned model on the same grid.
    grid_name, cond, norm
        As in :class:`ErrorDecomposition`.

    Examples
    --------
    >>> import mpmath
    >>> import numpy as np
    >>> from numlearn.classical import barycentric_eval, chebyshev_points
    >>> from numlearn.classical import chebyshev_weights
    >>> from numlearn.precision import mp_barycentric, mp_evaluate
    >>> nodes, w = chebyshev_points(12), chebyshev_weights(12)
    >>> x = np.linspace(-0.9, 0.9, 7)
    >>> d = interpolation_decomposition(
    ...     mp_evaluate(mpmath.exp, x),
    ...     u_best=mp_barycentric(x, nodes, w, np.exp(nodes)),
    ...     u_disc=barycentric_eval(nodes, w, np.exp(nodes), x),
    ...     grid_name="7 points")
    >>> d.dominant
    'representation'


    Returns
    -------
    ErrorDecomposition

    References
    ----------
    .. [1] N. J. Higham, "The numerical stability of barycentric Lagrange
       interpolation", IMA J. Numer. Anal. 24, 547-556, 2004.
    """
    learned = u_disc if u_learned is None else u_learned
    labels = {
        "representation": "interpolation error (exact arithmetic)",
        "conditioning": "rounding of the float64 kernel",
        "optimization": "training (float64 interpolant - learned)"
        if u_learned is not None else "none (classical interpolant)",
    }
    return ErrorDecomposition(
        u, u_best, u_disc, learned,
        grid_name=grid_name, cond=cond, norm=norm, labels=labels,
    )


def least_squares_decomposition(
    x_star: ArrayLike,
    *,
    x_disc: ArrayLike,
    x_learned: ArrayLike,
    cond: ArrayLike | None = None,
) -> dict[str, NDArray[np.float64]]:
    r"""The least-squares track's decomposition, per problem, relative to ``||x*||``.

    For least squares ``u = u_best = x*`` (the exact solution, from the mpmath oracle
    or the drawn solution), ``u_disc`` = the classical gradient-descent iterate after
    the same number of steps, ``u_learned`` = the learned iterate, so the
    representation term is zero and

    .. math::

        x^\star - x_{learned} = \underbrace{(x^\star - x_{disc})}_{\text{conditioning
        /algorithmic}} + \underbrace{(x_{disc} - x_{learned})}_{\text{optimization}}:

    how far classical GD still is after ``k`` steps (``<~ rho^k ||x0 - x*||``, down
    to the conditioning floor), and how far the learned iterate strayed from it.

    Parameters
    ----------
    x_star, x_disc, x_learned : array_like, shape (B, d)
        Truth, classical iterate, learned iterate (float64).
    cond : array_like, shape (B,), optional
        ``cond(A)`` per problem; gives the ``floor`` ``cond * eps``.

    Returns
    -------
    dict of str to ndarray of shape (B,)
        The 2-norms ``total`` ``||x* - x_learned||``, ``conditioning``
        ``||x* - x_disc||``, ``optimization`` ``||x_disc - x_learned||`` (inf/NaN where
        an iterate diverged), ``norm`` ``||x*||``, the same three divided by ``||x*||``
        (``rel_total``, ``rel_conditioning``, ``rel_optimization``), and ``floor``
        (``cond * eps``, relative) when ``cond`` is given.
    """
    xs = as_float_array(x_star, "x_star", ndim=2, allow_complex=False)
    xd = as_float_array(x_disc, "x_disc", ndim=2, allow_complex=False, finite=False)
    xl = as_float_array(x_learned, "x_learned", ndim=2, allow_complex=False, finite=False)
    if not xs.shape == xd.shape == xl.shape:
        raise ValueError(f"`x_star`, `x_disc`, `x_learned` must have one shape (B, d), got "
                         f"{xs.shape}, {xd.shape}, {xl.shape}.")
    nx = np.linalg.norm(xs, axis=1)
    out = {
        "total": np.linalg.norm(xl - xs, axis=1),
        "conditioning": np.linalg.norm(xd - xs, axis=1),
        "optimization": np.linalg.norm(xl - xd, axis=1),
        "norm": nx,
    }
    for term in ("total", "conditioning", "optimization"):
        out[f"rel_{term}"] = out[term] / nx
    if cond is not None:
        from numlearn._core.validation import EPS

        out["floor"] = np.asarray(cond, dtype=np.float64) * EPS
    return out
