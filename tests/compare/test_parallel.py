"""Parallel runs of the harness: the same rows as a serial run on a process pool, a
thread pool and a Dask cluster; thread limits in the workers; ``--workers``."""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from numlearn import Result
from numlearn.cli import main
from numlearn.compare import Method, get_suite, register_suite, run_comparison, task_threads
from numlearn.compare.parallel import executor_from_args
from numlearn.compare.suites import SUITES

# A reduced quick suite: four targets at n = 16 (the whole suite takes a minute).
_QUICK = ("exp/n=16", "sine/n=16", "runge/n=16", "oscillatory/n=16")
_THREADS = task_threads(2)
_ENV: dict[str, str | None] = {}  # OMP_NUM_THREADS here, before / once the pool started


def _quick() -> tuple[list, tuple[Method, ...], object]:
    """A fresh build each time: every run computes its own truths."""
    problems, methods, extra = get_suite("quick").build()
    return [p for p in problems if p.name in _QUICK], methods, extra


def _fingerprint(rows: list) -> list[str]:
    """Each row without its time; ``repr`` of a float is exact, so equal strings mean
    equal bits (and NaN equals NaN)."""
    out = []
    for r in rows:
        d = r.as_dict()
        del d["seconds"]
        out.append(repr(d))
    return out


@pytest.fixture(scope="module")
def serial() -> list[str]:
    problems, methods, extra = _quick()
    rows = run_comparison(problems, methods, extra=extra)
    assert [r.problem for r in rows[::len(methods)]] == list(_QUICK)
    return _fingerprint(rows)


@pytest.fixture(scope="module")
def pool():
    """``numlearn compare --workers 2``'s pool (spawned processes, limited threads)."""
    _ENV["before"] = os.environ.get("OMP_NUM_THREADS")
    with executor_from_args(argparse.Namespace(workers=2, scheduler=None)) as ex:
        _ENV["started"] = os.environ.get("OMP_NUM_THREADS")
        yield ex


def _same_as_serial(serial: list[str], executor) -> None:
    problems, methods, extra = _quick()
    finished = []
    rows = run_comparison(problems, methods, extra=extra, executor=executor,
                          on_row=finished.append)
    assert _fingerprint(rows) == serial
    # on_row saw every row once, here, as it finished (in any order).
    assert sorted(_fingerprint(finished)) == sorted(serial)


def test_process_pool_gives_the_serial_rows(serial, pool):
    _same_as_serial(serial, pool)


def test_thread_pool_gives_the_serial_rows_one_task_at_a_time(serial):
    # Two mpmath oracles at once on threads of one process corrupt each other's
    # precision (mpmath.workdps is process-wide): the tasks run one at a time.
    with ThreadPoolExecutor(2) as ex, pytest.warns(UserWarning, match="one at a time"):
        _same_as_serial(serial, ex)


def test_dask_local_cluster_gives_the_serial_rows(serial):
    # Two worker processes of two threads each: each process runs one task at a time
    # (mpmath's precision is per process), the two processes in parallel.
    distributed = pytest.importorskip("distributed")
    environ = dict(os.environ)  # Dask's nanny sets OMP_NUM_THREADS=1 ... here for good
    try:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=2, processes=True,
                                      dashboard_address=None) as cluster, \
                distributed.Client(cluster) as client:
            _same_as_serial(serial, client.get_executor(pure=False))
    finally:
        os.environ.clear()
        os.environ.update(environ)


# -------------------------------------------------------------- toy problems and methods
# Module level, so that a process pool can pickle them.


class _Toy:
    grid_name = "4 points"

    def __init__(self, name: str) -> None:
        self.name = name

    def truth(self) -> np.ndarray:
        return np.linspace(0.0, 1.0, 4)


def _exact(p: _Toy) -> np.ndarray:
    return p.truth()


def _threads_seen(p: _Toy) -> Result:
    """The thread limits of the process and thread the method runs in."""
    import numba

    return Result(p.truth(), side="classical",
                  stats={"numba": numba.get_num_threads(), "pid": os.getpid(),
                         "omp": os.environ.get("OMP_NUM_THREADS", "")})


