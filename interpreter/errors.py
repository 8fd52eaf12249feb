"""Diagnostics and the two error kinds a script can raise: syntax and runtime."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One finding with its place in the source (lines and columns count from 1)."""

    file: str
    line: int
    col: int
    severity: Severity
    message: str
    end_col: int = 0  # exclusive end column on the same line; 0 when unknown
    # Decided by its own line and the names the dialog defines (an unknown SUB, a call's
    # argument count): still right when other lines fail to parse (``codegen.after_errors``)
    own_line: bool = field(default=False, compare=False)

    def format(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.severity.value}: {self.message}"


class BasicSyntaxError(Exception):
    """The script does not parse; carries every error found, not only the first."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics))


class BasicRuntimeError(Exception):
    """A run stopped on an error at a known place."""

    def __init__(self, message: str, file: str = "<script>", line: int = 0, col: int = 0):
        self.message = message
        self.file = file
        self.line = line
        self.col = col
        super().__init__(self.format())

    def format(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: error: {self.message}"

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.file, self.line, self.col, Severity.ERROR, self.message)
