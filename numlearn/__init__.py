"""numlearn: classical numerical references and learned models, side by side.

The classical references (:mod:`numlearn.classical`) are NumPy/SciPy/Numba code in
float64; :mod:`numlearn.precision` holds the mpmath oracle, the error metrics and the
error decomposition; :mod:`numlearn.problems` the problems both sides solve;
:mod:`numlearn.reference` the golden data; :mod:`numlearn.testing` has hypothesis
strategies and assertion helpers; :mod:`numlearn.compare` runs classical and learned
methods on the same problems; :mod:`numlearn.learned` holds the PyTorch models.

The subpackages are loaded on first access, as SciPy's are (PEP 562): after
``import numlearn``, ``numlearn.classical`` imports the classical package then.
``import numlearn`` itself imports neither torch, matplotlib nor hypothesis;
``numlearn.learned`` needs the ``torch`` extra and ``numlearn.testing`` the ``test``
extra, and name the ``pip install`` that brings them when they are missing.
"""

from __future__ import annotations

import importlib
from typing import Any

from numlearn._core.lazy import is_installed
from numlearn._core.result import STATS_VOCABULARY, Result, Status
from numlearn._core.validation import EPS, IllConditionedWarning

__version__ = "0.1.0"

#: The subpackages loaded on first attribute access, and the extra (if any) whose
#: third-party package each needs: ``(import name, extra)``.
_SUBMODULES: dict[str, tuple[str, str] | None] = {
    "classical": None,
    "compare": None,
    "learned": ("torch", "torch"),
    "precision": None,
    "problems": None,
    "reference": None,
    "testing": ("hypothesis", "test"),
}

__all__ = [
    "EPS",
    "STATS_VOCABULARY",
    "IllConditionedWarning",
    "Result",
    "Status",
    "__version__",
]
# The subpackages are not in __all__: ``from numlearn import *`` would import them all,
# torch and hypothesis with them.


def __getattr__(name: str) -> Any:
    """Import the subpackage ``numlearn.<name>`` on first access (PEP 562)."""
    if name not in _SUBMODULES:
        raise AttributeError(f"module 'numlearn' has no attribute {name!r}")
    needs = _SUBMODULES[name]
    if needs is not None and not is_installed(needs[0]):
        raise ImportError(
            f"numlearn.{name} needs {needs[0]}, which is not installed: "
            f"pip install 'numlearn[{needs[1]}]'"
        )
    # import_module binds the subpackage as an attribute of this module, so later
    # accesses do not come back here.
    return importlib.import_module(f"{__name__}.{name}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_SUBMODULES})
