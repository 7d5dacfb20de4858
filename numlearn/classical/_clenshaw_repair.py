"""The overflow repair of :func:`numlearn.classical.chebyshev.clenshaw` (private).

Where the fast kernel's recurrence overflowed (``inf - inf = NaN`` for huge ``|s|``),
the entries are recomputed in scaled arithmetic by
:func:`~numlearn.classical._chebyshev_kernels.clenshaw_safe`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from numlearn.classical._chebyshev_kernels import clenshaw_safe


def repair_overflow(s: NDArray[Any], c: NDArray[Any], out: NDArray[Any]) -> None:
    """Recompute, in scaled arithmetic, the values the fast kernel left non-finite.

    For huge ``|s|`` the recurrence's ``2 s b_{k+1} - b_{k+2}`` overflows to
    ``inf - inf = NaN`` although the value is just ``+-inf`` (or even finite): those
    entries are redone by :func:`clenshaw_safe` (powers of two
    factored out as the recurrence runs).  An infinite ``s`` (``x`` so large that its
    map to [-1, 1] overflowed) gets the limit: ``c_0`` for a constant, else ``+-inf``
    with the sign of the leading term ``c_d T_d(s)``.  Costs nothing when every value
    is finite (one ``isfinite`` pass).
    """
    bad = ~np.isfinite(out)
    if not bad.any():
        return
    for i, j in zip(*np.nonzero(bad), strict=True):
        si = s[i]
        if np.isfinite(si):
            v, e = clenshaw_safe(si, c, j)
            # ldexp per part (a complex product with inf would make NaN of a 0 part);
            # overflow to +-inf is the correctly rounded value here.
            with np.errstate(over="ignore"):
                re, im = float(np.ldexp(v.real, e)), float(np.ldexp(v.imag, e))
            out[i, j] = complex(re, im) if np.iscomplexobj(out) else re
            continue
        nz = np.flatnonzero(c[:, j])
        d = int(nz[-1]) if nz.size else 0
        if d == 0:
            out[i, j] = c[0, j]
        else:  # real s = +-inf: T_d(s) ~ 2**(d-1) s**d
            out[i, j] = np.sign(c[d, j]) * np.sign(si) ** d * np.inf
