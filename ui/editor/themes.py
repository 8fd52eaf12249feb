"""Editor themes built from Pygments styles, and the View → Theme menu that remembers the choice.

Token colours come from the style itself (the highlighter asks it per token); the editor's own
colours (background, text, current line, gutter, line numbers) are derived here from the same
style, so a dark style gives a dark editor rather than dark-on-dark text.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from pygments.style import StyleMeta
from pygments.styles import get_style_by_name
from pygments.token import Comment, Text
from PySide6.QtCore import QSettings, QSize, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QStyle, QWidget

SETTINGS_KEY = "editor/theme"


class Theme(NamedTuple):
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


# Where a paused run stands: translucent yellow on light themes; on dark ones a deep blue,
# since yellow over a dark background turns mustard and swallows yellow and pink tokens.
_LIGHT_EXECUTION_LINE = QColor(255, 214, 0, 90)
_DARK_EXECUTION_LINE = QColor("#1d3557")
DARK_CURRENT_LINE_LIFT = 135  # percent, QColor.lighter


class EditorColors(NamedTuple):
    background: QColor
    text: QColor
    current_line: QColor
    gutter: QColor
    line_number: QColor
    dark: bool
    execution_line: QColor


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
    # Some styles keep the light default highlight even when dark (one-dark), and a dark
    # style's own highlight can be light enough to swallow its pink and purple tokens
    # (monokai's): on dark themes the current line is a faint lift of the background.
    current = _color(style.highlight_color, background)
    if dark:
        current = background.lighter(DARK_CURRENT_LINE_LIFT)
    elif current.lightnessF() < 0.5 or current == background:
        current = background.darker(106)
    gutter = background.lighter(115) if dark else background.darker(104)
    number = _color(style.line_number_color, QColor())
    if not number.isValid() or style.line_number_color in ("inherit", "transparent"):
        number = _color(style.style_for_token(Comment)["color"], QColor("#999999"))
    execution = _DARK_EXECUTION_LINE if dark else _LIGHT_EXECUTION_LINE
    return EditorColors(background, text, current, gutter, number, dark, execution)


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


# -- the whole application -------------------------------------------------------------------

_DARK_WINDOW = QColor("#2d2d2d")
_DARK_TEXT = QColor("#e6e6e6")
_DARK_DISABLED_TEXT = QColor("#808080")


def dark_palette(colors: EditorColors) -> QPalette:
    """A dark palette for every widget, its text and lists matching the editor's."""
    P = QPalette.ColorRole
    palette = QPalette()
    roles = {
        P.Window: _DARK_WINDOW, P.WindowText: _DARK_TEXT, P.Base: colors.background,
        P.AlternateBase: colors.background.lighter(120), P.Text: _DARK_TEXT,
        P.Button: QColor("#3a3a3a"), P.ButtonText: _DARK_TEXT, P.BrightText: QColor("#ff6b6b"),
        P.Highlight: QColor("#35609b"), P.HighlightedText: QColor("#ffffff"),
        P.ToolTipBase: QColor("#3a3a3a"), P.ToolTipText: _DARK_TEXT,
        P.PlaceholderText: QColor("#9a9a9a"), P.Link: QColor("#7fb2ff"),
        P.Light: QColor("#4a4a4a"), P.Midlight: QColor("#3f3f3f"), P.Mid: QColor("#333333"),
        P.Dark: QColor("#1e1e1e"), P.Shadow: QColor("#111111"),
    }
    for role, color in roles.items():
        palette.setColor(role, color)
    for role in (P.WindowText, P.Text, P.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, _DARK_DISABLED_TEXT)
    return palette


class ApplicationTheme:
    """Applies a theme to the whole application: a dark palette for dark themes, the palette
    the application started with for light ones."""

    def __init__(self) -> None:
        self._original = QApplication.palette()

    def apply(self, theme: Theme) -> EditorColors:
        colors = editor_colors(theme)
        QApplication.setPalette(dark_palette(colors) if colors.dark else self._original)
        return colors


# Fusion's standard icons that are plain black shapes (play, stop, pause, arrows): invisible
# on a dark toolbar unless recoloured.
MONOCHROME_ICONS = frozenset({
    QStyle.StandardPixmap.SP_MediaPlay, QStyle.StandardPixmap.SP_MediaStop,
    QStyle.StandardPixmap.SP_MediaPause, QStyle.StandardPixmap.SP_ArrowRight,
    QStyle.StandardPixmap.SP_ArrowDown, QStyle.StandardPixmap.SP_ArrowUp,
})


def themed_icon(style: QStyle, pixmap: QStyle.StandardPixmap, dark: bool) -> QIcon:
    """The style's icon; on a dark theme a black-shape icon is redrawn in the text colour."""
    icon = style.standardIcon(pixmap)
    if not dark or pixmap not in MONOCHROME_ICONS:
        return icon
    tinted = QIcon()
    for size in icon.availableSizes() or [QSize(16, 16), QSize(32, 32)]:
        for mode in (QIcon.Mode.Normal, QIcon.Mode.Disabled):
            image = icon.pixmap(size, mode)
            painter = QPainter(image)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
            painter.fillRect(image.rect(), _DARK_TEXT if mode == QIcon.Mode.Normal
                             else _DARK_DISABLED_TEXT)
            painter.end()
            tinted.addPixmap(image, mode)
    return tinted
