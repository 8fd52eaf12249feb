"""MemoryStore write throughput vs. raw driver batched upserts, measured in the same run.

    python benchmarks/memory_store_bench.py [--n 10000] [--repeat 3]

Ours: ``n`` × ``handle.set`` + ``flush()`` on a fresh SQLite temp file (also the median cost of
one ``set`` call until it returns). Baseline: raw ``sqlite3``, the same upsert on the same schema,
rows prepared beforehand, ``executemany`` in one transaction. With ``TALKBENCH_BENCH_PG`` set
to a PostgreSQL URL the same comparison runs there (baseline: psycopg2 ``execute_values``); the
tables in that database are emptied first.

Targets: throughput ratio ≥ 0.5 (ours/baseline), median ``set`` < 20 µs.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.db.database import open_database, sqlite_url
from app.db.models import ensure_schema
from app.memory.store import MemoryStore

SQLITE_UPSERT = (
    'INSERT INTO "bot_memories" ("id", "bot_id", "key", "value", "created_at", "updated_at") '
    'VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT ("bot_id", "key") DO UPDATE SET '
    '"value" = excluded."value", "updated_at" = excluded."updated_at"'
)


def workload(n: int) -> list[tuple[str, str]]:
    return [(f"lead_score_{i:06d}", f"value {i} " + "x" * 20) for i in range(n)]


def run_ours(url: str, pairs: list[tuple[str, str]], subscriber: bool) -> tuple[float, float]:
    """(seconds for all set calls + flush, median µs of one set call)."""
    store = MemoryStore(url)
    try:
        handle = store.bot("bench")
        handle.set("warm-up", "1")  # creates the bot row outside the measurement
        assert store.flush(30)
        if subscriber:
            # Counts, like a UI that forwards each event and lets it go (keeping 20,000
            # events alive would mostly measure the garbage collector).
            counts: Counter[Any] = Counter()

            def on_change(change: Any) -> None:
                counts[change.state] += 1

            store.subscribe(on_change)
        costs = []
        clock = time.perf_counter_ns
        start = time.perf_counter()
        for key, value in pairs:
            t = clock()
            handle.set(key, value)
            costs.append(clock() - t)
        assert store.flush(60), store.last_error
        total = time.perf_counter() - start
        assert handle.get(pairs[-1][0]) == pairs[-1][1]
        if subscriber:
            assert sum(counts.values()) == 2 * len(pairs), counts  # PENDING + LANDED each
        return total, statistics.median(costs) / 1000.0
    finally:
        store.close()


def sqlite_baseline(path: str, pairs: list[tuple[str, str]]) -> float:
    ensure_schema(open_database(sqlite_url(path)))  # same tables and indexes as ours
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("PRAGMA synchronous=normal")
    bot_id = uuid.uuid4().hex
    conn.execute('INSERT INTO "bots" ("id", "name") VALUES (?, ?)', (bot_id, "bench"))
    ts = "2025-01-01 00:00:00.000000"
    rows = [(uuid.uuid4().hex, bot_id, k, v, ts, ts) for k, v in pairs]
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(SQLITE_UPSERT, rows)
    conn.execute("COMMIT")
    total = time.perf_counter() - start
    conn.close()
    return total


def pg_reset(url: str) -> None:
    db = open_database(url)
    ensure_schema(db)
    db.execute_sql("DELETE FROM bot_memories")
    db.execute_sql("DELETE FROM bots WHERE name IN ('bench', 'bench-raw')")
    db.close()


def pg_baseline(url: str, pairs: list[tuple[str, str]]) -> float:
    import datetime as dt

    from psycopg2.extras import execute_values

    db = open_database(url)
    conn = db.connection()
    cur = conn.cursor()
    bot_id = str(uuid.uuid4())
    cur.execute('INSERT INTO "bots" ("id", "name") VALUES (%s, %s)', (bot_id, "bench-raw"))
    ts = dt.datetime.now(dt.UTC)
    rows = [(str(uuid.uuid4()), bot_id, k, v, ts, ts) for k, v in pairs]
    sql = (
        'INSERT INTO "bot_memories" ("id", "bot_id", "key", "value", "created_at", "updated_at") '
        'VALUES %s ON CONFLICT ("bot_id", "key") DO UPDATE SET '
        '"value" = EXCLUDED."value", "updated_at" = EXCLUDED."updated_at"'
    )
    start = time.perf_counter()
    cur.execute("BEGIN")
    execute_values(cur, sql, rows, page_size=500)
    cur.execute("COMMIT")
    total = time.perf_counter() - start
    db.close()
    return total


def report(name: str, ours: list[tuple[float, float]], base: list[float], n: int) -> None:
    best_ours = min(t for t, _ in ours)
    best_base = min(base)
    median_set = statistics.median(c for _, c in ours)
    ratio = best_base / best_ours  # = ours throughput / baseline throughput
    print(f"== {name}: {n} writes, best of {len(ours)}")
    print(f"  ours:     {best_ours * 1000:8.1f} ms  ({n / best_ours:10,.0f} writes/s)")
    print(f"  baseline: {best_base * 1000:8.1f} ms  ({n / best_base:10,.0f} writes/s)")
    print(f"  ratio (ours/baseline throughput): {ratio:.2f}x   (target >= 0.5x)")
    print(f"  median set() cost: {median_set:.2f} µs   (target < 20 µs)")


def bench(
    name: str,
    repeat: int,
    n: int,
    ours_fn: Callable[[], tuple[float, float]],
    base_fn: Callable[[], float],
) -> None:
    ours, base = [], []
    for _ in range(repeat):  # interleaved, so machine noise hits both alike
        ours.append(ours_fn())
        base.append(base_fn())
    report(name, ours, base, n)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pairs = workload(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(10**6))

        def fresh() -> str:
            return os.path.join(tmp, f"db{next(counter)}.sqlite3")

        for subscriber in (False, True):
            label = "SQLite" + (" (with one event subscriber)" if subscriber else "")
            bench(
                label,
                args.repeat,
                args.n,
                lambda sub=subscriber: run_ours(sqlite_url(fresh()), pairs, sub),
                lambda: sqlite_baseline(fresh(), pairs),
            )
    pg_url = os.environ.get("TALKBENCH_BENCH_PG")
    if pg_url:

        def ours_pg() -> tuple[float, float]:
            pg_reset(pg_url)
            return run_ours(pg_url, pairs, False)

        def base_pg() -> float:
            pg_reset(pg_url)
            return pg_baseline(pg_url, pairs)

        bench("PostgreSQL", args.repeat, args.n, ours_pg, base_pg)
    else:
        print("(set TALKBENCH_BENCH_PG=postgresql://… to also run on PostgreSQL)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
