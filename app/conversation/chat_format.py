"""The ``.chat`` conversation-test format: data model, parser (errors name file:line), writer.

A conversation test sits next to its dialog (``NAME.chat`` or ``NAME.SOMETHING.chat`` for
``NAME.bas``) and reads like the chat it checks::

    # Greets a returning visitor.           <- comments: '#' at the start of a line
    dialog: greeting.bas                    <- optional; default NAME.bas from the file name
    timeout: 10                             <- optional; seconds before the replay gives up
    snapshot: before-checkout.json          <- optional; start from a memory snapshot: an
                                               exported file (relative to this one) or the
                                               name of a snapshot saved in the database

    seed memory:                            <- bot memory before the run (key = value),
                                               on top of the snapshot if there is one
    last_visitor = Ann

    conversation:                           <- optional header; steps in order
    bot: Welcome back! The last person I talked to was Ann.
    bot: What is your name?
    user: bob                               <- fed to the next HEAR
    bot~: Nice to meet you, *!              <- '*' matches any text; '\\*' is a literal star
    bot re: Order \\d+ is on its way\\.       <- a Python regular expression (full match)
    suggestions: Track an order | Opening hours   <- the buttons shown with the bot line above
    file: reports/march.pdf                 <- SEND FILE: the file (path in the bot package)
    caption: Your March report              <- its caption; none expected without this line
    bot: First line of a multi-line message
      | second line                         <- '|' continues the text above on a new line
    error: division by zero                 <- the run must end with this runtime error
    end: waiting                            <- the run must end waiting for more input

    memory:                                 <- expected final bot memory, all of it
    last_visitor = Bob
    last_visit re= \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d     <- '~=' wildcard, 're=' regex

Texts with leading/trailing spaces, control characters, or that start with a double quote are
written as JSON strings (``bot: "  indented"``). A bot line without ``suggestions:`` expects no
suggestions, a ``file:`` line without ``caption:`` a file sent without a caption; both
``file:`` and ``caption:`` take the ``~`` and `` re`` markers as ``bot:`` does. Without a
``memory:`` section memory is not checked; an empty one expects an empty
memory. Only the comment lines at the top of a file survive a parse/write round trip. The parser is
:mod:`app.conversation.chat_parser`.
"""

from __future__ import annotations

import enum
import fnmatch
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

# ------------------------------------------------------------------ model


class Match(enum.Enum):
    """How an expected text is compared; the value is the marker written after the keyword."""

    EXACT = ""
    WILDCARD = "~"
    REGEX = " re"


@dataclass(frozen=True)
class Pattern:
    text: str
    match: Match = Match.EXACT

    def matches(self, actual: str) -> bool:
        if self.match is Match.EXACT:
            return actual == self.text
        return compile_pattern(self).fullmatch(actual) is not None


def compile_pattern(pattern: Pattern) -> re.Pattern[str]:
    """The regex of a WILDCARD or REGEX pattern (raises re.error for a bad regex)."""
    if pattern.match is Match.REGEX:
        return re.compile(pattern.text, re.DOTALL)
    parts = re.split(r"(\\\\|\\\*|\*)", pattern.text)
    out = []
    for part in parts:
        if part == "*":
            out.append(".*")
        elif part in ("\\*", "\\\\"):
            out.append(re.escape(part[1]))
        else:
            out.append(re.escape(part))
    return re.compile("".join(out), re.DOTALL)


class StepKind(enum.Enum):
    BOT = "bot"
    USER = "user"
    FILE = "file"
    ERROR = "error"


NO_CAPTION = Pattern("")


@dataclass(frozen=True)
class Step:
    """One line of the conversation: a bot message, a user input, a file the bot sent
    (SEND FILE: ``pattern`` is its package path, ``caption`` its caption) or the final
    runtime error."""

    kind: StepKind
    pattern: Pattern
    suggestions: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)
    caption: Pattern = NO_CAPTION

    def matches(self, actual: Step) -> bool:
        """``actual`` (a recorded step, exact texts) is what this step expects, suggestions
        aside."""
        return (self.kind is actual.kind and self.pattern.matches(actual.text)
                and (self.kind is not StepKind.FILE or self.caption.matches(actual.caption.text)))

    @property
    def text(self) -> str:
        return self.pattern.text


@dataclass(frozen=True)
class MemoryExpectation:
    key: str
    pattern: Pattern
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ChatTest:
    steps: tuple[Step, ...] = ()
    seed: tuple[tuple[str, str], ...] = ()
    memory: tuple[MemoryExpectation, ...] | None = None
    ends_waiting: bool = False
    dialog: str | None = None
    timeout: float | None = None
    comments: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)
    snapshot: str | None = None  # a snapshot file or saved name the memory starts from

    @property
    def inputs(self) -> list[str]:
        return [s.text for s in self.steps if s.kind is StepKind.USER]

    def dialog_path(self) -> Path:
        """The dialog this test runs: the ``dialog:`` header, else NAME.bas for NAME[.x].chat."""
        folder = self.path.parent if self.path is not None else Path(".")
        if self.dialog:
            return folder / self.dialog
        name = self.path.name.split(".")[0] if self.path is not None else "dialog"
        return folder / f"{name}.bas"


