"""Named comparison suites (``numlearn compare --suite NAME``).

A suite is a function returning ``(problems, methods, extra)`` for
:func:`numlearn.compare.harness.run_comparison`.  The problems speak the harness
protocol themselves (:class:`numlearn.problems.protocol.HarnessProblem`; the quick
suite's are :class:`numlearn.problems.InterpolationProblem`), so a suite defines
only its methods.  The quick suite's methods (:data:`INTERPOLATION_SOLVERS`) speak
:class:`numlearn.problems.InterpolationSolver`: a learned interpolant that speaks
the same protocol joins them as one more :class:`~numlearn.compare.harness.Method`.
Other tracks register their own suites with :func:`register_suite`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from numlearn._core.lazy import is_installed
from numlearn._core.result import Result, Status
from numlearn._core.validation import check_choice, check_flag, check_int, check_positive
from numlearn.compare.harness import MAX_REPEAT, Method
from numlearn.problems import TARGETS, InterpolationProblem, InterpolationSolver

__all__ = [
    "EXTRAS",
    "INTERPOLATION_METHODS",
    "INTERPOLATION_SOLVERS",
    "LEARNED_INTERPOLATION_METHODS",
    "SUITES",
    "PrerequisiteError",
    "Suite",
    "UnknownSuiteError",
    "get_suite",
    "register_suite",
]

SuiteBuilder = Callable[[], tuple[Sequence[Any], Sequence[Method], Callable[[Any], dict]]]


#: The extras a suite may need: import name -> the pip command that installs it.
EXTRAS: dict[str, str] = {
    "torch": "pip install 'numlearn[torch]'",
    "matplotlib": "pip install 'numlearn[plot]'",
}


class PrerequisiteError(RuntimeError):
    """A suite cannot run here (a missing extra, missing reference data, a plot it
    cannot make); the message is one line that names the fix."""


@dataclass(frozen=True)
class Suite:
    """A registered suite.

    Parameters
    ----------
    name, build, description
        The name, the builder ``build() -> (problems, methods, extra)`` and a
        one-line description.
    report : callable, optional
        ``report(rows) -> str`` printed after the table (suite-specific summaries).
    needs : tuple of str
        The extras the suite imports (keys of :data:`EXTRAS`, e.g. ``"torch"``).
    check : callable, optional
        ``check() -> None`` that raises :class:`PrerequisiteError` when something
        else the suite needs is missing (e.g. reference data); it must be fast (it
        runs before the suite, in well under a second).
    data : str
        The data ``check`` looks for, in words (for ``numlearn compare --help``).
    can_plot : bool
        Whether ``numlearn compare --plot`` can draw this suite's rows.
    typical_seconds : float, optional
        How long the suite takes on 2 cores (shown by ``numlearn compare --help``).
    time_note : str
        What the time depends on (e.g. "first run: training").
    repeat : int
        Runs per method when the command line gives no ``--repeat`` (the time is the
        best run; the first call of a method also warms caches, so timing suites use
        at least 3).
    checkpoints : bool
        Whether the suite's training rows can checkpoint: its builder then takes
        ``build(checkpoint_dir=...)`` (a directory, or None), and a row longer than
        one sitting continues under ``numlearn compare --json F --resume`` from the
        training's checkpoint in ``F``'s ``.ckpt`` directory.
    """

    name: str
    build: SuiteBuilder
    description: str
    report: Callable[[Sequence[Any]], str] | None = None
    needs: tuple[str, ...] = ()
    check: Callable[[], None] | None = None
    data: str = ""
    can_plot: bool = False
    typical_seconds: float | None = None
    time_note: str = ""
    repeat: int = 2
    checkpoints: bool = False

    def check_prerequisites(self, *, plot: bool = False) -> None:
        """Raise :class:`PrerequisiteError` (one line naming the fix) if the suite
        cannot run here, or cannot plot when ``plot`` is true; costs no computing."""
        if plot and not self.can_plot:
            raise PrerequisiteError(
                f"suite {self.name!r} has no plots (--plot draws the error-vs-n rows of "
                f"{', '.join(s.name for s in SUITES.values() if s.can_plot)}); "
                "drop --plot")
        wanted = [*self.needs, *(["matplotlib"] if plot else [])]
        for module in wanted:
            if not is_installed(module):
                what = "--plot" if module == "matplotlib" and module not in self.needs \
                    else f"suite {self.name!r}"
                raise PrerequisiteError(
                    f"{what} needs {module}, which is not installed: {EXTRAS[module]}")
        if self.check is not None:
            self.check()

    def needs_text(self) -> str:
        """What the suite needs beyond the base install, in words."""
        parts = [f"the {m} extra" for m in self.needs]
        if self.data:
            parts.append(self.data)
        return ", ".join(parts) or "nothing extra"

    def time_text(self) -> str:
        """The typical time on 2 cores, in words."""
        if self.typical_seconds is None:
            return "time unknown"
        t = self.typical_seconds
        text = f"~{t:.0f} s" if t < 120 else f"~{t / 60:.0f} min"
        return f"{text} on 2 cores (quiet machine){'; ' + self.time_note if self.time_note else ''}"


SUITES: dict[str, Suite] = {}


class UnknownSuiteError(KeyError, ValueError):
    """No suite is registered under the name asked for (a `ValueError`, and a
    `KeyError` as a failed lookup); the message lists the known names."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


