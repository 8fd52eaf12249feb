"""Conversation tests: record a chat as a ``.chat`` file, replay it headless, report diffs.

* Record: :class:`ConversationRecorder` turns the runtime's events (Talked, FileSent,
  HearStarted, InvalidAnswer, Heard, MemoryWritten, Failed, Stopped) into test steps; the IDE feeds
  it the events of a run and :meth:`ConversationRecorder.to_test` makes a :class:`ChatTest`.
* Replay: :func:`replay` runs the test's dialog against a fresh temporary SQLite memory seeded
  from the test, answers each HEAR with the next ``user:`` line, records the run with the same
  recorder, and compares (:mod:`app.conversation.compare`). A dialog that asks for more input than
  the test has is stopped and fails; a looping one hits the timeout or the step budget.
* ``talkbench test [PATH...]``: :func:`run_test_command`. The file format:
  :mod:`app.conversation.chat_format`.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from interpreter import BasicSyntaxError, load_source
from interpreter.events import (
    Failed,
    FileSent,
    Finished,
    Heard,
    HearStarted,
    InvalidAnswer,
    MemoryWritten,
    RunStarted,
    Stopped,
    Talked,
)
from interpreter.ports.host import BotMessage, HearRequest, WriteSource
from interpreter.runtime.engine import HEAR_ATTEMPTS
from interpreter.values import BasicValueError

from ..files.atomic_file import read_text_file
from ..run.setup import RunSetup, RunSpec
from .chat_format import (
    ChatFormatError,
    ChatTest,
    MemoryExpectation,
    Pattern,
    Step,
    StepKind,
    dialog_tests,
)
from .chat_parser import load_chat
from .compare import Outcome, ReplayResult, compare, error_result

DEFAULT_TIMEOUT = 10.0  # seconds per test
DEFAULT_MAX_TICKS = 200_000  # loop ticks (each ~256 iterations) before the budget runs out
MAX_MESSAGES = 10_000  # bot messages before a replay is cut off as runaway
BOT = "default"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# ------------------------------------------------------------------ recording


@dataclass
class ConversationRecorder:
    """Builds test steps from one run's events; feed it every event of the run."""

    steps: list[Step] = field(default_factory=list)
    # Each key's newest value, all a test needs: a list of every write grew by ~20 MB a
    # second while a dialog wrote memory in a loop in the IDE, until the run ended.
    writes: dict[str, str] = field(default_factory=dict)
    ends_waiting: bool = False
    stopped: bool = False
    finished: bool = False
    file: str = ""
    hear_line: int = 0  # the line of the last HEAR, for "asks for more input" messages
    # Bot messages past MAX_MESSAGES, not recorded: a replay stops there as runaway, so a test
    # could never hold them, and an endless TALK loop grew the steps by ~1 MB a second.
    dropped: int = 0
    _bot_steps: int = 0
    _asking: HearRequest | None = None
    _suggestions: tuple[str, ...] = ()

    def reset(self) -> None:
        self.steps.clear()
        self.writes.clear()
        self.ends_waiting = self.stopped = self.finished = False
        self.dropped = self._bot_steps = 0
        self._asking = None
        self._suggestions = ()

    def feed(self, event: Any) -> None:
        if isinstance(event, RunStarted):
            self.reset()
            self.file = event.file
        elif isinstance(event, Talked):
            self._bot(event.message)
        elif isinstance(event, FileSent):
            if self._room_for_bot():
                self.steps.append(Step(StepKind.FILE, Pattern(self._file_name(event)), (), 0,
                                       Pattern(event.caption)))
        elif isinstance(event, HearStarted):
            self._asking = event.request
            self.hear_line = event.line
        elif isinstance(event, InvalidAnswer):
            self._user(event.text)
            # The runtime re-asks with a hint (sent straight to the channel, no Talked event)
            # unless this was the last attempt.
            attempt = self._asking.attempt if self._asking else HEAR_ATTEMPTS
            if attempt < HEAR_ATTEMPTS:
                self.steps.append(Step(StepKind.BOT, Pattern(event.hint), self._suggestions))
            self._asking = None
        elif isinstance(event, Heard):
            if self._asking is not None:  # not already recorded as a last invalid answer
                self._user(event.text)
            self._asking = None
        elif isinstance(event, MemoryWritten):
            self.writes[event.key] = event.value
        elif isinstance(event, Failed):
            self.steps.append(Step(StepKind.ERROR, Pattern(event.error.message)))
        elif isinstance(event, Stopped):
            self.stopped = True
            self.ends_waiting = self._asking is not None
        elif isinstance(event, Finished):
            self.finished = True

    def feed_writes(self, events: Iterable[MemoryWritten]) -> None:
        """A batch of memory writes at once (a write loop delivers thousands per batch)."""
        writes = self.writes
        for event in events:
            writes[event.key] = event.value

    def _room_for_bot(self) -> bool:
        if self._bot_steps >= MAX_MESSAGES:
            self.dropped += 1
            return False
        self._bot_steps += 1
        return True

    def _bot(self, message: BotMessage) -> None:
        if not self._room_for_bot():
            return
        self._suggestions = tuple(s.text for s in message.suggestions)
        text = f"(to {message.recipient}) {message.text}" if message.recipient else message.text
        self.steps.append(Step(StepKind.BOT, Pattern(text), self._suggestions))

    def _file_name(self, event: FileSent) -> str:
        """The file's path inside the dialog's bot package (as SEND FILE finds it, the same
        on every machine); its bare name when it is not under the package."""
        # Imported here: the providers package pulls in httpx, ~0.15 s of the IDE's start-up.
        from ..services.providers.storage import package_root

        try:
            root = package_root(Path(self.file).parent)
            return Path(event.path).resolve().relative_to(root).as_posix()
        except (OSError, ValueError):
            return event.name

    def _user(self, text: str) -> None:
        self.steps.append(Step(StepKind.USER, Pattern(text)))

    def final_memory(self, seed: dict[str, str]) -> dict[str, str]:
        memory = dict(seed)
        memory.update(self.writes)
        return memory

    def to_test(self, dialog: str | None, seed: dict[str, str], comment: str = "") -> ChatTest:
        """A test expecting exactly this run: its steps, its ending, seed + writes as memory."""
        final = self.final_memory(seed)
        memory = tuple(MemoryExpectation(k, Pattern(final[k])) for k in sorted(final))
        return ChatTest(tuple(self.steps), tuple(sorted(seed.items())), memory,
                        self.ends_waiting, dialog, None, (comment,) if comment else ())


