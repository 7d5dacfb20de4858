r"""Sequence models that learn one gradient-descent iterate for least squares.

The task (arXiv 2503.12295, "explicit gradient"): for a consistent least-squares
problem :math:`\min_x \|Ax - b\|` with :math:`A \in \mathbb{R}^{n\times d}`, a model
reads the prompt

.. math::
    T = \begin{bmatrix} x_k^\top & 0 \\ a_1^\top & b_1 \\ \vdots & \vdots \\
        a_n^\top & b_n \end{bmatrix} \in \mathbb{R}^{(n+1)\times(d+1)}

(token 0 holds the current iterate, tokens 1..n the rows of ``[A | b]``) and returns,
at the LAST position, the scaled gradient

.. math:: g(x_k) = \tfrac1n A^\top (A x_k - b).

One model call is one gradient-descent (GD) iterate: :func:`gd_iterate` sets
:math:`x_{k+1} = x_k - \eta\,\hat g(x_k)` and *re-inserts* :math:`x_{k+1}` into token 0
before the next call.  (Applying a block repeatedly without re-inserting x is not GD;
each token then keeps its own prefix iterate.)

Architectures (all ``torch.nn.Module``, float64 by default, every one taking ``device``
and ``dtype``): a linear read-in :math:`\mathbb{R}^{d+1}\to\mathbb{R}^W`, an optional
learned embedding (per position as in the paper, or "segment": one vector for token 0
and one shared by the rows), ``n_layers`` residual blocks, a linear read-out
:math:`\mathbb{R}^W\to\mathbb{R}^d`:

- :class:`LinearAttentionModel`: multi-head attention without softmax (von Oswald et
  al. 2023; arXiv 2212.07677), a polynomial of degree 3 per layer;
- :class:`BaseConvModel`: the gated convolution of Zoology (Arora et al. 2023; arXiv
  2312.04927), :math:`y = W_{out}\big((h * (W_{in}u + b_{in})) \odot (W_{proj}u +
  b_{proj})\big) + b_{out}` with a causal depthwise filter as long as the sequence, a
  polynomial of degree 2 per layer;
- :class:`SoftmaxTransformer`: the same skeleton with softmax attention (the paper's
  contrast: softmax cannot multiply exactly).

Because linear attention and BaseConv are polynomials, they can compute :math:`g`
*exactly* (up to rounding): :func:`linear_attention_gd_construction` (2 layers, 2 heads,
width 2d+2) and :func:`baseconv_gd_construction` (4 layers, width 2d+3) set the weights
analytically, in the paper's token format.

:func:`sample_least_squares` draws problems on the training device; it mirrors
``numlearn.problems.least_squares.sample_paper`` (same distribution, not the same
random stream).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import torch
from torch import Tensor, nn

from numlearn._core.validation import check_int

__all__ = [
    "BaseConvModel",
    "LeastSquaresTorchBatch",
    "LinearAttentionModel",
    "SoftmaxTransformer",
    "baseconv_gd_construction",
    "causal_conv",
    "gd_iterate",
    "gradient_target",
    "linear_attention_gd_construction",
    "make_tokens",
    "model_gradient",
    "num_parameters",
    "reference_gd",
    "sample_least_squares",
]


# --------------------------------------------------------------------------- validation


def _check_dtype(dtype: Any, name: str = "dtype") -> torch.dtype:
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point or dtype.is_complex:
        raise TypeError(
            f"`{name}` must be a real floating torch dtype (torch.float64 or torch.float32), "
            f"got {dtype!r}."
        )
    return dtype


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


def _check_positional(positional: Any) -> str:
    if positional is True:
        return "learned"
    if positional is False or positional is None:
        return "none"
    if positional not in ("learned", "segment", "none"):
        raise ValueError(
            "`positional` must be 'learned' (one vector per position), 'segment' (one for "
            f"token 0, one shared by the rows), 'none', or a bool; got {positional!r}."
        )
    return str(positional)


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


# ------------------------------------------------------------------------ problems, tokens


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
    the order A, x*, x0.  This mirrors ``numlearn.problems.least_squares.sample_paper``
    (same distribution; torch's stream differs from NumPy's, so not the same numbers),
    and exists so that training draws fresh problems on the training device every step.

    Parameters
    ----------
    batch, n, d : int
        Number of problems, rows, unknowns (paper: n = 20, d = 5).
    generator : torch.Generator, optional
        Source of randomness (advanced in place); must live on ``device``.
    seed : int, optional
        Used to seed a fresh generator when ``generator`` is None.
    device, dtype
        Where and in which precision to return the tensors (default float64).

    Returns
    -------
    LeastSquaresTorchBatch

    Notes
    -----
    Cost: :math:`O(\text{batch}\cdot n d)`.  Reference: arXiv 2503.12295, §"numerical
    least squares" (``LeastSquaresSampler`` of the official code).
    """
    batch = check_int(batch, "batch", minimum=1)
    n = check_int(n, "n", minimum=1)
    d = check_int(d, "d", minimum=1)
    dtype = _check_dtype(dtype)
    device = torch.device(device)
    if generator is None:
        generator = torch.Generator(device=device)
        generator.manual_seed(0 if seed is None else int(seed))
    elif seed is not None:
        raise ValueError("pass either `generator` or `seed`, not both.")
    kw: dict[str, Any] = {"generator": generator, "device": device, "dtype": torch.float64}
    A = torch.randn(batch, n, d, **kw)
    x_star = torch.randn(batch, d, **kw)
    x0 = torch.randn(batch, d, **kw)
    b = (A @ x_star.unsqueeze(-1)).squeeze(-1)
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
    return _model_gradient(model, A, b, x)


