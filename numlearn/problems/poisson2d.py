r"""Reference solution of PINNacle's Poisson2d-C problem, certified to ~1e-14.

The problem
-----------
.. math::

    \Delta u = 0 \ \text{in}\ \Omega = [-\tfrac12, \tfrac12]^2 \setminus
    \textstyle\bigcup_{m=0}^{3} \bar D(c_m, r), \qquad
    u = 1 \ \text{on the square}, \quad u = 0 \ \text{on the four circles},

with :math:`r = 0.1` and centres :math:`c_m = i^m c_0`, :math:`c_0 = 0.3 + 0.3i`
(points of the plane are complex numbers :math:`z = x + iy`).  The problem is invariant
under the dihedral group :math:`D_4` (rotations by :math:`\pi/2`, reflections in the
axes and the diagonals), hence so is its unique solution.

The expansion
-------------
By the logarithmic conjugation theorem (Axler 1986) a function harmonic in the
five-times connected :math:`\Omega` is :math:`\operatorname{Re} f_0 + \sum_m
\operatorname{Re} f_m + \sum_m a_m \log|z - c_m|`, with :math:`f_0` analytic in the
square and :math:`f_m` analytic outside disk :math:`m` and at infinity.  Expanding each
part in its natural series and keeping only :math:`D_4`-invariant combinations gives

.. math::

    u_{\rm ref}(z) = \alpha_0 + \alpha_L \sum_{m=0}^{3} \log\frac{|z - c_m|}{1/2}
      + \sum_{k=1}^{K} \beta_k \sum_{m=0}^{3}
        \operatorname{Re}\Big(\frac{r\, \hat c_m}{z - c_m}\Big)^{k}
      + \sum_{j=1}^{N} \delta_j \operatorname{Re} p_j(\zeta),
      \qquad \zeta = 4 z^4,

where :math:`\hat c_m = c_m/|c_m|` (each hole's term is symmetric about the diagonal
through it) and :math:`p_j` is the degree-:math:`j` polynomial with real coefficients
of the Arnoldi process on the samples of :math:`\zeta` on the right edge
("Vandermonde with Arnoldi", Brubeck, Nakatsukasa & Trefethen 2021): the recurrence
:math:`H_{j+1,j}\, p_{j+1} = \zeta p_j - \sum_{i \le j} H_{ij} p_i`, :math:`p_0 = 1`,
whose Hessenberg matrix ``H`` is stored.  Only :math:`\operatorname{Re} z^{4j}` terms
survive the symmetry, and :math:`|\zeta| \le 1` on the square.  Every column is bounded
by about 1.5 on :math:`\Omega`.  This is the series method of Trefethen (2018) with the
Laurent terms of the lightning solvers (Gopal & Trefethen 2019); no rational poles are
needed: the corners have angle :math:`\pi/2` and equal data on both sides, so their
singular functions :math:`\operatorname{Im} z^{2k}` are polynomials and ``u`` is
analytic up to the corners.

The coefficients solve the weighted least-squares problem
:math:`\min \sum_i w_i (u_{\rm ref}(z_i) - g_i)^2` on samples of one eighth of the
boundary (the right half-edge :math:`x = \tfrac12,\ 0 \le y \le \tfrac12`, Chebyshev
clustered, and the half of circle 0 below the diagonal, uniform in angle), row weights
:math:`w_i` = arclength per point, columns scaled to unit norm, by SVD
(``numpy.linalg.lstsq``).  Convergence is geometric in ``K`` and ``N`` (the boundary
error falls by a factor 30-80 per four added terms of each kind), and the scaled system
has condition number about 3.4.

Certification
-------------
:math:`e = u_{\rm ref} - u` is harmonic in :math:`\Omega` and continuous up to the
boundary, so by the maximum principle :math:`\max_\Omega |e| = \max_{\partial\Omega}
|u_{\rm ref} - g|`.  The builder samples the whole boundary (all four edges, corners
included, and all four circles) at spacing ``h`` about 1e-5, hundreds of times denser
than the fit, evaluates :math:`e_i` and the tangential derivative :math:`\partial_s
u_{\rm ref} = \partial_s e` (the data are constant on each piece) analytically, and
bounds :math:`\max |e| \le \max_i |e_i| + h \max_i |\partial_s e_i|` (a first-order
Taylor bound with a factor 2 to spare for the variation of :math:`\partial_s e` between
samples).  Adding twice the estimated float64 evaluation rounding
(:math:`\epsilon \max \sum_j |\text{coef}_j \phi_j|`) gives the stored
``certified_bound``, which holds for the float64 values this module returns.

Independent cross-check: a Nyström boundary-integral solve (:func:`poisson2d_c_nystrom`,
double layer plus logarithms, Greenbaum, Greengard & McFadden 1993) shares nothing with
the series but the geometry; the two agree to 2.8e-14 at the 20,789 evaluation points
at least 0.05 from the boundary.

Files and cost
--------------
:func:`build_poisson2d_reference` writes ``reference/pdes/poisson2d_c.npz`` (the
coefficients, ``H``, the evaluation points and the values there) and
``reference/pdes/poisson2d_c.json`` (how it was made, the certificate, the
self-convergence table, the cross-check) and registers both in ``MANIFEST.sha256``;
the build takes 1-2 minutes of CPU time (the Nyström solve with 4,608 unknowns and the
dense boundary sample dominate).  Loading takes milliseconds; evaluation costs about
``4 K + N^2 / 2`` complex multiply-adds per point.

References
----------
.. [1] L. N. Trefethen, "Series solution of Laplace problems", ANZIAM J. 60 (2018) 1-26.
.. [2] A. Gopal and L. N. Trefethen, "Solving Laplace problems with corner
   singularities via rational functions", SIAM J. Numer. Anal. 57 (2019) 2074-2094.
.. [3] P. D. Brubeck, Y. Nakatsukasa and L. N. Trefethen, "Vandermonde with Arnoldi",
   SIAM Review 63 (2021) 405-415.
.. [4] S. Axler, "Harmonic functions from a complex analysis viewpoint", Amer. Math.
   Monthly 93 (1986) 246-258 (logarithmic conjugation theorem).
.. [5] A. Greenbaum, L. Greengard and G. B. McFadden, "Laplace's equation and the
   Dirichlet-Neumann map in multiply connected domains", J. Comput. Phys. 105 (1993)
   267-278.
.. [6] Z. Hao et al., "PINNacle", NeurIPS 2024 Datasets and Benchmarks (Poisson2d-C).
"""

