"""Language server latency: an edit of a 2,000-line dialog to its diagnostics.

    python benchmarks/lsp_bench.py [--quick] [--repeat N]

A real ``python -m app lsp`` subprocess and pygls's client: the time from sending
``textDocument/didChange`` (one line edited) to receiving the matching
``textDocument/publishDiagnostics``. Baseline: the same checker called in this process
(``app.lsp.diagnostics.check_document``) on the same edits, so the difference is the server's
own cost (framing, JSON, the document sync). Target: under 100 ms (issue 27). A second line
compares that check with one from scratch (nothing reused from the check before the edit).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _report import Goal, Measurement, report
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from app.lsp.diagnostics import check_document
from interpreter.checking import clear_caches

TARGET_MS = 100.0


def dialog(lines: int) -> str:
    block = 'SUB S{i}(a)\n  IF a > {i} THEN\n    TALK "big ${{a}}"\n  END IF\nEND SUB\n'
    return "".join(block.format(i=i) for i in range(lines // 5))


async def edit_latency(text: str, repeat: int) -> float:
    client = LanguageClient("talkbench-bench", "1")
    arrived: asyncio.Queue[int | None] = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: types.PublishDiagnosticsParams) -> None:
        arrived.put_nowait(params.version)

    await client.start_io(sys.executable, "-m", "app", "lsp", cwd=str(ROOT))
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    with tempfile.TemporaryDirectory() as folder:
        uri = (Path(folder) / "big.bas").as_uri()
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="gbasic", version=1,
                                                 text=text)))
        await arrived.get()
        best = float("inf")
        for version in range(2, repeat + 2):
            started = time.perf_counter()
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(
                    text=edited(text, version))]))
            while await arrived.get() != version:
                pass
            best = min(best, time.perf_counter() - started)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return best


def edited(text: str, version: int) -> str:
    """``text`` with one line changed (as the server gets it from the client)."""
    return text.replace('"big', f'"big{version}', 1)


def line_inserted(text: str, version: int) -> str:
    """``text`` with a line inserted near the top (Enter, a paste): every line after moves."""
    return text.replace("SUB S2(a)\n", f"SUB S2(a)\n  x{version} = {version}\n", 1)


def line_deleted(text: str, version: int) -> str:
    """``text`` with one of its first lines deleted (a TALK inside an early SUB)."""
    lines = text.split("\n")
    del lines[2 + 5 * (version % 4)]
    return "\n".join(lines)


def moving_edit(text: str, repeat: int, edit: Callable[[str, int], str]) -> float:
    """The checker on ``edit`` of ``text``, each time right after a check of ``text`` itself,
    so the pieces after the edit stand at other lines than in the check before."""
    best = float("inf")
    for version in range(2, repeat + 2):
        check_document(text, None)
        changed = edit(text, version)
        started = time.perf_counter()
        check_document(changed, None)
        best = min(best, time.perf_counter() - started)
    return best


def in_process(text: str, repeat: int, scratch: bool) -> float:
    """The checker on a one-line edit of ``text`` (checked before), each time a new text;
    ``scratch`` forgets what the previous check could lend (a check from scratch)."""
    best = float("inf")
    check_document(text, None)
    for version in range(2, repeat + 2):
        if scratch:
            clear_caches()
        started = time.perf_counter()
        check_document(edited(text, version), None)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--repeat", type=int, default=0)
    args = parser.parse_args()
    repeat = args.repeat or (3 if args.quick else 10)
    text = dialog(2000)
    ours = asyncio.run(edit_latency(text, repeat)) * 1000
    after_edit = in_process(text, repeat, scratch=False) * 1000
    scratch = in_process(text, repeat, scratch=True) * 1000
    inserted = moving_edit(text, repeat, line_inserted) * 1000
    deleted = moving_edit(text, repeat, line_deleted) * 1000
    return report([
        Measurement("lsp", "edit → diagnostics, 2,000-line dialog", ours, after_edit, "ms",
                    goal=Goal.OURS_BELOW, target=TARGET_MS,
                    note=f"best of {repeat}; baseline: the checker in-process"),
        Measurement("lsp", "checker after a one-line edit, 2,000 lines", after_edit, scratch,
                    "ms", note=f"best of {repeat}; baseline: the same check from scratch"),
        Measurement("lsp", "checker after inserting a line near the top, 2,000 lines",
                    inserted, scratch, "ms",
                    note=f"best of {repeat}; baseline: a check from scratch"),
        Measurement("lsp", "checker after deleting a line near the top, 2,000 lines",
                    deleted, scratch, "ms",
                    note=f"best of {repeat}; baseline: a check from scratch"),
    ])


if __name__ == "__main__":
    sys.exit(main())
