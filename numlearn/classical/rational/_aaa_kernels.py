r"""The AAA loop for one function, compiled (private; see :mod:`.aaa`).

:func:`aaa_scalar_loop` runs the greedy AAA iteration of
:func:`~numlearn.classical.rational.aaa.aaa` for one function with the algorithm of
:class:`~numlearn.classical.rational._aaa_factor.HouseholderQR`: the row of the new
support point is deleted from :math:`A_J = QK` by one Householder reflector on
:math:`[Q\ u]`, the new Loewner column is appended by classical Gram-Schmidt with one
reorthogonalisation (CGS2), and the weights come from the SVD of the small factor
``K``.  The passes over Q and over the Cauchy matrix are BLAS-2/3 calls (``np.dot``
on column-major views of flat buffers); the elementwise work between them (the Cauchy
and Loewner columns, the rank-one update, the error and its arg-max) is compiled
loops.  The arithmetic is that of the NumPy class; what goes is the interpreter's
overhead between some twenty small calls per step, about a third of the time at
:math:`M = 10^4`, 50 terms.  The rare refactorisation after an unsafe row deletion is
NumPy (:meth:`ScalarState.reset`), between two compiled runs.  No ``fastmath``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _noise(seed, k, r):
    """Deterministic pseudo-random number in [-1, 1) for (seed, k, r) (SplitMix64)."""
    x = np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15)
    x ^= np.uint64(k) * np.uint64(0xBF58476D1CE4E5B9)
    x += np.uint64(r) * np.uint64(0x94D049BB133111EB) + np.uint64(0x632BE59BD9B4E5B)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)) * (2.0 ** -52) - 1.0


@njit(cache=True, error_model="numpy")
def _weights(Km, scaled, ill):
    """Right singular vector of the smallest singular value of ``Km`` (m x m).

    As ``_aaa_factor._weights_from_r``: column scaling when
    ``s_max > ill * s_min`` (then for good), and the average of the right singular
    vectors of a repeated smallest singular value.
    """
    m = Km.shape[0]
    cn = np.ones(m)
    Ks = Km.copy()
    # at most two SVDs (one call site: each np.linalg.svd instance costs compile time)
    for _ in range(2):
        if scaled:
            for j in range(m):
                t = 0.0
                for r in range(m):
                    t += abs(Km[r, j]) ** 2
                t = math.sqrt(t)
                cn[j] = t if t != 0.0 else 1.0
                for r in range(m):
                    Ks[r, j] = Km[r, j] / cn[j]
        _, s, Vh = np.linalg.svd(Ks)
        if scaled or not s[0] > ill * s[m - 1]:
            break
        scaled = True
    smin = s.min()
    w = np.zeros(m, dtype=Km.dtype)
    cnt = 0
    for k in range(m):
        if s[k] == smin:
            cnt += 1
            for j in range(m):
                w[j] += np.conj(Vh[k, j])
    for j in range(m):
        w[j] = w[j] / math.sqrt(cnt) / cn[j]
    return w, scaled




@njit(cache=True, inline="always")
def _abs_error(f, n, d, cplx):
    """``|f - n/d|``; ``inf`` where ``d = 0`` (the first support point, a pole on a
    sample) or the result is NaN, as the NumPy loop counts it.  Complex data:
    ``|f d - n| / |d|`` in real arithmetic (a complex division costs several times
    more); real data: the NumPy loop's expression, so that exact ties in the error
    (piecewise constant data) are broken the same way."""
    if d == 0:
        return np.inf
    if cplx:
        u = f * d - n
        num = u.real * u.real + u.imag * u.imag
        den = d.real * d.real + d.imag * d.imag
        if 1e-280 < den < 1e280 and num < 1e280:
            e = math.sqrt(num / den)
        else:
            e = abs(f - n / d)  # outside the safe range of the squares
    else:
        e = abs(f - n / d)
    return e if e == e else np.inf


@njit(cache=True, inline="always")
def _cols(buf, M, n):
    """The first ``n`` columns (M x n, column-major view) of a flat buffer."""
    return buf[: M * n].reshape((n, M)).T


@njit(cache=True, inline="always")
def _qh(Qm, a):
    """``Q^H a`` (one BLAS pass; no conjugate copies for real data)."""
    if np.iscomplexobj(a):
        return np.conj(np.dot(np.conj(a), Qm))
    return np.dot(a, Qm)


@njit(cache=True, error_model="numpy")
def _gs_pass(Qm, a):
    """One Gram-Schmidt pass ``a -= Q (Q^H a)`` in place; returns ``(Q^H a, |a|^2)``."""
    c = _qh(Qm, a)
    p = np.dot(Qm, c)
    rho = 0.0
    for r in range(a.shape[0]):
        t = a[r] - p[r]
        a[r] = t
        rho += abs(t) ** 2
    return c, rho


@njit(cache=True, error_model="numpy")
def _rank_one(Qb, M, mq, z, th):
    """Q[:, :mq] -= z th^T, column by column (contiguous, vectorised)."""
    for j in range(mq):
        t = th[j]
        o = j * M
        for r in range(M):
            Qb[o + r] -= z[r] * t


@njit(cache=True, error_model="numpy")
def _delete_row(Qb, K, M, mq, i, a):
    r"""Zero row ``i`` of A_J = Q K by one Householder reflector on [Q u]
    (``HouseholderQR.delete_row``).

    Returns ``(code, rho)``: code 0 if ``u`` is numerically zero (refactor); 1 if
    deleted; 2 if deleted *and* the first Gram-Schmidt pass of the new column ``a``
    done on the way (the usual case): with :math:`Q' = Q - z\theta^T` the deleted
    factor, :math:`Q'^*a = p - \bar\theta\,(v^*p)` from :math:`p = Q^*a`, and
    :math:`a - Q'c_1 = a - Q(c_1 - v s)` off row ``i`` (:math:`s = \theta^T c_1`),
    so one GEMM with the old Q gives both ``z`` and the projection: five passes over
    Q per step instead of six.  Then ``K[:mq, mq]`` holds ``c_1``, ``a`` the
    projected column and ``rho`` its squared norm."""
    dt = Qb.dtype
    Qm = _cols(Qb, M, mq)
    q = np.empty(mq, dtype=dt)
    g2 = 1.0
    for j in range(mq):
        q[j] = Qb[j * M + i]
        g2 -= abs(q[j]) ** 2
    y = np.empty(mq + 1, dtype=dt)
    safe = g2 > 0.25
    gamma = 0.0
    if safe:
        # u = (e_i - Q conj(q)) / gamma is never formed: row i of [Q u] is [q, gamma]
        gamma = math.sqrt(g2)
        for j in range(mq):
            y[j] = np.conj(q[j])
        y[mq] = gamma
    else:
        # small gamma: u = e_i - Q conj(q) formed in column mq and reorthogonalised
        u = Qb[mq * M: (mq + 1) * M]
        p = np.dot(Qm, np.conj(q))
        for r in range(M):
            u[r] = -p[r]
        u[i] += 1.0
        g = 0.0
        for _ in range(2):
            _, g = _gs_pass(Qm, u)
        gamma = math.sqrt(g)
        if gamma < 1e-8:
            return 0, 0.0
        for r in range(M):
            u[r] = u[r] / gamma
        for j in range(mq + 1):
            y[j] = np.conj(Qb[j * M + i])
    # reflector H = I - tau h h^H with (row i of [Q u]) H = beta e_mq^T
    ny = 0.0
    for j in range(mq + 1):
        ny += abs(y[j]) ** 2
    ny = math.sqrt(ny)
    h = y.copy()
    if y[mq] != 0:
        h[mq] += (y[mq] / abs(y[mq])) * ny
    else:
        h[mq] += ny
    hh = 0.0
    for j in range(mq + 1):
        hh += abs(h[j]) ** 2
    tau = 2.0 / hh
    th = np.empty(mq, dtype=dt)
    for j in range(mq):
        th[j] = tau * np.conj(h[j])
    code = 1
    rho = 0.0
    if safe:
        # z = Q v + (h_mq / gamma) e_i, v = h_:mq - (h_mq / gamma) conj(q); and the
        # first projection of a through the old Q (docstring)
        v = np.empty(mq, dtype=dt)
        for j in range(mq):
            v[j] = h[j] - (h[mq] / gamma) * np.conj(q[j])
        p = _qh(Qm, a)
        vp = p[0] * 0.0
        for j in range(mq):
            vp += np.conj(v[j]) * p[j]
        c1 = np.empty(mq, dtype=dt)
        sc = vp * 0.0
        for j in range(mq):
            c1[j] = p[j] - tau * h[j] * vp
            sc += th[j] * c1[j]
        VV = np.empty((mq, 2), dtype=dt)
        for j in range(mq):
            VV[j, 0] = v[j]
            VV[j, 1] = c1[j] - v[j] * sc
        ZT = np.dot(Qm, VV)
        z = ZT[:, 0].copy()
        z[i] += h[mq] / gamma
        # row i: the formula leaves -(h_mq / gamma) s there, which the e_i term of z
        # cancels; the exact value is 0 (row i of Q' is zero), and it stays out of
        # the norm (subtracting its square afterwards would cancel catastrophically:
        # |a_1| can be 1e-10 |a| next to an O(|a|) entry)
        for r in range(M):
            t = a[r] - ZT[r, 1]
            a[r] = t
            if r != i:
                rho += abs(t) ** 2
        a[i] = 0.0
        for j in range(mq):
            K[j, mq] = c1[j]
        code = 2
    else:
        z = np.dot(_cols(Qb, M, mq + 1), h)
    _rank_one(Qb, M, mq, z, th)
    # K <- (H [K; 0])[:mq]
    for j in range(mq):
        K[mq, j] = 0.0
    for j in range(mq):
        s = K[0, j] * 0.0
        for k in range(mq + 1):
            s += np.conj(h[k]) * K[k, j]
        for k in range(mq + 1):
            K[k, j] -= tau * h[k] * s
    # (column mq, the scratch u of the unsafe branch, is overwritten by _append)
    for j in range(mq):
        Qb[j * M + i] = 0.0
    return code, rho


@njit(cache=True, error_model="numpy")
def _append(Qb, K, M, mq, a, nrm0, sup, m, seed, passes, rho):
    """Append column ``a`` (zero on the support rows) to A_J = Q K by CGS2 (``passes``
    of the two already done, leaving ``a`` with squared norm ``rho``); a column in
    the numerical span gets a fresh pseudo-random orthogonal direction
    (``_Factor.add_column``)."""
    tiny = (1e-14 * nrm0) ** 2
    if mq > 0:
        Qm = _cols(Qb, M, mq)
        # a second pass unless the first left only noise (in the span already)
        while passes < 2 and not (passes == 1 and rho <= tiny):
            c, rho = _gs_pass(Qm, a)
            for j in range(mq):
                K[j, mq] += c[j]
            passes += 1
    rho = math.sqrt(rho)
    col = Qb[mq * M: (mq + 1) * M]
    if rho <= 1e-14 * nrm0 or rho == 0.0:
        # a fresh pseudo-random vector each time (a repeated one would keep, after
        # projection, only the component along the column it gave last time); one
        # pass keeps most of its norm, so a second is needed only if it does not
        for r in range(M):
            col[r] = _noise(seed, mq, r)
        for j in range(m):
            col[sup[j]] = 0.0
        g = 0.0
        for r in range(M):
            g += abs(col[r]) ** 2
        if mq > 0:
            Qm = _cols(Qb, M, mq)
            for _ in range(2):
                prev = g
                _, g = _gs_pass(Qm, col)
                if g >= 0.25 * prev:
                    break
        g = math.sqrt(g)
        for r in range(M):
            col[r] = col[r] / g
    else:
        for r in range(M):
            col[r] = a[r] / rho
    for j in range(mq):
        K[mq, j] = 0.0
    K[mq, mq] = rho


class ScalarState:
    """The arrays of one run of :func:`aaa_steps` (allocated once; a run resumes on
    them after :meth:`reset`)."""

    def __init__(self, Z: np.ndarray, F: np.ndarray, cap: int) -> None:
        M = Z.shape[0]
        dt = F.dtype
        self.Z, self.F, self.M, self.cap = Z, F, M, cap
        self.Qb = np.zeros(M * (cap + 1), dtype=dt)
        self.Cb = np.zeros(M * cap, dtype=dt)
        self.K = np.zeros((cap + 1, cap + 1), dtype=dt)
        self.a = np.zeros(M, dtype=dt)
        self.w = np.zeros(cap, dtype=dt)
        self.mask = np.ones(M, dtype=np.bool_)
        self.sup = np.zeros(cap, dtype=np.int64)
        self.errors = np.zeros(cap)
        self.err_rows = np.abs(F - F.mean())
        # m (steps begun), scaled (0/1), resume (1: the step m stopped for a reset)
        self.ints = np.zeros(3, dtype=np.int64)
        self.nrm0 = np.zeros(1)

    def reset(self) -> None:
        """Fresh Householder QR of the masked Loewner matrix of the support points
        before the current step, after an unsafe row deletion
        (``HouseholderQR.reset``); the step then resumes with its new column."""
        M, mq = self.M, int(self.ints[0]) - 1
        S = self.sup[:mq]
        C = self.Cb[: M * mq].reshape(mq, M).T
        A = (self.F[:, None] - self.F[S][None, :]) * C
        Qm, Rm = np.linalg.qr(A[self.mask], mode="reduced")
        Q = self.Qb.reshape(self.cap + 1, M).T
        Q[:] = 0.0
        Q[self.mask, :mq] = Qm
        self.K[:] = 0.0
        self.K[:mq, :mq] = Rm
        self.ints[2] = 1


@njit(cache=True, error_model="numpy")
def aaa_steps(Z, F, cap, atol, ill, seed, Qb, Cb, K, a, w, mask, sup, errors,
              err_rows, ints, nrm0):
    """Greedy AAA steps for one function (see the module docstring), on the arrays
    of a :class:`ScalarState`, from step ``ints[0] + 1`` (or resuming step
    ``ints[0]`` after a reset when ``ints[2] = 1``) until ``atol`` is met
    (returns 0), ``cap`` steps are done (1), or a row deletion is unsafe and Q
    must be refactored (2: call ``ScalarState.reset`` and run again).

    ``Z``, ``F`` (M,) of one dtype (float64 or complex128); ``atol`` the absolute
    stopping tolerance; ``ill`` the condition number past which columns are scaled
    (``ints[1]``, for good); ``seed`` of the pseudo-random directions that complete
    the basis when a column falls in the span.  On return ``sup[:m]``,
    ``w[:m]``, ``errors[:m]`` with ``m = ints[0]`` hold the support indices,
    weights and the max error after each step.
    """
    M = Z.shape[0]
    dt = F.dtype
    W2 = np.empty((cap, 2), dtype=dt)
    cplx = np.iscomplexobj(F)
    scaled = ints[1] != 0
    start = max(ints[0], 1) if ints[2] == 1 else ints[0] + 1
    for m in range(start, cap + 1):
        mq = m - 1  # columns of Q before this step
        ints[0] = m
        passes, rho0 = 0, nrm0[0] ** 2
        if ints[2] == 1:
            ints[2] = 0  # resuming after a reset: the column a is built
        else:
            for j in range(mq):
                err_rows[sup[j]] = -1.0
            i = 0
            best = err_rows[0]
            for r in range(1, M):
                if err_rows[r] > best:
                    best = err_rows[r]
                    i = r
            sup[mq] = i
            mask[i] = False
            # Cauchy column (0 on its own row), Loewner column (0 on support rows)
            zi = Z[i]
            fi = F[i]
            o = mq * M
            t = 0.0
            for r in range(M):
                if r == i:
                    Cb[o + r] = 0.0
                    a[r] = 0.0
                else:
                    c = 1.0 / (Z[r] - zi)
                    Cb[o + r] = c
                    if mask[r]:
                        u = (F[r] - fi) * c
                        a[r] = u
                        t += abs(u) ** 2
                    else:
                        a[r] = 0.0
            nrm0[0] = math.sqrt(t)
            rho0 = t
            if mq > 0:
                code, rho1 = _delete_row(Qb, K, M, mq, i, a)
                if code == 0:
                    return 2
                if code == 2:
                    passes, rho0 = 1, rho1
        _append(Qb, K, M, mq, a, nrm0[0], sup, m, seed, passes, rho0)
        wm, scaled = _weights(np.ascontiguousarray(K[:m, :m]), scaled, ill)
        ints[1] = 1 if scaled else 0
        # N and D at every sample in one GEMM, then the error and its arg-max
        for j in range(m):
            w[j] = wm[j]
            W2[j, 0] = wm[j] * F[sup[j]]
            W2[j, 1] = wm[j]
        nd = np.dot(_cols(Cb, M, m), W2[:m])
        for r in range(M):
            err_rows[r] = _abs_error(F[r], nd[r, 0], nd[r, 1], cplx)
        for j in range(m):
            if wm[j] != 0:
                err_rows[sup[j]] = 0.0
        err = 0.0
        for r in range(M):
            if err_rows[r] > err:
                err = err_rows[r]
        errors[mq] = err
        if err <= atol:
            return 0
    return 1


def aaa_scalar_loop(Z: np.ndarray, F: np.ndarray, cap: int, atol: float, ill: float,
                    seed: int = 0) -> tuple:
    """Run :func:`aaa_steps` to the end, refactoring after unsafe deletions.

    Returns ``(sup, w, errors, m, scaled, resets, converged, state)``.
    """
    st = ScalarState(Z, F, cap)
    resets = 0
    while True:
        code = aaa_steps(Z, F, cap, atol, ill, seed, st.Qb, st.Cb, st.K, st.a, st.w,
                         st.mask, st.sup, st.errors, st.err_rows, st.ints, st.nrm0)
        if code != 2:
            break
        st.reset()
        resets += 1
    m = int(st.ints[0])
    return (st.sup[:m].copy(), st.w[:m].copy(), st.errors[:m].copy(), m,
            bool(st.ints[1]), resets, code == 0, st)