from __future__ import annotations

import functools
import io
import itertools
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array, check_int, warn_ill_conditioned

__all__ = [
    "CENTERS",
    "RADIUS",
    "Poisson2dCExpansion",
    "Poisson2dCReference",
    "build_poisson2d_reference",
    "fit_poisson2d_c",
    "load_poisson2d_reference",
    "poisson2d_c_boundary_error",
    "poisson2d_c_evaluation_points",
    "poisson2d_c_nystrom",
    "poisson2d_c_solution",
]

RADIUS = 0.1
_C0 = 0.3 + 0.3j
#: The hole centres :math:`c_m = i^m (0.3 + 0.3i)`, as complex numbers.
CENTERS = tuple(complex(1j**m * _C0) for m in range(4))
_CENTERS = np.array(CENTERS)
_DIRECTIONS = _CENTERS / np.abs(_CENTERS)
_HALF = 0.5
_LOG_SCALE = 0.5  # log(|z - c_m| / 0.5): the log column is O(1) and nearly centred on Omega
_CORNERS = (0.5 - 0.5j, 0.5 + 0.5j, -0.5 + 0.5j, -0.5 - 0.5j)  # counter-clockwise
_TOL = 1e-12  # points this close outside the closed domain are accepted
_EPS = float(np.finfo(np.float64).eps)
_CHUNK = 4096

FILE_NPZ = "pdes/poisson2d_c.npz"
FILE_JSON = "pdes/poisson2d_c.json"
FORMAT = "numlearn-poisson2d-c/1"

# The stored expansion and how the builder checks it (see build_poisson2d_reference).
_K, _N, _N_FIT = 40, 40, 400
_CONVERGENCE = (8, 12, 16, 20, 24, 28, 32, 36, 40, 48)
_DENSE_EDGE = 2**16  # intervals per edge in the certificate
_DENSE_CIRCLE = 2**16  # points per circle in the certificate
_GRID = 201
_NYSTROM = {"n_uniform": 16, "levels": 24, "order": 16, "n_circle": 128}
_NYSTROM_MIN_DISTANCE = 0.05


# ---------------------------------------------------------------------------------
# the expansion


def _arnoldi(zeta: NDArray[np.complex128], n: int) -> NDArray[np.float64]:
    """Hessenberg matrix ``(n+1, n)`` of the Arnoldi process on the samples ``zeta``.

    The samples must be closed under conjugation; then every inner product is real and
    the :math:`p_j` have real coefficients.  Classical Gram-Schmidt done twice; the
    inner product is the mean over the samples, so each :math:`p_j` has RMS 1 there.
    """
    m = zeta.size
    q = np.zeros((m, n + 1), dtype=np.complex128)
    h = np.zeros((n + 1, n))
    q[:, 0] = 1.0
    for k in range(n):
        v = zeta * q[:, k]
        for _ in range(2):
            coef = (q[:, : k + 1].conj().T @ v).real / m
            v -= q[:, : k + 1] @ coef
            h[: k + 1, k] += coef
        h[k + 1, k] = np.sqrt(np.vdot(v, v).real / m)
        q[:, k + 1] = v / h[k + 1, k]
    return h


def _columns(
    z: NDArray[np.complex128], n_laurent: int, hessenberg: NDArray[np.float64],
    derivative: bool = False,
) -> tuple[NDArray[np.float64], NDArray[np.complex128] | None]:
    """Basis columns :math:`\\phi_j = \\operatorname{Re} F_j` at ``z`` and :math:`F_j'`.

    Column order: constant, log, ``K`` Laurent, ``N`` polynomial (module docstring).
    """
    n_poly = hessenberg.shape[1]
    ncol = 2 + n_laurent + n_poly
    phi = np.zeros((z.size, ncol))
    dphi = np.zeros((z.size, ncol), dtype=np.complex128) if derivative else None
    phi[:, 0] = 1.0
    for c, u in zip(_CENTERS, _DIRECTIONS, strict=True):
        w = z - c
        phi[:, 1] += np.log(np.abs(w) / _LOG_SCALE)
        q = RADIUS * u / w
        p = np.ones_like(q)
        if dphi is not None:
            dphi[:, 1] += 1.0 / w
        for k in range(1, n_laurent + 1):
            p = p * q
            phi[:, 1 + k] += p.real
            if dphi is not None:
                dphi[:, 1 + k] -= k * p / w
    zeta = 4.0 * z**4
    q = np.empty((z.size, n_poly + 1), dtype=np.complex128)
    q[:, 0] = 1.0
    dq = np.zeros_like(q) if dphi is not None else None
    for k in range(n_poly):
        h = hessenberg[: k + 1, k]
        q[:, k + 1] = (zeta * q[:, k] - q[:, : k + 1] @ h) / hessenberg[k + 1, k]
        if dq is not None:  # d/dzeta of the recurrence
            dq[:, k + 1] = (q[:, k] + zeta * dq[:, k] - dq[:, : k + 1] @ h) / hessenberg[k + 1, k]
    phi[:, 2 + n_laurent:] = q[:, 1:].real
    if dphi is not None and dq is not None:
        dphi[:, 2 + n_laurent:] = dq[:, 1:] * (16.0 * z**3)[:, None]
    return phi, dphi


