r"""The ultraspherical spectral method of Olver and Townsend for linear BVPs.

The solution is sought as Chebyshev coefficients, :math:`u = \sum_{k<n} c_k T_k(s)` on
``[a, b]`` (:math:`s = (2x - a - b)/(b - a)`), and the ODE is written in the
*ultraspherical* (Gegenbauer) bases :math:`C^{(\lambda)}`, where differentiation is
sparse:

.. math::

    \frac{d^\lambda T_k}{ds^\lambda} = 2^{\lambda-1} (\lambda-1)!\, k\, C^{(\lambda)}_{k-\lambda}
    \quad\Rightarrow\quad
    \mathcal D_\lambda = 2^{\lambda-1}(\lambda-1)!
    \begin{pmatrix} 0 & \cdots & \lambda & & \\ & & & \lambda+1 & \\ & & & & \ddots
    \end{pmatrix}
    \ (\text{entry } k+\lambda \text{ on the } \lambda\text{-th superdiagonal}),

and conversion :math:`\mathcal S_\lambda: C^{(\lambda)} \to C^{(\lambda+1)}` is banded,
:math:`C^{(\lambda)}_k = \tfrac{\lambda}{\lambda+k}(C^{(\lambda+1)}_k - C^{(\lambda+1)}_{k-2})`
(:math:`\mathcal S_0: T \to C^{(1)}`: :math:`T_0 = C^{(1)}_0`,
:math:`T_k = \tfrac12(C^{(1)}_k - C^{(1)}_{k-2})`).  An order-``m`` operator
:math:`\sum_k a_k u^{(k)}` becomes

.. math::

    \mathcal L = \sum_{k=0}^{m} \Bigl(\frac{2}{b-a}\Bigr)^k
    \mathcal S_{m-1}\cdots\mathcal S_k\, \mathcal M_k[a_k]\, \mathcal D_k
    \quad (T \to C^{(m)}),

banded when the coefficients :math:`a_k` have short Chebyshev series
(:math:`\mathcal M_\lambda[a]` multiplies by :math:`a` in the :math:`C^{(\lambda)}`
basis).  The discrete system takes the ``m`` boundary rows (dense:
:math:`T_k(\pm1) = (\pm1)^k`, :math:`T_k'(\pm1) = (\pm1)^{k+1}k^2`, ...) on top of the
first ``n - m`` rows of :math:`\mathcal L` and is "almost banded".  With the diagonal
right preconditioner :math:`R = \mathrm{diag}(1, \dots, 1, 1/(\sigma_m k))_{k \ge m}`,
:math:`\sigma_m = 2^{m-1}(m-1)!\,(2/(b-a))^m \max|a_m|`, the preconditioned matrix is a
compact perturbation of the identity plus the boundary rows, and its condition number
stays bounded as ``n`` grows (Olver & Townsend 2013; for Dirichlet conditions), where
collocation's grows like :math:`n^{2m}` and faster.  With Neumann or Robin rows
(entries :math:`\sim k^2`) it grows: like :math:`n^2` once those rows are scaled to
unit size as :func:`solve_ultraspherical` does, like :math:`n^3` without; the
solutions stay accurate to rounding there (measurements in the notes, *Spectral solvers*
and ``bench/bench_bvp.py``).

References
----------
.. [1] S. Olver and A. Townsend, "A fast and well-conditioned spectral method",
   SIAM Review 55(3), 462-489, 2013. :doi:`10.1137/120865458`
.. [2] Chebfun ``@ultraS`` (``ultraS.diffmat``, ``convertmat``, ``multmat``,
   ``cheboppref('discretization', @ultraS)``); ApproxFun.jl.
.. [3] NIST DLMF sec. 18.9 (Gegenbauer recurrences), sec. 18.7 (:math:`C^{(1)} = U`).
"""

from __future__ import annotations

import math
import time
import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result
from numlearn._core.validation import as_float_array, check_int, warn_ill_conditioned
from numlearn.classical.adaptive import chebyshev_adaptive, chebyshev_interpolate
from numlearn.classical.chebyshev import chebyshev_values
from numlearn.classical.chebyshev_series import ChebyshevSeries
from numlearn.classical.linalg import inverse_norm1_estimate, power_of_two_row_scale
from numlearn.classical.spectral._almost_banded import (
    AlmostBandedSolver,
    SingularFactor,
    abs_sums,
)
from numlearn.classical.spectral._resolution import relative_tail, resolution_status
from numlearn.classical.spectral.bvp import (
    _NORM_LABEL,
    ILL_CONDITIONED,
    SINGULAR_COND,
    UNRESOLVED_FIX,
    BoundaryCondition,
    Coefficient,
    LinearBVP,
    SingularBVPError,
    _check_cond_option,
    _check_n,
    _cond_kind,
    _inf_norm,
    _singular_message,
)

