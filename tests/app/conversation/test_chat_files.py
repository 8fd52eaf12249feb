"""SEND FILE in conversation tests: ``file:`` / ``caption:`` lines in .chat files, recorded
from FileSent events, parsed back, compared on replay and run by ``talkbench test``."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.conversation.channel import AnswerQueue, ConversationChannel
from app.conversation.chat_format import (
    NO_CAPTION,
    ChatFormatError,
    ChatTest,
    Match,
    Pattern,
    Step,
    StepKind,
    write_chat,
)
from app.conversation.chat_parser import load_chat, parse_chat
from app.conversation.replay import ConversationRecorder, record, replay, run_test_command
from app.services.registry import ServiceContext, build_services
from interpreter import Runtime, load_source
from interpreter.debug.conversation import ConversationWatch
from interpreter.events import FileSent, RunStarted
from interpreter.ports.host import BotMessage, DictMemory, HearRequest

SENDS_INVOICE = '''TALK "Your name?"
HEAR name
SEND FILE "docs/invoice.txt", "Invoice for " + name
SEND FILE "terms.txt"
TALK "Bye " + name
'''


@pytest.fixture
def bot(tmp_path: Path) -> Path:
    """A bot package with a dialog that sends two files; returns the dialog folder."""
    dialogs = tmp_path / "shop.gbai" / "shop.gbdialog"
    (tmp_path / "shop.gbai" / "docs").mkdir(parents=True)
    dialogs.mkdir()
    (tmp_path / "shop.gbai" / "docs" / "invoice.txt").write_text("total: 10", "utf-8")
    (dialogs / "terms.txt").write_text("terms", "utf-8")
    (dialogs / "invoice.bas").write_text(SENDS_INVOICE, "utf-8")
    return dialogs


def file_step(name: str, caption: str = "", match: Match = Match.EXACT,
              caption_match: Match = Match.EXACT) -> Step:
    return Step(StepKind.FILE, Pattern(name, match), (), 0, Pattern(caption, caption_match))


# ------------------------------------------------------------------ format


def test_file_and_caption_lines_parse_with_markers_and_continuations() -> None:
    test = parse_chat('''bot: Here you are
file: docs/invoice.txt
caption: Invoice for Ann
file~: reports/*.pdf
caption re: Report \\d+
  | second line
file: "  spaced name.txt"
caption: "quoted \\"caption\\""
file: plain.txt
user: thanks
''')
    assert test.steps[1:5] == (
        file_step("docs/invoice.txt", "Invoice for Ann"),
        file_step("reports/*.pdf", "Report \\d+\nsecond line", Match.WILDCARD, Match.REGEX),
        file_step("  spaced name.txt", 'quoted "caption"'),
        file_step("plain.txt"))
    assert test.steps[4].caption == NO_CAPTION
    assert test.steps[1].line == 2  # positions are kept for messages


def test_written_form_is_the_readable_line_pair() -> None:
    test = ChatTest((Step(StepKind.BOT, Pattern("Here")), file_step("docs/a.pdf", "Your PDF"),
                     file_step("b.txt"), file_step("c-*.csv", "two\nlines", Match.WILDCARD)))
    assert write_chat(test) == ("conversation:\nbot: Here\nfile: docs/a.pdf\ncaption: Your PDF\n"
                                "file: b.txt\nfile~: c-*.csv\ncaption: two\n  | lines\n")
    assert parse_chat(write_chat(test)) == test


@pytest.mark.parametrize("text, line, message", [
    ("bot: hi\ncaption: x\n", 2, "'caption:' must follow a 'file:' line"),
    ("caption: x\n", 1, "'caption:' must follow a 'file:' line"),
    ("file: a.txt\ncaption: x\ncaption: y\n", 3, "a second 'caption:' line"),
    ('file: a.txt\ncaption: ""\ncaption: y\n', 3, "a second 'caption:' line"),
    ("file:\n", 1, "'file:' needs the file's path"),
    ("file re: (\n", 1, "bad regular expression"),
    ("file: a.txt\ncaption re: [\n", 2, "bad regular expression"),
    ("file: a.txt\nsuggestions: x\n", 2, "'suggestions:' must follow a 'bot:' line"),
    ("attachment: a.txt\n", 1, "expected 'bot:', 'user:', 'suggestions:', 'file:', 'caption:'"),
])
def test_malformed_file_lines_name_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ChatFormatError) as err:
        parse_chat(text, "t.chat")
    assert err.value.line == line and message in err.value.message


names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=15)
captions = st.text(st.characters(blacklist_categories=("Cs",)), max_size=15)
markers = st.sampled_from([Match.EXACT, Match.WILDCARD])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.builds(file_step, names, captions, markers, markers), max_size=4),
       st.lists(st.builds(lambda t: Step(StepKind.BOT, Pattern(t)), captions), max_size=2))
def test_file_steps_round_trip_exactly(files: list[Step], bots: list[Step]) -> None:
    test = ChatTest(tuple(bots + files))
    text = write_chat(test)
    again = parse_chat(text)
    assert again == test
    assert write_chat(again) == text


# ------------------------------------------------------------------ recording


def test_recorder_turns_file_sent_into_a_package_path_step(tmp_path: Path) -> None:
    package = tmp_path / "b.gbai"
    recorder = ConversationRecorder()
    recorder.feed(RunStarted(str(package / "b.gbdialog" / "start.bas"), "r1"))
    recorder.feed(FileSent(str(package / "docs" / "a.pdf"), "a.pdf", "Your report", 3))
    recorder.feed(FileSent(str(package / "b.gbdialog" / "x.txt"), "x.txt", "", 4))
    recorder.feed(FileSent(str(tmp_path / "elsewhere" / "y.txt"), "y.txt", "", 5))
    assert recorder.steps == [file_step("docs/a.pdf", "Your report"),
                              file_step("b.gbdialog/x.txt"), file_step("y.txt")]


def test_record_then_replay_passes_and_the_file_lines_are_written(bot: Path) -> None:
    test = asyncio.run(record(bot / "invoice.bas", ["Ann"]))
    text = write_chat(test)
    assert ("bot: Your name?\nuser: Ann\nfile: docs/invoice.txt\ncaption: Invoice for Ann\n"
            "file: shop.gbdialog/terms.txt\nbot: Bye Ann\n") in text
    saved = bot / "invoice.chat"
    saved.write_text(text, "utf-8")
    result = asyncio.run(replay(load_chat(saved)))
    assert result.passed, result.reasons


@pytest.mark.parametrize("steps, reason", [
    ("file: docs/invoice.txt\ncaption: Invoice for Bob\nfile: shop.gbdialog/terms.txt\n",
     "file 'docs/invoice.txt': expected caption 'Invoice for Bob', got 'Invoice for Ann'"),
    ("file: docs/invoice.txt\nfile: shop.gbdialog/terms.txt\n",
     "file 'docs/invoice.txt': expected caption '', got 'Invoice for Ann'"),
    ("file: docs/other.txt\ncaption: Invoice for Ann\nfile: shop.gbdialog/terms.txt\n",
     ("expected file 'docs/other.txt' with caption 'Invoice for Ann', got file "
      "'docs/invoice.txt' with caption 'Invoice for Ann'")),
    ("file: shop.gbdialog/terms.txt\n",
     "expected file 'shop.gbdialog/terms.txt', got file 'docs/invoice.txt'"),
])
def test_replay_compares_the_files_and_captions(bot: Path, steps: str, reason: str) -> None:
    chat = bot / "invoice.chat"
    chat.write_text(f"bot: Your name?\nuser: Ann\n{steps}bot: Bye Ann\n", "utf-8")
    result = asyncio.run(replay(load_chat(chat)))
    assert not result.passed
    assert any(reason in r for r in result.reasons), result.reasons
    assert "+caption: Invoice for Ann" in result.diff() or "+file: " in result.diff()


def test_patterns_match_file_paths_and_captions(bot: Path) -> None:
    chat = bot / "invoice.chat"
    chat.write_text("bot: Your name?\nuser: Ann\nfile~: docs/*.txt\ncaption re: Invoice for "
                    "[A-Z]\\w+\nfile re: .*/terms\\.txt\nbot: Bye Ann\n", "utf-8")
    result = asyncio.run(replay(load_chat(chat)))
    assert result.passed, result.reasons
    # A matched pattern shows the actual text, so the diff is empty.
    assert result.diff() == ""


def test_talkbench_test_runs_a_dialog_that_sends_files(bot: Path) -> None:
    (bot / "invoice.chat").write_text(
        "bot: Your name?\nuser: Ann\nfile: docs/invoice.txt\ncaption: Invoice for Ann\n"
        "file: shop.gbdialog/terms.txt\nbot: Bye Ann\n", "utf-8")
    (bot / "invoice.wrong.chat").write_text(
        "bot: Your name?\nuser: Ann\nbot: Bye Ann\n", "utf-8")
    out = io.StringIO()
    assert run_test_command([bot], out=out) == 1
    lines = out.getvalue().splitlines()
    assert any(line.startswith("PASS ") and line.endswith("invoice.chat") for line in lines)
    assert any(line.startswith("FAIL ") and "invoice.wrong.chat" in line for line in lines)
    assert "+file: docs/invoice.txt" in lines and "+caption: Invoice for Ann" in lines
    assert lines[-1] == "1 passed, 1 failed"


# ------------------------------------------------------------------ the IDE's chat


class AttachmentChat:
    """Stands for the IDE's chat panel: shows attachments itself, answers from a list."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.shown: list[tuple[str, Any]] = []

    async def talk(self, message: BotMessage) -> None:
        self.shown.append(("talk", message.text))

    async def hear(self, request: HearRequest) -> str:
        return self.answers.pop(0)

    async def send_file(self, path: str, caption: str = "") -> None:
        self.shown.append(("file", (Path(path).name, caption)))


