"""``import numlearn; numlearn.classical`` works: subpackages load on first access (PEP
562, as SciPy does), heavy extras only when their subpackage is used, and a missing
extra is one line naming the ``pip install`` that brings it.

Each check runs in a fresh interpreter: this test process has long imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import numlearn


def _run(code: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_subpackages_load_on_first_access_and_stay_light():
    out = _run("""
        import json, sys, types
        import numlearn
        before = "numlearn.classical" in sys.modules
        mods = [numlearn.classical, numlearn.precision, numlearn.problems]
        print(json.dumps({
            "before": before,
            "after": "numlearn.classical" in sys.modules,
            "modules": all(isinstance(m, types.ModuleType) for m in mods),
            "same": numlearn.classical is sys.modules["numlearn.classical"],
            "bary": hasattr(numlearn.classical, "BarycentricInterpolator"),
            "heavy": sorted(m for m in ("torch", "matplotlib", "hypothesis")
                            if m in sys.modules),
        }))
    """)
    assert out == {"before": False, "after": True, "modules": True, "same": True,
                   "bary": True, "heavy": []}


@pytest.mark.parametrize("name", ["classical", "compare", "precision", "problems",
                                  "reference"])
def test_every_light_subpackage_is_an_attribute(name):
    import importlib

    assert getattr(numlearn, name) is importlib.import_module(f"numlearn.{name}")
    assert name in dir(numlearn)


def test_dir_lists_the_extras_subpackages_too():
    assert {"learned", "testing"} <= set(dir(numlearn))
    # not in __all__: a star import would import torch and hypothesis
    assert not {"learned", "testing"} & set(numlearn.__all__)


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'classicall'"):
        numlearn.classicall  # noqa: B018


@pytest.mark.parametrize(
    ("blocked", "code", "extra"),
    [("torch", "numlearn.learned", "torch"),
     ("torch", "import numlearn.learned as L; L.LinearAttentionModel", "torch"),
     ("hypothesis", "numlearn.testing", "test")],
)
def test_missing_extra_is_one_line_naming_the_pip_install(blocked, code, extra):
    # sys.modules[name] = None makes `import name` fail as if it were not installed.
    out = _run(f"""
        import json, sys
        sys.modules[{blocked!r}] = None
        import numlearn
        try:
            {code}
        except ImportError as exc:
            print(json.dumps({{"type": type(exc).__name__, "msg": str(exc)}}))
        else:
            print(json.dumps({{"type": None}}))
    """)
    assert out["type"] == "ImportError"
    assert "\n" not in out["msg"]
    assert f"pip install 'numlearn[{extra}]'" in out["msg"]


def test_learned_is_lazy_about_torch():
    out = _run("""
        import json, sys
        import numlearn
        numlearn.learned
        print(json.dumps({"torch": "torch" in sys.modules}))
    """)
    assert out == {"torch": False}
