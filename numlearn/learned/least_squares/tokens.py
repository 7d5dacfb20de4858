r"""The least-squares task in the paper's token format (arXiv 2503.12295,
"explicit gradient"), in torch.

For a least-squares problem :math:`\min_x \|Ax - b\|` with
:math:`A \in \mathbb{R}^{n\times d}`, a model reads the prompt

.. math::
    T = \begin{bmatrix} x_k^\top & 0 \\ a_1^\top & b_1 \\ \vdots & \vdots \\
        a_n^\top & b_n \end{bmatrix} \in \mathbb{R}^{(n+1)\times(d+1)}

(token 0 holds the current iterate, tokens 1..n the rows of ``[A | b]``) and returns,
at the LAST position, the scaled gradient

.. math:: g(x_k) = \tfrac1n A^\top (A x_k - b).

:func:`sample_least_squares` draws problems on the training device with the formula of
:func:`numlearn.problems.least_squares.paper_draws` (the same distribution as
``sample_paper``; torch's random stream, not NumPy's).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import torch
from torch import Tensor, nn

from numlearn._core.validation import check_int
from numlearn.learned.layers.base import _check_device, _check_dtype
from numlearn.problems.least_squares import paper_draws

__all__ = [
    "LeastSquaresTorchBatch",
    "gradient_target",
    "make_tokens",
    "model_gradient",
    "sample_least_squares",
]


def _check_tensor(t: Any, name: str, ndim: int, *, finite: bool = True) -> Tensor:
    if not isinstance(t, Tensor):
        raise TypeError(
            f"`{name}` must be a torch.Tensor, got {type(t).__name__}; convert it with "
            f"torch.as_tensor({name}, dtype=torch.float64)."
        )
    if not t.is_floating_point():
        raise TypeError(
            f"`{name}` must have a real floating dtype, got {t.dtype}; convert it with "
            f"{name}.to(torch.float64)."
        )
    if t.ndim != ndim:
        raise ValueError(
            f"`{name}` must be {ndim}-dimensional (batch first), got shape {tuple(t.shape)}; "
            f"add a batch axis with {name}[None] for a single problem."
        )
    if t.numel() == 0:
        raise ValueError(f"`{name}` is empty (shape {tuple(t.shape)}).")
    if finite and not bool(torch.isfinite(t).all()):
        raise ValueError(f"`{name}` must be finite; it contains NaN or inf entries.")
    return t



def _check_problem(A: Any, b: Any, x: Any, xname: str = "x") -> tuple[Tensor, Tensor, Tensor]:
    A = _check_tensor(A, "A", 3)
    b = _check_tensor(b, "b", 2)
    x = _check_tensor(x, xname, 2)
    B, n, d = A.shape
    if b.shape != (B, n):
        raise ValueError(f"`b` must have shape (batch, n) = {(B, n)} to match `A`, got "
                         f"{tuple(b.shape)}.")
    if x.shape != (B, d):
        raise ValueError(f"`{xname}` must have shape (batch, d) = {(B, d)} to match `A`, got "
                         f"{tuple(x.shape)}.")
    if not (A.dtype == b.dtype == x.dtype):
        raise TypeError(f"`A`, `b`, `{xname}` must share one dtype, got {A.dtype}, {b.dtype}, "
                        f"{x.dtype}.")
    if not (A.device == b.device == x.device):
        raise ValueError(f"`A`, `b`, `{xname}` must be on one device, got {A.device}, "
                         f"{b.device}, {x.device}.")
    return A, b, x


#: Largest batch of problems drawn at once (A and b in float64), checked before drawing.
MAX_BATCH_BYTES = 8 * 2**30


class LeastSquaresTorchBatch(NamedTuple):
    """A batch of consistent least-squares problems as torch tensors.

    ``A`` (batch, n, d), ``b`` (batch, n), ``x_star`` (batch, d), ``x0`` (batch, d).
    """

    A: Tensor
    b: Tensor
    x_star: Tensor
    x0: Tensor


def sample_least_squares(
    batch: int,
    n: int = 20,
    d: int = 5,
    *,
    generator: torch.Generator | None = None,
    seed: int | None = None,
    device: str | torch.device = "cpu",
    dtype: torch.dtype = torch.float64,
) -> LeastSquaresTorchBatch:
    r"""Draw ``batch`` problems of the paper's distribution on ``device``.

    :math:`A_{ij}\sim N(0,1)`, :math:`x^\star\sim N(0, I_d)`, :math:`b = A x^\star`
    (computed in float64, then cast to ``dtype``), :math:`x_0\sim N(0, I_d)`; drawn in
    the order A, x*, x0 by :func:`numlearn.problems.least_squares.paper_draws`, the
    formula of ``sample_paper`` (torch's stream differs from NumPy's, so not the same
    numbers); it exists so that training draws fresh problems on the training device
    every step.

    Parameters
    ----------
    batch, n, d : int
        Number of problems, rows, unknowns (paper: n = 20, d = 5).
    generator : torch.Generator, optional
        Source of randomness (advanced in place); must live on ``device``.
    seed : int, optional
        Used to seed a fresh generator when ``generator`` is None; None (the default)
        seeds it with 0, so that the draws are reproducible either way.  Not allowed
        together with ``generator``.
    device, dtype
        Where and in which precision to return the tensors (default float64).

    Returns
    -------
    LeastSquaresTorchBatch

    Notes
    -----
    Cost: :math:`O(\text{batch}\cdot n d)`; at most :data:`MAX_BATCH_BYTES` (8 GiB)
    of A and b, refused before drawing.  Reference: arXiv 2503.12295, §"numerical
    least squares" (``LeastSquaresSampler`` of the official code).
    """
    batch = check_int(batch, "batch", minimum=1)
    n = check_int(n, "n", minimum=1)
    d = check_int(d, "d", minimum=1)
    if batch * n * (d + 1) * 8 > MAX_BATCH_BYTES:
        raise ValueError(f"`batch` = {batch} problems of n={n}, d={d} take "
                         f"{batch * n * (d + 1) * 8 / 2**30:.3g} GiB in float64, more than "
                         f"the limit of {MAX_BATCH_BYTES / 2**30:.0f} GiB; draw fewer.")
    dtype = _check_dtype(dtype)
    device = _check_device(device)
    if seed is not None:
        seed = check_int(seed, "seed", minimum=0, maximum=2**63 - 1)
    if generator is None:
        generator = torch.Generator(device=device)
        generator.manual_seed(0 if seed is None else seed)
    elif seed is not None:
        raise ValueError("pass either `generator` or `seed`, not both.")
    kw: dict[str, Any] = {"generator": generator, "device": device, "dtype": torch.float64}
    A, b, x_star, x0 = paper_draws(lambda shape: torch.randn(*shape, **kw), batch, n, d)
    return LeastSquaresTorchBatch(A.to(dtype), b.to(dtype), x_star.to(dtype), x0.to(dtype))


def make_tokens(A: Tensor, b: Tensor, x: Tensor) -> Tensor:
    r"""The paper's prompt: token 0 = ``[x, 0]``, tokens 1..n = ``[a_i, b_i]``.

    Parameters
    ----------
    A : Tensor, shape (batch, n, d)
    b : Tensor, shape (batch, n)
    x : Tensor, shape (batch, d)
        Current iterate.

    Returns
    -------
    Tensor, shape (batch, n + 1, d + 1), dtype and device of ``A``.

    Raises
    ------
    TypeError, ValueError
        Not tensors, non-floating or mixed dtypes, mismatched shapes, NaN/inf entries.
    """
    A, b, x = _check_problem(A, b, x)
    return _tokens(A, b, x)


def _tokens(A: Tensor, b: Tensor, x: Tensor) -> Tensor:
    B = A.shape[0]
    head = torch.cat([x, x.new_zeros(B, 1)], dim=-1).unsqueeze(1)
    rows = torch.cat([A, b.unsqueeze(-1)], dim=-1)
    return torch.cat([head, rows], dim=1)


def gradient_target(A: Tensor, b: Tensor, x: Tensor) -> Tensor:
    r"""The target :math:`g = A^\top (A x - b)/n`, shape (batch, d).

    The 1/n scaling is the paper's ("improves training in practice").  Cost
    :math:`O(\text{batch}\cdot nd)`.
    """
    A, b, x = _check_problem(A, b, x)
    return _gradient(A, b, x)


def _gradient(A: Tensor, b: Tensor, x: Tensor) -> Tensor:
    r = (A @ x.unsqueeze(-1)).squeeze(-1) - b
    return (A.transpose(-1, -2) @ r.unsqueeze(-1)).squeeze(-1) / A.shape[1]


def model_gradient(model: nn.Module, A: Tensor, b: Tensor, x: Tensor) -> Tensor:
    """The model's estimate of :math:`A^T(Ax-b)/n`: its output at the last position."""
    A, b, x = _check_problem(A, b, x)
    _check_model(model, A)
    return _model_gradient(model, A, b, x)


def _check_model(model: Any, A: Tensor | None = None) -> Tensor:
    """``model`` is an nn.Module; with ``A``, its parameters (if any) must be in
    ``A``'s dtype; without, it must have parameters.  Returns its first parameter (the
    dtype and device its inputs take), or None for a parameter-free module with ``A``."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"`model` must be a torch.nn.Module (a sequence model of "
                        f"numlearn.learned.layers), got {type(model).__name__}.")
    p = next(model.parameters(), None)
    if p is None and A is None:
        raise ValueError("`model` has no parameters, so the dtype and device of its "
                         "problems are undefined; give it one (or call gd_iterate with "
                         "tensors).")
    if A is not None and p is not None and p.dtype != A.dtype:
        raise TypeError(f"`model` has dtype {p.dtype} but `A` has dtype {A.dtype}; convert "
                        f"the problems with .to({p.dtype}) or use a {A.dtype} model.")
    return p


def _model_gradient(model: nn.Module, A: Tensor, b: Tensor, x: Tensor) -> Tensor:
    return model(_tokens(A, b, x))[:, -1, : A.shape[-1]]

