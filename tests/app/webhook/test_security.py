"""``talkbench webhook serve`` runs dialogs only for whoever holds its access token, only for
requests addressed to loopback (DNS rebinding), never for another site's page, with bounded
bodies, a deadline per request and a bounded number of connections."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.memory.store import MemoryStore
from app.security.hosts import host_allowed, origin_allowed
from app.security.tokens import request_token
from app.webhook.server import ServerLimits, WebhookApp, find_hooks, start_server

HOOK = 'WEBHOOK "ping"\nSET BOT MEMORY "pinged", "yes"\nRETURN "pong"\n'


class Served:
    def __init__(self, proc: subprocess.Popen[str], port: int, token: str) -> None:
        self.proc, self.port, self.token = proc, port, token

    def request(self, headers: dict[str, str], body: bytes = b"{}") -> tuple[int, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.putrequest("POST", "/api/bot/default/ping", skip_host=True)
            for name, value in {"Host": f"127.0.0.1:{self.port}", **headers}.items():
                conn.putheader(name, value)
            conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            response = conn.getresponse()
            return response.status, json.loads(response.read())
        finally:
            conn.close()


def serve(tmp_path: Path, db: str, *extra: str) -> Iterator[Served]:
    (tmp_path / "hook.bas").write_text(HOOK, "utf-8")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "app", "webhook", "serve",
                             str(tmp_path / "hook.bas"), "--port", "0", "--db", db, *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    try:
        serving = proc.stdout.readline()
        assert serving.startswith("serving"), serving + proc.stderr.read()
        port = int(serving.split("127.0.0.1:")[1].split()[0])
        token = proc.stdout.readline().removeprefix("access token: ").strip()
        yield Served(proc, port, token)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)


@pytest.fixture
def served(tmp_path: Path, sqlite_db: str) -> Iterator[Served]:
    yield from serve(tmp_path, sqlite_db)


def pinged(db: str) -> str:
    with MemoryStore(db) as store:
        return store.bot("default").get("pinged")


def test_a_random_token_is_printed_and_required(served: Served, sqlite_db: str) -> None:
    assert len(served.token) >= 32
    assert served.request({})[0] == 401
    assert served.request({"X-Talkbench-Token": served.token + "x"})[0] == 401
    assert served.request({"Authorization": "Bearer nope"})[0] == 401
    assert pinged(sqlite_db) == ""  # no dialog ran for them
    assert served.request({"X-Talkbench-Token": served.token}) == (200, "pong")
    assert served.request({"Authorization": f"Bearer {served.token}"}) == (200, "pong")
    assert pinged(sqlite_db) == "yes"


def test_each_server_has_its_own_token_unless_one_is_given(tmp_path: Path,
                                                           sqlite_db: str) -> None:
    first = serve(tmp_path, sqlite_db)
    a = next(first).token
    first.close()
    second = serve(tmp_path, sqlite_db)
    b = next(second).token
    second.close()
    assert a != b
    chosen = serve(tmp_path, sqlite_db, "--token", "my-own-token")
    server = next(chosen)
    try:
        assert server.token == "my-own-token"
        assert server.request({"X-Talkbench-Token": "my-own-token"}) == (200, "pong")
    finally:
        chosen.close()


def test_rebound_host_names_and_other_sites_are_refused(served: Served,
                                                        sqlite_db: str) -> None:
    token = {"X-Talkbench-Token": served.token}
    port = served.port
    assert served.request({**token, "Host": f"evil.example:{port}"})[0] == 421
    assert served.request({**token, "Host": "127.0.0.1:1"})[0] == 421
    assert served.request({**token, "Origin": "http://evil.example"})[0] == 403
    assert served.request({**token, "Origin": f"http://evil.example:{port}"})[0] == 403
    assert pinged(sqlite_db) == ""
    assert served.request({**token, "Host": f"localhost:{port}",
                           "Origin": f"http://localhost:{port}"}) == (200, "pong")


def test_host_and_token_rules() -> None:
    assert host_allowed("127.0.0.1:8080", 8080) and host_allowed("localhost", 8080)
    assert host_allowed("[::1]:8080", 8080) and host_allowed("127.0.0.2:8080", 8080)
    assert not host_allowed(None, 8080) and not host_allowed("", 8080)
    assert not host_allowed("127.0.0.1.evil.example:8080", 8080)
    assert not host_allowed("localhost:8081", 8080)
    assert origin_allowed(None, 8080) and not origin_allowed("null", 8080)
    assert not origin_allowed("http://localhost", 8080)  # another local port's page
    assert request_token({"authorization": "Bearer abc"}) == "abc"
    assert request_token({"authorization": "Basic abc"}) is None


# ---------------------------------------------------------------- limits, in process


async def raw(port: int, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    answer = await reader.read()
    writer.close()
    return answer


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


@pytest.fixture
def hook_app(tmp_path: Path, sqlite_db: str) -> Iterator[WebhookApp]:
    (tmp_path / "hook.bas").write_text(HOOK, "utf-8")
    bot, hooks, variables = find_hooks(tmp_path / "hook.bas")
    store = MemoryStore(sqlite_db)
    yield WebhookApp(bot, hooks, store, variables, token="t")
    store.close()


def request_bytes(port: int, body: bytes = b"{}", length: int | None = None) -> bytes:
    size = len(body) if length is None else length
    return (f"POST /api/bot/default/ping HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"X-Talkbench-Token: t\r\nContent-Length: {size}\r\n\r\n").encode() + body


def test_silent_connections_are_closed_and_cannot_hold_every_slot(
        hook_app: WebhookApp) -> None:
    limits = ServerLimits(max_connections=2, read_timeout=0.5)

    async def scenario() -> tuple[list[int], int, int, int]:
        server = await start_server(hook_app, 0, limits=limits)
        port = server.sockets[0].getsockname()[1]
        async with server:
            silent = [await asyncio.open_connection("127.0.0.1", port) for _ in range(2)]
            await asyncio.sleep(0.05)  # both are being served (and wait for a request)
            crowded = status_of(await raw(port, request_bytes(port)))
            timed_out = [status_of(await reader.read()) for reader, _ in silent]
            for _, writer in silent:
                writer.close()
            trickle = status_of(await raw(port, request_bytes(port, b"{", length=50)))
            served = status_of(await raw(port, request_bytes(port)))
        return timed_out, crowded, trickle, served

    timed_out, crowded, trickle, served = asyncio.run(scenario())
    assert crowded == 503
    assert timed_out == [408, 408]
    assert trickle == 408  # a body that never arrives in full
    assert served == 200


def test_a_body_over_the_limit_is_refused_unread(hook_app: WebhookApp) -> None:
    async def scenario() -> int:
        server = await start_server(hook_app, 0, limits=ServerLimits(max_body=64))
        port = server.sockets[0].getsockname()[1]
        async with server:
            return status_of(await raw(port, request_bytes(port, b"x", length=10_000)))

    assert asyncio.run(scenario()) == 413
    assert hook_app.store.bot("default").get("pinged") == ""
