"""Labels and GOTO in the dialog's top level, as General Bots runs them: its converter
(botbasic_compiler/src/goto_transform.rs) splits the dialog at its labels and runs the pieces
from a loop that picks the next one. The generated Python does the same:

    _goto = None
    while True:
        try:
            if _goto is None:  ... first piece ...; _goto = "a"   (falls through to a:)
            if _goto == "a":   ... piece after a: ...
            break
        except _GotoJump as _g:
            _goto = _g.label

``GOTO a`` raises ``_GotoJump("a")``; it is a LoopExit that no loop claims, so every loop and
ON ERROR RESUME NEXT lets it through. Each jump counts as a loop step (timeouts, Stop).
"""

from __future__ import annotations

from ..errors import Severity
from ..syntax import nodes as n
from .scope import EmitterCore


def has_labels(body: list[n.Node]) -> bool:
    return any(isinstance(s, n.Label) for s in body)


def pieces(body: list[n.Node]) -> list[tuple[str | None, list[n.Node]]]:
    """The statements before the first label, then each label with the ones after it."""
    out: list[tuple[str | None, list[n.Node]]] = [(None, [])]
    for s in body:
        if isinstance(s, n.Label):
            out.append((s.name, []))
        else:
            out[-1][1].append(s)
    return out


class GotoEmitters(EmitterCore):
    """Mixed into ``compiler.CodeGen``."""

    def goto_body(self, body: list[n.Node]) -> None:
        parts = pieces(body)
        self.labels = {name for name, _ in parts if name is not None}
        self.emit("_goto = None")
        self.emit("while True:")
        self.indent += 1
        self.emit("try:")
        self.indent += 1
        for i, (name, statements) in enumerate(parts):
            self.emit("if _goto is None:" if name is None else f"if _goto == {name!r}:")
            self.nested(statements)
            if i + 1 < len(parts):
                self.emit(f"    _goto = {parts[i + 1][0]!r}")
        self.emit("break")
        self.indent -= 1
        self.emit("except _GotoJump as _g:")
        self.emit("    _goto = _g.label")
        self.emit("    _n -= 1")
        self.emit("    if _n <= 0: _n = await R.tick()")
        self.indent -= 1

    def stmt_Label(self, s: n.Label) -> None:
        self.emit("pass", s)

    def stmt_Goto(self, s: n.Goto) -> None:
        if s.label not in getattr(self, "labels", set()):
            self.warn(s, f"GOTO {s.label}: the dialog has no label {s.label}:", Severity.ERROR)
        self.emit(f"raise _GotoJump({s.label!r})", s)
