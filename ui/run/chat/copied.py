"""Messages copied to the clipboard: their text is made when something reads it."""

from __future__ import annotations

import atexit

from PySide6.QtCore import QByteArray, QMetaType, QMimeData
from PySide6.QtGui import QGuiApplication

from .messages import ChatMessage

_PLAIN = ("text/plain", "text/plain;charset=utf-8")


class CopiedMessages(QMimeData):
    """The text of ``messages``, one a line, as the clipboard's plain text, joined when it is
    first read (a paste, a clipboard manager). Copying 100,000 messages made an 11 MB text
    and handed it to Qt on the keypress: ~30 ms on the GUI thread."""

    def __init__(self, messages: list[ChatMessage]) -> None:
        super().__init__()
        self._messages = messages  # (a message's text never changes)
        self._text: QByteArray | None = None

    def formats(self) -> list[str]:
        return [_PLAIN[0]]

    def hasFormat(self, mimetype: str) -> bool:
        return mimetype in _PLAIN

    def retrieveData(self, mimetype: str,
                     preferredType: QMetaType | QMetaType.Type) -> object:
        if mimetype not in _PLAIN:
            return None
        if self._text is None:
            # UTF-8 bytes, which another program's paste asks for and QMimeData.text()
            # decodes: handing Qt an 11 MB Python str cost twice as long.
            self._text = QByteArray(
                "\n".join([message.text for message in self._messages]).encode())
        return self._text


@atexit.register
def _as_plain_text() -> None:
    """Copied messages still on the clipboard at exit become plain text: Qt deletes the
    clipboard's data (or hands it to a clipboard manager) once Python has stopped, and a
    Python-made QMimeData then crashes the process."""
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        clipboard = app.clipboard()
        copied = clipboard.mimeData()
        if isinstance(copied, CopiedMessages):
            clipboard.setText(copied.text())
