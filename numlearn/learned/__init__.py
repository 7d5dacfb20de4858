"""Learned counterparts of the classical references (PyTorch, float64 by default).

Needs the ``torch`` extra (``pip install 'numlearn[torch]'``).  The submodules are
loaded lazily, on first attribute access, so that ``import numlearn.learned`` stays
cheap (and does not import torch) until a model is actually used; without torch that
first access raises a one-line `ImportError` naming the extra:

- :mod:`numlearn.learned.layers`: attention and gated-convolution sequence models
  (linear attention, BaseConv, softmax Transformer) on one skeleton, and the BWLer
  layer (barycentric interpolation on Chebyshev/Fourier tensor grids);
- :mod:`numlearn.learned.least_squares`: the least-squares twin: the paper's token
  format, the learned gradient-descent iterate, exact weight constructions, and the
  study against classical GD (error decomposition, out-of-distribution table);
- :mod:`numlearn.learned.optim`: optimisers as objects (Levenberg-Marquardt,
  Adam with cosine decay, L-BFGS, NNCG and its Nyström preconditioner);
- :mod:`numlearn.learned.spectral`: the learned PDE solvers (explicit BWLer, BWLer-hat,
  MLP PINN) as objectives of one flat parameter vector, and their training;
- :mod:`numlearn.learned.interpolation`: 1-D interpolation by an MLP and by an explicit
  BWLer fitted to the same samples (the MLP ceiling);
- :mod:`numlearn.learned.reduction`: batched modal filters fitted to long-convolution
  filters (the authors' gradient recipe, and variable projection from classical poles);
- :mod:`numlearn.learned.config` (what defines a run) and
  :mod:`numlearn.learned.training`: the float64 high-precision training recipe
  (fresh batches, Adam with tiny eps, EMA gradient filter, L-BFGS / Gauss-Newton
  polishing);
- :mod:`numlearn.learned.checkpoint`: checkpoints and the cache of trained models
  (:func:`trained_model`).

References: Liu et al., "Towards Learning High-Precision Least Squares Algorithms with
Sequence Models", arXiv 2503.12295 (ICLR 2025).
"""

from __future__ import annotations

from numlearn._core.lazy import lazy_exports

_HOMES = {
    "numlearn.learned.layers": (
        "AttentionBlock", "BaseConvBlock", "BaseConvModel", "LinearAttentionModel",
        "SoftmaxTransformer", "causal_conv", "num_parameters",
        "BWLerLayer", "ChebyshevAxis", "FourierAxis", "MLP", "FlatParameters",
        "ModalFilter", "R_MAX", "hinf_errors", "window_sq_errors", "DistilledConv",
        "HyenaConfig", "HyenaFilter", "HyenaModel", "HyenaOperator", "LongConv", "head_mix",
    ),
    "numlearn.learned.reduction": (
        "FIT_METHODS", "INITS", "fit_modal", "varpro_residues", "MQARConfig", "chance",
        "distill_long_convs", "hyena_checkpoint", "load_hyena", "modal_long_conv", "mqar",
        "mqar_accuracy", "mqar_evaluate", "save_hyena", "train_hyena",
    ),
    "numlearn.learned.least_squares": (
        "DEFAULT_FAMILIES", "PAPER_FLOAT32", "LearnedGradientDescent",
        "LeastSquaresTorchBatch", "baseconv_gd_construction", "evaluate",
        "format_checkpoints", "format_ood", "gd_iterate", "gradient_target",
        "iterated_study", "linear_attention_gd_construction", "make_tokens",
        "model_gradient", "ood_row", "ood_study", "reference_gd", "sample_least_squares",
    ),
    "numlearn.learned.optim": (
        "LBFGS", "NNCG", "AdamCosine", "CGResult", "LMStep", "LevenbergMarquardt",
        "jacobian_of", "NystromApproximation", "OptimStep", "cosine_lr", "hessian_vector_product",
        "nystrom_approximation", "pcg",
    ),
    "numlearn.learned.spectral": ("NonFiniteLossError", "PDEObjective", "Phase", "fit",
                                  "ExplicitBWLer", "solve_explicit_bwler",
                                  "MLPPINN", "BWLerHat", "solve_mlp_pinn", "solve_bwler_hat",
                                  "ExplicitBWLerPoisson", "MLPPINNPoisson",
                                  "explicit_poisson_floor", "solve_bwler_poisson",
                                  "solve_explicit_bwler_burgers", "solve_mlp_pinn_poisson",
                                  "PDE_MODELS", "solve_pde"),
    "numlearn.learned.interpolation": (
        "InterpolationObjective", "fit_bwler", "fit_mlp", "least_squares_reference",
        "sine_target",
    ),
    "numlearn.learned.config": ("TrainConfig", "build_model"),
    "numlearn.learned.training": ("restart_seed", "train"),
    "numlearn.learned.checkpoint": (
        "cache_directory", "load_checkpoint", "save_checkpoint", "trained_model",
    ),
}


def _missing(name: str, exc: ModuleNotFoundError) -> None:
    if exc.name is not None and exc.name.split(".")[0] == "torch":
        raise ImportError(
            f"numlearn.learned.{name} needs PyTorch, which is not installed: "
            "pip install 'numlearn[torch]'"
        ) from None
    return None


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, missing=_missing)
__all__ = sorted(name for names in _HOMES.values() for name in names)
