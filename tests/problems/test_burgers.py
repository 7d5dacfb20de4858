"""Tests of numlearn.problems.burgers: the Cole-Hopf solution of the Burgers benchmark,
its mpmath oracle and the stored reference in reference/pdes/."""

import math
import shutil

import mpmath
import numpy as np
import pytest

from numlearn._core.store import ReferenceIntegrityError, reference_directory
from numlearn.precision import OracleDisagreementError
from numlearn.problems import burgers_mp as bmp
from numlearn.problems.burgers import (
    NU,
    basdevant_minimum,
    burgers_front_slope,
    burgers_solution,
    load_burgers_reference,
)
from numlearn.problems.burgers_mp import burgers_front_slope_mp, burgers_solution_mp
from numlearn.problems.pdes import Burgers

EPS = np.finfo(float).eps
# Accuracy claimed for the float64 solution: its error is rounding of the quadrature
# weights' exponents (up to 2a + 14^2 ~ 300 in size, so ~300 eps = 7e-14 absolute per
# exponent at worst), which enters u as a weighted average over hundreds of nodes,
# scaled by 4 nu/s * spread(zeta) <= 1.  50 eps = 1.1e-14 leaves a factor ~17 over the
# largest error measured (6.5e-16 on 219 points) and is 100 times below 1e-12.
ATOL = 50 * EPS


def _oracle_sample(rng):
    """(t, x) pairs: near the front, small t, anywhere, and a few fixed extremes."""
    front = [(float(t), float(s * 10.0**e)) for t, e, s in
             zip(rng.uniform(0.3, 1.0, 4), rng.uniform(-6, -3, 4), rng.choice([-1, 1], 4),
                 strict=True)]
    small = [(float(10.0**e), float(x)) for e, x in
             zip(rng.uniform(-12, -2, 3), rng.uniform(-1, 1, 3), strict=True)]
    anywhere = [(float(t), float(x)) for t, x in
                zip(rng.uniform(0, 1, 4), rng.uniform(-1, 1, 4), strict=True)]
    fixed = [(0.51046976, 0.01), (1.0, 1 - 2.0**-30), (5e-324, 0.3)]
    return front + small + anywhere + fixed


def test_float64_matches_mpmath_oracle(rng):
    pts = _oracle_sample(rng)
    t = np.array([p[0] for p in pts])
    x = np.array([p[1] for p in pts])
    u = burgers_solution(t, x)
    for (tv, xv), uv in zip(pts, u, strict=True):
        exact = burgers_solution_mp(tv, xv, 30)
        err = float(abs(mpmath.mpf(float(uv)) - exact))
        assert err <= ATOL, (tv, xv, float(uv), mpmath.nstr(exact, 25), err)


def test_initial_condition_exact_and_continuous(rng):
    x = np.concatenate([rng.uniform(-1, 1, 50), [-1.0, -0.5, 0.0, 0.5, 1.0]])
    u0 = burgers_solution(np.zeros_like(x), x)
    with mpmath.workdps(40):
        exact = np.array([float(-mpmath.sinpi(mpmath.mpf(v))) for v in x])
    # -sin(pi x) with an exact argument reduction: within an ulp of the true value.
    assert np.all(np.abs(u0 - exact) <= np.spacing(np.abs(exact)) + 1e-300)
    assert u0[-5:].tolist() == [0.0, 1.0, 0.0, -1.0, 0.0]
    # Continuity at t = 0+: |u_t| <= pi/2 + nu pi^2 < 2, so u moves by < 2 t.
    u_small = burgers_solution(1e-10, x)
    assert np.max(np.abs(u_small - u0)) <= 2e-10 + ATOL


def test_boundary_values_symmetry_and_periodicity():
    t = np.linspace(0, 1, 201)
    # sin(pi x) vanishes exactly at x = +-1 after the exact reduction, so the odd part
    # of the Cole-Hopf integral is exactly zero there.
    assert np.all(burgers_solution(t, 1.0) == 0.0)
    assert np.all(burgers_solution(t, -1.0) == 0.0)
    tt = t[::20, None]
    x = np.linspace(0, 1, 37)[None, :]
    u = burgers_solution(tt, x)
    np.testing.assert_array_equal(burgers_solution(tt, -x), -u)  # odd in x, exactly
    # 2-periodic: x + 2 is x moved by at most one rounding (2.2e-16 near 3), which moves
    # u by at most max|u_x| (152) times that.
    shifted = burgers_solution(tt, x + 2.0)
    assert np.max(np.abs(shifted - u)) <= 152 * 2.3e-16 + ATOL


