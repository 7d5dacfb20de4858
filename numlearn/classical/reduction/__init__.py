"""Model-order reduction of long convolutions.

- :mod:`~numlearn.classical.reduction.modal`: :class:`ModalSSM` (poles, residues,
  feedthrough; impulse and frequency response, the recurrence, prefill by FFT, the
  engine form), :func:`fit_residues` and :func:`filter_errors`.
- :mod:`~numlearn.classical.reduction.companion`: the companion (transfer-function)
  form and the prefill through its FFT.
- :mod:`~numlearn.classical.reduction.hankel`: Hankel singular values of a filter
  (dense, or by FFT matrix-vector products for long filters) and the AAK and
  balanced-truncation bounds.
- :mod:`~numlearn.classical.reduction.era`: ERA / Kung realisation.
- :mod:`~numlearn.classical.reduction.balanced`: balanced truncation of a modal model
  from its closed-form Gramians.
- :mod:`~numlearn.classical.reduction.prony`: Prony's linear prediction (a baseline).
- :mod:`~numlearn.classical.reduction.unit_circle`: AAA on the unit circle for filters
  (stable poles, conjugate symmetry, least-squares residues), returning a
  :class:`ModalSSM`.
- :mod:`~numlearn.classical.reduction.distill`: a filter bank into order-``d`` modal
  models by unit-circle AAA, ERA or balanced truncation, with the errors and the Hankel
  bounds per filter.
"""

from numlearn.classical.reduction.balanced import balanced_truncation, modal_gramians
from numlearn.classical.reduction.companion import (
    from_companion,
    prefill_companion,
    to_companion,
)
from numlearn.classical.reduction.distill import DISTILL_METHODS, distill, distill_bounds
from numlearn.classical.reduction.era import era
from numlearn.classical.reduction.hankel import (
    HankelOperator,
    hankel_bounds,
    hankel_singular_values,
)
from numlearn.classical.reduction.modal import (
    ModalSSM,
    UnstablePolesWarning,
    engine_step,
    filter_errors,
    fit_residues,
)
from numlearn.classical.reduction.prony import prony
from numlearn.classical.reduction.unit_circle import aaa_filter, check_filters, conjugate_modes

__all__ = [
    "DISTILL_METHODS",
    "HankelOperator",
    "ModalSSM",
    "UnstablePolesWarning",
    "aaa_filter",
    "balanced_truncation",
    "check_filters",
    "conjugate_modes",
    "distill",
    "distill_bounds",
    "engine_step",
    "era",
    "filter_errors",
    "fit_residues",
    "from_companion",
    "hankel_bounds",
    "hankel_singular_values",
    "modal_gramians",
    "prefill_companion",
    "prony",
    "to_companion",
]
