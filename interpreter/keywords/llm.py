"""``LLM "prompt"``: a completion from the host's ``llm`` provider (OpenAI-compatible chat).

The system message gathers what the session set up for the model: the SYSTEM PROMPT, the
SET CONTEXT texts and the passages of the active KBs / websites that match the prompt. The
session's tools are offered as functions; when the model calls one, the tool dialog runs with
the model's arguments and its RETURN value goes back to the model.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..ports.services import ServiceError, ToolSpec
from ..values import BasicValueError, to_display, to_json
from .context import Clauses, KeywordContext
from .knowledge import active_collections, find_tool, run_tool
from .registry import keyword

MAX_TOOL_ROUNDS = 5  # model turns that may call tools before the answer must come
KB_PASSAGES = 5
_JSON_TYPES = {"INTEGER": "integer", "INT": "integer", "NUMBER": "number", "FLOAT": "number",
               "DECIMAL": "number", "DOUBLE": "number", "MONEY": "number", "CURRENCY": "number",
               "AMOUNT": "number", "BOOLEAN": "boolean", "BOOL": "boolean"}


def tool_function_name(name: str) -> str:
    """Function names of the protocol allow only ``[A-Za-z0-9_-]``."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)[:64] or "tool"


def tool_schema(spec: ToolSpec) -> dict[str, Any]:
    """The OpenAI function schema of a tool dialog, from its PARAM/DESCRIPTION lines."""
    properties: dict[str, Any] = {}
    for p in spec.params:
        prop: dict[str, Any] = {"type": _JSON_TYPES.get(p.type.upper(), "string")}
        description = p.description
        if p.example not in (None, ""):
            description = f"{description} (e.g. {to_display(p.example)})".strip()
        if description:
            prop["description"] = description
        properties[p.name] = prop
    return {"type": "function", "function": {
        "name": tool_function_name(spec.name),
        "description": spec.description or f"Runs the dialog {spec.name}",
        "parameters": {"type": "object", "properties": properties,
                       "required": [p.name for p in spec.params if not p.optional]}}}


async def system_message(rt: KeywordContext, prompt: str) -> str:
    session = rt.session
    parts: list[str] = []
    if session.system_prompt.strip():
        parts.append(session.system_prompt.strip())
    for name, text in session.contexts.items():
        if text.strip():
            parts.append(text.strip() if name == "default" else f"Context {name}: {text.strip()}")
    collections = active_collections(rt)
    if collections:
        found = await rt.service("knowledge", "LLM").search(collections, prompt, KB_PASSAGES)
        if found:
            quoted = "\n\n".join(f"[{p.kb}: {p.source}]\n{p.text}" for p in found)
            parts.append("Answer using these passages from the knowledge base when they "
                         "are relevant:\n\n" + quoted)
    return "\n\n".join(parts)



def chat_client(rt: KeywordContext, phrase: str) -> Any:
    """The ``llm`` provider set to the session's model (USE MODEL survives across runs)."""
    client = rt.service("llm", phrase)
    select = getattr(client, "select", None)
    if callable(select):
        select(rt.session.model)
    return client

@keyword("LLM", args=1)
async def llm(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    prompt = to_display(args[0]).strip()
    if not prompt:
        raise BasicValueError("LLM needs a prompt")
    client = chat_client(rt, "LLM")
    messages: list[dict[str, Any]] = []
    system = await system_message(rt, prompt)
    if system:
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": prompt})
    specs = [find_tool(rt, name, "LLM") for name in rt.session.tools]
    by_function = {tool_function_name(s.name): s.name for s in specs}
    tools = [tool_schema(s) for s in specs] or None
    for _ in range(MAX_TOOL_ROUNDS):
        reply = await client.chat(messages, tools)
        if not reply.tool_calls:
            return reply.content
        messages.append({"role": "assistant", "content": reply.content or None, "tool_calls": [
            {"id": c.id, "type": "function",
             "function": {"name": c.name, "arguments": json.dumps(c.arguments)}}
            for c in reply.tool_calls]})
        for call in reply.tool_calls:
            if call.name not in by_function:
                raise ServiceError(f"the language model called '{call.name}', which is not an "
                                   f"active tool ({', '.join(by_function) or 'none'})")
            result = await run_tool(rt, by_function[call.name], call.arguments, line)
            # The model reads a tool's object result as JSON, not as Rhai prints it.
            content = to_json(result) if isinstance(result, (list, dict)) else \
                to_display(result)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": content})
    raise ServiceError(f"the language model was still calling tools after "
                       f"{MAX_TOOL_ROUNDS} rounds")


# ------------------------------------------------------------------------------ AI helpers
# One-shot tasks on the same model: no KB, no tools, an instruction as the system message.


async def ask(rt: KeywordContext, phrase: str, instruction: str, text: str) -> str:
    client = chat_client(rt, phrase)
    reply = await client.chat([{"role": "system", "content": instruction},
                               {"role": "user", "content": text}])
    return reply.content.strip()


def _pick(reply: str, choices: list[str]) -> str:
    """The choice the model named (ignoring case and punctuation), else its reply as is."""
    words = re.sub(r"[^\w\s-]", " ", reply.lower()).split()
    low = reply.lower().strip(" .!\"'")
    for choice in choices:
        if low == choice.lower() or choice.lower() in words:
            return choice
    return reply


@keyword("SUMMARIZE", args=1)
async def summarize(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    text = to_display(args[0])
    return await ask(rt, "SUMMARIZE", "Summarize the user's text in a few sentences, in the "
                     "language of the text. Reply with the summary only.", text)


@keyword("TRANSLATE", args=2, usage='a text and a language: TRANSLATE text, "pt"')
async def translate(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    text, language = to_display(args[0]), to_display(args[1]).strip()
    return await ask(rt, "TRANSLATE", f"Translate the user's text into the language "
                     f"'{language}'. Reply with the translation only.", text)


@keyword("SENTIMENT", args=1)
async def sentiment(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    text = to_display(args[0])
    reply = await ask(rt, "SENTIMENT", "Classify the sentiment of the user's text. Reply "
                      "with exactly one word: positive, negative or neutral.", text)
    return _pick(reply, ["positive", "negative", "neutral"])


@keyword("CLASSIFY", args=2, usage="a text and the categories")
async def classify(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    raw = args[1] if isinstance(args[1], list) else to_display(args[1]).split(",")
    categories = [c for c in (to_display(x).strip() for x in raw) if c]
    if not categories:
        raise BasicValueError("CLASSIFY needs at least one category")
    reply = await ask(rt, "CLASSIFY", "Classify the user's text into exactly one of these "
                      f"categories: {', '.join(categories)}. Reply with the category only.",
                      to_display(args[0]))
    return _pick(reply, categories)