def _model_gradient(model: nn.Module, A: Tensor, b: Tensor, x: Tensor) -> Tensor:
    return model(_tokens(A, b, x))[:, -1, : A.shape[-1]]


def gd_iterate(
    model: nn.Module,
    A: Tensor,
    b: Tensor,
    x0: Tensor,
    steps: int,
    eta: float | Tensor,
    *,
    on_unstable: str = "raise",
) -> Tensor:
    r"""Gradient descent with a learned gradient: one model call per iterate.

    .. math:: x_{k+1} = x_k - \eta\, f_\theta([x_k, 0; A, b])_{\text{last}}

    with :math:`x_{k+1}` re-inserted into token 0 before every call (arXiv 2503.12295;
    the official ``app_odes`` notebook does the same).  With an exact model this is
    classical GD on :math:`\tfrac{1}{2n}\|Ax-b\|^2`, which converges for
    :math:`0 < \eta < 2/L`, :math:`L = \lambda_{\max}(A^\top A/n)`.

    Parameters
    ----------
    model : nn.Module
        Maps tokens (batch, n+1, d+1) to outputs (batch, n+1, >= d); a model with
        ``d``/``n`` attributes must match ``A``'s shape.
    A, b, x0 : Tensor
        Problems (batch, n, d), (batch, n) and start points (batch, d).
    steps : int
        Number of iterates (model calls).
    eta : float or Tensor of shape (batch,)
        Step size(s), ``eta > 0`` (one per problem, e.g. ``2/(L + mu)``, for families
        whose ``L`` varies).
    on_unstable : {"raise", "warn"}
        What to do when ``eta >= 2/L`` for some problem (classical GD diverges there):
        a ValueError naming the problems and their limits, or a RuntimeWarning.

    Returns
    -------
    Tensor, shape (batch, steps + 1, d)
        The iterates :math:`x_0, \dots, x_{\text{steps}}` (no autograd graph); the
        layout of ``gradient_descent(...).history["iterates"]`` in
        :mod:`numlearn.classical.least_squares`.

    Warns
    -----
    RankDeficientWarning
        When some ``A`` is numerically rank deficient (estimated rank in the message):
        GD then converges to the least-squares solution nearest ``x0`` (the minimum-norm
        one for ``x0 = 0``).

    Notes
    -----
    Cost: ``steps`` forward passes plus one batched SVD of ``A`` for the checks.
    """
    A, b, x0 = _check_problem(A, b, x0, "x0")
    _check_model_shape(model, A)
    steps = check_int(steps, "steps", minimum=0)
    eta = _check_step(A, eta, on_unstable, "gd_iterate")
    xs = [x0]
    with torch.no_grad():
        x = x0
        for _ in range(steps):
            x = x - eta * _model_gradient(model, A, b, x)
            xs.append(x)
    return torch.stack(xs, dim=1)


def reference_gd(
    A: Tensor, b: Tensor, x0: Tensor, steps: int, eta: float | Tensor, *,
    on_unstable: str = "raise",
) -> Tensor:
    r"""Classical GD :math:`x_{k+1} = x_k - \eta A^\top(Ax_k-b)/n` in torch, shape
    (batch, steps + 1, d): the reference :func:`gd_iterate` is measured against on the
    training device (``numlearn.classical.least_squares.gradient_descent`` is the
    Numba twin, same layout).  Same checks as :func:`gd_iterate`."""
    A, b, x0 = _check_problem(A, b, x0, "x0")
    steps = check_int(steps, "steps", minimum=0)
    eta = _check_step(A, eta, on_unstable, "reference_gd")
    xs = [x0]
    x = x0
    for _ in range(steps):
        x = x - eta * _gradient(A, b, x)
        xs.append(x)
    return torch.stack(xs, dim=1)


def _check_model_shape(model: nn.Module, A: Tensor) -> None:
    n, d = A.shape[1], A.shape[2]
    md, mn = getattr(model, "d", None), getattr(model, "n", None)
    supports = getattr(model, "supports_rows", None)
    rows_ok = supports(n) if supports is not None else (mn is None or mn == n)
    if (md is not None and md != d) or not rows_ok:
        raise ValueError(
            f"`model` was built for n={mn}, d={md} but `A` has n={n}, d={d}; the "
            "positional embedding and read-out fix both (train a model of that size)."
        )


