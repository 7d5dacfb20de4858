"""Learned model-order reduction (PyTorch): fitting batched modal filters to long
convolution filters (:mod:`.modal_fit`), from random or classical initial poles; a
small Hyena model trained on multi-query associative recall, and its long convolutions
distilled into recurrences (:mod:`.hyena_task`)."""

from numlearn.learned.reduction.hyena_task import (
    MQARConfig,
    chance,
    distill_long_convs,
    hyena_checkpoint,
    load_hyena,
    modal_long_conv,
    mqar,
    mqar_accuracy,
    mqar_evaluate,
    save_hyena,
    train_hyena,
)
from numlearn.learned.reduction.modal_fit import FIT_METHODS, INITS, fit_modal, varpro_residues

__all__ = ["FIT_METHODS", "INITS", "MQARConfig", "chance", "distill_long_convs", "fit_modal",
           "hyena_checkpoint", "load_hyena", "modal_long_conv", "mqar", "mqar_accuracy",
           "mqar_evaluate", "save_hyena", "train_hyena", "varpro_residues"]
