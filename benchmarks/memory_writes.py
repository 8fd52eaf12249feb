"""10,000 SET_BOT_MEMORY from a script vs raw batched sqlite3 upserts, in the same run.

Run: ``python benchmarks/memory_writes.py``. Prints our time, the baseline, the throughput
ratio (target >= 0.5) and the mean cost of one SET statement until it returns (target < 20 us).
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from pathlib import Path

from app.memory.store import MemoryStore
from interpreter import Runtime, load_source
from interpreter.runtime.channels import QueuedChannel

N = 10_000
SCRIPT = f'FOR i = 1 TO {N}\nSET BOT MEMORY "key" + i, "value " + i\nNEXT\n'
EMPTY = f'FOR i = 1 TO {N}\nx = "value " + i\nNEXT\n'


class LoopOnly:
    """The store's handle without its commit barrier: the run then ends when its loop does,
    so "returned" is the SET statements' own time (the commit is timed by "landed")."""

    def __init__(self, handle) -> None:
        self.get, self.set = handle.get, handle.set


def run_script(source: str, db: Path) -> tuple[float, float]:
    """(seconds until the script returned, seconds until every write landed)."""
    store = MemoryStore(f"sqlite:///{db}")
    compiled = load_source(source, "bench.bas")
    start = time.perf_counter()
    asyncio.run(Runtime(compiled, QueuedChannel(), LoopOnly(store.bot("bench"))).run())
    returned = time.perf_counter() - start
    store.flush()
    landed = time.perf_counter() - start
    store.close()
    return returned, landed


def raw_sqlite(db: Path) -> float:
    """The same 10,000 upserts with plain sqlite3 into the same table.

    The table is General Bots' ``bot_memories`` with its four indexes (primary key, bot_id,
    key, unique(bot_id, key)), created by the store so both sides do identical B-tree work;
    rows are built before the clock starts, so only the database work is timed.
    """
    MemoryStore(f"sqlite:///{db}").close()  # creates the schema, nothing else
    con = sqlite3.connect(db)
    con.execute("PRAGMA synchronous=NORMAL")
    now = "2026-01-01 00:00:00.000000"
    rows = [("bench-bot", f"key{i}", f"value {i}", now, now) for i in range(1, N + 1)]
    start = time.perf_counter()
    with con:
        con.executemany(
            'INSERT INTO bot_memories (id, bot_id, key, value, created_at, updated_at) '
            "VALUES (lower(hex(randomblob(16))), ?, ?, ?, ?, ?) ON CONFLICT (bot_id, key) "
            "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at", rows)
    took = time.perf_counter() - start
    con.close()
    return took


def best(fn, *args, repeat: int = 3):
    return min((fn(*args) for _ in range(repeat)), key=lambda r: r if isinstance(r, float)
               else r[1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        returned, landed = best(lambda: run_script(SCRIPT, d / f"s{time.time_ns()}.db"))
        empty, _ = best(lambda: run_script(EMPTY, d / f"e{time.time_ns()}.db"))
        raw = best(lambda: raw_sqlite(d / f"r{time.time_ns()}.db"))
    ratio = raw / landed
    per_set = (returned - empty) / N * 1e6
    print(f"memory writes ({N:,} SET_BOT_MEMORY, SQLite)")
    print(f"  ours (script until all landed): {landed * 1000:8.1f} ms")
    print(f"  baseline (raw sqlite3):         {raw * 1000:8.1f} ms")
    print(f"  throughput ratio ours/baseline: {ratio:8.2f}x   (target >= 0.5x)")
    print(f"  mean SET statement cost:        {per_set:8.2f} us  (target < 20 us)")


if __name__ == "__main__":
    main()
