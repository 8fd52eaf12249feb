"""``talkbench --version`` answered before the command line's modules load.

The full parser lives in :mod:`app.cli.commands`, which imports the interpreter (the checker,
the keyword catalogue) for its commands; asking for the version paid for all of that (and the
IDE's entry point for Qt). A lone ``--version`` is answered here with the same text.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .. import __version__

VERSION_TEXT = f"talkbench {__version__}"


def asks_only_version(argv: Sequence[str] | None) -> bool:
    """True when the arguments (``sys.argv[1:]`` when None) are just ``--version``: anything
    else, a misspelling or a command after it included, goes to the full parser."""
    args = sys.argv[1:] if argv is None else list(argv)
    return args == ["--version"]


def print_version() -> int:
    print(VERSION_TEXT)
    return 0
