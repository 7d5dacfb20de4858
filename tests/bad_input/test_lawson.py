"""Bad input to AAA-Lawson, the equioscillation report and Floater-Hormann
(numlearn.classical.rational.lawson, .floater_hormann).  Each case asserts the
exception type and that the message names the argument."""

from __future__ import annotations

import numpy as np
import pytest

from numlearn.classical.rational.equioscillation import equioscillation
from numlearn.classical.rational.floater_hormann import floater_hormann, floater_hormann_weights
from numlearn.classical.rational.form import BarycentricRational
from numlearn.classical.rational.lawson import aaa_lawson

X = np.linspace(-1, 1, 50)
F = np.exp(X)


class TestLawson:
    @pytest.mark.parametrize("which", ["z", "f"])
    @pytest.mark.parametrize("bad", [np.nan, np.inf])
    def test_non_finite(self, which, bad):
        z, f = X.copy(), F.copy()
        (z if which == "z" else f)[7] = bad
        with pytest.raises(ValueError, match=f"`{which}`"):
            aaa_lawson(z, f, 2)

    def test_duplicate_points(self):
        z = X.copy()
        z[3] = z[4]
        with pytest.raises(ValueError, match="`z` must be distinct"):
            aaa_lawson(z, F, 2)

    def test_degree_too_large(self):
        with pytest.raises(ValueError, match=r"`degree`.*2\*degree \+ 2"):
            aaa_lawson(X[:9], F[:9], 4)

    @pytest.mark.parametrize("degree", [-1])
    def test_negative_degree(self, degree):
        with pytest.raises(ValueError, match="`degree`"):
            aaa_lawson(X, F, degree)

    @pytest.mark.parametrize("degree", [2.0, "2", True])
    def test_degree_not_int(self, degree):
        with pytest.raises(TypeError, match="`degree`"):
            aaa_lawson(X, F, degree)

    def test_empty(self):
        with pytest.raises(ValueError, match="`z`"):
            aaa_lawson([], [], 1)

    def test_length_mismatch(self):
        with pytest.raises(ValueError, match="`f`"):
            aaa_lawson(X, F[:-1], 2)

    def test_set_valued_refused(self):
        with pytest.raises(ValueError, match="`f` must be 1-D"):
            aaa_lawson(X, np.column_stack([F, F]), 2)

    def test_non_numeric(self):
        with pytest.raises(TypeError, match="`f`"):
            aaa_lawson(X, np.array(["a"] * 50), 2)

    @pytest.mark.parametrize("damping", [0.0, -0.5, 1.5, np.nan])
    def test_damping_out_of_range(self, damping):
        with pytest.raises(ValueError, match="`damping`"):
            aaa_lawson(X, F, 2, damping=damping)

    @pytest.mark.parametrize(("steps", "exc"), [(-1, ValueError), (2.5, TypeError),
                                                ("10", ValueError)])
    def test_bad_steps(self, steps, exc):
        with pytest.raises(exc, match="`steps`"):
            aaa_lawson(X, F, 2, steps=steps)

    def test_bad_curve(self):
        with pytest.raises(ValueError, match="`curve`"):
            aaa_lawson(X, F, 2, curve="circle")

    def test_interval_with_complex_points(self):
        z = np.exp(2j * np.pi * np.arange(50) / 50)
        with pytest.raises(TypeError, match="`curve='interval'`"):
            aaa_lawson(z, np.exp(z), 2, curve="interval")

    @pytest.mark.parametrize("thr", [0.0, 1.1])
    def test_bad_ratio_threshold(self, thr):
        with pytest.raises(ValueError, match="`ratio_threshold`"):
            aaa_lawson(X, F, 2, ratio_threshold=thr)

    def test_init_wrong_type(self):
        with pytest.raises(TypeError, match="`init`"):
            aaa_lawson(X, F, 2, init=(X[:3], F[:3], np.ones(3)))

    def test_init_wrong_degree(self):
        r0 = BarycentricRational(X[:4], F[:4], [1.0, -3.0, 3.0, -1.0])
        with pytest.raises(ValueError, match="`init` has degree 3"):
            aaa_lawson(X, F, 2, init=r0)


class TestEquioscillationInput:
    def test_shape_mismatch(self):
        with pytest.raises(ValueError, match="`e`"):
            equioscillation(X, F[:-1], 1)

    def test_interval_complex(self):
        with pytest.raises(TypeError, match="`curve='interval'`"):
            equioscillation(X + 1j, F, 1, curve="interval")

    def test_nan_error(self):
        e = F.copy()
        e[0] = np.nan
        with pytest.raises(ValueError, match="`e`"):
            equioscillation(X, e, 1)


class TestFloaterHormann:
    def test_complex_nodes(self):
        with pytest.raises(TypeError, match="`x` must be real"):
            floater_hormann(X + 0j, F)

    def test_complex_nodes_weights(self):
        with pytest.raises(TypeError, match="`x` must be real"):
            floater_hormann_weights(np.exp(1j * X))

    def test_d_larger_than_n(self):
        with pytest.raises(ValueError, match="`d` must be <= n = 4"):
            floater_hormann(X[:5], F[:5], d=5)

    def test_negative_d(self):
        with pytest.raises(ValueError, match="`d`"):
            floater_hormann(X, F, d=-1)

    @pytest.mark.parametrize("d", [3.0, "3", True])
    def test_d_not_int(self, d):
        with pytest.raises(TypeError, match="`d`"):
            floater_hormann(X, F, d=d)

    @pytest.mark.parametrize("which", ["x", "f"])
    def test_nan(self, which):
        x, f = X.copy(), F.copy()
        (x if which == "x" else f)[2] = np.nan
        with pytest.raises(ValueError, match=f"`{which}`"):
            floater_hormann(x, f)

    def test_duplicate_nodes(self):
        x = X.copy()
        x[10] = x[11]
        with pytest.raises(ValueError, match="`x` must be distinct"):
            floater_hormann(x, F)

    def test_f_wrong_shape(self):
        with pytest.raises(ValueError, match="`f` must have shape"):
            floater_hormann(X, F[:-1])
        with pytest.raises(ValueError, match="`f`"):
            floater_hormann(X, np.ones((50, 2, 2)))

    def test_empty(self):
        with pytest.raises(ValueError, match="`x`"):
            floater_hormann([], [])

    def test_nodes_2d(self):
        with pytest.raises(ValueError, match="`x`"):
            floater_hormann_weights(np.ones((3, 3)))
