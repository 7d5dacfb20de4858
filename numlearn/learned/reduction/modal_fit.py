r"""Fitting batched modal filters to long convolution filters (learned distillation).

:func:`fit_modal` fits ``C`` filters ``h`` (length ``L``) by ``d`` conjugate-pair modes
each (:class:`~numlearn.learned.layers.modal.ModalFilter`, ``|lambda| < 1`` by the
parametrisation) and returns the classical
:class:`~numlearn.classical.reduction.modal.ModalSSM`.  The objective is the window
error :math:`\sum_{t<L}(h_t - \hat h_t)^2` (the authors' MSE over taps ``1..L-1`` when
``h_0`` is copied).

Methods
-------
``"adamw"``
    The Laughing Hyena distillation notebook's recipe (arXiv 2310.18780; savanna
    ``notebooks/distill.ipynb``): all parameters by AdamW (lr ``6e-4``, betas
    ``(0.9, 0.99)``, no weight decay, so exactly Adam:
    :class:`~numlearn.learned.optim.AdamCosine`), one cosine cycle to ``1e-6``, full
    batch, loss the mean over ``C (L-1)`` taps.  With ``init="ring"`` and
    ``constrain=False`` it is their routine (raw radius, poles free to leave the
    disk); numlearn's default constrains the radius.
``"varpro-adam"``, ``"varpro-lbfgs"``, ``"varpro-lm"``
    Variable projection (Golub & Pereyra 1973): given the poles the residues are linear,
    so at every step they are the least-squares solution (column-scaled batched SVD of
    the real Vandermonde ``[Re V, -Im V]``, ``V_tn = lambda_n^(t-1)``) and only the
    ``2 d`` pole parameters per filter are optimised, on the projected functional
    :math:`\|P^\perp(\lambda) h\|^2 / \|h\|^2` per filter.  Adam differentiates it with
    the residues held at their optimum (the gradient of the projected functional, by the
    envelope theorem), and returns the best iterate (Adam with a decaying rate is not a
    polisher: from an optimal start it wanders off).  L-BFGS
    (:class:`~numlearn.learned.optim.LBFGS`: strong Wolfe line search, history 100, one
    iteration per step) minimises the same functional summed over the filters, so its
    line search and curvature pairs are shared by the batch (best iterate returned).
    Levenberg-Marquardt uses the
    full Golub-Pereyra Jacobian :math:`J = -P^\perp (\partial_p A) x -
    (A^+)^T(\partial_p A)^T r` (Kaufman's simplification, the first term only, stalled
    far from the solution), block diagonal over the filters: one damped Gauss-Newton
    step per filter per iteration, batched, with the damping rules of
    :class:`~numlearn.learned.optim.LevenbergMarquardt` (Marquardt's
    diagonal scaling, ``mu`` divided by 5 on success, multiplied by 5 on failure; one
    trial per step).  Cost per step ``O(C L d^2)``.

Both objectives are sums over the filters: the steps run over blocks of a few filters
(``_blocks``; large blocks on a GPU), with the same result and memory ``O(block L d)``,
so the time per filter stays flat as ``C`` grows into the thousands.  A VarPro fit of
a filter does not depend on its batch (to rounding); AdamW's mean over all ``C (L-1)``
taps scales each filter's gradient by ``1 / C``, which Adam feels only through its
``eps``: a batch of ``C`` is the single-filter fit with ``eps`` times ``C``.

Classical starts keep every mode within the real-order budget ``2 d`` (a real pole is
one state, a mode of its own with real residue; it stays real during the fit), so a
VarPro fit never ends above its start (``_modal_start``).  H-infinity: the window
error never sees the model beyond tap ``L - 1``; ``tail`` adds zero taps after the
window to the VarPro-LM objective, ``hinf_polish`` re-solves the residues (poles
fixed) by Lawson's iteratively reweighted least squares towards the minimax error of
the full transfer function (``_modal_polish``); the measurements are in the
``modal_fit`` notes of the documentation.

Losses (:func:`numlearn.learned.layers.modal.window_sq_errors`): ``"time"`` (the
taps), ``"fft"`` (Parseval with the closed-form DFT of the truncated modal filter,
``rfft``-weighted; stable: absolute error about ``eps ||h||``) and ``"gram"``
(``||h||^2 - 2 <h, hhat> + ||hhat||^2`` with ``||hhat||^2`` from geometric-sum Gram
matrices, ``O(d^2)`` per filter and no ``L``; it cancels catastrophically once the
error is below about ``sqrt(eps) ||h||``, so it is an oracle, not an objective).

References
----------
S. Massaroli et al., "Laughing Hyena Distillery: Extracting Compact Recurrences From
Convolutions", NeurIPS 2023, arXiv 2310.18780.
G. H. Golub and V. Pereyra, "The differentiation of pseudo-inverses and nonlinear least
squares problems whose variables separate", SIAM J. Numer. Anal. 10 (1973) 413,
doi:10.1137/0710036.
L. Kaufman, "A variable projection method for solving separable nonlinear least squares
problems", BIT 15 (1975) 49, doi:10.1007/BF01932995.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
import torch
from torch import Tensor

from numlearn._core.result import Result, Status
from numlearn._core.validation import (
    as_float_array,
    check_choice,
    check_flag,
    check_int,
    check_positive,
)
from numlearn.classical.reduction.modal import ModalSSM, filter_errors
from numlearn.learned.layers.base import _check_device, _check_dtype, check_tensor
from numlearn.learned.layers.modal import (
    LOSSES,
    R_MAX,
    ModalFilter,
)
from numlearn.learned.reduction._blocks import filter_blocks
from numlearn.learned.reduction._modal_polish import lawson_poles, lawson_residues, peak_errors
from numlearn.learned.reduction._modal_runs import (
    run_adam,
    run_varpro_first_order,
    run_varpro_lm,
)
from numlearn.learned.reduction._modal_start import classical_init, clean, free_mask, to_order
from numlearn.learned.reduction._varpro import (
    _basis,
    _columns,
    _lm_step,
    _PoleView,
    _solve,
    time_system,
)

__all__ = ["FIT_METHODS", "INITS", "fit_modal", "varpro_residues"]

FIT_METHODS = ("adamw", "varpro-adam", "varpro-lbfgs", "varpro-lm")
INITS = ("ring", "aaa", "era", "bt", "bt_modal")
_DEFAULT_STEPS = {"adamw": 30000, "varpro-adam": 1000, "varpro-lbfgs": 1000, "varpro-lm": 200}
_DEFAULT_LR = {"adamw": 6e-4, "varpro-adam": 1e-3}


# ------------------------------------------------------------------- variable projection
def varpro_residues(filt: ModalFilter, h: Tensor) -> Tensor:
    """The least-squares residues for the filter's current poles, complex (C, d)
    (time-domain fit on taps ``1..L-1``; the inner solve of variable projection)."""
    h = filt.check_target(h)
    with torch.no_grad():
        a, b = filt.log_poles()
        mag, cos, sin = _basis(a, b, h.shape[1] - 1)
        A = torch.cat([mag * cos, -mag * sin], dim=1).transpose(1, 2)
        x, _, _ = _solve(A, h[:, 1:])
    d = filt.order
    return torch.complex(x[:, :d], x[:, d:])


# ------------------------------------------------------------------------- fit_modal
def _as_target(h: Any, d: Any, dtype: torch.dtype, device: torch.device) -> Tensor:
    if isinstance(h, Tensor):
        if h.is_complex():
            raise TypeError("`h` is complex; fit_modal fits real filters (conjugate-pair "
                            "modes): pass the real taps.")
        h = check_tensor(h, "h", dtype=dtype, device=device, owner="fit_modal")
    else:
        arr = as_float_array(h, "h", ndim=(1, 2), allow_complex=False, finite=False)
        if dtype != torch.float64 or arr.dtype != np.float64:
            raise TypeError(f"`h` is a {arr.dtype} array but `dtype` is {dtype}; pass a "
                            f"{dtype} tensor (numlearn never casts between float32 and "
                            "float64 silently).")
        h = torch.from_numpy(np.ascontiguousarray(arr, dtype=np.float64)).to(device)
    if h.ndim not in (1, 2) or h.numel() == 0:
        raise ValueError(f"`h` must have shape (L,) or (C, L), got {tuple(h.shape)}.")
    if not bool(torch.isfinite(h).all()):
        raise ValueError("`h` must be finite; it has NaN or inf taps.")
    h = h[None] if h.ndim == 1 else h
    d = check_int(d, "d", minimum=1)
    if h.shape[1] - 1 < 2 * d:
        raise ValueError(f"`d` = {d} modes need {2 * d} real unknowns per filter but `h` has "
                         f"only {h.shape[1] - 1} taps after h_0; give at least {2 * d + 1} "
                         "taps or fewer modes.")
    return h


def fit_modal(
    h: Any,
    d: int,
    *,
    init: Any = "ring",
    method: str = "varpro-lm",
    steps: int | None = None,
    lr: float | None = None,
    loss: str = "time",
    constrain: bool = True,
    r_max: float = R_MAX,
    train_feedthrough: bool = False,
    hinf_weight: float = 0.0,
    tail: int = 0,
    hinf_polish: int = 0,
    polish_l2_factor: float = 2.0,
    polish_poles: int = 0,
    seed: int = 0,
    progress: bool = True,
    dtype: torch.dtype = torch.float64,
    device: str | torch.device = "cpu",
) -> Result:
    r"""Fit ``d``-mode modal filters to ``h`` (module notes).

    Parameters
    ----------
    h : array_like or Tensor, shape (L,) or (C, L)
        Real filters, finite, ``L >= 2 d + 1``; a tensor must already have ``dtype``
        and ``device``.
    d : int
        Complex (conjugate-pair) modes per filter.
    init : {"ring", "aaa", "era", "bt", "bt_modal"} or ModalSSM
        ``"ring"``: the authors' random ring (:class:`ModalFilter`, seeded);
        ``"aaa"``, ``"era"``, ``"bt"``, ``"bt_modal"``: the classical
        :func:`~numlearn.classical.reduction.distill.distill` poles and residues; or a
        real ModalSSM.  The budget is the real order ``2 d`` (a pair costs 2, a real
        pole 1): the start is kept whole when it fits (every ``distill`` route; ERA
        at ``d = 2`` may give a pair and two real poles, three modes), else its least
        energetic modes are dropped; budget left over is filled from the ring with
        zero residues.  Real poles stay real during the fit (angle fixed, residue
        real), so the fitted model has real order ``<= 2 d`` but may hold up to ``2 d``
        modes (``(0, 0)`` padding for ragged batches).  VarPro-LM with ``tail=0`` and
        VarPro-Adam / L-BFGS (best iterate) never end above the start's window error
        (``stats["rel_l2_init"]``), residues re-solved at the start.
    method : {"adamw", "varpro-adam", "varpro-lbfgs", "varpro-lm"}
    steps : int, optional
        Optimiser steps (default 30000, 1000, 1000, 200 by method; an L-BFGS step is
        one iteration with its line search, several evaluations).
    lr : float, optional
        Peak learning rate of the Adam methods (default ``6e-4`` adamw, ``1e-3`` varpro).
    loss : {"time", "fft"}
        adamw's window error from the taps or by Parseval (same value).
    constrain : bool, default True
        Stable parametrisation (``False``: the authors' raw radius).
    r_max : float
        Largest radius of the constrained parametrisation.
    train_feedthrough : bool
        adamw: ``D`` trained (else copied from ``h_0``, as the authors).
    hinf_weight : float, default 0
        adamw: adds ``hinf_weight * sum_c max_k |E_c(z_k)|^2 / (C (L-1))`` to the loss,
        ``E`` the closed-form spectrum of the window error on ``M = 2 L`` points
        (:func:`~numlearn.learned.layers.modal.hinf_errors`): H-infinity polishing.
    tail : int, default 0
        varpro-lm: also fit ``tail`` zero taps after the window (``h_t = 0`` for
        ``L <= t < L + tail``), so the model's response beyond the window, which the
        window error never sees, is held down; poles then cannot drift to the unit
        circle unpunished (``tail = L`` doubles the cost of a step).  The objective in
        ``history["loss"]`` includes the tail; ``stats["rel_l2"]`` is the window's.
        The default stays 0 (the window error alone, the authors' objective): on
        Hyena filters (L = 2048, d = 2..32) ``tail = L`` lowers the median
        ``hinf_model / sigma_{2d+1}`` at d >= 16 (ERA start, d = 16: 3.9 -> 2.3;
        d = 32: 97 -> 10) but raises the median window error 36x at d = 32 (ERA),
        leaves some worst cases (a pole with a tiny residue at the radius limit) and
        costs about 2x the time; ``tail = L`` with ``hinf_polish = 20`` is the
        H-infinity setting.
    hinf_polish : int, default 0
        VarPro methods: after the fit, this many Lawson iterations (iteratively
        reweighted least squares on the transfer function at ``z_k = e^{2 pi i k/(2L)}``
        and at the poles' angles ``e^{i arg lambda_n}``, where a pole near the circle
        peaks between grid points; weights ``w_k <- w_k |E_k|``) re-solve the
        residues, poles fixed, towards the minimax (H-infinity) error of the full
        transfer function against the FIR's; per filter the iterate with the smallest
        max error (``stats["hinf_peak"]``, before: ``"hinf_peak_unpolished"``) whose
        window error is at most ``polish_l2_factor`` times the fit's is kept (the fit
        itself included); from a classical start the start itself is kept where its
        max error (``"hinf_peak_start"``) is smaller still (``polish_iteration = -1``),
        so this setting never ends above the model it began from in H-infinity (a
        window fit of a filter cut before it decays can raise it 10-1000x; balanced
        truncation ``init="bt"`` of the FIR is within ``2 sum_{k>2d} sigma_k`` by its
        bound).  Cost per iteration one SVD of a ``(2L + 2 + 2 d') x 2 d'``
        system per filter (20 iterations: about 2 % of a 200-step fit at d = 16).
        Lowers the median ``hinf_model / sigma_{2d+1}`` where the poles allow it
        (ERA start, ``tail = 0``: d = 8, 1.8 -> 1.6; d = 16, 3.9 -> 2.2) at 1.0-1.5x
        the median window error; residues alone cannot move a pole, so a pole at the
        radius limit that the window fit needs stays (``polish_poles``).  (Lawson
        1961; Rice & Usow, Math. Comp. 22 (1968) 118.)
    polish_l2_factor : float, default 2
        The largest growth of the relative window error that polishing may accept
        (``>= 1``).
    polish_poles : int, default 0
        With ``hinf_polish``: Levenberg-Marquardt steps per Lawson iteration that also
        move the poles (variable projection on the weighted transfer-function error on
        the ``2 L`` grid, the same Golub-Pereyra step with columns ``1/(z_k -
        lambda)``); 0: residues only.  Candidates and their acceptance as above.
    seed : int
        Seeds the ring (and so the whole run: CPU runs are bit-reproducible).
    progress : bool
        tqdm bar naming the model, method and initialisation.
    dtype, device
        Of the torch computation.

    Returns
    -------
    Result
        ``value`` the fitted :class:`ModalSSM` (NumPy, batched for 2-D ``h``);
        ``history``: ``loss`` (the objective) and ``rel_l2`` (root mean square over the
        filters of the relative window error) before each step and at the end;
        ``stats``: ``seconds``, ``seconds_init``, ``iterations``, ``rel_l2``,
        ``rel_l2_init`` (the start's relative window error, as loaded),
        ``hinf``, ``hinf_model`` (per filter, from
        :func:`~numlearn.classical.reduction.modal.filter_errors`), ``max_radius``,
        ``poles_clipped``, ``unstable_poles``; with ``hinf_polish``: ``hinf_peak``,
        ``hinf_peak_unpolished`` (max error over the ``2 L`` grid and the poles'
        angles, after and before), ``hinf_peak_start`` (the classical start's; not from
        a ring) and ``polish_iteration`` (the Lawson iterate kept, 0 = the unpolished
        fit, -1 = the start).  Status ``DIVERGED`` (with the last
        finite parameters) if the loss became non-finite.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(1, 64)
    >>> h = np.r_[0.5, 0.9 ** (t - 1) * np.cos(0.3 * (t - 1))]
    >>> res = fit_modal(h, 1, init="era", method="varpro-lm", steps=30, progress=False)
    >>> bool(res.stats["rel_l2"] < 1e-12)
    True
    """
    t_start = time.perf_counter()
    dtype = _check_dtype(dtype)
    device = _check_device(device)
    method = check_choice(method, "method", FIT_METHODS)
    loss = check_choice(loss, "loss", LOSSES[:2])
    constrain = check_flag(constrain, "constrain")
    progress = check_flag(progress, "progress")
    if not isinstance(init, ModalSSM):
        init = check_choice(init, "init", INITS)
    hh = _as_target(h, d, dtype, device)
    single = h.ndim == 1 if isinstance(h, Tensor) else np.ndim(h) == 1
    d = int(d)
    steps = _DEFAULT_STEPS[method] if steps is None else check_int(steps, "steps", minimum=1)
    lr = _DEFAULT_LR.get(method, 0.0) if lr is None else check_positive(lr, "lr")
    hinf_weight = check_positive(hinf_weight, "hinf_weight", allow_zero=True)
    tail = check_int(tail, "tail", minimum=0)
    if tail and method != "varpro-lm":
        raise ValueError("`tail` applies to method='varpro-lm' only; pass "
                         "method='varpro-lm' or tail=0.")
    hinf_polish = check_int(hinf_polish, "hinf_polish", minimum=0)
    polish_l2_factor = check_positive(polish_l2_factor, "polish_l2_factor")
    if polish_l2_factor < 1:
        raise ValueError(f"`polish_l2_factor` must be >= 1 (the window error may only "
                         f"grow by that factor), got {polish_l2_factor!r}.")
    polish_poles = check_int(polish_poles, "polish_poles", minimum=0)
    if polish_poles and not hinf_polish:
        raise ValueError("`polish_poles` sets the LM steps of each `hinf_polish` "
                         "iteration; pass hinf_polish > 0 or polish_poles=0.")
    if hinf_polish and method == "adamw":
        raise ValueError("`hinf_polish` applies to the VarPro methods (their residues are "
                         "solved exactly); pass method='varpro-lm' or hinf_polish=0.")
    if hinf_weight and method != "adamw":
        raise ValueError("`hinf_weight` applies to method='adamw' only (the VarPro methods "
                         "fit the l2 window error); pass method='adamw' or hinf_weight=0.")
    C, L = hh.shape
    h_np = hh.detach().cpu().to(torch.float64).numpy()
    filt = ModalFilter(C, d, constrain=constrain, r_max=r_max, seed=seed,
                       train_feedthrough=train_feedthrough and method == "adamw",
                       dtype=dtype, device=device)
    clipped, seconds_init, kind = 0, 0.0, None
    with torch.no_grad():
        filt.feedthrough.copy_(hh[:, 0])
    if not (isinstance(init, str) and init == "ring"):
        model0, seconds_init = classical_init(init, h_np, d)
        model0, kind, clipped = to_order(model0, h_np, d, filt, r_max, constrain)
        if kind.shape[1] != d:
            filt = ModalFilter(C, kind.shape[1], constrain=constrain, r_max=r_max,
                               seed=seed, train_feedthrough=filt.train_feedthrough,
                               dtype=dtype, device=device)
        filt.load_modal_ssm(model0)
        if bool((kind == 0).all()):           # d conjugate pairs: nothing fixed
            kind = None
    free = None if kind is None else free_mask(kind, hh)
    start = (None if not hinf_polish or (isinstance(init, str) and init == "ring")
             else _snapshot(filt))
    hn2 = (hh ** 2).sum(dim=1).clamp(min=torch.finfo(dtype).tiny)
    with torch.no_grad():
        rel_init = torch.sqrt(_window_sq(filt, hh) / hn2)
    rows: dict[str, list[float]] = {"loss": [], "rel_l2": []}
    status, message = Status.SUCCESS, ""
    from tqdm.auto import tqdm

    label = init if isinstance(init, str) else "ModalSSM"
    bar = tqdm(range(steps), desc=f"fit_modal C={C} d={d} L={L}: {method} from {label}",
               disable=not progress, leave=False)
    done = 0
    if method == "adamw":
        done, status, message = run_adam(filt, hh, hn2, steps, lr, loss, rows, bar,
                                         hinf_weight, free)
    elif method in ("varpro-adam", "varpro-lbfgs"):
        done, status, message = run_varpro_first_order(
            filt, hh, hn2, steps, lr, rows, bar, free, optimizer=method[7:])
    else:
        done = run_varpro_lm(filt, hh, hn2, steps, rows, bar, tail=tail, free=free)
    bar.close()
    polish_stats = (_polish(filt, hh, free, hinf_polish, polish_l2_factor, polish_poles)
                    if hinf_polish else {})
    if start is not None:
        polish_stats = _keep_start(filt, hh, start, polish_stats)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = filt.to_modal_ssm()
    if kind is not None:
        model = clean(model, kind)
    unstable = int((np.abs(model.poles) >= 1).sum())
    if unstable:
        message = (message + "; " if message else "") + \
            f"{unstable} poles on or outside the unit circle (constrain=False)"
        warnings.warn(f"fit_modal: {message}", caught[0].category if caught else RuntimeWarning,
                      stacklevel=2)
    errors = filter_errors(h_np, model)
    stats = {"seconds": time.perf_counter() - t_start, "seconds_init": seconds_init,
             "iterations": done, "rel_l2": errors["rel_l2"],
             "rel_l2_init": rel_init.cpu().numpy(), "hinf": errors["hinf"],
             "hinf_model": errors["hinf_model"], "max_radius": np.abs(model.poles).max(axis=1),
             "poles_clipped": clipped, "unstable_poles": unstable, **polish_stats}
    if single:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = ModalSSM(model.poles[0], model.residues[0], model.feedthrough[0],
                             real=True, allow_unstable=unstable > 0)
        stats = {k: (float(v[0]) if isinstance(v, np.ndarray) else v) for k, v in stats.items()}
    name = init if isinstance(init, str) else "modal_ssm"
    return Result(model, side="learned", status=status, message=message, stats=stats,
                  history={k: np.asarray(v) for k, v in rows.items()},
                  method=f"fit_modal/{method}/{name}")


def _window_sq(filt: ModalFilter, h: Tensor) -> Tensor:
    """``sum_t (h_t - hhat_t)^2`` per filter, over blocks of filters (``_blocks``)."""
    state = dict(filt.named_parameters()) | dict(filt.named_buffers())
    return torch.cat([
        ((h[sl] - torch.func.functional_call(filt, {k: v[sl] for k, v in state.items()},
                                             (h.shape[1],))) ** 2).sum(dim=1)
        for sl in filter_blocks(h.shape[0], filt.order * h.shape[1], h.device)])


def _polish(filt: ModalFilter, h: Tensor, free: Tensor | None, iterations: int,
            l2_factor: float, pole_steps: int = 0) -> dict[str, np.ndarray]:
    """Lawson H-infinity polishing of the residues, poles fixed (``hinf_polish``), or
    with ``pole_steps`` LM steps on the poles per iteration."""
    if pole_steps:
        with torch.no_grad():
            view = _PoleView(filt, free)
            p, x, chosen, before, after = lawson_poles(
                view, h, time_system(h.shape[1] - 1), iterations, pole_steps, l2_factor,
                _lm_step, _solve)
            if free is not None:
                p = torch.where(free, p, view.p0)
            d = filt.order
            view.store(p, torch.complex(x[:, :d], x[:, d:]))
        return {"polish_iteration": chosen.cpu().numpy(), "hinf_peak": after.cpu().numpy(),
                "hinf_peak_unpolished": before.cpu().numpy()}
    with torch.no_grad():
        a, b = filt.log_poles()
        mask = None if free is None else free.to(h.dtype)
        cols = _columns(a, b, h.shape[1] - 1, mask)[0]
        x0 = torch.cat([filt.residue_re, filt.residue_im], dim=1).detach()
        x, chosen, before, after = lawson_residues(a, b, mask, h, x0, cols, iterations,
                                                   l2_factor, _solve)
        d = filt.order
        filt.residue_re.copy_(x[:, :d])
        filt.residue_im.copy_(x[:, d:])
    return {"polish_iteration": chosen.cpu().numpy(), "hinf_peak": after.cpu().numpy(),
            "hinf_peak_unpolished": before.cpu().numpy()}


def _snapshot(filt: ModalFilter) -> dict[str, Tensor]:
    """A copy of the filter's parameters and buffers (the classical start)."""
    return {k: v.detach().clone() for k, v in filt.state_dict().items()}


def _keep_start(filt: ModalFilter, h: Tensor, start: dict[str, Tensor],
                stats: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per filter, the classical start instead of the polished fit where the start's
    max error (grid and poles' angles, :func:`peak_errors`) is smaller: the H-infinity
    setting never ends above the model it began from (``polish_iteration = -1``)."""
    with torch.no_grad():
        now = {k: v.detach().clone() for k, v in filt.state_dict().items()}
        filt.load_state_dict(start)
        a, b = filt.log_poles()
        x = torch.cat([filt.residue_re, filt.residue_im], dim=1)
        peak0 = peak_errors(a, b, x, h).cpu().numpy()
        back = peak0 < stats["hinf_peak"]
        keep = torch.as_tensor(back, device=h.device)
        filt.load_state_dict({k: torch.where(keep.view(-1, *([1] * (v.ndim - 1))), v, now[k])
                              if v.ndim and v.shape[0] == keep.shape[0] else now[k]
                              for k, v in start.items()})
    out = dict(stats, hinf_peak_start=peak0)
    out["hinf_peak"] = np.where(back, peak0, stats["hinf_peak"])
    out["polish_iteration"] = np.where(back, -1, stats["polish_iteration"])
    return out
