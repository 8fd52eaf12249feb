"""The debugger engine that both the IDE and the DAP server drive (as pdb drives bdb):
breakpoints, stepping and pause/resume (:mod:`.debugger`), its data (:mod:`.model`),
expressions evaluated in a paused frame (:mod:`.evaluate`) and conversation-aware pauses
(:mod:`.conversation`). Stdlib only, like the rest of the interpreter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy_names import lazy_names

if TYPE_CHECKING:
    from .debugger import Debugger

__all__ = ["Debugger"]


# Loaded on first use: importing ``.model`` (a saved session's breakpoints, at the IDE's
# start) runs this file, and the debugger pulls in the whole runtime.
__getattr__, __dir__ = lazy_names(__name__, {"Debugger": ".debugger"}, __all__)
