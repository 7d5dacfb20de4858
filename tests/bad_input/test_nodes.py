"""Bad input to the public functions of ``numlearn.classical.nodes`` and
``numlearn.classical.differentiation`` (issue 13's matrix): each case asserts the
exception type and that the message names the argument."""

from __future__ import annotations

import numpy as np
import pytest

from numlearn.classical import (
    barycentric_diffmat,
    chebyshev_diffmat,
    chebyshev_points,
    chebyshev_weights,
    derivative_values,
    equispaced_points,
    equispaced_weights,
    fourier_diffmat,
    fourier_points,
    interpolant_derivative,
    legendre_points,
    legendre_weights,
)
from numlearn.classical.nodes import MAX_ARRAY_BYTES, map_from_reference, map_to_reference

X = chebyshev_points(6)
W = chebyshev_weights(6)
F = np.exp(X)

#: functions of a size ``n`` (and maybe more), called as f(n)
SIZED = [chebyshev_points, chebyshev_weights, equispaced_points, equispaced_weights,
         fourier_points, legendre_points, legendre_weights, chebyshev_diffmat,
         fourier_diffmat]
#: functions of ``domain``, called as f(domain)
DOMAIN = {
    "chebyshev_points": lambda d: chebyshev_points(5, 2, d),
    "equispaced_points": lambda d: equispaced_points(5, d),
    "fourier_points": lambda d: fourier_points(5, d),
    "legendre_points": lambda d: legendre_points(5, d),
    "chebyshev_diffmat": lambda d: chebyshev_diffmat(5, 1, d),
    "fourier_diffmat": lambda d: fourier_diffmat(5, 1, d),
    "map_from_reference": lambda d: map_from_reference(X, d),
    "map_to_reference": lambda d: map_to_reference(X, d),
}
#: functions of an ``order``
ORDER = {
    "chebyshev_diffmat": lambda k: chebyshev_diffmat(5, k),
    "fourier_diffmat": lambda k: fourier_diffmat(5, k),
    "barycentric_diffmat": lambda k: barycentric_diffmat(X, k),
    "derivative_values": lambda k: derivative_values(X, W, F, k),
    "interpolant_derivative": lambda k: interpolant_derivative(X, W, F, [0.3], k),
}
#: array arguments: (call with the argument replaced, argument name)
ARRAYS = {
    "barycentric_diffmat-nodes": (lambda a: barycentric_diffmat(a), "nodes"),
    "barycentric_diffmat-weights": (lambda a: barycentric_diffmat(X, 1, a), "weights"),
    "derivative_values-nodes": (lambda a: derivative_values(a, W, F), "nodes"),
    "derivative_values-weights": (lambda a: derivative_values(X, a, F), "weights"),
    "derivative_values-values": (lambda a: derivative_values(X, W, a), "values"),
    "interpolant_derivative-nodes": (lambda a: interpolant_derivative(a, W, F, [0.3]), "nodes"),
    "interpolant_derivative-x": (lambda a: interpolant_derivative(X, W, F, a), "x"),
}
KIND = {
    "chebyshev_points": lambda k: chebyshev_points(5, k),
    "chebyshev_weights": lambda k: chebyshev_weights(5, k),
    "chebyshev_diffmat": lambda k: chebyshev_diffmat(5, 1, kind=k),
}


def _ids(d):
    return list(d)


class TestNonFinite:
    @pytest.mark.parametrize("name", _ids(ARRAYS))
    @pytest.mark.parametrize("bad", [np.nan, np.inf])
    def test_array_entry(self, name, bad):
        call, arg = ARRAYS[name]
        good = {"x": np.array([0.3, 0.1])}.get(arg, {"weights": W, "values": F}.get(arg, X))
        a = np.array(good, dtype=float)
        a[1] = bad
        with pytest.raises(ValueError, match=f"`{arg}`"):
            call(a)

    @pytest.mark.parametrize("name", _ids(DOMAIN))
    @pytest.mark.parametrize("dom", [(0.0, np.inf), (np.nan, 1.0)])
    def test_domain(self, name, dom):
        with pytest.raises(ValueError, match="`domain`"):
            DOMAIN[name](dom)


class TestEmpty:
    @pytest.mark.parametrize("name", [k for k in ARRAYS if not k.endswith("-x")])
    def test_empty_array(self, name):
        call, _ = ARRAYS[name]
        with pytest.raises(ValueError, match=r"`(nodes|weights|values)`"):
            call(np.array([]))

    def test_no_evaluation_points_is_fine(self):
        assert interpolant_derivative(X, W, F, np.array([])).shape == (0,)


class TestShape:
    # Evaluation points (`x`) may have any shape, so only the other arrays are here.
    @pytest.mark.parametrize("name", [k for k in _ids(ARRAYS) if ARRAYS[k][1] != "x"])
    def test_wrong_length_or_dimensions(self, name):
        call, arg = ARRAYS[name]
        bad = np.ones((3, 6)) if arg == "nodes" else np.linspace(1.0, 2.0, 4)
        with pytest.raises(ValueError, match=f"`{arg}`|`weights`|`values`"):
            call(bad)

    @pytest.mark.parametrize("name", _ids(DOMAIN))
    @pytest.mark.parametrize("dom", [(0.0, 1.0, 2.0), (1.0,), 1.0])
    def test_domain_not_a_pair(self, name, dom):
        with pytest.raises(TypeError, match="`domain`"):
            DOMAIN[name](dom)


