r"""H-infinity polishing of the residues of a fitted modal filter (private; Lawson 1961).

With the poles fixed the transfer function is linear in the residues,

.. math:: \hat H(z) - D = \sum_n \tfrac12\Big(\frac{R_n}{z - \lambda_n}
          + \frac{\bar R_n}{z - \bar\lambda_n}\Big)

(the ``ModalSSM`` convention ``h_t = Re sum R lambda^(t-1)``; a real pole has a real
residue), so the best residues in the max norm over the grid ``z_k = e^{2 pi i k/M}`` (``M = 2 L``,
``k = 0..M/2``: the FIR is real) and the points ``e^{i arg lambda_n}`` (a pole at
distance ``1 - r`` from the circle peaks there, in a width ``1 - r`` that the grid
misses when ``1 - r`` is below its spacing ``pi / L``) are a linear Chebyshev problem.  Lawson's
algorithm solves it by iteratively reweighted least squares: weighted least squares
with weights ``w_k``, then ``w_k <- w_k |E_k| / sum_j w_j |E_j|`` on the error ``E_k``;
the weighted solutions converge to the minimax one (linearly).  Cost per iteration: one
column-scaled SVD of the ``(2 K) x 2 d`` real system per filter, ``K = L + 1``.

The target is the FIR's transfer function ``sum_{t<L} h_t z^-t`` at those points
(``rfft`` on the grid, direct sums at the poles' angles): the quantity of
``filter_errors(...)["hinf_model"]`` (the grid alone) and of the AAK bound; the
feedthrough stays ``h_0``.  Every iterate is a candidate: per filter the one with the smallest
max error whose relative window (time-domain) error is at most ``l2_factor`` times that
of the start is kept, the start itself included, so polishing never raises the sampled
H-infinity error and never raises the window error by more than ``l2_factor``.

With ``polish_poles`` the poles move too (:func:`lawson_poles`): per Lawson iteration a
few Levenberg-Marquardt steps of variable projection on the weighted grid error (the
Golub-Pereyra step of the window fit with the columns ``1/(z_k - lambda)`` and their
derivatives ``lambda/(z_k - lambda)^2``), with the same candidate rule.  The grid
error of the full transfer function sees a pole near the circle through aliasing
(``1/(1 - r^M)``), which the window error cannot.

References
----------
C. L. Lawson, "Contributions to the theory of linear least maximum approximation",
PhD thesis, UCLA, 1961; J. R. Rice and K. H. Usow, "The Lawson algorithm and
extensions", Math. Comp. 22 (1968) 118, doi:10.1090/S0025-5718-1968-0232137-0.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor

__all__ = ["lawson_poles", "lawson_residues", "peak_errors"]


def _points(a: Tensor, b: Tensor, M: int) -> Tensor:
    """Per filter the ``M/2 + 1`` grid points ``e^{2 pi i k/M}`` and the points
    ``e^{i arg lambda_n}`` next to each pole, where a pole close to the circle peaks
    between grid points: (C, K) complex."""
    k = torch.arange(M // 2 + 1, device=a.device, dtype=a.dtype)
    ang = torch.cat([((2 * math.pi / M) * k).expand(b.shape[0], -1), b.abs()], dim=1)
    return torch.polar(torch.ones_like(ang), ang)


def _frequency_columns(a: Tensor, b: Tensor, z: Tensor) -> Tensor:
    """``[Re R, Im R]`` columns of ``H - D`` at ``z`` (C, K): (C, K, 2 d)."""
    lam = torch.polar(torch.exp(a), b)[:, None, :]                         # (C, 1, d)
    g1 = 1.0 / (z[..., None] - lam)
    g2 = 1.0 / (z[..., None] - lam.conj())
    return torch.cat([0.5 * (g1 + g2), 0.5j * (g1 - g2)], dim=2)


def _fir_at(h: Tensor, z: Tensor) -> Tensor:
    """``sum_t h_t z^-t`` at ``z = e^{i phi}`` (C, K), by direct sums with
    ``z^-t = e^{-i t phi}`` formed exactly per ``t``, ``O(C K L)``."""
    t = torch.arange(h.shape[1], dtype=h.dtype, device=h.device)
    phi = torch.angle(z)
    ang = -phi[..., None] * t                                               # (C, K, L)
    basis = torch.polar(torch.ones_like(ang), ang)
    return (basis * h[:, None, :]).sum(dim=2)


def _target_at(h: Tensor, z: Tensor) -> Tensor:
    """``sum_t h_t z^-t - h_0`` (the FIR less the feedthrough) at the points of
    :func:`_points` with ``M = 2 L``: ``rfft`` on the grid, direct sums at the poles'
    angles; (C, K)."""
    K = h.shape[1] + 1
    return torch.cat([torch.fft.rfft(h, 2 * h.shape[1], dim=1), _fir_at(h, z[:, K:])],
                     dim=1) - h[:, :1]


def peak_errors(a: Tensor, b: Tensor, x: Tensor, h: Tensor) -> Tensor:
    """The max error ``|H_fir(z) - H(z)|`` over the grid ``e^{2 pi i k/(2L)}`` and the
    poles' angles (the measure of the polishing, module notes) of the modes ``a, b``
    (C, d) with residues ``x = [Re R, Im R]`` (C, 2 d) and feedthrough ``h_0``: (C,)."""
    z = _points(a, b, 2 * h.shape[1])
    F = _target_at(h, z)
    cols = _frequency_columns(a, b, z)
    return (F - (cols @ x.to(cols.dtype)[..., None])[..., 0]).abs().amax(dim=1)


def lawson_residues(a: Tensor, b: Tensor, mask: Tensor | None, h: Tensor, x0: Tensor,
                    time_columns: Tensor, iterations: int, l2_factor: float,
                    solve) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Polished residues (module notes).

    ``a, b`` the poles' ``log r`` and angle (C, d); ``mask`` (C, 2 d) the free residue
    parts (None: all); ``h`` (C, L); ``x0`` (C, 2 d) the start ``[Re R, Im R]``;
    ``time_columns`` (C, L - 1, 2 d) the window's real Vandermonde (for the window
    error); ``solve`` the weighted least-squares solver ``(A, y) -> (x, ...)``.
    Returns the residues (C, 2 d), the chosen iteration per filter (0: the start), and
    the max error over the grid and the poles' angles before and after, (C,) each.
    """
    L = h.shape[1]
    M = 2 * L
    z = _points(a, b, M)
    cols = _frequency_columns(a, b, z)
    if mask is not None:
        cols = cols * mask[:, None, :]
    F = _target_at(h, z)
    A = torch.cat([cols.real, cols.imag], dim=1)                           # (C, 2K, 2d)
    y = torch.cat([F.real, F.imag], dim=1)
    y_win = h[:, 1:]
    hn = torch.linalg.vector_norm(h, dim=1)

    def errors(x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        E = (F - (cols @ x.to(cols.dtype)[..., None])[..., 0]).abs()
        rel = torch.linalg.vector_norm(y_win - (time_columns @ x[..., None])[..., 0], dim=1)
        return E, E.amax(dim=1), rel / hn

    E, best_hinf, rel0 = errors(x0)
    hinf0, best, chosen = best_hinf.clone(), x0.clone(), torch.zeros_like(rel0, dtype=torch.long)
    w = torch.full_like(E, 1.0 / E.shape[1])
    for it in range(1, iterations + 1):
        sw = torch.sqrt(w).repeat(1, 2)
        x = solve(A * sw[..., None], y * sw)[0]
        if mask is not None:
            x = x * mask
        E, hinf, rel = errors(x)
        good = torch.isfinite(hinf) & (hinf < best_hinf) & (rel <= l2_factor * rel0)
        best = torch.where(good[:, None], x, best)
        best_hinf = torch.where(good, hinf, best_hinf)
        chosen = torch.where(good, torch.full_like(chosen, it), chosen)
        w = w * E
        w = w / w.sum(dim=1, keepdim=True).clamp(min=torch.finfo(w.dtype).tiny)
    return best, chosen, hinf0, best_hinf


def frequency_system(h: Tensor, w: Tensor):
    """The weighted least-squares system of ``H - D`` on the grid ``z_k = e^{2 pi i
    k/M}``, ``M = 2 L``, ``k = 0..L``, rows ``sqrt(w_k) [Re; Im]``: returns the target
    (C, 2K) and ``system(a, b)`` giving ``A`` and its column derivatives with respect to
    the own mode's ``log r`` (``d lambda = lambda``) and angle (``d lambda = i lambda``):
    with ``g = 1/(z - lambda)``, ``dg = g^2 d lambda``."""
    L = h.shape[1]
    M = 2 * L
    k = torch.arange(M // 2 + 1, device=h.device, dtype=h.dtype)
    ang = (2 * math.pi / M) * k
    z = torch.polar(torch.ones_like(ang), ang)[None, :, None]              # (1, K, 1)
    sw = torch.sqrt(w).repeat(1, 2)[..., None]                              # (C, 2K, 1)
    F = torch.fft.rfft(h, M, dim=1) - h[:, :1]
    y = torch.cat([F.real, F.imag], dim=1) * sw[..., 0]

    def real(X: Tensor) -> Tensor:
        return torch.cat([X.real, X.imag], dim=1) * sw

    def system(a: Tensor, b: Tensor, deriv: bool = True) -> tuple[Tensor, Any, Any]:
        lam = torch.polar(torch.exp(a), b)[:, None, :]                      # (C, 1, d)
        g1 = 1.0 / (z - lam)
        g2 = 1.0 / (z - lam.conj())
        A = real(torch.cat([0.5 * (g1 + g2), 0.5j * (g1 - g2)], dim=2))
        if not deriv:
            return A, None, None
        q1, q2 = lam * g1 * g1, lam.conj() * g2 * g2
        plus, minus = 0.5 * (q1 + q2), 0.5j * (q1 - q2)
        return A, real(torch.cat([plus, minus], dim=2)), real(torch.cat([minus, -plus], dim=2))

    return y, system


def lawson_poles(view: Any, h: Tensor, time_system: Any, iterations: int, lm_steps: int,
                 l2_factor: float, lm_step: Any, solve: Any) -> tuple[Tensor, Tensor, Tensor,
                                                                      Tensor, Tensor]:
    """Lawson reweighting with the poles moving: per iteration ``lm_steps``
    Levenberg-Marquardt steps of variable projection on the weighted transfer-function
    error (:func:`frequency_system`), then ``w_k <- w_k |E_k|``.  Candidates as in
    :func:`lawson_residues` (the start included; the max error over the grid and the
    poles' angles, the window error at most ``l2_factor`` times the start's).  Returns the
    pole parameters, the residues ``[Re, Im]`` (window fit when the start is kept), the
    chosen iteration, and the max error before and after, per filter."""
    C, L = h.shape
    mask = view.mask
    y_win = h[:, 1:]
    hn = torch.linalg.vector_norm(h, dim=1)
    K = L + 1

    def evaluate(p: Tensor, x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        a, b, _ = view.log_poles(p)
        z = _points(a, b, 2 * L)
        cols = _frequency_columns(a, b, z)
        if mask is not None:
            cols = cols * mask[:, None, :]
        F = _target_at(h, z)
        E = (F - (cols @ x.to(cols.dtype)[..., None])[..., 0]).abs()
        A = time_system(a, b, False)[0]
        if mask is not None:
            A = A * mask[:, None, :]
        rel = torch.linalg.vector_norm(y_win - (A @ x[..., None])[..., 0], dim=1) / hn
        return E[:, :K], E.amax(dim=1), rel

    def residues(p: Tensor, system: Any, y: Tensor) -> tuple[Tensor, Tensor]:
        """Least-squares residues and the squared residual per filter."""
        a, b, _ = view.log_poles(p)
        A = system(a, b, False)[0]
        if mask is not None:
            A = A * mask[:, None, :]
        x = solve(A, y)[0]
        x = x if mask is None else x * mask
        return x, ((y - (A @ x[..., None])[..., 0]) ** 2).sum(dim=1)

    p = view.p0.clone()
    x0 = residues(p, time_system, y_win)[0]
    E, best_err, rel0 = evaluate(p, x0)
    before = best_err.clone()
    best_p, best_x = p.clone(), x0.clone()
    chosen = torch.zeros(C, dtype=torch.long, device=h.device)
    w = torch.full((C, K), 1.0 / K, dtype=h.dtype, device=h.device)
    for it in range(1, iterations + 1):
        y, system = frequency_system(h, w)
        yn2 = (y ** 2).sum(dim=1).clamp(min=torch.finfo(y.dtype).tiny)
        sq = residues(p, system, y)[1] / yn2
        mu = torch.full((C,), 1e-2, dtype=h.dtype, device=h.device)
        for _ in range(lm_steps):
            p, mu, sq = lm_step(view, p, y, yn2, mu, sq, system)
        x = residues(p, system, y)[0]
        E, err, rel = evaluate(p, x)
        good = torch.isfinite(err) & (err < best_err) & (rel <= l2_factor * rel0)
        best_p = torch.where(good[:, None], p, best_p)
        best_x = torch.where(good[:, None], x, best_x)
        best_err = torch.where(good, err, best_err)
        chosen = torch.where(good, torch.full_like(chosen, it), chosen)
        w = w * E
        w = w / w.sum(dim=1, keepdim=True).clamp(min=torch.finfo(w.dtype).tiny)
    return best_p, best_x, chosen, before, best_err
