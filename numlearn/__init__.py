"""numlearn: classical numerical references and learned models, side by side.

The classical references (:mod:`numlearn.classical`) are NumPy/SciPy/Numba code in
float64; :mod:`numlearn.precision` holds the mpmath oracle, the error metrics and the
error decomposition; :mod:`numlearn.testing` has hypothesis strategies and assertion
helpers; :mod:`numlearn.compare` runs classical and learned methods on the same
problems.  ``import numlearn`` imports neither torch, matplotlib nor hypothesis.
"""

from numlearn._core.result import STATS_VOCABULARY, Result, Status
from numlearn._core.validation import EPS, IllConditionedWarning

__version__ = "0.1.0"

__all__ = ["EPS", "STATS_VOCABULARY", "IllConditionedWarning", "Result", "Status", "__version__"]
