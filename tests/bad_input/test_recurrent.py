"""Bad input to DistilledConv: errors name the argument, before any work; no silent
casts or device moves."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from numlearn.classical.reduction.modal import ModalSSM  # noqa: E402
from numlearn.learned.layers.recurrent import DistilledConv  # noqa: E402

F64 = torch.float64
LAM = torch.tensor([[0.9 * np.exp(0.3j), 0.5 + 0j]], dtype=torch.complex128)
RES = torch.tensor([[2.0 + 0j, 1.0 - 1.0j]], dtype=torch.complex128)
D0 = torch.tensor([0.25], dtype=F64)


def _conv():
    return DistilledConv(LAM, RES, D0)


def _nan(t):
    t = t.clone()
    t.view(-1)[0] = float("nan")
    return t


@pytest.mark.parametrize(("args", "kw", "exc", "match"), [
    ((LAM.to(torch.complex64), RES, D0), {}, TypeError, "`poles`"),
    ((LAM, RES.to(torch.complex64), D0), {}, TypeError, "`residues`"),
    ((LAM, RES, D0.float()), {}, TypeError, "`feedthrough`"),
    ((LAM, RES, D0), {"dtype": torch.float32}, TypeError, "`poles`"),
    ((LAM, RES, D0), {"dtype": torch.complex128}, TypeError, "`dtype`"),
    ((LAM, RES, D0), {"device": 3}, TypeError, "`device`"),
    ((LAM, RES, D0), {"device": "meta"}, ValueError, "`poles`"),
    ((LAM.numpy(), RES, D0), {}, TypeError, "`poles`"),
    ((LAM[0], RES[0], D0), {}, ValueError, "`poles`"),
    ((LAM[:, :0], RES[:, :0], D0), {}, ValueError, "`poles`"),
    ((LAM, RES[:, :1], D0), {}, ValueError, "`residues`"),
    ((LAM, RES, torch.zeros(2, dtype=F64)), {}, ValueError, "`feedthrough`"),
    ((_nan(LAM), RES, D0), {}, ValueError, "`poles`"),
    ((LAM, _nan(RES), D0), {}, ValueError, "`residues`"),
    ((LAM, RES, _nan(D0)), {}, ValueError, "`feedthrough`"),
    ((LAM * 1.2, RES, D0), {}, ValueError, "unit disk"),
    ((LAM / LAM.abs(), RES, D0), {}, ValueError, "unit disk"),
])
def test_constructor_refuses(args, kw, exc, match):
    with pytest.raises(exc, match=match):
        DistilledConv(*args, **kw)


def test_from_modal_ssm_refuses():
    with pytest.raises(TypeError, match="`model`"):
        DistilledConv.from_modal_ssm("not a model")
    with pytest.raises(ValueError, match="real"):
        DistilledConv.from_modal_ssm(ModalSSM([0.5], [1.0], 0.0, real=False))
    with pytest.warns(RuntimeWarning):
        unstable = ModalSSM([1.1 + 0j], [1.0], 0.0, allow_unstable=True)
    with pytest.raises(ValueError, match="unit circle"):
        DistilledConv.from_modal_ssm(unstable)
    with pytest.raises(TypeError, match="`dtype`"):
        DistilledConv.from_modal_ssm(ModalSSM([0.5], [1.0], 0.0), dtype=np.float64)


U = torch.zeros(2, 1, 16, dtype=F64)


@pytest.mark.parametrize(("u", "exc", "match"), [
    (U.float(), TypeError, "`u`"),
    (U.numpy(), TypeError, "`u`"),
    (U.to(torch.complex128), TypeError, "`u`"),
    (U.to("meta"), ValueError, "`u`"),
    (U[0], ValueError, "`u`"),
    (torch.zeros(2, 3, 16, dtype=F64), ValueError, "`u`"),
    (torch.zeros(2, 1, 0, dtype=F64), ValueError, "`u`"),
    (_nan(U), ValueError, "finite"),
    (U + float("inf"), ValueError, "finite"),
])
def test_signals_refused(u, exc, match):
    conv = _conv()
    with pytest.raises(exc, match=match):
        conv(u)
    with pytest.raises(exc, match=match):
        conv.prefill(u)
    with pytest.raises(exc, match=match.replace("`u`", "`prompt`")):
        conv.generate(u, 1, lambda y: y)


def test_step_refuses():
    conv = _conv()
    s = conv.initial_state(2)
    u_t = torch.zeros(2, 1, dtype=F64)
    with pytest.raises(TypeError, match="`state`"):
        conv.step(s.real, u_t)
    with pytest.raises(TypeError, match="`state`"):
        conv.step(s.to(torch.complex64), u_t)
    with pytest.raises(ValueError, match="`state`"):
        conv.step(conv.initial_state(3), u_t)
    with pytest.raises(ValueError, match="`state`"):
        conv.step(s[..., :1], u_t)
    with pytest.raises(TypeError, match="`u_t`"):
        conv.step(s, u_t.float())
    with pytest.raises(ValueError, match="`u_t`"):
        conv.step(s, u_t[:, :, None])
    with pytest.raises(ValueError, match="finite"):
        conv.step(s, _nan(u_t))
    with pytest.raises(ValueError, match="`state`"):
        conv.run_steps(conv.initial_state(1), U)


def test_other_arguments_refused():
    conv = _conv()
    with pytest.raises(ValueError, match="`method`"):
        conv.prefill(U, method="canonical")
    with pytest.raises(ValueError, match="`L`"):
        conv.impulse_response(0)
    with pytest.raises(TypeError, match="`L`"):
        conv.impulse_response(2.5)
    with pytest.raises(ValueError, match="`steps`"):
        conv.generate(U, 0, lambda y: y)
    with pytest.raises(TypeError, match="`next_input`"):
        conv.generate(U, 2, "tanh")
    with pytest.raises(TypeError, match="next_input"):
        conv.generate(U, 2, lambda y: y.float())
    with pytest.raises(ValueError, match="next_input"):
        conv.generate(U, 2, lambda y: y[:1])
    with pytest.raises(ValueError, match="`batch`"):
        conv.initial_state(0)
    zero = DistilledConv(torch.zeros(1, 1, dtype=torch.complex128),
                         torch.ones(1, 1, dtype=torch.complex128), D0)
    with pytest.raises(ValueError, match="`poles`"):
        zero.to_engine()


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_cuda_requested_without_cuda():
    with pytest.raises(ValueError, match="`device`"):
        DistilledConv.from_modal_ssm(ModalSSM([0.5], [1.0], 0.0), device="cuda")
