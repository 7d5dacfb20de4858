"""Bad input to ModalFilter and fit_modal: errors name the argument, before any work."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.classical.reduction.modal import ModalSSM  # noqa: E402
from numlearn.learned.layers.modal import ModalFilter, window_sq_errors  # noqa: E402
from numlearn.learned.reduction.modal_fit import fit_modal  # noqa: E402

H = np.r_[0.5, 0.9 ** np.arange(31) * np.cos(0.3 * np.arange(31))]


def _fit(h=H, d=1, **kw):
    kw.setdefault("steps", 2)
    return fit_modal(h, d, progress=False, **kw)


@pytest.mark.parametrize(("h", "d", "kw", "exc", "match"), [
    (np.r_[H[:-1], np.nan], 1, {}, ValueError, "`h`"),
    (np.r_[H[:-1], np.inf], 1, {}, ValueError, "`h`"),
    (H + 0j, 1, {}, TypeError, "`h`"),
    (torch.from_numpy(H + 0j), 1, {}, TypeError, "`h`"),
    (H.astype(np.float32), 1, {}, TypeError, "`h`"),
    (torch.from_numpy(H).float(), 1, {}, TypeError, "`h`"),
    (torch.from_numpy(H), 1, {"dtype": torch.float32}, TypeError, "`h`"),
    (H, 1, {"dtype": torch.float32}, TypeError, "`h`"),
    (torch.from_numpy(H).to("meta"), 1, {}, ValueError, "`h`"),
    (H[:5], 3, {}, ValueError, "`d`"),
    (H, 0, {}, ValueError, "`d`"),
    (H, 1.5, {}, TypeError, "`d`"),
    (np.zeros((2, 3, 4)), 1, {}, ValueError, "`h`"),
    (np.zeros((0, 8)), 1, {}, ValueError, "`h`"),
    (H, 1, {"method": "sgd"}, ValueError, "`method`"),
    (H, 1, {"init": "prony"}, ValueError, "`init`"),
    (H, 1, {"loss": "gram"}, ValueError, "`loss`"),
    (H, 1, {"steps": 0}, ValueError, "`steps`"),
    (H, 1, {"lr": -1.0}, ValueError, "`lr`"),
    (H, 1, {"r_max": 1.0}, ValueError, "`r_max`"),
    (H, 1, {"dtype": torch.complex128}, TypeError, "`dtype`"),
    (H, 1, {"device": 3}, TypeError, "`device`"),
    (H, 1, {"constrain": "yes"}, TypeError, "`constrain`"),
    (H, 1, {"hinf_weight": -1.0}, ValueError, "`hinf_weight`"),
    (H, 1, {"hinf_weight": 1.0, "method": "varpro-lm"}, ValueError, "`hinf_weight`"),
    (H, 1, {"tail": -1}, ValueError, "`tail`"),
    (H, 1, {"tail": 8, "method": "adamw"}, ValueError, "`tail`"),
    (H, 1, {"hinf_polish": -1}, ValueError, "`hinf_polish`"),
    (H, 1, {"hinf_polish": 2.5}, TypeError, "`hinf_polish`"),
    (H, 1, {"hinf_polish": 3, "method": "adamw"}, ValueError, "`hinf_polish`"),
    (H, 1, {"hinf_polish": 3, "polish_l2_factor": 0.5}, ValueError, "`polish_l2_factor`"),
    (H, 1, {"hinf_polish": 3, "polish_l2_factor": np.nan}, ValueError, "`polish_l2_factor`"),
    (H, 1, {"polish_poles": 2}, ValueError, "`polish_poles`"),
    (H, 1, {"hinf_polish": 2, "polish_poles": -1}, ValueError, "`polish_poles`"),
])
def test_fit_modal_refuses(h, d, kw, exc, match):
    with pytest.raises(exc, match=match):
        _fit(h, d, **kw)


def test_init_modal_ssm_of_other_channels_or_complex():
    two = np.stack([H, H])
    m3 = ModalSSM(np.full((3, 1), 0.5 + 0j), np.ones((3, 1)), np.zeros(3))
    with pytest.raises(ValueError, match="channels"):
        _fit(two, 1, init=m3)
    mc = ModalSSM([0.5], [1.0], 0.0, real=False)
    with pytest.raises(ValueError, match="real"):
        _fit(H, 1, init=mc)


@pytest.mark.parametrize(("kw", "exc", "match"), [
    ({"channels": 0, "order": 2}, ValueError, "`channels`"),
    ({"channels": 2, "order": 0}, ValueError, "`order`"),
    ({"channels": 2, "order": 2, "r_max": 1.5}, ValueError, "`r_max`"),
    ({"channels": 2, "order": 2, "r_max": 0.0}, ValueError, "`r_max`"),
    ({"channels": 2, "order": 2, "dtype": torch.int64}, TypeError, "`dtype`"),
    ({"channels": 2, "order": 2, "seed": -1}, ValueError, "`seed`"),
])
def test_modal_filter_refuses(kw, exc, match):
    with pytest.raises(exc, match=match):
        ModalFilter(**kw)


def test_from_modal_ssm_refuses_what_it_cannot_hold():
    with pytest.raises(TypeError, match="`model`"):
        ModalFilter.from_modal_ssm("poles")
    with pytest.raises(ValueError, match="real"):
        ModalFilter.from_modal_ssm(ModalSSM([0.5], [1.0], 0.0, real=False))
    near = ModalSSM([0.9999999], [1.0], 0.0)
    with pytest.raises(ValueError, match="r_max"):
        ModalFilter.from_modal_ssm(near)
    assert ModalFilter.from_modal_ssm(near, constrain=False).poles().abs().item() < 1
    with pytest.raises(ValueError, match="zero pole"):
        ModalFilter.from_modal_ssm(ModalSSM([0.0], [1.0], 0.0))
    f = ModalFilter(2, 1)
    with pytest.raises(ValueError, match="channels"):
        f.load_modal_ssm(ModalSSM([0.5], [1.0], 0.0))


def test_losses_refuse_mismatched_targets():
    f = ModalFilter(2, 1)
    h = torch.zeros(2, 16, dtype=torch.float64)
    with pytest.raises(TypeError, match="`h`"):
        window_sq_errors(f, h.float())
    with pytest.raises(ValueError, match="`h`"):
        window_sq_errors(f, h[:1])
    with pytest.raises(TypeError, match="`h`"):
        window_sq_errors(f, h.numpy())
    with pytest.raises(ValueError, match="`method`"):
        window_sq_errors(f, h, method="hinf")
    with pytest.raises(ValueError, match="`domain`"):
        f(16, domain="laplace")
