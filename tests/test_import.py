"""``import numlearn`` (and the classical side) must not pull in torch or matplotlib.

A user of the classical references alone must not pay torch's import time (DESIGN.md),
and a headless user must not pay matplotlib's.  Run in a fresh interpreter, since
this test process has long imported everything.
"""

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


def test_torch_is_installed():
    # Otherwise the checks below would pass trivially.
    pytest.importorskip("torch")
    pytest.importorskip("matplotlib")


def test_import_numlearn_is_light():
    result = _run(["numlearn"])
    assert result["imported"] == ["numlearn"]
    assert result["heavy"] == [], f"`import numlearn` imported {result['heavy']}"


def test_classical_and_precision_do_not_import_torch_or_matplotlib():
    result = _run(MODULES)
    assert "numlearn.classical" in result["imported"]
    assert result["heavy"] == [], f"importing {result['imported']} imported {result['heavy']}"
