"""Review of the knowledge index: the file system is searched off the event loop."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from app.services.providers.knowledge.provider import KnowledgeIndex
from interpreter.ports.services import ServiceError


def test_kb_folders_are_looked_up_in_the_worker(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bot.gbkb" / "faq").mkdir(parents=True)
    (tmp_path / "bot.gbkb" / "faq" / "a.txt").write_text("Opening hours are nine to five.")
    dialog = tmp_path / "bot.gbdialog"
    dialog.mkdir()
    index = KnowledgeIndex(dialog, tmp_path / "cache.sqlite3")
    threads: list[str] = []
    folder = index.folder

    def recording(name: str) -> Path | None:
        threads.append(threading.current_thread().name)
        return folder(name)

    monkeypatch.setattr(index, "folder", recording)
    try:
        assert asyncio.run(index.open("faq")) == 1
        hits = asyncio.run(index.search(["faq", "nope"], "hours"))
        with pytest.raises(ServiceError, match="no knowledge base 'nope'.*found: faq"):
            asyncio.run(index.open("nope"))
    finally:
        index.close()
    assert [p.source for p in hits] == ["a.txt"]
    assert len(threads) == 4
    assert all(t.startswith("talkbench-kb") for t in threads), threads
