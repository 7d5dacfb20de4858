"""ETDRK4 (numlearn.classical.spectral.etdrk4): coefficients and the integrator.

Oracles: mpmath phi-functions for the coefficients; a hand-written classical RK4
(ETDRK4 with L = 0 is RK4); a manufactured solution for the dense (Chebyshev) path.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

from numlearn import Result, Status
from numlearn._core.result import check_stats
from numlearn._core.validation import EPS
from numlearn.classical.differentiation import chebyshev_diffmat
from numlearn.classical.nodes import chebyshev_points
from numlearn.classical.spectral.etdrk4 import ETDRK4_MAX_STEPS, etdrk4, etdrk4_coefficients

from .orders import observed_orders

NU = 0.01 / math.pi


def _phi(k: int, z: complex) -> mp.mpc:
    """phi_k(z) = (e^z - sum_{j<k} z^j/j!) / z^k with enough digits for the cancellation."""
    z = mp.mpc(z)
    if z == 0:
        return mp.mpf(1) / mp.factorial(k)
    extra = int(max(0.0, -float(mp.log10(abs(z))))) * k
    with mp.workdps(40 + extra):
        s = mp.exp(z) - mp.fsum(z**j / mp.factorial(j) for j in range(k))
        return +(s / z**k)


def _exact_coefficients(z: complex) -> list[complex]:
    """Q, f1, f2, f3 for h = 1 (Cox-Matthews in phi-function form), via mpmath."""
    with mp.workdps(40):
        p1, p2, p3 = (_phi(k, z) for k in (1, 2, 3))
        return [complex(_phi(1, z / 2) / 2), complex(p1 - 3 * p2 + 4 * p3),
                complex(p2 - 2 * p3), complex(4 * p3 - p2)]


REAL_Z = [0.0, 1e-10, -1e-10, -0.3, -0.5, -0.9, -0.99, -1.0, -1.01, -1.2, -1.5, -3.0,
          -50.0, -1e4, 0.99, 1.0, 1.01, 5.0, 20.0]
# Points with |z| near 1 in many directions: there a node of the plain radius-1
# contour comes within pi/M of 0 (Kassam-Trefethen's contour loses up to 8e5 eps).
COMPLEX_Z = ([np.exp(1j * th) for th in np.linspace(0.1, 6.2, 13)]
             + [0.7 * np.exp(0.4j), 1.3 * np.exp(2.5j), 3j, -3j, -2 + 5j, -40 + 1j, 1e-9j])


@pytest.mark.parametrize("M", [32, 64])
@pytest.mark.parametrize("kind", ["real", "complex"])
def test_coefficients_match_mpmath(M: int, kind: str) -> None:
    z = np.array(REAL_Z) if kind == "real" else np.array(COMPLEX_Z, dtype=complex)
    c = etdrk4_coefficients(z, 1.0, contour_points=M)
    exact = np.array([_exact_coefficients(complex(v)) for v in z]).T
    # Every contour node w has |w| >= 1/2; there the summation condition number of the
    # numerators (sum of |terms| / |sum|) is at most 642 (f1, f3), 246 (f2), 4 (Q).
    # Rounding therefore stays below about 1e3 eps relative.
    tol = 1000 * EPS
    for name, ref in zip(("Q", "f1", "f2", "f3"), exact, strict=True):
        got = getattr(c, name)
        assert got.dtype == (np.float64 if kind == "real" else np.complex128)
        rel = np.abs(got - ref) / np.abs(ref)
        assert rel.max() <= tol, (name, z[np.argmax(rel)], rel.max() / EPS)
    np.testing.assert_array_equal(c.E, np.exp(z))
    np.testing.assert_array_equal(c.E2, np.exp(z / 2))


def test_dense_coefficients_match_mpmath_matrix_functions() -> None:
    rng = np.random.default_rng(3)
    n = 5
    for scale in (0.5, 30.0):
        A = rng.standard_normal((n, n)) * scale / math.sqrt(n) - scale * np.eye(n)
        c = etdrk4_coefficients(A, 1.0)
        with mp.workdps(40):
            B = mp.zeros(4 * n, 4 * n)
            C = mp.zeros(2 * n, 2 * n)
            for i in range(n):
                for j in range(n):
                    B[i, j] = A[i, j]
                    C[i, j] = mp.mpf(A[i, j]) / 2
                C[i, n + i] = 1
                for k in range(3):
                    B[k * n + i, (k + 1) * n + i] = 1
            X, Y = mp.expm(B), mp.expm(C)

            def block(M: mp.matrix, col: int) -> mp.matrix:
                return mp.matrix([[M[i, col * n + j] for j in range(n)] for i in range(n)])

            p1, p2, p3 = block(X, 1), block(X, 2), block(X, 3)
            refs = {"E": block(X, 0), "E2": block(Y, 0), "Q": block(Y, 1) / 2,
                    "f1": p1 - 3 * p2 + 4 * p3, "f2": p2 - 2 * p3, "f3": 4 * p3 - p2}
            refs = {k: np.array(v.tolist(), dtype=float) for k, v in refs.items()}
        # expm is normwise accurate to about eps * ||A|| (the condition of exp), and
        # forming f1..f3 from phi_1..phi_3 costs at most another factor 8.
        tol = 8 * EPS * (1 + np.linalg.norm(A, 2))
        for name, ref in refs.items():
            err = np.linalg.norm(getattr(c, name) - ref, 2) / np.linalg.norm(ref, 2)
            assert err <= tol, (scale, name, err / EPS)


def test_linear_part_zero_is_classical_rk4() -> None:
    def f(v: np.ndarray, t: float) -> np.ndarray:
        return np.array([v[1], -np.sin(v[0]) * (1.0 + t)])

    v, t, h = np.array([1.0, 0.3]), 0.0, 0.1
    for _ in range(10):
        k1 = f(v, t)
        k2 = f(v + h / 2 * k1, t + h / 2)
        k3 = f(v + h / 2 * k2, t + h / 2)
        k4 = f(v + h * k3, t + h)
        v = v + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t += h
    res = etdrk4([0.0, 0.0], f, [1.0, 0.3], (0.0, 1.0), 0.1)
    assert res.stats["iterations"] == 10
    check_stats(res.stats)
    # Same arithmetic up to the rounding of Q = h/2 and f_i = h/6 (1 ulp each) and
    # the order of additions: a few eps per step, 10 steps.
    np.testing.assert_allclose(res.value, v, rtol=0, atol=10 * 4 * EPS)


def test_steps_split_each_interval_evenly_and_hit_output_times() -> None:
    # u' = cos t (L = 0): RK4 integrates it; the exact answer is sin t.
    res = etdrk4([0.0], lambda v, t: np.array([math.cos(t)]), [0.0], (0.0, 1.0), 0.3,
                 save_at=[0.0, 0.5, 0.5, 1.0])
    assert isinstance(res, Result) and res.success and res.method == "etdrk4"
    assert res.value.shape == (4, 1)
    assert res.history["t"].tolist() == [0.0, 0.5, 0.5, 1.0]
    # [0, 0.5] and [0.5, 1] each take ceil(0.5/0.3) = 2 steps of 0.25 <= dt.
    assert res.stats["iterations"] == 4
    assert res.stats["dt_max"] == 0.25 and res.stats["dt"] == 0.3
    assert res.value[0, 0] == 0.0
    # RK4 on a quadrature: error <= h^4/2880 * max|f''''| * (b - a) (Simpson's rule).
    bound = 0.25**4 / 2880 * 1.0
    np.testing.assert_allclose(res.value[[1, 3], 0], np.sin([0.5, 1.0]), atol=bound)


def test_divergence_is_reported_not_raised() -> None:
    # u' = u^3, u(0) = 1 blows up at t = 1/2.
    with np.errstate(over="ignore", invalid="ignore"):
        res = etdrk4([0.0], lambda v, t: v**3, [1.0], (0.0, 1.0), 0.01, save_at=[0.25, 1.0])
    assert res.status is Status.DIVERGED
    assert not res.success
    assert np.isfinite(res.value[0]).all() and np.isnan(res.value[1]).all()


def test_callback_can_stop() -> None:
    seen: list[float] = []

    def cb(t: float, v: np.ndarray) -> bool:
        seen.append(t)
        return t >= 0.3

    res = etdrk4([-1.0], lambda v, t: 0 * v, [1.0], (0.0, 1.0), 0.1, callback=cb)
    assert res.status is Status.STOPPED_BY_CALLBACK
    assert len(seen) == 3 and res.stats["iterations"] == 3


def test_dense_fourth_order_on_manufactured_chebyshev_problem() -> None:
    # u_t = u_xx + u^2 + g(t, x) on [-1, 1], u(+-1) = 0, exact u* = e^{-t} cos(pi x/2);
    # L = interior Chebyshev D2 (stiff: ||L|| ~ 1e4), N time dependent.
    n = 16
    x = chebyshev_points(n)[1:-1]
    L = chebyshev_diffmat(n, 2)[1:-1, 1:-1]

    def exact(t: float) -> np.ndarray:
        return np.exp(-t) * np.cos(np.pi * x / 2)

    def nonlinear(u: np.ndarray, t: float) -> np.ndarray:
        s = exact(t)
        return u * u + (np.pi**2 / 4 - 1.0) * s - s * s

    errs = []
    for dt in (0.1, 0.05, 0.025):
        res = etdrk4(L, nonlinear, exact(0.0), (0.0, 1.0), dt)
        assert res.stats["coefficient_method"] == "augmented-matrix expm"
        errs.append(np.abs(res.value - exact(1.0)).max())
    orders = observed_orders(errs)
    assert np.all((orders > 3.8) & (orders < 4.2)), (errs, orders)


@pytest.mark.parametrize("kind", ["real", "complex"])
def test_dense_path_equals_diagonal_path_under_unitary_change_of_basis(kind: str) -> None:
    rng = np.random.default_rng(1)
    n = 20
    if kind == "real":
        lam = -np.logspace(0, 3, n)
        U, _ = np.linalg.qr(rng.standard_normal((n, n)))
    else:
        lam = 1j * np.linspace(-30, 30, n) - np.logspace(0, 2, n)
        U, _ = np.linalg.qr(rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n)))
    v0 = rng.standard_normal(n)

    def nd(v: np.ndarray, t: float) -> np.ndarray:
        return -v * v / 4 + np.sin(t)

    def nw(w: np.ndarray, t: float) -> np.ndarray:
        return U @ nd(U.conj().T @ w, t)

    a = etdrk4(lam, nd, v0, (0.0, 1.0), 0.05)
    b = etdrk4((U * lam) @ U.conj().T, nw, U @ v0, (0.0, 1.0), 0.05)
    # Unitary U: both runs are the same contractive map up to rounding; each step adds
    # O(n eps) from the products, over 20 steps.
    steps = a.stats["iterations"]
    assert np.abs(U @ a.value - b.value).max() <= n * steps * EPS * max(1.0, np.abs(v0).max())


def test_etdrk4_bad_input() -> None:
    def zero(v: np.ndarray, t: float) -> np.ndarray:
        return 0 * v

    with pytest.raises(ValueError, match="v0"):
        etdrk4([-1.0, -2.0], zero, [1.0, np.nan], (0, 1), 0.1)
    with pytest.raises(ValueError, match="match"):
        etdrk4([-1.0, -2.0], zero, [1.0], (0, 1), 0.1)
    with pytest.raises(ValueError, match="square"):
        etdrk4(np.ones((2, 3)), zero, [1.0, 1.0], (0, 1), 0.1)
    with pytest.raises(ValueError, match="t_span"):
        etdrk4([-1.0], zero, [1.0], (1, 0), 0.1)
    with pytest.raises(ValueError, match="non-decreasing"):
        etdrk4([-1.0], zero, [1.0], (0, 1), 0.1, save_at=[0.5, 0.2])
    with pytest.raises(ValueError, match="t_span"):
        etdrk4([-1.0], zero, [1.0], (0, 1), 0.1, save_at=[0.5, 2.0])
    with pytest.raises(ValueError, match="shape"):
        etdrk4([-1.0, -1.0], lambda v, t: v[:1], [1.0, 1.0], (0, 1), 0.1)
    with pytest.raises(TypeError, match="callable"):
        etdrk4([-1.0], "not a function", [1.0], (0, 1), 0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="overflows"):
        etdrk4_coefficients([1e4], 1.0)


@pytest.mark.parametrize("dt", [1e-300, 5e-324])
def test_etdrk4_refuses_a_step_count_beyond_the_limit_before_any_work(dt: float) -> None:
    # Issue 13: dt = 1e-300 used to step until killed.  The count is arithmetic on
    # t_span and dt, done before the nonlinear term is ever called.
    calls = []

    def nonlinear(v: np.ndarray, t: float) -> np.ndarray:
        calls.append(t)
        return 0 * v

    with pytest.raises(ValueError, match=r"`dt` = .* implies (1e\+300|inf) time steps") as e:
        etdrk4([-1.0], nonlinear, [1.0], (0.0, 1.0), dt)
    assert f"max_steps = {ETDRK4_MAX_STEPS}" in str(e.value)
    assert "raise `dt`" in str(e.value) and "`max_steps=`" in str(e.value)
    assert calls == []
    with pytest.raises(ValueError, match="implies inf time steps"):  # span overflows
        etdrk4([-1.0], nonlinear, [1.0], (-1e308, 1e308), 1.0)


def test_etdrk4_max_steps_counts_every_output_interval() -> None:
    # 100 output intervals of length 0.01 with dt = 0.1: one step each, 100 in all,
    # although t_span / dt is only 10.
    def zero(v: np.ndarray, t: float) -> np.ndarray:
        return 0 * v

    saves = np.linspace(0.0, 1.0, 101)
    with pytest.raises(ValueError, match="implies 100 time steps, more than max_steps = 99"):
        etdrk4([-1.0], zero, [1.0], (0.0, 1.0), 0.1, save_at=saves, max_steps=99)
    res = etdrk4([-1.0], zero, [1.0], (0.0, 1.0), 0.1, save_at=saves, max_steps=100)
    assert res.stats["iterations"] == 100
    # The limit is inclusive: 1000 steps of 1e-3 pass max_steps = 1000, not 999.
    assert etdrk4([-1.0], zero, [1.0], (0.0, 1.0), 1e-3, max_steps=1000).stats[
        "iterations"] == 1000
    with pytest.raises(ValueError, match="implies 1000 time steps"):
        etdrk4([-1.0], zero, [1.0], (0.0, 1.0), 1e-3, max_steps=999)


@pytest.mark.parametrize(
    ("max_steps", "exc"), [(0, ValueError), (-5, ValueError), (1.5, TypeError),
                           (True, TypeError), ("10", TypeError)],
)
def test_etdrk4_bad_max_steps(max_steps: object, exc: type) -> None:
    with pytest.raises(exc, match="max_steps"):
        etdrk4([-1.0], lambda v, t: 0 * v, [1.0], (0.0, 1.0), 0.1,
               max_steps=max_steps)  # type: ignore[arg-type]
