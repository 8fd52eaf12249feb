"""Text with a NUL character, which PostgreSQL cannot store and psycopg2 refuses to send.

Before, a write to a bot named with one was queued: on PostgreSQL the writer then retried it
for ever, and every other write (of any bot) and every hand edit failed with it ("A string
literal cannot contain NUL"); SQLite stored a bot General Bots could never hold. A lookup of
such a key raised psycopg2's bare ValueError on PostgreSQL (a GET BOT MEMORY stopped the
dialog) and found nothing on SQLite."""

from __future__ import annotations

import pytest

from app.db.database import DatabaseError
from app.memory.store import MemoryEntry, MemoryStore
from app.memory.user_memory import UserMemoryError, user_memories
from interpreter.ports.host import WriteSource


def test_a_bot_name_with_a_nul_is_refused_at_once_and_other_writes_land(
    store: MemoryStore,
) -> None:
    for write in (lambda: store.set("a\x00b", "k", "v"), lambda: store.bot("a\x00b"),
                  lambda: store.restore("a\x00b", [MemoryEntry("k", "v", None, None)]),
                  lambda: store.apply([("a\x00b", "k", "v", None)], [], WriteSource())):
        with pytest.raises(ValueError, match="bot name cannot contain NUL"):
            write()
    store.set("b", "k", "v")
    assert store.flush(30), store.last_error
    store.delete("b", ["k"])
    assert store.bots() == ["b"]


def test_a_lookup_of_text_with_a_nul_is_the_same_clear_error_on_both_databases(
    store: MemoryStore,
) -> None:
    store.set("b", "k", "v")
    assert store.flush(30)
    assert store.bot("b").get("k\x00") == ""  # GET BOT MEMORY: "" (logged), as on a failure
    for lookup in (lambda: store.value("b", "k\x00"), lambda: store.value("b\x00", "k"),
                   lambda: store.delete("b", ["k", "k\x00"]),
                   lambda: store.rename("b", "k\x00", "k2")):
        with pytest.raises(DatabaseError, match="NUL character"):
            lookup()
    assert store.value("b", "k") == "v"  # the failed delete deleted nothing


@pytest.mark.parametrize("bad", ["k\x00", "k\udc80"])
def test_user_memory_refuses_text_no_entry_can_hold_alike_on_both_databases(
    store: MemoryStore, bad: str,
) -> None:
    """Before: on PostgreSQL psycopg2's bare ValueError for a NUL, on SQLite "" (found
    nothing); a lone surrogate raised the drivers' UnicodeEncodeError, a set too."""
    users = user_memories(store)
    users.set("b", "u", "k", "v")
    for use in (lambda: users.get("b", "u", bad), lambda: users.get("b", bad, "k"),
                lambda: users.get(bad, "u", "k"), lambda: users.delete("b", "u", [bad]),
                lambda: users.list("b", bad), lambda: users.set("b", "u", bad, "v"),
                lambda: users.set("b", "u", "k", bad)):
        with pytest.raises(UserMemoryError, match="NUL character or that is not valid"):
            use()
    assert users.get("b", "u", "k") == "v"
