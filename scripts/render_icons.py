"""Render resources/icons/talkbench.svg to the PNGs the window icon uses (ui/app_icon.py):
`QT_QPA_PLATFORM=offscreen python scripts/render_icons.py` after changing the SVG."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtGui import QGuiApplication, QIcon

from ui.app_icon import SIZES, SOURCE, rendering


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    source = QIcon(str(SOURCE))
    for size in SIZES:
        if not source.pixmap(size, size).save(str(rendering(size))):
            print(f"could not write {rendering(size)}", file=sys.stderr)
            return 1
        print(rendering(size))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
