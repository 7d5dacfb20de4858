"""Studies: sweeps of a solver over a parameter, one row per run.

- :mod:`~numlearn.compare.studies.spacetime_resolution`: error and condition number of
  space-time collocation against resolution (:func:`resolution_study`).
"""

from numlearn.compare.studies.mlp_ceiling import (
    MLP_CEILING_TARGETS,
    format_mlp_ceiling,
    mlp_ceiling_study,
    plot_mlp_ceiling,
)
from numlearn.compare.studies.spacetime_resolution import resolution_study

__all__ = ["MLP_CEILING_TARGETS", "format_mlp_ceiling", "mlp_ceiling_study",
           "plot_mlp_ceiling", "resolution_study"]