class TestDtype:
    @pytest.mark.parametrize("func", SIZED, ids=lambda f: f.__name__)
    @pytest.mark.parametrize("n", [True, "5", 5.0, None, 5 + 0j])
    def test_n(self, func, n):
        with pytest.raises(TypeError, match="`n`"):
            func(n)

    @pytest.mark.parametrize("name", _ids(ORDER))
    @pytest.mark.parametrize("k", [True, "1", 1.0, None])
    def test_order(self, name, k):
        with pytest.raises(TypeError, match="`order`"):
            ORDER[name](k)

    @pytest.mark.parametrize("name", _ids(KIND))
    @pytest.mark.parametrize("k", [True, "2", 2.0, None])
    def test_kind(self, name, k):
        with pytest.raises(TypeError, match="`kind`"):
            KIND[name](k)

    @pytest.mark.parametrize("name", _ids(DOMAIN))
    @pytest.mark.parametrize("dom", [("0", "1"), (False, True), (0j, 1.0), "ab"])
    def test_domain(self, name, dom):
        with pytest.raises(TypeError, match="`domain"):
            DOMAIN[name](dom)

    @pytest.mark.parametrize("name", _ids(ARRAYS))
    @pytest.mark.parametrize("kind", ["str", "bool", "object"])
    def test_array(self, name, kind):
        call, arg = ARRAYS[name]
        bad = {"str": np.array(["a"] * 6), "bool": np.array([True, False] * 3),
               "object": np.array([None] * 6)}[kind]
        with pytest.raises(TypeError, match=f"`{arg}`"):
            call(bad)

    @pytest.mark.parametrize("func", [map_from_reference, map_to_reference])
    def test_map_points(self, func):
        with pytest.raises(TypeError, match=r"`(s|x)`"):
            func(["a", "b"], (0.0, 1.0))


class TestDuplicates:
    @pytest.mark.parametrize("name", [k for k in ARRAYS if k.endswith("-nodes")])
    def test_duplicate_nodes(self, name):
        call, _ = ARRAYS[name]
        with pytest.raises(ValueError, match="`nodes` must be distinct"):
            call(np.r_[X[:5], X[4]])

    def test_zero_weight(self):
        with pytest.raises(ValueError, match="`weights"):
            barycentric_diffmat(X, 1, np.r_[0.0, W[1:]])


class TestOutOfDomain:
    @pytest.mark.parametrize("name", _ids(DOMAIN))
    @pytest.mark.parametrize("dom", [(1.0, 0.0), (2.0, 2.0), (1.0, 1.0 + 1e-14)])
    def test_reversed_or_narrow(self, name, dom):
        with pytest.raises(ValueError, match="`domain`"):
            DOMAIN[name](dom)

    @pytest.mark.parametrize("func", [chebyshev_points, equispaced_points, fourier_points,
                                      legendre_points, chebyshev_diffmat, fourier_diffmat],
                             ids=lambda f: f.__name__)
    def test_points_round_together(self, func):
        # wide enough for check_domain (2000 ulps), too narrow for 5000 distinct points
        a = 1e6
        with pytest.raises(ValueError, match=r"`domain`.*round"):
            if func in (chebyshev_diffmat, fourier_diffmat):
                func(5000, 1, domain=(a, a + 2000 * np.spacing(a)))
            else:
                func(5000, domain=(a, a + 2000 * np.spacing(a)))


class TestImpossibleParameters:
    @pytest.mark.parametrize("func", SIZED, ids=lambda f: f.__name__)
    @pytest.mark.parametrize("n", [0, -3])
    def test_n(self, func, n):
        with pytest.raises(ValueError, match="`n`"):
            func(n)

    @pytest.mark.parametrize("name", _ids(ORDER))
    def test_negative_order(self, name):
        with pytest.raises(ValueError, match="`order`"):
            ORDER[name](-1)

    @pytest.mark.parametrize("name", _ids(KIND))
    @pytest.mark.parametrize("k", [0, 3])
    def test_kind(self, name, k):
        with pytest.raises(ValueError, match="`kind`"):
            KIND[name](k)

    # equispaced nodes: barycentric_weights warns that they are ill-conditioned
    @pytest.mark.filterwarnings("ignore::numlearn.IllConditionedWarning")
    @pytest.mark.parametrize("call", [lambda: chebyshev_diffmat(200, 150),
                                      lambda: fourier_diffmat(64, 10**6),
                                      lambda: barycentric_diffmat(np.linspace(-1, 1, 300), 200)])
    def test_order_overflows(self, call):
        with pytest.raises(ValueError, match="`order`"):
            call()

    def test_domain_width_overflows(self):
        with pytest.raises(ValueError, match="`domain`"):
            chebyshev_diffmat(5, 1, domain=(-1e308, 1e308))
        with pytest.raises(ValueError, match="`domain`"):
            fourier_points(5, (-1e308, 1e308))


class TestHugeSizes:
    @pytest.mark.parametrize("func", SIZED, ids=lambda f: f.__name__)
    @pytest.mark.parametrize("n", [2**63, 2**31 + 1])
    def test_n_refused_before_allocating(self, func, n):
        # chebyshev_points(2**63) returned an empty array (issue 13, item 14)
        with pytest.raises(ValueError, match=r"`n`.*MAX_ARRAY_BYTES"):
            func(n)

    @pytest.mark.parametrize("func", [chebyshev_diffmat, fourier_diffmat],
                             ids=lambda f: f.__name__)
    def test_matrix_side(self, func):
        side = int((MAX_ARRAY_BYTES // 8) ** 0.5) + 1
        with pytest.raises(ValueError, match=r"`n`.*MAX_ARRAY_BYTES"):
            func(side)

    def test_barycentric_diffmat_nodes(self):
        with pytest.raises(ValueError, match=r"`nodes`.*MAX_ARRAY_BYTES"):
            barycentric_diffmat(np.arange(50_000.0))
