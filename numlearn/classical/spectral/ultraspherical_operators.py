r"""Operators of the ultraspherical spectral method: conversion, differentiation,
multiplication, and boundary rows on Chebyshev coefficients.

The building blocks of :func:`~numlearn.classical.spectral.ultraspherical.solve_ultraspherical`
(whose module docstring gives the formulas).  Each returns a sparse (or dense row)
matrix acting on coefficients; all are exact up to rounding.

References
----------
.. [1] S. Olver and A. Townsend, "A fast and well-conditioned spectral method",
   SIAM Review 55(3), 462-489, 2013. :doi:`10.1137/120865458`
.. [2] Chebfun ``@ultraS`` (``ultraS.diffmat``, ``convertmat``, ``multmat``).
.. [3] NIST DLMF sec. 18.9 (Gegenbauer recurrences), sec. 18.7 (:math:`C^{(1)} = U`).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result
from numlearn._core.validation import as_float_array, check_domain, check_int
from numlearn.classical.adaptive import chebyshev_adaptive, chebyshev_interpolate
from numlearn.classical.chebyshev import chebyshev_values
from numlearn.classical.spectral._sizes import MAX_ULTRASPHERICAL_N
from numlearn.classical.spectral.bvp import BoundaryCondition, Coefficient, LinearBVP

#: Largest size ``n`` the operators accept (the solver's limit plus room for the exact
#: truncation it assembles with): O(n) sparse storage, refused beyond before allocating.
MAX_OPERATOR_N = 2 * MAX_ULTRASPHERICAL_N

__all__ = [
    "boundary_row",
    "conversion_operator",
    "differentiation_operator",
    "multiplication_operator",
]


# ------------------------------------------------------------------------- operators


def conversion_operator(lam: int, n: int) -> sp.csr_matrix:
    r"""The ``n x n`` conversion :math:`\mathcal S_\lambda`: coefficients in
    :math:`C^{(\lambda)}` to coefficients in :math:`C^{(\lambda+1)}` (``lam = 0``: from
    Chebyshev :math:`T`).

    Upper triangular with two nonzero diagonals:

    .. math::

        \mathcal S_0 = \begin{pmatrix} 1 & 0 & -\frac12 & & \\ & \frac12 & 0 & -\frac12
        & \\ & & \frac12 & 0 & \ddots \end{pmatrix}, \qquad
        (\mathcal S_\lambda)_{kk} = \frac{\lambda}{\lambda+k}, \quad
        (\mathcal S_\lambda)_{k,k+2} = -\frac{\lambda}{\lambda+k+2}.

    Cost O(n).  Chebfun ``ultraS.convertmat``.

    Parameters
    ----------
    lam : int
        ``>= 0``.
    n : int
        ``>= 1``.

    Returns
    -------
    scipy.sparse.csr_matrix, shape (n, n)

    Examples
    --------
    >>> conversion_operator(0, 4).toarray()
    array([[ 1. ,  0. , -0.5,  0. ],
           [ 0. ,  0.5,  0. , -0.5],
           [ 0. ,  0. ,  0.5,  0. ],
           [ 0. ,  0. ,  0. ,  0.5]])
    """
    lam = check_int(lam, "lam", minimum=0)
    n = check_int(n, "n", minimum=1, maximum=MAX_OPERATOR_N)
    k = np.arange(n, dtype=np.float64)
    if lam == 0:
        main = np.full(n, 0.5)
        main[0] = 1.0
        upper = np.full(max(n - 2, 0), -0.5)
    else:
        main = lam / (lam + k)
        upper = -lam / (lam + k[2:])
    return sp.diags_array([main, upper], offsets=[0, 2], shape=(n, n), format="csr")


def differentiation_operator(order: int, n: int) -> sp.csr_matrix:
    r"""The ``n x n`` differentiation :math:`\mathcal D_\lambda`: :math:`T` coefficients
    to the :math:`C^{(\lambda)}` coefficients of the ``order``-th derivative on [-1, 1].

    One nonzero diagonal, the ``order``-th superdiagonal:
    :math:`(\mathcal D_\lambda)_{k,k+\lambda} = 2^{\lambda-1}(\lambda-1)!\,(k+\lambda)`
    (``order = 0`` gives the identity).  For ``domain = (a, b)`` multiply by
    :math:`(2/(b-a))^\lambda`.  Cost O(n).  Chebfun ``ultraS.diffmat``.

    Examples
    --------
    >>> differentiation_operator(2, 4).toarray()   # T_2'' = 4 = 4 C^(2)_0, T_3'' = 24x
    array([[0., 0., 4., 0.],
           [0., 0., 0., 6.],
           [0., 0., 0., 0.],
           [0., 0., 0., 0.]])
    """
    order = check_int(order, "order", minimum=0)
    n = check_int(n, "n", minimum=1, maximum=MAX_OPERATOR_N)
    if order == 0:
        return sp.identity(n, format="csr")
    if order >= n:
        return sp.csr_matrix((n, n))
    const = 2.0 ** (order - 1) * math.factorial(order - 1)
    diag = const * np.arange(order, n, dtype=np.float64)
    return sp.diags_array([diag], offsets=[order], shape=(n, n), format="csr")


def _jacobi_operator(lam: int, n: int) -> sp.csr_matrix:
    r"""Multiplication by ``x`` in the :math:`C^{(\lambda)}` basis, ``lam >= 1``:
    :math:`x C_k = \frac{(k+1) C_{k+1} + (k + 2\lambda - 1) C_{k-1}}{2(k+\lambda)}`."""
    k = np.arange(n, dtype=np.float64)
    lower = (k[:-1] + 1) / (2 * (k[:-1] + lam))  # X[k+1, k]
    upper = (k[1:] + 2 * lam - 1) / (2 * (k[1:] + lam))  # X[k-1, k]
    return sp.diags_array([lower, upper], offsets=[-1, 1], shape=(n, n), format="csr")


def multiplication_operator(coeffs: ArrayLike, lam: int, n: int) -> sp.csr_matrix:
    r"""The ``n x n`` multiplication :math:`\mathcal M_\lambda[a]` in the
    :math:`C^{(\lambda)}` basis, for :math:`a = \sum_{j<d} a_j T_j` (Chebyshev coefficients).

    :math:`\mathcal M_\lambda[a]\,\mathbf c` are the :math:`C^{(\lambda)}` coefficients of
    :math:`a(s)\sum_k c_k C^{(\lambda)}_k(s)`; banded with bandwidth ``d - 1``.

    * ``lam = 0`` (from :math:`T_jT_k = \tfrac12(T_{j+k} + T_{|j-k|})`): Toeplitz plus
      Hankel, :math:`M_{jk} = \tfrac12(\tilde a_{|j-k|} + a_{j+k})` for ``j >= 1``,
      :math:`M_{0k} = \tfrac12\tilde a_k`, :math:`\tilde a_0 = 2a_0`.
    * ``lam = 1`` (Olver & Townsend 2013): :math:`M_{jk} = \tfrac12(\tilde a_{|j-k|}
      - a_{j+k+2})`.
    * ``lam >= 2``: :math:`a(X)` for the Jacobi operator :math:`X` (multiplication by
      ``x``, tridiagonal) by Clenshaw's recurrence on matrices,
      :math:`B_j = a_j I + 2XB_{j+1} - B_{j+2}`, :math:`a(X) = a_0I + XB_1 - B_2`, built at
      size ``n + d`` so that the truncation to ``n x n`` is exact.  This is the
      ApproxFun construction; Olver & Townsend give an explicit but longer formula
      through linearisation coefficients.

    Cost O(n d) for ``lam <= 1``, O(n d^2) for ``lam >= 2``.

    Parameters
    ----------
    coeffs : array_like, shape (d,)
        Chebyshev coefficients of ``a`` (on [-1, 1], or on the problem's domain: the
        operator acts on coefficients and does not see the interval).
    lam : int
        ``>= 0``.
    n : int
        ``>= 1``.

    Returns
    -------
    scipy.sparse.csr_matrix, shape (n, n)

    Examples
    --------
    >>> multiplication_operator([0.0, 1.0], 0, 3).toarray()   # x T_0 = T_1, x T_1 = ...
    array([[0. , 0.5, 0. ],
           [1. , 0. , 0.5],
           [0. , 0.5, 0. ]])
    """
    a = as_float_array(coeffs, "coeffs", ndim=1, allow_complex=False).astype(np.float64)
    lam = check_int(lam, "lam", minimum=0)
    n = check_int(n, "n", minimum=1, maximum=MAX_OPERATOR_N)
    d = a.shape[0]
    if d == 1:
        return sp.identity(n, format="csr") * a[0]
    if lam <= 1:
        # Toeplitz part: diagonal o has a_{|o|}/2 (a_0 on the main diagonal).
        offs = [o for o in range(-(d - 1), d) if abs(o) < n]
        diags = [np.full(n - abs(o), a[abs(o)] * (1.0 if o == 0 else 0.5)) for o in offs]
        toe = sp.diags_array(diags, offsets=offs, shape=(n, n), format="csr")
        # Hankel part, nonzero only in the top-left corner j + k + shift < d.
        shift, sign, first = (0, 0.5, 1) if lam == 0 else (2, -0.5, 0)
        j, k = np.meshgrid(np.arange(n if n < d else d), np.arange(n if n < d else d),
                           indexing="ij")
        keep = (j + k + shift < d) & (j >= first)
        vals = sign * a[(j + k + shift)[keep]]
        han = sp.csr_matrix((vals, (j[keep], k[keep])), shape=(n, n))
        return (toe + han).tocsr()
    big = n + d
    x = _jacobi_operator(lam, big)
    eye = sp.identity(big, format="csr")
    b1 = sp.csr_matrix((big, big))
    b2 = sp.csr_matrix((big, big))
    for j in range(d - 1, 0, -1):
        b1, b2 = a[j] * eye + 2.0 * (x @ b1) - b2, b1
    out = a[0] * eye + x @ b1 - b2
    return out[:n, :n].tocsr()


def _chebyshev_derivative_transpose(r: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""``D^T r`` for ``D`` the T-to-T derivative on coefficients (Chebfun ``diff``).

    ``(Dc)_i = (2 - \delta_{i0}) \sum_{p > i,\, p - i \text{ odd}} p\, c_p`` (halved at
    ``i = 0``), so ``(D^T r)_p = 2p \sum_{i < p,\, p - i \text{ odd}} \tilde r_i`` with
    :math:`\tilde r_0 = r_0/2`: two running sums, one per parity.  O(n).
    """
    q = r.copy()
    q[0] *= 0.5
    n = q.shape[0]
    out = np.zeros(n)
    even = np.cumsum(q[0::2])  # sums over even i <= 2t
    odd = np.cumsum(q[1::2])  # sums over odd i <= 2t + 1
    p = np.arange(n, dtype=np.float64)
    out[1::2] = even[: out[1::2].shape[0]]
    out[2::2] = odd[: out[2::2].shape[0]]
    return 2.0 * p * out