def test_pde_residual_of_the_cole_hopf_integral():
    # The oracle's integral, differentiated by mpmath.diff (finite differences at raised
    # precision), satisfies u_t + u u_x = nu u_xx: checks the representation itself
    # (kernel width 4 nu t vs the viscosity, the factor 1/t), independent of float64.
    with mpmath.workdps(30):
        nu = bmp._mp_nu(None)

        def f(t, x):
            return bmp._mp_cole_hopf(t, x, nu)

        for t, x in ((0.25, 0.4), (0.6, 0.01)):
            tm, xm = mpmath.mpf(t), mpmath.mpf(x)
            u = f(tm, xm)
            ut = mpmath.diff(f, (tm, xm), (1, 0))
            ux = mpmath.diff(f, (tm, xm), (0, 1))
            uxx = mpmath.diff(f, (tm, xm), (0, 2))
            scale = max(abs(ut), abs(u * ux), abs(nu * uxx))
            assert abs(ut + u * ux - nu * uxx) <= mpmath.mpf(10) ** -25 * scale, (t, x)


def test_basdevant_steepest_gradient():
    t_star, slope = basdevant_minimum()
    # Basdevant et al. (1986): min u_x(0, t) = -152.00516 at pi t = 1.6037.
    assert abs(slope - (-152.00516)) <= 5e-6
    assert round(math.pi * t_star, 4) == 1.6037
    # The integrated-by-parts float64 slope vs mpmath.diff of the oracle's integral.
    mp_slope = burgers_front_slope_mp(t_star, 30)
    assert abs(burgers_front_slope(t_star) - float(mp_slope)) <= 100 * EPS * 152
    # Small t: the slope of -sin(pi x) at 0 is -pi.
    assert abs(burgers_front_slope(1e-9) + math.pi) <= 1e-7


def test_stored_reference_loads_and_matches():
    t, x, u, meta = load_burgers_reference()
    tg, xg = Burgers().evaluation_grid()
    np.testing.assert_array_equal(t, tg)
    np.testing.assert_array_equal(x, xg)
    assert u.shape == (201, 511) and u.dtype == np.float64
    assert meta["format"] == "numlearn-burgers-reference/1"
    # Recompute a subset of rows (t = 0, 0.005, 0.3, 0.51, 1) and a few columns.
    rows = [0, 1, 60, 102, 200]
    again = burgers_solution(t[rows, None], x[None, :])
    assert np.max(np.abs(again - u[rows])) <= ATOL
    # The file's own claims.
    assert float(meta["self_convergence"]["max_abs_change_halving_h"]) <= ATOL
    assert float(meta["mpmath_sample"]["max_abs_deviation_float64"]) <= ATOL
    assert abs(float(meta["basdevant_check"]["min_u_x"]) + 152.00516) <= 5e-6
    # Its 30-digit oracle values agree with the stored grid values...
    points = meta["mpmath_sample"]["points"]
    assert len(points) >= 50
    near_front = [p for p in points if p["why"] == "near the front"]
    assert all(0.3 <= float.fromhex(p["t"]) <= 1 and abs(float.fromhex(p["x"])) <= 1e-3
               for p in near_front) and len(near_front) >= 10
    for p in points:
        if "grid_index" in p:
            i, j = p["grid_index"]
            assert abs(float(mpmath.mpf(p["u"])) - u[i, j]) <= ATOL, p
    # ...and are right: three of them recomputed by the oracle.
    for p in (points[0], near_front[0], points[-1]):
        v = burgers_solution_mp(float.fromhex(p["t"]), float.fromhex(p["x"]), 30)
        with mpmath.workdps(40):
            assert abs(mpmath.mpf(p["u"]) - v) <= mpmath.mpf(10) ** -29, p


