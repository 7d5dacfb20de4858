r"""Classical starts of :func:`~numlearn.learned.reduction.modal_fit.fit_modal` (private).

A real model of ``d`` complex modes has the real-order (McMillan degree) budget ``2 d``:
a conjugate pair costs two real states, a real pole one.  Every classical route of
:func:`~numlearn.classical.reduction.distill.distill` stays within that budget, but a
model with real poles has *more* than ``d`` modes (ERA at ``d = 2`` often gives one pair
and two real poles).  Cutting such a start to ``d`` modes drops a real pole, so the fit
starts from a worse model than the classical one and may end worse than it.  Here the
start is kept whole: modes of kind ``PAIR`` (free angle, complex residue), ``REAL``
(angle fixed at 0 or pi, real residue: one state) and ``OFF`` (padding of ragged
batches, frozen, zero residue).  The fit keeps each mode's kind, so the fitted model's
real order never exceeds ``2 d`` and a start of real order ``<= 2 d`` is representable
exactly (a fit that only accepts decreasing steps then never ends above its start).
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
import torch
from torch import Tensor

from numlearn.classical.reduction.modal import ModalSSM
from numlearn.learned.layers.modal import ModalFilter

PAIR, REAL, OFF = 0, 1, 2


def _select(energy: np.ndarray, is_real: np.ndarray, budget: int) -> list[int]:
    """Modes of one filter, most energetic first, while their real order (2 per pair,
    1 per real pole) fits ``budget``; zero-energy modes never."""
    keep: list[int] = []
    for n in np.argsort(-energy, kind="stable"):
        cost = 1 if is_real[n] else 2
        if energy[n] > 0 and cost <= budget:
            keep.append(int(n))
            budget -= cost
    return keep


def to_order(model: ModalSSM, h: np.ndarray, d: int, ring: ModalFilter,
              r_max: float, constrain: bool) -> tuple[ModalSSM, np.ndarray, int]:
    """``model`` within the real-order budget ``2 d`` of ``d`` complex modes.

    A conjugate pair costs two real states, a real pole (``Im lambda == 0`` exactly, the
    ``ModalSSM`` convention) one; per filter the most energetic modes are kept while
    they fit, the budget left is filled with random-ring pairs (and one ring radius on
    the real axis if one state is left) with zero residues.  A start of real order
    ``<= 2 d`` (every :func:`distill` route) is therefore kept whole, e.g. ERA's
    ``1 pair + 2 real poles`` at ``d = 2`` as three modes.  A real pole's residue is
    taken real (an imaginary part multiplies only the rounding of ``lambda^t``).
    Filters with fewer modes are padded with frozen modes (``OFF``).  Returns the model
    (``(C, d')`` modes, ``d <= d' <= 2 d``), the kinds (C, d') (``PAIR``, ``REAL``,
    ``OFF``) and the number of radii above ``r_max`` pulled just inside it.
    """
    C, L = h.shape
    if not model.real:
        raise ValueError("`init` must be a real ModalSSM (real=True).")
    if model.channels not in (1, C):
        raise ValueError(f"`init` has {model.channels} channels but `h` has {C} filters; "
                         "give one channel per filter (or one shared).")
    lam = np.broadcast_to(np.asarray(model.poles).reshape(-1, model.order), (C, model.order))
    res = np.broadcast_to(np.asarray(model.residues).reshape(-1, model.order), (C, model.order))
    r = np.abs(lam)
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = np.where(r < 1, (1 - r ** (2 * (L - 1))) / (1 - r ** 2), L - 1.0)
    energy = np.abs(res) * np.sqrt(tail) * (r > 0)
    ring_lam = ring.poles().detach().cpu().numpy()
    rows = []
    for c in range(C):
        keep = _select(energy[c], lam[c].imag == 0, 2 * d)
        poles = [complex(lam[c, n]) for n in keep]
        kinds = [REAL if lam[c, n].imag == 0 else PAIR for n in keep]
        # a real pole's residue is real: Im R multiplies only the rounding of lambda^t
        resid = [complex(res[c, n].real if k == REAL else res[c, n])
                 for n, k in zip(keep, kinds, strict=True)]
        left = 2 * d - sum(1 if k == REAL else 2 for k in kinds)
        fill = ring_lam[c, : left // 2].tolist()
        if left % 2:
            fill.append(complex(abs(ring_lam[c, -1])))
        poles += fill
        resid += [0j] * len(fill)
        kinds += [PAIR] * (left // 2) + [REAL] * (left % 2)
        rows.append((poles, resid, kinds))
    width = max(len(k) for _, _, k in rows)
    lam_d = np.empty((C, width), dtype=np.complex128)
    res_d = np.zeros((C, width), dtype=np.complex128)
    kind = np.full((C, width), OFF, dtype=np.int8)
    for c, (poles, resid, kinds) in enumerate(rows):
        n = len(kinds)
        lam_d[c, :n], res_d[c, :n], kind[c, :n] = poles, resid, kinds
        lam_d[c, n:] = ring_lam[c, 0]           # frozen, zero residue: never used
    cap = r_max * (1 - 1e-9) if constrain else 1 - 1e-9
    rr = np.abs(lam_d)
    clipped = int(((rr > cap) & (kind != OFF)).sum())
    lam_d = np.where(rr > cap, lam_d / rr * cap, lam_d)
    return ModalSSM(lam_d, res_d, h[:, 0], real=True), kind, clipped


def classical_init(init: Any, h: np.ndarray, d: int) -> tuple[ModalSSM, float]:
    """The start: a given real ModalSSM, or :func:`distill` by the route ``init``."""
    t0 = time.perf_counter()
    if isinstance(init, ModalSSM):
        return init, 0.0
    from numlearn.classical.reduction.distill import distill

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = distill(h, d, method=init, bounds=False).value
    return model, time.perf_counter() - t0


def free_mask(kind: np.ndarray, like: Tensor) -> Tensor:
    """(C, 2 d') bool: which of ``[radius, angle]`` (equally ``[Re, Im]`` residue
    columns) of each mode are free: the radius and ``Re R`` unless ``OFF``, the angle
    and ``Im R`` of pairs only."""
    k = torch.from_numpy(kind.astype(np.int64)).to(like.device)
    return torch.cat([k != OFF, k == PAIR], dim=1)


def clean(model: ModalSSM, kind: np.ndarray) -> ModalSSM:
    """The fitted model with ``REAL`` modes exactly real (``Im lambda = Im R = 0``: the
    polar form gives ``sin(pi) != 0``) and ``OFF`` modes the ``(0, 0)`` padding of
    :func:`~numlearn.classical.reduction.era.pad_modes`, so that ``real_order`` counts
    what the fit used."""
    lam = np.array(model.poles, dtype=np.complex128)
    res = np.array(model.residues, dtype=np.complex128)
    real = kind == REAL
    lam[real] = lam[real].real
    res[real] = res[real].real
    lam[kind == OFF] = 0
    res[kind == OFF] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ModalSSM(lam, res, model.feedthrough, real=True,
                        allow_unstable=bool((np.abs(lam) >= 1).any()))
