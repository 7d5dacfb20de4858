"""Prony's method (linear prediction) for a modal model of a filter: a BASELINE only.

A filter of order ``d`` in the strictly proper modal form, ``h_t = sum_n R_n
lambda_n^(t-1)`` (t >= 1), satisfies the linear recurrence
``h_t + a_1 h_{t-1} + ... + a_d h_{t-d} = 0`` for ``t >= d + 1`` whose characteristic
polynomial ``z^d + a_1 z^(d-1) + ... + a_d`` has the poles as roots.  Prony's method
solves that recurrence for ``a`` in least squares over ``t = d+1 .. L-1``, takes the
roots as poles and refits the residues (:func:`fit_residues`).  It is exact on exact
order-``d`` data, but the least-squares fit of the prediction coefficients is biased by
noise or by modelling error, and polynomial roots are ill-conditioned: on filters that
are not low order it is the worst of the classical methods (ERA, balanced truncation,
unit-circle AAA), so it serves only as a baseline or an initialiser.

References
----------
G. R. de Prony, J. Ec. Polytech. 1 (1795) 24-76.
C. S. Burrus, "Prony, Pade, and linear prediction for interpolation and approximation
in the time and frequency domain design of IIR digital filters and in parameter
identification", arXiv:1909.05298.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from numpy.typing import ArrayLike

from numlearn._core.result import Result, Status
from numlearn._core.validation import as_float_array, check_flag, check_int
from numlearn.classical.reduction.era import pad_modes
from numlearn.classical.reduction.modal import ModalSSM, fit_residues

__all__ = ["prony"]


def prony(h: ArrayLike, d: int, *, real: bool = True) -> Result:
    r"""Order-``d`` modal model by linear prediction (Prony), as a baseline.

    Parameters
    ----------
    h : array_like, shape (L,) or (C, L)
        Filter taps; real when ``real``.  ``L >= 2 d + 1``.
    d : int
        Order of the prediction polynomial = real order for real filters (conjugate
        root pairs become one stored mode, real roots one mode each), number of complex
        modes otherwise.
    real : bool
        Real filters (``ModalSSM(real=True)``).

    Returns
    -------
    Result
        ``value``: :class:`ModalSSM` (residues by time-domain least squares, feedthrough
        ``h_0``); roots with ``|z| >= 1`` are reflected to ``1/conj(z)`` (counted in
        ``stats["reflected"]``, with a warning).  ``stats``: ``seconds``, ``reflected``.

    Notes
    -----
    Cost ``O(L d^2)`` for the prediction least squares plus ``O(d^3)`` roots plus the
    residue fit.  No accuracy guarantee beyond exact data.
    """
    t0 = time.perf_counter()
    real = check_flag(real, "real")
    arr = as_float_array(h, "h", ndim=(1, 2), allow_complex=not real)
    L = arr.shape[-1]
    d = check_int(d, "d", minimum=1)
    if L < 2 * d + 1:
        raise ValueError(f"`h` of length {L} is too short for order `d` = {d}: linear "
                         f"prediction needs L >= 2 d + 1 = {2 * d + 1} taps.")
    batch = arr.reshape(-1, L)
    modes = []
    n_bad = 0
    for row in batch:
        x = row[1:]                                  # h_1 .. h_{L-1}
        n = x.size
        # rows t = d .. n-1 (0-based in x): x_t = -sum_j a_j x_{t-j}
        X = np.column_stack([x[d - j: n - j] for j in range(1, d + 1)])
        a = np.linalg.lstsq(X, -x[d:], rcond=None)[0]
        z = np.roots(np.r_[1.0, a])
        bad = np.abs(z) >= 1.0
        n_bad += int(bad.sum())
        z[bad] = 1.0 / np.conj(z[bad])
        if real:
            z = np.concatenate([z[z.imag > 0], z[z.imag == 0].real])
        fit = fit_residues(row, z.astype(np.complex128), real=real)
        modes.append((fit.poles, fit.residues))
    P, R = pad_modes(modes)
    d0 = batch[:, 0]
    model = ModalSSM(P, R, d0, real=real) if arr.ndim == 2 else ModalSSM(P[0], R[0], d0[0],
                                                                          real=real)
    message = ""
    if n_bad:
        message = f"{n_bad} prediction roots with |z| >= 1 reflected into the disk"
        warnings.warn(f"prony: {message}.", RuntimeWarning, stacklevel=2)
    return Result(model, side="classical", status=Status.SUCCESS, message=message,
                  stats={"seconds": time.perf_counter() - t0, "reflected": n_bad},
                  method="prony")
