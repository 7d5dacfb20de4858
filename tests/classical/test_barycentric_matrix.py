"""barycentric_matrix (numlearn.classical.barycentric_matrix) against barycentric_eval and mpmath.

The matrix must be, column by column, what the compensated evaluation kernel returns
for the identity's columns (bitwise), exact at the nodes, and accurate to a few ulps
of the exact ratio of the rounded terms.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest

from numlearn.classical import (
    barycentric_eval,
    barycentric_matrix,
    barycentric_weights,
    chebyshev_points,
    chebyshev_weights,
)


# Random nodes are ill-conditioned at the points outside their range; both functions
# warn alike there (issue 13 item 8), which is not what this test is about.
@pytest.mark.filterwarnings("ignore::numlearn.IllConditionedWarning")
def test_equals_the_evaluation_kernel_bitwise(rng: np.random.Generator) -> None:
    for n in (1, 2, 3, 4, 5, 7, 12, 33):
        x = chebyshev_points(n)
        w = chebyshev_weights(n)
        y = np.concatenate([rng.uniform(-1, 1, 40), x, np.nextafter(x, 2.0),
                            chebyshev_points(2 * n + 1, 1)])
        np.testing.assert_array_equal(barycentric_matrix(y, x, w),
                                      barycentric_eval(x, w, np.eye(n), y))
        if n > 12:  # random nodes of larger n are hopelessly ill-conditioned
            continue
        xr = np.sort(rng.uniform(-1, 1, n))
        wr = barycentric_weights(xr)
        np.testing.assert_array_equal(barycentric_matrix(y, xr, wr),
                                      barycentric_eval(xr, wr, np.eye(n), y))


def test_rows_at_nodes_are_unit_vectors_and_rows_sum_to_one() -> None:
    n = 9
    x = chebyshev_points(n, 2, (0.0, 3.0))
    P = barycentric_matrix(x[::-1], x, chebyshev_weights(n))
    np.testing.assert_array_equal(P, np.eye(n)[::-1])
    y = chebyshev_points(20, 1, (0.0, 3.0))
    Q = barycentric_matrix(y, x, chebyshev_weights(n))
    # Lagrange basis sums to 1; each entry within a few eps of it.
    np.testing.assert_allclose(Q.sum(axis=1), 1.0, rtol=0, atol=n * 4e-16)
    assert barycentric_matrix(np.array([]), x, chebyshev_weights(n)).shape == (0, n)


def test_entries_against_mpmath() -> None:
    """Each entry within 6 ulps of the exact ell_j(y) for the float64 nodes and points
    (rounding of the terms, the compensated denominator, one division)."""
    n, m = 16, 14
    x = chebyshev_points(n)
    w = chebyshev_weights(n)
    y = chebyshev_points(m, 1)
    P = barycentric_matrix(y, x, w)
    with mp.workdps(40):
        for i in range(m):
            t = [mp.mpf(float(w[j])) / (mp.mpf(float(y[i])) - mp.mpf(float(x[j])))
                 for j in range(n)]
            s = mp.fsum(t)
            exact = np.array([float(v / s) for v in t])
            ulps = np.abs(P[i] - exact) / np.spacing(np.abs(exact))
            assert ulps.max() <= 6, (i, ulps.max())
