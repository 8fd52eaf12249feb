"""Every entry point records where a memory write came from (``memory_events``), so the
History panel can explain a value written by a run outside the IDE: ``talkbench run``, DAP
sessions, scheduled runs, webhooks and ``talkbench memory set/delete/import``, each through a
real subprocess (app.memory.session is the one mechanism they share)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from app.memory.history import MemoryEvent, MemoryHistory
from app.memory.store import MemoryStore
from tests.app.dap.support import ROOT, TIMEOUT, stdio_adapter

WRITER = 'TALK "start"\nSET BOT MEMORY "color", "blue"\nTALK "saved"\n'


def talkbench(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("TALKBENCH_DB", None)
    return subprocess.run([sys.executable, "-m", "app", *args], input=stdin, text=True,
                          capture_output=True, timeout=60, env=env, check=False)


def timeline(url: str, key: str, bot: str = "default") -> list[MemoryEvent]:
    with MemoryStore(url) as store:
        history = MemoryHistory(store)
        try:
            return history.timeline(bot, key)
        finally:
            history.close()


def write_dialog(folder: Path, name: str, head: str = "") -> Path:
    path = folder / name
    path.write_text(head + WRITER, "utf-8")
    return path


def assert_script_write(event: MemoryEvent, dialog: Path, line: int, origin: str) -> None:
    assert (event.kind, event.new, event.line) == ("script", "blue", line)
    assert Path(event.file).resolve() == dialog.resolve()
    assert event.run_id.startswith(origin + "-"), event.run_id


def test_talkbench_run_records_file_line_and_run(db_url: str, tmp_path: Path) -> None:
    dialog = write_dialog(tmp_path, "writer.bas")
    done = talkbench("run", str(dialog), "--db", db_url)
    assert done.returncode == 0, done.stderr
    [event] = timeline(db_url, "color")
    assert_script_write(event, dialog, 2, "run")


def test_memory_set_delete_and_import_record_the_command_line(sqlite_db: str,
                                                              tmp_path: Path) -> None:
    assert talkbench("memory", "set", "color", "red", "--db", sqlite_db).returncode == 0
    assert talkbench("memory", "delete", "color", "--db", sqlite_db).returncode == 0
    imported = tmp_path / "seed.json"
    imported.write_text(json.dumps({"color": "green"}), "utf-8")
    assert talkbench("memory", "import", str(imported), "--db", sqlite_db).returncode == 0
    newest_first = timeline(sqlite_db, "color")
    assert [(e.kind, e.old, e.new) for e in reversed(newest_first)] == [
        ("cli", None, "red"), ("cli", "red", None), ("import", None, "green")]
    assert newest_first[0].file == str(imported)


def test_a_scheduled_run_records_its_origin(sqlite_db: str, tmp_path: Path) -> None:
    dialog = write_dialog(tmp_path, "nightly.bas", 'SET SCHEDULE "0 3 * * *"\n')
    done = talkbench("schedule", "run", str(dialog), "--db", sqlite_db,
                     "--now", "2026-12-06 03:00")
    assert done.returncode == 0, done.stdout + done.stderr
    [event] = timeline(sqlite_db, "color")
    assert_script_write(event, dialog, 3, "schedule")


def test_a_webhook_run_records_its_origin(sqlite_db: str, tmp_path: Path) -> None:
    dialog = write_dialog(tmp_path, "hook.bas", 'WEBHOOK "ping"\n')
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "app", "webhook", "serve", str(dialog),
                             "--port", "0", "--db", sqlite_db, "--token", "t0ken"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        serving = proc.stdout.readline()
        base = serving.split(" on ")[1].split()[0]
        request = urllib.request.Request(base + "/api/bot/default/ping", data=b"{}",
                                         headers={"X-Talkbench-Token": "t0ken"})
        with urllib.request.urlopen(request, timeout=20) as response:
            assert response.status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0
    [event] = timeline(sqlite_db, "color")
    assert_script_write(event, dialog, 3, "webhook")


def test_a_dap_session_records_its_origin(sqlite_db: str, tmp_path: Path) -> None:
    """A run's write as ``dap-…`` with its line; a Bot memory entry edited while paused as a
    hand edit from ``dap``."""
    dialog = write_dialog(tmp_path, "debugged.bas")
    with stdio_adapter() as (client, proc):
        client.request("initialize", {"adapterID": "talkbench"})
        client.request("launch", {"program": str(dialog), "db": sqlite_db,
                                  "stopOnEntry": True})
        client.wait_event("initialized")
        client.request("configurationDone")
        client.stopped("entry")
        client.request("setVariable", {"variablesReference": client.scopes()["Bot memory"],
                                       "name": "greeting", "value": '"hi"'})
        client.request("continue", {"threadId": 1})
        assert client.wait_event("exited") == {"exitCode": 0}
        client.request("disconnect", {})
        assert proc.wait(timeout=TIMEOUT) == 0
    [event] = timeline(sqlite_db, "color")
    assert_script_write(event, dialog, 2, "dap")
    [edit] = timeline(sqlite_db, "greeting")
    assert (edit.kind, edit.file, edit.new) == ("hand", "dap", "hi")
