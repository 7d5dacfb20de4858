"""Hypothesis strategy for matrices with a prescribed condition number."""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from hypothesis import strategies as st
from numpy.typing import NDArray

from numlearn._core.validation import check_flag, check_int, check_real
from numlearn.testing.strategies._checks import check_pair

__all__ = ["matrices_with_condition"]

#: Largest side ``m`` or ``n`` drawn (a 1000 x 1000 draw already takes two QRs of
#: that size per example).
MAX_SIDE = 1_000


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
    :math:`O(k \varepsilon \kappa)`.

    Parameters
    ----------
    shape : (int, int) or strategy of (int, int), optional
        ``(m, n)`` with ``min(m, n) >= 2`` (or 1 if ``cond`` is 1) and
        ``max(m, n) <= 1000``.
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
    if isinstance(cond, tuple | list):
        lo, hi = check_pair(cond, "cond")
    else:
        lo = hi = check_real(cond, "cond")
    if not 1.0 <= lo <= hi < np.inf:
        raise ValueError(f"`cond` must be a number >= 1 or a range (lo, hi), got {cond!r}.")
    if normalize not in ("largest", "smallest"):
        raise ValueError(f"`normalize` must be 'largest' or 'smallest', got {normalize!r}.")
    return_factors = check_flag(return_factors, "return_factors")

    def _check_shape(mn: Any) -> tuple[int, int]:
        if isinstance(mn, str | bytes) or not isinstance(mn, tuple | list) or len(mn) != 2:
            raise TypeError(f"`shape` must be a pair (m, n) of integers or a strategy of "
                            f"them, got {mn!r}.")
        m, n = (check_int(v, "shape", minimum=1, maximum=MAX_SIDE) for v in mn)
        if min(m, n) < 2 and hi > 1.0:
            raise ValueError(
                f"`shape` {mn} has one singular value, so its condition number is 1, "
                f"not {cond!r}; use min(m, n) >= 2."
            )
        return m, n

    if isinstance(shape, st.SearchStrategy):
        shapes = shape.map(_check_shape)
    else:
        shapes = st.just(_check_shape(shape))
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
