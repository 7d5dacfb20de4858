"""Bad input to ``aaa`` and ``BarycentricRational``: each case asserts the exception
type and that the message names the argument."""

from __future__ import annotations

import numpy as np
import pytest

from numlearn.classical.rational.aaa import aaa
from numlearn.classical.rational.form import BarycentricRational

X = np.linspace(-1, 1, 50)
F = np.exp(X)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"z": np.r_[X[:-1], np.nan]}, ValueError, "`z` must be finite"),
        ({"f": np.r_[F[:-1], np.inf]}, ValueError, "`f` must be finite"),
        ({"z": np.r_[X[:-1], X[0]]}, ValueError, "`z` must be distinct"),
        ({"f": F[:-1]}, ValueError, "`f` must have one row per sample"),
        ({"z": np.array([])}, ValueError, "`z` is empty"),
        ({"f": F.reshape(5, 5, 2)}, ValueError, "`f` must be 1 or 2-dimensional"),
        ({"f": np.zeros((50, 0))}, ValueError, "`f` is empty"),
        ({"z": ["a"] * 50}, TypeError, "`z` must have a numeric dtype"),
        ({"rtol": -1e-3}, ValueError, "`rtol`"),
        ({"rtol": np.nan}, ValueError, "`rtol`"),
        ({"max_terms": 0}, ValueError, "`max_terms`"),
        ({"max_terms": 2.5}, TypeError, "`max_terms`"),
        ({"degree": 50}, ValueError, "`degree`"),
        ({"degree": -1}, ValueError, "`degree`"),
        ({"cleanup": "yes"}, TypeError, "`cleanup`"),
        ({"cleanup_tol": -1.0}, ValueError, "`cleanup_tol`"),
    ],
)
def test_aaa_bad_input(kwargs, exc, match):
    args = {"z": X, "f": F}
    args.update(kwargs)
    z, f = args.pop("z"), args.pop("f")
    with pytest.raises(exc, match=match):
        aaa(z, f, **args)


@pytest.mark.parametrize(
    ("args", "exc", "match"),
    [
        (([0.0, 0.0, 1.0], [1.0, 2.0, 3.0], [1.0, 1.0, 1.0]), ValueError,
         "`nodes` must be distinct"),
        (([0.0, 1.0], [1.0, 2.0, 3.0], [1.0, 1.0]), ValueError, "same length"),
        (([0.0, 1.0], [1.0, 2.0], [0.0, 0.0]), ValueError, "`weights` are all zero"),
        (([0.0, np.inf], [1.0, 2.0], [1.0, 1.0]), ValueError, "`nodes` must be finite"),
        (([0.0, 1.0], [1.0, np.nan], [1.0, 1.0]), ValueError, "`values` must be finite"),
    ],
)
def test_form_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        BarycentricRational(*args)


def test_aaa_too_large_refused_before_work():
    # 2500 functions on 10^4 points, 100 terms: the factorisation would need ~19 GiB
    z = np.arange(10**4, dtype=float)
    f = np.broadcast_to(np.zeros(1), (10**4, 2500))
    with pytest.raises(ValueError, match="`f` is too large"):
        aaa(z, f)


def test_form_method_bad_input():
    r = BarycentricRational([0.0, 1.0, 2.0], [1.0, 2.0, 0.0], [1.0, -2.0, 1.5])
    with pytest.raises(ValueError, match="`order`"):
        r.derivative([0.5], order=0)
    with pytest.raises(ValueError, match="`x` must be finite"):
        r([np.nan])
    with pytest.raises(ValueError, match="`z` and `f`"):
        r.residues(z=[0.5, 1.5])
    with pytest.raises(ValueError, match="same length"):
        r.residues(z=[0.5, 1.5], f=[1.0])