# ------------------------------------------------------------------ replaying


class ReplayChannel:
    """Answers HEARs with the recorded inputs; stops the run when they run out."""

    def __init__(self, answers: Iterable[str]) -> None:
        self.answers = list(answers)
        self.used = 0
        self.messages = 0
        self.starved: HearRequest | None = None
        self.task: asyncio.Task[Any] | None = None

    async def talk(self, message: BotMessage) -> None:
        self._count()

    async def send_file(self, path: str, caption: str = "") -> None:
        """SEND FILE shows attachments here as the IDE's chat does (a FileSent event, which
        the recorder turns into a ``file:`` step), not as a ``[file: …]`` message."""
        self._count()

    def _count(self) -> None:
        self.messages += 1
        if self.messages > MAX_MESSAGES:
            raise BasicValueError(f"more than {MAX_MESSAGES} bot messages: the dialog runs away")

    async def hear(self, request: HearRequest) -> str:
        if self.used < len(self.answers):
            self.used += 1
            return self.answers[self.used - 1]
        self.starved = request
        assert self.task is not None
        self.task.cancel()  # the runtime reports Stopped while waiting: "end: waiting"
        await asyncio.get_running_loop().create_future()
        raise AssertionError("unreachable: the task was cancelled")


@dataclass(frozen=True)
class _Run:
    recorder: ConversationRecorder
    memory: dict[str, str]
    problems: tuple[str, ...]