class TextChat:
    """A chat without attachments (as a console)."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    async def talk(self, message: BotMessage) -> None:
        self.shown.append(message.text)

    async def hear(self, request: HearRequest) -> str:
        return "Ann"


def run_in_chat(dialog: Path, chat: Any, recorder: ConversationRecorder) -> None:
    channel = ConversationChannel(chat, ConversationWatch(), AnswerQueue(), lambda _a: None)
    services = build_services(ServiceContext(None, "default", str(dialog.parent)))
    runtime = Runtime(load_source(dialog.read_text("utf-8"), str(dialog)), channel,
                      DictMemory(), on_event=recorder.feed, services=services)
    try:
        asyncio.run(runtime.run())
    finally:
        services.close()


def test_a_chat_recorded_in_the_ide_replays_headless(bot: Path) -> None:
    chat = AttachmentChat(["Ann"])
    recorder = ConversationRecorder()
    run_in_chat(bot / "invoice.bas", chat, recorder)
    # The chat behind the conversation channel showed real attachments, no "[file: …]" text.
    assert chat.shown == [("talk", "Your name?"), ("file", ("invoice.txt", "Invoice for Ann")),
                          ("file", ("terms.txt", "")), ("talk", "Bye Ann")]
    saved = bot / "invoice.chat"
    saved.write_text(write_chat(recorder.to_test(None, {})), "utf-8")
    result = asyncio.run(replay(load_chat(saved)))
    assert result.passed, result.reasons


def test_a_chat_without_attachments_still_gets_the_file_as_text(bot: Path) -> None:
    chat = TextChat()
    run_in_chat(bot / "invoice.bas", chat, ConversationRecorder())
    assert chat.shown == ["Your name?", "[file: invoice.txt] Invoice for Ann",
                          "[file: terms.txt]", "Bye Ann"]
