"""``talkbench dap --port``: access token, the screen against web pages (DNS rebinding), size
and idle limits, one client at a time, vanishing and slow clients, clean signals. Each test
drives a real adapter process over loopback sockets."""

from __future__ import annotations

import signal
import socket
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.dap.access import screen_http
from app.dap.framing import FrameDecoder, FramingError, encode
from app.security.tokens import token_matches
from tests.app.dap import support
from tests.app.dap.support import TIMEOUT, TcpAdapter, connect, db_url, start


@pytest.fixture
def adapter() -> Iterator[TcpAdapter]:
    with support.tcp_adapter() as running:
        yield running


def _closed_without_answer(sock: socket.socket) -> bool:
    """The adapter closed the connection (EOF or reset) without sending anything."""
    sock.settimeout(TIMEOUT)
    try:
        return sock.recv(4096) == b""
    except ConnectionResetError:
        return True


def _program(tmp_path: Path, source: str, name: str = "d.bas") -> str:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return str(path)


def _works(adapter: TcpAdapter, tmp_path: Path) -> None:
    """A well-behaved client can still debug on the port."""
    client, sock = connect(adapter.port)
    start(client, {"program": _program(tmp_path, 'TALK "ok"\n', "ok.bas"),
                   "db": db_url(tmp_path), "token": adapter.token})
    client.request("configurationDone")
    assert client.wait_event("exited") == {"exitCode": 0}
    client.request("disconnect", {})
    sock.close()


def _stop(adapter: TcpAdapter) -> str:
    adapter.proc.send_signal(signal.SIGTERM)
    assert adapter.proc.wait(timeout=TIMEOUT) == 0
    return "".join(adapter.stderr_lines(wait=0.2))


# ---------------------------------------------------------------- the access token


def test_launch_needs_the_printed_token(adapter: TcpAdapter, tmp_path: Path) -> None:
    assert len(adapter.token) >= 20
    program = _program(tmp_path, 'TALK "hi"\n')
    for token in (None, "not-the-token"):
        client, sock = connect(adapter.port)
        client.request("initialize", {"adapterID": "talkbench"})  # allowed before launch
        early = client.request("setBreakpoints", {"source": {"path": program},
                                                  "breakpoints": [{"line": 1}]}, success=False)
        assert "token" in early["message"]
        launch = {"program": program, "db": db_url(tmp_path)}
        if token:
            launch["token"] = token
        refused = client.request("launch", launch, success=False)
        assert "token" in refused["message"]
        assert _closed_without_answer(sock)
        sock.close()
    _works(adapter, tmp_path)
    assert "Traceback" not in _stop(adapter)


def test_a_fixed_token_from_the_command_line(tmp_path: Path) -> None:
    with support.tcp_adapter("--token", "my-fixed-secret") as adapter:
        assert adapter.token == "my-fixed-secret"
        _works(adapter, tmp_path)


def test_token_comparison() -> None:
    assert token_matches("abc", "abc")
    assert not token_matches("abc", "abd") and not token_matches("abc", None)
    assert not token_matches("abc", 123) and not token_matches("", "")


# ---------------------------------------------------------------- web pages (DNS rebinding)


@pytest.mark.parametrize("attempt", [
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"POST /x HTTP/1.1\r\n",  # refused on the request line alone
    b"Content-Length: 2\r\nOrigin: http://evil.example\r\n\r\n{}",
    b"Host: rebound.example\r\nContent-Length: 2\r\n\r\n{}",
])
def test_http_requests_and_browser_headers_are_refused(adapter: TcpAdapter, tmp_path: Path,
                                                       attempt: bytes) -> None:
    sock = socket.create_connection(("127.0.0.1", adapter.port), timeout=TIMEOUT)
    sock.sendall(attempt)
    assert _closed_without_answer(sock)
    sock.close()
    _works(adapter, tmp_path)
    assert "refused" in _stop(adapter)


