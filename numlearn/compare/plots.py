"""Plots of comparison rows and of a user's own function (needs the ``plot`` extra:
matplotlib).

matplotlib is imported inside the functions, never at module import; without it each
function raises a one-line `ImportError` naming ``pip install 'numlearn[plot]'``.
The figures are :class:`matplotlib.figure.Figure` objects built without pyplot (no
global state, no backend switch): each function returns its figure, and writes it
to ``path`` when one is given.

Conventions in every error plot: one legend for the whole figure, outside the axes;
the dashed line is float64's machine epsilon, labelled; an error (or coefficient)
that is exactly zero has no place on a log axis, so it is drawn as a downward
triangle on the bottom edge of the axes (legend entry "exact 0"), never as a fake
value such as ``1e-20``.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from numlearn._core.validation import EPS, check_domain, check_int
from numlearn.compare.harness import Row, check_output_path, check_rows

__all__ = ["plot_coefficient_decay", "plot_convergence", "plot_error_vs_n", "plot_rows"]

EXACT_ZERO_LABEL = "exact 0 (on the bottom edge)"
"""Legend text of the markers that stand for exact zeros."""

EPS_LABEL = f"machine eps = {EPS:.2e}"
"""Legend text of the machine-epsilon line."""

#: The default ``ns`` of :func:`plot_convergence`: every 4th n from 4 to 200.
DEFAULT_NS = tuple(range(4, 201, 4))


def _figure(**kwargs: Any) -> Any:
    """A new :class:`matplotlib.figure.Figure` (no pyplot), or the one-line ImportError."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "plotting needs matplotlib, which is not installed: pip install 'numlearn[plot]'"
        ) from None
    return Figure(layout="constrained", **kwargs)


def _draw(ax: Any, x: Sequence[float], y: Sequence[float], label: str, style: str,
          **kw: Any) -> bool:
    """Plot the positive finite ``(x, y)`` as one line; exact zeros as markers on the
    bottom edge of ``ax`` (in axes coordinates, so no fake value enters the data).
    Returns whether there were zeros."""
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    pos = np.isfinite(ya) & (ya > 0)
    (line,) = ax.plot(xa[pos], ya[pos], style, label=label, **kw)
    zero = ya == 0
    if zero.any():
        ax.plot(xa[zero], np.zeros(int(zero.sum())), "v", color=line.get_color(),
                transform=ax.get_xaxis_transform(), clip_on=False, ms=6,
                label="_exact zero")
    return bool(zero.any())


def _finish(fig: Any, axes: Sequence[Any], zeros: bool, path: str | Path | None,
            eps_line: bool = True) -> Any:
    """Machine-eps line in every panel, one legend outside, write to ``path``."""
    from matplotlib.lines import Line2D

    for ax in axes:
        if eps_line:
            ax.axhline(EPS, color="gray", lw=0.8, ls="--", label=EPS_LABEL)
        ax.set_yscale("log")
    handles: dict[str, Any] = {}
    for ax in axes:
        for h, lbl in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(lbl, h)
    if zeros:
        handles[EXACT_ZERO_LABEL] = Line2D([], [], ls="none", marker="v", color="gray")
    fig.legend(list(handles.values()), list(handles), loc="outside right upper",
               fontsize=8)
    if path is not None:
        fig.savefig(check_output_path(path), dpi=110)
    return fig


