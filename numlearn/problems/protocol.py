"""What the comparison harness needs of a problem, spoken by the problems themselves.

A problem of any track (an interpolation target at ``n`` nodes, a benchmark PDE, a
family of least-squares problems) has a ``name``, names its evaluation grid, and
returns its truth on that grid; a method maps the problem to values on the same grid
(or a :class:`numlearn.Result` whose ``value`` is those values).  No adapter classes.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from numpy.typing import NDArray

__all__ = ["HarnessProblem", "UnknownProblemError"]


@runtime_checkable
class HarnessProblem(Protocol):
    """A problem the harness (:func:`numlearn.compare.run_comparison`) can score."""

    @property
    def name(self) -> str:
        """Row label, unique within a suite."""
        ...

    @property
    def grid_name(self) -> str:
        """What the evaluation grid is (printed under the table, stored in JSON)."""
        ...

    def truth(self) -> NDArray[Any]:
        """The reference values on the evaluation grid, from an independent oracle."""
        ...


class UnknownProblemError(KeyError, ValueError):
    """An unknown problem or target name: a `KeyError` (a failed registry lookup) and a
    `ValueError` (bad input); the message names the argument and lists the known names."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""
