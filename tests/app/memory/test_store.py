"""MemoryStore behaviour on SQLite and PostgreSQL (``db_url`` runs each test on both)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.db.database import open_database
from app.memory.changes import fast_change as _change
from app.memory.store import (
    BotMemoryHandle,
    ChangeState,
    MemoryChange,
    MemoryStore,
)
from interpreter.ports.host import BotMemory, WriteSource

REPO = Path(__file__).resolve().parents[3]


class Recorder:
    """Collects events with the thread each came from."""

    def __init__(self, store: MemoryStore) -> None:
        self.events: list[tuple[MemoryChange, int]] = []
        self._lock = threading.Lock()
        self.unsubscribe = store.subscribe(self)

    def __call__(self, change: MemoryChange) -> None:
        with self._lock:
            self.events.append((change, threading.get_ident()))

    def changes(
        self, state: ChangeState | None = None, key: str | None = None
    ) -> list[MemoryChange]:
        with self._lock:
            return [
                c
                for c, _ in self.events
                if (state is None or c.state is state) and (key is None or c.key == key)
            ]


def _wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)


# -- basics -------------------------------------------------------------------------------


def test_handle_implements_the_bot_memory_port(store: MemoryStore) -> None:
    handle = store.bot("default")
    assert isinstance(handle, BotMemoryHandle)
    port: BotMemory = handle  # structural typing: get/set with the port's signatures
    assert port.get("missing") == ""
    port.set("greeting", "hello")
    assert port.get("greeting") == "hello"
    assert store.flush(10)


def test_values_survive_a_new_store(db_url: str) -> None:
    with MemoryStore(db_url) as first:
        first.bot("default").set("counter", "5")
    with MemoryStore(db_url) as second:
        assert second.bot("default").get("counter") == "5"
        assert second.bots() == ["default"]


def test_keys_are_case_sensitive_and_bots_are_separate(store: MemoryStore) -> None:
    a, b = store.bot("a"), store.bot("b")
    a.set("Name", "upper")
    a.set("name", "lower")
    b.set("name", "other bot")
    assert store.flush(10)
    assert (a.get("Name"), a.get("name"), b.get("name"), b.get("Name")) == (
        "upper",
        "lower",
        "other bot",
        "",
    )
    assert store.bots() == ["a", "b"]
    assert store.count("a") == 2 and store.count("b") == 1


def test_upsert_keeps_created_at_and_bumps_updated_at(store: MemoryStore) -> None:
    h = store.bot("default")
    h.set("k", "v1")
    assert store.flush(10)
    first = store.get_entry("default", "k")
    time.sleep(0.02)
    h.set("k", "v2")
    assert store.flush(10)
    second = store.get_entry("default", "k")
    assert first is not None and second is not None
    assert (second.value, second.pending) == ("v2", False)
    assert second.created_at == first.created_at
    assert second.updated_at > first.updated_at
    assert second.created_at.tzinfo is not None
    assert store.count("default") == 1


def test_invalid_values_are_refused_at_set(store: MemoryStore) -> None:
    h = store.bot("default")
    with pytest.raises(TypeError):
        h.set("n", 5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="NUL"):
        h.set("k", "a\x00b")  # PostgreSQL text cannot hold it
    with pytest.raises(ValueError, match="surrogate"):
        h.set("k", "\ud800")
    assert store.pending_count() == 0


# -- background writes ------------------------------------------------------------------------


def test_read_your_writes_before_landing(db_url: str, store: MemoryStore, write_blocker) -> None:
    h = store.bot("default")
    h.set("k", "old")
    assert store.flush(10)
    other = MemoryStore(db_url)  # another process's view: sees only landed rows
    try:
        with write_blocker(db_url):
            h.set("k", "new")
            h.set("fresh", "1")
            assert store.flush(timeout=0.2) is False  # cannot land while blocked
            assert h.get("k") == "new" and h.get("fresh") == "1"
            entry = store.get_entry("default", "k")
            assert entry is not None and (entry.value, entry.pending) == ("new", True)
            assert other.bot("default").get("k") == "old"
            assert other.bot("default").get("fresh") == ""
            assert store.pending_count() == 2
        assert store.flush(10)
        assert other.bot("default").get("k") == "new"
        assert store.pending_count() == 0
    finally:
        other.close()


def test_events_pending_then_landed_with_source(store: MemoryStore) -> None:
    rec = Recorder(store)
    src = WriteSource(file="dialogs/start.bas", line=7, run_id="run-1")
    store.bot("default").set("lead", "yes", src)
    assert store.flush(10)
    _wait_until(lambda: len(rec.events) >= 2)
    (pending, pending_thread), (landed, landed_thread) = rec.events
    assert pending == MemoryChange("default", "lead", None, "yes", src, ChangeState.PENDING)
    assert landed.state is ChangeState.LANDED
    assert (landed.bot, landed.key, landed.new, landed.source) == ("default", "lead", "yes", src)
    assert pending_thread == threading.get_ident()  # PENDING: the caller's thread
    assert landed_thread != threading.get_ident()  # LANDED: the writer thread
    rec.unsubscribe()
    store.bot("default").set("lead", "no")
    assert store.flush(10)
    assert len(rec.events) == 2


def test_fast_event_constructor_builds_equal_changes() -> None:
    args = ("b", "k", "old", "new", WriteSource(kind="hand"), ChangeState.PENDING)
    assert _change(*args) == MemoryChange(*args)
    assert hash(_change(*args)) == hash(MemoryChange(*args))


def test_repeated_writes_are_coalesced(db_url: str, store: MemoryStore, write_blocker) -> None:
    rec = Recorder(store)
    h = store.bot("default")
    with write_blocker(db_url):
        for i in range(100):
            h.set("counter", str(i))  # all in one batch: PostgreSQL needs them coalesced
            h.set(f"other{i % 3}", str(i))
        time.sleep(0.05)
    assert store.flush(10), store.last_error
    _wait_until(lambda: len(rec.changes(ChangeState.LANDED)) >= 4)
    assert len(rec.changes(ChangeState.PENDING, "counter")) == 100
    landed = rec.changes(ChangeState.LANDED, "counter")
    assert [c.new for c in landed] == ["99"]
    assert h.get("counter") == "99"
    assert [(e.key, e.value) for e in store.list("default")] == [
        ("counter", "99"),
        ("other0", "99"),
        ("other1", "97"),
        ("other2", "98"),
    ]


def test_pending_event_reports_the_replaced_queued_value(
    db_url: str, store: MemoryStore, write_blocker
) -> None:
    rec = Recorder(store)
    with write_blocker(db_url):
        store.bot("default").set("k", "1")
        store.bot("default").set("k", "2")
    assert store.flush(10)
    assert [(c.old, c.new) for c in rec.changes(ChangeState.PENDING)] == [(None, "1"), ("1", "2")]


def test_flush_waits_for_everything_queued(store: MemoryStore, db_url: str) -> None:
    h = store.bot("default")
    for i in range(3000):
        h.set(f"k{i:05d}", f"v{i}")
    assert store.flush(30)
    assert store.pending_count() == 0
    with MemoryStore(db_url) as other:
        assert other.count("default") == 3000
        assert other.bot("default").get("k02999") == "v2999"


def test_close_flushes_and_later_sets_fail(db_url: str) -> None:
    s = MemoryStore(db_url)
    s.bot("default").set("k", "v")
    assert s.close() is True
    with pytest.raises(RuntimeError):
        s.bot("default").set("k", "w")
    with MemoryStore(db_url) as other:
        assert other.bot("default").get("k") == "v"


def test_queued_writes_land_at_interpreter_exit(sqlite_db: str) -> None:
    code = (
        "import sys; from app.memory.store import MemoryStore\n"
        "s = MemoryStore(sys.argv[1]); h = s.bot('default')\n"
        "for i in range(500): h.set(f'k{i}', str(i))\n"
        # no flush, no close: the atexit hook must land them
    )
    subprocess.run([sys.executable, "-c", code, sqlite_db], cwd=REPO, check=True, timeout=60)
    with MemoryStore(sqlite_db) as s:
        assert s.count("default") == 500
        assert s.bot("default").get("k499") == "499"


def test_two_stores_on_one_file_never_see_locked_and_last_write_wins(db_url: str) -> None:
    # Two stores = two "processes" (separate connections and writer threads) on one database.
    a, b = MemoryStore(db_url), MemoryStore(db_url)
    recs = [Recorder(a), Recorder(b)]
    keys = [f"shared{i}" for i in range(20)]
    errors: list[BaseException] = []

    def hammer(store: MemoryStore, name: str) -> None:
        try:
            h = store.bot("default")
            for i in range(2000):
                h.set(keys[i % len(keys)], f"{name}-{i}")
                if i % 250 == 0:
                    h.get(keys[0])  # reads interleaved with the other store's writes
        except BaseException as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(s, n)) for s, n in ((a, "A"), (b, "B"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert a.flush(30) and b.flush(30)
    for rec in recs:
        assert rec.changes(ChangeState.FAILED) == []
    # Each key ends with the last value written by one of the two stores, never an older one
    # (the other store's last batch may have committed before or after).
    finals = {k: {f"A-{i}" for i in range(2000) if keys[i % 20] == k} for k in keys}
    with MemoryStore(db_url) as reader:
        for k in keys:
            last_a = max(int(v[2:]) for v in finals[k])
            assert reader.bot("default").get(k) in (f"A-{last_a}", f"B-{last_a}")
    # Strictly sequential writes from the two stores: the later one wins for everybody.
    a.bot("default").set("shared0", "from A")
    assert a.flush(10)
    b.bot("default").set("shared0", "from B")
    assert b.flush(10)
    assert a.bot("default").get("shared0") == "from B"
    a.close()
    b.close()


# -- failures -------------------------------------------------------------------------------------


def test_locked_sqlite_reports_failed_keeps_writes_and_lands_later(
    sqlite_db: str, write_blocker
) -> None:
    # Another program holding the write lock longer than busy_timeout makes writes fail.
    store = MemoryStore(database=open_database(sqlite_db, busy_timeout_ms=100), retry_max_delay=0.2)
    rec = Recorder(store)
    h = store.bot("default")
    h.set("before", "1")
    assert store.flush(10)
    with write_blocker(sqlite_db):
        h.set("k", "v", WriteSource(kind="hand"))
        assert store.flush(timeout=5) is False
        _wait_until(lambda: rec.changes(ChangeState.FAILED))
        failed = rec.changes(ChangeState.FAILED)
        assert [(c.key, c.new) for c in failed] == [("k", "v")]
        assert "locked" in (failed[0].error or "")
        assert store.last_error and "locked" in store.last_error
        assert h.get("k") == "v" and store.pending_count() == 1
        tried = store.failed_attempts
        _wait_until(lambda: store.failed_attempts >= tried + 3)  # several retries, blocked:
        assert len(rec.changes(ChangeState.FAILED)) == 1  # reported FAILED only once
    assert store.flush(10)
    assert [c.new for c in rec.changes(ChangeState.LANDED, "k")] == ["v"]
    assert store.last_error is None
    with MemoryStore(sqlite_db) as other:
        assert other.bot("default").get("k") == "v"
    store.close()


def test_postgres_stopped_mid_run_then_restarted(pg_server: Any) -> None:
    url = pg_server.url(pg_server.new_database())
    store = MemoryStore(url, retry_max_delay=0.2)
    rec = Recorder(store)
    h = store.bot("default")
    h.set("a", "1")
    assert store.flush(10)
    pg_server.stop()
    try:
        h.set("b", "2")
        h.set("a", "changed")
        assert store.flush(timeout=5) is False
        _wait_until(lambda: len(rec.changes(ChangeState.FAILED)) == 2)
        assert all(c.error for c in rec.changes(ChangeState.FAILED))
        assert h.get("a") == "changed" and h.get("b") == "2"  # still served from the queue
        assert store.pending_count() == 2
    finally:
        pg_server.start()
    assert store.flush(15), store.last_error
    assert {c.key for c in rec.changes(ChangeState.LANDED)} >= {"a", "b"}
    with MemoryStore(url) as other:
        assert other.bot("default").get("a") == "changed"
        assert other.bot("default").get("b") == "2"
    assert h.get("a") == "changed"  # reads reconnect too
    store.close()


def test_failing_subscriber_does_not_stop_writes(store: MemoryStore) -> None:
    def broken(change: MemoryChange) -> None:
        raise RuntimeError("subscriber bug")

    store.subscribe(broken)
    store.bot("default").set("k", "v")
    assert store.flush(10)
    assert store.get_entry("default", "k") is not None


# -- hand edits ------------------------------------------------------------------------------


def _entries(store: MemoryStore, bot: str = "default") -> list[tuple[str, str]]:
    return [(e.key, e.value) for e in store.list(bot)]


def test_rename_keeps_value_and_created_at(store: MemoryStore) -> None:
    rec = Recorder(store)
    h = store.bot("default")
    h.set("old", "value")
    h.set("taken", "x")
    assert store.flush(10)
    created = store.get_entry("default", "old").created_at
    store.rename("default", "old", "new")
    entry = store.get_entry("default", "new")
    assert entry is not None and entry.value == "value" and entry.created_at == created
    assert h.get("old") == ""
    renamed = rec.changes(ChangeState.RENAMED)
    assert [(c.old_key, c.key, c.new, c.old) for c in renamed] == [("old", "new", "value", None)]
    with pytest.raises(KeyError):
        store.rename("default", "missing", "whatever")
    with pytest.raises(ValueError, match="already exists"):
        store.rename("default", "new", "taken")
    store.rename("default", "new", "taken", overwrite=True)
    assert _entries(store) == [("taken", "value")]


def test_rename_and_delete_see_queued_writes(
    db_url: str, store: MemoryStore, write_blocker
) -> None:
    h = store.bot("default")
    with write_blocker(db_url):
        h.set("queued", "q")
        h.set("gone", "g")
    store.rename("default", "queued", "renamed")  # lands the queue first
    assert store.delete("default", ["gone", "never-existed"]) == 1
    assert _entries(store) == [("renamed", "q")]
    assert h.get("gone") == ""


def test_delete_reports_old_values(store: MemoryStore) -> None:
    rec = Recorder(store)
    h = store.bot("default")
    for k in "abc":
        h.set(k, k.upper())
    assert store.flush(10)
    assert store.delete("default", ["a", "c"]) == 2
    assert [(c.key, c.old, c.new) for c in rec.changes(ChangeState.DELETED)] == [
        ("a", "A", None),
        ("c", "C", None),
    ]
    assert _entries(store) == [("b", "B")]
    assert store.delete("nobody", ["a"]) == 0


def test_store_level_set_is_a_hand_edit(store: MemoryStore) -> None:
    rec = Recorder(store)
    store.set("default", "k", "v")
    assert store.flush(10)
    assert rec.changes(ChangeState.PENDING)[0].source == WriteSource(kind="hand")


def test_list_filter_sort_and_pages_merge_queued_values(
    db_url: str, store: MemoryStore, write_blocker
) -> None:
    h = store.bot("default")
    landed = {
        f"key{i:02d}": f"value {i % 7} {'Éclair' if i % 5 == 0 else 'plain'}" for i in range(30)
    }
    for k, v in landed.items():
        h.set(k, v)
    h.set("Zebra", "z")
    assert store.flush(10)
    time.sleep(0.01)
    with write_blocker(db_url):
        h.set("key03", "overridden FILTERME")  # queued value overrides a landed row
        h.set("aaa-new", "queued only")
        h.set("key10", "also_queued")
        view = dict(landed, Zebra="z", key03="overridden FILTERME")
        view.update({"aaa-new": "queued only", "key10": "also_queued"})
        pending = {"key03", "aaa-new", "key10"}

        entries = store.list("default")
        assert [(e.key, e.value) for e in entries] == sorted(view.items())
        assert {e.key for e in entries if e.pending} == pending
        assert store.count("default") == len(view)

        # pages by key, both directions, match slices of the full sorted view
        for desc in (False, True):
            full = sorted(view, reverse=desc)
            for offset, limit in ((0, 5), (3, 4), (28, 10), (0, 0)):
                page = store.list("default", offset=offset, limit=limit, descending=desc)
                assert [e.key for e in page] == full[offset : offset + limit]

        # by value, ties broken by key
        by_value = sorted(view, key=lambda k: (view[k], k))
        assert [e.key for e in store.list("default", order_by="value")] == by_value
        assert [e.key for e in store.list("default", order_by="value", offset=2, limit=6)] == (
            by_value[2:8]
        )
        # by updated_at: queued entries are the most recent
        newest = store.list("default", order_by="updated_at", descending=True, limit=3)
        assert {e.key for e in newest} == pending

        # filter: case-insensitive substring of key or value; LIKE wildcards are literal
        assert [e.key for e in store.list("default", filter="filterme")] == ["key03"]
        assert [e.key for e in store.list("default", filter="_queued")] == ["key10"]
        assert store.count("default", filter="_queued") == 1
        assert store.count("default", filter="%") == 0
        assert [e.key for e in store.list("default", filter="zeb")] == ["Zebra"]
        eclair = {k for k, v in view.items() if "clair" in v.lower()}
        assert {e.key for e in store.list("default", filter="CLAIR")} == eclair
        assert store.count("default", filter="CLAIR") == len(eclair)
    assert store.flush(10)
    assert [(e.key, e.value) for e in store.list("default")] == sorted(view.items())
    with pytest.raises(ValueError):
        store.list("default", order_by="id")


# -- import / export ----------------------------------------------------------------------------

SPECIAL = {
    "plain": "value",
    "empty": "",
    "": "empty key",
    "newlines": "line1\nline2\r\nline3\r",
    "tabs\tin key": "a\tb",
    "quotes": "say \"hi\", 'bye'",
    "comma,semicolon;": "x,y;z",
    "unicode ключ 🎉": "значение — ✓ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "backslash\\": "C:\\path\\n",
    "bom": "\ufeffstarts with BOM",
    "  spaces  ": "  padded  ",
}


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_import_round_trip_special_values(
    store: MemoryStore, tmp_path: Path, fmt: str
) -> None:
    data = dict(SPECIAL, big='x\n\t"é' * 250_000)  # 1.25 MB value
    h = store.bot("source")
    for k, v in data.items():
        h.set(k, v)
    path = tmp_path / f"export.{fmt}"
    export, import_ = (
        (store.export_json, store.import_json)
        if fmt == "json"
        else (store.export_csv, store.import_csv)
    )
    assert export("source", path) == len(data)
    assert import_("copy", path) == len(data)
    assert dict(_entries(store, "copy")) == data
    assert _entries(store, "copy") == _entries(store, "source")


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.dictionaries(texts, texts, max_size=8), fmt=st.sampled_from(["json", "csv"]))
def test_export_import_round_trip_generated(
    sqlite_db: str, tmp_path: Path, data: dict[str, str], fmt: str
) -> None:
    with MemoryStore(sqlite_db) as store:
        bot = f"src-{time.monotonic_ns()}"
        for k, v in data.items():
            store.bot(bot).set(k, v)
        path = tmp_path / f"out-{bot}.{fmt}"
        if fmt == "json":
            store.export_json(bot, path)
            store.import_json(bot + "-copy", path)
        else:
            store.export_csv(bot, path)
            store.import_csv(bot + "-copy", path)
        assert dict(_entries(store, bot + "-copy")) == data


def test_import_rejects_bad_files_without_writing(store: MemoryStore, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"ok": "1", "number": 5}')
    with pytest.raises(ValueError, match="must be strings"):
        store.import_json("default", bad)
    bad.write_text("[1, 2]")
    with pytest.raises(ValueError, match="expected an object"):
        store.import_json("default", bad)
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="cannot read"):
        store.import_json("default", bad)
    csv_bad = tmp_path / "bad.csv"
    csv_bad.write_text("name,data\na,b\n")
    with pytest.raises(ValueError, match="'key' and 'value'"):
        store.import_csv("default", csv_bad)
    assert store.count("default") == 0


def test_import_accepts_list_form_and_extra_csv_columns(store: MemoryStore, tmp_path: Path) -> None:
    js = tmp_path / "list.json"
    js.write_text('[{"key": "a", "value": "1"}, {"key": "b", "value": "2", "note": "x"}]')
    assert store.import_json("default", js) == 2
    cs = tmp_path / "extra.csv"
    cs.write_text("id,key,value,updated\n1,c,3,today\n", encoding="utf-8-sig")
    assert store.import_csv("default", cs) == 1
    assert _entries(store) == [("a", "1"), ("b", "2"), ("c", "3")]


def test_pages_without_queued_values_match_the_full_list(store: MemoryStore) -> None:
    h = store.bot("default")
    for i in range(57):
        h.set(f"k{i:03d}", str(i % 4))
    assert store.flush(10)
    for order_by in ("key", "value", "updated_at"):
        full = [e.key for e in store.list("default", order_by=order_by)]
        pages = []
        for offset in range(0, 60, 10):
            pages += [
                e.key for e in store.list("default", offset=offset, limit=10, order_by=order_by)
            ]
        assert pages == full
        assert [e.key for e in store.list("default", offset=50, order_by=order_by)] == full[50:]
    assert store.list("default", limit=0) == []
