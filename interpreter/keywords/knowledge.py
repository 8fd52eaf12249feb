"""Knowledge bases, websites and tools of the session.

``USE KB`` / ``CLEAR KB`` and ``ADD WEBSITE`` / ``CLEAR WEBSITES`` keep the session's active
collections (``Session.knowledge_bases`` / ``Session.websites``), searched by the ``knowledge``
provider when ``LLM`` builds its prompt. ``ADD TOOL`` / ``USE TOOL`` / ``REMOVE TOOL`` /
``CLEAR TOOLS`` / ``LIST TOOLS`` keep ``Session.tools``: other dialogs of the bot the language
model may call; :func:`run_tool` runs one with the model's arguments as its PARAMs.
"""

from __future__ import annotations

from typing import Any

from ..events import Failed, Finished, Printed, RunStarted, Stopped
from ..ports.services import NotFound, ServiceError, ToolSpec
from ..values import BasicValueError, to_display
from .context import Clauses, KeywordContext
from .registry import keyword
from .web import http_request


def _name(value: Any, phrase: str) -> str:
    name = to_display(value).strip()
    if not name:
        raise BasicValueError(f"{phrase} needs a name")
    return name


# ------------------------------------------------------------------------------ KBs


@keyword("USE KB", "ADD KB", "SET KB", args=1)
async def use_kb(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    name = _name(args[0], "USE KB").removesuffix(".gbkb")
    try:
        documents = await rt.service("knowledge", "USE KB").open(name)
    except NotFound as e:
        # The engine (botbasic_data/src/keywords/use_kb.rs) logs a warning, registers the
        # KB under its default path and goes on; it is searched as empty.
        rt.warn(f"USE KB: {e}; the run goes on with it empty", line)
        documents = 0
    if name not in rt.session.knowledge_bases:
        rt.session.knowledge_bases.append(name)
    return f"Knowledge base '{name}' is active ({documents} documents)"


@keyword("CLEAR KB", args=(0, 1))
async def clear_kb(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    if not args:
        rt.session.knowledge_bases.clear()
        return
    name = _name(args[0], "CLEAR KB").removesuffix(".gbkb")
    if name in rt.session.knowledge_bases:
        rt.session.knowledge_bases.remove(name)
    else:
        rt.warn(f"CLEAR KB: '{name}' was not active", line)


# ------------------------------------------------------------------------------ websites


@keyword("ADD WEBSITE", "USE WEBSITE", args=(1, None))
async def add_website(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    """``USE WEBSITE url`` (also ``USE_WEBSITE(url, refresh)`` and ``… REFRESH "30d"``, as
    botbasic_ai/src/keywords/use_website.rs registers it): the refresh interval is for the
    server's crawler; one run indexes the page once."""
    url = _name(args[0], "ADD WEBSITE")
    knowledge = rt.service("knowledge", "ADD WEBSITE")
    response = await http_request(rt, "ADD WEBSITE", "GET", url)
    ctype = response.header("content-type").lower()
    text = response.text()
    is_html = "html" in ctype or text.lstrip()[:1] == "<"
    passages = await knowledge.add_text(f"web:{url}", url, text, is_html)
    if url not in rt.session.websites:
        rt.session.websites.append(url)
    return f"Website {url} indexed ({passages} passages)"


@keyword("CLEAR WEBSITES")
async def clear_websites(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    rt.session.websites.clear()


def active_collections(rt: KeywordContext) -> list[str]:
    """What LLM searches: the active KBs, then the added websites."""
    return list(rt.session.knowledge_bases) + [f"web:{u}" for u in rt.session.websites]


# ------------------------------------------------------------------------------ tools


def find_tool(rt: KeywordContext, name: str, phrase: str) -> ToolSpec:
    catalog = rt.service("tools", phrase)
    spec = catalog.find(name)
    if spec is None:
        available = ", ".join(catalog.names()) or "none"
        raise BasicValueError(f"{phrase}: there is no dialog '{name}' to use as a tool "
                              f"(dialogs: {available})")
    return spec


@keyword("ADD TOOL", "USE TOOL", args=1)
async def add_tool(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    spec = find_tool(rt, _name(args[0], "ADD TOOL"), "ADD TOOL")
    if spec.name not in rt.session.tools:
        rt.session.tools.append(spec.name)
    return f"Tool '{spec.name}' is now available in this conversation"


@keyword("REMOVE TOOL", args=1)
async def remove_tool(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    name = _name(args[0], "REMOVE TOOL")
    wanted = name.rsplit("/", 1)[-1].removesuffix(".bas").lower()
    kept = [t for t in rt.session.tools if t.lower() != wanted]
    removed = len(kept) != len(rt.session.tools)
    rt.session.tools[:] = kept
    return f"Tool '{name}' removed" if removed else f"Tool '{name}' was not active"


@keyword("CLEAR TOOLS")
async def clear_tools(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    count = len(rt.session.tools)
    rt.session.tools.clear()
    return f"All tools removed from this conversation ({count})"


@keyword("LIST TOOLS")
async def list_tools(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    tools = rt.session.tools
    if not tools:
        text = "No tools are active in this conversation"
    else:
        lines = [f"{i}. {t}" for i, t in enumerate(tools, 1)]
        text = f"Active tools in this conversation ({len(tools)}):\n" + "\n".join(lines)
    rt.print_([text], line)
    return text


_LIFECYCLE = (RunStarted, Finished, Failed, Stopped)


async def run_tool(rt: KeywordContext, name: str, arguments: dict[str, Any], line: int) -> Any:
    """Run tool dialog ``name`` in this session with ``arguments`` as its PARAMs.

    Its TALKs reach the user as usual; its own start/finish events are not forwarded, so
    the host still sees one run. A failure is a ServiceError naming the tool and line.
    """
    from ..codegen.loading import load_source
    from ..errors import BasicRuntimeError, BasicSyntaxError

    spec = find_tool(rt, name, "LLM")
    rt.emit(Printed(f"calling tool {spec.name} {to_display(arguments)}", line))

    def forward(event: Any) -> None:
        if not isinstance(event, _LIFECYCLE):
            rt.emit(event)

    try:
        compiled = load_source(spec.source, spec.file or f"{spec.name}.bas")
        return await rt.run_dialog(compiled, arguments, forward)
    except (BasicRuntimeError, BasicSyntaxError) as e:
        raise ServiceError(f"tool {spec.name} failed: {e}") from None
