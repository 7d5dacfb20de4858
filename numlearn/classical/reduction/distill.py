r"""Distillation of long convolution filters into small modal state-space models.

:func:`distill` turns a bank of ``C`` filters of length ``L`` into a batch of
``d``-mode :class:`~numlearn.classical.reduction.modal.ModalSSM` models by one of three
classical routes, and reports per filter the errors and the two Hankel bounds that
frame them:

``"aaa"``
    Unit-circle AAA for the poles, time-domain least squares for the residues
    (:func:`~numlearn.classical.reduction.unit_circle.aaa_filter`).
``"era"``
    Kung's eigensystem realization on the half-size Hankel matrix (``(L-1)//2`` rows,
    the whole filter), poles from the realised ``A``, residues refitted by time-domain
    least squares (:func:`~numlearn.classical.reduction.era.era` with ``refit=True``).
``"bt"``
    Balanced truncation of the FIR itself: ERA on the FIR's full ``(L-1)``-square
    Hankel operator (zero padded).  The shift-register realization of an FIR has
    controllability Gramian ``I``, so this *is* balanced truncation (Kung 1978), stable
    by construction, with ERA's own residues (no refit) so that the BT bound applies.
``"bt_modal"``
    ERA (its own residues) to a higher intermediate real order ``n_high``, then
    square-root balanced truncation of that modal model with its closed-form
    (Cauchy-like) Gramians
    (:func:`~numlearn.classical.reduction.balanced.balanced_truncation`): far cheaper
    than ``"bt"`` for long filters; its BT bound holds against the intermediate model,
    so the guarantee against the FIR is ``2 sum sigma_j(H_high) + ||H - H_high||``
    (``stats["hinf_high"]``).

Order accounting
----------------
``d`` counts **complex modes** (``ModalSSM.order``), the unit of the Laughing Hyena
distillation ("order 16" = 16 complex modes).  For real filters each mode is a
conjugate pair, so the budget is the real order (McMillan degree, state dimension of
a real realization) ``k = 2d``: ERA and BT at real order ``2d``, AAA as
``aaa_filter`` explains (type ``(d, d)`` or a conjugate-symmetric type ``(2d, 2d)``),
poles stored one per conjugate pair.  A real pole takes a mode of its own and one
real state, so a model with real poles can have more than ``d`` modes (at most
``2d``) but real order ``<= 2d`` (``stats["real_order"]``).  The bounds use the
Hankel singular values at that **real order**: for every stable model of McMillan
degree :math:`\le k`

.. math::
    \sigma_{k+1} \le \|H - \hat H\|_{\infty}
    \qquad\text{(Adamjan-Arov-Krein; Glover 1984)},

and the balanced truncation of the FIR to order ``k`` has
:math:`\|H - \hat H_{BT}\|_\infty \le 2\sum_{j>k}\sigma_j` (Enns 1984; Glover 1984).
For complex filters ``k = d``.

Stats per filter (arrays of shape ``(C,)``): ``rel_l2`` (relative l2 error on
``[0, L)``), ``hinf`` (``max_k |FFT_M(h - hhat)_k|``, the windowed difference, ``M = 2L``),
``hinf_model`` (``max_k |FFT_M(h)_k - Hhat(z_k)|``, the model's full transfer function:
the quantity of the AAK theorem), ``sigma_next`` (:math:`\sigma_{k+1}`), ``bt_bound``
(:math:`2\sum_{j>k}\sigma_j`), ``hinf_over_sigma`` (``hinf_model / sigma_next``,
:math:`\ge 1` by AAK up to sampling), ``real_order`` (McMillan degree of each model,
zero padding modes not counted, ``<= k``); and ``seconds`` (all), ``seconds_fit`` (the
method alone), ``order`` (modes stored per channel, padding included).

References
----------
S. Massaroli et al., "Laughing Hyena Distillery: Extracting Compact Recurrences From
Convolutions", NeurIPS 2023, arXiv 2310.18780.
S.-Y. Kung, "A new identification and model reduction algorithm via singular value
decomposition", 12th Asilomar Conf. Circuits, Systems and Computers, 1978.
K. Glover, "All optimal Hankel-norm approximations of linear multivariable systems and
their L-infinity error bounds", Int. J. Control 39 (1984) 1115,
doi:10.1080/00207178408933239.
D. F. Enns, "Model reduction with balanced realizations: an error bound and a frequency
weighted generalization", IEEE CDC 1984, doi:10.1109/CDC.1984.272286.
Equivalents: python-control ``eigensys_realization`` and ``balanced_reduction``
(continuous time only), pyMOR ``ERAReductor`` and ``BTReductor``, MathWorks
``balancmr``.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result, Status
from numlearn._core.validation import check_choice, check_flag, check_int
from numlearn.classical.reduction.balanced import balanced_truncation
from numlearn.classical.reduction.era import era
from numlearn.classical.reduction.hankel import hankel_bounds, hankel_singular_values
from numlearn.classical.reduction.modal import ModalSSM, filter_errors
from numlearn.classical.reduction.unit_circle import aaa_filter, check_filters

__all__ = ["DISTILL_METHODS", "distill", "distill_bounds"]

#: The classical distillation routes of :func:`distill`.
DISTILL_METHODS = ("aaa", "era", "bt", "bt_modal")

#: The options each route accepts (passed on to ``aaa_filter`` or ``era``).
_OPTIONS = {
    "aaa": ("M", "rho", "stability", "shared_poles", "rtol", "tail"),
    "era": ("svd", "unstable", "refit", "seed", "rows", "cols"),
    "bt": ("svd", "unstable", "refit", "seed"),
    "bt_modal": ("svd", "unstable", "refit", "seed", "n_high"),
}

#: Largest ``L - 1`` for which the bounds use all Hankel singular values (dense);
#: beyond it the leading ``2 k + 16`` come from the randomized method and ``bt_bound``
#: misses the tail (a lower estimate of the true bound).
DENSE_BOUNDS_MAX = 4096


def distill_bounds(h: NDArray[Any], k: int) -> dict[str, NDArray[np.float64]]:
    r"""``sigma_next`` (:math:`\sigma_{k+1}`) and ``bt_bound`` (:math:`2\sum_{j>k}\sigma_j`)
    per filter of ``h`` (``(C, L)``) at real order ``k``.

    Hankel singular values of the FIR (``h_0`` excluded); ``sigma_j = 0`` for
    ``j > L - 1``, so both are 0 when ``k >= L - 1``.  Dense up to
    ``L - 1 = DENSE_BOUNDS_MAX``, randomized beyond (``bt_bound`` then a lower estimate;
    ``complete`` says which).
    """
    C, L = h.shape
    n = L - 1
    if k >= n:
        zero = np.zeros(C)
        return {"sigma_next": zero, "bt_bound": zero.copy(), "complete": np.ones(C, bool)}
    if n <= DENSE_BOUNDS_MAX:
        sigma = np.atleast_2d(hankel_singular_values(h, method="dense").value)
        complete = True
    else:
        sigma = np.atleast_2d(hankel_singular_values(h, k=min(n, 2 * k + 16)).value)
        complete = False
    aak, bt = hankel_bounds(sigma, k)
    return {"sigma_next": np.asarray(aak, dtype=np.float64).reshape(C),
            "bt_bound": np.asarray(bt, dtype=np.float64).reshape(C),
            "complete": np.full(C, complete)}


def _truncate(high: ModalSSM, k: int) -> tuple[Result, ModalSSM]:
    """``balanced_truncation(high, k)``; a channel whose model is numerically of lower
    order (``balanced_truncation`` refuses ``k``) is truncated at the largest order it
    accepts, padded with zero modes."""
    try:
        inner = balanced_truncation(high, k)
        return inner, inner.value
    except ValueError:
        pass
    poles, res, lowered = [], [], []
    for c in range(high.channels):
        one = ModalSSM(high.poles[c], high.residues[c], high.feedthrough[c], real=high.real)
        for kc in range(k, 0, -1):
            try:
                fit = balanced_truncation(one, kc).value
                break
            except ValueError:
                continue
        else:
            fit = ModalSSM(np.zeros(1), np.zeros(1), high.feedthrough[c], real=high.real)
        if kc < k:
            lowered.append(f"channel {c}: order {kc}")
        poles.append(np.atleast_1d(fit.poles))
        res.append(np.atleast_1d(fit.residues))
    width = max(p.size for p in poles)
    P = np.zeros((high.channels, width), dtype=np.complex128)
    R = np.zeros_like(P)
    for c, (p, r) in enumerate(zip(poles, res, strict=True)):
        P[c, :p.size], R[c, :r.size] = p, r
    model = ModalSSM(P, R, high.feedthrough, real=high.real)
    message = ("numerically lower order than requested, truncated at the largest order "
               "balanced_truncation accepts: " + "; ".join(lowered))
    return Result(model, side="classical", message=message, method="balanced_truncation"), model


def _real_orders(model: ModalSSM) -> NDArray[np.int64]:
    """McMillan degree per channel: 2 per non-real mode, 1 per real one, padding modes
    (residue 0) not counted."""
    poles, res = np.atleast_2d(model.poles), np.atleast_2d(model.residues)
    live = res != 0
    if not model.real:
        return live.sum(axis=1)
    return np.where(live, np.where(poles.imag == 0, 1, 2), 0).sum(axis=1)


def distill(
    h: ArrayLike,
    d: int,
    *,
    method: str = "aaa",
    real: bool = True,
    bounds: bool = True,
    **options: Any,
) -> Result:
    r"""Distil a filter bank into ``d``-mode modal models, with errors and Hankel bounds.

    Parameters
    ----------
    h : array_like, shape (L,) or (C, L)
        Filters, finite; real unless ``real=False`` (then only ``method="aaa"``).
        ``L >= 2d + 1`` for real filters.
    d : int
        Complex modes per filter, ``>= 1`` (real order ``2d`` for real filters).
    method : {"aaa", "era", "bt", "bt_modal"}
        The route (module docstring).
    real : bool
        Real filters (conjugate-pair modes).
    bounds : bool
        Compute the Hankel singular values and the two bounds (a dense ``(L-1)^2``
        eigenvalue problem per filter up to ``L - 1 = 4096``).
    **options
        Passed to the method: ``aaa_filter`` (``M``, ``rho``, ``stability``,
        ``shared_poles``, ``rtol``, ``tail``) or ``era`` (``svd``, which is
        ``era``'s ``method``: ``"dense"|"lanczos"|"randomized"``; ``unstable``,
        ``refit``, ``seed``);
        ``"bt_modal"`` also takes ``n_high`` (the intermediate real order, between
        ``2d`` and ``(L-1)//2``; default ``min((L-1)//2, max(4d, 2d + 32))``: measured
        at L = 2048, ``8d`` gave intermediate models whose balanced truncation was
        unusable at d = 32 on the Hyena families).

    Returns
    -------
    Result
        ``value``: a :class:`ModalSSM` (``C`` channels, or unbatched for 1-D ``h``);
        ``stats`` as in the module docstring plus the method's own (``unstable_poles``
        for AAA ...); ``status`` the method's.

    Notes
    -----
    Cost per filter: AAA ``O(M d^3)`` with ``M = 2L``; ERA a dense SVD of the
    ``(L/2)``-square Hankel matrix, BT of the ``(L-1)``-square one (8 times more),
    ``O(L^3)`` (``svd="lanczos"`` or ``"randomized"`` for long filters); the bounds a
    dense symmetric eigenvalue problem of size ``L - 1``, ``O(L^3)``.
    """
    t0 = time.perf_counter()
    method = check_choice(method, "method", DISTILL_METHODS)
    real = check_flag(real, "real")
    bounds = check_flag(bounds, "bounds")
    if method != "aaa" and not real:
        raise ValueError(f"`real=False` (complex filters) is supported by method='aaa' only, "
                         f"got method={method!r}; pass real filters or use method='aaa'.")
    unknown = sorted(set(options) - set(_OPTIONS[method]))
    if unknown:
        raise TypeError(f"`options` {unknown} are not options of method={method!r}; it "
                        f"accepts {', '.join(_OPTIONS[method])}.")
    if "svd" in options:                      # era's own `method`
        options["method"] = options.pop("svd")
    hh, d, single = check_filters(h, d, real=real)
    C, L = hh.shape
    k = 2 * d if real else d
    t_fit = time.perf_counter()
    extra: dict[str, Any] = {}
    if method == "aaa":
        inner = aaa_filter(hh, d, real=real, **options)
        model = inner.value
        for key in ("unstable_poles", "aaa_terms", "M", "rho"):
            extra[key] = inner.stats[key]
    elif method == "era":
        inner = era(hh, k, **({"refit": True} | options))
        model = inner.value
        extra["reflected"] = inner.stats["reflected"]
    elif method == "bt":
        inner = era(hh, k, **({"rows": L - 1, "cols": L - 1} | options))
        model = inner.value
    else:
        opts = dict(options)
        n_high = opts.pop("n_high", min((L - 1) // 2, max(2 * k, k + 32)))
        n_high = check_int(n_high, "n_high", minimum=k, maximum=(L - 1) // 2)
        high = era(hh, n_high, **opts)
        inner, model = _truncate(high.value, k)
        extra["n_high"] = n_high
        extra["hinf_high"] = filter_errors(hh, high.value)["hinf_model"]
    seconds_fit = time.perf_counter() - t_fit
    if not isinstance(model, ModalSSM):
        raise TypeError(f"method {method!r} returned {type(model).__name__}, not a ModalSSM.")
    if not model.batched or model.channels != C:
        model = ModalSSM(np.broadcast_to(model.poles, (C, model.order)),
                         np.broadcast_to(model.residues, (C, model.order)),
                         np.broadcast_to(model.feedthrough, (C,)), real=model.real,
                         allow_unstable=not model.is_stable)
    errors = filter_errors(hh, model)
    stats: dict[str, Any] = {
        "order": model.order,
        "real_order": _real_orders(model),
        "rel_l2": errors["rel_l2"],
        "hinf": errors["hinf"],
        "hinf_model": errors["hinf_model"],
    }
    if bounds:
        b = distill_bounds(hh, k)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(b["sigma_next"] > 0, errors["hinf_model"] / b["sigma_next"],
                             np.inf)
        stats.update(sigma_next=b["sigma_next"], bt_bound=b["bt_bound"],
                     bt_bound_complete=b["complete"], hinf_over_sigma=ratio)
    stats.update(extra)
    stats["seconds_fit"] = seconds_fit
    stats["seconds"] = time.perf_counter() - t0
    status = inner.status
    message = inner.message
    worse = np.flatnonzero(~(errors["rel_l2"] <= 1.0))
    if worse.size and status is Status.SUCCESS:
        status = Status.UNRESOLVED
        message = (f"{worse.size} filter(s) (first {worse[:5].tolist()}) fitted worse than "
                   "the zero filter (rel_l2 > 1 or not finite); lower `d` or use another "
                   "method" + (f"; {message}" if message else ""))
        warnings.warn(f"distill/{method}: {message}", RuntimeWarning, stacklevel=2)
    if single:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = ModalSSM(model.poles[0], model.residues[0], model.feedthrough[0],
                             real=model.real, allow_unstable=not model.is_stable)
        stats = {key: (val[0] if isinstance(val, np.ndarray) and val.shape == (C,)
                       and key != "aaa_terms" else val) for key, val in stats.items()}
    return Result(model, side="classical", status=status, message=message, stats=stats,
                  method=f"distill/{method}")
