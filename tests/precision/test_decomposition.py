"""Tests of numlearn.precision.decomposition."""

import json

import numpy as np
import pytest

from numlearn import EPS
from numlearn.precision import (
    TERMS,
    ErrorDecomposition,
    interpolation_decomposition,
    max_abs,
    mp_barycentric,
    mp_evaluate,
    rel_l2,
    rmse,
)
from numlearn.problems import get_target
from numlearn.reference import load_reference


def _four(rng, n=200):
    u = rng.standard_normal(n)
    u_best = u + 1e-6 * rng.standard_normal(n)
    u_disc = u_best + 1e-9 * rng.standard_normal(n)
    u_learned = u_disc + 1e-4 * rng.standard_normal(n)
    return u, u_best, u_disc, u_learned


def test_telescopes_on_random_arrays(rng):
    for _ in range(20):
        arrays = _four(rng)
        d = ErrorDecomposition(*arrays, grid_name="200 random points")
        assert d.telescopes
        # Rounding only: a few eps of the magnitudes (|u| ~ 1, rel_l2 divides by ~sqrt(200)).
        assert d.residual <= 4 * EPS
        assert d.dominant == "optimization"


@pytest.mark.parametrize(("norm", "metric"), [("rel_l2", rel_l2), ("rmse", rmse),
                                               ("max", max_abs)])
def test_norms_match_metrics(rng, norm, metric):
    u, ub, ud, ul = _four(rng)
    d = ErrorDecomposition(u, ub, ud, ul, grid_name="g", norm=norm)
    scale = np.linalg.norm(u) if norm == "rel_l2" else 1.0

    def m(a, b):
        # rel_l2 of a term is relative to ||u||, not to ||a||.
        return metric(a, b) * np.linalg.norm(a) / scale if norm == "rel_l2" else metric(a, b)

    assert d.representation == pytest.approx(m(u, ub), rel=1e-12)
    assert d.conditioning == pytest.approx(m(ub, ud), rel=1e-12)
    assert d.optimization == pytest.approx(m(ud, ul), rel=1e-12)
    assert d.total == pytest.approx(m(u, ul), rel=1e-12)


def test_floor_str_and_dict(rng):
    u, ub, ud, ul = _four(rng)
    labels = {"conditioning": "least-squares solve (QR)"}
    d = ErrorDecomposition(u, ub, ud, ul, grid_name="Chebyshev grid 41x41", cond=1e4,
                           labels=labels)
    assert d.floor == pytest.approx(1e4 * EPS)
    text = str(d)
    for t in TERMS:
        assert t in text
    for piece in ("Chebyshev grid 41x41", "least-squares solve (QR)", "optimization",
                  "u_best - u_disc", "total", "cond*eps", "telescoping residual"):
        assert piece in text
    doc = d.as_dict()
    json.dumps(doc)
    assert doc["terms"]["conditioning"]["label"] == "least-squares solve (QR)"
    assert doc["terms"]["representation"]["value"] == d.representation
    assert doc["conditioning_floor"] == d.floor and doc["grid"] == "Chebyshev grid 41x41"
    assert "ErrorDecomposition(" in repr(d)
    # max norm: the floor is scaled by max|u|
    dm = ErrorDecomposition(2 * u, ub, ud, ul, grid_name="g", cond=10.0, norm="max")
    assert dm.floor == pytest.approx(10 * EPS * np.max(np.abs(2 * u)))


def test_float32_uses_float32_eps(rng):
    u = rng.standard_normal(10).astype(np.float32)
    d = ErrorDecomposition(u, u, u, u + np.float32(1e-3), grid_name="g", cond=2.0)
    assert d.eps == np.finfo(np.float32).eps
    assert d.telescopes


def test_overflow_breaks_telescoping():
    big = np.array([1e308, 1.0])
    d = ErrorDecomposition(big, -big, big, big, grid_name="g", norm="max")
    assert not d.telescopes
    assert "FAILED" in str(d)


def test_validation(rng):
    u, ub, ud, ul = _four(rng, 5)
    with pytest.raises(ValueError, match="`u_disc` must have the shape"):
        ErrorDecomposition(u, ub, ud[:4], ul, grid_name="g")
    with pytest.raises(ValueError, match="`u_learned` must be finite"):
        ErrorDecomposition(u, ub, ud, np.full(5, np.nan), grid_name="g")
    with pytest.raises(ValueError, match="norm"):
        ErrorDecomposition(u, ub, ud, ul, grid_name="g", norm="l1")
    with pytest.raises(ValueError, match="labels"):
        ErrorDecomposition(u, ub, ud, ul, grid_name="g", labels={"rounding": "x"})
    with pytest.raises(ValueError, match="cond"):
        ErrorDecomposition(u, ub, ud, ul, grid_name="g", cond=0.5)
    with pytest.raises(ValueError, match="identically zero"):
        ErrorDecomposition(np.zeros(5), ub, ud, ul, grid_name="g")
    with pytest.raises(TypeError, match="grid_name"):
        ErrorDecomposition(u, ub, ud, ul, grid_name="")


def _bary64(x, nodes, w, f):
    """Plain float64 second barycentric formula (no exact-hit handling: x avoids nodes)."""
    q = w / (x[:, None] - nodes[None, :])
    return (q @ f) / q.sum(axis=1)


def test_interpolation_decomposition_end_to_end(rng):
    # exp on [-1, 1] at n = 12 Chebyshev points of the second kind: the interpolation
    # error is about 2e-12, far above rounding, and the float64 kernel's rounding must
    # stay below Higham's bound (3n + 4) * Lambda_n * eps * max|f|.
    n = 12
    m = n - 1
    nodes = np.sin(np.pi * np.arange(-m, m + 1, 2) / (2 * m))
    w = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    w[[0, -1]] *= 0.5
    target = get_target("exp")
    f_nodes = mp_evaluate(target, nodes).values  # exact values rounded once
    ref = load_reference("exp")
    x = ref.points[1:-1]  # the endpoints are nodes
    f_exact = ref.values_float64[1:-1]
    interp_mp = mp_barycentric(x, nodes, w, f_nodes).values
    interp_64 = _bary64(x, nodes, w, f_nodes)
    lebesgue = 2 / np.pi * np.log(n) + 1  # upper bound for Chebyshev points

    d = interpolation_decomposition(f_exact, u_best=interp_mp, u_disc=interp_64,
                                    grid_name="199 points", cond=lebesgue, norm="max")
    assert d.telescopes
    # For a fast-converging series the interpolation error is dominated by the first
    # neglected coefficient, folded in by aliasing: |a_n| <= error <= 4 |a_n|.
    a_n = abs(ref.coefficients_float64[n])
    assert a_n <= d.representation <= 4 * a_n
    assert d.conditioning <= (3 * n + 4) * d.floor
    assert d.optimization == 0.0
    assert "none (classical interpolant)" in str(d)
    assert d.total == pytest.approx(max_abs(f_exact, interp_64))

    learned = interp_64 + 1e-7 * rng.standard_normal(x.size)
    dl = interpolation_decomposition(f_exact, u_best=interp_mp, u_disc=interp_64,
                                     u_learned=learned, grid_name="199 points")
    assert dl.dominant == "optimization"
    assert dl.representation == pytest.approx(rel_l2(f_exact, interp_mp), rel=1e-12)
    assert "training" in dl.labels["optimization"]
