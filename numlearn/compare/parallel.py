"""Parallel comparison runs: thread limits per worker, tasks on any executor, and the
``--workers`` / ``--scheduler`` options of ``numlearn compare``.

:func:`numlearn.compare.run_comparison` with ``executor=`` sends one task per problem
to a ``concurrent.futures.Executor`` (:func:`run_tasks`).  Each task first limits the
compute threads of its worker to its share of the machine's cores
(:func:`task_threads`: ``max(1, cores // worker processes on that machine)``), so that
``workers x threads`` does not exceed the cores: Numba's pool
(:func:`numba.set_num_threads`), the BLAS/OpenMP pools (through ``threadpoolctl`` when
it is installed; else :func:`executor_from_args` sets ``OMP_NUM_THREADS`` and
``OPENBLAS_NUM_THREADS`` before its workers start) and torch's intra-op pool (if torch
is already imported).  A Dask worker process has its BLAS pools at one thread already
(Dask's nanny sets ``OMP_NUM_THREADS=1``).

Dask (``pip install 'numlearn[distributed]'``) is imported only when ``--scheduler``
is used.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import pickle
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import (
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    as_completed,
)
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from numlearn._core.lazy import is_installed
from numlearn._core.validation import check_int

__all__ = [
    "add_parallel_arguments",
    "executor_from_args",
    "limit_threads",
    "task_threads",
]

#: Largest ``--workers`` accepted (more processes than this on one machine is a typo).
MAX_WORKERS = 1024
#: Largest thread or task count :func:`task_threads` and :func:`limit_threads` accept.
MAX_COUNT = 1 << 20
#: Seconds ``--scheduler`` waits for the Dask scheduler before giving up.
CONNECT_TIMEOUT = 5
#: The environment variables that size the BLAS / OpenMP pools of a new process.
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
              "NUMBA_NUM_THREADS")


def machine_cores() -> int:
    """The cores this process may run on (its CPU affinity; ``os.cpu_count()`` where
    the platform has no affinity)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def task_threads(tasks_at_once: int, cores: int | None = None) -> int:
    """Threads per task so that ``tasks_at_once`` tasks fill, not oversubscribe, the
    cores: ``max(1, cores // tasks_at_once)``.

    ``cores`` defaults to :func:`machine_cores`.  Two workers on two cores get one
    thread each; one worker gets both.  Both must be integers in ``[1, MAX_COUNT]``
    (`TypeError` / `ValueError` naming the argument otherwise).
    """
    tasks_at_once = check_int(tasks_at_once, "tasks_at_once", minimum=1, maximum=MAX_COUNT)
    cores = machine_cores() if cores is None else check_int(cores, "cores", minimum=1,
                                                             maximum=MAX_COUNT)
    return max(1, cores // tasks_at_once)


def limit_threads(n: int) -> None:
    """Limit this whole process's compute threads to ``n`` (a worker initializer).

    Numba's parallel kernels (:func:`numba.set_num_threads`, at most the pool's size
    ``NUMBA_NUM_THREADS``), the BLAS/OpenMP pools through ``threadpoolctl`` if it is
    installed (else only the environment of processes started later limits them) and
    torch's intra-op pool if torch is already imported.  For a worker process only:
    the limits are not undone.  ``n``: an integer in ``[1, MAX_COUNT]``.
    """
    n = check_int(n, "n", minimum=1, maximum=MAX_COUNT)
    import numba

    numba.set_num_threads(max(1, min(n, numba.config.NUMBA_NUM_THREADS)))
    if is_installed("threadpoolctl"):
        from threadpoolctl import threadpool_limits

        threadpool_limits(n)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(n)


@dataclass(frozen=True)
class _Plan:
    """How a task limits its threads: ``share`` is the number of worker processes on
    its machine (an int for a local pool, ``{host: processes}`` for a Dask cluster,
    None if unknown: no limit); ``parent`` the calling process's id."""

    share: int | dict[str, int] | None
    parent: int


def _plan(executor: Executor) -> tuple[_Plan, bool]:
    """The tasks' plan, and whether they run on threads of the calling process."""
    client = getattr(executor, "_client", None)  # a Dask ClientExecutor
    if client is not None:
        workers = list(client.nthreads())
        hosts: dict[str, int] = {}
        for address in workers:
            hosts[_host(address)] = hosts.get(_host(address), 0) + 1
        inproc = bool(workers) and all(a.startswith("inproc://") for a in workers)
        return _Plan(hosts, os.getpid()), inproc
    count = getattr(executor, "_max_workers", None)
    share = count if isinstance(count, int) and count >= 1 else None
    return _Plan(share, os.getpid()), isinstance(executor, ThreadPoolExecutor)


def _host(address: str) -> str:
    """The machine of a Dask worker address (``tcp://10.0.0.5:4001`` -> ``10.0.0.5``;
    the in-process workers of ``LocalCluster(processes=False)`` share one host)."""
    return urlsplit(address).hostname or address


def _threads_here(share: int | dict[str, int] | None) -> int | None:
    if isinstance(share, int):
        return task_threads(share)
    if isinstance(share, dict) and "distributed" in sys.modules:
        from distributed import get_worker

        try:
            processes = share.get(_host(get_worker().address))
        except ValueError:  # not inside a Dask worker
            return None
        return task_threads(processes) if processes else None
    return None


def _call(fn: Callable[..., Any], args: tuple[Any, ...], plan: _Plan) -> tuple[Any, list]:
    """Run ``fn(*args)`` as a task under ``plan``, one at a time per process
    (:data:`_ONE_AT_A_TIME`); return its result and, in a worker process, the warnings
    to raise again in the caller (``(category, message)`` pairs)."""
    with _ONE_AT_A_TIME:
        if os.getpid() == plan.parent:  # a thread of the caller: leave its limits alone
            return fn(*args), []
        n = _threads_here(plan.share)
        if n is not None:
            limit_threads(n)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = fn(*args)
        return out, [(w.category, str(w.message)) for w in caught]


#: Held by every task while it runs.  mpmath's working precision (``mpmath.workdps``:
#: the oracle's truths, the decompositions) is one setting for the whole process, so
#: two tasks on threads of one process (a thread pool, a Dask worker with several
#: threads) would corrupt each other's digits; they run one after the other.  (It also
#: keeps :class:`warnings.catch_warnings`, which is not thread-safe, to one task.)
_ONE_AT_A_TIME = threading.Lock()


def run_tasks(
    executor: Executor,
    fn: Callable[..., Any],
    arglist: Sequence[tuple[Any, ...]],
    done: Callable[[int, Any], None],
    *,
    named: Sequence[tuple[str, Any]] = (),
) -> None:
    """Run ``fn(*arglist[k])`` for every ``k`` on ``executor``; call ``done(k, result)``
    here as each finishes.

    Each task limits its threads first (module docstring).  ``named``: ``(label,
    object)`` pairs a process pool must pickle, checked before anything is submitted
    (a `TypeError` naming the label and the fix).  A task's exception cancels the
    tasks not yet started and is raised here; so is ``KeyboardInterrupt``.  One task
    at a time runs in each process (:data:`_ONE_AT_A_TIME`: mpmath's working precision
    is one setting per process): a Dask worker with several threads runs one task at a
    time, and a ``ThreadPoolExecutor`` or a Dask ``LocalCluster(processes=False)``,
    whose threads are this process's, runs the tasks one after the other, with a
    `UserWarning` saying so.
    """
    if isinstance(executor, ProcessPoolExecutor):
        for label, obj in named:
            try:
                pickle.dumps(obj)
            except Exception as exc:  # pickle raises several types
                raise TypeError(
                    f"{label} cannot be sent to the worker processes ({exc}); define its "
                    "functions at module level (functools.partial for bound arguments, "
                    "not lambdas or closures), or run without `executor`.") from None
    plan, in_caller = _plan(executor)
    if in_caller:
        warnings.warn(
            "`executor` runs its tasks on threads of this process, so they run one at a "
            "time: mpmath's working precision (the truths, the decompositions) is one "
            "setting per process. For a parallel run use a ProcessPoolExecutor or a Dask "
            "cluster of processes.", UserWarning, stacklevel=3)
    futures: dict[Future[Any], int] = {}
    try:
        for k, args in enumerate(arglist):
            futures[executor.submit(_call, fn, tuple(args), plan)] = k
        for fut in as_completed(futures):
            result, caught = fut.result()
            for category, message in caught:
                warnings.warn(message, category, stacklevel=3)
            done(futures[fut], result)
    finally:
        for fut in futures:
            fut.cancel()


# ----------------------------------------------------------------------- command line


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of worker processes >= 1, got {text!r}") from None
    if not 1 <= value <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(
            f"expected a number of worker processes >= 1 and <= {MAX_WORKERS} (1: no "
            f"pool), got {value}")
    return value


def _scheduler(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a Dask scheduler address such as "
                                         "tcp://10.0.0.5:8786, got an empty string")
    if not is_installed("distributed"):
        raise argparse.ArgumentTypeError(
            "a Dask cluster needs the distributed extra: pip install 'numlearn[distributed]'")
    return text.strip()


def add_parallel_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--workers N`` and ``--scheduler ADDRESS`` (mutually exclusive) to
    ``parser``; :func:`executor_from_args` turns them into an executor.

    Bad values (``--workers 0``, ``-1``, ``2.5``; ``--scheduler`` without Dask
    installed; both options) are argument errors, before any work starts.
    """
    group = parser.add_argument_group(
        "parallel runs", "one task per problem; rows and metrics as in a serial run, "
        "times on each worker's share of the cores")
    which = group.add_mutually_exclusive_group()
    which.add_argument(
        "--workers", type=_workers, default=1, metavar="N",
        help="run the problems on N local worker processes (1: in this process), "
             f"each with max(1, cores // N) threads; {machine_cores()} cores here")
    which.add_argument(
        "--scheduler", type=_scheduler, default=None, metavar="ADDRESS",
        help="run the problems on the Dask cluster whose scheduler is at ADDRESS "
             "(tcp://host:8786; needs pip install 'numlearn[distributed]')")


@contextlib.contextmanager
def executor_from_args(args: argparse.Namespace) -> Iterator[Executor | None]:
    """The executor that ``args.workers`` / ``args.scheduler`` ask for, shut down on
    exit; ``None`` for a serial run (``--workers 1``, the default).

    ``--workers N``: a :class:`~concurrent.futures.ProcessPoolExecutor` of ``N``
    processes started with ``spawn`` (``fork`` is unsafe once Numba's OpenMP threads
    run; a spawned process also reads the thread limits of the environment, which
    ``forkserver``'s long-lived server does not), each limited to
    ``max(1, cores // N)`` threads (:func:`limit_threads`; ``OMP_NUM_THREADS``,
    ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS`` and ``NUMBA_NUM_THREADS`` are set for
    them while they start, and restored here as soon as all have started).
    ``--scheduler ADDRESS``: a Dask ``Client(ADDRESS).get_executor(pure=False)``; a
    scheduler that does not answer within
    :data:`CONNECT_TIMEOUT` seconds is an argument error (``args.parser.error`` when
    ``args`` has the parser, else `OSError`).
    """
    address = getattr(args, "scheduler", None)
    workers = getattr(args, "workers", 1)
    if address is not None:
        from distributed import Client

        try:
            client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            msg = (f"argument --scheduler: no Dask scheduler answered at {address!r} "
                   f"within {CONNECT_TIMEOUT} s ({type(exc).__name__}); start one with "
                   "`dask scheduler` and `dask worker ADDRESS`, or check the address")
            parser = getattr(args, "parser", None)
            if parser is None:
                raise OSError(msg) from exc
            parser.error(msg)
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
        return
    if workers == 1:
        yield None
        return
    threads = task_threads(workers)
    saved: dict[str, str | None] | None = _set_thread_env(threads)
    try:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=limit_threads, initargs=(threads,))
        launch = getattr(pool, "_launch_processes", None)  # Python >= 3.11
        if callable(launch):
            # Start every worker now, under the limits, and give this process its own
            # environment back at once (torch, imported later here, would read it).
            launch()
            _restore_env(saved)
            saved = None
        with pool:
            try:
                yield pool
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        if saved is not None:
            _restore_env(saved)


def _set_thread_env(n: int) -> dict[str, str | None]:
    """Set :data:`THREAD_ENV` to ``n`` (or keep a smaller value already set) for the
    processes started next; return the old values for :func:`_restore_env`."""
    saved = {k: os.environ.get(k) for k in THREAD_ENV}
    for k, old in saved.items():
        keep = old is not None and old.strip().isdigit() and 0 < int(old) < n
        os.environ[k] = old if keep and old is not None else str(n)
    return saved


def _restore_env(saved: dict[str, str | None]) -> None:
    for k, old in saved.items():
        if old is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = old
