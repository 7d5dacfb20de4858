"""Run classical and learned methods on the same problems and compare them.

``numlearn compare --suite quick`` is the command-line face of this package.
"""

from numlearn.compare import (
    distill_suite,  # noqa: F401  (registers "distill" and "distill-paper")
    ls_suite,  # noqa: F401  (registers "least-squares")
    pde_learned_suite,  # noqa: F401  (registers "pdes" and "pdes-paper")
    pde_suites,  # noqa: F401  (registers "pdes-classical")
    rational_suite,  # noqa: F401  (registers "rational")
)
from numlearn.compare.distill_suite import (
    AUTHORS_STEPS,
    DISTILL_FAMILIES,
    DISTILL_INITS,
    DISTILL_ORDERS,
    HINF_INITS,
    HINF_OPTIONS,
    LM_STEPS,
    PAPER_STEPS,
    TRAINED_C,
    DistillProblem,
    build_distill_paper_suite,
    build_distill_suite,
    distill_methods,
    distill_problems,
    distill_report,
    select_trained_filters,
)
from numlearn.compare.harness import Method, Row, format_table, run_comparison, write_json
from numlearn.compare.ls_suite import LEARNED_ARCHS, LeastSquaresSuite
from numlearn.compare.parallel import (
    add_parallel_arguments,
    executor_from_args,
    limit_threads,
    task_threads,
)
from numlearn.compare.pde_learned_suite import PAPER_NUMBERS, learned_pde_methods
from numlearn.compare.pde_suites import PDE_SOLVERS, check_reference_data
from numlearn.compare.plots import (
    plot_coefficient_decay,
    plot_convergence,
    plot_error_vs_n,
    plot_rows,
)
from numlearn.compare.rational_suite import (
    RATIONAL_TARGETS,
    RationalProblem,
    build_rational_suite,
    rational_methods,
    rational_problems,
)
from numlearn.compare.report import (
    ENVELOPE_KEYS,
    MACHINE_KEYS,
    ROW_KEYS,
    JsonReport,
    atomic_write_text,
    check_report,
    machine_info,
)
from numlearn.compare.studies import (
    MLP_CEILING_TARGETS,
    STUDY_METHODS,
    STUDY_ORDERS,
    TRADEOFF_OPTIMIZERS,
    bwler_tradeoff,
    distill_orders,
    distill_orders_report,
    format_distill_orders,
    format_mlp_ceiling,
    format_tradeoff,
    mlp_ceiling_study,
    plot_distill_orders,
    plot_mlp_ceiling,
    plot_tradeoff,
    resolution_study,
    tradeoff_phases,
)
from numlearn.compare.suites import (
    EXTRAS,
    INTERPOLATION_METHODS,
    INTERPOLATION_SOLVERS,
    LEARNED_INTERPOLATION_METHODS,
    SUITES,
    PrerequisiteError,
    Suite,
    UnknownSuiteError,
    get_suite,
    register_suite,
)

__all__ = [
    "AUTHORS_STEPS",
    "DISTILL_FAMILIES",
    "DISTILL_INITS",
    "DISTILL_ORDERS",
    "ENVELOPE_KEYS",
    "EXTRAS",
    "HINF_INITS",
    "HINF_OPTIONS",
    "INTERPOLATION_METHODS",
    "INTERPOLATION_SOLVERS",
    "LEARNED_ARCHS",
    "LEARNED_INTERPOLATION_METHODS",
    "LM_STEPS",
    "MACHINE_KEYS",
    "MLP_CEILING_TARGETS",
    "PAPER_NUMBERS",
    "PAPER_STEPS",
    "PDE_SOLVERS",
    "RATIONAL_TARGETS",
    "ROW_KEYS",
    "STUDY_METHODS",
    "STUDY_ORDERS",
    "SUITES",
    "TRADEOFF_OPTIMIZERS",
    "TRAINED_C",
    "DistillProblem",
    "JsonReport",
    "LeastSquaresSuite",
    "Method",
    "PrerequisiteError",
    "RationalProblem",
    "Row",
    "Suite",
    "UnknownSuiteError",
    "add_parallel_arguments",
    "atomic_write_text",
    "build_distill_paper_suite",
    "build_distill_suite",
    "build_rational_suite",
    "bwler_tradeoff",
    "check_reference_data",
    "check_report",
    "distill_methods",
    "distill_orders",
    "distill_orders_report",
    "distill_problems",
    "distill_report",
    "executor_from_args",
    "format_distill_orders",
    "format_mlp_ceiling",
    "format_table",
    "format_tradeoff",
    "get_suite",
    "learned_pde_methods",
    "limit_threads",
    "machine_info",
    "mlp_ceiling_study",
    "plot_coefficient_decay",
    "plot_convergence",
    "plot_distill_orders",
    "plot_error_vs_n",
    "plot_mlp_ceiling",
    "plot_rows",
    "plot_tradeoff",
    "rational_methods",
    "rational_problems",
    "register_suite",
    "resolution_study",
    "run_comparison",
    "select_trained_filters",
    "task_threads",
    "tradeoff_phases",
    "write_json",
]
