"""Conversation tests: the .chat format, recording, replay with diffs, and ``talkbench test``."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.conversation.chat_format import (
    ChatFormatError,
    ChatTest,
    Match,
    MemoryExpectation,
    Pattern,
    Step,
    StepKind,
    dialog_tests,
    write_chat,
)
from app.conversation.chat_parser import load_chat, parse_chat
from app.conversation.compare import RowTag, side_by_side
from app.conversation.replay import ConversationRecorder, record, replay
from interpreter import Runtime, load_source
from interpreter.events import MemoryWritten
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "resources" / "samples"

ASK_NAME = '''TALK "Your name?"
HEAR name
SET_BOT_MEMORY "visitor", name
TALK "Hi " + name + "!"
'''


def talkbench(*args: str, cwd: Path = ROOT, timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ, TALKBENCH_DB="sqlite:////nonexistent/never-used.db")
    return subprocess.run([sys.executable, "-m", "app", *args], check=False, text=True,
                          capture_output=True, cwd=cwd, timeout=timeout, env=env)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run_replay(path: Path, **options):
    return asyncio.run(replay(load_chat(path), **options))


# ------------------------------------------------------------------ format


FULL = '''# Greets and remembers.
# Second comment line.
dialog: other.bas
timeout: 2.5

seed memory:
last = Ann
"key = with equals" = "  padded  "

conversation:
bot: Hello
  | second line
  |
  |   indented third
suggestions: Yes | "a | b" | No
user: ann
bot~: Hi *!
bot re: Order \\d+
error: Division by zero

memory:
last = Bob
when re= \\d{4}
note ~= *visit*
'''


def test_parse_reads_every_construct():
    test = parse_chat(FULL, "x.chat")
    assert test.comments == ("Greets and remembers.", "Second comment line.")
    assert test.dialog == "other.bas" and test.timeout == 2.5
    assert test.seed == (("last", "Ann"), ("key = with equals", "  padded  "))
    assert test.steps == (
        Step(StepKind.BOT, Pattern("Hello\nsecond line\n\n  indented third"),
             ("Yes", "a | b", "No")),
        Step(StepKind.USER, Pattern("ann")),
        Step(StepKind.BOT, Pattern("Hi *!", Match.WILDCARD)),
        Step(StepKind.BOT, Pattern("Order \\d+", Match.REGEX)),
        Step(StepKind.ERROR, Pattern("Division by zero")),
    )
    assert [(e.key, e.pattern.match) for e in test.memory] == [
        ("last", Match.EXACT), ("when", Match.REGEX), ("note", Match.WILDCARD)]
    assert test.steps[1].line == 16 and test.memory[1].line == 23


def test_write_of_a_canonical_file_gives_the_same_text():
    assert write_chat(parse_chat(FULL)) == FULL


def test_default_dialog_is_the_name_before_the_first_dot(tmp_path):
    assert parse_chat("", str(tmp_path / "menu.hours.chat")).dialog_path() == tmp_path / "menu.bas"
    assert parse_chat("dialog: sub/x.bas\n", str(tmp_path / "a.chat")).dialog_path() == \
        tmp_path / "sub" / "x.bas"


@pytest.mark.parametrize("pattern, text, ok", [
    (Pattern("Hi *!", Match.WILDCARD), "Hi Bob!", True),
    (Pattern("Hi *!", Match.WILDCARD), "Hi !", True),
    (Pattern("Hi *!", Match.WILDCARD), "Hi Bob?", False),
    (Pattern("a\\*b", Match.WILDCARD), "a*b", True),
    (Pattern("a\\*b", Match.WILDCARD), "axxb", False),
    (Pattern("*", Match.WILDCARD), "two\nlines", True),
    (Pattern("(1+1)", Match.WILDCARD), "(1+1)", True),
    (Pattern(r"\d{4}-\d\d", Match.REGEX), "2024-05", True),
    (Pattern(r"\d{4}-\d\d", Match.REGEX), "2024-05-01", False),  # a full match
    (Pattern("Hi", Match.EXACT), "Hi ", False),
])
def test_patterns(pattern, text, ok):
    assert pattern.matches(text) is ok


@pytest.mark.parametrize("text, line, message", [
    ("bot: hi\nhello there\n", 2, "expected 'bot:', 'user:'"),
    ("user~: x\n", 1, "cannot be a pattern"),
    ("suggestions: a\n", 1, "must follow a 'bot:' line"),
    ("bot: a\n\n  | more\n", 3, "continues the text"),
    ("bot re: (unclosed\n", 1, "bad regular expression"),
    ("error: x\nbot: y\n", 2, "nothing can follow"),
    ("memory:\nno operator here\n", 2, "expected 'key = value'"),
    ("seed memory:\nk ~= v\n", 2, "plain values"),
    ("memory:\nk = 1\nk = 2\n", 3, "listed twice"),
    ("bot: a\ntimeout: 3\n", 2, "belongs at the top"),
    ("timeout: soon\n", 1, "number of seconds"),
    ('bot: "unterminated\n', 1, "bad quoted text"),
    ("end: later\n", 1, "'waiting' or 'finished'"),
])
def test_malformed_files_name_file_and_line(text, line, message):
    with pytest.raises(ChatFormatError) as info:
        parse_chat(text, "t.chat")
    assert info.value.line == line
    assert str(info.value).startswith(f"t.chat:{line}: error: ")
    assert message in str(info.value)


texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
keys = texts.filter(bool)
patterns = st.builds(Pattern, texts, st.sampled_from(list(Match)))
bot_steps = st.builds(Step, st.just(StepKind.BOT),
                      patterns.filter(lambda p: p.match is not Match.REGEX),
                      st.lists(texts, max_size=3).map(tuple))
user_steps = st.builds(Step, st.just(StepKind.USER), st.builds(Pattern, texts))
comments = st.lists(st.text(st.characters(codec="ascii", min_codepoint=32, max_codepoint=126),
                            max_size=20).map(str.rstrip), max_size=2).map(tuple)


@st.composite
def chat_tests(draw):
    steps = draw(st.lists(st.one_of(bot_steps, user_steps), max_size=6))
    if draw(st.booleans()):
        steps.append(Step(StepKind.ERROR, Pattern(draw(texts))))
    seed = draw(st.dictionaries(keys, texts, max_size=3))
    memory = draw(st.none() | st.dictionaries(
        keys, patterns.filter(lambda p: p.match is not Match.REGEX), max_size=3))
    return ChatTest(
        tuple(steps), tuple(seed.items()),
        None if memory is None else tuple(MemoryExpectation(k, p) for k, p in memory.items()),
        draw(st.booleans()) and not (steps and steps[-1].kind is StepKind.ERROR),
        draw(st.none() | st.just("d.bas")), draw(st.none() | st.floats(0.001, 1000)),
        draw(comments))


@settings(max_examples=300, deadline=None)
@given(chat_tests())
def test_write_then_parse_round_trips_exactly(test):
    text = write_chat(test)
    again = parse_chat(text)
    assert again == test
    assert write_chat(again) == text


# ------------------------------------------------------------------ recording


def test_recorder_turns_runtime_events_into_steps():
    recorder = ConversationRecorder()
    compiled = load_source('ADD SUGGESTION "y" AS "Yes"\nTALK "Age?"\nHEAR age AS INTEGER\n'
                           'SET_BOT_MEMORY "age", STR(age)\nTALK "Thanks"\n', "d.bas")
    channel = QueuedChannel.with_answers(["old", "42"])
    asyncio.run(Runtime(compiled, channel, DictMemory(), on_event=recorder.feed).run())
    hint = channel.texts[1]  # the runtime's re-ask for a number
    assert [(s.kind.value, s.text, s.suggestions) for s in recorder.steps] == [
        ("bot", "Age?", ("Yes",)), ("user", "old", ()), ("bot", hint, ("Yes",)),
        ("user", "42", ()), ("bot", "Thanks", ("Yes",))]
    assert recorder.writes == {"age": "42"}
    test = recorder.to_test("d.bas", {"old": "x"})
    assert [(e.key, e.pattern.text) for e in test.memory] == [("age", "42"), ("old", "x")]


def test_recorder_keeps_one_value_per_key_however_often_a_loop_writes_it():
    """A dialog writing memory in a loop in the IDE made the recorder keep every write: its
    memory grew by ~20 MB a second until the run ended."""
    recorder = ConversationRecorder()
    compiled = load_source('FOR i = 1 TO 30000\nSET_BOT_MEMORY "k" + (i MOD 3), STR(i)\n'
                           'NEXT\n', "loop.bas")
    writes: list[MemoryWritten] = []

    def feed(event: object) -> None:
        # As the IDE delivers them: memory writes in batches, other events one by one.
        if isinstance(event, MemoryWritten):
            writes.append(event)
            if len(writes) == 1000:
                recorder.feed_writes(writes)
                writes.clear()
        else:
            recorder.feed(event)

    asyncio.run(Runtime(compiled, QueuedChannel(), DictMemory(), on_event=feed).run())
    recorder.feed_writes(writes)
    assert recorder.writes == {"k1": "29998", "k2": "29999", "k0": "30000"}
    assert recorder.final_memory({"k0": "seed", "other": "x"}) == {
        "k0": "30000", "other": "x", "k1": "29998", "k2": "29999"}


# ------------------------------------------------------------------ replay


@pytest.fixture
def dialog(tmp_path):
    write(tmp_path, "ask.bas", ASK_NAME)
    return tmp_path


def test_replay_passes_with_seed_patterns_and_memory(tmp_path):
    write(tmp_path, "seeded.bas", 'TALK "Last: " + GET_BOT_MEMORY("last")\nHEAR n\n'
                                  'SET_BOT_MEMORY "last", n\nTALK "Now " + NOW()\n')
    path = write(tmp_path, "seeded.chat", "seed memory:\nlast = Ann\n\nconversation:\n"
                 "bot: Last: Ann\nuser: Bob\nbot re: Now \\d.*\n\nmemory:\nlast = Bob\n")
    result = run_replay(path)
    assert result.passed, result.reasons
    assert result.diff() == ""


def test_replay_failure_reports_reason_and_unified_diff(dialog):
    path = write(dialog, "ask.chat", "bot: Your name?\nuser: Ada\nbot: Hello Ada!\n\n"
                 "memory:\nvisitor = Ada\n")
    result = run_replay(path)
    assert not result.passed
    assert result.reasons == ("line 3: step 3: expected bot 'Hello Ada!', got bot 'Hi Ada!'",)
    diff = result.diff().splitlines()
    assert "-bot: Hello Ada!" in diff and "+bot: Hi Ada!" in diff
    assert " bot: Your name?" in diff and " visitor = Ada" in diff  # matches stay context
    rows = side_by_side(result.expected, result.actual)
    assert [(r.expected, r.actual) for r in rows if r.tag is RowTag.CHANGED] == [
        ("bot: Hello Ada!", "bot: Hi Ada!")]


def test_a_matching_pattern_is_not_a_difference(dialog):
    path = write(dialog, "ask.chat", "bot~: Your *\nuser: Ada\nbot~: Hi *!\n\n"
                 "memory:\nvisitor = Eve\n")
    result = run_replay(path)
    assert result.reasons == ("memory 'visitor': expected 'Eve', got 'Ada'",)
    assert [line for line in result.diff().splitlines() if line[:1] in "+-"
            and not line.startswith(("+++", "---"))] == ["-visitor = Eve", "+visitor = Ada"]


def test_unexpected_memory_and_suggestions_fail(tmp_path):
    write(tmp_path, "s.bas", 'ADD SUGGESTION "a" AS "Alpha"\nTALK "Pick"\n'
                             'SET_BOT_MEMORY "k", "1"\n')
    path = write(tmp_path, "s.chat", "bot: Pick\n\nmemory:\n")
    result = run_replay(path)
    assert "step 1: expected suggestions [], got ['Alpha']" in result.reasons[0]
    assert "memory 'k' = '1' is not expected" in result.reasons


def test_dialog_asking_more_input_than_recorded_fails_clearly(dialog):
    path = write(dialog, "ask.chat", "bot: Your name?\n")
    result = run_replay(path, timeout=5)
    assert not result.passed
    assert any("asks for more input than the test has: HEAR name (line 2)" in r
               for r in result.reasons)
    assert "+end: waiting" in result.diff().splitlines()


def test_end_waiting_expects_the_dialog_to_wait(dialog):
    path = write(dialog, "ask.chat", "bot: Your name?\nend: waiting\n\nmemory:\n")
    assert run_replay(path).passed


def test_leftover_inputs_fail(tmp_path):
    write(tmp_path, "t.bas", 'TALK "Bye"\n')
    result = run_replay(write(tmp_path, "t.chat", "bot: Bye\nuser: more\n"))
    assert result.reasons == ("the run ended before expected user 'more'",)


def test_looping_dialog_fails_instead_of_hanging(tmp_path):
    write(tmp_path, "loop.bas", "i = 0\nDO WHILE 1 = 1\n  i = i + 1\nLOOP\n")
    path = write(tmp_path, "loop.chat", "timeout: 0.5\n\nconversation:\n")
    result = run_replay(path)
    assert result.reasons == ("the run failed: the run timed out after 0.5 s",)


def test_runtime_error_is_a_step(tmp_path):
    write(tmp_path, "e.bas", 'TALK "a"\nx = 1 / 0\n')
    assert run_replay(write(tmp_path, "e.chat", "bot: a\nerror: Division by zero: 1 / 0\n")).passed
    result = run_replay(write(tmp_path, "e.2.chat", "dialog: e.bas\nbot: a\n"))
    assert result.reasons == ("the run failed: Division by zero: 1 / 0",)


def test_record_then_replay_passes(dialog):
    test = asyncio.run(record(dialog / "ask.bas", ["Zoe"], {"other": "1"}))
    assert test.inputs == ["Zoe"]
    path = write(dialog, "ask.chat", write_chat(test))
    assert run_replay(path).passed


def test_each_replay_uses_a_fresh_memory(dialog):
    path = write(dialog, "ask.chat", "bot: Your name?\nuser: Ann\nbot: Hi Ann!\n\n"
                 "memory:\nvisitor = Ann\n")
    assert run_replay(path).passed
    assert run_replay(path).passed  # nothing left over from the first run


def test_dialog_tests_finds_name_and_name_dot_star(tmp_path):
    for name in ("a.chat", "a.x.chat", "ab.chat", "b.chat"):
        write(tmp_path, name, "")
    assert [p.name for p in dialog_tests(tmp_path / "a.bas")] == ["a.chat", "a.x.chat"]


# ------------------------------------------------------------------ talkbench test


def test_cli_runs_a_folder_and_prints_a_summary(dialog):
    write(dialog, "ask.chat", "bot: Your name?\nuser: Ann\nbot: Hi Ann!\n")
    write(dialog, "ask.wrong.chat", "bot: Your name?\nuser: Ann\nbot: Hey Ann!\n")
    out = talkbench("test", str(dialog))
    assert out.returncode == 1, out.stderr
    lines = out.stdout.splitlines()
    assert any(line.startswith("PASS ") and line.endswith("ask.chat") for line in lines)
    assert any(line.startswith("FAIL ") and "ask.wrong.chat" in line for line in lines)
    assert "-bot: Hey Ann!" in lines and "+bot: Hi Ann!" in lines
    assert lines[-1] == "1 passed, 1 failed"


def test_cli_dialog_path_runs_only_its_tests(dialog):
    write(dialog, "ask.chat", "bot: Your name?\nuser: Ann\nbot: Hi Ann!\n")
    write(dialog, "other.chat", "this is not a test\n")
    out = talkbench("test", str(dialog / "ask.bas"))
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_cli_exit_2_for_malformed_or_nothing_found(dialog):
    assert talkbench("test", str(dialog)).returncode == 2  # no .chat there
    missing = talkbench("test", str(dialog / "nope.chat"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    write(dialog, "ask.chat", "bot: Your name?\nwhat is this\n")
    bad = talkbench("test", str(dialog))
    assert bad.returncode == 2
    assert "ask.chat:2: error: expected 'bot:'" in bad.stdout


def test_shipped_samples_pass():
    out = talkbench("test", "resources/samples")
    assert out.returncode == 0, out.stdout + out.stderr
    names = {Path(line.split()[1]).stem.split(".")[0] for line in out.stdout.splitlines()
             if line.startswith("PASS ")}
    assert names == {p.stem for p in SAMPLES.glob("*.bas")}
    assert out.stdout.splitlines()[-1].endswith(" passed, 0 failed")
