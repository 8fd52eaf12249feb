"""Evaluating a BASIC expression typed while paused (watches, conditions, logpoints, edits).

The expression is parsed with the project's parser and compiled by the same ``CodeGen``
expression compiler as the script, so it means exactly what it would mean in the code.
It is compiled once in "SUB scope" (``_getv(L, G, name)``: locals, then globals) and run
with ``L`` = the chosen frame's variables; for the dialog frame ``L`` *is* the globals.
Anything that would need an ``await`` (HEAR, LLM, a user FUNCTION, ...) is refused: the
paused run must not talk to the user or to a provider behind the user's back.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import CodeType
from typing import Any

from ..codegen.compiler import CodeGen
from ..codegen.scope import Scope
from ..errors import BasicSyntaxError, Diagnostic, Severity
from ..library.methods import NAMESPACE
from ..syntax import nodes as n
from ..syntax.lexer import Kind, tokenize
from ..syntax.parser.core import ParseError, Parser
from ..values import BasicValueError

EXPRESSION_FILE = "<expression>"


@dataclass(frozen=True)
class CompiledExpression:
    text: str
    code: CodeType
    builtins: dict[str, Any]


def parse_expression(text: str) -> n.Node:
    """One BASIC expression, or BasicSyntaxError saying what is wrong with it."""
    if not text.strip():
        raise _syntax("an expression is needed", 1)
    tokens, diagnostics = tokenize(text, EXPRESSION_FILE)
    if diagnostics:
        raise BasicSyntaxError(diagnostics)
    parser = Parser(tokens, EXPRESSION_FILE, text)
    try:
        node = parser.expression()
    except ParseError as e:
        raise _syntax(e.message, e.tok.col) from None
    if parser.tok.kind not in (Kind.NEWLINE, Kind.EOF):
        raise _syntax(f"unexpected {parser.tok.describe()} after the expression", parser.tok.col)
    return node


def compile_expression(program: n.Program, text: str) -> CompiledExpression:
    """Compile ``text`` against ``program`` (its SUBs and built-ins); refuses awaiting code."""
    node = parse_expression(text)
    gen = CodeGen(program, debug=False)
    gen.bound = None  # a watch reads what exists: a SUB's locals, then the globals
    gen.scope = Scope(_EVAL_SCOPE)
    source = gen.expr(node)
    errors = [d for d in gen.diagnostics if d.severity is Severity.ERROR]
    if errors:
        raise BasicValueError(errors[0].message)
    if "await " in source:
        raise BasicValueError("this expression calls a keyword or FUNCTION that needs the "
                              "run to continue (HEAR, LLM, ...); it cannot be evaluated "
                              "while paused")
    return CompiledExpression(text, compile(source, EXPRESSION_FILE, "eval"), gen.builtins)


def run_expression(expr: CompiledExpression, runtime: Any, local: dict[str, Any],
                   glob: dict[str, Any]) -> Any:
    """Evaluate synchronously; every failure becomes a BasicValueError with a clear message."""
    ns: dict[str, Any] = dict(NAMESPACE)
    ns.update(expr.builtins)
    ns.update({"__builtins__": {}, "R": runtime, "L": local, "G": glob})
    memory = getattr(runtime, "memory", None)
    if memory is not None:  # GET BOT MEMORY with a text key compiles to _memget(key)
        ns["_memget"] = memory.get
    try:
        return eval(expr.code, ns)
    except BasicValueError:
        raise
    except ZeroDivisionError:
        raise BasicValueError("division by zero") from None
    except Exception as e:  # noqa: BLE001 - an evaluation must never crash the run
        raise BasicValueError(f"cannot evaluate '{expr.text}': {type(e).__name__}: {e}") \
            from None


def _syntax(message: str, col: int) -> BasicSyntaxError:
    return BasicSyntaxError([Diagnostic(EXPRESSION_FILE, 1, col, Severity.ERROR, message)])


# A stand-in SUB so CodeGen reads names as "locals, then globals".
_EVAL_SCOPE = n.SubDef(0, 0, "(expression)", [], [], False)
