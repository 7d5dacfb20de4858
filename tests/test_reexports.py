"""Every package re-exports the public API of its modules: each name in the
``__all__`` of a public module (or subpackage) is reachable from the package itself,
as the same object, and is listed in the package's ``__all__``.  (Names load lazily
where the package says so; reaching them here imports them.)
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import numlearn

# Names the lead adds to numlearn/compare/__init__.py (owned elsewhere); empty this set
# when they are there.  Any other missing name fails.
PENDING: dict[str, set[str]] = {}


def _packages() -> list[str]:
    out = ["numlearn"]
    for info in pkgutil.walk_packages(numlearn.__path__, "numlearn."):
        if info.ispkg and not any(p.startswith("_") for p in info.name.split(".")):
            out.append(info.name)
    return out


def _public_members(package: str) -> list[tuple[str, str]]:
    pkg = importlib.import_module(package)
    members = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("_"):
            continue
        if package == "numlearn" and info.ispkg:
            continue  # the top level loads its subpackages lazily, it re-exports none
        module = importlib.import_module(f"{package}.{info.name}")
        members += [(info.name, name) for name in getattr(module, "__all__", ())]
    return members


@pytest.mark.parametrize("package", _packages())
def test_package_reexports_its_modules_public_names(package):
    if package.startswith("numlearn.learned"):
        pytest.importorskip("torch")
    if package.startswith("numlearn.testing"):
        pytest.importorskip("hypothesis")
    pkg = importlib.import_module(package)
    missing = []
    for module, name in _public_members(package):
        if name in PENDING.get(package, ()):
            continue
        home = importlib.import_module(f"{package}.{module}")
        found = getattr(pkg, name, None)
        if found is not getattr(home, name) or name not in pkg.__all__:
            missing.append(f"{module}.{name}")
    assert not missing, f"{package} does not re-export: {missing}"


def test_pending_names_are_still_missing():
    # once the lead re-exports them, PENDING must shrink (so it lists only real gaps)
    for package, names in PENDING.items():
        pkg = importlib.import_module(package)
        assert not {n for n in names if n in getattr(pkg, "__all__", ())}, package


def test_classical_reexports_the_bvp_solvers_lazily():
    import subprocess
    import sys

    code = ("import sys, numlearn.classical as C; a = 'numlearn.classical.spectral' in "
            "sys.modules; C.solve_collocation, C.LinearBVP, C.BoundaryCondition; "
            "print(a, 'numlearn.classical.spectral' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out == ["False", "True"]
    from numlearn.classical import spectral

    assert numlearn.classical.solve_ultraspherical is spectral.solve_ultraspherical
    assert {"solve_collocation", "LinearBVP"} <= set(dir(numlearn.classical))
