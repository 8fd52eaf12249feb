"""The user-memory filter matches its text literally and ignores case, on both databases."""

from __future__ import annotations

import pytest

from app.memory.store import MemoryStore
from app.memory.user_memory import user_memories


@pytest.mark.parametrize(("text", "expected"), [
    ("dir\\name", ["path"]),
    ("50%", ["discount"]),
    ("a_b", ["under"]),
    ("LISBON", ["city"]),
    ("%", ["discount"]),
])
def test_filter_is_literal_and_case_blind(db_url: str, text: str, expected: list[str]) -> None:
    store = MemoryStore(db_url)
    try:
        memories = user_memories(store)
        for key, value in (("path", "C:\\dir\\name"), ("discount", "50% off"),
                           ("under", "a_b"), ("plain", "aXb dirXname 50 off"),
                           ("city", "Lisbon")):
            memories.set("shop", "ana", key, value)
        found = [e.key for e in memories.list("shop", "ana", filter=text)]
        assert found == expected
        assert memories.count("shop", "ana", filter=text) == len(expected)
    finally:
        store.close()
