"""Screenshot of the IDE paused in the debugger: `xvfb-run -a -s "-screen 0 1280x800x24"
python scripts/screenshot_debug.py /tmp/debug.png` (shopping-list.bas, a conditional breakpoint
inside a FUNCTION, a watch and a memory breakpoint)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshot import shoot, until

from ui.main_window import SAMPLES

BREAK_LINE = 5  # inside FUNCTION Total


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
    return shoot(scenario, "/tmp/debug.png")


if __name__ == "__main__":
    sys.exit(main())
