"""Tests for numlearn.classical.spectral.etdrk4 and .mol (ETDRK4 and the MOL solvers).

Oracles: mpmath phi-functions for the coefficients; a hand-written classical RK4
(ETDRK4 with L = 0 is RK4); the Cole-Hopf solution of Burgers
(:func:`numlearn.problems.burgers.burgers_solution`, accurate to a few 1e-16); the
exact logistic, convection and wave solutions; a manufactured solution for the dense
(Chebyshev) path.  Headline tolerances for Burgers come from the research notes'
independent measurement of the same discretisation (shared/research/spectral_pinn.md
section 2.4, "[M] Burgers ... vs Hopf-Cole").
"""

from __future__ import annotations

import itertools
import math

import mpmath as mp
import numpy as np
import pytest

from numlearn import Result, Status
from numlearn.classical.differentiation import chebyshev_diffmat
from numlearn.classical.nodes import chebyshev_points
from numlearn.classical.spectral.etdrk4 import etdrk4, etdrk4_coefficients
from numlearn.classical.spectral.mol import (
    solve_burgers_mol,
    solve_mol,
    solve_reaction_diffusion_mol,
    solve_reaction_mol,
    solve_wave_mol,
)
from numlearn.problems.burgers import burgers_solution
from numlearn.problems.pdes import Convection, Reaction, Wave

EPS = float(np.finfo(np.float64).eps)
NU = 0.01 / math.pi


def observed_orders(errors: list[float]) -> np.ndarray:
    """log2 of successive error ratios for step sizes halved each time."""
    e = np.asarray(errors)
    return np.log2(e[:-1] / e[1:])


# ------------------------------------------------------------------ coefficients


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
    assert res.stats["steps"] == 10
    # Same arithmetic up to the rounding of Q = h/2 and f_i = h/6 (1 ulp each) and
    # the order of additions: a few eps per step, 10 steps.
    np.testing.assert_allclose(res.value, v, rtol=0, atol=10 * 4 * EPS)


# ------------------------------------------------------------------ integrator mechanics


def test_steps_split_each_interval_evenly_and_hit_output_times() -> None:
    # u' = cos t (L = 0): RK4 integrates it; the exact answer is sin t.
    res = etdrk4([0.0], lambda v, t: np.array([math.cos(t)]), [0.0], (0.0, 1.0), 0.3,
                 save_at=[0.0, 0.5, 0.5, 1.0])
    assert isinstance(res, Result) and res.success and res.method == "etdrk4"
    assert res.value.shape == (4, 1)
    assert res.history["t"].tolist() == [0.0, 0.5, 0.5, 1.0]
    # [0, 0.5] and [0.5, 1] each take ceil(0.5/0.3) = 2 steps of 0.25 <= dt.
    assert res.stats["steps"] == 4
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
    assert len(seen) == 3 and res.stats["steps"] == 3


# ------------------------------------------------------------------ Burgers


@pytest.mark.parametrize(
    ("N", "dt", "tol_half", "tol_one"),
    [
        # research notes, same discretisation: 3.6e-4 / 1.7e-5 and 9.9e-8 / 3.0e-10 at
        # t = 0.5 / 1.  At these N the error is spatial (the shock layer of width ~nu
        # is under-resolved), independent of the time stepper's details; tolerance is
        # 1.5x the research value (their x grid differs).
        (512, 5e-4, 1.5 * 3.6e-4, 1.5 * 1.7e-5),
        (1024, 2.5e-4, 1.5 * 9.9e-8, 1.5 * 3.0e-10),
    ],
)
def test_burgers_matches_cole_hopf(N: int, dt: float, tol_half: float, tol_one: float) -> None:
    t = np.array([0.5, 1.0])
    x = np.linspace(-1.0, 1.0, 511)
    res = solve_burgers_mol(NU, N, dt, t, x)
    assert res.success and res.value.shape == (2, 511)
    err = np.abs(res.value - burgers_solution(t[:, None], x[None, :], nu=NU)).max(axis=1)
    assert err[0] <= tol_half and err[1] <= tol_one, err


