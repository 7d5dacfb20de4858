r"""Gauss-Legendre nodes and weights to full precision in O(n) (private; see :mod:`.nodes`).

The nodes are computed as angles, :math:`x_k = \cos\theta_k`, by Newton's method on
:math:`\theta \mapsto P_n(\cos\theta)`, for the half :math:`0 < \theta \le \pi/2` only
(the other half by the symmetry :math:`x \to -x`), with two evaluations of
:math:`P_n(\cos\theta)` and :math:`\tfrac{d}{d\theta}P_n(\cos\theta)`:

- the three-term recurrence in Reinsch's form, on :math:`t = 1 - x =
  2\sin^2(\theta/2)`, which keeps the relative accuracy of small angles (O(n) per
  node): every node for ``n <= RECURRENCE_MAX_N``, and the ``N_BOUNDARY`` nodes
  nearest each end for larger ``n``;
- the Stieltjes interior expansion (Hale and Townsend 2013, eq. (3.2)), O(1) per
  node, for the other nodes of large ``n``,

.. math::

    P_n(\cos\theta) = C_n \sum_{m\ge0} h_{n,m}
        \frac{\cos\alpha_{n,m}}{(2\sin\theta)^{m+1/2}}, \qquad
    \alpha_{n,m} = (n + m + \tfrac12)\theta - (m + \tfrac12)\tfrac{\pi}{2},

    C_n = \frac{2}{\sqrt\pi}\frac{\Gamma(n+1)}{\Gamma(n+3/2)}, \qquad
    h_{n,m} = \prod_{j=1}^{m}\frac{(j - 1/2)^2}{j\,(n + j + 1/2)},

summed until the terms fall below the rounding level (at most ``MAX_TERMS``; beyond the
``N_BOUNDARY``-th node from an end, :math:`2 n \sin\theta > 60`, the terms decrease
like :math:`m / 60` and 30 of them are below :math:`10^{-20}`).
The quadrature weights are :math:`\lambda_k = 2 / (\tfrac{d}{d\theta}P_n(\cos
\theta_k))^2` and the barycentric weights :math:`v_k = (-1)^k \sin\theta_k /
|\tfrac{d}{d\theta}P_n(\cos\theta_k)|` (:math:`\propto (-1)^k\sqrt{(1-x_k^2)\lambda_k}`),
both from the angle, never from :math:`1 - x_k^2`, which loses the relative accuracy
of the weights at the ends.  Total cost O(n): O(1) per interior node, O(n) for each of
the ``2 N_BOUNDARY`` boundary nodes.

References
----------
.. [1] N. Hale and A. Townsend, "Fast and accurate computation of Gauss-Legendre and
   Gauss-Jacobi quadrature nodes and weights", SIAM J. Sci. Comput. 35(2),
   A652-A674, 2013. :doi:`10.1137/120889873`
.. [2] Chebfun, ``legpts.m`` (methods ``'rec'`` and ``'asy'``).
.. [3] C. Reinsch's modification of the three-term recurrence near ``x = 1``, in
   J. Oliver, "An error analysis of the modified Clenshaw method for evaluating
   Chebyshev and Fourier series", J. IMA 20, 379-391, 1977.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from numba import njit
from numpy.typing import NDArray

from numlearn._core.compensated import two_prod, two_sum

#: Up to this ``n`` every node comes from Newton on the recurrence (O(n^2) in all).
RECURRENCE_MAX_N = 100
#: Number of nodes at each end computed with the recurrence when ``n`` is larger.
N_BOUNDARY = 8
#: Most terms of the interior expansion summed per evaluation.
MAX_TERMS = 80
#: Newton iterations per node at most (3 or 4 are needed from the initial guesses).
MAX_NEWTON = 12

_EPS = float(np.finfo(np.float64).eps)


@njit(cache=True)
def _recurrence(theta: float, n: int) -> tuple[float, float]:
    """``P_n(cos theta)`` and its derivative in ``theta``, by Reinsch's recurrence."""
    t = 2.0 * math.sin(0.5 * theta) ** 2
    p = 1.0 - t  # P_1
    d = -t  # P_1 - P_0
    for k in range(1, n):
        d = (k * d - (2 * k + 1) * t * p) / (k + 1)
        p = p + d
    # d/dtheta P_n(cos theta) = n (x P_n - P_{n-1}) / sin(theta), x P_n - P_{n-1} = d - t p
    return p, n * (d - t * p) / math.sin(theta)


@njit(cache=True, inline="always")
def _fast_two_sum(a: float, b: float) -> tuple[float, float]:
    s = a + b
    return s, b - (s - a)


