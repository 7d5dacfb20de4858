"""Tests of numlearn.reference.burgers: the builder's third method and its file writer."""

import io
import zipfile

import mpmath
import numpy as np
import pytest

from numlearn._core.store import reference_directory
from numlearn.problems.burgers_mp import burgers_solution_mp
from numlearn.reference import burgers as rb
from numlearn.reference._files import npz_bytes


def test_npz_writer_reproduces_the_committed_archives():
    # Both PDE archives, re-written from their own arrays, come out byte for byte: the
    # writer (fixed time stamps, stored or deflated) is what makes rebuilds reproducible.
    for name, deflate in (("pdes/burgers.npz", False), ("pdes/poisson2d_c.npz", True)):
        raw = (reference_directory() / name).read_bytes()
        zf = zipfile.ZipFile(io.BytesIO(raw))
        arrays = {n[:-4]: np.load(io.BytesIO(zf.read(n))) for n in zf.namelist()}
        assert npz_bytes(arrays, deflate=deflate) == raw, name


@pytest.mark.slow
def test_oracle_against_mpmath_quad():
    # A third method (Gauss-Legendre, adaptive degree, unit subintervals).
    for t, x in ((0.5, 0.3), (0.8, -2e-4)):
        with mpmath.workdps(40):
            assert abs(rb._mp_quad(t, x) - burgers_solution_mp(t, x)) <= mpmath.mpf(10) ** -30
