r"""
Barycentric interpolation of Runge's function at Chebyshev points
=================================================================

Runge's function :math:`f(x) = 1/(1 + 25x^2)` is analytic on :math:`[-1, 1]` but
has poles at :math:`\pm i/5`, close to the interval.  Interpolating it in ``n``
equispaced points diverges (the Runge phenomenon); interpolating it in ``n``
Chebyshev points converges geometrically, at the rate :math:`\rho^{-n}` set by the
largest Bernstein ellipse free of singularities (Trefethen, *Approximation Theory
and Approximation Practice*, ch. 8):

.. math::

    \rho = \left|z + \sqrt{z^2 - 1}\right|_{z = i/5} = \frac{1 + \sqrt{26}}{5}
    \approx 1.2198 .

We evaluate the interpolants with the second barycentric formula,
:func:`numlearn.classical.barycentric_eval`, using the closed-form
weights of the Chebyshev points (:func:`numlearn.classical.chebyshev_weights`),
and measure the maximum error on a fine grid.
"""

import matplotlib.pyplot as plt
import numpy as np

from numlearn.classical import (
    barycentric_eval,
    chebyshev_points,
    chebyshev_weights,
    equispaced_points,
    equispaced_weights,
)


def runge(x):
    return 1.0 / (1.0 + 25.0 * x**2)


t = np.linspace(-1.0, 1.0, 2001)  # evaluation grid
f_t = runge(t)

# %%
# Maximum error against ``n``
# ---------------------------
# The error of the Chebyshev interpolant falls like :math:`\rho^{-n}` until it
# meets rounding, about :math:`10^{-15}` here (the second barycentric formula is
# forward stable on Chebyshev points, Higham 2004).  The equispaced interpolant
# diverges like :math:`2^n`.



def max_error(points, weights, ns):
    """Max error on ``t`` of the interpolant in ``points(n)`` for each n."""
    errs = []
    for n in ns:
        x = points(n)
        errs.append(np.max(np.abs(barycentric_eval(x, weights(n), runge(x), t) - f_t)))
    return np.array(errs)


ns_cheb = np.arange(5, 201, 5)
err_cheb = max_error(chebyshev_points, chebyshev_weights, ns_cheb)
ns_equi = np.arange(5, 61, 5)
err_equi = max_error(equispaced_points, equispaced_weights, ns_equi)

rho = (1.0 + np.sqrt(26.0)) / 5.0

fig, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
ax.semilogy(ns_cheb, err_cheb, "o-", ms=4, label="Chebyshev points")
ax.semilogy(ns_equi, err_equi, "s-", ms=4, label="equispaced points")
ax.semilogy(
    ns_cheb,
    rho ** (-ns_cheb.astype(float)),
    "k--",
    lw=1,
    label=r"$\rho^{-n}$, $\rho = (1 + \sqrt{26})/5$",
)
ax.axhline(np.finfo(np.float64).eps, color="gray", lw=0.8, ls=":")
ax.text(
    ns_cheb[-1],
    2.5 * np.finfo(np.float64).eps,
    "machine epsilon",
    ha="right",
    va="bottom",
    color="gray",
)
ax.set_xlabel("number of points $n$")
ax.set_ylabel(r"$\max_{t} |p_n(t) - f(t)|$ on 2001 points")
ax.set_title("Interpolating $1/(1 + 25x^2)$ on $[-1, 1]$")
ax.set_ylim(1e-17, 1e4)
ax.legend()
plt.show()

# %%
# The measured rate
# -----------------
# A least-squares fit of :math:`\log(\text{error})` against ``n`` over the
# geometric phase (errors above :math:`10^{-13}`) recovers :math:`\rho`:

phase = err_cheb > 1e-13
slope = np.polyfit(ns_cheb[phase], np.log(err_cheb[phase]), 1)[0]
print(f"fitted rho = {np.exp(-slope):.4f}, predicted rho = {rho:.4f}")
print(f"error at n = {ns_cheb[-1]}: {err_cheb[-1]:.2e}")
