"""numlearn.compare.studies.distill_orders: rows, table and plot of the order sweep."""

import numpy as np
import pytest

from numlearn.compare.studies.distill_orders import (
    distill_orders,
    distill_orders_report,
    format_distill_orders,
    plot_distill_orders,
)


def test_rows_table_and_plot(tmp_path):
    rows = distill_orders(["modal8", "power_law"], [2, 8], ["aaa"], C=1, L=128)
    assert [(r["family"], r["d"]) for r in rows] == [("modal8", 2), ("modal8", 8),
                                                    ("power_law", 2), ("power_law", 8)]
    for r in rows:
        assert r["ratio"] >= 1 - 1e-9 or r["sigma_next"] < 1e-12   # AAK
        assert np.isfinite(r["rel_l2"]) and r["status"] == "success"
    text = format_distill_orders(rows)
    assert text.count("\n") == len(rows) + 1 and "power_law" in text
    pytest.importorskip("matplotlib")
    plot_distill_orders(rows, tmp_path / "orders.png")
    assert (tmp_path / "orders.png").stat().st_size > 0


def test_report_and_bad_arguments():
    text = distill_orders_report(["hyena_fast"], [2], C=1, L=64, methods=["aaa"])
    assert text.startswith("Distillation error vs order") and "hyena_fast" in text
    with pytest.raises(ValueError, match="`families`"):
        distill_orders(["nope"])
    with pytest.raises(ValueError, match="`orders`"):
        distill_orders(["modal8"], [32], C=1, L=64)
    with pytest.raises(ValueError, match="`methods`"):
        distill_orders(["modal8"], [2], ["prony"], C=1, L=64)