@pytest.mark.slow
def test_burgers_to_1e12() -> None:
    # research notes: N = 2048, dt = 1e-4 gives 2.6e-12 at t = 0.5, 1.5e-12 at t = 1
    # (the time-discretisation error; the spatial error at N = 2048 is ~1e-13).
    t = np.array([0.25, 0.5, 0.75, 1.0])
    x = np.linspace(-1.0, 1.0, 511)
    res = solve_burgers_mol(NU, 2048, 1e-4, t, x)
    err = np.abs(res.value - burgers_solution(t[:, None], x[None, :], nu=NU)).max(axis=1)
    assert err.max() <= 3e-12, err
    assert res.stats["steps"] == 10_000


def test_burgers_fourth_order_in_time() -> None:
    # nu = 0.1: the solution is entire in x and N = 64 resolves it far below the time
    # error (N = 64 and 128 agree), so the error is C dt^4 (1 + O(dt)).
    nu = 0.1
    t = np.array([0.5, 1.0])
    x = np.linspace(-1.0, 1.0, 101)
    exact = burgers_solution(t[:, None], x[None, :], nu=nu)
    errs = [np.abs(solve_burgers_mol(nu, 64, dt, t, x).value - exact).max()
            for dt in (0.0125, 0.00625, 0.003125)]
    assert errs[-1] > 1e-12  # still above rounding, so the ratios measure the order
    orders = observed_orders(errs)
    assert np.all((orders > 3.8) & (orders < 4.2)), (errs, orders)


def test_burgers_values_at_grid_points_and_initial_time() -> None:
    N = 64
    grid = -1.0 + 2.0 * np.arange(N) / N
    res = solve_burgers_mol(0.1, N, 0.01, [0.0], grid)
    # Grid points return the grid values exactly; those went through rfft/irfft
    # (round-trip rounding O(eps log2 N)).
    np.testing.assert_allclose(res.value[0], -np.sin(np.pi * grid), rtol=0,
                               atol=2 * math.log2(N) * EPS)
    assert res.stats["steps"] == 0


def test_output_times_in_any_order_with_repeats() -> None:
    x = np.linspace(-1.0, 1.0, 9)
    a = solve_burgers_mol(0.1, 32, 0.01, [0.5, 0.1, 0.5, 0.0], x).value
    b = solve_burgers_mol(0.1, 32, 0.01, [0.0, 0.1, 0.5], x).value
    np.testing.assert_array_equal(a, b[[2, 1, 2, 0]])
    # u(t, +-1) = 0: the odd 2-periodic interpolant vanishes there up to rounding.
    assert np.abs(a[:, [0, -1]]).max() <= 1e-15


# ------------------------------------------------------------------ reaction


def test_reaction_matches_logistic_formula() -> None:
    p = Reaction()
    t, x = p.evaluation_grid()
    res = solve_reaction_mol(t, x, dt=5e-4)
    assert res.success and res.value.shape == (200, 200)
    # brief's target: the pointwise ODE solved to ~1e-12 or better.
    assert np.abs(res.value - p.solution_on_grid()).max() <= 1e-12


def test_reaction_fourth_order() -> None:
    p = Reaction()
    t = np.linspace(0.0, 1.0, 11)  # dt divides 0.1 exactly: steps halve exactly
    x = p.evaluation_grid()[1]
    exact = p.solution_on_grid(t, x)
    errs = [np.abs(solve_reaction_mol(t, x, dt=dt).value - exact).max()
            for dt in (0.01, 0.005, 0.0025)]
    orders = observed_orders(errs)
    assert np.all((orders > 3.8) & (orders < 4.2)), (errs, orders)


def test_reaction_diffusion_without_diffusion_is_pointwise_logistic() -> None:
    # nu = 0: L = rho I and the product is pointwise, so grid values follow the exact
    # logistic ODE (same accuracy target as the pointwise solver).
    p = Reaction()
    N = 128
    grid = 2 * np.pi * np.arange(N) / N
    t = p.evaluation_grid()[0]
    res = solve_reaction_diffusion_mol(0.0, 5.0, N, 5e-4, t, grid)
    assert np.abs(res.value - p.solution_on_grid(t, grid)).max() <= 1e-12


