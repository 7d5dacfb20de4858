"""The plots, checked through their artists (Agg, no window): one legend outside the
panels, a labelled machine-eps line in every panel, every row's point drawn, exact
zeros as markers on the bottom edge (never a fake floor like 1e-20), and a
convergence plot of a user's own function (issue 14, item 9)."""

from __future__ import annotations

import json
import subprocess
import sys

import mpmath
import numpy as np
import pytest

pytest.importorskip("matplotlib")

from scipy.interpolate import BarycentricInterpolator

from numlearn import EPS
from numlearn.compare.harness import Row
from numlearn.compare.plots import (
    EPS_LABEL,
    EXACT_ZERO_LABEL,
    plot_coefficient_decay,
    plot_convergence,
    plot_error_vs_n,
    plot_rows,
)

METHODS = ("numlearn.barycentric", "scipy.BarycentricInterp")
ERRORS = {  # (target, method) -> max_abs at n = 16, 64, 256; one exact zero
    ("exp", METHODS[0]): [1e-9, 2e-16, 0.0],
    ("exp", METHODS[1]): [1e-9, 4e-16, 3e-16],
    ("runge", METHODS[0]): [1e-2, 1e-5, 1e-14],
    ("runge", METHODS[1]): [1e-2, 1e-5, 2e-14],
    ("abs", METHODS[0]): [3e-2, 8e-3, 2e-3],
    ("abs", METHODS[1]): [3e-2, 8e-3, 2e-3],
    ("sin", METHODS[0]): [1e-12, 1e-16, 1e-16],
    ("sin", METHODS[1]): [1e-12, 1e-16, 1e-16],
}
NS = (16, 64, 256)


def _rows() -> list[Row]:
    return [Row(f"{t}/n={n}", m, "classical", e, e, e, 0.0, "g", extra={"target": t, "n": n})
            for (t, m), errs in ERRORS.items() for n, e in zip(NS, errs, strict=True)]


def _legend_texts(fig) -> list[str]:
    assert len(fig.legends) == 1  # one legend for the figure ...
    assert all(ax.get_legend() is None for ax in fig.axes)  # ... and none over the lines
    return [t.get_text() for t in fig.legends[0].get_texts()]


def _data_lines(ax):
    """The lines in data coordinates with a method label (not eps, not zero markers)."""
    return [ln for ln in ax.get_lines()
            if ln.get_label() not in (EPS_LABEL,) and not ln.get_label().startswith("_")]


def _zero_markers(ax):
    return [ln for ln in ax.get_lines() if ln.get_label() == "_exact zero"]


def _all_y(fig) -> np.ndarray:
    ys = [np.asarray(ln.get_ydata(), float) for ax in fig.axes for ln in _data_lines(ax)]
    return np.concatenate(ys)


def test_error_vs_n_legend_eps_points_and_zeros():
    fig = plot_error_vs_n(_rows())
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert sorted(ax.get_title() for ax in panels) == ["abs", "exp", "runge", "sin"]
    texts = _legend_texts(fig)
    assert set(texts) == {*METHODS, EPS_LABEL, EXACT_ZERO_LABEL}
    assert EPS_LABEL == f"machine eps = {EPS:.2e}"
    for ax in panels:
        eps = [ln for ln in ax.get_lines() if ln.get_label() == EPS_LABEL]
        assert len(eps) == 1 and set(eps[0].get_ydata()) == {EPS}
        assert ax.get_yscale() == "log"
        for ln in _data_lines(ax):
            want = ERRORS[(ax.get_title(), ln.get_label())]
            nz = [(n, e) for n, e in zip(NS, want, strict=True) if e > 0]
            assert list(ln.get_xdata()) == [n for n, _ in nz]
            assert list(ln.get_ydata()) == [e for _, e in nz]
    # no fake floor anywhere: every plotted value is a real error
    assert np.all(_all_y(fig) >= 1e-16)
    exp_ax = next(ax for ax in panels if ax.get_title() == "exp")
    (zero,) = _zero_markers(exp_ax)
    assert list(zero.get_xdata()) == [256] and list(zero.get_ydata()) == [0.0]
    # the marker sits on the bottom edge: x in data, y in axes coordinates
    assert zero.get_transform().contains_branch_seperately(exp_ax.transData) == (True, False)
    assert not zero.get_clip_on()
    for ax in panels:
        if ax is not exp_ax:
            assert not _zero_markers(ax)


def test_no_zero_entry_without_zeros():
    rows = [r for r in _rows() if r.max_abs > 0]
    assert EXACT_ZERO_LABEL not in _legend_texts(plot_error_vs_n(rows))


