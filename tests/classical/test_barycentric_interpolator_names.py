"""SciPy's name and calling conventions for the barycentric interpolant: the class is
``BarycentricInterpolator``, the old name warns, and where the call differs from
:class:`scipy.interpolate.BarycentricInterpolator` the SciPy-style call is refused with
a message that says how to write it here."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.interpolate import BarycentricInterpolator as ScipyBary

import numlearn
from numlearn._core.validation import EPS
from numlearn.classical import BarycentricInterpolator, chebyshev_points, chebyshev_weights

N = 24
X = chebyshev_points(N)
F = np.exp(X) * np.sin(3 * X)


def test_old_name_is_the_same_class_with_a_deprecation_warning():
    with pytest.warns(DeprecationWarning, match="use `numlearn.classical.Barycentric"
                                                "Interpolator`") as rec:
        old = numlearn.classical.BarycentricInterpolant
    assert old is BarycentricInterpolator
    assert rec[0].filename == __file__  # points at the caller's line
    with pytest.warns(DeprecationWarning, match="BarycentricInterpolator"):
        from numlearn.classical.barycentric_interpolant import BarycentricInterpolant
    assert BarycentricInterpolant is BarycentricInterpolator
    assert "BarycentricInterpolant" not in numlearn.classical.__all__


def test_new_name_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert numlearn.classical.BarycentricInterpolator is BarycentricInterpolator


def test_values_and_derivatives_match_scipy():
    # scipy is an independent implementation of the same polynomial (its own weights)
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, 200)
    ours = BarycentricInterpolator(X, F, chebyshev_weights(N))
    theirs = ScipyBary(X, F, rng=np.random.default_rng(0))
    scale = float(np.max(np.abs(F)))
    # Lambda_24 < 3 for Chebyshev points; each side rounds within ~(3n+4) Lambda eps
    np.testing.assert_allclose(ours(x), theirs(x), rtol=0, atol=2 * (3 * N + 4) * 3 * EPS
                               * scale)
    # scipy.derivative(x, der) is ours.derivative(der)(x); a first derivative loses a
    # factor ~n^2 (the Markov inequality) in both
    for der in (1, 2):
        np.testing.assert_allclose(ours.derivative(der)(x), theirs.derivative(x, der),
                                   rtol=0, atol=(3 * N + 4) * N ** (2 * der) * EPS * scale)


def test_output_shape_follows_scipy():
    vals = np.stack([F, 2 * F], axis=1)  # (n, 2)
    x = np.linspace(-1, 1, 12).reshape(3, 4)
    assert BarycentricInterpolator(X, vals)(x).shape == ScipyBary(X, vals)(x).shape == (3, 4, 2)


@pytest.mark.parametrize("axis", [0, 1, np.int64(0)])
def test_scipy_axis_as_third_argument_is_refused(axis):
    with pytest.raises(TypeError, match=r"not SciPy's `axis`.*np\.moveaxis"):
        BarycentricInterpolator(X, F, axis)


@pytest.mark.parametrize("x", [0.5, np.array([0.1, 0.2]), [0.3]])
def test_scipy_derivative_at_points_is_refused(x):
    p = BarycentricInterpolator(X, F)
    with pytest.raises(TypeError, match=r"`order`.*p\.derivative\(der\)\(x\)"):
        p.derivative(x)


def test_scipy_der_keyword_is_refused():
    p = BarycentricInterpolator(X, F)
    with pytest.raises(TypeError, match=r"`der` is not an argument.*derivative\(der\)\(x\)"):
        p.derivative(0.5, der=1)
