"""The built package carries its reference data: sdist -> wheel -> a fresh virtual
environment, used from a directory outside the checkout.

The build goes the way ``python -m build`` goes (the sdist first, the wheel from the
unpacked sdist), through setuptools' PEP 517 hooks without build isolation (no network).
The new environment gets numlearn only from the wheel; its dependencies (numpy, scipy,
numba, mpmath) come from the test's own environment through a ``.pth`` line that appends
that site-packages directory to ``sys.path`` (the ``.pth`` files inside it are not
processed, so an editable numlearn there stays invisible: checked).  About 10 s.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
from pathlib import Path

import pytest

setuptools = pytest.importorskip("setuptools", minversion="77",
                                 reason="the build needs setuptools>=77 (the `test` extra)")

ROOT = Path(__file__).resolve().parents[1]
# What a build needs from the checkout (pyproject.toml names README.md and LICENSE).
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "numlearn",
           "reference")
DATA = ("MANIFEST.sha256", "MANIFEST.tolerances", "runge.json", "pdes/burgers.npz",
        "pdes/burgers.json", "pdes/poisson2d_c.npz", "pdes/poisson2d_c.json")


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _copy_sources(src: Path) -> None:
    """What a build needs from the checkout, copied to ``src`` (no build files land in
    the checkout)."""
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc"))
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, src / name)


def _clean_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "NUMLEARN_REFERENCE_DIR", "PYTHONSTARTUP")}
    env["NUMLEARN_CACHE"] = str(tmp / "cache")
    return env


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A fresh virtual environment with numlearn installed from a wheel built from the
    sdist; yields ``(python, site-packages, sdist path)``."""
    tmp = tmp_path_factory.mktemp("wheel")
    src, dist = tmp / "src", tmp / "dist"
    _copy_sources(src)
    hook = ("import sys; from setuptools import build_meta as b; "
            "print(getattr(b, sys.argv[1])(sys.argv[2]))")
    env = _clean_env(tmp)
    sdist = dist / _run([sys.executable, "-c", hook, "build_sdist", str(dist)], src,
                        env).split()[-1]
    with tarfile.open(sdist) as tf:
        tf.extractall(tmp / "unpacked", filter="data")
    unpacked = tmp / "unpacked" / sdist.name.removesuffix(".tar.gz")
    wheel = dist / _run([sys.executable, "-c", hook, "build_wheel", str(dist)], unpacked,
                        env).split()[-1]
    _run([sys.executable, "-m", "venv", "--without-pip", str(tmp / "venv")], tmp, env)
    python = tmp / "venv" / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
          "--no-deps", "--no-index", str(wheel)], tmp, env)
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path("
                      "'purelib'))"], tmp, env).strip())
    (site / "_numlearn_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    yield python, site, sdist


def test_sdist_carries_the_reference_folder(venv):
    _, _, sdist = venv
    with tarfile.open(sdist) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    for name in DATA:
        assert f"reference/{name}" in names, name


def test_wheel_in_a_fresh_venv_outside_the_checkout(venv, tmp_path):
    python, site, _ = venv
    env = _clean_env(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    data = site / "numlearn" / "_reference_data"
    for name in DATA:
        assert (data / name).is_file(), name
    # numlearn is the wheel's, the data are the installed copy, no editable finder.
    probe = (
        "import sys, numlearn\n"
        "from numlearn._core.store import reference_directory\n"
        "from numlearn.problems.burgers import load_burgers_reference\n"
        "t, x, u, meta = load_burgers_reference()\n"
        "print(numlearn.__file__)\n"
        "print(reference_directory())\n"
        "print(u.shape)\n"
        "print(any('editable' in repr(f) for f in sys.meta_path))\n"
    )
    lines = _run([str(python), "-c", probe], outside, env).splitlines()
    assert Path(lines[0]).is_relative_to(site), lines[0]
    assert Path(lines[1]) == data
    assert lines[2:] == ["(201, 511)", "False"]
    out = _run([str(python.parent / "numlearn"), "reference", "verify"], outside, env)
    assert f"13 reference files in {data} match the manifest" in out, out
    # Building into the installed package is refused at once, naming the way out.
    done = subprocess.run([str(python.parent / "numlearn"), "reference", "build", "--dir",
                           str(data)], cwd=outside, env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 1
    assert "builds never write there" in done.stderr and "NUMLEARN_REFERENCE_DIR" in done.stderr
    assert "Traceback" not in done.stderr


def test_editable_install_reads_the_checkout_folder(tmp_path):
    # pip install -e: the mapped data package is the checkout's reference/ folder.
    src = tmp_path / "src"
    _copy_sources(src)
    env = _clean_env(tmp_path)
    _run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "venv")], tmp_path, env)
    python = tmp_path / "venv" / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path("
                      "'purelib'))"], tmp_path, env).strip())
    # before the install: pip runs the build backend (setuptools) in the new environment
    (site / "_numlearn_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
          "--no-deps", "--no-index", "--no-build-isolation", "-e", str(src)], tmp_path, env)
    probe = ("import importlib.resources as r, numlearn\n"
             "from numlearn._core.store import reference_directory\n"
             "print(numlearn.__file__)\n"
             "print(r.files('numlearn._reference_data'))\n"
             "print(reference_directory())\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    lines = _run([str(python), "-c", probe], outside, env).splitlines()
    assert lines == [str(src / "numlearn" / "__init__.py"), str(src / "reference"),
                     str(src / "reference")]
