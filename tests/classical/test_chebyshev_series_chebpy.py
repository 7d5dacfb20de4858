"""ChebyshevSeries against chebpy (PyPI ``chebfun``) on the examples of chebpy's README.

Skipped when chebpy is not installed (``pip install 'numlearn[compare]'``).  The numbers
are in docs/notes/chebyshev_series.md.  Two independent implementations of Chebfun's
algorithms: lengths may differ by a coefficient or two (chebpy truncates where
numlearn aliases, as Chebfun's ``prolong`` does), sums and roots agree to rounding.
"""

from __future__ import annotations

import numpy as np
import pytest

from numlearn._core.validation import EPS
from numlearn.classical import chebyshev_adaptive

chebpy = pytest.importorskip("chebpy")

# (name, f, domain): the functions of chebpy's README examples (quick start: f - g and its
# intersections; differentiation and integration; root finding; convolution; quasimatrix)
README = [
    ("sin(x^2) + sin(x)^2 - exp(-(x-5)^2/10)",
     lambda x: np.sin(x**2) + np.sin(x) ** 2 - np.exp(-((x - 5) ** 2) / 10), (0.0, 10.0)),
    ("exp(x) sin(x)", lambda x: np.exp(x) * np.sin(x), (-1.0, 1.0)),
    ("x^3 - 2x - 5", lambda x: x**3 - 2 * x - 5, (-3.0, 3.0)),
    ("exp(-x^2)", lambda x: np.exp(-(x**2)), (-1.0, 1.0)),
    ("cos(pi x)", lambda x: np.cos(np.pi * x), (-1.0, 1.0)),
    ("exp(x) sin(6x)", lambda x: np.exp(x) * np.sin(6 * x), (-1.0, 1.0)),
]


@pytest.mark.parametrize(("name", "f", "domain"), README, ids=[r[0] for r in README])
def test_against_chebpy_readme_examples(name, f, domain) -> None:
    ours = chebyshev_adaptive(f, domain).value
    theirs = chebpy.chebfun(f, list(domain))
    assert len(theirs.funs) == 1  # one smooth piece, as ours
    assert abs(len(ours) - theirs.funs[0].size) <= 2, name
    a, b = domain
    vscale = float(np.max(np.abs(ours.values())))
    # sums: both exact on their coefficients, which differ by ~eps vscale each
    assert abs(ours.sum() - float(theirs.sum())) <= 16 * EPS * (b - a) * vscale, name
    # roots of f and of f' (extrema): the same count; positions to rounding, which is
    # eps (b - a) vscale / |f'(r)| in each (|f'| >= 0.1 vscale at these roots)
    for mine, ref in ((ours, theirs), (ours.derivative(), theirs.diff())):
        r_ours, r_ref = mine.roots(), np.sort(np.asarray(ref.roots()))
        assert r_ours.shape == r_ref.shape, name
        assert np.all(np.abs(r_ours - r_ref) <= 320 * EPS * (b - a)), name
