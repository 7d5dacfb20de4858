"""Shared checks of the compare tests."""

from collections.abc import Callable

import numpy as np
import pytest

from numlearn import Result, Status
from numlearn._core.result import check_stats


def _check_solver_result(res: object, *, side: str, method: str,
                         shape: tuple[int, ...]) -> None:
    """What every track's solver protocol asks of its Result: the type, ``side``,
    ``method``, success, float64 values of ``shape``, stats in the shared vocabulary."""
    assert isinstance(res, Result)
    assert res.side == side and res.method == method
    assert res.status is Status.SUCCESS, res.explanation
    assert isinstance(res.value, np.ndarray)
    assert res.value.dtype == np.float64 and res.value.shape == shape
    check_stats(res.stats)


@pytest.fixture
def check_solver_result() -> Callable[..., None]:
    """:func:`_check_solver_result`, for the protocol tests of the suites' solvers."""
    return _check_solver_result
