"""Hankel singular values of FIR filters, dense and by a randomised FFT method.

The Hankel operator of a causal filter ``h = (h_0, ..., h_{L-1})`` maps past inputs to
future outputs.  For an FIR filter it is the square, anti-triangular matrix

    H_ij = h_{i+j-1},   i, j = 1 .. n,  n = L - 1,   (zero where i + j - 1 > L - 1),

(the feedthrough ``h_0`` does not enter).  Its singular values
``sigma_1 >= sigma_2 >= ...`` are the Hankel singular values (HSVs) of the filter: the
shift-register realisation of an FIR has controllability Gramian ``P = I``, so the HSVs
``sqrt(eig(P Q))`` are exactly ``svd(H)`` -- not a finite-section approximation.

Two methods:

* ``dense``: forms ``H`` (``scipy.linalg.hankel``) and calls ``scipy.linalg.eigvalsh``
  (real ``h``: ``H`` is real symmetric, so the HSVs are the absolute eigenvalues) or
  ``scipy.linalg.svdvals`` (complex ``h``: ``H`` is complex symmetric, not Hermitian).
  Cost ``O(n^3)``, memory ``n^2``.
* ``lanczos`` (the default for long filters): implicitly restarted Lanczos (ARPACK,
  ``scipy.sparse.linalg.eigsh``/``svds``) on the same FFT operator, one vector at a
  time; typically ``~2.5 k`` products for decaying filters, and the fastest here.
* ``randomized``: block subspace iteration with Rayleigh-Ritz (Halko, Martinsson and
  Tropp 2011, Alg. 4.4 and 5.1) on ``H``, whose products with a block of vectors use
  FFTs -- ``H`` is a flipped Toeplitz matrix, so ``H x`` is a correlation of ``h`` with
  ``x``, ``O(n log n)`` per vector -- and never form the ``n x n`` matrix.  The residual
  of each Ritz triplet comes free with the next iteration's product and gives an
  a-posteriori error estimate, which is the stopping test.

:func:`hankel_bounds` turns HSVs into the AAK lower bound and the balanced-truncation
upper bound on the H-infinity error of a reduced model.

References
----------
N. Halko, P.-G. Martinsson, J. A. Tropp, "Finding structure with randomness", SIAM Rev.
53 (2011) 217-288, doi:10.1137/090771806.
V. M. Adamjan, D. Z. Arov, M. G. Krein, "Analytic properties of Schmidt pairs for a Hankel
operator and the generalized Schur-Takagi problem", Math. USSR Sb. 15 (1971) 31-73.
K. Glover, "All optimal Hankel-norm approximations of linear multivariable systems and
their L-infinity error bounds", Int. J. Control 39 (1984) 1115-1193,
doi:10.1080/00207178408933239.
D. F. Enns, "Model reduction with balanced realizations: an error bound and a frequency
weighted generalization", IEEE CDC 1984, doi:10.1109/CDC.1984.272286.
pyMOR's ``RandomizedERAReductor`` (FFT Hankel products) and python-control's
``hankel_singular_values`` (Gramian route, continuous time only) are the nearest
equivalents.
"""

from __future__ import annotations

import math
import time
import warnings
from typing import Any

import numpy as np
import scipy.fft
import scipy.linalg
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result, Status
from numlearn._core.validation import (
    EPS,
    as_float_array,
    check_choice,
    check_int,
    check_positive,
)

__all__ = ["HankelOperator", "hankel_bounds", "hankel_singular_values"]

#: Largest ``n = L - 1`` the dense method accepts (an ``n x n`` float64 matrix of 512 MiB).
DENSE_MAX = 8192