def register_suite(
    name: str,
    build: SuiteBuilder,
    description: str,
    report: Callable[[Sequence[Any]], str] | None = None,
    *,
    replace: bool = False,
    needs: Sequence[str] = (),
    check: Callable[[], None] | None = None,
    data: str = "",
    can_plot: bool = False,
    typical_seconds: float | None = None,
    time_note: str = "",
    repeat: int = 2,
    checkpoints: bool = False,
) -> None:
    """Register a suite under ``name``.

    ``build`` and ``report`` (if given) must be callables, ``description`` a string,
    ``replace`` a bool.  ``needs``, ``check``, ``data``, ``can_plot``,
    ``typical_seconds``, ``time_note``, ``repeat`` and ``checkpoints`` are the
    prerequisites, the typical time, the default runs per method and whether the
    builder takes ``checkpoint_dir`` (see :class:`Suite`); ``needs``
    must name keys of :data:`EXTRAS`.  A name that is already registered raises
    `ValueError` unless ``replace=True`` (so that a new suite cannot silently take
    the place of ``quick`` or another track's suite).
    """
    if not isinstance(name, str) or not name or name != name.strip():
        raise TypeError(f"`name` must be a non-empty string without surrounding spaces, "
                        f"got {name!r}.")
    if not isinstance(description, str):
        raise TypeError(f"`description` must be a string, got {type(description).__name__} "
                        f"{description!r}.")
    replace = check_flag(replace, "replace")
    if not callable(build):
        raise TypeError(f"`build` must be a callable returning (problems, methods, "
                        f"extra), got {type(build).__name__} {build!r}.")
    if report is not None and not callable(report):
        raise TypeError(f"`report` must be None or a callable report(rows) -> str, got "
                        f"{type(report).__name__} {report!r}.")
    needs = tuple(needs)
    for m in needs:
        check_choice(m, "needs", tuple(EXTRAS))
    if check is not None and not callable(check):
        raise TypeError(f"`check` must be None or a callable check() -> None, got "
                        f"{type(check).__name__} {check!r}.")
    for text, what in ((data, "data"), (time_note, "time_note")):
        if not isinstance(text, str):
            raise TypeError(f"`{what}` must be a string (words for `numlearn compare "
                            f"--help`), got {type(text).__name__} {text!r}.")
    can_plot = check_flag(can_plot, "can_plot")
    if typical_seconds is not None:
        typical_seconds = check_positive(typical_seconds, "typical_seconds")
    repeat = check_int(repeat, "repeat", minimum=1, maximum=MAX_REPEAT)
    checkpoints = check_flag(checkpoints, "checkpoints")
    if name in SUITES and not replace:
        raise ValueError(f"a suite named {name!r} is already registered; choose another "
                         "name, or pass replace=True to replace it.")
    SUITES[name] = Suite(name, build, description, report, needs, check, data,
                         can_plot, typical_seconds, time_note, repeat, checkpoints)


