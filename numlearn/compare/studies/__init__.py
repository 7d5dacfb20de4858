"""Studies: sweeps of a solver over a parameter, one row per run.

- :mod:`~numlearn.compare.studies.spacetime_resolution`: error and condition number of
  space-time collocation against resolution (:func:`resolution_study`).
- :mod:`~numlearn.compare.studies.bwler_tradeoff`: representation, conditioning and
  optimization errors of trained explicit BWLers per optimiser (:func:`bwler_tradeoff`,
  experiment 4 of the BWLer paper; torch is imported when it runs).
"""

from numlearn.compare.studies.bwler_tradeoff import (
    TRADEOFF_OPTIMIZERS,
    bwler_tradeoff,
    format_tradeoff,
    plot_tradeoff,
    tradeoff_phases,
)
from numlearn.compare.studies.spacetime_resolution import resolution_study

__all__ = ["TRADEOFF_OPTIMIZERS", "bwler_tradeoff", "format_tradeoff", "plot_tradeoff",
           "resolution_study", "tradeoff_phases"]
