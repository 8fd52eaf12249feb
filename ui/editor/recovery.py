"""Unsaved text survives a killed IDE: every editor tab with unsaved changes is backed up
(app.files.recovery) about once a second while it changes, and the next start puts what an
IDE that ended without closing left behind back into tabs, with a bar saying so.

A recovered file's tab keeps the digest its file had when the lost IDE last read or saved it:
if another program changed the file since, saving asks before overwriting that change, as for
any tab. A backup whose text is what the file holds now (the IDE died right after a save) is
dropped without a word.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QWidget

from app.files.atomic_file import read_text_file
from app.files.recovery import Backup, Orphan, RecoveryArea, RecoverySession

from .disk_changes import file_digest
from .notice_bar import NoticeBar

if TYPE_CHECKING:
    from ..workbench import Workbench

BACKUP_EVERY_MS = 1000  # the most typing a kill can take with it


class RecoveredBar(NoticeBar):
    """Above a tab whose text was recovered: what happened; Keep it or Discard it."""

    def __init__(self, backup: Backup, parent: QWidget | None = None, *,
                 changed_since: bool = False, gone: bool = False) -> None:
        super().__init__("recoveredBar", "rgba(0, 160, 255, 60)", parent)  # blue
        text = (f"Recovered unsaved changes to {backup.name} from {backup.when}, when "
                "Talkbench ended without saving them. Save to keep them in the file.")
        if gone:  # renamed or deleted since: saving where it was may not be what is wanted
            text += (f" {backup.path} is no longer on disk: saving makes it again (Save As "
                     "saves elsewhere).")
        elif changed_since:
            text += (" The file was changed on disk since: saving asks before overwriting "
                     "that change.")
        self.label.setText(text)
        self.keep_button = self.add_button(
            "Keep", "Keep the recovered text in the editor (not saved yet)")
        self.discard_button = self.add_button(
            "Discard", "Throw the recovered text away: the file as it is on disk (an "
                       "untitled tab closes)")
        self.keep_button.clicked.connect(self.hide)


class UnsavedTextKeeper(QObject):
    """Backs up the window's modified tabs into this IDE's recovery session."""

    def __init__(self, window: Workbench, area: RecoveryArea) -> None:
        super().__init__(window.widget)
        self.window, self.area = window, area
        self.session: RecoverySession | None = None
        self._notes: list[str] = []  # for the status bar, once the start-up is done
        try:
            self.session = area.start_session()
        except OSError as exc:  # the IDE starts all the same; without backups, and says so
            self._notes.append("Unsaved changes are not backed up (a killed Talkbench "
                               f"loses them): {exc}")
        self._keys: dict[Any, str] = {}  # tab -> its backup's key, while it has one
        self._dirty: set[Any] = set()  # tabs changed since their last backup
        self._seen: set[Any] = set()
        self._said_error = ""
        self._timer = QTimer(self)
        self._timer.setInterval(BACKUP_EVERY_MS)
        self._timer.timeout.connect(self.back_up)
        self._timer.start()

    def back_up(self) -> None:
        """Write the backups of tabs changed since the last pass, drop those of tabs that are
        saved (or undone to their file) or closed."""
        if self.session is None:
            return
        live = self.window.editor_tabs()
        # A write failed (a full disk): the backup on disk is older than the text, or none;
        # write them all again until one succeeds, not only after the next keystroke.
        retry = bool(self.session.last_error)
        for tab in live:
            if tab not in self._seen:
                self._seen.add(tab)
                tab.editor.document().contentsChanged.connect(
                    lambda t=tab: self._dirty.add(t))
                # Closed (Don't Save): its backup goes now, not at the next pass, or a kill
                # in between brings back text the author threw away.
                tab.destroyed.connect(lambda _obj=None, t=tab: self._forget(t))
                if tab.modified:
                    self._dirty.add(tab)
            if not tab.modified:
                self._drop(tab)
            elif retry or tab in self._dirty:
                self._keep(tab)
        for tab in [t for t in self._seen if t not in live]:
            self._forget(tab)
        self._dirty.clear()
        self._say_error()

    def _forget(self, tab: Any) -> None:
        self._seen.discard(tab)
        self._dirty.discard(tab)
        self._drop(tab)

    def _keep(self, tab: Any) -> None:
        assert self.session is not None
        key = self._keys.setdefault(tab, self.session.new_key())
        path = str(tab.path) if tab.path is not None else None
        self.session.keep(key, Backup(tab.editor.toPlainText(), path, tab.disk_digest,
                                      tab.text_format, time.time()))

    def _drop(self, tab: Any) -> None:
        key = self._keys.pop(tab, None)
        if key is not None and self.session is not None:
            self.session.drop(key)

    def _say_error(self) -> None:
        assert self.session is not None
        error = self.session.last_error
        if error and error != self._said_error:
            self.window.statusBar().showMessage(f"Unsaved changes: {error}", 15000)
        self._said_error = error

    def close(self, clean: bool = True) -> None:
        """``clean``: the window closed (the user saved or discarded every tab), the session
        goes. Otherwise (a signal ended the IDE) the last edits are backed up and stay for
        the next start."""
        self._timer.stop()
        if self.session is None:
            return
        if not clean:
            self.back_up()
        self.session.close(remove=clean)
        self.session = None  # tabs destroyed with the window drop nothing now

    # ------------------------------------------------------------ recovery at start-up

    def offer_orphans(self) -> list[Any]:
        """Put the buffers of IDEs that ended without closing back into tabs; the tabs."""
        orphans, problems = self.area.orphans()
        tabs, kept = [], False
        try:
            tabs = [tab for orphan in orphans if (tab := self._restore(orphan)) is not None]
            self.back_up()
            # Their text is in this session's backups (on disk) before the old ones go.
            kept = (self.session is not None and self.session.flush()
                    and not self.session.last_error)
        finally:
            self.area.release_orphans(remove=kept)
        if problems:
            self._notes.append("Some unsaved text could not be recovered: "
                               + "; ".join(problems))
        if self._notes:
            self.window.statusBar().showMessage(" — ".join(self._notes), 60000)
        return tabs

    def _restore(self, orphan: Orphan) -> Any:
        backup = orphan.backup
        path = Path(backup.path) if backup.path else None
        if path is not None and _file_text(path) == backup.text:
            return None  # saved after all: nothing was lost
        if any(t.modified and t.path == path and t.editor.toPlainText() == backup.text
               for t in self.window.editor_tabs()):
            return None  # the same text twice (a start-up that died while recovering)
        tab = self.window.open_file(path) if path is not None and path.is_file() else None
        if tab is not None and not tab.modified:
            _replace_undoably(tab, backup.text)
        else:
            # Untitled; its file gone (saving makes it again); a second text for one file
            # (two IDEs killed, each editing it): a tab of its own, or one would be lost;
            # or a file that cannot be opened (Save As).
            keep_path = path is not None and (tab is not None or not path.is_file())
            tab = self.window.add_tab(backup.text, path if keep_path else None,
                                      backup.text_format)
            tab.editor.document().setModified(True)
        changed_since = path is not None and path.is_file() and \
            file_digest(path) != backup.disk_digest
        bar = RecoveredBar(backup, tab, gone=path is not None and not path.exists(),
                           changed_since=changed_since)
        tab.text_format = backup.text_format
        tab.disk_digest = backup.disk_digest
        bar.discard_button.clicked.connect(lambda: self._discard(tab, bar))
        tab.layout().insertWidget(0, bar)
        return tab

    def _discard(self, tab: Any, bar: RecoveredBar) -> None:
        bar.hide()
        # The file's own tab shows the file again; a second tab of it (a second recovered
        # text) closes, as an untitled one does.
        others = [t for t in self.window.editor_tabs() if t is not tab and t.path == tab.path]
        if tab.path is not None and tab.path.is_file() and not others:
            self.window.reload(tab)
            return
        tab.editor.document().setModified(False)  # closing asks nothing: nothing to save
        self.window.close_tab(self.window.tabs.indexOf(tab))


def _replace_undoably(tab: Any, text: str) -> None:
    """The recovered text as one edit: Undo shows the file as it is on disk."""
    cursor = tab.editor.textCursor()
    cursor.select(QTextCursor.SelectionType.Document)
    cursor.insertText(text)
    tab.editor.document().setModified(True)


def _file_text(path: Path) -> str | None:
    try:
        return read_text_file(path)[0]
    except (OSError, ValueError):
        return None
