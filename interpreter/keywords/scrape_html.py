"""A small HTML tree and CSS selector matcher for the SCRAPE keywords (no dependency).

Selectors: compound parts ``tag``, ``.class``, ``#id``, ``[attr]``, ``[attr=value]`` and
``*``, joined by descendant (space) or child (``>``) combinators, several separated by
commas. Anything else (pseudo-classes, ``+``, ``~``) is an "Invalid selector" error, as the
engine's ``scraper`` crate reports a selector it cannot parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..values import BasicValueError

_VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"))


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        """The text fragments inside, joined by a space and trimmed (the engine's way)."""
        parts: list[str] = []
        self._collect(parts)
        return " ".join(parts).strip()

    def _collect(self, parts: list[str]) -> None:
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in ("script", "style"):
                child._collect(parts)

    def walk(self) -> list[Element]:
        found: list[Element] = []
        stack = [c for c in reversed(self.children) if isinstance(c, Element)]
        while stack:
            el = stack.pop()
            found.append(el)
            stack.extend(c for c in reversed(el.children) if isinstance(c, Element))
        return found


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(el)
        if tag not in _VOID:
            self.current = el

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse_html(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


_PART = re.compile(r"\*|[\w-]+|\.[\w-]+|#[\w-]+|\[\s*[\w-]+\s*(?:=\s*(?:\"[^\"]*\"|'[^']*'|"
                   r"[^\]\s]+)\s*)?\]")
_ATTR = re.compile(r"\[\s*([\w-]+)\s*(?:=\s*(\"[^\"]*\"|'[^']*'|[^\]\s]+)\s*)?\]")


@dataclass(frozen=True)
class _Compound:
    parts: tuple[str, ...]

    def matches(self, el: Element) -> bool:
        for part in self.parts:
            if part == "*":
                continue
            if part.startswith("."):
                if part[1:] not in el.attrs.get("class", "").split():
                    return False
            elif part.startswith("#"):
                if el.attrs.get("id") != part[1:]:
                    return False
            elif part.startswith("["):
                m = _ATTR.fullmatch(part)
                assert m is not None
                name, value = m.group(1).lower(), m.group(2)
                if name not in el.attrs:
                    return False
                if value is not None and el.attrs[name] != value.strip("\"'"):
                    return False
            elif el.tag != part.lower():
                return False
        return True


def _compound(text: str, selector: str) -> _Compound:
    parts = _PART.findall(text)
    if not parts or "".join(parts) != text:
        raise BasicValueError(f"Invalid selector: {selector!r}")
    return _Compound(tuple(parts))


def _steps(selector: str, one: str) -> list[tuple[str, _Compound]]:
    """``a > b c`` as [("", a), (">", b), (" ", c)]."""
    tokens = re.findall(r">|[^\s>]+", one)
    steps: list[tuple[str, _Compound]] = []
    combinator = ""
    for tok in tokens:
        if tok == ">":
            if not steps or combinator == ">":
                raise BasicValueError(f"Invalid selector: {selector!r}")
            combinator = ">"
            continue
        steps.append((combinator or (" " if steps else ""), _compound(tok, selector)))
        combinator = ""
    if not steps or combinator:
        raise BasicValueError(f"Invalid selector: {selector!r}")
    return steps


def _matches(el: Element, steps: list[tuple[str, _Compound]]) -> bool:
    combinator, last = steps[-1]
    if not last.matches(el):
        return False
    if len(steps) == 1:
        return True
    rest = steps[:-1]
    parent = el.parent
    if combinator == ">":
        return parent is not None and _matches(parent, rest)
    while parent is not None:
        if _matches(parent, rest):
            return True
        parent = parent.parent
    return False


def select(root: Element, selector: str) -> list[Element]:
    """The elements matching ``selector``, in document order."""
    groups = [g.strip() for g in selector.split(",")]
    if not selector.strip() or any(not g for g in groups):
        raise BasicValueError(f"Invalid selector: {selector!r}")
    compiled = [_steps(selector, g) for g in groups]
    return [el for el in root.walk() if any(_matches(el, s) for s in compiled)]
