"""``python -m numlearn``: the command line (see :mod:`numlearn.cli`)."""

import sys

from numlearn.cli import main

sys.exit(main())