def test_screen_and_size_limit_in_the_decoder() -> None:
    with pytest.raises(FramingError, match="HTTP"):
        FrameDecoder(screen=screen_http).feed(b"OPTIONS * HTTP/1.1\r\n")
    with pytest.raises(FramingError, match="origin"):
        FrameDecoder(screen=screen_http).feed(b"Origin: x\r\n")
    assert FrameDecoder(screen=screen_http).feed(encode({"seq": 1})) == [{"seq": 1}]
    with pytest.raises(FramingError, match="limit"):
        FrameDecoder(max_body=100).feed(b"Content-Length: 101\r\n\r\n")


def test_an_oversized_message_drops_the_connection(adapter: TcpAdapter,
                                                   tmp_path: Path) -> None:
    sock = socket.create_connection(("127.0.0.1", adapter.port), timeout=TIMEOUT)
    sock.sendall(b"Content-Length: 999999999\r\n\r\n")
    assert _closed_without_answer(sock)
    sock.close()
    _works(adapter, tmp_path)


# ---------------------------------------------------------------- the only slot


def test_a_silent_connection_is_closed_after_the_idle_timeout(tmp_path: Path) -> None:
    with support.tcp_adapter("--idle-timeout", "0.5") as adapter:
        silent = socket.create_connection(("127.0.0.1", adapter.port), timeout=TIMEOUT)
        assert _closed_without_answer(silent)
        silent.close()
        _works(adapter, tmp_path)  # an authorised session outlives the idle timeout


def test_a_second_client_is_told_the_adapter_is_busy(adapter: TcpAdapter,
                                                     tmp_path: Path) -> None:
    first, sock = connect(adapter.port)
    start(first, {"program": _program(tmp_path, 'TALK "x"\n'), "db": db_url(tmp_path),
                  "token": adapter.token, "stopOnEntry": True})
    first.request("configurationDone")
    first.stopped("entry")
    second, sock2 = connect(adapter.port)
    busy = second.request("initialize", {"adapterID": "talkbench"}, success=False)
    assert "busy" in busy["message"]
    sock2.close()
    assert first.evaluate("1 + 1") == "2"  # the first session is untouched
    first.request("disconnect", {})
    sock.close()


