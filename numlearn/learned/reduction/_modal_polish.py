r"""H-infinity polishing of the residues of a fitted modal filter (private; Lawson 1961).

With the poles fixed the transfer function is linear in the residues,

.. math:: \hat H(z) - D = \sum_n \tfrac12\Big(\frac{R_n}{z - \lambda_n}
          + \frac{\bar R_n}{z - \bar\lambda_n}\Big)

(the ``ModalSSM`` convention ``h_t = Re sum R lambda^(t-1)``; a real pole has a real
residue), so the best residues in the max norm over the grid ``z_k = e^{2 pi i k/M}``
(``M = 2 L``, ``k = 0..M/2``: the FIR is real) are a linear Chebyshev problem.  Lawson's
algorithm solves it by iteratively reweighted least squares: weighted least squares
with weights ``w_k``, then ``w_k <- w_k |E_k| / sum_j w_j |E_j|`` on the error ``E_k``;
the weighted solutions converge to the minimax one (linearly).  Cost per iteration: one
column-scaled SVD of the ``(2 K) x 2 d`` real system per filter, ``K = L + 1``.

The target is the FIR's transfer function ``sum_{t<L} h_t z^-t`` on the grid, the
quantity of ``filter_errors(...)["hinf_model"]`` and of the AAK bound; the feedthrough
stays ``h_0``.  Every iterate is a candidate: per filter the one with the smallest
max error whose relative window (time-domain) error is at most ``l2_factor`` times that
of the start is kept, the start itself included, so polishing never raises the sampled
H-infinity error and never raises the window error by more than ``l2_factor``.

References
----------
C. L. Lawson, "Contributions to the theory of linear least maximum approximation",
PhD thesis, UCLA, 1961; J. R. Rice and K. H. Usow, "The Lawson algorithm and
extensions", Math. Comp. 22 (1968) 118, doi:10.1090/S0025-5718-1968-0232137-0.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

__all__ = ["lawson_residues"]


def _frequency_columns(a: Tensor, b: Tensor, M: int) -> Tensor:
    """``[Re R, Im R]`` columns of ``H - D`` at ``z_k``, ``k = 0..M/2``: (C, K, 2 d)."""
    k = torch.arange(M // 2 + 1, device=a.device, dtype=a.dtype)
    ang = (2 * math.pi / M) * k
    z = torch.polar(torch.ones_like(ang), ang)[None, :, None]              # (1, K, 1)
    lam = torch.polar(torch.exp(a), b)[:, None, :]                         # (C, 1, d)
    g1 = 1.0 / (z - lam)
    g2 = 1.0 / (z - lam.conj())
    return torch.cat([0.5 * (g1 + g2), 0.5j * (g1 - g2)], dim=2)


def lawson_residues(a: Tensor, b: Tensor, mask: Tensor | None, h: Tensor, x0: Tensor,
                    time_columns: Tensor, iterations: int, l2_factor: float,
                    solve) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Polished residues (module notes).

    ``a, b`` the poles' ``log r`` and angle (C, d); ``mask`` (C, 2 d) the free residue
    parts (None: all); ``h`` (C, L); ``x0`` (C, 2 d) the start ``[Re R, Im R]``;
    ``time_columns`` (C, L - 1, 2 d) the window's real Vandermonde (for the window
    error); ``solve`` the weighted least-squares solver ``(A, y) -> (x, ...)``.
    Returns the residues (C, 2 d), the chosen iteration per filter (0: the start), and
    the grid H-infinity error before and after, (C,) each.
    """
    L = h.shape[1]
    M = 2 * L
    cols = _frequency_columns(a, b, M)
    if mask is not None:
        cols = cols * mask[:, None, :]
    F = torch.fft.rfft(h, M, dim=1) - h[:, :1]                             # target H - D
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
