r"""PINNacle's Poisson2d-C problem: its geometry and its stored reference solution.

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

The reference solution
----------------------
The stored reference is a :math:`D_4`-symmetric harmonic series (logarithmic
conjugation theorem, Axler 1986; the series method of Trefethen 2018 with the Laurent
terms of the lightning solvers, Gopal & Trefethen 2019):

.. math::

    u_{\rm ref}(z) = \alpha_0 + \alpha_L \sum_{m=0}^{3} \log\frac{|z - c_m|}{1/2}
      + \sum_{k=1}^{K} \beta_k \sum_{m=0}^{3}
        \operatorname{Re}\Big(\frac{r\, \hat c_m}{z - c_m}\Big)^{k}
      + \sum_{j=1}^{N} \delta_j \operatorname{Re} p_j(\zeta),
      \qquad \zeta = 4 z^4,

where :math:`\hat c_m = c_m/|c_m|` and :math:`p_j` is the degree-:math:`j` polynomial
of the Arnoldi recurrence :math:`H_{j+1,j}\, p_{j+1} = \zeta p_j - \sum_{i \le j}
H_{ij} p_i`, :math:`p_0 = 1`, whose Hessenberg matrix ``H`` is stored ("Vandermonde
with Arnoldi", Brubeck, Nakatsukasa & Trefethen 2021).  This module defines the basis
(:func:`poisson2d_c_basis`) and evaluates the stored coefficients; how they are fitted
and certified is in :mod:`numlearn.classical.spectral.laplace`
(:func:`~numlearn.classical.spectral.laplace.fit_poisson2d_c`, the maximum-principle
bound :func:`~numlearn.classical.spectral.laplace.poisson2d_c_boundary_error`, the
independent Nyström solve
:func:`~numlearn.classical.spectral.laplace.poisson2d_c_nystrom`), and the files are
written by :func:`numlearn.reference.build_poisson2d_reference`.

Accuracy: :math:`e = u_{\rm ref} - u` is harmonic, so by the maximum principle
:math:`\max_\Omega |e|` is its maximum on the boundary, which the builder bounds from
dense samples: the ``certified_bound`` of ``reference/pdes/poisson2d_c.json`` (about
4e-15) holds everywhere in the closed domain, for the float64 values returned here.

Files and cost
--------------
``reference/pdes/poisson2d_c.npz`` (coefficients, ``H``, the evaluation points and
the values there, boundary points) and ``reference/pdes/poisson2d_c.json`` (how it
was made, the certificate, the self-convergence table, the cross-check), both
checksum-verified on loading.  Loading takes milliseconds; evaluation costs about
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
.. [5] Z. Hao et al., "PINNacle", NeurIPS 2024 Datasets and Benchmarks (Poisson2d-C).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.store import (
    format_error,
    json_field,
    load_checked_json,
    load_checked_npz,
    reference_directory,
    reference_path,
)
from numlearn._core.validation import as_float_array, check_flag, check_int

__all__ = [
    "CENTERS",
    "CORNERS",
    "FILE_JSON",
    "FILE_NPZ",
    "RADIUS",
    "Poisson2dCReference",
    "clear_reference_cache",
    "distance_to_boundary",
    "load_poisson2d_reference",
    "poisson2d_c_basis",
    "poisson2d_c_basis_blocks",
    "poisson2d_c_evaluation_points",
    "poisson2d_c_grid_points",
    "poisson2d_c_series",
    "poisson2d_c_solution",
    "poisson2d_c_training_points",
]

RADIUS = 0.1
_C0 = 0.3 + 0.3j
#: The hole centres :math:`c_m = i^m (0.3 + 0.3i)`, as complex numbers.
CENTERS = tuple(complex(1j**m * _C0) for m in range(4))
#: The corners of the square, counter-clockwise from :math:`(0.5, -0.5)`.
CORNERS = (0.5 - 0.5j, 0.5 + 0.5j, -0.5 + 0.5j, -0.5 - 0.5j)
_CENTERS = np.array(CENTERS)
_DIRECTIONS = _CENTERS / np.abs(_CENTERS)
_HALF = 0.5
_LOG_SCALE = 0.5  # log(|z - c_m| / 0.5): the log column is O(1) and nearly centred on Omega
_TOL = 1e-12  # points this close outside the closed domain are accepted
_CHUNK = 4096
_GRID = 201

FILE_NPZ = "pdes/poisson2d_c.npz"
FILE_JSON = "pdes/poisson2d_c.json"
FORMAT = "numlearn-poisson2d-c/1"


# ---------------------------------------------------------------------------------
# the basis of the series


def poisson2d_c_basis(
    z: NDArray[np.complex128], n_laurent: int, hessenberg: NDArray[np.float64],
    derivative: bool = False,
) -> tuple[NDArray[np.float64], NDArray[np.complex128] | None]:
    """Basis columns :math:`\\phi_j = \\operatorname{Re} F_j` at ``z`` and :math:`F_j'`.

    Column order: constant, log, ``K = n_laurent`` Laurent, ``N`` polynomial (module
    docstring), ``N`` the number of columns of ``hessenberg`` (shape ``(N + 1, N)``).
    Returns ``(phi, dphi)``: ``phi`` real ``(z.size, 2 + K + N)``, ``dphi`` the complex
    derivatives :math:`F_j'(z)` if ``derivative`` else None.  No domain check.

    Raises `TypeError`/`ValueError` naming the argument for a ``z`` that is not a
    finite 1-D array, a negative ``n_laurent``, a ``hessenberg`` that is not a finite
    ``(N + 1, N)`` array with a nonzero subdiagonal, or a non-bool ``derivative``.
    """
    z = as_float_array(z, "z", ndim=1, allow_empty=True).astype(np.complex128, copy=False)
    n_laurent, hessenberg = _check_series(n_laurent, hessenberg)
    derivative = check_flag(derivative, "derivative")
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

def poisson2d_c_basis_blocks(
    x: ArrayLike, y: ArrayLike, n_laurent: int, hessenberg: NDArray[np.float64],
    derivative: bool = False,
) -> Iterator[tuple[int, tuple[NDArray[np.float64], NDArray[np.complex128] | None]]]:
    """Yield ``(start, (phi, dphi))`` over blocks of 4096 of the flattened broadcast
    points (:func:`poisson2d_c_basis` on each), so that memory stays bounded."""
    xx, yy = _points(x, y)
    z = (xx + 1j * yy).ravel()
    for i in range(0, z.size, _CHUNK):
        yield i, poisson2d_c_basis(z[i:i + _CHUNK], n_laurent, hessenberg, derivative)


def poisson2d_c_series(
    x: ArrayLike, y: ArrayLike, coefficients: NDArray[np.float64], n_laurent: int,
    hessenberg: NDArray[np.float64],
) -> NDArray[np.float64]:
    """The series with ``coefficients`` (module docstring) at broadcast float64 ``x``,
    ``y``; no domain check (outside :math:`\\Omega` it is the harmonic continuation,
    singular at the hole centres).  Cost: about ``4 K + N^2 / 2`` complex
    multiply-adds per point."""
    xx, yy = _points(x, y)
    n_laurent, hessenberg = _check_series(n_laurent, hessenberg)
    coefficients = as_float_array(coefficients, "coefficients", ndim=1, allow_complex=False)
    ncol = 2 + n_laurent + hessenberg.shape[1]
    if coefficients.size != ncol:
        raise ValueError(
            f"`coefficients` must have 2 + n_laurent + N = {ncol} entries for "
            f"`n_laurent` = {n_laurent} and `hessenberg` of shape {hessenberg.shape}, got "
            f"{coefficients.size}."
        )
    x, y = xx, yy
    shape = xx.shape
    out = np.empty(int(np.prod(shape)))
    for i, (phi, _) in poisson2d_c_basis_blocks(x, y, n_laurent, hessenberg):
        out[i:i + phi.shape[0]] = phi @ coefficients
    return out.reshape(shape)


# ---------------------------------------------------------------------------------
# the geometry and the points of the benchmark


def _outside(x: NDArray[np.float64], y: NDArray[np.float64], tol: float) -> NDArray[np.bool_]:
    """Points farther than ``tol`` outside the closed domain."""
    bad = (np.abs(x) > _HALF + tol) | (np.abs(y) > _HALF + tol)
    for c in CENTERS:
        bad |= np.hypot(x - c.real, y - c.imag) < RADIUS - tol
    return bad


def _points(x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Broadcast real, finite float64 ``x`` and ``y``; errors name them."""
    xx = as_float_array(x, "x", allow_complex=False, allow_empty=True).astype(np.float64)
    yy = as_float_array(y, "y", allow_complex=False, allow_empty=True).astype(np.float64)
    try:
        return np.broadcast_arrays(xx, yy)  # type: ignore[return-value]
    except ValueError:
        raise ValueError(
            f"`x` (shape {xx.shape}) and `y` (shape {yy.shape}) do not broadcast."
        ) from None


