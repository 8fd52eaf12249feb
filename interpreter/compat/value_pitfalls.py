"""Code that runs, but whose production value is likely not what the author meant.

These follow Rhai 1.24 and the engine's registered functions (layer 1 of
docs/engine-compatibility.md): ``+`` appends when a side is text and bot memory and HEAR
give text; ``^`` is XOR; ``&`` is a bitwise AND that fails on text; UBOUND is the last index;
LEN counts UTF-8 bytes; names are case-sensitive; SET BOT MEMORY takes text only.
Each warning names the fix, and stays quiet once the fix is written (``VAL(x) + 1``).
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum

from ..library.builtins.core import NUMBER_RESULTS
from ..library.text_in_place import TEXT_IN_PLACE
from ..syntax import nodes as n
from .findings import Concern, Finding


class Pitfall(Enum):
    """One likely-unintended production value; the value is where the engine decides it."""

    TEXT_PLUS_NUMBER = "rhai: + on string and number appends (botbasic_data bot_memory.rs: text)"
    CARET = "rhai: ^ is bitwise XOR"
    AMPERSAND_TEXT = "rhai: & is bitwise AND on INT, no string overload"
    UBOUND_ZERO = "botbasic_core/src/keywords/arrays/mod.rs UBOUND (len - 1), compared with 0"
    UBOUND_COUNT = "botbasic_core/src/keywords/arrays/mod.rs UBOUND (len - 1), used as a count"
    LEN_BYTES = "botbasic_core/src/keywords/string_functions.rs LEN (s.len(): UTF-8 bytes)"
    NAME_CASING = "rhai: variable names are case-sensitive"
    MEMORY_NUMBER = "botbasic_data/src/keywords/bot_memory.rs SET BOT MEMORY (String, String)"
    BARE_CLOCK = "botbasic_core/src/keywords/datetime/now.rs (NOW, TODAY: register_fn only)"
    IN_PLACE_VALUE = "rhai: string_more.rs make_upper, crop, … take &mut ImmutableString, give ()"
    DATE_MAP = "botbasic_core/src/keywords/datetime/now.rs NOW, TODAY, TIME give a map (date_maps)"


_MEMORY_READS = frozenset({"GET BOT MEMORY", "GET USER MEMORY"})
_TEXT_HEAR_KINDS = frozenset({"STRING", "MENU", "NAME", "EMAIL", "MOBILE", "ZIPCODE"})
_COMPARISONS = frozenset({"=", "<>", "<", "<=", ">", ">="})
# Rhai has these for text only; its arrays and maps have the other in-place names too.
_TEXT_ONLY_CHANGES = frozenset({"make_upper", "make_lower", "crop"})


def _is_memory_read(node: n.Node) -> bool:
    if isinstance(node, n.KeywordExpr):
        return node.phrase in _MEMORY_READS
    return isinstance(node, n.Call) and node.name.upper().replace("_", " ") in _MEMORY_READS


class ValueModel:
    """What the dialog says about its names: which hold text from memory or HEAR."""

    def __init__(self, nodes: list[n.Node]):
        self.nodes = nodes
        self.text_names: set[str] = set()
        self.number_only: dict[str, bool] = {}
        self.heard: set[str] = set()
        self.text_only: dict[str, bool] = {}
        for node in self.nodes:
            if isinstance(node, n.Hear) and isinstance(node.target, n.Name):
                self.heard.add(node.target.name)
                if node.kind in _TEXT_HEAR_KINDS:
                    self.text_names.add(node.target.name)
            elif isinstance(node, n.Assign) and isinstance(node.target, n.Name):
                name = node.target.name
                if _is_memory_read(node.value):
                    self.text_names.add(name)
                number = self.is_number(node.value)
                self.number_only[name] = self.number_only.get(name, True) and number
                text = self.is_text(node.value)
                self.text_only[name] = self.text_only.get(name, True) and text

    def binds(self, name: str) -> bool:
        """Does the dialog assign ``name`` (exact case) or HEAR into it?"""
        return name in self.number_only or name in self.heard

    def is_text_input(self, node: n.Node) -> bool:
        return (isinstance(node, n.Name) and node.name in self.text_names) or _is_memory_read(
            node)

    def is_number(self, node: n.Node) -> bool:
        """Surely a number in production (a literal, arithmetic on numbers, VAL/INT/…)."""
        if isinstance(node, n.Literal):
            return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        if isinstance(node, n.Unary) and node.op == "-":
            return self.is_number(node.operand)
        if isinstance(node, n.Binary) and node.op in ("+", "-", "*", "/", "\\", "MOD"):
            return self.is_number(node.left) and self.is_number(node.right)
        if isinstance(node, n.Call):
            return node.name.upper() in NUMBER_RESULTS
        if isinstance(node, n.Name):
            return self.number_only.get(node.name, False)
        return False

    def is_text(self, node: n.Node) -> bool:
        """Surely text: a string, or a ``+`` chain with a string in it (Rhai appends)."""
        while isinstance(node, n.Binary) and node.op == "+":
            if self.is_text(node.right):
                return True
            node = node.left
        if isinstance(node, n.Literal):
            return isinstance(node.value, str)
        return isinstance(node, n.Interp) or self.is_text_input(node)

    def surely_text(self, node: n.Node) -> bool:
        """Surely text, or a variable the dialog assigns only text."""
        return self.is_text(node) or isinstance(node, n.Name) and self.text_only.get(
            node.name, False)


def value_pitfalls(nodes: list[n.Node]) -> Iterator[Finding]:
    """The warnings for the dialog whose nodes (statements and SUBs, walked) are given."""
    model = ValueModel(nodes)
    # a call written alone changes its text quietly; an assignment's value is told apart
    whole = {id(node.expr): None for node in nodes if isinstance(node, n.ExprStmt)} | {
        id(node.value): node.target for node in nodes if isinstance(node, n.Assign)}
    for node in model.nodes:
        if isinstance(node, n.MethodCall) and _changes_text(model, node):
            if id(node) not in whole or whole[id(node)] is not None:
                yield _in_place_value(node, whole.get(id(node)))
        elif isinstance(node, n.Binary):
            yield from _binary(model, node)
        elif isinstance(node, n.Call) and node.name.upper() in ("LEN", "LENGTH"):
            yield from _len(model, node)
        elif isinstance(node, n.KeywordStmt) and node.phrase == "SET BOT MEMORY":
            yield from _memory_write(model, node)
        elif isinstance(node, n.Call) and node.bare and not model.binds(node.name):
            word = node.name.upper()
            yield _warn(node, len(node.name),
                        f"General Bots has {word} only as a function: a bare {node.name} is "
                        f"a variable there, and the dialog stops with \"Variable not found: "
                        f"{node.name}\"; write {word}()")
    yield from _casings(model)


def _warn(node: n.Node, width: int, message: str) -> Finding:
    return Finding(Concern.VALUE, node.line, node.col, node.col + width, message)


def _binary(model: ValueModel, node: n.Binary) -> Iterator[Finding]:
    if node.op == "+":
        yield from _text_plus_number(model, node)
    elif node.op == "^":
        yield _warn(node, 1, "General Bots reads ^ as a bitwise XOR: 2 ^ 3 is 1; write "
                             "2 ** 3 for a power")
    elif node.op == "&" and (model.is_text(node.left) or model.is_text(node.right)):
        yield _warn(node, 1, "General Bots's & is a bitwise AND on whole numbers and stops "
                             "with an error on text; join text with +")
    elif node.op in _COMPARISONS:
        yield from _ubound_compared(node)
    if node.op == "+" and _is_ubound(node.left) != _is_ubound(node.right):
        other = node.right if _is_ubound(node.left) else node.left
        if model.is_text(other):
            yield _warn(node, 1, "General Bots's UBOUND is the last index, one less than the "
                                 "count (-1 for an empty list); write UBOUND(x) + 1 for the "
                                 "count")


def _text_plus_number(model: ValueModel, node: n.Binary) -> Iterator[Finding]:
    for text, number in ((node.left, node.right), (node.right, node.left)):
        if model.is_text_input(text) and model.is_number(number):
            shown = text.name if isinstance(text, n.Name) else "x"
            yield _warn(node, 1, f"General Bots appends: bot memory and HEAR give text, so "
                                 f"\"3\" + 1 is \"31\"; write VAL({shown}) + 1 to add")
            return


def _changes_text(model: ValueModel, node: n.MethodCall) -> bool:
    return node.name in TEXT_IN_PLACE and (
        node.name in _TEXT_ONLY_CHANGES or model.surely_text(node.obj))


def _in_place_value(call: n.MethodCall, target: n.Node | None) -> Finding:
    """``r = q.make_lower()``: Rhai changes q and gives (), so r holds no text."""
    given = "it gives () (NULL, shown as nothing) here"
    if isinstance(target, n.Name):
        given = f"{target.name} holds () (NULL, shown as nothing) after this line"
    return Finding(Concern.VALUE, call.line, call.col + 1, call.col + 1 + len(call.name),
                   f"Rhai's {call.name}(), which General Bots keeps, changes the text it is "
                   f"called on and gives no text: {given}; write it on a line of its own, "
                   f"then read the text it changed")


def _is_ubound(node: n.Node) -> bool:
    return isinstance(node, n.Call) and node.name.upper() == "UBOUND"


def _ubound_compared(node: n.Binary) -> Iterator[Finding]:
    for bound, other in ((node.left, node.right), (node.right, node.left)):
        if _is_ubound(bound) and isinstance(other, n.Literal) and other.value == 0 \
                and not isinstance(other.value, bool):
            yield _warn(node, len(node.op), "General Bots's UBOUND is the last index: it is "
                                            "0 for a list of one item and -1 for an empty "
                                            "list; compare with -1 to test for empty")
            return


def _len(model: ValueModel, node: n.Call) -> Iterator[Finding]:
    if not node.args:
        return
    arg = node.args[0]
    non_ascii = isinstance(arg, n.Literal) and isinstance(arg.value, str) and not (
        arg.value.isascii())
    if non_ascii or model.is_text_input(arg):
        yield _warn(node, len(node.name), "General Bots's LEN counts UTF-8 bytes, not "
                                          "letters: LEN(\"São\") is 4; text from users or "
                                          "with accents is longer than it looks")


def _memory_write(model: ValueModel, node: n.KeywordStmt) -> Iterator[Finding]:
    if len(node.args) >= 2 and model.is_number(node.args[1]):
        value = node.args[1]
        while isinstance(value, n.Binary):  # its col is the operator's; blame the start
            value = value.left
        yield _warn(value, 1, "General Bots's SET BOT MEMORY takes text only: a number "
                              "stops the dialog with an error; write STR(value)")


def _casings(model: ValueModel) -> Iterator[Finding]:
    spellings: dict[str, list[n.Name]] = {}
    for node in model.nodes:
        if isinstance(node, n.Name):
            spellings.setdefault(node.name.lower(), []).append(node)
    for uses in spellings.values():
        uses.sort(key=lambda u: (u.line, u.col))
        first = uses[0]
        seen = {first.name}
        for use in uses[1:]:
            if use.name not in seen:
                seen.add(use.name)
                yield _warn(use, len(use.name),
                            f"General Bots's names are case-sensitive: '{use.name}' and "
                            f"'{first.name}' (line {first.line}) are two variables; spell "
                            f"it one way")
