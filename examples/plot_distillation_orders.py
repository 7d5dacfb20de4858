r"""
Distilling long convolutions: error against order, between the Hankel bounds
============================================================================

A long convolution filter :math:`h_0, \dots, h_{L-1}` is replaced by a modal
state-space model of order :math:`k = 2d` (:math:`d` complex-conjugate mode pairs,
:class:`numlearn.classical.reduction.ModalSSM`), whose recurrence costs
:math:`O(d)` per token instead of :math:`O(L)`.  The Hankel singular values
:math:`\sigma_1 \ge \sigma_2 \ge \dots` of the filter bound what any order-:math:`k`
model can do in the H-infinity norm on the unit circle (Glover 1984):

.. math::

    \sigma_{k+1} \;\le\; \min_{\deg \hat h \le k} \|h - \hat h\|_\infty
    \;\le\; \|h - h_{\mathrm{BT}}\|_\infty \;\le\; 2 \sum_{j > k} \sigma_j ,

the left inequality (Adamjan-Arov-Krein) for every model, the right one for
balanced truncation.  :func:`numlearn.compare.studies.distill_orders.distill_orders`
distils filter banks of :mod:`numlearn.problems.filters` by unit-circle AAA,
ERA (Kung's realisation of the Hankel matrix) and balanced truncation
(:func:`numlearn.classical.reduction.distill`) at :math:`d = 2, \dots, 16` and
reports the median H-infinity and relative :math:`\ell_2` errors per method with
the two bounds.  The filters here are short (:math:`L = 256`, two filters per
family) so that the page builds in seconds; ``bench/bench_distill_orders.py``
runs the same sweep at :math:`L = 2048`.

What the figure shows (the table printed below has the numbers): the errors fall
with :math:`d` as the singular values do.  Balanced truncation stays between the
two bounds, as the theory says.  ERA and unit-circle AAA fit the window (bottom
row; ERA reproduces the power-law window to rounding at :math:`d = 16`), but
nothing in either fit controls the model's response *past* the window, so on the
slowly decaying power-law filters their H-infinity error of the whole model
exceeds the balanced-truncation bound.  ``aaa_tail`` (``distill(...,
tail=L)``: AAA also fits zeros past the window) brings AAA's back toward the
bounds.
"""

import matplotlib.pyplot as plt

from numlearn.compare.studies.distill_orders import (
    distill_orders,
    format_distill_orders,
    plot_distill_orders,
)

rows = distill_orders(
    families=["hyena_fast", "power_law"],
    orders=(2, 4, 8, 16),
    methods=["aaa", "aaa_tail", "era", "bt"],
    C=2,
    L=256,
)
print(format_distill_orders(rows))

plot_distill_orders(rows)
plt.show()
