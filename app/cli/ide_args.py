"""The IDE's own command lines (``talkbench``, ``talkbench open FILE… --db URL --bot NAME``)
read before the full parser loads.

:mod:`app.cli.commands` imports the checker with the whole keyword catalogue, and its parser
imports the memory, schedule and webhook commands (peewee, asyncio, the parser): 0.3-0.5 s
the IDE's window waited for on every start. Only the unambiguous forms are read here; an
option spelled otherwise (``-h``, an abbreviation, ``--``, a file name starting with ``-``)
goes to the full parser, so its messages and checks stay the only ones.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_VALUE_OPTIONS = ("--db", "--bot")


@dataclass(frozen=True)
class IdeArgs:
    """What ``launch`` needs: the files to open, the database URL (None: the default one)
    and the bot."""

    files: tuple[str, ...] = ()
    db: str | None = None
    bot: str = "default"


def ide_launch_args(argv: Sequence[str] | None) -> IdeArgs | None:
    """The IDE's arguments when ``argv`` (``sys.argv[1:]`` when None) only starts the IDE,
    in a form this reads exactly as the full parser would; None otherwise."""
    args = sys.argv[1:] if argv is None else list(argv)
    if not args:
        return IdeArgs()
    if args[0] != "open":
        return None
    files: list[str] = []
    values: dict[str, str] = {}
    files_ended = False  # argparse takes the files as one run: more after an option is an error
    rest = iter(args[1:])
    for arg in rest:
        name, eq, value = arg.partition("=")
        if name in _VALUE_OPTIONS:
            files_ended = bool(files)
            if not eq:
                value = next(rest, "")
                if not value or value.startswith("-"):
                    return None  # the full parser says what is missing
            values[name] = value
        elif arg.startswith("-") or not arg or files_ended:
            return None
        else:
            files.append(str(Path(arg)))  # as the parser's Path arguments print
    return IdeArgs(tuple(files), values.get("--db"), values.get("--bot", "default"))
