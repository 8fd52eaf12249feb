"""What the commit barrier costs: a TALK right after a SET vs a TALK with nothing pending.

    python benchmarks/commit_barrier_bench.py [--quick]

Every TALK first commits the memory writes made before it (external synchrony), so a TALK
that follows a SET waits for one transaction of the background writer. Both loops run on a
real SQLite store in this process, to a channel that keeps the messages:

* ours: ``SET BOT MEMORY k, v`` then ``TALK``, per iteration;
* baseline: the same ``SET`` done before the loop, then ``TALK`` alone per iteration
  (the barrier finds nothing pending: the cost of a TALK as it was before).

Also: 10,000 SETs with no output between them and one TALK at the end, vs raw batched sqlite3
(the tight-loop batching must stay within 2x of the raw time).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from _report import Goal, Measurement, report

from app.memory.store import MemoryStore
from interpreter import Runtime, load_source
from interpreter.runtime.channels import QueuedChannel

# Keys from text only, so the loops mean the same under either value semantics.
SET_THEN_TALK = """FOR EACH k IN keys
  SET BOT MEMORY k, "value"
  TALK k
NEXT
"""
TALK_ONLY = """SET BOT MEMORY "once", "value"
FOR EACH k IN keys
  TALK k
NEXT
"""
TIGHT = """FOR EACH k IN keys
  SET BOT MEMORY k, "value"
NEXT
TALK "done"
"""


def run_dialog(source: str, keys: list[str], db: Path) -> float:
    """Seconds from the start of the run to its end (every write committed by then)."""
    store = MemoryStore(f"sqlite:///{db}")
    compiled = load_source(source, "bench.bas")
    runtime = Runtime(compiled, QueuedChannel(), store.bot("bench"),
                      initial_vars={"keys": list(keys)})
    start = time.perf_counter()
    asyncio.run(runtime.run())
    took = time.perf_counter() - start
    store.close()
    return took


def raw_sqlite(keys: list[str], db: Path) -> float:
    """The same upserts with plain sqlite3 (executemany, one transaction)."""
    MemoryStore(f"sqlite:///{db}").close()  # the same schema and indexes
    con = sqlite3.connect(db)
    con.execute("PRAGMA synchronous=NORMAL")
    now = "2026-01-01 00:00:00.000000"
    rows = [("bench-bot", k, "value", now, now) for k in keys]
    start = time.perf_counter()
    with con:
        con.executemany(
            "INSERT INTO bot_memories (id, bot_id, key, value, created_at, updated_at) "
            "VALUES (lower(hex(randomblob(16))), ?, ?, ?, ?, ?) ON CONFLICT (bot_id, key) "
            "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at", rows)
    took = time.perf_counter() - start
    con.close()
    return took


def best_of(repeat: int, measure) -> float:
    return min(measure(i) for i in range(repeat))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repetition")
    args = parser.parse_args(argv)
    talks, sets, repeat = (50, 500, 1) if args.quick else (2_000, 10_000, 3)
    talk_keys = [f"k{i}" for i in range(talks)]
    set_keys = [f"key{i}" for i in range(sets)]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        ours = best_of(repeat, lambda i: run_dialog(SET_THEN_TALK, talk_keys, d / f"a{i}.db"))
        base = best_of(repeat, lambda i: run_dialog(TALK_ONLY, talk_keys, d / f"b{i}.db"))
        tight = best_of(repeat, lambda i: run_dialog(TIGHT, set_keys, d / f"t{i}.db"))
        raw = best_of(repeat, lambda i: raw_sqlite(set_keys, d / f"r{i}.db"))
    return report([
        Measurement("barrier", "SET then TALK, per iteration (TALK commits the SET)",
                    ours / talks * 1e6, base / talks * 1e6, "µs", Goal.NONE, None,
                    f"baseline: TALK with nothing pending; {talks:,} iterations"),
        Measurement("barrier", "cost of the commit before a TALK after a SET",
                    (ours - base) / talks * 1e6, None, "µs", Goal.OURS_BELOW, 1000.0,
                    "ours - baseline above, per TALK"),
        Measurement("barrier", f"{sets:,} SETs, no output between, then one TALK",
                    tight * 1000, raw * 1000, "ms", Goal.RATIO_AT_MOST, 2.0,
                    "baseline: raw sqlite3 executemany; ≤ 2x time = ≥ 0.5x throughput"),
    ])


if __name__ == "__main__":
    sys.exit(main())