def test_writes_the_file_and_returns_the_figure(tmp_path):
    out = tmp_path / "e.png"
    fig = plot_error_vs_n(_rows(), out)
    assert out.stat().st_size > 0 and fig.axes
    paths = plot_rows(_rows(), tmp_path / "plots")
    assert [p.name for p in paths] == ["error_vs_n.png", "coefficient_decay.png"]
    assert all(p.stat().st_size > 0 for p in paths)


def test_coefficient_decay_marks_exact_zero_coefficients():
    # Runge's function is even: its odd Chebyshev coefficients vanish, and the DCT of
    # its symmetric samples gives exact zeros there (the old plot drew them at 1e-20)
    fig = plot_coefficient_decay(33)
    (ax,) = fig.axes
    texts = _legend_texts(fig)
    assert {EPS_LABEL, EXACT_ZERO_LABEL, "runge", "exp"} <= set(texts)
    ys = _all_y(fig)
    assert ys.size and np.all(ys > 0) and not np.any(ys == 1e-20)  # real values only
    runge = next(ln for ln in _data_lines(ax) if ln.get_label() == "runge")
    zeros = [z for z in _zero_markers(ax) if z.get_color() == runge.get_color()]
    assert len(zeros) == 1
    k = np.asarray(zeros[0].get_xdata())
    assert k.size >= 8 and np.all(k % 2 == 1)


def test_convergence_of_a_user_function_against_numpy():
    ns = list(range(4, 41, 4))
    fig = plot_convergence(np.exp, domain=(-1.0, 1.0), ns=ns,
                           methods=["numlearn.barycentric"], mp_f=mpmath.exp, grid_size=200)
    (ax,) = fig.axes
    assert set(_legend_texts(fig)) == {"numlearn.barycentric", EPS_LABEL}
    (line,) = _data_lines(ax)
    assert list(line.get_xdata()) == ns  # more than three points: one per n
    err = np.asarray(line.get_ydata())
    # independent check: scipy's interpolant in the same n Chebyshev points of the
    # second kind, scored on the same grid against mpmath, where the error is far
    # above rounding
    a, b = -1.0, 1.0
    grid = np.concatenate([[a], np.sort(np.random.default_rng(20261123).uniform(a, b, 200)),
                           [b]])
    truth = np.array([float(mpmath.exp(mpmath.mpf(x))) for x in grid])
    for i, n in enumerate(ns[:3]):  # n = 4, 8, 12: errors 1e-3 ... 1e-11
        x = np.cos(np.pi * np.arange(n) / (n - 1))
        sp_err = np.max(np.abs(BarycentricInterpolator(x, np.exp(x))(grid) - truth))
        assert err[i] == pytest.approx(sp_err, rel=1e-4)
    # converged to the rounding floor ~ Lambda_n eps max|f| by n = 20
    assert np.all(err[4:] <= 20 * EPS * np.e)
    assert "convergence of exp on [-1.0, 1.0]" == ax.get_title()


def test_convergence_marks_exact_zero_errors():
    # barycentric interpolation of a constant is exact: sum(w/(x-xj)) / sum(w/(x-xj))
    fig = plot_convergence(lambda x: np.ones_like(x), ns=[4, 8, 16],
                           methods=["numlearn.barycentric"], grid_size=50)
    (ax,) = fig.axes
    (zero,) = _zero_markers(ax)
    assert list(zero.get_xdata()) == [4, 8, 16]
    assert EXACT_ZERO_LABEL in _legend_texts(fig)
    assert not any(len(ln.get_ydata()) for ln in _data_lines(ax))


def test_convergence_of_a_target_by_name_uses_every_method_by_default():
    fig = plot_convergence("runge", ns=[8, 16, 24, 32], grid_size=50)
    texts = _legend_texts(fig)
    assert {"numlearn.barycentric", "numlearn.dct+clenshaw", "scipy.BarycentricInterp",
            "numpy.chebinterpolate"} <= set(texts)
    for ln in _data_lines(fig.axes[0]):
        y = np.asarray(ln.get_ydata())
        assert np.all(np.diff(y) < 0)  # Runge's function converges geometrically


def test_missing_matplotlib_is_one_line_naming_the_extra():
    code = (
        "import json, sys\n"
        "sys.modules['matplotlib'] = None\n"
        "from numlearn.compare.plots import plot_convergence\n"
        "try:\n"
        "    plot_convergence(abs, ns=[4])\n"
        "except ImportError as e:\n"
        "    print(json.dumps(str(e)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.strip().splitlines()[-1]
    msg = json.loads(out)
    assert "\n" not in msg and "pip install 'numlearn[plot]'" in msg