def test_reaction_diffusion_fourth_order_when_stiff() -> None:
    # nu = rho = 5, N = 128: nu k^2 dt reaches 800 at dt = 0.01, far outside any
    # explicit stability region; ETDRK4 still converges at fourth order.
    N = 128
    grid = 2 * np.pi * np.arange(N) / N
    t = np.array([0.5, 1.0])
    runs = [solve_reaction_diffusion_mol(5.0, 5.0, N, dt, t, grid).value
            for dt in (0.02, 0.01, 0.005, 0.0025)]
    diffs = [np.abs(a - b).max() for a, b in itertools.pairwise(runs)]
    orders = observed_orders(diffs)
    assert np.all((orders > 3.7) & (orders < 4.3)), (diffs, orders)


def test_reaction_diffusion_spatial_resolution_matches_research() -> None:
    # research notes: N = 256 vs 512 differ by 3e-9 to 6e-8 (algebraic convergence:
    # the Gaussian's periodic extension has a derivative kink of 1.7e-3).
    grid = 2 * np.pi * np.arange(256) / 256
    t = np.linspace(0.0, 1.0, 11)
    a = solve_reaction_diffusion_mol(5.0, 5.0, 256, 1e-3, t, grid).value
    b = solve_reaction_diffusion_mol(5.0, 5.0, 512, 1e-3, t, grid).value
    assert np.abs(a - b).max() <= 1e-7


# ------------------------------------------------------------------ dense (Chebyshev) path


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
    steps = a.stats["steps"]
    assert np.abs(U @ a.value - b.value).max() <= n * steps * EPS * max(1.0, np.abs(v0).max())


def test_wave_by_chebyshev_exact_propagator() -> None:
    p = Wave()
    res = solve_mol("wave")
    assert res.value.shape == (200, 200) and res.success
    # research notes: this semi-discretisation (N = 32, integrated by
    # eigendecomposition) is 2.0e-14 from the exact solution; here e^{hL} is applied
    # 199 times (||hL|| ~ 4e3), allowing 50x for the accumulated expm rounding.
    assert np.abs(res.value - p.solution_on_grid()).max() <= 1e-12


def test_convection_fourier_exact_in_time() -> None:
    p = Convection()
    res = solve_mol(p)
    assert res.value.shape == (200, 200)
    # A single Fourier mode multiplied by e^{-i beta h} 199 times: about 2 eps of phase
    # rounding per step, plus the interpolation's rounding.
    assert np.abs(res.value - p.solution_on_grid()).max() <= 400 * EPS


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"dt": 0.0}, ValueError, "dt"),
        ({"dt": -1e-3}, ValueError, "dt"),
        ({"dt": float("nan")}, ValueError, "dt"),
        ({"dt": True}, TypeError, "dt"),
        ({"N": 63}, ValueError, "even"),
        ({"N": 4}, ValueError, "N"),
        ({"N": 64.0}, TypeError, "N"),
        ({"nu": 0.0}, ValueError, "nu"),
        ({"nu": float("inf")}, ValueError, "nu"),
        ({"t_out": [-0.1, 0.5]}, ValueError, "t_out"),
        ({"t_out": [0.1, float("nan")]}, ValueError, "t_out"),
        ({"x_out": [0.0, 1.5]}, ValueError, "x_out"),
        ({"contour_points": 31}, ValueError, "contour_points"),
    ],
)
def test_burgers_bad_input(kwargs: dict, exc: type, match: str) -> None:
    args = {"nu": 0.1, "N": 32, "dt": 0.01, "t_out": [0.1], "x_out": [0.0]} | kwargs
    with pytest.raises(exc, match=match):
        solve_burgers_mol(**args)


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


def test_unsupported_problems() -> None:
    with pytest.raises(ValueError, match="not one"):
        solve_mol("poisson2d_c")
    with pytest.raises(KeyError, match="no PDE problem"):
        solve_mol("heat")
    with pytest.raises(ValueError, match="no spatial grid"):
        solve_mol("reaction", N=64)
    with pytest.raises(ValueError, match="domain"):
        solve_wave_mol(16, 0.1, [0.1], [1.5])