def _no_status_nan(p: _Toy) -> np.ndarray:
    return np.full(4, np.nan)


def _wrong_shape(p: _Toy) -> np.ndarray:
    return np.zeros(3)


class _Counting:
    """A stateful method: it must run in the calling process (``in_process``)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, p: _Toy) -> np.ndarray:
        self.seen.append(p.name)
        return p.truth()


def _toys(k: int = 3) -> list[_Toy]:
    return [_Toy(f"toy{i}") for i in range(k)]


def test_workers_run_on_their_share_of_the_cores(pool):
    rows = run_comparison(_toys(4), [Method("t", "classical", _threads_seen)],
                          executor=pool)
    stats = [r.extra["solver_stats"] for r in rows]
    assert {s["pid"] for s in stats}.isdisjoint({os.getpid()})
    assert all(s["numba"] == _THREADS and s["omp"] == str(_THREADS) for s in stats)
    # The limits were set for the workers only: this process has its own back.
    assert _ENV["started"] == _ENV["before"]


def test_workers_1_is_a_serial_run():
    with executor_from_args(argparse.Namespace(workers=1, scheduler=None)) as ex:
        assert ex is None


def test_tasks_on_threads_of_the_caller_leave_its_threads_alone():
    import numba

    before = numba.get_num_threads()
    with ThreadPoolExecutor(2) as ex, pytest.warns(UserWarning, match="one at a time"):
        rows = run_comparison(_toys(2), [Method("t", "classical", _threads_seen)],
                              executor=ex)
    assert all(r.extra["solver_stats"]["pid"] == os.getpid() for r in rows)
    assert numba.get_num_threads() == before


def test_in_process_methods_keep_their_state_here(pool):
    counting = _Counting()
    methods = [Method("a", "classical", _exact),
               Method("b", "classical", counting, in_process=True),
               Method("c", "classical", _exact)]
    rows = run_comparison(_toys(3), methods, executor=pool)
    assert [(r.problem, r.method) for r in rows] == [
        (f"toy{i}", m) for i in range(3) for m in "abc"]
    assert counting.seen == ["toy0", "toy1", "toy2"]


def test_a_warning_in_a_worker_is_raised_here(pool):
    with pytest.warns(RuntimeWarning, match="non-finite values on problem 'toy0'"):
        rows = run_comparison(_toys(1), [Method("nan", "classical", _no_status_nan)],
                              executor=pool)
    assert rows[0].extra["status"] == "diverged" and rows[0].max_abs == np.inf


def test_an_error_in_a_worker_is_raised_here(pool):
    with pytest.raises(ValueError, match="returned values of shape"):
        run_comparison(_toys(2), [Method("short", "classical", _wrong_shape)],
                       executor=pool)


def test_unpicklable_methods_are_refused_before_any_work(pool):
    with pytest.raises(TypeError, match=r"`methods` \('lambda'\) cannot be sent.*"
                                        "module level"):
        run_comparison(_toys(1), [Method("lambda", "classical", lambda p: p.truth())],
                       executor=pool)


def test_cli_workers_2_prints_the_serial_table(capsys):
    register_suite("toys-parallel", lambda: (_toys(3), [Method("a", "classical", _exact)],
                                             None), "three toys")
    try:
        assert main(["compare", "--suite", "toys-parallel", "--repeat", "1"]) == 0
        serial = capsys.readouterr().out
        assert main(["compare", "--suite", "toys-parallel", "--repeat", "1",
                     "--workers", "2"]) == 0
        parallel = capsys.readouterr().out
    finally:
        del SUITES["toys-parallel"]

    def table(out: str) -> list[str]:  # the rows without the seconds column
        # The CLI prints each row as it finishes: with workers, in finishing order.
        return sorted(line.rsplit(None, 1)[0] for line in out.splitlines()
                      if line.startswith("toy"))

    assert table(parallel) == table(serial) and len(table(serial)) == 3


def test_task_threads_is_the_share_of_the_cores():
    assert task_threads(1, cores=2) == 2 and task_threads(2, cores=2) == 1
    assert task_threads(3, cores=2) == 1 and task_threads(4, cores=16) == 4
