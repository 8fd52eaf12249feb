"""Editor themes built from Pygments styles, and the View → Theme menu that remembers the choice.

Token colours come from the style itself (the highlighter asks it per token); the editor's own
colours (background, text, current line, gutter, line numbers) are derived here from the same
style, so a dark style gives a dark editor rather than dark-on-dark text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pygments.style import StyleMeta
from pygments.styles import get_style_by_name
from pygments.token import Comment, Text
from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor
from PySide6.QtWidgets import QMenu, QWidget

SETTINGS_KEY = "editor/theme"


@dataclass(frozen=True)
class Theme:
    name: str  # stored in QSettings
    label: str  # shown in the menu
    pygments_style: str


LIGHT = Theme("light", "&Light (Pygments default)", "default")
FRIENDLY = Theme("friendly", "&Friendly (Pygments friendly)", "friendly")
DARK = Theme("dark", "&Dark (Pygments monokai)", "monokai")
NATIVE = Theme("native", "&Native (Pygments native)", "native")
THEMES: tuple[Theme, ...] = (LIGHT, FRIENDLY, DARK, NATIVE)


def theme_named(name: str | None) -> Theme:
    """The theme stored under ``name``; the light one for anything unknown."""
    return next((t for t in THEMES if t.name == name), LIGHT)


@dataclass(frozen=True)
class EditorColors:
    background: QColor
    text: QColor
    current_line: QColor
    gutter: QColor
    line_number: QColor
    dark: bool


def _color(value: str | None, fallback: QColor) -> QColor:
    color = QColor(value if value and value.startswith("#") else f"#{value}" if value else "")
    return color if value and color.isValid() else fallback


@cache
def _style(name: str) -> StyleMeta:
    return get_style_by_name(name)


def editor_colors(theme: Theme) -> EditorColors:
    """Editor colours from the theme's Pygments style."""
    style = _style(theme.pygments_style)
    background = _color(style.background_color, QColor("#ffffff"))
    dark = background.lightnessF() < 0.5
    text = _color(style.style_for_token(Text)["color"], QColor("#f8f8f2" if dark else "#000000"))
    # Some styles keep the light default highlight even when dark (one-dark): never let the
    # current line glare, derive it from the background instead.
    current = _color(style.highlight_color, background)
    if (current.lightnessF() < 0.5) != dark or current == background:
        current = background.lighter(130) if dark else background.darker(106)
    gutter = background.lighter(115) if dark else background.darker(104)
    number = _color(style.line_number_color, QColor())
    if not number.isValid() or style.line_number_color in ("inherit", "transparent"):
        number = _color(style.style_for_token(Comment)["color"], QColor("#999999"))
    return EditorColors(background, text, current, gutter, number, dark)


class ThemeMenu(QMenu):
    """Checkable theme entries; the choice is applied via ``themeChanged`` and saved."""

    themeChanged = Signal(object)  # Theme

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__("&Theme", parent)
        self._settings = settings
        self._group = QActionGroup(self)
        self._group.setExclusive(True)
        self.actions_by_theme: dict[str, QAction] = {}
        current = self.current()
        for theme in THEMES:
            action = self.addAction(theme.label)
            action.setCheckable(True)
            action.setChecked(theme == current)
            action.setData(theme.name)
            self._group.addAction(action)
            action.triggered.connect(lambda _=False, t=theme: self.choose(t))
            self.actions_by_theme[theme.name] = action

    def current(self) -> Theme:
        return theme_named(str(self._settings.value(SETTINGS_KEY, LIGHT.name)))

    def choose(self, theme: Theme) -> None:
        self._settings.setValue(SETTINGS_KEY, theme.name)
        self.actions_by_theme[theme.name].setChecked(True)
        self.themeChanged.emit(theme)
