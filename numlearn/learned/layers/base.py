"""The skeleton shared by the sequence models: read-in, positional embedding,
residual blocks, read-out (:class:`_SequenceModel`), and the checks the layers share.

The models (:mod:`.attention`, :mod:`.conv`) map a prompt of ``n + 1`` tokens of width
``d + 1`` to outputs of width ``d``; they are generic sequence models, used by the
least-squares track (:mod:`numlearn.learned.least_squares`) with the paper's token
format.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from numlearn._core.validation import check_int, check_positive

__all__ = ["num_parameters"]

#: Largest model the layers build: this many parameters (2 GiB in float64), counted
#: from the sizes in Python integers before anything is allocated; every single size
#: (width, heads, sequence length, ...) is also at most this.
MAX_PARAMETERS = 2**28


def _check_size(value: Any, name: str, *, minimum: int = 1) -> int:
    """``value`` as an int in ``[minimum, MAX_PARAMETERS]``: a size past the parameter
    budget cannot be built (refused before any product overflows or allocates)."""
    value = check_int(value, name, minimum=minimum)
    if value > MAX_PARAMETERS:
        raise ValueError(
            f"`{name}` = {value} is more than the limit of {MAX_PARAMETERS} parameters of a "
            f"model (MAX_PARAMETERS), so no model with it fits; choose a smaller `{name}`."
        )
    return value


def _check_budget(count: int, sizes: dict[str, int], what: str = "a model") -> None:
    """Refuse a parameter ``count`` (a Python int) over :data:`MAX_PARAMETERS`, naming
    the ``sizes`` that produced it."""
    if count > MAX_PARAMETERS:
        named = ", ".join(f"`{k}`={v}" for k, v in sizes.items())
        raise ValueError(
            f"{what} with {named} would have {count:.3g} parameters, more than the limit "
            f"{MAX_PARAMETERS:.3g} (MAX_PARAMETERS); choose smaller sizes."
        )


def _check_dtype(dtype: Any, name: str = "dtype") -> torch.dtype:
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point or dtype.is_complex:
        raise TypeError(
            f"`{name}` must be a real floating torch dtype (torch.float64 or torch.float32), "
            f"got {dtype!r}."
        )
    return dtype


def _check_device(device: Any) -> torch.device:
    """``device`` as the ``_canonical_device`` of a str or torch.device."""
    if isinstance(device, torch.device):
        return _canonical_device(device)
    if not isinstance(device, str):
        raise TypeError(f"`device` must be a str or torch.device, got {type(device).__name__}.")
    try:
        return _canonical_device(torch.device(device))
    except RuntimeError:
        raise ValueError(f"`device` must name a torch device ('cpu', 'cuda', 'cuda:0'), got "
                         f"{device!r}.") from None


def _canonical_device(device: torch.device) -> torch.device:
    """The device that tensors created on ``device`` report: ``cpu`` for ``cpu:N``, and
    ``cuda:i`` (the current CUDA device) for ``cuda`` where CUDA is available.

    torch compares devices by type and index (``torch.device("cuda") !=
    torch.device("cuda:0")``), while a tensor made on ``"cuda"`` reports ``cuda:0``; a
    model holding the unindexed name would refuse its own tensors in
    :func:`check_tensor`.  Without CUDA ``cuda`` is returned as given (the models
    refuse it with their own message)."""
    if device.type == "cpu":
        return torch.device("cpu")
    if device.index is None and device.type == "cuda" and torch.cuda.is_available():
        return torch.device("cuda", torch.cuda.current_device())
    return device


def check_tensor(x: Any, name: str, *, dtype: torch.dtype, device: torch.device,
                 owner: str = "the layer", size: int | None = None) -> Tensor:
    """``x`` if it is a tensor of ``dtype`` on ``device`` (and, with ``size``, 1-D of
    that length); otherwise a `TypeError` (type, dtype) or `ValueError` (device, shape)
    naming ``name`` and the fix.  numlearn never casts float32 to float64 (or back) or
    moves data between devices silently; every learned model checks its inputs here."""
    if not isinstance(x, Tensor):
        raise TypeError(f"`{name}` must be a torch.Tensor, got {type(x).__name__}.")
    if x.dtype != dtype:
        raise TypeError(f"`{name}` has dtype {x.dtype}, {owner}'s is {dtype}; convert one "
                        f"of them (e.g. .to({dtype})): numlearn never mixes float32 and "
                        "float64 silently.")
    if x.device != _canonical_device(device):
        raise ValueError(f"`{name}` is on {x.device}, {owner} on {device}; move one of "
                         "them (no silent transfers).")
    if size is not None and (x.ndim != 1 or x.numel() != size):
        raise ValueError(f"`{name}` must be a 1-D tensor of {size} parameters, got shape "
                         f"{tuple(x.shape)}.")
    return x


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



def num_parameters(model: nn.Module) -> int:
    """Number of trainable scalars of ``model``."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"`model` must be a torch.nn.Module, got {type(model).__name__}.")
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
        dtype: torch.dtype,
    ) -> None:
        super().__init__()
        self.d = _check_size(d, "d")
        self.n = _check_size(n, "n")
        self.width = _check_size(width, "width")
        self.n_layers = _check_size(n_layers, "n_layers", minimum=0)
        self.seq_len = self.n + 1
        self.positional = _check_positional(positional)
        self._dtype = _check_dtype(dtype)

    def _build(self, per_layer: int, sizes: dict[str, int],
               device: str | torch.device | None) -> None:
        """Check the parameter count (``per_layer`` for each block, counted by the
        subclass from its validated sizes) against :data:`MAX_PARAMETERS`, then allocate
        the read-in, the positional embedding and the read-out; the subclass appends
        its blocks to ``self.blocks``."""
        rows = {"learned": self.seq_len, "segment": 2, "none": 0}[self.positional]
        W, d = self.width, self.d
        count = (d + 1) * W + W + rows * W + self.n_layers * per_layer + W * d + d
        _check_budget(count, {"width": W, "n_layers": self.n_layers, "n": self.n, "d": d,
                              **sizes})
        fk = {"device": device, "dtype": self._dtype}
        self.read_in = nn.Linear(d + 1, W, **fk)
        if rows:
            self.pos_emb = nn.Parameter(torch.zeros(rows, W, **fk))
        else:
            self.register_parameter("pos_emb", None)
        self.blocks = nn.ModuleList()
        self.read_out = nn.Linear(W, d, **fk)

    def forward(self, tokens: Tensor) -> Tensor:
        """Map tokens (batch, n+1, d+1) to outputs (batch, n+1, d)."""
        return self.forward_with_hidden(tokens, self.n_layers)[0]

    def forward_with_hidden(
        self, tokens: Tensor, layer: int | tuple[int, ...]
    ) -> tuple[Tensor, Tensor | tuple[Tensor, ...]]:
        """The outputs and the residual stream (batch, n+1, width) after the first
        ``layer`` blocks (0: the embedded tokens), from one pass; for probes and
        auxiliary losses (:class:`~numlearn.learned.config.TrainConfig`
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
                "them with numlearn.learned.least_squares.make_tokens(A, b, x) or build a "
                "model for your n and d."
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

    @staticmethod
    def _check_init_std(init_std: Any) -> float:
        return check_positive(init_std, "init_std", allow_zero=True)

    def _init_common(self, std: float) -> None:
        nn.init.normal_(self.read_in.weight, std=std)
        nn.init.zeros_(self.read_in.bias)
        nn.init.normal_(self.read_out.weight, std=std)
        nn.init.zeros_(self.read_out.bias)
        if self.pos_emb is not None:
            nn.init.normal_(self.pos_emb, std=std)

