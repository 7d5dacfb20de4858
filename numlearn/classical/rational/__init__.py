"""Rational approximation in barycentric form.

- :mod:`~numlearn.classical.rational.form`: :class:`BarycentricRational`, a
  :class:`~numlearn.classical.barycentric_form.BarycentricForm` (the base it shares with
  the polynomial interpolant) with poles, zeros, residues and derivatives.
- :mod:`~numlearn.classical.rational.aaa`: AAA (Nakatsukasa-Sete-Trefethen 2018) with an
  updated factorisation of the Loewner matrix, Froissart cleanup, and the set-valued
  variant (one support set and weight vector for many functions).
- :mod:`~numlearn.classical.rational.lawson`: AAA-Lawson toward minimax, with the
  equioscillation report of :mod:`~numlearn.classical.rational.equioscillation`.
- :mod:`~numlearn.classical.rational.floater_hormann`: Floater-Hormann rational
  interpolation.

AAA on the unit circle for filters, which returns a modal state-space model, is
:func:`numlearn.classical.reduction.aaa_filter`.
"""

from numlearn.classical.rational.aaa import aaa
from numlearn.classical.rational.equioscillation import equioscillation
from numlearn.classical.rational.floater_hormann import floater_hormann, floater_hormann_weights
from numlearn.classical.rational.form import BarycentricRational
from numlearn.classical.rational.lawson import DEFAULT_RATIO_THRESHOLD, aaa_lawson

__all__ = [
    "DEFAULT_RATIO_THRESHOLD",
    "BarycentricRational",
    "aaa",
    "aaa_lawson",
    "equioscillation",
    "floater_hormann",
    "floater_hormann_weights",
]
