"""Model-order reduction of long convolutions.

- :mod:`~numlearn.classical.reduction.modal`: :class:`ModalSSM` (poles, residues,
  feedthrough; impulse and frequency response, the recurrence, prefill by FFT, the
  engine form), :func:`fit_residues` and :func:`filter_errors`.
- :mod:`~numlearn.classical.reduction.companion`: the companion (transfer-function)
  form and the prefill through its FFT.
"""

from numlearn.classical.reduction.companion import (
    from_companion,
    prefill_companion,
    to_companion,
)
from numlearn.classical.reduction.modal import (
    ModalSSM,
    UnstablePolesWarning,
    engine_step,
    filter_errors,
    fit_residues,
)

__all__ = [
    "ModalSSM",
    "UnstablePolesWarning",
    "engine_step",
    "filter_errors",
    "fit_residues",
    "from_companion",
    "prefill_companion",
    "to_companion",
]
