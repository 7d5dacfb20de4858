"""Shared test configuration.

Hypothesis runs the deterministic ``numlearn-ci`` profile unless
``NUMLEARN_HYPOTHESIS_PROFILE`` names another (``numlearn-random`` explores more
examples with fresh randomness); see :mod:`numlearn.testing.profiles`.
"""

import numpy as np
import pytest

from numlearn.testing import load_profile

load_profile()


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh generator with a fixed seed, so each test sees the same numbers."""
    return np.random.default_rng(20240611)
