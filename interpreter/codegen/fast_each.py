"""FOR EACH's specialised pass: a chunk of items run on ints alone, handing over to the
general code where one of its assumptions fails.

Release builds (and debug builds while the debugger has nothing to stop at, ``_Q[0]``)
run a FOR EACH whose body only assigns the dialog's variables and tests them (IF) with
``+ - *`` and comparisons over int literals, variables and the item's members, as:

    _it = _iter(chunk)
    if <the variables the body reads hold ints in (-2**62, 2**62)>:
        for item in _it:
            <the body on ints: each statement first tests what it assumes (the members it
             reads are ints of a map, its result is in range); if not, ``break``>
        else: <tick>; continue
        <the hand-over: the general code from the failing statement to the end of the pass>
    for item in _it: <the general body>     (the rest of the chunk, after a hand-over)

Why this is exact: the fast statement assigns nothing before its tests pass, and the
tests only read (a miss is a plain subscript's KeyError/TypeError, as in
statements.speculate), so the general code that takes over computes the statement from
scratch and raises its errors at its line. What the tests save, and why each is enough:
- a member read once per pass: nothing in the body can write into a map;
- the i64 test of ``a + x`` (or ``a - x``) where |a| < 2**62 is one test of the result
  against ±2**62, which bounds x to ±2**63 as well (x is not tested on its own);
- the dialog's variables are ints in (-2**62, 2**62) at each chunk's start, and every
  fast assignment keeps them there, so reading one needs no class test; a variable that
  is only ever changed by ``v = v ± literal`` is not tested per pass at all: a window
  (at most WINDOW passes) cannot take it past ±2**63 from there;
- a range test compares with ±(2**30 - 1) first: CPython compares one-digit ints on a
  fast path, and bigger constants never take it.
Release builds also read the list in place (operators.each_windows): such a body cannot
change it, and a copy would touch every item once more. They tick once per window of
WINDOW items; the general code a window hands over to counts its items one by one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..library.operators import WINDOW
from ..syntax import nodes as n
from .scope import ERROR_STATE

if TYPE_CHECKING:
    from .compiler import CodeGen

I64_MIN, I64_MAX = -(2**63), 2**63 - 1
NARROW = 2**62  # a fast pass's variables: |v| < NARROW
COMPACT = 2**30 - 1  # the largest one-digit int of CPython (see the module)
_ARITH = ("+", "-", "*")
_COMPARE = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
Bound = int | None  # the largest |value| an expression can have; None: unknown


def _is_int_literal(e: n.Node) -> bool:
    return isinstance(e, n.Literal) and e.value.__class__ is int


class _Shape:
    """What the body reads and assigns, by Python local; None from ``of`` when the body is
    not one the fast pass runs."""

    def __init__(self) -> None:
        self.reads: set[str] = set()  # variables read outside drift statements
        self.assigned: set[str] = set()
        self.steps: dict[str, int] = {}  # v = v ± k statements: v -> sum of |k|
        self.others: set[str] = set()  # variables with an assignment of another form


class FastEach:
    """Emits the specialised pass of one FOR EACH into ``gen``'s output (see the module)."""

    def __init__(self, gen: CodeGen, s: n.ForEach, item: str, first: list[str]) -> None:
        self.gen, self.s, self.item, self.first = gen, s, item, first
        self.known: dict[str, str] = {}  # member -> the temp holding its int, this pass
        self.shape = _Shape()
        self.drift: set[str] = set()
        self.entry: set[str] = set()  # the variables tested at each chunk's start
        self.ok = self.eligible()  # whether the body is one the fast pass runs
        # The pass's hand-overs: the item's lines not run yet (debug builds), the statements.
        self.handovers: list[tuple[list[str], list[list[n.Node]]]] = []
        self.which = ""  # the local saying which hand-over a miss takes
        self.marks: list[int] = []  # the output lines that set it

    # ------------------------------------------------------------ eligibility

    def eligible(self) -> bool:
        gen = self.gen
        if gen.scope.resume_next or not self.body_ok(self.s.body):
            return False
        shape = self.shape
        self.drift = {v for v in shape.steps if v not in shape.others and v not in shape.reads}
        shape.reads |= set(shape.steps) - self.drift  # their step statements read them
        self.entry = self.read_before_set()
        # A window (a debug build's chunk is shorter) moves a drift variable by at most
        # WINDOW times its steps.
        if any(WINDOW * shape.steps[v] >= I64_MAX - NARROW for v in self.drift):
            return False
        return bool(shape.assigned)

    def read_before_set(self) -> set[str]:
        """The variables a pass may read before it sets them (the others, set by a
        statement of the body's top level before any read, hold the pass's own ints)."""
        entry: set[str] = set()
        defined: set[str] = set()
        for st in self.s.body:
            entry |= {v for x in n.walk(_values(st)) if (v := self.var(x)) is not None} - defined
            if isinstance(st, n.Assign) and (target := self.var(st.target)) is not None:
                defined.add(target)
        return entry

    def body_ok(self, body: list[n.Node]) -> bool:
        for st in body:
            if isinstance(st, n.Assign):
                if not self.assign_ok(st):
                    return False
            elif isinstance(st, n.If):
                for cond, branch in st.branches:
                    if not (isinstance(cond, n.Binary) and cond.op in _COMPARE
                            and self.expr_ok(cond.left) and self.expr_ok(cond.right)
                            and self.body_ok(branch)):
                        return False
                if st.else_body is not None and not self.body_ok(st.else_body):
                    return False
            else:
                return False
        return True

    def assign_ok(self, st: n.Assign) -> bool:
        target = self.var(st.target)
        if target is None:
            return False
        self.shape.assigned.add(target)
        step = self.step(st)
        if step is not None:
            self.shape.steps[target] = self.shape.steps.get(target, 0) + step
            return True
        self.shape.others.add(target)
        return self.expr_ok(st.value)

    def step(self, st: n.Assign) -> int | None:
        """|k| when ``st`` is ``v = v + k``, ``v = v - k`` or ``v = k + v`` (k an int literal)."""
        e, target = st.value, self.var(st.target)
        if not (isinstance(e, n.Binary) and e.op in ("+", "-")):
            return None
        for same, k in ((e.left, e.right), (e.right, e.left) if e.op == "+" else (None, None)):
            if same is not None and k is not None and _is_int_literal(k) \
                    and self.var(same) == target:
                return abs(k.value)  # type: ignore[attr-defined]
        return None

    def expr_ok(self, e: n.Node) -> bool:
        if _is_int_literal(e):
            return True
        if isinstance(e, n.Member):
            return (not e.optional and isinstance(e.obj, n.Name) and e.obj.name == self.s.var)
        if isinstance(e, n.Binary):
            return e.op in _ARITH and self.expr_ok(e.left) and self.expr_ok(e.right)
        var = self.var(e)
        if var is None:
            return False
        self.shape.reads.add(var)
        return True

    def var(self, e: n.Node) -> str | None:
        """The Python local of a dialog variable other than the loop's, else None."""
        if not isinstance(e, n.Name) or e.name == self.s.var or e.name.lower() in ERROR_STATE:
            return None
        return self.gen.local(e.name)

    # ------------------------------------------------------------ emission

    def emit(self, chunk: str, it: str, size: str) -> bool:
        """Emit the iterator and the specialised pass over it; False (nothing emitted) when
        the body is not one it runs, or (debug builds) when its code would await."""
        gen = self.gen
        if not self.ok:
            return False
        start, notes = len(gen.out), len(gen.diagnostics)
        quiet, maps, gen.quiet, gen.maps = gen.quiet, gen.maps, gen.debug, {}
        try:
            gen.emit(f"{it} = _iter({chunk})", self.s)
            entry = self.entry_test()
            if gen.debug:
                entry = "_Q[0]" + (f" and {entry}" if entry else "")
            gen.emit(f"if {entry}:" if entry else "if True:", self.s)
            gen.indent += 1
            gen.emit(f"for {self.item} in {it}:", self.s)
            gen.indent += 1
            body = len(gen.out)
            if gen.debug and not self.reads_item_first():
                for line in self.first:
                    gen.emit(line)
                self.first = []
            self.body(self.s.body, [])
            awaits = any("await " in line for line in gen.out[body:])
            gen.indent -= 1
            gen.cur = (self.s.line, self.s.col)
            gen.emit("else:")
            gen.emit(f"    _n -= {size}")
            if gen.debug:  # chunks of CHUNK copied items
                gen.emit("    if _n <= 0: _n += await R.tick()")
            else:  # a window (operators.each_windows) may be longer than a tick's chunk
                gen.emit(f"    if _n <= 0: _n = await R.tick({size})")
            gen.emit("    continue")
            handovers = len(gen.out)
            self.emit_handovers()
            awaits = awaits or any("await " in line for line in gen.out[handovers:])
            gen.indent -= 1
        finally:
            gen.quiet, gen.maps = quiet, maps
        del gen.diagnostics[notes:]  # the general body reports them
        if awaits and gen.debug:  # a pass that may pause cannot skip the hooks
            del gen.out[start:], gen.line_map[start:]
            return False
        return True

    def reads_item_first(self) -> bool:
        """Whether the body's first test reads a member of the item: a pass that gets past
        it has a map for item, so the ``first`` lines (run only for NULL) can wait for a
        hand-over."""
        st = self.s.body[0]
        first = st.branches[0][0] if isinstance(st, n.If) else st
        return any(isinstance(x, n.Member) for x in n.walk(first)) and not (
            isinstance(st, n.Assign) and self.var(st.target) in self.drift)

    def entry_test(self) -> str:
        tested = sorted(self.entry)
        if not tested:
            return ""
        classes = "".join(f"{v}.__class__ is " for v in tested) + "_int"
        return " and ".join([classes] + [f"{-NARROW} < {v} < {NARROW}" for v in tested])

    def body(self, stmts: list[n.Node], after: list[list[n.Node]]) -> None:
        if not stmts:
            self.gen.emit("pass")
        for i, st in enumerate(stmts):
            rest = [stmts[i:], *after]
            if isinstance(st, n.Assign):
                self.assign(st, rest)
            else:
                assert isinstance(st, n.If)
                self.if_(st, 0, rest, [stmts[i + 1:], *after])

    def hand_over(self, rest: list[list[n.Node]]) -> None:
        """Leave the pass for its hand-over code (emit_handovers), which runs the general
        code from the failing statement to the end of the pass; then the general loop takes
        the chunk's other items."""
        gen = self.gen
        first = list(self.first) if gen.debug else []  # the item's lines not run yet
        self.which = self.which or gen.temp("h")
        self.marks.append(len(gen.out))
        gen.emit(f"{self.which} = {len(self.handovers)}")  # which one (only a miss pays)
        self.handovers.append((first, rest))
        gen.emit("break")

    def emit_handovers(self) -> None:
        """The hand-over code, after the pass's loop (reached by its ``break`` alone): kept
        out of the loop, the passes that take no hand-over jump over none of it."""
        gen = self.gen
        many = len(self.handovers) > 1
        if not many:  # nothing to tell apart
            for i in reversed(self.marks):
                del gen.out[i], gen.line_map[i]
        for k, (first, rest) in enumerate(self.handovers):
            if many:
                gen.emit(f"{'el' if k else ''}if {self.which} == {k}:", self.s)
                gen.indent += 1
            for line in first:
                gen.emit(line)  # (debug builds) an item read by no test before
            for stmts in rest:
                for st in stmts:
                    gen.statement(st)
            if many:
                gen.indent -= 1

    def test(self, parts: list[str], raises: bool, rest: list[list[n.Node]],
             node: n.Node) -> None:
        """Hand over unless all of ``parts`` hold (evaluated in order, the member reads
        among them raising for anything but a map with that key)."""
        if not parts:
            return
        gen = self.gen
        cond = " and ".join(parts)
        if raises:
            # Anything the reads raise hands over too: the general code raises its own.
            gen.emit("try:", node)
            gen.emit(f"    if not ({cond}): raise _Exception")
            gen.emit("except _Exception:")
        else:
            gen.emit(f"if not ({cond}):", node)
        gen.indent += 1
        self.hand_over(rest)
        gen.indent -= 1

    def assign(self, st: n.Assign, rest: list[list[n.Node]]) -> None:
        gen = self.gen
        target = self.var(st.target)
        assert target is not None
        gen.assigned.add(st.target.name)  # type: ignore[attr-defined]
        if target in self.drift:
            e = st.value
            assert isinstance(e, n.Binary)
            gen.emit(f"{target} = {self.plain(e.left)} {e.op} {self.plain(e.right)}", st)
            return
        reads: list[tuple[str, str]] = []
        parts: list[str] = []
        code, bound = self.top(st.value, reads, parts)
        # An operation's result is tested; so is a value a later read takes as |v| < NARROW.
        if (bound is None or bound >= NARROW) and (
                target in self.shape.reads or isinstance(st.value, n.Binary)):
            s = gen.temp("s")
            parts.append(_within(s, code, -NARROW + 1, NARROW - 1))
            code = s
        self.test(self.join(reads, parts), bool(reads), rest, st)
        gen.emit(f"{target} = {code}", st)

    def if_(self, st: n.If, k: int, rest: list[list[n.Node]],
            after: list[list[n.Node]]) -> None:
        gen = self.gen
        cond, branch = st.branches[k]
        assert isinstance(cond, n.Binary)
        reads: list[tuple[str, str]] = []
        parts: list[str] = []
        left, _ = self.value(cond.left, reads, parts, derived=False)
        right, _ = self.value(cond.right, reads, parts, derived=False)
        # A miss in any condition runs the whole IF again: its conditions only read.
        self.test(self.join(reads, parts), bool(reads), rest, st)
        gen.emit(f"if {left} {_COMPARE[cond.op]} {right}:", cond)
        known = dict(self.known)
        gen.indent += 1
        self.body(branch, after)
        gen.indent -= 1
        self.known = dict(known)
        if k + 1 < len(st.branches):
            gen.emit("else:")
            gen.indent += 1
            self.if_(st, k + 1, rest, after)
            gen.indent -= 1
        elif st.else_body:
            gen.emit("else:")
            gen.indent += 1
            self.body(st.else_body, after)
            gen.indent -= 1
        self.known = known

    @staticmethod
    def join(reads: list[tuple[str, str]], parts: list[str]) -> list[str]:
        """The member reads' class tests as one chain (``a.__class__ is b.__class__ is
        _int``: one test fewer than one each), then the value tests."""
        if not reads:
            return parts
        chain = "".join(f"({t} := {code}).__class__ is " for t, code in reads) + "_int"
        return [chain, *parts]

    def plain(self, e: n.Node) -> str:
        return repr(e.value) if isinstance(e, n.Literal) else self.var(e) or ""

    def static_bound(self, e: n.Node) -> Bound:
        if isinstance(e, n.Literal):
            return abs(e.value)
        if isinstance(e, n.Member):
            return None
        if isinstance(e, n.Binary):
            return _combine(e.op, self.static_bound(e.left), self.static_bound(e.right))
        return NARROW - 1

    def top(self, e: n.Node, reads: list[tuple[str, str]],
            parts: list[str]) -> tuple[str, Bound]:
        """A statement's value: its outermost operation is not tested here (the caller
        tests the result against ±NARROW, which covers it); when that is ``a ± x`` with
        |a| < NARROW, x is not tested either (see the module)."""
        if not isinstance(e, n.Binary):
            return self.value(e, reads, parts, derived=False)
        small = [b is not None and b < NARROW
                 for b in (self.static_bound(e.left), self.static_bound(e.right))]
        additive = e.op in ("+", "-")
        a, ba = self.value(e.left, reads, parts, derived=additive and small[1])
        b, bb = self.value(e.right, reads, parts, derived=additive and small[0] and not small[1])
        return f"{a} {e.op} {b}", _combine(e.op, ba, bb)

    def value(self, e: n.Node, reads: list[tuple[str, str]], parts: list[str],
              derived: bool) -> tuple[str, Bound]:
        """Python code for an int expression and its bound; an operation whose result may
        leave i64 is tested (in ``parts``) unless ``derived`` (the statement's test covers
        it)."""
        if isinstance(e, n.Literal):
            return repr(e.value), abs(e.value)
        if isinstance(e, n.Member):
            if e.name not in self.known:
                t = self.gen.temp("m")
                self.known[e.name] = t
                reads.append((t, f"{self.item}[{e.name!r}]"))
            return self.known[e.name], None
        if isinstance(e, n.Binary):
            a, ba = self.value(e.left, reads, parts, derived=False)
            b, bb = self.value(e.right, reads, parts, derived=False)
            bound = _combine(e.op, ba, bb)
            code = f"({a} {e.op} {b})"
            if derived or (bound is not None and bound <= I64_MAX):
                return code, bound
            t = self.gen.temp("t")
            parts.append(_within(t, f"{a} {e.op} {b}", I64_MIN, I64_MAX))
            return t, I64_MAX
        var = self.var(e)
        assert var is not None
        return var, NARROW - 1


def _within(t: str, code: str, low: int, high: int) -> str:
    """A test that ``code``'s value (bound to ``t``) is in [low, high]: first against the
    compact bounds (the common case's fast comparison), then against the real ones."""
    return (f"(({t} := {code}) <= {COMPACT} and {t} >= {-COMPACT} "
            f"or {low} <= {t} <= {high})")


def _combine(op: str, a: Bound, b: Bound) -> Bound:
    if a is None or b is None:
        return None
    return a * b if op == "*" else a + b


def _values(st: n.Node) -> list[n.Node]:
    """The expressions a fast statement evaluates (not the variables it assigns)."""
    if isinstance(st, n.Assign):
        return [st.value]
    assert isinstance(st, n.If)
    found = [cond for cond, _ in st.branches]
    for body in [b for _, b in st.branches] + [st.else_body or []]:
        for inner in body:
            found += _values(inner)
    return found
