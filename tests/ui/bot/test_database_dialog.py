"""File ▸ Open Database… as a new user meets it (real widgets, offscreen): every tab readable,
and a PostgreSQL server opened by the URL the command line takes (``--db postgresql://…``),
typed or pasted, against a real throwaway server."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox

from app.memory.store import MemoryStore
from tests.app.conftest import pg_server  # noqa: F401  (fixture)
from tests.ui.modals import answer_modals
from ui.bot.database_dialog import PG_URL_HINT, DatabaseDialog


def _paste(edit: QLineEdit, text: str) -> None:
    """Ctrl+V into ``edit``, replacing what it holds (one edit, as a paste is)."""
    QApplication.clipboard().setText(text)
    edit.setFocus()
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_every_tab_title_and_the_url_hint_are_shown_in_full(qapp) -> None:
    dialog = DatabaseDialog(None, "", [])
    dialog.show()
    QApplication.processEvents()
    bar = dialog.tabs.tabBar()
    try:
        # Before: the dialog opened 300 px wide with scroll arrows and "Recent" cut to "Re".
        for i in range(bar.count()):
            assert bar.rect().contains(bar.tabRect(i)), bar.tabText(i)
        url_edit = dialog.pg_url
        assert url_edit.width() > url_edit.fontMetrics().horizontalAdvance(PG_URL_HINT)
    finally:
        dialog.reject()


def _in_dialog(window, act) -> None:
    """File ▸ Open Database… with ``act`` done on the dialog; a failing step closes the
    dialog (a modal left open would hang the test) and fails the test."""
    failed: list[AssertionError | AttributeError] = []

    def guarded(dialog: QDialog) -> None:
        try:
            act(dialog)
        except (AssertionError, AttributeError) as exc:  # re-raised once the dialog is gone
            failed.append(exc)
            dialog.reject()

    boxes: list[str] = []  # a failed open answers with a message box: read and close it

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            boxes.append(box.text())
            box.reject()

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(close_box)
    timer.start()
    answer_modals([(DatabaseDialog, guarded)])
    try:
        window.actions_by_name["open_db"].trigger()
    finally:
        timer.stop()
    if failed:
        raise failed[0]
    assert not boxes, boxes


def _open_with(window, fill) -> None:
    """File ▸ Open Database…: ``fill`` acts on the dialog, then Open is pressed."""

    def act(dialog: QDialog) -> None:
        dialog.tabs.setCurrentIndex(1)
        fill(dialog)
        QTest.keyClick(dialog.pg_host, Qt.Key.Key_Return)  # the default button: Open

    _in_dialog(window, act)


def _written_through_the_ide(window, url: str) -> str | None:
    """The value a hand edit in the memory panel leaves on the server at ``url``."""
    window.store.set(window.bot, "colour", "teal")
    window.store.flush(10)
    check = MemoryStore(url)
    try:
        return check.bot(window.bot).get("colour")
    finally:
        check.close()


def test_a_url_pasted_into_host_opens_that_server(window, pg_server) -> None:  # noqa: F811
    url = pg_server.url(pg_server.new_database())
    # The natural mistake: the whole URL into the first field. Before, it became the host
    # name ("postgresql://postgresql://…:5432/botserver", "could not translate host name").
    _open_with(window, lambda d: _paste(d.pg_host, url))
    assert window.db_url == url
    assert _written_through_the_ide(window, url) == "teal"


def test_a_url_typed_into_the_url_field_fills_the_fields_and_opens(window,
                                                                   pg_server) -> None:  # noqa: F811
    url = pg_server.url(pg_server.new_database()) + "?connect_timeout=5"
    seen: dict[str, str] = {}

    def fill(dialog) -> None:
        QTest.keyClicks(dialog.pg_url, url)
        seen.update(host=dialog.pg_host.text(), port=str(dialog.pg_port.value()),
                    database=dialog.pg_database.text())

    _open_with(window, fill)
    assert window.db_url == url  # as typed: the connection options kept
    assert seen == {"host": "127.0.0.1", "port": str(pg_server.port),
                    "database": url.split("/")[-1].split("?")[0]}
    assert _written_through_the_ide(window, url) == "teal"


def test_a_malformed_url_keeps_the_dialog_open_with_the_reason(window) -> None:
    before = window.db_url
    shown: list[str] = []

    def act(dialog: QDialog) -> None:
        dialog.tabs.setCurrentIndex(1)
        QTest.keyClicks(dialog.pg_url, "postgres:/bot@db.example/shop")
        QTest.keyClick(dialog.pg_url, Qt.Key.Key_Return)
        shown.append(dialog.pg_error.text() if dialog.isVisible() else "closed")
        dialog.reject()

    _in_dialog(window, act)
    assert shown and "Not a PostgreSQL URL" in shown[0] and "postgresql://" in shown[0]
    assert window.db_url == before
