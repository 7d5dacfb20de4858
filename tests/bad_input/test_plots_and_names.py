"""Bad input to the issue-14 additions is refused before any work, naming the
argument: plot_convergence, plot_error_vs_n's path, ulp_error's scale."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from numlearn.compare.plots import plot_convergence, plot_error_vs_n


@pytest.mark.parametrize(
    ("kw", "exc", "arg"),
    [({"f": 3.0}, TypeError, "f"),
     ({"f": "no-such-target"}, ValueError, "name"),
     ({"f": lambda x: 1.0}, ValueError, "f"),  # not vectorised
     ({"f": lambda x: np.sqrt(x - 2)}, ValueError, "f"),  # NaN on the domain
     ({"f": np.exp, "domain": (1.0, -1.0)}, ValueError, "domain"),
     ({"f": np.exp, "ns": []}, ValueError, "ns"),
     ({"f": np.exp, "ns": 16}, TypeError, "ns"),
     ({"f": np.exp, "ns": [4.5]}, TypeError, "ns"),
     ({"f": np.exp, "ns": [0]}, ValueError, "ns"),
     ({"f": np.exp, "methods": ["chebfun"]}, ValueError, "methods"),
     ({"f": np.exp, "methods": []}, TypeError, "methods"),
     ({"f": np.exp, "mp_f": 1}, TypeError, "mp_f"),
     ({"f": np.exp, "grid_size": 0}, ValueError, "grid_size"),
     ({"f": np.exp, "path": 3}, TypeError, "path")],
)
def test_plot_convergence_refuses(kw, exc, arg):
    kw = {"ns": [4], **kw}
    with pytest.raises(exc, match=f"`{arg}"):
        plot_convergence(**kw)


def test_plot_error_vs_n_checks_the_path_first(tmp_path):
    with pytest.raises(ValueError, match=r"`path`.*directory"):
        plot_error_vs_n([], tmp_path)
    with pytest.raises(ValueError, match="`rows` has no row"):
        plot_error_vs_n([], tmp_path / "x.png")


@pytest.mark.parametrize("v", [-1.0, math.inf, math.nan])
def test_ulp_error_scale_must_be_finite_and_non_negative(v):
    from numlearn.precision import ulp_error

    with pytest.raises(ValueError, match="`scale` must be a finite non-negative"):
        ulp_error([1.0], [1.0], scale=v)
