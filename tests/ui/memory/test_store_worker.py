"""The store worker: calls run off the GUI thread, in order; results and errors come back on
the GUI thread."""

from __future__ import annotations

import threading

from ui.memory.store_worker import StoreWorker


def test_calls_run_in_order_off_the_gui_thread_and_answer_on_it(qtbot):
    worker = StoreWorker()
    ran_on: list[bool] = []
    answered: list[tuple[int, bool]] = []

    def call(n: int):
        def run() -> int:
            ran_on.append(threading.current_thread() is threading.main_thread())
            return n
        return run

    for n in range(5):
        worker(call(n), lambda result: answered.append(
            (result, threading.current_thread() is threading.main_thread())))
    assert not worker.idle
    qtbot.waitUntil(lambda: worker.idle)
    assert ran_on == [False] * 5
    assert answered == [(n, True) for n in range(5)]
    worker.deleteLater()


def test_an_error_goes_to_the_failure_callback(qtbot):
    worker = StoreWorker()
    errors: list[str] = []

    def boom() -> None:
        raise ValueError("no such key")

    worker(boom, lambda _r: errors.append("done?"), lambda exc: errors.append(str(exc)))
    qtbot.waitUntil(lambda: worker.idle)
    assert errors == ["no such key"]
    worker.deleteLater()
