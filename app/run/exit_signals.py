"""The signals that end a process by default and can be caught: each must flush memory first.

SIGKILL cannot be caught; for it the commit barrier (every write seen by anyone outside is
already committed) is the guarantee. For all the others a long-running command (``run``,
``dap``, ``webhook serve``, the IDE) stops cleanly, which closes its memory store.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

# Default action "terminate" (or "core"), and catchable. SIGPIPE and SIGXFSZ are left out:
# Python ignores them and reports a closed pipe, or a file past the size limit (the memory
# database's included), as an error where the write happens; caught here, the size limit
# stopped a run as if someone had ended it, and then killed the process.
ENDING_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name)
    for name in (
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGALRM",
        "SIGVTALRM", "SIGPROF", "SIGXCPU", "SIGPWR",
    )
    if hasattr(signal, name)
)


def on_ending_signals(
    loop: asyncio.AbstractEventLoop, callback: Callable[[int], None]
) -> Callable[[], None]:
    """Call ``callback(signum)`` on the loop for every ending signal; returns the undo."""
    installed = []
    for sig in ENDING_SIGNALS:
        try:
            loop.add_signal_handler(sig, callback, int(sig))
        except (NotImplementedError, RuntimeError, ValueError, OSError):
            continue  # not the main thread, or a platform without it: default action stays
        installed.append(sig)

    def remove() -> None:
        for sig in installed:
            loop.remove_signal_handler(sig)

    return remove
