"""One bot's memory: the :class:`MemoryStore` façade over its SQL, write queue, reads, edits and
files, the write history with undo, the command line (``talkbench memory``) and the session that
every entry point opens.

Callers that need more than the façade import the module that owns it (``app.memory.history``,
``app.memory.session``, ...).
"""

from .store import MemoryStore

__all__ = ["MemoryStore"]
