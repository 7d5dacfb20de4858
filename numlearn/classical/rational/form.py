r"""The barycentric rational form shared by AAA, AAA-Lawson and the unit-circle fits.

.. math::

    r(x) = \frac{\sum_{j=1}^{m} \dfrac{w_j f_j}{x - z_j}}
                {\sum_{j=1}^{m} \dfrac{w_j}{x - z_j}}
         = \frac{N(x)}{D(x)},

with distinct support points (nodes) :math:`z_j`, values :math:`f_j` and weights
:math:`w_j`; ``r`` has type :math:`(m-1, m-1)` and interpolates :math:`r(z_j) = f_j`
wherever :math:`w_j \ne 0`.  Several functions may share nodes and weights (values of
shape ``(m, N)``, the set-valued form of Lietaert et al.): they then share their poles.

Poles and zeros come from the :math:`(m+1)`-square arrowhead pencil (Klein 2012,
Nakatsukasa-Sète-Trefethen 2018): the finite eigenvalues of

.. math::

    E = \begin{pmatrix} 0 & w^T \\ \mathbf 1 & \operatorname{diag}(z) \end{pmatrix},
    \qquad B = \operatorname{diag}(0, 1, \dots, 1)

are the poles (:math:`w \circ f` in the first row gives the zeros).  Residues come
either from the least-squares refit of Chebfun's ``aaa.m`` (2025), which is accurate
where :math:`N(p)/D'(p)` is not, or from :math:`N(p)/D'(p)`.  Derivatives use the
Schneider-Werner divided-difference recursion.

References
----------
.. [1] Y. Nakatsukasa, O. Sète, L. N. Trefethen, "The AAA algorithm for rational
   approximation", SIAM J. Sci. Comput. 40(3), A1494-A1522, 2018.
   :doi:`10.1137/16M1106122`
.. [2] G. Klein, "Applications of linear barycentric rational interpolation",
   PhD thesis, Fribourg, 2012 (the arrowhead pencil).
.. [3] C. Schneider and W. Werner, "Some new aspects of rational interpolation",
   Math. Comp. 47, 285-299, 1986. :doi:`10.1090/S0025-5718-1986-0842136-8`
.. [4] P. Lietaert, K. Meerbergen, J. Pérez, B. Vandereycken, "Automatic rational
   approximation and linearization of nonlinear eigenvalue problems", IMA J. Numer.
   Anal. 42(2), 1087-1115, 2022. :doi:`10.1093/imanum/draa098`
.. [5] Chebfun ``aaa.m`` (``prz``, least-squares residues); SciPy
   :class:`scipy.interpolate.AAA` (``poles``, ``residues``, ``roots``); baryrat
   ``BarycentricRational`` (``eval_deriv``, ``polres``).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike, NDArray

from numlearn._core.validation import (
    EPS,
    IllConditionedWarning,
    as_float_array,
    check_distinct,
    check_int,
)
from numlearn.classical.barycentric import barycentric_eval
from numlearn.classical.barycentric_form import BarycentricForm

__all__ = ["BarycentricRational"]


def _pencil_eigs(nodes: NDArray[Any], top: NDArray[Any]) -> NDArray[Any]:
    """Finite eigenvalues of the arrowhead pencil with first row ``top``.

    The nodes are shifted to their centre and scaled to unit radius and ``top`` to unit
    norm before QZ (the eigenvalues are affine in that change of variables), so the
    pencil is balanced whatever the scale of the data.  The pencil always has at least
    two infinite eigenvalues; those and any with ``|beta| <= 64 eps |alpha|`` are dropped.
    """
    m = nodes.shape[0]
    if m < 2:
        return np.empty(0, dtype=complex)
    c = nodes.mean()
    s = float(np.max(np.abs(nodes - c))) or 1.0
    nrm = float(np.linalg.norm(top))
    if nrm == 0.0:
        return np.empty(0, dtype=complex)
    dtype = np.result_type(nodes, top, 1.0)
    E = np.zeros((m + 1, m + 1), dtype=dtype)
    E[0, 1:] = top / nrm
    E[1:, 0] = 1.0
    E[np.arange(1, m + 1), np.arange(1, m + 1)] = (nodes - c) / s
    B = np.eye(m + 1, dtype=dtype)
    B[0, 0] = 0.0
    ab = scipy.linalg.eig(E, B, right=False, homogeneous_eigvals=True, check_finite=False)
    alpha, beta = ab[0], ab[1]
    ratio = np.abs(beta) / np.maximum(np.abs(alpha), np.finfo(float).tiny)
    keep = np.argsort(ratio)[2:]  # the two structural infinite eigenvalues first
    keep = keep[ratio[keep] > 64 * EPS]
    lam = alpha[keep] / beta[keep]
    return c + s * lam.astype(complex)


class BarycentricRational(BarycentricForm):
    r"""A rational function in barycentric form, scalar- or set-valued.

    A :class:`~numlearn.classical.barycentric_form.BarycentricForm` with arbitrary
    nonzero weights; with the Lagrange weights of its nodes it is the interpolating
    polynomial (:class:`~numlearn.classical.BarycentricInterpolator` evaluates the same
    numbers).

    .. math:: r(x) = \sum_j \frac{w_j f_j}{x - z_j} \Big/ \sum_j \frac{w_j}{x - z_j}.

    Parameters
    ----------
    nodes : array_like, shape (m,)
        Distinct finite support points, real or complex.
    values : array_like, shape (m,) or (m, N)
        Values at the nodes; ``N`` columns are ``N`` functions sharing nodes and
        weights (hence poles), the set-valued form.
    weights : array_like, shape (m,)
        Barycentric weights, any common scaling, not all zero.  A node with zero
        weight contributes nothing (``r`` need not interpolate there).

    Attributes
    ----------
    nodes, values, weights : ndarray
        As given (float64 or complex128).
    degree : int
        ``m - 1``: the type of ``r`` is at most ``(m - 1, m - 1)``.

    Notes
    -----
    Evaluation is :func:`numlearn.classical.barycentric.barycentric_eval` (second
    formula, compensated sums, exact node hits), :math:`O(m)` per point and function.
    The second formula is not backward stable for every weight vector; for AAA
    weights it is accurate to a modest multiple of :math:`\varepsilon \max|f|` away
    from the poles (Nakatsukasa-Sète-Trefethen 2018).  The Lebesgue-function warning
    of the polynomial kernel is suppressed here: near a pole the denominator is small
    by design.

    See Also
    --------
    numlearn.classical.rational.aaa.aaa : builds one from samples.
    scipy.interpolate.AAA, baryrat.BarycentricRational : the same form.

    Examples
    --------
    >>> import numpy as np
    >>> from numlearn.classical.rational.form import BarycentricRational
    >>> z = np.array([-1.0, 0.0, 1.0])
    >>> r = BarycentricRational(z, 1 / (z - 2), [1.0, -2.0, 1.0])  # a polynomial fit
    >>> r.degree
    2
    """

    def __init__(self, nodes: ArrayLike, values: ArrayLike, weights: ArrayLike) -> None:
        z = as_float_array(nodes, "nodes", ndim=1)
        f = as_float_array(values, "values", ndim=(1, 2))
        w = as_float_array(weights, "weights", ndim=1)
        m = z.shape[0]
        if f.shape[0] != m or w.shape[0] != m:
            raise ValueError(
                f"`nodes`, `values` and `weights` need the same length along the first "
                f"axis; got {m}, {f.shape[0]} and {w.shape[0]}."
            )
        check_distinct(z, "nodes")
        if not np.any(w != 0):
            raise ValueError("`weights` are all zero; a barycentric rational needs one "
                             "nonzero weight.")
        self.nodes = z.astype(np.result_type(z, np.float64))
        self.values = f.astype(np.result_type(f, np.float64))
        self.weights = w.astype(np.result_type(w, np.float64))
        self._poles: NDArray[Any] | None = None

    # ------------------------------------------------------------------ basics
    @property
    def degree(self) -> int:
        """``m - 1``, the largest numerator and denominator degree."""
        return int(self.nodes.shape[0] - 1)

    def __repr__(self) -> str:
        kind = "real" if self.nodes.dtype.kind == "f" else "complex"
        fns = f", {self.values.shape[1]} functions" if self.set_valued else ""
        return (f"BarycentricRational(degree={self.degree}, {kind} nodes, "
                f"{self.nodes.shape[0]} support points{fns})")

    def value_at_infinity(self) -> Any:
        r""":math:`r(\infty) = \sum_j w_j f_j / \sum_j w_j` (``inf`` if the sum is 0)."""
        den = self.weights.sum()
        num = self.weights @ self.values
        if den == 0:
            return np.full_like(num, np.inf) if np.ndim(num) else np.inf
        return num / den

    def __call__(self, x: ArrayLike) -> NDArray[Any]:
        """Evaluate at ``x`` (any shape); returns ``x.shape`` (+ ``(N,)`` set-valued).

        A point on a node (with nonzero weight) returns that node's value exactly.
        """
        nz = self.weights != 0
        xa = as_float_array(x, "x", allow_empty=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IllConditionedWarning)
            return barycentric_eval(self.nodes[nz], self.weights[nz], self.values[nz], xa)

    # ---------------------------------------------------------- poles, zeros
    def poles(self) -> NDArray[Any]:
        """Poles: the finite eigenvalues of the arrowhead pencil (complex, unsorted).

        Cost :math:`O(m^3)` (QZ on an :math:`(m+1)`-square pencil), cached.  Poles of
        the form (a pole cancelled by a zero in every function included).
        """
        if self._poles is None:
            nz = self.weights != 0
            self._poles = _pencil_eigs(self.nodes[nz], self.weights[nz])
        return self._poles.copy()

    def zeros(self) -> NDArray[Any]:
        """Zeros: finite eigenvalues of the pencil with first row ``w * f``.

        Returns shape ``(k,)`` for a scalar form; for a set-valued form a list-like
        ``(N,)`` object array would be ragged, so it returns shape ``(N, m - 1)`` with
        zeros at infinity (degree drop) as ``inf``.
        """
        nz = self.weights != 0
        z, w, f = self.nodes[nz], self.weights[nz], self.values[nz]
        if not self.set_valued:
            return _pencil_eigs(z, w * f)
        k = max(z.shape[0] - 1, 0)
        out = np.full((f.shape[1], k), np.inf, dtype=complex)
        for n in range(f.shape[1]):
            zz = _pencil_eigs(z, w * f[:, n])
            out[n, : zz.shape[0]] = zz
        return out

    def residues(
        self,
        poles: ArrayLike | None = None,
        *,
        z: ArrayLike | None = None,
        f: ArrayLike | None = None,
    ) -> NDArray[Any]:
        r"""Residues at ``poles`` (default :meth:`poles`).

        With samples ``z, f`` (the data the form was fitted to), the residues are the
        least-squares coefficients of Chebfun's ``aaa.m`` (2025):

        .. math:: f \approx \sum_{k=0}^{d} c_k \zeta^k + \sum_j \frac{\rho_j}{z - p_j},

        with :math:`d = \max(0, \#\text{zeros} - \#\text{poles})` and :math:`\zeta` the
        centred, scaled samples (columns normalised before ``lstsq``); cost
        :math:`O(M n^2)`.  Without samples, :math:`\rho = N(p)/D'(p)` with
        :math:`D'(p) = -\sum_j w_j/(p - z_j)^2`, :math:`O(mn)`, which loses accuracy for
        poles close to nodes or of large :math:`|D'|` dynamic range.

        Returns
        -------
        ndarray
            ``(n,)`` complex, or ``(N, n)`` for a set-valued form.
        """
        p = self.poles() if poles is None else as_float_array(poles, "poles", ndim=1,
                                                             allow_empty=True)
        p = p.astype(complex)
        if (z is None) != (f is None):
            raise ValueError("pass both `z` and `f` (the samples) or neither.")
        if z is not None:
            return self._residues_lsq(p, z, f)
        nz = self.weights != 0
        zn, w, fv = self.nodes[nz], self.weights[nz], self.values[nz]
        with np.errstate(divide="ignore", invalid="ignore"):
            C = 1.0 / (p[:, None] - zn[None, :])
            N = C @ (w[:, None] * fv) if self.set_valued else C @ (w * fv)
            Dp = -(C * C) @ w
            res = N / (Dp[:, None] if self.set_valued else Dp)
        return res.T if self.set_valued else res

    def _residues_lsq(self, p: NDArray[Any], z: ArrayLike, f: ArrayLike) -> NDArray[Any]:
        zs = as_float_array(z, "z", ndim=1)
        fs = as_float_array(f, "f", ndim=(1, 2))
        if fs.shape[0] != zs.shape[0]:
            raise ValueError(f"`z` and `f` need the same length; got {zs.shape[0]} and "
                             f"{fs.shape[0]}.")
        nzer = self.zeros().shape[-1] if not self.set_valued else self.degree
        deg = max(0, nzer - p.shape[0])
        c = zs.mean()
        s = float(np.max(np.abs(zs - c))) or 1.0
        zeta = (zs - c) / s
        with np.errstate(divide="ignore", invalid="ignore"):
            cols = [zeta[:, None] ** np.arange(deg + 1)[None, :], 1.0 / (zs[:, None] - p)]
        A = np.concatenate(cols, axis=1).astype(complex)
        if not np.isfinite(A).all():
            raise ValueError("a pole coincides with a sample point in `z`; the "
                             "least-squares residues are undefined there.")
        scale = np.linalg.norm(A, axis=0)
        scale[scale == 0] = 1.0
        coef = np.linalg.lstsq(A / scale, fs, rcond=None)[0]
        coef = coef / (scale[:, None] if fs.ndim == 2 else scale)
        res = coef[deg + 1:]
        return res.T if fs.ndim == 2 else res

    # ------------------------------------------------------------ derivatives
    def derivative(self, x: ArrayLike, order: int = 1) -> NDArray[Any]:
        r"""Derivative of order ``order`` (``>= 1``) at ``x``.

        Schneider-Werner: away from the nodes,

        .. math:: \frac{r^{(k)}(x)}{k!} = \frac{\sum_j \frac{w_j}{x - z_j}
                  r[x^{(k)}, z_j]}{\sum_j \frac{w_j}{x - z_j}},\qquad
                  r[x^{(k)}, z_j] = \frac{r[x^{(k)}] - r[x^{(k-1)}, z_j]}{x - z_j},

        with :math:`r[x^{(k)}] = r^{(k-1)}(x)/(k-1)!`, :math:`r[z_j] = f_j`; at a node
        :math:`z_i`, :math:`r^{(k)}(z_i)/k! = -\sum_{j \ne i} w_j r[z_i^{(k)}, z_j]/w_i`.
        The divided differences lose about :math:`\varepsilon/|x - z_j|^k` close to a
        node, so points within :math:`\varepsilon^{1/4}` (relative to the node spread)
        of a node use the Taylor series of ``r`` about that node (terms up to order
        ``order + 3``, each from the node formula).  Cost :math:`O(k m)` per point and
        function.
        """
        k = check_int(order, "order", minimum=1)
        xa = as_float_array(x, "x", allow_empty=True)
        nz = self.weights != 0
        zn, w, fv = self.nodes[nz], self.weights[nz], self.values[nz]
        f2 = fv if fv.ndim == 2 else fv[:, None]
        xs = xa.ravel()
        dtype = np.result_type(xs, zn, w, f2, np.float64)
        out = np.empty((xs.shape[0], f2.shape[1]), dtype=dtype)
        span = float(np.max(np.abs(zn - zn.mean()))) if zn.shape[0] > 1 else 1.0
        delta = (span or 1.0) * EPS ** 0.25
        if xs.shape[0]:
            dist = np.abs(xs[:, None] - zn[None, :])
            near = dist.argmin(axis=1)
            close = dist[np.arange(xs.shape[0]), near] < delta
        else:
            near = close = np.zeros(0, dtype=bool)
        far = ~close
        if far.any():
            out[far] = self._deriv_far(xs[far], zn, w, f2, k)[k]
        if close.any():
            idx = np.nonzero(close)[0]
            for i in np.unique(near[idx]):
                sel = idx[near[idx] == i]
                top = k + 3
                dn = self._deriv_node(int(i), zn, w, f2, top)  # (top+1, N) Taylor coeffs
                h = (xs[sel] - zn[i])[:, None]
                acc = np.zeros((sel.shape[0], f2.shape[1]), dtype=dtype)
                # r^{(k)}(x) = sum_{l>=k} c_l l!/(l-k)! h^(l-k), c_l = r^{(l)}(z_i)/l!
                for ll in range(top, k - 1, -1):
                    fac = float(np.prod(np.arange(ll - k + 1, ll + 1)))
                    acc = acc * h + fac * dn[ll]
                out[sel] = acc
        res = out.reshape(xa.shape + ((f2.shape[1],) if fv.ndim == 2 else ()))
        return res

    @staticmethod
    def _deriv_far(xs: NDArray[Any], zn: NDArray[Any], w: NDArray[Any],
                   f2: NDArray[Any], k: int) -> list[NDArray[Any]]:
        """Derivatives 0..k at points off the nodes (list of (P, N) arrays)."""
        d = xs[:, None] - zn[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            cw = w[None, :] / d
            den = cw.sum(axis=1)[:, None]
            r0 = (cw @ f2) / den
        derivs = [r0]
        dd = np.broadcast_to(f2.T[None, :, :], (xs.shape[0], *f2.T.shape))  # r[z_j]
        taylor = r0  # r[x^{(1)}] = r(x)
        fact = 1.0
        for order in range(1, k + 1):
            dd = (taylor[:, :, None] - dd) / d[:, None, :]  # r[x^{(order)}, z_j]
            coef = np.einsum("pj,pnj->pn", cw, dd) / den  # r^{(order)}/order!
            taylor = coef
            fact *= order
            derivs.append(coef * fact)
        return derivs

    @staticmethod
    def _deriv_node(i: int, zn: NDArray[Any], w: NDArray[Any], f2: NDArray[Any],
                    top: int) -> NDArray[Any]:
        """Taylor coefficients r^{(l)}(z_i)/l!, l = 0..top, at node i: (top+1, N)."""
        others = np.arange(zn.shape[0]) != i
        d = zn[i] - zn[others]
        wo = w[others] / w[i]
        coefs = [f2[i].astype(np.result_type(f2, d))]
        dd = f2[others]  # r[z_j], (m-1, N)
        for _ in range(1, top + 1):
            dd = (coefs[-1][None, :] - dd) / d[:, None]  # r[z_i^{(l)}, z_j]
            coefs.append(-(wo @ dd))
        return np.array(coefs)
