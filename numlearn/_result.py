"""The result object shared by every solver, classical or learned.

A classical reference and its learned counterpart of the same track return the same
type, so that a test or :mod:`numlearn.compare` can swap one for the other
(lineax's ``Solution``: value, result status, stats).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Result:
    """What a solver returns: the value, how it went, and how it got there.

    Parameters
    ----------
    value : Any
        The computed object: an array of values, coefficients, a solution vector, an
        interpolant.
    status : str, default ``"success"``
        ``"success"`` or a short human-readable reason for failure (e.g.
        ``"max_iterations_reached: increase max_iter or loosen tol"``).
    stats : dict
        Scalars describing the run: iteration counts, condition numbers, timings,
        residual norms.  Keys are documented by each solver.
    history : dict
        Per-iteration sequences (e.g. ``{"loss": [...], "coefficient_tail": [...]}``).
    method : str
        Name of the algorithm that produced the result.
    side : str
        ``"classical"`` or ``"learned"``.
    """

    value: Any
    status: str = "success"
    stats: dict[str, Any] = field(default_factory=dict)
    history: dict[str, list[Any]] = field(default_factory=dict)
    method: str = ""
    side: str = "classical"

    @property
    def success(self) -> bool:
        """Whether the solver reports success."""
        return self.status == "success"
