r"""AAA with conjugate-symmetric support points and weights (private; see :mod:`.aaa`).

For data with the symmetry :math:`f(\bar z) = \overline{f(z)}` on a point set closed
under conjugation (the DFT of a real filter on the unit circle, a real function on a
symmetric set), plain AAA's greedy choice breaks the symmetry: its support points do
not come in pairs, so its poles are not conjugate-symmetric at reduced order.  Here
a support point :math:`z_k` off the real axis brings its partner :math:`\bar z_k`,
with value :math:`\bar f_k` and weight :math:`\bar w_k`, and a real support point has
a real weight; then :math:`r(\bar z) = \overline{r(z)}` exactly and the poles come in
conjugate pairs.  With :math:`w_k = a_k + i b_k` the linearised residual
:math:`\sum_k w_k L_k + \bar w_k L'_k = \sum_k a_k (L_k + L'_k) + b_k\, i(L_k - L'_k)`
(:math:`L_k, L'_k` the Loewner columns of :math:`z_k, \bar z_k`) is linear in the real
unknowns :math:`(a, b)`: the weights are the right singular vector of the smallest
singular value of the real matrix :math:`[\operatorname{Re} A; \operatorname{Im} A]`.
The rows of a sample and of its partner carry the same real equations, so one of each
pair is kept, weighted by :math:`\sqrt 2` (the same least-squares problem as over all
samples); a real sample counts once.

Cost per step: a Householder QR of the :math:`(\approx M N) \times m` real matrix,
:math:`O(M N m^2)`, no updating (the problems this serves, filters of a few thousand
taps at orders up to about 65, are small).

Equivalents: pyMOR's ``PAAAReductor(conjugate=True)`` (parametric AAA with conjugate
support points); the real-symmetric variant of AAA discussed by Nakatsukasa, Sète and
Trefethen (2018, section 6) and in "The first five years of the AAA algorithm"
(arXiv:2312.03565).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from numlearn.classical.rational._aaa_factor import _weights_direct

__all__ = ["conjugate_loop", "conjugate_partners", "conjugate_weights",
           "representatives", "row_weights"]


def conjugate_partners(Z: NDArray[Any], F: NDArray[Any]) -> NDArray[np.intp]:
    """Index of each sample's conjugate partner; ValueError if the points or the
    values are not conjugate-symmetric (to ``1e-12`` relative)."""
    scale = max(1.0, float(np.max(np.abs(Z))))
    pts = np.column_stack([Z.real, Z.imag])
    dist, partner = cKDTree(pts).query(np.column_stack([Z.real, -Z.imag]))
    partner = np.asarray(partner, dtype=np.intp)
    if np.max(dist) > 1e-12 * scale or np.any(partner[partner] != np.arange(Z.size)):
        raise ValueError(
            "`conjugate=True` needs a point set closed under conjugation (each z with "
            "conj(z) among the points, to 1e-12 relative); add the missing points or use "
            "conjugate=False."
        )
    fscale = float(np.max(np.abs(F))) or 1.0
    asym = float(np.max(np.abs(F[partner] - F.conj())))
    if asym > 1e-12 * fscale:
        raise ValueError(
            f"`conjugate=True` needs f(conj z) = conj(f(z)); the samples differ from it by "
            f"{asym / fscale:.2e} relative.  Use conjugate=False for data without this "
            "symmetry (complex filters, non-real functions)."
        )
    return partner


def representatives(Z: NDArray[Any], partner: NDArray[np.intp]) -> NDArray[np.bool_]:
    """One sample of each conjugate pair (the one with ``Im z > 0``; for a pair on the
    real axis to rounding, the lower index) and every real sample."""
    idx = np.arange(Z.size)
    return (partner == idx) | (Z.imag > 0) | ((Z.imag == 0) & (idx < partner))


def row_weights(rows: NDArray[np.intp], partner: NDArray[np.intp]) -> NDArray[np.float64]:
    """sqrt(2) for a representative of a pair (it stands for two samples), else 1."""
    return np.where(partner[rows] != rows, np.sqrt(2.0), 1.0)


def _columns(Z: NDArray[Any], F: NDArray[Any], units: list[tuple[int, int]],
             rows: NDArray[np.intp]) -> NDArray[np.float64]:
    """The real matrix of the linearised residual on ``rows`` (one of each pair):
    (2 len(rows) N) x (real unknowns)."""
    Zr, Fr = Z[rows], F[rows]                      # (R,), (R, N)
    cols = []
    for j, p in units:
        with np.errstate(divide="ignore", invalid="ignore"):
            Lj = (Fr - F[j]) / (Zr - Z[j])[:, None]
        if p == j:
            cols.append(Lj)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                Lp = (Fr - F[p]) / (Zr - Z[p])[:, None]
            cols.append(Lj + Lp)
            cols.append(1j * (Lj - Lp))
    A = np.stack(cols, axis=-1)                    # (R, N, n)
    A = A.reshape(-1, A.shape[-1])
    return np.concatenate([A.real, A.imag], axis=0)


def conjugate_weights(Z: NDArray[Any], F: NDArray[Any], units: list[tuple[int, int]],
                      rows: NDArray[np.intp], rowweight: NDArray[np.float64],
                      scaled: bool) -> tuple[NDArray[np.complex128], bool]:
    """Weights ``w`` (complex, one per support point in the order of ``units``,
    partner after its point) from the structured least-squares problem."""
    A = _columns(Z, F, units, rows)
    N = F.shape[1]
    wt = np.tile(np.repeat(rowweight, N), 2)[:, None]
    x, scaled = _weights_direct(A * wt, scaled)
    x = np.real(x)
    w: list[complex] = []
    k = 0
    for j, p in units:
        if p == j:
            w.append(complex(x[k]))
            k += 1
        else:
            w.append(complex(x[k], x[k + 1]))
            w.append(complex(x[k], -x[k + 1]))
            k += 2
    return np.asarray(w), scaled


def _support(units: list[tuple[int, int]]) -> NDArray[np.intp]:
    out: list[int] = []
    for j, p in units:
        out.append(j)
        if p != j:
            out.append(p)
    return np.asarray(out, dtype=np.intp)


def conjugate_loop(Z: NDArray[Any], F: NDArray[Any], cap: int, atol: float,
                   partner: NDArray[np.intp]
                   ) -> tuple[NDArray[np.intp], NDArray[np.complex128], list[float], int,
                              bool, bool]:
    """The greedy loop: a sample of largest error joins the support with its partner
    while the support has room (``cap`` points).  Returns ``(sup, w, errors, m,
    scaled, converged)``."""
    M = Z.shape[0]
    idx = np.arange(M)
    # one representative of each pair (the one with Im z >= 0), real samples once
    rep = representatives(Z, partner)
    is_pair = partner != idx
    units: list[tuple[int, int]] = []
    used = np.zeros(M, dtype=bool)
    err_rows = np.abs(F - F.mean(axis=0)).max(axis=1)
    errors: list[float] = []
    scaled = False
    converged = False
    w = np.ones(0, dtype=np.complex128)
    m = 0
    while True:
        cand = np.where(rep & ~used, err_rows, -1.0)
        # the best sample whose unit still fits
        room = cap - m
        cand = np.where(is_pair & (room < 2), -1.0, cand)
        if room < 1 or cand.max() < 0:
            break
        i = int(np.argmax(cand))
        units.append((i, int(partner[i])))
        used[i] = used[partner[i]] = True
        m += 1 if partner[i] == i else 2
        rows = idx[rep & ~used]
        if rows.size == 0:
            errors.append(0.0)
            converged = True
            w, scaled = conjugate_weights(Z, F, units, rows, np.ones(0), scaled)
            break
        w, scaled = conjugate_weights(Z, F, units, rows, row_weights(rows, partner),
                                      scaled)
        sup = _support(units)
        with np.errstate(divide="ignore", invalid="ignore"):
            C = 1.0 / (Z[:, None] - Z[sup][None, :])
            C[sup, np.arange(sup.size)] = 0.0
            R = (C @ (w[:, None] * F[sup])) / (C @ w)[:, None]
        hit = sup[w != 0]
        R[hit] = F[hit]
        err_rows = np.abs(F - R).max(axis=1)
        err_rows[np.isnan(err_rows)] = np.inf
        err = float(err_rows.max())
        errors.append(err)
        if err <= atol:
            converged = True
            break
    return _support(units), w, errors, m, scaled, converged
