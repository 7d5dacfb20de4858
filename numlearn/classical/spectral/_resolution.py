r"""Can a spectral solution see that it is not resolved?  The tail of its coefficients.

A solution represented by ``n`` Chebyshev (or Fourier) coefficients is resolved when
its coefficients have decayed: the last ones are at the rounding level of the solve.
When they have not (a boundary layer thinner than the grid, a wave too fast for the
time grid), the discrete solution can be off by O(1) while the linear solve itself is
perfect (residual at rounding level).  The solvers of this package measure the
*relative tail*

.. math::

    \tau = \frac{\max_{k \ge n - \max(2,\, \lfloor n/8 \rfloor)} |c_k|}{\max_k |c_k|}

(the last eighth of the coefficients, at least two so that a solution of one parity
is seen, at most half of them on the tiniest grids; for Fourier coefficients the
highest wavenumbers), and report
``Status.UNRESOLVED`` with a `RuntimeWarning` when :math:`\tau` exceeds both
:data:`RESOLUTION_TOL` (:math:`\sqrt{\varepsilon}`, the agreement Chebfun's
``sampleTest`` asks of a constructed function: half the digits) and the rounding floor
:math:`\kappa\,\varepsilon` of the solve (``kappa`` the condition number it
reports), so that an ill-conditioned but resolved solve is not called unresolved.
Cost O(n log n).

References
----------
.. [1] J. L. Aurentz and L. N. Trefethen, "Chopping a Chebyshev series", ACM Trans.
   Math. Softw. 43(4), 33, 2017. :doi:`10.1145/2998442`
.. [2] Chebfun ``chebop/solvebvp`` (refines ``n`` until ``standardChop`` is happy).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray

from numlearn._core.result import Status
from numlearn._core.validation import EPS

#: Relative tail above which a spectral solution is reported unresolved (sqrt(eps)).
RESOLUTION_TOL = math.sqrt(EPS)


def relative_tail(coeffs: NDArray[Any], axis: int = 0) -> float:
    """:math:`\\tau`: the largest of the last eighth of ``|coeffs|`` along ``axis``
    (at least 2 entries) over the largest of all; 0 for a zero array."""
    c = np.abs(np.moveaxis(np.asarray(coeffs), axis, 0))
    n = c.shape[0]
    if n < 2 or c.size == 0:
        return 0.0
    cmax = float(c.max())
    if not math.isfinite(cmax):
        return math.inf
    if cmax == 0.0:
        return 0.0
    # the last eighth, at least 2 (one parity is not enough), at most half (a 3-mode
    # Fourier series is not judged by its fundamental)
    k = min(max(2, n // 8), max(1, n // 2))
    return float(c[n - k :].max()) / cmax


def fourier_tail(values: NDArray[np.float64], axis: int) -> float:
    """:func:`relative_tail` of the real-FFT coefficients of ``values`` along ``axis``
    (the Nyquist mode of an even length included: it is the highest wavenumber)."""
    return relative_tail(np.fft.rfft(values, axis=axis), axis=axis)


def resolution_status(
    tails: dict[str, float], cond: float, what: str, fix: str, *, stacklevel: int = 3,
    data_tails: dict[str, float] | None = None,
) -> tuple[Status, str]:
    """``(Status.SUCCESS, "")`` if every tail is below the threshold, else
    ``(Status.UNRESOLVED, message)`` after warning with the message.

    ``tails`` maps a direction ("x", "t") to its relative tail; ``cond`` is the
    condition number the solve reports (NaN if none); ``what`` names the solution,
    ``fix`` says what to do.  ``data_tails`` are the tails of the problem's data (a
    coefficient or right-hand side sampled on the solver's grid), held to
    :data:`RESOLUTION_TOL` alone: a kink in the data spoils the solution even where
    the solution's own coefficients look decayed.
    """
    floor = cond * EPS if math.isfinite(cond) else 0.0
    threshold = max(RESOLUTION_TOL, floor)
    bad = {k: v for k, v in tails.items() if not v <= threshold}
    bad.update({k: v for k, v in (data_tails or {}).items() if not v <= RESOLUTION_TOL})
    if not bad:
        return Status.SUCCESS, ""
    where = ", ".join(f"{v:.2g} in {k}" for k, v in bad.items())
    message = (
        f"{what} is not resolved: its last coefficients have not decayed (relative tail "
        f"{where}; resolved means below {threshold:.1e}), so its error may be as large "
        f"as the tail or larger. {fix}"
    )
    warnings.warn(message, RuntimeWarning, stacklevel=stacklevel)
    return Status.UNRESOLVED, message


#: What the space-time solvers suggest when the solution is not resolved.
SPACETIME_FIX = (
    "Raise `nt` (the time direction) or `nx` (space) where the tail is, e.g. double "
    "them; a convection speed beta needs nt of order beta."
)


def spacetime_resolution(
    values: NDArray[np.float64], x_basis: str, cond: float, what: str,
    status: Status, message: str,
) -> tuple[dict[str, float], Status, str]:
    """Tails of a space-time solution (Chebyshev in ``t``; Chebyshev or Fourier in
    ``x``) and the status: an earlier failure (``status`` not SUCCESS) is kept, with the
    resolution verdict appended to its ``message``."""
    from numlearn.classical.chebyshev import chebyshev_coefficients

    tails = {"t": relative_tail(chebyshev_coefficients(values), axis=0)}
    if x_basis == "fourier":
        tails["x"] = fourier_tail(values, axis=1)
    else:
        tails["x"] = relative_tail(chebyshev_coefficients(values.T), axis=0)
    verdict, text = resolution_status(tails, cond, what, SPACETIME_FIX, stacklevel=4)
    if status is not Status.SUCCESS:
        return tails, status, f"{message}; {text}" if text else message
    return tails, verdict, text
