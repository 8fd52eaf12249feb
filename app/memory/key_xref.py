"""Memory key cross-reference across dialogs: where each key is set and read.

Dialogs are parsed with ``interpreter.syntax.parser.core.parse`` and the AST is walked for
SET BOT MEMORY (a statement) and GET BOT MEMORY (an expression, or a statement with INTO). A key
given as a plain string literal is a literal key; anything else (a variable, a concatenation, an
interpolated string) is reported as a dynamic use, since its key is only known at run time.

:func:`plan_rename` previews renaming a literal key in the dialogs' text; :func:`apply_rename`
writes the files and renames the stored row in the same step.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interpreter.syntax import nodes as n
from interpreter.syntax.parser.core import parse

from ..files.atomic_file import TextFormat, read_text_file, write_text_atomic

SET_PHRASE = "SET BOT MEMORY"
GET_PHRASE = "GET BOT MEMORY"


@dataclass(frozen=True)
class KeyUse:
    """One use of a memory key: ``key`` is None for a dynamic key (``expr`` shows it)."""

    file: str
    line: int
    col: int  # column of the key expression (1-based)
    kind: str  # "set" or "get"
    key: str | None
    expr: str = ""


@dataclass(frozen=True)
class KeyReport:
    uses: tuple[KeyUse, ...]

    def keys(self) -> list[str]:
        return sorted({u.key for u in self.uses if u.key is not None})

    def sets(self, key: str) -> list[KeyUse]:
        return [u for u in self.uses if u.key == key and u.kind == "set"]

    def gets(self, key: str) -> list[KeyUse]:
        return [u for u in self.uses if u.key == key and u.kind == "get"]

    def dynamic(self) -> list[KeyUse]:
        return [u for u in self.uses if u.key is None]

    def read_never_set(self) -> list[str]:
        """Literal keys read somewhere but set by no dialog (maybe set by hand or elsewhere)."""
        return [k for k in self.keys() if self.gets(k) and not self.sets(k)]

    def set_never_read(self) -> list[str]:
        return [k for k in self.keys() if self.sets(k) and not self.gets(k)]


@dataclass(frozen=True)
class LineEdit:
    file: str
    line: int
    old: str
    new: str


def _walk(node: Any) -> Iterator[n.Node]:
    if isinstance(node, n.Node):
        yield node
        for f in dataclasses.fields(node):
            yield from _walk(getattr(node, f.name))
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from _walk(item)


def _start_col(node: n.Node) -> int:
    # A binary node's column is its operator's: the expression starts at its leftmost part.
    return min(x.col for x in _walk(node) if x.line == node.line)


def _source_text(source: str, node: n.Node, after: n.Node | None) -> str:
    lines = source.splitlines()
    if not 1 <= node.line <= len(lines):
        return ""
    text = lines[node.line - 1]
    end = _start_col(after) - 1 if after is not None and after.line == node.line else len(text)
    return text[_start_col(node) - 1 : end].strip().rstrip(",").strip()[:60]


def scan_source(source: str, file: str) -> list[KeyUse]:
    """Memory key uses in one dialog's text (parse errors skip what cannot be parsed)."""
    program, _ = parse(source, file)
    roots: list[Any] = [program.body, list(program.subs.values())]
    uses = []
    for node in _walk(roots):
        if isinstance(node, (n.KeywordStmt, n.KeywordExpr)) and node.phrase in (
            SET_PHRASE, GET_PHRASE,
        ):
            if not node.args:
                continue
            kind = "set" if node.phrase == SET_PHRASE else "get"
            arg = node.args[0]
            if isinstance(arg, n.Literal) and isinstance(arg.value, str):
                uses.append(KeyUse(file, arg.line, arg.col, kind, arg.value))
            else:
                after = node.args[1] if len(node.args) > 1 else None
                expr = _source_text(source, arg, after)
                uses.append(KeyUse(file, arg.line, _start_col(arg), kind, None, expr))
    return sorted(uses, key=lambda u: (u.line, u.col))


def _read(path: str) -> str:
    return read_text_file(path)[0]  # any BOM/encoding, as the IDE opens the dialog


def scan_files(paths: Iterable[str | os.PathLike[str]]) -> KeyReport:
    uses: list[KeyUse] = []
    for path in paths:
        p = os.fspath(path)
        try:
            text = _read(p)
        except (OSError, UnicodeDecodeError):
            continue
        uses.extend(scan_source(text, p))
    return KeyReport(tuple(uses))


def dialog_files(folder: str | os.PathLike[str]) -> list[str]:
    """The dialogs (``*.bas``) under ``folder``, sorted."""
    return sorted(str(p) for p in Path(folder).rglob("*.bas") if p.is_file())


def quote_key(key: str) -> str:
    return '"' + key.replace('"', '""') + '"'


def _literal_end(line: str, start: int) -> int | None:
    """Index just past the string literal opening at ``line[start]`` (``""`` escapes)."""
    if start >= len(line) or line[start] != '"':
        return None
    i = start + 1
    while i < len(line):
        if line[i] == '"':
            if i + 1 < len(line) and line[i + 1] == '"':
                i += 2
                continue
            return i + 1
        i += 1
    return None


def plan_rename(report: KeyReport, old: str, new: str) -> list[LineEdit]:
    """The line edits renaming literal key ``old`` to ``new`` in the scanned dialogs."""
    by_line: dict[tuple[str, int], list[KeyUse]] = {}
    for use in report.uses:
        if use.key == old:
            by_line.setdefault((use.file, use.line), []).append(use)
    edits = []
    texts: dict[str, list[str]] = {}
    for (file, line_no), uses in sorted(by_line.items()):
        lines = texts.setdefault(file, _read(file).splitlines(keepends=True))
        original = lines[line_no - 1]
        text = original
        for use in sorted(uses, key=lambda u: -u.col):  # right to left keeps columns valid
            start = use.col - 1
            end = _literal_end(text, start)
            if end is None:
                continue
            text = text[:start] + quote_key(new) + text[end:]
        if text != original:
            edits.append(LineEdit(file, line_no, original.rstrip("\r\n"), text.rstrip("\r\n")))
    return edits


def _edited_files(edits: list[LineEdit]) -> dict[str, tuple[str, TextFormat]]:
    """Each edited file's new text and format; raises ValueError for a line changed since
    the preview."""
    files: dict[str, list[LineEdit]] = {}
    for edit in edits:
        files.setdefault(edit.file, []).append(edit)
    result = {}
    for file, file_edits in files.items():
        text, fmt = read_text_file(file)
        lines = text.splitlines(keepends=True)
        for e in file_edits:
            if e.line > len(lines) or lines[e.line - 1].rstrip("\n") != e.old:
                raise ValueError(f"{file}:{e.line} changed since the preview")
            ending = "\n" if lines[e.line - 1].endswith("\n") else ""
            lines[e.line - 1] = e.new + ending
        result[file] = ("".join(lines), fmt)
    return result


def apply_rename(
    edits: list[LineEdit], store: Any | None, bot: str, old: str, new: str
) -> bool:
    """Rename the stored key (if it exists) and apply the dialog edits; True if a row moved.

    The store goes first: it refuses when ``new`` already exists, before any file changes.
    """
    edited = _edited_files(edits)  # a stale preview fails before anything is changed
    moved = False
    if store is not None and store.get_entry(bot, old) is not None:
        store.rename(bot, old, new)
        moved = True
    for file, (text, fmt) in edited.items():
        write_text_atomic(file, text, fmt)
    return moved
