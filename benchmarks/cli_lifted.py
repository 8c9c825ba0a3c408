"""``python -m rules_py`` with the roster row limit raised, for figures above the shipped limit.

    python -m benchmarks.cli_lifted MAX_ROWS roster FILE --json

Exactly the command line's code (rules_py.cli.main); the only change is the module constant
rules_py.roster.MAX_ROWS, set before the run.
"""

from __future__ import annotations

import sys

import rules_py.roster
from rules_py.cli import main

if __name__ == "__main__":
    rules_py.roster.MAX_ROWS = int(sys.argv[1])
    sys.exit(main(sys.argv[2:]))
