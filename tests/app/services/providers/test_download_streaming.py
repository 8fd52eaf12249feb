"""DOWNLOAD streams the body to disk in chunks: against a real HTTP server on 127.0.0.1 that
sends large bodies in pieces, stalls, announces too much, or breaks off mid-body."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from app.services.providers import http as http_provider
from app.services.providers import storage
from app.services.registry import ServiceContext, Services
from interpreter import BasicRuntimeError, Runtime, load_source
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel
from tests.stalls import StallMeter

from .helpers import run_dialog

BODY = bytes((i * 7 + i // 251) % 256 for i in range(300_000))  # > 4 chunks, not periodic
assert len(BODY) > 4 * http_provider.CHUNK


class StreamServer:
    """Routes:
    ``/whole`` the body with a Content-Length; ``/chunked`` the body in chunked encoding;
    ``/held`` the first 200 kB, then waits (≤ 5 s) until a ``.part`` file with data shows up
    in ``watch`` before sending the rest; ``/cut`` announces the body, sends a third, closes;
    ``/cut-chunked`` the same in chunked encoding; ``/slowly`` 15 kB every 30 ms (0.6 s); ``/stall`` sends a third then goes quiet for
    ``stall`` seconds; ``/announced-huge`` claims 1 GB and sends 10 bytes; ``/missing`` 404."""

    def __init__(self) -> None:
        self.watch: Path | None = None
        self.saw_part_file = False
        self.stall = 1.5
        self.requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                owner.requests += 1
                try:
                    owner.route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (size limit, timeout)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def route(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path
        if path == "/missing":
            self.head(h, 404, len(b"no such file"))
            h.wfile.write(b"no such file")
            return
        if path == "/announced-huge":
            self.head(h, 200, 10**9)
            h.wfile.write(b"0123456789")
            h.wfile.flush()
            h.close_connection = True
            return
        if path in ("/chunked", "/cut-chunked"):
            self.head(h, 200, None)
            third = len(BODY) // 3
            end = third if path == "/cut-chunked" else len(BODY)
            for start in range(0, end, 50_000):
                piece = BODY[start:min(start + 50_000, end)]
                h.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            if path == "/chunked":
                h.wfile.write(b"0\r\n\r\n")
            h.wfile.flush()
            h.close_connection = True
            return
        self.head(h, 200, len(BODY))
        if path == "/whole":
            h.wfile.write(BODY)
        elif path == "/held":
            h.wfile.write(BODY[:200_000])
            h.wfile.flush()
            self.saw_part_file = self.wait_for_part_file()
            h.wfile.write(BODY[200_000:])
        elif path == "/slowly":
            for start in range(0, len(BODY), 15_000):
                h.wfile.write(BODY[start:start + 15_000])
                h.wfile.flush()
                time.sleep(0.03)
        elif path == "/cut":
            h.wfile.write(BODY[:100_000])
            h.wfile.flush()
            h.close_connection = True
        elif path == "/stall":
            h.wfile.write(BODY[:100_000])
            h.wfile.flush()
            time.sleep(self.stall)
            h.close_connection = True
        h.wfile.flush()

    @staticmethod
    def head(h: BaseHTTPRequestHandler, status: int, length: int | None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", "application/octet-stream")
        if length is None:
            h.send_header("Transfer-Encoding", "chunked")
        else:
            h.send_header("Content-Length", str(length))
        h.end_headers()

    def wait_for_part_file(self) -> bool:
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            if self.watch is not None and self.watch.exists() and any(
                    p.stat().st_size > 0 for p in self.watch.glob(".*.part")):
                return True
            time.sleep(0.01)
        return False


@pytest.fixture
def server() -> Iterator[StreamServer]:
    s = StreamServer()
    yield s
    s.stop()


@pytest.fixture
def package(clean_env: Path) -> Path:
    dialogs = clean_env / "shop.gbai" / "shop.gbdialog"
    dialogs.mkdir(parents=True)
    return dialogs


def leftovers(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_large_body_is_written_to_disk_while_it_arrives(package: Path,
                                                         server: StreamServer) -> None:
    root = package.parent
    server.watch = root / "files"
    run = run_dialog(f'p = DOWNLOAD "{server.url}/held", "files/big.bin"', package)
    assert run.variables["p"] == "files/big.bin"
    assert (root / "files" / "big.bin").read_bytes() == BODY
    # The server held back the rest until a partly written temp file was on disk: the
    # download is streamed, not buffered and written at the end.
    assert server.saw_part_file
    assert leftovers(root) == ["files/big.bin"]


@pytest.mark.parametrize("route", ["/whole", "/chunked"])
def test_bodies_with_and_without_a_length_arrive_whole(package: Path, server: StreamServer,
                                                       route: str) -> None:
    run = run_dialog(f'p = DOWNLOAD "{server.url}{route}"', package)
    name = route.strip("/")
    assert run.variables["p"] == f"downloads/{name}"
    assert (package.parent / "downloads" / name).read_bytes() == BODY


def test_a_body_cut_short_leaves_the_old_file_and_no_part_file(package: Path,
                                                              server: StreamServer) -> None:
    root = package.parent
    (root / "data.bin").write_bytes(b"previous version")
    with pytest.raises(BasicRuntimeError, match=r"GET .*/cut failed: the connection closed "
                                                r"after 100000 of 300000 bytes"):
        run_dialog(f'x = DOWNLOAD "{server.url}/cut", "data.bin"', package)
    with pytest.raises(BasicRuntimeError, match=r"GET .*/cut-chunked failed: the connection "
                                                r"closed mid-body"):
        run_dialog(f'x = DOWNLOAD "{server.url}/cut-chunked", "new/data.bin"', package)
    assert (root / "data.bin").read_bytes() == b"previous version"
    assert leftovers(root) == ["data.bin"]
    assert not (root / "new").exists()  # the folder made for the target went too


def test_a_stalled_download_times_out_without_a_partial_file(package: Path,
                                                             server: StreamServer) -> None:
    with pytest.raises(BasicRuntimeError, match=r"GET .*/stall timed out after 100000 bytes "
                                                r"\(no data for 0.3 s\)"):
        run_dialog(f'x = DOWNLOAD "{server.url}/stall", "slow/s.bin"', package,
                   {"TALKBENCH_HTTP_TIMEOUT": "0.3"})
    assert leftovers(package.parent) == []
    assert not (package.parent / "slow").exists()


def test_size_limits_fail_early_or_mid_stream(package: Path, server: StreamServer,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = package.parent
    started = time.monotonic()
    with pytest.raises(BasicRuntimeError, match="'huge.bin' is larger than 20 MB"):
        run_dialog(f'x = DOWNLOAD "{server.url}/announced-huge", "huge.bin"', package)
    assert time.monotonic() - started < 5  # refused on the announced length, not read
    monkeypatch.setattr(storage, "MAX_FILE", 150_000)
    with pytest.raises(BasicRuntimeError, match="'c.bin' is larger than"):
        run_dialog(f'x = DOWNLOAD "{server.url}/chunked", "c.bin"', package)
    assert leftovers(root) == []


def test_an_error_status_names_it_and_writes_nothing(package: Path,
                                                     server: StreamServer) -> None:
    with pytest.raises(BasicRuntimeError, match=r"GET .*/missing failed: HTTP 404 Not Found: "
                                                r"no such file"):
        run_dialog(f'x = DOWNLOAD "{server.url}/missing", "m.bin"', package)
    assert leftovers(package.parent) == []


def test_the_event_loop_keeps_running_during_a_download(package: Path,
                                                        server: StreamServer) -> None:
    """A GUI shares the loop with the run: no read or write may block it."""
    # Imports made by a process's first DOWNLOAD happen once, not per request; the client
    # and its certificate store are made anew for each loop, so the measured run has them.
    run_dialog(f'p = DOWNLOAD "{server.url}/whole"', package)
    services = Services(ServiceContext(None, "b", str(package), {}))
    source = f'p = DOWNLOAD "{server.url}/slowly"'
    runtime = Runtime(load_source(source, str(package / "d.bas")), QueuedChannel(),
                      DictMemory(), services=services)
    meter = StallMeter()

    async def main() -> None:
        run = asyncio.ensure_future(runtime.run())
        meter.mark()
        while not run.done():
            await asyncio.sleep(0.005)
            meter.mark()
        await run

    collecting = gc.isenabled()
    gc.disable()  # a full collection pauses whichever thread runs it: not the download's doing
    try:
        asyncio.run(main())
    finally:
        if collecting:
            gc.enable()
        services.close()
    assert (package.parent / "downloads" / "slowly").read_bytes() == BODY
    assert len(meter.gaps) > 20
    # The transfer took about 0.6 s; a blocking read would show as one stall that long. Time
    # the loop thread was runnable but had no CPU (a loaded machine) is not a stall.
    assert meter.longest_stall().stall < 0.2, meter.longest_stall()
    # Work on the loop counts in CPU time, which load does not stretch: making the client on
    # the loop (loading its certificate store) took ~30 ms of it in one turn, a turn of the
    # download ~3 ms.
    assert meter.busiest().busy < 0.015, meter.busiest()


def test_a_cancelled_download_removes_its_part_file(package: Path,
                                                    server: StreamServer) -> None:
    server.stall = 0.4
    services = Services(ServiceContext(None, "b", str(package), {}))
    runtime = Runtime(load_source(f'p = DOWNLOAD "{server.url}/stall", "s.bin"',
                                  str(package / "d.bas")), QueuedChannel(), DictMemory(),
                      services=services)
    root = package.parent

    async def main() -> None:
        run = asyncio.ensure_future(runtime.run())
        deadline = time.monotonic() + 5
        while not list(root.glob(".s.bin.*.part")) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert list(root.glob(".s.bin.*.part")), "the download never started writing"
        run.cancel()
        await asyncio.gather(run, return_exceptions=True)

    try:
        asyncio.run(main())
    finally:
        services.close()
    assert leftovers(root) == []
