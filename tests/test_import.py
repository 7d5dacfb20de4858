"""``import numlearn`` (and the classical side) must not pull in torch or matplotlib.

A user of the classical references alone must not pay torch's import time,
and a headless user must not pay matplotlib's.  Run in a fresh interpreter, since
this test process has long imported everything.
"""

import importlib
import importlib.metadata
import subprocess
import sys
import textwrap

import pytest

# Imported if they exist: the tree is built package by package.
MODULES = [
    "numlearn",
    "numlearn.classical",
    "numlearn.classical.nodes",
    "numlearn.classical.barycentric",
    "numlearn.classical.barycentric_matrix",
    "numlearn.classical.chebyshev",
    "numlearn.classical.adaptive",
    "numlearn.classical.spectral",
    "numlearn.problems.pdes",
    "numlearn.classical.differentiation",
    "numlearn.precision",
    "numlearn.problems",
    "numlearn.compare",
    "numlearn.cli",
]

CHECK = textwrap.dedent(
    """
    import importlib, importlib.util, json, sys
    imported = []
    for name in {modules!r}:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:  # parent package missing
            found = False
        if found:
            importlib.import_module(name)
            imported.append(name)
    heavy = sorted(
        m for m in ("torch", "matplotlib", "numlearn.testing", "hypothesis")
        if m in sys.modules
    )
    print(json.dumps({{"imported": imported, "heavy": heavy}}))
    """
)


def _run(modules: list[str]) -> dict:
    import json

    proc = subprocess.run(
        [sys.executable, "-c", CHECK.format(modules=modules)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_installed_heavy_dependencies_import():
    # The lightness checks below mean something only where torch and matplotlib are
    # installed (`make test` installs both, the torch and plot extras).  An installed
    # distribution that does not import (a broken wheel, a missing shared library)
    # fails here instead of making those checks pass for the wrong reason.
    installed = []
    for name in ("torch", "matplotlib"):
        try:
            importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        importlib.import_module(name)
        installed.append(name)
    if not installed:
        pytest.skip("neither torch nor matplotlib is installed; the checks are vacuous")


def test_import_numlearn_is_light():
    result = _run(["numlearn"])
    assert result["imported"] == ["numlearn"]
    assert result["heavy"] == [], f"`import numlearn` imported {result['heavy']}"


def test_classical_and_precision_do_not_import_torch_or_matplotlib():
    result = _run(MODULES)
    assert "numlearn.classical" in result["imported"]
    assert result["heavy"] == [], f"importing {result['imported']} imported {result['heavy']}"
