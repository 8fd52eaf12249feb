"""BOT SYNC MEMORY FROM run in the IDE: the keys another bot shared land in this bot's
memory through the store and show in the memory panel (General Bots:
botbasic_ai/src/keywords/enhanced_memory.rs copies them into bot_memories)."""

from __future__ import annotations

from app.memory.shared_memory import SharedMemory
from tests.ui.conftest import until, value_of


def test_synced_keys_show_in_the_memory_panel(window, run) -> None:
    window.store.set("testbot", "seen", "yes")  # both bots exist in the database
    window.store.set("support", "route", "north")
    assert window.store.flush(10)
    SharedMemory(window.store, "support").share("route", "north", "testbot")
    window.add_tab('BOT SYNC MEMORY FROM "support"\nTALK GET BOT MEMORY("route")', None)

    def shown() -> list[str]:
        panel = window.memory
        return [panel.model.entry(r).key for r in range(panel.model.rowCount())]

    async def scenario():
        window.run()
        await until(lambda: not window.runner.running and "route" in shown())

    run(scenario())
    assert value_of(window, "route") == "north"