__all__ = [
    "boundary_row",
    "conversion_operator",
    "differentiation_operator",
    "multiplication_operator",
    "solve_ultraspherical",
]

#: Largest n for which ``cond="exact"`` (a dense SVD, O(n^3)) is allowed.
_EXACT_COND_LIMIT = 8192


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
    n = check_int(n, "n", minimum=1)
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
    n = check_int(n, "n", minimum=1)
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
    n = check_int(n, "n", minimum=1)
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


# --------------------------------------------------------------------------- solver


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
    out = np.asarray(res.value, dtype=np.float64)
    if out.ndim != 1:
        raise ValueError(f"`{name}` must be scalar-valued, got values of shape {out.shape[1:]}.")
    nz = np.flatnonzero(out)
    return out[: nz[-1] + 1] if nz.size else out[:1]


def _rhs_series(f: Coefficient, domain: tuple[float, float], n: int) -> tuple[NDArray[Any], bool]:
    """Chebyshev coefficients of ``f``: adaptive if it resolves, else the n-point interpolant."""
    if not callable(f):
        return np.array([float(f)]), True
    res = _adaptive(f, domain, "rhs")
    if res.success and np.asarray(res.value).ndim == 1:
        return np.asarray(res.value, dtype=np.float64), True
    c = np.asarray(chebyshev_interpolate(f, max(n, 2), 2, domain), dtype=np.float64)
    if c.ndim != 1:
        raise ValueError(f"`rhs` must be scalar-valued, got values of shape {c.shape[1:]}.")
    return c, False


def _assemble(
    bvp: LinearBVP, n: int
) -> tuple[sp.csr_matrix, list[NDArray[np.float64]], float]:
    """The first ``n - m`` rows and ``n`` columns of the operator, exactly truncated."""
    m = bvp.order
    a, b = bvp.domain
    scale = 2.0 / (b - a)
    series = [_series(c, bvp.domain, f"coeffs[{k}]") for k, c in enumerate(bvp.coeffs)]
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


