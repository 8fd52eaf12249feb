"""Answering the modal dialogs a GUI action opens (they run their own event loop)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

Step = tuple[type, Callable[[QWidget], None]]


def answer_modals(steps: list[Step], seen: list[QWidget] | None = None) -> list[QWidget]:
    """Handle the coming modal widgets in order: each step waits for an active modal widget
    of its type other than the one the step before handled (so a dialog can be handled
    again after the box it opened) and acts on it. Returns the handled widgets."""
    handled: list[QWidget] = [] if seen is None else seen
    pending = list(steps)

    def poll() -> None:
        if not pending:
            return
        # Before acting: an action may open the next modal, whose loop runs inside it.
        QTimer.singleShot(10, poll)
        widget = QApplication.activeModalWidget()
        kind, act = pending[0]
        if isinstance(widget, kind) and (not handled or widget is not handled[-1]):
            pending.pop(0)
            handled.append(widget)
            act(widget)

    QTimer.singleShot(0, poll)
    return handled


def click_box(button_text: str) -> Step:
    """A step clicking the QMessageBox button whose text is ``button_text`` (& ignored)."""

    def act(box: QWidget) -> None:
        for button in box.findChildren(QPushButton):
            if button.text().replace("&", "") == button_text:
                button.click()
                return
        box.reject()  # never leave a modal box open: the test would hang instead of failing
        raise AssertionError(f"no button {button_text!r} in {box.text()!r}")

    return QMessageBox, act


def press(label: str, seen: list[str]) -> Callable[[QWidget], None]:
    """An action for a QMessageBox: note its text in ``seen``, click the button ``label``
    (& ignored); without one, close the box and fail (a box left open hangs the test)."""

    def act(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        found = [b for b in box.buttons() if b.text().replace("&", "") == label]
        if not found:
            box.reject()
            raise AssertionError(f"no button {label!r} in {box.text()!r}")
        found[0].click()

    return act
