"""Output keeps the newest MAX_ENTRIES entries and lays them out in batches: a dialog
PRINTing in a loop cost 2.6 ms a line with 1,000 lines shown (growing with each line) and
grew the IDE by ~19 MB a second."""

from __future__ import annotations

from PySide6.QtWidgets import QListView

from ui.run.output_panel import MAX_ENTRIES, TRIM_ENTRIES, OutputPanel


def test_output_keeps_the_newest_entries_and_says_how_many_left(qtbot) -> None:
    output = OutputPanel()
    qtbot.addWidget(output)
    total = 2 * MAX_ENTRIES + 5
    for i in range(total):
        output.add(f"line {i}", line=i + 1)
    texts = output.texts()
    kept = len(texts) - 1
    assert MAX_ENTRIES <= kept <= MAX_ENTRIES + TRIM_ENTRIES
    assert texts[1:] == [f"line {i}" for i in range(total - kept, total)]
    assert texts[0] == (f"… {total - kept:,} earlier lines removed (Output keeps the last "
                        f"{MAX_ENTRIES:,})")
    assert output.layoutMode() == QListView.LayoutMode.Batched
    output.clear()
    output.add("fresh")
    assert output.texts() == ["fresh"]


def test_output_follows_its_newest_entry_until_the_user_scrolls_up(qtbot) -> None:
    """Laid out in batches, the entries a PRINT loop added after the last one laid out
    grew the list below the view: Output stopped short of the newest lines."""
    output = OutputPanel()
    qtbot.addWidget(output)
    output.resize(400, 300)
    output.show()
    bar = output.verticalScrollBar()

    def newest_shown() -> bool:
        rect = output.visualItemRect(output.item(output.count() - 1))
        return rect.isValid() and output.viewport().rect().contains(rect)

    for i in range(3000):
        output.add(f"line {i}")
    qtbot.waitUntil(lambda: bar.maximum() >= 2900)
    qtbot.waitUntil(newest_shown)
    assert bar.value() == bar.maximum()
    bar.setValue(bar.maximum() // 2)  # the user reads an earlier line
    qtbot.wait(50)
    assert bar.value() == bar.maximum() // 2
    output.add("one more")  # a new entry brings the view back to the newest, as before
    qtbot.waitUntil(newest_shown)
