"""A snapshot seeds a run (``talkbench run --snapshot``) or a conversation test (``snapshot:``)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.commands import main
from app.conversation.chat_format import write_chat
from app.conversation.chat_parser import load_chat, parse_chat
from app.conversation.replay import replay
from app.memory.snapshots import Snapshot, Snapshots, write_snapshot_file
from app.memory.store import MemoryStore

ROOT = Path(__file__).resolve().parents[3]
BOT = "default"

DIALOG = """\
v = GET BOT MEMORY "visits"
n = GET BOT MEMORY "name"
TALK "visits=" + v + " name=" + n
SET BOT MEMORY "visits", "after"
"""


@pytest.fixture
def setup(tmp_path: Path):
    """A database whose stored memory is visits=real, a dialog, and a snapshot file."""
    url = f"sqlite:///{tmp_path / 'memory.sqlite3'}"
    with MemoryStore(url) as store:
        store.set(BOT, "visits", "real")
    dialog = tmp_path / "count.bas"
    dialog.write_text(DIALOG, encoding="utf-8")
    snap = tmp_path / "snap.json"
    write_snapshot_file(snap, Snapshot(0, BOT, "filed", 0.0,
                                       entries={"visits": "5", "name": "Ann"}))
    return url, dialog, snap


def stored(url: str) -> dict[str, str]:
    with MemoryStore(url) as store:
        return {e.key: e.value for e in store.list(BOT)}


def test_run_from_a_snapshot_file_in_a_subprocess_leaves_the_store_alone(setup) -> None:
    url, dialog, snap = setup
    proc = subprocess.run(
        [sys.executable, "-m", "app", "run", "--db", url, "--snapshot", str(snap), str(dialog)],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["visits=5 name=Ann"]
    assert "1 memory key(s) written to the overlay only" in proc.stderr
    assert stored(url) == {"visits": "real"}


def test_run_from_a_saved_snapshot_by_name(setup, capsys) -> None:
    url, dialog, _ = setup
    with MemoryStore(url) as store:
        store.set(BOT, "name", "Bea")
        store.flush()
        Snapshots(store).save(BOT, "monday")
        store.set(BOT, "name", "Cy")
    assert main(["run", "--db", url, "--snapshot", "monday", str(dialog)]) == 0
    assert capsys.readouterr().out.splitlines() == ["visits=real name=Bea"]
    assert stored(url) == {"visits": "real", "name": "Cy"}


def test_restore_snapshot_replaces_the_stored_memory_when_asked(setup, capsys) -> None:
    url, dialog, snap = setup
    with MemoryStore(url) as store:
        store.set(BOT, "extra", "gone after restore")
    assert main(["run", "--db", url, "--snapshot", str(snap), "--restore-snapshot",
                 str(dialog)]) == 0
    assert capsys.readouterr().out.splitlines() == ["visits=5 name=Ann"]
    assert stored(url) == {"visits": "after", "name": "Ann"}


def test_unknown_snapshot_is_an_error_and_nothing_runs(setup, capsys) -> None:
    url, dialog, _ = setup
    assert main(["run", "--db", url, "--snapshot", "nope", str(dialog)]) == 1
    captured = capsys.readouterr()
    assert "no saved snapshot named 'nope'" in captured.err
    assert captured.out == ""
    assert stored(url) == {"visits": "real"}


# -- conversation tests --------------------------------------------------------------------------

CHAT = """\
dialog: count.bas
snapshot: {snapshot}

seed memory:
name = Zed

conversation:
bot: visits=5 name=Zed

memory:
visits = after
name = Zed
"""


def test_chat_header_round_trips() -> None:
    test = parse_chat(CHAT.format(snapshot="snap.json"), "t.chat")
    assert test.snapshot == "snap.json"
    assert parse_chat(write_chat(test), "t.chat") == test


def test_conversation_test_starts_from_the_snapshot_file(setup) -> None:
    _, dialog, _ = setup
    chat = dialog.parent / "count.chat"
    chat.write_text(CHAT.format(snapshot="snap.json"), encoding="utf-8")
    result = asyncio.run(replay(load_chat(chat)))
    assert result.passed, result.reasons
    # Without the header the dialog sees an empty "visits": the same test fails.
    chat.write_text(CHAT.format(snapshot="snap.json").replace("snapshot: snap.json\n", ""),
                    encoding="utf-8")
    assert not asyncio.run(replay(load_chat(chat))).passed


def test_conversation_test_starts_from_a_saved_snapshot(setup, monkeypatch) -> None:
    url, dialog, _ = setup
    with MemoryStore(url) as store:
        store.set("otherbot", "visits", "5")
        store.flush()
        Snapshots(store).save("otherbot", "five-visits")
    monkeypatch.setenv("TALKBENCH_DB", url)
    chat = dialog.parent / "count.chat"
    chat.write_text(CHAT.format(snapshot="five-visits"), encoding="utf-8")
    result = asyncio.run(replay(load_chat(chat)))
    assert result.passed, result.reasons
    assert stored(url) == {"visits": "real"}  # the test ran on its own temporary memory


def test_missing_snapshot_fails_the_test_with_a_reason(setup, monkeypatch) -> None:
    url, dialog, _ = setup
    monkeypatch.setenv("TALKBENCH_DB", url)
    chat = dialog.parent / "count.chat"
    chat.write_text(CHAT.format(snapshot="missing.json"), encoding="utf-8")
    result = asyncio.run(replay(load_chat(chat)))
    assert not result.passed
    assert "snapshot file" in result.reasons[0] and "missing.json" in result.reasons[0]
