"""Operator emitters of the code generator: NOT, unary minus and the binary operators,
with the inline int fast paths and a release build's fused arithmetic.

The fast paths test operand classes inline and fall back to the language's operator
functions (``_add``, ``_cmp``...), which define the semantics in every other case.
"""

from __future__ import annotations

from typing import Any

from ..syntax import nodes as n
from .analysis import changes_in_place, int_literal, is_bool, is_len_call
from .scope import ERROR_STATE, EmitterCore, RawValue

_ARITH = {"+": "_add", "-": "_sub", "*": "_mul", "/": "_div", "\\": "_idiv", "MOD": "_mod",
          "**": "_pow", "^": "_xor", "&": "_band", "|": "_bor",
          "<<": "_shl", ">>": "_shr", "LIKE": "_like", "??": "_nvl"}
_CMP = {"<": ("<", "_lt"), "<=": ("<=", "_le"), ">": (">", "_gt"), ">=": (">=", "_ge")}
_OVERFLOW = {"+": "Addition", "-": "Subtraction", "*": "Multiplication"}
# An int result outside these bounds overflowed Rhai's i64 (operators.I64_MIN/I64_MAX).
_RANGE = (-(2**63), 2**63 - 1)


class OperatorEmitters(EmitterCore):
    """Mixed into ``compiler.CodeGen``, which provides the state and output (emit,
    temp, warn), the scopes (scope, local), the debug hooks, and the other
    emitters' methods used here (expr, assign, ...)."""

    def ex_Unary(self, e: n.Unary) -> str:
        operand = self.expr(e.operand)
        if e.op in ("NOT", "!"):  # Rhai's ! or the engine's NOT(bool): each names itself
            return f"(not {operand})" if is_bool(e.operand) else f"_not({operand}, {e.op!r})"
        if e.op == "-":
            return f"_neg({operand})"
        return f"_num({operand})"

    def ex_Binary(self, e: n.Binary) -> str:
        if self.is_concat(e):
            return self.concat(e)
        if e.op not in ("AND", "OR") and not isinstance(e.left, (n.Literal, RawValue)) \
                and changes_in_place(e.right):
            # s + s.make_lower(): Rhai reads s before the right side changes it, and the
            # paths below may read the left side again after the right one
            t = self.temp("t")
            first = self.expr(e.left)
            rest = self.expr(n.Binary(e.line, e.col, e.op, RawValue(e.line, e.col, t), e.right))
            return f"(({t} := {first}), {rest})[1]"
        if e.op in ("+", "-", "*") and (span := self.int_bounds(e)) is not None and in_i64(span):
            # Both sides are ints whose values cannot take the result outside i64.
            return f"({self.atom(self.expr(e.left))} {e.op} {self.atom(self.expr(e.right))})"
        if e.op in ("+", "-", "*") and not self.debug and (fused := self.fused(e)):
            return fused
        a, b = self.expr(e.left), self.expr(e.right)
        op = e.op
        if op in ("AND", "OR"):
            left = a if is_bool(e.left) else f"_cond({a}, 'each side of {op}')"
            right = b if is_bool(e.right) else f"_cond({b}, 'each side of {op}')"
            return f"({left} {op.lower()} {right})"
        if (op in ("=", "<>") or op in _CMP) and (fused := self.mod_compare(e)) is not None:
            return fused
        if op == "=":
            return self.int_fast_path(e, a, b, "==", "_eq({}, {})")
        if op == "<>":
            return self.int_fast_path(e, a, b, "!=", "_ne({}, {})")
        if op in _CMP:
            py_op, function = _CMP[op]
            return self.int_fast_path(e, a, b, py_op, function + "({}, {})")
        if op in ("+", "-", "*"):
            return self.int_fast_path(e, a, b, op, f"{_ARITH[op]}({{}}, {{}})")
        if op == "MOD" and (k := int_literal(e.right)) is not None and k > 0:
            kind = self.int_kind(e.left)
            if kind:  # a known non-negative int
                return f"({a} % {k})"
            t, first = self.operand(a)  # Python's % equals BASIC's MOD for a >= 0, b > 0
            if kind is not None:
                return f"({t} % {k} if {first} >= 0 else _mod({t}, {k}))"
            return f"({t} % {k} if {first}.__class__ is _int and {t} >= 0 else _mod({t}, {k}))"
        if op == "CONTAINS":
            return f"_contains({a}, {b})"
        if op == "IN":
            return f"_in({a}, {b})"
        return f"{_ARITH[op]}({a}, {b})"

    def ex_RawValue(self, e: RawValue) -> str:
        return e.code

    def mod_compare(self, e: n.Binary) -> str | None:
        """``x MOD k = c`` (any comparison; k > 0 and c int literals, x of no known class):
        one class test of x for both operators, as ``x % k`` of an int ``x >= 0`` is an
        int; else the language's MOD, then its comparison. x is evaluated first, once."""
        left, right = e.left, e.right
        if not (isinstance(left, n.Binary) and left.op == "MOD" and not self.is_concat(left)
                and isinstance(right, n.Literal) and type(right.value) is int
                and (k := int_literal(left.right)) is not None and k > 0
                and self.int_kind(left.left) is None):
            return None
        (x, first), c = self.operand(self.expr(left.left)), right.value
        if e.op in ("=", "<>"):
            py_op = "==" if e.op == "=" else "!="
            general = f"{'_eq' if e.op == '=' else '_ne'}(_mod({x}, {k}), {c})"
        else:
            py_op, function = _CMP[e.op]
            general = f"{function}(_mod({x}, {k}), {c})"
        # Divisible or not: the same for a negative int (Python's % and Rhai's differ in
        # sign only, and -0 is 0), so no sign test.
        sign = "" if c == 0 and e.op in ("=", "<>") else f" and {x} >= 0"
        return f"({x} % {k} {py_op} {c} if {first}.__class__ is _int{sign} else {general})"

    def int_kind(self, e: n.Node) -> bool | None:
        """Whether ``e`` always yields an int (exactly; not a bool): None when not known,
        else True when it is also never negative, False when it may be.

        Known: int literals, loop variables in self.ints, and + - * MOD of known ints
        (their operators on two ints give Python's int result)."""
        if isinstance(e, n.Literal):
            return e.value >= 0 if type(e.value) is int else None
        if is_len_call(e, self.program.subs):
            return True
        if isinstance(e, n.Name):
            key = e.name
            known = self.ints.get(key)
            if known is None or key in ERROR_STATE or self.local(key) != known[0]:
                return None
            return known[1]
        if not isinstance(e, n.Binary) or e.op not in ("+", "-", "*", "MOD"):
            return None
        left = self.int_kind(e.left)
        if left is None or self.is_concat(e):
            return None
        if e.op == "MOD":
            k = int_literal(e.right)
            return None if k is None or k < 0 else left
        right = self.int_kind(e.right)
        if right is None:
            return None
        return left and right and e.op != "-"

    def int_bounds(self, e: n.Node) -> tuple[int, int] | None:
        """The lowest and highest int ``e`` can yield, when known: int literals, FOR variables
        with literal bounds (self.ints) and + - * MOD of such. A bound past i64 means the
        operation may overflow (and raise): callers check the span still fits."""
        if isinstance(e, n.Literal):
            return (e.value, e.value) if type(e.value) is int else None
        if is_len_call(e, self.program.subs):
            return 0, _RANGE[1]
        if isinstance(e, n.Name):
            return self.ints[e.name][2] if self.int_kind(e) is not None else None
        if not isinstance(e, n.Binary) or e.op not in ("+", "-", "*", "MOD") or self.is_concat(e):
            return None
        left = self.int_bounds(e.left)
        if left is None or not in_i64(left):
            return None
        if e.op == "MOD":  # the sign of the dividend, smaller than the divisor
            k = int_literal(e.right)
            if k is None or k < 0:
                return None
            return (0, k - 1) if left[0] >= 0 else (1 - k, k - 1)
        right = self.int_bounds(e.right)
        if right is None or not in_i64(right):
            return None
        if e.op == "+":
            return left[0] + right[0], left[1] + right[1]
        if e.op == "-":
            return left[0] - right[1], left[1] - right[0]
        corners = [x * y for x in left for y in right]
        return min(corners), max(corners)

    @staticmethod
    def atom(code: str) -> str:
        """A generated operand safe next to a binary operator (``-1`` becomes ``(-1)``)."""
        return code if code.isidentifier() or code.startswith("(") else f"({code})"

    def int_fast_path(self, e: n.Binary, a: str, b: str, py_op: str, general: str) -> str:
        """Python's own operator when both sides are ints, else the language's operator.

        Loop counters, sums and comparisons are int on int far more often than anything
        else; the check inline saves a call per operation. ``^`` is left out on purpose: its
        general function refuses results that would exhaust memory. A side known to be an
        int (int_kind) is not tested.
        """
        left_int = self.int_kind(e.left) is not None
        right_int = self.int_kind(e.right) is not None
        if py_op in _OVERFLOW:
            return self.checked_fast_path(e, a, b, py_op, general, left_int, right_int)
        left, first = self.operand(a)
        kind = type(e.right.value).__name__ if isinstance(e.right, n.Literal) else ""
        if left_int and right_int:
            return f"({a} {py_op} {b})"
        if kind == "str" and py_op in ("==", "!="):
            # _eq: only equal text is equal to text. Python's == of any value with text is
            # false unless it is equal text, so the class is tested after a match only.
            if py_op == "==":
                return f"({first} == {b} and {left}.__class__ is _str)"
            return f"({first} != {b} or {left}.__class__ is not _str)"
        if kind == "int":
            # A literal: one class test, and = / <> on text is Python's (exact) comparison.
            test = f"{first}.__class__ is _{kind}"
            right = b
        else:
            right, second = self.operand(b)
            if left_int and first == left:  # a plain name: read again after the right side
                test = f"{second}.__class__ is _int"
            elif right_int and second == right:
                test = f"{first}.__class__ is _int"
            else:
                test = f"{first}.__class__ is {second}.__class__ is _int"
        return f"({left} {py_op} {right} if {test} else {general.format(left, right)})"

    def checked_fast_path(self, e: n.Binary, a: str, b: str, py_op: str, general: str,
                          left_int: bool, right_int: bool) -> str:
        """``+ - *`` on two ints in Python, kept only when inside Rhai's i64 (else the
        language's operator, with the same operands, raises the overflow error). A side
        known to be an int (int_kind) is not tested; an int literal is used as written."""
        left, first = (a, a) if int_literal(e.left) is not None else self.operand(a)
        right, second = (b, b) if int_literal(e.right) is not None else self.operand(b)
        if left == first and not left.isidentifier():  # a literal: (-1) reads as a value
            left = first = f"({left})"
        if right == second and not right.isidentifier():
            right = second = f"({right})"
        t = self.temp("t")
        def fits(a: str, b: str) -> str:
            return self.range_test(e, t, f"{a} {py_op} {b}")

        if left_int and right_int:  # evaluated in order inside the range test
            test = fits(first, second)
        elif right_int and second == right:  # a plain int name: read after the left side
            test = f"{first}.__class__ is _int and {fits(left, right)}"
        elif left_int and first == left:
            test = f"{second}.__class__ is _int and {fits(left, right)}"
        else:
            test = f"{first}.__class__ is {second}.__class__ is _int and {fits(left, right)}"
        return f"({t} if {test} else {general.format(left, right)})"

    def range_test(self, e: n.Binary, t: str, code: str, one_sided: bool = True) -> str:
        """``t := code`` within i64. Adding or subtracting an int that is never negative (or
        never positive), such as a literal, can only cross one bound (x + 1 only the upper
        one): one comparison instead of two."""
        lo, hi = _RANGE
        span, other = self.int_bounds(e.right), e.left
        if span is None and e.op == "+":
            span, other = self.int_bounds(e.left), e.right
        # The other side must be a known int, which is inside i64 (an int from outside,
        # read from a variable, may already be past it: x - 3 could stay above i64).
        if (one_sided and span is not None and e.op in ("+", "-")
                and (span[0] >= 0 or span[1] <= 0) and self.int_kind(other) is not None):
            up = (span[0] >= 0) == (e.op == "+")
            return f"({t} := {code}) <= {hi}" if up else f"({t} := {code}) >= {lo}"
        # Two comparisons joined by ``and`` run faster than Python's chained comparison.
        return f"({t} := {code}) <= {hi} and {t} >= {lo}"

    def plain(self, e: n.Node) -> bool:
        """Whether ``e`` compiles to a plain name or number (read twice at no risk)."""
        if isinstance(e, n.Literal):
            return type(e.value) is int
        return (isinstance(e, n.Name) and e.name.lower() not in ERROR_STATE
                and self.local(e.name) is not None)

    def fused(self, e: n.Binary) -> str | None:
        """A release build's ``a + b * c`` (two or more of + - * on numbers): one class test
        of all its operands, then Python's arithmetic, else the language's operators nested.

        The operands are evaluated first, left to right, each once: at most two that are
        not plain names, bound by ``:=`` at the head of the ``is`` chain, whose first two
        terms are always evaluated. Plain names are read after them (nothing rebinds them).
        """
        leaves: list[n.Node] = []
        first_op: list[int] = []  # how many leaves were evaluated when an operator first ran

        def shape(node: n.Node) -> Any:
            if (isinstance(node, n.Binary) and node.op in ("+", "-", "*")
                    and not self.is_concat(node)):
                tree = (node.op, shape(node.left), shape(node.right), node)
                first_op.append(len(leaves))
                return tree
            leaves.append(node)
            return len(leaves) - 1

        tree = shape(e)
        # Decided before any code is generated (generating twice would warn twice).
        if len(leaves) < 3 or any(isinstance(x, n.Literal) and type(x.value) is not int
                                  or changes_in_place(x) for x in leaves):
            return None
        bound_at = [i for i, x in enumerate(leaves) if not self.plain(x)]
        # An operator may fail (text * 2): no operand that is not a plain name may be
        # evaluated after it in the nested order (``F() * x + G()`` stays nested).
        if len(bound_at) > 2 or (bound_at and bound_at[-1] >= first_op[0]):
            return None
        reads: list[str] = []
        bound: list[str] = []
        plain: list[str] = []
        for leaf in leaves:
            code = self.expr(leaf)
            if self.plain(leaf) and self.int_kind(leaf) is not None:
                reads.append(code)  # a known int: no test
                continue
            t, first = self.operand(code)
            reads.append(t)
            (plain if first == t else bound).append(f"{first}.__class__")
        assert len(bound) <= 2, bound

        checks: list[str] = []

        def fast(node: Any) -> str:
            """Python's arithmetic; each result that may leave i64 is bound to a temporary
            and its range test appended to ``checks`` (children before their parent)."""
            if isinstance(node, int):
                return reads[node]
            op, left, right, binary = node
            code = f"{fast(left)} {op} {fast(right)}"
            span = self.int_bounds(binary)
            if span is not None and in_i64(span):
                return f"({code})"
            t = self.temp("t")
            # Both bounds: a leaf may hold an int from outside that is already past i64.
            checks.append(self.range_test(binary, t, code, one_sided=False))
            return t

        def slow(node: Any) -> str:
            if isinstance(node, int):
                return reads[node]
            op, left, right, _ = node
            return f"{_ARITH[op]}({slow(left)}, {slow(right)})"

        result = fast(tree)
        # Checked as Rhai checks each operation (an intermediate result too: a + b * c
        # fails when b * c overflows): a result outside i64 takes the language's operators,
        # which raise at the operation that overflowed.
        tests = bound + plain
        test = " and ".join(([f"{' is '.join(tests)} is _int"] if tests else []) + checks)
        return f"({result} if {test} else {slow(tree)})"


def in_i64(span: tuple[int, int]) -> bool:
    """Whether every int between the span's bounds is inside Rhai's i64."""
    return _RANGE[0] <= span[0] and span[1] <= _RANGE[1]
