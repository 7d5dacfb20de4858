"""ChebyshevSeries (numlearn.classical.chebyshev_series) against numpy.polynomial."""

from __future__ import annotations

import numpy as np
import numpy.polynomial.chebyshev as npcheb
import pytest

from numlearn._core.validation import EPS
from numlearn.classical import ChebyshevSeries


def test_chebyshev_series_eval_derivative_simplify() -> None:
    c = np.array([1.0, -0.5, 0.25, 0.125] + [0.0] * 20)
    p = ChebyshevSeries(c, domain=(1.0, 4.0))
    x = np.linspace(1.0, 4.0, 13)
    s = (2 * x - 5.0) / 3.0
    assert np.allclose(p(x), npcheb.chebval(s, c), atol=4 * EPS, rtol=0)
    dp = p.derivative(2)
    assert np.allclose(dp(x), npcheb.chebval(s, npcheb.chebder(c, 2)) * (2 / 3) ** 2,
                       atol=50 * EPS, rtol=0)
    assert len(p.simplify()) == 4
    assert not p.coefficients.flags.writeable
    with pytest.raises(ValueError, match="finite"):
        ChebyshevSeries([1.0, np.nan])
