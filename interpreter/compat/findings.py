"""What a compatibility rule reports: a place, a message and what kind of problem it is."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..errors import Diagnostic, Severity
from .builds import EngineOptions


class Concern(Enum):
    """Why a finding exists; decides its severity."""

    # The build's converter mangles, drops or rejects the line (an error with engine errors on).
    TRANSLATION = "translation"
    # The line runs the same everywhere, but production's value is likely not what was meant.
    VALUE = "value"
    # No General Bots build has this construct: always an error.
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class Finding:
    concern: Concern
    line: int
    col: int
    end_col: int
    message: str

    def diagnostic(self, file: str, options: EngineOptions) -> Diagnostic:
        error = self.concern is Concern.UNSUPPORTED or (
            self.concern is Concern.TRANSLATION and options.errors)
        return Diagnostic(file, self.line, self.col,
                          Severity.ERROR if error else Severity.WARNING, self.message,
                          self.end_col)
