"""Stopping a dialog in the IDE loses none of the memory writes it already made."""

from __future__ import annotations

from app.memory.store import MemoryStore
from tests.ui.conftest import until

LOOP = """i = 0
DO
    i = i + 1
    SET BOT MEMORY "k" + i, "v" + i
    SET BOT MEMORY "counter", STR(i)
LOOP
"""


def test_stop_mid_loop_lands_every_queued_write(window, run):
    tab = window.add_tab("", None)
    tab.editor.setPlainText(LOOP)
    bot = window.runner.bot

    async def scenario() -> str:
        window.actions_by_name["run"].trigger()
        # Well into the loop (counted: a fixed sleep holds few iterations on a busy machine).
        await until(lambda: int(window.store.bot(bot).get("counter") or 0) > 100)
        assert window.runner.running
        window.actions_by_name["stop"].trigger()
        await until(lambda: not window.runner.running)
        # What the script was told it wrote (read-your-writes), before anything is flushed.
        last = window.store.bot(bot).get("counter")
        await until(lambda: window.store.pending_count() == 0, timeout=10.0)
        return last

    last = run(scenario())
    n = int(last)
    assert n > 100  # the loop really ran for a while
    # A second store on the same database sees every write the stopped script made.
    with MemoryStore(window.db_url) as other:
        handle = other.bot(bot)
        assert handle.get("counter") == last
        assert other.count(bot, "k") >= n
        assert all(handle.get(f"k{i}") == f"v{i}" for i in (1, n // 2, n))