class ChatFormatError(ValueError):
    """A malformed .chat file; ``str()`` is ``file:line: error: message``."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: error: {message}")
        self.file, self.line, self.message = file, line, message


# ------------------------------------------------------------------ text encoding

OPERATORS = {"=": Match.EXACT, "~=": Match.WILDCARD, "re=": Match.REGEX}
_OPERATOR_OF = {m: op for op, m in OPERATORS.items()}


def _is_odd_char(ch: str) -> bool:
    """Characters a reader cannot see or an editor may change: written as escapes."""
    return ch != " " and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Zs", "Cs")


def _quote(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif _is_odd_char(ch):
            code = ord(ch)
            if code > 0xFFFF:  # JSON spells astral characters as a surrogate pair
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out) + '"'


def _needs_quotes(text: str, extra: str = "") -> bool:
    if text == "" or text[0] in '"' + extra or text.startswith("\n"):
        return True
    first, *rest = text.split("\n")
    if first != first.lstrip(" "):  # the first line's indent would be lost after "bot: "
        return True
    for segment in [first, *rest]:  # continuation lines keep their indent after "| "
        if segment != segment.rstrip(" ") or any(_is_odd_char(c) for c in segment):
            return True
    return False


def encode_text(text: str) -> list[str]:
    """The inline part and continuation lines (``  | ...``) of a message or value."""
    if _needs_quotes(text):
        return [_quote(text)]
    first, *rest = text.split("\n")
    return [first] + [("  | " + seg) if seg else "  |" for seg in rest]


def _encode_item(text: str) -> str:
    """A suggestion or a key: quoted when it could be misread inside its line."""
    plain = not _needs_quotes(text) and "\n" not in text and "|" not in text
    return text if plain and "=" not in text and not text.startswith("#") else _quote(text)


def decode_quoted(raw: str, start: int = 0) -> tuple[str, int]:
    value, end = json.JSONDecoder().raw_decode(raw, start)
    if not isinstance(value, str):
        raise json.JSONDecodeError("expected a string", raw, start)
    return value, end


# ------------------------------------------------------------------ writer


def render_step(step: Step) -> list[str]:
    """The lines of one step as the writer puts them (also used for diffs)."""
    marker = step.pattern.match.value
    head, *more = encode_text(step.text)
    lines = [f"{step.kind.value}{marker}: {head}"] + more
    if step.kind is StepKind.FILE and step.caption != NO_CAPTION:
        head, *more = encode_text(step.caption.text)
        lines += [f"caption{step.caption.match.value}: {head}"] + more
    if step.suggestions:
        lines.append("suggestions: " + " | ".join(_encode_item(s) for s in step.suggestions))
    return lines


def render_entry(key: str, pattern: Pattern) -> list[str]:
    head, *more = encode_text(pattern.text)
    return [f"{_encode_item(key)} {_OPERATOR_OF[pattern.match]} {head}"] + more


def render_end(test: ChatTest) -> list[str]:
    return ["end: waiting"] if test.ends_waiting else []


def write_chat(test: ChatTest) -> str:
    """The file text; ``parse_chat(write_chat(t)) == t``."""
    lines = [f"# {c}" if c else "#" for c in test.comments]
    headers = []
    if test.dialog is not None:
        headers.append(f"dialog: {test.dialog}")
    if test.snapshot is not None:
        headers.append(f"snapshot: {test.snapshot}")
    if test.timeout is not None:
        short = f"{test.timeout:g}"
        headers.append("timeout: " + (short if float(short) == test.timeout
                                      else repr(test.timeout)))
    if headers:
        lines += headers + [""]
    if test.seed:
        lines.append("seed memory:")
        for key, value in test.seed:
            lines += render_entry(key, Pattern(value))
        lines.append("")
    lines.append("conversation:")
    for step in test.steps:
        lines += render_step(step)
    lines += render_end(test)
    if test.memory is not None:
        lines += ["", "memory:"]
        for entry in test.memory:
            lines += render_entry(entry.key, entry.pattern)
    return "\n".join(lines) + "\n"


def dialog_tests(dialog: Path) -> list[Path]:
    """NAME.chat and NAME.*.chat next to ``dialog`` (NAME.bas), sorted."""
    stem = dialog.name[: -len(dialog.suffix)] if dialog.suffix else dialog.name
    found = [p for p in dialog.parent.glob("*.chat")
             if p.name == f"{stem}.chat" or fnmatch.fnmatchcase(p.name, f"{stem}.*.chat")]
    return sorted(found, key=lambda p: (p.name != f"{stem}.chat", p.name))