@njit(cache=True, inline="always")
def _dd_times(hi: float, lo: float, b: float) -> tuple[float, float]:
    """Double-double ``(hi + lo) * b``."""
    p, e = two_prod(hi, b)
    return _fast_two_sum(p, e + lo * b)


@njit(cache=True, inline="always")
def _dd_add(ah: float, al: float, bh: float, bl: float) -> tuple[float, float]:
    """Double-double ``(ah + al) + (bh + bl)``."""
    s, e = two_sum(ah, bh)
    return _fast_two_sum(s, e + (al + bl))


@njit(cache=True)
def _recurrence_dd(theta: float, n: int) -> tuple[float, float]:
    """:func:`_recurrence` in double-double arithmetic (``t`` itself taken as exact).

    The rounding errors of the plain recurrence accumulate to about ``sqrt(n)`` eps
    relative in the derivative (30 eps at n = 1000); in double-double they stay below
    eps for every ``n`` this module serves.  About 100 flops per step.
    """
    t = 2.0 * math.sin(0.5 * theta) ** 2
    ph, pl = two_sum(1.0, -t)
    dh, dl = -t, 0.0
    for k in range(1, n):
        ah, al = _dd_times(dh, dl, float(k))
        bh, bl = _dd_times(ph, pl, t)
        bh, bl = _dd_times(bh, bl, float(2 * k + 1))
        eh, el = _dd_add(ah, al, -bh, -bl)
        q = eh / (k + 1)  # double-double division by k + 1
        qp, qe = two_prod(q, float(k + 1))
        dh, dl = _fast_two_sum(q, ((eh - qp) - qe + el) / (k + 1))
        ph, pl = _dd_add(ph, pl, dh, dl)
    th, tl = _dd_times(ph, pl, t)
    gh, gl = _dd_add(dh, dl, -th, -tl)
    return ph + pl, n * (gh + gl) / math.sin(theta)


@njit(cache=True)
def _interior(theta: float, n: int) -> tuple[float, float, int]:
    """``P_n(cos theta) / C_n`` and its derivative in ``theta``, by the interior expansion.

    The angles alpha_m advance by theta - pi/2 per term; their cosines and sines are
    rotated rather than recomputed.  Returns the number of terms used as well.
    """
    s, c = math.sin(theta), math.cos(theta)
    u = 0.5 / s
    alpha = (n + 0.5) * theta - 0.25 * math.pi
    ca, sa = math.cos(alpha), math.sin(alpha)
    h = 1.0  # h_{n,m}
    q = 1.0  # u^m
    r = math.sqrt(u)
    val = 0.0
    der = 0.0
    cot = c / s
    m = 0
    while m < MAX_TERMS:
        g = h * q * r
        val += g * ca
        der -= g * ((n + m + 0.5) * sa + (m + 0.5) * cot * ca)
        # rotate alpha by theta - pi/2: cos(theta - pi/2) = s, sin(theta - pi/2) = -c
        ca, sa = ca * s + sa * c, sa * s - ca * c
        h *= (m + 0.5) ** 2 / ((m + 1) * (n + m + 1.5))
        q *= u
        m += 1
        # terms relative to the leading one (each term of der carries n + m ~ n)
        if h * q < 1e-3 * _EPS:
            break
    return val, der, m


@njit(cache=True)
def _newton(theta: NDArray[np.float64], n: int, use_recurrence: bool):
    """Newton on ``theta -> P_n(cos theta)`` for every entry of ``theta`` (in place).

    Returns the derivatives at the converged angles (of ``P_n`` itself with the
    recurrence, of ``P_n / C_n`` with the expansion), a flag per node (converged) and
    the largest number of expansion terms used.
    """
    k = theta.shape[0]
    der = np.empty(k)
    ok = np.zeros(k, dtype=np.bool_)
    most = 0
    for i in range(k):
        th = theta[i]
        # The plain recurrence is accurate to about sqrt(n) eps only: stop its Newton
        # iteration at 1e-9 relative, where the double-double step below (quadratic
        # convergence) takes the angle to full precision.
        tol = 1e-9 if use_recurrence else 2.0 * _EPS
        for _ in range(MAX_NEWTON):
            if use_recurrence:
                p, dp = _recurrence(th, n)
            else:
                p, dp, m = _interior(th, n)
                most = max(most, m)
            step = p / dp
            th -= step
            if abs(step) <= tol * th:
                ok[i] = True
                break
        if use_recurrence:
            # one Newton step in double-double, and the derivative carried to the
            # corrected angle by the ODE f'' = -cot(theta) f' - n (n + 1) f
            p, dp = _recurrence_dd(th, n)
            step = p / dp
            dp += step * (dp * math.cos(th) / math.sin(th) + n * (n + 1.0) * p)
            th -= step
        else:
            p, dp, m = _interior(th, n)
        theta[i] = th
        der[i] = dp
    return der, ok, most


