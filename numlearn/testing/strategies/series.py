"""Hypothesis strategies for smooth test functions: random Chebyshev series with
exact mpmath values (:class:`SeriesCase`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import mpmath
import numpy as np
from hypothesis import strategies as st
from numpy.polynomial import chebyshev as npcheb
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array, check_domain, check_int
from numlearn.classical.nodes import map_to_reference
from numlearn.testing.strategies._checks import MAX_DRAW, check_pair, check_sizes

#: Most decimal digits :meth:`SeriesCase.mp_eval` accepts (more is a typo that would
#: not finish).
MAX_DPS = 10_000

__all__ = ["SeriesCase", "chebyshev_series"]

Domain = tuple[float, float]


# ----------------------------------------------------------------- smooth functions


@dataclass(frozen=True, eq=False)
class SeriesCase:
    r"""A drawn test case: the function :math:`f(x) = \sum_k c_k T_k(s(x))` on ``(a, b)``,
    with a float64 and an exact (mpmath) evaluation.

    What :func:`chebyshev_series` draws.  It is a test function, not a solver's
    output (unrelated to ``ChebyshevSeries``, the solution type the spectral
    solvers of :mod:`numlearn.classical` return).

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
    >>> f = SeriesCase([1.0, 0.5, 0.25])
    >>> float(f(0.5))  # 1 + 0.5 T_1(0.5) + 0.25 T_2(0.5) = 1 + 0.25 - 0.125
    1.125
    >>> f.mp_eval(0.5, dps=20)
    mpf('1.125')
    """

    coeffs: NDArray[np.float64]
    domain: Domain = (-1.0, 1.0)
    _mp_coeffs: tuple[mpmath.mpf, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        c = np.array(as_float_array(self.coeffs, "coeffs", ndim=(0, 1), allow_complex=False),
                     dtype=np.float64, ndmin=1)
        c.setflags(write=False)
        object.__setattr__(self, "coeffs", c)
        object.__setattr__(self, "domain", check_domain(self.domain))
        # mpf of a float is exact; kept to avoid re-converting at every point.
        object.__setattr__(self, "_mp_coeffs", tuple(mpmath.mpf(float(v)) for v in c))

    def __repr__(self) -> str:
        # Exact (repr of each float), so a failing example printed by hypothesis
        # can be pasted back.
        body = ", ".join(repr(float(v)) for v in self.coeffs)
        return f"SeriesCase(coeffs=[{body}], domain={self.domain!r})"

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
        ``(-1, 1)`` errs by a small multiple of ``eps * abs_sum`` (the worst-case
        bound grows with the degree, :math:`O(d\,\varepsilon)` times it).
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
        digits = mpmath.mp.dps if dps is None else check_int(dps, "dps", minimum=1, maximum=MAX_DPS)
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
) -> st.SearchStrategy[SeriesCase]:
    r"""Smooth functions as random Chebyshev series with prescribed coefficient decay.

    :math:`c_k = \sigma_k m_k \, \delta_k` with random signs :math:`\sigma_k`,
    magnitudes :math:`m_k \in [1/2, 1]`, and the envelope

    - geometric, :math:`\delta_k = \rho^{-k}`, :math:`\rho` drawn log-uniformly from
      ``rho``: functions analytic inside the Bernstein ellipse :math:`E_\rho`;
    - algebraic, :math:`\delta_k = (k + 1)^{-p}`, :math:`p` drawn from ``power``:
      functions with about :math:`p - 1` derivatives.

    The coefficients are float64, so :meth:`SeriesCase.mp_eval` gives exact
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
        Of :class:`SeriesCase`.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(chebyshev_series(0, 20, decay="geometric", rho=(2.0, 4.0)))
    ... def test_bounded(f):
    ...     assert abs(f(0.3)) <= f.abs_sum
    >>> test_bounded()
    """
    min_degree, max_degree = check_sizes(min_degree, max_degree, minimum=0,
                                         names=("min_degree", "max_degree"),
                                         maximum=MAX_DRAW - 1)
    domain = check_domain(domain)
    rho_lo, rho_hi = check_pair(rho, "rho")
    if not 1.0 < rho_lo <= rho_hi < np.inf:
        raise ValueError(f"`rho` must be a range (lo, hi) with 1 < lo <= hi, got {rho!r}.")
    p_lo, p_hi = check_pair(power, "power")
    if not 0.0 < p_lo <= p_hi < np.inf:
        raise ValueError(f"`power` must be a range (lo, hi) with 0 < lo <= hi, got {power!r}.")
    if decay not in (None, "geometric", "algebraic"):
        raise ValueError(f"`decay` must be 'geometric', 'algebraic' or None, got {decay!r}.")
    kinds = st.sampled_from(["geometric", "algebraic"]) if decay is None else st.just(decay)

    @st.composite
    def _series(draw: st.DrawFn) -> SeriesCase:
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
        return SeriesCase(np.asarray(signs) * np.asarray(m) * envelope, domain)

    return _series()
