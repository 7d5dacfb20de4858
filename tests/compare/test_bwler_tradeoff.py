"""Experiment 4 at tiny sizes: the three terms telescope to the total, the floor is
cond(A) eps of the classical system, Gauss-Newton reaches it and Adam does not."""

import numpy as np
import pytest

pytest.importorskip("torch")

from numlearn.classical.spectral.spacetime import spacetime_system
from numlearn.compare.studies.bwler_tradeoff import (
    bwler_tradeoff,
    format_tradeoff,
    tradeoff_phases,
)

EPS = np.finfo(np.float64).eps


@pytest.fixture(scope="module")
def rows():
    return bwler_tradeoff("convection", [7], optimizers=("adam", "gauss_newton"),
                          scale=0.05)


def test_terms_telescope_and_floor(rows):
    A = spacetime_system("convection", 7, 6, weights="paper").A
    cond = np.linalg.cond(A)
    for r in rows:
        assert (r["nt"], r["nx"], r["parameters"]) == (7, 6, 42)
        assert r["telescopes"] and r["residual"] <= 4 * EPS * 4
        # |total - (sum of the terms)| <= the sum (triangle inequality), equal parts
        assert r["total"] <= r["representation"] + r["conditioning"] + \
            r["optimization"] + 4 * EPS
        assert r["cond"] == pytest.approx(cond, rel=1e-8)
        assert r["floor"] == pytest.approx(cond * EPS, rel=1e-8)
    by = {r["optimizer"]: r for r in rows}
    # Gauss-Newton (normal equations, refined) reaches the QR minimiser to the floor
    assert by["gauss_newton"]["optimization"] <= 10 * by["gauss_newton"]["floor"]
    assert by["gauss_newton"]["loss"] - by["gauss_newton"]["loss_min"] <= \
        10 * EPS * cond * max(1.0, by["gauss_newton"]["loss_min"])
    # a few Adam steps stall far above it
    assert by["adam"]["optimization"] > 1e3 * by["gauss_newton"]["optimization"]
    # the shared terms do not depend on the optimiser
    assert by["adam"]["representation"] == by["gauss_newton"]["representation"]
    assert by["adam"]["conditioning"] == by["gauss_newton"]["conditioning"]


def test_table(rows):
    text = format_tradeoff(rows)
    assert "gauss_newton" in text and "7x6" in text


def test_bad_input():
    with pytest.raises(ValueError, match="optimizers"):
        bwler_tradeoff("convection", [7], optimizers=("sgd",))
    with pytest.raises(ValueError, match="sizes"):
        bwler_tradeoff("convection", [])
    with pytest.raises(TypeError, match="sizes"):
        bwler_tradeoff("convection", [7.5])
    with pytest.raises(ValueError, match="optimizers"):
        tradeoff_phases("sgd", 10)