def _check_step(A: Tensor, eta: Any, on_unstable: str, caller: str) -> float | Tensor:
    import warnings

    from numlearn.classical.least_squares import RankDeficientWarning

    if on_unstable not in ("raise", "warn"):
        raise ValueError(f"`on_unstable` must be 'raise' or 'warn', got {on_unstable!r}.")
    B, n, d = A.shape
    if isinstance(eta, Tensor) or hasattr(eta, "__len__"):
        eta_t = torch.as_tensor(eta, dtype=A.dtype, device=A.device)
        if eta_t.ndim == 0:
            eta = float(eta_t)
        elif eta_t.shape != (B,):
            raise ValueError(f"`eta` must be a float or have shape (batch,) = ({B},), got "
                             f"shape {tuple(eta_t.shape)}.")
        else:
            eta = eta_t
    etas = eta if isinstance(eta, Tensor) else torch.full((B,), float(eta), dtype=A.dtype)
    etas = etas.detach().to(torch.float64).cpu()
    if not bool((torch.isfinite(etas) & (etas > 0)).all()):
        i = int(torch.nonzero(~(torch.isfinite(etas) & (etas > 0)))[0])
        raise ValueError(f"`eta` must be positive and finite, got {float(etas[i])}"
                         + (f" for problem {i}." if isinstance(eta, Tensor) else "."))
    s = torch.linalg.svdvals(A.detach().to(torch.float64)).cpu()  # (batch, min(n, d))
    L = s[:, 0] ** 2 / n
    if bool((L == 0).any()):
        i = int(torch.nonzero(L == 0)[0])
        raise ValueError(f"`A` of problem {i} is zero: every x solves it; nothing to iterate.")
    limit = 2.0 / L
    bad = etas >= limit
    if bool(bad.any()):
        idx = torch.nonzero(bad).flatten()[:3].tolist()
        listed = ", ".join(f"problem {i} (2/L = {float(limit[i]):.4g}, eta "
                           f"{float(etas[i]):.4g})" for i in idx)
        msg = (f"`eta` is at or beyond the stability limit 2/L of "
               f"{int(bad.sum())} of {B} problems: {listed}; GD diverges there "
               f"(|1 - eta L| >= 1). Use eta < min(2/L) = {float(limit.min()):.4g} (or one "
               "step per problem, e.g. 2/(L + mu)), or on_unstable='warn' to run anyway.")
        if on_unstable == "raise":
            raise ValueError(msg)
        warnings.warn(msg, RuntimeWarning, stacklevel=3)
    if isinstance(eta, Tensor):
        eta = eta.unsqueeze(-1)
    eps = torch.finfo(A.dtype).eps
    rank = (s > max(n, d) * eps * s[:, :1]).sum(dim=1)
    if bool((rank < d).any()):
        i = int(torch.nonzero(rank < d)[0])
        warnings.warn(
            f"{caller}: `A` is numerically rank deficient in {int((rank < d).sum())} "
            f"problems (problem {i}: estimated rank {int(rank[i])} < d = {d}); GD converges "
            "to the least-squares solution nearest x0 (minimum-norm for x0 = 0), at the "
            "rate set by the smallest nonzero singular value.",
            RankDeficientWarning, stacklevel=3)
    return eta


# --------------------------------------------------------------------------------- models


