"""Bad input to the filter families, unit-circle AAA and distill: a `ValueError` or
`TypeError` naming the argument, before any work."""

import numpy as np
import pytest

from numlearn.classical.reduction.unit_circle import aaa_filter
from numlearn.problems.filters import (
    hyena_filters,
    long_conv_filters,
    modal_filters,
    power_law_filters,
    random_modal_filters,
)

GOOD = random_modal_filters(2, 64, 2, seed=0).h


@pytest.mark.parametrize(("call", "exc", "name"), [
    (lambda: random_modal_filters(0, 64), ValueError, "`C`"),
    (lambda: random_modal_filters(2, 1), ValueError, "`L`"),
    (lambda: random_modal_filters(2, 64, 0), ValueError, "`d`"),
    (lambda: random_modal_filters(2, 64, radius=(0.5, 1.0)), ValueError, "`radius`"),
    (lambda: random_modal_filters(2, 64, radius=(np.nan, 0.9)), ValueError, "radius"),
    (lambda: random_modal_filters(2, 64, noise=np.nan), ValueError, "`noise`"),
    (lambda: random_modal_filters(2**12, 2**12), ValueError, "`C \\* L`"),
    (lambda: hyena_filters(2, 1), ValueError, "`L`"),
    (lambda: hyena_filters(0, 64), ValueError, "`C`"),
    (lambda: hyena_filters(2, 64, decay="medium"), ValueError, "`decay`"),
    (lambda: hyena_filters(2, 64, decay=np.nan), ValueError, "`decay`"),
    (lambda: hyena_filters(2, 64, decay=-1.0), ValueError, "`decay`"),
    (lambda: hyena_filters(2, 64, emb_dim=4), ValueError, "`emb_dim`"),
    (lambda: hyena_filters(2, 64, w=np.inf), ValueError, "`w`"),
    (lambda: power_law_filters(2, 64, alpha=[1.0, np.nan]), ValueError, "`alpha`"),
    (lambda: power_law_filters(2, 64, alpha=[1.0, -1.0]), ValueError, "`alpha`"),
    (lambda: power_law_filters(2, 64, alpha=[1.0, 2.0, 3.0]), ValueError, "`alpha`"),
    (lambda: long_conv_filters(2, 64, window=4), ValueError, "`window`"),
    (lambda: long_conv_filters(2, 64, lam=np.nan), ValueError, "`lam`"),
    (lambda: modal_filters(64, [1.1 + 0j], [1.0]), ValueError, "`poles`"),
    (lambda: modal_filters(64, [np.nan], [1.0]), ValueError, "`poles`"),
    (lambda: modal_filters(64, [0.5, 0.6], [1.0]), ValueError, "`residues`"),
    (lambda: modal_filters(64, [0.5], [1.0], feedthrough=1j), TypeError, "`feedthrough`"),
    (lambda: modal_filters(64, [0.5], [1.0], feedthrough=[1.0, 2.0]), ValueError,
     "`feedthrough`"),
    (lambda: random_modal_filters("4", 64), TypeError, "`C`"),
])
def test_filter_families(call, exc, name):
    with pytest.raises(exc, match=name):
        call()


@pytest.mark.parametrize(("kwargs", "exc", "name"), [
    ({"h": np.full((2, 64), np.nan)}, ValueError, "`h`"),
    ({"h": GOOD + 1j}, TypeError, "`h`"),
    ({"h": GOOD[:, :4]}, ValueError, "`h` has 4 taps"),
    ({"h": np.zeros((2, 3, 64))}, ValueError, "`h`"),
    ({"h": "filters"}, TypeError, "`h`"),
    ({"d": 0}, ValueError, "`d`"),
    ({"d": 2.5}, TypeError, "`d`"),
    ({"M": 10}, ValueError, "`M`"),
    ({"rho": 0.0}, ValueError, "`rho`"),
    ({"rho": 1.5}, ValueError, "`rho`"),
    ({"rho": np.nan}, ValueError, "`rho`"),
    ({"stability": "clip"}, ValueError, "`stability`"),
    ({"shared_poles": "yes"}, TypeError, "`shared_poles`"),
    ({"real": None}, TypeError, "`real`"),
    ({"rtol": -1.0}, ValueError, "`rtol`"),
    ({"tail": -1}, ValueError, "`tail`"),
])
def test_aaa_filter(kwargs, exc, name):
    args = {"h": GOOD, "d": 2} | kwargs
    with pytest.raises(exc, match=name):
        aaa_filter(args.pop("h"), args.pop("d"), **args)


@pytest.mark.parametrize(("kwargs", "exc", "name"), [
    ({"h": np.full((2, 64), np.nan)}, ValueError, "`h`"),
    ({"h": GOOD + 1j}, TypeError, "`h`"),
    ({"h": GOOD[:, :4]}, ValueError, "`h` has 4 taps"),
    ({"d": 0}, ValueError, "`d`"),
    ({"method": "prony"}, ValueError, "`method`"),
    ({"method": "era", "real": False}, ValueError, "`real=False`"),
    ({"method": "bt", "n_high": 3}, TypeError, "`options`.*n_high"),
    ({"method": "aaa", "rows": 20}, TypeError, "`options`.*rows"),
    ({"method": "bt_modal", "n_high": 2}, ValueError, "`n_high`"),
    ({"bounds": 1}, TypeError, "`bounds`"),
])
def test_distill(kwargs, exc, name):
    from numlearn.classical.reduction.distill import distill

    args = {"h": GOOD, "d": 2} | kwargs
    with pytest.raises(exc, match=name):
        distill(args.pop("h"), args.pop("d"), **args)
