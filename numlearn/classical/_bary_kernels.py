"""Numba kernels for barycentric evaluation (private; see :mod:`.barycentric`).

All kernels take arrays of one compute type (float64 or complex128, chosen by the
caller) and write into a preallocated output.  They loop over blocks of evaluation
points in parallel (``prange``) and, inside a block, over nodes in the outer loop and
points in the inner loop: the inner loop is elementwise (no reduction across its
iterations), so LLVM vectorises it without ``fastmath``, and the working memory is
O(block) per thread, never an ``(m, n)`` temporary.

No ``fastmath`` anywhere: the kernels rely on IEEE inf/NaN to detect evaluation points
that coincide with nodes (``w / 0 = inf``) and repair them afterwards.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from numlearn._core.compensated import two_sum

# Points per block.  Large enough to amortise the loop over nodes, small enough that
# the block's accumulators stay in L1 cache (256 * 8 B * 2 = 4 KiB).
BLOCK = 256


@njit(cache=True, inline="always")
def _nearest_node(nodes, xi):
    best = 0
    dbest = abs(xi - nodes[0])
    for j in range(1, nodes.shape[0]):
        d = abs(xi - nodes[j])
        if d < dbest:
            dbest = d
            best = j
    return best


# error_model="numpy": IEEE division (x/0 = inf, 0/0 = NaN) instead of Python's
# ZeroDivisionError, as in the parallel kernels that call this; the denominator can
# cancel to exactly zero for points outside the interval (plain sums), where the
# second formula is not meant to be used (see barycentric_eval_first).
@njit(cache=True, error_model="numpy")
def _repair_point(nodes, weights, values, xi, out_row):
    """Evaluate the second formula at one point with the nearest node factored out.

    Multiplying numerator and denominator by ``d = xi - x_near`` gives terms
    ``w_j d / (xi - x_j)`` of magnitude <= |w_j| (x_near is the nearest node), so
    nothing overflows; at an exact hit (``d == 0``) only the nearest term survives
    and the node value is returned exactly.  Returns the Lebesgue function at ``xi``
    from the same scaled terms (exactly 1 at a node).
    """
    n = nodes.shape[0]
    k = values.shape[1]
    jn = _nearest_node(nodes, xi)
    d = xi - nodes[jn]
    if d == 0:
        for c in range(k):
            out_row[c] = values[jn, c]
        return 1.0
    den = weights[jn] + 0 * d
    mag = abs(weights[jn])
    for c in range(k):
        out_row[c] = weights[jn] * values[jn, c]
    for j in range(n):
        if j != jn:
            t = weights[j] * (d / (xi - nodes[j]))
            den += t
            mag += abs(t)
            for c in range(k):
                out_row[c] += t * values[j, c]
    for c in range(k):
        out_row[c] = out_row[c] / den
    return mag / abs(den)


@njit(cache=True, inline="always")
def _sum2_step(a, c, t):
    """Return (a + t, c + error of a + t): one step of Ogita-Rump-Oishi's Sum2.

    The error term comes from Knuth's TwoSum (:func:`numlearn._core.compensated.two_sum`,
    exact without fastmath).  Summing the n terms this way makes the sums accurate to
    about eps relative to the condition of the sum instead of n eps.
    """
    s, e = two_sum(a, t)
    return s, c + e


@njit(cache=True, inline="always")
def _acc(d, cd, s, cs, t, f):
    """Add t to the sum (d, cd) and t*f to the sum (s, cs), each by a Sum2 step."""
    d, cd = _sum2_step(d, cd, t)
    s, cs = _sum2_step(s, cs, t * f)
    return d, cd, s, cs


@njit(parallel=True, cache=True)
def bary2(nodes, weights, values, x, out, lam, compensated):
    """Second (true) barycentric formula; values (n, k), x (m,), out (m, k).

    If ``compensated``, numerator and denominator are summed in groups of four terms
    whose sums are added by TwoSum (see :func:`bary2_scalar`).  If ``lam`` has
    length ``m``, the Lebesgue function at each point is written into it (see
    :func:`bary2_scalar`); a length-0 ``lam`` skips it."""
    n = nodes.shape[0]
    m = x.shape[0]
    k = values.shape[1]
    track = lam.shape[0] > 0
    nblocks = (m + BLOCK - 1) // BLOCK
    for b in prange(nblocks):
        i0 = b * BLOCK
        cnt = min(BLOCK, m - i0)
        xb = x[i0 : i0 + cnt]
        den = np.zeros(cnt, dtype=x.dtype)
        cden = np.zeros(cnt, dtype=x.dtype)
        mag = np.zeros(cnt, dtype=np.float64)
        num = np.zeros((k, cnt), dtype=x.dtype)
        cnum = np.zeros((k, cnt), dtype=x.dtype)
        t = np.empty(cnt, dtype=x.dtype)
        t1 = np.empty(cnt, dtype=x.dtype)
        t2 = np.empty(cnt, dtype=x.dtype)
        t3 = np.empty(cnt, dtype=x.dtype)
        # Compensated: the same grouping as bary2_scalar (groups of four terms summed
        # plainly, each group sum added by TwoSum), so column c of a vector-valued
        # evaluation is bitwise the scalar evaluation of values[:, c].
        n4 = (n - n % 4) if compensated else 0
        for j in range(0, n4, 4):
            x0, x1, x2, x3 = nodes[j], nodes[j + 1], nodes[j + 2], nodes[j + 3]
            w0, w1, w2, w3 = weights[j], weights[j + 1], weights[j + 2], weights[j + 3]
            for i in range(cnt):
                xi = xb[i]
                t[i] = w0 / (xi - x0)
                t1[i] = w1 / (xi - x1)
                t2[i] = w2 / (xi - x2)
                t3[i] = w3 / (xi - x3)
                den[i], cden[i] = _sum2_step(den[i], cden[i], (t[i] + t1[i]) + (t2[i] + t3[i]))
            if track:
                for i in range(cnt):
                    mag[i] += (abs(t[i]) + abs(t1[i])) + (abs(t2[i]) + abs(t3[i]))
            for c in range(k):
                f0, f1 = values[j, c], values[j + 1, c]
                f2, f3 = values[j + 2, c], values[j + 3, c]
                row = num[c]
                crow = cnum[c]
                for i in range(cnt):
                    row[i], crow[i] = _sum2_step(
                        row[i], crow[i], (t[i] * f0 + t1[i] * f1) + (t2[i] * f2 + t3[i] * f3)
                    )
        for j in range(n4, n):
            xj = nodes[j]
            wj = weights[j]
            for i in range(cnt):
                t[i] = wj / (xb[i] - xj)
            if track:
                for i in range(cnt):
                    mag[i] += abs(t[i])
            if compensated:
                for i in range(cnt):
                    den[i], cden[i] = _sum2_step(den[i], cden[i], t[i])
                for c in range(k):
                    fj = values[j, c]
                    row = num[c]
                    crow = cnum[c]
                    for i in range(cnt):
                        row[i], crow[i] = _sum2_step(row[i], crow[i], t[i] * fj)
            else:
                for i in range(cnt):
                    den[i] += t[i]
                for c in range(k):
                    fj = values[j, c]
                    row = num[c]
                    for i in range(cnt):
                        row[i] += t[i] * fj
        for i in range(cnt):
            d = den[i] + cden[i]
            bad = not np.isfinite(d) or d == 0
            for c in range(k):
                v = (num[c, i] + cnum[c, i]) / d
                out[i0 + i, c] = v
                if not np.isfinite(v):
                    bad = True
            if bad:
                li = _repair_point(nodes, weights, values, xb[i], out[i0 + i])
                if track:
                    lam[i0 + i] = li
            elif track:
                lam[i0 + i] = mag[i] / abs(d)


@njit(parallel=True, cache=True)
def bary2_scalar(nodes, weights, values, x, out, lam, compensated):
    """Second formula for one value per node: values (n,), out (m,).  The k = 1 case
    of :func:`bary2` with the accumulators kept one-dimensional.  With
    ``compensated=False`` the sums are plain, term by term (n eps instead of eps
    error growth in the sums).

    If ``lam`` has length ``m`` it receives the Lebesgue function
    ``sum_j |t_j| / |sum_j t_j|`` (``t_j = w_j / (x - x_j)``) at each point, from the
    terms already computed: one absolute value and one addition per term, the
    conditioning estimate of :func:`~numlearn.classical.barycentric.barycentric_eval`.
    A length-0 ``lam`` skips it (the loop is unswitched on the flag)."""
    n = nodes.shape[0]
    m = x.shape[0]
    track = lam.shape[0] > 0
    nblocks = (m + BLOCK - 1) // BLOCK
    v2 = values.reshape((n, 1))
    for b in prange(nblocks):
        i0 = b * BLOCK
        cnt = min(BLOCK, m - i0)
        xb = x[i0 : i0 + cnt]
        den = np.zeros(cnt, dtype=x.dtype)
        num = np.zeros(cnt, dtype=x.dtype)
        cden = np.zeros(cnt, dtype=x.dtype)
        cnum = np.zeros(cnt, dtype=x.dtype)
        mag = np.zeros(cnt, dtype=np.float64)
        if not compensated:
            for j in range(n):
                xj = nodes[j]
                wj = weights[j]
                fj = values[j]
                for i in range(cnt):
                    t = wj / (xb[i] - xj)
                    den[i] += t
                    num[i] += t * fj
                    if track:
                        mag[i] += abs(t)
        # Compensated: four nodes per sweep.  The four terms are added in pairs in
        # plain arithmetic (one rounding of at most eps |group sum|, and consecutive
        # Chebyshev terms have alternating signs, so the group sum is small unless x
        # lies among the four nodes), and the group sum joins the running sum by
        # TwoSum.  The sums' error is then about eps (sum over groups of |group sum|)
        # instead of n eps sum|t_j|, at a quarter of the TwoSums of term-by-term
        # compensation.
        n4 = (n - n % 4) if compensated else 0
        for j in range(0, n4, 4):
            x0, x1, x2, x3 = nodes[j], nodes[j + 1], nodes[j + 2], nodes[j + 3]
            w0, w1, w2, w3 = weights[j], weights[j + 1], weights[j + 2], weights[j + 3]
            f0, f1, f2, f3 = values[j], values[j + 1], values[j + 2], values[j + 3]
            for i in range(cnt):
                xi = xb[i]
                t0 = w0 / (xi - x0)
                t1 = w1 / (xi - x1)
                t2 = w2 / (xi - x2)
                t3 = w3 / (xi - x3)
                den[i], cden[i] = _sum2_step(den[i], cden[i], (t0 + t1) + (t2 + t3))
                num[i], cnum[i] = _sum2_step(
                    num[i], cnum[i], (t0 * f0 + t1 * f1) + (t2 * f2 + t3 * f3)
                )
                if track:
                    mag[i] += (abs(t0) + abs(t1)) + (abs(t2) + abs(t3))
        for j in range(n4, n if compensated else 0):
            xj = nodes[j]
            wj = weights[j]
            fj = values[j]
            for i in range(cnt):
                t = wj / (xb[i] - xj)
                den[i], cden[i], num[i], cnum[i] = _acc(den[i], cden[i], num[i], cnum[i], t, fj)
                if track:
                    mag[i] += abs(t)
        for i in range(cnt):
            d = den[i] + cden[i]
            v = (num[i] + cnum[i]) / d
            out[i0 + i] = v
            if not np.isfinite(v) or d == 0:
                li = _repair_point(nodes, weights, v2, xb[i], out[i0 + i : i0 + i + 1])
                if track:
                    lam[i0 + i] = li
            elif track:
                lam[i0 + i] = mag[i] / abs(d)


@njit(parallel=True, cache=True)
def lebesgue_function(nodes, weights, x, out):
    """sum_j |w_j/(x - x_j)| / |sum_j w_j/(x - x_j)|; exactly 1 at the nodes."""
    n = nodes.shape[0]
    m = x.shape[0]
    nblocks = (m + BLOCK - 1) // BLOCK
    for b in prange(nblocks):
        i0 = b * BLOCK
        cnt = min(BLOCK, m - i0)
        xb = x[i0 : i0 + cnt]
        den = np.zeros(cnt, dtype=x.dtype)
        num = np.zeros(cnt, dtype=np.float64)
        for j in range(n):
            xj = nodes[j]
            wj = weights[j]
            for i in range(cnt):
                t = wj / (xb[i] - xj)
                den[i] += t
                num[i] += abs(t)
        for i in range(cnt):
            v = num[i] / abs(den[i])
            if np.isfinite(v):
                out[i0 + i] = v
            else:
                # Near or at a node: factor out the nearest node as in _repair_point.
                jn = _nearest_node(nodes, xb[i])
                d = xb[i] - nodes[jn]
                if d == 0:
                    out[i0 + i] = 1.0
                    continue
                s = weights[jn] + 0 * d
                a = abs(weights[jn])
                for j in range(n):
                    if j != jn:
                        tt = weights[j] * (d / (xb[i] - nodes[j]))
                        s += tt
                        a += abs(tt)
                out[i0 + i] = a / abs(s)


@njit(cache=True)
def scaled_product(z, nodes, skip):
    """prod_{j != skip} (z - x_j) as (mantissa, exponent) with value m * 2**e.

    The running product is renormalised with frexp after every factor, so it neither
    overflows nor underflows for any n (n in the thousands gives 2**(+-thousands)).
    """
    m = 1.0 + 0.0 * z
    e = 0
    for j in range(nodes.shape[0]):
        if j == skip:
            continue
        m = m * (z - nodes[j])
        if m == 0:
            return m, 0
        _, ex = math.frexp(abs(m))
        m = m * math.ldexp(1.0, -ex)
        e += ex
    return m, e


@njit(cache=True)
def lagrange_weights_scaled(nodes, mant, expo):
    """w_j = 1/prod_{k != j}(x_j - x_k) as mant[j] * 2**expo[j].  O(n^2)."""
    n = nodes.shape[0]
    for j in range(n):
        m, e = scaled_product(nodes[j], nodes, j)
        mant[j] = 1.0 / m
        expo[j] = -e


@njit(parallel=True, cache=True)
def bary1(nodes, weights, log2_scale, values, x, out):
    """First (modified Lagrange) formula.

    ``weights * 2**log2_scale`` are the true Lagrange weights; then
    ``p(x) = l(x) * 2**log2_scale * sum_j weights_j f_j / (x - x_j)`` with
    ``l(x) = prod_j (x - x_j)`` carried as mantissa and exponent.
    """
    n = nodes.shape[0]
    m = x.shape[0]
    k = values.shape[1]
    for i in prange(m):
        xi = x[i]
        hit = -1
        for j in range(n):
            if xi == nodes[j]:
                hit = j
                break
        if hit >= 0:
            for c in range(k):
                out[i, c] = values[hit, c]
            continue
        lm, le = scaled_product(xi, nodes, -1)
        for c in range(k):
            s = 0.0 * xi
            for j in range(n):
                s += weights[j] * values[j, c] / (xi - nodes[j])
            # lm in [0.5, 1) in magnitude and s moderate: scale once at the end.
            # Scale by 2**E in two exact power-of-two steps: a single ldexp(1, E)
            # would overflow when E > 1023 although lm * s is tiny.
            ee = le + log2_scale
            h = ee // 2
            out[i, c] = (lm * s) * math.ldexp(1.0, h) * math.ldexp(1.0, ee - h)


@njit(parallel=True, cache=True)
def trig_bary(xnodes, x, scale, values, odd, out):
    """Trigonometric barycentric formula on equispaced periodic nodes: weights
    (-1)^j, kernel csc (odd n) or cot (even n) of half the angle difference
    ``scale * (x - x_j) / 2`` (``scale = 2 pi / period``).  A point equal to a node
    returns the node value exactly."""
    n = xnodes.shape[0]
    m = x.shape[0]
    k = values.shape[1]
    for i in prange(m):
        xi = x[i]
        hit = -1
        for j in range(n):
            if xi == xnodes[j]:
                hit = j
                break
        if hit >= 0:
            for c in range(k):
                out[i, c] = values[hit, c]
            continue
        den = 0.0
        for c in range(k):
            out[i, c] = 0.0
        for j in range(n):
            h = 0.5 * scale * (xi - xnodes[j])
            if odd:
                t = 1.0 / math.sin(h)
            else:
                t = math.cos(h) / math.sin(h)
            if j % 2 == 1:
                t = -t
            den += t
            for c in range(k):
                out[i, c] += t * values[j, c]
        for c in range(k):
            out[i, c] = out[i, c] / den


@njit(parallel=True, cache=True)
def derivative_at_nodes(nodes, weights, values, out):
    """(D f)_i = sum_{j != i} (w_j / w_i) (f_j - f_i) / (x_i - x_j).

    The first-order barycentric differentiation matrix applied without forming it:
    O(n^2) time, O(n) memory.  Writing the sum over ``f_j - f_i`` is the
    negative-sum trick (the diagonal is minus the off-diagonal row sum), which makes
    constants differentiate to exactly zero.
    """
    n = nodes.shape[0]
    k = values.shape[1]
    for i in prange(n):
        xi = nodes[i]
        wi = weights[i]
        for c in range(k):
            s = 0.0 * values[i, c]
            fi = values[i, c]
            for j in range(n):
                if j != i:
                    s += (weights[j] / wi) * (values[j, c] - fi) / (xi - nodes[j])
            out[i, c] = s
