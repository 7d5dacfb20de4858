"""The size limit the classical functions check before they allocate (private).

An array whose size comes from an argument (a number of points, of steps, of
samples) is checked against :data:`MAX_ALLOC_BYTES` before it is allocated, so that
an impossible size gets a `ValueError` naming the argument instead of a raw
`MemoryError` (or, for sizes past ``2**63``, an overflowed shape).
"""

from __future__ import annotations

import math

#: Largest single array, in bytes, that a classical function allocates: 16 GiB.
MAX_ALLOC_BYTES: int = 2**34


def check_alloc(shape: tuple[int, ...], itemsize: int, name: str, what: str) -> None:
    """Raise `ValueError` naming ``name`` if an array of ``shape`` would exceed the limit.

    ``what`` says which array it is (e.g. "the iterate history").  Python integers,
    so the product cannot overflow.
    """
    nbytes = math.prod(int(s) for s in shape) * int(itemsize)
    if nbytes > MAX_ALLOC_BYTES:
        raise ValueError(
            f"`{name}` is too large: {what} would take {nbytes / 2**30:.3g} GiB (shape "
            f"{tuple(int(s) for s in shape)}), over the limit of "
            f"{MAX_ALLOC_BYTES / 2**30:.0f} GiB. Reduce `{name}` (or split the work "
            "into chunks)."
        )