def boundary_row(bc: BoundaryCondition, n: int, domain: tuple[float, float]) -> NDArray[Any]:
    r"""The row ``r`` with ``r @ c`` = :math:`\sum_j w_j u^{(j)}(x_0)` for :math:`u = \sum_k
    c_k T_k`.

    At the endpoints in closed form,

    .. math:: T_k^{(j)}(\pm 1) = (\pm1)^{k+j} \prod_{i=0}^{j-1} \frac{k^2 - i^2}{2i + 1},

    (so :math:`T_k(\pm1) = (\pm1)^k`, :math:`T_k'(\pm1) = (\pm1)^{k+1}k^2`); at an interior
    point :math:`x_0 = \cos\theta` from :math:`T_k(x_0) = \cos k\theta` and the transposed
    coefficient-derivative recurrence; each derivative times :math:`2/(b-a)`.  O(n j).
    """
    if not isinstance(bc, BoundaryCondition):
        raise TypeError(f"`bc` must be a BoundaryCondition, got {type(bc).__name__}.")
    n = check_int(n, "n", minimum=1, maximum=MAX_OPERATOR_N)
    domain = check_domain(domain)
    a, b = domain
    x0 = bc.location(domain)
    scale = 2.0 / (b - a)
    k = np.arange(n, dtype=np.float64)
    row = np.zeros(n)
    if x0 in (a, b):
        sign = np.where(np.arange(n) % 2 == 0, 1.0, -1.0) if x0 == a else np.ones(n)
        prod = np.ones(n)
        for j, w in enumerate(bc.weights):
            if j:
                prod = prod * (k * k - (j - 1) ** 2) / (2 * j - 1)
            if w:
                s_j = sign * (-1.0) ** j if x0 == a else sign
                row += w * scale**j * s_j * prod
        return row
    s0 = (2.0 * x0 - a - b) / (b - a)
    r = np.cos(k * math.acos(s0))
    for j, w in enumerate(bc.weights):
        if j:
            r = _chebyshev_derivative_transpose(r)
        if w:
            row += w * scale**j * r
    return row


