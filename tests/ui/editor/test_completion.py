"""Keyword completion in the editor, driven by real key presses."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from tests.ui.conftest import until, value_of
from ui.editor.code_editor import CodeEditor
from ui.editor.completion import Kind, identifier_counts, identifiers_in, in_string


def make(qtbot, text: str = "") -> CodeEditor:
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.setPlainText(text)
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    editor.show()
    return editor


def last_line(editor: CodeEditor) -> str:
    return editor.toPlainText().splitlines()[-1]


def test_popup_opens_after_three_word_characters_and_enter_inserts_a_variable(qtbot):
    editor = make(qtbot, "counter = 1\n")
    qtbot.keyClicks(editor, "TALK co")
    assert not editor.completion.popup_visible  # two characters: not yet
    qtbot.keyClicks(editor, "u")
    assert editor.completion.popup_visible
    assert editor.completion.items()[0] == "counter"
    assert editor.completion.kinds()[0] is Kind.VARIABLE
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert not editor.completion.popup_visible
    assert last_line(editor) == "TALK counter"
    assert editor.blockCount() == 2  # Enter completed, it did not break the line


def test_underscore_prefix_completes_a_keyword_phrase_with_tab(qtbot):
    editor = make(qtbot)
    qtbot.keyClicks(editor, "set_bot_m")
    assert editor.completion.items()[0] == "SET BOT MEMORY"
    QTest.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "SET BOT MEMORY"
    editor.undo()  # one undo step back to what was typed
    assert editor.toPlainText() == "set_bot_m"


def test_builtin_functions_are_offered(qtbot):
    editor = make(qtbot)
    qtbot.keyClicks(editor, "x = UCA")
    assert "UCASE" in editor.completion.items()
    assert Kind.FUNCTION in editor.completion.kinds()


def test_ctrl_space_opens_on_a_short_prefix_and_escape_closes(qtbot):
    editor = make(qtbot)
    qtbot.keyClicks(editor, "ta")
    QTest.keyClick(editor, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert editor.completion.popup_visible
    assert "TALK" in editor.completion.items()
    assert editor.toPlainText() == "ta"  # Ctrl+Space typed nothing
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.completion.popup_visible
    assert editor.toPlainText() == "ta"


def test_typing_narrows_and_a_space_closes(qtbot):
    editor = make(qtbot)
    qtbot.keyClicks(editor, "SEN")
    wide = editor.completion.items()
    qtbot.keyClicks(editor, "D_S")
    narrow = editor.completion.items()
    assert set(narrow) < set(wide) and "SEND SMS" in narrow
    qtbot.keyClicks(editor, " ")
    assert not editor.completion.popup_visible


def test_memory_keys_inside_a_string_and_arrow_selection(qtbot):
    editor = make(qtbot)
    editor.set_memory_keys(["color", "colour_pref", "name"])
    qtbot.keyClicks(editor, 'x = GET BOT MEMORY "col')
    assert editor.completion.items() == ["color", "colour_pref"]
    assert set(editor.completion.kinds()) == {Kind.MEMORY_KEY}
    QTest.keyClick(editor, Qt.Key.Key_Down)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert editor.toPlainText() == 'x = GET BOT MEMORY "colour_pref'


def test_completion_is_made_after_the_first_paint_with_the_keys_set_before(qtbot):
    """The first window paints without completion's popup and word index; they are made on
    the next turn of the loop, and keep what the window set before (the bot's memory keys)."""
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.setPlainText("counter = 1\n")
    editor.set_memory_keys(["color", "name"])
    assert editor._completion is None
    editor.show()
    qtbot.waitUntil(lambda: editor._completion is not None)
    qtbot.waitUntil(lambda: editor.completion.warmed)  # its warm-up ran too
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, 'x = GET BOT MEMORY "col')
    assert editor.completion.items() == ["color"]


def test_a_key_before_the_first_paint_makes_completion_at_once(qtbot):
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.setPlainText("counter = 1\n")
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    QTest.keyClicks(editor, "TALK cou")  # never shown: no paint, the keys still complete
    assert editor.completion.items()[0] == "counter"


def test_window_feeds_the_current_bots_memory_keys(window, qtbot, run):
    window.store.set("testbot", "favourite_color", "blue")
    window.store.set("otherbot", "favourite_food", "soup")
    window.store.flush(5)
    # Completion offers the keys the Memory panel has (no database read while typing).
    qtbot.waitUntil(lambda: value_of(window, "favourite_color") == "blue")
    editor = window.add_tab("", None).editor
    qtbot.keyClicks(editor, 'TALK "fav')

    async def scenario():
        await until(lambda: editor.completion.popup_visible)

    run(scenario())
    assert editor.completion.items() == ["favourite_color"]


