r"""Updated factorisations of the AAA Loewner matrix (private; see :mod:`.aaa`).

Both keep :math:`A_J = Q K` with :math:`K` small (m x m), so that the singular values,
right singular vectors and column norms of :math:`A_J` are those of a small matrix:

* :class:`GramQR` (used by :func:`~numlearn.classical.rational.aaa.aaa`): the rows of
  the new support point are zeroed in :math:`Q` and the Gram matrix
  :math:`G = Q^*Q` is downdated, :math:`G \leftarrow G - Y^*Y` (:math:`Y` the zeroed
  rows); then :math:`A_J = (Q L^{-1})(L K)` with :math:`G = L^*L`, and the SVD is of
  :math:`LK`.  When :math:`\lambda_{\min}(G)` falls below 1/2 the columns of Q are
  re-orthonormalised (Householder QR, rare), so :math:`\kappa(L) \le \sqrt 2` and no
  accuracy is lost.  A deletion costs :math:`O(N m^2)` (N functions), no pass over Q.
* :class:`HouseholderQR`: a row deletion by one Householder reflector on
  :math:`[Q\ u]` (Daniel, Gragg, Kaufman, Stewart 1976), keeping Q orthonormal; one
  GEMV and one rank-one update per deletion.  Kept as a second algorithm for tests.

Columns are appended by classical Gram-Schmidt with one reorthogonalisation (CGS2).
A column in the numerical span (``rho <= 1e-14 |a|``) is replaced by a fresh random
vector orthogonalised against Q (a repeated one would, after projection, keep only its
component along the column it produced last time, and orthogonality is lost).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from numlearn._core.validation import EPS

__all__ = ["GramQR", "HouseholderQR"]  # and the weight solvers used by .aaa


class _Factor:
    """Common part: Q (Fortran order), K, and the CGS2 column append."""

    Q: NDArray[Any]
    K: NDArray[Any]
    m: int
    dtype: np.dtype[Any]
    cplx: bool
    _rand: np.random.Generator | None
    _gemv: Any

    def _qh(self, a: NDArray[Any]) -> NDArray[Any]:
        """Q^H a (conjugate-transposed GEMV, no copies)."""
        return self._gemv(1.0, self.Q[:, : self.m], a, trans=2 if self.cplx else 1)

    def _project(self, a: NDArray[Any]) -> NDArray[Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def add_column(self, a: NDArray[Any], zero_rows: NDArray[np.intp]) -> None:
        """Append column ``a`` (zero on the support rows ``zero_rows``) by CGS2."""
        m = self.m
        Q = self.Q
        nrm0 = float(np.linalg.norm(a))
        a = a.copy()
        coef = np.zeros(m, dtype=self.dtype)
        if m:
            # CGS2 ("twice is enough", Giraud et al. 2005): orthogonal to working
            # accuracy while the column is not in the numerical span (rho > 1e-14 nrm0)
            for _ in range(2):
                c = self._project(a)
                a -= Q[:, :m] @ c
                coef += c
                if np.linalg.norm(a) <= 1e-14 * nrm0:
                    break  # in the span already: a second pass would refine noise
        rho = float(np.linalg.norm(a))
        if rho <= 1e-14 * nrm0 or rho == 0.0:
            # Column (numerically) in the span: any unit vector orthogonal to Q with the
            # same zero pattern completes the basis; K's new diagonal entry is rho.
            # A fresh vector each time: a repeated one would have, after projection,
            # only the component along the column it produced last time (cancellation).
            if self._rand is None:
                self._rand = np.random.default_rng(0)
            g = self._rand.standard_normal(a.shape[0]).astype(self.dtype)
            g[zero_rows] = 0.0
            if m:
                for _ in range(2):  # one pass keeps most of g's norm: DGKS test
                    prev = np.linalg.norm(g)
                    g -= Q[:, :m] @ self._project(g)
                    if np.linalg.norm(g) >= 0.5 * prev:
                        break
            Q[:, m] = g / np.linalg.norm(g)
        else:
            Q[:, m] = a / rho
        self.K[:m, m] = coef
        self.K[m, :m] = 0.0
        self.K[m, m] = rho
        self.m = m + 1


class GramQR(_Factor):
    r"""Stacked Loewner matrix :math:`A_J = Q K` with a downdated Gram matrix of Q.

    ``Q`` has ``rows = N * M`` rows (function-major blocks) and Fortran order; the
    support rows of every block are zero.
    """

    def __init__(self, M: int, N: int, cap: int, dtype: Any) -> None:
        self.dtype = np.dtype(dtype)
        self.cplx = self.dtype.kind == "c"
        self.M, self.N = M, N
        self.Q = np.zeros((M * N, cap + 1), dtype=dtype, order="F")
        self.G = np.zeros((cap + 1, cap + 1), dtype=dtype)
        self.K = np.zeros((cap + 1, cap + 1), dtype=dtype)
        self.m = 0
        self.resets = 0
        self._rand: np.random.Generator | None = None
        kind = "z" if self.cplx else "d"
        self._gemv = getattr(scipy.linalg.blas, kind + "gemv")
        self._trsm = getattr(scipy.linalg.blas, kind + "trsm")

    def delete_row(self, i: int) -> None:
        """Zero the rows of sample ``i`` (one per function) and downdate G."""
        m = self.m
        if m == 0:
            return
        rows = i + self.M * np.arange(self.N)
        Y = self.Q[rows, :m]
        self.G[:m, :m] -= Y.conj().T @ Y
        self.Q[rows, :m] = 0.0
        lam = np.linalg.eigvalsh(self.G[:m, :m])
        if lam[0] < 0.05:
            # A direction of Q lies (nearly) in the deleted rows: the downdated G is
            # no longer accurate there.  Householder QR of Q itself: Q K = Q' (R' K).
            Qn, Rn = np.linalg.qr(self.Q[:, :m])
            self.Q[:, :m] = Qn
            self.K[:m, :m] = Rn @ self.K[:m, :m]
            self.G[:m, :m] = np.eye(m)
            self.resets += 1
        elif lam[0] < 0.5:
            # Re-orthonormalise: G = L^H L with kappa(G) <= 2 (lambda_max <= 1), so
            # Q <- Q L^{-1} (one TRSM, BLAS-3) is orthonormal to a few eps (CholeskyQR),
            # and Q K = (Q L^{-1})(L K).
            L = scipy.linalg.cholesky(self.G[:m, :m], lower=False, check_finite=False)
            Qm = self.Q[:, :m]
            self._trsm(1.0, L, Qm, side=1, lower=0, overwrite_b=1)
            self.K[:m, :m] = L @ self.K[:m, :m]
            self.G[:m, :m] = np.eye(m)
            self.resets += 1

    def _project(self, a: NDArray[Any]) -> NDArray[Any]:
        """Coefficients of the orthogonal projection of a on span(Q): G^{-1} Q^H a."""
        m = self.m
        return scipy.linalg.solve(self.G[:m, :m], self._qh(a), assume_a="pos",
                                  check_finite=False)

    def add_column(self, a: NDArray[Any], zero_rows: NDArray[np.intp]) -> None:
        """Append column ``a`` by CGS2 (see :meth:`_Factor.add_column`); G grows by 1."""
        m = self.m
        super().add_column(a, zero_rows)
        self.G[:m, m] = 0.0
        self.G[m, :m] = 0.0
        self.G[m, m] = 1.0

    def small_factor(self) -> NDArray[Any]:
        """L K with G = L^H L: same singular values, right vectors, column norms as A_J."""
        m = self.m
        L = scipy.linalg.cholesky(self.G[:m, :m], lower=False, check_finite=False)
        return L @ self.K[:m, :m]


class HouseholderQR(_Factor):
    r"""Orthogonal factorisation A_J = Q K of the masked Loewner matrix, updated per step.

    ``Q`` (M x m, Fortran order, zero on the support rows) has orthonormal columns;
    ``K`` (m x m) need not be triangular: only its singular values and right singular
    vectors (those of A_J) and its column norms (those of A_J) are used.  A step

    * deletes the row ``i`` of the new support point: with
      :math:`u = (e_i - Q \bar q)/\gamma` (:math:`q` = row ``i`` of Q,
      :math:`\gamma^2 = 1 - \|q\|^2`), :math:`A = [Q\ u][K; 0]`; one Householder
      reflector :math:`H` on the columns maps row ``i`` of :math:`[Q\ u]` to a
      multiple of :math:`e_m^T`, so :math:`[Q\ u]H` has last column :math:`\propto
      e_i` and zero row ``i`` elsewhere, and :math:`A_J = ([Q\ u]H)_{:, :m}
      (H[K; 0])_{:m, :}`;
    * appends the new column by classical Gram-Schmidt with one reorthogonalisation.

    Every operation is a BLAS-2 pass over Q (two GEMVs and one rank-one update for the
    deletion, four GEMVs for CGS2): O(M m) per step.
    """

    def __init__(self, M: int, N: int, cap: int, dtype: Any) -> None:
        if N != 1:
            raise ValueError("HouseholderQR handles one function (N = 1).")
        self.dtype = np.dtype(dtype)
        self.cplx = self.dtype.kind == "c"
        self.Q = np.zeros((M, cap + 1), dtype=dtype, order="F")
        self.K = np.zeros((cap + 1, cap + 1), dtype=dtype)
        self.m = 0
        self.explicit = 0
        self._rand: np.random.Generator | None = None
        kind = "z" if self.cplx else "d"
        self._gemv = getattr(scipy.linalg.blas, kind + "gemv")
        self._ger = getattr(scipy.linalg.blas, kind + ("gerc" if self.cplx else "ger"))

    def delete_row(self, i: int) -> bool:
        """Zero row ``i`` of A_J = Q K; returns False if the update is unsafe."""
        m = self.m
        if m == 0:
            return True
        Q = self.Q
        q = Q[i, :m].copy()
        g2 = 1.0 - float(np.vdot(q, q).real)
        if g2 > 0.25:
            # u = (e_i - Q conj(q)) / gamma is never formed: row i of [Q u] is
            # [q, gamma], and [Q u] h = Q (h_:m - h_m conj(q)/gamma) + (h_m/gamma) e_i
            # is one GEMV.  u is orthogonal to Q to about eps / gamma^2 <= 4 eps.
            gamma = float(np.sqrt(g2))
            y = np.append(q.conj(), gamma)
        else:
            # Small gamma: form u = e_i - Q conj(q), reorthogonalise it (CGS2).
            u = Q[:, m]
            u[:] = -(Q[:, :m] @ q.conj())
            u[i] += 1.0
            for _ in range(2):
                u -= Q[:, :m] @ self._qh(u)
            gamma = float(np.linalg.norm(u))
            if gamma < 1e-8:
                return False
            u /= gamma
            self.explicit += 1
            y = Q[i, : m + 1].conj()
        # Householder reflector H = I - tau h h^H with (row i of [Q u]) H = beta e_m^T;
        # column m of [Q u] H is then a multiple of e_i and is dropped.
        ny = float(np.linalg.norm(y))
        ph = y[m] / abs(y[m]) if y[m] != 0 else 1.0
        h = y.copy()
        h[m] += ph * ny
        tau = 2.0 / float(np.vdot(h, h).real)
        if g2 > 0.25:
            z = Q[:, :m] @ (h[:m] - (h[m] / gamma) * q.conj())
            z[i] += h[m] / gamma
        else:
            z = Q[:, : m + 1] @ h
        self._ger(-tau, z, h[:m], a=Q[:, :m], overwrite_a=1)
        Kx = self.K[: m + 1, :m]
        Kx[m] = 0.0
        Kx -= np.outer(tau * h, h.conj() @ Kx)
        Q[:, m] = 0.0
        Q[i, :m] = 0.0
        return True

    def _project(self, a: NDArray[Any]) -> NDArray[Any]:
        """Coefficients of the orthogonal projection of a on span(Q): Q^H a."""
        return self._qh(a)

    def small_factor(self) -> NDArray[Any]:
        """K (Q is orthonormal)."""
        return self.K[: self.m, : self.m]

    def reset(self, A: NDArray[Any], mask: NDArray[np.bool_]) -> None:
        """Fresh Householder QR of A (M x m) on the rows ``mask`` after an unsafe update."""
        m = A.shape[1]
        Qm, Rm = np.linalg.qr(A[mask], mode="reduced")
        self.Q[:] = 0.0
        self.Q[mask, :m] = Qm
        self.K[:] = 0.0
        self.K[:m, :m] = Rm
        self.m = m


#: Condition number of the Loewner matrix above which columns are normalised.
_ILL = 1.0 / (3.0 * EPS)


def _weights_from_r(Rm: NDArray[Any], scaled: bool) -> tuple[NDArray[Any], bool]:
    """Weights from the triangular factor of A_J (SciPy/Chebfun conventions).

    Switches to column scaling (permanently, via the returned flag) when
    ``s_max / s_min > 1/(3 eps)``; averages the right singular vectors over a
    repeated smallest singular value ("aim for a non-sparse weight vector").
    """
    if not scaled:
        _, s, Vh = scipy.linalg.svd(Rm, full_matrices=False, check_finite=False)
        with np.errstate(divide="ignore", invalid="ignore"):
            if s[0] > _ILL * s[-1]:
                scaled = True
    if scaled:
        cn = np.linalg.norm(Rm, axis=0)
        cn[cn == 0] = 1.0
        _, s, Vh = scipy.linalg.svd(Rm / cn, full_matrices=False, check_finite=False)
    mm = s == s.min()
    w = Vh.conj()[mm].sum(axis=0) / np.sqrt(mm.sum())
    if scaled:
        w = w / cn
    return w, scaled


def _weights_direct(A: NDArray[Any], scaled: bool) -> tuple[NDArray[Any], bool]:
    """Weights from a masked (stacked) Loewner matrix ``A`` (rows x m)."""
    rows, m = A.shape
    if rows >= m:
        Rm = np.linalg.qr(A, mode="r")
        return _weights_from_r(Rm, scaled)
    V = scipy.linalg.null_space(A, check_finite=False)
    return V.sum(axis=-1) / np.sqrt(V.shape[-1]), scaled
