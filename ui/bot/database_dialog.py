"""File ▸ Open Database…: a SQLite file (with a picker), a PostgreSQL server, or a recent one.

The dialog only builds a URL; the window opens it (``MainWindow.open_database``). Recent
databases are kept in the settings without their passwords.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
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
PG_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg2://")
PG_URL_HINT = "postgresql://user:password@host:5432/database"


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


@dataclass(frozen=True)
class PgFields:
    """What the PostgreSQL tab's fields show of a URL."""

    host: str
    port: int
    database: str
    user: str
    password: str


def pg_fields(url: str) -> PgFields | None:
    """The fields of a ``postgresql://`` URL, None when ``url`` is not one (or its port is
    not a number)."""
    url = url.strip()
    if not url.lower().startswith(PG_SCHEMES):
        return None
    parts = urlsplit(url)
    try:
        port = parts.port or 5432
    except ValueError:
        return None
    return PgFields(unquote(parts.hostname or ""), port, unquote(parts.path.lstrip("/")),
                    unquote(parts.username or ""), unquote(parts.password or ""))


class DatabaseDialog(QDialog):
    """Three ways to name the memory database; :meth:`url` is the choice."""

    def __init__(self, parent: QWidget | None, current: str, recent: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open database")
        self.tabs = QTabWidget(self)
        # Every tab's title in full: with scroll buttons the dialog opened too narrow to show
        # "Recent" at all.
        self.tabs.setUsesScrollButtons(False)
        self.tabs.addTab(self._sqlite_tab(current), "SQLite file")
        self.tabs.addTab(self._postgresql_tab(), "PostgreSQL server")
        self.tabs.addTab(self._recent_tab(recent), "Recent")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        if current.startswith(("postgresql:", "postgres:")):
            self.tabs.setCurrentIndex(1)
            self._url_edited(current)  # the open server in the fields (password hidden)

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
        # The URL the command line takes (--db), pasted whole; it fills the fields below.
        self.pg_url = QLineEdit(tab)
        self.pg_url.setPlaceholderText(PG_URL_HINT)
        hint_width = self.pg_url.fontMetrics().horizontalAdvance(PG_URL_HINT)
        self.pg_url.setMinimumWidth(hint_width + 24)  # the whole hint, and a URL, readable
        self.pg_url.setToolTip("A whole PostgreSQL URL (as for --db), or fill in the fields")
        self.pg_url.textEdited.connect(self._url_edited)
        form.addRow("URL", self.pg_url)
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
        self.pg_host.textEdited.connect(self._host_edited)
        for edit in (self.pg_database, self.pg_user, self.pg_password):
            edit.textEdited.connect(self._field_edited)
        self.pg_port.lineEdit().textEdited.connect(self._field_edited)
        self.pg_error = QLabel(tab)
        self.pg_error.setStyleSheet("color: #c62828")
        self.pg_error.setWordWrap(True)
        self.pg_error.hide()
        form.addRow(self.pg_error)
        return tab

    def _url_edited(self, text: str) -> None:
        self.pg_error.hide()
        fields = pg_fields(text)
        if fields is None:
            return
        self.pg_host.setText(fields.host)
        self.pg_port.setValue(fields.port)
        self.pg_database.setText(fields.database)
        self.pg_user.setText(fields.user)
        self.pg_password.setText(fields.password)

    def _field_edited(self, _text: str = "") -> None:
        """Editing a field makes the fields the choice again."""
        self.pg_error.hide()
        self.pg_url.clear()

    def _host_edited(self, text: str) -> None:
        """A URL pasted into Host (where it would become a host name) goes to the URL field."""
        if "://" not in text:
            self._field_edited()
            return
        self.pg_url.setText(text.strip())
        self._url_edited(text)

    def _accept_if_valid(self) -> None:
        typed = self.pg_url.text().strip()
        if self.tabs.currentIndex() == 1 and typed and pg_fields(typed) is None:
            self.pg_error.setText(f"Not a PostgreSQL URL: {without_password(typed)!r}. "
                                  f"Expected {PG_URL_HINT}")
            self.pg_error.show()
            self.adjustSize()  # room for the message's lines
            return
        self.accept()

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
            if self.pg_url.text().strip():  # as typed: keeps options such as ?sslmode=
                return self.pg_url.text().strip()
            if not self.pg_database.text().strip():
                return ""
            return postgresql_url(self.pg_host.text().strip(), self.pg_port.value(),
                                  self.pg_database.text().strip(), self.pg_user.text().strip(),
                                  self.pg_password.text())
        item = self.recent_list.currentItem()
        return item.text() if item is not None else ""
