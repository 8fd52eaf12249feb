"""Pure analyses of the BASIC syntax tree that steer code generation, and the Python
names the generated code gives to BASIC variables and SUBs.

None of them generates code or keeps state: each answers one question about a node, a
statement list or the whole program, so the code generator's parts can share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..library.builtins.core import (
    NUMBER_RESULTS,
    TEXT_RESULTS,
    lookup_builtin,
    normalize_name,
)
from ..library.text_in_place import TEXT_IN_PLACE
from ..syntax import nodes as n
from ..syntax.pieces.shift import moved_from

_BOOL_OPS = {"=", "<>", "<", "<=", ">", ">=", "LIKE", "CONTAINS", "IN", "AND", "OR"}


def is_bool(node: n.Node) -> bool:
    """Whether ``node`` always yields a Python bool: a condition then needs no
    ``_truthy`` call."""
    if isinstance(node, n.Binary):
        return node.op in _BOOL_OPS
    if isinstance(node, n.Unary):
        return node.op in ("NOT", "!")
    if isinstance(node, n.IsNull):
        return True
    return isinstance(node, n.Literal) and isinstance(node.value, bool)


def never_null(node: n.Node) -> bool:
    """Whether an expression's value can never be NULL (text, numbers, booleans, lists...)."""
    if isinstance(node, n.Literal):
        return node.value is not None
    if isinstance(node, n.Binary):
        return node.op != "??"
    return isinstance(node, (n.Interp, n.Unary, n.IsNull, n.ArrayLit, n.MapLit))


# Functions whose result is never an array or map: text and number functions, the tests,
# the clock, and bot memory, which holds text (botbasic_data bot_memory.rs: String).
_SCALAR_CALLS = NUMBER_RESULTS | TEXT_RESULTS | {"GET BOT MEMORY", "IS NUMERIC", "ISNUMBER",
                                                 "ISEMPTY", "NOW", "TODAY"}


def may_share(node: n.Node, subs: dict[str, Any]) -> bool:
    """Whether an expression's value may be an array or map some variable also holds: a
    read of one, a call's result (it may hold its arguments' parts) unless the function
    gives text or numbers (``subs``: the dialog's SUBs and FUNCTIONs by lower-case name,
    which a call may mean instead), either side of ``??``. Operators and literals make new values (a
    literal's items are not copied: ``l = [l]`` in a loop stays linear)."""
    if isinstance(node, n.Binary):
        return node.op == "??" and (may_share(node.left, subs) or may_share(node.right, subs))
    if isinstance(node, n.Call):
        return node.name.lower() in subs or normalize_name(node.name) not in _SCALAR_CALLS
    if isinstance(node, n.KeywordExpr):
        return node.phrase not in _SCALAR_CALLS
    return isinstance(node, (n.Name, n.Member, n.Index, n.MethodCall))


def fits(builtin: Any, count: int) -> bool:
    """Whether ``builtin`` accepts ``count`` arguments."""
    return builtin.min_args <= count and (builtin.max_args is None or count <= builtin.max_args)


def text_prefix(node: n.Node) -> bool:
    """Whether ``node`` is a ``+`` chain whose leftmost operand is a text constant: every
    ``+`` of it then appends text (``"Item " + i`` then ``+ ": "``)."""
    while True:
        if isinstance(node, n.Literal):
            return isinstance(node.value, str)
        if isinstance(node, n.Interp):
            return True
        if isinstance(node, n.Binary) and node.op == "+":
            node = node.left  # text only if the whole chain is text: checked by the caller
            continue
        return False


def assigns(body: list[n.Node], key: str) -> bool:
    """Whether a statement in ``body`` may assign variable ``key`` (or write into it):
    assignment, WITH and HEAR targets, loop variables, PARAM and INTO clauses, and text
    changed in place (``key.make_upper()``)."""
    return any((bound := node_bindings(node)) is None or key in bound for node in n.walk(body))


def held_by_variable(node: n.Node) -> bool:
    """Whether ``node`` is a variable, or a member or item of one (``m.a[0]``)."""
    while isinstance(node, (n.Member, n.Index)):
        node = node.obj
    return isinstance(node, n.Name)


