"""numlearn._core.threads: small work on one thread, large work on the pool, the work
each caller counts, and results independent of the thread count."""

from __future__ import annotations

from contextlib import contextmanager

import numba
import numpy as np
import pytest
from numpy.polynomial import chebyshev as C

import numlearn.classical.barycentric as bary_mod
import numlearn.classical.chebyshev as cheb_mod
from numlearn._core import threads
from numlearn._core.threads import PAIR_COST, PARALLEL_WORK, threads_for
from numlearn._core.validation import EPS
from numlearn.classical import (
    barycentric_eval,
    chebyshev_points,
    chebyshev_weights,
    clenshaw,
)

pool = pytest.mark.skipif(numba.get_num_threads() < 2,
                          reason="needs a Numba pool of at least 2 threads")


@pool
def test_small_work_runs_on_one_thread_and_restores():
    before = numba.get_num_threads()
    with threads_for(PARALLEL_WORK - 1):
        assert numba.get_num_threads() == 1
    assert numba.get_num_threads() == before


@pool
def test_large_work_keeps_the_pool():
    before = numba.get_num_threads()
    with threads_for(PARALLEL_WORK):
        assert numba.get_num_threads() == before


@pool
def test_restores_after_an_exception():
    before = numba.get_num_threads()
    with pytest.raises(RuntimeError), threads_for(0):
        raise RuntimeError("inside")
    assert numba.get_num_threads() == before


def test_a_lowered_count_is_kept():
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        with threads_for(PARALLEL_WORK):
            assert numba.get_num_threads() == 1
        with threads_for(0):
            assert numba.get_num_threads() == 1
        assert numba.get_num_threads() == 1
    finally:
        numba.set_num_threads(before)


def test_pair_costs_are_relative_to_the_barycentric_formula():
    assert PAIR_COST["bary2"] == 1.0
    assert set(PAIR_COST) == {"bary2", "clenshaw", "bary1", "trig"}
    assert threads.parallel_worth(PARALLEL_WORK)
    assert not threads.parallel_worth(PARALLEL_WORK - 1)


def test_the_demos_calls_count_nodes_times_points(monkeypatch):
    """The quick suite's calls (n = 16, 1002 points) count n x m pairs, far below the
    threshold: they run on one thread."""
    seen: list[float] = []

    @contextmanager
    def record(work: float):
        seen.append(work)
        yield

    monkeypatch.setattr(bary_mod, "threads_for", record)
    monkeypatch.setattr(cheb_mod, "threads_for", record)
    x = chebyshev_points(16)
    grid = np.linspace(-1.0, 1.0, 1002)
    barycentric_eval(x, chebyshev_weights(16), np.exp(x), grid)
    clenshaw(grid, np.ones(16))
    clenshaw(grid, np.ones((16, 3)))
    assert seen == [16 * 1002, PAIR_COST["clenshaw"] * 16 * 1002,
                    PAIR_COST["clenshaw"] * 16 * 1002 * 3]
    assert max(seen) < PARALLEL_WORK


@pool
def test_results_do_not_depend_on_the_thread_count(rng):
    """Above the threshold the pool runs; each point is one thread's, in the same order
    of operations, so the values equal the one-thread ones bit for bit, and agree
    with numpy's chebval (an independent Clenshaw) to rounding."""
    n, m = 64, PARALLEL_WORK // 64 + 1  # bary2 pairs just past the threshold
    x = chebyshev_points(n)
    w = chebyshev_weights(n)
    f = np.cos(3.0 * x)
    pts = rng.uniform(-1.0, 1.0, m)
    c = rng.standard_normal(int(PARALLEL_WORK / (PAIR_COST["clenshaw"] * m)) + 1)
    pooled = barycentric_eval(x, w, f, pts), clenshaw(pts, c)
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        alone = barycentric_eval(x, w, f, pts), clenshaw(pts, c)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(pooled[0], alone[0])
    np.testing.assert_array_equal(pooled[1], alone[1])
    # Both recurrences' error is at most ~ 2 n^2 eps sum|c_k| (n^2 near s = +-1).
    bound = 2 * len(c) ** 2 * EPS * np.abs(c).sum()
    assert np.max(np.abs(pooled[1] - C.chebval(pts, c))) <= bound
