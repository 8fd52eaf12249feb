"""Memory key cross-reference over dialogs, and renaming a key in dialogs and store."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.memory.key_xref import (
    LineEdit,
    apply_rename,
    dialog_files,
    plan_rename,
    scan_files,
    scan_source,
)
from app.memory.store import MemoryStore

GREET = '''TALK "hi"
SET BOT MEMORY "visits", 1
name = GET BOT MEMORY("user name")
SUB tally()
  SET BOT MEMORY "visits", GET BOT MEMORY("visits") + 1
END SUB
k = "dyn"
SET BOT MEMORY k, 2
SET BOT MEMORY "pre" + k, 3
'''

SHOW = '''x = GET BOT MEMORY("visits")
GET BOT MEMORY "quote""d" INTO y
SET BOT MEMORY "orphan", "o"
'''


@pytest.fixture
def dialogs(tmp_path: Path) -> Path:
    (tmp_path / "greet.bas").write_text(GREET, encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "show.bas").write_text(SHOW, encoding="utf-8")
    (tmp_path / "notes.txt").write_text('SET BOT MEMORY "no", 1', encoding="utf-8")
    return tmp_path


def test_sets_gets_and_dynamic_keys(dialogs: Path) -> None:
    files = dialog_files(dialogs)
    assert [Path(f).name for f in files] == ["greet.bas", "show.bas"]
    report = scan_files(files)
    assert report.keys() == ["orphan", 'quote"d', "user name", "visits"]
    assert [(Path(u.file).name, u.line) for u in report.sets("visits")] == [
        ("greet.bas", 2), ("greet.bas", 5),
    ]
    assert [(Path(u.file).name, u.line) for u in report.gets("visits")] == [
        ("greet.bas", 5), ("show.bas", 1),
    ]
    assert report.read_never_set() == ['quote"d', "user name"]
    assert report.set_never_read() == ["orphan"]
    dynamic = report.dynamic()
    assert [(u.line, u.kind) for u in dynamic] == [(8, "set"), (9, "set")]
    assert [u.expr for u in dynamic] == ["k", "\"pre\" + k"]


def test_rename_preview_then_apply_in_files_and_store(dialogs: Path, sqlite_db: str) -> None:
    files = dialog_files(dialogs)
    report = scan_files(files)
    edits = plan_rename(report, "visits", 'vis"its')
    assert [(Path(e.file).name, e.line) for e in edits] == [
        ("greet.bas", 2), ("greet.bas", 5), ("show.bas", 1),
    ]
    assert edits[1].old == '  SET BOT MEMORY "visits", GET BOT MEMORY("visits") + 1'
    assert edits[1].new == '  SET BOT MEMORY "vis""its", GET BOT MEMORY("vis""its") + 1'
    assert (dialogs / "greet.bas").read_text() == GREET  # preview only
    with MemoryStore(sqlite_db) as store:
        store.set("b", "visits", "7")
        store.flush()
        assert apply_rename(edits, store, "b", "visits", 'vis"its')
        assert store.get_entry("b", 'vis"its').value == "7"
        assert store.get_entry("b", "visits") is None
    after = scan_files(files)
    assert "visits" not in after.keys()  # noqa: SIM118 - KeyReport.keys() is a list
    assert len(after.sets('vis"its')) == 2 and len(after.gets('vis"its')) == 2
    assert scan_source((dialogs / "greet.bas").read_text(), "g")[0].key == 'vis"its'


def test_stale_preview_changes_nothing(dialogs: Path, sqlite_db: str) -> None:
    report = scan_files(dialog_files(dialogs))
    edits = plan_rename(report, "orphan", "adopted")
    show = dialogs / "sub" / "show.bas"
    show.write_text(SHOW.replace('"o"', '"changed"'), encoding="utf-8")
    with MemoryStore(sqlite_db) as store:
        store.set("b", "orphan", "1")
        store.flush()
        with pytest.raises(ValueError, match="changed since the preview"):
            apply_rename(edits, store, "b", "orphan", "adopted")
        assert store.get_entry("b", "orphan") is not None
    assert isinstance(edits[0], LineEdit)


def test_rename_keeps_encoding_bom_and_line_endings(tmp_path: Path) -> None:
    bom = tmp_path / "bom.bas"
    bom.write_bytes('\ufeffTALK "é"\r\nSET BOT MEMORY "k", 1\r\n'.encode())
    old = tmp_path / "old.bas"  # a Windows code page dialog, as the IDE opens it
    old.write_bytes('TALK "café"\r\nx = GET BOT MEMORY("k")\r\n'.encode("cp1252"))
    edits = plan_rename(scan_files([bom, old]), "k", "n")
    assert [(Path(e.file).name, e.line) for e in edits] == [("bom.bas", 2), ("old.bas", 2)]
    assert not apply_rename(edits, None, "b", "k", "n")
    assert bom.read_bytes() == '\ufeffTALK "é"\r\nSET BOT MEMORY "n", 1\r\n'.encode()
    assert old.read_bytes() == 'TALK "café"\r\nx = GET BOT MEMORY("n")\r\n'.encode("cp1252")
