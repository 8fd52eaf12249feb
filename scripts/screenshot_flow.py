"""Screenshot of the Flow panel during a paused debug run: `xvfb-run -a -s "-screen 0
1280x800x24" python scripts/screenshot_flow.py docs/screenshot-flow.png` (menu.bas, a
breakpoint on its HEAR order line set from the flow, one answer through the chat)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget
from screenshot import shoot, until

from ui.main_window import SAMPLES


async def scenario(window, out: Path) -> None:
    window.open_file(SAMPLES / "menu.bas")
    flow = window.flow
    chat = window.findChild(QDockWidget, "chatDock")
    window.splitDockWidget(chat, flow.dock, Qt.Orientation.Vertical)
    flow.dock.show()
    flow.dock.raise_()
    await until(lambda: flow.panel.drawn is not None and "L11.5" in flow.panel.scene.node_items)
    flow.panel.select_node("L11.5")
    flow.panel.toggle_breakpoint()
    window.run(debug=True)
    await until(lambda: window.chat.waiting and window.chat.choice_buttons())
    window.chat.input.setText("Track an order")
    window.chat.input.returnPressed.emit()
    await until(lambda: window.debug.controller.is_paused)
    await asyncio.sleep(0.5)
    for dock in window.findChildren(QDockWidget):
        if dock.isVisible() and dock.widget() not in (flow.panel, window.chat):
            dock.hide()
    window.resizeDocks([flow.dock], [700], Qt.Orientation.Horizontal)
    window.resizeDocks([chat, flow.dock], [170, 600], Qt.Orientation.Vertical)
    await asyncio.sleep(0.3)
    flow.panel.select_node("L11.5")
    flow.panel.fit()
    await asyncio.sleep(0.3)
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))
    window.debug.controller.stop()


def main() -> int:
    return shoot(scenario, "docs/screenshot-flow.png")


if __name__ == "__main__":
    sys.exit(main())
