"""The flow as an SVG or PNG file (what the scene shows, selection and run tints included)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsScene


def export_svg(scene: QGraphicsScene, path: str | Path, title: str = "Flow") -> None:
    rect = scene.sceneRect()
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(int(rect.width()), int(rect.height())))
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    generator.setTitle(title)
    painter = QPainter(generator)
    try:
        scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    finally:
        painter.end()


def export_png(scene: QGraphicsScene, path: str | Path, scale: float = 1.0) -> None:
    rect = scene.sceneRect()
    size = QSize(max(int(rect.width() * scale), 1), max(int(rect.height() * scale), 1))
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scene.render(painter, QRectF(0, 0, size.width(), size.height()), rect)
    finally:
        painter.end()
    # The stubs type the format as bytes; the binding accepts only str.
    if not image.save(str(path), "PNG"):  # type: ignore[call-overload]
        raise OSError(f"cannot write {path}")