@pytest.mark.parametrize("name", ["pdes/burgers.npz", "pdes/burgers.json"])
def test_tampered_reference_is_refused(tmp_path, name):
    copy = tmp_path / "reference"
    shutil.copytree(reference_directory(), copy)
    load_burgers_reference(copy)  # the pristine copy loads
    path = copy / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit flipped (inside u's data / the sample)
    path.write_bytes(bytes(data))
    with pytest.raises(ReferenceIntegrityError, match=r"burgers\.(npz|json) was altered"):
        load_burgers_reference(copy)
    path.unlink()
    with pytest.raises(ReferenceIntegrityError, match="listed in the manifest but missing"):
        load_burgers_reference(copy)


def test_scalar_shape_and_problem_wiring():
    v = burgers_solution(0.5, 0.3)
    assert isinstance(v, np.float64) and v.shape == ()
    u = burgers_solution(np.array([[0.1], [0.2]]), np.array([0.1, 0.2, 0.3]))
    assert u.shape == (2, 3) and u.dtype == np.float64
    # float32 and integer input are taken as the numbers they are.
    assert burgers_solution(np.float32(0.5), 0) == 0.0
    assert burgers_solution(np.float32(0.25), 0.5) == burgers_solution(0.25, 0.5)
    p = Burgers()
    t, x = np.array([0.0, 0.5, 1.0]), np.array([-0.5, 0.0, 0.7])
    np.testing.assert_array_equal(p.solution(t, x), burgers_solution(t, x, nu=NU))
    assert p.params["nu"] == NU and 1 / (2 * math.pi * NU) == 50.0


def test_oracle_disagreement_names_the_point(monkeypatch):
    real = bmp._mp_cole_hopf

    def drifting(t, x, nu, refine=1.0):  # an error that depends on the precision
        return real(t, x, nu, refine) + (mpmath.mpf(10) ** -20 if refine == 1.0 else 0)

    monkeypatch.setattr(bmp, "_mp_cole_hopf", drifting)
    with pytest.raises(OracleDisagreementError, match=r"\(t, x\) = \(0\.5, 0\.25\)"):
        burgers_solution_mp(0.5, 0.25, 30)


@pytest.mark.parametrize(
    ("kwargs", "err", "match"),
    [
        ({"t": np.nan, "x": 0.1}, ValueError, "`t` must be finite"),
        ({"t": 0.5, "x": [0.1, np.inf]}, ValueError, "`x` must be finite"),
        ({"t": [0.5, -1e-3], "x": 0.1}, ValueError, "`t` must be >= 0"),
        ({"t": 0.5 + 0j, "x": 0.1}, TypeError, "`t` must be real"),
        ({"t": "0.5", "x": 0.1}, TypeError, "`t` must have a numeric dtype"),
        ({"t": [], "x": 0.1}, ValueError, "`t` is empty"),
        ({"t": [0.1, 0.2], "x": [0.1, 0.2, 0.3]}, ValueError, "do not broadcast"),
        ({"t": 0.5, "x": 0.1, "nu": 0.0}, ValueError, "`nu` must be a finite positive"),
        ({"t": 0.5, "x": 0.1, "nu": np.nan}, ValueError, "`nu` must be a finite positive"),
        ({"t": 0.5, "x": 0.1, "resolution": 0}, ValueError, "`resolution` must be >= 1"),
        ({"t": 0.5, "x": 0.1, "window": -1.0}, ValueError, "`window` must be a finite positive"),
    ],
)
def test_bad_input(kwargs, err, match):
    with pytest.raises(err, match=match):
        burgers_solution(**kwargs)


def test_bad_input_oracle_and_slope():
    with pytest.raises(ValueError, match="`t` must be >= 0"):
        burgers_solution_mp(-0.1, 0.2)
    with pytest.raises(ValueError, match="`x` must be finite"):
        burgers_solution_mp(0.1, float("nan"))
    with pytest.raises(ValueError, match="`dps` must be >= 15"):
        burgers_solution_mp(0.1, 0.2, 10)
    with pytest.raises(ValueError, match="`check_dps` must be >= 31"):
        burgers_solution_mp(0.1, 0.2, 30, check_dps=30)  # the rule is told by the precision
    with pytest.raises(ValueError, match="`t` must be > 0"):
        burgers_front_slope([0.5, 0.0])


@pytest.mark.slow
def test_self_convergence_on_the_grid():
    t, x = Burgers().evaluation_grid()
    u = burgers_solution(t[:, None], x[None, :])
    finer = burgers_solution(t[:, None], x[None, :], resolution=80)
    wider = burgers_solution(t[:, None], x[None, :], window=20.0)
    assert np.max(np.abs(finer - u)) <= 10 * EPS
    assert np.max(np.abs(wider - u)) <= 10 * EPS
