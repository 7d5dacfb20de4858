"""Hypothesis strategies for numerical tests: nodes, smooth functions, matrices.

Every strategy here draws all its randomness through hypothesis (directly, or as a
seed for :func:`numpy.random.default_rng`), so failures shrink and replay, and the
``numlearn-ci`` profile (:func:`numlearn.testing.load_profile`) makes them
deterministic.

Node sets are sorted, distinct, finite 1-D float64 arrays inside the closed domain.
They range from benign (Chebyshev points) to hostile (clustered points,
nearly coincident pairs), which is where barycentric formulas, differentiation
matrices and Vandermonde-like solves lose digits.

Examples
--------
>>> from hypothesis import given
>>> from numlearn.testing import chebyshev_series, node_sets
>>> @given(nodes=node_sets(max_n=20), f=chebyshev_series(max_degree=10))
... def test_values_are_finite(nodes, f):
...     assert np.isfinite(f(nodes)).all()
>>> test_values_are_finite()
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import mpmath
import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from numpy.polynomial import chebyshev as npcheb
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import EPS, check_domain, check_int
from numlearn.classical.nodes import chebyshev_points, map_to_reference

__all__ = [
    "ChebyshevSeries",
    "chebyshev_nodes",
    "chebyshev_series",
    "clustered_nodes",
    "evaluation_points",
    "matrices_with_condition",
    "nearly_coincident_nodes",
    "node_sets",
    "random_distinct_nodes",
]

Domain = tuple[float, float]


def _check_sizes(min_n: int, max_n: int, *, minimum: int = 1) -> tuple[int, int]:
    min_n = check_int(min_n, "min_n", minimum=minimum)
    max_n = check_int(max_n, "max_n", minimum=minimum)
    if max_n < min_n:
        raise ValueError(f"`max_n` must be >= `min_n`, got min_n={min_n}, max_n={max_n}.")
    return min_n, max_n


def _rounding_pad(domain: Domain) -> float:
    # Absolute rounding error of ``a + t + i*h`` and of clipping, with margin: a few
    # ulps of the largest magnitude in play.  Used as a floor on node gaps so that
    # gaps that are positive in exact arithmetic stay positive after rounding.
    a, b = domain
    return 8.0 * EPS * max(abs(a), abs(b), b - a)


def _check_width(domain: Domain) -> None:
    # Clustered and near-coincident points need many floats between a and b.
    a, b = domain
    if b - a < 1e-6 * max(abs(a), abs(b)):
        raise ValueError(
            f"`domain` ({a}, {b}) is too narrow for its magnitude to hold clustered or "
            "near-coincident points; use b - a >= 1e-6 max(|a|, |b|)."
        )


# --------------------------------------------------------------------------- nodes


def chebyshev_nodes(
    min_n: int = 1,
    max_n: int = 64,
    *,
    kind: Literal[1, 2] | None = None,
    domain: Domain = (-1.0, 1.0),
) -> st.SearchStrategy[NDArray[np.float64]]:
    """Chebyshev points of the first or second kind with a drawn number of points.

    Draws ``n`` in ``[min_n, max_n]`` (and the kind, if ``kind`` is None) and returns
    :func:`numlearn.classical.chebyshev_points` ``(n, kind, domain)``.

    Parameters
    ----------
    min_n, max_n : int
        Range of the number of points, ``1 <= min_n <= max_n``.
    kind : {1, 2} or None, optional
        First kind (roots of :math:`T_n`), second kind (extrema of :math:`T_{n-1}`,
        endpoints included), or None to draw either.
    domain : (float, float), optional
        Interval ``(a, b)``, ``a < b``.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of increasing float64 arrays of shape ``(n,)``.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(chebyshev_nodes(2, 30, kind=2))
    ... def test_endpoints(x):
    ...     assert x[0] == -1.0 and x[-1] == 1.0
    >>> test_endpoints()
    """
    min_n, max_n = _check_sizes(min_n, max_n)
    domain = check_domain(domain)
    if kind is None:
        kinds: st.SearchStrategy[int] = st.sampled_from([1, 2])
    elif kind in (1, 2) and not isinstance(kind, bool):
        kinds = st.just(int(kind))
    else:
        raise ValueError(f"`kind` must be 1, 2 or None (either), got {kind!r}.")
    return st.builds(
        lambda n, k: chebyshev_points(n, kind=k, domain=domain),
        st.integers(min_n, max_n),
        kinds,
    )


def _spread(
    draw: Callable[[st.SearchStrategy[Any]], Any], n: int, domain: Domain, gap: float
) -> NDArray[np.float64]:
    """Draw ``n`` sorted points in ``domain`` with consecutive gaps >= ``gap`` (exactly).

    Construction: draw ``t_0 <= ... <= t_{n-1}`` in ``[0, L - (n-1) h]`` and set
    ``x_i = a + t_i + i h``, with ``h = gap`` plus two rounding pads, so that the
    rounded gaps still exceed ``gap`` and clipping to ``b`` costs at most one pad.
    """
    a, b = domain
    h = gap + 2.0 * _rounding_pad(domain)
    room = (b - a) - (n - 1) * h
    t = sorted(
        draw(
            st.lists(
                st.floats(0.0, max(room, 0.0), allow_nan=False, allow_infinity=False),
                min_size=n,
                max_size=n,
            )
        )
    )
    x = np.minimum(a + np.asarray(t, dtype=np.float64) + h * np.arange(n), b)
    return x


def random_distinct_nodes(
    min_n: int = 1,
    max_n: int = 64,
    domain: Domain = (-1.0, 1.0),
    *,
    min_separation: float = 0.0,
) -> st.SearchStrategy[NDArray[np.float64]]:
    """Random sorted, distinct points in ``domain`` with a guaranteed minimum gap.

    The points are ``x_i = a + t_i + i h`` with ``t`` drawn sorted in
    ``[0, (b - a) - (n - 1) h]``: hypothesis shrinks them towards equispaced
    clusters at ``a``.  ``h`` is ``min_separation`` plus a few ulps of
    ``max(|a|, |b|)`` (so rounding cannot merge two points); consecutive gaps are at
    least ``min_separation`` *after* rounding.

    Parameters
    ----------
    min_n, max_n : int
        Range of the number of points, ``1 <= min_n <= max_n``.
    domain : (float, float), optional
        Closed interval ``[a, b]`` containing the points.
    min_separation : float, optional
        Smallest allowed gap between consecutive points; 0 (the default) asks only
        for distinct points.  ``(max_n - 1) * min_separation`` must fit in
        ``b - a``.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of increasing float64 arrays of shape ``(n,)``.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(random_distinct_nodes(2, 10, (0.0, 1.0), min_separation=1e-3))
    ... def test_gaps(x):
    ...     assert np.diff(x).min() >= 1e-3
    >>> test_gaps()
    """
    min_n, max_n = _check_sizes(min_n, max_n)
    domain = check_domain(domain)
    min_separation = float(min_separation)
    if not (np.isfinite(min_separation) and min_separation >= 0):
        raise ValueError(f"`min_separation` must be finite and >= 0, got {min_separation}.")
    a, b = domain
    need = (max_n - 1) * (min_separation + 2.0 * _rounding_pad(domain))
    if need > b - a:
        raise ValueError(
            f"`min_separation`={min_separation} is too large: {max_n} points need "
            f"{need:.3g} > b - a = {b - a:.3g}; lower `max_n` or `min_separation`."
        )

    @st.composite
    def _nodes(draw: st.DrawFn) -> NDArray[np.float64]:
        n = draw(st.integers(min_n, max_n))
        return _spread(draw, n, domain, min_separation)

    return _nodes()


def clustered_nodes(
    min_n: int = 2,
    max_n: int = 64,
    domain: Domain = (-1.0, 1.0),
    *,
    near: Literal["left", "right", "interior"] | float | None = None,
    max_power: float = 8.0,
) -> st.SearchStrategy[NDArray[np.float64]]:
    r"""Points clustered at an endpoint or at an interior point.

    Around the cluster point :math:`c`, on each side of length :math:`\ell`, the
    offsets are either algebraically graded, :math:`\ell\,(k/m)^p` with
    :math:`p \in [1, \text{max\_power}]`, or geometric, :math:`\ell\,q^{m-k}` with
    :math:`q \in [0.1, 1/2]` (the exponential clustering of rational approximation near
    a singularity).  :math:`c` itself is included or not (drawn).  Where offsets are
    so small that :math:`c + \text{offset}` rounds onto a neighbour, the point is
    moved up to the next float, so the result is always distinct; such points are
    then one ulp apart.

    Parameters
    ----------
    min_n, max_n : int
        Range of the number of points, ``2 <= min_n <= max_n``.
    domain : (float, float), optional
        Interval ``(a, b)``.
    near : {"left", "right", "interior"} or float or None, optional
        Where the points cluster: at ``a``, at ``b``, at a drawn interior point, at
        the given point of ``[a, b]``, or (None) any of these.
    max_power : float, optional
        Largest grading exponent ``p`` (``>= 1``).

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of increasing float64 arrays of shape ``(n,)``.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(clustered_nodes(4, 20, near="left"))
    ... def test_crowded_left(x):
    ...     assert x[1] - x[0] <= x[-1] - x[-2]
    >>> test_crowded_left()
    """
    min_n, max_n = _check_sizes(min_n, max_n, minimum=2)
    a, b = domain = check_domain(domain)
    _check_width(domain)
    max_power = float(max_power)
    if not (np.isfinite(max_power) and max_power >= 1.0):
        raise ValueError(f"`max_power` must be a finite number >= 1, got {max_power}.")
    centres: st.SearchStrategy[float]
    if near is None or near == "interior":
        interior = st.floats(0.05, 0.95).map(lambda t: a + t * (b - a))
        ends = st.sampled_from([a, b])
        centres = interior if near == "interior" else st.one_of(ends, interior)
    elif near == "left":
        centres = st.just(a)
    elif near == "right":
        centres = st.just(b)
    elif isinstance(near, int | float) and a <= float(near) <= b:
        centres = st.just(float(near))
    else:
        raise ValueError(
            f"`near` must be 'left', 'right', 'interior', None or a point of "
            f"[{a}, {b}], got {near!r}."
        )

    @st.composite
    def _nodes(draw: st.DrawFn) -> NDArray[np.float64]:
        n = draw(st.integers(min_n, max_n))
        c = draw(centres)
        with_centre = draw(st.booleans())
        m = n - int(with_centre)  # points off the centre, split between the sides
        if c == a:
            m_left = 0
        elif c == b:
            m_left = m
        else:
            m_left = draw(st.integers(0, m))
        grading = draw(st.sampled_from(["power", "geometric"]))
        if grading == "power":
            p = draw(st.floats(1.0, max_power))

            def offsets(k: int) -> NDArray[np.float64]:
                return (np.arange(1, k + 1) / k) ** p
        else:
            q = draw(st.floats(0.1, 0.5))

            def offsets(k: int) -> NDArray[np.float64]:
                return q ** np.arange(k - 1, -1, -1, dtype=np.float64)

        left = np.clip(c - (c - a) * offsets(m_left)[::-1], a, b) if m_left else np.empty(0)
        right = np.clip(c + (b - c) * offsets(m - m_left), a, b) if m - m_left else np.empty(0)
        # Offsets below an ulp of c round onto c or onto each other: move such
        # points away from c, one float at a time, so that all stay distinct.
        prev = c
        for i in range(right.size):
            right[i] = prev = max(right[i], np.nextafter(prev, np.inf))
        prev = c
        for i in range(left.size - 1, -1, -1):
            left[i] = prev = min(left[i], np.nextafter(prev, -np.inf))
        x = np.concatenate([left, [c] if with_centre else [], right])
        # Fails only if the moves reach an endpoint, which the width check on
        # `domain` rules out in practice.
        assume(a <= x[0] and x[-1] <= b)
        return x

    return _nodes()


def nearly_coincident_nodes(
    min_n: int = 2,
    max_n: int = 64,
    domain: Domain = (-1.0, 1.0),
    *,
    max_relative_gap: float = 1e-8,
) -> st.SearchStrategy[NDArray[np.float64]]:
    r"""Well-separated points plus near-duplicates: pairs a few ulps to 1e-8 apart.

    Draws ``n - p`` base points with gaps at least :math:`(b - a) / (4n)`, then gives
    ``p >= 1`` of them a partner at a gap of either ``k`` ulps of the point
    (``k`` in 1..16) or :math:`r \cdot \max(|a|, |b|)` with :math:`r` log-uniform in
    ``[1e-15, max_relative_gap]``.  All points are distinct, and the smallest gap is
    at most ``max_relative_gap * max(|a|, |b|)``.  These are the nodes at which
    barycentric weights :math:`1/\prod (x_j - x_k)` overflow and differentiation
    matrices lose all digits.

    Parameters
    ----------
    min_n, max_n : int
        Range of the number of points, ``2 <= min_n <= max_n``.
    domain : (float, float), optional
        Interval ``(a, b)``.
    max_relative_gap : float, optional
        Largest pair gap, relative to ``max(|a|, |b|)``; in ``[1e-14, 1e-3]``.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of increasing float64 arrays of shape ``(n,)``.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(nearly_coincident_nodes(2, 20))
    ... def test_some_pair_is_close(x):
    ...     assert 0 < np.diff(x).min() <= 1e-8
    >>> test_some_pair_is_close()
    """
    min_n, max_n = _check_sizes(min_n, max_n, minimum=2)
    a, b = domain = check_domain(domain)
    scale = max(abs(a), abs(b))
    max_relative_gap = float(max_relative_gap)
    # Lower limit: a 16-ulp pair is 3.6e-15 relative, and must fit under it.
    if not 1e-14 <= max_relative_gap <= 1e-3:
        raise ValueError(f"`max_relative_gap` must be in [1e-14, 1e-3], got {max_relative_gap}.")
    _check_width(domain)

    @st.composite
    def _nodes(draw: st.DrawFn) -> NDArray[np.float64]:
        n = draw(st.integers(min_n, max_n))
        p = draw(st.integers(1, n // 2))
        base_gap = (b - a) / (4 * n)
        base = _spread(draw, n - p, domain, base_gap)
        which = draw(st.lists(st.integers(0, n - p - 1), min_size=p, max_size=p, unique=True))
        # Pair gaps stay below a quarter of the base gap so that partners never
        # cross a neighbour: every pair stays adjacent after sorting.  Rounding
        # x + gap errs by up to eps/2 * scale: keep that much below the maximum.
        log_hi = math.log10(min(max_relative_gap - EPS, 0.25 * base_gap / scale))
        partners = []
        for i in which:
            x = base[i]
            inward = -np.inf if x + 0.25 * base_gap > b else np.inf
            if draw(st.booleans()):
                y = x
                for _ in range(draw(st.integers(1, 16))):
                    y = np.nextafter(y, inward)
            else:
                r = 10.0 ** draw(st.floats(-15.0, max(log_hi, -15.0)))
                y = x + math.copysign(r * scale, inward)
            partners.append(y)
        x = np.sort(np.concatenate([base, partners]))
        return x

    return _nodes()


def node_sets(
    min_n: int = 2, max_n: int = 64, domain: Domain = (-1.0, 1.0)
) -> st.SearchStrategy[NDArray[np.float64]]:
    """Any of the node strategies above: Chebyshev, random, clustered, near-duplicate.

    Parameters
    ----------
    min_n, max_n : int
        Range of the number of points, ``2 <= min_n <= max_n``.
    domain : (float, float), optional
        Interval ``(a, b)``.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of increasing, distinct, finite float64 arrays of shape ``(n,)`` in
        ``[a, b]``.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(node_sets(2, 16))
    ... def test_sorted_distinct(x):
    ...     assert (np.diff(x) > 0).all()
    >>> test_sorted_distinct()
    """
    min_n, max_n = _check_sizes(min_n, max_n, minimum=2)
    return st.one_of(
        chebyshev_nodes(min_n, max_n, domain=domain),
        random_distinct_nodes(min_n, max_n, domain),
        clustered_nodes(min_n, max_n, domain),
        nearly_coincident_nodes(min_n, max_n, domain),
    )


# ----------------------------------------------------------------- smooth functions


@dataclass(frozen=True, eq=False)
class ChebyshevSeries:
    r"""A Chebyshev series :math:`f(x) = \sum_k c_k T_k(s(x))` on ``domain = (a, b)``.

    :math:`s(x) = (2x - a - b)/(b - a)` maps the domain to :math:`[-1, 1]`.  The
    coefficients are float64 numbers, hence exact binary fractions, so
    :meth:`mp_eval` computes the *same* function exactly (up to the working
    precision): it is an oracle for the float64 evaluation :meth:`__call__` and for
    any interpolant or approximation of ``f``.

    Parameters
    ----------
    coeffs : array_like
        :math:`c_0, \dots, c_d`, finite.
    domain : (float, float), optional
        Interval ``(a, b)``.

    Examples
    --------
    >>> f = ChebyshevSeries([1.0, 0.5, 0.25])
    >>> float(f(0.5))  # 1 + 0.5 T_1(0.5) + 0.25 T_2(0.5) = 1 + 0.25 - 0.125
    1.125
    >>> f.mp_eval(0.5, dps=20)
    mpf('1.125')
    """

    coeffs: NDArray[np.float64]
    domain: Domain = (-1.0, 1.0)
    _mp_coeffs: tuple[mpmath.mpf, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        c = np.array(self.coeffs, dtype=np.float64, ndmin=1)
        if c.ndim != 1 or c.size == 0 or not np.isfinite(c).all():
            raise ValueError(
                f"`coeffs` must be a non-empty 1-D array of finite numbers, got {self.coeffs!r}."
            )
        c.setflags(write=False)
        object.__setattr__(self, "coeffs", c)
        object.__setattr__(self, "domain", check_domain(self.domain))
        # mpf of a float is exact; kept to avoid re-converting at every point.
        object.__setattr__(self, "_mp_coeffs", tuple(mpmath.mpf(float(v)) for v in c))

    def __repr__(self) -> str:
        # Exact (repr of each float), so a failing example printed by hypothesis
        # can be pasted back.
        body = ", ".join(repr(float(v)) for v in self.coeffs)
        return f"ChebyshevSeries(coeffs=[{body}], domain={self.domain!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis prints falsifying examples with this hook; use the exact repr.
        printer.text(repr(self))

    @property
    def degree(self) -> int:
        """Number of coefficients minus one."""
        return self.coeffs.size - 1

    @property
    def abs_sum(self) -> float:
        r""":math:`\sum_k |c_k|`, a bound on :math:`\max |f|` over the domain.

        Use it to scale tolerances: the float64 evaluation (Clenshaw) on
        ``(-1, 1)`` erred by at most ``1.2 * eps * abs_sum`` over 400 random series
        of degree <= 64 (the worst-case bound grows with the degree).
        """
        return float(np.abs(self.coeffs).sum())

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        """Evaluate in float64: affine map to [-1, 1], then Clenshaw (``chebval``).

        The map adds a rounding error of about ``eps * (|x| + |a + b|) / (b - a)``
        in the argument; on the default domain ``(-1, 1)`` there is none.
        """
        s = map_to_reference(np.asarray(x, dtype=np.float64), self.domain)
        return npcheb.chebval(s, self.coeffs)

    def mp_eval(self, x: Any, dps: int | None = None) -> Any:
        r"""Evaluate exactly in mpmath at ``dps`` digits (default: the current ``mp.dps``).

        The argument is converted exactly (floats are binary fractions), mapped to
        :math:`[-1, 1]` and summed by Clenshaw's recurrence with 10 guard digits.

        Parameters
        ----------
        x : float, mpmath.mpf or array_like
            Point(s) in the domain.
        dps : int, optional
            Decimal digits of the result.

        Returns
        -------
        mpmath.mpf or ndarray of object
            An ``mpf`` for a scalar ``x``, else an object array of ``mpf`` of the
            shape of ``x``.
        """
        digits = mpmath.mp.dps if dps is None else check_int(dps, "dps", minimum=1)
        if isinstance(x, mpmath.mpf) or np.ndim(x) == 0:
            return self._mp_eval_scalar(x, digits)
        arr = np.asarray(x, dtype=np.float64)
        out = np.empty(arr.shape, dtype=object)
        for idx in np.ndindex(arr.shape):
            out[idx] = self._mp_eval_scalar(arr[idx], digits)
        return out

    def _mp_eval_scalar(self, x: Any, dps: int) -> mpmath.mpf:
        a, b = self.domain
        with mpmath.workdps(dps + 10):
            xm = x if isinstance(x, mpmath.mpf) else mpmath.mpf(float(x))
            s = (2 * xm - mpmath.mpf(a) - mpmath.mpf(b)) / (mpmath.mpf(b) - mpmath.mpf(a))
            b1 = b2 = mpmath.mpf(0)
            for ck in reversed(self._mp_coeffs[1:]):
                b1, b2 = 2 * s * b1 - b2 + ck, b1
            value = s * b1 - b2 + self._mp_coeffs[0]
        with mpmath.workdps(dps):
            return +value  # round once to dps digits


def chebyshev_series(
    min_degree: int = 0,
    max_degree: int = 64,
    *,
    decay: Literal["geometric", "algebraic"] | None = None,
    rho: tuple[float, float] = (1.1, 10.0),
    power: tuple[float, float] = (1.0, 4.0),
    domain: Domain = (-1.0, 1.0),
) -> st.SearchStrategy[ChebyshevSeries]:
    r"""Smooth functions as random Chebyshev series with prescribed coefficient decay.

    :math:`c_k = \sigma_k m_k \, \delta_k` with random signs :math:`\sigma_k`,
    magnitudes :math:`m_k \in [1/2, 1]`, and the envelope

    - geometric, :math:`\delta_k = \rho^{-k}`, :math:`\rho` drawn log-uniformly from
      ``rho``: functions analytic inside the Bernstein ellipse :math:`E_\rho`;
    - algebraic, :math:`\delta_k = (k + 1)^{-p}`, :math:`p` drawn from ``power``:
      functions with about :math:`p - 1` derivatives.

    The coefficients are float64, so :meth:`ChebyshevSeries.mp_eval` gives exact
    values ("a function whose exact values mpmath can compute").

    Parameters
    ----------
    min_degree, max_degree : int
        Range of the degree ``d``, ``0 <= min_degree <= max_degree``.
    decay : {"geometric", "algebraic"} or None, optional
        Envelope type, or None to draw either.
    rho : (float, float), optional
        Range of :math:`\rho > 1` for geometric decay.
    power : (float, float), optional
        Range of :math:`p > 0` for algebraic decay.
    domain : (float, float), optional
        Interval ``(a, b)``.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of :class:`ChebyshevSeries`.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(chebyshev_series(0, 20, decay="geometric", rho=(2.0, 4.0)))
    ... def test_bounded(f):
    ...     assert abs(f(0.3)) <= f.abs_sum
    >>> test_bounded()
    """
    min_degree, max_degree = (
        check_int(min_degree, "min_degree"),
        check_int(max_degree, "max_degree"),
    )
    if max_degree < min_degree:
        raise ValueError(
            f"`max_degree` must be >= `min_degree`, got {min_degree} and {max_degree}."
        )
    domain = check_domain(domain)
    rho_lo, rho_hi = (float(v) for v in rho)
    if not 1.0 < rho_lo <= rho_hi < np.inf:
        raise ValueError(f"`rho` must be a range (lo, hi) with 1 < lo <= hi, got {rho!r}.")
    p_lo, p_hi = (float(v) for v in power)
    if not 0.0 < p_lo <= p_hi < np.inf:
        raise ValueError(f"`power` must be a range (lo, hi) with 0 < lo <= hi, got {power!r}.")
    if decay not in (None, "geometric", "algebraic"):
        raise ValueError(f"`decay` must be 'geometric', 'algebraic' or None, got {decay!r}.")
    kinds = st.sampled_from(["geometric", "algebraic"]) if decay is None else st.just(decay)

    @st.composite
    def _series(draw: st.DrawFn) -> ChebyshevSeries:
        d = draw(st.integers(min_degree, max_degree))
        kind = draw(kinds)
        k = np.arange(d + 1, dtype=np.float64)
        if kind == "geometric":
            r = math.exp(draw(st.floats(math.log(rho_lo), math.log(rho_hi))))
            envelope = r**-k
        else:
            envelope = (k + 1.0) ** -draw(st.floats(p_lo, p_hi))
        m = draw(st.lists(st.floats(0.5, 1.0), min_size=d + 1, max_size=d + 1))
        signs = draw(st.lists(st.sampled_from([1.0, -1.0]), min_size=d + 1, max_size=d + 1))
        return ChebyshevSeries(np.asarray(signs) * np.asarray(m) * envelope, domain)

    return _series()


@st.composite
def _evaluation_points(
    draw: st.DrawFn,
    nodes: NDArray[np.float64],
    domain: Domain,
    max_random: int,
    max_special: int,
) -> NDArray[np.float64]:
    a, b = domain
    n = nodes.size
    pts = draw(st.lists(st.floats(a, b), min_size=1, max_size=max_random))
    if n:
        pts += [nodes[i] for i in draw(st.lists(st.integers(0, n - 1), max_size=max_special))]
        for i, up in draw(
            st.lists(st.tuples(st.integers(0, n - 1), st.booleans()), max_size=max_special)
        ):
            y = np.nextafter(nodes[i], np.inf if up else -np.inf)
            if a <= y <= b:
                pts.append(y)
    pts += draw(st.lists(st.sampled_from([a, b]), max_size=2))
    return np.unique(np.asarray(pts, dtype=np.float64))


def evaluation_points(
    nodes: ArrayLike,
    domain: Domain = (-1.0, 1.0),
    *,
    max_random: int = 20,
    max_special: int = 8,
) -> st.SearchStrategy[NDArray[np.float64]]:
    """Points at which to evaluate an interpolant on ``nodes``, adversarially mixed.

    A mix of random points of ``[a, b]`` (at least one), some of the nodes
    themselves (where the barycentric formula divides by zero and must return the
    data), the endpoints, and points one ulp away from nodes
    (``np.nextafter``, where it nearly does), returned sorted and without repeats.

    Parameters
    ----------
    nodes : array_like
        1-D node array (e.g. drawn from :func:`node_sets`); may be empty.
    domain : (float, float), optional
        Interval ``(a, b)``; ulp-neighbours outside it are dropped.
    max_random : int, optional
        Largest number of random points (>= 1).
    max_special : int, optional
        Largest number of nodes, and of ulp-neighbours of nodes, to include.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of increasing, distinct float64 arrays in ``[a, b]``.

    Examples
    --------
    Draw nodes and points together with :func:`hypothesis.strategies.data`:

    >>> from hypothesis import given, strategies as st
    >>> @given(st.data())
    ... def test_points_in_domain(data):
    ...     x = data.draw(chebyshev_nodes(2, 10))
    ...     t = data.draw(evaluation_points(x))
    ...     assert (-1 <= t).all() and (t <= 1).all()
    >>> test_points_in_domain()
    """
    x = np.asarray(nodes, dtype=np.float64).ravel()
    domain = check_domain(domain)
    max_random = check_int(max_random, "max_random", minimum=1)
    max_special = check_int(max_special, "max_special", minimum=0)
    return _evaluation_points(x, domain, max_random, max_special)


# --------------------------------------------------------------------------- matrices


def _haar_orthonormal(rng: np.random.Generator, m: int, k: int) -> NDArray[np.float64]:
    """``m x k`` matrix with orthonormal columns, Haar-distributed (Mezzadri 2007).

    QR of a Gaussian matrix, with the columns' signs fixed so that ``diag(R) > 0``;
    without the fix the distribution is not Haar.
    """
    q, r = np.linalg.qr(rng.standard_normal((m, k)))
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)


def matrices_with_condition(
    shape: tuple[int, int] | st.SearchStrategy[tuple[int, int]] = (8, 8),
    cond: float | tuple[float, float] = 1e6,
    *,
    normalize: Literal["largest", "smallest"] = "largest",
    return_factors: bool = False,
) -> st.SearchStrategy[Any]:
    r"""Real matrices with a prescribed 2-norm condition number.

    :math:`A = U \operatorname{diag}(s) V^T` with :math:`U` (``m x k``) and
    :math:`V` (``n x k``), ``k = min(m, n)``, Haar-random with orthonormal columns
    (QR of a Gaussian matrix with the sign fix of Mezzadri 2007, from a seed drawn
    by hypothesis) and singular values spread geometrically,
    :math:`s_i = \kappa^{-i/(k-1)}` in :math:`[1/\kappa, 1]` (``normalize="largest"``)
    or :math:`\kappa^{\,1 - i/(k-1)}` in :math:`[1, \kappa]` (``"smallest"``).

    The 2-norm condition number :math:`s_1/s_k` is :math:`\kappa` exactly up to
    rounding: forming :math:`A` in float64 perturbs it by :math:`E` with
    :math:`\|E\|_2 = O(k\,\varepsilon) \|A\|_2`, which (Weyl) moves
    :math:`s_k` by at most that, so the relative error of :math:`\kappa` is
    :math:`O(k \varepsilon \kappa)`.  Measured with ``np.linalg.cond`` (whose SVD
    adds its own backward error): at most :math:`0.6 (m + n) \varepsilon \kappa`
    over 9000 draws with ``m, n <= 20``, i.e. about 1e-10 relative for
    :math:`\kappa = 10^4`.

    Parameters
    ----------
    shape : (int, int) or strategy of (int, int), optional
        ``(m, n)`` with ``min(m, n) >= 2`` (or 1 if ``cond`` is 1).
    cond : float or (float, float), optional
        :math:`\kappa \ge 1`, or a range drawn log-uniformly.
    normalize : {"largest", "smallest"}, optional
        Which singular value is 1.
    return_factors : bool, optional
        If True, draw tuples ``(A, U, s, Vt)`` instead of ``A``.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of float64 arrays of shape ``(m, n)`` (or of the tuples above).

    References
    ----------
    .. [1] F. Mezzadri, "How to generate random matrices from the classical compact
       groups", Notices AMS 54(5), 592-604, 2007.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(matrices_with_condition((6, 4), cond=1e3))
    ... def test_cond(A):
    ...     assert abs(np.linalg.cond(A) / 1e3 - 1) < 2 * 10 * 2.3e-16 * 1e3
    >>> test_cond()
    """
    if isinstance(cond, tuple):
        lo, hi = (float(v) for v in cond)
    else:
        lo = hi = float(cond)
    if not 1.0 <= lo <= hi < np.inf:
        raise ValueError(f"`cond` must be a number >= 1 or a range (lo, hi), got {cond!r}.")
    if normalize not in ("largest", "smallest"):
        raise ValueError(f"`normalize` must be 'largest' or 'smallest', got {normalize!r}.")

    def _check_shape(mn: tuple[int, int]) -> tuple[int, int]:
        m, n = (check_int(v, "shape", minimum=1) for v in mn)
        if min(m, n) < 2 and hi > 1.0:
            raise ValueError(
                f"`shape` {mn} has one singular value, so its condition number is 1, "
                f"not {cond!r}; use min(m, n) >= 2."
            )
        return m, n

    if isinstance(shape, st.SearchStrategy):
        shapes = shape.map(_check_shape)
    else:
        shapes = st.just(_check_shape(tuple(shape)))  # type: ignore[arg-type]
    # exp(log(hi)) can exceed hi by a few ulps (the rounding of log(hi) is
    # amplified by log(hi)): clamp, so the drawn kappa is in [lo, hi].
    kappas = (
        st.just(lo)
        if lo == hi
        else st.floats(math.log(lo), math.log(hi)).map(lambda t: min(max(math.exp(t), lo), hi))
    )

    @st.composite
    def _matrices(draw: st.DrawFn) -> Any:
        m, n = draw(shapes)
        kappa = draw(kappas)
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        k = min(m, n)
        u = _haar_orthonormal(rng, m, k)
        v = _haar_orthonormal(rng, n, k)
        frac = np.arange(k) / max(k - 1, 1)
        s = kappa**-frac if normalize == "largest" else kappa ** (1.0 - frac)
        # Pin the extremes: kappa**-1 may be off by an ulp, and then s[0]/s[-1] is
        # not the kappa asked for.
        s[0], s[-1] = (1.0, 1.0 / kappa) if normalize == "largest" else (kappa, 1.0)
        a = (u * s) @ v.T
        return (a, u, s, v.T) if return_factors else a

    return _matrices()
