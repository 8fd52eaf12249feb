"""Real servers on 127.0.0.1 for the provider tests: HTTP (with an OpenAI-compatible
``/v1/chat/completions``) and SMTP. Each runs in a daemon thread and records what it got."""

from __future__ import annotations

import base64
import json
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


ChatScript = Callable[[dict[str, Any]], dict[str, Any]]


def chat_reply(content: str = "", tool_calls: list[dict[str, Any]] | None = None
               ) -> dict[str, Any]:
    """A chat-completions response body with one choice."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {"id": "chatcmpl-1", "object": "chat.completion", "model": "local",
            "choices": [{"index": 0, "message": message,
                         "finish_reason": "tool_calls" if tool_calls else "stop"}]}


@dataclass
class HttpServer:
    """Routes: /json, /text, /html, /echo, /status/<n>, /slow/<seconds>, /v1/chat/completions."""

    requests: list[Recorded] = field(default_factory=list)
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (type, body)
    chat: ChatScript | None = None  # answers chat completions (default: echo the prompt)
    required_key: str = ""
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def chat_requests(self) -> list[dict[str, Any]]:
        return [r.json() for r in self.requests if r.path.endswith("/chat/completions")]

    def start(self) -> HttpServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                owner.requests.append(Recorded(self.command, self.path,
                                               dict(self.headers.items()), body))
                status, ctype, payload = owner.route(self.command, self.path,
                                                     dict(self.headers.items()), body)
                data = payload.encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self._server = _serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
        return self

    def stop(self) -> None:
        _stop(self._server)

    def route(self, method: str, path: str, headers: dict[str, str],
              body: bytes) -> tuple[int, str, str]:
        if path in self.pages:
            ctype, text = self.pages[path]
            return 200, ctype, text
        if path.startswith("/json"):
            return 200, "application/json", json.dumps(
                {"name": "Talkbench", "items": [1, 2.5, "three"], "nested": {"ok": True}})
        if path == "/text":
            return 200, "text/plain; charset=utf-8", "plain text, ünïcode"
        if path == "/echo":
            received = body.decode("utf-8")
            try:
                parsed: Any = json.loads(received) if received else None
            except ValueError:
                parsed = received
            return 200, "application/json", json.dumps(
                {"method": method, "headers": headers, "body": parsed})
        if path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            return code, "text/plain", f"status {code} body"
        if path.startswith("/slow/"):
            time.sleep(float(path.rsplit("/", 1)[1]))
            return 200, "text/plain", "late"
        if path.endswith("/chat/completions") and method == "POST":
            if self.required_key and headers.get("Authorization") != f"Bearer {self.required_key}":
                return 401, "application/json", json.dumps(
                    {"error": {"message": "Incorrect API key provided"}})
            request = json.loads(body)
            if self.chat is not None:
                return 200, "application/json", json.dumps(self.chat(request))
            prompt = request["messages"][-1]["content"]
            return 200, "application/json", json.dumps(chat_reply(f"echo: {prompt}"))
        return 404, "text/plain", "not found"


@dataclass
class SmtpServer:
    """A minimal SMTP server (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT)."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    reject_recipient: str = ""
    login: tuple[str, str] | None = None  # (user, password) accepted by AUTH PLAIN
    logins: list[str] = field(default_factory=list)
    _server: socketserver.ThreadingTCPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    def start(self) -> SmtpServer:
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, text: str) -> None:
                self.wfile.write(text.encode("ascii") + b"\r\n")
                self.wfile.flush()

            def handle(self) -> None:
                sender, rcpts = "", []
                self.reply("220 localhost test SMTP")
                while line := self.rfile.readline():
                    command = line.decode("utf-8", "replace").strip()
                    verb = command[:4].upper()
                    if verb == "EHLO":
                        self.reply("250-localhost")
                        if owner.login:
                            self.reply("250-AUTH PLAIN")
                        self.reply("250 8BITMIME")
                    elif verb == "AUTH":
                        _, user, password = base64.b64decode(command.split()[2]).split(b"\0")
                        if owner.login == (user.decode(), password.decode()):
                            owner.logins.append(user.decode())
                            self.reply("235 authenticated")
                        else:
                            self.reply("535 bad credentials")
                    elif verb == "HELO":
                        self.reply("250 localhost")
                    elif verb == "MAIL":
                        sender, rcpts = command.split(":", 1)[1].strip(" <>"), []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        address = command.split(":", 1)[1].strip(" <>")
                        if address == owner.reject_recipient:
                            self.reply("550 no such user")
                        else:
                            rcpts.append(address)
                            self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 end with .")
                        data = bytearray()
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        message = message_from_bytes(bytes(data), policy=policy.default)
                        owner.messages.append((sender, rcpts, message))  # type: ignore[arg-type]
                        self.reply("250 queued")
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("502 not implemented")

        self._server = _serve(socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler))
        return self

    def stop(self) -> None:
        _stop(self._server)


_Server = TypeVar("_Server", ThreadingHTTPServer, socketserver.ThreadingTCPServer)


def _serve(server: _Server) -> _Server:
    """``server`` serving on a daemon thread (checking for shutdown every 50 ms)."""
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


def _stop(server: socketserver.BaseServer | None) -> None:
    if server is not None:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    """A loopback port with nothing listening (for connection-refused tests)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
