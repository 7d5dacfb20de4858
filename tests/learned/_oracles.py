"""NumPy oracles for the learned least-squares tests: problems and the gradient
A^T (A x - b) / n computed independently of the torch code under test."""

import numpy as np
import torch


def _numpy_problems(rng: np.random.Generator, batch: int = 64, n: int = 20, d: int = 5):
    A = rng.standard_normal((batch, n, d))
    x_star = rng.standard_normal((batch, d))
    b = np.einsum("bij,bj->bi", A, x_star)
    x0 = rng.standard_normal((batch, d))
    return A, b, x_star, x0


def _numpy_gradient(A, b, x):
    r = np.einsum("bij,bj->bi", A, x) - b
    return np.einsum("bij,bi->bj", A, r) / A.shape[1]


def _t(*arrays):
    return [torch.from_numpy(a) for a in arrays]


def _rel_errors(model, A, b, x):
    """Per-problem relative error of the model's gradient against the NumPy one."""
    from numlearn.learned.least_squares import model_gradient

    with torch.no_grad():
        got = model_gradient(model, *_t(A, b, x)).numpy()
    want = _numpy_gradient(A, b, x)
    return np.linalg.norm(got - want, axis=1) / np.linalg.norm(want, axis=1)
