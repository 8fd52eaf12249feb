"""A dark theme darkens the whole application, and the editor's current and paused lines keep
every token readable (WCAG contrast >= 3:1 against the line's colour)."""

from __future__ import annotations

import pytest
from pygments.token import Keyword, Name, Number, Operator, String, Text
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from ui.editor.themes import DARK, LIGHT, THEMES, _style, editor_colors

TOKENS = (Text, Keyword, String, Name.Builtin, Name.Function, Number, Operator, Operator.Word)


def luminance(color: QColor) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(color.red()) + 0.7152 * channel(color.green())
            + 0.0722 * channel(color.blue()))


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def over(top: QColor, below: QColor) -> QColor:
    """``top`` (maybe translucent) painted over ``below``."""
    a = top.alphaF()
    return QColor(*(round(t * a + b * (1 - a)) for t, b in
                    ((top.red(), below.red()), (top.green(), below.green()),
                     (top.blue(), below.blue()))))


@pytest.mark.parametrize("theme", [t for t in THEMES if editor_colors(t).dark],
                         ids=lambda t: t.name)
def test_dark_themes_keep_tokens_readable_on_the_current_and_paused_lines(theme):
    colors = editor_colors(theme)
    style = _style(theme.pygments_style)
    for line in (colors.current_line, colors.execution_line):
        background = over(line, colors.background)
        for token in TOKENS:
            value = style.style_for_token(token)["color"]
            fg = QColor("#" + value) if value else colors.text
            assert contrast(fg, background) >= 3.0, (theme.name, str(token), fg.name())


def is_dark(color: QColor) -> bool:
    return color.lightnessF() < 0.35


def test_the_dark_theme_darkens_the_whole_window(window, qtbot):
    light_window = QApplication.palette().color(QPalette.ColorRole.Window)
    try:
        window.theme_menu.choose(DARK)
        palette = QApplication.palette()
        assert is_dark(palette.color(QPalette.ColorRole.Window))
        assert is_dark(palette.color(QPalette.ColorRole.Base))
        assert not is_dark(palette.color(QPalette.ColorRole.WindowText))
        widgets = (window.memory.view, window.output, window.debug.variables.tree,
                   window.chat.input)
        qtbot.waitUntil(lambda: all(is_dark(w.palette().color(QPalette.ColorRole.Base))
                                    for w in widgets))  # palette changes arrive as events
        for widget in widgets:
            assert is_dark(widget.palette().color(QPalette.ColorRole.Base)), widget
        window.chat.add_bubble("hello", from_bot=True)
        view = window.chat.view
        bubble = view.bubble_rect(len(window.chat.messages) - 1)
        shot = view.viewport().grab().toImage()
        # a dark bubble, light text
        assert shot.pixelColor(bubble.left() + 4, bubble.center().y()).name() == "#2c3a55"
        window.output.add("boom", "error")
        error = window.output.item(window.output.count() - 1).foreground().color()
        assert contrast(error, palette.color(QPalette.ColorRole.Base)) >= 4.5
    finally:
        window.theme_menu.choose(LIGHT)
    assert QApplication.palette().color(QPalette.ColorRole.Window) == light_window
