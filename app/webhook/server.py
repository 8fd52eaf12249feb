"""``talkbench webhook serve|list``: answer ``WEBHOOK "name"`` endpoints over HTTP.

As in General Bots (reference §4.19), a dialog with ``WEBHOOK "name"`` is reachable at
``POST /api/bot/<bot>/<name>``: the request's JSON (or form) fields become variables of the
run, the whole parsed body is ``body``, and the dialog's top-level ``RETURN`` value is the JSON
response. Each request runs the dialog headless in a fresh session (no user: ``HEAR`` fails).

A small HTTP/1.1 server on asyncio streams: no new dependency, one request per connection,
bounded header and body sizes, a deadline to send a request (an idle connection is closed)
and a bounded number of connections at once. It listens on 127.0.0.1 only (put a reverse
proxy in front to expose it), answers only requests whose Host is a loopback name (against
DNS rebinding) and no other site's web page (Origin), and every request must carry the
access token printed at start (:mod:`app.security`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interpreter import BasicRuntimeError, BasicSyntaxError, load_source
from interpreter.syntax import nodes as n
from interpreter.syntax.parser.core import parse
from interpreter.values import BasicValueError, to_json

from ..files.atomic_file import read_text_file
from ..files.bot_package import is_package, load_package, package_for
from ..run.exit_signals import on_ending_signals
from ..run.setup import RunSetup, RunSpec
from ..run.stdio_channel import NoUserChannel
from ..security.hosts import host_allowed, origin_allowed
from ..security.tokens import new_token, request_token, token_matches

DEFAULT_PORT = 8080
RUN_TIMEOUT = 60.0  # seconds a webhook dialog may run before the request fails
READ_TIMEOUT = 10.0  # seconds to receive a request (and to take its answer)
MAX_BODY = 1024 * 1024  # bytes
MAX_HEAD = 64 * 1024  # bytes of request line and headers
MAX_CONNECTIONS = 32  # served at once; more are answered 503 at once
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout",
            411: "Length Required", 413: "Payload Too Large", 421: "Misdirected Request",
            500: "Internal Server Error", 503: "Service Unavailable"}

Output = Callable[[str], None]
log = logging.getLogger(__name__)


class WebhookError(ValueError):
    """The target cannot be served (no WEBHOOK line, duplicate names …); ``str`` says why."""


def webhook_path(bot: str, name: str) -> str:
    """The URL path of a hook (the WEBHOOK keyword reports the same one)."""
    return f"/api/bot/{bot}/{name}"


@dataclass(frozen=True)
class Hook:
    name: str
    path: Path  # the dialog file
    line: int


@dataclass
class WebhookApp:
    """The hooks of one bot and how to run them; :meth:`handle` answers one request."""

    bot: str
    hooks: dict[str, Hook]
    store: Any  # a MemoryStore
    variables: dict[str, Any] = field(default_factory=dict)  # the package's param-* values
    out: Output = lambda line: None
    settings: dict[str, Any] = field(default_factory=dict)  # service overrides (tests)
    # Requests must carry it (app.security.tokens); ``talkbench webhook serve`` always sets
    # one, None serves without (an embedding program that checks callers itself).
    token: str | None = None

    def route(self, name: str) -> str:
        return webhook_path(self.bot, name)

    async def handle(self, method: str, target: str, headers: dict[str, str],
                     body: bytes) -> tuple[int, Any]:
        """The status and JSON value answering one request."""
        url = urllib.parse.urlsplit(target)
        hook = next((h for h in self.hooks.values() if self.route(h.name) == url.path), None)
        if hook is None:
            return 404, {"error": f"no webhook at {url.path}; served: "
                                  f"{', '.join(self.route(h) for h in self.hooks) or 'none'}"}
        if method != "POST":
            return 405, {"error": f"{url.path} accepts POST, not {method}"}
        try:
            parsed = parse_body(headers.get("content-type", ""), body)
        except ValueError as e:
            return 400, {"error": str(e)}
        fields: dict[str, Any] = dict(urllib.parse.parse_qsl(url.query))
        if isinstance(parsed, dict):
            fields.update(parsed)
        try:
            result = await self.run(hook, fields, parsed)
            return 200, json.loads(to_json(result))
        except BasicRuntimeError as e:
            self.out(f"[{hook.name}] error: {e.format()}")
            return 500, {"error": e.format()}
        except (BasicSyntaxError, BasicValueError) as e:  # BasicValueError: RETURN not JSON
            return 500, {"error": str(e)}

    async def run(self, hook: Hook, fields: dict[str, Any], body: Any) -> Any:
        """Run the hook's dialog (read afresh, so edits apply) and return its RETURN value."""
        from ..memory.session import Origin  # peewee: only when serving
        source, _ = read_text_file(hook.path)
        compiled = load_source(source, str(hook.path))
        # Variables are case-insensitive: the runtime keeps their names lower-case. The
        # package's param-* values win, so a request cannot replace configured settings.
        variables = {str(k).lower(): v for k, v in fields.items()}
        variables.update(self.variables)
        variables["body"] = body
        channel = NoUserChannel(hook.name, self.out, "a webhook run")
        spec = RunSpec(compiled, channel, origin=Origin.WEBHOOK, variables=variables,
                       timeout=RUN_TIMEOUT)
        with RunSetup.for_dialog(self.store, self.bot, str(hook.path.parent),
                                 self.settings) as setup:
            return await setup.runtime(spec).run()