def changed_in_place(e: n.Node) -> n.Node | None:
    """The variable, member or item a Rhai text method such as ``s.make_upper()`` changes
    when ``e`` calls one on it (``library.text_in_place``); else None. An index must be a
    name or a literal, as the change reads and writes it twice."""
    if not isinstance(e, n.MethodCall) or e.name not in TEXT_IN_PLACE:
        return None
    place = e.obj
    while isinstance(place, (n.Member, n.Index)):
        if (isinstance(place, n.Index) and not isinstance(place.index, (n.Name, n.Literal))
                or isinstance(place, n.Member) and place.optional):
            return None
        place = place.obj
    return e.obj if isinstance(place, n.Name) else None


def changes_in_place(root: n.Node) -> bool:
    """Whether evaluating ``root`` may change a variable, member or item in place
    (``changed_in_place``): code that reads a name twice cannot assume it still holds what
    it held."""
    return any(changed_in_place(x) is not None for x in n.walk(root))


def node_bindings(node: n.Node) -> set[str] | None:
    """The names ``node`` itself binds: its assignment, HEAR or INTO target (through member
    and index writes, ``o.a = 1`` binds ``o``), loop variable or PARAM; None when a target
    is not a plain name (then any name may be bound); a text it changes in place."""
    names: set[str] = set()
    target = getattr(node, "target", None) or changed_in_place(node)
    targets: list[n.Node] = [target] if isinstance(target, n.Node) else []
    clauses = getattr(node, "clauses", None)
    if isinstance(clauses, dict):
        targets += clauses.get("INTO", [])
    var = getattr(node, "var", None)
    if isinstance(var, str):
        names.add(var)
    if isinstance(node, n.Param):
        names.add(node.name)
    for t in targets:
        while isinstance(t, (n.Member, n.Index)):
            t = t.obj
        if not isinstance(t, n.Name):
            return None
        names.add(t.name)
    return names


def reads_members(body: list[n.Node], key: str) -> bool:
    """Whether ``body`` reads a member of variable ``key`` (``item.price``)."""
    return any(isinstance(node, n.Member) and isinstance(node.obj, n.Name)
               and node.obj.name == key for node in n.walk(body))


def target_name(target: n.Node) -> str:
    while not isinstance(target, n.Name):
        target = target.obj  # type: ignore[attr-defined]
    return target.name


_PURE = (n.Literal, n.Name, n.Member, n.Index, n.Binary, n.Unary, n.IsNull, n.Interp)


def reads_members_purely(node: n.Node) -> bool:
    """Whether expression ``node`` reads a member or an item and does nothing but read
    variables, members and items and apply operators: evaluating it twice is the same as
    once (it calls nothing, writes nothing; an error it raises, it raises again)."""
    member = False
    for x in n.walk(node):
        if not isinstance(x, _PURE) or (isinstance(x, n.Literal)
                                         and not isinstance(x.value, (str, int, float, bool))
                                         and x.value is not None):
            return False
        member = member or isinstance(x, (n.Member, n.Index))
    return member


def is_len_call(node: n.Node, subs: Any) -> bool:
    """Whether ``node`` calls the LEN built-in (no SUB of that name): its value is an int
    that is never negative (or it fails), whatever its argument."""
    if not (isinstance(node, n.Call) and len(node.args) == 1
            and node.name.upper() in ("LEN", "LENGTH") and node.name.lower() not in subs):
        return False
    b = lookup_builtin(node.name)
    return b is not None and b.name == "LEN"


def int_literal(node: n.Node) -> int | None:
    """The value of a non-zero integer literal (``STEP 2``; the parser folds ``STEP -1``
    into a literal too), else None."""
    if isinstance(node, n.Literal) and type(node.value) is int and node.value:
        return node.value
    return None


