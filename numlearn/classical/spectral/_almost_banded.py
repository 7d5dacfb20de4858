"""Direct solvers for almost-banded systems (dense top rows over a banded block).

The linear algebra of :func:`~numlearn.classical.spectral.ultraspherical.solve_ultraspherical`:
block elimination on LAPACK's banded LU with SuperLU as the fallback.  Private: the
classes take validated arrays.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.linalg.lapack as lapack
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.linalg import splu

from numlearn.classical.linalg import inverse_norm1_estimate
from numlearn.classical.spectral.bvp import SINGULAR_COND

#: Block elimination on the banded part is used only when that part's (1-norm)
#: condition estimate is below this; otherwise the whole almost-banded matrix goes to
#: SuperLU.  Refinement then recovers what the elimination loses (~cond * eps).
_SCHUR_MAX_COND = 1e4


def _to_banded(
    row: NDArray[np.intp], col: NDArray[np.intp], data: NDArray[np.float64], n: int
) -> tuple[NDArray[np.float64], int, int]:
    """LAPACK band storage ``ab[kl + ku + i - j, j] = A[i, j]`` of an ``n x n`` matrix
    given as (distinct) COO triplets, with ``kl`` extra rows for the LU's fill."""
    off = col - row
    kl = int(max(0, -off.min())) if off.size else 0
    ku = int(max(0, off.max())) if off.size else 0
    ab = np.zeros((2 * kl + ku + 1, n))
    ab[kl + ku + row - col, col] = data
    return ab, kl, ku


