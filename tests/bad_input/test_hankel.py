"""Bad input to hankel_singular_values, hankel_bounds, era, balanced_truncation and prony:
each case asserts the exception type and that the message names the argument."""

from __future__ import annotations

import numpy as np
import pytest

from numlearn.classical.reduction.balanced import balanced_truncation
from numlearn.classical.reduction.era import era
from numlearn.classical.reduction.hankel import hankel_bounds, hankel_singular_values
from numlearn.classical.reduction.modal import ModalSSM
from numlearn.classical.reduction.prony import prony

H = 0.9 ** np.arange(64.0)


class TestHankelSingularValues:
    @pytest.mark.parametrize("bad", [np.nan, np.inf])
    def test_non_finite(self, bad):
        h = H.copy()
        h[5] = bad
        with pytest.raises(ValueError, match="`h`"):
            hankel_singular_values(h)

    @pytest.mark.parametrize("h", [[], [1.0], np.zeros((2, 2, 3))])
    def test_too_short_or_wrong_shape(self, h):
        with pytest.raises(ValueError, match="`h`"):
            hankel_singular_values(h)

    def test_strings(self):
        with pytest.raises(TypeError, match="`h`"):
            hankel_singular_values(["a", "b"])

    @pytest.mark.parametrize("k", [0, 64, -1])
    def test_k_out_of_range(self, k):
        with pytest.raises(ValueError, match="`k`"):
            hankel_singular_values(H, k)

    def test_k_float(self):
        with pytest.raises(TypeError, match="`k`"):
            hankel_singular_values(H, 3.0)

    def test_unknown_method(self):
        with pytest.raises(ValueError, match="`method`"):
            hankel_singular_values(H, 3, method="svd")

    def test_iterative_needs_k(self):
        with pytest.raises(ValueError, match="`k`"):
            hankel_singular_values(H, method="lanczos")

    def test_dense_too_long(self):
        with pytest.raises(ValueError, match="`h`"):
            hankel_singular_values(np.zeros(9000), method="dense")


class TestBounds:
    def test_d_too_large(self):
        with pytest.raises(ValueError, match="`d`"):
            hankel_bounds([3.0, 2.0, 1.0], 3)

    def test_negative_or_unsorted(self):
        with pytest.raises(ValueError, match="`sigma`"):
            hankel_bounds([3.0, -1.0], 0)
        with pytest.raises(ValueError, match="`sigma`"):
            hankel_bounds([1.0, 3.0], 0)

    def test_complex_sigma(self):
        with pytest.raises(TypeError, match="`sigma`"):
            hankel_bounds([1.0 + 1j], 0)


class TestEra:
    def test_nan(self):
        h = H.copy()
        h[3] = np.nan
        with pytest.raises(ValueError, match="`h`"):
            era(h, 2)

    @pytest.mark.parametrize("d", [0, -2])
    def test_d_below_one(self, d):
        with pytest.raises(ValueError, match="`d`"):
            era(H, d)

    def test_filter_shorter_than_order(self):
        with pytest.raises(ValueError, match="`d`"):
            era(H[:9], 5)

    def test_complex_where_real_required(self):
        with pytest.raises(TypeError, match="`h`"):
            era(H * (1 + 1j), 2)

    def test_bad_method_and_policy(self):
        with pytest.raises(ValueError, match="`method`"):
            era(H, 2, method="qr")
        with pytest.raises(ValueError, match="`unstable`"):
            era(H, 2, unstable="drop")

    def test_rows_out_of_range(self):
        with pytest.raises(ValueError, match="`rows`"):
            era(H, 2, rows=100)

    def test_dense_too_large(self):
        with pytest.raises(ValueError, match="`h`"):
            era(np.zeros(20000), 2)

    def test_unstable_raise_policy(self):
        t = np.arange(200)
        h = 1.001 ** t * np.cos(0.2 * t)  # growing filter: ERA finds |lambda| > 1
        with pytest.raises(ValueError, match="lambda"):
            era(h, 2, unstable="raise")


class TestBalanced:
    def test_not_a_model(self):
        with pytest.raises(TypeError, match="`model`"):
            balanced_truncation(H, 2)

    def test_unstable_model(self):
        with pytest.warns(RuntimeWarning):
            m = ModalSSM([1.01], [1.0], allow_unstable=True)
        with pytest.raises(ValueError, match="`model`"):
            balanced_truncation(m, 1)

    @pytest.mark.parametrize("d", [0, 5])
    def test_d_out_of_range(self, d):
        m = ModalSSM([0.5 + 0.5j, 0.3], [1.0, 2.0])
        with pytest.raises(ValueError, match="`d`"):
            balanced_truncation(m, d)


class TestProny:
    def test_too_short(self):
        with pytest.raises(ValueError, match="`h`"):
            prony(H[:6], 3)

    def test_complex_where_real_required(self):
        with pytest.raises(TypeError, match="`h`"):
            prony(H + 1j, 2)

    def test_d_below_one(self):
        with pytest.raises(ValueError, match="`d`"):
            prony(H, 0)
