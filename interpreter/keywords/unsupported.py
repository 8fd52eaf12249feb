"""Keywords that need a service Talkbench does not provide (reference §4.18, §4.2).

They parse, so ``talkbench check`` accepts real dialogs, and when run they say what they need.
The host's ``unsupported_keywords`` option (the service of that name: ``"error"``, the
default, or ``"skip"``) decides what a *statement* does: stop the run with the error, or write
a warning to the output (PRINT's path: the IDE's Output panel, stderr when headless) and go
on. A keyword used for its value (``x = RUN PYTHON code``, ``… INTO x``) always fails: there is
no value to give it.

Registered last and only for phrases no other module handles, so a real implementation added
later wins without touching this file.
"""

from __future__ import annotations

import weakref
from typing import Any

from ..syntax import nodes as n
from ..values import BasicValueError
from .context import Clauses, KeywordContext
from .messaging import send_to
from .registry import KEYWORDS, keyword

POLICY_SERVICE = "unsupported_keywords"
SKIP, ERROR = "skip", "error"
_SKIP_HINT = ("to skip such statements, run with --skip-unsupported or set "
              "unsupported-keywords = skip in the bot's config.csv")

_SANDBOX = "a code sandbox"
_BOTS = "other running bots (a General Bots server's multi-agent service)"
_SOCIAL = "a connected social-network account"
_CRM = "a CRM attendance back end (queues, attendants, conversations)"
_VECTORS = "the vector database (Qdrant) of a General Bots server"
_PRODUCTS = "a product catalogue (a General Bots server's products tables)"
_SERVER_FILES = "a General Bots server's drive to import from or export to"
_PLAYER = "a media player in the chat channel (General Bots' web chat)"

# Phrase → the service it needs, as the error says it.
NEEDS: dict[str, str] = {
    **{f"RUN {lang}{form}": _SANDBOX for lang in ("PYTHON", "JAVASCRIPT", "JS", "BASH")
       for form in ("", " WITH FILE")},
    "ADD BOT": _BOTS, "REMOVE BOT": _BOTS, "LIST BOTS": _BOTS, "DELEGATE TO": _BOTS,
    "SEND TO BOT": _BOTS, "WAIT FOR BOT": _BOTS,
    "POST TO": _SOCIAL,
    "GET QUEUE": _CRM, "NEXT IN QUEUE": _CRM, "TRANSFER TO HUMAN": "a human attendant desk",
    "ALLOW ROLE": "user roles from a sign-in service",
    "ADD MEMBER": "a team directory (groups and members)",
    "CREATE TEAM": "a team directory (groups and members)",
    "REFRESH": "a General Bots server to reload the bot package",
    "PUBLISH": "a General Bots server to publish the bot to",
    "TRIGGER": "an event bus to deliver the event to",
    # the 2026 engine's keywords that need its server (see docs/keyword-status.md)
    **dict.fromkeys(("GET ATTENDANTS WITH STATUS", "GET SUMMARY", "GET CUSTOMER HISTORY",
                     "SET ATTENDANT STATUS", "ASSIGN SMART"), _CRM),
    **dict.fromkeys(("KB STATISTICS", "KB COLLECTION STATS", "KB DOCUMENTS COUNT",
                     "KB DOCUMENTS ADDED SINCE", "KB LIST COLLECTIONS", "KB STORAGE SIZE"),
                    _VECTORS),
    "USE ACCOUNT": "accounts connected to a General Bots server (drive, mail, calendar)",
    "SEARCH PRODUCTS": _PRODUCTS, "SCAN BARCODE": _PRODUCTS,
    "DETECT": "a General Bots server's anomaly detection on its tables",
    "IMPORT": _SERVER_FILES, "EXPORT": _SERVER_FILES,
    "SEARCH": "a General Bots server's search index over its tables",
    "FORECAST": "a weather forecast service",
    "BOOK": "a calendar back end that books appointments",
    **dict.fromkeys(("GET FACEBOOK METRICS", "GET INSTAGRAM METRICS", "GET LINKEDIN METRICS",
                     "GET TWITTER METRICS", "DELETE POST"), _SOCIAL),
    **dict.fromkeys(("REFLECT ON", "GET REFLECTION INSIGHTS", "SET BOT REFLECTION",
                     "SET BOT PRIORITY", "ORCHESTRATE WORKFLOW"), _BOTS),
    "LIST MODELS": "a General Bots server's model registry",
    **dict.fromkeys(("PLAY", "STOP", "PAUSE", "RESUME"), _PLAYER),
    "ON EMAIL": "a mailbox a General Bots server watches",
    "SCRAPE TABLE": "a headless browser to read tables of rendered pages",
}

