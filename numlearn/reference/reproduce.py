r"""Compare a rebuilt reference directory with the data shipped with numlearn.

Each directory's ``MANIFEST.sha256`` makes it self-consistent, but a rebuild on another
machine need not reproduce the shipped bytes: the 1-D targets (pure mpmath) do, the
PDE arrays need not (the Poisson2d-C fit goes through LAPACK, whose rounding depends on
the BLAS build and its threads; Burgers through NumPy's ``exp``/``sin``, which may
differ in the last bit between CPUs).  The shipped ``MANIFEST.tolerances`` (JSON)
states, per file, how a rebuild must agree with the shipped file:

* a file not listed: byte for byte (the sha256 of the shipped manifest);
* ``{"npz": {"arrays": {name: k, ...}, "scale": {name: other, ...}}}``: the same
  arrays, shapes and dtypes; integer arrays equal; a float64 array :math:`a` against
  the shipped :math:`s`: :math:`\max|a - s| \le k\,\varepsilon \max|s'|`,
  :math:`\varepsilon = 2^{-52}`, :math:`s'` the shipped array named in ``"scale"``
  (default :math:`s` itself: a relative tolerance of :math:`k` eps in the max norm);
  ``k = 0`` (and any array not listed) equal, ``k = null`` shape and dtype only
  (fitted parameters, whose function is compared through its values);
* ``{"json": {"free": [path, ...]}}``: the same JSON document except at the listed
  dotted paths (``*`` for every list item or key), which must be present in both:
  library versions and the build's own measurements of its accuracy, which the loader
  re-checks on the rebuilt data.

Each rule says why in its ``"why"`` field.  :func:`compare_with_shipped` applies them;
:func:`~numlearn.reference.verify_references` calls it for any directory other than
the shipped one.  Cost: reading both directories, about 0.1 s.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from numlearn._core.store import checked_bytes, read_manifest
from numlearn._core.validation import EPS

__all__ = ["TOLERANCES", "compare_with_shipped"]

#: The shipped file that holds the comparison rules (JSON).
TOLERANCES = "MANIFEST.tolerances"


def _arrays(raw: bytes) -> dict[str, Any]:
    with np.load(io.BytesIO(raw), allow_pickle=False) as data:
        return {k: np.array(data[k]) for k in data.files}


def _compare_npz(name: str, new: bytes, old: bytes, rule: dict[str, Any]) -> list[str]:
    """The ``npz`` rule (module docstring)."""
    a, s = _arrays(new), _arrays(old)
    if sorted(a) != sorted(s):
        return [f"{name}: arrays {sorted(a)}, the shipped file has {sorted(s)}"]
    problems = []
    scale_of = rule.get("scale", {})
    for key in sorted(s):
        x, y = a[key], s[key]
        if x.shape != y.shape or x.dtype != y.dtype:
            problems.append(f"{name}: `{key}` is {x.dtype}{list(x.shape)}, shipped "
                            f"{y.dtype}{list(y.shape)}")
            continue
        k = rule["arrays"].get(key, 0)
        if k is None:
            continue
        if y.dtype.kind != "f" or k == 0:
            if not np.array_equal(x, y):
                problems.append(f"{name}: `{key}` differs from the shipped array (must be equal)")
            continue
        scale = float(np.max(np.abs(s[scale_of.get(key, key)]), initial=0.0))
        diff = float(np.max(np.abs(x - y), initial=0.0))
        if not diff <= k * EPS * scale:
            problems.append(f"{name}: `{key}` differs from the shipped array by {diff:.2e} = "
                            f"{diff / (EPS * scale):.0f} eps x {scale:.3g} > the stated "
                            f"{k} eps x max|{scale_of.get(key, key)}|")
    return problems


def _strip(doc: Any, path: list[str], where: str, missing: list[str]) -> Any:
    """``doc`` with the value at ``path`` replaced by None (``*``: every item)."""
    if not path:
        return None
    head, rest = path[0], path[1:]
    if head == "*" and isinstance(doc, list):
        return [_strip(v, rest, f"{where}[{i}]", missing) for i, v in enumerate(doc)]
    if head == "*" and isinstance(doc, dict):
        return {k: _strip(v, rest, f"{where}.{k}", missing) for k, v in doc.items()}
    if isinstance(doc, dict) and head in doc:
        return {**doc, head: _strip(doc[head], rest, f"{where}.{head}", missing)}
    missing.append(f"{where}.{head}".lstrip("."))
    return doc


def _compare_json(name: str, new: bytes, old: bytes, rule: dict[str, Any]) -> list[str]:
    """The ``json`` rule (module docstring)."""
    docs = []
    for raw, which in ((new, "rebuilt"), (old, "shipped")):
        doc = json.loads(raw.decode("utf-8"))
        missing: list[str] = []
        for path in rule["free"]:
            doc = _strip(doc, path.split("."), "", missing)
        if missing:
            return [f"{name}: the {which} file has no `{missing[0]}`"]
        docs.append(doc)
    if docs[0] == docs[1]:
        return []
    diff = _first_difference(docs[0], docs[1], "")
    return [f"{name}: `{diff}` differs from the shipped file (free to differ: "
            f"{', '.join(rule['free'])})"]


def _first_difference(a: Any, b: Any, where: str) -> str:
    if isinstance(a, dict) and isinstance(b, dict) and sorted(a) == sorted(b):
        for k in a:
            if a[k] != b[k]:
                return _first_difference(a[k], b[k], f"{where}.{k}".lstrip("."))
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{where}[{i}]")
    return where or "(whole file)"


def compare_with_shipped(directory: Path, shipped: Path,
                         files: Iterable[str] | None = None) -> list[str]:
    """The ways the files of ``directory`` disagree with the shipped data beyond
    ``MANIFEST.tolerances`` (module docstring); empty if none.

    Only files present in both manifests are compared (a partial build is fine), and
    of those only ``files`` if given (those that passed their own manifest).

    Parameters
    ----------
    directory : Path
        A reference directory, e.g. one made by ``numlearn reference build``.
    shipped : Path
        The data installed with numlearn (:func:`numlearn._core.store.shipped_directory`).
    files : iterable of str, optional
        Restrict the comparison to these names (relative to the directories).

    Returns
    -------
    list of str
        One line per problem, naming the file, the array or field, and the tolerance.
    """
    ours, theirs = read_manifest(directory), read_manifest(shipped)
    rules = (json.loads(checked_bytes(shipped, TOLERANCES, theirs).decode("utf-8"))["files"]
             if TOLERANCES in theirs else {})
    problems: list[str] = []
    names = set(ours) & set(theirs) - {TOLERANCES}
    for name in sorted(names if files is None else names & set(files)):
        rule = rules.get(name)
        if rule is None:
            if ours[name] != theirs[name]:
                problems.append(f"{directory / name} is not byte-identical to the shipped "
                                f"file (sha256 {ours[name][:12]}, shipped {theirs[name][:12]})"
                                " and no tolerance is stated for it")
            continue
        new, old = (directory / name).read_bytes(), (shipped / name).read_bytes()
        try:
            if "npz" in rule:
                problems += _compare_npz(str(directory / name), new, old, rule["npz"])
            else:
                problems += _compare_json(str(directory / name), new, old, rule["json"])
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
            problems.append(f"{directory / name} cannot be compared with the shipped file: "
                            f"{exc}")
    return problems
