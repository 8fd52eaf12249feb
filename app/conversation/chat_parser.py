"""Parsing the ``.chat`` format (described in :mod:`app.conversation.chat_format`); errors name
file:line."""

from __future__ import annotations

import re
from pathlib import Path

from ..files.db_files import check_not_database
from .chat_format import (
    OPERATORS,
    ChatFormatError,
    ChatTest,
    Match,
    MemoryExpectation,
    Pattern,
    Step,
    StepKind,
    compile_pattern,
    decode_quoted,
)

_STEP_RE = re.compile(r"^(bot|user|file|error)(~| re)?:(.*)$", re.IGNORECASE)
_CAPTION_RE = re.compile(r"^caption(~| re)?:(.*)$", re.IGNORECASE)
_MARKERS = {None: Match.EXACT, "~": Match.WILDCARD, " re": Match.REGEX}
_SECTIONS = {"seed memory:": "seed", "conversation:": "conversation", "memory:": "memory"}
_ENTRY_OP_RE = re.compile(r"\s+(re=|~=|=)(?:\s+|$)")


class _Parser:
    def __init__(self, text: str, file: str) -> None:
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.file = file
        self.section = "conversation"
        self.started = False  # a section or step was seen: headers are no longer allowed
        self.in_header_comments = True
        self.comments: list[str] = []
        self.steps: list[Step] = []
        self.seed: list[tuple[str, str]] = []
        self.memory: list[MemoryExpectation] | None = None
        self.ends_waiting = False
        self.dialog: str | None = None
        self.timeout: float | None = None
        self.snapshot: str | None = None
        # What a '|' line continues: (kind, index) of the last item whose text was unquoted.
        self.open: tuple[str, int] | None = None
        self.caption_seen = 0  # len(steps) when the last 'caption:' was read (even empty)
        self.lineno = 0

    def fail(self, message: str) -> ChatFormatError:
        return ChatFormatError(self.file, self.lineno, message)

    def parse(self) -> ChatTest:
        for number, raw in enumerate(self.lines, 1):
            self.lineno = number
            self.line(raw.rstrip())
        return ChatTest(tuple(self.steps), tuple(self.seed),
                        None if self.memory is None else tuple(self.memory), self.ends_waiting,
                        self.dialog, self.timeout, tuple(self.comments), Path(self.file),
                        self.snapshot)

    def line(self, line: str) -> None:
        stripped = line.strip()
        if stripped.startswith("#"):
            if self.in_header_comments:
                self.comments.append(stripped[1:].removeprefix(" "))
            return
        self.in_header_comments = False
        if not stripped:
            self.open = None
            return
        if stripped.startswith("|"):
            self.continuation(stripped[1:].removeprefix(" "))
            return
        self.open = None
        lowered = stripped.lower()
        if lowered in _SECTIONS:
            self.section = _SECTIONS[lowered]
            self.started = True
            if self.section == "memory":
                if self.memory is not None:
                    raise self.fail("a second 'memory:' section")
                self.memory = []
            return
        if lowered.startswith(("dialog:", "timeout:", "snapshot:")) and (
                not self.started or self.section == "conversation"):
            self.header(stripped)  # in a memory section it is a key like any other
            return
        self.started = True
        if self.section == "conversation":
            self.step(stripped)
        else:
            self.entry(stripped)

    def header(self, line: str) -> None:
        name, _, value = line.partition(":")
        value = value.strip()
        if self.started:
            raise self.fail(f"'{name.lower()}:' belongs at the top of the file, before the steps")
        if not value:
            raise self.fail(f"'{name.lower()}:' needs a value")
        if name.lower() == "dialog":
            self.dialog = value
            return
        if name.lower() == "snapshot":
            self.snapshot = value
            return
        try:
            self.timeout = float(value)
        except ValueError:
            raise self.fail(f"timeout must be a number of seconds, got {value!r}") from None
        if not 0 < self.timeout < 1e6:
            raise self.fail("timeout must be a positive number of seconds")

    def text(self, raw: str) -> tuple[str, bool]:
        """The value after a keyword; True when it may be continued with '|' lines."""
        raw = raw.strip()
        if raw.startswith('"'):
            try:
                value, end = decode_quoted(raw)
            except ValueError:
                raise self.fail(f"bad quoted text {raw}: use JSON string escapes") from None
            if raw[end:].strip():
                raise self.fail(f"unexpected text after the closing quote: {raw[end:].strip()!r}")
            return value, False
        return raw, True

    def step(self, line: str) -> None:
        if self.steps and self.steps[-1].kind is StepKind.ERROR or self.ends_waiting:
            raise self.fail("nothing can follow 'error:' or 'end:' in a conversation")
        lowered = line.lower()
        if lowered.startswith("suggestions:"):
            self.suggestions(line[len("suggestions:"):])
            return
        caption = _CAPTION_RE.match(line)
        if caption is not None:
            self.caption(caption)
            return
        if lowered.startswith("end:"):
            value = line[4:].strip().lower()
            if value not in ("waiting", "finished"):
                raise self.fail(f"'end:' is 'waiting' or 'finished', not {value!r}")
            self.ends_waiting = value == "waiting"
            return
        m = _STEP_RE.match(line)
        if m is None:
            word = line.split(":")[0].split()[0] if line.split(":")[0].split() else line
            raise self.fail(f"expected 'bot:', 'user:', 'suggestions:', 'file:', 'caption:', "
                            f"'error:' or 'end:', got {word!r}")
        kind = StepKind(m.group(1).lower())
        match = _MARKERS[m.group(2).lower() if m.group(2) else None]
        if kind is StepKind.USER and match is not Match.EXACT:
            raise self.fail("user input is typed text; it cannot be a pattern")
        text, open_ = self.text(m.group(3) or "")
        self.check_pattern(Pattern(text, match))
        if kind is StepKind.FILE and not text:
            raise self.fail("'file:' needs the file's path (as SEND FILE names it)")
        self.steps.append(Step(kind, Pattern(text, match), (), self.lineno))
        self.open = ("step", len(self.steps) - 1) if open_ else None

    def caption(self, m: re.Match[str]) -> None:
        """``caption:`` belongs to the ``file:`` line just above it."""
        if not self.steps or self.steps[-1].kind is not StepKind.FILE:
            raise self.fail("'caption:' must follow a 'file:' line")
        last = self.steps[-1]
        if self.caption_seen == len(self.steps):  # also after an empty caption
            raise self.fail("a second 'caption:' line for the same file")
        match = _MARKERS[m.group(1).lower() if m.group(1) else None]
        text, open_ = self.text(m.group(2) or "")
        self.check_pattern(Pattern(text, match))
        self.steps[-1] = Step(last.kind, last.pattern, last.suggestions, last.line,
                              Pattern(text, match))
        self.caption_seen = len(self.steps)
        self.open = ("caption", len(self.steps) - 1) if open_ else None

    def suggestions(self, raw: str) -> None:
        if not self.steps or self.steps[-1].kind is not StepKind.BOT:
            raise self.fail("'suggestions:' must follow a 'bot:' line")
        if self.steps[-1].suggestions:
            raise self.fail("a second 'suggestions:' line for the same bot message")
        items, pos, raw = [], 0, raw.strip()
        while pos < len(raw):
            if raw[pos] == '"':
                try:
                    item, pos = decode_quoted(raw, pos)
                except ValueError:
                    raise self.fail("bad quoted suggestion: use JSON string escapes") from None
                rest = raw[pos:].lstrip()
                if rest and not rest.startswith("|"):
                    raise self.fail("expected '|' between suggestions")
                pos = len(raw) - len(rest) + 1
            else:
                end = raw.find("|", pos)
                end = len(raw) if end < 0 else end
                item, pos = raw[pos:end].strip(), end + 1
                if not item:
                    raise self.fail("an empty suggestion (quote it: \"\")")
            items.append(item)
            while pos < len(raw) and raw[pos] == " ":
                pos += 1
        if not items:
            raise self.fail("'suggestions:' needs at least one suggestion")
        last = self.steps[-1]
        self.steps[-1] = Step(last.kind, last.pattern, tuple(items), last.line)

    def entry(self, line: str) -> None:
        if line.startswith('"'):
            try:
                key, end = decode_quoted(line)
            except ValueError:
                raise self.fail("bad quoted key: use JSON string escapes") from None
            m = _ENTRY_OP_RE.match(line, end)
        else:
            m = _ENTRY_OP_RE.search(line)
            key = line[: m.start()] if m else ""
        if m is None or not key:
            raise self.fail(f"expected 'key = value' in the {self.section_name()} section, "
                            f"got {line!r}")
        match = OPERATORS[m.group(1)]
        text, open_ = self.text(line[m.end():])
        if self.section == "seed":
            if match is not Match.EXACT:
                raise self.fail("seed memory values are plain values ('key = value')")
            if any(k == key for k, _ in self.seed):
                raise self.fail(f"key {key!r} is seeded twice")
            self.seed.append((key, text))
            self.open = ("seed", len(self.seed) - 1) if open_ else None
            return
        assert self.memory is not None
        if any(e.key == key for e in self.memory):
            raise self.fail(f"key {key!r} is listed twice in 'memory:'")
        self.check_pattern(Pattern(text, match))
        self.memory.append(MemoryExpectation(key, Pattern(text, match), self.lineno))
        self.open = ("memory", len(self.memory) - 1) if open_ else None

    def section_name(self) -> str:
        return "'seed memory:'" if self.section == "seed" else "'memory:'"

    def continuation(self, text: str) -> None:
        if self.open is None:
            raise self.fail("a '|' line continues the text of the line above, but there is none "
                            "(quoted texts use \\n instead)")
        where, i = self.open
        if where == "step":
            s = self.steps[i]
            self.steps[i] = Step(s.kind, Pattern(s.text + "\n" + text, s.pattern.match),
                                 s.suggestions, s.line, s.caption)
            self.check_pattern(self.steps[i].pattern)
        elif where == "caption":
            s = self.steps[i]
            caption = Pattern(s.caption.text + "\n" + text, s.caption.match)
            self.steps[i] = Step(s.kind, s.pattern, s.suggestions, s.line, caption)
            self.check_pattern(caption)
        elif where == "seed":
            key, value = self.seed[i]
            self.seed[i] = (key, value + "\n" + text)
        else:
            assert self.memory is not None
            e = self.memory[i]
            self.memory[i] = MemoryExpectation(e.key, Pattern(e.pattern.text + "\n" + text,
                                                              e.pattern.match), e.line)

    def check_pattern(self, pattern: Pattern) -> None:
        if pattern.match is Match.REGEX:
            try:
                compile_pattern(pattern)
            except re.error as e:
                raise self.fail(f"bad regular expression: {e}") from None


def parse_chat(text: str, file: str = "<chat>") -> ChatTest:
    """Parse a .chat text; raises :class:`ChatFormatError` (file:line) when malformed."""
    return _Parser(text, file).parse()


def load_chat(path: Path) -> ChatTest:
    """Read and parse a .chat file (UTF-8); unreadable files raise ChatFormatError at line 0."""
    try:
        check_not_database(path)
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise ChatFormatError(str(path), 0, f"cannot read the file: {e}") from None
    return parse_chat(text, str(path))


