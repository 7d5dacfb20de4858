"""Bad input to the directory helpers of the reference store and to the comparison of a
rebuilt directory with the shipped data: refused before any work, naming the argument."""

import pytest

from numlearn._core.store import ReferenceIntegrityError, build_directory
from numlearn.reference import verify_references
from numlearn.reference.reproduce import compare_with_shipped


@pytest.mark.parametrize("bad", [5, 2.0, ["dir"], b"dir"])
def test_build_directory_refuses_a_non_path(bad):
    with pytest.raises(TypeError, match="`directory` must be a path"):
        build_directory(bad)


@pytest.mark.parametrize("bad", ["yes", 1, None])
def test_verify_against_shipped_must_be_a_bool(bad):
    with pytest.raises(TypeError, match="against_shipped"):
        verify_references(against_shipped=bad)


def test_compare_needs_manifests(tmp_path):
    with pytest.raises(ReferenceIntegrityError, match=r"MANIFEST\.sha256 is missing"):
        compare_with_shipped(tmp_path, tmp_path)