def get_suite(name: str) -> Suite:
    """The suite registered under ``name``.

    Raises `TypeError` if ``name`` is not a string and :class:`UnknownSuiteError` (a
    `ValueError` and a `KeyError`) if no suite has that name; the message lists the
    known names.
    """
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a suite name (a string), got "
                        f"{type(name).__name__} {name!r}.")
    try:
        return SUITES[name]
    except KeyError:
        raise UnknownSuiteError(
            f"no suite named {name!r} (the `name` argument); known suites: "
            f"{', '.join(sorted(SUITES))}"
        ) from None


# ------------------------------------------------------------------ interpolation


# The classical kernels (Numba) and the oracles are imported where they are used, so
# that importing the suites (``numlearn compare --help``, the prerequisite checks) stays
# fast: ~0.2 s instead of ~1.5 s on a quiet machine.


def _nodes(p: InterpolationProblem) -> NDArray[np.float64]:
    """The problem's nodes: ``n`` Chebyshev points of the second kind of the domain."""
    from numlearn.classical import chebyshev_points

    return chebyshev_points(p.n, 2, p.target.domain)


def _node_values(p: InterpolationProblem) -> NDArray[np.float64]:
    """What every method is given: the float64 target values at the nodes."""
    return np.asarray(p.target.numpy_func(_nodes(p)), dtype=np.float64)


def _classical(values: NDArray[Any], method: str) -> Result:
    """The values on the grid as a classical method's Result (no stats: the harness
    times the whole call)."""
    return Result(values, side="classical", method=method)


def _numlearn_bary(p: InterpolationProblem) -> Result:
    from numlearn.classical import barycentric_eval, chebyshev_weights

    values = barycentric_eval(_nodes(p), chebyshev_weights(p.n), _node_values(p), p.grid)
    return _classical(values, "numlearn.barycentric")


def _numlearn_bary_decompose(p: InterpolationProblem, values: NDArray[np.float64]) -> Any:
    # u_best: the same barycentric interpolant evaluated exactly (mpmath), which
    # isolates the float64 kernel's rounding (u_disc = values) from the interpolation
    # error of the function.
    from numlearn.classical import chebyshev_weights, lebesgue_constant
    from numlearn.precision.decomposition import interpolation_decomposition
    from numlearn.precision.oracle import mp_barycentric

    nodes, w = _nodes(p), chebyshev_weights(p.n)
    exact_interp = mp_barycentric(p.grid, nodes, w, _node_values(p), max_dps=240)
    return interpolation_decomposition(
        p.truth(),
        u_best=exact_interp,
        u_disc=values,
        grid_name=p.grid_name,
        cond=lebesgue_constant(nodes, w, domain=p.target.domain),
    )


def _numlearn_clenshaw(p: InterpolationProblem) -> Result:
    from numlearn.classical.chebyshev import chebyshev_coefficients, clenshaw

    c = chebyshev_coefficients(_node_values(p))
    return _classical(clenshaw(p.grid, c, p.target.domain), "numlearn.dct+clenshaw")


def _scipy_bary(p: InterpolationProblem) -> Result:
    from scipy.interpolate import BarycentricInterpolator

    # scipy computes its weights in a random order of the nodes; without a seed it
    # draws that order from NumPy's global RNG, and the row changes in the last
    # digits from run to run.
    interp = BarycentricInterpolator(_nodes(p), _node_values(p), rng=np.random.default_rng(0))
    grid = p.grid
    out = np.empty_like(grid)
    chunk = 50_000  # scipy forms a dense (chunk, n) temporary
    for i in range(0, grid.size, chunk):
        out[i : i + chunk] = interp(grid[i : i + chunk])
    return _classical(out, "scipy.BarycentricInterp")


