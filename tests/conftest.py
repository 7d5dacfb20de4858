"""Shared test configuration.

Torch runs on one intra-op thread in tests: the suite often runs beside other
CPU-bound jobs on two cores, where torch's thread pool fights them (measured: the
fast suite 10x slower under load with the default, most of it in torch tests).

Hypothesis runs the deterministic ``numlearn-ci`` profile unless
``NUMLEARN_HYPOTHESIS_PROFILE`` names another (``numlearn-random`` explores more
examples with fresh randomness); see :mod:`numlearn.testing.profiles`.
"""

import sys

import numpy as np
import pytest

from numlearn.testing import load_profile

load_profile()


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh generator with a fixed seed, so each test sees the same numbers."""
    return np.random.default_rng(20240611)


_TORCH_THREADS_BEFORE: list[int] = []


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """One intra-op thread for every test once torch is imported (at collection by
    the torch test modules, or by a test itself); torch is never imported here."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != 1:
        _TORCH_THREADS_BEFORE.append(torch.get_num_threads())
        torch.set_num_threads(1)
    yield


@pytest.fixture(autouse=True, scope="session")
def _restore_torch_threads():
    """Give torch its first thread count back when the session ends."""
    yield
    torch = sys.modules.get("torch")
    if torch is not None and _TORCH_THREADS_BEFORE:
        torch.set_num_threads(_TORCH_THREADS_BEFORE[0])
