r"""Least squares, classically: gradient descent, exact solves, conditioning.

The classical side of the least-squares track.  The learned counterpart
(:mod:`numlearn.learned`) learns one gradient-descent iterate; this module gives the
iterate itself, the exact solutions it converges to, and the conditioning that
limits both.  All functions are batched: ``A (B, n, d)``, ``b (B, n)``, ``x0 (B, d)``,
or unbatched ``(n, d)``, ``(n,)``, ``(d,)``; they compute in float64 and return a
:class:`numlearn.Result` (``side="classical"``).

The iteration.  Gradient descent on ``f(x) = ||A x - b||^2 / (2 n)``:

.. math::

    x_{k+1} = x_k - \eta\, A^T (A x_k - b) / n ,

whose error ``e_k = x_k - x_{LS}`` obeys ``e_{k+1} = (I - \eta H) e_k`` with
``H = A^T A / n``: with ``mu = lambda_min(H)``, ``L = lambda_max(H)``,

.. math::

    \|e_k\|_2 \le \rho^k \|e_0\|_2, \qquad
    \rho = \max(|1 - \eta \mu|, |1 - \eta L|),

stable iff ``0 < eta < 2 / L``; the step ``eta = 2 / (L + mu)`` minimises ``rho``
to ``(kappa^2 - 1) / (kappa^2 + 1)``, ``kappa = cond(A) = sqrt(L / mu)``.

The floor.  A backward-stable solver computes the exact solution of a problem
perturbed by ``~eps`` relative, so (Golub & Van Loan, section 5.3; Wedin 1973)

.. math::

    \frac{\|x - x_{LS}\|}{\|x_{LS}\|} \lesssim \epsilon \left( \kappa
    + \kappa^2 \frac{\|r\|}{\|A\| \|x_{LS}\|} \right),

which for consistent systems (``r = 0``, the paper's setting) is the *conditioning
floor* ``cond(A) eps`` reported in the stats.  On the paper's distribution
(``n = 20``, ``d = 5``, ``cond(A) ~ 2.2``) it puts the float64 MSE
``||x - x*||^2 / d`` near ``1e-31``.

References
----------
.. [1] J. Liu et al., "Towards Learning High-Precision Least Squares Algorithms with
   Sequence Models", arXiv:2503.12295 (ICLR 2025).
.. [2] G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., Johns Hopkins
   2013, sections 5.3 (least squares, QR, sensitivity) and 11.3 (iterative methods).
.. [3] C. C. Paige and M. A. Saunders, "LSQR: An algorithm for sparse linear
   equations and sparse least squares", ACM TOMS 8(1), 43-71, 1982.
.. [4] A. Björck, *Numerical Methods for Least Squares Problems*, SIAM 1996,
   chapter 2 (iterative refinement of least-squares solutions).
.. [5] T. Ogita, S. M. Rump, S. Oishi, "Accurate sum and dot product", SIAM J. Sci.
   Comput. 26(6), 2005 (the double-double residual).

SciPy/NumPy equivalents: ``numpy.linalg.lstsq`` (LAPACK ``gelsd``),
``scipy.linalg.lstsq``, ``scipy.sparse.linalg.lsqr``.
"""

from numlearn.classical.least_squares.conditioning import (
    Conditioning,
    RankDeficientWarning,
    conditioning,
    gd_conditioning,
)
from numlearn.classical.least_squares.exact import lstsq_reference
from numlearn.classical.least_squares.gradient_descent import (
    check_step_size,
    gradient_descent,
    gradient_descent_solver,
)

__all__ = [
    "Conditioning",
    "RankDeficientWarning",
    "check_step_size",
    "conditioning",
    "gd_conditioning",
    "gradient_descent",
    "gradient_descent_solver",
    "lstsq_reference",
]
