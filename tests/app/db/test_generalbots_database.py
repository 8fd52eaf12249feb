"""Talkbench on a real General Bots database (the ``generalbots_db`` fixture: General Bots'
own ``bots``/``bot_memories`` as its migrations make them, botserver/migrations/6.0.0-01-core
and 6.2.7-add-bots-slug in the engine). There ``bots`` has NOT NULL columns without
defaults (llm_provider, context_provider) and only ``slug`` is unique: every entry point must
resolve ``--bot`` the same way (id, slug or name) and never insert a half-made bot."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from app.db.bots import AmbiguousBot, BotDirectory, BotNotFound
from app.db.database import open_database
from app.memory.store import ChangeState, MemoryChange, MemoryStore
from tests.app.dap.support import ROOT, TIMEOUT, stdio_adapter

EU = "22222222-2222-4222-8222-222222222222"
US = "33333333-3333-4333-8333-333333333333"
DEFAULT = "11111111-1111-4111-8111-111111111111"

WRITER = 'SET BOT MEMORY "color", "blue"\nTALK "saved"\n'


def talkbench(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("TALKBENCH_DB", None)
    return subprocess.run([sys.executable, "-m", "app", *args], input=stdin, text=True,
                          capture_output=True, timeout=60, env=env, check=False)


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    db = open_database(url)
    try:
        return [tuple(str(v) for v in r) for r in db.execute_sql(sql).fetchall()]
    finally:
        db.close()


def memories(url: str) -> list[tuple[Any, ...]]:
    return rows(url, "SELECT bot_id, key, value FROM bot_memories ORDER BY bot_id, key")


def bot_count(url: str) -> int:
    return int(rows(url, "SELECT count(*) FROM bots")[0][0])


@pytest.fixture
def dialog(tmp_path: Path) -> Path:
    path = tmp_path / "writer.bas"
    path.write_text(WRITER, "utf-8")
    return path


# ---------------------------------------------------------------- a bot that does not exist


def test_run_with_an_unknown_bot_is_an_error_naming_the_bots_and_writes_nothing(
        generalbots_db: str, dialog: Path) -> None:
    done = talkbench("run", str(dialog), "--db", generalbots_db, "--bot", "newbot")
    assert done.returncode == 1
    assert done.stdout == ""  # nothing ran: no "saved" the user could believe
    error = done.stderr
    assert "No bot 'newbot'" in error
    assert "'default'" in error and "'shop-eu'" in error and "'shop-us'" in error
    assert "context_provider" in error and "llm_provider" in error
    assert bot_count(generalbots_db) == 3
    assert memories(generalbots_db) == []


def test_memory_set_with_an_unknown_bot_is_an_error(generalbots_db: str) -> None:
    done = talkbench("memory", "set", "k", "v", "--db", generalbots_db, "--bot", "newbot")
    assert done.returncode == 1 and "No bot 'newbot'" in done.stderr
    assert bot_count(generalbots_db) == 3 and memories(generalbots_db) == []


def test_schedule_and_webhook_refuse_an_unknown_bot(generalbots_db: str,
                                                    tmp_path: Path) -> None:
    (tmp_path / "nightly.bas").write_text('SET SCHEDULE "0 3 * * *"\n' + WRITER, "utf-8")
    (tmp_path / "hook.bas").write_text('WEBHOOK "ping"\n' + WRITER, "utf-8")
    scheduled = talkbench("schedule", "run", str(tmp_path / "nightly.bas"),
                          "--db", generalbots_db, "--bot", "newbot", "--now", "2026-12-06 03:00")
    assert scheduled.returncode == 1 and "No bot 'newbot'" in scheduled.stderr
    served = talkbench("webhook", "serve", str(tmp_path / "hook.bas"), "--port", "0",
                       "--db", generalbots_db, "--bot", "newbot")
    assert served.returncode == 1 and "No bot 'newbot'" in served.stderr
    assert bot_count(generalbots_db) == 3 and memories(generalbots_db) == []


def test_dap_launch_with_an_unknown_bot_fails_with_the_message(generalbots_db: str,
                                                               dialog: Path) -> None:
    with stdio_adapter() as (client, proc):
        client.request("initialize", {"adapterID": "talkbench"})
        failed = client.request("launch", {"program": str(dialog), "db": generalbots_db,
                                           "bot": "newbot"}, success=False)
        assert "No bot 'newbot'" in failed["message"]
        client.request("disconnect", {})
        proc.wait(timeout=TIMEOUT)
    assert bot_count(generalbots_db) == 3


def test_the_store_never_adds_a_row_to_general_bots_table(generalbots_db: str) -> None:
    directory = BotDirectory(open_database(generalbots_db))
    assert directory.blocking_columns() == ["context_provider", "llm_provider"]
    with pytest.raises(BotNotFound):
        directory.ensure("newbot")
    assert bot_count(generalbots_db) == 3


def test_a_write_for_a_bot_general_bots_lacks_is_refused_alone(generalbots_db: str) -> None:
    """It used to fail its whole batch again and again: every other bot's writes queued with
    it never landed (flush never succeeded)."""
    changes: list[MemoryChange] = []
    with MemoryStore(generalbots_db) as store:
        store.subscribe(changes.append)
        store.set("shop-eu", "a", "1")
        store.set("newbot", "k", "v")
        store.set("default", "b", "2")
        assert store.flush(30)
        refused = [c for c in changes if c.state is ChangeState.REFUSED]
        assert [(c.bot, c.key) for c in refused] == [("newbot", "k")]
        assert "No bot 'newbot'" in (refused[0].error or "")
        assert store.pending_count() == 0
    assert sorted(memories(generalbots_db)) == [(DEFAULT, "b", "2"), (EU, "a", "1")]
    assert bot_count(generalbots_db) == 3


# ---------------------------------------------------------------- names, slugs and ids


def test_a_name_two_bots_share_is_an_error_naming_both(generalbots_db: str,
                                                       dialog: Path) -> None:
    done = talkbench("run", str(dialog), "--db", generalbots_db, "--bot", "shop")
    assert done.returncode == 1
    assert "2 bots are named 'shop'" in done.stderr
    assert EU in done.stderr and US in done.stderr
    assert "'shop-eu'" in done.stderr and "'shop-us'" in done.stderr
    listed = talkbench("memory", "list", "--db", generalbots_db, "--bot", "shop")
    assert listed.returncode == 1 and "2 bots are named 'shop'" in listed.stderr
    assert memories(generalbots_db) == []
    with pytest.raises(AmbiguousBot):
        BotDirectory(open_database(generalbots_db)).find("shop")


def test_bot_by_slug_by_id_and_by_name(generalbots_db: str, dialog: Path) -> None:
    assert talkbench("run", str(dialog), "--db", generalbots_db, "--bot", "shop-eu"
                     ).stdout == "saved\n"
    assert talkbench("memory", "set", "color", "red", "--db", generalbots_db, "--bot", US
                     ).returncode == 0
    assert talkbench("run", str(dialog), "--db", generalbots_db, "--bot", "default"
                     ).returncode == 0
    assert sorted(memories(generalbots_db)) == sorted([
        (EU, "color", "blue"), (US, "color", "red"), (DEFAULT, "color", "blue")])
    got = talkbench("memory", "get", "color", "--db", generalbots_db, "--bot", "shop-us")
    assert got.stdout == "red\n"
    assert bot_count(generalbots_db) == 3


def test_user_memory_on_general_bots_own_user_memories_is_unavailable(
    generalbots_db: str
) -> None:
    """General Bots' ``user_memories`` is cross-bot (no bot_id): one clear line, and the
    table is left exactly as it was (no row, no column added)."""
    columns = "SELECT column_name FROM information_schema.columns " \
              "WHERE table_name = 'user_memories' ORDER BY column_name"
    before = rows(generalbots_db, columns)
    done = talkbench("memory", "set", "lang", "pt", "--user", "u1", "--db", generalbots_db,
                     "--bot", "shop-eu")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "user memory is unavailable on this database" in done.stderr
    assert rows(generalbots_db, columns) == before
    assert rows(generalbots_db, "SELECT count(*) FROM user_memories") == [("0",)]


def test_user_memory_goes_through_the_same_resolution(generalbots_db: str) -> None:
    # Without General Bots' own user_memories (above), Talkbench makes its per-bot table.
    rows(generalbots_db, "DROP TABLE user_memories; SELECT 1")
    assert talkbench("memory", "set", "lang", "pt", "--user", "u1", "--db", generalbots_db,
                     "--bot", "shop-eu").returncode == 0
    assert rows(generalbots_db, "SELECT bot_id, key, value FROM user_memories") == [
        (EU, "lang", "pt")]
    with MemoryStore(generalbots_db) as store:
        assert store.user("shop-eu", "u1").get("lang") == "pt"


def test_webhook_writes_land_in_the_bot_named_by_slug(generalbots_db: str,
                                                      tmp_path: Path) -> None:
    (tmp_path / "hook.bas").write_text('WEBHOOK "ping"\n' + WRITER + 'RETURN "ok"\n', "utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "app", "webhook", "serve",
                             str(tmp_path / "hook.bas"), "--port", "0",
                             "--db", generalbots_db, "--bot", "shop-us"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(2)]
        serving = next(line for line in lines if line.startswith("serving"))
        base = serving.split(" on ")[1].split()[0]
        token = next(line.split(": ", 1)[1].strip() for line in lines
                     if line.startswith("access token"))
        request = urllib.request.Request(base + "/api/bot/shop-us/ping", data=b"{}",
                                         headers={"Content-Type": "application/json",
                                                  "X-Talkbench-Token": token})
        with urllib.request.urlopen(request, timeout=20) as response:
            assert json.loads(response.read()) == "ok"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert memories(generalbots_db) == [(US, "color", "blue")]


def test_talkbench_own_database_still_creates_a_new_bot(sqlite_db: str, dialog: Path) -> None:
    done = talkbench("run", str(dialog), "--db", sqlite_db, "--bot", "newbot")
    assert done.returncode == 0 and done.stdout == "saved\n"
    with MemoryStore(sqlite_db) as store:
        assert store.bot("newbot").get("color") == "blue"
        assert store.bots() == ["newbot"]



def test_the_ide_runner_refuses_an_unknown_bot_before_running(generalbots_db: str) -> None:
    from app.run.dialog_session import DialogRunner
    from interpreter.runtime.channels import QueuedChannel

    with MemoryStore(generalbots_db) as store:
        runner = DialogRunner(store, "newbot", QueuedChannel())
        with pytest.raises(BotNotFound, match="shop-eu"):
            runner.start(WRITER, "writer.bas")
        assert not runner.running
    assert bot_count(generalbots_db) == 3 and memories(generalbots_db) == []


def test_only_the_bot_directory_inserts_into_bots() -> None:
    """Every entry point reaches ``bots`` through app.db.bots: no other code adds a bot row."""
    import re

    pattern = re.compile(r"Bot\.insert|INSERT INTO\s+\"?bots\b", re.IGNORECASE)
    offenders = [str(path.relative_to(ROOT))
                 for folder in ("app", "ui", "interpreter")
                 for path in sorted((ROOT / folder).rglob("*.py"))
                 if pattern.search(path.read_text("utf-8")) and path.name != "bots.py"]
    assert offenders == []


def test_the_bot_list_names_each_bot_alone(generalbots_db: str) -> None:
    with MemoryStore(generalbots_db) as store:
        listed = store.bots()
        assert listed == ["default", "shop-eu", "shop-us"]  # the IDE's bot box offers these
        for ref in listed:
            assert store.check_bot(ref) is not None


def test_history_names_the_bot_as_the_bot_list_does(generalbots_db: str, dialog: Path) -> None:
    """Whether a run names its bot by id or slug, its writes are recorded under the reference
    the IDE's bot box shows, so the History panel finds them."""
    from app.memory.history import MemoryHistory

    assert talkbench("run", str(dialog), "--db", generalbots_db, "--bot", EU).returncode == 0
    assert talkbench("run", str(dialog), "--db", generalbots_db, "--bot", DEFAULT
                     ).returncode == 0
    with MemoryStore(generalbots_db) as store:
        history = MemoryHistory(store)
        try:
            assert [e.new for e in history.timeline("shop-eu", "color")] == ["blue"]
            assert [e.new for e in history.timeline("default", "color")] == ["blue"]
        finally:
            history.close()