def solve_ultraspherical(
    bvp: LinearBVP, n: int, *, cond: str = "auto", refine: bool = True
) -> Result:
    r"""Solve a linear BVP by the ultraspherical spectral method (Olver & Townsend 2013).

    Builds the almost-banded system: the ``m`` boundary rows (:func:`boundary_row`) over
    the first ``n - m`` rows of :math:`\mathcal L = \sum_k (2/(b-a))^k \mathcal S_{m-1}
    \cdots \mathcal S_k \mathcal M_k[a_k] \mathcal D_k` (see the module docstring),
    with right-hand side the first ``n - m`` :math:`C^{(m)}` coefficients
    :math:`\mathcal S_{m-1}\cdots\mathcal S_0 \mathbf f` (``f``'s Chebyshev series from
    Chebfun's adaptive constructor, zero-padded), and solves
    :math:`(TAR)\,y = Tb`, :math:`u = Ry` with the diagonal right preconditioner
    :math:`R = \mathrm{diag}(1,\dots,1, 1/(\sigma_m k))_{k\ge m}` of the module
    docstring and a diagonal ``T`` that scales each boundary row of ``AR`` by a power of
    two to largest entry ~1 (identity for Dirichlet rows).  Variable
    coefficients are expanded adaptively in Chebyshev series (they must be smooth;
    polynomials are exact) and enter through the multiplication operators
    (:func:`multiplication_operator`).  One step of iterative refinement follows by
    default.

    Cost: O(n d^2) to build (``d`` the longest coefficient series; d = 1 for
    constant coefficients) and O(n (w^2 + m w)) to solve, ``w = 2m + d`` the
    bandwidth (block elimination on a banded LU, SuperLU as the fallback): O(n) for a
    fixed problem; n = 1e6 takes about a second for a constant-coefficient problem
    (timings in the notes, *Spectral solvers*).

    Accuracy: with :math:`\kappa(TAR) = O(1)` the error does not grow with ``n``
    (about 1e-15 for :math:`u'' = e^{4x}`, :math:`u(\pm1) = 0`, ``n`` from 32 to 1e6).

    Parameters
    ----------
    bvp : LinearBVP
    n : int
        Number of Chebyshev coefficients of the solution (degree ``n - 1``); ``n > m``.
    cond : {"auto", "exact", "estimate", "none"}, default "auto"
        Condition numbers in ``stats``: exact 2-norm by SVD of the dense matrix
        (``"auto"`` for ``n <= 512``), a 1-norm estimate (the Hager-Higham estimator
        :func:`~numlearn.classical.linalg.inverse_norm1_estimate`, 4 to 11 solves
        with the factorisation and its transpose; ``"auto"`` above 512), or none.
        1- and 2-norm condition numbers can differ by a factor up to ``n`` either way.
        The singularity check uses it; with ``"none"`` only exact singularity (a zero
        pivot, or the Schur complement's condition number above 1/eps) is detected.
    refine : bool, default True
        One step of iterative refinement (it removes what the block elimination
        may lose when the banded block is only moderately conditioned).

    Returns
    -------
    Result
        ``value``: :class:`~numlearn.classical.chebyshev_series.ChebyshevSeries` with
        ``n`` coefficients.  ``stats``: ``n``, ``order``, ``method``, ``cond`` (of
        ``TAR``, the matrix solved; ``cond_of`` says so, with the norm),
        ``cond_assembled`` (of the unpreconditioned matrix ``A``), ``cond_norm``,
        ``residual_norm`` (:math:`\|b - Au\|_\infty`, named in ``residual_norm_of``),
        ``backward_error``, ``seconds`` (assembly + solve, without condition numbers),
        ``solver`` (``"schur-banded"`` or ``"splu"``), ``bandwidth``, ``rhs_length``
        and ``rhs_resolved`` (whether Chebfun's constructor resolved ``f``; if not, its
        ``n``-point interpolant is used), ``coefficient_lengths``.  ``history``:
        ``residual_norm`` before and after refinement.

    Raises
    ------
    SingularBVPError
        If the system is (numerically) singular: missing or incompatible boundary
        conditions, or a resonance.
    ValueError
        If ``n <= m``, or a coefficient is not smooth enough to expand.

    Warns
    -----
    IllConditionedWarning
        If the preconditioned condition number exceeds 1e12.

    References
    ----------
    .. [1] Olver & Townsend, SIAM Review 55(3), 462-489, 2013.
       :doi:`10.1137/120865458`

    See Also
    --------
    numlearn.classical.spectral.bvp.solve_collocation : dense collocation.
    Chebfun: ``cheboppref.setDefaults('discretization', @ultraS); u = L \ f``.

    Examples
    --------
    >>> from numlearn.classical.spectral.bvp import LinearBVP
    >>> bvp = LinearBVP((0.0, 0.0, 1.0), lambda x: np.exp(4 * x), [("left", 0, 0.0),
    ...                 ("right", 0, 0.0)])
    >>> res = solve_ultraspherical(bvp, 200)
    >>> exact = (np.exp(2.0) - 0.5 * np.sinh(4.0) - np.cosh(4.0)) / 16
    >>> bool(abs(res.value(np.array([0.5]))[0] - exact) < 1e-14)
    True
    >>> round(res.stats["cond"], 2), res.stats["cond_norm"]
    (1.67, '2')
    """
    if not isinstance(bvp, LinearBVP):
        raise TypeError(f"`bvp` must be a LinearBVP, got {type(bvp).__name__}.")
    m = bvp.order
    n = _check_n(n, m)
    cond = _check_cond_option(cond)
    if cond == "exact" and n > _EXACT_COND_LIMIT:
        raise ValueError(
            f"`cond='exact'` needs an SVD of the dense {n} x {n} matrix; use "
            f"cond='estimate' (or 'auto') for n > {_EXACT_COND_LIMIT}."
        )
    t0 = time.perf_counter()
    a_dom, b_dom = bvp.domain
    scale = 2.0 / (b_dom - a_dom)
    op, series, lead_max = _assemble(bvp, n)
    top = np.array([boundary_row(bc, n, bvp.domain) for bc in bvp.bcs])
    g = np.array([bc.value for bc in bvp.bcs])
    fc, resolved = _rhs_series(bvp.rhs, bvp.domain, n)
    fpad = np.zeros(n + 2 * m)
    nf = min(fc.shape[0], fpad.shape[0])
    fpad[:nf] = fc[:nf]
    for lam in range(m):
        fpad = conversion_operator(lam, fpad.shape[0]) @ fpad
    rhs = np.concatenate([g, fpad[: n - m]])
    # Right preconditioner: column k >= m scaled by 1/(sigma_m k), the size of the
    # leading term's (D_m) entry in that column.
    sigma = 2.0 ** (m - 1) * math.factorial(m - 1) * scale**m * lead_max
    rdiag = np.ones(n)
    rdiag[m:] = 1.0 / (sigma * np.arange(m, n, dtype=np.float64))
    op_r = (op @ sp.diags_array(rdiag)).tocsr()
    # Left preconditioner on the boundary rows only: a power of two (exact) near the
    # row's largest entry.  Dirichlet rows of AR have largest entry 1 and are left
    # alone; Neumann/Robin rows grow like k^2 / (2k) and are brought back to O(1).
    top_r = top * rdiag
    tscale = power_of_two_row_scale(top_r, nearest=True)
    top_r *= tscale[:, None]
    lscale = np.ones(n)
    lscale[:m] = tscale
    try:
        solver = AlmostBandedSolver(top_r, op_r)
    except SingularFactor as exc:
        raise SingularBVPError(_singular_message(exc.cond, bvp)) from None

    def residual(u: NDArray[np.float64]) -> NDArray[np.float64]:
        return rhs - np.concatenate([top @ u, op @ u])

    # (T A R) y = T b, u = R y.
    u = rdiag * solver.solve(lscale * rhs)
    r = residual(u)
    history: dict[str, list[Any]] = {"residual_norm": [_inf_norm(r)]}
    if refine:
        u = u + rdiag * solver.solve(lscale * r)
        r = residual(u)
        history["residual_norm"].append(_inf_norm(r))
    seconds = time.perf_counter() - t0
    if not np.all(np.isfinite(u)):
        raise SingularBVPError(_singular_message(math.inf, bvp))

    cond_norm = _cond_kind(cond, n)
    if cond_norm == "exact":
        dense = np.vstack([top, op.toarray()])
        c_full = float(np.linalg.cond(dense))
        c_pre = float(np.linalg.cond(lscale[:, None] * dense * rdiag))
    elif cond_norm == "estimate":
        col_pre = np.abs(top_r).sum(axis=0) + abs_sums(op_r, axis=0)
        col = np.abs(top).sum(axis=0) + abs_sums(op, axis=0)
        c_pre = float(col_pre.max()) * inverse_norm1_estimate(
            solver.solve, solver.solve_transpose, n
        )
        # A^{-1} = R (TAR)^{-1} T.
        c_full = float(col.max()) * inverse_norm1_estimate(
            lambda v: rdiag * solver.solve(lscale * v),
            lambda v: lscale * solver.solve_transpose(rdiag * v),
            n,
        )
    else:
        c_full = c_pre = math.nan
    if c_pre > SINGULAR_COND or (math.isnan(c_pre) and solver.schur_cond > SINGULAR_COND):
        raise SingularBVPError(_singular_message(c_pre, bvp))
    if not math.isnan(c_pre):
        warn_ill_conditioned(
            c_pre, f"the ultraspherical system (n = {n}, preconditioned)",
            threshold=ILL_CONDITIONED,
        )
    norm_label = _NORM_LABEL[cond_norm]
    anorm = max(_inf_norm(top, matrix=True), float(abs_sums(op, axis=1).max()))
    stats = {
        "n": n,
        "order": m,
        "method": "ultraspherical (Olver-Townsend)",
        "cond": c_pre,
        "cond_of": "T A R: A right-preconditioned, boundary rows scaled by powers of two "
                   f"(the matrix solved); norm {norm_label}",
        "cond_assembled": c_full,
        "cond_norm": norm_label,
        "residual_norm": history["residual_norm"][-1],
        "residual_norm_of": "||b - A u||_inf, unpreconditioned system",
        "backward_error": history["residual_norm"][-1]
        / (anorm * _inf_norm(u) + _inf_norm(rhs)),
        "seconds": seconds,
        "solver": solver.kind,
        "bandwidth": solver.bandwidth,
        "rhs_length": int(fc.shape[0]),
        "rhs_resolved": resolved,
        "coefficient_lengths": [len(s) for s in series],
        "tail": relative_tail(u),
    }
    status, message = resolution_status(
        {"x": stats["tail"]}, c_pre, f"the ultraspherical solution (n = {n})", UNRESOLVED_FIX
    )
    return Result(ChebyshevSeries(u, bvp.domain), side="classical", status=status,
                  message=message, stats=stats, history=history, method="ultraspherical")
