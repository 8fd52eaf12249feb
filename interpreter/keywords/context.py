"""What a keyword handler may use of the run it is part of: :class:`KeywordContext`.

The runtime (``interpreter.runtime.engine.Runtime``) satisfies it; handlers are typed against this
Protocol, not the runtime class, so what they reach is written down in one place and a
handler in a test can run against anything with these members. ``service`` gives each
provider name its Protocol, so a handler's calls to a provider are checked too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Protocol, overload

if TYPE_CHECKING:
    from ..codegen.compiler import CompiledProgram
    from ..events import EventSink
    from ..ports.data import Schedules, Tables, UserMemory
    from ..ports.host import BotMemory, Channel
    from ..ports.services import Crm, HttpClient, KnowledgeBase, LlmClient, MailSender, ToolCatalog
    from ..runtime.engine import Session
    from .files import FileStorage, StreamingHttp
    from .messaging import SmsSender, TemplateStore

    class HttpService(HttpClient, StreamingHttp, Protocol):
        """The ``http`` provider: whole requests and streamed ones (DOWNLOAD)."""

# A keyword's named clauses (``AS``, ``WITH``, ``TO`` ...): clause word -> its values.
Clauses = dict[str, list[Any]]


class KeywordContext(Protocol):
    """The run as keyword handlers see it."""

    file: str  # the dialog's file name, for messages and records
    session: Session
    channel: Channel
    memory: BotMemory
    compiled: CompiledProgram
    services: Mapping[str, Any]  # provider name -> provider (``service`` checks for one)
    skip_waits: bool
    error_number: int  # the last error ON ERROR RESUME NEXT skipped (ERROR MESSAGE ...)
    error_text: str
    emit: EventSink

    async def talk(self, value: Any, line: int, recipient: str = "") -> None: ...

    def print_(self, values: list[Any], line: int) -> None: ...

    def warn(self, text: str, line: int) -> None:
        """Talkbench's warning about the line, once per line per run."""

    def memset(self, key: Any, value: Any, line: int) -> tuple[str, str]: ...

    def memget(self, key: Any) -> str: ...

    async def run_dialog(self, compiled: CompiledProgram, params: dict[str, Any],
                         on_event: EventSink) -> Any:
        """Run another dialog (a tool) in this session with ``params`` as its PARAMs;
        its events go to ``on_event``; returns its result."""

    @overload
    def service(self, name: Literal["http"], phrase: str) -> HttpService: ...
    @overload
    def service(self, name: Literal["llm"], phrase: str) -> LlmClient: ...
    @overload
    def service(self, name: Literal["mail"], phrase: str) -> MailSender: ...
    @overload
    def service(self, name: Literal["knowledge"], phrase: str) -> KnowledgeBase: ...
    @overload
    def service(self, name: Literal["tools"], phrase: str) -> ToolCatalog: ...
    @overload
    def service(self, name: Literal["storage"], phrase: str) -> FileStorage: ...
    @overload
    def service(self, name: Literal["crm"], phrase: str) -> Crm: ...
    @overload
    def service(self, name: Literal["tables"], phrase: str) -> Tables: ...
    @overload
    def service(self, name: Literal["user_memory"], phrase: str) -> UserMemory: ...
    @overload
    def service(self, name: Literal["schedules"], phrase: str) -> Schedules: ...
    @overload
    def service(self, name: Literal["sms"], phrase: str) -> SmsSender: ...
    @overload
    def service(self, name: Literal["templates"], phrase: str) -> TemplateStore: ...
    @overload
    def service(self, name: str, phrase: str) -> Any: ...
    def service(self, name: str, phrase: str) -> Any:
        """The provider registered as ``name``; fails with a message naming ``phrase``
        when the host configured none."""
