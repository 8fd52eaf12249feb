"""A DAP client for the tests: drives a real ``python -m app dap`` process over pipes or
over its TCP port, with a timeout on every wait so nothing can hang the suite."""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from app.dap.framing import FrameDecoder, encode

TIMEOUT = 30.0  # seconds for any single response or event: nothing may hang the suite (a
# loaded CI machine starts the adapter process slowly; the bound costs nothing otherwise)
ROOT = Path(__file__).resolve().parents[3]


class DapClient:
    """Sends requests and collects responses/events from a byte stream, with timeouts."""

    def __init__(self, write: Callable[[bytes], None], read: Callable[[], bytes],
                 describe: Callable[[], str] = lambda: "") -> None:
        self._write = write
        self._describe = describe  # the adapter's stderr, for a readable failure
        self._seq = 0
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.events: list[dict[str, Any]] = []  # every event seen, in order
        self._pending_events: list[dict[str, Any]] = []
        self._responses: dict[int, dict[str, Any]] = {}
        self.closed = False
        threading.Thread(target=self._reader, args=(read,), daemon=True).start()

    def _reader(self, read: Callable[[], bytes]) -> None:
        decoder = FrameDecoder()
        try:
            while chunk := read():
                for message in decoder.feed(chunk):
                    self._inbox.put(message)
        except OSError:
            pass
        self._inbox.put(None)

    def _pump(self, deadline: float) -> None:
        """Take one message off the stream (or fail at the deadline)."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no message from the adapter in time")
        try:
            message = self._inbox.get(timeout=left)
        except queue.Empty:
            raise TimeoutError("no message from the adapter in time") from None
        if message is None:
            self.closed = True
            raise EOFError(f"the adapter closed the stream: {self._describe()}")
        if message["type"] == "response":
            self._responses[message["request_seq"]] = message
        elif message["type"] == "event":
            self.events.append(message)
            self._pending_events.append(message)

    def send(self, command: str, arguments: dict[str, Any] | None = None) -> int:
        self._seq += 1
        self._write(encode({"seq": self._seq, "type": "request", "command": command,
                            "arguments": arguments or {}}))
        return self._seq

    def response(self, seq: int, timeout: float = TIMEOUT) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while seq not in self._responses:
            self._pump(deadline)
        return self._responses.pop(seq)

    def request(self, command: str, arguments: dict[str, Any] | None = None,
                success: bool = True) -> dict[str, Any]:
        """Send and wait for the response; returns its body (or the whole failed one)."""
        response = self.response(self.send(command, arguments))
        assert response["command"] == command
        assert response["success"] is success, response
        return response.get("body", {}) if success else response

    def wait_event(self, name: str, timeout: float = TIMEOUT,
                   where: Callable[[dict[str, Any]], bool] = lambda body: True
                   ) -> dict[str, Any]:
        """The next not-yet-consumed ``name`` event matching ``where``; returns its body."""
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self._pending_events):
                if event["event"] == name and where(event.get("body", {})):
                    del self._pending_events[i]
                    return event.get("body", {})
            self._pump(deadline)

    def stopped(self, reason: str) -> dict[str, Any]:
        body = self.wait_event("stopped")
        assert body["reason"] == reason, body
        assert body["threadId"] == 1
        return body

    def outputs(self, category: str) -> list[str]:
        return [e["body"]["output"] for e in self.events
                if e["event"] == "output" and e["body"]["category"] == category]

    # -------------------------------------------------- conveniences over requests

    def frames(self) -> list[dict[str, Any]]:
        return self.request("stackTrace", {"threadId": 1})["stackFrames"]

    def line(self) -> int:
        return self.frames()[0]["line"]

    def scopes(self, frame_id: int = 1) -> dict[str, int]:
        body = self.request("scopes", {"frameId": frame_id})
        return {s["name"]: s["variablesReference"] for s in body["scopes"]}

    def variables(self, ref: int) -> dict[str, dict[str, Any]]:
        body = self.request("variables", {"variablesReference": ref})
        return {v["name"]: v for v in body["variables"]}

    def evaluate(self, expression: str, frame_id: int = 1, context: str = "watch") -> str:
        return self.request("evaluate", {"expression": expression, "frameId": frame_id,
                                         "context": context})["result"]

    def step(self, command: str) -> int:
        """A step command, its stop, and the line it stopped at."""
        self.request(command, {"threadId": 1})
        self.stopped("step")
        return self.line()


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    env.pop("TALKBENCH_DB", None)
    return env


def _end(proc: subprocess.Popen[bytes], *pipes: IO[bytes] | None) -> None:
    """Kill the adapter if it still runs, reap it and close the given pipes."""
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=TIMEOUT)
    for pipe in pipes:
        if pipe is not None:
            pipe.close()



@contextmanager
def stdio_adapter(command: list[str] | None = None,
                  ) -> Iterator[tuple[DapClient, subprocess.Popen[bytes]]]:
    """A DAP client talking to an adapter process over its stdio (``talkbench dap`` of this
    tree unless ``command`` names another way to start it)."""
    argv = command or [sys.executable, "-m", "app", "dap"]
    proc = subprocess.Popen(argv, cwd=ROOT, env=_env(),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdin and proc.stdout

    def write(data: bytes) -> None:
        proc.stdin.write(data)
        proc.stdin.flush()

    def describe() -> str:
        proc.wait(timeout=TIMEOUT)
        return proc.stderr.read().decode(errors="replace")[-3000:]

    client = DapClient(write, lambda: proc.stdout.read1(65536), describe)
    try:
        yield client, proc
    finally:
        _end(proc, proc.stdin, proc.stdout, proc.stderr)


@dataclass
class TcpAdapter:
    """A ``talkbench dap --port 0`` process: its port, token and stderr lines."""

    proc: subprocess.Popen[bytes]
    port: int
    token: str
    lines: queue.Queue[str]

    def stderr_lines(self, wait: float = 0.0) -> list[str]:
        """The stderr lines printed so far (waiting ``wait`` s for more to arrive)."""
        found = []
        deadline = time.monotonic() + wait
        while True:
            try:
                found.append(self.lines.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                return found


@contextmanager
def tcp_adapter(*options: str) -> Iterator[TcpAdapter]:
    proc = subprocess.Popen([sys.executable, "-m", "app", "dap", "--port", "0", *options],
                            cwd=ROOT, env=_env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x.decode(errors="replace"))
                                     for x in proc.stderr], daemon=True).start()
    try:
        announced = lines.get(timeout=TIMEOUT)
        port = int(re.search(r"127\.0\.0\.1:(\d+)", announced).group(1))
        token = re.search(r"access token: (\S+)", lines.get(timeout=TIMEOUT)).group(1)
        yield TcpAdapter(proc, port, token, lines)
    finally:
        _end(proc, proc.stdout)  # stderr stays with its reader thread


def connect(port: int) -> tuple[DapClient, socket.socket]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    return DapClient(sock.sendall, lambda: sock.recv(65536)), sock


def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'memory.sqlite3'}"


def start(client: DapClient, launch: dict[str, Any],
          initialize: dict[str, Any] | None = None) -> dict[str, Any]:
    caps = client.request("initialize", initialize or {
        "adapterID": "talkbench", "linesStartAt1": True, "columnsStartAt1": True})
    client.request("launch", launch)
    client.wait_event("initialized")
    return caps


def stored(url: str, key: str) -> str:
    from app.memory.store import MemoryStore

    with MemoryStore(url) as store:
        return store.bot("default").get(key)