def plot_error_vs_n(rows: Sequence[Row], path: str | Path | None = None) -> Any:
    """Max abs error against n, one panel per target, one line per method (log y).

    Uses the rows that carry ``target`` and ``n`` keys (the interpolation suites);
    every row's point is drawn (the ``quick`` suite has three or four n per target;
    :func:`plot_convergence` sweeps a dense range of n).  Each panel has the labelled
    machine-eps line; exact-zero errors are markers on the bottom edge.

    Parameters
    ----------
    rows : sequence of Row
        From :func:`~numlearn.compare.run_comparison`.
    path : str or path-like, optional
        Where to write the figure (format from the suffix).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If no row has ``target`` and ``n`` keys.
    """
    rows = check_rows(rows)
    if path is not None:
        check_output_path(path)
    by_target: dict[str, dict[str, list[tuple[int, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for r in rows:
        if "target" in r.extra and "n" in r.extra:
            by_target[r.extra["target"]][r.method].append((r.extra["n"], r.max_abs))
    if not by_target:
        raise ValueError("`rows` has no row with `target` and `n` keys to plot.")
    k = len(by_target)
    ncol = min(3, k)
    nrow = -(-k // ncol)
    fig = _figure(figsize=(3.6 * ncol + 2.4, 2.9 * nrow))
    axes = fig.subplots(nrow, ncol, squeeze=False)
    zeros = False
    for ax, (target, methods) in zip(axes.flat, sorted(by_target.items()), strict=False):
        for method, pts in sorted(methods.items()):
            pts.sort()
            zeros |= _draw(ax, [p[0] for p in pts], [p[1] for p in pts], method, "o-",
                           ms=4)
        ax.set_title(target, fontsize=10)
        ax.set_xlabel("n")
        ax.set_ylabel("max abs error")
    for ax in list(axes.flat)[k:]:
        ax.set_visible(False)
    return _finish(fig, list(axes.flat)[:k], zeros, path)


def plot_coefficient_decay(n: int, path: str | Path | None = None) -> Any:
    r"""The magnitudes :math:`|c_k|` of the Chebyshev coefficients of every reference
    target at ``n`` points (log y); ``1 <= n <= 2**20``.  Exactly zero coefficients
    (odd or even functions) are markers on the bottom edge.  Returns the figure;
    writes it to ``path`` if given."""
    n = check_int(n, "n", minimum=1, maximum=2**20)
    if path is not None:
        check_output_path(path)
    from numlearn.classical import chebyshev_coefficients, chebyshev_points
    from numlearn.problems import TARGETS

    fig = _figure(figsize=(8, 4))
    ax = fig.subplots()
    zeros = False
    for t in TARGETS.values():
        c = chebyshev_coefficients(t.numpy_func(chebyshev_points(n, 2, t.domain)))
        zeros |= _draw(ax, np.arange(c.size), np.abs(c), t.name, ".", ms=3)
    ax.set_xlabel("k")
    ax.set_ylabel("|c_k|")
    ax.set_title(f"Chebyshev coefficients, n = {n}", fontsize=10)
    return _finish(fig, [ax], zeros, path)


@dataclass(frozen=True)
class _Target:
    """What the quick suite's solvers read of a target: its NumPy code and domain."""

    name: str
    numpy_func: Callable[[NDArray[np.float64]], Any]
    domain: tuple[float, float]


@dataclass(frozen=True)
class _Problem:
    """What the quick suite's solvers read of a problem (duck-typed
    :class:`~numlearn.problems.InterpolationProblem`)."""

    target: _Target
    n: int
    grid: NDArray[np.float64]


def _check_ns(ns: Any) -> list[int]:
    if isinstance(ns, str | bytes) or not isinstance(ns, Sequence | np.ndarray):
        raise TypeError(f"`ns` must be a sequence of point counts, got "
                        f"{type(ns).__name__} {ns!r:.80}.")
    out = sorted({check_int(k, "ns[]", minimum=1, maximum=10_000) for k in ns})
    if not out:
        raise ValueError("`ns` is empty; give the point counts to sweep, e.g. range(4, 201, 4).")
    return out


def _check_methods(methods: Any, known: Mapping[str, Any]) -> list[str]:
    if methods is None:
        return list(known)
    if isinstance(methods, str):
        methods = [methods]
    if not isinstance(methods, Sequence) or not methods:
        raise TypeError(f"`methods` must be a non-empty sequence of method names, got "
                        f"{methods!r:.80}.")
    bad = [m for m in methods if not isinstance(m, str) or m not in known]
    if bad:
        raise ValueError(f"`methods`: unknown {bad!r}; known: {', '.join(known)}.")
    return list(dict.fromkeys(methods))


def _user_function(f: Any, domain: Any) -> tuple[_Target, Any]:
    """``(target, mpmath function or None)`` for a name, a TargetFunction or a callable."""
    from numlearn.problems import TargetFunction, get_target

    if isinstance(f, str):
        f = get_target(f)
    if isinstance(f, TargetFunction):
        return _Target(f.name, f.numpy_func, f.domain), f.mpmath_func
    if not callable(f):
        raise TypeError(f"`f` must be a vectorised function f(x) of float64 arrays, a "
                        f"TargetFunction or a target name, got {type(f).__name__} {f!r:.80}.")
    dom = check_domain(domain)
    with np.errstate(all="ignore"):  # a NaN or inf is reported below, by name
        probe = np.asarray(f(np.array(dom)))
    if probe.shape != (2,) or not np.isrealobj(probe) or not np.isfinite(probe).all():
        raise ValueError(f"`f` must map a float64 array to finite real values of the same "
                         f"shape; f({list(dom)}) gave {probe!r:.80}. Vectorise it (e.g. "
                         "with np.vectorize) or check the domain.")
    return _Target(getattr(f, "__name__", "f"), f, dom), None


def plot_convergence(
    f: Any,
    domain: tuple[float, float] = (-1.0, 1.0),
    ns: Sequence[int] = DEFAULT_NS,
    methods: Sequence[str] | None = None,
    *,
    mp_f: Callable[[Any], Any] | None = None,
    grid_size: int = 1000,
    seed: int = 20261123,
    path: str | Path | None = None,
) -> Any:
    r"""Convergence of the interpolation methods on a function of your own: max abs
    error on a grid against the number of Chebyshev points n (log y).

    Every method is given ``f`` at n Chebyshev points of the second kind of
    ``domain`` (as in the ``quick`` suite) and evaluated on ``grid_size`` seeded
    uniform points plus both ends.  For a function analytic in a Bernstein ellipse
    :math:`E_\rho` the error falls like :math:`\rho^{-n}` (a straight line here) to
    the rounding floor, about :math:`\Lambda_n \varepsilon \max|f|` (Trefethen,
    *Approximation Theory and Approximation Practice*, Thm 8.2 and ch. 15).  Cost:
    ``len(ns) * len(methods)`` interpolations of :math:`O(n\,m)` each, plus the truth.

    Parameters
    ----------
    f : callable, str or TargetFunction
        ``f(x)`` vectorised over float64 arrays; or the name of a reference target
        (``"runge"``) or a :class:`~numlearn.problems.TargetFunction`, whose mpmath
        implementation gives the truth.
    domain : (float, float), default (-1, 1)
        The interval, for a callable ``f`` (a target brings its own).
    ns : sequence of int, default ``range(4, 201, 4)``
        The point counts, each in ``[1, 10000]``.
    methods : sequence of str, optional
        Names from :data:`numlearn.compare.suites.INTERPOLATION_SOLVERS`
        (``"numlearn.barycentric"``, ``"numlearn.dct+clenshaw"``,
        ``"scipy.BarycentricInterp"``, ``"numpy.chebinterpolate"``); default all.
    mp_f : callable, optional
        ``mp_f(mpf) -> mpf`` at mpmath's working precision (e.g. ``mpmath.exp``): the
        truth is then the mpmath oracle's correctly rounded value
        (:func:`~numlearn.precision.mp_evaluate`).  Without it (and for a plain
        callable) the truth is ``f`` on the grid in float64, so the floor includes
        ``f``'s own rounding (about ``eps * max|f|``).
    grid_size : int, default 1000
        Number of random evaluation points (``>= 1``).
    seed : int
        Seed of the grid.
    path : str or path-like, optional
        Where to write the figure.

    Returns
    -------
    matplotlib.figure.Figure
        One axes; ``fig.axes[0].lines`` holds one line per method (label = method
        name) with the n as x data and the errors as y data.

    Examples
    --------
    >>> import numpy as np
    >>> from numlearn.compare.plots import plot_convergence
    >>> fig = plot_convergence(lambda x: np.tanh(5 * x), ns=range(8, 129, 8))
    >>> fig.axes[0].get_title()
    'convergence of <lambda> on [-1.0, 1.0]'
    """
    from numlearn.compare.suites import INTERPOLATION_SOLVERS

    target, mp_truth = _user_function(f, domain)
    ns_ = _check_ns(ns)
    names = _check_methods(methods, INTERPOLATION_SOLVERS)
    grid_size = check_int(grid_size, "grid_size", minimum=1, maximum=10**6)
    seed = check_int(seed, "seed", minimum=0)
    if mp_f is not None and not callable(mp_f):
        raise TypeError(f"`mp_f` must be None or a callable mp_f(mpf) -> mpf, got "
                        f"{type(mp_f).__name__} {mp_f!r:.80}.")
    if path is not None:
        check_output_path(path)
    fig = _figure(figsize=(7.5, 4))
    a, b = target.domain
    grid = np.concatenate([[a], np.sort(np.random.default_rng(seed).uniform(a, b, grid_size)),
                           [b]])
    mp_truth = mp_f if mp_f is not None else mp_truth
    if mp_truth is not None:
        from numlearn.precision import mp_evaluate

        truth = mp_evaluate(mp_truth, grid).values
    else:
        truth = np.asarray(target.numpy_func(grid), dtype=np.float64)
    ax = fig.subplots()
    zeros = False
    for name in names:
        errs = []
        for n in ns_:
            res = INTERPOLATION_SOLVERS[name](_Problem(target, n, grid))  # type: ignore[arg-type]
            errs.append(float(np.max(np.abs(np.asarray(res.value) - truth))))
        zeros |= _draw(ax, ns_, errs, name, ".-", ms=4)
    ax.set_xlabel("n (Chebyshev points)")
    ax.set_ylabel(f"max abs error, {grid.size} points")
    truth_kind = "mpmath oracle" if mp_truth is not None else "float64 f"
    ax.set_title(f"convergence of {target.name} on [{a}, {b}]", fontsize=10)
    ax.text(0.99, 0.99, f"truth: {truth_kind}", transform=ax.transAxes, ha="right",
            va="top", fontsize=7, color="gray")
    return _finish(fig, [ax], zeros, path)


def check_directory(directory: Any, name: str = "directory") -> Path:
    """``directory`` as a Path that is (or can be made) a directory."""
    if not isinstance(directory, str | os.PathLike) or not str(directory):
        raise TypeError(f"`{name}` must be a directory path (str or os.PathLike), got "
                        f"{type(directory).__name__} {directory!r}.")
    d = Path(directory)
    if d.exists() and not d.is_dir():
        raise ValueError(f"`{name}` = {str(d)!r} is a file, not a directory; give a "
                         "directory for the plots.")
    return d


def plot_rows(rows: Sequence[Row], directory: str | Path) -> list[Path]:
    """Write the standard plots for ``rows`` into ``directory`` (created if missing);
    returns the paths.

    Raises `TypeError` for ``rows`` that are not :class:`Row` or a ``directory`` that is
    not a path, `ValueError` if ``directory`` is an existing file or ``rows`` has no row
    with ``target`` and ``n`` keys.
    """
    rows = check_rows(rows)
    d = check_directory(directory)
    d.mkdir(parents=True, exist_ok=True)
    written = [d / "error_vs_n.png"]
    plot_error_vs_n(rows, written[0])
    ns = [r.extra["n"] for r in rows if "n" in r.extra]
    if ns:
        written.append(d / "coefficient_decay.png")
        plot_coefficient_decay(max(ns), written[-1])
    return written