def _numpy_cheb(p: InterpolationProblem) -> Result:
    from numpy.polynomial import chebyshev as C

    from numlearn.classical.nodes import map_from_reference, map_to_reference

    dom = p.target.domain
    c = C.chebinterpolate(lambda s: p.target.numpy_func(map_from_reference(s, dom)), p.n - 1)
    return _classical(C.chebval(map_to_reference(p.grid, dom), c), "numpy.chebinterpolate")


#: The quick suite's classical methods, each an :class:`InterpolationSolver`.
INTERPOLATION_SOLVERS: dict[str, InterpolationSolver] = {
    "numlearn.barycentric": _numlearn_bary,
    "numlearn.dct+clenshaw": _numlearn_clenshaw,
    "scipy.BarycentricInterp": _scipy_bary,
    "numpy.chebinterpolate": _numpy_cheb,
}

_DECOMPOSE = {"numlearn.barycentric": _numlearn_bary_decompose}

INTERPOLATION_METHODS = tuple(
    Method(name, "classical", solver, _DECOMPOSE.get(name))
    for name, solver in INTERPOLATION_SOLVERS.items()
)


# ------------------------------------------------------------------ learned rows

#: The learned rows of the quick suite (torch): an explicit BWLer trained by
#: Gauss-Newton on every problem with n <= 256, and a tanh MLP on one problem.
BWLER_QUICK = "explicit BWLer (GN)"
MLP_QUICK = "MLP 3x50 (Adam+L-BFGS)"
#: The problems the MLP row trains on (a few seconds each; elsewhere not applicable).
MLP_QUICK_PROBLEMS: tuple[tuple[str, int], ...] = (("exp", 64),)
_BWLER_QUICK_MAX_N = 256
_NO_TORCH = "the learned rows need torch, which is not installed: " + EXTRAS["torch"]


def _not_applicable(p: InterpolationProblem, method: str, why: str) -> Result:
    return Result(np.full(p.grid.shape, np.nan), side="learned",
                  status=Status.NOT_APPLICABLE, message=why, method=method)


def _learned_bwler(p: InterpolationProblem) -> Result:
    """The explicit BWLer of ``n`` Chebyshev nodes trained on the problem's ``n`` samples
    by Gauss-Newton (:func:`numlearn.learned.interpolation.fit_bwler`).  The nodes are
    the samples, so the least-squares matrix is the identity and the trained values
    reach the interpolant: the row checks the learned pipeline against the classical
    kernel."""
    if not is_installed("torch"):
        return _not_applicable(p, BWLER_QUICK, _NO_TORCH)
    if p.n > _BWLER_QUICK_MAX_N:
        return _not_applicable(p, BWLER_QUICK, (
            f"the quick suite trains the BWLer up to n = {_BWLER_QUICK_MAX_N} (its dense "
            "Gauss-Newton step costs O(n^3); numlearn.learned.interpolation.fit_bwler "
            "takes any n)"))
    from numlearn.learned.interpolation import fit_bwler

    return _as_row(fit_bwler(p, steps=12, progress=False), BWLER_QUICK)


def _learned_mlp(p: InterpolationProblem) -> Result:
    """A 3 x 50 tanh MLP (5251 parameters) trained on the problem's samples by 500
    Adam steps (cosine 1e-3 to 1e-6) and 150 L-BFGS iterations
    (:func:`numlearn.learned.interpolation.fit_mlp`, seed 0), on
    :data:`MLP_QUICK_PROBLEMS` only."""
    if not is_installed("torch"):
        return _not_applicable(p, MLP_QUICK, _NO_TORCH)
    if (p.target.name, p.n) not in MLP_QUICK_PROBLEMS:
        where = ", ".join(f"{t}/n={n}" for t, n in MLP_QUICK_PROBLEMS)
        return _not_applicable(p, MLP_QUICK, (
            f"the quick suite trains the MLP on {where} only (seconds each); the sweep "
            "over sizes is numlearn.compare.studies.mlp_ceiling_study"))
    from numlearn.learned.interpolation import fit_mlp

    res = fit_mlp(p, hidden=(50, 50, 50), adam_steps=500, lbfgs_steps=150, seed=0,
                  progress=False)
    return _as_row(res, MLP_QUICK)


