"""Transactions PostgreSQL failed to settle a conflict are tried again a bounded number of
times, never inside an outer transaction; other failures are not (app.db.conflicts). The
errors are the server's own: a PL/pgSQL block raising the SQLSTATE."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import peewee
import pytest

from app.db.conflicts import CONFLICT_TRIES, is_conflict, is_unique_violation, retry_conflicts
from app.db.database import open_database

PgServer = Any  # the pg_server fixture's type lives in conftest.py


@pytest.fixture
def pg(pg_server: PgServer) -> Iterator[peewee.Database]:
    db = open_database(pg_server.url(pg_server.new_database()))
    yield db
    db.close()


def raise_state(db: peewee.Database, state: str) -> None:
    """One transaction that the server fails with SQLSTATE ``state``."""
    with db.atomic():
        db.execute_sql(f"DO $$ BEGIN RAISE EXCEPTION 'failed' USING ERRCODE = '{state}'; "
                       "END $$")


class Attempts:
    """An attempt failing with ``state`` its first ``failures`` times, then answering."""

    def __init__(self, db: peewee.Database, state: str, failures: int) -> None:
        self.db, self.state, self.failures = db, state, failures
        self.made = self.forgotten = 0

    def __call__(self) -> str:
        self.made += 1
        if self.made <= self.failures:
            raise_state(self.db, self.state)
        return "done"

    def forget(self) -> None:
        self.forgotten += 1


@pytest.mark.parametrize("state", ["40P01", "40001"])  # deadlock, serialization failure
def test_a_transaction_failed_by_a_conflict_is_tried_again(pg: peewee.Database,
                                                           state: str) -> None:
    attempt = Attempts(pg, state, CONFLICT_TRIES - 1)
    assert retry_conflicts(pg, attempt, attempt.forget) == "done"
    assert (attempt.made, attempt.forgotten) == (CONFLICT_TRIES, CONFLICT_TRIES - 1)


def test_the_tries_are_bounded(pg: peewee.Database) -> None:
    attempt = Attempts(pg, "40P01", CONFLICT_TRIES)
    with pytest.raises(peewee.PeeweeException) as failed:
        retry_conflicts(pg, attempt, attempt.forget)
    assert is_conflict(failed.value)
    assert attempt.made == CONFLICT_TRIES


def test_other_failures_are_not_tried_again_unless_the_caller_says(pg: peewee.Database) -> None:
    attempt = Attempts(pg, "23505", 1)
    with pytest.raises(peewee.IntegrityError):
        retry_conflicts(pg, attempt)
    assert attempt.made == 1
    assert retry_conflicts(pg, attempt, retryable=is_unique_violation) == "done"


def test_not_tried_again_inside_an_outer_transaction(pg: peewee.Database) -> None:
    """The outer transaction's locks are still held: trying again could only meet the same
    conflict, and the outer transaction is the one to fail."""
    attempt = Attempts(pg, "40P01", 1)
    with pytest.raises(peewee.PeeweeException), pg.atomic():
        retry_conflicts(pg, attempt)
    assert attempt.made == 1