def _stieltjes_constant(n: int) -> float:
    """``C_n = 2 Gamma(n + 1) / (sqrt(pi) Gamma(n + 3/2))`` to about 2 eps, ``n > 50``.

    With a = n + 1 and y = 1/(2a), the difference of two Stirling series is
    ``log(Gamma(a) / Gamma(a + 1/2)) = -log(a)/2 + r`` with
    ``r = 1/2 - a log1p(y) + (Bernoulli terms) = sum_k (-1)^(k+1) y^k / (2(k+1)) + ...``;
    ``r = O(1/n)`` is summed without cancellation, so
    ``C_n = 2 / sqrt(pi a) * exp(r)`` carries only a few roundings.
    """
    a = n + 1.0
    b = n + 1.5
    y = 0.5 / a
    r = 0.0
    for k in range(12, 0, -1):  # 1/2 - a log1p(y), Horner from the smallest term
        r = y * (0.5 / (k + 1) - r)
    # Bernoulli terms B_2k / (2k (2k - 1) z^(2k-1)), k = 1..5, of log Gamma(a) - log Gamma(b)
    for k, c in enumerate((1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188)):
        e = 2 * k + 1
        r += c * (a**-e - b**-e)
    return 2.0 / math.sqrt(math.pi * a) * math.exp(r)


def _initial_angles(n: int, count: int) -> NDArray[np.float64]:
    """Tricomi's approximation of the ``count`` smallest angles (O(n^-4) in x)."""
    k = np.arange(1, count + 1, dtype=np.float64)
    phi = (4 * k - 1) * np.pi / (4 * n + 2)
    x = (1 - (n - 1) / (8.0 * n**3) - (39 - 28 / np.sin(phi) ** 2) / (384.0 * n**4)) * np.cos(phi)
    return np.arccos(np.clip(x, -1.0, 1.0))


def gauss_legendre(n: int) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Gauss-Legendre nodes (increasing), quadrature and barycentric weights, ``n >= 1``.

    The barycentric weights alternate in sign, ``+`` at the first node, and have
    largest magnitude 1.  ``n`` is validated by the caller.
    """
    if n == 1:
        return np.zeros(1), np.full(1, 2.0), np.ones(1)
    half = (n + 1) // 2  # angles in (0, pi/2], the middle one (odd n) included
    theta = _initial_angles(n, half)
    if n % 2:
        theta[-1] = 0.5 * np.pi
    der = np.empty(half)
    ok = np.empty(half, dtype=bool)
    if n <= RECURRENCE_MAX_N:
        der[:], ok[:], _ = _newton(theta, n, True)
    else:
        from scipy.special import jn_zeros

        nb = N_BOUNDARY
        theta[:nb] = jn_zeros(0, nb) / (n + 0.5)  # Bessel-zero guesses near the end
        der[:nb], ok[:nb], _ = _newton(theta[:nb], n, True)
        inner = theta[nb:].copy()
        d_in, ok[nb:], _ = _newton(inner, n, False)
        theta[nb:] = inner
        der[nb:] = d_in * _stieltjes_constant(n)
    if not ok.all():
        warnings.warn(
            f"Gauss-Legendre: Newton did not converge for {int((~ok).sum())} of {half} "
            f"nodes at n = {n}; the nodes and weights may be inaccurate.",
            RuntimeWarning,
            stacklevel=3,
        )
    if n % 2:
        theta[-1] = 0.5 * np.pi
    x_half = np.cos(theta)
    if n % 2:
        x_half[-1] = 0.0
    lam_half = 2.0 / der**2
    v_half = np.sin(theta) / np.abs(der)
    v_half /= v_half.max()
    mid = n // 2  # nodes strictly left of 0
    x = np.concatenate([-x_half, x_half[: n - half][::-1]]) if n % 2 == 0 else np.concatenate(
        [-x_half[:mid], [0.0], x_half[:mid][::-1]]
    )
    lam = np.concatenate([lam_half[:mid], lam_half[mid:], lam_half[:mid][::-1]])
    v = np.concatenate([v_half[:mid], v_half[mid:], v_half[:mid][::-1]])
    v[1::2] *= -1.0
    return x, lam, v
