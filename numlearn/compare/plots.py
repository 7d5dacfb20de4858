"""Plots of comparison rows (needs the ``plot`` extra: matplotlib).

matplotlib is imported inside the functions, never at module import.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from numlearn.compare.harness import Row, check_output_path, check_rows

__all__ = ["plot_coefficient_decay", "plot_error_vs_n", "plot_rows"]


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plotting needs matplotlib: pip install 'numlearn[plot]'"
        ) from None
    return plt


def plot_error_vs_n(rows: Sequence[Row], path: str | Path) -> Path:
    """Max abs error against n, one panel per target, one line per method (semilogy).

    Uses rows that carry ``target`` and ``n`` keys (the interpolation suites).
    """
    rows = check_rows(rows)
    out = check_output_path(path)
    plt = _pyplot()
    by_target: dict[str, dict[str, list[tuple[int, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for r in rows:
        if "target" in r.extra and "n" in r.extra:
            by_target[r.extra["target"]][r.method].append((r.extra["n"], r.max_abs))
    if not by_target:
        raise ValueError("`rows` has no row with `target` and `n` keys to plot.")
    k = len(by_target)
    ncol = min(4, k)
    nrow = -(-k // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4 * ncol, 3 * nrow), squeeze=False)
    for ax, (target, methods) in zip(axes.flat, sorted(by_target.items()), strict=False):
        for method, pts in sorted(methods.items()):
            pts.sort()
            ax.semilogy([p[0] for p in pts], [max(p[1], 1e-18) for p in pts], "o-",
                        label=method, ms=3)
        ax.axhline(np.finfo(float).eps, color="gray", lw=0.5, ls="--")
        ax.set_title(target)
        ax.set_xlabel("n")
        ax.set_ylabel("max abs error")
    for ax in list(axes.flat)[k:]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def plot_coefficient_decay(n: int, path: str | Path) -> Path:
    """|Chebyshev coefficients| of every reference target at ``n`` points (semilogy);
    ``1 <= n <= 2**20``."""
    from numlearn._core.validation import check_int

    n = check_int(n, "n", minimum=1, maximum=2**20)
    out = check_output_path(path)
    plt = _pyplot()
    from numlearn.classical import chebyshev_points
    from numlearn.classical.chebyshev import chebyshev_coefficients
    from numlearn.problems import TARGETS

    fig, ax = plt.subplots(figsize=(6, 4))
    for t in TARGETS.values():
        c = chebyshev_coefficients(t.numpy_func(chebyshev_points(n, 2, t.domain)))
        ax.semilogy(np.maximum(np.abs(c), 1e-20), ".", ms=2, label=t.name)
    ax.set_xlabel("k")
    ax.set_ylabel("|c_k|")
    ax.set_title(f"Chebyshev coefficients, n = {n}")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def check_directory(directory: Any, name: str = "directory") -> Path:
    """``directory`` as a Path that is (or can be made) a directory."""
    import os

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
    written = [plot_error_vs_n(rows, d / "error_vs_n.png")]
    ns = [r.extra["n"] for r in rows if "n" in r.extra]
    if ns:
        written.append(plot_coefficient_decay(max(ns), d / "coefficient_decay.png"))
    return written
