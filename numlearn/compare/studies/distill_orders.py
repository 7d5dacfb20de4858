r"""Distillation error against order, per filter family and method, with the Hankel bounds.

For each filter family of :data:`~numlearn.problems.filters.FILTER_FAMILIES` and each
number of complex modes ``d`` in ``{2, 4, 8, 16, 32}``, each classical route of
:func:`~numlearn.classical.reduction.distill.distill` (unit-circle AAA, ERA, balanced
truncation) fits the bank and the study records, as the median over the bank's
filters: the relative l2 error on ``[0, L)``, the H-infinity error of the model on the
``2L``-th roots of unity, and the two bounds at the real order ``k = 2d``:
:math:`\sigma_{k+1}` (AAK: no model of degree ``k`` does better in H-infinity) and
:math:`2\sum_{j>k}\sigma_j` (the balanced-truncation guarantee).  The Hankel singular
values are computed once per filter (dense) and shared by the methods.

:func:`distill_orders` returns one row per (family, method, d);
:func:`format_distill_orders` prints them; :func:`plot_distill_orders` draws error
against ``d`` with the two bounds, one panel per family (matplotlib, imported lazily);
:func:`distill_orders_report` runs and formats in one call (for a suite's report).
``bench/bench_distill_orders.py`` runs the sweep at ``L = 2048``.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from numlearn._core.validation import check_int
from numlearn.classical.reduction.distill import DISTILL_METHODS, distill
from numlearn.classical.reduction.hankel import hankel_bounds, hankel_singular_values
from numlearn.compare.harness import check_output_path
from numlearn.problems.filters import FILTER_FAMILIES, filter_bank

__all__ = [
    "STUDY_METHODS",
    "STUDY_ORDERS",
    "distill_orders",
    "distill_orders_report",
    "format_distill_orders",
    "plot_distill_orders",
]

#: Complex modes per filter in the study (real order twice that).
STUDY_ORDERS = (2, 4, 8, 16, 32)

#: The routes compared: those of ``distill``, and ``"aaa_tail"`` (unit-circle AAA whose
#: residue fit also asks the model to vanish on ``[L, 2L)``, ``tail = L``).
STUDY_METHODS = (*DISTILL_METHODS, "aaa_tail")


def _names(values: Any, known: Sequence[str], name: str) -> list[str]:
    out = list(known) if values is None else [values] if isinstance(values, str) \
        else list(values)
    bad = [v for v in out if v not in known]
    if not out or bad:
        raise ValueError(f"`{name}` must name some of {', '.join(known)}; got {values!r}.")
    return out


def distill_orders(
    families: Any = None,
    orders: Sequence[int] = STUDY_ORDERS,
    methods: Any = None,
    *,
    C: int = 2,
    L: int = 2048,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Run the sweep; one row per (family, method, d).

    Parameters
    ----------
    families : str or sequence of str, optional
        Names of ``FILTER_FAMILIES`` (default all).
    orders : sequence of int
        Complex modes ``d`` (each with ``4 d + 2 <= L``).
    methods : str or sequence of str, optional
        Of :data:`STUDY_METHODS` (default all).
    C, L, seed : int
        Filters per family, taps, seed of the banks.

    Returns
    -------
    list of dict
        Keys ``family``, ``method``, ``d``, ``real_order`` (the largest McMillan degree
        over the bank's models),
        ``rel_l2``, ``hinf`` (of the model's transfer function, ``hinf_model`` of
        ``distill``), ``hinf_window`` (of the windowed difference, ``hinf``),
        ``sigma_next``, ``bt_bound``, ``ratio`` (``hinf / sigma_next``), each the
        median over the ``C`` filters; ``rel_l2_max``; ``unstable`` (poles reflected,
        AAA only, summed); ``seconds`` (fit time per filter); ``status``.
    """
    families = _names(families, list(FILTER_FAMILIES), "families")
    methods = _names(methods, list(STUDY_METHODS), "methods")
    C = check_int(C, "C", minimum=1)
    L = check_int(L, "L", minimum=8)
    seed = check_int(seed, "seed", minimum=0)
    orders = [check_int(d, "orders", minimum=1) for d in orders]
    too_big = [d for d in orders if 4 * d + 2 > L]
    if too_big:
        raise ValueError(f"`orders` {too_big} need L >= 4 d + 2 taps (L = {L}); drop them "
                         "or raise L.")
    rows: list[dict[str, Any]] = []
    for fam in families:
        h = filter_bank(fam, C, L, seed=seed).h
        sigma = np.atleast_2d(hankel_singular_values(h, method="dense").value)
        for method in methods:
            for d in orders:
                aak, bt = hankel_bounds(sigma, 2 * d)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    t0 = time.perf_counter()
                    opts = {"tail": L} if method == "aaa_tail" else {}
                    res = distill(h, d, method=method.removesuffix("_tail"), bounds=False,
                                  **opts)
                    sec = (time.perf_counter() - t0) / C
                hinf = np.asarray(res.stats["hinf_model"])
                hinf_win = np.asarray(res.stats["hinf"])
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(aak > 0, hinf / aak, np.inf)
                rows.append({
                    "family": fam, "method": method, "d": d,
                    "real_order": int(np.max(res.stats["real_order"])),
                    "rel_l2": float(np.median(res.stats["rel_l2"])),
                    "rel_l2_max": float(np.max(res.stats["rel_l2"])),
                    "hinf": float(np.median(hinf)),
                    "hinf_window": float(np.median(hinf_win)),
                    "sigma_next": float(np.median(aak)),
                    "bt_bound": float(np.median(bt)),
                    "ratio": float(np.median(ratio)),
                    "unstable": int(np.sum(res.stats.get("unstable_poles", 0))),
                    "seconds": sec,
                    "status": res.status.code,
                })
    return rows


