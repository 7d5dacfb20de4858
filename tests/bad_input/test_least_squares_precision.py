"""Bad input to the classical least-squares functions and the precision oracle (mpmath
engine, its front ends, the least-squares oracle, conditioning, metrics): one class per
category of issue 13's matrix.

Each case asserts the exception type and that the message names the argument in
backticks, or the warning and what the result says (status, certificate).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from numlearn import EPS, IllConditionedWarning, Status
from numlearn.classical import (
    check_step_size,
    conditioning,
    gradient_descent,
    gradient_descent_solver,
    inverse_norm1_estimate,
    lstsq_reference,
    power_of_two_row_scale,
    qr_lstsq,
    triangular_extreme_singular_values,
    unit_row_scale,
)
from numlearn.classical.least_squares import RankDeficientWarning
from numlearn.precision import (
    ErrorDecomposition,
    collocation_decomposition,
    metric_report,
    mp_barycentric,
    mp_evaluate,
    mp_lstsq,
    rel_l2,
    round_to_float64,
    svd_conditioning,
    two_precision,
)

RNG = np.random.default_rng(20240611)
A = RNG.standard_normal((6, 3))
B = A @ np.array([1.0, -2.0, 0.5])
X0 = np.zeros(3)
NODES = np.array([-1.0, 0.0, 1.0])
WEIGHTS = np.array([0.5, -1.0, 0.5])
VALUES = np.array([1.0, 0.0, 1.0])


def _with(arr: np.ndarray, idx, v: float) -> np.ndarray:
    out = np.array(arr, dtype=np.float64)
    out[idx] = v
    return out


# (function, argument, call with a bad array `v` in that argument's place)
MATRIX_ARGS = [
    ("lstsq_reference", "A", lambda v: lstsq_reference(v, B)),
    ("gradient_descent", "A", lambda v: gradient_descent(v, B, X0, steps=2)),
    ("conditioning", "A", lambda v: conditioning(v)),
    ("qr_lstsq", "A", lambda v: qr_lstsq(v, B)),
    ("unit_row_scale", "A", unit_row_scale),
    ("power_of_two_row_scale", "A", power_of_two_row_scale),
    ("mp_lstsq", "A", lambda v: mp_lstsq(v, B)),
    ("svd_conditioning", "A", lambda v: svd_conditioning(v)),
]
VECTOR_ARGS = [
    ("lstsq_reference", "b", lambda v: lstsq_reference(A, v), 6),
    ("gradient_descent", "b", lambda v: gradient_descent(A, v, X0, steps=2), 6),
    ("gradient_descent", "x0", lambda v: gradient_descent(A, B, v, steps=2), 3),
    ("qr_lstsq", "b", lambda v: qr_lstsq(A, v), 6),
    ("qr_lstsq", "row_scale", lambda v: qr_lstsq(A, B, row_scale=v), 6),
    ("mp_lstsq", "b", lambda v: mp_lstsq(A, v), 6),
    ("mp_evaluate", "x", lambda v: mp_evaluate(mpmath.exp, v), 3),
    ("mp_barycentric", "x", lambda v: mp_barycentric(v, NODES, WEIGHTS, VALUES), 3),
    ("mp_barycentric", "nodes", lambda v: mp_barycentric([0.5], v, WEIGHTS, VALUES), 3),
    ("mp_barycentric", "weights", lambda v: mp_barycentric([0.5], NODES, v, VALUES), 3),
    ("mp_barycentric", "values", lambda v: mp_barycentric([0.5], NODES, WEIGHTS, v), 3),
    ("rel_l2", "u", lambda v: rel_l2(np.ones(3), v), 3),
    ("metric_report", "u_true", lambda v: metric_report(v, np.ones(3), grid_name="g"), 3),
]
M_IDS = [f"{f}-{a}" for f, a, _ in MATRIX_ARGS]
V_IDS = [f"{f}-{a}" for f, a, _, _ in VECTOR_ARGS]


class TestNonFinite:
    @pytest.mark.parametrize("bad", [np.nan, np.inf])
    @pytest.mark.parametrize(("fn", "arg", "call"), MATRIX_ARGS, ids=M_IDS)
    def test_matrices(self, fn, arg, call, bad):
        with pytest.raises(ValueError, match=f"`{arg}` must be finite"):
            call(_with(A, (1, 1), bad))

    @pytest.mark.parametrize("bad", [np.nan, -np.inf])
    @pytest.mark.parametrize(("fn", "arg", "call", "n"), VECTOR_ARGS, ids=V_IDS)
    def test_vectors(self, fn, arg, call, n, bad):
        good = {"nodes": NODES, "weights": WEIGHTS}.get(arg, np.linspace(0.25, 0.75, n))
        with pytest.raises(ValueError, match=f"`{arg}` must be finite"):
            call(_with(good, 1, bad))

    def test_triangular_factor(self):
        with pytest.raises(ValueError, match="`R` must be finite"):
            triangular_extreme_singular_values(_with(np.eye(3), (0, 1), np.nan))


class TestEmpty:
    @pytest.mark.parametrize(("fn", "arg", "call"), MATRIX_ARGS, ids=M_IDS)
    def test_empty_matrices(self, fn, arg, call):
        with pytest.raises(ValueError, match=f"`{arg}` is empty"):
            call(np.zeros((0, 3)))

    @pytest.mark.parametrize("arg", ["nodes", "weights", "values"])
    def test_empty_barycentric_data(self, arg):
        data = {"nodes": NODES, "weights": WEIGHTS, "values": VALUES, arg: []}
        with pytest.raises(ValueError, match=f"`{arg}`"):
            mp_barycentric([0.5], data["nodes"], data["weights"], data["values"])

    def test_empty_points_give_empty_results(self):
        assert mp_evaluate(mpmath.exp, []).values.shape == (0,)
        assert mp_barycentric([], NODES, WEIGHTS, VALUES).values.shape == (0,)


class TestShape:
    @pytest.mark.parametrize(("fn", "arg", "call", "n"), VECTOR_ARGS[:6], ids=V_IDS[:6])
    def test_vectors_of_the_wrong_length(self, fn, arg, call, n):
        with pytest.raises(ValueError, match=f"`{arg}` must have shape"):
            call(np.ones(n - 1))

    @pytest.mark.parametrize(("fn", "arg", "call"), MATRIX_ARGS, ids=M_IDS)
    def test_one_dimensional_matrices(self, fn, arg, call):
        with pytest.raises(ValueError, match=f"`{arg}` must be"):
            call(np.ones(6))

    def test_barycentric_lengths_must_agree(self):
        with pytest.raises(ValueError, match="`nodes`, `weights` and `values`"):
            mp_barycentric([0.5], NODES, WEIGHTS[:2], VALUES)

    def test_triangular_factor_must_be_square(self):
        with pytest.raises(ValueError, match="`R` must be square"):
            triangular_extreme_singular_values(np.ones((3, 2)))

    @pytest.mark.parametrize(
        ("arg", "call"),
        [("b", lambda: lstsq_reference(A, None)),
         ("b", lambda: gradient_descent(A, None, X0, steps=2)),
         ("x0", lambda: gradient_descent(A, B, None, steps=2)),
         ("b", lambda: mp_lstsq(A, None))],
    )
    def test_none_for_a_required_array(self, arg, call):
        # issue 13 item 14: a bare AssertionError before
        with pytest.raises(TypeError, match=f"`{arg}` is required"):
            call()


class TestDtype:
    @pytest.mark.parametrize(("fn", "arg", "call"), MATRIX_ARGS, ids=M_IDS)
    def test_complex_and_string_matrices(self, fn, arg, call):
        with pytest.raises(TypeError, match=f"`{arg}` must be real"):
            call(A + 1j)
        with pytest.raises(TypeError, match=f"`{arg}` must have a numeric dtype"):
            call(np.full((6, 3), "a"))

    @pytest.mark.parametrize(
        ("arg", "call"),
        [("history", lambda v: gradient_descent(A, B, X0, steps=2, history=v)),
         ("nearest", lambda v: power_of_two_row_scale(A, nearest=v)),
         ("ulp", lambda v: metric_report([1.0], [1.0], grid_name="g", ulp=v))],
    )
    @pytest.mark.parametrize("v", ["no", 0, 1.0])
    def test_flags_must_be_bools(self, arg, call, v):
        with pytest.raises(TypeError, match=f"`{arg}` must be True or False"):
            call(v)

    @pytest.mark.parametrize(
        ("arg", "call"),
        [("steps", lambda v: gradient_descent(A, B, X0, steps=v)),
         ("step_size", lambda v: gradient_descent(A, B, X0, steps=2, step_size=v)),
         ("rcond", lambda v: lstsq_reference(A, B, rcond=v)),
         ("max_refine", lambda v: lstsq_reference(A, B, method="qr_refined", max_refine=v)),
         ("iter_lim", lambda v: lstsq_reference(A, B, method="lsqr", iter_lim=v)),
         ("method", lambda v: lstsq_reference(A, B, method=v)),
         ("dps", lambda v: mp_evaluate(mpmath.exp, [0.5], dps=v)),
         ("digits", lambda v: mp_evaluate(mpmath.exp, [0.5], digits=v)),
         ("check_dps", lambda v: mp_barycentric([0.5], NODES, WEIGHTS, VALUES, check_dps=v)),
         ("dps", lambda v: mp_lstsq(A, B, dps=v)),
         ("atol", lambda v: two_precision(mpmath.exp, [1], atol=v)),
         ("max_dps", lambda v: two_precision(mpmath.exp, [1], max_dps=v)),
         ("n", lambda v: inverse_norm1_estimate(lambda y: y, lambda y: y, v)),
         ("cond", lambda v: ErrorDecomposition(*[np.ones(3)] * 4, grid_name="g", cond=v)),
         ("norm", lambda v: ErrorDecomposition(*[np.ones(3)] * 4, grid_name="g", norm=v))],
    )
    @pytest.mark.parametrize("v", ["1e-10", True])
    def test_strings_and_bools_where_numbers_are_due(self, arg, call, v):
        # issue 13 item 15 (tol='1e-10', beta=True): refused by name.  Arguments that
        # take names too answer an unknown name with ValueError.
        named = arg in ("step_size", "method", "norm") and isinstance(v, str)
        with pytest.raises(ValueError if named else TypeError, match=f"`{arg}`"):
            call(v)

    @pytest.mark.parametrize(
        ("arg", "call"),
        [("func", lambda: mp_evaluate(3.0, [0.5])), ("fn", lambda: two_precision(None, [1])),
         ("solve", lambda: inverse_norm1_estimate(None, lambda y: y, 3))],
    )
    def test_non_callables(self, arg, call):
        with pytest.raises(TypeError, match=f"`{arg}` must be callable"):
            call()

    def test_a_float64_function_is_not_certified(self):
        # issue 13 item 9: the oracle cannot check a function that ignores precision
        with pytest.warns(RuntimeWarning, match="not certified"):
            r = mp_evaluate(lambda x: np.exp(float(x)), [0.1, 0.7])
        assert not r.rounding_certified.any() and math.isnan(r.agreement_digits)


class TestDuplicates:
    def test_repeated_nodes(self):
        # issue 13 item 9: "verified" values of a degenerate formula before
        with pytest.raises(ValueError, match="`nodes` must be distinct"):
            mp_barycentric([0.5], [0.0, 0.0, 1.0], WEIGHTS, VALUES)

    def test_zero_weights(self):
        with pytest.raises(ValueError, match=r"`weights\[1\]` is zero"):
            mp_barycentric([0.5], NODES, [0.5, 0.0, 0.5], VALUES)

    def test_repeated_rows_are_rank_deficient(self):
        Ad = np.vstack([A[:3], A[:3]])[:, :2].copy()
        Ad[:, 1] = Ad[:, 0]  # two equal columns
        with pytest.raises(ValueError, match="`A` of problem 0 is rank deficient"):
            mp_lstsq(Ad, B)
        with pytest.warns(RankDeficientWarning):
            lstsq_reference(Ad, B)


class TestOutOfDomain:
    def test_zero_rows_and_zero_matrices(self):
        with pytest.raises(ValueError, match="`A` has a zero row"):
            unit_row_scale(np.zeros((2, 2)))
        with pytest.raises(ValueError, match="`A` of problem 0 is zero"):
            gradient_descent(np.zeros((4, 2)), np.ones(4), np.zeros(2), steps=2)

    def test_non_positive_row_scales(self):
        with pytest.raises(ValueError, match="`row_scale` must be positive"):
            qr_lstsq(A, B, row_scale=_with(np.ones(6), 2, 0.0))


class TestImpossibleParameters:
    @pytest.mark.parametrize(
        ("arg", "call"),
        [("steps", lambda: gradient_descent(A, B, X0, steps=-1)),
         ("step_size", lambda: gradient_descent(A, B, X0, steps=2, step_size=0.0)),
         ("step_size", lambda: gradient_descent(A, B, X0, steps=2, step_size=-0.1)),
         ("step_size", lambda: gradient_descent(A, B, X0, steps=2, step_size=1e3)),
         ("rcond", lambda: lstsq_reference(A, B, rcond=-1.0)),
         ("iter_lim", lambda: lstsq_reference(A, B, method="lsqr", iter_lim=0)),
         ("method", lambda: lstsq_reference(A, B, method="cholesky")),
         ("on_unstable", lambda: gradient_descent(A, B, X0, steps=2, on_unstable="x")),
         ("cond", lambda: qr_lstsq(A, B, cond="exact")),
         ("method", lambda: triangular_extreme_singular_values(np.eye(2), method="qr")),
         ("dps", lambda: mp_evaluate(mpmath.exp, [0.5], dps=10)),
         ("digits", lambda: mp_evaluate(mpmath.exp, [0.5], digits=40)),
         ("check_dps", lambda: mp_lstsq(A, B, check_dps=40)),
         ("check_dps", lambda: two_precision(mpmath.exp, [1], dps=(40, 40))),
         ("atol", lambda: two_precision(mpmath.exp, [1], atol=-1.0)),
         ("n", lambda: inverse_norm1_estimate(lambda y: y, lambda y: y, 0))],
    )
    def test_out_of_range(self, arg, call):
        with pytest.raises(ValueError, match=f"`{arg}`"):
            call()


class TestIllConditioning:
    def test_least_squares_warns_and_gd_says_unstable(self):
        Ai = A.copy()
        Ai[:, 2] = Ai[:, 1] + 1e-9 * np.random.default_rng(1).standard_normal(6)
        with pytest.warns(IllConditionedWarning, match="ill-conditioned"):
            lstsq_reference(Ai, B)
        with pytest.warns(RuntimeWarning, match="stability limit"):
            r = gradient_descent(A, B, X0, steps=5, step_size=1e3, on_unstable="warn")
        assert r.status is Status.UNSTABLE

    def test_oracle_disagreement_is_an_error_not_a_value(self):
        from numlearn.precision import OracleDisagreementError

        def half_digits(t):  # good only to half the working precision
            return mpmath.mpf(1) / 3 + mpmath.mpf(10) ** (-mpmath.mp.dps // 2)

        with pytest.raises(OracleDisagreementError, match="disagree"):
            two_precision(half_digits, [0])


class TestHugeSizes:
    def test_gd_history_over_the_limit_is_refused_before_allocating(self):
        Ab = np.broadcast_to(A, (1000, 6, 3))
        with pytest.raises(ValueError, match="`steps` is too large"):
            gradient_descent(Ab, np.broadcast_to(B, (1000, 6)), np.zeros((1000, 3)),
                             steps=10**8)

    @pytest.mark.parametrize("steps", [10**8 + 1, 2**63])
    def test_gd_steps_are_capped(self, steps):
        with pytest.raises(ValueError, match="`steps` must be <="):
            gradient_descent(A, B, X0, steps=steps, history=False)

    @pytest.mark.parametrize(
        ("arg", "call"),
        [("dps", lambda: mp_evaluate(mpmath.exp, [0.5], dps=10**9)),
         ("max_dps", lambda: two_precision(mpmath.exp, [1], max_dps=10**9)),
         ("dps", lambda: mp_lstsq(A, B, dps=10**9)),
         ("iter_lim", lambda: lstsq_reference(A, B, method="lsqr", iter_lim=10**12)),
         ("max_refine", lambda: lstsq_reference(A, B, method="qr_refined", max_refine=10**9))],
    )
    def test_precisions_and_iteration_limits_are_capped(self, arg, call):
        with pytest.raises(ValueError, match=f"`{arg}` must be <="):
            call()


# ---- issue 13, the fault matrix's remaining cases (classical least squares, oracle)


class TestStepSizeCheck:
    """`check_step_size`: real finite steps, non-NaN L, a str `name`."""

    @pytest.mark.parametrize("arg", ["eta", "L"])
    @pytest.mark.parametrize("v, err", [(True, TypeError), ("1e-10", TypeError),
                                        (1j, TypeError), (None, TypeError),
                                        (math.nan, ValueError)])
    def test_bad_values_are_refused(self, arg, v, err):
        kw = {"eta": 0.1, "L": 1.0, arg: v}
        with pytest.raises(err, match=f"`{arg}`"):
            check_step_size(**kw)

    def test_inf_step_is_refused_and_inf_L_is_unstable(self):
        with pytest.raises(ValueError, match="`eta`"):
            check_step_size(math.inf, 1.0)
        with pytest.warns(RuntimeWarning, match="stability limit"):
            assert check_step_size(0.1, math.inf, on_unstable="warn").all()

    def test_name_must_be_a_string(self):
        with pytest.raises(TypeError, match="`name`"):
            check_step_size(0.1, 1.0, name=1)

    def test_lengths_must_agree(self):
        with pytest.raises(ValueError, match="`eta` and `L`"):
            check_step_size(np.full(2, 0.1), np.ones(3))

    def test_scalar_step_against_a_batch_names_the_problem(self):
        with pytest.raises(ValueError, match="problem 1"):
            check_step_size(0.1, np.array([1.0, 30.0]))


class TestCallbacksAndProblems:
    @pytest.mark.parametrize("arg", ["solve", "solve_transpose"])
    def test_a_solve_returning_nan_is_refused(self, arg):
        kw = {"solve": lambda v: v, "solve_transpose": lambda v: v, arg:
              lambda v: np.full_like(v, np.nan)}
        with pytest.raises(ValueError, match=f"`{arg}` returned NaN"):
            inverse_norm1_estimate(kw["solve"], kw["solve_transpose"], 4)

    def test_a_solve_of_the_wrong_shape_is_refused(self):
        with pytest.raises(ValueError, match="`solve`"):
            inverse_norm1_estimate(lambda v: v[:-1], lambda v: v, 4)

    @pytest.mark.parametrize("n", [2**40, 2**63])
    def test_huge_n_is_refused_before_allocating(self, n):
        with pytest.raises(ValueError, match="`n` is too large"):
            inverse_norm1_estimate(lambda v: v, lambda v: v, n)

    @pytest.mark.parametrize("v", [None, "abc"])
    def test_solver_needs_a_batch(self, v):
        with pytest.raises(TypeError, match="`problems`"):
            gradient_descent_solver(v, 5)

    def test_rank_deficient_conditioning_warns_with_the_rank(self):
        with pytest.warns(IllConditionedWarning, match="rank 1 < d = 3"):
            c = conditioning(np.ones((6, 3)))
        assert c.rank[0] == 1 and not c.cond[0] < 1 / EPS


class TestOracleArguments:
    @pytest.mark.parametrize("dps", [math.nan, True, "8", 2.5, 1j, -1, None, 2**40])
    def test_dps_must_be_a_pair(self, dps):
        with pytest.raises(TypeError, match="`dps`"):
            two_precision(mpmath.exp, [0.5], dps=dps)

    def test_fn_returning_nan_is_named(self):
        with pytest.raises(ValueError, match="`fn` returned NaN at argument 0"):
            two_precision(lambda a: mpmath.mpf("nan"), [0.5])

    def test_mp_evaluate_names_func(self):
        with pytest.raises(ValueError, match="`func` returned NaN"):
            mp_evaluate(lambda a: mpmath.mpf("nan"), [0.5])

    @pytest.mark.parametrize("v", [True, "1e-10", 1j, None])
    def test_round_to_float64_needs_a_real_number(self, v):
        with pytest.raises(TypeError, match="`v`"):
            round_to_float64(v)

    def test_round_to_float64_nan_and_inf(self):
        with pytest.raises(ValueError, match="`v` is NaN"):
            round_to_float64(mpmath.mpf("nan"))
        assert round_to_float64(mpmath.mpf("inf")) == math.inf  # inf is its own rounding

    def test_cond_of_must_be_a_string(self):
        u = np.linspace(1.0, 2.0, 4)
        with pytest.raises(TypeError, match="`cond_of`"):
            collocation_decomposition(u, u_best=u, u_disc=u, grid_name="g", cond_of=1)