# ------------------------------------------------------------------ assembly


def _adaptive(f: Any, domain: tuple[float, float], name: str) -> Result:
    """:func:`chebyshev_adaptive` with its messages naming the coefficient."""
    try:
        with warnings.catch_warnings():
            # Not converging is reported by the callers (their own message or stats).
            warnings.simplefilter("ignore", RuntimeWarning)
            return chebyshev_adaptive(f, domain)
    except ValueError as exc:
        raise ValueError(
            f"`{name}` must be finite on the whole domain and vectorised: {exc}"
        ) from None


def _series(c: Coefficient, domain: tuple[float, float], name: str) -> NDArray[np.float64]:
    """Chebyshev coefficients of a constant or a smooth callable (Chebfun's constructor)."""
    if not callable(c):
        return np.array([float(c)])
    res = _adaptive(c, domain, name)
    if not res.success:
        raise ValueError(
            f"`{name}` is not resolved by a Chebyshev series of up to {res.stats['n_samples']} "
            "terms on the domain; the ultraspherical method needs smooth (analytic) "
            "coefficients. Use solve_collocation, or split the domain where it is not smooth."
        )
    out = np.asarray(res.value.coefficients, dtype=np.float64)
    if out.ndim != 1:
        raise ValueError(f"`{name}` must be scalar-valued, got values of shape {out.shape[1:]}.")
    nz = np.flatnonzero(out)
    return out[: nz[-1] + 1] if nz.size else out[:1]


