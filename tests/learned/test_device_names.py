"""A model built on an unindexed or indexed device name accepts its own tensors.

torch compares devices by type and index: ``torch.device("cuda") !=
torch.device("cuda:0")``, yet a tensor made on ``"cuda"`` reports ``cuda:0`` (and one
made on ``"cpu:0"`` reports ``cpu``).  Before the device names were made canonical,
every learned model built with ``device="cuda"`` refused its own parameters; ``cpu:0``
shows the same mismatch without a GPU."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from numlearn.classical.reduction.modal import ModalSSM
from numlearn.learned.layers.base import _check_device, check_tensor
from numlearn.learned.layers.recurrent import DistilledConv
from numlearn.learned.spectral import MLPPINN, BWLerHat, ExplicitBWLer
from numlearn.problems.pdes import get_pde

F64 = torch.float64


@pytest.mark.parametrize("name", ["cpu:0", torch.device("cpu", 0)])
def test_explicit_bwler_on_cpu0_matches_cpu(name):
    ref = ExplicitBWLer("convection", 9, 8)
    obj = ExplicitBWLer("convection", 9, 8, device=name)
    theta = obj.initial_parameters() + 0.25
    assert obj.device == torch.device("cpu")
    assert float(obj.loss(theta)) == float(ref.loss(theta))


def test_pinn_hat_and_conv_on_cpu0():
    p = get_pde("convection")
    pinn = MLPPINN(p, hidden=(8,), grid=(4, 4), n_ic=5, n_bc=3, device="cpu:0")
    ref = MLPPINN(p, hidden=(8,), grid=(4, 4), n_ic=5, n_bc=3)
    th = pinn.initial_parameters(0)
    assert float(pinn.loss(th)) == float(ref.loss(th))
    hat = BWLerHat(p, 9, 8, hidden=(8,), device="cpu:0")
    assert np.isfinite(float(hat.loss(hat.initial_parameters(0))))
    m = ModalSSM(np.array([0.5 + 0.2j]), np.array([1.0 + 0.0j]), 0.3)
    conv = DistilledConv.from_modal_ssm(m, device="cpu:0")
    u = torch.ones(1, 1, 6, dtype=F64)
    y, _ = conv.run_steps(conv.initial_state(1), u)
    torch.testing.assert_close(y, conv(u), rtol=1e-14, atol=1e-15)


def test_wrong_device_is_still_refused():
    with pytest.raises(ValueError, match="is on cpu"):
        check_tensor(torch.zeros(2, dtype=F64), "x", dtype=F64, device=torch.device("meta"))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_name_gets_the_current_index():  # pragma: no cover - needs a GPU
    assert _check_device("cuda") == torch.device("cuda", torch.cuda.current_device())
    obj = ExplicitBWLer("convection", 9, 8, device="cuda")
    assert np.isfinite(float(obj.loss(obj.initial_parameters())))
