"""numlearn.precision.mp_linalg.mp_lstsq: the two-precision least-squares oracle
(exactly solvable binary problems; disagreement at too few digits)."""


import numpy as np
import pytest

from numlearn.precision import OracleDisagreementError, mp_lstsq
from numlearn.problems.least_squares import (
    sample_cond,
)

EPS = np.finfo(np.float64).eps


def test_mp_lstsq_exact_and_disagreement():
    # Exactly solvable in binary: x = (2, 1), the certificate must hold.
    A = np.array([[1.0, 1.0], [1.0, -1.0], [0.0, 0.0]])
    r = mp_lstsq(A, np.array([3.0, 1.0, 5.0]))
    assert r.value.tolist() == [2.0, 1.0] and r.stats["rounding_certified"].all()
    assert r.stats["dps"] == 50 and r.stats["check_dps"] == 100
    # 20 digits cannot give 20 agreeing digits at cond(A) = 1e6 (QR loses ~6-12).
    c = sample_cond(3, kappa=1e6, seed=0)
    with pytest.raises(OracleDisagreementError, match="problem 0"):
        mp_lstsq(c.A, c.b, dps=20, digits=20)
    with pytest.raises(ValueError, match="check_dps"):
        mp_lstsq(A, np.ones(3), check_dps=40)
    with pytest.raises(ValueError, match="digits"):
        mp_lstsq(A, np.ones(3), dps=30, digits=40)