def _check_series(n_laurent: Any, hessenberg: Any) -> tuple[int, NDArray[np.float64]]:
    """Validated ``(n_laurent, hessenberg)`` of the series (see :func:`poisson2d_c_basis`)."""
    k = check_int(n_laurent, "n_laurent", minimum=0, maximum=10**4)
    h = as_float_array(hessenberg, "hessenberg", ndim=2, allow_complex=False,
                       allow_empty=True).astype(np.float64, copy=False)
    if h.shape[0] != h.shape[1] + 1 or (h.shape[1] and not np.all(np.diag(h, -1) != 0.0)):
        raise ValueError(
            f"`hessenberg` must be an (N + 1, N) Hessenberg matrix with a nonzero "
            f"subdiagonal (the Arnoldi recurrence divides by it), got shape {h.shape}."
        )
    return k, h


def distance_to_boundary(x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """Signed distance of ``(x, y)`` to the boundary (positive inside the domain).

    ``x`` and ``y`` are broadcast real finite arrays (errors name them)."""
    x, y = _points(x, y)
    d = np.minimum(_HALF - np.abs(x), _HALF - np.abs(y))
    for c in CENTERS:
        d = np.minimum(d, np.hypot(x - c.real, y - c.imag) - RADIUS)
    return d


def poisson2d_c_grid_points() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The evaluation points by their rule: ``g = numpy.linspace(-0.5, 0.5, 201)``, all
    ``(g[i], g[j])`` (``x`` slowest) in the closed domain (35,413 points, the square's
    edges included).  :func:`poisson2d_c_evaluation_points` returns the stored copy."""
    g = np.linspace(-_HALF, _HALF, _GRID)
    xx, yy = (a.ravel() for a in np.meshgrid(g, g, indexing="ij"))
    keep = (np.abs(xx) <= _HALF) & (np.abs(yy) <= _HALF)
    for c in CENTERS:  # the same test as Poisson2dC.contains: closed domain, no tolerance
        keep &= np.hypot(xx - c.real, yy - c.imag) >= RADIUS
    return xx[keep], yy[keep]


def poisson2d_c_training_points() -> tuple[NDArray[np.complex128], NDArray[np.complex128]]:
    """250 points per edge (midpoints of equal parts) and 250 per circle (equal angles)."""
    t = (np.arange(250) + 0.5) / 250
    square = np.concatenate([a + (CORNERS[(e + 1) % 4] - a) * t
                             for e, a in enumerate(CORNERS)])
    theta = 2.0 * np.pi * np.arange(250) / 250
    circles = np.concatenate([c + RADIUS * np.exp(1j * theta) for c in CENTERS])
    return square, circles


# ---------------------------------------------------------------------------------
# the stored reference: load, evaluate


@dataclass(frozen=True)
class Poisson2dCReference:
    """The stored Poisson2d-C reference, as loaded from its checked files.

    Attributes
    ----------
    coefficients : ndarray of float64, shape ``(2 + K + N,)``
        :math:`\\alpha_0, \\alpha_L, \\beta_1..\\beta_K, \\delta_1..\\delta_N` of the
        certified series (module docstring).
    n_laurent : int
        ``K``, Laurent terms per hole.
    hessenberg : ndarray of float64, shape ``(N + 1, N)``
        The Arnoldi recurrence of the polynomial part.
    x, y, u : ndarray of float64
        Evaluation points (the 201 x 201 grid points in the closed domain) and
        :math:`u_{\\rm ref}` there.
    square_x, square_y, square_u, circle_x, circle_y, circle_u : ndarray of float64
        Boundary points in the PINN training convention (250 per edge, 250 per circle)
        and :math:`u_{\\rm ref}` there (1 and 0 up to the certified bound).
    metadata : dict
        The JSON record: method, certificate, self-convergence table, cross-check.
    """

    coefficients: NDArray[np.float64]
    n_laurent: int
    hessenberg: NDArray[np.float64]
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

    @property
    def n_poly(self) -> int:
        """``N``, the number of polynomial terms (degree ``4N`` in ``z``)."""
        return int(self.hessenberg.shape[1])

    def __call__(self, x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """:math:`u_{\\rm ref}(x, y)` at broadcast float64 ``x``, ``y`` (no domain check;
        :func:`poisson2d_c_solution` checks)."""
        return poisson2d_c_series(x, y, self.coefficients, self.n_laurent, self.hessenberg)


def load_poisson2d_reference(
    directory: str | os.PathLike[str] | None = None,
) -> Poisson2dCReference:
    """Load the stored reference after checking both files against the manifest.

    Then the contents are checked: the JSON layout; float64 arrays, all finite, of
    consistent shapes (``2 + K + N`` coefficients for the ``K``, ``N`` of the basis
    record, ``H`` of shape ``(N + 1, N)``, one value per point); the evaluation points
    in the closed domain; a certified bound in ``(0, 1e-10]``; and the series itself:
    at the 2,000 stored boundary points it must equal the boundary data (1 on the
    square, 0 on the circles) and the stored boundary values, and at every 16th
    evaluation point the stored value, each to the certified bound.  (A sample against
    a Nyström solve: :func:`numlearn.reference.verify_references` with
    ``recompute``.)  About 10 ms.

    Parameters
    ----------
    directory : path, optional
        The reference directory (see :func:`numlearn._core.store.reference_directory`).

    Raises
    ------
    numlearn._core.store.ReferenceIntegrityError
        If a file is missing, unlisted or altered.
    numlearn._core.store.ReferenceFormatError
        (a ``ReferenceIntegrityError`` and a ``ValueError``) If the contents are
        malformed or inconsistent; the message names the file and the field.
    """
    meta = load_checked_json(FILE_JSON, directory)
    names = ("x", "y", "u", "square_x", "square_y", "square_u", "circle_x", "circle_y",
             "circle_u")
    arrays = load_checked_npz(FILE_NPZ, directory, {
        "coefficients": ("f", 1), "n_laurent": ("i", 0), "hessenberg": ("f", 2),
        **{k: ("f", 1) for k in names}})
    npz, jsn = reference_path(FILE_NPZ, directory), reference_path(FILE_JSON, directory)
    if json_field(meta, "format", str, jsn) != FORMAT:
        raise format_error(jsn, "format", f"is {meta['format']!r}, expected {FORMAT!r}")
    k, n = (json_field(meta, f"basis.{key}", int, jsn) for key in ("n_laurent", "n_poly"))
    coef, h = arrays["coefficients"], arrays["hessenberg"]
    for key, got, want in (("n_laurent", int(arrays["n_laurent"]), k),
                           ("hessenberg", h.shape, (n + 1, n)),
                           ("coefficients", coef.shape,
                            (json_field(meta, "basis.n_coefficients", int, jsn),)),
                           ("coefficients", coef.shape, (2 + k + n,))):
        if got != want:
            raise format_error(npz, key, f"is {got}, the basis record of {jsn.name} "
                               f"(n_laurent = {k}, n_poly = {n}) demands {want}")
    for group in (names[:3], names[3:6], names[6:]):
        if len({arrays[g].size for g in group}) != 1:
            raise format_error(npz, group[-1], "must have one entry per point: sizes "
                               + ", ".join(f"{g} {arrays[g].size}" for g in group))
    if arrays["x"].size != json_field(meta, "evaluation_points.count", int, jsn):
        raise format_error(npz, "x", f"has {arrays['x'].size} points, {jsn.name} says "
                           f"{meta['evaluation_points']['count']}")
    if np.any(_outside(arrays["x"], arrays["y"], _TOL)):
        raise format_error(npz, "x", "holds points outside the closed domain")
    bound = json_field(meta, "certificate.certified_bound", float, jsn)
    if not 0 < bound <= 1e-10:
        raise format_error(jsn, "certificate.certified_bound", f"is {bound!r}, expected a "
                           "bound in (0, 1e-10]")
    ref = Poisson2dCReference(coef, k, h, *(arrays[g] for g in names), metadata=meta)
    checks = (("square_u", ref.square_x, ref.square_y, 1.0, ref.square_u),
              ("circle_u", ref.circle_x, ref.circle_y, 0.0, ref.circle_u),
              ("u", ref.x[::16], ref.y[::16], None, ref.u[::16]))
    for key, xs, ys, g, stored in checks:
        series = ref(xs, ys)
        if g is not None and not np.max(np.abs(series - g)) <= bound:
            raise format_error(npz, "coefficients", f"do not reproduce the boundary condition "
                               f"u = {g:g} at the points of `{key}` (off by "
                               f"{np.max(np.abs(series - g)):.2e} > the certified bound "
                               f"{bound:.2e})")
        if not np.max(np.abs(series - stored)) <= bound:
            raise format_error(npz, key, f"differs from the series of `coefficients` by "
                               f"{np.max(np.abs(series - stored)):.2e} > the certified "
                               f"bound {bound:.2e}")
    return ref


@functools.lru_cache(maxsize=4)
def _cached_reference(directory: str) -> Poisson2dCReference:
    return load_poisson2d_reference(directory)


def clear_reference_cache() -> None:
    """Forget the cached reference (after a rebuild of the files)."""
    _cached_reference.cache_clear()


def _default_reference() -> Poisson2dCReference:
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
    numlearn._core.store.ReferenceIntegrityError
        If the stored files fail their checksum.

    Examples
    --------
    >>> from numlearn.problems.poisson2d import poisson2d_c_solution
    >>> u = poisson2d_c_solution([0.0, 0.5], [0.0, 0.1])   # centre; right edge (u = 1)
    >>> bool(abs(u[1] - 1.0) < 1e-14)
    True
    """
    xx, yy = _points(x, y)
    bad = _outside(xx, yy, _TOL)
    if bad.any():
        i = np.unravel_index(int(np.argmax(bad)), bad.shape)
        raise ValueError(
            f"{int(bad.sum())} of {bad.size} points lie outside the Poisson2d-C domain "
            f"[-0.5, 0.5]^2 minus the disks of radius 0.1 at (+-0.3, +-0.3), e.g. "
            f"(x, y) = ({xx[i]!r}, {yy[i]!r}); the reference is defined only there."
        )
    return _default_reference()(xx, yy)


def poisson2d_c_evaluation_points() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The stored evaluation points ``(x, y)``: the 201 x 201 grid points in the domain.

    ``g = numpy.linspace(-0.5, 0.5, 201)``, all ``(g[i], g[j])`` (``x`` slowest) with
    :meth:`numlearn.problems.pdes.Poisson2dC.contains` true: 35,413 points, the square's
    edges included.  Copies, so the cache cannot be modified.
    """
    ref = _default_reference()
    return ref.x.copy(), ref.y.copy()
