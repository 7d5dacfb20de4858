r"""
Adaptive Chebyshev construction and its coefficients
====================================================

:func:`numlearn.classical.chebyshev_adaptive` samples a function on
:math:`2^k + 1` Chebyshev points (:math:`k = 4, 5, \dots`), computes the
Chebyshev coefficients by a DCT, and stops when Chebfun's ``standardChop``
(Aurentz & Trefethen, *Chopping a Chebyshev series*, ACM TOMS 43, 2017) finds a
plateau of rounding noise in them; the series is cut just before that plateau.
For a function analytic in the Bernstein ellipse :math:`E_\rho` the coefficients
decay like :math:`\rho^{-k}`, so the length the constructor picks says how far
the nearest singularity is.

The same construction in other libraries: Chebfun's ``chebfun(f)``, chebpy's
``chebfun(f)``, and (with a degree chosen by hand) numpy's
``Chebyshev.interpolate(f, deg)``.
"""

import matplotlib.pyplot as plt
import numpy as np

from numlearn.classical import chebyshev_adaptive, clenshaw


def coefficients_of(result):
    """The Chebyshev coefficients of an adaptive result's value (an array, or a
    series object with a ``coefficients`` attribute)."""
    v = result.value
    return np.asarray(getattr(v, "coefficients", v))


functions = {
    r"$e^x$": (np.exp, (-1.0, 1.0)),
    r"$1/(1 + 25x^2)$ (poles at $\pm i/5$)": (lambda x: 1.0 / (1.0 + 25.0 * x**2), (-1.0, 1.0)),
    r"$\sin(50x)$": (lambda x: np.sin(50.0 * x), (-1.0, 1.0)),
    r"$\log x$ on $[1, 3]$": (np.log, (1.0, 3.0)),
}

# %%
# Construct each function and look at its coefficients
# ----------------------------------------------------
# ``status`` says whether the chop found its plateau (``success``) or the
# constructor ran out of points (``unresolved``, with a warning).  The error is
# measured against the function itself on 2001 points of its domain.

fig, ax = plt.subplots(figsize=(6.4, 4.4), layout="constrained")
for label, (f, domain) in functions.items():
    result = chebyshev_adaptive(f, domain=domain)
    c = coefficients_of(result)
    t = np.linspace(*domain, 2001)
    err = np.max(np.abs(clenshaw(t, c, domain) - f(t)))
    print(
        f"{label:40s} length {len(c):4d}  status {result.status.code:8s} "
        f"samples {result.stats['n_samples']:4d}  max error {err:.1e}"
    )
    k = np.arange(len(c))
    nonzero = c != 0  # exact zeros (odd/even symmetry) have no logarithm
    (line,) = ax.semilogy(k[nonzero], np.abs(c[nonzero]), ".", ms=3, label=label)
    ax.axvline(len(c) - 1, color=line.get_color(), lw=0.8, ls=":")

ax.axhline(np.finfo(np.float64).eps, color="gray", lw=0.8, ls="--")
ax.text(2, 1.6 * np.finfo(np.float64).eps, "machine epsilon", color="gray", va="bottom")
ax.set_xlabel("degree $k$ (dotted: where the series was chopped)")
ax.set_ylabel(r"$|c_k|$")
ax.set_title("Chebyshev coefficients of the adaptive constructions")
ax.set_ylim(1e-19, 10.0)
ax.legend(loc="lower left", bbox_to_anchor=(0.36, 0.03), fontsize="small")
plt.show()

# %%
# Reading the plot
# ----------------
# :math:`e^x` is entire: its coefficients :math:`2 I_k(1)` fall faster than any
# geometric rate and 15 terms reach rounding.  Runge's function has poles at
# :math:`\pm i/5`, so :math:`\rho = (1 + \sqrt{26})/5 \approx 1.22` and about
# 190 terms are needed.  :math:`\sin(50x)` shows the plateau-then-decay of an
# oscillatory function: the coefficients stay of order one until :math:`k
# \approx 50` (the frequency) and then fall super-geometrically.  For
# :math:`\log x` on :math:`[1, 3]` the singularity at :math:`x = 0` lies at
# :math:`s = -2` after mapping the domain to :math:`[-1, 1]`, so
# :math:`\rho = 2 + \sqrt 3`.
