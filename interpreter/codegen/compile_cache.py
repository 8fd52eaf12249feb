"""Whether a dialog's generated Python compiles, remembered per top-level function.

``check_source`` compiles the generated code only to learn that it compiles (the backstop for
limits of Python's own compiler, see ``loading.compile_or_diagnostic``); the code object is
thrown away.
The generated module is a run of top-level ``def``/``async def`` statements, one per SUB and one
for the dialog, and an edit usually changes one of them. Each such piece compiles on its own
exactly when it compiles inside the module (Python's parser and symbol table work per
statement for function definitions), so a piece compiled before is not compiled again. A piece
that fails sends the caller back to compiling the whole module, which then gives the exact
error Python reports for the module.
"""

from __future__ import annotations

import re
import threading

_KEPT = 4096  # pieces remembered: a few big dialogs' worth
_compiled: set[str] = set()
_lock = threading.Lock()  # the language server checks off its event loop
_DEFINITION = re.compile(r"^(?:async )?def ", re.MULTILINE)


def pieces(source: str) -> list[str]:
    """``source`` cut before each line that starts a top-level function definition."""
    cuts = [m.start() for m in _DEFINITION.finditer(source) if m.start() > 0]
    return [source[a:b] for a, b in zip([0, *cuts], [*cuts, len(source)], strict=True)]


def forget() -> None:
    with _lock:
        _compiled.clear()


def compiles(source: str, filename: str) -> bool:
    """True when every piece of ``source`` compiles; False means: compile the module itself.

    ``filename`` is the one the module would be compiled under (it names nothing in the
    answer, but a piece is compiled as the module would be)."""
    for piece in pieces(source):
        with _lock:
            known = piece in _compiled
        if known:
            continue
        try:
            compile(piece, filename, "exec")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
        with _lock:
            if len(_compiled) >= _KEPT:
                _compiled.clear()
            _compiled.add(piece)
    return True
