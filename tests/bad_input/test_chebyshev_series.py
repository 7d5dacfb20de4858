"""Bad input to the Chebyshev function object and its constructors (issue 14 items 5, 8).

Each case asserts the exception type and that the message names the argument or the fix:
ChebyshevSeries (construction, arithmetic, roots, np.asarray), chebyshev_interpolate's
``n=``/``deg=`` keywords, clenshaw's ``extrapolate`` flag and its out-of-domain warning,
clenshaw_curtis given a function.
"""

from __future__ import annotations

import operator

import numpy as np
import pytest

from numlearn.classical import ChebyshevSeries, chebyshev_interpolate
from numlearn.classical.chebyshev import clenshaw, clenshaw_curtis

P = ChebyshevSeries([1.0, 2.0, 3.0], (0.0, 1.0))


@pytest.mark.parametrize(
    ("call", "exc", "pattern"),
    [
        (lambda: ChebyshevSeries(np.ones((3, 0))), ValueError, "`coefficients` is empty"),
        (lambda: ChebyshevSeries([[[1.0]]]), ValueError, "`coefficients`"),
        (lambda: ChebyshevSeries([1.0], (1.0, 0.0)), ValueError, "`domain`"),
        (lambda: P + ChebyshevSeries([1.0]), ValueError, "different domains"),
        (lambda: P - ChebyshevSeries(np.ones((2, 2)), (0.0, 1.0)), ValueError, "columns"),
        (lambda: P * np.nan, ValueError, "must be finite"),
        (lambda: P - np.inf, ValueError, "must be finite"),
        (lambda: np.True_ * P, TypeError, "bool"),
        (lambda: operator.add(P, [1.0, 2.0]), TypeError, "array"),
        (lambda: P / P, TypeError, "chebyshev_adaptive"),
        (lambda: np.asarray(P), TypeError, r"`\.coefficients`.*`\.values\(\)`"),
        (lambda: np.exp(P), TypeError, "ufunc"),
        (lambda: ChebyshevSeries([1j, 1.0]).roots(), TypeError, "real series"),
        (lambda: P.simplify(-1.0), ValueError, "`tol`"),
        (lambda: P.derivative(-1), ValueError, "`order`"),
        (lambda: chebyshev_interpolate(np.exp, 8), TypeError, r"`n=`.*`deg=`"),
        (lambda: chebyshev_interpolate(np.exp, 8, 2, (0, 1)), TypeError, "keyword"),
        (lambda: chebyshev_interpolate(np.exp, n=8, deg=7), TypeError, "exactly one"),
        (lambda: chebyshev_interpolate(np.exp), TypeError, "exactly one"),
        (lambda: chebyshev_interpolate(np.exp, deg=-1), ValueError, "`deg`"),
        (lambda: chebyshev_interpolate(np.exp, deg=2.0), TypeError, "`deg`"),
        (lambda: chebyshev_interpolate(np.exp, n=0), ValueError, "`n`"),
        (lambda: clenshaw([0.0], [1.0], extrapolate="yes"), TypeError, "`extrapolate`"),
        (lambda: clenshaw_curtis(np.exp), TypeError,
         r"`values` must be samples at Chebyshev points.*chebyshev_adaptive\(f, domain\)"
         r"\.value\.sum\(\)"),
        (lambda: clenshaw_curtis(P), TypeError, "samples at Chebyshev points"),
    ],
)
def test_refused(call, exc, pattern) -> None:
    with pytest.raises(exc, match=pattern):
        call()


def test_clenshaw_without_domain_warns_where_it_was_silent() -> None:
    # issue 14 item 5: coefficients of log on (1, 3) evaluated with the default domain
    # (-1, 1) at x = 2 extrapolate a degree-26 polynomial: no longer silent
    from numlearn.classical import chebyshev_adaptive

    c = chebyshev_adaptive(np.log, domain=(1, 3)).value.coefficients
    with pytest.warns(RuntimeWarning, match=r"outside the domain \[-1, 1\].*`domain=\(a, b\)`"):
        wrong = clenshaw(2.0, c)
    assert abs(wrong - np.log(2.0)) > 0.1
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert abs(clenshaw(2.0, c, domain=(1, 3)) - np.log(2.0)) <= 4 * np.finfo(float).eps
        clenshaw(np.nextafter(3.0, 4.0), c, domain=(1, 3))  # a few ulps out: rounding
        clenshaw(5.0, c, domain=(1, 3), extrapolate=True)
        clenshaw(np.array([2.0 + 1j]), c, domain=(1, 3))  # complex: deliberate
