"""Observed orders of convergence for the time-stepping tests."""

from __future__ import annotations

import numpy as np


def observed_orders(errors: list[float]) -> np.ndarray:
    """log2 of successive error ratios for step sizes halved each time."""
    e = np.asarray(errors)
    return np.log2(e[:-1] / e[1:])
