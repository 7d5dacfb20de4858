r"""
A boundary value problem: collocation against the ultraspherical method
=======================================================================

Trefethen's Program 13 (*Spectral Methods in MATLAB*, SIAM 2000):

.. math::

    u'' = e^{4x}, \quad u(\pm 1) = 0, \qquad
    u(x) = \frac{e^{4x} - x \sinh 4 - \cosh 4}{16} .

:class:`numlearn.classical.spectral.LinearBVP` states the problem;
:func:`~numlearn.classical.spectral.solve_collocation` solves it by Chebyshev
collocation (square, or rectangular as in Driscoll & Hale 2016), and
:func:`~numlearn.classical.spectral.solve_ultraspherical` by the
Olver-Townsend ultraspherical method (SIAM Review 55, 2013).  The
collocation matrix of a second-order problem, even with its rows scaled to unit
size (what the solver factors), has a condition number growing like
:math:`n^2`, and the error of the computed solution grows with it once the
solution is resolved; the ultraspherical discretisation is sparse and, after a
diagonal preconditioner, its condition number stays bounded, so its error stays
at rounding level for any :math:`n`.  (Chebfun: ``L = chebop(@(u) diff(u, 2));
L.bc = 0; u = L \ exp(4*x)``; SciPy's low-order ``solve_bvp`` is the
non-spectral alternative.)
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np

from numlearn import Status
from numlearn.classical.spectral import LinearBVP, solve_collocation, solve_ultraspherical

bvp = LinearBVP(
    (0.0, 0.0, 1.0),  # 0 * u + 0 * u' + 1 * u''
    lambda x: np.exp(4.0 * x),
    [("left", 0, 0.0), ("right", 0, 0.0)],  # u(-1) = 0, u(1) = 0
)


def exact(x):
    return (np.exp(4.0 * x) - x * np.sinh(4.0) - np.cosh(4.0)) / 16.0


t = np.linspace(-1.0, 1.0, 1001)

# %%
# Error and condition number against ``n``
# ----------------------------------------
# Each solver returns a :class:`numlearn.Result`: ``value`` is the solution as a
# callable Chebyshev series, ``stats["cond"]`` the condition number of the matrix
# that was factored.  At the smallest sizes the solution is not resolved yet: the
# solvers then return ``Status.UNRESOLVED`` with a warning (silenced here and
# drawn as open markers).

solvers = {
    "collocation (square)": lambda n: solve_collocation(bvp, n),
    "collocation (rectangular)": lambda n: solve_collocation(bvp, n, rectangular=True),
    "ultraspherical": lambda n: solve_ultraspherical(bvp, n),
}
ns = np.array([8, 12, 16, 20, 24, 32, 48, 64, 128, 256, 512, 1024])
errors = {name: [] for name in solvers}
conds = {name: [] for name in solvers}
resolved = {name: [] for name in solvers}
for name, solve in solvers.items():
    for n in ns:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = solve(int(n))
        errors[name].append(np.max(np.abs(result.value(t) - exact(t))))
        conds[name].append(result.stats["cond"])
        resolved[name].append(result.status is Status.SUCCESS)

fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(9.0, 3.8), layout="constrained")
for (name, err), marker in zip(errors.items(), "osD", strict=True):
    err, ok = np.array(err), np.array(resolved[name])
    (line,) = ax0.loglog(ns, err, "-", lw=1)
    ax0.loglog(ns[ok], err[ok], marker, color=line.get_color(), ms=4, label=name)
    ax0.loglog(ns[~ok], err[~ok], marker, color=line.get_color(), ms=4, mfc="none")
    ax1.loglog(ns, conds[name], marker + "-", ms=4, lw=1, label=name)
ax0.axhline(np.finfo(np.float64).eps, color="gray", lw=0.8, ls=":")
ax0.set_xlabel("$n$ (Chebyshev points or coefficients)")
ax0.set_ylabel(r"$\max |u_n - u|$ on 1001 points")
ax0.set_title("error (open: unresolved)")
ax0.legend(fontsize="small")
ax1.loglog(ns, 0.5 * ns.astype(float) ** 2, "k--", lw=0.8, label=r"$n^2/2$")
ax1.set_xlabel("$n$")
ax1.set_ylabel("condition number of the factored matrix")
ax1.set_title("conditioning")
ax1.legend(fontsize="small")
plt.show()

# %%
# The numbers
# -----------

for name in solvers:
    i32, i1024 = list(ns).index(32), list(ns).index(1024)
    print(
        f"{name:26s} n = 32: {errors[name][i32]:.1e} (cond {conds[name][i32]:.1e});  "
        f"n = 1024: {errors[name][i1024]:.1e} (cond {conds[name][i1024]:.1e})"
    )