def _rhs_series(f: Coefficient, domain: tuple[float, float], n: int) -> tuple[NDArray[Any], bool]:
    """Chebyshev coefficients of ``f``: adaptive if it resolves, else the n-point interpolant."""
    if not callable(f):
        return np.array([float(f)]), True
    res = _adaptive(f, domain, "rhs")
    if res.success and res.value.coefficients.ndim == 1:
        return np.asarray(res.value.coefficients, dtype=np.float64), True
    c = np.asarray(chebyshev_interpolate(f, n=max(n, 2), domain=domain).coefficients,
                   dtype=np.float64)
    if c.ndim != 1:
        raise ValueError(f"`rhs` must be scalar-valued, got values of shape {c.shape[1:]}.")
    return c, False


def _assemble(
    bvp: LinearBVP, n: int, domain: tuple[float, float] | None = None
) -> tuple[sp.csr_matrix, list[NDArray[np.float64]], float]:
    """The first ``n - m`` rows and ``n`` columns of the operator on ``domain`` (default
    the problem's), exactly truncated; the coefficient series and max|a_m|."""
    m = bvp.order
    domain = bvp.domain if domain is None else domain
    a, b = domain
    scale = 2.0 / (b - a)
    series = [_series(c, domain, f"coeffs[{k}]") for k, c in enumerate(bvp.coeffs)]
    big = n + 2 * m + max(len(s) for s in series)  # room for exact truncation
    conv = [conversion_operator(lam, big) for lam in range(m)]
    op = sp.csr_matrix((big, big))
    for k, c in enumerate(series):
        if len(c) == 1 and c[0] == 0.0:
            continue
        term = differentiation_operator(k, big) * scale**k
        if len(c) > 1:
            term = multiplication_operator(c, k, big) @ term
        elif c[0] != 1.0:
            term = term * c[0]
        for lam in range(k, m):
            term = conv[lam] @ term
        op = op + term
    lead = series[m]
    lead_max = float(np.max(np.abs(chebyshev_values(lead)))) if len(lead) > 1 else abs(lead[0])
    if lead_max == 0.0:
        raise ValueError(f"the leading coefficient coeffs[{m}] vanishes on the domain.")
    return op[: n - m, :n].tocsr(), series, lead_max


def _rhs(bvp: LinearBVP, n: int,
         domain: tuple[float, float]) -> tuple[NDArray[Any], bool, int]:
    """The first ``n - m`` :math:`C^{(m)}` coefficients of ``f`` on ``domain``, whether
    Chebfun's constructor resolved ``f`` there, and the length of its series."""
    m = bvp.order
    fc, resolved = _rhs_series(bvp.rhs, domain, n)
    fpad = np.zeros(n + 2 * m)
    nf = min(fc.shape[0], fpad.shape[0])
    fpad[:nf] = fc[:nf]
    for lam in range(m):
        fpad = conversion_operator(lam, fpad.shape[0]) @ fpad
    return fpad[: n - m], resolved, int(fc.shape[0])


def _preconditioner(m: int, n: int, domain: tuple[float, float],
                    lead_max: float) -> NDArray[np.float64]:
    """Right preconditioner: column k >= m scaled by 1/(sigma_m k), the size of the
    leading term's (D_m) entry in that column."""
    scale = 2.0 / (domain[1] - domain[0])
    sigma = 2.0 ** (m - 1) * math.factorial(m - 1) * scale**m * lead_max
    rdiag = np.ones(n)
    rdiag[m:] = 1.0 / (sigma * np.arange(m, n, dtype=np.float64))
    return rdiag
