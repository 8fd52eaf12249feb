"""The ``talkbench`` command: headless commands from app.cli, the IDE from here (ui → app)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from app.cli.version import asks_only_version, print_version


def _launch(*args: Any, **kwargs: Any) -> int:
    from .main import launch  # Qt loads only when the IDE is asked for

    return launch(*args, **kwargs)


def main(argv: Sequence[str] | None = None) -> int:
    if asks_only_version(argv):  # neither the interpreter nor Qt loads for it
        return print_version()
    from app.cli.ide_args import ide_launch_args

    ide = ide_launch_args(argv)  # the IDE alone: no headless command's modules load for it
    if ide is not None:
        return _launch(list(ide.files), db=ide.db, bot=ide.bot)
    from app.cli.commands import main as cli_main

    return cli_main(argv, launch_gui=_launch)


if __name__ == "__main__":
    sys.exit(main())
