"""Bad input to the interpolation functions (barycentric*, Lebesgue, Chebyshev series and
their Numba kernels): one class per category of issue 13's matrix.

Each case asserts the exception type and that the message names the argument in
backticks (or, for ill-conditioning, the warning); every function is called through
its public entry point, so the kernels only ever see validated arrays.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from numlearn import IllConditionedWarning
from numlearn.classical import (
    BarycentricInterpolator,
    ChebyshevSeries,
    barycentric_eval,
    barycentric_eval_first,
    barycentric_matrix,
    barycentric_weights,
    chebyshev_coefficients,
    chebyshev_derivative_coefficients,
    chebyshev_integral_coefficients,
    chebyshev_interpolate,
    chebyshev_points,
    chebyshev_values,
    chebyshev_weights,
    clenshaw,
    clenshaw_curtis,
    clenshaw_curtis_weights,
    equispaced_points,
    equispaced_weights,
    lebesgue_constant,
    lebesgue_function,
    trig_barycentric_eval,
)

X = chebyshev_points(5)
W = chebyshev_weights(5)
F = np.sin(X)
XE = np.array([0.1, 0.2])


def _with(arr: np.ndarray, i: int, v: float) -> np.ndarray:
    out = np.array(arr, dtype=np.result_type(arr, type(v)))
    out[i] = v
    return out


# Every public interpolation function, called with one argument replaced.  Each entry:
# (function name, argument name, call with a bad value `v` for that argument).
ARRAY_ARGS = [
    ("barycentric_eval", "nodes", lambda v: barycentric_eval(v, W, F, XE)),
    ("barycentric_eval", "weights", lambda v: barycentric_eval(X, v, F, XE)),
    ("barycentric_eval", "values", lambda v: barycentric_eval(X, W, v, XE)),
    ("barycentric_eval", "x", lambda v: barycentric_eval(X, W, F, v)),
    ("barycentric_eval_first", "nodes", lambda v: barycentric_eval_first(v, F, XE)),
    ("barycentric_eval_first", "values", lambda v: barycentric_eval_first(X, v, XE)),
    ("barycentric_eval_first", "x", lambda v: barycentric_eval_first(X, F, v)),
    ("barycentric_weights", "nodes", lambda v: barycentric_weights(v)),
    ("barycentric_matrix", "x_eval", lambda v: barycentric_matrix(v, X, W)),
    ("barycentric_matrix", "nodes", lambda v: barycentric_matrix(XE, v, W)),
    ("barycentric_matrix", "weights", lambda v: barycentric_matrix(XE, X, v)),
    ("trig_barycentric_eval", "values", lambda v: trig_barycentric_eval(v, XE)),
    ("trig_barycentric_eval", "x", lambda v: trig_barycentric_eval(F, v)),
    ("lebesgue_function", "nodes", lambda v: lebesgue_function(v, W, XE)),
    ("lebesgue_function", "weights", lambda v: lebesgue_function(X, v, XE)),
    ("lebesgue_function", "x", lambda v: lebesgue_function(X, W, v)),
    ("lebesgue_constant", "nodes", lambda v: lebesgue_constant(v)),
    ("lebesgue_constant", "weights", lambda v: lebesgue_constant(X, v)),
    ("BarycentricInterpolator", "nodes", lambda v: BarycentricInterpolator(v, F)),
    ("BarycentricInterpolator", "values", lambda v: BarycentricInterpolator(X, v)),
    ("BarycentricInterpolator", "weights", lambda v: BarycentricInterpolator(X, F, v)),
    ("BarycentricInterpolator.__call__", "x", lambda v: BarycentricInterpolator(X, F, W)(v)),
    ("chebyshev_coefficients", "values", lambda v: chebyshev_coefficients(v)),
    ("chebyshev_values", "coeffs", lambda v: chebyshev_values(v)),
    ("clenshaw", "x", lambda v: clenshaw(v, F)),
    ("clenshaw", "coeffs", lambda v: clenshaw(XE, v)),
    ("chebyshev_derivative_coefficients", "coeffs", chebyshev_derivative_coefficients),
    ("chebyshev_integral_coefficients", "coeffs", chebyshev_integral_coefficients),
    ("clenshaw_curtis", "values", clenshaw_curtis),
    ("ChebyshevSeries", "coefficients", ChebyshevSeries),
    ("ChebyshevSeries.__call__", "x", lambda v: ChebyshevSeries(F)(v)),
]
IDS = [f"{f}-{a}" for f, a, _ in ARRAY_ARGS]
# Arguments whose points may be empty (an empty evaluation gives an empty result).
EMPTY_OK = {"x", "x_eval"}
# The node-like arguments of length 5 that the rest of the call must match.
MATCHED = {"nodes", "weights", "values", "coeffs", "coefficients"}


def _good(name: str) -> np.ndarray:
    return XE if name in EMPTY_OK else {"weights": W, "nodes": X}.get(name, F)


class TestNonFinite:
    @pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
    @pytest.mark.parametrize(("fn", "arg", "call"), ARRAY_ARGS, ids=IDS)
    def test_nan_and_inf_are_refused_naming_the_argument(self, fn, arg, call, bad):
        with pytest.raises(ValueError, match=f"`{arg}` must be finite"):
            call(_with(_good(arg), 1, bad))


class TestEmpty:
    @pytest.mark.parametrize(("fn", "arg", "call"),
                             [c for c in ARRAY_ARGS if c[1] not in EMPTY_OK],
                             ids=[i for i, c in zip(IDS, ARRAY_ARGS, strict=True)
                                  if c[1] not in EMPTY_OK])
    def test_empty_arrays_are_refused(self, fn, arg, call):
        # an empty node-like array: refused by name (or by the nodes it must match)
        with pytest.raises(ValueError, match=f"`({arg}|nodes|values)`"):
            call(np.zeros(0))

    @pytest.mark.parametrize(("fn", "arg", "call"),
                             [c for c in ARRAY_ARGS if c[1] in EMPTY_OK],
                             ids=[i for i, c in zip(IDS, ARRAY_ARGS, strict=True)
                                  if c[1] in EMPTY_OK])
    def test_empty_points_give_an_empty_result(self, fn, arg, call):
        out = call(np.zeros(0))
        assert np.shape(out)[0] == 0


class TestShape:
    @pytest.mark.parametrize(("fn", "arg", "call"),
                             [c for c in ARRAY_ARGS if c[1] in MATCHED],
                             ids=[i for i, c in zip(IDS, ARRAY_ARGS, strict=True)
                                  if c[1] in MATCHED])
    def test_three_dimensional_arrays_are_refused(self, fn, arg, call):
        with pytest.raises(ValueError, match=f"`{arg}` must be 1"):
            call(np.zeros((5, 2, 2)))

    @pytest.mark.parametrize(
        ("arg", "call"),
        [("weights", lambda: barycentric_eval(X, W[:4], F, XE)),
         ("values", lambda: barycentric_eval(X, W, F[:4], XE)),
         ("values", lambda: barycentric_eval_first(X, F[:3], XE)),
         ("weights", lambda: barycentric_matrix(XE, X, W[:4])),
         ("weights", lambda: lebesgue_function(X, W[:4], XE)),
         ("values", lambda: BarycentricInterpolator(X, F[:3])),
         ("weights", lambda: BarycentricInterpolator(X, F, W[:4]))],
    )
    def test_lengths_that_do_not_match_the_nodes(self, arg, call):
        with pytest.raises(ValueError, match=f"`{arg}` has"):
            call()

    def test_matrix_points_must_be_one_dimensional(self):
        with pytest.raises(ValueError, match="`x_eval` must be 1-dimensional"):
            barycentric_matrix(XE[:, None], X, W)

    def test_zero_value_columns_are_accepted(self):
        # SciPy's BarycentricInterpolator returns an empty trailing axis; so do we.
        assert barycentric_eval(X, W, np.zeros((5, 0)), XE).shape == (2, 0)
        assert clenshaw(XE, np.zeros((5, 0))).shape == (2, 0)


class TestDtype:
    @pytest.mark.parametrize(("fn", "arg", "call"), ARRAY_ARGS, ids=IDS)
    def test_strings_are_refused(self, fn, arg, call):
        with pytest.raises(TypeError, match=f"`{arg}` must have a numeric dtype"):
            call(np.array(["a"] * 5))

    @pytest.mark.parametrize(
        ("arg", "call"),
        [("x_eval", lambda: barycentric_matrix(XE + 1j, X, W)),
         ("nodes", lambda: barycentric_matrix(XE, X + 1j, W)),
         ("x", lambda: trig_barycentric_eval(F, XE + 1j)),
         ("nodes", lambda: lebesgue_constant(X + 1j))],
    )
    def test_complex_where_real_is_due(self, arg, call):
        with pytest.raises(TypeError, match=f"`{arg}` must be real"):
            call()

    @pytest.mark.parametrize(
        ("arg", "call"),
        [("compensated", lambda v: barycentric_eval(X, W, F, XE, compensated=v)),
         ("extrapolate", lambda v: BarycentricInterpolator(X, F, extrapolate=v))],
    )
    @pytest.mark.parametrize("v", ["no", 0, 1.0, None])
    def test_flags_must_be_bools(self, arg, call, v):
        # bool('no') is True: a string flag was silently "on" (issue 13 item 15)
        with pytest.raises(TypeError, match=f"`{arg}` must be True or False"):
            call(v)

    @pytest.mark.parametrize(
        ("arg", "call"),
        [("tol", lambda v: ChebyshevSeries(F).simplify(v)),
         ("samples_per_gap", lambda v: lebesgue_constant(X, samples_per_gap=v)),
         ("n", lambda v: clenshaw_curtis_weights(v)),
         ("order", lambda v: chebyshev_derivative_coefficients(F, order=v)),
         ("order", lambda v: BarycentricInterpolator(X, F, W).derivative(v)),
         ("domain", lambda v: clenshaw(XE, F, domain=v)),
         ("domain", lambda v: trig_barycentric_eval(F, XE, domain=v))],
    )
    @pytest.mark.parametrize("v", ["1e-10", True])
    def test_strings_and_bools_where_numbers_are_due(self, arg, call, v):
        with pytest.raises(TypeError, match=f"`{arg}"):
            call(v)

    def test_kind_must_be_one_or_two(self):
        # nodes.py's kind check (shared): a bool is not a kind
        with pytest.raises((TypeError, ValueError), match="`kind`"):
            chebyshev_coefficients(F, kind=True)

    def test_complex_points_on_nodes_do_not_crash_the_kernel(self):
        # issue 13 item 14: SystemError from bary2_scalar before
        p = barycentric_eval(X, W, F, X.astype(complex))
        np.testing.assert_array_equal(p, F)


class TestDuplicates:
    NODES = np.array([0.0, 0.0, 1.0])

    @pytest.mark.parametrize(
        "call",
        [lambda v: barycentric_eval(v, [1.0, 1.0, 1.0], [1.0, 2.0, 3.0], XE),
         lambda v: barycentric_eval_first(v, [1.0, 2.0, 3.0], XE),
         barycentric_weights,
         lambda v: barycentric_matrix(XE, v, [1.0, 1.0, 1.0]),
         lambda v: lebesgue_function(v, [1.0, 1.0, 1.0], XE),
         lebesgue_constant,
         lambda v: BarycentricInterpolator(v, [1.0, 2.0, 3.0])],
        ids=["barycentric_eval", "barycentric_eval_first", "barycentric_weights",
             "barycentric_matrix", "lebesgue_function", "lebesgue_constant",
             "BarycentricInterpolator"],
    )
    def test_repeated_nodes_are_refused(self, call):
        with pytest.raises(ValueError, match="`nodes` must be distinct"):
            call(self.NODES)

    @pytest.mark.parametrize(
        "call",
        [lambda w: barycentric_eval(X, w, F, XE), lambda w: barycentric_matrix(XE, X, w),
         lambda w: lebesgue_function(X, w, XE), lambda w: BarycentricInterpolator(X, F, w)],
        ids=["barycentric_eval", "barycentric_matrix", "lebesgue_function",
             "BarycentricInterpolator"],
    )
    def test_zero_weights_are_refused(self, call):
        # a zero weight drops its node: the same defect in another form
        with pytest.raises(ValueError, match=r"`weights\[2\]` is zero"):
            call(_with(W, 2, 0.0))


class TestOutOfDomain:
    def test_interpolant_refuses_points_outside_its_domain(self):
        with pytest.raises(ValueError, match="`x` has 1 point"):
            BarycentricInterpolator(X, F, W)(np.array([2.0]))

    @pytest.mark.parametrize("domain", [(1.0, -1.0), (0.0, 0.0), (1.0, 1.0 + 1e-16)])
    @pytest.mark.parametrize(
        "call",
        [lambda d: clenshaw(XE, F, domain=d), lambda d: trig_barycentric_eval(F, XE, domain=d),
         lambda d: lebesgue_constant(X, domain=d), lambda d: ChebyshevSeries(F, domain=d),
         lambda d: clenshaw_curtis_weights(5, domain=d),
         lambda d: BarycentricInterpolator(X, F, domain=d),
         lambda d: chebyshev_derivative_coefficients(F, domain=d)],
        ids=["clenshaw", "trig_barycentric_eval", "lebesgue_constant", "ChebyshevSeries",
             "clenshaw_curtis_weights", "BarycentricInterpolator",
             "chebyshev_derivative_coefficients"],
    )
    def test_reversed_empty_and_too_narrow_domains(self, call, domain):
        with pytest.raises(ValueError, match="`domain`"):
            call(domain)

    def test_clenshaw_far_outside_is_inf_not_nan(self):
        # issue 13 item 10: extrapolating far is allowed; an overflowing value is inf
        # (issue 14 item 5: with a warning that names `domain=`)
        with pytest.warns(RuntimeWarning, match="`domain="):
            assert clenshaw(1e300, [1.0] * 5) == np.inf


class TestImpossibleParameters:
    @pytest.mark.parametrize(
        ("arg", "call", "v"),
        [("order", lambda v: chebyshev_derivative_coefficients(F, order=v), -1),
         ("order", lambda v: BarycentricInterpolator(X, F, W).derivative(v), -1),
         ("samples_per_gap", lambda v: lebesgue_constant(X, samples_per_gap=v), 1),
         ("n", clenshaw_curtis_weights, 0),
         ("tol", lambda v: ChebyshevSeries(F).simplify(v), -1.0),
         ("tol", lambda v: ChebyshevSeries(F).simplify(v), np.nan)],
    )
    def test_out_of_range_parameters(self, arg, call, v):
        with pytest.raises(ValueError, match=f"`{arg}` must be"):
            call(v)

    def test_huge_derivative_orders_are_exact_zeros_at_once(self):
        # every derivative past n - 1 is zero: no loop of 10**12 passes
        np.testing.assert_array_equal(
            BarycentricInterpolator(X, F, W).derivative(10**12).values, 0.0)
        np.testing.assert_array_equal(chebyshev_derivative_coefficients(F, 10**12), 0.0)


class TestIllConditioning:
    def test_equispaced_evaluation_warns(self):
        # issue 13 item 8: equispaced n = 70, exact cubic data, silent max error ~1
        x = equispaced_points(70)
        with pytest.warns(IllConditionedWarning, match="barycentric_eval: .*lambda"):
            barycentric_eval(x, equispaced_weights(70), x**3, np.linspace(-1, 1, 101))

    def test_extrapolation_with_the_second_formula_warns(self):
        # n = 20 Chebyshev points at x = 30: lambda ~ T_19(30) ~ 1e16 (n = 5: 6e6, quiet)
        x = chebyshev_points(20)
        with pytest.warns(IllConditionedWarning, match=r"x = 30\.0"):
            barycentric_eval(x, chebyshev_weights(20), x**3, np.array([30.0]))

    def test_equispaced_weights_and_matrix_warn(self):
        x = equispaced_points(60)
        with pytest.warns(IllConditionedWarning, match="condition number"):
            barycentric_weights(x)
        with pytest.warns(IllConditionedWarning, match="barycentric_matrix"):
            barycentric_matrix(np.linspace(-1, 1, 101), x, equispaced_weights(60))

    def test_chebyshev_interior_is_quiet(self):
        x = chebyshev_points(500)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            barycentric_eval(x, chebyshev_weights(500), np.cos(x), np.linspace(-1, 1, 1001))


class TestHugeSizes:
    @pytest.mark.parametrize("n", [2**40, 2**63, 2**80])
    def test_clenshaw_curtis_weights_refuse_before_allocating(self, n):
        with pytest.raises(ValueError, match="`n` is too large"):
            clenshaw_curtis_weights(n)

    def test_lebesgue_constant_samples_are_capped(self):
        with pytest.raises(ValueError, match="`samples_per_gap` must be <="):
            lebesgue_constant(X, samples_per_gap=10**9)

    def test_a_result_over_the_limit_is_refused_before_allocating(self):
        # 2**20 points x 2**12 columns of float64 = 32 GiB: refused by name; the
        # inputs here are views of tiny arrays (broadcast), so nothing large exists.
        xe = np.broadcast_to(np.float64(0.1), (2**20,))
        vals = np.broadcast_to(np.float64(1.0), (5, 2**12))
        with pytest.raises(ValueError, match="`x` is too large"):
            barycentric_eval(X, W, vals, xe)
        with pytest.raises(ValueError, match="`x_eval` is too large"):
            barycentric_matrix(np.broadcast_to(np.float64(0.1), (2**31,)), X, W)


class TestCallables:
    @pytest.mark.parametrize("f", [None, 1])
    def test_chebyshev_interpolate_needs_a_callable(self, f):
        with pytest.raises(TypeError, match="`f` must be callable"):
            chebyshev_interpolate(f, n=8)
