"""The package's layers form a DAG: an ``ast`` walk over every module of ``numlearn``.

Each package imports only the packages before it (function-level imports count):

    _core -> precision -> problems -> classical -> (learned | reference) -> compare -> cli

``testing`` may use ``_core``, ``precision``, ``problems`` and ``classical``.  Only
``learned`` and ``compare`` import torch, only ``compare`` matplotlib, only ``testing``
hypothesis; no two modules import each other, directly or through a chain.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "numlearn"

# rank of each top-level part of the package; an import must go to a rank below the
# importer's (or stay inside the same part).  learned and reference share a rank and
# must not import each other.
RANK = {
    "_core": 0,
    "precision": 1,
    "problems": 2,
    "classical": 3,
    "learned": 4,
    "reference": 4,
    "compare": 5,
    "cli": 6,
    "__main__": 7,
}
TESTING_MAY_USE = {"_core", "precision", "problems", "classical"}
THIRD_PARTY = {  # module -> the parts allowed to import it
    "torch": {"learned", "compare"},
    "matplotlib": {"compare"},
    "hypothesis": {"testing"},
}
# Modules allowed a third-party import at function level only, behind an ImportError that
# names the extra (test_import_numlearn_is_light checks `import numlearn` stays light).
LAZY_THIRD_PARTY = {"numlearn.classical._cheb_plot": {"matplotlib"}}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in ROOT.rglob("*.py")}


def _imports(name: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, int]]:
    """``(imported module, line)`` for every import in the file, at any depth."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for a in node.names:  # `from pkg import submodule` imports the submodule
                sub = f"{target}.{a.name}"
                out.append((sub if sub in modules else target, node.lineno))
    return out


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _violations() -> list[str]:
    modules = _modules()
    bad: list[str] = []
    for name, path in sorted(modules.items()):
        src = _part(name)
        for target, line in _imports(name, path, modules):
            where = f"{path.relative_to(ROOT.parent)}:{line}"
            top = target.split(".")[0]
            if (top in THIRD_PARTY and src not in THIRD_PARTY[top]
                    and top not in LAZY_THIRD_PARTY.get(name, ())):
                bad.append(f"{where}: {name} imports {top}")
            if top != "numlearn" or not _part(target):
                continue
            dst = _part(target)
            if dst == src:
                continue
            if src == "testing":
                ok = dst in TESTING_MAY_USE
            elif dst == "testing":
                ok = False
            elif src == "":  # numlearn/__init__.py
                ok = dst == "_core"
            else:
                ok = RANK[dst] < RANK[src]
            if not ok:
                bad.append(f"{where}: {name} ({src}) imports {target} ({dst})")
    return bad


def _cycles() -> list[list[str]]:
    modules = _modules()
    graph = {
        name: {t for t, _ in _imports(name, path, modules) if t in modules and t != name}
        for name, path in modules.items()
    }
    # Tarjan's strongly connected components; a component of two or more is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    comps: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return comps


def test_layers_form_a_dag() -> None:
    bad = sorted(set(_violations()))
    assert not bad, "imports against the layer order:\n" + "\n".join(bad)


def test_no_import_cycles_between_modules() -> None:
    cycles = _cycles()
    assert not cycles, "modules that import each other:\n" + "\n".join(
        " <-> ".join(c) for c in cycles
    )


def test_the_walk_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    # the checker itself: imports inside a function and relative imports are found
    path = tmp_path / "mod.py"
    path.write_text("def f():\n    from numlearn.compare import harness\n"
                    "    from ..learned import training\n")
    modules = {"numlearn.compare.harness": path}
    found = _imports("numlearn.classical.mod", path, modules)
    assert found == [("numlearn.compare.harness", 2), ("numlearn.learned", 3)]


@pytest.mark.parametrize("heavy", ["torch", "matplotlib", "hypothesis"])
def test_import_numlearn_is_light(heavy: str) -> None:
    code = (
        "import sys, numlearn, numlearn.classical, numlearn.precision, numlearn.problems;"
        f"print({heavy!r} in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
