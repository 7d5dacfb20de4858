"""Bad input to ModalSSM, fit_residues, filter_errors and the companion form: each case
asserts the exception type and that the message names the argument."""

from __future__ import annotations

import numpy as np
import pytest

from numlearn._core.validation import IllConditionedWarning
from numlearn.classical.reduction.companion import (
    from_companion,
    prefill_companion,
    to_companion,
)
from numlearn.classical.reduction.modal import ModalSSM, filter_errors, fit_residues

LAM = np.array([0.5 + 0.3j, -0.2 + 0.6j])
RES = np.array([1.0 + 0.5j, -0.3 + 0.2j])
M = ModalSSM(LAM, RES, 0.4)
MB = ModalSSM(np.stack([LAM, LAM]), np.stack([RES, RES]), [0.1, 0.2])


@pytest.mark.parametrize(("args", "kwargs", "exc", "name"), [
    (([np.nan, 0.5], RES, 0.0), {}, ValueError, "poles"),
    ((LAM, [np.inf, 1.0], 0.0), {}, ValueError, "residues"),
    ((LAM, RES, np.nan), {}, ValueError, "feedthrough"),
    (([], [], 0.0), {}, ValueError, "poles"),
    ((np.ones((2, 2, 2)) * 0.5, RES, 0.0), {}, ValueError, "poles"),
    ((LAM, RES[:1].repeat(3), 0.0), {}, ValueError, "poles"),
    ((np.stack([LAM, LAM]), RES, [0.0, 1.0, 2.0]), {}, ValueError, "feedthrough"),
    ((LAM, RES, 1.0 + 1.0j), {}, TypeError, "feedthrough"),
    ((["a", "b"], RES, 0.0), {}, TypeError, "poles"),
    ((LAM, RES, 0.0), {"real": 1}, TypeError, "real"),
    ((LAM, RES, 0.0), {"allow_unstable": "yes"}, TypeError, "allow_unstable"),
    (([1.2, 0.1], RES, 0.0), {}, ValueError, "poles"),
    (([1.0j, 0.1], RES, 0.0), {}, ValueError, "poles"),
])
def test_modal_ssm_construction(args, kwargs, exc, name):
    with pytest.raises(exc, match=f"`{name}`"):
        ModalSSM(*args, **kwargs)


@pytest.mark.parametrize(("call", "exc", "name"), [
    (lambda: M.impulse_response(0), ValueError, "L"),
    (lambda: M.impulse_response(3.0), TypeError, "L"),
    (lambda: M.transfer_function([np.nan]), ValueError, "z"),
    (lambda: M.frequency_response(0), ValueError, "M"),
    (lambda: M.frequency_response(8, truncate=9), ValueError, "truncate"),
    (lambda: M.recurrence(np.ones(3) + 1j), TypeError, "u"),
    (lambda: M.recurrence(np.ones((2, 3, 4))), ValueError, "u"),
    (lambda: MB.recurrence(np.ones((3, 5))), ValueError, "u"),
    (lambda: MB.recurrence(np.ones(5)), ValueError, "u"),
    (lambda: M.recurrence(np.ones(0)), ValueError, "u"),
    (lambda: M.recurrence([1.0, np.nan]), ValueError, "u"),
    (lambda: M.recurrence(np.ones(4), np.zeros(3)), ValueError, "state"),
    (lambda: M.recurrence(np.ones(4), return_state=1), TypeError, "return_state"),
    (lambda: M.prefill(np.ones(4), method="scan"), ValueError, "method"),
    (lambda: M.step(np.zeros(3), 1.0), ValueError, "state"),
    (lambda: MB.step(np.zeros((2, 2)), np.ones(3)), ValueError, "u"),
    (lambda: ModalSSM([0.0, 0.5], RES, 0.0).to_engine(), ValueError, "poles"),
    (lambda: ModalSSM.from_engine([1.5, 0.5], RES, 0.0), ValueError, "poles"),
])
def test_modal_ssm_methods(call, exc, name):
    with pytest.raises(exc, match=f"`{name}`"):
        call()


H = M.impulse_response(20)


@pytest.mark.parametrize(("call", "exc", "name"), [
    (lambda: fit_residues([1.0, np.nan, 2.0], LAM), ValueError, "h"),
    (lambda: fit_residues(np.ones((0, 5)), LAM), ValueError, "h"),
    (lambda: fit_residues(H[:4], LAM), ValueError, "h"),            # 3 taps, 4 unknowns
    (lambda: fit_residues(H + 0j, LAM), TypeError, "h"),
    (lambda: fit_residues(np.stack([H, H]), np.stack([LAM] * 3)), ValueError, "poles"),
    (lambda: fit_residues(H, [1.1, 0.2]), ValueError, "poles"),
    (lambda: fit_residues(H, []), ValueError, "poles"),
    (lambda: filter_errors(H, "model"), TypeError, "model"),
    (lambda: filter_errors(np.stack([H, H, H]), MB), ValueError, "h"),
    (lambda: filter_errors(H, M, M=30), ValueError, "M"),
    (lambda: to_companion(H), TypeError, "model"),
    (lambda: from_companion([1.0], [0.0, 1.0, 0.2]), ValueError, "a"),
    (lambda: from_companion([1.0, 2.0, 3.0], [1.0, 0.2]), ValueError, "b"),
    (lambda: from_companion([1.0], [1.0]), ValueError, "a"),
    (lambda: from_companion([1.0, 0.0], [1.0, -1.0, 0.25]), ValueError, "a"),
    (lambda: from_companion([1.0], [1.0, -2.0]), ValueError, "poles"),
    (lambda: from_companion([1.0], [1.0, 0.5j]), TypeError, "a"),
    (lambda: prefill_companion(M, np.ones((2, 2, 3))), ValueError, "u"),
    (lambda: prefill_companion(M, np.ones(3), return_output="no"), TypeError,
     "return_output"),
])
def test_fit_errors_companion(call, exc, name):
    with pytest.raises(exc, match=f"`{name}`"):
        call()


def test_from_companion_warns_for_nearly_multiple_roots():
    with pytest.warns(IllConditionedWarning, match="roots of `a`"):
        from_companion([1.0, 0.0], np.poly([0.5, 0.5 + 1e-9]), real=False)
