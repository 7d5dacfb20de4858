"""Learned model-order reduction (PyTorch): fitting batched modal filters to long
convolution filters (:mod:`.modal_fit`), from random or classical initial poles."""
