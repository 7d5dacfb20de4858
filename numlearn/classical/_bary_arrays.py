"""Validation, dtype handling and the nodal derivative shared by the barycentric
modules (private).

:mod:`.barycentric` and :mod:`.differentiation` both build on these, so neither needs
the other's internals: the dependency between the two public modules goes one way
(``differentiation`` uses ``barycentric``'s evaluation and weights).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.threads import PAIR_COST, threads_for
from numlearn._core.validation import (
    EPS,
    IllConditionedWarning,
    as_float_array,
    check_distinct,
    compute_dtype,
    result_dtype,
)
from numlearn.classical import _bary_kernels as _k

#: Warning threshold on the Lebesgue function (:func:`barycentric_weights` on the
#: nodes' gap midpoints, :func:`barycentric_eval` at its evaluation points): above
#: it, errors in the data, and the rounding errors of the evaluation, can be
#: amplified by more than 1e8 (the expected error ``lambda eps max|f|`` exceeds
#: about ``2e-8 max|f|``: half the digits are lost).
LEBESGUE_WARN: float = 1e8


def _prepare_nodes(nodes: ArrayLike, *, allow_complex: bool = True) -> NDArray[Any]:
    xn = as_float_array(nodes, "nodes", ndim=1, allow_complex=allow_complex)
    check_distinct(xn, "nodes")
    return xn.astype(compute_dtype(xn.dtype))


def _prepare_weights(weights: ArrayLike, xn: NDArray[Any]) -> NDArray[Any]:
    w = as_float_array(weights, "weights", ndim=1)
    if w.shape != xn.shape:
        raise ValueError(
            f"`weights` has length {w.shape[0]} but there are {xn.shape[0]} nodes; "
            "pass one weight per node."
        )
    if (w == 0).any():
        j = int(np.argmax(w == 0))
        raise ValueError(
            f"`weights[{j}]` is zero; barycentric weights of distinct nodes are never "
            "zero. Recompute them with `barycentric_weights(nodes)`; if that is where it "
            "came from, the weights span more than 2**1074 (e.g. equispaced nodes, "
            "n > 1000) and polynomial interpolation in these nodes is hopeless: use "
            "Chebyshev points or a rational interpolant."
        )
    return w.astype(compute_dtype(w.dtype))


def _prepare_eval(
    nodes: ArrayLike, weights: ArrayLike, values: ArrayLike, x: ArrayLike
) -> tuple[Any, ...]:
    """Validate and cast to one compute dtype; returns flattened points."""
    xn = as_float_array(nodes, "nodes", ndim=1)
    w = as_float_array(weights, "weights", ndim=1)
    # Zero columns (n, 0) are allowed, as in SciPy: the result has an empty
    # trailing axis.  An empty first axis cannot match the (non-empty) nodes.
    f = as_float_array(values, "values", ndim=(1, 2), allow_empty=True)
    xe = as_float_array(x, "x", allow_empty=True)
    if f.shape[0] != xn.shape[0]:
        raise ValueError(
            f"`values` has {f.shape[0]} rows but there are {xn.shape[0]} nodes; "
            "pass one value (row) per node."
        )
    check_distinct(xn, "nodes")
    out_dtype = result_dtype(xn, w, f, xe)
    w = _prepare_weights(w, xn)
    shape = xe.shape + f.shape[1:]
    # The geometry (nodes, weights, x) is complex only if one of them is; complex
    # values over a real geometry are handled as pairs of real columns.
    geo = compute_dtype(np.result_type(xn, w, xe))
    return (
        np.ascontiguousarray(xn, dtype=geo),
        np.ascontiguousarray(w, dtype=geo),
        f,
        np.ascontiguousarray(xe.reshape(-1), dtype=geo),
        out_dtype,
        shape,
    )


def _complex_node_hits(xn: NDArray[Any], xe: NDArray[Any]) -> NDArray[np.intp] | None:
    """For a complex geometry, the node index each point equals exactly (-1: none).

    ``None`` for a real geometry, whose kernels detect exact hits by IEEE ``w / 0 =
    inf``; Numba's complex division raises on a zero divisor instead, so complex
    points on a node must be taken out before the kernels run.  Cost
    O((m + n) log n).
    """
    if xe.dtype.kind != "c" or xe.shape[0] == 0:
        return None
    order = np.lexsort((xn.imag, xn.real))
    s = xn[order]
    # complex comparison is lexicographic (real, then imag) in searchsorted
    pos = np.clip(np.searchsorted(s, xe), 0, s.shape[0] - 1)
    return np.where(s[pos] == xe, order[pos], -1)


def _as_2d_real_view(f: NDArray[Any], geo: np.dtype[Any]) -> tuple[NDArray[Any], int]:
    """Values as a C-contiguous (n, k') array of the geometry's dtype.

    Complex values over a real geometry become 2k real columns (real, imag pairs):
    the formula is linear in the values, so this is exact and avoids complex
    arithmetic in the kernel.
    """
    f2 = f.reshape(f.shape[0], -1)
    k = f2.shape[1]
    if np.dtype(geo).kind == "c":
        return np.ascontiguousarray(f2, dtype=np.complex128), k
    if f2.dtype.kind == "c":
        f2 = np.ascontiguousarray(f2, dtype=np.complex128).view(np.float64)
        return f2, k
    return np.ascontiguousarray(f2, dtype=np.float64), k


def _finish(
    out: NDArray[Any], k: int, out_dtype: np.dtype[Any], shape: tuple[int, ...], f: Any
) -> NDArray[Any]:
    if out.dtype.kind != "c" and np.dtype(out_dtype).kind == "c":
        out = np.ascontiguousarray(out).view(np.complex128)
    return out.reshape(shape).astype(out_dtype, copy=False)


def nodal_derivative(
    nodes: ArrayLike, weights: ArrayLike, values: ArrayLike, order: int
) -> NDArray[Any]:
    """Values at the nodes of the ``order``-th derivative of the interpolant.

    The first-order barycentric differentiation matrix applied ``order`` times without
    forming it (:func:`._bary_kernels.derivative_at_nodes`); ``order`` is a checked
    integer >= 0.  See :func:`numlearn.classical.differentiation.derivative_values`.
    For ``order >= n`` the answer is exact zeros (the interpolant has degree
    ``n - 1``), returned at once: no loop of ``order`` passes.
    """
    xn, w, f, _, out_dtype, _ = _prepare_eval(nodes, weights, values, np.zeros(0))
    if order >= xn.shape[0]:
        return np.zeros(f.shape, dtype=out_dtype)
    f2, k = _as_2d_real_view(f, xn.dtype)
    for _ in range(order):
        out = np.empty_like(f2)
        with threads_for(PAIR_COST["bary2"] * xn.shape[0] ** 2 * f2.shape[1]):
            _k.derivative_at_nodes(xn, w, f2, out)
        f2 = out
    return _finish(f2, k, out_dtype, f.shape, f)


def _warn_lebesgue(lam: NDArray[np.float64], xe: NDArray[Any], caller: str) -> None:
    """Warn if the Lebesgue function at the evaluation points exceeds the threshold."""
    if not lam.max() > LEBESGUE_WARN:  # NaN cannot occur: the kernels give inf
        return
    i = int(np.argmax(lam))
    count = int(np.count_nonzero(lam > LEBESGUE_WARN))
    warnings.warn(
        f"{caller}: the second barycentric formula is ill-conditioned at {count} "
        f"of {lam.shape[0]} points (worst: x = {xe[i].item()!r}, Lebesgue function "
        f"lambda(x) = sum_j |l_j(x)| = {lam[i]:.3g} > {LEBESGUE_WARN:.0e}); expect errors "
        f"up to about lambda eps max|f| = {lam[i] * EPS:.1e} max|f| there. For points "
        "outside the nodes' interval use barycentric_eval_first (backward stable) or "
        "BarycentricInterpolator(..., extrapolate=True); for badly distributed nodes "
        "(equispaced, n > 35) interpolate in Chebyshev points instead.",
        IllConditionedWarning,
        stacklevel=3,
    )
