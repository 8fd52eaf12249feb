"""The code generator's program facts, found in one walk, are what each one's own walk finds
(the definitions below are the three separate walks they replace)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter.codegen.analysis import node_bindings, program_facts
from interpreter.syntax import nodes as n
from interpreter.syntax.parser.core import parse
from tests.interpreter.checking.test_reuse import BASE, apply, edits


def names_in_subs(program: n.Program) -> set[str]:
    return {value for node in n.walk(list(program.subs.values()))
            for attr in ("name", "var")
            if isinstance(value := getattr(node, attr, None), str)}


def bound_names(program: n.Program) -> set[str] | None:
    names = {name for sub in program.subs.values() for name in (*sub.params, sub.name)}
    for node in n.walk([*program.body, *program.subs.values()]):
        bound = node_bindings(node)
        if bound is None:
            return None
        names |= bound
    return names


def recursive_subs(program: n.Program) -> set[str]:
    callees = {key: {node.name.lower() for node in n.walk(sub.body)
                     if isinstance(node, (n.Call, n.CallSub))
                     and node.name.lower() in program.subs}
               for key, sub in program.subs.items()}

    def reaches(start: str) -> bool:
        seen, todo = set(), list(callees[start])
        while todo:
            key = todo.pop()
            if key == start:
                return True
            if key not in seen:
                seen.add(key)
                todo.extend(callees[key])
        return False

    return {key for key in callees if reaches(key)}


def assert_facts_match(text: str) -> None:
    program, _ = parse(text, "dialog.bas")
    facts = program_facts(program)
    assert facts.shared == names_in_subs(program)
    assert facts.bound == bound_names(program)
    assert facts.recursive == recursive_subs(program)


def test_facts_of_a_dialog_with_recursion_and_shared_names() -> None:
    text = ("total = 0\nSUB A(x)\n  total = total + x\n  CALL B(x)\nEND SUB\n"
            "SUB B(y)\n  IF y > 0 THEN CALL A(y - 1)\nEND SUB\n"
            "FUNCTION F(v)\n  F = v\nEND FUNCTION\nCALL A(3)\n")
    program, _ = parse(text, "dialog.bas")
    facts = program_facts(program)
    assert facts.recursive == {"a", "b"}
    assert "total" in facts.shared and facts.bound is not None and "total" in facts.bound
    assert_facts_match(text)


def test_a_target_that_is_no_plain_name_leaves_the_bound_names_open() -> None:
    text = "SUB A()\n  GetList()[0] = 1\nEND SUB\nx = 1\n"
    assert_facts_match(text)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edits, min_size=0, max_size=4))
def test_facts_match_the_separate_walks_on_edited_dialogs(steps) -> None:
    text = BASE
    for step in steps:
        text = apply(text, step)
    assert_facts_match(text)
