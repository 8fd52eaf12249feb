"""The abstract syntax tree. Every node knows its line and column (both from 1)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(slots=True)
class Node:
    line: int
    col: int


# ---------------------------------------------------------------- expressions


@dataclass(slots=True)
class Literal(Node):
    value: Any


@dataclass(slots=True)
class Interp(Node):
    """A string with ``${expr}`` parts: str items are text, Node items are expressions."""

    parts: list[Any]
    # Production never evaluates its ${…}: in a "…" literal Rhai prints it as written (the
    # converter interpolates only BEGIN TALK and BEGIN MAIL bodies), and a SYSTEM PROMPT
    # body does not compile there.
    inert: bool = False


@dataclass(slots=True)
class Name(Node):
    name: str  # as the user spelled it; lookups use name.lower()


@dataclass(slots=True)
class Member(Node):
    obj: Node
    name: str
    optional: bool = False  # ``?.``


@dataclass(slots=True)
class Index(Node):
    obj: Node
    index: Node


@dataclass(slots=True)
class Call(Node):
    """``NAME(args)``: a user FUNCTION, else a built-in function."""

    name: str
    args: list[Node]
    bare: bool = False  # NOW or TODAY written without parentheses (a name in the engine)


@dataclass(slots=True)
class MethodCall(Node):
    """``value.name(args)``: Rhai calls ``name(value, args)`` (library/methods.py)."""

    obj: Node
    name: str
    args: list[Node]


@dataclass(slots=True)
class Unary(Node):
    op: str  # "-", "+", "NOT" (the engine's NOT(bool)), "!" (Rhai's)
    operand: Node


@dataclass(slots=True)
class Binary(Node):
    op: str  # canonical: + - * / \ ^ MOD & = <> < <= > >= LIKE CONTAINS IN ?? AND OR
    left: Node
    right: Node


@dataclass(slots=True)
class IsNull(Node):
    operand: Node
    negate: bool


@dataclass(slots=True)
class ArrayLit(Node):
    items: list[Node]


@dataclass(slots=True)
class MapLit(Node):
    pairs: list[tuple[str, Node]]


@dataclass(slots=True)
class KeywordExpr(Node):
    """A keyword used as a value: ``x = LLM "p"``, ``GET BOT MEMORY("k")``, ``x = HEAR``."""

    phrase: str
    args: list[Node]
    clauses: dict[str, list[Node]] = field(default_factory=dict)


# ---------------------------------------------------------------- statements


@dataclass(slots=True)
class Assign(Node):
    target: Node  # Name, Member or Index
    value: Node


@dataclass(slots=True)
class If(Node):
    branches: list[tuple[Node, list[Node]]]  # (condition, body) for IF and each ELSEIF
    else_body: list[Node] | None


@dataclass(slots=True)
class ForEach(Node):
    var: str
    iterable: Node
    body: list[Node]
    last: Node | None = None  # FOR EACH x IN list LAST n
    end_line: int = 0  # the NEXT / END FOR line (a debugger stop on each pass)


@dataclass(slots=True)
class ForTo(Node):
    var: str
    start: Node
    end: Node
    step: Node | None
    body: list[Node]
    end_line: int = 0  # the NEXT / END FOR line (a debugger stop on each pass)


@dataclass(slots=True)
class DoLoop(Node):
    """All DO/WHILE forms: ``cond`` is tested before (pre) or after the body."""

    cond: Node | None
    until: bool
    test_at_end: bool
    body: list[Node]
    kind: str = "DO"  # "DO" or "WHILE" (what EXIT names)


@dataclass(slots=True)
class Label(Node):
    """``name:`` on a line of its own, at the dialog's top level (a GOTO target)."""

    name: str


@dataclass(slots=True)
class Goto(Node):
    label: str


@dataclass(slots=True)
class Exit(Node):
    kind: str  # FOR, DO, WHILE, SUB, FUNCTION, "" for the whole dialog; BREAK, CONTINUE


@dataclass(slots=True)
class Select(Node):
    subject: Node
    cases: list[tuple[list[Node], list[Node]]]
    else_body: list[Node] | None


