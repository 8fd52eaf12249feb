"""The providers keywords use (``Runtime(services=...)``), built for one bot and one store.

Each provider family registers a factory here with :func:`service_factory`; every entry point
(CLI, IDE, DAP, webhooks, schedules, conversation tests) gets its providers from
:func:`build_services` through :class:`app.run.setup.RunSetup`, so a keyword behaves the same
wherever a dialog runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ServiceContext:
    """What a provider may need: the memory store, the bot, the dialog's folder, settings."""

    store: Any = None
    bot: str = "default"
    dialog_dir: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)


Factory = Callable[[ServiceContext], Any]
_FACTORIES: dict[str, Factory] = {}
_HINTS: dict[str, str] = {}


def service_factory(name: str, hint: str = "") -> Callable[[Factory], Factory]:
    """Register ``factory(context)`` as the maker of service ``name``.

    A factory returns None when the service is not configured; ``hint`` then tells the user
    how to configure it (it ends up in the keyword's error message).
    """

    def register(factory: Factory) -> Factory:
        _FACTORIES[name] = factory
        _HINTS[name] = hint
        return factory

    return register


class Services(Mapping[str, Any]):
    """Providers created on first use, so a dialog that sends no mail opens no SMTP config."""

    def __init__(self, context: ServiceContext) -> None:
        self.context = context
        self._made: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._made:
            factory = _FACTORIES.get(name)
            if factory is None:
                raise KeyError(name)
            self._made[name] = factory(self.context)
        if self._made[name] is None:
            raise KeyError(name)
        return self._made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_FACTORIES)

    def __len__(self) -> int:
        return len(_FACTORIES)

    def hint(self, name: str) -> str:
        return _HINTS.get(name, "")

    def close(self) -> None:
        """Close providers that hold resources (sessions, connections)."""
        for provider in self._made.values():
            close = getattr(provider, "close", None)
            if callable(close):
                close()


def build_services(context: ServiceContext) -> Services:
    _load_families()
    return Services(context)


def _load_families() -> None:
    # Importing a family module runs its @service_factory decorators.
    for module in _FAMILIES:
        __import__(module)


_FAMILIES: list[str] = [
    "app.services.providers",  # http, llm, mail, knowledge, tools, storage
    "app.services.tables", "app.memory.user_memory", "app.schedules.plan",  # data keywords
    "app.services.settings",  # unsupported_keywords, weather
    "app.services.providers.crm",  # tasks, calendar, conversation records (CRM keywords)
    "app.memory.shared_memory",  # BOT SHARE MEMORY / BOT SYNC MEMORY FROM
]
