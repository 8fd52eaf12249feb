"""Statement emitters of the code generator: assignments, IF, SELECT CASE, SUB calls,
keywords, HEAR, PARAM, ON ERROR and the other simple statements (loops: codegen_loops).

Every ``stmt_<Node>`` method emits the Python lines of one statement node; statement()
dispatches on the node's class name.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..errors import Severity
from ..syntax import nodes as n
from .analysis import (
    changed_in_place,
    may_share,
    never_null,
    node_bindings,
    reads_members_purely,
    target_name,
)
from .scope import EmitterCore, RawAssign

_BLOCKS = (n.If, n.ForEach, n.ForTo, n.DoLoop, n.Select, n.SubDef, n.OnBlock)


_EXPRESSION_ARGS = frozenset({"TALK", "PRINT", "SET BOT MEMORY", "WAIT"})


class StatementEmitters(EmitterCore):
    """Mixed into ``compiler.CodeGen``, which provides the state and output (emit,
    temp, warn), the scopes (scope, local), the debug hooks, and the other
    emitters' methods used here (expr, assign, ...)."""

    def statement(self, s: n.Node) -> None:
        if self.debug and not isinstance(s, (n.SubDef, n.Description, n.TableDef, RawAssign)):
            self.debug_hook(s)
        method = getattr(self, "stmt_" + type(s).__name__)
        self.cur = (s.line, s.col)
        self.spans.statement_starts()
        block = any(hasattr(s, f) for f in ("body", "branches", "cases"))
        if block:  # its body may run again (a loop): its bindings count from its start
            self.note_bindings(s)
        if not self.scope.resume_next or isinstance(s, _BLOCKS):
            method(s)
            if not block:
                self.note_bindings(s)
            return
        # ON ERROR RESUME NEXT: a failing simple statement is recorded and skipped. Blocks
        # are not wrapped (their statements are), so Python's nesting limit is not reached.
        self.emit("try:", s)
        self.indent += 1
        method(s)
        self.indent -= 1
        self.emit("except (_LoopExit, _EndDialog):")
        self.emit("    raise")
        self.emit("except _Exception as _e:")
        self.emit(f"    R.error_resumed(_e, {s.line})")
        self.indent += 1
        self.reload_after_call()  # the failing statement may have paused in a SUB first
        self.indent -= 1
        if not block:
            self.note_bindings(s)

    def note_bindings(self, s: n.Node) -> None:
        """Release SUB: the names ``s`` binds may be in L from now on (Scope.in_l)."""
        in_l = self.scope.in_l
        if in_l is None:
            return
        for node in n.walk(s):
            bound = node_bindings(node)
            if bound is None:
                self.scope.in_l = None
                return
            in_l |= bound

    def stmt_Assign(self, s: n.Assign) -> None:
        if isinstance(s.target, n.Name) and self.speculates(s.value):
            self.speculate(lambda: self.assign(s.target, self.stored(s.value), s,
                                               nullable=not never_null(s.value)), s)
            return
        self.assign(s.target, self.stored(s.value), s, nullable=not never_null(s.value))

    def stored(self, value: n.Node) -> str:
        """The value an assignment stores: arrays and maps are values in Rhai (``let b = a``
        clones a Dynamic, rhai src/types/dynamic.rs), so one read from a variable, a
        call or a literal holding either is copied, and changing ``b`` leaves ``a``."""
        code = self.expr(value)
        if not may_share(value, self.program.subs):
            return code
        t, first = self.operand(code)
        c = self.temp("c")  # the class, read once: this runs on most assignments
        return f"({t} if ({c} := {first}.__class__) is _str or {c} is not _list and {c} is " \
               f"not _dict else _copy({t}))"

    def emit_value(self, name: str, cond: n.Node) -> None:
        self.emit(f"{name} = {self.cond(cond)}")

    def speculates(self, value: n.Node) -> bool:
        # Debug builds too: the statement's hook runs before it, and nothing in it awaits.
        return reads_members_purely(value)

    def speculate(self, emit: Callable[[], None], s: n.Node) -> None:
        """A statement whose value only reads variables, members and items (a FOR EACH
        item's fields): first with each member read a plain subscript, which gives what the
        general read gives when the object is a map with that exact key and else raises
        KeyError or TypeError (any value but a map, NULL included), and a list's item at an
        index known to be an int >= 0 read directly (IndexError past the end); then, on any
        of these, the general code. Nothing happened before the raise (the value is computed before it
        is stored, and reading twice is reading once: analysis.reads_members_purely); an
        error of the general code is raised by its own run."""
        self.emit("try:", s)
        self.indent += 1
        self.direct = True
        notes = len(self.diagnostics)
        try:
            emit()
        finally:
            self.direct = False
        del self.diagnostics[notes:]  # the general code below reports the same
        self.indent -= 1
        self.emit("except _NotFound:", s)
        self.indent += 1
        maps, self.maps = self.maps, {}  # rare: without the item's per-pass map test
        try:
            emit()
        finally:
            self.maps = maps
        self.indent -= 1

    def assign(self, target: n.Node, value: str, node: n.Node, nullable: bool = True) -> None:
        if isinstance(target, n.Name):
            key = target.name
            if (var := self.local(key)) is not None:
                self.assigned.add(key)
                self.emit(f"{var} = {value}", node)
                if nullable:
                    self.null_assigned(key, var)
            else:
                self.emit(f"{self.name_slot(key)}[{key!r}] = {value}", node)
        elif isinstance(target, (n.Member, n.Index)):
            self.emit(self.stored_at(target, value), node)
        else:
            self.emit("R.fail('cannot assign to this expression')", node)

    def name_slot(self, key: str) -> str:
        """The dict an assignment to ``key`` writes into when it is no Python local."""
        if self.scope.is_main or (key in self.in_g and key not in self.scope.own):
            return "G"  # in a SUB: a name never in its L
        if not self.may_be_in_l(key):  # not in L yet: the global if there is one
            return f"(G if {key!r} in G else {self.own_l()})"
        if self.scope.lazy_l:
            return f"({self.own_l()} if L and {key!r} in L or {key!r} not in G else G)"
        # as operators.setv: a local or a new name stays local, else the global
        return f"(L if {key!r} in L or {key!r} not in G else G)"

    def stored_at(self, target: n.Node, value: str) -> str:
        """An expression that stores ``value`` at a variable, member or item."""
        if isinstance(target, n.Member):
            return f"_setmem({self.container(target.obj, 'map')}, {target.name!r}, {value})"
        if isinstance(target, n.Index):
            return f"_setidx({self.container(target.obj, 'list')}, " \
                   f"{self.expr(target.index)}, {value})"
        assert isinstance(target, n.Name)
        key = target.name
        if (var := self.local(key)) is not None:
            self.assigned.add(key)
            return f"({var} := {value})"
        return f"_setitem({self.name_slot(key)}, {key!r}, {value})"

    def own_l(self) -> str:
        """The SUB's L to write into (a lazy L is made a dict first, Scope.lazy_l)."""
        return "(L := L or {})" if self.scope.lazy_l else "L"

    def null_assigned(self, key: str, var: str) -> None:
        """Debug build: a variable assigned NULL is shown as one (a local merely loaded as
        NULL is not), so that assignment also reaches G; others reach G when the debugger
        looks (Runtime.observe)."""
        if self.debug:
            self.emit(f"if {var} is None: G[{key!r}] = None")

    def container(self, node: n.Node, kind: str, create: str = "") -> str:
        """The object an assignment writes into (``x.a = 1``): an empty one fails, as in
        Rhai, unless ``create`` (", True": WITH makes its map)."""
        if isinstance(node, n.Name):
            key = node.name
            if (var := self.local(key)) is not None:
                self.assigned.add(key)
                return f"({var} := _ensure_value({var}, {kind!r}{create}))"
            return f"_ensure({self.own_l()}, G, {key!r}, {kind!r}{create})"
        if isinstance(node, n.Member):
            return f"_child({self.container(node.obj, 'map', create)}, {node.name!r}, " \
                   f"{kind!r}{create})"
        if isinstance(node, n.Index):
            return f"_child({self.container(node.obj, 'list', create)}, " \
                   f"{self.expr(node.index)}, {kind!r}{create})"
        return self.expr(node)

    def stmt_If(self, s: n.If) -> None:
        for i, (cond, body) in enumerate(s.branches):
            self.cur = (cond.line, cond.col)
            if i == 0 and self.speculates(cond):
                c = self.temp("c")
                self.speculate(partial(self.emit_value, c, cond), cond)
                self.emit(f"if {c}:")
            else:
                self.emit(f"{'if' if i == 0 else 'elif'} {self.cond(cond)}:")
            self.nested(body)
        if s.else_body is not None:
            self.emit("else:")
            self.nested(s.else_body)

    def stmt_Return(self, s: n.Return) -> None:
        if s.value is None:  # a FUNCTION returns its result variable; others None
            self.emit(self.sub_return(), s)
        else:
            self.emit(f"return {self.expr(s.value)}", s)

    def case_test(self, subject: str, cls: str | None, values: list[n.Node]) -> str:
        """``CASE a, b``: Python's ``==`` / ``in`` when every value is a literal of the
        subject's type (its class is read once per SELECT, into ``cls``; None: the subject
        is known to be an int; "": every case is text, see stmt_Select), else ``_eq``."""
        kinds = {type(v.value) for v in values if isinstance(v, n.Literal)}
        if len(kinds) == 1 and kinds <= {int, str} and all(
                isinstance(v, n.Literal) for v in values):
            kind = "_int" if kinds == {int} else "_str"
            codes = [self.expr(v) for v in values]
            fast = (f"{subject} == {codes[0]}" if len(codes) == 1
                    else f"{subject} in ({', '.join(codes)})")
            if cls == "":  # text cases only: equal to one of them and text, as _eq
                return f"({fast} and {subject}.__class__ is _str)"
            general = " or ".join(f"_eq({subject}, {c})" for c in codes)
            if cls is None:  # an int subject: int literals compare with ==, others never
                return f"({fast})" if kind == "_int" else general
            return f"({fast} if {cls} is {kind} else {general})"
        return " or ".join(f"_eq({subject}, {self.expr(v)})" for v in values)

    def stmt_Select(self, s: n.Select) -> None:
        subj = self.temp("sel")
        cls: str | None = self.temp("cls")
        if self.int_kind(s.subject) is not None:  # no class to test
            cls = None
            self.emit(f"{subj} = {self.expr(s.subject)}", s)
        elif all(values and all(isinstance(v, n.Literal) and type(v.value) is str
                                for v in values) for values, _ in s.cases):
            # Only a text equal to a case's text matches (_eq); Python's == of any value
            # with text is false unless it is equal text, so the class is tested after a
            # match only (case_test).
            cls = ""
            self.emit(f"{subj} = {self.expr(s.subject)}", s)
        else:
            self.emit(f"{cls} = ({subj} := {self.expr(s.subject)}).__class__", s)
        first = True
        for values, body in s.cases:
            test = self.case_test(subj, cls, values) if values else "False"
            self.cur = (values[0].line, values[0].col) if values else (s.line, s.col)
            self.emit(f"{'if' if first else 'elif'} {test}:")
            first = False
            self.nested(body)
        if s.else_body is not None:
            if first:
                self.block(s.else_body)
            else:
                self.emit("else:")
                self.nested(s.else_body)

    def stmt_SubDef(self, s: n.SubDef) -> None:
        self.warn(s, "SUB and FUNCTION must be defined at the top level", Severity.ERROR)

    def stmt_CallSub(self, s: n.CallSub) -> None:
        self.emit(self.call_user(s, s.name, s.args, statement=True), s)
        if s.name.lower() in self.program.subs:
            self.reload_after_call()

    def stmt_With(self, s: n.With) -> None:
        obj = self.temp("with")
        self.emit(f"{obj} = {self.container(s.target, 'map', ', True')}", s)
        for name, value, line, col in s.fields:
            self.cur = (line, col)
            self.emit(f"_setmem({obj}, {name!r}, {self.expr(value)})")

    def stmt_TextBlockStmt(self, s: n.TextBlockStmt) -> None:
        if s.kind == "TALK":
            self.emit(f"await R.talk({self.expr(s.text)}, {s.line})", s)
        else:
            self.emit(f"await R.keyword({s.kind!r}, [{self.expr(s.text)}], {{}}, {s.line})", s)

    def stmt_TableDef(self, s: n.TableDef) -> None:
        self.emit("pass", s)

    def stmt_Description(self, s: n.Description) -> None:
        self.emit("pass", s)

    def stmt_OnBlock(self, s: n.OnBlock) -> None:
        args = ", ".join(self.expr(a) for a in s.args)
        self.emit(f"R.on_block({s.event!r}, [{args}], {s.line})", s)

    def stmt_Param(self, s: n.Param) -> None:
        key = s.name
        if self.debug and self.scope.is_main and (var := self.local(key)) is not None:
            # R.param reads the variable's value in G: make it the current one first.
            self.emit(f"if {var} is not None or {key!r} in G: G[{key!r}] = {var}", s)
        default = self.expr(s.default) if s.default is not None else "None"
        value = (f"await R.param({s.name!r}, {s.type!r}, {s.description!r}, {s.like!r}, "
                 f"{default}, {s.optional!r}, {s.line}, {s.options!r})")
        self.assign(n.Name(s.line, s.col, s.name), value, s)

    def stmt_Hear(self, s: n.Hear) -> None:
        options = "(" + "".join(self.expr(o) + ", " for o in s.options) + ")"
        prompt = self.expr(s.prompt) if s.prompt is not None else "None"
        default = self.expr(s.default) if s.default is not None else "None"
        var = target_name(s.target)
        value = (f"await R.hear({var!r}, {s.kind!r}, {options}, {prompt}, {default}, "
                 f"{s.line})")
        self.assign(s.target, value, s)

    def stmt_KeywordStmt(self, s: n.KeywordStmt) -> None:
        p = s.phrase
        if p in ("ON ERROR RESUME NEXT", "ON ERROR GOTO"):
            self.on_error(s)
            return
        # The engine's core keywords read their arguments as expressions (an unknown name
        # is "Variable not found"); other keywords' parsed forms may hold bare words.
        value = self.expr if p in _EXPRESSION_ARGS else self.clause_value
        args = [value(a) for a in s.args]
        if p == "TALK" and len(args) == 1:
            self.emit(f"await R.talk({args[0]}, {s.line})", s)
        elif p == "PRINT":
            self.emit(f"R.print_([{', '.join(args)}], {s.line})", s)
        elif p == "SET BOT MEMORY" and len(args) == 2:
            call = f"R.memset({args[0]}, {args[1]}, {s.line})"
            self.emit(f"await R.debug_memset({args[0]}, {args[1]}, {s.line})" if self.debug
                      else call, s)
            self.reload_after_call()  # a memory breakpoint may have paused
        elif p == "WAIT" and len(args) == 1:
            self.emit(f"await R.wait({args[0]}, {s.line})", s)
        elif p == "GET BOT MEMORY" and "INTO" in s.clauses:
            self.assign(s.clauses["INTO"][0], self.memget(s.args[0], args[0]), s)
        else:
            into = s.clauses.get("INTO")
            clauses = {k: v for k, v in s.clauses.items() if k != "INTO"}
            call = (f"await R.keyword({p!r}, [{', '.join(args)}], {self.clauses(clauses)}, "
                    f"{s.line})")
            if into:
                self.assign(into[0], call, s)
            else:
                self.emit(call, s)

    def on_error(self, s: n.KeywordStmt) -> None:
        """Error handling is decided where the code is generated: it lasts, in this dialog
        or SUB, from the statement to the next ON ERROR GOTO 0 below it."""
        if s.phrase == "ON ERROR RESUME NEXT":
            self.scope.resume_next = True
        elif len(s.args) == 1 and isinstance(s.args[0], n.Literal) and s.args[0].value == 0:
            self.scope.resume_next = False
        else:
            self.warn(s, "ON ERROR GOTO label is not supported: use ON ERROR RESUME NEXT and "
                         "check ERR_NUMBER", Severity.ERROR)
            self.emit("R.fail('ON ERROR GOTO label is not supported')", s)
            return
        self.emit("pass", s)

    def stmt_ExprStmt(self, s: n.ExprStmt) -> None:
        e = s.expr
        if isinstance(e, n.MethodCall):  # xs.push(1) alone: in place (methods.call_method)
            place = changed_in_place(e)
            if place is not None:
                self.change_in_place(place, e, s)
                return
            self.emit(self.method_call("_meth", e, "True"), s)
            return
        self.emit(self.expr(s.expr), s)

    def change_in_place(self, place: n.Node, e: n.MethodCall, s: n.Node) -> None:
        """``s.make_upper()`` on a variable, member or item: the changed text is stored back
        there (an array or map is changed as ``xs.push(1)`` alone is)."""
        self.assign(place, self.method_call("_inplace", e), s, nullable=False)
