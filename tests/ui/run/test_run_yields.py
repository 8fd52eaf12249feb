"""A dialog runs on the GUI thread's loop: the window stays live while it writes memory."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer

from tests.ui.conftest import until

LOOP = """i = 0
DO
    i = i + 1
    SET BOT MEMORY "counter", STR(i)
LOOP
"""


def test_a_timer_fires_and_the_memory_table_follows_while_a_loop_writes(window, run):
    tab = window.add_tab("", None)
    tab.editor.setPlainText(LOOP)
    fired_while_running: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(
        lambda: window.runner.running and fired_while_running.append(time.perf_counter()))

    def shown_counter() -> int:
        row = window.memory.model.row_of("counter")
        return 0 if row is None else int(window.memory.model.entry(row).value)

    async def scenario() -> tuple[int, int]:
        window.actions_by_name["run"].trigger()
        await until(lambda: window.runner.running)
        timer.start()
        await until(lambda: len(fired_while_running) >= 20 and shown_counter() > 0)
        seen_while_running = shown_counter()
        window.actions_by_name["stop"].trigger()
        await until(lambda: not window.runner.running)
        timer.stop()
        last = int(window.store.bot(window.runner.bot).get("counter"))
        # Held-back deliveries still come: the table ends at the last value written.
        await until(lambda: shown_counter() == last)
        return seen_while_running, last

    seen_while_running, last = run(scenario(), timeout=30)
    assert 0 < seen_while_running <= last
    assert last > 100  # the loop really ran between the timer's ticks
