"""``talkbench schedule list|run [PATH]``: show scheduled dialogs, or run the due ones headless.

``run`` is meant to be called every minute by the system's cron/timer; each schedule runs
once per scheduled time (see :mod:`app.schedules.plan`).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from ..files.bot_package import is_package, load_package

EXIT_OK, EXIT_FAILED = 0, 1


def add_schedule_parser(sub: Any) -> None:
    p = sub.add_parser("schedule", help="list scheduled dialogs or run the due ones")
    p.add_argument("action", choices=("list", "run"))
    p.add_argument("path", nargs="?", type=Path, default=Path("."),
                   help="a .gbai package, a folder of dialogs or one .bas (default: .)")
    p.add_argument("--db", help="sqlite:///path or postgresql://… (default: $TALKBENCH_DB)")
    p.add_argument("--bot", help="bot name, slug or id (default: the package name, else "
                                 "'default')")
    p.add_argument("--now", help="pretend it is this local time (YYYY-MM-DD HH:MM)")
    p.add_argument("--count", type=int, default=3, help="next run times to list (default 3)")


def run_schedule_command(args: argparse.Namespace) -> int:
    from ..db.database import DatabaseError
    from ..memory.session import MemorySession
    from .plan import ScheduleRegistry
    from .runner import now_local, run_due

    bot = args.bot or (load_package(args.path).name if is_package(args.path) else "default")
    try:
        now = dt.datetime.fromisoformat(args.now) if args.now else now_local()
    except ValueError:
        print(f"talkbench: error: --now {args.now!r} is not YYYY-MM-DD HH:MM", file=sys.stderr)
        return EXIT_FAILED
    try:  # the bot resolved, writes recorded with their provenance (app.memory.session)
        session = MemorySession.open(args.db, bot, record=args.action == "run")
    except DatabaseError as e:
        print(f"talkbench: error: {e}", file=sys.stderr)
        return EXIT_FAILED
    store, bot = session.store, session.bot
    try:
        registry = ScheduleRegistry(store.database, bot, args.path)
        if args.action == "list":
            return _list(registry, args.path, now, args.count)
        results = asyncio.run(run_due(registry, args.path, store, _print, now))
        if not results:
            print("no schedule is due", file=sys.stderr)
        return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED
    finally:
        session.close(30)


def _list(registry: Any, path: Path, now: dt.datetime, count: int) -> int:
    schedules = registry.all_schedules(path)
    if not schedules:
        print(f"no SET SCHEDULE in {path}")
        return EXIT_OK
    last = registry.last_runs()
    for s in schedules:
        where = f"{s.path}:{s.line}" if s.path and s.line else (s.origin or "")
        if s.error:
            print(f"{s.script}\t{s.spec!r}\terror: {s.error}\t{where}")
            continue
        runs = ", ".join(t.strftime("%Y-%m-%d %H:%M") for t in s.next_runs(now, count))
        ran = last[s.script].strftime("%Y-%m-%d %H:%M") if s.script in last else "never"
        cron = s.cron.text if s.cron else "once"
        print(f"{s.script}\t{s.spec!r} ({cron})\tnext: {runs or 'none'}\tlast: {ran}\t{where}")
    return EXIT_OK


def _print(line: str) -> None:
    print(line, flush=True)
