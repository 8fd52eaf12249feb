"""Running scheduled dialogs: once (``talkbench schedule run``) or while the IDE is open.

A scheduled run is the whole dialog in a fresh session with the package's ``param-*``
variables, as General Bots does; there is no user, so TALK goes to the output and HEAR fails
with a clear error. One run per script at a time (the original used a job lock for that).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interpreter import BasicRuntimeError, BasicSyntaxError, load_source
from interpreter.events import Printed

from ..files.atomic_file import read_text_file
from ..files.bot_package import package_for
from ..memory.session import Origin
from ..run.setup import RunSetup, RunSpec
from ..run.stdio_channel import NoUserChannel
from .plan import Schedule, ScheduleRegistry, due

log = logging.getLogger(__name__)

Output = Callable[[str], None]  # one line of output, already prefixed with the script name
RUN_TIMEOUT = 300.0  # seconds; a scheduled dialog that runs longer is stopped


@dataclass(frozen=True)
class RunResult:
    script: str
    ok: bool
    error: str = ""


def now_local() -> dt.datetime:
    """Schedules are wall-clock times: naive local time, minute precision."""
    return dt.datetime.now().replace(second=0, microsecond=0)


async def run_schedule(schedule: Schedule, store: Any, bot: str, out: Output,
                       timeout: float | None = RUN_TIMEOUT, *,
                       skip_waits: bool = False) -> RunResult:
    """Run one scheduled dialog to the end; errors become the result, never an exception.
    ``skip_waits``: WAIT returns at once (the IDE's Skip Waits)."""
    name = schedule.script
    if schedule.path is None:
        return _failed(name, out, "its dialog file was not found")
    try:
        source, _ = read_text_file(schedule.path)
        compiled = load_source(source, str(schedule.path))
    except (OSError, UnicodeDecodeError) as e:
        return _failed(name, out, f"cannot read {schedule.path}: {e}")
    except BasicSyntaxError as e:
        return _failed(name, out, str(e))
    package = package_for(schedule.path)
    variables = package.variables if package else {}

    def on_event(event: object) -> None:
        if isinstance(event, Printed):
            level = "" if event.level == "info" else f"{event.level}: "
            out(f"[{name}] {level}{event.text}")

    spec = RunSpec(compiled, NoUserChannel(name, out, 'a scheduled run'),
                   origin=Origin.SCHEDULE, on_event=on_event, variables=variables,
                   skip_waits=skip_waits, timeout=timeout)
    with RunSetup.for_dialog(store, bot, str(schedule.path.parent)) as setup:
        runtime = setup.runtime(spec)
        out(f"[{name}] scheduled run started ({schedule.spec})")
        try:
            await runtime.run()
        except BasicRuntimeError as e:
            return _failed(name, out, e.format())
    out(f"[{name}] scheduled run finished")
    return RunResult(name, True)


def _failed(name: str, out: Output, error: str) -> RunResult:
    out(f"[{name}] error: {error}")
    return RunResult(name, False, error)


async def run_due(registry: ScheduleRegistry, folder: str | Path, store: Any, out: Output,
                  now: dt.datetime | None = None, only: set[str] | None = None,
                  running: set[str] | None = None) -> list[RunResult]:
    """Run every due schedule of ``folder`` once; record the run times first, so a crash
    in a dialog does not make it run again and again."""
    when = now or now_local()
    schedules = registry.all_schedules(folder)
    results = []
    for schedule in due(schedules, registry.last_runs(), when):
        if (only is not None and schedule.script not in only) or (
                running is not None and schedule.script in running):
            continue
        results.append(await _run_marked(registry, schedule, store, out, when, running))
    return results


async def _run_marked(registry: ScheduleRegistry, schedule: Schedule, store: Any, out: Output,
                      when: dt.datetime, running: set[str] | None) -> RunResult:
    """Record the run (and retire a one-shot schedule), then run it, listed in ``running``."""
    registry.mark_run(schedule.script, when)
    if schedule.at is not None and schedule.origin != "source":
        registry.remove(schedule.script)  # a one-shot schedule is done once run
    if running is not None:
        running.add(schedule.script)
    try:
        return await run_schedule(schedule, store, registry.bot, out)
    finally:
        if running is not None:
            running.discard(schedule.script)


class Scheduler:
    """Checks every minute (while the IDE is open) and runs due dialogs as asyncio tasks."""

    def __init__(self, store: Any, bot: str, folder: str | Path, out: Output,
                 interval: float = 60.0, clock: Callable[[], dt.datetime] = now_local) -> None:
        self.registry = ScheduleRegistry(store.database, bot, folder)
        self.store = store
        self.folder = Path(folder)
        self.out = out
        self.interval = interval
        self.clock = clock
        self.running: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        self._runs: set[asyncio.Task[Any]] = set()

    def start(self) -> None:
        """Start checking on the current event loop (which may not be running yet, as when
        the IDE opens a package before its loop starts)."""
        if self._task is None or self._task.done():
            loop = asyncio.get_event_loop_policy().get_event_loop()
            self._task = loop.create_task(self._loop())

    def stop(self) -> None:
        for task in [self._task, *self._runs]:
            if task is not None and not task.get_loop().is_closed():
                task.cancel()
        self._task = None

    @property
    def active(self) -> bool:
        return self._task is not None and not self._task.done()

    def schedules(self) -> list[Schedule]:
        return self.registry.all_schedules(self.folder)

    async def tick(self, wait: bool = True) -> list[RunResult]:
        """One check: run what is due now, each dialog in its own task; ``wait`` for them
        (the minute loop does not: a long dialog must not delay the others)."""
        now = self.clock()
        registry = self.registry
        pending = [s for s in due(self.schedules(), registry.last_runs(), now)
                   if s.script not in self.running]
        tasks = []
        for schedule in pending:
            # Listed as running at once, so no later tick starts it again before the task
            # does; the dialogs were scanned just now, so the task does not scan them again.
            script = schedule.script
            self.running.add(script)
            task = asyncio.ensure_future(_run_marked(registry, schedule, self.store, self.out,
                                                     now, self.running))
            self._runs.add(task)
            task.add_done_callback(self._runs.discard)
            task.add_done_callback(self._forget(script))
            tasks.append(task)
        if not wait:
            return []
        results = await asyncio.gather(*tasks, return_exceptions=True)
        flat: list[RunResult] = []
        for r in results:
            if isinstance(r, BaseException):
                log.error("scheduled run failed: %s", r)
            else:
                flat.append(r)
        return flat

    def _forget(self, script: str) -> Callable[[asyncio.Future[Any]], None]:
        """A done-callback that takes ``script`` off the running list."""
        return lambda _task: self.running.discard(script)

    async def _loop(self) -> None:
        while True:
            try:
                await self.tick(wait=False)
            except asyncio.CancelledError:
                raise
            except Exception:  # a broken database must not kill the scheduler
                log.exception("scheduler check failed")
            await asyncio.sleep(self.interval)
