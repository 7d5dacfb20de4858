"""Lazy re-exports for package ``__init__`` files (PEP 562), as SciPy loads its
submodules: a name is imported from its home module on first access, so that a package
can re-export the public API of a heavy (or torch-needing) submodule without paying
for it on import.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def is_installed(module: str) -> bool:
    """Whether ``module`` can be imported, found without importing it (a blocked or
    half-imported package, or a broken entry in ``sys.modules``, counts as absent)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def lazy_exports(
    package: str,
    homes: Mapping[str, Sequence[str]],
    *,
    missing: Callable[[str, ModuleNotFoundError], None] | None = None,
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``.

    ``__all__`` stays a literal list in the package (linters and readers need it);
    it lists the names of ``homes`` too.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    homes : mapping of str to sequence of str
        Home module (absolute name) -> the names it exports.
    missing : callable, optional
        ``missing(name, exc)`` is called when importing a home module raises
        `ModuleNotFoundError`; it may raise a friendlier `ImportError` (e.g. naming
        the extra to install).  If it returns, the original error is raised.
    """
    where = {name: module for module, names in homes.items() for name in names}

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        try:
            module = importlib.import_module(where[name])
        except ModuleNotFoundError as exc:
            if missing is not None:
                missing(name, exc)
            raise
        return getattr(module, name)

    def __dir__() -> list[str]:
        return sorted({*importlib.import_module(package).__dict__, *where})

    return __getattr__, __dir__