def snapshot_entries(spec: str, folder: Path) -> dict[str, str]:
    """The memory a ``snapshot:`` header names: a snapshot file (relative to ``folder``) or a
    snapshot saved in the default database ($TALKBENCH_DB); ValueError/DatabaseError."""
    from ..memory.snapshots import Snapshots, resolve_snapshot
    from ..memory.store import MemoryStore

    opened: list[MemoryStore] = []

    def saved() -> Snapshots:
        opened.append(MemoryStore())
        return Snapshots(opened[0])

    try:
        return resolve_snapshot(spec, base_dir=folder, snapshots=saved).entries
    finally:
        for store in opened:
            store.close(timeout=5.0)


async def _run_dialog(test: ChatTest, compiled: Any, dialog: Path, timeout: float,
                      max_ticks: int, seed: dict[str, str] | None = None) -> _Run:
    from ..memory.store import MemoryStore

    recorder = ConversationRecorder()
    channel = ReplayChannel(test.inputs)
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="talkbench-test-") as tmp:
        store = MemoryStore(f"sqlite:///{Path(tmp) / 'memory.sqlite3'}")
        try:
            for key, value in (dict(test.seed) if seed is None else seed).items():
                store.set(BOT, key, value, WriteSource(kind="import"))
            store.flush(timeout)
            setup = RunSetup.for_dialog(store, BOT, str(dialog.parent))
            runtime = setup.runtime(RunSpec(compiled, channel, on_event=recorder.feed,
                                            skip_waits=True, timeout=timeout,
                                            max_ticks=max_ticks))
            task = asyncio.ensure_future(runtime.run())
            channel.task = task
            # The runtime's own timeout only fires in loops; this bounds everything else.
            done, _ = await asyncio.wait({task}, timeout=timeout + 1.0)
            if not done:
                task.cancel()
                await asyncio.wait({task})
                problems.append(f"the run did not end within {timeout:g} s and was stopped")
            elif not task.cancelled():
                task.exception()  # a runtime error is already an 'error:' step
            setup.close()
            store.flush(timeout)
            memory = {e.key: e.value for e in store.list(BOT)}
        finally:
            store.close(timeout=5.0)
    if channel.starved is not None and not test.ends_waiting:
        line = next((s for s in reversed(recorder.steps)), None)
        after = "" if line is None else f" after {line.kind.value} {line.text[:60]!r}"
        problems.append(f"the dialog asks for more input than the test has: HEAR "
                        f"{channel.starved.variable} (line {recorder.hear_line}){after}, "
                        f"but no 'user:' line is left")
    return _Run(recorder, memory, tuple(problems))


async def replay(test: ChatTest, *, timeout: float | None = None,
                 max_ticks: int = DEFAULT_MAX_TICKS) -> ReplayResult:
    """Run ``test`` against a fresh temporary memory and compare; never raises for a bad test."""
    path = test.path if test.path is not None else Path("<chat>")
    dialog = test.dialog_path()
    try:
        source, _ = read_text_file(dialog)
    except (OSError, UnicodeDecodeError) as e:
        return error_result(path, f"cannot read the dialog {dialog}: {e}")
    try:
        compiled = load_source(source, str(dialog))
    except BasicSyntaxError as e:
        return error_result(path, "the dialog has syntax errors:\n" +
                            "\n".join(d.format() for d in e.diagnostics))
    seed = dict(test.seed)
    if test.snapshot:
        from ..db.database import DatabaseError

        try:  # the snapshot first, the test's own "seed memory:" lines over it
            seed = {**snapshot_entries(test.snapshot, path.parent), **seed}
        except (ValueError, DatabaseError) as e:
            return error_result(path, f"snapshot: {e}")
    limit = timeout or test.timeout or DEFAULT_TIMEOUT
    run = await _run_dialog(test, compiled, dialog, limit, max_ticks, seed)
    outcome = Outcome(tuple(run.recorder.steps), run.recorder.ends_waiting, run.memory,
                      run.problems)
    return compare(test, outcome)


