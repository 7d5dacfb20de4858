r"""Building blocks of Chebyshev collocation for linear BVPs (one interval or a piece).

The ODE rows on an interval (square or rectangular), the row of a linear functional
(boundary or continuity condition), and the row-scaled dense LU solve with its
statistics; used by :func:`~numlearn.classical.spectral.collocation.solve_collocation`
and :mod:`~numlearn.classical.spectral.piecewise`.
"""

from __future__ import annotations

import math
import time
import warnings
from typing import Any

import numpy as np
import scipy.linalg as sla
from numpy.typing import NDArray

from numlearn._core.validation import warn_ill_conditioned
from numlearn.classical.barycentric_matrix import barycentric_matrix
from numlearn.classical.differentiation import chebyshev_diffmat
from numlearn.classical.linalg import inverse_norm1_estimate, power_of_two_row_scale
from numlearn.classical.nodes import chebyshev_points, chebyshev_weights
from numlearn.classical.spectral.bvp import (
    _NORM_LABEL,
    ILL_CONDITIONED,
    SINGULAR_COND,
    BoundaryCondition,
    LinearBVP,
    SingularBVPError,
    _cond_kind,
    _inf_norm,
    _sample,
    _singular_message,
)


def _functional_row(
    bc: BoundaryCondition,
    domain: tuple[float, float],
    x: NDArray[np.float64],
    wbar: NDArray[np.float64],
    dmats: list[NDArray[np.float64]],
) -> NDArray[np.float64]:
    """The row ``r`` with ``r @ u_values = sum_j w_j u^(j)(x0)`` for the interpolant."""
    x0 = bc.location(domain)
    n = x.shape[0]
    if x0 == domain[0]:
        ell = np.zeros(n)
        ell[0] = 1.0
    elif x0 == domain[1]:
        ell = np.zeros(n)
        ell[-1] = 1.0
    else:
        ell = barycentric_matrix(np.array([x0]), x, wbar)[0]
    row = np.zeros(n)
    for j, wj in enumerate(bc.weights):
        if wj != 0.0:
            row += wj * (ell if j == 0 else ell @ dmats[j])
    return row


def _method_name(rectangular: bool) -> str:
    if rectangular:
        return "rectangular collocation (Driscoll-Hale)"
    return "square collocation (row replacement)"


def _ode_rows(
    bvp: LinearBVP, n: int, domain: tuple[float, float], rectangular: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64],
           NDArray[np.float64], list[NDArray[np.float64]]]:
    r"""The ODE rows on ``domain`` and their right-hand side; the grid it lives on.

    Square: all ``n`` rows :math:`\sum_k \mathrm{diag}(a_k(x)) D_k` at the ``n``
    second-kind points ``x`` (the caller replaces ``m`` of them).  Rectangular: the
    ``n - m`` rows at the first-kind points, through the resampling matrix.  Returns
    ``(op, rhs, x, wbar, dmats)``, ``dmats[k]`` the ``k``-th derivative matrix.
    """
    m = bvp.order
    x = chebyshev_points(n, 2, domain)
    wbar = chebyshev_weights(n, 2)
    dmats = [np.eye(n)] + [chebyshev_diffmat(n, k, domain) for k in range(1, m + 1)]
    if rectangular:
        y = chebyshev_points(n - m, 1, domain)
        p = barycentric_matrix(y, x, wbar)
        const = all(not callable(c) for c in bvp.coeffs)
        if const:
            op = p @ sum(float(c) * d for c, d in zip(bvp.coeffs, dmats, strict=True) if c)
        else:
            op = np.zeros((n - m, n))
            for k, c in enumerate(bvp.coeffs):
                if callable(c) or c != 0.0:
                    op += _sample(c, y, f"coeffs[{k}]")[:, None] * (p if k == 0 else p @ dmats[k])
        return op, _sample(bvp.rhs, y, "rhs"), x, wbar, dmats
    op = np.zeros((n, n))
    for k, c in enumerate(bvp.coeffs):
        if callable(c) or c != 0.0:
            op += _sample(c, x, f"coeffs[{k}]")[:, None] * dmats[k]
    return op, _sample(bvp.rhs, x, "rhs"), x, wbar, dmats


def _dense_solve(
    a: NDArray[np.float64], b: NDArray[np.float64], bvp: LinearBVP, method: str, cond: str,
    refine: bool, t0: float,
) -> tuple[NDArray[np.float64], dict[str, Any], dict[str, list[Any]]]:
    """Row-scale, LU-factor and solve ``a u = b``; the stats and history of the solve.

    ``stats["cond_for_floor"]`` (removed by the callers) is the condition number the
    resolution check takes as the rounding floor.
    """
    n = a.shape[0]
    s = power_of_two_row_scale(a)
    a_s = a * s[:, None]
    b_s = b * s
    with warnings.catch_warnings():
        # An exactly zero pivot is reported below as a SingularBVPError.
        warnings.simplefilter("ignore", sla.LinAlgWarning)
        lu = sla.lu_factor(a_s, check_finite=False)
    anorm_s = float(np.abs(a_s).sum(axis=0).max())
    rcond_s = float(sla.lapack.dgecon(lu[0], anorm_s, norm="1")[0])
    singular_est = np.inf if rcond_s == 0.0 else 1.0 / rcond_s
    if not np.isfinite(singular_est) or singular_est > SINGULAR_COND:
        raise SingularBVPError(_singular_message(singular_est, bvp))
    u = sla.lu_solve(lu, b_s, check_finite=False)
    history: dict[str, list[Any]] = {"residual_norm": [_inf_norm(b - a @ u)]}
    if refine:
        u = u + sla.lu_solve(lu, (b - a @ u) * s, check_finite=False)
        history["residual_norm"].append(_inf_norm(b - a @ u))
    seconds = time.perf_counter() - t0
    if not np.all(np.isfinite(u)):
        raise SingularBVPError(_singular_message(np.inf, bvp))

    cond_norm = _cond_kind(cond, n)
    if cond_norm == "exact":
        c_full, c_scaled = float(np.linalg.cond(a)), float(np.linalg.cond(a_s))
    elif cond_norm == "estimate":
        c_scaled = singular_est
        # A^{-1} = (S A)^{-1} S with S the row scaling.
        c_full = float(np.abs(a).sum(axis=0).max()) * inverse_norm1_estimate(
            lambda v: sla.lu_solve(lu, s * v, check_finite=False),
            lambda v: s * sla.lu_solve(lu, v, trans=1, check_finite=False),
            n,
        )
    else:
        c_full = c_scaled = math.nan
    warn_ill_conditioned(
        singular_est if math.isnan(c_scaled) else c_scaled,
        f"the {method} system (n = {n})",
        threshold=ILL_CONDITIONED,
    )
    r = history["residual_norm"][-1]
    norm_label = _NORM_LABEL[cond_norm]
    stats = {
        "n": n,
        "order": bvp.order,
        "method": method,
        "cond": c_scaled,
        "cond_of": f"A row-scaled by powers of two (the matrix factored); norm {norm_label}",
        "cond_assembled": c_full,
        "cond_norm": norm_label,
        "residual_norm": r,
        "residual_norm_of": "||b - A u||_inf, assembled system",
        "backward_error": r / (_inf_norm(a, matrix=True) * _inf_norm(u) + _inf_norm(b)),
        "seconds": seconds,
        "cond_for_floor": singular_est if math.isnan(c_scaled) else c_scaled,
    }
    return u, stats, history
