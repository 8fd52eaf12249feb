"""The debugger engine that both the IDE and the DAP server drive (as pdb drives bdb):
breakpoints, stepping and pause/resume (:mod:`.debugger`), its data (:mod:`.model`),
expressions evaluated in a paused frame (:mod:`.evaluate`) and conversation-aware pauses
(:mod:`.conversation`). Stdlib only, like the rest of the interpreter.
"""

from .debugger import Debugger

__all__ = ["Debugger"]
