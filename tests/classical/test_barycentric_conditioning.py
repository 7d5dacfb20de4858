"""The conditioning estimate of the second barycentric formula (issue 13 item 8), complex
points on nodes (item 14) and zero value columns: against mpmath and SciPy.

The truth for the Lebesgue function is the explicit Lagrange products in mpmath at 60
digits, never the barycentric kernel under test.
"""

import warnings

import mpmath
import numpy as np
import pytest
from scipy.interpolate import BarycentricInterpolator as ScipyBarycentricInterpolator

from numlearn import EPS, IllConditionedWarning
from numlearn.classical import (
    BarycentricInterpolator,
    barycentric_eval,
    barycentric_eval_first,
    barycentric_matrix,
    chebyshev_points,
    chebyshev_weights,
    equispaced_points,
    equispaced_weights,
    lebesgue_function,
    trig_barycentric_eval,
)
from numlearn.classical.barycentric import LEBESGUE_WARN


def _lagrange_mp(nodes: np.ndarray, t: float) -> list:
    """The Lagrange basis l_j(t) of the float64 nodes, in mpmath at the current dps."""
    xm = [mpmath.mpf(float(v)) for v in nodes]
    tm = mpmath.mpf(float(t))
    out = []
    for j, xj in enumerate(xm):
        lj = mpmath.mpf(1)
        for k, xk in enumerate(xm):
            if k != j:
                lj *= (tm - xk) / (xj - xk)
        out.append(lj)
    return out


def _lebesgue_mp(nodes: np.ndarray, t: float) -> float:
    with mpmath.workdps(60):
        return float(sum(abs(v) for v in _lagrange_mp(nodes, t)))


def _interp_mp(nodes: np.ndarray, f: np.ndarray, t: float) -> float:
    """The exact interpolant of the float64 data at t (60 digits, rounded once)."""
    with mpmath.workdps(60):
        return float(sum(v * mpmath.mpf(float(fj))
                         for v, fj in zip(_lagrange_mp(nodes, t), f, strict=True)))


def test_equispaced_70_cubic_warns_and_the_error_is_what_the_estimate_says():
    # The reproducer: n = 70 equispaced nodes, their closed-form weights and
    # exact cubic data.  The Lebesgue function is ~1e18 between the outer nodes, so
    # the formula's roundings (about eps max|f| per term) are amplified to O(1).
    n = 70
    x = equispaced_points(n)
    f = x**3
    xe = np.linspace(-1.0, 1.0, 1001)
    with pytest.warns(IllConditionedWarning, match=r"ill-conditioned at \d+ of 1001 points"):
        p = barycentric_eval(x, equispaced_weights(n), f, xe)
    err = np.abs(p - xe**3)
    assert err.max() > 1e-3  # the silent wrong answer the warning is about
    # Where it is wrong, the mpmath Lebesgue function explains it: Higham's bound
    # (3n + 4) eps lambda(x) max|f| holds at the worst points.
    worst = np.argsort(err)[-3:]
    for i in worst:
        lam = _lebesgue_mp(x, xe[i])
        assert lam > LEBESGUE_WARN
        assert err[i] <= (3 * n + 4) * EPS * lam * np.max(np.abs(f))


def test_warning_names_the_worst_point_and_estimates_lambda():
    # Equispaced n = 40: lambda peaks near the ends (~1e10).  The kernel's estimate at
    # the point it names agrees with mpmath's to a few digits (lambda eps << 1 here, so
    # the computed denominator is still accurate).
    n = 40
    x = equispaced_points(n)
    xe = np.array([0.0, 0.5 * (x[0] + x[1]), 0.3])
    with pytest.warns(IllConditionedWarning, match=r"1 of 3 points") as rec:
        barycentric_eval(x, equispaced_weights(n), np.cos(x), xe)
    msg = str(rec[0].message)
    assert f"x = {float(xe[1])!r}" in msg
    lam_reported = float(msg.split("sum_j |l_j(x)| = ")[1].split(" ")[0])
    assert lam_reported == pytest.approx(_lebesgue_mp(x, xe[1]), rel=1e-3)


def test_outside_the_interval_warns_at_x_30():
    # Chebyshev points, n = 20, x = 30: lambda(30) = sum |l_j(30)| ~ T_19(30) ~ 1e30,
    # the second formula's denominator cancels completely (relative error ~ 1).
    n = 20
    x = chebyshev_points(n)
    w = chebyshev_weights(n)
    with pytest.warns(IllConditionedWarning, match=r"1 of 1 points.*x = 30\.0"):
        p2 = barycentric_eval(x, w, x**3, np.array([30.0]))
    assert abs(p2[0] - 27000.0) > 1e-6 * 27000.0
    # The first formula, which the message recommends, is backward stable there.
    p1 = barycentric_eval_first(x, x**3, np.array([30.0]))
    exact = _interp_mp(x, x**3, 30.0)
    assert abs(p1[0] - exact) <= 5 * n * EPS * _lebesgue_mp(x, 30.0) * 1.0


