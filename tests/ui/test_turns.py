"""Work after a widget's first paint, one step per turn of the event loop (ui.turns), with the
imports that make no Qt object in the worker thread (ui.background_imports): what
``show_painted``, the window's deferred parts and the completion's warm-up all run on."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui.background_imports import WORKER, Batch, runs_in_background
from ui.main import show_painted
from ui.turns import AGAIN, Call, FirstPaint, Job, Turns, run_per_turn


@pytest.fixture
def widget(qtbot):
    made = QWidget()
    made.resize(200, 100)
    qtbot.addWidget(made)
    return made


@pytest.fixture
def module_named(tmp_path: Path, monkeypatch):
    """``module_named(tag)``: the name of a new module (on ``sys.path``) whose body notes
    whether it ran on the main thread (``ON_MAIN``); forgotten at the end."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made: list[str] = []

    def _make(tag: str, body: str = "") -> str:
        name = f"talkbench_turns_{tag}_{tmp_path.name}".replace("-", "_")
        (tmp_path / f"{name}.py").write_text(
            "import threading\n"
            "ON_MAIN = threading.current_thread() is threading.main_thread()\n" + body,
            encoding="utf-8")
        made.append(name)
        return name

    yield _make
    for name in made:
        sys.modules.pop(name, None)


def test_first_paint_calls_done_once_when_the_widget_is_first_painted(widget, qtbot):
    calls: list[str] = []
    FirstPaint(widget, lambda: calls.append("painted"))
    qtbot.wait(20)
    assert calls == []  # not shown, not painted
    widget.show()
    qtbot.waitUntil(lambda: calls == ["painted"])
    widget.repaint()
    qtbot.wait(20)
    assert calls == ["painted"]


def test_a_cancelled_first_paint_calls_nothing(widget, qtbot):
    calls: list[str] = []
    FirstPaint(widget, lambda: calls.append("painted")).cancel()
    painted: list[str] = []
    FirstPaint(widget, lambda: painted.append("painted"))
    widget.show()
    qtbot.waitUntil(lambda: painted == ["painted"])
    assert calls == []


def test_steps_run_one_per_turn_with_the_loops_events_between(widget, qtbot):
    order: list[str] = []

    def first() -> None:
        order.append("first")
        QTimer.singleShot(0, lambda: order.append("event between"))

    turns = run_per_turn(widget, [Call(first), Call(lambda: order.append("second"))])
    with qtbot.waitSignal(turns.finished):
        pass
    assert order == ["first", "event between", "second"]
    assert not turns.pending


def _due_timer(order: list[str], name: str) -> QTimer:
    """A 1 ms timer that notes ``name`` when it fires, due once the caller has slept past it."""
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: order.append(name))
    timer.start(1)
    time.sleep(0.005)  # the step goes on past the timer's time: it is due when the step ends
    return timer


def test_a_timer_due_during_a_step_fires_before_the_next_step(widget, qtbot):
    # The next step used to be a posted event, which Qt sends before it looks at timers.
    order: list[str] = []
    kept: list[QTimer] = []

    def first() -> None:
        order.append("first")
        kept.append(_due_timer(order, "timer"))

    turns = run_per_turn(widget, [Call(first), Call(lambda: order.append("second"))])
    with qtbot.waitSignal(turns.finished):
        pass
    assert order == ["first", "timer", "second"]


def test_two_runs_of_steps_take_one_step_per_turn_between_them(widget, qtbot):
    # Each used to have its own turn: both ran a step in the same pass of the loop.
    order: list[str] = []
    kept: list[QTimer] = []

    def first() -> None:
        order.append("a1")
        kept.append(_due_timer(order, "timer"))

    one = run_per_turn(widget, [Call(first), Call(lambda: order.append("a2"))])
    two = run_per_turn(widget, [Call(lambda: order.append("b1")),
                                Call(lambda: order.append("b2"))])
    with qtbot.waitSignals([one.finished, two.finished]):
        pass
    assert order == ["a1", "timer", "b1", "a2", "b2"]


def test_steps_of_a_deleted_context_do_not_run(qtbot):
    context = QObject()
    ran: list[str] = []
    turns = run_per_turn(context, [Call(lambda: ran.append("step"))])
    shiboken6.delete(context)  # its turn is due: the queue holds the Python object
    assert not shiboken6.isValid(turns)
    later = run_per_turn(QApplication.instance(), [Call(lambda: ran.append("later"))])
    with qtbot.waitSignal(later.finished):
        pass
    assert ran == ["later"]


def test_a_step_made_of_pieces_runs_one_per_turn_with_the_loops_timers_between(widget, qtbot):
    order: list[str] = []
    kept: list[QTimer] = []
    pieces = iter(["piece 1", "piece 2"])

    def piece() -> object:
        order.append(next(pieces))
        if order == ["piece 1"]:
            kept.append(_due_timer(order, "timer"))
            return AGAIN
        return None

    turns = run_per_turn(widget, [Call(piece), Call(lambda: order.append("next step"))])
    with qtbot.waitSignal(turns.finished):
        pass
    assert order == ["piece 1", "timer", "piece 2", "next step"]


def test_a_job_a_step_returns_runs_in_the_worker_then_the_step_runs_again(widget, qtbot):
    threads: list[str] = []
    job = Job(lambda: threads.append(threading.current_thread().name) or "opened")
    seen: list[object] = []

    def step() -> object:
        if not seen:
            seen.append("asked")
            return job
        seen.append(job.result())
        return None

    turns = run_per_turn(widget, [Call(step)])
    with qtbot.waitSignal(turns.finished):
        pass
    assert threads == ["background imports"]
    assert seen == ["asked", "opened"]


