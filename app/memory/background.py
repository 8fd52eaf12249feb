"""Background threads that give way to the thread running the dialog and the GUI.

The memory writer, the history recorder and the outside watcher run Python next to the
GUI thread, which also runs the dialog (a coroutine on the qasync loop). On a busy machine
(two cores, other processes) the OS shared the cores evenly among them: the GUI thread got
a third to a half of a core while a dialog wrote memory in a loop, and a 10 ms timer came
up to 90 ms late. At a lower priority the background threads still get every idle cycle
(their queues coalesce repeated keys while they wait), but the GUI thread goes first.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable

# Added to the niceness of background threads: weight ~110 against the GUI thread's 1024.
BACKGROUND_NICENESS = 10
MAX_NICENESS = 19


def background_thread(target: Callable[[], object], name: str) -> threading.Thread:
    """A daemon thread (not started) that lowers its own priority before running
    ``target``."""

    def run() -> None:
        lower_current_thread_priority()
        target()

    return threading.Thread(target=run, name=name, daemon=True)


def lower_current_thread_priority(step: int = BACKGROUND_NICENESS) -> None:
    """Make the calling thread nicer by ``step``; a no-op where that is not per thread.

    Only Linux applies ``setpriority`` to one thread (its id is a task id); elsewhere it
    would lower the whole process, the GUI thread included."""
    if not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    try:
        niceness = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(MAX_NICENESS, niceness + step))
    except OSError:  # a sandbox that forbids it: run at the usual priority
        pass
