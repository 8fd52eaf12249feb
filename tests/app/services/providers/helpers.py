"""Run a dialog with the app's real providers (``run_dialog``) and collect what it did."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import app.services.providers  # noqa: F401  (registers the factories under test)
from app.services.registry import ServiceContext, Services
from interpreter import Runtime, Session, load_source
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel


@dataclass
class DialogRun:
    result: Any
    talks: list[str]
    variables: dict[str, Any]
    session: Session
    events: list[Any]


def run_dialog(source: str, folder: Path, settings: dict[str, Any] | None = None,
               answers: list[str] | None = None, session: Session | None = None,
               file: str = "dialog.bas", store: Any = None) -> DialogRun:
    """Run ``source`` as ``folder/file`` with the app's real providers (raises on error);
    ``store`` is the memory store the providers see (tables, KB index), None for none."""
    folder.mkdir(parents=True, exist_ok=True)
    # Services directly (not build_services): these tests need only app.services.providers'
    # families.
    services = Services(ServiceContext(store, "test-bot", str(folder), settings or {}))
    channel = QueuedChannel.with_answers(answers or [])
    events: list[Any] = []
    session = session or Session()
    runtime = Runtime(load_source(source, str(folder / file)), channel, DictMemory(),
                      on_event=events.append, session=session, services=services,
                      skip_waits=True)
    try:
        result = asyncio.run(runtime.run())
    finally:
        services.close()
    return DialogRun(result, channel.texts, runtime.globals, session, events)