def _abort(sock: socket.socket) -> None:
    """Close with a reset, as a crashed editor's socket goes."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _raw_launch(adapter: TcpAdapter, launch: dict, until: str) -> socket.socket:
    """A session read in this thread (no reader thread may hold the socket, or closing it
    would not reset it): launch and read until an ``until`` event or output."""
    sock = socket.create_connection(("127.0.0.1", adapter.port), timeout=TIMEOUT)
    for seq, (command, arguments) in enumerate([
            ("initialize", {"adapterID": "talkbench"}),
            ("launch", {**launch, "token": adapter.token}), ("configurationDone", {})],
            start=1):
        sock.sendall(encode({"seq": seq, "type": "request", "command": command,
                             "arguments": arguments}))
    decoder = FrameDecoder()
    while True:
        chunk = sock.recv(65536)
        assert chunk, "the adapter closed the connection"
        for message in decoder.feed(chunk):
            if message.get("event") == until or \
                    message.get("body", {}).get("output") == until:
                return sock


def test_reconnect_right_after_an_abrupt_drop_is_accepted(adapter: TcpAdapter,
                                                          tmp_path: Path) -> None:
    program = _program(tmp_path, 'SET BOT MEMORY "k", "v"\nTALK "x"\n')
    for _ in range(3):
        _abort(_raw_launch(adapter, {"program": program, "db": db_url(tmp_path),
                                     "stopOnEntry": True}, "stopped"))
    again, sock = connect(adapter.port)  # at once: the old session may still be closing
    caps = again.request("initialize", {"adapterID": "talkbench"})
    assert caps["supportsConfigurationDoneRequest"]
    sock.close()
    assert "busy" not in "".join(adapter.stderr_lines())


def test_a_vanished_client_does_not_flood_stderr(adapter: TcpAdapter, tmp_path: Path) -> None:
    program = _program(tmp_path, 'FOR i = 1 TO 3000\n  TALK "line"\nNEXT i\n')
    for _ in range(3):
        _abort(_raw_launch(adapter, {"program": program, "db": db_url(tmp_path)}, "line\n"))
    _works(adapter, tmp_path)
    errors = _stop(adapter)
    assert "socket.send() raised exception" not in errors
    assert len(errors.splitlines()) < 20


def test_sigterm_with_a_client_connected_exits_cleanly(adapter: TcpAdapter,
                                                       tmp_path: Path) -> None:
    program = _program(tmp_path, 'SET BOT MEMORY "seen", "yes"\nTALK "waiting"\nWAIT 60\n')
    client, sock = connect(adapter.port)
    db = db_url(tmp_path)
    start(client, {"program": program, "db": db, "token": adapter.token})
    client.request("configurationDone")
    # Into the WAIT (a fixed 0.3 s sleep raced the start of the run on a loaded machine).
    client.wait_event("output", where=lambda body: "waiting" in body["output"])
    errors = _stop(adapter)
    assert "Traceback" not in errors and "Error" not in errors, errors
    assert support.stored(db, "seen") == "yes"  # the session's memory was flushed
    sock.close()


def test_sigint_with_a_client_paused_exits_cleanly(adapter: TcpAdapter,
                                                   tmp_path: Path) -> None:
    client, sock = connect(adapter.port)
    start(client, {"program": _program(tmp_path, 'TALK "x"\n'), "db": db_url(tmp_path),
                   "token": adapter.token, "stopOnEntry": True})
    client.request("configurationDone")
    client.stopped("entry")
    adapter.proc.send_signal(signal.SIGINT)
    assert adapter.proc.wait(timeout=TIMEOUT) == 0
    assert "Traceback" not in "".join(adapter.stderr_lines(wait=0.2))
    sock.close()


def _start_without_reading(adapter: TcpAdapter, program: str, db: str) -> socket.socket:
    """A client with a small receive buffer that sends initialize, launch and
    configurationDone (seq 1 to 3) and then reads nothing."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    sock.settimeout(TIMEOUT)
    sock.connect(("127.0.0.1", adapter.port))
    for seq, (command, arguments) in enumerate([
            ("initialize", {"adapterID": "talkbench"}),
            ("launch", {"program": program, "db": db, "token": adapter.token}),
            ("configurationDone", {})], start=1):
        sock.sendall(encode({"seq": seq, "type": "request", "command": command,
                             "arguments": arguments}))
    return sock


def test_a_client_that_stops_reading_holds_the_dialog_back(adapter: TcpAdapter,
                                                           tmp_path: Path) -> None:
    """Back-pressure: while the client reads nothing, TALK waits, so the adapter buffers
    a bounded amount instead of the whole conversation."""
    line = "x" * 4000
    program = _program(tmp_path, f'FOR i = 1 TO 20000\n  TALK "{line}"\nNEXT i\nWAIT 60\n')
    sock = _start_without_reading(adapter, program, db_url(tmp_path))
    time.sleep(2.0)  # read nothing meanwhile
    client = support.DapClient(sock.sendall, lambda: sock.recv(65536))
    client._seq = 3  # after the requests sent above
    client.request("pause", {"threadId": 1})
    client.stopped("pause")
    assert int(client.evaluate("i")) < 5000  # of 20,000: it waited for the client
    client.request("disconnect", {})
    sock.close()


def test_output_a_client_never_reads_is_capped(adapter: TcpAdapter, tmp_path: Path) -> None:
    """PRINT does not wait for the client as TALK does: past the cap on unread output the
    client is dropped (and its run stopped) instead of the adapter's memory growing."""
    line = "p" * 4000
    program = _program(tmp_path, f'FOR i = 1 TO 20000\n  PRINT "{line}"\nNEXT i\nWAIT 60\n')
    sock = _start_without_reading(adapter, program, db_url(tmp_path))
    deadline = time.monotonic() + TIMEOUT
    seen: list[str] = []
    while not any("has not read" in x for x in seen) and time.monotonic() < deadline:
        seen += adapter.stderr_lines(wait=0.2)
    assert any("has not read" in x for x in seen), seen
    sock.close()
    _works(adapter, tmp_path)