def parse_body(content_type: str, body: bytes) -> Any:
    """JSON (a JSON body without a content type too), a form, else the text itself."""
    kind = content_type.split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the request body is not UTF-8 text") from None
    if not text.strip():
        return {}
    if kind == "application/x-www-form-urlencoded":
        return dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
    if "json" in kind or (not kind and text.lstrip()[:1] in ("{", "[")):
        try:
            return json.loads(text)
        except ValueError as e:
            raise ValueError(f"the request body is not valid JSON: {e}") from None
    return text


def find_hooks(target: Path) -> tuple[str, dict[str, Hook], dict[str, Any]]:
    """The bot name, its hooks by name and the package's variables for a package, a folder
    or one dialog; :class:`WebhookError` when there is nothing to serve."""
    from ..schedules.plan import dialog_files  # peewee: only when serving, not for `--help`

    package = load_package(target) if is_package(target) else package_for(target)
    hooks: dict[str, Hook] = {}
    for path in dialog_files(target):
        for name, line in scan_webhooks(path):
            other = hooks.get(name)
            if other is not None and other.path != path:
                raise WebhookError(f"WEBHOOK {name!r} is declared by both {other.path} and "
                                   f"{path}")
            hooks.setdefault(name, Hook(name, path, line))
    if not hooks:
        raise WebhookError(f"{target}: no dialog declares a WEBHOOK \"name\"")
    return (package.name if package else "default"), hooks, \
        (package.variables if package else {})


def scan_webhooks(path: Path) -> list[tuple[str, int]]:
    """The literal names of the ``WEBHOOK "name"`` statements of a dialog, with lines."""
    try:
        program, _ = parse(read_text_file(path)[0], str(path))
    except (OSError, UnicodeDecodeError):
        return []
    found = [(str(node.args[0].value).strip(), node.line)
             for node in n.program_nodes(program)
             if isinstance(node, n.KeywordStmt) and node.phrase == "WEBHOOK"
             and len(node.args) == 1 and isinstance(node.args[0], n.Literal)
             and isinstance(node.args[0].value, str)]
    return sorted(found, key=lambda f: f[1])


# ---------------------------------------------------------------- HTTP


@dataclass(frozen=True)
class ServerLimits:
    """What one client may take: bytes of a body, seconds to send a request (an idle or
    trickling connection is answered 408 and closed), connections served at once."""

    max_body: int = MAX_BODY
    read_timeout: float = READ_TIMEOUT
    max_connections: int = MAX_CONNECTIONS


async def start_server(app: WebhookApp, port: int = DEFAULT_PORT,
                       host: str = "127.0.0.1",
                       limits: ServerLimits = ServerLimits()) -> asyncio.Server:
    """Listen on ``host:port`` (0 picks a free port: read it from ``server.sockets``)."""
    busy = 0

    async def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal busy
        bound_port = writer.get_extra_info("sockname")[1]
        busy += 1
        try:
            if busy > limits.max_connections:
                status, value = 503, {"error": "too many connections; try again"}
            else:
                status, value = await _answer_safely(app, reader, bound_port, host, limits)
            data = json.dumps(value, ensure_ascii=False).encode("utf-8")
            head = (f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
                    f"Content-Type: application/json; charset=utf-8\r\n"
                    f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n")
            writer.write(head.encode("ascii") + data)
            await asyncio.wait_for(writer.drain(), limits.read_timeout)
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass  # the client went away, or does not read its answer
        finally:
            busy -= 1
            writer.close()

    return await asyncio.start_server(on_connection, host, port, limit=MAX_HEAD)


async def _answer_safely(app: WebhookApp, reader: asyncio.StreamReader, port: int,
                         host: str, limits: ServerLimits) -> tuple[int, Any]:
    try:
        return await _answer(app, reader, port, host, limits)
    except (ConnectionError, asyncio.IncompleteReadError):
        raise
    except Exception as e:  # a bug must answer 500, not drop the connection
        log.exception("webhook request failed")
        return 500, {"error": f"internal error: {type(e).__name__}: {e}"}


async def _answer(app: WebhookApp, reader: asyncio.StreamReader, port: int, host: str,
                  limits: ServerLimits) -> tuple[int, Any]:
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), limits.read_timeout)
    except TimeoutError:
        return 408, {"error": "the request was not received in time"}
    except asyncio.LimitOverrunError:
        return 413, {"error": "the request headers are too large"}
    request_line, *lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
    parts = request_line.split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        return 400, {"error": "malformed request line"}
    headers = {k.strip().lower(): v.strip()
               for k, sep, v in (line.partition(":") for line in lines) if sep}
    refused = _refusal(app, headers, port, host)
    if refused is not None:
        return refused
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return 411, {"error": "send the body with a Content-Length"}
    try:
        length = int(headers.get("content-length") or 0)
    except ValueError:
        return 400, {"error": "bad Content-Length"}
    if length > limits.max_body or length < 0:
        return 413, {"error": f"the body is larger than {limits.max_body // 1024} KB"}
    try:
        body = await asyncio.wait_for(reader.readexactly(length), limits.read_timeout)
    except TimeoutError:
        return 408, {"error": "the request body was not received in time"}
    return await app.handle(parts[0].upper(), parts[1], headers, body)


