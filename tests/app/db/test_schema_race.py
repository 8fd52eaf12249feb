"""Tables created by several connections at once on PostgreSQL (app.db.models.create_tables)."""

from __future__ import annotations

import threading

from app.db.database import open_database
from app.db.models import create_tables, ensure_schema
from app.memory.user_memory import MemoryExpiry, UserMemory
from tests.app.conftest import PgServer

CONNECTIONS = 6
ROUNDS = 25


def test_connections_creating_the_user_memory_tables_at_once_all_succeed(
        pg_server: PgServer) -> None:
    """Losing a race to create a table failed once with "type … already exists" (PostgreSQL
    makes a table's row type first; the loser's IF NOT EXISTS does not cover it)."""
    failures: list[str] = []
    for _ in range(ROUNDS):
        url = pg_server.url(pg_server.new_database())
        db = open_database(url)
        ensure_schema(db)
        db.close()
        start = threading.Barrier(CONNECTIONS)

        def create(url: str = url, start: threading.Barrier = start) -> None:
            own = open_database(url)
            try:
                start.wait()
                create_tables(own, UserMemory, MemoryExpiry)
            except Exception as exc:  # noqa: BLE001 - every failure is reported below
                failures.append(f"{type(exc).__name__}: {exc}")
            finally:
                own.close()

        threads = [threading.Thread(target=create) for _ in range(CONNECTIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert failures == []
