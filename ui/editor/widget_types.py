"""PySide's Python classes of Qt's widget types, made a few per turn of the event loop.

The first time PySide wraps a widget that Qt made itself (an editor's viewport, a completer's
popup), it looks for the object's most derived class among the widget classes of QtWidgets,
and makes each of those Python classes (their enums) that does not exist yet: 15-20 ms in one
go with PySide 6.11, which was the completion's warm-up just after the first paint. Made
beforehand a few per turn, each turn takes ~2 ms and the wrap itself well under one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6 import QtWidgets

# The classes that first wrap made (PySide 6.11; a name another version lacks is skipped).
WIDGET_TYPES = (
    "QAbstractSpinBox", "QCalendarWidget", "QColorDialog", "QColumnView", "QComboBox",
    "QCommandLinkButton", "QDateEdit", "QDateTimeEdit", "QDial", "QDialogButtonBox",
    "QDoubleSpinBox", "QErrorMessage", "QFileDialog", "QFocusFrame", "QFontComboBox",
    "QFontDialog", "QGraphicsView", "QGroupBox", "QHeaderView", "QKeySequenceEdit",
    "QLCDNumber", "QMdiArea", "QMdiSubWindow", "QProgressBar", "QProgressDialog",
    "QRadioButton", "QRhiWidget", "QRubberBand", "QSizeGrip", "QSlider", "QSpinBox",
    "QSplashScreen", "QSplitter", "QSplitterHandle", "QStackedWidget", "QTabBar",
    "QTableView", "QTableWidget", "QTimeEdit", "QToolBox", "QTreeView", "QTreeWidget",
    "QUndoView", "QWizard", "QWizardPage",
)
PER_TURN = 6


def _make(names: Sequence[str]) -> None:
    for name in names:
        getattr(QtWidgets, name, None)


def widget_type_steps() -> list[Callable[[], None]]:
    """One step per ``PER_TURN`` classes of ``WIDGET_TYPES``."""
    return [partial(_make, WIDGET_TYPES[i:i + PER_TURN])
            for i in range(0, len(WIDGET_TYPES), PER_TURN)]
