"""Run classical and learned methods on the same problems and compare them.

``numlearn compare --suite quick`` is the command-line face of this package.
"""

from numlearn.compare import (
    ls_suite,  # noqa: F401  (registers "least-squares")
    pde_suites,  # noqa: F401  (registers "pdes-classical")
)
from numlearn.compare.harness import Method, Row, format_table, run_comparison, write_json
from numlearn.compare.parallel import (
    add_parallel_arguments,
    executor_from_args,
    limit_threads,
    task_threads,
)
from numlearn.compare.suites import SUITES, get_suite, register_suite

__all__ = [
    "SUITES",
    "Method",
    "Row",
    "add_parallel_arguments",
    "executor_from_args",
    "format_table",
    "get_suite",
    "limit_threads",
    "register_suite",
    "run_comparison",
    "task_threads",
    "write_json",
]
