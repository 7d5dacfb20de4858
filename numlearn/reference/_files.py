"""Writing reference files reproducibly: ``.npz`` archives with fixed time stamps
(written with :func:`numlearn._core.store.write_atomic`)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import numpy as np
from numpy.typing import NDArray


def npz_bytes(arrays: dict[str, NDArray[Any]], *, deflate: bool) -> bytes:
    """An ``.npz`` archive like ``np.savez`` (``deflate=False``: stored, zip64 entries,
    mode 0644) or ``np.savez_compressed`` (``deflate=True``) writes, with fixed time
    stamps, so that a rebuild reproduces the file byte for byte."""
    buf = io.BytesIO()
    mode = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, "w", compression=mode) as zf:
        for name, arr in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            if deflate:
                info.compress_type = zipfile.ZIP_DEFLATED
            else:
                info.external_attr = 0o644 << 16
            with zf.open(info, "w", force_zip64=not deflate) as f:
                # asarray, not ascontiguousarray, which makes a 0-d array 1-d
                np.lib.format.write_array(f, np.asarray(arr), allow_pickle=False)
    return buf.getvalue()