def test_identifiers_skip_strings_comments_and_keywords():
    text = 'name = "hello world"\n\' total here is a comment\nFOR i = 1 TO 3\nTALK name + i\n'
    assert identifiers_in(text) == ["i", "name"]
    assert identifiers_in("abc = 1\n", exclude_once="abc") == []  # only the word being typed


def test_in_string_detection():
    assert in_string('TALK "ab')
    assert not in_string('TALK "ab" + c')
    assert not in_string("' a comment with \"quote")


def test_variables_follow_edits_on_other_lines(qtbot):
    # Typing rescans only the current line; an edit elsewhere must still be seen.
    editor = make(qtbot, "counter = 1\n")

    def offered(typed: str) -> list[str]:
        qtbot.keyClicks(editor, typed)
        items = [i for i in editor.completion.items() if i.startswith("cou")]
        QTest.keyClick(editor, Qt.Key.Key_Escape)
        return items

    assert offered("TALK cou") == ["counter"]
    other = editor.textCursor()
    other.movePosition(other.MoveOperation.Start)
    other.movePosition(other.MoveOperation.EndOfBlock, other.MoveMode.KeepAnchor)
    other.insertText("counted = 3")  # another line, the line count unchanged
    assert offered("n") == ["counted"]
    other.movePosition(other.MoveOperation.Start)
    other.insertText("country = 2\n")  # a new line above
    assert offered("t") == ["counted", "country"]
    assert last_line(editor) == "TALK count"


def test_identifier_counts_of_a_text_are_the_sums_of_its_lines():
    text = 'a = "x\nb = 1 \' c "d\nREM e f\ng = "h" + i\n'
    whole = identifier_counts(text)
    parts = sum((identifier_counts(line) for line in text.split("\n")), Counter())
    assert whole == parts and set(whole) == {"a", "b", "g", "i"}


# -- the incremental identifier index --------------------------------------------------------


def offered_variables(editor: CodeEditor) -> list[str]:
    return [c.text for c in editor.completion._candidates if c.kind is Kind.VARIABLE]


def test_a_typed_assignment_is_offered_and_its_deletion_withdraws_it(qtbot):
    editor = make(qtbot, "TALK 1\n" * 50)
    cursor = editor.textCursor()
    cursor.setPosition(editor.document().findBlockByNumber(25).position())
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, "zebra_total = 5")  # a new line's worth of text mid-file
    QTest.keyClick(editor, Qt.Key.Key_Return)
    end = editor.textCursor()
    end.movePosition(end.MoveOperation.End)
    editor.setTextCursor(end)
    qtbot.keyClicks(editor, "TALK zeb")
    assert editor.completion.popup_visible
    assert offered_variables(editor) == ["zebra_total"]
    QTest.keyClick(editor, Qt.Key.Key_Escape)

    line = QTextCursor(editor.document().findBlockByNumber(25))
    line.movePosition(line.MoveOperation.Down, line.MoveMode.KeepAnchor)
    assert line.selectedText() == "zebra_total = 5\u2029"
    line.removeSelectedText()  # the whole line, line end included
    qtbot.keyClicks(editor, "r")
    assert offered_variables(editor) == []
    assert editor.toPlainText().endswith("TALK zebr")


def test_the_index_matches_a_full_recount_after_random_edits(qtbot):
    # Inserts and deletions within and across lines, soft line breaks, undo and redo.
    import random

    editor = make(qtbot, "".join(f"v{i % 17} = {i}\nTALK \"w{i}\" ' c{i}\n" for i in range(150)))
    doc = editor.document()
    index = editor.completion._index
    pieces = ["alpha", " beta = 2", "\n", "\ngamma\ndelta", '"', "'", "REM x", "\u2028eps", " "]
    rng = random.Random(7)
    for step in range(300):
        cursor = QTextCursor(doc)
        size = doc.characterCount() - 1
        a = rng.randint(0, size)
        cursor.setPosition(a)
        action = rng.random()
        if action < 0.45:
            cursor.insertText(rng.choice(pieces))
        elif action < 0.8:
            cursor.setPosition(min(size, a + rng.randint(1, 40)), cursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
        elif action < 0.9:
            doc.undo()
        else:
            doc.redo()
        assert index.counts() == identifier_counts(doc.toPlainText()), step
        assert all(n > 0 for n in index.counts().values())


def test_a_big_paste_is_indexed_then_typing_updates_it_line_by_line(qtbot):
    editor = make(qtbot, "a = 1\n")
    cursor = editor.textCursor()
    cursor.insertText("".join(f"name{i} = {i}\n" for i in range(3000)))  # > REBUILD_LINES
    index = editor.completion._index
    assert index.counts() == identifier_counts(editor.toPlainText())
    qtbot.keyClicks(editor, "name299")
    assert offered_variables(editor) == [f"name{2990 + i}" for i in range(10)]
    assert index.counts() == identifier_counts(editor.toPlainText())
    assert index.counts()["name299"] == 2  # the typed word is counted too, once
