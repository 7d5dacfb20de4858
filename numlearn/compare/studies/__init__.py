"""Studies: sweeps of a solver over a parameter, one row per run.

- :mod:`~numlearn.compare.studies.spacetime_resolution`: error and condition number of
  space-time collocation against resolution (:func:`resolution_study`).
- :mod:`~numlearn.compare.studies.bwler_tradeoff`: representation, conditioning and
  optimization errors of trained explicit BWLers per optimiser (:func:`bwler_tradeoff`,
  the precision-conditioning tradeoff of the BWLer paper; torch is imported when
  it runs).
- :mod:`~numlearn.compare.studies.mlp_ceiling`: MLPs of growing size against an
  explicit BWLer on 1-D interpolation (:func:`mlp_ceiling_study`).
- :mod:`~numlearn.compare.studies.distill_orders`: classical distillation of filter
  families (unit-circle AAA, ERA, balanced truncation) over the order, beside the
  Hankel-singular-value bounds (:func:`distill_orders`).
"""

from numlearn.compare.studies.bwler_tradeoff import (
    TRADEOFF_OPTIMIZERS,
    bwler_tradeoff,
    format_tradeoff,
    plot_tradeoff,
    tradeoff_phases,
)
from numlearn.compare.studies.distill_orders import (
    STUDY_METHODS,
    STUDY_ORDERS,
    distill_orders,
    distill_orders_report,
    format_distill_orders,
    plot_distill_orders,
)
from numlearn.compare.studies.mlp_ceiling import (
    MLP_CEILING_TARGETS,
    format_mlp_ceiling,
    mlp_ceiling_study,
    plot_mlp_ceiling,
)
from numlearn.compare.studies.spacetime_resolution import resolution_study

__all__ = ["MLP_CEILING_TARGETS", "STUDY_METHODS", "STUDY_ORDERS", "TRADEOFF_OPTIMIZERS",
           "bwler_tradeoff", "distill_orders", "distill_orders_report",
           "format_distill_orders", "format_mlp_ceiling", "format_tradeoff",
           "mlp_ceiling_study", "plot_distill_orders", "plot_mlp_ceiling", "plot_tradeoff",
           "resolution_study", "tradeoff_phases"]
