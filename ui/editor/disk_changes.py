"""Noticing that another program changed an open file: a watcher, the bar that offers a reload,
and the digest a save compares before it writes (so it never silently overwrites the change).

The digest of the bytes last read or written is the reference, not the modification time:
our own atomic save also fires the watcher, and a time stamp can miss a change made within its
granularity.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Signal
from PySide6.QtWidgets import QWidget

from .notice_bar import NoticeBar


def file_digest(path: Path) -> str | None:
    """SHA-256 of the file's bytes; None when it cannot be read (deleted, unreadable)."""
    import hashlib  # OpenSSL's library loads at the first file opened, not with the window

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class DiskWatcher(QObject):
    """Reports ``changed(path)`` when a watched file is written, replaced or deleted."""

    changed = Signal(object)  # Path

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._on_changed)

    def watch(self, path: Path) -> None:
        if str(path) not in self._watcher.files() and path.exists():
            self._watcher.addPath(str(path))

    def unwatch(self, path: Path) -> None:
        if str(path) in self._watcher.files():
            self._watcher.removePath(str(path))

    def _on_changed(self, name: str) -> None:
        path = Path(name)
        # An editor that saves by renaming a new file over the old one (as we do) ends the
        # watch on the old inode: watch the path again so the next change is seen too.
        self.unwatch(path)
        self.watch(path)
        self.changed.emit(path)


class ReloadBar(NoticeBar):
    """Shown above an editor whose file changed on disk: Reload, or keep the editor's text."""

    reloadRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("reloadBar", "rgba(255, 196, 0, 70)", parent)  # amber
        self.reload_button = self.add_button(
            "Reload", "Replace the editor's text with the file as it is on disk")
        self.keep_button = self.add_button(
            "Keep Mine", "Keep the editor's text; saving will ask before overwriting the "
                         "other program's change")
        self.reload_button.clicked.connect(self.reloadRequested)
        self.keep_button.clicked.connect(self.hide)
        self.hide()

    def offer(self, name: str, modified: bool, deleted: bool) -> None:
        if deleted:
            text = f"{name} was deleted or renamed by another program."
        elif modified:
            text = (f"{name} was changed by another program, and you have unsaved changes. "
                    "Reload discards yours.")
        else:
            text = f"{name} was changed by another program."
        self.label.setText(text)
        self.reload_button.setVisible(not deleted)
        self.show()
