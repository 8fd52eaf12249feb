"""The Tables dock: lists a bot's tables, shows rows lazily, follows runs and packages."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.memory.store import MemoryStore
from app.services.tables import TableStore
from tests.ui.conftest import until
from ui.bot.tables_panel import PAGE_ROWS, TablesPanel


def test_panel_lists_tables_and_fetches_rows_page_by_page(qtbot, tmp_path: Path) -> None:
    store = MemoryStore(str(tmp_path / "m.sqlite3"))
    try:
        tables = TableStore(store.database, "crm")
        for i in range(PAGE_ROWS + 50):
            tables.insert("leads", {"id": i + 1, "name": f"lead{i + 1}"})
        tables.insert("accounts", {"id": "a1", "owner": "ann"})
        TableStore(store.database, "other").insert("secret", {"x": 1})
        panel = TablesPanel(store, "crm")
        qtbot.addWidget(panel)
        assert panel.table_names() == ["accounts", "leads"]
        panel.list.setCurrentRow(1)
        model = panel.model
        assert model.rowCount() == PAGE_ROWS  # only the first page
        assert model.canFetchMore(model.index(-1, -1))
        panel.view.scrollToBottom()
        model.fetchMore(model.index(-1, -1))
        assert model.rowCount() == PAGE_ROWS + 50
        assert model.headerData(1, Qt.Orientation.Horizontal) == "name"
        assert model.index(PAGE_ROWS + 49, 1).data() == "lead250"
        assert "leads: 250 row(s)" in panel.status.text()
        tables.insert("zeta", {"v": True})
        qtbot.mouseClick(panel.refresh_button, Qt.MouseButton.LeftButton)
        assert panel.table_names() == ["accounts", "leads", "zeta"]
        assert panel.list.currentItem().text() == "leads"  # selection kept
        panel.set_store(store, "other")
        assert panel.table_names() == ["secret"]
    finally:
        store.close()


def test_a_run_that_saves_rows_shows_them_in_the_ide(window, run) -> None:
    tools = window.bot_tools
    window.editor().setPlainText('c = NEW OBJECT\nc.name = "Zoe"\nSAVE "contacts", c\n')

    async def scenario() -> None:
        window.run()
        await until(lambda: "contacts" in tools.tables.table_names())

    run(scenario())
    assert tools.tables.list.currentItem().text() == "contacts"
    names = [tools.tables.model.index(r, 1).data() for r in range(tools.tables.model.rowCount())]
    assert names == ["Zoe"]
