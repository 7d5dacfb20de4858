"""Tests of numlearn._core.store: the checksummed file store of reference/."""

import hashlib
import shutil
from fractions import Fraction

import numpy as np
import pytest

from numlearn._core.store import (
    MANIFEST,
    ReferenceFormatError,
    ReferenceIntegrityError,
    check_decimal_rounding,
    format_error,
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


# ---------------------------------------------------------------------------------
# check_decimal_rounding, against Python's exact rational arithmetic


def test_decimal_rounding_accepts_the_correct_rounding_only():
    # Oracle: float(Fraction(decimal)) is the correctly rounded float64 (integer
    # true division), independent of the Decimal-interval test under check.
    rng = np.random.default_rng(13)
    decimals = [f"{d}.{''.join(map(str, rng.integers(0, 10, 31)))}e{e:+d}"
                for d, e in zip(rng.integers(1, 10, 200), rng.integers(-300, 300, 200),
                                strict=True)]
    decimals = [("-" if i % 3 == 0 else "") + d for i, d in enumerate(decimals)]
    exact = np.array([float(Fraction(d)) for d in decimals])
    check_decimal_rounding(decimals, exact, "f.json", "dec", "f64")
    for direction in (np.inf, -np.inf):
        for i in (0, 77, 199):
            off = exact.copy()
            off[i] = np.nextafter(off[i], direction)
            with pytest.raises(ReferenceFormatError, match=rf"f\.json: `f64\[{i}\]`"):
                check_decimal_rounding(decimals, off, "f.json", "dec", "f64")


def test_decimal_rounding_interval_of_short_decimals_and_zero():
    # "1.5e-1" stands for [0.145, 0.155]: any float64 there is a rounding of it.
    check_decimal_rounding(["1.5e-1"], np.array([0.1549]), "f", "d", "v")
    with pytest.raises(ReferenceFormatError, match="not the float64 rounding"):
        check_decimal_rounding(["1.5e-1"], np.array([0.1551]), "f", "d", "v")
    # A stored zero (below the resolution) demands 0.0.
    check_decimal_rounding(["0.0e+0"], np.array([-0.0]), "f", "d", "v")
    with pytest.raises(ReferenceFormatError, match="not the float64 rounding"):
        check_decimal_rounding(["0.0e+0"], np.array([5e-324]), "f", "d", "v")
    # atol: a float64 approximation within atol of the decimal.
    check_decimal_rounding(["0.25"], np.array([0.25 + 1e-16]), "f", "d", "v", atol=2e-16)
    with pytest.raises(ReferenceFormatError, match=r"differs from `d\[0\]` = 0\.25"):
        check_decimal_rounding(["0.25"], np.array([0.25 + 4e-16]), "f", "d", "v", atol=2e-16)
    with pytest.raises(ReferenceFormatError, match=r"`v` has 2 entries, `d` 1"):
        check_decimal_rounding(["0.25"], np.array([0.25, 0.5]), "f", "d", "v")
    for bad in ("nan", "inf", "x", 0.25, None):
        with pytest.raises(ReferenceFormatError, match=r"`d\[0\]` is"):
            check_decimal_rounding([bad], np.array([0.25]), "f", "d", "v")


def test_format_error_is_a_value_error_and_an_integrity_error():
    err = format_error("dir/a.json", "x.y", "is wrong")
    assert isinstance(err, ValueError) and isinstance(err, ReferenceIntegrityError)
    assert str(err).startswith("dir/a.json: `x.y` is wrong.")
