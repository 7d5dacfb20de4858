"""ERA / Kung / Ho-Kalman realisation of a filter as a modal state-space model.

From the taps ``h_1, h_2, ...`` of a filter form the Hankel matrices (1-based)

    H0 = [h_{i+j-1}],   H1 = [h_{i+j}],     i = 1..rows, j = 1..cols,

take the truncated SVD ``H0 ~ U_d S_d V_d^T`` and set

    A = S_d^{-1/2} U_d^T H1 V_d S_d^{-1/2},  B = S_d^{1/2} V_d^T e_1,  C = e_1^T U_d S_d^{1/2},

``D = h_0``; then ``h_t ~ C A^{t-1} B`` (t >= 1).  Diagonalising ``A = W Lambda W^{-1}``
gives the strictly proper modal form of :class:`ModalSSM`: poles ``lambda_n`` and
residues ``R_n = (C W)_n (W^{-1} B)_n``.

When ``rows + cols - 1 >= L - 1`` the Hankel matrix holds the whole FIR (taps past
``h_{L-1}`` are zero, the FIR's own values).  With ``rows = cols = L - 1`` it *is* the
FIR's Hankel operator, whose shift-register realisation has ``P = I``: ERA then returns
the balanced truncation of the FIR (Kung 1978), with the BT bound
``||H - Hhat||_inf <= 2 sum_{k>d} sigma_k`` and always stable poles.  The default
(``rows = (L-1)//2``, ``cols = L-1-rows``) windows the whole filter without zero
padding, so an exact order-``d`` filter is recovered exactly, but poles may leave the
unit disk on filters that are not low order (they are reflected and reported).

References
----------
S.-Y. Kung, "A new identification and model reduction algorithm via singular value
decomposition", 12th Asilomar Conf. (1978) 705-714.
J.-N. Juang, R. S. Pappa, "An eigensystem realization algorithm for modal parameter
identification and model reduction", J. Guid. Control Dyn. 8 (1985) 620-627,
doi:10.2514/3.20031.
B. L. Ho, R. E. Kalman, "Effective construction of linear state-variable models from
input/output functions", Regelungstechnik 14 (1966) 545-548.
Equivalents: python-control ``eigensys_realization`` (dense, default ``2r x 2r``
Hankel), pyMOR ``ERAReductor`` / ``RandomizedERAReductor``.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result, Status
from numlearn._core.validation import (
    as_float_array,
    check_choice,
    check_flag,
    check_int,
    warn_ill_conditioned,
)
from numlearn.classical.reduction.hankel import DENSE_MAX, HankelOperator
from numlearn.classical.reduction.modal import ModalSSM, fit_residues

__all__ = ["era"]


def ssm_to_modes(
    A: NDArray[Any], B: NDArray[Any], C: NDArray[Any], *, real: bool
) -> tuple[NDArray[np.complex128], NDArray[np.complex128], float]:
    """Diagonalise a (small) state-space triple into modal poles and residues.

    ``A = W Lambda W^{-1}``, ``R_n = (C W)_n (W^{-1} B)_n``.  With ``real`` (``A``,
    ``B``, ``C`` real) each conjugate pair is stored once, as the pole with positive
    imaginary part and residue ``2 R_n`` (the ``ModalSSM`` convention
    ``h_t = Re sum R lambda^(t-1)``), and each real pole with its real residue.
    Returns the poles, residues and the condition number of ``W``.
    """
    lam, W = scipy.linalg.eig(A)
    cond_w = float(np.linalg.cond(W))
    cw = C @ W
    wb = np.linalg.solve(W, B)
    res = cw * wb
    if not real:
        return lam.astype(np.complex128), res.astype(np.complex128), cond_w
    keep_pair = lam.imag > 0
    keep_real = lam.imag == 0
    poles = np.concatenate([lam[keep_pair], lam[keep_real].real.astype(complex)])
    resid = np.concatenate([2.0 * res[keep_pair], res[keep_real].real.astype(complex)])
    return poles, resid, cond_w


def _hankel(h: NDArray[Any], rows: int, cols: int, shift: int) -> NDArray[Any]:
    m = rows + cols - 1
    g = np.zeros(m, dtype=h.dtype)
    seg = h[shift: shift + m]
    g[: seg.size] = seg
    return scipy.linalg.hankel(g[:rows], g[rows - 1:])


def _leading_svd(
    h: NDArray[Any], rows: int, cols: int, d: int, method: str, seed: int
) -> tuple[NDArray[Any], NDArray[np.float64], NDArray[Any], NDArray[np.float64], int]:
    """Leading ``d`` singular triplets of ``H0``; also all the singular values seen."""
    if method == "dense":
        H0 = _hankel(h, rows, cols, 1)
        U, s, Vh = scipy.linalg.svd(H0, full_matrices=False, check_finite=False)
        return U[:, :d], s[:d], Vh[:d].conj().T, s, 0
    op0 = HankelOperator(h, rows, cols, 1)
    if method == "lanczos":
        import scipy.sparse.linalg as sla

        dt = np.complex128 if op0.complex else np.float64
        A = sla.LinearOperator((rows, cols), matvec=op0.matmat, rmatvec=op0.rmatmat,
                               matmat=op0.matmat, rmatmat=op0.rmatmat, dtype=dt)
        v0 = np.random.default_rng(seed).standard_normal(min(rows, cols)).astype(dt)
        U, s, Vh = sla.svds(A, k=d, v0=v0, tol=0, solver="arpack")
        order = np.argsort(-s)
        U, s, V = U[:, order], s[order], Vh[order].conj().T
        return U, s, V, s, 0
    # randomized SVD (Halko-Martinsson-Tropp 2011, Alg. 4.4 + 5.1), q power iterations
    rng = np.random.default_rng(seed)
    b = min(d + 16, rows, cols)
    Q, _ = np.linalg.qr(op0.matmat(rng.standard_normal((cols, b))))
    q = 6
    for _ in range(q):
        Z, _ = np.linalg.qr(op0.rmatmat(Q))
        Q, _ = np.linalg.qr(op0.matmat(Z))
    Bm = op0.rmatmat(Q).conj().T                         # Q^H H0, b x cols
    Ub, s, Vh = np.linalg.svd(Bm, full_matrices=False)
    U = Q @ Ub[:, :d]
    return U, s[:d], Vh[:d].conj().T, s, q


def _era_one(h: NDArray[Any], d: int, rows: int, cols: int, method: str, real: bool,
             seed: int) -> tuple[NDArray[Any], NDArray[Any], dict[str, Any]]:
    U, s, V, sig, _ = _leading_svd(h, rows, cols, d, method, seed)
    if s[d - 1] <= 0 or not np.isfinite(s).all():
        raise ValueError(f"`h`: the Hankel matrix has numerical rank < {d}; lower `d`.")
    op1 = None if method == "dense" else HankelOperator(h, rows, cols, 2)
    H1V = _hankel(h, rows, cols, 2) @ V if op1 is None else op1.matmat(V)
    r = 1.0 / np.sqrt(s)
    A = (r[:, None] * (U.conj().T @ H1V)) * r[None, :]
    sq = np.sqrt(s)
    B = sq * V[0].conj()           # first column of S^1/2 V^H
    C = U[0] * sq                  # first row of U S^1/2
    if real:
        A, B, C = A.real, B.real, C.real
    poles, res, cond_w = ssm_to_modes(A, B, C, real=real)
    stats = {"hsv": sig, "cond_eigvec": cond_w, "rank_gap": float(s[-1] / s[0])}
    return poles, res, stats


def _stabilise(poles: NDArray[np.complex128]) -> tuple[NDArray[np.complex128], int]:
    out = poles.copy()
    bad = np.abs(out) >= 1.0
    out[bad] = 1.0 / np.conj(out[bad])
    return out, int(bad.sum())


def pad_modes(rows: list[tuple[NDArray[Any], NDArray[Any]]]) -> tuple[NDArray[Any], NDArray[Any]]:
    """Stack per-filter (poles, residues) of unequal length, padding with ``(0, 0)``
    modes (which contribute nothing: ``0 * 0^(t-1) = 0`` for every ``t >= 1``)."""
    m = max(p.size for p, _ in rows)
    P = np.zeros((len(rows), m), dtype=np.complex128)
    R = np.zeros((len(rows), m), dtype=np.complex128)
    for c, (p, r) in enumerate(rows):
        P[c, : p.size], R[c, : r.size] = p, r
    return P, R


def era(
    h: ArrayLike,
    d: int,
    *,
    rows: int | None = None,
    cols: int | None = None,
    method: str = "dense",
    real: bool = True,
    refit: bool = False,
    unstable: str = "reflect",
    seed: int = 0,
) -> Result:
    r"""Order-``d`` modal model of a filter by ERA (Kung / Ho-Kalman).

    Parameters
    ----------
    h : array_like, shape (L,) or (C, L)
        Filter taps (``C`` filters, handled one at a time); real when ``real``.
    d : int
        Order: the **real** state dimension when ``real`` (conjugate pairs count 2, real
        poles 1), else the number of complex modes.  ``1 <= d <= min(rows, cols)``.
    rows, cols : int, optional
        Hankel shape; default ``rows = (L-1)//2``, ``cols = L-1-rows`` (the whole
        filter, no zero padding).  ``rows = cols = L - 1`` gives the FIR's own Hankel
        operator (zero padded): ERA is then the FIR's balanced truncation.
    method : {"dense", "lanczos", "randomized"}
        How the leading ``d`` singular triplets of ``H0`` are found: a full SVD
        (``O(rows cols min(rows, cols))``), ARPACK (``scipy.sparse.linalg.svds``) or a
        randomised SVD with 6 power iterations (Halko-Martinsson-Tropp) on the FFT
        Hankel operator of :mod:`.hankel` (``O(L log L)`` per product, never forming
        ``H0``); ``H1 V_d`` by FFT products too.
    real : bool
        Real filters and a real realisation mapped to conjugate-pair modes.
    refit : bool
        Refit the residues (poles kept) by time-domain least squares on all ``L`` taps
        (:func:`fit_residues`).
    unstable : {"reflect", "keep", "raise"}
        Poles with ``|lambda| >= 1`` (possible without zero padding): reflect them to
        ``1/conj(lambda)`` and refit the residues (default), keep them
        (``allow_unstable``), or raise.  Either way they are counted in
        ``stats["reflected"]`` / ``stats["unstable"]`` and warned about.
    seed : int
        Seed of the iterative SVDs.

    Returns
    -------
    Result
        ``value``: :class:`ModalSSM` (``real`` as given; batched for 2-D ``h``, modes
        padded with zero poles/residues where filters have different numbers of real
        poles).  ``stats``: ``seconds``, ``hsv`` (singular values of ``H0`` computed:
        all for dense, ``d`` otherwise; ``(C, .)`` for a batch), ``cond`` with
        ``cond_of`` (the eigenvector matrix of ``A``), ``reflected``, ``unstable``.

    Notes
    -----
    Accuracy: an exact filter of real order ``d`` (rank-``d`` Hankel) is recovered to
    about ``cond(W) eps sigma_1 / sigma_d``.  Cost: dense ``O(L^3 / 8)`` (half-size
    Hankel), iterative ``O(m L log L)`` for ``m`` products.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(1, 200)
    >>> h = np.r_[0.5, 0.9 ** (t - 1) * np.cos(0.3 * (t - 1))]
    >>> m = era(h, 2).value
    >>> bool(np.allclose(m.impulse_response(200), h, atol=1e-12))
    True
    """
    t0 = time.perf_counter()
    real = check_flag(real, "real")
    refit = check_flag(refit, "refit")
    arr = as_float_array(h, "h", ndim=(1, 2), allow_complex=not real)
    method = check_choice(method, "method", ("dense", "lanczos", "randomized"))
    unstable = check_choice(unstable, "unstable", ("reflect", "keep", "raise"))
    seed = check_int(seed, "seed")
    L = arr.shape[-1]
    n = L - 1
    if n < 2:
        raise ValueError(f"`h` must have at least 3 taps for ERA, got length {L}.")
    r0 = n // 2 if rows is None else check_int(rows, "rows", minimum=1, maximum=n)
    c0 = (n - r0 if cols is None else check_int(cols, "cols", minimum=1, maximum=n))
    if rows is None and cols is not None:
        r0 = max(1, n - c0)
    d = check_int(d, "d", minimum=1)
    if d > min(r0, c0):
        raise ValueError(
            f"`d` = {d} exceeds the Hankel rank limit min(rows, cols) = {min(r0, c0)} "
            f"for a filter of length {L}; use d <= {min(r0, c0)} or a longer filter "
            "(ERA needs at least 2 d + 1 taps)."
        )
    if method == "dense" and min(r0, c0) > DENSE_MAX:
        raise ValueError(
            f"`h` of length {L} makes a {r0} x {c0} Hankel matrix, too large for "
            f"method='dense' (min(rows, cols) <= {DENSE_MAX}); use method='lanczos' "
            "(FFT products, never forming it)."
        )
    if method == "lanczos" and d >= min(r0, c0):
        raise ValueError(f"`d` must be < min(rows, cols) = {min(r0, c0)} for "
                         "method='lanczos'; use method='dense'.")
    batch = arr.reshape(-1, L).astype(np.complex128 if arr.dtype.kind == "c" else np.float64)
    modes, hsvs, conds = [], [], []
    n_bad = 0
    for row in batch:
        poles, res, st = _era_one(row, d, r0, c0, method, real, seed)
        bad = np.abs(poles) >= 1.0
        if bad.any():
            n_bad += int(bad.sum())
            if unstable == "raise":
                raise ValueError(
                    f"ERA produced {int(bad.sum())} poles with |lambda| >= 1 (max "
                    f"{np.abs(poles).max():.6g}); use unstable='reflect', zero padding "
                    "(rows = cols = L - 1, stable by construction) or a lower `d`."
                )
            if unstable == "reflect":
                poles, _ = _stabilise(poles)
        modes.append((poles, res))
        hsvs.append(st["hsv"])
        conds.append(st["cond_eigvec"])
    allow = unstable == "keep"
    if refit or (n_bad and unstable == "reflect"):
        # one filter at a time: the zero modes that pad a batch would enter the fit
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            fits = [fit_residues(row.real if real else row, p, real=real,
                                 allow_unstable=allow)
                    for row, (p, _) in zip(batch, modes, strict=True)]
        modes = [(f.poles, f.residues) for f in fits]
    P, R = pad_modes(modes)
    d0 = batch[:, 0].real if real else batch[:, 0]
    if arr.ndim == 1:
        P, R, d0 = P[0], R[0], d0[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        model = ModalSSM(P, R, d0, real=real, allow_unstable=allow)
    message = ""
    if n_bad:
        what = "reflected into the disk" if unstable == "reflect" else "kept"
        message = f"{n_bad} poles with |lambda| >= 1 {what}"
        warnings.warn(f"era: {message}; zero padding (rows = cols = L - 1) gives the "
                      "stable balanced truncation.", RuntimeWarning, stacklevel=2)
    cond = float(max(conds))
    warn_ill_conditioned(cond, "era: the eigenvector matrix of A (nearly defective)",
                         threshold=1e10)
    hsv = hsvs[0] if arr.ndim == 1 else np.stack(hsvs)
    stats = {"seconds": time.perf_counter() - t0, "hsv": hsv, "cond": cond,
             "cond_of": "the eigenvector matrix of the realised A",
             "reflected": n_bad if unstable == "reflect" else 0,
             "unstable": n_bad, "rows": r0, "cols": c0}
    return Result(model, side="classical", status=Status.SUCCESS, message=message,
                  stats=stats, method=f"era/{method}")
