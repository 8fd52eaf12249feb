"""Transactions PostgreSQL failed to break a deadlock or a serialization conflict, tried again.

Locking rows in one order (see :mod:`app.memory.sql`) keeps Talkbench's own writers out of
each other's way, but not every cycle can be ordered away: a row another transaction is
inserting cannot be locked before it exists (a rename onto that key waits for it while
holding the key it renames), and General Bots' own writers take their locks in orders
Talkbench does not control. PostgreSQL then fails one of the transactions (SQLSTATE 40P01,
or 40001 under a stricter isolation level) and rolls all of it back; tried again, it simply
waits its turn. Nothing of it was written, so trying it again loses nothing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

import peewee

from .database import driver_error

T = TypeVar("T")

# A few tries: each conflict means another writer got through, so a further one needs yet
# another writer crossing this transaction at that moment.
CONFLICT_TRIES = 5
_CONFLICT_STATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


def is_conflict(exc: BaseException) -> bool:
    """Whether PostgreSQL failed ``exc``'s transaction to settle a conflict with another."""
    return _state(exc) in _CONFLICT_STATES


def is_unique_violation(exc: BaseException) -> bool:
    """Whether ``exc`` is PostgreSQL refusing a second row with one unique key (23505)."""
    return _state(exc) == "23505"


def is_created_meanwhile(exc: BaseException) -> bool:
    """Whether ``exc`` is PostgreSQL refusing to create a table (or its row type) another
    transaction created since this one looked (42P07 duplicate_table, 42710 duplicate_object):
    ``IF NOT EXISTS`` checks before the other commits."""
    return _state(exc) in {"42P07", "42710"}


def _state(exc: BaseException) -> str | None:
    err = driver_error(exc)
    return getattr(err, "pgcode", None) or getattr(err, "sqlstate", None)


def retry_conflicts(db: peewee.Database, attempt: Callable[[], T],
                    forget: Callable[[], None] = lambda: None,
                    retryable: Callable[[BaseException], bool] = is_conflict,
                    tries: int = CONFLICT_TRIES) -> T:
    """``attempt()``, one whole transaction, run again (up to ``tries`` in all) when it fails
    by ``retryable``; ``forget`` drops what the caller cached from the rolled-back one.
    Not again inside an outer transaction: its locks would still be held."""
    for n in range(1, tries + 1):
        try:
            return attempt()
        except Exception as exc:
            if n == tries or not retryable(exc) or db.in_transaction():
                raise
            forget()
            # Jitter: two of ours failed together would otherwise meet again at once.
            time.sleep(random.uniform(0, 0.005 * 2**n))
    raise AssertionError("unreachable")
