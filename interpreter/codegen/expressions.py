"""Expression emitters of the code generator: names, members, indexes, text joins,
calls of built-ins, SUBs and keywords, and literals (operators: codegen_operators).

Every ``ex_<Node>`` method returns the Python code of one expression node; expr()
dispatches on the node's class name.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..errors import Severity
from ..library.builtins.core import arity_message, lookup_builtin, refused
from ..library.builtins.lower_forms import mixed_case, spelled
from ..library.operators import MAX_STRING
from ..library.talkbench_only import documented_only, missing_in_engine
from ..library.text_in_place import TEXT_IN_PLACE
from ..ports import where
from ..syntax import nodes as n
from ..syntax.suggestions import did_you_mean
from ..syntax.vocabulary import EXPRESSION_PHRASES
from ..values import argument_type, to_display
from .analysis import (
    changed_in_place,
    fits,
    held_by_variable,
    is_bool,
    sub_function,
    text_prefix,
)
from .scope import ERROR_STATE, RELOAD_EXPR, EmitterCore, IntFact
from .spans import NOTED

# A plain Python name (a local such as v_total / p_n, or a temp): nothing a BASIC expression
# does can rebind it, so reading it twice is safe and cheaper than a temp bound with ``:=``.
_SIMPLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _written_type(arg: n.Node) -> str:
    """An argument's type as Rhai's "Function not found" names it, where the dialog spells
    it (a literal); "…" where only the run knows it."""
    if isinstance(arg, n.Literal):
        return argument_type(arg.value)
    return {n.ArrayLit: "array", n.MapLit: "map"}.get(type(arg), "…")


class ExpressionEmitters(EmitterCore):
    """Mixed into ``compiler.CodeGen``, which provides the state and output (emit,
    temp, warn), the scopes (scope, local), the debug hooks, and the other
    emitters' methods used here (expr, assign, ...)."""

    def read_var(self, name: str) -> str:
        key = name  # names are case-sensitive, as in Rhai
        if (var := self.local(key)) is not None:
            return var
        if self.bound is not None and key not in self.bound:
            return f"_found(G, {key!r})"  # never assigned: found only if given from outside
        if self.scope.is_main:
            return f"G[{key!r}]"  # G is a runtime.Variables: a missing name reads as NULL
        if key in self.scope.own:
            return self.scope.params.get(key) or f"L[{key!r}]"
        if key in self.in_g:  # never in L (set_before_calls)
            return f"G[{key!r}]"
        if not self.may_be_in_l(key):
            return f"G.get({key!r})"
        if self.scope.lazy_l:
            return f"(L[{key!r}] if L and {key!r} in L else G.get({key!r}))"
        return f"(L[{key!r}] if {key!r} in L else G.get({key!r}))"  # as operators.getv

    def may_be_in_l(self, key: str) -> bool:
        """In a SUB: whether variable ``key`` may be in its L here (Scope.in_l)."""
        in_l = self.scope.in_l
        return in_l is None or key in in_l or key in self.scope.own

    def cond(self, node: n.Node) -> str:
        code = self.expr(node)
        return code if is_bool(node) else f"_cond({code})"

    def expr(self, e: n.Node) -> str:
        code: str = getattr(self, "ex_" + type(e).__name__)(e)
        if type(e) in NOTED:
            self.spans.note(code, e)
        return code

    def ex_Literal(self, e: n.Literal) -> str:
        if isinstance(e.value, where.CONDITIONS):  # a WHERE parsed at compile time
            return where.to_source(e.value, "_where")
        if type(e.value) is float and e.value - e.value != 0:  # 1e400 is inf, as in Rhai
            return "(1e999)" if e.value > 0 else "(-1e999)" if e.value < 0 else "(1e999-1e999)"
        return repr(e.value)

    def ex_Interp(self, e: n.Interp) -> str:
        outer = self.inert_text
        self.inert_text = outer or e.inert
        try:
            return self.join_text(e.parts)
        finally:
            self.inert_text = outer

    def concat(self, e: n.Binary) -> str:
        """``a & b & c`` (or a ``+`` that must concatenate) as one Python string sum."""
        parts: list[Any] = []
        stack: list[n.Node] = [e]
        while stack:  # left to right, without recursing down long chains
            node = stack.pop()
            if isinstance(node, n.Binary) and self.is_concat(node):
                stack += (node.right, node.left)
            elif isinstance(node, n.Literal):
                parts.append(to_display(node.value))
            else:
                parts.append(node)
        return self.join_text(parts)

    def join_text(self, parts: list[Any]) -> str:
        """Text parts (str) and expressions (nodes) joined in their display forms.

        The length cap is checked only when two or more parts are variable: a variable
        plus constants grows by a constant, so only those sums can double in a loop.
        """
        code: list[str] = []
        dynamic = 0
        for part in parts:
            if isinstance(part, str):
                if not part:
                    continue
                if code and code[-1][0] in "'\"":  # merge adjacent constants
                    part = eval(code.pop()) + part  # safe: our own repr() output
                code.append(repr(part))
            else:
                value = self.expr(part)
                # An int: no class test, inside an f-string (3.11: only if no quotes, as
                # in LEN("a")).
                if self.int_kind(part) is not None and not any(q in value for q in "'\"\\"):
                    code.append(f"f'{{({value})}}'")
                else:
                    t, first = self.operand(value)
                    code.append(f"({t} if {first}.__class__ is _str "
                                f"else f'{{{t}}}' if {t}.__class__ is _int else _d({t}))")
                dynamic += 1
        if not code:
            return "''"
        text = " + ".join(code)
        if len(code) == 1 and dynamic:
            return text
        if dynamic < 2:
            return f"({text})"
        t = self.temp("t")
        return f"({t} if _len({t} := {text}) <= {MAX_STRING} else _toolong({t}))"

    def is_concat(self, e: n.Binary) -> bool:
        """Whether this ``+`` always appends text: one of its sides is always text (Rhai's
        ``+`` prints the other side and appends, whatever it is: "3" + 1 is "31")."""
        if e.op != "+":
            return False
        for side in (e.left, e.right):
            if isinstance(side, n.Interp) or (isinstance(side, n.Literal)
                                              and isinstance(side.value, str)):
                return True
        return text_prefix(e.left)

    def ex_Name(self, e: n.Name) -> str:
        if e.name.lower() in ERROR_STATE:
            return ERROR_STATE[e.name.lower()]
        return self.read_var(e.name)

    def ex_Member(self, e: n.Member) -> str:
        key = repr(e.name)  # inline: a map that has the exact key
        # ``x?.k`` gives NULL for anything without k; ``x.k`` on text or a number fails
        read = "_mem" if e.optional else "_memr"
        # A map's exact key; anything else raises _NotFound (speculate). Not on a constant,
        # which Python's compiler would warn about.
        if self.direct and not isinstance(e.obj, (n.Literal, n.Interp)):
            code = self.expr(e.obj)
            return f"{code if _SIMPLE.fullmatch(code) else f'({code})'}[{key}]"
        if isinstance(e.obj, n.Name) and (m := self.maps.get(e.obj.name)) is not None:
            # FOR EACH's item, its map-ness tested once per iteration (stmt_ForEach)
            return f"({m}[{key}] if {key} in {m} else {read}({self.expr(e.obj)}, {key}))"
        t, first = self.operand(self.expr(e.obj))
        return (f"({t}[{key}] if {first}.__class__ is _dict and {key} in {t} "
                f"else {read}({t}, {key}))")

    def ex_Index(self, e: n.Index) -> str:
        # Inline: a list and an int in range. Both operands are evaluated first, in order.
        t, first_t = self.operand(self.expr(e.obj))
        kind = self.int_kind(e.index)
        index = self.expr(e.index)
        if kind and first_t == t and self.direct:
            # Speculated (statements.speculate): an index known to be an int >= 0 reads a
            # list's item, or raises IndexError past its end.
            return f"({t}[{index}] if {t}.__class__ is _list else _idx({t}, {index}))"
        k, first_k = self.operand(index)
        if kind is not None and first_t == t:
            # An index known to be an int: no class test for it; the list (a plain name,
            # read after the index as nothing can rebind it) is tested and measured.
            low = "" if kind and first_k == k else f"{first_k} >= 0 and "
            return (f"({t}[{k}] if {low}{t}.__class__ is _list and {k} < _len({t}) "
                    f"else _idx({t}, {k}))")
        return (f"({t}[{k}] if {first_t}.__class__ is "
                f"(_list if {first_k}.__class__ is _int else None) "
                f"and 0 <= {k} < _len({t}) else _idx({t}, {k}))")

    def ex_Call(self, e: n.Call) -> str:
        if e.bare and (self.bound is None or e.name in self.bound):
            return self.ex_Name(n.Name(e.line, e.col, e.name))  # the dialog's own variable
        if e.name.lower() in ERROR_STATE and not e.args:
            return ERROR_STATE[e.name.lower()]
        if not e.args and e.name.lower() not in self.program.subs:
            # on_error.rs: ERROR() is "an error was recorded", ERR() its number,
            # ERR_CLEAR() forgets it
            if e.name.upper() == "ERROR":
                return "(R.error_number != 0)"
            if e.name.upper() == "ERR":
                return "R.error_number"
            if e.name.upper() == "ERR_CLEAR":
                return f"(await R.keyword('CLEAR ERROR', [], {{}}, {e.line}))"
        if e.name.lower() in self.program.subs:
            return self.call_user(e, e.name, e.args, statement=False)
        b = lookup_builtin(e.name)
        phrase = " ".join(e.name.upper().replace("_", " ").split())
        keyword = (phrase in EXPRESSION_PHRASES or phrase == "HEAR") \
            and e.name.strip("_") == e.name  # ``__import__`` is no keyword
        # A name that is both (JOIN(list, sep) and JOIN(left, right, "key")): the arity picks.
        if b is not None and not (keyword and not fits(b, len(e.args))):
            variant = spelled(e.name)
            if variant is not None:  # the engine's names are case-sensitive (lower_forms)
                if mixed_case(e.name) and self.engine_evaluates(e):
                    self.warn(e, f"General Bots has no function '{e.name}' (Rhai matches "
                                 f"names exactly: write {e.name.upper()} or "
                                 f"{e.name.lower()})")
                b = replace(b, name=e.name, fn=variant)
            elif (missing := missing_in_engine(e.name)) is not None and \
                    self.engine_evaluates(e):
                self.warn(e, missing)
            return self.call_builtin(e, b, e.args)
        if keyword:
            return self.ex_KeywordExpr(n.KeywordExpr(e.line, e.col, phrase, e.args))
        self.warn(e, f"unknown function '{e.name}'", own_line=True)
        # Rhai evaluates the arguments first and names their types in its error
        args = ", ".join(self.expr(a) for a in e.args)
        return f"R.fail_unknown({e.name!r}, 'function', [{args}])"

    def engine_evaluates(self, e: n.Node) -> bool:
        """Whether General Bots evaluates ``e`` at all, so a warning about what it does
        there holds: not in text it prints as written (inert_text), nor on a line its
        converter drops (``REMAINING = …`` starts with REM)."""
        if self.inert_text:
            return False
        if self.dropped_lines is None:
            # the compat rules, only on this rare path: a run need not load them
            from ..compat.line_rules import dropped
            from ..compat.source_lines import source_lines

            self.dropped_lines = frozenset(line.number for line in source_lines(
                self.program.source) if dropped(line))
        return e.line not in self.dropped_lines

    def call_builtin(self, node: n.Node, b: Any, args: list[n.Node]) -> str:
        if not fits(b, len(args)):
            # General Bots finds no such function only when the call runs: the lines
            # before it run, so the dialog stays runnable here too
            written = node.name if isinstance(node, n.Call) else b.name
            kinds = ", ".join(_written_type(a) for a in args)
            self.warn(node, f"{arity_message(b, len(args))}: General Bots stops at this call "
                            f"with \"Function not found: {written} ({kinds})\"", own_line=True)
            fn = f"_refused_{len(args)}_" + "".join(c if c.isalnum() else "_" for c in written)
            self.builtins[fn] = refused(b, written)
            return f"{fn}({', '.join(self.expr(a) for a in args)})"
        fn = "_b_" + "".join(c if c.isalnum() else "_" for c in b.name)
        if (documented := documented_only(b.name, len(args))) is not None:
            self.warn(node, documented)
        self.builtins[fn] = b.fn
        if b.name == "LEN" and len(args) == 1:  # ASCII text: its bytes are its characters
            t, code = self.operand(self.expr(args[0]))
            return f"(_len({t}) if {code}.__class__ is _str and {t}.isascii() else {fn}({t}))"
        return f"{fn}({', '.join(self.expr(a) for a in args)})"

    def operand(self, code: str) -> tuple[str, str]:
        """(how to read the value again, how to evaluate it first): a temp bound with
        ``:=``, or the code itself when it is a plain name or number (see _SIMPLE)."""
        if _SIMPLE.fullmatch(code):
            return code, code
        t = self.temp("t")
        return t, f"({t} := {code})"

    def ex_MethodCall(self, e: n.MethodCall) -> str:
        if (place := changed_in_place(e)) is not None:
            # q.make_upper() inside an expression: Rhai changes q where the call stands in
            # the evaluation order, and the call gives () (NULL)
            t = self.temp("t")
            return f"(({t} := {self.method_call('_changed', e)}), " \
                   f"{self.stored_at(place, f'{t}[0]')}, {t}[1])[2]"
        if e.name in TEXT_IN_PLACE and not held_by_variable(e.obj):
            # "AbC".make_lower(): Rhai changes a copy nobody keeps and gives ()
            return self.method_call("_dropped", e)
        return self.method_call("_meth", e)

    def method_call(self, helper: str, e: n.MethodCall, *extra: str) -> str:
        """``helper(obj, name, [args], *extra)``: how ``obj.name(args)`` reaches one of the
        method helpers of :mod:`interpreter.library.methods`."""
        args = ", ".join(self.expr(a) for a in e.args)
        tail = "".join(", " + x for x in extra)
        return f"{helper}({self.expr(e.obj)}, {e.name!r}, [{args}]{tail})"

    def ex_IsNull(self, e: n.IsNull) -> str:
        return f"({self.expr(e.operand)} is {'not ' if e.negate else ''}None)"

    def ex_ArrayLit(self, e: n.ArrayLit) -> str:
        return "[" + ", ".join(self.expr(i) for i in e.items) + "]"

    def ex_MapLit(self, e: n.MapLit) -> str:
        return "{" + ", ".join(f"{k!r}: {self.expr(v)}" for k, v in e.pairs) + "}"

    def ex_KeywordExpr(self, e: n.KeywordExpr) -> str:
        args = [self.clause_value(a) for a in e.args]
        if e.phrase == "GET BOT MEMORY" and len(args) == 1:
            return self.memget(e.args[0], args[0])
        if e.phrase == "HEAR":
            prompt = args[0] if args else "None"
            return f"(await R.hear('', 'STRING', (), {prompt}, None, {e.line}))"
        if e.phrase in ("FIRST", "LAST", "FORMAT", "DATEADD"):  # built-ins without parentheses
            b = lookup_builtin(e.phrase)
            if b is not None:
                return self.call_builtin(e, b, e.args + e.clauses.get("AS", []))
        return (f"(await R.keyword({e.phrase!r}, [{', '.join(args)}], "
                f"{self.clauses(e.clauses)}, {e.line}))")

    def call_user(self, node: n.Node, name: str, args: list[n.Node], statement: bool) -> str:
        sub = self.program.subs.get(name.lower())
        if sub is None and not args and name.upper() in ("ERR_CLEAR", "ERR", "ERROR"):
            return self.ex_Call(n.Call(node.line, node.col, name, []))
        if sub is None:
            b = lookup_builtin(name)
            if b is not None:
                return self.call_builtin(node, b, args)
            hint = did_you_mean(name, (s.name for s in self.program.subs.values()))
            # With arguments it is a statement General Bots cannot parse (Rhai reads
            # ``NAME "a", 2`` as a syntax error); a lone word is a variable read there.
            self.warn(node, f"unknown SUB or keyword '{name}'{hint}",
                      Severity.ERROR if args else Severity.WARNING, own_line=True)
            return f"R.fail_unknown({name!r})"
        if len(args) > len(sub.params):
            self.warn(node, f"{sub.name} takes {len(sub.params)} argument(s), got {len(args)}",
                      Severity.ERROR, own_line=True)
        codes = [self.expr(a) for a in args[: len(sub.params)]]
        if not self.debug:
            self.arg_facts.setdefault(sub.name.lower(), []).append(tuple(
                self.int_fact(args[i]) if i < len(args) else None
                for i in range(len(sub.params))))
        argv = "".join(", " + code for code in codes)
        if self.scope.sub is not None:
            self.calls.setdefault(self.scope.sub.name.lower(), set()).add(sub.name.lower())
        if self.debug:
            call = f"await {sub_function(sub.name)}(R, G, _dp + 1{argv})"
            if sub.name.lower() in self.quiet_subs:
                if self.quiet:  # in a loop's hook-free body: nothing can stop inside
                    return f"{self.quiet_function(sub.name)}(R, G{self.depth(sub)}{argv})"
                call = self.quiet_call(sub.name, codes)
            if not statement and self.scope.is_main:
                # The result first, then the locals reloaded if the user edited a variable
                # while paused inside (``(t := x) is t`` is always true: x evaluated first).
                t = self.temp("t")
                return (f"({t} if ({t} := {call}) is {t} and not R.edited "
                        f"else ({RELOAD_EXPR}R.unedit(), {t})[-1])")
        else:
            call = f"{sub_function(sub.name)}(R, G{self.depth(sub)}{argv})"
            if sub.name.lower() in self.sync_subs:  # never suspends: a plain call
                return call
            call = "await " + call
        return call if statement else f"({call})"

    def int_fact(self, e: n.Node) -> IntFact | None:
        kind = self.int_kind(e)
        return None if kind is None else (kind, self.int_bounds(e))

    def depth(self, sub: n.SubDef) -> str:
        """The call depth argument of a call of ``sub``'s release function or hook-free copy:
        none for the depth-free SUBs (ProgramFacts.depth_free)."""
        return "" if sub.name.lower() in self.depth_free else ", _dp + 1"

    def quiet_call(self, name: str, codes: list[str]) -> str:
        """Debug build: call the hook-free copy of SUB ``name`` while the debugger has
        nothing to stop at (``_Q[0]``), else the debug SUB. The arguments are evaluated
        once, before the test (``(t := x) is t`` is always true)."""
        args, binds = [], []
        for code in codes:  # a plain name goes in both branches; others would double the code
            read, first = self.operand(code)
            args.append(read)
            if first != read:
                binds.append(f"{first} is {read} and ")
        argv = "".join(", " + a for a in args)
        quiet = f"{self.quiet_function(name)}(R, G{self.depth(self.program.subs[name.lower()])}{argv})"
        debug = f"await {sub_function(name)}(R, G, _dp + 1{argv})"
        return f"({quiet} if {''.join(binds)}_Q[0] else {debug})"

    def clause_value(self, node: n.Node) -> str:
        """A keyword's argument or clause value. A word the parser took for a name
        (``SEND EMAIL TO x SUBJECT s``) is no variable: never assigned, it is NULL."""
        if (isinstance(node, n.Name) and self.bound is not None
                and node.name not in self.bound and node.name.lower() not in ERROR_STATE):
            return f"G.get({node.name!r})"
        return self.expr(node)

    def memget(self, key: n.Node, code: str) -> str:
        if isinstance(key, n.Interp) or isinstance(key, n.Literal) and isinstance(key.value, str) or (
                isinstance(key, n.Binary) and self.is_concat(key)):
            return f"_memget({code})"  # the key is text already
        return f"R.memget({code})"

    def clauses(self, clauses: dict[str, list[n.Node]]) -> str:
        items = ", ".join(f"{k!r}: [{', '.join(self.clause_value(v) for v in vs)}]"
                          for k, vs in clauses.items())
        return "{" + items + "}"
