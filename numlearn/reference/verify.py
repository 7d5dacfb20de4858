r"""Verify the whole reference directory: checksums, contents, and recomputed samples.

:func:`verify_references` checks every file of ``reference/`` against
``MANIFEST.sha256``, loads every data set through its loader (which checks the layout,
the lengths, shapes, dtypes, finiteness and the float64-versus-decimal roundings:
:func:`~numlearn.reference.load_reference`,
:func:`~numlearn.problems.burgers.load_burgers_reference`,
:func:`~numlearn.problems.poisson2d.load_poisson2d_reference`) and, with
``recompute > 0``, recomputes a seeded sample of each against an independent oracle:

- a 1-D target: ``recompute`` values at 45 digits, and the coefficients
  :math:`a_0..a_{K'}`, :math:`K' = \min(N - 1, 5K/4 + 16)`, by the DCT at 64 digits on
  a grid of :math:`5N/4` points (one transform gives them all): *every* stored
  :math:`a_0..a_K` to its digits, and :math:`\sum_{K<k\le K'}|a_k| \le
  10^{-17}\max|a_k| < \sum_{K\le k\le K'}|a_k|` (``K`` the smallest degree with the
  tail criterion: a truncated list fails here, as its missing coefficients are among
  :math:`a_{K+1}..a_{K'}` of the truncated ``K``); the domain and the points rule too;
- Burgers: ``recompute`` grid values against the two-precision mpmath oracle
  :func:`~numlearn.problems.burgers_mp.burgers_solution_mp` (to ``4 eps``; measured:
  at most 3.7e-16 over 186 grid points), and ``recompute`` of the 30-digit decimals of
  the file's own oracle sample (to ``1e-29``);
- Poisson2d-C: the stored series at every stored point against the stored values, the
  boundary condition (1 on the square, 0 on the circles) at ``recompute`` random points
  of each of the 8 boundary pieces (to the file's certified bound, which the maximum
  principle extends to the whole domain), and a Nyström boundary-integral solve
  (:func:`~numlearn.classical.spectral.laplace.poisson2d_c_nystrom`, 2,048 unknowns)
  at ``recompute`` points at least 0.05 from the boundary (to ``1e-10``; measured:
  at most 1.2e-11 over all 20,789 such points).

Cost: the default (checksums and loaders) about 0.1 s; ``recompute`` adds a fixed 2 s
or so (the coefficient transforms, the Nyström solve) and about 0.15 s per unit (two
Burgers oracle calls and a 45-digit value per target).
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import mpmath
import numpy as np

from numlearn._core.store import (
    ReferenceIntegrityError,
    checked_bytes,
    read_manifest,
    reference_directory,
    shipped_directory,
)
from numlearn._core.validation import EPS, check_flag, check_int
from numlearn.classical.spectral.laplace import poisson2d_c_nystrom
from numlearn.problems import burgers as _burgers
from numlearn.problems import poisson2d as _poisson
from numlearn.problems.burgers_mp import burgers_solution_mp
from numlearn.problems.functions import get_target
from numlearn.reference.reproduce import compare_with_shipped
from numlearn.reference.targets import (
    _DIGITS,
    _RESOLUTION_EXP,
    _TAIL,
    Reference,
    _cheb_coefficients,
    _evaluation_points,
    load_reference,
)

__all__ = ["verify_references"]

#: Burgers: |stored float64 u - oracle| allowed at a grid point (|u| <= 1).
BURGERS_ATOL = 4 * EPS
#: Poisson2d-C: the cheap Nyström discretisation of the check and its tolerance.
_NYSTROM = {"n_uniform": 8, "levels": 10, "n_circle": 64}
_NYSTROM_ATOL = 1e-10
_NYSTROM_MIN_DISTANCE = 0.05


def _recompute_target(ref: Reference, rng: random.Random, count: int) -> list[str]:
    """Recompute ``count`` values and all coefficients of ``ref`` (module docstring) and
    list the mismatches."""
    problems = []
    t = get_target(ref.name)
    if t.domain != ref.domain:
        problems.append(f"{ref.name}: `domain` is {ref.domain} in {ref.path}, the target "
                        f"is defined on {t.domain}; rebuild the file")
        return problems
    if _evaluation_points(ref.domain, ref.points.size) != ref.points.tolist():
        problems.append(f"{ref.name}: `values.points` in {ref.path} do not follow the "
                        "points rule (endpoints and the golden-ratio sequence)")
    with mpmath.workdps(45):
        tol = mpmath.mpf(10) ** -(_DIGITS - 2)
        for i in rng.sample(range(len(ref.values)), min(count, len(ref.values))):
            v = t.mpmath_func(mpmath.mpf(ref.points[i]))
            stored = mpmath.mpf(ref.values[i])
            if abs(v - stored) > tol * abs(v):
                problems.append(f"{ref.name}: value at x = {float(ref.points[i])!r} is "
                                f"{mpmath.nstr(v, 34)}, file says {ref.values[i]}")
    n = int(ref.metadata["chebyshev"]["computations"][0]["n_points"]) - 1
    kmax = min(n - 1, ref.degree + ref.degree // 4 + 16)
    coef = _cheb_coefficients(t.mpmath_func, ref.domain, n + n // 4, kmax, 64)
    mp_ref = ref.mp_coefficients()
    with mpmath.workdps(64):
        scale = max(abs(c) for c in coef)
        for k, stored in enumerate(mp_ref):
            bound = max(tol * abs(coef[k]), scale * mpmath.mpf(10) ** -(_RESOLUTION_EXP - 2))
            if abs(coef[k] - stored) > bound:
                problems.append(f"{ref.name}: a_{k} recomputes to {mpmath.nstr(coef[k], 34)}, "
                                f"file says {ref.coefficients[k]}")
        tail = sum(abs(c) for c in coef[ref.degree + 1:])
        if tail > _TAIL * scale:
            problems.append(
                f"{ref.name}: `chebyshev.coefficients` in {ref.path} stop at K = "
                f"{ref.degree}, but sum_(k>K) |a_k| recomputes to "
                f"{mpmath.nstr(tail / scale, 3)} max|a_k| > {_TAIL:g} (a_{ref.degree + 1} "
                f"= {mpmath.nstr(coef[ref.degree + 1], 5)}): the series is truncated")
        elif tail + abs(coef[ref.degree]) <= _TAIL * scale:
            problems.append(f"{ref.name}: `chebyshev.K` = {ref.degree} in {ref.path} is not "
                            "the smallest degree with the tail criterion")
    return problems


def _recompute_burgers(directory: Path, rng: random.Random, count: int) -> list[str]:
    """Grid values and sample decimals of the Burgers files against the mpmath oracle."""
    t, x, u, meta = _burgers.load_burgers_reference(directory)
    where = directory / _burgers.REFERENCE_FILES[0]
    problems = []
    for _ in range(count):
        i, j = rng.randrange(t.size), rng.randrange(x.size)
        v = burgers_solution_mp(float(t[i]), float(x[j]), 30, check_dps=60)
        if abs(mpmath.mpf(float(u[i, j])) - v) > BURGERS_ATOL:
            problems.append(f"{where}: `u[{i}, {j}]` (t = {float(t[i])!r}, x = {float(x[j])!r}) "
                            f"is {float(u[i, j])!r}; the oracle burgers_solution_mp gives "
                            f"{mpmath.nstr(v, 20)} (tolerance {BURGERS_ATOL:.1e})")
    points = meta["mpmath_sample"]["points"]
    for i in rng.sample(range(len(points)), min(count, len(points))):
        p = points[i]
        v = burgers_solution_mp(float.fromhex(p["t"]), float.fromhex(p["x"]), 30,
                                check_dps=60)
        with mpmath.workdps(40):
            if abs(mpmath.mpf(p["u"]) - v) > mpmath.mpf(10) ** -29:
                problems.append(f"{where.with_suffix('.json')}: `mpmath_sample.points[{i}].u`"
                                f" is {p['u']}; the oracle gives {mpmath.nstr(v, 30)}")
    return problems


def _boundary_sample(gen: np.random.Generator, count: int) -> tuple[Any, Any]:
    """``count`` random points on each edge (u = 1) and each circle (u = 0)."""
    s = gen.uniform(0.0, 1.0, (4, count))
    corners = np.array(_poisson.CORNERS)
    edges = (corners[:, None] + (np.roll(corners, -1)[:, None] - corners[:, None]) * s).ravel()
    theta = gen.uniform(0.0, 2 * np.pi, (4, count))
    circles = (np.array(_poisson.CENTERS)[:, None]
               + _poisson.RADIUS * np.exp(1j * theta)).ravel()
    return edges, circles


def _recompute_poisson(directory: Path, rng: random.Random, count: int) -> list[str]:
    """The Poisson2d-C series against its stored values, the boundary condition and a
    Nyström solve (module docstring)."""
    ref = _poisson.load_poisson2d_reference(directory)
    where = directory / _poisson.FILE_NPZ
    bound = ref.certified_bound
    problems = []
    err = np.abs(ref(ref.x, ref.y) - ref.u)
    if not np.max(err) <= bound:
        i = int(np.argmax(err))
        problems.append(f"{where}: `u[{i}]` differs from the stored series at "
                        f"({float(ref.x[i])!r}, {float(ref.y[i])!r}) by {err[i]:.2e} > the "
                        f"certified bound {bound:.2e}")
    gen = np.random.default_rng(rng.randrange(2**32))
    edges, circles = _boundary_sample(gen, count)
    for z, g, what in ((edges, 1.0, "the square (u = 1)"), (circles, 0.0, "the circles (u = 0)")):
        miss = float(np.max(np.abs(ref(z.real, z.imag) - g)))
        if not miss <= bound:
            problems.append(f"{where}: `coefficients`: the series misses the boundary "
                            f"condition on {what} by {miss:.2e} > the certified bound "
                            f"{bound:.2e}")
    far = np.flatnonzero(_poisson.distance_to_boundary(ref.x, ref.y) >= _NYSTROM_MIN_DISTANCE)
    idx = gen.choice(far, size=min(count, far.size), replace=False)
    diff = np.abs(poisson2d_c_nystrom(ref.x[idx], ref.y[idx], **_NYSTROM) - ref.u[idx])
    if not np.max(diff) <= _NYSTROM_ATOL:
        i = int(idx[np.argmax(diff)])
        problems.append(f"{where}: `u[{i}]` at ({float(ref.x[i])!r}, {float(ref.y[i])!r}) "
                        f"differs from a Nystrom solve by {np.max(diff):.2e} > "
                        f"{_NYSTROM_ATOL:g}")
    return problems


def verify_references(
    directory: str | os.PathLike[str] | None = None,
    *,
    recompute: int = 0,
    seed: int = 0,
    against_shipped: bool = False,
) -> dict[str, str]:
    """Check every reference file against the manifest and its loader; optionally
    recompute a sample against independent oracles (module docstring).

    With ``against_shipped``, a directory other than the data installed with numlearn
    (one made by ``numlearn reference build``) is also compared with the shipped files:
    byte for byte, or within the tolerances the shipped ``MANIFEST.tolerances`` states
    for computed arrays (:mod:`numlearn.reference.reproduce`); ``numlearn reference
    verify`` does this.

    Parameters
    ----------
    directory : path, optional
        Default :func:`numlearn._core.store.reference_directory`.
    recompute : int, default 0
        Per data set, how many stored values to recompute (1-D targets: also every
        coefficient and the tail; Burgers: grid values and sample decimals;
        Poisson2d-C: boundary points per piece and Nyström points).  This also detects
        data that no longer match the code that defines them.
    seed : int, default 0
        Seed of the sample.
    against_shipped : bool, default False
        Also compare the files with the data installed with numlearn
        (:func:`~numlearn.reference.reproduce.compare_with_shipped`); nothing to do when
        the directory is that data.

    Returns
    -------
    dict of str to str
        ``{filename: sha256}`` of the verified files.

    Raises
    ------
    TypeError, ValueError
        If ``recompute`` or ``seed`` is not an integer >= 0.
    ReferenceIntegrityError
        Listing every problem found: a missing manifest, missing, altered, unlisted or
        malformed files, contents that fail their loader's checks, recomputation
        mismatches, a rebuilt file that disagrees with the shipped one beyond its
        stated tolerance.

    Examples
    --------
    >>> verify_references(recompute=3)   # doctest: +SKIP
    """
    recompute = check_int(recompute, "recompute", minimum=0)
    seed = check_int(seed, "seed", minimum=0)
    against_shipped = check_flag(against_shipped, "against_shipped")
    d = reference_directory(directory)
    manifest = read_manifest(d)
    problems: list[str] = []
    for path in sorted([*d.glob("*.json"), *d.glob("pdes/*")]):
        if path.relative_to(d).as_posix() not in manifest:
            problems.append(f"{path} is not listed in the manifest")
    intact = set()
    for filename in sorted(manifest):
        try:
            checked_bytes(d, filename, manifest)
            intact.add(filename)
        except ReferenceIntegrityError as exc:
            problems.append(str(exc))
    rng = random.Random(seed)
    for filename in sorted(intact):
        if filename.endswith(".json") and "/" not in filename:
            try:
                ref = load_reference(filename[:-5], d)
                if recompute:
                    problems += _recompute_target(ref, rng, recompute)
            except (ReferenceIntegrityError, KeyError) as exc:
                problems.append(str(exc))
    datasets = ((_burgers.REFERENCE_FILES, _burgers.load_burgers_reference, _recompute_burgers),
                ((_poisson.FILE_NPZ, _poisson.FILE_JSON), _poisson.load_poisson2d_reference,
                 _recompute_poisson))
    for files, load, recompute_set in datasets:
        listed = [f for f in files if f in manifest]
        if not listed or not all(f in intact for f in listed):
            continue  # not part of this directory, or already reported
        if len(listed) < len(files):
            problems.append(f"{d / listed[0]} is listed in the manifest without "
                            f"{sorted(set(files) - set(listed))}")
            continue
        try:
            load(d)
            if recompute:
                problems += recompute_set(d, rng, recompute)
        except ReferenceIntegrityError as exc:
            problems.append(str(exc))
    shipped = shipped_directory()
    if against_shipped and shipped is not None and shipped.resolve() != d.resolve():
        problems += compare_with_shipped(d, shipped, intact)
    if problems:
        raise ReferenceIntegrityError(
            f"{len(problems)} problem(s) in {d}:\n  " + "\n  ".join(problems)
        )
    return dict(sorted(manifest.items()))