@pytest.mark.parametrize("kind", [1, 2])
def test_well_conditioned_evaluations_stay_quiet(kind):
    # Chebyshev points in their interval (lambda <= 1 + 2/pi log n) and a little
    # outside (n = 20 at x = 1.05: lambda ~ T_19(1.05) ~ 3e3) are far below 1e8.
    for n, pts in ((2000, np.linspace(-1, 1, 5001)), (20, np.array([-1.05, 1.05]))):
        x = chebyshev_points(n, kind)
        w = chebyshev_weights(n, kind)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            barycentric_eval(x, w, np.sin(x), pts)
            barycentric_eval(x, w, np.c_[np.sin(x), np.cos(x)], pts)
            barycentric_eval(x, w, np.sin(x), pts, compensated=False)


def test_estimate_matches_lebesgue_function_for_moderate_lambda():
    # lambda eps << 1: the kernel's by-product equals the standalone Lebesgue function
    # (same terms) to rounding, and both match mpmath.
    n = 30
    x = equispaced_points(n)
    w = equispaced_weights(n)
    xe = np.array([-0.99, -0.5, 0.01, 0.77])
    lam = lebesgue_function(x, w, xe)
    for t, v in zip(xe, lam, strict=True):
        assert v == pytest.approx(_lebesgue_mp(x, t), rel=1e-8)


def test_barycentric_matrix_warns_alike():
    n = 70
    x = equispaced_points(n)
    with pytest.warns(IllConditionedWarning, match="barycentric_matrix"):
        barycentric_matrix(np.linspace(-1, 1, 101), x, equispaced_weights(n))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        barycentric_matrix(np.linspace(-1, 1, 101), chebyshev_points(70), chebyshev_weights(70))


# ------------------------------------------------------------ complex points on nodes


def test_complex_points_on_real_nodes_return_the_node_values():
    # Issue 13 item 14: this crashed with SystemError from the Numba kernel.
    n = 24
    x = chebyshev_points(n)
    w = chebyshev_weights(n)
    f = np.exp(x)
    xe = np.array([x[3], 0.3 + 0.1j, x[7], x[0]], dtype=complex)
    p = barycentric_eval(x, w, f, xe)
    assert p[0] == f[3] and p[2] == f[7] and p[3] == f[0]
    assert abs(p[1] - np.exp(0.3 + 0.1j)) < 20 * EPS
    pk = barycentric_eval(x, w, np.c_[f, 2 * f], xe)
    np.testing.assert_array_equal(pk[[0, 2, 3], 0], f[[3, 7, 0]])
    np.testing.assert_array_equal(pk[[0, 2, 3], 1], 2 * f[[3, 7, 0]])
    np.testing.assert_array_equal(lebesgue_function(x, w, xe)[[0, 2, 3]], 1.0)


def test_complex_nodes_evaluated_on_their_nodes():
    # Roots of unity: weights z_j / n (any common scale), values z_j^2.
    n = 8
    z = np.exp(2j * np.pi * np.arange(n) / n)
    w = z.copy()
    f = z**2
    p = barycentric_eval(z, w, f, np.r_[z[:3], 0.5 + 0.25j])
    np.testing.assert_array_equal(p[:3], f[:3])
    assert abs(p[3] - (0.5 + 0.25j) ** 2) < 20 * EPS
    np.testing.assert_array_equal(barycentric_eval(z, w, f, z), f)


# --------------------------------------------------------------------- zero columns


def test_zero_value_columns_give_an_empty_trailing_axis_like_scipy():
    n = 9
    x = chebyshev_points(n)
    w = chebyshev_weights(n)
    xe = np.linspace(-1, 1, 7)
    want = ScipyBarycentricInterpolator(x, np.zeros((n, 0)))(xe).shape
    assert want == (7, 0)
    assert barycentric_eval(x, w, np.zeros((n, 0)), xe).shape == want
    assert barycentric_eval_first(x, np.zeros((n, 0)), xe).shape == want
    p = BarycentricInterpolator(x, np.zeros((n, 0)), w)
    assert p(xe).shape == want and p.derivative()(xe).shape == want
    assert trig_barycentric_eval(np.zeros((n, 0)), xe).shape == want
    assert barycentric_eval(x, w, np.zeros((n, 0)), xe.reshape(7, 1)).shape == (7, 1, 0)