class HankelOperator:
    """A Hankel matrix ``H_ij = h_{i+j+shift}`` (0-based) of a filter, as an FFT operator.

    The default (``rows = cols = L - 1``, ``shift = 1``) is the FIR Hankel operator
    ``H_ij = h_{i+j-1}`` (1-based i, j); taps beyond ``h_{L-1}`` are zero.  ``H`` is a
    Toeplitz matrix with its columns reversed, so ``H x`` is a slice of the linear
    convolution of ``g = h[shift:]`` with the reversed ``x``: with a cyclic FFT of length
    ``N >= rows + cols - 1`` the wrapped part misses the slice, ``O(N log N)`` per
    column, and the transform of ``g`` is computed once.  ``H^T`` is the Hankel matrix of
    the same ``g`` with ``rows`` and ``cols`` swapped, and ``H^H x = conj(H^T conj(x))``.

    Parameters
    ----------
    h : ndarray, shape (L,)
        The filter, validated by the caller.
    rows, cols : int, optional
        Shape (default ``L - 1`` each).
    shift : int
        Index of the top-left entry (1: ``H0`` of ERA, 2: the shifted ``H1``).
    """

    def __init__(self, h: NDArray[Any], rows: int | None = None, cols: int | None = None,
                 shift: int = 1) -> None:
        n = h.size - 1
        self.rows = n if rows is None else int(rows)
        self.cols = n if cols is None else int(cols)
        m = self.rows + self.cols - 1
        g = np.zeros(m, dtype=h.dtype)
        seg = h[shift: shift + m]
        g[: seg.size] = seg
        self.g = g
        self.n = self.rows  # square by default
        self.complex = bool(np.iscomplexobj(g))
        self.nfft = scipy.fft.next_fast_len(m, real=not self.complex)
        if self.complex:
            self._g = scipy.fft.fft(g.astype(np.complex128), self.nfft)
        else:
            self._g = scipy.fft.rfft(g.astype(np.float64), self.nfft)

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, cols)``."""
        return (self.rows, self.cols)

    def _apply(self, x: NDArray[Any], nin: int, nout: int) -> NDArray[Any]:
        N = self.nfft
        if not self.complex and np.iscomplexobj(x):  # real H: two real products
            return self._apply(x.real, nin, nout) + 1j * self._apply(x.imag, nin, nout)
        # Zero-padded, reversed copy in one contiguous buffer: the FFT of a strided
        # negative-step view is several times slower.
        dt = np.complex128 if self.complex else np.float64
        buf = np.zeros((N, *x.shape[1:]), dtype=dt)
        buf[:nin] = x[::-1]
        if self.complex:
            y = scipy.fft.ifft(_bcast(self._g, x.ndim) * scipy.fft.fft(buf, axis=0,
                               overwrite_x=True), axis=0, overwrite_x=True)
        else:
            y = scipy.fft.irfft(_bcast(self._g, x.ndim) * scipy.fft.rfft(buf, axis=0,
                                overwrite_x=True), N, axis=0, overwrite_x=True)
        return y[nin - 1: nin - 1 + nout]

    def matmat(self, x: NDArray[Any]) -> NDArray[Any]:
        """``H @ x`` for ``x`` of shape ``(cols,)`` or ``(cols, b)``."""
        return self._apply(x, self.cols, self.rows)

    def rmatmat(self, x: NDArray[Any]) -> NDArray[Any]:
        """``H^H @ x`` for ``x`` of shape ``(rows,)`` or ``(rows, b)``."""
        if not self.complex:
            return self._apply(x, self.rows, self.cols)
        return np.conj(self._apply(np.conj(x), self.rows, self.cols))

    def todense(self) -> NDArray[Any]:
        """The explicit matrix (for tests and small filters)."""
        return scipy.linalg.hankel(self.g[: self.rows], self.g[self.rows - 1:])


def _bcast(g: NDArray[Any], ndim: int) -> NDArray[Any]:
    return g if ndim == 1 else g[:, None]


def _dense_hsv(h: NDArray[Any]) -> NDArray[np.float64]:
    H = scipy.linalg.hankel(h[1:])
    if np.iscomplexobj(H):
        return scipy.linalg.svdvals(H, check_finite=False)
    # Real symmetric: the singular values are |eigenvalues|; eigvalsh is ~3x faster
    # than svdvals here and equally accurate (absolute error ~ eps ||H||_2).
    s = np.abs(scipy.linalg.eigvalsh(H, check_finite=False))
    return np.sort(s)[::-1]


def _randomized_hsv(
    h: NDArray[Any], k: int, *, oversample: int, tol: float, max_iter: int, seed: int
) -> tuple[NDArray[np.float64], dict[str, Any]]:
    """Block subspace iteration with Rayleigh-Ritz on the FFT Hankel operator.

    Each iteration: ``W = H V`` (``V`` orthonormal, ``n x b``), ``W = U R`` (QR),
    ``Z = H^H U``, ``B = Z^H = U^H H = Ub S Vb^H`` (SVD of a ``b x n`` matrix);
    the Ritz triplets are ``(U Ub, S, Vb)`` and ``V <- Vb``.  For them
    ``H^H u_i = sigma_i v_i`` exactly and the residual ``r_i = H v_i - sigma_i u_i``
    is read off the next ``W``.  On the Jordan-Wielandt matrix [[0, H], [H^H, 0]] the
    unit vector ``(u_i, v_i)/sqrt(2)`` has residual ``||r_i||/sqrt(2)``, so a singular
    value lies within ``||r_i||/sqrt(2)`` of ``sigma_i`` (rigorous, ``bound``) and,
    by the Kato-Temple inequality, within ``||r_i||^2 / (2 gap_i)`` (``estimate``, the
    gap measured to the other Ritz values outside the residual interval).  Iteration
    stops when ``estimate_i <= tol * sigma_i`` for the leading ``k``.
    """
    op = HankelOperator(h)
    n = op.n
    b = min(n, k + oversample)
    rng = np.random.default_rng(seed)
    V = rng.standard_normal((n, b))
    if op.complex:
        V = V + 1j * rng.standard_normal((n, b))
    V, _ = np.linalg.qr(op.matmat(V))  # start from the range of H
    S = np.zeros(b)
    U = None
    est = np.full(k, np.inf)
    bound = np.full(k, np.inf)
    matvecs = b
    it = 0
    converged = False
    for it in range(1, max_iter + 1):  # noqa: B007  (it is reported)
        W = op.matmat(V)
        matvecs += b
        if U is not None:
            r = np.linalg.norm(W - U * S, axis=0)[:k]
            bound = r / math.sqrt(2.0)
            gap = _gaps(S, r)[:k]
            with np.errstate(divide="ignore"):
                est = np.where(gap > 0, np.minimum(bound, r**2 / (2.0 * gap)), bound)
            scale = np.maximum(S[:k], S[0] * EPS * n)
            if np.all(est <= tol * scale):
                converged = True
                break
        Q, _ = np.linalg.qr(W)
        Z = op.rmatmat(Q)
        matvecs += b
        # SVD of B = Z^H through the QR of Z (n x b): B = R^H Qz^H, svd(R^H) small.
        Qz, Rz = np.linalg.qr(Z)
        Ub, S, Wh = np.linalg.svd(Rz.conj().T)
        U = Q @ Ub
        V = Qz @ Wh.conj().T
    stats = {
        "iterations": it,
        "matvecs": matvecs,
        "block_size": b,
        "converged": converged,
        "error_bound": float(np.max(bound / np.maximum(S[:k], np.finfo(float).tiny))),
        "error_estimate": float(np.max(est / np.maximum(S[:k], np.finfo(float).tiny))),
    }
    return S[:k].astype(np.float64), stats


def _lanczos_hsv(
    h: NDArray[Any], k: int, *, tol: float, max_iter: int, seed: int
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

    op = HankelOperator(h)
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
        # No separated neighbour: Kato-Temple does not apply (inf gives estimate = bound).
        out[i] = gap if gap > r[i] else 0.0
    return out


def hankel_singular_values(
    h: ArrayLike,
    k: int | None = None,
    *,
    method: str = "auto",
    seed: int = 0,
    oversample: int = 16,
    tol: float = 1e-12,
    max_iter: int = 200,
) -> Result:
    r"""Hankel singular values of an FIR filter (or a batch of filters).

    The singular values of ``H_ij = h_{i+j-1}``, ``i, j = 1..L-1`` (zero beyond
    ``h_{L-1}``; ``h_0`` excluded), in decreasing order.  For the FIR filter they are
    exact HSVs (``P = I`` for the shift-register realisation).

    Parameters
    ----------
    h : array_like, shape (L,) or (C, L)
        Filter taps (real or complex, finite), ``L >= 2``; a 2-D array is ``C`` filters.
    k : int, optional
        How many leading values to return (``1 <= k <= L - 1``); default all (dense).
    method : {"auto", "dense", "lanczos", "randomized"}
        ``dense`` forms ``H`` (``L - 1 <= 8192``); ``lanczos`` (ARPACK) and
        ``randomized`` (block subspace iteration) need ``k`` and use FFT products only.
        ``auto`` picks ``dense`` when ``k`` is None, ``L <= 1025`` or ``4 k > L - 1``,
        else ``lanczos``.
    seed : int
        Seed of the Gaussian starting vector (lanczos) or block (randomized).
    oversample : int
        Block size beyond ``k`` (randomized); larger speeds convergence when
        ``sigma_k / sigma_{k+1}`` is close to 1.
    tol : float
        Relative residual at which ARPACK stops (lanczos), or relative error estimate
        at which the subspace iteration stops (randomized).
    max_iter : int
        Iteration limit: subspace iterations (randomized), or ``max_iter * L`` ARPACK
        restarts' worth of products (lanczos).

    Returns
    -------
    Result
        ``value``: ndarray ``(k,)`` or ``(C, k)``, float64, decreasing.  ``stats``:
        ``seconds``, ``method``; lanczos and randomized add ``iterations`` (max over
        filters; ARPACK: products), ``matvecs`` (vector products with ``H``),
        ``block_size``,
        ``error_bound`` (rigorous: max over the leading values of
        ``||H v - sigma u|| / (sqrt 2 sigma)``), ``error_estimate`` (Kato-Temple,
        ``||r||^2 / (2 gap sigma)``).  ``status`` is ``MAX_ITERATIONS`` (with a
        `RuntimeWarning`) if the estimate did not reach ``tol``.

    Notes
    -----
    Cost: dense ``O(L^3)`` time and ``L^2`` memory; lanczos ``O(m L log L + m k L)``
    for ``m`` products (``m ~ 2.5 k`` on decaying filters) and ``O(L k)`` memory;
    randomized ``O(iter (k+p) L log L + iter L (k+p)^2)`` time, ``O(L (k+p))`` memory.
    Dense values carry absolute errors of about ``eps * L * sigma_1``; the iterative
    ones agree with dense to about ``tol`` relative for the values above that floor.
    The subspace iteration converges like ``(sigma_{k+p+1}/sigma_i)^{2 iter}``: fast
    for decaying filters, slow for flat spectra (white noise), where ``oversample``
    should grow.

    Examples
    --------
    >>> import numpy as np
    >>> h = 0.9 ** np.arange(64)          # one real pole: rank-one Hankel matrix
    >>> s = hankel_singular_values(h).value
    >>> bool(s[1] < 1e-12 * s[0])
    True
    """
    t0 = time.perf_counter()
    arr = as_float_array(h, "h", ndim=(1, 2))
    if arr.shape[-1] < 2:
        raise ValueError(
            f"`h` must have at least 2 taps (h_0 and h_1), got length {arr.shape[-1]}."
        )
    n = arr.shape[-1] - 1
    method = check_choice(method, "method", ("auto", "dense", "lanczos", "randomized"))
    if k is not None:
        k = check_int(k, "k", minimum=1, maximum=n)
    oversample = check_int(oversample, "oversample", minimum=0)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = check_positive(tol, "tol")
    seed = check_int(seed, "seed")
    if method == "auto":
        method = "dense" if (k is None or n <= 1024 or 4 * k > n) else "lanczos"
    if method in ("lanczos", "randomized") and k is None:
        raise ValueError(
            f"`k` is required with method={method!r}: pass how many leading Hankel "
            "singular values you need (e.g. k=64), or method='dense' for all of them."
        )
    if method == "lanczos" and k >= n - 1:
        raise ValueError(
            f"`k` = {k} must be < L - 2 = {n - 1} for method='lanczos' (ARPACK); use "
            "method='dense' for all the values of a short filter."
        )
    if method == "dense" and n > DENSE_MAX:
        raise ValueError(
            f"`h` of length {n + 1} is too long for method='dense' (the Hankel matrix "
            f"would be {n} x {n}; the limit is L - 1 <= {DENSE_MAX}); pass `k` and "
            "method='lanczos'."
        )
    batch = arr.reshape(-1, n + 1).astype(np.result_type(arr, np.float64))
    out = []
    stats: dict[str, Any] = {"method": method}
    status, message = Status.SUCCESS, ""
    for c, row in enumerate(batch):
        if method == "dense":
            s = _dense_hsv(row)
            out.append(s if k is None else s[:k])
            continue
        if method == "lanczos":
            s, st = _lanczos_hsv(row, k, tol=tol, max_iter=max_iter, seed=seed)
        else:
            s, st = _randomized_hsv(row, k, oversample=oversample, tol=tol,
                                    max_iter=max_iter, seed=seed)
        out.append(s)
        for key in ("iterations", "matvecs", "error_bound", "error_estimate"):
            stats[key] = max(stats.get(key, st[key]), st[key])
        stats["block_size"] = st["block_size"]
        if not st["converged"]:
            status = Status.MAX_ITERATIONS
            message = (f"filter {c}: not converged (relative error estimate "
                       f"{st['error_estimate']:.2e}, tol = {tol:.1e}) after "
                       f"{st['iterations']} iterations")
    if status is not Status.SUCCESS:
        warnings.warn(f"hankel_singular_values: {message}; raise `max_iter` or "
                      "`oversample`.", RuntimeWarning, stacklevel=2)
    value = np.stack(out)
    if arr.ndim == 1:
        value = value[0]
    stats["seconds"] = time.perf_counter() - t0
    return Result(value, side="classical", status=status, message=message, stats=stats,
                  method=f"hankel_singular_values/{method}")


def hankel_bounds(sigma: ArrayLike, d: int) -> tuple[Any, Any]:
    r"""The AAK lower and balanced-truncation upper bounds for a reduced order ``d``.

    For a stable system with Hankel singular values ``sigma_1 >= sigma_2 >= ...`` and
    any stable approximant ``Hhat`` of McMillan degree (state dimension) ``<= d``:

    * AAK / Glover: ``||H - Hhat||_inf >= ||H - Hhat||_Hankel >= sigma_{d+1}`` -- no
      order-``d`` model does better, and the optimal Hankel-norm approximant attains
      ``sigma_{d+1}`` in the Hankel norm;
    * Enns / Glover: the balanced truncation to order ``d`` has
      ``||H - Hhat_BT||_inf <= 2 sum_{k > d} sigma_k`` (discrete time included).

    ``d`` is the **real order** (the state dimension of a real realisation).  A real
    filter distilled into ``m`` complex modes stored as conjugate pairs (the
    ``ModalSSM`` convention ``h_t = Re sum R_n lambda_n^(t-1)``) has real order
    ``2 m``: call ``hankel_bounds(sigma, 2 * m)``.  A complex model with ``m`` modes
    has order ``m``.

    The upper bound counts each singular value with its multiplicity; the theorem holds
    with repeated values counted once, so this is the (slightly looser) textbook form.
    If ``sigma`` holds only the leading values (``k`` from the lanczos/randomized methods), the
    sum misses the tail and ``bt_upper`` is a lower estimate of the true bound.

    Parameters
    ----------
    sigma : array_like, shape (K,) or (C, K)
        Hankel singular values in decreasing order (e.g. from
        :func:`hankel_singular_values`), nonnegative.
    d : int
        Reduced real order, ``0 <= d < K``.

    Returns
    -------
    aak_lower, bt_upper : float or ndarray (C,)
        ``sigma_{d+1}`` and ``2 sum_{k>d} sigma_k``.

    References
    ----------
    Glover (1984), doi:10.1080/00207178408933239; Enns (1984),
    doi:10.1109/CDC.1984.272286.  MathWorks ``balancmr`` states the same bound.
    """
    s = as_float_array(sigma, "sigma", ndim=(1, 2), allow_complex=False)
    if np.any(s < 0):
        raise ValueError("`sigma` must be nonnegative (Hankel singular values).")
    K = s.shape[-1]
    d = check_int(d, "d", minimum=0)
    if d >= K:
        raise ValueError(
            f"`d` = {d} needs sigma_{{d+1}}, but `sigma` has only {K} values; compute "
            f"at least {d + 1} Hankel singular values (k >= d + 1)."
        )
    if np.any(np.diff(s, axis=-1) > 1e-12 * np.max(s, axis=-1, keepdims=True)):
        raise ValueError("`sigma` must be sorted in decreasing order.")
    aak = s[..., d]
    bt = 2.0 * np.sum(s[..., d:], axis=-1)
    if s.ndim == 1:
        return float(aak), float(bt)
    return aak, bt
