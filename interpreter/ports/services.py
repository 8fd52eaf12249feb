"""The outside services of HTTP, LLM, mail, knowledge and tool keywords, as Protocols.

The interpreter implements none of them: the host (``app/providers``) registers real providers
and the keywords reach them with ``rt.service(name, phrase)``. Service names used here:
``http``, ``llm``, ``mail``, ``knowledge``, ``tools``, ``storage`` and ``crm``.

A provider reports a failure by raising :class:`ServiceError` with a message meant for the
user (it becomes the BASIC runtime error at the keyword's line).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..values import BasicValueError


class ServiceError(BasicValueError):
    """A provider failed (connection refused, HTTP status, SMTP rejection …)."""


class NotFound(ServiceError):
    """The provider works but holds nothing of that name (a knowledge base folder …)."""


# ------------------------------------------------------------------------------ HTTP


@dataclass(frozen=True)
class HttpResponse:
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str:
        low = name.lower()
        return next((v for k, v in self.headers if k.lower() == low), "")

    def text(self) -> str:
        charset = "utf-8"
        for part in self.header("content-type").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:  # an unknown charset name
            return self.body.decode("utf-8", errors="replace")


class HttpClient(Protocol):
    """Sends one request; raises ServiceError on connection problems and timeouts.

    A non-2xx status is returned, not raised: the keyword decides how to report it.
    """

    async def request(self, method: str, url: str, headers: dict[str, str],
                      body: bytes | None = None, timeout: float | None = None
                      ) -> HttpResponse: ...


# ------------------------------------------------------------------------------ LLM


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class LlmReply:
    content: str
    tool_calls: tuple[ToolCall, ...] = ()


class LlmClient(Protocol):
    """An OpenAI-compatible chat model.

    ``messages`` are chat messages (``{"role": ..., "content": ...}`` plus the tool-call
    fields of the protocol); ``tools`` are function schemas the model may call.
    """

    async def chat(self, messages: list[dict[str, Any]],
                   tools: list[dict[str, Any]] | None = None) -> LlmReply: ...


# ------------------------------------------------------------------------------ mail


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes


@dataclass(frozen=True)
class MailMessage:
    to: tuple[str, ...]
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()


class MailSender(Protocol):
    """Sends a message; returns its Message-ID. Raises ServiceError when refused."""

    async def send(self, message: MailMessage) -> str: ...


# ------------------------------------------------------------------------------ knowledge


@dataclass(frozen=True)
class Passage:
    """A piece of a document that matched a search."""

    kb: str
    source: str  # file path inside the KB folder, or the page URL
    text: str
    score: float = 0.0


class KnowledgeBase(Protocol):
    """Document folders (``.gbkb``) and fetched pages, indexed for full-text search."""

    async def open(self, name: str) -> int:
        """Index KB ``name`` (if changed) and return its document count.

        Raises ServiceError when there is no such KB.
        """
        ...

    async def add_text(self, collection: str, source: str, text: str,
                       is_html: bool = False) -> int:
        """Index ``text`` (e.g. a fetched web page) under ``collection``; returns passages."""
        ...

    async def search(self, collections: list[str], query: str,
                     limit: int = 5) -> list[Passage]: ...


# ------------------------------------------------------------------------------ tools


@dataclass(frozen=True)
class ToolParam:
    name: str
    type: str = "STRING"
    description: str = ""
    example: Any = None
    optional: bool = False


@dataclass(frozen=True)
class ToolSpec:
    """Another dialog of the bot usable as a tool: its PARAM and DESCRIPTION lines."""

    name: str
    description: str
    params: tuple[ToolParam, ...] = ()
    file: str = ""
    source: str = field(default="", repr=False)


class ToolCatalog(Protocol):
    """The bot's dialogs that can be used as tools."""

    def find(self, name: str) -> ToolSpec | None: ...

    def names(self) -> list[str]: ...


# ------------------------------------------------------------------------------ storage


class Storage(Protocol):
    """Files of the bot package (``GET "folder/file.txt"``, mail attachments)."""

    async def read_bytes(self, path: str) -> bytes:
        """Raises ServiceError for an unsafe path or a missing file."""
        ...


# ------------------------------------------------------------------------------ CRM


@dataclass(frozen=True)
class NewTask:
    """CREATE TASK: ``due`` and times are local wall-clock times, like NOW() gives."""

    title: str
    assignee: str  # "auto": the backend picks the assignee with the fewest open tasks
    due: dt.datetime | None
    priority: str  # "low", "medium", "high", "urgent"
    description: str = ""
    project: str | None = None
    created_by: str = ""  # the session's user
    dialog: str = ""
    line: int = 0


@dataclass(frozen=True)
class NewMeeting:
    title: str
    start: dt.datetime
    end: dt.datetime
    attendees: tuple[str, ...]
    organizer: str = ""
    description: str = ""
    location: str = ""
    recurring: bool = False  # weekly, ten times (the original engine's rule)


@dataclass(frozen=True)
class Note:
    text: str
    author: str
    timestamp: str  # ISO 8601


@dataclass(frozen=True)
class ConversationRecord:
    """What TAG/RESOLVE/ASSIGN CONVERSATION, SET PRIORITY and ADD NOTE keep per session."""

    session_id: str
    status: str = "open"  # "open", "assigned" or "resolved"
    assignee: str = ""
    priority: int = 1  # 1 low, 2 normal, 3 high, 4 urgent
    tags: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    resolution: str = ""

    def as_map(self) -> dict[str, Any]:
        return {"session_id": self.session_id, "status": self.status,
                "assigned_to": self.assignee, "priority": self.priority,
                "tags": list(self.tags), "resolution_reason": self.resolution,
                "notes": [{"text": n.text, "author": n.author, "timestamp": n.timestamp}
                          for n in self.notes]}


class Crm(Protocol):
    """Tasks, calendar, conversation records, activity log, metrics and a cache.

    Raises ServiceError with a user-facing message when refused.
    """

    def create_task(self, task: NewTask) -> str:
        """Store the task; returns its id."""
        ...

    def book_meeting(self, meeting: NewMeeting) -> str:
        """Store the event unless an attendee is busy then (ServiceError); returns its id."""
        ...

    def free_slots(self, day: dt.date, minutes: int) -> list[tuple[dt.datetime, dt.datetime]]:
        """The first ``minutes``-long slot of each free gap in the day's working hours."""
        ...

    def update_conversation(self, session_id: str, *, tags: tuple[str, ...] = (),
                            resolve: bool = False, reason: str = "",
                            assignee: str | None = None, priority: int | None = None,
                            note: Note | None = None) -> ConversationRecord:
        """Change (creating if new) the session's record; returns it as stored."""
        ...

    def log_activity(self, kind: str, description: str, data: str, session_id: str,
                     dialog: str = "", line: int = 0) -> str:
        """Append to the activity log (``data`` is JSON text); returns the row's id."""
        ...

    def record_metric(self, name: str, value: float, tags: str, session_id: str) -> str:
        """Append a metric sample (``tags`` is JSON text); returns the row's id."""
        ...

    def cache_set(self, key: str, value: str, ttl_seconds: float | None) -> None:
        """Upsert ``key`` (value is JSON text); None keeps it until overwritten."""
        ...

    def cache_get(self, key: str) -> str | None:
        """The JSON text, or None when missing or expired."""
        ...