@dataclass(slots=True)
class SubDef(Node):
    name: str
    params: list[str]
    body: list[Node]
    is_function: bool
    end_line: int = 0


@dataclass(slots=True)
class CallSub(Node):
    name: str
    args: list[Node]


@dataclass(slots=True)
class Return(Node):
    value: Node | None


@dataclass(slots=True)
class With(Node):
    target: Node
    fields: list[tuple[str, Node, int, int]]  # (field, value, line, col)


@dataclass(slots=True)
class TextBlockStmt(Node):
    kind: str  # "TALK" or "SYSTEM PROMPT"
    text: Node  # Interp or Literal


@dataclass(slots=True)
class TableDef(Node):
    name: str
    connection: str
    columns: list[tuple[str, str]]  # (name, type text)
    unique: tuple[tuple[str, ...], ...] = ()  # ``UNIQUE(a, b)`` lines: column sets


@dataclass(slots=True)
class OnBlock(Node):
    event: str  # e.g. "FORM SUBMIT"
    args: list[Node]
    body: list[Node]


@dataclass(slots=True)
class Param(Node):
    name: str
    type: str
    like: Any
    description: str
    default: Node | None
    optional: bool
    options: tuple[str, ...] = ()  # ``AS "a", "b"`` or ``ENUM ["a", "b"]``: allowed values


@dataclass(slots=True)
class Description(Node):
    text: str


@dataclass(slots=True)
class Hear(Node):
    target: Node
    kind: str  # upper-case type name, "MENU" for options, "STRING" by default
    options: list[Node]
    prompt: Node | None
    default: Node | None


@dataclass(slots=True)
class KeywordStmt(Node):
    phrase: str
    args: list[Node]
    clauses: dict[str, list[Node]] = field(default_factory=dict)


@dataclass(slots=True)
class ExprStmt(Node):
    expr: Node


@dataclass(slots=True)
class Program:
    file: str
    body: list[Node]
    subs: dict[str, SubDef]  # by lower-case name, hoisted
    params: list[Param]
    descriptions: list[Description]
    tables: list[TableDef]
    names: dict[str, str]  # lower-case variable name -> first spelling seen
    source: str = ""
    statement_lines: frozenset[int] = frozenset()
    # NEXT / END FOR / END SUB / END FUNCTION lines: a breakpoint there stops at the end of
    # its own block (each pass of a loop), but steps do not stop on them
    closer_lines: frozenset[int] = frozenset()


# ---------------------------------------------------------------- traversal


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    """The names of ``cls``'s fields that can hold nodes; ``dataclasses.fields`` rebuilds its
    tuple on every call, which was most of a full-program walk's cost."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def children(node: Node) -> Iterator[Node]:
    """The nodes directly below ``node``, found in its fields (lists, tuples, dict values)."""
    for name in _field_names(type(node)):
        value = getattr(node, name)
        if isinstance(value, Node):
            yield value
        elif isinstance(value, (list, tuple, dict)):
            yield from nodes_in(value)


def nodes_in(value: Any) -> Iterator[Node]:
    """The top-level nodes in a field value: a node, or nodes inside lists, tuples, dicts."""
    if isinstance(value, Node):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, (Node, list, tuple, dict)):
                yield from nodes_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from nodes_in(item)


def walk(root: Any) -> Iterator[Node]:
    """Every node in ``root`` (a node or containers of them) and below, in no set order.

    An explicit stack, not recursion: long operator chains make trees deeper than the
    Python stack would allow.
    """
    stack = list(nodes_in(root))
    while stack:
        node = stack.pop()
        yield node
        # children(node) inlined: this loop visits every node of every full-program pass
        for name in _field_names(type(node)):
            value = getattr(node, name)
            if isinstance(value, Node):
                stack.append(value)
            elif value and isinstance(value, (list, tuple, dict)):
                stack.extend(nodes_in(value))


def program_nodes(program: Program) -> Iterator[Node]:
    """Every node of the dialog's statements and its SUBs."""
    return walk([program.body, program.subs])
