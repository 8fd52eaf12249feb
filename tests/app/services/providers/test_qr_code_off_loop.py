"""Review of interpreter/keywords/web_data.py: QR CODE draws its PNG off the event loop."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from interpreter.keywords import web_data

from .helpers import run_dialog


def test_qr_code_renders_in_a_worker_thread(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # A 4096-pixel code takes a noticeable time in pure Python: the IDE's loop (and its
    # window) must not wait for it.
    threads: list[threading.Thread] = []
    real = web_data.qr_png

    def recording(text: str, size: int = web_data.DEFAULT_QR_SIZE) -> bytes:
        threads.append(threading.current_thread())
        return real(text, size)

    monkeypatch.setattr(web_data, "qr_png", recording)
    run = run_dialog('img = QR CODE "https://example.com", 400', tmp_path / "bot")
    assert (tmp_path / "bot" / run.variables["img"]).is_file()
    assert threads and threads[0] is not threading.main_thread()
