"""BOT SHARE MEMORY / BOT SYNC MEMORY FROM against a real memory store (SQLite and
PostgreSQL through the ``store`` fixture), as General Bots'
botbasic_ai/src/keywords/enhanced_memory.rs does it: SHARE copies this bot's value into
``bot_shared_memory`` for the target bot; SYNC upserts what was shared into this bot's own
``bot_memories``, where the memory panel and every other reader see it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import app.memory.shared_memory  # noqa: F401  (registers the service)
from app.memory.changes import ChangeState, MemoryChange
from app.memory.store import MemoryStore
from app.services.registry import ServiceContext, Services
from interpreter import Runtime, load_source
from interpreter.events import Printed
from interpreter.runtime.channels import QueuedChannel


def run_as(store: MemoryStore, bot: str, source: str, folder: Path) -> list[Any]:
    """Run ``source`` as ``bot`` with the store's memory; the run's events."""
    services = Services(ServiceContext(store, bot, str(folder), {}))
    events: list[Any] = []
    rt = Runtime(load_source(source, str(folder / "d.bas")), QueuedChannel.with_answers([]),
                 store.bot(bot), on_event=events.append, services=services)
    try:
        asyncio.run(rt.run())
    finally:
        services.close()
    assert store.flush(timeout=10)
    return events


def test_share_then_sync_copies_the_value_into_the_other_bots_memory(
        store: MemoryStore, tmp_path: Path) -> None:
    store.set("logistics", "hello", "x")  # the target bot exists
    run_as(store, "support", 'SET BOT MEMORY "route", "north"\n'
                             'BOT SHARE MEMORY "route" WITH "logistics"\n'
                             'BOT SHARE MEMORY "missing" WITH "logistics"', tmp_path)
    assert store.value("logistics", "route") is None  # shared, not yet synced
    seen: list[MemoryChange] = []
    store.subscribe(seen.append)
    run_as(store, "logistics", 'BOT SYNC MEMORY FROM "support"\nTALK GET BOT MEMORY("route")',
           tmp_path)
    assert store.value("logistics", "route") == "north"
    assert store.value("logistics", "missing") == ""  # shared while unset: the empty value
    landed = {c.key for c in seen if c.bot == "logistics" and c.state is ChangeState.LANDED}
    assert {"route", "missing"} <= landed


def test_a_later_share_replaces_the_earlier_one(store: MemoryStore, tmp_path: Path) -> None:
    store.set("b", "k0", "x")
    run_as(store, "a", 'SET BOT MEMORY "k", "1"\nBOT SHARE MEMORY "k" WITH "b"\n'
                       'SET BOT MEMORY "k", "2"\nBOT SHARE MEMORY "k" WITH "b"', tmp_path)
    run_as(store, "b", 'BOT SYNC MEMORY FROM "a"', tmp_path)
    assert store.value("b", "k") == "2"


def test_an_unknown_bot_is_a_warning_and_the_dialog_goes_on(store: MemoryStore,
                                                           tmp_path: Path) -> None:
    store.set("known", "k", "v")
    events = run_as(store, "me", 'BOT SHARE MEMORY "k" WITH "nobody"\n'
                                 'BOT SYNC MEMORY FROM "ghost"\nSET BOT MEMORY "after", "yes"',
                    tmp_path)
    warnings = [e.text for e in events if isinstance(e, Printed)]
    assert any("Bot not found: nobody" in w and "known" in w for w in warnings)
    assert any("Bot not found: ghost" in w for w in warnings)
    assert store.value("me", "after") == "yes"
