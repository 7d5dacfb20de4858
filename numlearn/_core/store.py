"""The checksummed file store of the golden reference data.

The repository's top-level ``reference/`` directory holds data files (the 1-D
targets' JSON files, the PDE references under ``pdes/``) and ``MANIFEST.sha256``
(``sha256sum`` format), the checksum of every file.  A file is read only through
:func:`load_checked_bytes`, which refuses a file that is missing from the manifest or
altered (:class:`ReferenceIntegrityError`); builders add their files with
:func:`register_files`.  What the files mean is known to the layers above
(:mod:`numlearn.reference` builds and verifies them, the problems load them).

Where the data are read from, :func:`reference_directory`, first match wins:

1. the ``directory`` argument of the loader or command (``--dir``);
2. the environment variable ``NUMLEARN_REFERENCE_DIR``, if set and not empty;
3. the ``reference/`` folder of the source checkout ``numlearn`` is imported from (the
   folder holding the ``numlearn`` package and ``pyproject.toml``: a plain checkout on
   ``PYTHONPATH``, an editable install);
4. the data installed inside the package: the data package ``numlearn._reference_data``
   through ``importlib.resources`` (a wheel, an install from the sdist; the build maps
   the repository's top-level ``reference/`` folder into the package).

Where builds go, :func:`build_directory`: the ``directory`` argument, else
``$NUMLEARN_CACHE/reference``, else ``~/.cache/numlearn/reference``; never the
installed package (:func:`check_writable_directory` refuses it).  To read a rebuilt
directory, point ``NUMLEARN_REFERENCE_DIR`` (or ``--dir``) to it.

A checksum only says that a file is the one registered, not that what was registered
is right.  The readers of the formats (:func:`load_checked_json`,
:func:`load_checked_npz`, :func:`json_field`, :func:`check_decimal_rounding`) also check
the contents: required keys and their types, array dtypes, shapes and finiteness, and
that each float64 field is the rounding of its decimal field; a file that fails gets a
:class:`ReferenceFormatError` (a ``ValueError``) naming the file and the field.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation, localcontext
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "ENV_VAR",
    "MANIFEST",
    "ReferenceBuildError",
    "ReferenceFormatError",
    "ReferenceIntegrityError",
    "build_directory",
    "check_decimal_rounding",
    "check_writable_directory",
    "checked_bytes",
    "format_error",
    "json_field",
    "load_checked_bytes",
    "load_checked_json",
    "load_checked_npz",
    "parse_hex_float",
    "parse_hex_floats",
    "parse_json",
    "read_manifest",
    "reference_directory",
    "reference_path",
    "register_files",
    "sha256_of",
    "shipped_directory",
    "write_atomic",
    "write_manifest",
]

MANIFEST = "MANIFEST.sha256"
ENV_VAR = "NUMLEARN_REFERENCE_DIR"
#: The data package the build maps the repository's ``reference/`` folder to.
DATA_PACKAGE = "numlearn._reference_data"


class ReferenceIntegrityError(RuntimeError):
    """A reference file is missing from the manifest, altered, or malformed."""


class ReferenceFormatError(ReferenceIntegrityError, ValueError):
    """A reference file that matches its checksum but whose contents are malformed or
    inconsistent: a missing key, a wrong type or dtype, lengths or shapes that disagree,
    a non-finite number, a float64 field that is not the rounding of its decimal field.

    Both a :class:`ReferenceIntegrityError` and a ``ValueError``; the message names the
    file and the field.
    """


class ReferenceBuildError(ArithmeticError):
    """The two independent computations of a reference value disagree."""


def _installed_data() -> Path | None:
    """The data package ``numlearn._reference_data`` through ``importlib.resources``
    (a wheel, an sdist install, an editable install), or None."""
    if importlib.util.find_spec(DATA_PACKAGE) is None:
        return None
    data = resources.files(DATA_PACKAGE)
    return data if isinstance(data, Path) and (data / MANIFEST).is_file() else None


def _checkout_data() -> Path | None:
    """``reference/`` of the source checkout numlearn is imported from, or None."""
    root = Path(__file__).resolve().parents[2]  # numlearn/_core/store.py -> the checkout
    data = root / "reference"
    return data if (root / "pyproject.toml").is_file() and (data / MANIFEST).is_file() else None


def shipped_directory() -> Path | None:
    """The reference data that came with numlearn, or None if there are none.

    The ``reference/`` folder of the source checkout numlearn is imported from (a plain
    checkout on ``PYTHONPATH``, an editable install), else the data package
    ``numlearn._reference_data`` through ``importlib.resources`` (an installed wheel or
    sdist).  Steps 3 and 4 of :func:`reference_directory`; the environment variable is
    not consulted.
    """
    return _checkout_data() or _installed_data()


def reference_directory(directory: str | os.PathLike[str] | None = None, *,
                        must_exist: bool = True) -> Path:
    """The reference directory loaders read from.

    First match wins: (1) ``directory``; (2) ``$NUMLEARN_REFERENCE_DIR`` if set and not
    empty; (3) ``reference/`` of the source checkout numlearn is imported from (a plain
    checkout, an editable install); (4) the data installed in the package
    (``numlearn._reference_data`` through ``importlib.resources``: a wheel, an sdist
    install).  Steps 3 and 4 are :func:`shipped_directory`.

    Raises
    ------
    TypeError
        If ``directory`` is neither None, a str nor an ``os.PathLike``, or
        ``must_exist`` is not a bool.
    FileNotFoundError
        If ``must_exist`` and the directory does not exist; the message says how to
        point numlearn to one or how to build one.
    NotADirectoryError
        If ``must_exist`` and the path is a file.
    """
    if not isinstance(must_exist, bool):
        raise TypeError(f"`must_exist` must be True or False, got {must_exist!r}.")
    if directory is not None:
        if not isinstance(directory, str | os.PathLike):
            raise TypeError("`directory` must be a path (str or os.PathLike) of a reference "
                            f"directory, or None; got {type(directory).__name__} {directory!r}.")
        path, origin = Path(directory), "the `directory` argument"
    elif os.environ.get(ENV_VAR):
        path, origin = Path(os.environ[ENV_VAR]), f"${ENV_VAR}"
    else:
        shipped = shipped_directory()
        path = shipped if shipped is not None else Path(__file__).resolve().parents[1] / (
            "_reference_data")
        origin = "the data installed with numlearn"
    if must_exist and path.exists() and not path.is_dir():
        raise NotADirectoryError(
            f"reference directory {path} (from {origin}) is a file, not a directory. Set "
            f"{ENV_VAR} to (or pass as `directory`) a reference directory (one built by "
            "`numlearn reference build`, or the `reference/` folder of a numlearn checkout)."
        )
    if must_exist and not path.is_dir():
        raise FileNotFoundError(
            f"reference directory {path} (from {origin}) does not exist. Set {ENV_VAR} "
            "to a reference directory (the `reference/` folder of a numlearn checkout), "
            "reinstall numlearn (its wheel carries the data), or create the data with "
            "`numlearn reference build` (numlearn.reference.build_references)."
        )
    return path


def build_directory(directory: str | os.PathLike[str] | None = None) -> Path:
    """Where a build writes: ``directory``, else ``$NUMLEARN_CACHE/reference``, else
    ``~/.cache/numlearn/reference`` (never the installed package; nothing is created).

    Raises
    ------
    TypeError
        If ``directory`` is neither None, a str nor an ``os.PathLike``.
    PermissionError
        If the directory is the data installed inside the numlearn package
        (:func:`check_writable_directory`).
    """
    if directory is not None:
        path = reference_directory(directory, must_exist=False)
    else:
        root = os.environ.get("NUMLEARN_CACHE")
        path = (Path(root) if root else Path.home() / ".cache" / "numlearn") / "reference"
    check_writable_directory(path)
    return path


def check_writable_directory(path: Path) -> None:
    """Refuse to write into the reference data installed inside the numlearn package.

    The repository's own ``reference/`` folder (a source checkout or an editable
    install: ``pyproject.toml`` beside it) may be rebuilt in place.

    Raises
    ------
    PermissionError
        If ``path`` is the installed package's data directory.
    """
    installed = _installed_data()
    if (installed is not None and path.resolve() == installed.resolve()
            and not (installed.parent / "pyproject.toml").is_file()):
        raise PermissionError(
            f"{path} is the reference data installed with numlearn; builds never write "
            "there. Build into a directory of your own (`numlearn reference build --dir "
            f"DIR`, default $NUMLEARN_CACHE/reference or ~/.cache/numlearn/reference) and "
            f"point {ENV_VAR} to it."
        )


def sha256_of(path: Path) -> str:
    """The hex sha256 of the file at ``path``."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(directory: Path) -> dict[str, str]:
    """``{filename: sha256}`` from ``MANIFEST.sha256``."""
    path = directory / MANIFEST
    if not path.is_file():
        raise ReferenceIntegrityError(
            f"{path} is missing: without it no reference file can be trusted. Rebuild "
            "with `numlearn reference build`."
        )
    entries: dict[str, str] = {}
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2 or len(parts[0]) != 64:
            raise ReferenceIntegrityError(f"{path}, line {n}: malformed entry {line!r}.")
        entries[parts[1].lstrip("*")] = parts[0]
    return entries


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` so that ``path`` is never
    half written: into a temporary file in the same directory, then :func:`os.replace`
    (atomic on POSIX and Windows).  An interrupted write leaves the old file (or none)
    and no temporary; the file gets the mode :func:`open` would give it."""
    p = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 -> what open() would give
        if isinstance(data, str):
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_manifest(directory: Path, entries: dict[str, str]) -> None:
    """Write ``MANIFEST.sha256`` (sorted by filename, ``sha256sum`` format)."""
    text = "".join(f"{h}  {name}\n" for name, h in sorted(entries.items()))
    write_atomic(directory / MANIFEST, text)


def register_files(
    filenames: Iterable[str], directory: str | os.PathLike[str] | None = None
) -> dict[str, str]:
    """Add (or refresh) the sha256 of existing data files in ``MANIFEST.sha256``.

    ``filenames`` are relative to the reference directory, with ``/`` as separator.
    Returns the manifest after the update.  Refuses the data installed with numlearn
    (:func:`check_writable_directory`).
    """
    d = reference_directory(directory)
    check_writable_directory(d)
    try:
        manifest = read_manifest(d)
    except ReferenceIntegrityError:
        manifest = {}
    for name in filenames:
        path = d / name
        if not path.is_file():
            raise FileNotFoundError(f"cannot register {path}: no such file.")
        manifest[name] = sha256_of(path)
    write_manifest(d, manifest)
    return dict(sorted(manifest.items()))


def checked_bytes(directory: Path, filename: str, manifest: dict[str, str]) -> bytes:
    """The file's bytes after checking them against ``manifest``."""
    path = directory / filename
    if filename not in manifest:
        raise ReferenceIntegrityError(
            f"{path} is not listed in {directory / MANIFEST}; an unlisted file cannot be "
            "trusted. Rebuild with `numlearn reference build`."
        )
    if not path.is_file():
        raise ReferenceIntegrityError(f"{path} is listed in the manifest but missing.")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != manifest[filename]:
        raise ReferenceIntegrityError(
            f"{path} was altered: its sha256 is {digest}, the manifest says "
            f"{manifest[filename]}. Restore it from version control (git checkout -- "
            f"{filename}) or rebuild with `numlearn reference build`."
        )
    return data


def load_checked_bytes(filename: str, directory: str | os.PathLike[str] | None = None) -> bytes:
    """The bytes of reference file ``filename`` after checking its sha256.

    Raises
    ------
    TypeError
        If ``filename`` is not a str.
    ReferenceIntegrityError
        If the file is missing, unlisted in the manifest, or altered.
    """
    if not isinstance(filename, str):
        raise TypeError(f"`filename` must be a str (a path relative to the reference "
                        f"directory, such as 'runge.json'), got {type(filename).__name__}.")
    d = reference_directory(directory)
    return checked_bytes(d, filename, read_manifest(d))


# ---------------------------------------------------------------------------------
# checked reads of the formats: structure and float64-versus-decimal consistency

_RESTORE = ("The file matches its checksum, so it was built or registered this way: "
            "restore the reference directory from version control or rebuild it with "
            "`numlearn reference build`.")


def reference_path(filename: str, directory: str | os.PathLike[str] | None = None) -> Path:
    """Where reference file ``filename`` is (for messages); no check that it exists."""
    return reference_directory(directory, must_exist=False) / filename


def format_error(where: str | os.PathLike[str], field: str, what: str) -> ReferenceFormatError:
    """The :class:`ReferenceFormatError` for field ``field`` of file ``where``."""
    return ReferenceFormatError(f"{where}: `{field}` {what}. {_RESTORE}")


def load_checked_json(
    filename: str, directory: str | os.PathLike[str] | None = None
) -> dict[str, Any]:
    """The JSON object of reference file ``filename``, after its checksum.

    Raises
    ------
    ReferenceIntegrityError
        Missing, unlisted or altered file (:func:`load_checked_bytes`).
    ReferenceFormatError
        If the file is not UTF-8 JSON whose top level is an object.
    """
    return parse_json(load_checked_bytes(filename, directory),
                      reference_path(filename, directory))


def parse_json(raw: bytes, where: str | os.PathLike[str]) -> dict[str, Any]:
    """``raw`` parsed as a UTF-8 JSON object (:class:`ReferenceFormatError` if not)."""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise format_error(where, "(whole file)", f"is not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise format_error(where, "(whole file)", f"is a JSON {type(doc).__name__}, "
                           "expected an object")
    return doc


def load_checked_npz(
    filename: str,
    directory: str | os.PathLike[str] | None = None,
    spec: dict[str, tuple[str, int]] | None = None,
) -> dict[str, NDArray[Any]]:
    """The arrays of ``.npz`` reference file ``filename``, after its checksum, checked
    against ``spec``: ``{name: (kind, ndim)}``, ``kind`` ``"f"`` (float64, all finite)
    or ``"i"`` (an integer dtype).  Pickled objects are refused (``allow_pickle=False``).

    Raises
    ------
    ReferenceIntegrityError
        Missing, unlisted or altered file (:func:`load_checked_bytes`).
    ReferenceFormatError
        A file that is not an ``.npz`` archive, or an array missing, of another dtype
        or dimension, or with a NaN or infinity; the message names the array.
    """
    raw = load_checked_bytes(filename, directory)
    where = reference_path(filename, directory)
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            arrays = {k: np.array(data[k]) for k in data.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise format_error(where, "(whole file)", f"is not a readable .npz archive: {exc}"
                           ) from None
    for name, (kind, ndim) in (spec or {}).items():
        if name not in arrays:
            raise format_error(where, name, f"is missing (the archive holds {sorted(arrays)})")
        a = arrays[name]
        want = "float64" if kind == "f" else "an integer dtype"
        if (kind == "f" and a.dtype != np.float64) or (kind == "i" and a.dtype.kind != "i"):
            raise format_error(where, name, f"has dtype {a.dtype}, expected {want}")
        if a.ndim != ndim:
            raise format_error(where, name, f"has shape {a.shape}, expected {ndim} dimension(s)")
        if kind == "f" and not np.all(np.isfinite(a)):
            bad = tuple(np.argwhere(~np.isfinite(a))[0].tolist())
            raise format_error(where, name, f"holds {int(np.sum(~np.isfinite(a)))} non-finite "
                               f"value(s), the first {a[bad]} at index {bad}")
    return arrays


def json_field(doc: Any, path: str, kind: type | tuple[type, ...],
               where: str | os.PathLike[str]) -> Any:
    """``doc[a][b]...`` for ``path = "a.b..."``, checked to be a ``kind`` (bools are
    not ints or floats here; an int is accepted for a float)."""
    node = doc
    for i, key in enumerate(path.split(".")):
        if not isinstance(node, dict) or key not in node:
            at = ".".join(path.split(".")[:i + 1])
            raise format_error(where, at, "is missing")
        node = node[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if float in kinds:
        kinds = (*kinds, int)
    if (isinstance(node, bool) and bool not in kinds) or not isinstance(node, kinds):
        names = " or ".join(k.__name__ for k in kinds)
        raise format_error(where, path, f"is a {type(node).__name__} ({node!r:.60}), "
                           f"expected {names}")
    return node


def _decimal(text: Any, where: str | os.PathLike[str], field: str) -> Decimal:
    """A finite decimal string as a ``Decimal``."""
    try:
        if not isinstance(text, str):
            raise TypeError
        d = Decimal(text)
    except (InvalidOperation, TypeError):
        raise format_error(where, field, f"is {text!r:.60}, not a decimal number") from None
    if not d.is_finite():
        raise format_error(where, field, f"is {text}, not a finite number")
    return d


def parse_hex_float(text: Any, where: str | os.PathLike[str], field: str) -> float:
    """A ``float.hex`` string as a finite float."""
    try:
        if not isinstance(text, str):
            raise TypeError
        value = float.fromhex(text)
    except (ValueError, TypeError, OverflowError):
        raise format_error(where, field,
                           f"is {text!r:.60}, not a float64 in float.hex form") from None
    if not np.isfinite(value):
        raise format_error(where, field, f"is {text}, not a finite number")
    return value


def parse_hex_floats(items: Any, where: str | os.PathLike[str], field: str,
                     ) -> NDArray[np.float64]:
    """A list of ``float.hex`` strings as a finite float64 array."""
    if not isinstance(items, list):
        raise format_error(where, field, f"is a {type(items).__name__}, expected a list")
    return np.array([parse_hex_float(h, where, f"{field}[{i}]") for i, h in enumerate(items)],
                    dtype=np.float64)


def check_decimal_rounding(
    decimals: Sequence[Any], values: NDArray[np.float64], where: str | os.PathLike[str],
    decimal_field: str, float_field: str, *, atol: float | None = None,
) -> None:
    """Check that ``values[i]`` is the float64 rounding of ``decimals[i]`` for every ``i``.

    A decimal string with ``p`` significant digits stands for the interval of half a
    unit of its last digit around it; ``values[i]`` must be the rounding (to nearest)
    of some number in that interval, i.e. lie between the roundings of its two ends.
    For 32 digits this is the correct rounding except within ``1e-32`` relative of a
    float64 midpoint; fewer digits (coefficients near the resolution) widen the
    interval accordingly.  The decimal ``0`` (a value below the stored resolution)
    demands ``0.0``.  With ``atol``, where the float64 field is an approximation (a
    float64 computation) rather than the rounding, ``|values[i] - decimals[i]| <= atol``
    instead.  The lengths must agree.  Cost: two decimal-to-float conversions per entry.

    Raises
    ------
    ReferenceFormatError
        Naming the file, both fields and the first offending index.
    """
    if len(decimals) != len(values):
        raise format_error(where, float_field, f"has {len(values)} entries, `{decimal_field}` "
                           f"{len(decimals)}; they must have one float64 per decimal")
    for i, (text, v) in enumerate(zip(decimals, values.tolist(), strict=True)):
        d = _decimal(text, where, f"{decimal_field}[{i}]")
        if atol is not None:
            off = abs(Decimal(v) - d)
            if not off <= Decimal(atol):
                raise format_error(where, f"{float_field}[{i}]",
                                   f"= {v!r} differs from `{decimal_field}[{i}]` = {text} by "
                                   f"{float(off):.2e} > {atol:.1e}")
            continue
        if d:
            _, digits, exp = d.as_tuple()
            half = Decimal((0, (5,), int(exp) - 1))
            with localcontext() as ctx:
                ctx.prec = len(digits) + 4  # d +- half is exact
                ends = sorted((float(d - half), float(d + half)))
        else:
            ends = [0.0, 0.0]
        if not ends[0] <= v <= ends[1]:
            raise format_error(
                where, f"{float_field}[{i}]",
                f"= {v.hex()} ({v!r}) is not the float64 rounding of `{decimal_field}[{i}]` "
                f"= {text} (that is {float(d).hex()})")

