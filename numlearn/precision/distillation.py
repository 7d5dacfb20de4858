r"""The distillation track's error decomposition (DESIGN: one builder per track).

For a filter distilled into a low-order modal model the truth is the filter ``h``; the
best model of the order is not computed but bounded below by the Hankel singular value
:math:`\sigma_{k+1}` (Adamjan-Arov-Krein); ``u_disc`` is the classical fit and
``u_learned`` the gradient-fitted one.  Arrays in, arrays out: this module does not
import :mod:`numlearn.classical` (``precision`` comes before it in the layer order).
The other tracks' builders are in :mod:`numlearn.precision.decomposition`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import as_float_array, check_choice, check_flag, check_int
from numlearn.precision.decomposition import _TELESCOPE_EPS

__all__ = ["distillation_decomposition"]


def _filter_bank(a: Any, name: str, shape: tuple[int, ...] | None, real: bool,
                 finite: bool) -> NDArray[Any]:
    """``a`` as a 2-D (C, n) float/complex array (1-D = one filter), of ``shape``."""
    arr = as_float_array(a, name, ndim=(1, 2), allow_complex=not real, finite=finite)
    arr = np.atleast_2d(arr).astype(np.complex128 if arr.dtype.kind == "c" else np.float64)
    if shape is not None and arr.shape != shape:
        raise ValueError(f"`{name}` must have shape {shape} (one row per filter of `h`), "
                         f"got {arr.shape}.")
    return arr


def _aak_bounds(sigma: Any, C: int, L: int, k: int) -> tuple[NDArray[Any], ...]:
    """``sigma_{k+1}``, ``2 sum_{j>k} sigma_j`` and whether the sum is complete, per
    filter, from Hankel singular values ``sigma`` ((K,) or (C, K), non-increasing)."""
    s = np.atleast_2d(as_float_array(sigma, "sigma", ndim=(1, 2), allow_complex=False))
    if s.shape[0] != C:
        raise ValueError(f"`sigma` must have one row per filter, shape ({C}, K), got "
                         f"{np.shape(sigma)}.")
    K = s.shape[1]
    if np.any(s < 0) or np.any(np.diff(s, axis=1) > 0):
        raise ValueError("`sigma` must hold Hankel singular values: nonnegative and "
                         "non-increasing along each row (sort them in decreasing order).")
    if K > L - 1:
        raise ValueError(f"`sigma` has {K} values per filter, but a filter of length "
                         f"L = {L} has at most L - 1 = {L - 1} (h_0 is not in the Hankel "
                         "matrix); pass the singular values of these filters.")
    complete = K == L - 1
    if k >= K and not complete:
        raise ValueError(f"`sigma` has {K} values per filter; the floor sigma_(k+1) at "
                         f"real order k = {k} needs at least {k + 1} (or all L - 1 = "
                         f"{L - 1}); compute more singular values.")
    if k >= K:
        zero = np.zeros(C)
        return zero, zero.copy(), np.ones(C, bool)
    return (s[:, k].copy(), 2.0 * s[:, k:].sum(axis=1), np.full(C, complete))


def distillation_decomposition(
    h: ArrayLike,
    classical: ArrayLike,
    learned: ArrayLike,
    *,
    d: int,
    sigma: ArrayLike | None = None,
    norm: str = "l2",
    real: bool = True,
    classical_tf: ArrayLike | None = None,
    learned_tf: ArrayLike | None = None,
    M: int | None = None,
) -> dict[str, Any]:
    r"""The distillation track's decomposition, per filter, with the AAK floor.

    For a filter ``h`` distilled into ``d`` modes:

    ==============  ================================================================
    ``u``           the filter ``h`` (taps ``0..L-1``).
    ``u_best``      the best stable model of McMillan degree ``<= k`` (``k = 2d``
                    real order for real filters, ``d`` for complex ones).  It is not
                    computed: by Adamjan-Arov-Krein (Glover 1984) every such model has
                    :math:`\|H - \hat H\|_\infty \ge \sigma_{k+1}`, the ``(k+1)``-th
                    Hankel singular value of ``h``, which is reported as the floor.
    ``u_disc``      ``classical``: the classical order-``d`` fit (unit-circle AAA,
                    ERA, balanced truncation), its impulse response.
    ``u_learned``   ``learned``: the gradient-fitted modal filter, its impulse
                    response.
    ==============  ================================================================

    so that, as vectors, ``h - u_learned = (h - u_disc) + (u_disc - u_learned)``:
    ``total`` = ``classical`` + ``optimization`` (checked to rounding, ``telescopes``).
    ``optimization`` is the distance the training moved from the classical fit, which
    is "optimization error" only when the classical fit is the better one; a learned
    fit that improves on its classical start has ``total < classical`` and
    ``optimization`` about ``classical``.

    Norms: ``"l2"`` over the window ``t = 0..L-1`` (relative: divided by
    :math:`\|h\|_2`); ``"hinf"`` the largest modulus on the ``M``-th roots of unity
    (``M >= 2L``, default ``2L``; sampling underestimates the supremum slightly;
    relative: divided by :math:`\max_k |H(z_k)|`).  For ``"hinf"`` the spectra are
    ``np.fft.fft(., M)`` of the windowed taps, or, where given, the models' full
    transfer functions ``classical_tf``, ``learned_tf`` on the same points (e.g.
    ``ModalSSM.frequency_response(M)``): the quantity of the AAK theorem, for which
    ``*_over_sigma >= 1`` up to sampling.  The windowed spectra are those of FIR
    truncations (degree ``L - 1``), so the theorem does not bind them; the ratio is
    then a yardstick, not a bound.  There is no AAK floor for the l2 window error.

    Parameters
    ----------
    h : array_like, shape (L,) or (C, L)
        The filters, finite; real unless ``real=False``.
    classical, learned : array_like, same shape as ``h``
        Impulse responses of the classical and of the learned model on ``0..L-1``
        (non-finite entries give inf/NaN terms: a diverged fit).
    d : int
        Complex modes per filter, ``>= 1``, with ``L >= k + 1`` (``k = 2d`` if
        ``real``, else ``d``).
    sigma : array_like, shape (K,) or (C, K), optional
        Hankel singular values of each filter (``h_0`` excluded), non-increasing, at
        least ``k + 1`` of them or all ``L - 1``; gives ``sigma_next`` and
        ``bt_bound``.
    norm : {"l2", "hinf"}
    real : bool, default True
        Real filters with conjugate-pair modes.
    classical_tf, learned_tf : array_like, shape (M,) or (C, M), optional
        ``norm="hinf"`` only, both or neither: the models' transfer functions at
        ``z_k = exp(2 pi i k / M)``, ``M >= 2L`` (FFT convention).
    M : int, optional
        ``norm="hinf"``: the number of points, ``>= 2L`` (default ``2L``, or the
        length of ``classical_tf``).

    Returns
    -------
    dict
        Arrays of shape (C,) (floats for 1-D ``h``): ``total``
        (:math:`\|h - u_{learned}\|`), ``classical`` (:math:`\|h - u_{disc}\|`),
        ``optimization`` (:math:`\|u_{disc} - u_{learned}\|`), ``norm`` (of ``h``),
        ``rel_total``, ``rel_classical``, ``rel_optimization`` (divided by
        ``norm``), ``residual`` (the telescoping residual in the norm),
        ``telescopes`` (bool: every entry within ``4 eps (|u| + |u_disc| +
        |u_learned|)``); with ``sigma``: ``sigma_next`` (:math:`\sigma_{k+1}`),
        ``bt_bound`` (:math:`2\sum_{j>k}\sigma_j`, a lower estimate unless all
        ``L - 1`` values were given: ``bt_complete``) and, for ``"hinf"``,
        ``total_over_sigma``, ``classical_over_sigma``, ``optimization_over_sigma``
        (inf where ``sigma_next = 0`` and the term is not);
        plus ``k`` (real order), ``metric`` (the norm's name), ``M`` (``"hinf"``).

    Notes
    -----
    Cost ``O(C L)`` (``"l2"``), ``O(C M log M)`` (``"hinf"``).  The singular values
    come from the caller (e.g.
    :func:`numlearn.classical.reduction.hankel.hankel_singular_values`): this layer
    knows no reduction method.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(1, 40)
    >>> h = np.r_[0.0, 0.9 ** (t - 1)]            # one real pole: exact at d = 1
    >>> out = distillation_decomposition(h, h, 0.99 * h, d=1, norm="l2")
    >>> round(out["rel_total"], 12), out["rel_classical"], bool(out["telescopes"])
    (0.01, 0.0, True)

    References
    ----------
    .. [1] K. Glover, "All optimal Hankel-norm approximations of linear multivariable
       systems and their L-infinity error bounds", Int. J. Control 39 (1984) 1115,
       doi:10.1080/00207178408933239.
    .. [2] S. Massaroli et al., "Laughing Hyena Distillery: Extracting Compact
       Recurrences From Convolutions", NeurIPS 2023, arXiv:2310.18780.
    """
    norm = check_choice(norm, "norm", ("l2", "hinf"))
    real = check_flag(real, "real")
    hh = _filter_bank(h, "h", None, real, True)
    C, L = hh.shape
    single = np.ndim(h) == 1
    hc = _filter_bank(classical, "classical", hh.shape, real, False)
    hl = _filter_bank(learned, "learned", hh.shape, real, False)
    d = check_int(d, "d", minimum=1)
    k = 2 * d if real else d
    if L < k + 1:
        raise ValueError(f"`h` has L = {L} taps, too short for d = {d} modes (real order "
                         f"k = {k}); it needs L >= k + 1 = {k + 1}: lower `d`.")
    if (classical_tf is None) != (learned_tf is None):
        raise ValueError("pass both `classical_tf` and `learned_tf` (the models' transfer "
                         "functions on the unit circle), or neither.")
    out: dict[str, Any] = {"k": k, "metric": norm}
    if norm == "l2":
        if classical_tf is not None or M is not None:
            raise ValueError("`classical_tf`, `learned_tf` and `M` apply to norm='hinf' "
                             "only; drop them or pass norm='hinf'.")
        u, ud, ul = hh, hc, hl
    else:
        if classical_tf is not None:
            Hc = _filter_bank(classical_tf, "classical_tf", None, False, False)
            M = check_int(M if M is not None else Hc.shape[1], "M", minimum=2 * L)
            Hc = _filter_bank(Hc, "classical_tf", (C, M), False, False)
            Hl = _filter_bank(learned_tf, "learned_tf", (C, M), False, False)
        else:
            M = check_int(2 * L if M is None else M, "M", minimum=2 * L)
            with np.errstate(invalid="ignore", over="ignore"):
                Hc, Hl = np.fft.fft(hc, M, axis=1), np.fft.fft(hl, M, axis=1)
        u, ud, ul = np.fft.fft(hh, M, axis=1), Hc, Hl
        out["M"] = M

    def size(e: NDArray[Any]) -> NDArray[np.float64]:
        return np.linalg.norm(e, axis=1) if norm == "l2" else np.abs(e).max(axis=1)

    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        e_cl, e_opt, e_tot = u - ud, ud - ul, u - ul
        resid = (e_cl + e_opt) - e_tot
        eps = float(np.finfo(np.float64).eps)
        out["telescopes"] = np.all(np.abs(resid) <= _TELESCOPE_EPS * eps * (
            np.abs(u) + np.abs(ud) + np.abs(ul)), axis=1)
        out.update(total=size(e_tot), classical=size(e_cl), optimization=size(e_opt),
                   residual=size(resid), norm=size(u))
        scale = np.where(out["norm"] > 0, out["norm"], np.nan)
        for term in ("total", "classical", "optimization"):
            out[f"rel_{term}"] = out[term] / scale
        if sigma is not None:
            s_next, bt, complete = _aak_bounds(sigma, C, L, k)
            out.update(sigma_next=s_next, bt_bound=bt, bt_complete=complete)
            if norm == "hinf":
                for term in ("total", "classical", "optimization"):
                    v = out[term]
                    out[f"{term}_over_sigma"] = np.where(
                        s_next > 0, v / np.where(s_next > 0, s_next, 1.0),
                        np.where(v > 0, np.inf, 0.0))
    if single:
        out = {key: (val[0].item() if isinstance(val, np.ndarray) else val)
               for key, val in out.items()}
    return out
