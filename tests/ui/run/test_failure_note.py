"""A run that fails says why in the chat, where the user is looking: before, the chat said
only "Failed" while the error sat in the Output dock, behind the Debug Console tab when
debugging."""

from __future__ import annotations

from tests.ui.conftest import until


def test_the_chat_names_the_error_with_file_line_and_column(window, run, tmp_path) -> None:
    path = tmp_path / "shop.bas"
    path.write_text('TALK "ok"\nn = 10 / 0\n')
    window.open_file(path)

    async def scenario():
        window.run()
        await until(lambda: not window.runner.running and window.run_status() == "Failed")

    run(scenario())
    notes = [text for kind, text in window.chat.bubbles() if kind == "note"]
    assert notes[-1] == "Failed at shop.bas:2:8: Division by zero: 10 / 0", notes  # the /