@dataclass(frozen=True)
class ProgramFacts:
    """What decides where the code generator keeps each variable, found in one walk of the
    dialog and of each SUB (three separate walks were most of a check's code generation)."""

    # Every name a SUB mentions (variables, loop variables; member names too, which only
    # errs on the safe side): the dialog keeps these in G, where SUBs find them.
    shared: set[str]
    # Every variable the dialog may bind (assignment, WITH, HEAR, loop, PARAM and INTO
    # targets, SUB parameters and FUNCTION results), or None when a target is not a plain
    # name (then any name may be bound). General Bots declares exactly the assigned names
    # (``let x = ();``); reading any other one is Rhai's "Variable not found".
    bound: set[str] | None
    recursive: set[str]  # the SUBs (lower-case) on a cycle of the call graph
    callees: dict[str, set[str]]  # SUB (lower-case) -> the SUBs its code calls

    def depth_free(self, max_depth: int) -> set[str]:
        """The SUBs whose calls can never nest deeper than ``max_depth``, so a release build
        neither passes them the call depth nor tests it: no recursive SUB reaches them (nor
        are they one), and they call only such SUBs. A chain of calls then repeats no SUB,
        so it is at most as deep as there are SUBs, plus the dialog."""
        if len(self.callees) + 1 > max_depth:
            return set()
        reached, todo = set(), [k for r in self.recursive for k in self.callees[r]]
        while todo:
            if (key := todo.pop()) not in reached:
                reached.add(key)
                todo.extend(self.callees[key])
        free = set(self.callees) - self.recursive - reached
        while bad := {k for k in free if not self.callees[k] <= free}:
            free -= bad
        return free


@dataclass(frozen=True)
class _PartFacts:
    """The facts of one statement of the dialog or one SUB (with everything inside it)."""

    bound: frozenset[str] | None  # the names it binds; None: any name
    shared: frozenset[str]  # SUBs only: every name it mentions
    calls: frozenset[str]  # SUBs only: every name it calls (lower-case), SUB or not


# The parts of the program analysed last, by id (each entry keeps its node alive, so the id
# stays its own): a check after an edit gets the unchanged statements and SUBs as the same
# node objects (``syntax.parser.pieces``), whose facts cannot have changed (nothing changes
# a node once parsed).
_parts: dict[int, tuple[n.Node, _PartFacts]] = {}


def program_facts(program: n.Program) -> ProgramFacts:
    """The facts of ``program``: its dialog's statements and each SUB walked once (or not at
    all when the program analysed before had the same node)."""
    known = _parts  # one read: another thread may replace it
    kept: dict[int, tuple[n.Node, _PartFacts]] = {}
    shared: set[str] = set()
    callees: dict[str, set[str]] = {}
    own: set[str] = set()
    for sub in program.subs.values():
        own.update(sub.params)
        own.add(sub.name)
    bound: set[str] | None = own
    for node in program.body:
        part = _part_facts(node, False, known, kept)
        bound = None if bound is None or part.bound is None else bound | part.bound
    for key, sub in program.subs.items():
        part = _part_facts(sub, True, known, kept)
        bound = None if bound is None or part.bound is None else bound | part.bound
        shared |= part.shared
        callees[key] = {name for name in part.calls if name in program.subs}
    _set_parts(kept)
    return ProgramFacts(shared, bound, _on_cycles(callees), callees)


def _set_parts(parts: dict[int, tuple[n.Node, _PartFacts]]) -> None:
    global _parts
    _parts = parts


def forget_facts() -> None:
    _set_parts({})


def _part_facts(root: n.Node, is_sub: bool, known: dict[int, tuple[n.Node, _PartFacts]],
                kept: dict[int, tuple[n.Node, _PartFacts]]) -> _PartFacts:
    entry = known.get(id(root))
    if entry is None or entry[0] is not root:
        # A statement or SUB moved to other lines (``syntax.pieces.shift``) has the facts of
        # the one it was moved from: no fact depends on a line number.
        original = moved_from(root)
        earlier = known.get(id(original)) if original is not None else None
        facts = earlier[1] if earlier is not None and earlier[0] is original else \
            _walk_part(root, is_sub)
        entry = (root, facts)
    kept[id(root)] = entry
    return entry[1]


