"""Bad input to the parallel harness (``executor=``, ``on_row=``, ``in_process=``,
:func:`numlearn.compare.task_threads`) and to ``numlearn compare --workers /
--scheduler``: refused before any work, with the argument named (issue 14)."""

from __future__ import annotations

import argparse
import importlib.util
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from numlearn.cli import main
from numlearn.compare import Method, limit_threads, run_comparison, task_threads
from numlearn.compare import parallel as parallel_mod
from numlearn.compare.parallel import executor_from_args


class _Toy:
    name = "toy"
    grid_name = "2 points"

    def truth(self) -> np.ndarray:
        return np.zeros(2)


def _exact(p: _Toy) -> np.ndarray:
    return p.truth()


_METHOD = Method("m", "classical", _exact)


@pytest.mark.parametrize("executor", ["pool", 2, ProcessPoolExecutor])
def test_executor_must_be_an_executor(executor):
    with pytest.raises(TypeError, match="`executor` must be None or a concurrent"):
        run_comparison([_Toy()], [_METHOD], executor=executor)


def test_on_row_must_be_callable():
    with pytest.raises(TypeError, match="`on_row` must be a callable on_row"):
        run_comparison([_Toy()], [_METHOD], on_row="print")


@pytest.mark.parametrize("flag", ["yes", 1, None])
def test_in_process_must_be_a_bool(flag):
    with pytest.raises(TypeError, match="`in_process` must be True or False"):
        Method("m", "classical", _exact, in_process=flag)


@pytest.mark.parametrize("args, exc, match", [
    ((0,), ValueError, "`tasks_at_once` must be >= 1"),
    ((-1,), ValueError, "`tasks_at_once` must be >= 1"),
    ((2**40,), ValueError, "`tasks_at_once` must be <="),
    ((1.5,), TypeError, "`tasks_at_once` must be an integer"),
    ((True,), TypeError, "`tasks_at_once` must be an integer"),
    (("2",), TypeError, "`tasks_at_once` must be an integer"),
    ((2, 0), ValueError, "`cores` must be >= 1"),
    ((2, 2.0), TypeError, "`cores` must be an integer"),
])
def test_task_threads_refuses_a_non_positive_or_non_integer_count(args, exc, match):
    with pytest.raises(exc, match=match):
        task_threads(*args)


@pytest.mark.parametrize("n, exc", [(0, ValueError), (-2, ValueError), (2**63, ValueError),
                                    (1.0, TypeError), ("1", TypeError), (None, TypeError)])
def test_limit_threads_refuses_a_bad_count_before_changing_anything(n, exc):
    import numba

    before = numba.get_num_threads()
    with pytest.raises(exc, match="`n` must be"):
        limit_threads(n)
    assert numba.get_num_threads() == before


def test_an_unpicklable_problem_is_refused_before_the_pool_starts():
    class Local(_Toy):  # a class defined in a function: pickle cannot find it
        pass

    with ProcessPoolExecutor(1) as pool:
        with pytest.raises(TypeError, match=r"`problems\[0\]` \('toy'\) cannot be sent"):
            run_comparison([Local()], [_METHOD], executor=pool)
        assert not pool._processes  # nothing was submitted, no worker started


@pytest.mark.parametrize("argv, message", [
    (["--workers", "0"], "argument --workers: expected a number of worker processes >= 1"),
    (["--workers", "-2"], "argument --workers: expected a number of worker processes >= 1"),
    (["--workers", "2.5"], "argument --workers: expected a whole number"),
    (["--workers", "two"], "argument --workers: expected a whole number"),
    (["--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"],
     "argument --scheduler: not allowed with argument --workers"),
    (["--scheduler", " "], "argument --scheduler: expected a Dask scheduler address"),
])
def test_cli_refuses_bad_parallel_options_before_any_suite_runs(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["compare", "--suite", "pdes-classical", *argv])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_scheduler_without_dask_names_the_extra(monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "distributed" else real(name, *a))
    with pytest.raises(SystemExit) as exc:
        main(["compare", "--suite", "pdes-classical", "--scheduler", "tcp://10.0.0.5:8786"])
    assert exc.value.code == 2
    assert "pip install 'numlearn[distributed]'" in capsys.readouterr().err


def test_unreachable_scheduler_is_an_os_error_naming_the_address(monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(parallel_mod, "CONNECT_TIMEOUT", 1)
    args = argparse.Namespace(workers=1, scheduler="tcp://127.0.0.1:9")  # discard port
    with pytest.raises(OSError, match=r"no Dask scheduler answered at "
                                      r"'tcp://127\.0\.0\.1:9' within 1 s"):
        with executor_from_args(args):
            pass
