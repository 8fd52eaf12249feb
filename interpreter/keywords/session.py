"""Dialog and session keywords that need no outside service."""

from __future__ import annotations

from typing import Any

from ..events import Printed
from ..ports.host import Suggestion
from ..values import BasicValueError, Thrown, to_display
from .context import Clauses, KeywordContext
from .registry import keyword, one


@keyword("TALK TO", args=2, usage="a recipient and a message")
async def talk_to(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    await rt.talk(args[1], line, recipient=to_display(args[0]))


@keyword("SET CONTEXT", args=(1, 2))
async def set_context(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    # ``SET CONTEXT "name" AS value`` names a context; the one-argument docs form has no name.
    if "AS" in clauses:
        rt.session.contexts[to_display(one(args, "SET CONTEXT"))] = to_display(
            one(clauses["AS"], "SET CONTEXT … AS"))
    elif len(args) == 2:
        rt.session.contexts[to_display(args[0])] = to_display(args[1])
    else:
        rt.session.contexts["default"] = to_display(args[0])


@keyword("SET USER", args=1)
async def set_user(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    rt.session.user_id = to_display(args[0])


@keyword("ADD SUGGESTION", args=1)
async def add_suggestion(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    context = to_display(args[0])
    text = to_display(one(clauses["AS"], "ADD SUGGESTION … AS")) if "AS" in clauses else context
    rt.session.suggestions.append(Suggestion(context, text))


@keyword("ADD SUGGESTION TOOL", args=1)
async def add_tool_suggestion(rt: KeywordContext, args: list[Any], clauses: Clauses,
                              line: int) -> None:
    """``ADD SUGGESTION TOOL "tool" [WITH params] AS "text"``: params is a map, a list
    (matched to the tool's PARAMs in order) or a comma-separated text."""
    from .knowledge import find_tool

    spec = find_tool(rt, to_display(args[0]), "ADD SUGGESTION TOOL")
    given = one(clauses["WITH"], "ADD SUGGESTION TOOL … WITH") if "WITH" in clauses else None
    if isinstance(given, str):
        given = [part.strip() for part in given.split(",")] if given.strip() else []
    if isinstance(given, dict):
        arguments = tuple((str(k).lower(), v) for k, v in given.items())
    elif isinstance(given, list):
        if len(given) > len(spec.params):
            raise BasicValueError(f"ADD SUGGESTION TOOL: {spec.name} takes {len(spec.params)} "
                                  f"parameter(s), got {len(given)}")
        arguments = tuple((p.name.lower(), v) for p, v in zip(spec.params, given))
    elif given is None:
        arguments = ()
    else:
        raise BasicValueError("ADD SUGGESTION TOOL … WITH expects a map, a list or a text")
    text = to_display(one(clauses["AS"], "ADD SUGGESTION TOOL … AS")) if "AS" in clauses \
        else spec.name
    rt.session.suggestions.append(Suggestion(f"tool:{spec.name}", text, spec.name, arguments))


@keyword("CLEAR SUGGESTIONS")
async def clear_suggestions(rt: KeywordContext, args: list[Any], clauses: Clauses,
                            line: int) -> None:
    rt.session.suggestions.clear()


@keyword("SYSTEM PROMPT", args=1)  # BEGIN SYSTEM PROMPT … END SYSTEM PROMPT: one text
async def system_prompt(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    rt.session.system_prompt = to_display(args[0])


@keyword("SET SESSION", args=2, usage="a key and a value")
async def set_session(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    key = to_display(args[0])
    rt.session.variables[key.removeprefix("session.")] = args[1]


@keyword("GET SESSION", args=1)
async def get_session(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> Any:
    key = to_display(args[0])
    return rt.session.variables.get(key.removeprefix("session."))


@keyword("APPEND", "PUSH")
async def append(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> int:
    if len(args) < 2 or not isinstance(args[0], list):
        raise BasicValueError("APPEND expects an array and the item(s) to add")
    args[0].extend(args[1:])
    return len(args[0])


@keyword("THROW", args=1)
async def throw(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    raise Thrown(to_display(args[0]))


@keyword("CLEAR ERROR")
async def clear_error(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    rt.error_number, rt.error_text = 0, ""


@keyword("LOG", "LOG INFO", "LOG DEBUG")
async def log(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    rt.print_(args, line)


@keyword("LOG WARN", "LOG ERROR")
async def log_warn(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    # the dialog's own warning: said each time, unlike Talkbench's warnings (rt.warn)
    rt.emit(Printed(" ".join(to_display(a) for a in args), line, "warning"))


# Each phrase has its own handler so the option's name comes from the phrase itself.
@keyword("SET ANSWER MODE", args=1)
async def set_answer_mode(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    rt.session.variables["answer_mode"] = args[0]


@keyword("SET MAX LINES", args=1)
async def set_max_lines(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    rt.session.variables["max_lines"] = args[0]
