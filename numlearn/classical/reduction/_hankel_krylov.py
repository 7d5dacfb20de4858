"""Iterative Hankel singular values on an FFT Hankel operator (private to :mod:`.hankel`).

``randomized_hsv`` (randomized block Krylov) and ``lanczos_hsv`` (ARPACK) take a
``HankelOperator`` ``op`` (``op.n``, ``op.complex``, ``op.matmat``, ``op.rmatmat``) and
return the leading ``k`` values and a stats dict with a posteriori error bounds.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from numlearn._core.validation import EPS


def _orth_against(X, Q, m):
    """X minus its projection on the first m columns of Q, twice (CGS2)."""
    if m:
        Qm = Q[:, :m]
        Qh = Qm.conj().T if np.iscomplexobj(Qm) else Qm.T  # .conj() of real data copies
        for _ in range(2):
            X = X - Qm @ (Qh @ X)
    return X


def _new_block(X, Q, m, rng, scale):
    """Orthonormal block spanning X outside span(Q[:, :m]); columns lost to deflation
    (Krylov space exhausted, e.g. a filter of low exact order) are replaced by random
    directions, which keeps the bases orthonormal without changing the projection."""
    X = _orth_against(X, Q, m)
    Y, R = np.linalg.qr(X)
    weak = np.abs(np.diag(R)) <= 1e-12 * scale
    if weak.any():
        G = rng.standard_normal((X.shape[0], int(weak.sum()))).astype(X.dtype)
        Y[:, weak] = G
        Y = _orth_against(Y, Q, m)
        Y, _ = np.linalg.qr(Y)
    return Y


def randomized_hsv(
    op: Any, k: int, *, oversample: int, tol: float, max_iter: int, seed: int
) -> tuple[NDArray[np.float64], dict[str, Any]]:
    """Randomized block Krylov (block Golub-Kahan) with Rayleigh-Ritz on the FFT operator.

    From a Gaussian block ``V_1`` (``n x b``, ``b = max(8, (k + oversample) // 4)``) build
    orthonormal bases ``V = [V_1 .. V_j]``, ``U = [U_1 .. U_j]`` with
    ``U_j = orth(H V_j)``, ``V_{j+1} = orth(H^H U_j)``, each orthogonalised against the
    previous blocks (CGS2).  Then ``H V`` lies in ``span(U)`` and ``H^H U`` in
    ``span(V) + span(V_{j+1})``, so the Ritz triplets from the SVD of the small
    ``T = U^H H V = Y S X^H`` have residuals ``H v - sigma u = 0`` and
    ``||H^H u_i - sigma_i v_i|| = ||R_{j+1} y_i^{(j)}||`` (``R_{j+1}`` from the QR of the
    next block, ``y^{(j)}`` the last block of ``y``): no extra products.  On the
    Jordan-Wielandt matrix that residual over ``sqrt 2`` bounds the distance to a true
    singular value (``error_bound``, up to the rounding of the orthogonalisation), and
    Kato-Temple gives ``r^2 / gap`` (``error_estimate``), the stopping test
    (``<= tol * sigma_i`` for the leading ``k``).  Musco and Musco, "Randomized block
    Krylov methods for stronger and faster approximate singular value decomposition",
    NeurIPS 2015, arXiv:1504.05477; Halko, Martinsson and Tropp (2011), Sec. 4.
    """
    n = op.n
    dt = np.complex128 if op.complex else np.float64
    b = max(1, min(n, max(8, (k + oversample) // 4)))
    limit = max(1, min(max_iter, n // b)) * b
    # storage grows by doubling from ~3 (k + p) columns (U, V and T)
    cap = min(limit, max(3 * (k + oversample), 4 * b) // b * b)
    rng = np.random.default_rng(seed)
    V, U = np.zeros((n, cap), dtype=dt), np.zeros((n, cap), dtype=dt)
    T = np.zeros((cap, cap), dtype=dt)
    G = rng.standard_normal((n, b))
    if op.complex:
        G = G + 1j * rng.standard_normal((n, b))
    V[:, :b] = np.linalg.qr(G.astype(dt))[0]
    scale = 0.0
    Sk = np.zeros(k)
    est = bound = np.full(k, np.inf)
    converged = False
    m = it = 0
    for it in range(1, limit // b + 1):  # noqa: B007  (it is reported)
        sl = slice(m, m + b)
        Wj = op.matmat(V[:, sl])
        scale = max(scale, float(np.linalg.norm(Wj, axis=0).max()))
        U[:, sl] = _new_block(Wj, U, m, rng, scale)
        m += b
        Um = U[:, :m]
        T[:m, sl] = (Um.conj().T if op.complex else Um.T) @ Wj  # H V_j in span(U_1..U_j)
        Zj = op.rmatmat(U[:, sl])
        F = _orth_against(Zj, V, m)                 # part of H^H U_j outside span(V)
        Vn, R = np.linalg.qr(F)
        if m >= min(limit, max(k, 3 * k // 2)):     # Ritz checks once the space is ample
            Y, S, _ = np.linalg.svd(T[:m, :m])
            Sk = S[:k] if S.size >= k else np.r_[S, np.zeros(k - S.size)]
            r = np.linalg.norm(R @ Y[m - b:m, :k], axis=0) / math.sqrt(2.0)
            gap = _gaps(S, r)
            with np.errstate(divide="ignore"):
                est = np.where(gap > 0, np.minimum(r, r**2 / gap), r)
            bound = r
            if r.size < k:  # fewer Ritz values than asked (iteration limit): unknown
                est = bound = np.r_[r, np.full(k - r.size, np.inf)]
            if np.all(est <= tol * np.maximum(Sk, S[0] * EPS * n)):
                converged = True
                break
        if m + b > limit:
            converged = m >= n                      # the bases span everything: exact
            break
        if m + b > cap:
            cap = min(limit, 2 * cap)
            V = np.concatenate([V, np.zeros((n, cap - V.shape[1]), dtype=dt)], axis=1)
            U = np.concatenate([U, np.zeros((n, cap - U.shape[1]), dtype=dt)], axis=1)
            T2 = np.zeros((cap, cap), dtype=dt)
            T2[:m, :m] = T[:m, :m]
            T = T2
        weak = np.abs(np.diag(R)) <= 1e-12 * scale
        V[:, m:m + b] = _new_block(F, V, m, rng, scale) if weak.any() else Vn
    tiny = np.finfo(float).tiny
    stats = {
        "iterations": it,
        "matvecs": 2 * m,
        "block_size": b,
        "converged": converged,
        "error_bound": float(np.max(bound / np.maximum(Sk, tiny))),
        "error_estimate": float(np.max(est / np.maximum(Sk, tiny))),
    }
    return Sk.astype(np.float64), stats


def lanczos_hsv(
    op: Any, k: int, *, tol: float, max_iter: int, seed: int
) -> tuple[NDArray[np.float64], dict[str, Any]]:
    """Implicitly restarted Lanczos (ARPACK) on the FFT Hankel operator.

    Real ``h``: ``H`` is real symmetric, so ``scipy.sparse.linalg.eigsh(which="LM")``
    gives the ``k`` eigenvalues of largest modulus, whose moduli are the leading HSVs.
    Complex ``h`` (complex symmetric, not Hermitian): ``scipy.sparse.linalg.svds``
    (ARPACK on ``H^H H``).  ARPACK stops at ``tol * |theta|`` on its own residual
    estimate; the residuals ``||H v_i - sigma_i u_i||`` are then recomputed with one
    block product, giving the rigorous ``error_bound`` (a singular value lies within
    ``||r_i||`` of ``sigma_i`` for the symmetric eigenproblem, ``||r_i||/sqrt 2`` on the
    Jordan-Wielandt matrix for the SVD) and the Kato-Temple ``error_estimate``.
    """
    import scipy.sparse.linalg as sla

    n = op.n
    count = [0]

    def mv(x: NDArray[Any]) -> NDArray[Any]:
        count[0] += 1
        return op.matmat(x)

    def rmv(x: NDArray[Any]) -> NDArray[Any]:
        count[0] += 1
        return op.rmatmat(x)

    rng = np.random.default_rng(seed)
    v0 = rng.standard_normal(n)
    maxiter = max_iter * n
    if not op.complex:
        A = sla.LinearOperator((n, n), matvec=mv, rmatvec=mv, dtype=np.float64)
        try:
            w, V = sla.eigsh(A, k=k, which="LM", v0=v0, tol=tol, maxiter=maxiter)
            converged = True
        except sla.ArpackNoConvergence as exc:
            w, V, converged = exc.eigenvalues, exc.eigenvectors, False
        order = np.argsort(-np.abs(w))
        w, V = w[order], V[:, order]
        S = np.abs(w)
        r = np.linalg.norm(op.matmat(V) - V * w, axis=0)
    else:
        A = sla.LinearOperator((n, n), matvec=mv, rmatvec=rmv, dtype=np.complex128)
        try:
            U, S, Vh = sla.svds(A, k=k, v0=v0.astype(np.complex128), tol=tol,
                                maxiter=maxiter, solver="arpack")
            converged = True
        except sla.ArpackNoConvergence as exc:  # pragma: no cover - rare
            raise RuntimeError(f"ARPACK did not converge: {exc}; raise `max_iter`.") from None
        order = np.argsort(-S)
        U, S, V = U[:, order], S[order], Vh.conj().T[:, order]
        r = np.hypot(np.linalg.norm(op.matmat(V) - U * S, axis=0),
                     np.linalg.norm(op.rmatmat(U) - V * S, axis=0)) / math.sqrt(2.0)
    gap = _gaps(S, r)
    with np.errstate(divide="ignore", invalid="ignore"):
        est = np.where(gap > 0, np.minimum(r, r**2 / gap), r)
    tiny = np.finfo(float).tiny
    stats = {
        "iterations": count[0],
        "matvecs": count[0],
        "block_size": 1,
        "converged": converged,
        "error_bound": float(np.max(r / np.maximum(S, tiny))),
        "error_estimate": float(np.max(est / np.maximum(S, tiny))),
    }
    if S.size < k:  # partial ARPACK answer: pad with the smallest value found
        S = np.concatenate([S, np.full(k - S.size, S[-1] if S.size else 0.0)])
    return S.astype(np.float64), stats


def _gaps(S: NDArray[np.float64], r: NDArray[np.float64]) -> NDArray[np.float64]:
    """Distance from each Ritz value to the nearest other one outside its residual
    interval (clusters of nearly equal values converge as a group); the last Ritz value
    stands in for the unknown rest of the spectrum."""
    b = S.size
    out = np.empty(r.size)
    for i in range(r.size):
        d = np.abs(S - S[i])
        d[i] = np.inf
        d[d <= r[i]] = np.inf
        tail = S[i] - S[b - 1] if i < b - 1 else 0.0
        gap = min(d.min(), tail)
        # No separated neighbour: Kato-Temple does not apply (0 makes estimate = bound).
        out[i] = gap if gap > r[i] else 0.0
    return out
