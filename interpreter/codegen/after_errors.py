"""The findings of the lines that parsed, in a dialog where other lines did not.

A line that fails to parse is left out of the best-effort program, so compiling that program
would report what the missing line defined as unknown (a SUB whose header failed, a variable
assigned there). Only the findings decided by their own line (``Diagnostic.own_line``: an
unknown SUB or keyword, a call's argument count) are kept, and of those none on a failed line
nor about a name a failed line mentions: one report per mistake, no cascade.
"""

from __future__ import annotations

import re

from ..errors import Diagnostic, Severity
from ..syntax import nodes as n

_WORD = re.compile(r"\w+")
_QUOTED = re.compile(r"'(\w+)'")  # unknown SUB or keyword 'X'


def own_line_findings(program: n.Program, errors: list[Diagnostic],
                      compiled: list[Diagnostic]) -> list[Diagnostic]:
    """Of the compiler's findings for ``program`` (parsed with ``errors``), the own-line
    ones no failed line can have caused."""
    lines = program.source.split("\n")
    failed = {d.line for d in errors if d.severity is Severity.ERROR}
    mentioned = {w.lower() for line in failed if 0 < line <= len(lines)
                 for w in _WORD.findall(lines[line - 1])}
    return [d for d in compiled if d.own_line and d.line not in failed
            and _subject(d) not in mentioned]


def _subject(d: Diagnostic) -> str:
    """The name a finding is about: quoted, else its first word (X takes 2 argument(s))."""
    m = _QUOTED.search(d.message)
    return (m.group(1) if m else d.message.split(" ", 1)[0]).lower()
