"""``python -m covtasks``."""

from __future__ import annotations

import sys

from covtasks.cli import main

if __name__ == "__main__":
    sys.exit(main())