class AlmostBandedSolver:
    r"""Solve ``[B; L] y = b`` with ``B`` dense ``m x n`` and ``L`` banded ``(n - m) x n``.

    Block elimination (a Schur complement on the boundary rows): with ``L = [L_1, L_2]``
    split after ``m`` columns, ``L_2`` square banded, factor ``L_2`` by LAPACK ``gbtrf``
    (O(n w^2), ``w`` the bandwidth) and solve
    :math:`(B_1 - B_2 L_2^{-1} L_1) y_1 = b_1 - B_2 L_2^{-1} b_2`,
    :math:`y_2 = L_2^{-1}(b_2 - L_1 y_1)`: O(n w (w + m)) in all.  The elimination is
    stable when :math:`L_2` is well conditioned, as for the preconditioned operator of a
    constant-coefficient problem (:math:`L_2R_2 \approx I`); otherwise (condition estimate
    above ``_SCHUR_MAX_COND``, or a zero pivot) the whole matrix goes to SuperLU
    (``splu`` in natural order, where an almost-banded matrix fills in only O(n (w + m))).
    Olver & Townsend use a QR factorisation specialised to almost-banded matrices
    (O(m^2 n)); this pair of direct methods gives the same O(n) cost.
    """

    def __init__(self, top: NDArray[np.float64], op: sp.csr_matrix) -> None:
        self.m = m = top.shape[0]
        self.top = top
        self.op = op
        self.kind = "schur-banded"
        self.schur_cond = math.nan
        # Split L = [L_1, L_2] from the COO triplets (CSR column slicing of a 1e6-row
        # matrix took seconds: measured).
        coo = op.tocoo()
        #: Largest offset (column - row) of a nonzero of ``L``.
        self.bandwidth = int((coo.col - coo.row).max()) if coo.nnz else 0
        right = coo.col >= m
        rows, cols, vals = coo.row[right], coo.col[right] - m, coo.data[right]
        nb = op.shape[0]
        ab, kl, ku = _to_banded(rows, cols, vals, nb)
        lub, piv, info = lapack.dgbtrf(ab, kl, ku)
        if info != 0:
            self._use_splu()
            return
        self.band = (lub, kl, ku, piv)
        # Condition estimate of L_2 by Hager-Higham on gbtrs solves (LAPACK's gbcon
        # computes the same but took 3 s at n = 1e5, bandwidth 16: measured).
        anorm = float(np.bincount(cols, np.abs(vals), minlength=nb).max()) if vals.size else 0.0
        est = anorm * inverse_norm1_estimate(
            self._band_solve, lambda v: self._band_solve(v, trans=1), nb
        )
        if not (np.isfinite(est) and est < _SCHUR_MAX_COND):
            self._use_splu()
            return
        self.op1 = np.zeros((nb, m))
        self.op1[coo.row[~right], coo.col[~right]] = coo.data[~right]
        self.y_ = self._band_solve(self.op1)  # L_2^{-1} L_1, (n - m) x m
        schur = top[:, :m] - top[:, m:] @ self.y_
        self.schur_cond = float(np.linalg.cond(schur, 1)) if m else 1.0
        if not np.isfinite(self.schur_cond) or self.schur_cond > SINGULAR_COND:
            raise SingularFactor(self.schur_cond)
        self.schur = sla.lu_factor(schur)
        self._zt: NDArray[np.float64] | None = None

    def _use_splu(self) -> None:
        self.kind = "splu"
        full = sp.vstack([sp.csr_matrix(self.top), self.op], format="csc")
        try:
            self.lu = splu(full, permc_spec="NATURAL")
        except RuntimeError as exc:  # "Factor is exactly singular"
            raise SingularFactor(math.inf) from exc

    def _band_solve(self, rhs: NDArray[np.float64], trans: int = 0) -> NDArray[np.float64]:
        lub, kl, ku, piv = self.band
        x, _ = lapack.dgbtrs(lub, kl, ku, rhs.reshape(rhs.shape[0], -1), piv, trans=trans)
        return x.reshape(rhs.shape)

    def solve(self, rhs: NDArray[np.float64]) -> NDArray[np.float64]:
        if self.kind == "splu":
            return self.lu.solve(rhs)
        m = self.m
        z = self._band_solve(rhs[m:])
        y1 = sla.lu_solve(self.schur, rhs[:m] - self.top[:, m:] @ z)
        return np.concatenate([y1, z - _tall_times_small(self.y_, y1)])

    def solve_transpose(self, rhs: NDArray[np.float64]) -> NDArray[np.float64]:
        r"""``A^{-T} rhs``: :math:`S^T y_1 = c_1 - L_1^T L_2^{-T} c_2`,
        :math:`y_2 = L_2^{-T}(c_2 - B_2^T y_1)`."""
        if self.kind == "splu":
            return self.lu.solve(rhs, trans="T")
        m = self.m
        if self._zt is None:
            self._zt = self._band_solve(np.ascontiguousarray(self.top[:, m:].T), trans=1)
        w = self._band_solve(rhs[m:], trans=1)
        y1 = sla.lu_solve(self.schur, rhs[:m] - self.op1.T @ w, trans=1)
        return np.concatenate([y1, w - _tall_times_small(self._zt, y1)])


def _tall_times_small(tall: NDArray[np.float64], small: NDArray[np.float64]) -> NDArray[Any]:
    """``tall @ small`` for an (N, m) by (m,) or (m, t) product with tiny m.

    ``numpy.matmul`` took 0.3-0.5 s for (1e6, 2) @ (2, 2) here (measured, shared
    CPU); ``einsum`` 20 ms.
    """
    return np.einsum("ij,j...->i...", tall, small)


def abs_sums(mat: sp.csr_matrix, axis: int) -> NDArray[np.float64]:
    """Column (``axis=0``) or row (``axis=1``) sums of ``|mat|`` for a CSR matrix."""
    a = np.abs(mat.data)
    if axis == 0:
        return np.bincount(mat.indices, a, minlength=mat.shape[1])
    return np.bincount(np.repeat(np.arange(mat.shape[0]), np.diff(mat.indptr)), a,
                       minlength=mat.shape[0])


class SingularFactor(Exception):
    """The almost-banded matrix is (numerically) singular; ``cond`` says how badly."""

    def __init__(self, cond: float) -> None:
        self.cond = cond