async def record(dialog: Path, inputs: Iterable[str], seed: dict[str, str] | None = None,
                 *, timeout: float = DEFAULT_TIMEOUT, comment: str = "") -> ChatTest:
    """Run ``dialog`` headless with ``inputs`` and return the test that expects that run.

    The run ends waiting (``end: waiting``) if the dialog asks for more than ``inputs``.
    """
    seed = dict(seed or {})
    probe = ChatTest(tuple(Step(StepKind.USER, Pattern(t)) for t in inputs),
                     tuple(seed.items()), None, True, dialog.name, None, (), dialog.with_suffix(
                         ".chat"))
    compiled = load_source(read_text_file(dialog)[0], str(dialog))
    run = await _run_dialog(probe, compiled, dialog, timeout, DEFAULT_MAX_TICKS)
    test = run.recorder.to_test(dialog.name, seed, comment)
    final = tuple(MemoryExpectation(k, Pattern(run.memory[k])) for k in sorted(run.memory))
    return ChatTest(test.steps, test.seed, final, test.ends_waiting, test.dialog, None,
                    test.comments)


# ------------------------------------------------------------------ finding tests


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Test files for each PATH (.chat, a dialog's NAME*.chat, a folder recursively)."""
    found: list[Path] = []
    errors: list[str] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.chat") if p.is_file())
        elif path.suffix == ".chat":
            if path.is_file():
                found.append(path)
            else:
                errors.append(f"{path}: error: no such file")
        elif path.suffix == ".bas":
            if not path.is_file():
                errors.append(f"{path}: error: no such file")
            else:
                found += dialog_tests(path)
        elif not path.exists():
            errors.append(f"{path}: error: no such file or folder")
        else:
            errors.append(f"{path}: error: not a .chat test, a .bas dialog or a folder")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique, errors


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


async def run_tests(files: list[Path], out: TextIO, *, timeout: float | None = None
                    ) -> tuple[list[ReplayResult], list[str]]:
    """Run each test file, printing one line per test; returns results and format errors."""
    results: list[ReplayResult] = []
    malformed: list[str] = []
    for file in files:
        try:
            test = load_chat(file)
        except ChatFormatError as e:
            malformed.append(str(e))
            print(f"ERROR {_shown(file)}: malformed test", file=out, flush=True)
            continue
        result = await replay(test, timeout=timeout)
        results.append(result)
        word = "PASS " if result.passed else "FAIL "
        first = "" if result.passed else f": {result.reasons[0].splitlines()[0]}"
        print(f"{word}{_shown(file)}{first}", file=out, flush=True)
    return results, malformed


def run_test_command(paths: list[Path], *, timeout: float | None = None,
                 out: TextIO | None = None) -> int:
    """``talkbench test``: exit 0 all passed, 1 some failed, 2 nothing found or malformed."""
    out = out or sys.stdout
    files, errors = discover(paths or [Path(".")])
    for error in errors:
        print(error, file=sys.stderr)
    if not files:
        print("talkbench: error: no conversation tests (*.chat) found", file=sys.stderr)
        return EXIT_USAGE
    started = time.monotonic()
    results, malformed = asyncio.run(run_tests(files, out, timeout=timeout))
    for result in results:
        if not result.passed:
            print(f"\n=== FAIL {_shown(result.path)} ===", file=out)
            for reason in result.reasons:
                print(reason, file=out)
            diff = result.diff()
            if diff:
                print(diff, file=out)
    for message in malformed:
        print(f"\n{message}", file=out)
    passed = sum(r.passed for r in results)
    failed = len(results) - passed + len(malformed)
    print(f"\n({time.monotonic() - started:.2f} s)", file=out)
    print(f"{passed} passed, {failed} failed", file=out, flush=True)
    if malformed or errors:
        return EXIT_USAGE
    return EXIT_OK if failed == 0 else EXIT_FAILED
