"""Tests of numlearn._core.store: the checksummed file store of reference/."""

import hashlib
import shutil

import pytest

from numlearn._core.store import (
    MANIFEST,
    ReferenceIntegrityError,
    load_checked_bytes,
    read_manifest,
    reference_directory,
    register_files,
)


def test_committed_files_read_back_with_their_checksums():
    d = reference_directory()
    manifest = read_manifest(d)
    assert "pdes/burgers.npz" in manifest and "runge.json" in manifest
    data = load_checked_bytes("pdes/poisson2d_c.json")
    assert hashlib.sha256(data).hexdigest() == manifest["pdes/poisson2d_c.json"]


def test_register_then_tamper(tmp_path):
    (tmp_path / "pdes").mkdir()
    (tmp_path / "pdes" / "a.bin").write_bytes(b"\x00\x01\x02")
    manifest = register_files(["pdes/a.bin"], tmp_path)  # creates the manifest
    assert manifest == {"pdes/a.bin": hashlib.sha256(b"\x00\x01\x02").hexdigest()}
    assert load_checked_bytes("pdes/a.bin", tmp_path) == b"\x00\x01\x02"
    (tmp_path / "pdes" / "a.bin").write_bytes(b"\x00\x01\x03")
    with pytest.raises(ReferenceIntegrityError, match=r"a\.bin was altered"):
        load_checked_bytes("pdes/a.bin", tmp_path)
    (tmp_path / "b.json").write_text("{}")
    with pytest.raises(ReferenceIntegrityError, match="not listed"):
        load_checked_bytes("b.json", tmp_path)
    with pytest.raises(FileNotFoundError, match="cannot register"):
        register_files(["nothing.json"], tmp_path)


def test_manifest_errors(tmp_path):
    copy = tmp_path / "reference"
    shutil.copytree(reference_directory(), copy)
    (copy / MANIFEST).write_text("not a checksum  runge.json\n")
    with pytest.raises(ReferenceIntegrityError, match="line 1: malformed"):
        load_checked_bytes("runge.json", copy)
    (copy / MANIFEST).unlink()
    with pytest.raises(ReferenceIntegrityError, match=r"MANIFEST\.sha256 is missing"):
        load_checked_bytes("runge.json", copy)


def test_directory_resolution(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match="NUMLEARN_REFERENCE_DIR"):
        reference_directory(missing)
    assert reference_directory(missing, must_exist=False) == missing
    monkeypatch.setenv("NUMLEARN_REFERENCE_DIR", str(tmp_path))
    assert reference_directory() == tmp_path