def _refusal(app: WebhookApp, headers: dict[str, str], port: int,
             host: str) -> tuple[int, Any] | None:
    """Why a request may not run a dialog (a rebound host name, another site's page, no
    token), checked before its body is read; None when it may."""
    if not host_allowed(headers.get("host"), port, host):
        return 421, {"error": "this server answers only requests for its loopback address "
                              f"(Host: 127.0.0.1:{port} or localhost:{port})"}
    if not origin_allowed(headers.get("origin"), port, host):
        return 403, {"error": "requests from web pages of other sites are refused"}
    if app.token is not None and not token_matches(app.token, request_token(headers)):
        return 401, {"error": "send the access token printed at start in the "
                              "X-Talkbench-Token header (or Authorization: Bearer …)"}
    return None


# ---------------------------------------------------------------- command line


def add_webhook_parser(sub: Any) -> None:
    p = sub.add_parser("webhook", help="serve the WEBHOOK endpoints of dialogs over HTTP")
    p.add_argument("action", choices=("serve", "list"))
    p.add_argument("path", type=Path, help="a .gbai package, a folder of dialogs or one .bas")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"listen on 127.0.0.1:PORT (default {DEFAULT_PORT}; 0 picks one)")
    p.add_argument("--db", help="sqlite:///path or postgresql://… (default: $TALKBENCH_DB)")
    p.add_argument("--bot", help="bot name, slug or id (default: the package name, else "
                                 "'default')")
    p.add_argument("--token", help="the access token requests must send (X-Talkbench-Token "
                                   "or Authorization: Bearer); default: a random one, "
                                   "printed at start")


def run_webhook_command(args: argparse.Namespace) -> int:
    try:
        bot, hooks, variables = find_hooks(args.path)
    except (WebhookError, ValueError) as e:
        print(f"talkbench: error: {e}", file=sys.stderr)
        return 1
    bot = args.bot or bot
    if args.action == "list":
        for hook in hooks.values():
            print(f"POST {webhook_path(bot, hook.name)}\t{hook.path}:{hook.line}")
        return 0
    from ..db.database import DatabaseError
    from ..memory.session import MemorySession

    try:  # the bot resolved, writes recorded with their provenance (app.memory.session)
        session = MemorySession.open(args.db, bot)
    except DatabaseError as e:
        print(f"talkbench: error: {e}", file=sys.stderr)
        return 1
    app = WebhookApp(session.bot, hooks, session.store, variables, out=_print,
                     token=args.token or new_token())
    try:
        asyncio.run(_serve_forever(app, args.port))
    except KeyboardInterrupt:
        pass
    except OSError as e:
        print(f"talkbench: error: cannot listen on 127.0.0.1:{args.port}: {e.strerror or e}",
              file=sys.stderr)
        return 1
    finally:
        session.close(30)
    return 0


async def _serve_forever(app: WebhookApp, port: int) -> None:
    server = await start_server(app, port)
    bound = server.sockets[0].getsockname()[1]
    _print(f"serving {len(app.hooks)} webhook(s) on http://127.0.0.1:{bound} (Ctrl-C stops)")
    _print(f"access token: {app.token}")
    _print("(send it in an X-Talkbench-Token header or as Authorization: Bearer)")
    for hook in app.hooks.values():
        _print(f"POST http://127.0.0.1:{bound}{app.route(hook.name)} -> {hook.path}")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Stop cleanly on Ctrl-C, SIGTERM, SIGHUP …, so memory writes are flushed.
    on_ending_signals(loop, lambda _signum: stop.set())
    async with server:
        await stop.wait()
    _print("stopped")


def _print(line: str) -> None:
    print(line, flush=True)