def num_parameters(model: nn.Module) -> int:
    """Number of trainable scalars of ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


class _SequenceModel(nn.Module):
    """Read-in, optional learned positional embedding, residual blocks, read-out."""

    arch: str = ""

    def __init__(
        self,
        d: int,
        n: int,
        width: int,
        n_layers: int,
        positional: bool | str,
        device: str | torch.device | None,
        dtype: torch.dtype,
    ) -> None:
        super().__init__()
        self.d = check_int(d, "d", minimum=1)
        self.n = check_int(n, "n", minimum=1)
        self.width = check_int(width, "width", minimum=1)
        self.n_layers = check_int(n_layers, "n_layers", minimum=0)
        self.seq_len = self.n + 1
        self.positional = _check_positional(positional)
        dtype = _check_dtype(dtype)
        fk = {"device": device, "dtype": dtype}
        self.read_in = nn.Linear(self.d + 1, self.width, **fk)
        rows = {"learned": self.seq_len, "segment": 2, "none": 0}[self.positional]
        if rows:
            self.pos_emb = nn.Parameter(torch.zeros(rows, self.width, **fk))
        else:
            self.register_parameter("pos_emb", None)
        self.blocks = nn.ModuleList()
        self.read_out = nn.Linear(self.width, self.d, **fk)

    def forward(self, tokens: Tensor) -> Tensor:
        """Map tokens (batch, n+1, d+1) to outputs (batch, n+1, d)."""
        return self.forward_with_hidden(tokens, self.n_layers)[0]

    def forward_with_hidden(
        self, tokens: Tensor, layer: int | tuple[int, ...]
    ) -> tuple[Tensor, Tensor | tuple[Tensor, ...]]:
        """The outputs and the residual stream (batch, n+1, width) after the first
        ``layer`` blocks (0: the embedded tokens), from one pass; for probes and
        auxiliary losses (:class:`~numlearn.learned.training.TrainConfig`
        ``aux_weight``).  A tuple of layers gives a tuple of streams."""
        self._check_tokens(tokens)
        layers = (layer,) if isinstance(layer, int) else tuple(layer)
        if not layers or not all(0 <= int(k) <= self.n_layers for k in layers):
            raise ValueError(f"`layer` must be in [0, {self.n_layers}], got {layer}.")
        h = self.read_in(tokens)
        if self.positional == "learned":
            h = h + self.pos_emb
        elif self.positional == "segment":
            # one vector for the iterate token, one shared by all rows
            h = torch.cat([h[:, :1] + self.pos_emb[0], h[:, 1:] + self.pos_emb[1]], dim=1)
        stream = [h]
        for block in self.blocks:
            h = block(h)
            stream.append(h)
        hidden = tuple(stream[int(k)] for k in layers)
        return self.read_out(h), (hidden[0] if isinstance(layer, int) else hidden)

    def supports_rows(self, m: int) -> bool:
        """Whether the model runs on prompts with ``m`` rows (``m + 1`` tokens).

        Always for ``m = n``.  Without a per-position embedding a non-causal attention
        model is row-permutation invariant and runs at any ``m``; a causal one (its mask)
        and BaseConv (its filter of length ``n + 1``) at ``m <= n``.  Used for the
        "other n" out-of-distribution tests; the answer is then *not* the gradient
        scaled by ``1/m`` unless the model learned that (a fixed polynomial keeps its
        training ``1/n``).
        """
        if m == self.n:
            return True
        if self.positional == "learned" or m < 1:
            return False
        return m <= self.n if (self.arch == "baseconv" or getattr(self, "causal", False)) \
            else True

    def _check_tokens(self, tokens: Any) -> None:
        if not isinstance(tokens, Tensor):
            raise TypeError(f"`tokens` must be a torch.Tensor, got {type(tokens).__name__}.")
        want = (self.seq_len, self.d + 1)
        if tokens.ndim != 3 or tokens.shape[2] != want[1] or not self.supports_rows(
            tokens.shape[1] - 1
        ):
            raise ValueError(
                f"`tokens` must have shape (batch, n+1, d+1) = (batch, {want[0]}, {want[1]}) "
                f"for this model (n={self.n}, d={self.d}), got {tuple(tokens.shape)}; build "
                "them with make_tokens(A, b, x) or build a model for your n and d."
            )
        dtype = self.read_in.weight.dtype
        if tokens.dtype != dtype:
            raise TypeError(
                f"`tokens` have dtype {tokens.dtype} but the model's parameters are {dtype}; "
                f"convert with tokens.to({dtype}) or build the model with dtype={tokens.dtype}."
            )

    def num_parameters(self) -> int:
        """Number of trainable scalars (see :func:`num_parameters`)."""
        return num_parameters(self)

    def config(self) -> dict[str, Any]:
        """Constructor arguments (without device/dtype), enough to rebuild the model."""
        raise NotImplementedError

    def _init_common(self, std: float) -> None:
        nn.init.normal_(self.read_in.weight, std=std)
        nn.init.zeros_(self.read_in.bias)
        nn.init.normal_(self.read_out.weight, std=std)
        nn.init.zeros_(self.read_out.bias)
        if self.pos_emb is not None:
            nn.init.normal_(self.pos_emb, std=std)


class AttentionBlock(nn.Module):
    r"""Residual multi-head attention, linear (no softmax) or softmax.

    .. math::
        h \leftarrow h + W_o\,\mathrm{concat}_j\big(S_j V_j\big), \quad
        S_j = M \circ \frac{Q_j K_j^\top}{\sqrt{h_d}} \ \text{(linear)}, \quad
        S_j = \mathrm{softmax}\Big(\frac{Q_j K_j^\top}{\sqrt{h_d}} + \log M\Big)
        \ \text{(softmax)},

    with :math:`Q = hW_q + b_q` etc., :math:`M` all-ones (non-causal) or
    lower-triangular (causal); optionally pre-LayerNorm and a GELU MLP (Transformer).
    Cost per call :math:`O(B\,L(3 W H h_d + H h_d W) + B H L^2 h_d)`.
    """

    def __init__(
        self,
        width: int,
        n_heads: int,
        head_dim: int,
        seq_len: int,
        *,
        softmax: bool = False,
        causal: bool = False,
        layer_norm: bool = False,
        mlp_ratio: int = 0,
        device: str | torch.device | None = None,
        dtype: torch.dtype = torch.float64,
    ) -> None:
        super().__init__()
        fk = {"device": device, "dtype": dtype}
        self.n_heads, self.head_dim = n_heads, head_dim
        inner = n_heads * head_dim
        self.softmax, self.causal = bool(softmax), bool(causal)
        self.q = nn.Linear(width, inner, **fk)
        self.k = nn.Linear(width, inner, **fk)
        self.v = nn.Linear(width, inner, **fk)
        self.out = nn.Linear(inner, width, **fk)
        # Dividing by sqrt(h_d) (not multiplying by its rounded inverse) lets the exact
        # constructions cancel the scale exactly: (sqrt(h_d) * 1) / sqrt(h_d) == 1.
        self.sqrt_hd = math.sqrt(head_dim)
        mask = torch.tril(torch.ones(seq_len, seq_len, dtype=torch.bool, device=device))
        self.register_buffer("mask", mask, persistent=False)
        self.ln1 = nn.LayerNorm(width, **fk) if layer_norm else None
        self.ln2 = nn.LayerNorm(width, **fk) if (layer_norm and mlp_ratio) else None
        self.mlp = (
            nn.Sequential(
                nn.Linear(width, mlp_ratio * width, **fk),
                nn.GELU(),
                nn.Linear(mlp_ratio * width, width, **fk),
            )
            if mlp_ratio
            else None
        )

    def forward(self, h: Tensor) -> Tensor:
        B, L, _ = h.shape
        u = self.ln1(h) if self.ln1 is not None else h
        H, hd = self.n_heads, self.head_dim
        q = self.q(u).view(B, L, H, hd).transpose(1, 2)
        k = self.k(u).view(B, L, H, hd).transpose(1, 2)
        v = self.v(u).view(B, L, H, hd).transpose(1, 2)
        s = (q @ k.transpose(-1, -2)) / self.sqrt_hd
        if self.softmax:
            if self.causal:
                s = s.masked_fill(~self.mask[:L, :L], float("-inf"))
            s = torch.softmax(s, dim=-1)
        elif self.causal:
            s = s.masked_fill(~self.mask[:L, :L], 0.0)
        y = (s @ v).transpose(1, 2).reshape(B, L, H * hd)
        h = h + self.out(y)
        if self.mlp is not None:
            h = h + self.mlp(self.ln2(h) if self.ln2 is not None else h)
        return h


def causal_conv(z: Tensor, filt: Tensor, method: str = "direct") -> Tensor:
    r"""Causal depthwise convolution :math:`c_{t,c} = \sum_{k=0}^{t} h_{c,k}\, z_{t-k,c}`.

    Parameters
    ----------
    z : Tensor, shape (batch, L, C)
    filt : Tensor, shape (C, K), K >= L
        Tap ``k`` multiplies the input ``k`` positions back.
    method : {"direct", "fft"}
        ``"direct"``: multiply by the (C, L, L) Toeplitz matrix, :math:`O(BCL^2)`, one
        rounding per product and a plain sum.  ``"fft"``: zero-padded real FFT of length
        2L, :math:`O(BCL\log L)`, rounding :math:`\sim \epsilon\log L\,\|z\|`.
    """
    L = z.shape[1]
    h = filt[:, :L]
    if method == "fft":
        zf = torch.fft.rfft(z, n=2 * L, dim=1)
        hf = torch.fft.rfft(h.transpose(0, 1), n=2 * L, dim=0)
        return torch.fft.irfft(zf * hf.unsqueeze(0), n=2 * L, dim=1)[:, :L]
    if method != "direct":
        raise ValueError(f"`method` must be 'direct' or 'fft', got {method!r}.")
    t = torch.arange(L, device=z.device)
    lag = t[:, None] - t[None, :]
    toeplitz = h[:, lag.clamp(min=0)] * (lag >= 0).to(h.dtype)  # (C, L, L)
    return torch.einsum("cts,bsc->btc", toeplitz, z)


class BaseConvBlock(nn.Module):
    r"""Residual BaseConv (Arora et al. 2023, Zoology; arXiv 2312.04927):

    .. math::
        u \leftarrow u + W_{out}\Big(\big(h * (W_{in}u + b_{in})\big) \odot
        (W_{proj}u + b_{proj})\Big) + b_{out},

    with a causal depthwise filter :math:`h \in \mathbb{R}^{C\times L}` as long as the
    sequence (the official code's "short" conv with ``kernel_size = l_max``).  Cost per
    call :math:`O(B L\,3WC + B C L^2)` (direct) or :math:`O(BCL\log L)` (FFT).
    """

    def __init__(
        self,
        width: int,
        seq_len: int,
        inner: int,
        *,
        conv: str = "direct",
        device: str | torch.device | None = None,
        dtype: torch.dtype = torch.float64,
    ) -> None:
        super().__init__()
        if conv not in ("direct", "fft"):
            raise ValueError(f"`conv` must be 'direct' or 'fft', got {conv!r}.")
        fk = {"device": device, "dtype": dtype}
        self.conv = conv
        self.in_proj = nn.Linear(width, inner, **fk)
        self.proj = nn.Linear(width, inner, **fk)
        self.out_proj = nn.Linear(inner, width, **fk)
        self.filter = nn.Parameter(torch.zeros(inner, seq_len, **fk))

    def forward(self, u: Tensor) -> Tensor:
        c = causal_conv(self.in_proj(u), self.filter, self.conv)
        return u + self.out_proj(c * self.proj(u))


class LinearAttentionModel(_SequenceModel):
    r"""Linear-attention sequence model (no softmax, no LayerNorm, no MLP).

    Read-in :math:`\mathbb{R}^{d+1}\to\mathbb{R}^W`, learned positional embedding
    (optional), ``n_layers`` residual :class:`AttentionBlock` s with ``n_heads`` heads
    of size ``head_dim`` (default ``width // n_heads``), read-out
    :math:`\mathbb{R}^W\to\mathbb{R}^d`.  The network is a polynomial of degree
    :math:`3^{L}` in the tokens, so it can represent :math:`A^\top(Ax-b)/n` exactly
    (:func:`linear_attention_gd_construction`; von Oswald et al. 2023).

    Parameter count: :math:`(d+1)W + W + PW + L\,[4 W H h_d + 3 H h_d + W] + W d + d`,
    with :math:`P = n+1` (``positional="learned"``), 2 (``"segment"``) or 0.

    Parameters
    ----------
    d, n : int
        Unknowns and rows (sequence length n + 1).
    width, n_layers, n_heads : int
    head_dim : int, optional
    causal : bool
        Lower-triangular mask (the answer is read at the last position, which sees
        every token either way).
    positional : {"learned", "segment", "none"} or bool
        ``"learned"`` (True): one learned vector per position (the paper's GPT-2
        embedding); ``"segment"``: one vector for token 0 and one shared by all rows, so
        the non-causal model is equivariant under row permutations (the target is
        invariant), which removes the 20 row embeddings that an exact solution must
        otherwise make interchangeable (trains far better, see
        :mod:`numlearn.learned.training`); ``"none"`` (False): none (then token 0
        cannot be told from the rows).
    init_std : float
        Weights ~ N(0, init_std^2); output projections scaled by 1/sqrt(2 n_layers)
        (GPT-2); biases zero.
    device, dtype
        Default float64.
    """

    arch = "linear_attention"
    _softmax = False

    def __init__(
        self,
        d: int = 5,
        n: int = 20,
        *,
        width: int = 12,
        n_layers: int = 2,
        n_heads: int = 2,
        head_dim: int | None = None,
        causal: bool = False,
        positional: bool | str = "learned",
        init_std: float = 0.02,
        layer_norm: bool = False,
        mlp_ratio: int = 0,
        device: str | torch.device | None = None,
        dtype: torch.dtype = torch.float64,
    ) -> None:
        super().__init__(d, n, width, n_layers, positional, device, dtype)
        self.n_heads = check_int(n_heads, "n_heads", minimum=1)
        if head_dim is None:
            if self.width % self.n_heads:
                raise ValueError(
                    f"`width` ({self.width}) must be divisible by `n_heads` ({self.n_heads}) "
                    "unless `head_dim` is given."
                )
            head_dim = self.width // self.n_heads
        self.head_dim = check_int(head_dim, "head_dim", minimum=1)
        self.causal = bool(causal)
        self.layer_norm = bool(layer_norm)
        self.mlp_ratio = check_int(mlp_ratio, "mlp_ratio", minimum=0)
        self.init_std = float(init_std)
        for _ in range(self.n_layers):
            self.blocks.append(
                AttentionBlock(
                    self.width, self.n_heads, self.head_dim, self.seq_len,
                    softmax=self._softmax, causal=self.causal, layer_norm=self.layer_norm,
                    mlp_ratio=self.mlp_ratio, device=device, dtype=dtype,
                )
            )
        self.reset_parameters(self.init_std)

    def reset_parameters(self, std: float = 0.02) -> None:
        """GPT-2 style initialisation: N(0, std^2), residual outputs std/sqrt(2L)."""
        self._init_common(std)
        out_std = std / math.sqrt(2 * max(self.n_layers, 1))
        for blk in self.blocks:
            for lin in (blk.q, blk.k, blk.v):
                nn.init.normal_(lin.weight, std=std)
                nn.init.zeros_(lin.bias)
            nn.init.normal_(blk.out.weight, std=out_std)
            nn.init.zeros_(blk.out.bias)
            if blk.mlp is not None:
                nn.init.normal_(blk.mlp[0].weight, std=std)
                nn.init.zeros_(blk.mlp[0].bias)
                nn.init.normal_(blk.mlp[2].weight, std=out_std)
                nn.init.zeros_(blk.mlp[2].bias)

    def config(self) -> dict[str, Any]:
        return {
            "arch": self.arch, "d": self.d, "n": self.n, "width": self.width,
            "n_layers": self.n_layers, "n_heads": self.n_heads, "head_dim": self.head_dim,
            "causal": self.causal, "positional": self.positional, "init_std": self.init_std,
            "layer_norm": self.layer_norm, "mlp_ratio": self.mlp_ratio,
        }


class SoftmaxTransformer(LinearAttentionModel):
    r"""The contrast: the same skeleton as :class:`LinearAttentionModel` with softmax
    attention, optionally pre-LayerNorm and a GELU MLP (``mlp_ratio``).

    Softmax attention returns convex combinations of values, so it cannot form the
    products :math:`a_i^\top x` exactly; the paper's 3x256 softmax model trained on this
    task stalls at ~1e-2 when iterated (arXiv 2503.12295, Fig. 1).  Parameter count: as
    the linear model, plus :math:`4W` per LayerNorm pair and
    :math:`2mW^2 + mW + W` per MLP.
    """

    arch = "softmax"
    _softmax = True


class BaseConvModel(_SequenceModel):
    r"""BaseConv sequence model (gated long convolutions, no softmax/LayerNorm/MLP).

    ``n_layers`` residual :class:`BaseConvBlock` s of width ``width`` and inner width
    ``inner`` (default ``width``), each with a causal depthwise filter of length n + 1.
    A polynomial of degree :math:`2^L`; :func:`baseconv_gd_construction` computes the
    gradient exactly with 4 layers.

    Parameter count: :math:`(d+1)W + W + PW + L\,[3WC + 2C + W + C(n+1)] + Wd + d`,
    with :math:`P = n+1` (``positional="learned"``), 2 (``"segment"``) or 0.

    Parameters
    ----------
    d, n, width, n_layers : int
    inner : int, optional
        Channels of the convolution/gate (default ``width``).
    conv : {"direct", "fft"}
        How the long convolution is computed (:func:`causal_conv`).
    positional : {"learned", "segment", "none"} or bool
        As for :class:`LinearAttentionModel`.
    init_std : float
        Projections ~ N(0, init_std^2) (``out_proj`` scaled by 1/sqrt(2 n_layers));
        filters: identity tap 1 plus N(0, 1/(n+1)) on every tap.
    device, dtype
        Default float64.
    """

    arch = "baseconv"

    def __init__(
        self,
        d: int = 5,
        n: int = 20,
        *,
        width: int = 13,
        n_layers: int = 4,
        inner: int | None = None,
        conv: str = "direct",
        positional: bool | str = "learned",
        init_std: float = 0.02,
        device: str | torch.device | None = None,
        dtype: torch.dtype = torch.float64,
    ) -> None:
        super().__init__(d, n, width, n_layers, positional, device, dtype)
        self.inner = check_int(self.width if inner is None else inner, "inner", minimum=1)
        self.conv = conv
        self.init_std = float(init_std)
        for _ in range(self.n_layers):
            self.blocks.append(
                BaseConvBlock(self.width, self.seq_len, self.inner, conv=conv, device=device,
                              dtype=dtype)
            )
        self.reset_parameters(self.init_std)

    def reset_parameters(self, std: float = 0.02) -> None:
        """Projections N(0, std^2), filters identity + N(0, 1/(n+1)), biases zero.

        The filter scale 1/sqrt(n+1) is that of ``nn.Conv1d``'s default for a depthwise
        kernel of length n+1 (the official code's "short" conv); the identity tap is
        the Zoology conv's internal residual.
        """
        self._init_common(std)
        out_std = std / math.sqrt(2 * max(self.n_layers, 1))
        for blk in self.blocks:
            for lin in (blk.in_proj, blk.proj):
                nn.init.normal_(lin.weight, std=std)
                nn.init.zeros_(lin.bias)
            nn.init.normal_(blk.out_proj.weight, std=out_std)
            nn.init.zeros_(blk.out_proj.bias)
            with torch.no_grad():
                nn.init.normal_(blk.filter, std=1.0 / math.sqrt(self.seq_len))
                blk.filter[:, 0] += 1.0

    def config(self) -> dict[str, Any]:
        return {
            "arch": self.arch, "d": self.d, "n": self.n, "width": self.width,
            "n_layers": self.n_layers, "inner": self.inner, "conv": self.conv,
            "positional": self.positional, "init_std": self.init_std,
        }


# ------------------------------------------------------------------ exact constructions


def _construction_positional(positional: Any) -> str:
    pos = _check_positional(positional)
    if pos == "none":
        raise ValueError(
            "the exact constructions need a positional embedding to flag token 0; pass "
            "positional='learned' or 'segment'."
        )
    return pos


def _zero_(model: nn.Module) -> None:
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()


def linear_attention_gd_construction(
    d: int = 5,
    n: int = 20,
    *,
    width: int | None = None,
    n_layers: int = 2,
    n_heads: int = 2,
    head_dim: int | None = None,
    causal: bool = False,
    positional: str = "learned",
    device: str | torch.device | None = None,
    dtype: torch.dtype = torch.float64,
) -> LinearAttentionModel:
    r"""A linear-attention model whose weights compute :math:`A^\top(Ax-b)/n` exactly.

    Residual channels ``[a (d) | b (1) | xc (d) | flag (1)]`` (width :math:`\ge 2d+2`);
    the read-in copies token ``[u, v]`` into ``a, b``; the positional embedding sets
    ``flag = 1`` at token 0 only.  With :math:`s = \sqrt{h_d}` absorbed into the
    queries so that scores are :math:`q\cdot k` exactly:

    Layer 1.  Head 1 (broadcast): :math:`q_t = 1,\ k_j = \mathrm{flag}_j,\ v_j = a_j`,
    added to ``xc``: every token gets :math:`\sum_j \mathrm{flag}_j a_j = x`.  Head 2
    (erase): :math:`q_t = \mathrm{flag}_t,\ k_j = \mathrm{flag}_j,\ v_j = a_j`, subtracted
    from ``a``: token 0 now holds ``a = 0, b = 0``.

    Layer 2.  Head 1 (gradient): :math:`q_t = [xc_t; 1],\ k_j = [a_j; -b_j],\
    v_j = a_j/n`, added to ``xc``: :math:`\sum_j (a_j^\top x - b_j) a_j / n = g` (token 0
    contributes 0 after the erase).  Head 2: :math:`q_t = 1,\ k_j = \mathrm{flag}_j,\
    v_j = xc_j`, subtracted from ``xc``, removing the broadcast x.  The read-out returns
    ``xc``: :math:`x + (g - x)`, so the error is :math:`O(\epsilon(\|g\| + \|x\|))`
    absolute.

    Causal masking changes nothing at the last position (it sees every token) nor in
    the broadcast (token 0 precedes all), so ``causal=True`` is exact too.  Extra
    layers, heads and width are set to zero (residual identity).

    Parameters
    ----------
    d, n : int
    width : int, optional
        Default (and minimum) 2d + 2.
    n_layers, n_heads : int
        At least 2 each.
    head_dim : int, optional
        Default ``width // n_heads`` when divisible, else d + 1; at least d + 1.
    causal : bool
    positional : {"learned", "segment"}
        Only token 0's embedding is non-zero (the flag).
    device, dtype

    Returns
    -------
    LinearAttentionModel
        2 layers, 2 heads, width 2d+2, head_dim d+1 by default: 1,649 parameters for
        d = 5, n = 20.

    References
    ----------
    von Oswald et al., "Transformers learn in-context by gradient descent", ICML 2023
    (one linear self-attention layer = one GD step once x is in every token);
    arXiv 2503.12295 (token format).
    """
    d = check_int(d, "d", minimum=1)
    width = 2 * d + 2 if width is None else check_int(width, "width", minimum=1)
    if width < 2 * d + 2:
        raise ValueError(f"`width` must be >= 2d+2 = {2 * d + 2} for the construction.")
    if n_layers < 2 or n_heads < 2:
        raise ValueError("the construction needs `n_layers` >= 2 and `n_heads` >= 2.")
    if head_dim is None:
        head_dim = width // n_heads if width % n_heads == 0 else d + 1
    if head_dim < d + 1:
        raise ValueError(f"`head_dim` must be >= d+1 = {d + 1} for the construction.")
    model = LinearAttentionModel(
        d, n, width=width, n_layers=n_layers, n_heads=n_heads, head_dim=head_dim,
        causal=causal, positional=_construction_positional(positional), device=device,
        dtype=dtype,
    )
    _zero_(model)
    a = list(range(d))
    bch = d
    xc = list(range(d + 1, 2 * d + 1))
    flag = 2 * d + 1
    hd = head_dim
    s = math.sqrt(hd)
    with torch.no_grad():
        for i in range(d + 1):
            model.read_in.weight[i, i] = 1.0
        model.pos_emb[0, flag] = 1.0
        l1, l2 = model.blocks[0], model.blocks[1]
        # layer 1, head 0: broadcast x (a-channels of token 0) into xc of every token
        l1.q.bias[0] = s
        l1.k.weight[0, flag] = 1.0
        # layer 1, head 1: erase x from token 0's a-channels
        l1.q.weight[hd, flag] = s
        l1.k.weight[hd, flag] = 1.0
        for j in range(d):
            l1.v.weight[j, a[j]] = 1.0
            l1.out.weight[xc[j], j] = 1.0
            l1.v.weight[hd + j, a[j]] = 1.0
            l1.out.weight[a[j], hd + j] = -1.0
        # layer 2, head 0: sum_j (a_j.x - b_j) a_j / n into xc
        l2.q.bias[d] = s
        l2.k.weight[d, bch] = -1.0
        # layer 2, head 1: remove the broadcast x from xc
        l2.q.bias[hd] = s
        l2.k.weight[hd, flag] = 1.0
        for j in range(d):
            l2.q.weight[j, xc[j]] = s
            l2.k.weight[j, a[j]] = 1.0
            l2.v.weight[j, a[j]] = 1.0 / n
            l2.out.weight[xc[j], j] = 1.0
            l2.v.weight[hd + j, xc[j]] = 1.0
            l2.out.weight[xc[j], hd + j] = -1.0
            model.read_out.weight[j, xc[j]] = 1.0
    return model


def baseconv_gd_construction(
    d: int = 5,
    n: int = 20,
    *,
    width: int | None = None,
    n_layers: int = 4,
    inner: int | None = None,
    conv: str = "direct",
    positional: str = "learned",
    device: str | torch.device | None = None,
    dtype: torch.dtype = torch.float64,
) -> BaseConvModel:
    r"""A BaseConv model whose weights compute :math:`A^\top(Ax-b)/n` exactly.

    Residual channels ``[a (d) | b (1) | flag (1) | m (d) | r (1)]`` (width
    :math:`\ge 2d+3`), inner width :math:`\ge d+1`; read-in copies ``[u, v]`` into
    ``a, b``; the positional embedding sets ``flag = 1`` at token 0.  Each layer is
    :math:`u \mathrel{+}= W_{out}((h * W_{in}u) \odot W_{proj}u)`:

    1. *isolate x*: conv identity on ``a``, gate ``flag``: ``m_t = flag_t a_t``, i.e.
       ``x`` at token 0 and 0 elsewhere.  (A single BaseConv layer cannot broadcast x:
       token t sees x at lag t and the rows at lags 0..t-1 through the *same* channel
       map, so no filter selects x for every t; the product with the flag must come
       first.)
    2. *broadcast and residual*: an all-ones (prefix-sum) filter on ``m`` gives x at
       every token, gated by ``a_t``: :math:`x\odot a_t`; a constant channel with
       identity filter gated by :math:`-b_t`; the out-projection sums them into
       :math:`r_t = a_t^\top x - b_t`.
    3. *per-row gradient*: conv identity on ``r`` (copied to d channels), gate
       ``a_t``: ``m_t += r_t a_t``.
    4. *average*: filter :math:`h_0 = 1/n - 1,\ h_{1..n-1} = 1/n,\ h_n = 0`, gate 1:
       at the last position ``m`` becomes :math:`\sum_{t=1}^{n} r_t a_t / n = g`.  The
       zero tap at lag n discards token 0, whose channels hold junk from steps 2-3
       (this uses that the answer is read at the last position only).

    Layers 2-4 are the official 3-layer construction (``baseconv_construction``
    notebook, which instead writes x into every token beforehand); layer 1 makes it
    work on the paper's prompt format.  Extra layers/width are zero.

    Parameters
    ----------
    d, n : int
    width : int, optional
        Default (and minimum) 2d + 3.
    n_layers : int
        At least 4.
    inner : int, optional
        Default ``width``; at least d + 1.
    conv : {"direct", "fft"}
    positional : {"learned", "segment"}
        Only token 0's embedding is non-zero (the flag).
    device, dtype

    Returns
    -------
    BaseConvModel
        4 layers, width 2d+3 by default: 3,710 parameters for d = 5, n = 20.

    References
    ----------
    Arora et al., "Zoology: measuring and improving recall in efficient language
    models", arXiv 2312.04927 (BaseConv); arXiv 2503.12295 (BaseConv expresses GD).
    """
    d = check_int(d, "d", minimum=1)
    n = check_int(n, "n", minimum=1)
    width = 2 * d + 3 if width is None else check_int(width, "width", minimum=1)
    if width < 2 * d + 3:
        raise ValueError(f"`width` must be >= 2d+3 = {2 * d + 3} for the construction.")
    inner = width if inner is None else check_int(inner, "inner", minimum=1)
    if inner < d + 1:
        raise ValueError(f"`inner` must be >= d+1 = {d + 1} for the construction.")
    if n_layers < 4:
        raise ValueError("the construction needs `n_layers` >= 4.")
    model = BaseConvModel(d, n, width=width, n_layers=n_layers, inner=inner, conv=conv,
                          positional=_construction_positional(positional), device=device,
                          dtype=dtype)
    _zero_(model)
    a = list(range(d))
    bch, flag = d, d + 1
    m = list(range(d + 2, 2 * d + 2))
    r = 2 * d + 2
    with torch.no_grad():
        for i in range(d + 1):
            model.read_in.weight[i, i] = 1.0
        model.pos_emb[0, flag] = 1.0
        l1, l2, l3, l4 = model.blocks[:4]
        for j in range(d):
            # 1: m_t = flag_t * a_t
            l1.in_proj.weight[j, a[j]] = 1.0
            l1.filter[j, 0] = 1.0
            l1.proj.weight[j, flag] = 1.0
            l1.out_proj.weight[m[j], j] = 1.0
            # 2: r_t = sum_j (prefix-sum m)_j a_tj - b_t
            l2.in_proj.weight[j, m[j]] = 1.0
            l2.filter[j, :] = 1.0
            l2.proj.weight[j, a[j]] = 1.0
            l2.out_proj.weight[r, j] = 1.0
            # 3: m_t += r_t a_t
            l3.in_proj.weight[j, r] = 1.0
            l3.filter[j, 0] = 1.0
            l3.proj.weight[j, a[j]] = 1.0
            l3.out_proj.weight[m[j], j] = 1.0
            # 4: m_n <- sum_{t=1..n} m_t / n
            l4.in_proj.weight[j, m[j]] = 1.0
            l4.filter[j, : n] = 1.0 / n
            l4.filter[j, 0] = 1.0 / n - 1.0
            l4.proj.bias[j] = 1.0
            l4.out_proj.weight[m[j], j] = 1.0
            model.read_out.weight[j, m[j]] = 1.0
        l2.in_proj.bias[d] = 1.0
        l2.filter[d, 0] = 1.0
        l2.proj.weight[d, bch] = -1.0
        l2.out_proj.weight[r, d] = 1.0
    return model
