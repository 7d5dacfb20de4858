"""The result contract shared by every solver, classical or learned.

A classical reference and its learned counterpart of the same track return the same
type, so that a test or :mod:`numlearn.compare` can swap one for the other (lineax's
``Solution``: value, result status, stats).

* ``status`` is a :class:`Status` member; the member carries the actionable message
  (what went wrong and what to do), ``message`` adds the run's particulars.
* ``stats`` speaks one vocabulary (:data:`STATS_VOCABULARY`): a quantity that two
  solvers share has one key everywhere.  The known aliases (``time_s``, ``steps``,
  ``itn``, ``cond_scaled`` ...) are refused when a :class:`Result` is made.
* ``history`` holds arrays (the first axis runs over iterations or saved times).
* ``side`` is required: ``"classical"`` or ``"learned"``.
"""

from __future__ import annotations

import enum
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

import numpy as np

__all__ = ["STATS_VOCABULARY", "Result", "Status", "check_stats"]


class Status(enum.Enum):
    """How a solve ended.  Each member's :attr:`hint` says what it means and what to do.

    Compare with ``is`` (``result.status is Status.SUCCESS``) or use
    :attr:`Result.success`; the short :attr:`code` is what tables and JSON print.
    """

    SUCCESS = ("success", "")
    MAX_ITERATIONS = (
        "max_iterations",
        "the iteration limit was reached before the stopping test was met; raise the "
        "limit (max_iter, iter_lim, max_refine) or loosen the tolerance",
    )
    UNRESOLVED = (
        "unresolved",
        "the result is not resolved to the requested tolerance at the largest size "
        "allowed; split the domain at a singularity, raise the tolerance to the noise "
        "level, or raise the size limit",
    )
    DIVERGED = (
        "diverged",
        "the iterates became non-finite; reduce the step size (below 2/L for gradient "
        "descent, a smaller dt for time stepping) or check the problem's data",
    )
    UNSTABLE = (
        "unstable",
        "the step size exceeds the stability limit 2/L, so the iterates grow; use a "
        "step size below 2/L",
    )
    RANK_DEFICIENT = (
        "rank_deficient",
        "the system matrix is numerically rank deficient, so the returned value is one "
        "(basic) least-squares solution, not the unique one; add rows (collocation "
        "points, initial or boundary conditions) or remove unknowns",
    )
    LINE_SEARCH_FAILED = (
        "line_search_failed",
        "no decrease of the residual along the search direction; start closer to the "
        "solution (continuation in the parameter) or raise the resolution",
    )
    TARGET_NOT_REACHED = (
        "target_not_reached",
        "training ended above its target error; train longer (more steps or polishing "
        "iterations) or use a larger model",
    )
    STOPPED_BY_CALLBACK = (
        "stopped_by_callback",
        "the callback asked to stop; the value is the state at that point",
    )
    NOT_APPLICABLE = (
        "not_applicable",
        "the method does not apply to this problem; the value carries no error",
    )

    def __init__(self, code: str, hint: str) -> None:
        self.code = code
        self.hint = hint

    def __str__(self) -> str:
        return self.code

    @classmethod
    def from_code(cls, code: str) -> Status:
        """The member whose :attr:`code` is ``code`` (as stored in a checkpoint)."""
        for member in cls:
            if member.code == code:
                return member
        known = ", ".join(m.code for m in cls)
        raise ValueError(f"unknown status code {code!r}; known codes: {known}.")


#: The stats vocabulary.  A solver documents which keys it fills; a quantity named
#: here has this key and this meaning in every solver.
STATS_VOCABULARY: dict[str, str] = {
    "seconds": "wall-clock time of the solve in seconds (time.perf_counter)",
    "iterations": "iterations performed (gradient-descent steps, Newton or LSQR "
    "iterations, time steps, optimiser steps)",
    "cond": "2-norm condition number of the matrix named in `cond_of`",
    "cond_of": "which matrix `cond` is the condition number of (e.g. 'A', "
    "'A row-scaled', 'the Jacobian at the solution')",
    "residual_norm": "norm of the residual named in `residual_norm_of`",
    "residual_norm_of": "which residual and which norm (e.g. '||b - Ax||_2')",
    "rank": "numerical rank of the system matrix",
    "floor": "predicted error floor cond * eps",
}

#: Keys that name a vocabulary quantity under another name; refused by check_stats.
_ALIASES: dict[str, str] = {
    "time": "seconds",
    "time_s": "seconds",
    "elapsed": "seconds",
    "steps": "iterations",
    "itn": "iterations",
    "iters": "iterations",
    "n_iter": "iterations",
    "newton_iterations": "iterations",
    "cond_scaled": "cond (with cond_of)",
    "cond_preconditioned": "cond (with cond_of)",
    "condition_number": "cond (with cond_of)",
}


def check_stats(stats: dict[str, Any]) -> None:
    """Raise `ValueError` if ``stats`` uses an alias of a vocabulary key.

    ``cond`` must come with ``cond_of`` and ``residual_norm`` with
    ``residual_norm_of``, so that a reader knows what was measured.
    """
    for key in stats:
        if key in _ALIASES:
            raise ValueError(
                f"stats key {key!r} is an alias; use {_ALIASES[key]!r} "
                "(numlearn.STATS_VOCABULARY lists the shared keys)."
            )
    for key, partner in (("cond", "cond_of"), ("residual_norm", "residual_norm_of")):
        if key in stats and partner not in stats:
            raise ValueError(
                f"stats key {key!r} needs {partner!r} saying what it was measured on."
            )


@dataclass
class Result:
    """What a solver returns: the value, how it went, and how it got there.

    Parameters
    ----------
    value : Any
        The computed object: an array of values, coefficients, a solution vector, an
        interpolant, a trained model.
    side : {"classical", "learned"}
        Which side of the comparison produced it (required).
    status : Status, default ``Status.SUCCESS``
        How the solve ended; the member carries the actionable message.
    message : str, default ""
        The particulars of this run (where it failed, how many problems diverged).
    stats : dict
        Scalars (or per-problem arrays) describing the run, in the vocabulary of
        :data:`STATS_VOCABULARY` plus keys each solver documents.
    history : dict of str to ndarray
        Per-iteration sequences (e.g. ``{"loss": array([...])}``); lists are
        converted to arrays.
    method : str
        Name of the algorithm that produced the result.
    """

    value: Any
    _: KW_ONLY
    side: str
    status: Status = Status.SUCCESS
    message: str = ""
    stats: dict[str, Any] = field(default_factory=dict)
    history: dict[str, np.ndarray] = field(default_factory=dict)
    method: str = ""

    def __post_init__(self) -> None:
        if self.side not in ("classical", "learned"):
            raise ValueError(f"`side` must be 'classical' or 'learned', got {self.side!r}.")
        if not isinstance(self.status, Status):
            raise TypeError(
                f"`status` must be a numlearn.Status member, got {self.status!r}; put "
                "the particulars in `message`."
            )
        check_stats(self.stats)
        self.history = {k: np.asarray(v) for k, v in self.history.items()}

    @property
    def success(self) -> bool:
        """Whether the solver reports success."""
        return self.status is Status.SUCCESS

    @property
    def explanation(self) -> str:
        """``message`` and the status's hint, for a warning or a table footnote."""
        parts = [p for p in (self.message, self.status.hint) if p]
        return f"{self.status.code}: " + "; ".join(parts) if parts else self.status.code
