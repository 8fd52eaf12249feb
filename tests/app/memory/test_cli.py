"""``talkbench memory …`` through argparse, in-process (plus one real ``python -m`` run)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.db.database import sqlite_url
from app.memory.cli import add_memory_parser, escape, run_memory_command
from app.memory.store import MemoryStore

REPO = Path(__file__).resolve().parents[3]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="talkbench")
    add_memory_parser(parser.add_subparsers(dest="command", required=True))
    code = run_memory_command(parser.parse_args(["memory", *argv]))
    out, err = capsys.readouterr()
    return code, out, err


def test_set_get_list_delete(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", db_url]
    assert run(["set", "name", "Ana", *db], capsys) == (0, "", "")
    assert run(["set", "multi", "a\tb\nc\\d", *db], capsys)[0] == 0
    assert run(["set", "Name", "other case", *db], capsys)[0] == 0
    assert run(["get", "name", *db], capsys) == (0, "Ana\n", "")
    assert run(["get", "multi", *db], capsys) == (0, "a\tb\nc\\d\n", "")
    assert run(["list", *db], capsys) == (
        0,
        "Name\tother case\nmulti\ta\\tb\\nc\\\\d\nname\tAna\n",
        "",
    )
    assert run(["list", "--filter", "ANA", *db], capsys) == (0, "name\tAna\n", "")
    assert run(["delete", "name", *db], capsys) == (0, "", "")
    code, out, err = run(["get", "name", *db], capsys)
    assert (code, out) == (1, "") and "no key 'name'" in err
    code, _, err = run(["delete", "name", *db], capsys)
    assert code == 1 and err.count("\n") == 1


def test_bot_option_selects_the_bot(sqlite_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["set", "k", "for sales", "--db", sqlite_db, "--bot", "sales"], capsys)[0] == 0
    assert run(["list", "--db", sqlite_db], capsys) == (0, "", "")
    assert run(["list", "--db", sqlite_db, "--bot", "sales"], capsys) == (0, "k\tfor sales\n", "")


def test_default_db_comes_from_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TALKBENCH_DB", sqlite_url(tmp_path / "env.sqlite3"))
    assert run(["set", "k", "v"], capsys)[0] == 0
    with MemoryStore(sqlite_url(tmp_path / "env.sqlite3")) as store:
        assert store.bot("default").get("k") == "v"


@pytest.mark.parametrize("ext", ["json", "csv"])
def test_export_import_by_extension(
    sqlite_db: str, tmp_path: Path, ext: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with MemoryStore(sqlite_db) as store:
        for k, v in {"a": "1", "b": "line\nbreak", "c": ""}.items():
            store.bot("default").set(k, v)
    path = tmp_path / f"mem.{ext}"
    code, out, _ = run(["export", str(path), "--db", sqlite_db], capsys)
    assert code == 0 and "exported 3 entries" in out
    if ext == "json":
        assert json.loads(path.read_text()) == {"a": "1", "b": "line\nbreak", "c": ""}
    code, out, _ = run(["import", str(path), "--db", sqlite_db, "--bot", "copy"], capsys)
    assert code == 0 and "imported 3 entries" in out
    assert run(["list", "--db", sqlite_db, "--bot", "copy"], capsys)[1] == (
        "a\t1\nb\tline\\nbreak\nc\t\n"
    )


def test_unknown_export_format(sqlite_db: str, tmp_path: Path, capsys) -> None:
    code, _, err = run(["export", str(tmp_path / "x.txt"), "--db", sqlite_db], capsys)
    assert code == 1 and "use a .json or .csv file" in err


@pytest.mark.parametrize(
    "make_db, expected",
    [
        (lambda p: (p / "notes.txt").write_text("hello") and str(p / "notes.txt"), "not a SQLite"),
        (lambda p: sqlite_url(p / "missing" / "m.db"), "does not exist"),
    ],
)
def test_bad_database_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make_db, expected: str
) -> None:
    code, out, err = run(["list", "--db", make_db(tmp_path)], capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and expected in err
    assert err.startswith("talkbench memory: ") and "Traceback" not in err


def test_unreachable_postgresql(unused_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"postgresql://u:hunter2@127.0.0.1:{unused_port}/gb"
    code, _, err = run(["get", "k", "--db", url], capsys)
    assert code == 1 and "Cannot reach PostgreSQL" in err and "hunter2" not in err


def test_escape() -> None:
    assert escape("a\\b\tc\nd\re") == "a\\\\b\\tc\\nd\\re"


def test_runs_as_a_module(sqlite_db: str) -> None:
    def cli(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.memory.cli", "memory", *argv, "--db", sqlite_db],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert cli("set", "greeting", "olá").returncode == 0
    res = cli("list")
    assert (res.returncode, res.stdout) == (0, "greeting\tolá\n")
    res = cli("get", "nope")
    assert res.returncode == 1 and "Traceback" not in res.stderr


def test_user_scope_set_get_list_delete(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", db_url, "--bot", "shop"]
    assert run(["set", "lang", "pt", "--user", "ana", *db], capsys) == (0, "", "")
    assert run(["set", "lang", "en", "--user", "bob", *db], capsys)[0] == 0
    assert run(["set", "lang_hint", "x", "--user", "ana", *db], capsys)[0] == 0
    assert run(["get", "lang", "--user", "ana", *db], capsys) == (0, "pt\n", "")
    assert run(["list", "--user", "ana", *db], capsys) == (0, "lang\tpt\nlang_hint\tx\n", "")
    # The bot's own memory is a different table: the user's key is not there.
    code, _, err = run(["get", "lang", *db], capsys)
    assert code == 1 and "bot 'shop'" in err
    assert run(["delete", "lang", "--user", "ana", *db], capsys) == (0, "", "")
    code, _, err = run(["get", "lang", "--user", "ana", *db], capsys)
    assert code == 1 and "no key 'lang' in user 'ana' of bot 'shop'" in err
    assert run(["get", "lang", "--user", "bob", *db], capsys) == (0, "en\n", "")
    code, _, err = run(["delete", "lang", "--user", "ana", *db], capsys)
    assert code == 1 and "user 'ana'" in err


def test_user_scope_rejects_an_empty_user(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["set", "k", "v", "--user", "", "--db", db_url], capsys)
    assert code == 1 and "non-empty user" in err
