"""How every entry point builds a run: one place that makes the providers and the Runtime.

``talkbench run`` (:mod:`.headless`), the IDE's runner (:mod:`.dialog_session`), the DAP
target, webhooks, schedules, ``.chat`` tests and the keyword-status probe each describe what
differs about their runs in a :class:`RunSpec` and get the :class:`Runtime` from a
:class:`RunSetup`, which builds the bot's providers (:mod:`app.services.registry`) and closes
them. A new provider family or Runtime option is therefore wired here, once; a test
(tests/app/run/test_setup.py) fails when a module elsewhere builds its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from interpreter import CompiledProgram, Runtime, Session
from interpreter.events import EventSink, ignore_event
from interpreter.ports.host import BotMemory, Channel
from interpreter.runtime.engine import DebugHooks

from ..services.registry import ServiceContext, Services, build_services

if TYPE_CHECKING:
    from ..memory.session import Origin


@dataclass(frozen=True)
class RunSpec:
    """What one entry point decides about one run; the rest is the same everywhere."""

    compiled: CompiledProgram
    channel: Channel
    # None: the bot's memory in the set-up's store. Given: a wrapper (the IDE's turn
    # recorder), a snapshot overlay (``talkbench run --snapshot``), a stand-in (probes).
    memory: BotMemory | None = None
    # Which entry point ran it, named in the run id the memory history records; None keeps
    # the Runtime's plain id (IDE runs and .chat tests are not told apart in the history).
    origin: Origin | None = None
    on_event: EventSink = ignore_event
    session: Session | None = None  # None: a fresh conversation
    variables: Mapping[str, Any] = field(default_factory=dict)  # param-*, request fields
    skip_waits: bool = False
    timeout: float | None = None
    max_ticks: int | None = None
    debugger: DebugHooks | None = None  # needs ``compiled`` to be a debug build


class RunSetup:
    """The providers of one bot and dialog folder, and the runs built on them.

    Providers are made on first use and kept across runs (a DAP restart keeps their
    sessions); :meth:`close` closes the ones this set-up built. Use it as a context manager
    for a single run.
    """

    def __init__(self, context: ServiceContext,
                 services: Mapping[str, Any] | None = None) -> None:
        """``services``: a host's own mapping instead of the registry's providers (the
        keyword-status probe records what handlers ask for); it is not closed here."""
        self.context = context
        self._built: Services | None = None
        if services is None:
            services = self._built = build_services(context)
        self.services: Mapping[str, Any] = services

    @classmethod
    def for_dialog(cls, store: Any, bot: str, folder: str,
                   settings: Mapping[str, Any] | None = None) -> RunSetup:
        """Providers for ``bot`` in ``store`` (a MemoryStore) with dialogs in ``folder``
        (config.csv, .gbkb and package files are found from it); ``settings`` override
        app.services.settings (``unsupported_keywords=skip``, tests' providers)."""
        return cls(ServiceContext(store, bot, folder, dict(settings or {})))

    @classmethod
    def with_services(cls, services: Mapping[str, Any]) -> RunSetup:
        """Runs on a host's own service mapping and no store (each RunSpec gives a memory)."""
        return cls(ServiceContext(), services)

    def runtime(self, spec: RunSpec) -> Runtime:
        """A Runtime for ``spec`` on these providers; run it with ``await runtime.run()``."""
        return Runtime(
            spec.compiled,
            spec.channel,
            spec.memory if spec.memory is not None else self.memory(),
            on_event=spec.on_event,
            session=spec.session,
            debugger=spec.debugger,
            run_id=_run_id(spec.origin),
            initial_vars=dict(spec.variables),
            skip_waits=spec.skip_waits,
            timeout=spec.timeout,
            max_ticks=spec.max_ticks,
            services=self.services,
        )

    def memory(self) -> BotMemory:
        """The bot's memory in the set-up's store."""
        store = self.context.store
        if store is None:
            raise ValueError("this run set-up has no memory store: give the RunSpec a memory")
        memory: BotMemory = store.bot(self.context.bot)
        return memory

    def close(self) -> None:
        """Close the providers that hold resources (sessions, connections); once is enough."""
        built, self._built = self._built, None
        if built is not None:
            built.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def _run_id(origin: Origin | None) -> str | None:
    if origin is None:
        return None
    # Imported here: app.memory.session opens peewee, which ``talkbench webhook --help`` and
    # the keyword-status probe do not need.
    from ..memory.session import new_run_id

    return new_run_id(origin)
