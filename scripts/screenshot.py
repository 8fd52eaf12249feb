"""Screenshot of the IDE after a real run: `xvfb-run -a -s "-screen 0 1280x800x24"
python scripts/screenshot.py docs/screenshot.png` (loads menu.bas, answers through the chat)."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from ui.main import build_window
from ui.main_window import SAMPLES


async def until(predicate, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("the scripted run did not reach the expected state")
        await asyncio.sleep(0.02)


async def scenario(window, out: Path) -> None:
    window.store.set("demo", "human_requests", "2")
    window.store.set("demo", "greeting_style", "friendly")
    window.open_file(SAMPLES / "greeting.bas")
    window.run()
    await until(lambda: window.chat.waiting)
    window.chat.input.setText("Ada Lovelace")
    window.chat.input.returnPressed.emit()  # the same path as pressing Enter
    await until(lambda: window.memory.model.row_of("last_visitor") is not None)
    await until(lambda: not window.runner.running)
    window.open_file(SAMPLES / "menu.bas")
    window.run()
    await until(lambda: window.chat.waiting and window.chat.choice_buttons())
    window.editor().go_to_line(9)
    await asyncio.sleep(1.2)  # let the change highlight fade
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))


def shoot(scenario, default_out: str) -> int:
    """Build a window on a temporary store, run ``scenario(window, out)``, exit."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else default_out)
    tmp = Path(tempfile.mkdtemp(prefix="talkbench-shot-"))
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    window = build_window([], str(tmp / "memory.sqlite3"), "demo", settings)
    window.tabs.removeTab(0)  # the blank "untitled" tab
    window.resize(1280, 800)
    window.show()
    with loop:
        loop.run_until_complete(scenario(window, out))
    window.runner.stop()
    window.store.close()
    print(f"saved {out}")
    return 0


def main() -> int:
    return shoot(scenario, "docs/screenshot.png")


if __name__ == "__main__":
    sys.exit(main())
