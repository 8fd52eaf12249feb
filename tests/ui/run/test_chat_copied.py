"""Messages copied from the chat: their text stays on the clipboard."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from ui.run.chat_panel import ChatPanel

ROOT = Path(__file__).resolve().parents[3]


def test_copied_messages_stay_on_the_clipboard_after_they_leave_the_chat(qtbot):
    chat = ChatPanel()
    qtbot.addWidget(chat)
    texts = [f"line {i}\nsecond half, café \U0001f600" for i in range(300)]
    for i, text in enumerate(texts):
        chat.add_bubble(text, from_bot=i % 3 != 0)
    chat.view.selectAll()
    chat.view.copy()
    chat.clear()  # (a new run)
    chat.add_bubble("after", from_bot=True)
    assert QGuiApplication.clipboard().text() == "\n".join(texts)
    copied = QGuiApplication.clipboard().mimeData()
    assert copied.hasText()
    assert bytes(copied.data("text/plain").data()).decode() == "\n".join(texts)


COPY_AND_QUIT = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from ui.run.chat_panel import ChatPanel
chat = ChatPanel()
chat.add_bubble("one", from_bot=True)
chat.add_bubble("two", from_bot=False)
chat.view.selectAll()
chat.view.copy()
print(repr(app.clipboard().text()))
"""


def test_the_ide_quits_cleanly_with_copied_messages_on_the_clipboard():
    """Qt deletes (or hands to a clipboard manager) what the clipboard holds after Python
    stopped running: clipboard data made in Python (a lazily joined copy was tried) aborted
    the process on its way out."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_API="pyside6")
    done = subprocess.run([sys.executable, "-c", COPY_AND_QUIT], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == repr("one\ntwo")