def format_distill_orders(rows: Sequence[dict[str, Any]]) -> str:
    r"""A fixed-width table of :func:`distill_orders`' rows.

    ``k`` is the models' real order, ``hinf win`` the H-infinity norm of the windowed
    difference, ``hinf`` that of the model's full transfer function against the FIR (the
    AAK quantity), ``hinf/sig`` their ratio to :math:`\sigma_{2d+1}` (>= 1 by AAK).
    """
    head = (f"{'family':<11} {'method':<6} {'d':>3} {'k':>3} {'rel_l2':>9} {'max rel':>9} "
            f"{'hinf win':>9} {'hinf':>9} {'sigma_k+1':>9} {'2 sum':>9} {'hinf/sig':>8} "
            f"{'unst':>4} {'s/filter':>8} status")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['family']:<11} {r['method']:<6} {r['d']:>3} {r['real_order']:>3} "
            f"{r['rel_l2']:9.2e} {r['rel_l2_max']:9.2e} {r['hinf_window']:9.2e} "
            f"{r['hinf']:9.2e} "
            f"{r['sigma_next']:9.2e} {r['bt_bound']:9.2e} {r['ratio']:8.2f} "
            f"{r['unstable']:>4} {r['seconds']:8.3f} {r['status']}")
    return "\n".join(lines)


def plot_distill_orders(rows: Sequence[dict[str, Any]], path: str | Path | None = None) -> Any:
    """H-infinity error against ``d`` per method with the AAK lower bound
    :math:`\\sigma_{2d+1}` and the BT upper bound :math:`2\\sum_{j>2d}\\sigma_j` (top
    row), relative l2 error against ``d`` (bottom row), one column per family.

    matplotlib is imported here (``pip install 'numlearn[plot]'``).  Returns the figure;
    saved to ``path`` when given.
    """
    from numlearn.compare.plots import _draw, _figure

    families = list(dict.fromkeys(r["family"] for r in rows))
    fig = _figure(figsize=(3.6 * len(families), 6.0))
    axes = fig.subplots(2, len(families), squeeze=False)
    styles = {"aaa": "-o", "era": "-s", "bt": "-^", "bt_modal": "--^", "aaa_tail": "--o"}
    for j, fam in enumerate(families):
        sub = [r for r in rows if r["family"] == fam]
        top, bottom = axes[0][j], axes[1][j]
        first: dict[int, dict[str, Any]] = {}
        for r in sub:
            first.setdefault(r["d"], r)
        ds = sorted(first)
        _draw(top, ds, [first[d]["sigma_next"] for d in ds], "sigma_{2d+1} (AAK lower)", "k:")
        _draw(top, ds, [first[d]["bt_bound"] for d in ds], "2 sum sigma (BT upper)", "k--")
        for m in dict.fromkeys(r["method"] for r in sub):
            pts = sorted((r["d"], r["hinf"], r["rel_l2"]) for r in sub if r["method"] == m)
            x = [p[0] for p in pts]
            _draw(top, x, [p[1] for p in pts], m, styles.get(m, "-x"))
            _draw(bottom, x, [p[2] for p in pts], m, styles.get(m, "-x"))
        for ax in (top, bottom):
            ax.set_yscale("log")
            ax.set_xscale("log", base=2)
            ax.set_xlabel("d (complex modes)")
        top.set_title(fam)
        top.set_ylabel("H-infinity error")
        bottom.set_ylabel("relative l2 error")
        if j == 0:
            top.legend(fontsize=7)
    if path is not None:
        fig.savefig(check_output_path(path), dpi=110)
    return fig


def distill_orders_report(
    families: Any = None,
    orders: Sequence[int] = STUDY_ORDERS,
    *,
    methods: Any = None,
    C: int = 2,
    L: int = 2048,
    seed: int = 0,
    plot: str | Path | None = None,
) -> str:
    """Run :func:`distill_orders` (all methods by default) and return the table as text
    (plotted to ``plot`` when given) -- the call a suite's report makes."""
    rows = distill_orders(families, orders, methods, C=C, L=L, seed=seed)
    if plot is not None:
        plot_distill_orders(rows, plot)
    head = (f"Distillation error vs order (C = {C} filters per family, L = {L}; medians; "
            "k = 2d real order; bounds at k)")
    return head + "\n" + format_distill_orders(rows)