@dataclass(frozen=True)
class Poisson2dCExpansion:
    r"""A :math:`D_4`-symmetric harmonic expansion on the Poisson2d-C domain.

    Attributes
    ----------
    coefficients : ndarray of float64, shape ``(2 + K + N,)``
        :math:`\alpha_0, \alpha_L, \beta_1..\beta_K, \delta_1..\delta_N` (module docs).
    n_laurent : int
        ``K``, Laurent terms per hole.
    hessenberg : ndarray of float64, shape ``(N + 1, N)``
        The Arnoldi recurrence of the polynomial part.
    stats : dict
        How the fit went (condition number, rank, sample sizes); informational.

    Calling the object evaluates the expansion (no domain check; outside
    :math:`\Omega` it is the harmonic continuation, singular at the hole centres).
    Cost: about ``4 K + N^2 / 2`` complex multiply-adds per point (the Arnoldi
    recurrence is a full one).
    """

    coefficients: NDArray[np.float64]
    n_laurent: int
    hessenberg: NDArray[np.float64]
    stats: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def n_poly(self) -> int:
        """``N``, the number of polynomial terms (degree ``4N`` in ``z``)."""
        return int(self.hessenberg.shape[1])

    def _chunks(self, x: ArrayLike, y: ArrayLike, derivative: bool):
        """Yield ``(start, (phi, dphi))`` over chunks of the flattened broadcast points."""
        xx, yy = np.broadcast_arrays(np.asarray(x, dtype=np.float64),
                                     np.asarray(y, dtype=np.float64))
        z = (xx + 1j * yy).ravel()
        for i in range(0, z.size, _CHUNK):
            yield i, _columns(z[i:i + _CHUNK], self.n_laurent, self.hessenberg, derivative)

    def __call__(self, x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """:math:`u_{\\rm ref}(x, y)` at broadcast float64 ``x``, ``y``."""
        shape = np.broadcast_shapes(np.shape(x), np.shape(y))
        out = np.empty(int(np.prod(shape)))
        for i, (phi, _) in self._chunks(x, y, False):
            out[i:i + phi.shape[0]] = phi @ self.coefficients
        return out.reshape(shape)

    def gradient(self, x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64],
                                                            NDArray[np.float64]]:
        """:math:`(u_x, u_y)` from :math:`u_x - i u_y = \\sum_j \\text{coef}_j F_j'(z)`."""
        shape = np.broadcast_shapes(np.shape(x), np.shape(y))
        out = np.empty(int(np.prod(shape)), dtype=np.complex128)
        for i, (_, dphi) in self._chunks(x, y, True):
            out[i:i + dphi.shape[0]] = dphi @ self.coefficients
        out = out.reshape(shape)
        return out.real, -out.imag

    def rounding_estimate(self, x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """:math:`\\epsilon \\sum_j |\\text{coef}_j \\phi_j|`: float64 evaluation error scale."""
        shape = np.broadcast_shapes(np.shape(x), np.shape(y))
        out = np.empty(int(np.prod(shape)))
        for i, (phi, _) in self._chunks(x, y, False):
            out[i:i + phi.shape[0]] = np.abs(phi) @ np.abs(self.coefficients)
        return _EPS * out.reshape(shape)


def _fit_samples(n_edge: int, n_arc: int) -> tuple[NDArray[np.complex128], ...]:
    """Fit points on one eighth of the boundary, their data and row weights."""
    # Right half-edge x = 1/2, 0 <= y <= 1/2: Chebyshev points of the first kind.
    t = (1.0 - np.cos(np.pi * (np.arange(n_edge) + 0.5) / n_edge)) / 2.0
    z_edge = _HALF + 1j * _HALF * t
    # Half of circle 0 below the diagonal y = x: angles in [-3pi/4, pi/4], midpoints.
    theta = -0.75 * np.pi + np.pi * (np.arange(n_arc) + 0.5) / n_arc
    z_arc = _C0 + RADIUS * np.exp(1j * theta)
    z = np.concatenate([z_edge, z_arc])
    g = np.concatenate([np.ones(n_edge), np.zeros(n_arc)])
    w = np.concatenate([np.full(n_edge, _HALF / n_edge), np.full(n_arc, np.pi * RADIUS / n_arc)])
    return z, g, np.sqrt(w), z_edge


def fit_poisson2d_c(
    n_laurent: int = _K, n_poly: int = _N, n_edge: int = _N_FIT, n_arc: int = _N_FIT
) -> Poisson2dCExpansion:
    r"""Fit the symmetric series of the module docstring to the boundary data.

    Parameters
    ----------
    n_laurent : int, default 40
        ``K``, Laurent terms per hole.
    n_poly : int, default 40
        ``N``, polynomial terms :math:`\operatorname{Re} p_j(4z^4)` (degree ``4N``).
    n_edge, n_arc : int, default 400
        Fit points on the half-edge and on the half-circle of the symmetry cell; at
        least ``2 + K + N`` together (use 5-10 times more for a good least-squares fit).

    Returns
    -------
    Poisson2dCExpansion
        With ``stats`` ``{"cond", "rank", "n_edge", "n_arc", "residual_rms"}``.

    Notes
    -----
    Weighted least squares on the column-scaled system by SVD (LAPACK ``gelsd``),
    cost :math:`O(M (2 + K + N)^2)` for ``M = n_edge + n_arc`` rows plus the
    :math:`O(M N^2)` Arnoldi process: a few tenths of a second at the defaults.  Warns
    (:class:`~numlearn.IllConditionedWarning`) if the scaled system's condition number
    exceeds 1e8.  The boundary error falls geometrically in ``K`` and ``N``: see the
    self-convergence table stored in ``reference/pdes/poisson2d_c.json``.
    """
    k = check_int(n_laurent, "n_laurent", minimum=0)
    n = check_int(n_poly, "n_poly", minimum=0)
    ne = check_int(n_edge, "n_edge", minimum=1)
    na = check_int(n_arc, "n_arc", minimum=1)
    ncol = 2 + k + n
    if ne + na < ncol:
        raise ValueError(
            f"n_edge + n_arc = {ne + na} fit points cannot determine {ncol} coefficients "
            f"(2 + n_laurent + n_poly); use at least 5 * {ncol} points in all."
        )
    z, g, w, z_edge = _fit_samples(ne, na)
    # Arnoldi on the whole right edge (the half-edge and its mirror image): closed under
    # conjugation, so the recurrence is real.
    zeta = 4.0 * np.concatenate([z_edge, z_edge.conj()]) ** 4
    hessenberg = _arnoldi(zeta, n)
    phi, _ = _columns(z, k, hessenberg)
    a = phi * w[:, None]
    scale = np.linalg.norm(a, axis=0)
    sol, _, rank, sv = np.linalg.lstsq(a / scale, g * w, rcond=None)
    cond = float(sv[0] / sv[-1]) if sv[-1] > 0 else float("inf")
    warn_ill_conditioned(cond, "the Poisson2d-C least-squares system", threshold=1e8)
    coef = sol / scale
    residual = float(np.sqrt(np.mean((phi @ coef - g) ** 2)))
    stats = {"cond": cond, "rank": int(rank), "n_edge": ne, "n_arc": na,
             "residual_rms": residual}
    return Poisson2dCExpansion(coef, k, hessenberg, stats)


# ---------------------------------------------------------------------------------
# certificate


def _boundary_pieces(n_edge: int, n_circle: int) -> list[tuple[str, NDArray[np.complex128],
                                                                complex | NDArray[Any], float,
                                                                float]]:
    """``(name, points, unit tangents, data value, spacing)`` for the 8 boundary pieces."""
    pieces = []
    t = np.linspace(0.0, 1.0, n_edge + 1)
    for e in range(4):
        a, b = _CORNERS[e], _CORNERS[(e + 1) % 4]
        pieces.append((f"edge{e}", a + (b - a) * t, (b - a) / abs(b - a), 1.0, 1.0 / n_edge))
    theta = 2.0 * np.pi * np.arange(n_circle) / n_circle
    for m, c in enumerate(CENTERS):
        pieces.append((f"circle{m}", c + RADIUS * np.exp(1j * theta), 1j * np.exp(1j * theta),
                       0.0, 2.0 * np.pi * RADIUS / n_circle))
    return pieces


def poisson2d_c_boundary_error(
    expansion: Poisson2dCExpansion, n_edge: int = _DENSE_EDGE, n_circle: int = _DENSE_CIRCLE
) -> dict[str, Any]:
    r"""A posteriori bound of :math:`\max_\Omega |u_{\rm ref} - u|` (maximum principle).

    Samples each of the four edges at ``n_edge + 1`` equispaced points (corners
    included) and each circle at ``n_circle`` equispaced angles; with :math:`e_i` the
    boundary error and :math:`\partial_s e_i` its tangential derivative at the samples,
    spacing ``h`` per piece,

    .. math:: B = \max_{\text{pieces}} \big(\max_i |e_i| + h \max_i |\partial_s e_i|\big).

    Parameters
    ----------
    expansion : Poisson2dCExpansion
    n_edge, n_circle : int, default 65536
        Sample sizes per edge and per circle.

    Returns
    -------
    dict
        ``max_sampled`` (:math:`\max_i |e_i|`), ``max_tangential_derivative``,
        ``bound`` (``B``), ``rounding`` (float64 evaluation error estimate
        :math:`\epsilon \max \sum_j |\text{coef}_j \phi_j|` on the boundary),
        ``certified_bound`` (``B + 2 rounding``), ``per_piece`` (the same per edge and
        circle), sample sizes and spacings.

    Notes
    -----
    Cost: ``4 (n_edge + n_circle)`` evaluations of the expansion and its gradient,
    about 5-10 s at the defaults.
    """
    ne = check_int(n_edge, "n_edge", minimum=1)
    nc = check_int(n_circle, "n_circle", minimum=4)
    per_piece: dict[str, dict[str, float]] = {}
    for name, z, tangent, value, h in _boundary_pieces(ne, nc):
        err = np.abs(expansion(z.real, z.imag) - value)
        ux, uy = expansion.gradient(z.real, z.imag)
        tangent = np.asarray(tangent)
        ds = np.abs(ux * tangent.real + uy * tangent.imag)
        rnd = float(np.max(expansion.rounding_estimate(z.real, z.imag)))
        per_piece[name] = {"max_sampled": float(err.max()),
                           "max_tangential_derivative": float(ds.max()),
                           "spacing": h,
                           "bound": float(err.max() + h * ds.max()),
                           "rounding": rnd}
    bound = max(p["bound"] for p in per_piece.values())
    rounding = max(p["rounding"] for p in per_piece.values())
    return {
        "max_sampled": max(p["max_sampled"] for p in per_piece.values()),
        "max_tangential_derivative": max(p["max_tangential_derivative"]
                                         for p in per_piece.values()),
        "bound": bound,
        "rounding": rounding,
        "certified_bound": bound + 2.0 * rounding,
        "n_per_edge": ne + 1,
        "n_per_circle": nc,
        "per_piece": per_piece,
    }


# ---------------------------------------------------------------------------------
# independent check: Nystrom boundary integral equation


def _nystrom_nodes(n_uniform: int, levels: int, order: int, n_circle: int):
    """Nodes, complex quadrature weights ``dz`` and the number of square nodes."""
    s, w = np.polynomial.legendre.leggauss(order)
    h = 1.0 / n_uniform
    inner = np.linspace(h, 1.0 - h, n_uniform - 1)
    left = h * 2.0 ** -np.arange(levels, 0, -1)
    breaks = np.concatenate([[0.0], left, inner, 1.0 - left[::-1], [1.0]])
    nodes, weights = [], []
    for e in range(4):
        a, b = _CORNERS[e], _CORNERS[(e + 1) % 4]
        for t0, t1 in itertools.pairwise(breaks):
            t = t0 + (t1 - t0) * (s + 1.0) / 2.0
            nodes.append(a + (b - a) * t)
            weights.append((b - a) * (t1 - t0) / 2.0 * w)
    n_square = sum(len(v) for v in nodes)
    theta = 2.0 * np.pi * np.arange(n_circle) / n_circle
    for c in CENTERS:  # clockwise: the domain lies to the left of every boundary curve
        nodes.append(c + RADIUS * np.exp(-1j * theta))
        weights.append(-1j * RADIUS * np.exp(-1j * theta) * (2.0 * np.pi / n_circle))
    return np.concatenate(nodes), np.concatenate(weights), n_square


def poisson2d_c_nystrom(
    x: ArrayLike, y: ArrayLike, *, n_uniform: int = 16, levels: int = 24, order: int = 16,
    n_circle: int = 128,
) -> NDArray[np.float64]:
    r"""Poisson2d-C by a Nyström boundary-integral solve (independent of the series).

    Representation (Greenbaum, Greengard & McFadden 1993):
    :math:`u(z) = \operatorname{Re} \frac{1}{2\pi i}\int_{\partial\Omega}
    \frac{\mu(\eta)\, d\eta}{\eta - z} + \sum_m A_m \log|z - c_m|`, boundary oriented
    with :math:`\Omega` on the left.  The boundary condition (interior limit
    :math:`\mu/2 + K\mu`) plus the four side conditions :math:`\int_{\Gamma_m} \mu\,
    d\theta = 0`, which remove the null space of :math:`\tfrac12 + K` (the indicator
    functions of the circles), form a square, well-conditioned system.

    Discretization: each edge has ``n_uniform`` panels refined dyadically ``levels``
    times towards both corners, ``order``-point Gauss-Legendre on each; each circle
    the trapezoidal rule with ``n_circle`` points (its self-kernel is the constant
    :math:`-1/(4\pi)` per radian).  Same-edge interactions vanish exactly (the kernel
    is real on a straight line), so only the corner interactions need the grading.

    Parameters
    ----------
    x, y : array_like
        Evaluation points, broadcast; they should lie at least ~0.05 from the boundary
        (plain quadrature is inaccurate closer than a panel length).
    n_uniform, levels, order, n_circle : int
        Discretization, see above.  With the defaults (4,608 unknowns) the values agree
        with the stored reference to 2.8e-14 at points at least 0.05 from the boundary.

    Returns
    -------
    ndarray of float64
        :math:`u` at the points.

    Notes
    -----
    Cost: dense LU of the :math:`(n+4)^2` system, :math:`n = 4 \cdot order \cdot
    (n_{uniform} + 2\, levels) + 4\, n_{circle}`: about 5 s at the defaults, 1-2 s for
    ``levels=10, n_circle=64``; then :math:`O(n)` per evaluation point.
    """
    xx = as_float_array(x, "x", allow_complex=False)
    yy = as_float_array(y, "y", allow_complex=False)
    xx, yy = np.broadcast_arrays(xx, yy)
    nu = check_int(n_uniform, "n_uniform", minimum=2)
    lv = check_int(levels, "levels", minimum=0)
    q = check_int(order, "order", minimum=2)
    nc = check_int(n_circle, "n_circle", minimum=8)
    eta, dz, n_square = _nystrom_nodes(nu, lv, q, nc)
    n = eta.size
    diff = eta[None, :] - eta[:, None]
    np.fill_diagonal(diff, 1.0)
    kernel = (dz[None, :] / diff / (2j * np.pi)).real
    np.fill_diagonal(kernel, 0.0)  # straight edges: the diagonal limit is 0
    for m in range(4):
        sl = slice(n_square + m * nc, n_square + (m + 1) * nc)
        kernel[sl, sl] = -1.0 / (2.0 * nc)  # -(1/4pi) (2pi/nc), diagonal included
    a = np.zeros((n + 4, n + 4))
    a[:n, :n] = kernel
    a[np.arange(n), np.arange(n)] += 0.5
    a[:n, n:] = np.log(np.abs(eta[:, None] - _CENTERS[None, :]))
    for m in range(4):
        a[n + m, n_square + m * nc:n_square + (m + 1) * nc] = 1.0
    rhs = np.concatenate([np.ones(n_square), np.zeros(n - n_square + 4)])
    sol = np.linalg.solve(a, rhs)
    mu, logs = sol[:n], sol[n:]
    z = (xx + 1j * yy).ravel()
    out = np.empty(z.size)
    for i in range(0, z.size, 512):
        zc = z[i:i + 512]
        k = (dz[None, :] / (eta[None, :] - zc[:, None]) / (2j * np.pi)).real
        out[i:i + 512] = k @ mu + np.log(np.abs(zc[:, None] - _CENTERS[None, :])) @ logs
    return out.reshape(xx.shape)


# ---------------------------------------------------------------------------------
# stored reference: load, evaluate


def _outside(x: NDArray[np.float64], y: NDArray[np.float64], tol: float) -> NDArray[np.bool_]:
    """Points farther than ``tol`` outside the closed domain."""
    bad = (np.abs(x) > _HALF + tol) | (np.abs(y) > _HALF + tol)
    for c in CENTERS:
        bad |= np.hypot(x - c.real, y - c.imag) < RADIUS - tol
    return bad


def _distance_to_boundary(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    d = np.minimum(_HALF - np.abs(x), _HALF - np.abs(y))
    for c in CENTERS:
        d = np.minimum(d, np.hypot(x - c.real, y - c.imag) - RADIUS)
    return d


@dataclass(frozen=True)
class Poisson2dCReference:
    """The stored Poisson2d-C reference, as loaded from its checked files.

    Attributes
    ----------
    expansion : Poisson2dCExpansion
        The certified expansion.
    x, y, u : ndarray of float64
        Evaluation points (the 201 x 201 grid points in the closed domain) and
        :math:`u_{\\rm ref}` there.
    square_x, square_y, square_u, circle_x, circle_y, circle_u : ndarray of float64
        Boundary points in the PINN training convention (250 per edge, 250 per circle)
        and :math:`u_{\\rm ref}` there (1 and 0 up to the certified bound).
    metadata : dict
        The JSON record: method, certificate, self-convergence table, cross-check.
    """

    expansion: Poisson2dCExpansion
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    u: NDArray[np.float64]
    square_x: NDArray[np.float64]
    square_y: NDArray[np.float64]
    square_u: NDArray[np.float64]
    circle_x: NDArray[np.float64]
    circle_y: NDArray[np.float64]
    circle_u: NDArray[np.float64]
    metadata: dict[str, Any] = field(repr=False)

    @property
    def certified_bound(self) -> float:
        """The stored bound of :math:`\\max_\\Omega |u_{\\rm ref} - u|`."""
        return float(self.metadata["certificate"]["certified_bound"])


def load_poisson2d_reference(
    directory: str | os.PathLike[str] | None = None,
) -> Poisson2dCReference:
    """Load the stored reference after checking both files against the manifest.

    Parameters
    ----------
    directory : path, optional
        The reference directory (see :func:`numlearn.precision.reference_directory`).

    Raises
    ------
    numlearn.precision.ReferenceIntegrityError
        If a file is missing, unlisted, altered or not in the expected layout.
    """
    from numlearn.precision.reference import ReferenceIntegrityError, load_checked_bytes

    meta_bytes = load_checked_bytes(FILE_JSON, directory)
    npz_bytes = load_checked_bytes(FILE_NPZ, directory)
    try:
        meta = json.loads(meta_bytes.decode("utf-8"))
        if meta["format"] != FORMAT:
            raise ValueError(f"format {meta['format']!r}, expected {FORMAT!r}")
        with np.load(io.BytesIO(npz_bytes), allow_pickle=False) as data:
            arrays = {k: np.array(data[k]) for k in data.files}
        expansion = Poisson2dCExpansion(arrays["coefficients"], int(arrays["n_laurent"]),
                                        arrays["hessenberg"])
        names = ("x", "y", "u", "square_x", "square_y", "square_u", "circle_x", "circle_y",
                 "circle_u")
        return Poisson2dCReference(expansion, *(arrays[k] for k in names), metadata=meta)
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile) as exc:
        raise ReferenceIntegrityError(
            f"the Poisson2d-C reference files do not have the {FORMAT} layout: {exc!r}."
        ) from None


@functools.lru_cache(maxsize=4)
def _cached_reference(directory: str) -> Poisson2dCReference:
    return load_poisson2d_reference(directory)


def _default_reference() -> Poisson2dCReference:
    from numlearn.precision.reference import reference_directory

    return _cached_reference(str(reference_directory().resolve()))


def poisson2d_c_solution(x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    r"""The Poisson2d-C reference solution at broadcast ``(x, y)``.

    Evaluates the stored certified expansion (module docstring), whose error
    :math:`|u_{\rm ref} - u|` is at most the ``certified_bound`` of
    ``reference/pdes/poisson2d_c.json`` (about 1e-14) everywhere in the closed domain.
    The files are checksum-verified on the first call and cached.

    Parameters
    ----------
    x, y : array_like
        Real coordinates, broadcast against each other, in the closed domain
        (points up to 1e-12 outside it are accepted).

    Returns
    -------
    ndarray of float64
        The broadcast shape of ``x`` and ``y``.

    Raises
    ------
    ValueError
        If some points lie outside the domain (the message gives how many and one).
    numlearn.precision.ReferenceIntegrityError
        If the stored files fail their checksum.

    Examples
    --------
    >>> from numlearn.problems.poisson2d import poisson2d_c_solution
    >>> u = poisson2d_c_solution([0.0, 0.5], [0.0, 0.1])   # centre; right edge (u = 1)
    >>> bool(abs(u[1] - 1.0) < 1e-14)
    True
    """
    xx = as_float_array(x, "x", allow_complex=False, allow_empty=True)
    yy = as_float_array(y, "y", allow_complex=False, allow_empty=True)
    xx, yy = np.broadcast_arrays(xx.astype(np.float64), yy.astype(np.float64))
    bad = _outside(xx, yy, _TOL)
    if bad.any():
        i = np.unravel_index(int(np.argmax(bad)), bad.shape)
        raise ValueError(
            f"{int(bad.sum())} of {bad.size} points lie outside the Poisson2d-C domain "
            f"[-0.5, 0.5]^2 minus the disks of radius 0.1 at (+-0.3, +-0.3), e.g. "
            f"(x, y) = ({xx[i]!r}, {yy[i]!r}); the reference is defined only there."
        )
    return _default_reference().expansion(xx, yy)


def poisson2d_c_evaluation_points() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The stored evaluation points ``(x, y)``: the 201 x 201 grid points in the domain.

    ``g = numpy.linspace(-0.5, 0.5, 201)``, all ``(g[i], g[j])`` (``x`` slowest) with
    :meth:`numlearn.problems.pdes.Poisson2dC.contains` true: 35,413 points, the square's
    edges included.  Copies, so the cache cannot be modified.
    """
    ref = _default_reference()
    return ref.x.copy(), ref.y.copy()


# ---------------------------------------------------------------------------------
# builder


def _evaluation_grid() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    g = np.linspace(-_HALF, _HALF, _GRID)
    xx, yy = (a.ravel() for a in np.meshgrid(g, g, indexing="ij"))
    keep = (np.abs(xx) <= _HALF) & (np.abs(yy) <= _HALF)
    for c in CENTERS:  # the same test as Poisson2dC.contains: closed domain, no tolerance
        keep &= np.hypot(xx - c.real, yy - c.imag) >= RADIUS
    return xx[keep], yy[keep]


def _training_points() -> tuple[NDArray[np.complex128], NDArray[np.complex128]]:
    """250 points per edge (midpoints of equal parts) and 250 per circle (equal angles)."""
    t = (np.arange(250) + 0.5) / 250
    square = np.concatenate([a + (_CORNERS[(e + 1) % 4] - a) * t
                             for e, a in enumerate(_CORNERS)])
    theta = 2.0 * np.pi * np.arange(250) / 250
    circles = np.concatenate([c + RADIUS * np.exp(1j * theta) for c in CENTERS])
    return square, circles


def _write_npz(path: Path, arrays: dict[str, NDArray[Any]]) -> None:
    """An ``.npz`` with fixed time stamps, so a rebuild is byte-for-byte reproducible."""
    tmp = path.with_suffix(".npz.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w") as f:
                np.lib.format.write_array(f, np.asarray(arr), allow_pickle=False)
    tmp.replace(path)


def build_poisson2d_reference(
    directory: str | os.PathLike[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[str]:
    """Fit, certify and cross-check the reference; write and register its files.

    Steps: (1) fit the series for ``K = N`` in 8, 12, ..., 40, 48 and record the
    self-convergence table (boundary bound on 4,097 points per piece, maximum change
    at the evaluation points); (2) certify the stored ``K = N = 40`` fit on 65,537
    points per edge and 65,536 per circle (:func:`poisson2d_c_boundary_error`);
    (3) compare with :func:`poisson2d_c_nystrom` at every evaluation point at least
    0.05 from the boundary; (4) write ``pdes/poisson2d_c.npz`` and
    ``pdes/poisson2d_c.json`` and register them with
    :func:`numlearn.precision.register_files`.

    Parameters
    ----------
    directory : path, optional
        The reference directory (default :func:`numlearn.precision.reference_directory`);
        the files go to its ``pdes/`` subfolder.
    progress : callable, optional
        Called with one line of text per step (e.g. ``print``).

    Returns
    -------
    list of str
        The registered file names, relative to the reference directory.

    Raises
    ------
    ArithmeticError
        If the certified bound exceeds 1e-10 or the Nyström cross-check disagrees by
        more than 1e-10 (the build then writes nothing).

    Notes
    -----
    1-2 minutes of CPU time.  Deterministic: a rebuild on the same machine and
    library versions reproduces the files byte for byte.
    """
    import numlearn
    from numlearn.precision.reference import reference_directory, register_files

    say = progress or (lambda _line: None)
    root = reference_directory(directory, must_exist=False)
    (root / "pdes").mkdir(parents=True, exist_ok=True)
    x, y = _evaluation_grid()

    # (1) self-convergence
    fits = {n: fit_poisson2d_c(n, n, max(_N_FIT, 10 * n), max(_N_FIT, 10 * n))
            for n in _CONVERGENCE}
    values = {n: f(x, y) for n, f in fits.items()}
    table = []
    for i, n in enumerate(_CONVERGENCE):
        cert = poisson2d_c_boundary_error(fits[n], 4096, 4096)
        row = {"K": n, "N": n, "n_fit_per_piece": fits[n].stats["n_edge"],
               "n_coefficients": 2 + 2 * n, "cond": fits[n].stats["cond"],
               "boundary_bound": cert["bound"],
               "max_change_from_previous": (None if i == 0 else float(
                   np.max(np.abs(values[n] - values[_CONVERGENCE[i - 1]])))),
               "max_difference_from_K_N_48": float(np.max(np.abs(values[n] - values[48])))}
        table.append(row)
        say(f"K = N = {n:2d}: boundary bound {cert['bound']:.2e}, change "
            f"{row['max_change_from_previous'] or float('nan'):.2e}")
    expansion = fits[_K]

    # (2) certificate
    cert = poisson2d_c_boundary_error(expansion)
    say(f"certificate: max sampled {cert['max_sampled']:.2e}, bound {cert['bound']:.2e}, "
        f"certified {cert['certified_bound']:.2e}")
    if not cert["certified_bound"] <= 1e-10:
        raise ArithmeticError(f"certified bound {cert['certified_bound']:.3e} > 1e-10")

    # (3) independent cross-check
    far = _distance_to_boundary(x, y) >= _NYSTROM_MIN_DISTANCE
    u = values[_K]
    nys = poisson2d_c_nystrom(x[far], y[far], **_NYSTROM)
    nys_diff = float(np.max(np.abs(nys - u[far])))
    say(f"Nystrom cross-check at {int(far.sum())} points: max difference {nys_diff:.2e}")
    if not nys_diff <= 1e-10:
        raise ArithmeticError(f"Nystrom cross-check differs by {nys_diff:.3e} > 1e-10")

    # (4) files
    square, circles = _training_points()
    arrays = {
        "coefficients": expansion.coefficients,
        "n_laurent": np.array(expansion.n_laurent),
        "hessenberg": expansion.hessenberg,
        "x": x, "y": y, "u": u,
        "square_x": square.real, "square_y": square.imag,
        "square_u": expansion(square.real, square.imag),
        "circle_x": circles.real, "circle_y": circles.imag,
        "circle_u": expansion(circles.real, circles.imag),
    }
    meta = {
        "format": FORMAT,
        "name": "poisson2d_c",
        "problem": "Laplace u = 0 on [-0.5,0.5]^2 minus the closed disks of radius 0.1 at "
                   "(+-0.3, +-0.3); u = 1 on the square, u = 0 on the circles (PINNacle "
                   "Poisson2d-C)",
        "method": "D4-symmetric harmonic series fitted by weighted least squares "
                  "(Trefethen 2018 series method; numlearn.problems.poisson2d): "
                  "u = a0 + aL sum_m log(|z-c_m|/0.5) + sum_k b_k sum_m Re(r chat_m/(z-c_m))^k "
                  "+ sum_j d_j Re p_j(4 z^4), c_m = i^m (0.3+0.3i), chat_m = c_m/|c_m|, "
                  "r = 0.1, p_j the Arnoldi polynomials of the stored Hessenberg matrix",
        "basis": {"n_laurent": expansion.n_laurent, "n_poly": expansion.n_poly,
                  "n_coefficients": int(expansion.coefficients.size),
                  "column_order": "constant, log, K Laurent, N polynomial",
                  "zeta": "4 z^4", "radius": RADIUS,
                  "centers": [[c.real, c.imag] for c in CENTERS]},
        "fit": {"n_edge": expansion.stats["n_edge"], "n_arc": expansion.stats["n_arc"],
                "samples": "half-edge x = 0.5, 0 <= y <= 0.5 at Chebyshev points of the "
                           "first kind; half-circle around (0.3, 0.3), angles in "
                           "[-3pi/4, pi/4] at midpoints; rows weighted by sqrt(arclength "
                           "per point), columns scaled to unit norm",
                "solver": "numpy.linalg.lstsq (LAPACK gelsd)",
                "cond_scaled": expansion.stats["cond"], "rank": expansion.stats["rank"],
                "residual_rms": expansion.stats["residual_rms"]},
        "certificate": {
            "argument": "u_ref - u is harmonic in the domain, so by the maximum principle "
                        "its maximum modulus is attained on the boundary; bound = max over "
                        "pieces of (max sampled |u_ref - g| + spacing * max |d/ds u_ref|), "
                        "certified_bound = bound + 2 * (float64 evaluation rounding "
                        "estimate eps * max sum_j |coef_j phi_j|)",
            **{k: v for k, v in cert.items()},
        },
        "self_convergence": table,
        "cross_check": {"method": "Nystrom double-layer + 4 logarithms (Greenbaum, "
                                  "Greengard & McFadden 1993), numlearn.problems.poisson2d."
                                  "poisson2d_c_nystrom",
                        "parameters": dict(_NYSTROM),
                        "points": f"the evaluation points at distance >= "
                                  f"{_NYSTROM_MIN_DISTANCE} from the boundary",
                        "n_points": int(far.sum()),
                        "max_abs_difference": nys_diff},
        "evaluation_points": {"rule": "g = numpy.linspace(-0.5, 0.5, 201); all (g[i], g[j]) "
                                      "(x slowest) in the closed domain (|x|, |y| <= 0.5 and "
                                      "hypot(x - cx, y - cy) >= 0.1 for every centre)",
                              "count": int(x.size),
                              "note": "PINNacle's COMSOL node set is not available offline"},
        "training_points": {"square": "4 x 250: on each edge (counter-clockwise from "
                                      "(0.5,-0.5)) the midpoints of 250 equal parts",
                            "circles": "4 x 250: c_m + 0.1 exp(2 pi i k/250), k = 0..249",
                            "note": "BWLer's counts (4 x 250 each); not necessarily its "
                                    "exact points"},
        "accuracy": f"|u_ref - u| <= {cert['certified_bound']:.2e} everywhere in the closed "
                    "domain (maximum principle)",
        "numlearn_version": numlearn.__version__,
        "numpy_version": np.__version__,
    }
    npz_path, json_path = root / FILE_NPZ, root / FILE_JSON
    _write_npz(npz_path, arrays)
    tmp = json_path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(meta, indent=1, ensure_ascii=True) + "\n")
    tmp.replace(json_path)
    register_files([FILE_NPZ, FILE_JSON], root)
    _cached_reference.cache_clear()
    say(f"wrote {npz_path} and {json_path}")
    return [FILE_NPZ, FILE_JSON]
