"""File ▸ Open Database…: a SQLite file (with a picker), a PostgreSQL server, or a recent one.

The dialog only builds a URL; the window opens it (``MainWindow.open_database``). Recent
databases are kept in the settings without their passwords.
"""

from __future__ import annotations

import os
from urllib.parse import quote

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db.database import describe_url, sqlite_url

from .. import file_dialogs

RECENT_KEY = "recentDatabases"
MAX_RECENT = 8


def recent_databases(settings: QSettings) -> list[str]:
    value = settings.value(RECENT_KEY, [])
    if isinstance(value, str):  # QSettings returns one item as a plain string
        value = [value]
    items = value if isinstance(value, (list, tuple)) else []
    return [str(v) for v in items if str(v)]


def remember_database(settings: QSettings, url: str) -> None:
    url = without_password(url)
    recent = [u for u in recent_databases(settings) if u != url]
    settings.setValue(RECENT_KEY, [url] + recent[: MAX_RECENT - 1])


def without_password(url: str) -> str:
    """``url`` with any password removed (kept nowhere on disk)."""
    if "://" not in url or "@" not in url.split("://", 1)[1].split("/", 1)[0]:
        return url
    scheme, rest = url.split("://", 1)
    login, host = rest.split("@", 1)
    return f"{scheme}://{login.split(':', 1)[0]}@{host}"


def postgresql_url(host: str, port: int, database: str, user: str, password: str) -> str:
    login = quote(user, safe="")
    if password:
        login += ":" + quote(password, safe="")
    at = f"{login}@" if login else ""
    return f"postgresql://{at}{host or 'localhost'}:{port}/{quote(database, safe='')}"


class DatabaseDialog(QDialog):
    """Three ways to name the memory database; :meth:`url` is the choice."""

    def __init__(self, parent: QWidget | None, current: str, recent: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open database")
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._sqlite_tab(current), "SQLite file")
        self.tabs.addTab(self._postgresql_tab(), "PostgreSQL server")
        self.tabs.addTab(self._recent_tab(recent), "Recent")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        if current.startswith(("postgresql:", "postgres:")):
            self.tabs.setCurrentIndex(1)

    def _sqlite_tab(self, current: str) -> QWidget:
        tab = QWidget()
        self.path_edit = QLineEdit(tab)
        self.path_edit.setPlaceholderText("/path/to/memory.sqlite3")
        if current and not current.startswith(("postgresql:", "postgres:")):
            self.path_edit.setText(describe_url(current))
        browse = QPushButton("Browse…", tab)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout(tab)
        row.addWidget(self.path_edit)
        row.addWidget(browse)
        return tab

    def _postgresql_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.pg_host = QLineEdit("localhost", tab)
        self.pg_port = QSpinBox(tab)
        self.pg_port.setRange(1, 65535)
        self.pg_port.setValue(5432)
        self.pg_database = QLineEdit("botserver", tab)
        self.pg_user = QLineEdit(tab)
        self.pg_password = QLineEdit(tab)
        self.pg_password.setEchoMode(QLineEdit.EchoMode.Password)
        for label, widget in (("Host", self.pg_host), ("Port", self.pg_port),
                              ("Database", self.pg_database), ("User", self.pg_user),
                              ("Password", self.pg_password)):
            form.addRow(label, widget)
        return tab

    def _recent_tab(self, recent: list[str]) -> QWidget:
        tab = QWidget()
        self.recent_list = QListWidget(tab)
        self.recent_list.addItems(recent)
        self.recent_list.itemDoubleClicked.connect(lambda _item: self.accept())
        if recent:
            self.recent_list.setCurrentRow(0)
        QVBoxLayout(tab).addWidget(self.recent_list)
        return tab

    def _browse(self) -> None:
        path = file_dialogs.database_file_name(self, "Memory database", self.path_edit.text())
        if path:
            self.path_edit.setText(path)

    def url(self) -> str:
        """The chosen database as a URL, ``""`` when the chosen tab is empty."""
        index = self.tabs.currentIndex()
        if index == 0:
            path = self.path_edit.text().strip()
            if not path:
                return ""
            return path if "://" in path else sqlite_url(os.path.expanduser(path))
        if index == 1:
            if not self.pg_database.text().strip():
                return ""
            return postgresql_url(self.pg_host.text().strip(), self.pg_port.value(),
                                  self.pg_database.text().strip(), self.pg_user.text().strip(),
                                  self.pg_password.text())
        item = self.recent_list.currentItem()
        return item.text() if item is not None else ""
