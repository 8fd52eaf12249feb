"""``talkbench webhook serve|list``: answer ``WEBHOOK "name"`` endpoints over HTTP.

As in General Bots (reference §4.19), a dialog with ``WEBHOOK "name"`` is reachable at
``POST /api/bot/<bot>/<name>``: the request's JSON (or form) fields become variables of the
run, the whole parsed body is ``body``, and the dialog's top-level ``RETURN`` value is the JSON
response. Each request runs the dialog headless in a fresh session (no user: ``HEAR`` fails).

A small HTTP/1.1 server on asyncio streams: no new dependency, one request per connection,
bounded header and body sizes. It listens on 127.0.0.1 only; put a reverse proxy in front to
expose it.
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

from interpreter import BasicRuntimeError, BasicSyntaxError, Runtime, Session, load_source
from interpreter import nodes as n
from interpreter.parser import parse
from interpreter.values import BasicValueError, to_json

from .atomic_file import read_text_file
from .bot_package import is_package, load_package, package_for
from .exit_signals import on_ending_signals
from .services import ServiceContext, build_services
from .stdio_channel import NoUserChannel

DEFAULT_PORT = 8080
RUN_TIMEOUT = 60.0  # seconds a webhook dialog may run before the request fails
READ_TIMEOUT = 10.0  # seconds to receive a request
MAX_BODY = 1024 * 1024  # bytes
MAX_HEAD = 64 * 1024  # bytes of request line and headers
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
            408: "Request Timeout", 411: "Length Required", 413: "Payload Too Large",
            500: "Internal Server Error"}

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
        source, _ = read_text_file(hook.path)
        compiled = load_source(source, str(hook.path))
        # Variables are case-insensitive: the runtime keeps their names lower-case. The
        # package's param-* values win, so a request cannot replace configured settings.
        variables = {str(k).lower(): v for k, v in fields.items()}
        variables.update(self.variables)
        variables["body"] = body
        services = build_services(ServiceContext(self.store, self.bot, str(hook.path.parent),
                                                 self.settings))
        channel = NoUserChannel(hook.name, self.out, "a webhook run")
        runtime = Runtime(compiled, channel, self.store.bot(self.bot), session=Session(),
                          initial_vars=variables, timeout=RUN_TIMEOUT, services=services)
        try:
            return await runtime.run()
        finally:
            services.close()


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
    from .schedules import dialog_files  # peewee: only when serving, not for `--help`

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


async def start_server(app: WebhookApp, port: int = DEFAULT_PORT,
                       host: str = "127.0.0.1") -> asyncio.Server:
    """Listen on ``host:port`` (0 picks a free port: read it from ``server.sockets``)."""

    async def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            try:
                status, value = await _answer(app, reader)
            except (ConnectionError, asyncio.IncompleteReadError):
                raise
            except Exception as e:  # a bug must answer 500, not drop the connection
                log.exception("webhook request failed")
                status, value = 500, {"error": f"internal error: {type(e).__name__}: {e}"}
            data = json.dumps(value, ensure_ascii=False).encode("utf-8")
            head = (f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
                    f"Content-Type: application/json; charset=utf-8\r\n"
                    f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n")
            writer.write(head.encode("ascii") + data)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away
        finally:
            writer.close()

    return await asyncio.start_server(on_connection, host, port, limit=MAX_HEAD)


async def _answer(app: WebhookApp, reader: asyncio.StreamReader) -> tuple[int, Any]:
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT)
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
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return 411, {"error": "send the body with a Content-Length"}
    try:
        length = int(headers.get("content-length") or 0)
    except ValueError:
        return 400, {"error": "bad Content-Length"}
    if length > MAX_BODY or length < 0:
        return 413, {"error": f"the body is larger than {MAX_BODY // 1024} KB"}
    try:
        body = await asyncio.wait_for(reader.readexactly(length), READ_TIMEOUT)
    except TimeoutError:
        return 408, {"error": "the request body was not received in time"}
    return await app.handle(parts[0].upper(), parts[1], headers, body)


# ---------------------------------------------------------------- command line


def add_webhook_parser(sub: Any) -> None:
    p = sub.add_parser("webhook", help="serve the WEBHOOK endpoints of dialogs over HTTP")
    p.add_argument("action", choices=("serve", "list"))
    p.add_argument("path", type=Path, help="a .gbai package, a folder of dialogs or one .bas")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"listen on 127.0.0.1:PORT (default {DEFAULT_PORT}; 0 picks one)")
    p.add_argument("--db", help="sqlite:///path or postgresql://… (default: $TALKBENCH_DB)")
    p.add_argument("--bot", help="bot name (default: the package name, else 'default')")


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
    from .database import DatabaseError
    from .memory_store import MemoryStore

    try:
        store = MemoryStore(args.db)
    except DatabaseError as e:
        print(f"talkbench: error: {e}", file=sys.stderr)
        return 1
    app = WebhookApp(bot, hooks, store, variables, out=_print)
    try:
        asyncio.run(_serve_forever(app, args.port))
    except KeyboardInterrupt:
        pass
    except OSError as e:
        print(f"talkbench: error: cannot listen on 127.0.0.1:{args.port}: {e.strerror or e}",
              file=sys.stderr)
        return 1
    finally:
        store.flush(30)
        store.close()
    return 0


async def _serve_forever(app: WebhookApp, port: int) -> None:
    server = await start_server(app, port)
    bound = server.sockets[0].getsockname()[1]
    _print(f"serving {len(app.hooks)} webhook(s) on http://127.0.0.1:{bound} (Ctrl-C stops)")
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
