"""Regenerate the golden reference data in this directory (about 5 s).

Same as ``numlearn reference build``; run from anywhere:

    python reference/regenerate.py [NAME ...]

The output is deterministic: with the same mpmath version the files come out byte for
byte identical, so ``git diff`` after a rebuild shows only real changes.
"""

import sys
from pathlib import Path

from numlearn.precision import build_references, verify_references

if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    build_references(here, sys.argv[1:] or None, progress=print)
    verify_references(here, recompute=3)
    print(f"verified {here}")
