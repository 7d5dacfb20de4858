r"""Variable projection for :func:`~numlearn.learned.reduction.modal_fit.fit_modal`
(private): the real Vandermonde of the modes, the column-scaled least-squares solve, the
pole parametrisation and one batched Levenberg-Marquardt step with the Golub-Pereyra
Jacobian (the formulas are in ``modal_fit``'s module notes).

Modes may have fixed parts (``mask`` / ``free``, (C, 2 d) over ``[radius, angle]`` and
equally the residue columns ``[Re, Im]``): a real pole's angle and ``Im R``, a padding
mode's everything.  Their Vandermonde columns are exactly zero (so the solve gives them
zero coefficients) and their Jacobian columns too (so they never move).

References
----------
G. H. Golub and V. Pereyra, SIAM J. Numer. Anal. 10 (1973) 413, doi:10.1137/0710036.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor

from numlearn.learned.layers.modal import LOG_TINY, ModalFilter
from numlearn.learned.reduction._blocks import filter_blocks

__all__: list[str] = []


def _basis(a: Tensor, b: Tensor, T: int) -> tuple[Tensor, Tensor, Tensor]:
    """``mag, cos, sin`` of ``lambda^t``, ``t = 0..T-1``, each (C, d, T)."""
    t = torch.arange(T, dtype=a.dtype, device=a.device)
    ang = b[..., None] * t
    at = a[..., None] * t
    # |lambda|^t below 1e-150 (column entries <= 1 at t = 0) is set to zero: it cannot
    # change any inner product in float64, and subnormal numbers slow LAPACK down 50x
    mag = torch.where(at > LOG_TINY, torch.exp(at.clamp(min=LOG_TINY)), torch.zeros_like(at))
    return mag, torch.cos(ang), torch.sin(ang)


def _solve(A: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Least squares ``A x = y`` per filter (A (C, T, k)) by a column-scaled SVD with the
    cutoff ``eps max(T, k) s_max``.  Returns ``x`` (C, k), the range basis ``U`` (C, T, k)
    with dropped directions zeroed, and ``pinv_t`` (C, T, k), ``(A^+)^T`` (the
    pseudo-inverse's transpose, for Golub-Pereyra's Jacobian)."""
    eps = torch.finfo(A.dtype).eps
    scale = torch.linalg.vector_norm(A, dim=1, keepdim=True)
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    U, s, Vh = torch.linalg.svd(A / scale, full_matrices=False)
    keep = s > eps * max(A.shape[1], A.shape[2]) * s[:, :1]
    inv = torch.where(keep, 1.0 / torch.where(keep, s, torch.ones_like(s)), torch.zeros_like(s))
    uy = torch.einsum("ctk,ct->ck", U, y) * inv
    x = torch.einsum("ckj,ck->cj", Vh, uy) / scale[:, 0]
    pinv_t = (U * inv[:, None, :]) @ (Vh / scale)
    return x, U * keep[:, None, :], pinv_t


def _columns(a: Tensor, b: Tensor, T: int, mask: Tensor | None) -> tuple[Tensor, ...]:
    """The real Vandermonde ``A = [Re V, -Im V]`` (C, T, 2d) with the columns of fixed
    residue parts (``mask`` False: ``Im R`` of a real pole, both of a padding mode) set
    to exactly zero (``_solve`` then gives them zero coefficients), and ``mag, cos,
    sin``."""
    mag, cos, sin = _basis(a, b, T)
    A = torch.cat([mag * cos, -mag * sin], dim=1)
    if mask is not None:
        A = A * mask[..., None]
    return A.transpose(1, 2), mag, cos, sin


