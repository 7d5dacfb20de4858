"""The checksummed file store of the golden reference data.

The repository's top-level ``reference/`` directory holds data files (the 1-D
targets' JSON files, the PDE references under ``pdes/``) and ``MANIFEST.sha256``
(``sha256sum`` format), the checksum of every file.  A file is read only through
:func:`load_checked_bytes`, which refuses a file that is missing from the manifest or
altered (:class:`ReferenceIntegrityError`); builders add their files with
:func:`register_files`.  What the files mean is known to the layers above
(:mod:`numlearn.reference` builds and verifies them, the problems load them).

Where the directory is: :func:`reference_directory`: the ``directory`` argument if
given, else the environment variable ``NUMLEARN_REFERENCE_DIR``, else ``reference/``
next to the ``numlearn`` package (a source checkout or an editable install).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "ENV_VAR",
    "MANIFEST",
    "ReferenceBuildError",
    "ReferenceIntegrityError",
    "checked_bytes",
    "load_checked_bytes",
    "read_manifest",
    "reference_directory",
    "register_files",
    "sha256_of",
    "write_manifest",
]

MANIFEST = "MANIFEST.sha256"
ENV_VAR = "NUMLEARN_REFERENCE_DIR"


class ReferenceIntegrityError(RuntimeError):
    """A reference file is missing from the manifest, altered, or malformed."""


class ReferenceBuildError(ArithmeticError):
    """The two independent computations of a reference value disagree."""


def reference_directory(directory: str | os.PathLike[str] | None = None, *,
                        must_exist: bool = True) -> Path:
    """The reference directory: ``directory``, ``$NUMLEARN_REFERENCE_DIR`` or the repo's.

    Raises
    ------
    FileNotFoundError
        If ``must_exist`` and the directory does not exist; the message says how to
        point numlearn to one or how to build one.
    """
    if directory is not None:
        path, origin = Path(directory), "the `directory` argument"
    elif os.environ.get(ENV_VAR):
        path, origin = Path(os.environ[ENV_VAR]), f"${ENV_VAR}"
    else:  # numlearn/_core/store.py -> the folder that holds the numlearn package
        path = Path(__file__).resolve().parents[2] / "reference"
        origin = "the numlearn source tree"
    if must_exist and not path.is_dir():
        raise FileNotFoundError(
            f"reference directory {path} (from {origin}) does not exist. Set {ENV_VAR} "
            "to the `reference/` folder of a numlearn checkout, or create the data with "
            "`numlearn reference build` (numlearn.reference.build_references)."
        )
    return path


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


def write_manifest(directory: Path, entries: dict[str, str]) -> None:
    """Write ``MANIFEST.sha256`` (sorted by filename, ``sha256sum`` format)."""
    text = "".join(f"{h}  {name}\n" for name, h in sorted(entries.items()))
    (directory / MANIFEST).write_text(text)


def register_files(
    filenames: Iterable[str], directory: str | os.PathLike[str] | None = None
) -> dict[str, str]:
    """Add (or refresh) the sha256 of existing data files in ``MANIFEST.sha256``.

    ``filenames`` are relative to the reference directory, with ``/`` as separator.
    Returns the manifest after the update.
    """
    d = reference_directory(directory)
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
    ReferenceIntegrityError
        If the file is missing, unlisted in the manifest, or altered.
    """
    d = reference_directory(directory)
    return checked_bytes(d, filename, read_manifest(d))

