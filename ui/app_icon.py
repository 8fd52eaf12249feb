"""Talkbench's window icon, from PNG renderings of resources/icons/talkbench.svg.

Why not the SVG itself: a QIcon made from it loads Qt's SVG icon-engine plugin, and on X11
setting it as the window icon renders it at start-up, 10-20 ms before the first window could
be painted; PNGs decode with Qt's built-in reader, and only the size asked for. The PNGs are
made by scripts/render_icons.py; tests/ui/test_app_icon.py checks they match the SVG.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICONS / "talkbench.svg"
SIZES = (16, 32, 48, 64, 128, 256)


def rendering(size: int) -> Path:
    """The PNG of the icon at ``size`` × ``size`` pixels."""
    return ICONS / f"talkbench-{size}.png"


def app_icon() -> QIcon:
    """The window icon: every PNG size present (none: an empty icon, Qt's default shows)."""
    icon = QIcon()
    for size in SIZES:
        path = rendering(size)
        if path.is_file():
            icon.addFile(str(path))
    return icon
