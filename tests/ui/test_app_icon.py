"""The window icon (ui.app_icon): PNG renderings of the SVG, each in step with it."""

from __future__ import annotations

from PySide6.QtGui import QIcon, QImage

from ui.app_icon import SIZES, SOURCE, app_icon, rendering


def _difference(a: QImage, b: QImage) -> float:
    """Mean difference per colour channel and pixel (0-255)."""
    a = a.convertToFormat(QImage.Format.Format_RGBA8888)
    b = b.convertToFormat(QImage.Format.Format_RGBA8888)
    assert a.size() == b.size()
    one, two = bytes(a.constBits()), bytes(b.constBits())
    return sum(abs(x - y) for x, y in zip(one, two, strict=True)) / len(one)


def test_each_png_is_the_svg_rendered_at_its_size(qapp):
    """Fails when the SVG changed and scripts/render_icons.py was not run."""
    source = QIcon(str(SOURCE))
    for size in SIZES:
        png = QImage(str(rendering(size)))
        assert not png.isNull(), rendering(size)
        assert (png.width(), png.height()) == (size, size)
        fresh = source.pixmap(size, size).toImage()
        assert _difference(png, fresh) < 4.0, size


def test_the_window_and_the_application_get_every_size(window, qapp):
    icon = app_icon()
    assert sorted(s.width() for s in icon.availableSizes()) == list(SIZES)
    assert sorted(s.width() for s in window.windowIcon().availableSizes()) == list(SIZES)
    assert not qapp.windowIcon().isNull()
