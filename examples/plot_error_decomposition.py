r"""
The error decomposition: representation, conditioning, optimization
===================================================================

:class:`numlearn.precision.ErrorDecomposition` splits the error of an
approximation :math:`u_{\text{learned}}` of a truth :math:`u` into three terms
that telescope exactly:

.. math::

   u - u_{\text{learned}}
   = \underbrace{(u - u_{\text{best}})}_{\text{representation}}
   + \underbrace{(u_{\text{best}} - u_{\text{disc}})}_{\text{conditioning}}
   + \underbrace{(u_{\text{disc}} - u_{\text{learned}})}_{\text{optimization}} .

Two uses on Runge's function :math:`1/(1 + 25x^2)`, both with the truth from the
mpmath oracle (:func:`numlearn.precision.mp_evaluate`, correctly rounded):

1. the classical float64 barycentric kernel at :math:`n` Chebyshev points, as in
   ``numlearn compare --suite quick`` (no training, so the optimization term is
   zero);
2. a barycentric layer whose node values are *fitted* by gradient descent to
   samples of the function, as an explicit BWLer is trained (the learned BWLer
   itself is not in numlearn yet; plain gradient descent stands in for its
   optimiser here).
"""

import matplotlib.pyplot as plt
import numpy as np

from numlearn.classical import (
    barycentric_eval,
    barycentric_matrix,
    chebyshev_points,
    chebyshev_weights,
    gradient_descent,
    lebesgue_constant,
    lstsq_reference,
)
from numlearn.precision import (
    ErrorDecomposition,
    interpolation_decomposition,
    mp_barycentric,
    mp_evaluate,
)
from numlearn.problems import get_target

runge = get_target("runge")  # numpy_func, mpmath_func, domain, rho, ...
grid = np.linspace(-1.0, 1.0, 301)
grid_name = "301 uniform points"
u = mp_evaluate(runge.mpmath_func, grid).values  # the truth, correctly rounded

# %%
# 1. The float64 kernel against ``n``
# -----------------------------------
# ``u_best`` is the interpolant of the node values evaluated exactly (mpmath),
# ``u_disc`` the same interpolant computed by the float64 kernel.  The
# representation term falls like :math:`\rho^{-n}`; the conditioning term (the
# kernel's rounding) stays near :math:`10^{-16}`, below the predicted floor
# :math:`\Lambda_n \varepsilon` (Lebesgue constant times machine epsilon).

ns = [8, 16, 24, 32, 48, 64, 96, 128, 192]
rows = []
for n in ns:
    x, w = chebyshev_points(n), chebyshev_weights(n)
    f = runge.numpy_func(x)
    d = interpolation_decomposition(
        u,
        u_best=mp_barycentric(grid, x, w, f).values,
        u_disc=barycentric_eval(x, w, f, grid),
        grid_name=grid_name,
        cond=lebesgue_constant(x, w),
    )
    rows.append((d.representation, d.conditioning, d.total, d.floor))
    print(
        f"n = {n:3d}: representation {d.representation:.2e}  conditioning "
        f"{d.conditioning:.2e}  total {d.total:.2e}  floor {d.floor:.2e}"
    )
rows = np.array(rows)
print(f"\nThe whole decomposition at n = {ns[-1]}:\n{d}")

fig, ax0 = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
ax0.semilogy(ns, rows[:, 0], "o-", ms=4, label="representation")
ax0.semilogy(ns, rows[:, 1], "s-", ms=4, label="conditioning (kernel rounding)")
ax0.semilogy(ns, rows[:, 2], "k:", lw=1.5, label="total")
ax0.semilogy(ns, rows[:, 3], "--", color="gray", lw=1, label=r"floor $\Lambda_n \varepsilon$")
ax0.semilogy(ns, runge.rho ** -np.array(ns, float), lw=0.8, color="C2", label=r"$\rho^{-n}$")
ax0.set_xlabel("Chebyshev points $n$")
ax0.set_ylabel(f"relative $L^2$ error on {grid_name}")
ax0.set_title("float64 barycentric kernel")
ax0.set_ylim(1e-18, 1.0)
ax0.legend(fontsize="small")
plt.show()

# %%
# 2. A barycentric layer trained by gradient descent
# --------------------------------------------------
# The layer's parameters are its ``n = 64`` node values ``v``; its loss is the
# mean squared misfit :math:`\|B v - f(t)\|^2 / (2m)` on ``m = 192`` training
# points ``t`` (Chebyshev points of the first kind), ``B`` the barycentric
# matrix.  Now
#
# - ``u_best``: the interpolant of the true node values (the best the layer can
#   represent), evaluated exactly;
# - ``u_disc``: the layer at the exact minimiser of the discrete loss (a QR
#   solve, well conditioned here);
# - ``u_learned``: the layer after ``k`` steps of gradient descent from zero.
#
# The optimization term falls geometrically with ``k`` until it meets the other
# two; from then on more training does not help: the remaining error is the
# model's and the discrete problem's, not the optimiser's.

n, m = 64, 192
x, w = chebyshev_points(n), chebyshev_weights(n)
t = chebyshev_points(m, kind=1)
B = barycentric_matrix(t, x, w)
f_t = runge.numpy_func(t)

u_best = mp_barycentric(grid, x, w, runge.numpy_func(x)).values
v_star = lstsq_reference(B, f_t, method="qr").value
u_disc = barycentric_eval(x, w, v_star, grid)
steps = 60
gd = gradient_descent(B, f_t, np.zeros(n), steps=steps)
print(f"cond(B) = {gd.stats['cond']:.2f}, contraction per step {gd.stats['contraction']:.3f}")

ks = np.arange(0, steps + 1, 2)
terms = []
for k in ks:
    u_learned = barycentric_eval(x, w, gd.history["iterates"][k], grid)
    d = ErrorDecomposition(u, u_best, u_disc, u_learned, grid_name=grid_name)
    terms.append((d.representation, d.conditioning, d.optimization, d.total))
terms = np.array(terms)
print(f"after {steps} steps: {d}")

fig, ax1 = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
for j, (label, style) in enumerate(
    [("representation", "o-"), ("conditioning / discretization", "s-"), ("optimization", "^-")]
):
    ax1.semilogy(ks, terms[:, j], style, ms=3, label=label)
ax1.semilogy(ks, terms[:, 3], "k:", lw=1.5, label="total")
ax1.set_xlabel("gradient-descent steps $k$")
ax1.set_ylabel(f"relative $L^2$ on {grid_name}")
ax1.set_title(f"layer fitted by GD, $n = {n}$, $m = {m}$")
ax1.legend(fontsize="small")
plt.show()
