"""Review of app/memory/cli.py's ``--user``: ``get`` finds any key, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.app.memory.test_cli import run


@pytest.mark.parametrize("key", ["dir\\name", "ends\\", "50%_off"])
def test_user_get_finds_keys_with_like_wildcards_and_backslashes(
        db_url: str, key: str, capsys: pytest.CaptureFixture[str]) -> None:
    # PostgreSQL's LIKE treats "\" as an escape character: a lookup through a LIKE filter
    # misses these keys there (SQLite's LIKE has no escape character).
    db = ["--db", db_url, "--bot", "shop", "--user", "ana"]
    assert run(["set", key, "v1", *db], capsys) == (0, "", "")
    assert run(["get", key, *db], capsys) == (0, "v1\n", "")
