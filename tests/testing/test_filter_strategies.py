"""numlearn.testing.strategies.filters: the strategies draw valid filter banks."""

import numpy as np
import pytest
from hypothesis import given

from numlearn.problems.filters import modal_impulse_response
from numlearn.testing.strategies.filters import (
    filter_banks,
    hyena_filter_banks,
    modal_filter_banks,
)


@given(modal_filter_banks(1, 3, noise=0.0))
def test_modal_banks_are_their_modal_form(bank):
    d = bank.order
    assert 1 <= d <= 3 and bank.length >= 4 * d + 2
    assert np.all(np.abs(bank.poles) < 1)
    again = modal_impulse_response(bank.poles, bank.residues, bank.feedthrough, bank.length)
    np.testing.assert_array_equal(bank.h, again)


@given(hyena_filter_banks(channels=(1, 2), length=(16, 64)))
def test_hyena_banks_are_finite_and_decay(bank):
    assert np.isfinite(bank.h).all() and bank.h.shape[1] >= 16
    assert bank.params["decay"] > 0


@given(filter_banks(channels=(1, 2), length=(16, 96)))
def test_any_family_is_real_and_finite(bank):
    assert bank.h.dtype == np.float64 and bank.h.ndim == 2 and np.isfinite(bank.h).all()


def test_strategy_arguments_are_checked_when_built():
    with pytest.raises(ValueError, match="radius"):
        modal_filter_banks(radius=(0.5, 1.0))
    with pytest.raises(ValueError, match="max_order"):
        modal_filter_banks(4, 2)
    with pytest.raises(ValueError, match="families"):
        filter_banks(["nope"])
    with pytest.raises(ValueError, match="decay"):
        hyena_filter_banks(decay=(0.0, 1.0))
