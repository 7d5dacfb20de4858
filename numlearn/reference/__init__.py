"""Building and verifying the golden reference data (``reference/``, installed as
``numlearn._reference_data``).

The checksummed store itself (the directory, ``MANIFEST.sha256``, checked reads) is
:mod:`numlearn._core.store`; the problems load their files through it.  This package
computes the files, checks them against independent methods and registers them:

- :mod:`~numlearn.reference.targets`: the 1-D targets' Chebyshev coefficients and
  values (:func:`build_references`, :func:`load_reference`);
- :mod:`~numlearn.reference.verify`: :func:`verify_references`, the checksums and
  contents of every file and, on request, recomputed samples of every data set;
- :mod:`~numlearn.reference.burgers`: the Burgers solution on its evaluation grid
  (:func:`build_burgers_reference`);
- :mod:`~numlearn.reference.poisson2d`: the certified Poisson2d-C series
  (:func:`build_poisson2d_reference`);
- :mod:`~numlearn.reference.reproduce`: a rebuilt directory against the shipped data,
  byte for byte or within the tolerances of ``MANIFEST.tolerances``.

Builds write to a user directory (default ``$NUMLEARN_CACHE/reference`` or
``~/.cache/numlearn/reference``), never into the installed package; loaders read
``$NUMLEARN_REFERENCE_DIR`` if set, else the data installed with numlearn
(:func:`~numlearn._core.store.reference_directory` gives the whole order).
"""

from numlearn._core.store import (
    ReferenceBuildError,
    ReferenceFormatError,
    ReferenceIntegrityError,
    load_checked_bytes,
    reference_directory,
    register_files,
)
from numlearn.reference.burgers import build_burgers_reference
from numlearn.reference.poisson2d import build_poisson2d_reference
from numlearn.reference.reproduce import TOLERANCES, compare_with_shipped
from numlearn.reference.targets import (
    FORMAT,
    Reference,
    UnknownReferenceError,
    build_references,
    load_reference,
    reference_names,
)
from numlearn.reference.verify import verify_references

__all__ = [
    "FORMAT",
    "TOLERANCES",
    "Reference",
    "ReferenceBuildError",
    "ReferenceFormatError",
    "ReferenceIntegrityError",
    "UnknownReferenceError",
    "build_burgers_reference",
    "build_poisson2d_reference",
    "build_references",
    "compare_with_shipped",
    "load_checked_bytes",
    "load_reference",
    "reference_directory",
    "reference_names",
    "register_files",
    "verify_references",
]
