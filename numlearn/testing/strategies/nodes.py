"""Hypothesis strategies for node sets and evaluation points.

Node sets are sorted, distinct, finite 1-D float64 arrays inside the closed domain.
They range from benign (Chebyshev points) to hostile (clustered points, nearly
coincident pairs), which is where barycentric formulas, differentiation matrices and
Vandermonde-like solves lose digits.  :func:`evaluation_points` mixes random points
with the nodes themselves and their ulp-neighbours.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import (
    EPS,
    as_float_array,
    check_domain,
    check_int,
    check_positive,
    check_real,
)
from numlearn.classical.nodes import chebyshev_points
from numlearn.testing.strategies._checks import MAX_DRAW, check_sizes

__all__ = [
    "chebyshev_nodes",
    "clustered_nodes",
    "evaluation_points",
    "nearly_coincident_nodes",
    "node_sets",
    "random_distinct_nodes",
]

Domain = tuple[float, float]


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
    min_n, max_n = check_sizes(min_n, max_n)
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
    min_n, max_n = check_sizes(min_n, max_n)
    domain = check_domain(domain)
    min_separation = check_positive(min_separation, "min_separation", allow_zero=True)
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
    min_n, max_n = check_sizes(min_n, max_n, minimum=2)
    a, b = domain = check_domain(domain)
    _check_width(domain)
    max_power = check_real(max_power, "max_power")
    if max_power < 1.0:
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
    min_n, max_n = check_sizes(min_n, max_n, minimum=2)
    a, b = domain = check_domain(domain)
    scale = max(abs(a), abs(b))
    max_relative_gap = check_real(max_relative_gap, "max_relative_gap")
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
    min_n, max_n = check_sizes(min_n, max_n, minimum=2)
    return st.one_of(
        chebyshev_nodes(min_n, max_n, domain=domain),
        random_distinct_nodes(min_n, max_n, domain),
        clustered_nodes(min_n, max_n, domain),
        nearly_coincident_nodes(min_n, max_n, domain),
    )



# ------------------------------------------------------------------ evaluation points


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
    x = as_float_array(nodes, "nodes", ndim=1, allow_complex=False, allow_empty=True)
    x = x.astype(np.float64)
    domain = check_domain(domain)
    max_random = check_int(max_random, "max_random", minimum=1, maximum=MAX_DRAW)
    max_special = check_int(max_special, "max_special", minimum=0, maximum=MAX_DRAW)
    return _evaluation_points(x, domain, max_random, max_special)
