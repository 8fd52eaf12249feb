"""The outside services of HTTP, LLM, mail, knowledge and tool keywords, as Protocols.

The interpreter implements none of them: the host (``app/providers``) registers real providers
and the keywords reach them with ``rt.service(name, phrase)``. Service names used here:
``http``, ``llm``, ``mail``, ``knowledge``, ``tools`` and ``storage``.

A provider reports a failure by raising :class:`ServiceError` with a message meant for the
user (it becomes the BASIC runtime error at the keyword's line).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from .values import BasicValueError


class ServiceError(BasicValueError):
    """A provider failed (connection refused, HTTP status, SMTP rejection …)."""


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