# Runtime → {(phrase, line): column} of the statements written with these phrases (a
# statement can be skipped; the same phrase as a value at that line cannot).
_statements: weakref.WeakKeyDictionary[Any, dict[tuple[str, int], int]] = \
    weakref.WeakKeyDictionary()


def unsupported_message(phrase: str, need: str) -> str:
    return f"{phrase} is not supported by Talkbench yet: it needs {need}, which Talkbench " \
           f"does not provide"


def policy(rt: KeywordContext) -> str:
    """``"skip"`` or ``"error"`` from the host's ``unsupported_keywords`` option."""
    try:
        value = rt.services.get(POLICY_SERVICE) if rt.services else None
    except ValueError as e:  # a bad value in the host's settings
        raise BasicValueError(str(e)) from None
    return SKIP if str(value or "").strip().lower() == SKIP else ERROR


def _statement_columns(rt: KeywordContext) -> dict[tuple[str, int], int]:
    found = _statements.get(rt)
    if found is None:
        found = {}
        values: set[tuple[str, int]] = set()
        phrases = NEEDS.keys() | {"SEND MESSAGE"}
        for node in n.program_nodes(rt.compiled.program):
            if isinstance(node, n.KeywordStmt) and node.phrase in phrases \
                    and "INTO" not in node.clauses:
                found.setdefault((node.phrase, node.line), node.col)
            elif isinstance(node, (n.KeywordStmt, n.KeywordExpr)) and node.phrase in phrases:
                values.add((node.phrase, node.line))
        for key in values:  # a line that also needs the value: never skipped
            found.pop(key, None)
        _statements[rt] = found
    return found


async def fail_or_skip(rt: KeywordContext, phrase: str, need: str, line: int,
                       form: str = "") -> None:
    """Stop with the error, or (a statement, policy "skip") warn and go on. ``form`` names
    the written form when it is more than the phrase (``SEND MESSAGE text``)."""
    message = unsupported_message(form or phrase, need)
    col = _statement_columns(rt).get((phrase, line))
    if col is None:  # its value is used: nothing can stand in for it
        raise BasicValueError(message)
    if policy(rt) != SKIP:
        raise BasicValueError(f"{message}; {_SKIP_HINT}")
    rt.warn(f"{rt.file}:{line}:{col}: skipped {form or phrase}: it needs {need}, which "
            f"Talkbench does not provide", line)


def _handler(phrase: str, need: str) -> Any:
    async def unsupported(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
        await fail_or_skip(rt, phrase, need, line)

    unsupported.__name__ = "unsupported_" + phrase.lower().replace(" ", "_")
    return unsupported


def register_missing() -> None:
    """Register the fallback for every phrase of NEEDS that no other module handles."""
    for phrase, need in NEEDS.items():
        if phrase not in KEYWORDS:
            keyword(phrase)(_handler(phrase, need))


_MESSAGE_NEED = ("a channel that pushes messages to the user outside the conversation (write "
                 "TALK text, or SEND MESSAGE recipient, text to send by e-mail or SMS)")


@keyword("SEND MESSAGE")
async def send_message(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> Any:
    """``SEND MESSAGE recipient, text`` is ``SEND TO``; the one-argument form of the templates
    (``SEND MESSAGE "hi"``, undefined in General Bots) has nothing to send it through."""
    if len(args) == 1 and not clauses:
        await fail_or_skip(rt, "SEND MESSAGE", _MESSAGE_NEED, line, "SEND MESSAGE text")
        return None
    return await send_to(rt, args, clauses, line)
