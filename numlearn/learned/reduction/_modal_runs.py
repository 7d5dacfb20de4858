"""The optimiser loops of :func:`~numlearn.learned.reduction.modal_fit.fit_modal`
(private): AdamW on every parameter, and variable projection on the poles by Adam,
L-BFGS or Levenberg-Marquardt (the residues solved exactly at every step).

Each loop records ``history`` rows (the objective and the root mean square relative
window error) and stores its result in the :class:`ModalFilter`.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor

from numlearn._core.result import Status
from numlearn.learned.layers.flat import FlatParameters
from numlearn.learned.layers.modal import ModalFilter, _rfft_weights
from numlearn.learned.optim import LBFGS, AdamCosine
from numlearn.learned.reduction._blocks import blocked_sum, filter_blocks
from numlearn.learned.reduction._varpro import (
    _PoleView,
    _projected,
    lm_step_blocked,
    projected_blocked,
)

__all__ = ["run_adam", "run_varpro_first_order", "run_varpro_lm"]


def _record(rows: dict[str, list[float]], loss: float, sq: Tensor, hn2: Tensor, bar: Any,
            k: int) -> None:
    rel = math.sqrt(float((sq / hn2).mean()))
    rows["loss"].append(loss)
    rows["rel_l2"].append(rel)
    if k % 50 == 0:
        bar.set_postfix(loss=f"{loss:.3e}", rel_l2=f"{rel:.3e}")


def run_adam(filt: ModalFilter, h: Tensor, hn2: Tensor, steps: int, lr: float, loss: str,
              rows: dict[str, list[float]], bar: Any, hinf_weight: float = 0.0,
              free: Tensor | None = None) -> tuple[int, Status, str]:
    C, L = h.shape
    flat = FlatParameters(filt)
    fixed: dict[str, tuple[Tensor, Tensor]] = {}
    if free is not None:                   # fixed entries: zero gradient, Adam holds them
        d = filt.order
        rad = "rho" if filt.constrain else "r"
        for name, cols in ((rad, free[:, :d]), ("residue_re", free[:, :d]),
                           ("theta", free[:, d:]), ("residue_im", free[:, d:])):
            fixed[name] = (cols, getattr(filt, name).detach().clone())
    opt = AdamCosine(steps, lr_max=lr, lr_min=min(1e-6, lr), betas=(0.9, 0.99))
    last: dict[str, list[Tensor]] = {"sq": []}
    count = C * (L - 1)
    w = _rfft_weights(L, L, h)
    H = torch.fft.rfft(h, dim=1)
    H2 = torch.fft.rfft(h, 2 * L, dim=1) if hinf_weight else H
    feed = None if filt.train_feedthrough else filt.feedthrough
    # blocks of filters (the loss is a sum over filters): the (C, d, L) arrays and
    # their graph stay in cache, and memory is one block's (``_blocks``)
    blocks = filter_blocks(C, filt.order * L * (2 if hinf_weight else 1), h.device)

    def block_loss(theta: Tensor, sl: slice) -> Tensor:
        params = {k: v[sl] for k, v in flat.unflatten(theta).items()}
        if feed is not None:
            params["feedthrough"] = feed[sl]
        for name, (cols, value) in fixed.items():
            params[name] = torch.where(cols[sl], params[name], value[sl])
        if loss == "time":
            out = torch.func.functional_call(filt, params, (L,))
            sq = ((h[sl] - out) ** 2).sum(dim=1)
        else:
            out = torch.func.functional_call(filt, params, (L,), {"domain": "frequency"})
            sq = ((H[sl] - out).abs() ** 2 * w).sum(dim=1) / L
        last["sq"].append(sq.detach())
        total = sq.sum()
        if hinf_weight:
            spec = torch.func.functional_call(filt, params, (L, 2 * L), {"domain": "frequency"})
            total = total + hinf_weight * ((H2[sl] - spec).abs().amax(dim=1) ** 2).sum()
        return total / count

    def loss_fn(theta: Tensor) -> Tensor:
        last["sq"] = []
        total = blocked_sum(block_loss, theta, blocks)
        last["sq"] = [torch.cat(last["sq"])]
        return total

    theta = flat.get()
    for k in bar:
        try:
            s = opt.step(theta, loss_fn)
        except ValueError as exc:
            if str(exc).startswith("the loss is "):
                return k, Status.DIVERGED, f"non-finite loss at step {k}; last finite kept"
            raise
        _record(rows, s.loss, last["sq"][0], hn2, bar, k)
        theta = s.theta
        flat.set(theta)
    with torch.no_grad():
        final = loss_fn(theta)
    _record(rows, float(final), last["sq"][0], hn2, bar, 0)
    return steps, Status.SUCCESS, ""


def run_varpro_first_order(filt: ModalFilter, h: Tensor, hn2: Tensor, steps: int,
                            lr: float, rows: dict[str, list[float]], bar: Any,
                            free: Tensor | None = None,
                            optimizer: str = "adam") -> tuple[int, Status, str]:
    """VarPro on the poles by Adam (cosine schedule, best iterate) or by L-BFGS (strong
    Wolfe with up to 25 evaluations, history 100, one iteration per step) on the
    projected functional summed over the filters."""
    view = _PoleView(filt, free)
    C, d = filt.channels, filt.order
    y = h[:, 1:]
    opt: Any = (AdamCosine(steps, lr_max=lr, lr_min=min(1e-6, lr), betas=(0.9, 0.99))
                if optimizer == "adam" else LBFGS(history_size=100, max_iter=1))
    last: dict[str, Tensor] = {}

    blocks = filter_blocks(C, y.shape[1] * 2 * d, h.device)
    parts: list[Tensor] = []

    def block_loss(theta: Tensor, sl: slice) -> Tensor:
        sub = view.rows(sl)
        a, b, _ = sub.log_poles(theta.view(C, 2 * d)[sl])
        _, fit, _ = _projected(a, b, y[sl], sub.mask)
        sq = ((y[sl] - fit) ** 2).sum(dim=1)
        parts.append(sq.detach())
        return (sq / hn2[sl]).sum()

    def loss_fn(theta: Tensor) -> Tensor:   # blocks of filters (``_blocks``)
        parts.clear()
        total = blocked_sum(block_loss, theta, blocks)
        # a step's first evaluation is at theta (L-BFGS then searches along its line)
        last.setdefault("sq", torch.cat(parts))
        return total

    theta = view.p0.reshape(-1)
    best, best_loss = theta, math.inf
    status, message, done = Status.SUCCESS, "", steps
    for k in bar:
        last.clear()
        try:
            s = opt.step(theta, loss_fn)
        except ValueError as exc:
            if str(exc).startswith("the loss is "):
                status, message, done = (Status.DIVERGED,
                                         f"non-finite loss at step {k}; best iterate kept", k)
                break
            raise
        _record(rows, s.loss, last["sq"], hn2, bar, k)
        if s.loss < best_loss:          # s.loss is the loss at theta, before the step
            best, best_loss = theta, s.loss
        theta = s.theta
    with torch.no_grad():
        if bool(torch.isfinite(theta).all()) and float(loss_fn(theta)) < best_loss:
            best = theta
    _finish_varpro(view, best.view(C, 2 * d), h, hn2, rows, bar)
    return done, status, message


def _target(h: Tensor, tail: int) -> Tensor:
    """Taps ``h_1..h_(L-1)``, then ``tail`` zeros (the response asked to vanish there)."""
    y = h[:, 1:]
    return y if tail == 0 else torch.cat([y, y.new_zeros(y.shape[0], tail)], dim=1)


def run_varpro_lm(filt: ModalFilter, h: Tensor, hn2: Tensor, steps: int,
                   rows: dict[str, list[float]], bar: Any, tail: int = 0,
                   free: Tensor | None = None) -> int:
    view = _PoleView(filt, free)
    y = _target(h, tail)
    p = view.p0
    a, b, _ = view.log_poles(p)
    _, fit = projected_blocked(a, b, y, view.mask)
    sq = ((y - fit) ** 2).sum(dim=1) / hn2
    mu = torch.full((h.shape[0],), 1e-2, dtype=h.dtype, device=h.device)
    with torch.no_grad():
        for k in bar:
            _record(rows, float(sq.sum()), sq * hn2, hn2, bar, k)
            p, mu, sq = lm_step_blocked(view, p, y, hn2, mu, sq)  # blocks of filters
            if bool((mu >= 1e12).all()):
                break
    return _finish_varpro(view, p, h, hn2, rows, bar, steps_done=k + 1, tail=tail)


def _finish_varpro(view: _PoleView, p: Tensor, h: Tensor, hn2: Tensor,
                   rows: dict[str, list[float]], bar: Any, steps_done: int | None = None,
                   tail: int = 0) -> int:
    y = _target(h, tail)
    with torch.no_grad():
        if view.free is not None:
            p = torch.where(view.free, p, view.p0)
        a, b, _ = view.log_poles(p)
        x, fit = projected_blocked(a, b, y, view.mask)
        d = p.shape[1] // 2
        view.store(p, torch.complex(x[:, :d], x[:, d:]))
        sq = ((y - fit) ** 2).sum(dim=1)
    _record(rows, float((sq / hn2).sum()), sq, hn2, bar, 0)
    return len(rows["loss"]) - 1 if steps_done is None else steps_done
