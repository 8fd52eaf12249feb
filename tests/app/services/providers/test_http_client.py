"""The HTTP keywords run on the event loop (httpx): Stop ends a request in flight and closes
its connection at once, and a dialog's requests to one server share a pooled connection.
Against a real loopback server that counts connections and can stall."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import app.services.providers  # noqa: F401  (registers the http factory)
from app.services.providers.http import HttpxClient
from app.services.registry import ServiceContext, Services
from interpreter import Runtime, load_source
from interpreter.ports.host import DictMemory
from interpreter.runtime.channels import QueuedChannel

LONG = 120.0  # the request timeout: far longer than any test waits


@dataclass
class LoopbackServer:
    """Answers ``GET /ok`` with keep-alive; reads ``GET /stall`` and never answers. Records
    every connection and whether the client closed it."""

    accepted: int = 0
    requests: list[str] = field(default_factory=list)
    got_stall: threading.Event = field(default_factory=threading.Event)
    stall_closed: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buffer = b""
        with conn:
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                buffer += data
                while b"\r\n\r\n" in buffer:
                    head, buffer = buffer.split(b"\r\n\r\n", 1)
                    path = head.split(b" ")[1].decode()
                    self.requests.append(path)
                    if path == "/stall":
                        self.got_stall.set()
                        if not conn.recv(65536):  # waits until the client hangs up
                            self.stall_closed.set()
                        return
                    body = b'{"ok": true}'
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: " + str(len(body)).encode() +
                                 b"\r\n\r\n" + body)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def server() -> LoopbackServer:
    s = LoopbackServer()
    yield s
    s.close()


def runtime_for(source: str, folder: Path) -> tuple[Runtime, Services]:
    folder.mkdir(parents=True, exist_ok=True)
    services = Services(ServiceContext(None, "b", str(folder),
                                       {"TALKBENCH_HTTP_TIMEOUT": str(LONG)}))
    runtime = Runtime(load_source(source, str(folder / "d.bas")), QueuedChannel(),
                      DictMemory(), services=services)
    return runtime, services


def test_stop_ends_a_request_in_flight_and_closes_its_connection(
        server: LoopbackServer, tmp_path: Path) -> None:
    runtime, services = runtime_for(f'x = GET "{server.url}/stall"\nTALK "after"\n', tmp_path)

    async def scenario() -> bool:
        task = asyncio.ensure_future(runtime.run())
        got = await asyncio.to_thread(server.got_stall.wait, 10)
        assert got, "the request never reached the server"
        task.cancel()  # what Stop does
        with pytest.raises(asyncio.CancelledError):
            await task
        return task.cancelled()

    try:
        assert asyncio.run(scenario())
    finally:
        services.close()
    # The server sees the connection closed now, not when the 120 s timeout would end it.
    assert server.stall_closed.wait(10)


def test_requests_of_a_dialog_share_one_pooled_connection(server: LoopbackServer,
                                                          tmp_path: Path) -> None:
    source = "\n".join(f'r{i} = GET "{server.url}/ok"' for i in range(5)) + "\nTALK r4.ok\n"
    runtime, services = runtime_for(source, tmp_path)
    try:
        asyncio.run(runtime.run())
    finally:
        services.close()
    assert server.requests == ["/ok"] * 5
    assert server.accepted == 1
    assert runtime.channel.texts == ["true"]  # type: ignore[attr-defined]


def test_closing_the_client_on_its_running_loop_closes_the_pool(
        server: LoopbackServer) -> None:
    client = HttpxClient(timeout=LONG)

    async def scenario() -> int:
        response = await client.request("GET", server.url + "/ok", {})
        client.close()  # what Services.close does when the next run starts in the IDE
        await asyncio.sleep(0)
        await asyncio.gather(*asyncio.all_tasks() - {asyncio.current_task()})
        again = await client.request("GET", server.url + "/ok", {})  # a new pool
        client.close()
        return response.status + again.status

    assert asyncio.run(scenario()) == 400
    assert server.accepted == 2
