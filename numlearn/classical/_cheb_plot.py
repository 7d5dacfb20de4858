"""Plots of a :class:`~numlearn.classical.ChebyshevSeries` (matplotlib imported lazily).

The private helpers behind ``ChebyshevSeries.plot`` and ``plot_coefficients``;
``import numlearn`` never imports matplotlib.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from numlearn._core.validation import EPS
from numlearn.classical._chop import chop_columns

#: Points at which ``plot`` samples the series (at least 4 per coefficient).
_PLOT_POINTS = 2001


def _axes(ax: Any) -> Any:
    """``ax``, or the current axes of a new figure; a one-line ImportError without matplotlib."""
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            "plotting needs matplotlib: pip install 'numlearn[plot]'"
        ) from None
    _, ax = plt.subplots()
    return ax


def plot_series(series: Any, ax: Any = None, **kwargs: Any) -> Any:
    """The series on a fine grid of its domain (complex: the curve in the plane)."""
    ax = _axes(ax)
    a, b = series.domain
    x = np.linspace(a, b, max(_PLOT_POINTS, 4 * len(series)))
    y = series(x)
    if np.iscomplexobj(y):
        ax.plot(y.real, y.imag, **kwargs)
        ax.set_xlabel("real part")
        ax.set_ylabel("imaginary part")
    else:
        ax.plot(x, y, **kwargs)
        ax.set_xlabel("x")
    return ax


def plot_coefficients(series: Any, ax: Any = None, **kwargs: Any) -> Any:
    r"""Semilogy of :math:`|c_k|`, exact zeros left out, the chop point marked.

    Exact zeros (e.g. the odd coefficients of an even function) have no logarithm: they
    are not drawn (no fake floor); the legend counts them.  The vertical line marks
    :func:`standard_chop`'s cutoff of the coefficients as they stand: for a series that
    is already chopped (what ``chebyshev_adaptive`` returns) that is its length.
    """
    ax = _axes(ax)
    c = np.abs(series.coefficients).reshape(len(series), -1)
    k = np.arange(c.shape[0])
    cut = 1
    for j in range(c.shape[1]):
        nz = c[:, j] > 0
        label = kwargs.pop("label", None) if j == 0 else None
        zeros = int(c.shape[0] - nz.sum())
        if label is None and zeros:
            label = f"|c_k| ({zeros} exact zeros not drawn)"
        ax.semilogy(k[nz], c[nz, j], ".", label=label, **kwargs)
        cut = max(cut, chop_columns(c[:, j], EPS))
    ax.axvline(cut - 0.5, color="0.5", linestyle="--",
               label=f"chop point: keep {cut} of {c.shape[0]} (standard_chop)")
    ax.set_xlabel("k")
    ax.set_ylabel("|c_k|")
    ax.legend(loc="best")
    return ax