def test_a_job_runs_once_and_its_error_is_raised_to_whoever_asks_for_the_result():
    runs: list[str] = []

    def broken() -> None:
        runs.append(threading.current_thread().name)
        raise ValueError("cannot open")

    job = Job(broken)
    WORKER.submit(Batch([], lambda _b: None, then=job.run))
    WORKER.wait_idle()
    for _ in range(2):
        with pytest.raises(ValueError, match="cannot open"):
            job.result()
    assert runs == ["background imports"]


def test_finish_now_runs_a_step_made_of_pieces_and_its_jobs_here(widget):
    results: list[object] = []
    job = Job(lambda: threading.current_thread() is threading.main_thread())
    left = [job, AGAIN, None]

    def step() -> object:
        piece = left.pop(0)
        if piece is None:
            results.append(job.result())
        return piece

    Turns(widget, [Call(step)]).finish_now()
    assert left == [] and results == [True]


def test_modules_without_qt_load_in_the_worker_and_the_next_step_waits_for_them(
        widget, qtbot, module_named):
    slow = module_named("slow", "import time\ntime.sleep(0.05)\nDONE = True\n")
    seen: list[bool] = []
    turns = run_per_turn(widget, [slow, Call(lambda: seen.append(sys.modules[slow].DONE))])
    with qtbot.waitSignal(turns.finished, timeout=10000):
        pass
    assert seen == [True]
    assert sys.modules[slow].ON_MAIN is False
    assert f"import {slow}" in turns.background_timings
    assert f"import {slow}" not in turns.timings


def test_modules_of_qt_and_the_ui_load_on_the_gui_thread_only():
    assert not runs_in_background("ui.flow.panel")
    assert not runs_in_background("PySide6.QtSvg")
    assert not runs_in_background("qasync")
    assert runs_in_background("interpreter.syntax.nodes")
    assert runs_in_background("app.memory.store")
    assert runs_in_background("peewee")
    assert runs_in_background("psycopg2?")


def test_a_missing_module_stops_the_steps_and_says_which_and_an_optional_one_is_skipped(
        widget, qtbot):
    ran: list[str] = []
    steps = ["talkbench_no_such_module_a?", Call(lambda: ran.append("after the optional")),
             "talkbench_no_such_module_b", Call(lambda: ran.append("after the missing"))]
    turns = run_per_turn(widget, steps)
    with qtbot.waitSignal(turns.failed, timeout=10000) as failed:
        pass
    name, error = failed.args
    assert name == "import talkbench_no_such_module_b"
    assert isinstance(error, ModuleNotFoundError)
    qtbot.wait(50)
    assert ran == ["after the optional"]


def test_a_step_that_raises_stops_the_steps_until_started_again(widget, qtbot):
    ran: list[str] = []

    def broken() -> None:
        raise ValueError("no")

    turns = Turns(widget, [Call(broken, "broken"), Call(lambda: ran.append("next"))])
    with qtbot.waitSignal(turns.failed) as failed:
        turns.start()
    assert failed.args[0] == "broken" and isinstance(failed.args[1], ValueError)
    qtbot.wait(50)
    assert ran == []
    with qtbot.waitSignal(turns.finished):
        turns.start()
    assert ran == ["next"]


def test_paused_steps_wait_for_resume(widget, qtbot):
    ran: list[str] = []
    turns = Turns(widget, [Call(lambda: ran.append("one"))])
    turns.pause()
    turns.start()
    qtbot.wait(50)
    assert ran == []
    with qtbot.waitSignal(turns.finished):
        turns.resume()
    assert ran == ["one"]


def test_finish_now_runs_what_is_left_at_once_on_this_thread(widget, module_named):
    here = module_named("here")
    ran: list[str] = []
    turns = Turns(widget, [here, Call(lambda: ran.append("call"))])
    turns.finish_now()  # never started
    assert ran == ["call"]
    assert sys.modules[here].ON_MAIN is True
    assert not turns.pending


def test_finish_now_takes_over_a_batch_the_worker_is_importing(widget, qtbot, module_named):
    slow = module_named("batch", "import time\ntime.sleep(0.1)\n")
    ran: list[str] = []
    turns = Turns(widget, [slow, Call(lambda: ran.append("call"))])
    turns.start()
    qtbot.waitUntil(lambda: WORKER.busy, timeout=5000)
    turns.finish_now()
    assert ran == ["call"] and slow in sys.modules
    assert f"import {slow}" in turns.background_timings
    qtbot.wait(50)  # the batch's own landing changes nothing now
    assert ran == ["call"]


def test_show_painted_returns_once_the_window_is_painted_and_its_modules_loaded(
        widget, qtbot, module_named):
    later = module_named("later")
    painted: list[str] = []
    FirstPaint(widget, lambda: painted.append("painted"))
    show_painted(widget, [later])
    assert painted == ["painted"]
    assert later in sys.modules and sys.modules[later].ON_MAIN is False


def test_the_worker_lands_each_batch_and_wait_idle_waits_for_it(module_named):
    slow = module_named("idle", "import time\ntime.sleep(0.05)\n")
    landed: list[tuple[str, bool]] = []

    def note(batch: Batch) -> None:
        landed.append((threading.current_thread().name, slow in sys.modules))

    WORKER.submit(Batch([slow], note))
    WORKER.wait_idle()
    assert not WORKER.busy
    assert landed == [("background imports", True)]
