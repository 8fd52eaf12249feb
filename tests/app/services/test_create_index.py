"""CREATE INDEX after TABLE blocks, run over real tables (SQLite and PostgreSQL via ``db_url``),
and ``talkbench run --skip-unsupported`` end to end."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.db.database import is_postgresql
from app.memory.store import MemoryStore
from app.services.tables import TableStore
from interpreter import Runtime, load_source
from interpreter.errors import BasicRuntimeError
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel

ROOT = Path(__file__).resolve().parents[3]

DIALOG = '''TABLE leads
    id UUID PRIMARY KEY
    email VARCHAR(255)
    score INTEGER DEFAULT 0
END TABLE
CREATE INDEX idx_leads_email ON leads(email);
CREATE INDEX IF NOT EXISTS idx_score ON leads (Score DESC)
CREATE UNIQUE INDEX idx_pair ON "leads" (email, score)
TALK "ready"
'''


def run(source: str, tables: TableStore) -> list[str]:
    channel = QueuedChannel.with_answers([])
    rt = Runtime(load_source(source, "crm.bas"), channel, DictMemory({}),
                 services={"tables": tables})
    asyncio.run(rt.run())
    return channel.texts


def indexes(store: MemoryStore, physical: str) -> dict[str, str]:
    """Index name → its SQL definition, as the database itself reports them."""
    db = store.database
    if is_postgresql(db):
        rows = db.execute_sql("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
                              [physical]).fetchall()
    else:
        rows = db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                              "tbl_name = ? AND sql IS NOT NULL", [physical]).fetchall()
    return {name: sql for name, sql in rows}


def test_create_index_makes_the_indexes_and_runs_again(store: MemoryStore) -> None:
    tables = TableStore(store.database, "crm")
    assert run(DIALOG, tables) == ["ready"]
    info = tables.info("leads")
    assert info is not None
    found = indexes(store, info.physical)
    made = {name: sql for name, sql in found.items() if name.startswith("ix_")}
    assert len(made) == 3
    # PostgreSQL reports definitions without the quotes we wrote.
    by_hint = {next(h for h in ("email", "score", "pair") if h in name): sql.replace('"', "")
               for name, sql in made.items()}
    assert "(email)" in by_hint["email"] and "UNIQUE" not in by_hint["email"]
    assert "(score DESC)" in by_hint["score"]  # the column as the table spells it
    assert "UNIQUE" in by_hint["pair"] and "(email, score)" in by_hint["pair"]
    assert run(DIALOG, TableStore(store.database, "crm")) == ["ready"]  # IF NOT EXISTS
    assert indexes(store, info.physical) == found
    # The unique index is real: a second row with the same (email, score) is refused.
    tables.insert("leads", {"id": "a", "email": "ann@x.test", "score": 1})
    with pytest.raises(ValueError, match="table error"):
        tables.insert("leads", {"id": "b", "email": "ann@x.test", "score": 1})


def test_index_names_of_two_bots_do_not_collide(store: MemoryStore) -> None:
    assert run(DIALOG, TableStore(store.database, "one")) == ["ready"]
    assert run(DIALOG, TableStore(store.database, "two")) == ["ready"]
    for bot in ("one", "two"):
        info = TableStore(store.database, bot).info("leads")
        assert info is not None
        assert len([n for n in indexes(store, info.physical) if n.startswith("ix_")]) == 3


@pytest.mark.parametrize("line, message", [
    ("CREATE INDEX i ON nothing(email)", "there is no table 'nothing'"),
    ("CREATE INDEX i ON leads(phone)", "the table 'leads' has no column 'phone'"),
])
def test_a_missing_table_or_column_stops_the_run_at_its_line(store: MemoryStore, line: str,
                                                            message: str) -> None:
    source = DIALOG.replace('TALK "ready"\n', line + "\n")
    with pytest.raises(BasicRuntimeError) as err:
        run(source, TableStore(store.database, "crm"))
    assert (err.value.file, err.value.line, err.value.col) == ("crm.bas", 9, 1)
    assert message in err.value.message and "CREATE INDEX i" in err.value.message


def talkbench(*args: str, cwd: Path, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "TALKBENCH_UNSUPPORTED_KEYWORDS"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "app", *args], text=True, capture_output=True,
                          cwd=ROOT, timeout=60, env=full_env, check=False)


def test_cli_stops_by_default_and_goes_on_with_skip_unsupported(tmp_path: Path) -> None:
    dialog = tmp_path / "bot.bas"
    dialog.write_text('TALK "a"\nRUN PYTHON "print(1)"\nTALK "b"\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'm.db'}"
    stopped = talkbench("run", str(dialog), "--db", db, cwd=tmp_path)
    assert stopped.returncode == 1 and stopped.stdout.splitlines() == ["a"]
    assert f"{dialog}:2:1: error: RUN PYTHON is not supported by Talkbench yet: it needs " \
           f"a code sandbox" in stopped.stderr
    skipped = talkbench("run", str(dialog), "--db", db, "--skip-unsupported", cwd=tmp_path)
    assert skipped.returncode == 0, skipped.stderr
    assert skipped.stdout.splitlines() == ["a", "b"]
    assert f"warning: {dialog}:2:1: skipped RUN PYTHON: it needs a code sandbox" \
        in skipped.stderr
    # The same setting from the environment (or unsupported-keywords in config.csv).
    by_env = talkbench("run", str(dialog), "--db", db, cwd=tmp_path,
                       env={"TALKBENCH_UNSUPPORTED_KEYWORDS": "skip"})
    assert by_env.returncode == 0 and by_env.stdout.splitlines() == ["a", "b"]


def test_a_bad_setting_value_is_a_clear_error(tmp_path: Path) -> None:
    dialog = tmp_path / "bot.bas"
    dialog.write_text('DELEGATE TO "b"\n', encoding="utf-8")
    out = talkbench("run", str(dialog), "--db", f"sqlite:///{tmp_path / 'm.db'}", cwd=tmp_path,
                    env={"TALKBENCH_UNSUPPORTED_KEYWORDS": "ignore"})
    assert out.returncode == 1
    assert "setting unsupported_keywords must be error or skip, got 'ignore'" in out.stderr


def test_the_policy_and_weather_url_come_from_the_bot_config(tmp_path: Path) -> None:
    from app.services.settings import load_settings

    config = tmp_path / "crm.gbot" / "config.csv"
    config.parent.mkdir()
    config.write_text("name,value\nunsupported-keywords,Skip\n"
                      "weather-url,https://wttr.in/{location}?format=3\n", encoding="utf-8")
    settings = load_settings(tmp_path / "crm.gbdialog", environ={})
    assert settings.unsupported_keywords == "skip"
    assert settings.weather_url == "https://wttr.in/{location}?format=3"
    assert load_settings("", environ={}).unsupported_keywords == "error"
