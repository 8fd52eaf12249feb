"""The ``talkbench`` command: headless commands from app.cli, the IDE from here (ui → app)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from app.cli.commands import main as cli_main


def _launch(*args: Any, **kwargs: Any) -> int:
    from .main import launch  # Qt loads only when the IDE is asked for

    return launch(*args, **kwargs)


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(argv, launch_gui=_launch)


if __name__ == "__main__":
    sys.exit(main())
