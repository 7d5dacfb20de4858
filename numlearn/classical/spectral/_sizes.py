"""Size limits of the spectral solvers, checked before anything is allocated.

A size that cannot fit is refused with a `ValueError` naming the argument and the
memory it would take, never answered by a raw `MemoryError` or a long wait.
"""

from __future__ import annotations

#: Largest dense float64 work array (bytes) a spectral solver allocates: 2 GiB.
MAX_DENSE_BYTES = 2 * 2**30
#: Largest number of coefficients of an ultraspherical solve (banded, O(n) memory:
#: about 40 float64 per coefficient for a second-order problem, 5 GiB at this size).
MAX_ULTRASPHERICAL_N = 2**24


def check_dense_size(rows: int, cols: int, names: str, *, copies: int = 1) -> None:
    """Refuse a dense ``rows x cols`` float64 system (``copies`` arrays of it) beyond
    :data:`MAX_DENSE_BYTES`; ``names`` are the arguments that set the size."""
    need = float(rows) * float(cols) * 8.0 * copies
    if need > MAX_DENSE_BYTES:
        raise ValueError(
            f"{names} too large: the dense {rows} x {cols} system would need "
            f"{need / 2**30:.3g} GiB (limit {MAX_DENSE_BYTES / 2**30:g} GiB); reduce it."
        )