def _walk_part(root: n.Node, is_sub: bool) -> _PartFacts:
    bound: set[str] | None = set()
    shared: set[str] = set()
    calls: set[str] = set()
    for node in n.walk(root):
        bound = _add_bindings(bound, node)
        if not is_sub:
            continue
        for attr in ("name", "var"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                shared.add(value)
        if isinstance(node, (n.Call, n.CallSub)):
            calls.add(node.name.lower())
    return _PartFacts(None if bound is None else frozenset(bound), frozenset(shared),
                      frozenset(calls))


def _add_bindings(bound: set[str] | None, node: n.Node) -> set[str] | None:
    if bound is None:
        return None
    names = node_bindings(node)
    if names is None:
        return None
    bound |= names
    return bound


def _on_cycles(callees: dict[str, set[str]]) -> set[str]:
    """The keys of ``callees`` (a call graph) that can reach themselves."""
    found = set()
    for start, direct in callees.items():
        seen, todo = set(), list(direct)
        while todo:
            key = todo.pop()
            if key == start:
                found.add(start)
                break
            if key not in seen:
                seen.add(key)
                todo.extend(callees[key])
    return found


def names_bound(body: list[n.Node]) -> set[str] | None:
    """Every name the statements of ``body`` may bind (node_bindings); None: any name."""
    bound: set[str] = set()
    for node in n.walk(body):
        names = node_bindings(node)
        if names is None:
            return None
        bound |= names
    return bound


def fixed_params(sub: n.SubDef) -> dict[str, int]:
    """Parameter -> the index of the argument it holds throughout the SUB: those it never
    binds (nor does anything else, where nothing can pause). A name given twice binds its
    last argument; a FUNCTION's result variable starts as NULL, even if a parameter
    shares it."""
    bound = names_bound(sub.body)
    if bound is None:
        return {}
    last = {key: i for i, key in enumerate(sub.params)}
    return {key: i for key, i in last.items()
            if key not in bound and not (sub.is_function and key == sub.name)}


def param_ints(sub: n.SubDef, calls: list[tuple[Any, ...]]) -> dict[str, Any]:
    """The parameters of ``sub`` that hold a known int throughout: every call in ``calls``
    (per argument, its int facts ``(never negative, bounds)`` or None) passes one, and the
    SUB never assigns them (fixed_params). Facts merge to the weakest: negative if any may
    be, bounds spanning all (unknown if any is)."""
    if not calls:
        return {}
    fixed = fixed_params(sub)
    found: dict[str, Any] = {}
    for key, i in fixed.items():
        facts = [call[i] for call in calls]
        if any(f is None for f in facts):
            continue
        spans = [span for _, span in facts]
        span = None if any(s is None for s in spans) else (
            min(s[0] for s in spans), max(s[1] for s in spans))
        found[key] = (all(never_negative for never_negative, _ in facts), span)
    return found


def set_before_calls(program: n.Program) -> frozenset[str]:
    """The dialog's variables that are in G whenever a SUB runs: those its top level assigns
    (``count = 0``) before the first statement that may call a SUB. A SUB that reads or
    writes one of them then uses G without looking in its own L first: a SUB binds a name
    in L only when G lacks it, and nothing removes a name from G (the debugger's edits
    and the dialog's stores only add).

    GOTO can skip an assignment, and under ON ERROR RESUME NEXT a failing one is skipped:
    dialogs with labels give nothing, and the scan stops at an ON ERROR."""
    body = program.body
    if any(isinstance(s, n.Label) for s in body):
        return frozenset()
    subs = program.subs
    names: set[str] = set()
    for stmt in body:
        for node in n.walk(stmt):
            if isinstance(node, (n.Call, n.CallSub)) and node.name.lower() in subs:
                return frozenset(names)
            if isinstance(node, n.KeywordStmt) and node.phrase.startswith("ON ERROR"):
                return frozenset(names)
        if isinstance(stmt, n.Assign) and isinstance(stmt.target, n.Name):
            names.add(stmt.target.name)
    return frozenset(names)


def py_name(prefix: str, key: str, taken: Any) -> str:
    """A Python local for BASIC name ``key``: readable for ASCII names; numbered otherwise,
    as Python would NFKC-fold two different Unicode spellings into one identifier."""
    if key.isascii():
        return f"{prefix}_{key}"
    return f"{prefix}{sorted(taken).index(key) if key in taken else len(taken)}_"


def sub_function(name: str) -> str:
    """The Python name of the generated function of SUB/FUNCTION ``name`` (ASCII: Python
    NFKC-folds identifiers, so ``Ｆoo`` would silently become ``Foo``)."""
    key = name.lower()
    return "_sub_" + key if key.isascii() else "_subx_" + key.encode("utf-8").hex()
