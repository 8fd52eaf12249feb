"""Screenshot of the IDE paused in the debugger: `xvfb-run -a -s "-screen 0 1280x800x24"
python scripts/screenshot_debug.py /tmp/debug.png` (shopping-list.bas, a conditional breakpoint
inside a FUNCTION, a watch and a memory breakpoint)."""

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

BREAK_LINE = 5  # inside FUNCTION Total


async def until(predicate, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("the debug run did not reach the expected state")
        await asyncio.sleep(0.02)


async def scenario(window, out: Path) -> None:
    tab = window.open_file(SAMPLES / "shopping-list.bas")
    debug = window.debug
    tab.editor.toggle_breakpoint(BREAK_LINE)
    debug.controller.update_breakpoint(BREAK_LINE, condition='item.name = "bread"')
    debug.breakpoints.add_memory_breakpoint("last_basket_total")
    debug.watch.add("sum + item.price * item.qty")
    debug.watch.add("UBOUND(items)")
    window.actions_by_name["debug"].trigger()
    await until(lambda: debug.controller.is_paused)
    debug.variables.item("Globals", "basket").setExpanded(True)
    debug.variables.item("Globals", "item").setExpanded(True)
    debug.console.evaluate("item.name")
    await asyncio.sleep(0.3)
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/debug.png")
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


if __name__ == "__main__":
    sys.exit(main())
