"""The chat's message list driven with the real mouse and keys: clicks, selection and copy,
the context menu, tooltips, following the newest message, both themes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

from interpreter.ports.host import HearRequest
from tests.ui.conftest import click_message, message_point, message_tooltip, until
from ui.run.chat.bubbles import GAP, MARGIN, PAD_X, PAD_Y, colors
from ui.run.chat_panel import ChatPanel


def shown_chat(qtbot, **caps: int) -> ChatPanel:
    """A chat panel on screen; ``caps``: its ``limit`` and ``trim`` if not the IDE's."""
    panel = ChatPanel(**caps)
    qtbot.addWidget(panel)
    panel.resize(420, 500)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


@pytest.fixture
def chat(qtbot) -> ChatPanel:
    return shown_chat(qtbot)


def test_a_click_on_a_bubble_reports_its_message_and_one_beside_it_nothing(chat, qtbot):
    chat.add_bubble("Hello", from_bot=True)
    chat.add_bubble("Hi", from_bot=False)
    clicked = []
    chat.messageClicked.connect(clicked.append)
    hello, hi = chat.messages
    click_message(qtbot, chat, hi)
    click_message(qtbot, chat, hello)
    assert clicked == [hi, hello]
    beside = chat.view.bubble_rect(0)  # a bot bubble sits left: its row's right end is empty
    point = beside.center()
    point.setX(chat.view.viewport().width() - 8)
    qtbot.mouseClick(chat.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked == [hi, hello]


def test_selected_messages_are_copied_in_order(chat, qtbot):
    for text in ("one", "two", "three"):
        chat.add_bubble(text, from_bot=True)
    _, two, three = chat.messages
    click_message(qtbot, chat, three)
    qtbot.mouseClick(chat.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ShiftModifier, message_point(chat, two))
    qtbot.keyClick(chat.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "two\nthree"
    qtbot.keyClick(chat.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(chat.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "one\ntwo\nthree"


def test_a_message_ctrl_clicked_out_of_a_selection_is_not_copied(chat, qtbot):
    """The selection is copied range by range: one left out splits a range in two."""
    for text in ("one", "two", "three", "four"):
        chat.add_bubble(text, from_bot=True)
    _, two, three, four = chat.messages
    qtbot.keyClick(chat.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(chat.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ControlModifier, message_point(chat, three))
    qtbot.keyClick(chat.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "one\ntwo\nfour"
    click_message(qtbot, chat, four)
    for message in (two, three):  # added in another order than the chat's
        qtbot.mouseClick(chat.view.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.ControlModifier, message_point(chat, message))
    qtbot.keyClick(chat.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "two\nthree\nfour"


def test_dragging_over_a_message_selects_part_of_its_text(chat, qtbot):
    """As in the labels the chat used to show: a drag selects words, Ctrl+C copies them, and
    the drag is no click (it does not jump to the line)."""
    chat.add_bubble("alpha beta gamma", from_bot=True)
    chat.add_bubble("other", from_bot=True)
    message = chat.messages[0]
    clicked = []
    chat.messageClicked.connect(clicked.append)
    view, viewport = chat.view, chat.view.viewport()
    origin = view.bubbles.text_origin(message, view.row_rect(0)).toPoint()
    y = origin.y() + view.fontMetrics().height() // 2
    start = QPoint(origin.x() + 1, y)
    end = QPoint(origin.x() + view.fontMetrics().horizontalAdvance("alpha beta"), y)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, end)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    assert view.marked_text() == "alpha beta" and clicked == []
    shot = viewport.grab().toImage()
    highlight = view.palette().color(QPalette.ColorRole.Highlight).name()
    assert any(shot.pixelColor(x, y).name() == highlight for x in range(start.x(), end.x()))
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "alpha beta"
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(viewport, Qt.MouseButton.RightButton, pos=end)  # where the menu opens
    next(a for a in chat.message_menu(message).actions() if a.text() == "Copy").trigger()
    assert QGuiApplication.clipboard().text() == "alpha beta"
    click_message(qtbot, chat, chat.messages[1])  # a click elsewhere: nothing marked
    assert view.marked_text() == "" and clicked == [chat.messages[1]]


def test_the_menu_copies_the_message_or_the_selection_holding_it(chat, qtbot):
    chat.add_bubble("first", from_bot=True)
    chat.add_bubble("second", from_bot=False)
    first, second = chat.messages
    menu = chat.message_menu(first)
    assert [a.text() for a in menu.actions()] == ["Copy"]  # no turn: nothing to rewind to
    menu.actions()[0].trigger()
    assert QGuiApplication.clipboard().text() == "first"
    chat.view.selectAll()
    next(a for a in chat.message_menu(second).actions() if a.text() == "Copy").trigger()
    assert QGuiApplication.clipboard().text() == "first\nsecond"


def test_the_chat_follows_the_newest_message_unless_scrolled_up(chat, qtbot):
    bar = chat.view.verticalScrollBar()
    for i in range(200):
        chat.add_bubble(f"line {i}", from_bot=True)
    assert bar.maximum() > 0 and bar.value() == bar.maximum()
    bar.setValue(bar.maximum() // 2)  # the user reads back
    shown = bar.value()
    chat.add_bubble("new", from_bot=True)
    assert bar.value() == shown and not chat.view.following
    bar.setValue(bar.maximum())  # back at the bottom: following again
    chat.add_bubble("newer", from_bot=True)
    assert bar.value() == bar.maximum()
    assert chat.view.viewport().rect().contains(message_point(chat, chat.messages[-1]))


def test_an_answer_brings_the_chat_back_to_the_newest_message(chat, qtbot, run):
    bar = chat.view.verticalScrollBar()
    for i in range(200):
        chat.add_bubble(f"line {i}", from_bot=True)
    bar.setValue(0)  # the user reads back, then answers

    async def answer() -> str:
        heard = asyncio.ensure_future(chat.hear(HearRequest("x")))
        await until(lambda: chat.waiting)
        qtbot.keyClicks(chat.input, "yes")
        qtbot.keyClick(chat.input, Qt.Key.Key_Return)
        return await heard

    assert run(answer()) == "yes"
    assert chat.view.following and bar.value() == bar.maximum()
    assert chat.view.viewport().rect().contains(message_point(chat, chat.messages[-1]))


def test_the_bubble_under_the_mouse_shows_a_hand_when_it_leads_somewhere(chat, qtbot):
    chat.add_bubble("plain", from_bot=True)
    chat.add_bubble("linked", from_bot=True)
    chat.messages[1].turn = 0
    viewport = chat.view.viewport()
    qtbot.mouseMove(viewport, message_point(chat, chat.messages[0]))
    assert viewport.cursor().shape() == Qt.CursorShape.ArrowCursor
    qtbot.mouseMove(viewport, message_point(chat, chat.messages[1]))
    assert viewport.cursor().shape() == Qt.CursorShape.PointingHandCursor


def test_an_attachment_shows_its_name_and_path(chat, qtbot, tmp_path):
    path = tmp_path / "invoice.txt"
    asyncio.run(chat.send_file(str(path), "Your invoice"))
    assert chat.bubbles() == [("file", "invoice.txt")]
    attachment = chat.messages[0]
    assert attachment.text == "invoice.txt\nYour invoice"
    assert message_tooltip(chat, attachment) == str(path)


@pytest.mark.parametrize("dark", [False, True])
def test_bubbles_are_painted_in_the_theme_colours(chat, qtbot, dark):
    chat.set_dark(dark)
    chat.add_bubble("from the bot", from_bot=True)
    chat.add_bubble("from the user", from_bot=False)
    shot = chat.view.viewport().grab().toImage()
    for row, kind in ((0, "bot"), (1, "user")):
        bubble = chat.view.bubble_rect(row)
        assert shot.pixelColor(bubble.left() + 3, bubble.center().y()).name() \
            == colors(kind, dark).background
        inner = bubble.adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)
        ink = QColor(colors(kind, dark).text)
        near = [shot.pixelColor(x, y) for x in range(inner.left(), inner.right())
                for y in range(inner.top(), inner.bottom())]
        # the words are drawn in the text colour (smoothed edges: close to it, not equal)
        assert any(max(abs(c.red() - ink.red()), abs(c.green() - ink.green()),
                       abs(c.blue() - ink.blue())) < 40 for c in near)
    bot, user = chat.view.bubble_rect(0), chat.view.bubble_rect(1)
    assert bot.left() < user.left() and bot.right() < user.right()  # bot left, user right
    beside = QPoint(chat.view.viewport().width() - 4, bot.center().y())  # the list's own ground
    assert shot.pixelColor(beside) == chat.view.palette().color(QPalette.ColorRole.Base)



def fill(chat: ChatPanel, count: int) -> None:
    """``count`` messages from both sides, one line to several."""
    for i in range(count):
        chat.add_bubble(f"message {i} " + "word " * (i % 40), from_bot=i % 2 == 0)


def exact(chat: ChatPanel, row: int) -> bool:
    """Whether row ``row`` has the height its message has at the chat's width and font."""
    view = chat.view
    return view.row_rect(row).height() + GAP == view.bubbles.height(
        chat.messages[row], view.viewport().width() - 2 * MARGIN)


def measured(chat: ChatPanel) -> int:
    """How many messages have been laid out at the chat's width and font."""
    width = chat.view.viewport().width() - 2 * MARGIN
    return sum(chat.view.bubbles.is_measured(m, width) for m in chat.messages)


def assert_laid_out_exactly(chat: ChatPanel) -> None:
    """Every row at its exact height, each one starting where the one above it ends (its gap
    included): no bubble overlaps or clips another; the scroll range ends with the last."""
    view = chat.view
    rows = len(chat.messages)
    assert all(exact(chat, row) for row in range(rows))
    for row in range(1, rows):
        assert view.row_rect(row).top() == view.row_rect(row - 1).bottom() + 1 + GAP
        assert view.row_rect(row).contains(view.bubble_rect(row))
    bottom = view.row_rect(rows - 1).bottom() + view.verticalScrollBar().value()
    assert view.verticalScrollBar().maximum() == bottom + 1 + MARGIN - view.viewport().height()


def test_a_resize_measures_the_rows_shown_and_keeps_the_reader_s_place(chat, qtbot):
    """At a new width the rows on screen are measured at once, the others when the GUI thread
    is idle (laying out 100,000 messages again took seconds); the newest message, or the row
    the user scrolled to, stays in view."""
    view = chat.view
    fill(chat, 2_000)
    last = len(chat.messages) - 1
    chat.resize(900, 500)
    qtbot.waitUntil(lambda: view.following and exact(chat, last))
    assert view.viewport().rect().contains(view.bubble_rect(last))
    row = 1_000
    view.scrollTo(chat.model.index(row, 0), view.ScrollHint.PositionAtTop)
    chat.resize(300, 500)
    qtbot.waitUntil(lambda: view.viewport().width() < 300)
    assert view.indexAt(view.bubble_rect(row).center()).row() == row
    assert view.row_rect(row).top() == MARGIN and not view.following
    assert all(exact(chat, r) for r in view.visible_rows())
    qtbot.waitUntil(lambda: view.settled)
    assert view.row_rect(row).top() == MARGIN and not view.following
    assert_laid_out_exactly(chat)


def bigger_font(chat: ChatPanel) -> QFont:
    font = QFont(chat.view.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    return font


def idle_turns(chat: ChatPanel, qapp, holds: Callable[[], bool]) -> int:
    """Turns of the event loop until the chat has measured every row, ``holds()`` after
    each."""
    for turn in range(1, 5_000):
        qapp.processEvents()
        assert holds()
        if chat.view.settled:
            return turn
    raise AssertionError("the chat is still measuring")


def test_a_font_change_measures_the_rows_shown_at_once_and_the_others_in_idle_slices(
        chat, qtbot, qapp):
    """Laying out 100,000 messages in a new font held the GUI thread ~2 s: only what is on
    screen is measured when the font changes, the rest a few milliseconds per turn of the
    event loop; the newest message stays shown throughout."""
    fill(chat, 3_000)
    view, last = chat.view, len(chat.messages) - 1
    chat.setFont(bigger_font(chat))
    assert 0 < measured(chat) < 50 and not view.settled
    assert all(exact(chat, row) for row in view.visible_rows())
    assert view.following and view.viewport().rect().contains(view.bubble_rect(last))
    turns = idle_turns(chat, qapp, lambda: view.viewport().rect().contains(
        view.bubble_rect(last)))
    assert turns >= 3  # (~90 ms of layouts, 5 ms a turn)
    assert measured(chat) == len(chat.messages)
    assert view.following
    assert_laid_out_exactly(chat)


def test_a_font_change_keeps_the_message_read_in_place(chat, qtbot, qapp):
    """The reader scrolled up to a message: it stays where it was on screen while the
    messages above it grow to the new font, turn after turn, and once all are measured."""
    fill(chat, 1_000)
    view, row = chat.view, 600
    view.scrollTo(chat.model.index(row, 0), view.ScrollHint.PositionAtTop)
    chat.setFont(bigger_font(chat))
    assert view.row_rect(row).top() == MARGIN and exact(chat, row)
    idle_turns(chat, qapp, lambda: view.row_rect(row).top() == MARGIN)
    assert not view.following
    assert view.indexAt(view.bubble_rect(row).center()).row() == row
    assert_laid_out_exactly(chat)


def test_messages_arriving_and_leaving_while_the_chat_measures_end_exact(qtbot, qapp):
    """A dialog goes on talking after a font change: new messages come and the oldest leave
    past the cap while the others are still being measured; all end at their height."""
    chat = shown_chat(qtbot, limit=2_000, trim=600)
    fill(chat, 2_000)
    chat.setFont(bigger_font(chat))
    for _ in range(2):  # (2,000 messages take far more than two slices)
        qapp.processEvents()
    assert not chat.view.settled
    for i in range(650):
        chat.add_bubble(f"later {i} " + "word " * (i % 30), from_bot=True)
    assert chat.model.left == 600 and not chat.view.settled
    idle_turns(chat, qapp, lambda: chat.view.following)
    assert_laid_out_exactly(chat)


def focused_chat_over_an_editor(window, qtbot) -> ChatPanel:
    """The window's chat with a note and a bubble, the bubble clicked (the chat focused), an
    editor tab behind it."""
    window.add_tab('TALK "not this"\n', None)
    window.activateWindow()
    chat = window.chat
    chat.add_note("Running x")
    chat.add_bubble("Hello", from_bot=True)
    click_message(qtbot, chat, chat.messages[1])
    assert chat.view.hasFocus()
    return chat


def test_in_the_window_the_chat_gets_its_own_copy_and_select_all_keys(window, qtbot):
    """Edit ▸ Copy and Select All only show their keys: the focused chat takes them (the
    editor's text is not what lands on the clipboard)."""
    chat = focused_chat_over_an_editor(window, qtbot)
    qtbot.keyClick(chat.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(chat.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "Running x\nHello"


def test_the_edit_menu_copies_and_selects_in_the_focused_chat(window, qtbot):
    """Edit ▸ Copy / Select All clicked in the menu (not their keys) act on the focused chat's
    messages, not on the editor behind it."""
    focused_chat_over_an_editor(window, qtbot)
    window.actions_by_name["copy"].trigger()
    assert QGuiApplication.clipboard().text() == "Hello"
    window.actions_by_name["selectAll"].trigger()
    window.actions_by_name["copy"].trigger()
    assert QGuiApplication.clipboard().text() == "Running x\nHello"
    assert not window.editor().textCursor().hasSelection()


def test_text_selected_after_an_emoji_is_the_text_under_the_drag(chat, qtbot):
    """Qt counts text positions in UTF-16 units, Python in characters: an emoji (two units)
    before the drag shifted what was copied by one character per emoji."""
    chat.add_bubble("\U0001f600\U0001f600 alpha beta", from_bot=True)
    message = chat.messages[0]
    view, viewport = chat.view, chat.view.viewport()
    origin = view.bubbles.text_origin(message, view.row_rect(0)).toPoint()
    y = origin.y() + view.fontMetrics().height() // 2
    metrics = view.fontMetrics()
    before = metrics.horizontalAdvance("\U0001f600\U0001f600 ")
    start = QPoint(origin.x() + before + 1, y)
    end = QPoint(origin.x() + metrics.horizontalAdvance("\U0001f600\U0001f600 alpha") + 1, y)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, end)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    assert view.marked_text() == "alpha"
    below = QPoint(origin.x() + before + 1, view.row_rect(0).bottom() + 1)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, below)  # below the text: to its end
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=below)
    assert view.marked_text() == "alpha beta"
    shot = viewport.grab().toImage()
    highlight = view.palette().color(QPalette.ColorRole.Highlight).name()
    beta = origin.x() + metrics.horizontalAdvance("\U0001f600\U0001f600 alpha be")
    assert shot.pixelColor(beta, y).name() == highlight or any(
        shot.pixelColor(x, y).name() == highlight for x in range(beta, beta + 4))


def test_page_down_and_up_pass_no_message_unseen(chat, qtbot):
    """A page was a count of rows of a guessed height (40 px): with taller messages, each
    PageDown went past messages that were never on screen."""
    for i in range(120):
        chat.add_bubble(f"message {i}" + " with more words" * (i % 7) * 4, from_bot=i % 2 == 0)
    view = chat.view
    view.setFocus()
    for key, start, end in ((Qt.Key.Key_PageDown, Qt.Key.Key_Home, 119),
                            (Qt.Key.Key_PageUp, Qt.Key.Key_End, 0)):
        qtbot.keyClick(view, start)
        seen = set(view.visible_rows())
        for _ in range(200):
            qtbot.keyClick(view, key)
            seen.update(view.visible_rows())
            if view.currentIndex().row() == end:
                break
        assert view.currentIndex().row() == end
        assert seen == set(range(120))


def test_a_reader_scrolled_up_keeps_the_message_read_when_the_oldest_leave(qtbot):
    """Past the cap the oldest messages leave together: the rows below kept their pixel
    positions, so a reader scrolled up was moved that many messages on."""
    panel = shown_chat(qtbot, limit=200, trim=50)
    for i in range(200):
        panel.add_bubble(f"message {i}", from_bot=True)
    view = panel.view
    view.scrollTo(panel.model.index(120, 0), view.ScrollHint.PositionAtTop)
    read, offset = panel.messages[view.visible_rows()[0]], view.row_rect(120).top()
    assert not view.following
    for i in range(200, 260):  # 50 of the oldest leave at the 250th
        panel.add_bubble(f"message {i}", from_bot=True)
    assert panel.model.left == 50 and not view.following
    assert panel.messages[view.visible_rows()[0]] is read
    assert view.row_rect(70).top() == offset  # to the pixel