def _projected(a: Tensor, b: Tensor, y: Tensor,
               mask: Tensor | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """Residues (C, 2d) ``[Re R, Im R]``, fitted taps (C, T) and the range basis, for the
    target taps ``y = h_1..h_(L-1)`` (no autograd through the solve)."""
    A = _columns(a, b, y.shape[1], mask)[0]                                 # (C, T, 2d)
    x, U, _ = _solve(A.detach(), y)
    if mask is not None:
        x = x * mask
    return x, (A @ x[..., None])[..., 0], U


class _PoleView:
    """Pole parameters ``p = [radius parameter, theta]`` (C, 2d) of a ModalFilter and
    the map to ``(log r, angle)`` with its derivative (chain rule for the Jacobian)."""

    def __init__(self, filt: ModalFilter, free: Tensor | None = None) -> None:
        self.filt = filt
        rad = filt.rho if filt.constrain else filt.r
        self.p0 = torch.cat([rad.detach(), filt.theta.detach()], dim=1).clone()
        # free (C, 2d) bool: which of [radius, angle] move (and which residue columns
        # [Re, Im] exist); None: all (d conjugate pairs)
        self.free = free
        self.mask = None if free is None else free.to(self.p0.dtype)

    def log_poles(self, p: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        d = self.filt.order
        if self.free is not None:
            p = torch.where(self.free, p, self.p0)
        rad, theta = p[:, :d], p[:, d:]
        if self.filt.constrain:
            a = math.log(self.filt.r_max) + torch.nn.functional.logsigmoid(rad)
            return a, theta, torch.sigmoid(-rad)
        a = torch.log(rad.abs())
        return a, theta + math.pi * (rad < 0).to(rad.dtype), 1.0 / rad

    def rows(self, sl: slice) -> _PoleView:
        """The view of the filters ``sl`` (the same ``ModalFilter``; for blocks)."""
        out = _PoleView.__new__(_PoleView)
        out.filt, out.p0 = self.filt, self.p0[sl]
        out.free = None if self.free is None else self.free[sl]
        out.mask = None if self.mask is None else self.mask[sl]
        return out

    def store(self, p: Tensor, residues: Tensor) -> None:
        d = self.filt.order
        with torch.no_grad():
            (self.filt.rho if self.filt.constrain else self.filt.r).copy_(p[:, :d])
            self.filt.theta.copy_(p[:, d:])
            self.filt.residue_re.copy_(residues.real)
            self.filt.residue_im.copy_(residues.imag)


def time_system(T: int):
    """The window's real Vandermonde ``A`` (C, T, 2d) and its derivatives with respect
    to each column's own ``log r`` and angle, ``t Re/Im lambda^t`` forms."""

    def system(a: Tensor, b: Tensor, deriv: bool = True) -> tuple[Tensor, Any, Any]:
        mag, cos, sin = _basis(a, b, T)
        A = torch.cat([mag * cos, -mag * sin], dim=1).transpose(1, 2)
        if not deriv:
            return A, None, None
        wave = mag * torch.arange(T, dtype=a.dtype, device=a.device)
        tc, ts = wave * cos, wave * sin
        return (A, torch.cat([tc, -ts], dim=1).transpose(1, 2),
                torch.cat([-ts, -tc], dim=1).transpose(1, 2))

    return system


def _lm_step(view: _PoleView, p: Tensor, y: Tensor, hn2: Tensor, mu: Tensor,
             sq: Tensor, system: Any = None) -> tuple[Tensor, Tensor, Tensor]:
    """One batched Levenberg-Marquardt step on the projected residual (module notes);
    returns the new ``p``, ``mu`` and per-filter squared errors.  ``system(a, b)``
    gives ``A`` and ``dA/d log r``, ``dA/d angle`` column by column (each column depends
    on its own mode only); default the window's taps (:func:`time_system`)."""
    d = p.shape[1] // 2
    system = time_system(y.shape[1]) if system is None else system
    mask = view.mask
    a, b, da = view.log_poles(p)
    A, Aa, Ab = system(a, b)
    if mask is not None:
        A, Aa, Ab = (M * mask[:, None, :] for M in (A, Aa, Ab))
    x, U, pinv_t = _solve(A, y)
    if mask is not None:
        x = x * mask
    r = y - (A @ x[..., None])[..., 0]
    # dA/dp_j x: the mode's two columns (Re, Im) times their coefficients
    Dx_a, Dx_b = Aa * x[:, None, :], Ab * x[:, None, :]
    D = torch.cat([(Dx_a[..., :d] + Dx_a[..., d:]) * da[:, None, :],
                   Dx_b[..., :d] + Dx_b[..., d:]], dim=2)                   # (C, T, 2d)
    # Golub-Pereyra: dr/dp_j = -P (dA/dp_j) x - (A^+)^T (dA/dp_j)^T r; (dA/dp_j)^T r has
    # two entries, the mode's Re and Im columns
    ca = (Aa * r[..., None]).sum(dim=1)
    cb = (Ab * r[..., None]).sum(dim=1)
    E = torch.zeros(p.shape[0], 2 * d, 2 * d, dtype=p.dtype, device=p.device)
    idx = torch.arange(d, device=p.device)
    E[:, idx, idx] = ca[:, :d] * da
    E[:, idx + d, idx] = ca[:, d:] * da
    E[:, idx, idx + d] = cb[:, :d]
    E[:, idx + d, idx + d] = cb[:, d:]
    PD = D - U @ (U.transpose(1, 2) @ D) + pinv_t @ E                       # = -J
    if mask is not None:                       # fixed parameters do not move
        PD = PD * mask[:, None, :]
    JTJ = PD.transpose(1, 2) @ PD
    g = (PD.transpose(1, 2) @ r[..., None])[..., 0]                         # = -J^T r
    diag = JTJ.diagonal(dim1=1, dim2=2)
    diag = torch.maximum(diag, 1e-12 * diag.amax(dim=1, keepdim=True) + 1e-300)
    Lc, info = torch.linalg.cholesky_ex(JTJ + mu[:, None, None] * torch.diag_embed(diag))
    ok = info == 0
    eye = torch.eye(2 * d, dtype=p.dtype, device=p.device)
    Lc = torch.where(ok[:, None, None], Lc, eye)
    delta = torch.cholesky_solve(g[..., None], Lc)[..., 0]
    trial = p + torch.where(ok[:, None], delta, torch.zeros_like(delta))
    ta, tb, _ = view.log_poles(trial)
    At = system(ta, tb, False)[0]
    if mask is not None:
        At = At * mask[:, None, :]
    xt = _solve(At, y)[0]
    if mask is not None:
        xt = xt * mask
    sq_new = ((y - (At @ xt[..., None])[..., 0]) ** 2).sum(dim=1) / hn2
    good = ok & torch.isfinite(sq_new) & (sq_new < sq)
    p = torch.where(good[:, None], trial, p)
    sq = torch.where(good, sq_new, sq)
    mu = torch.where(good, torch.clamp(mu / 5, min=1e-15),
                     torch.where(ok, mu * 5, mu * 10)).clamp(max=1e12)
    return p, mu, sq



def lm_step_blocked(view: _PoleView, p: Tensor, y: Tensor, hn2: Tensor, mu: Tensor,
                    sq: Tensor, elements: int | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """:func:`_lm_step` (the window's taps) over blocks of filters
    (:func:`~numlearn.learned.reduction._blocks.filter_blocks`): the step is block
    diagonal over the filters, so the result is the same, with memory ``O(block T d)``
    instead of ``O(C T d)``."""
    blocks = filter_blocks(p.shape[0], y.shape[1] * p.shape[1], p.device, elements)
    if len(blocks) == 1:
        return _lm_step(view, p, y, hn2, mu, sq)
    system = time_system(y.shape[1])
    parts = [_lm_step(view.rows(sl), p[sl], y[sl], hn2[sl], mu[sl], sq[sl], system)
             for sl in blocks]
    return tuple(torch.cat(z) for z in zip(*parts, strict=True))  # type: ignore[return-value]


def projected_blocked(a: Tensor, b: Tensor, y: Tensor, mask: Tensor | None = None,
                      elements: int | None = None) -> tuple[Tensor, Tensor]:
    """Residues and fitted taps of :func:`_projected`, over blocks of filters."""
    blocks = filter_blocks(a.shape[0], y.shape[1] * 2 * a.shape[1], a.device, elements)
    parts = [_projected(a[sl], b[sl], y[sl], None if mask is None else mask[sl])[:2]
             for sl in blocks]
    return torch.cat([x for x, _ in parts]), torch.cat([f for _, f in parts])
