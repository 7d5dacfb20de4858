"""Learned model-order reduction (PyTorch): fitting batched modal filters to long
convolution filters (:mod:`.modal_fit`), from random or classical initial poles."""

from numlearn.learned.reduction.modal_fit import FIT_METHODS, INITS, fit_modal, varpro_residues

__all__ = ["FIT_METHODS", "INITS", "fit_modal", "varpro_residues"]
