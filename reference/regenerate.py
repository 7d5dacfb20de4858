"""Regenerate the golden reference data in this directory.

Same as ``numlearn reference build [--pdes]``; run from anywhere:

    python reference/regenerate.py [NAME ...]      # 1-D targets, about 5 s
    python reference/regenerate.py --pdes          # also Burgers and Poisson2d-C, ~2 min

The output is deterministic: with the same library versions the files come out byte
for byte identical, so ``git diff`` after a rebuild shows only real changes.
"""

import sys
from pathlib import Path

from numlearn.reference import (
    build_burgers_reference,
    build_poisson2d_reference,
    build_references,
    verify_references,
)

if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    args = [a for a in sys.argv[1:] if a != "--pdes"]
    build_references(here, args or None, progress=print)
    if "--pdes" in sys.argv[1:]:
        build_burgers_reference(here, progress=print)
        build_poisson2d_reference(here, progress=print)
    verify_references(here, recompute=3)
    print(f"verified {here}")