def _as_row(res: Result, method: str) -> Result:
    """The trained model's Result named for the table, without its own ``seconds``: the
    harness times the whole call (the row's time), and the rows of a parallel run must
    equal the serial ones bit for bit."""
    res.method = method
    res.stats.pop("seconds", None)
    return res


#: The quick suite's learned methods (each an :class:`InterpolationSolver`; without
#: torch their rows are ``not_applicable`` and the report names the install command).
#: Each trains once per problem (``max_repeat=1``): the row's time is one training.
LEARNED_INTERPOLATION_METHODS = (
    Method(BWLER_QUICK, "learned", _learned_bwler, max_repeat=1),
    Method(MLP_QUICK, "learned", _learned_mlp, max_repeat=1),
)


def _quick_report(rows: Sequence[Any]) -> str:
    """The learned rows beside the classical interpolant of the same samples."""
    learned = [r for r in rows if r.side == "learned"]
    if not learned:
        return ""
    if not is_installed("torch"):
        return f"learned rows: not run ({_NO_TORCH})"
    classical = {r.problem: r for r in rows if r.method == "numlearn.barycentric"}
    lines = ["learned rows (trained on the same n Chebyshev samples as the classical "
             "interpolant; relative L2 on the grid):",
             f"{'problem':<20} {'method':<24} {'learned':>9} {'classical':>9} "
             f"{'ratio':>9} {'steps':>6} {'seconds':>8} status"]
    for r in learned:
        if r.extra.get("status") == Status.NOT_APPLICABLE.code:
            continue
        c = classical.get(r.problem)
        ref = c.rel_l2 if c is not None else math.nan
        ratio = r.rel_l2 / ref if ref > 0 else math.nan
        st = r.extra.get("solver_stats", {})
        lines.append(f"{r.problem:<20} {r.method:<24} {r.rel_l2:>9.2e} {ref:>9.2e} "
                     f"{ratio:>9.2e} {st.get('iterations', 0):>6} "
                     f"{r.seconds:>8.2f} {r.extra.get('status', '')}")
    lines.append("The BWLer reaches the classical interpolant; the MLP stalls orders of "
                 "magnitude above it (the sweep over sizes: "
                 "numlearn.compare.studies.mlp_ceiling_study).")
    return "\n".join(lines)


def _quick() -> tuple[list[InterpolationProblem], tuple[Method, ...], Callable]:
    problems = [InterpolationProblem(t, n) for t in TARGETS.values() for n in (16, 64, 256)]
    problems.append(InterpolationProblem(TARGETS["runge"], 1024))
    return problems, (*INTERPOLATION_METHODS, *LEARNED_INTERPOLATION_METHODS), _quick_extra


def _quick_extra(p: InterpolationProblem) -> dict[str, Any]:
    return {"n": p.n, "target": p.target.name}


register_suite(
    "quick",
    _quick,
    "interpolation of the reference targets at n = 16, 64, 256 (and Runge at 1024) "
    "Chebyshev points: numlearn barycentric and DCT+Clenshaw vs scipy and numpy, "
    "errors against the mpmath oracle; learned rows (torch, optional): an explicit "
    "BWLer trained by Gauss-Newton and a 3x50 tanh MLP (Adam+L-BFGS) on the same samples",
    _quick_report,
    can_plot=True,
    typical_seconds=60,
    time_note="the learned rows (torch) train 19 BWLers and one MLP, once each (about "
    "10 s of it)",
    # best of 3: the second call of a method still runs on cold caches (measured at
    # n = 16: 0.53 ms, then 0.18 ms, for numlearn's kernel and scipy's alike)
    repeat=3,
)
