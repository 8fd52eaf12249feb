"""The code generator's shared bookkeeping: where names live (Scope), the loops being
generated (Loop), its internal statement node (RawAssign), its code markers and the
Python code reading the error-state names (ERROR_STATE).

Kept apart from ``compiler`` so that the generator's parts (statements, loops,
expressions, operators) can use them without importing the class they are mixed into.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..syntax import nodes as n
from ..syntax.vocabulary import ERROR_STATE_NAMES

ERROR_STATE = {name: "R." + attr for name, attr in ERROR_STATE_NAMES.items()}


@dataclass
class Loop:
    kind: str  # FOR, DO, WHILE
    label: int
    needs_catch: bool = False


class Scope:
    """Where names live: the dialog's globals, or a SUB's locals falling back to globals."""

    def __init__(self, sub: n.SubDef | None):
        self.sub = sub
        self.loops: list[Loop] = []
        self.resume_next = False  # after ON ERROR RESUME NEXT, until ON ERROR GOTO 0
        # Names always present in a SUB's locals: read them without the global fallback.
        self.own: set[str] = set()
        if sub is not None:
            self.own = set(sub.params)
            if sub.is_function:
                self.own.add(sub.name)

    @property
    def is_main(self) -> bool:
        return self.sub is None


@dataclass(slots=True)
class RawAssign(n.Node):
    """Internal: assign already-generated code (a loop item) to a target."""

    target: n.Node
    code: str
    nullable: bool


# Placeholders in a debug build's __main__ until its locals are all known (fill_reloads).
RELOAD_STMT = "\x00reload\x00"
RELOAD_EXPR = "\x00reload-expr\x00"
