"""Sandboxed runs: a copy-on-write overlay on bot memory, diffed, committed or discarded."""

from __future__ import annotations

import asyncio

import pytest

from app.memory.history import MemoryHistory
from app.memory.sandbox import SandboxMemory, SandboxProvider
from app.memory.store import MemoryStore
from app.run.dialog_session import DialogRunner
from interpreter.ports.host import BotMessage, HearRequest, WriteSource

BOT = "sandbot"


class Silent:
    def __init__(self) -> None:
        self.said: list[str] = []

    async def talk(self, message: BotMessage) -> None:
        self.said.append(message.text)

    async def hear(self, request: HearRequest) -> str:
        return ""


def test_overlay_reads_own_writes_and_leaves_store_alone(db_url: str) -> None:
    with MemoryStore(db_url) as store:
        store.set(BOT, "a", "real")
        store.flush()
        box = SandboxMemory(store.bot(BOT))
        assert box.get("a") == "real"
        box.set("a", "sandboxed", WriteSource("d.bas", 2, "r"))
        box.set("b", "new")
        assert box.get("a") == "sandboxed"
        assert box.get("b") == "new"
        assert store.bot(BOT).get("a") == "real"
        assert store.get_entry(BOT, "b") is None
        assert [(c.key, c.current, c.new) for c in box.diff()] == [
            ("a", "real", "sandboxed"),
            ("b", None, "new"),
        ]
        box.discard()
        assert store.bot(BOT).get("a") == "real"
        with pytest.raises(RuntimeError):
            box.set("a", "late")


def test_commit_writes_through_store_and_history_keeps_lines(db_url: str) -> None:
    store = MemoryStore(db_url)
    history = MemoryHistory(store)
    try:
        history.watch(BOT)
        store.set(BOT, "same", "v")
        store.flush()
        box = SandboxMemory(store.bot(BOT))
        box.set("x", "1", WriteSource("d.bas", 3, "sbx"))
        box.set("same", "v", WriteSource("d.bas", 4, "sbx"))  # no change: not in the diff
        committed = box.commit()
        assert [c.key for c in committed] == ["x"]
        assert store.get_entry(BOT, "x").value == "1"
        history.flush()
        (event,) = history.timeline(BOT, "x")
        assert (event.line, event.run_id, event.old, event.new) == (3, "sbx", None, "1")
    finally:
        history.close()
        store.close()


def test_dialog_runs_against_the_sandbox(sqlite_db: str) -> None:
    source = 'SET BOT MEMORY "count", "5"\nTALK GET BOT MEMORY("count")\n'
    with MemoryStore(sqlite_db) as store:
        store.set(BOT, "count", "1")
        store.flush()
        provider = SandboxProvider(store)
        channel = Silent()

        async def main() -> None:
            runner = DialogRunner(provider, BOT, channel, skip_waits=True)
            await runner.start(source, "count.bas")

        asyncio.run(main())
        assert channel.said == ["5"]
        assert store.get_entry(BOT, "count").value == "1"
        (change,) = provider.bot(BOT).diff()
        assert (change.key, change.current, change.new, change.source.line) == (
            "count", "1", "5", 1,
        )
