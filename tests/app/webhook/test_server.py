"""``talkbench webhook serve``: real HTTP requests to dialogs declaring ``WEBHOOK "name"``."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from app.memory.store import MemoryStore
from app.webhook.server import WebhookApp, WebhookError, find_hooks, start_server

ORDER = '''
WEBHOOK "order-received"
total = 0
FOR EACH item IN body.items
  total = total + item.price * item.qty
NEXT
SET BOT MEMORY "last_order", customer
TALK "order from " + customer
RETURN #{ok: true, customer: customer, total: total, greeting: greeting}
'''


def make_package(root: Path, dialogs: dict[str, str], config: str = "") -> Path:
    package = root / "shop.gbai"
    (package / "shop.gbdialog").mkdir(parents=True)
    for name, source in dialogs.items():
        (package / "shop.gbdialog" / name).write_text(source, "utf-8")
    if config:
        (package / "shop.gbot").mkdir()
        (package / "shop.gbot" / "config.csv").write_text(config, "utf-8")
    return package


def post(url: str, body: bytes, content_type: str = "application/json",
         method: str = "POST", token: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": content_type}
    if token is not None:
        headers["X-Talkbench-Token"] = token
    request = urllib.request.Request(url, data=body if method == "POST" else None,
                                     headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def serve(package: Path, db: str, scenario: Callable[[str], Awaitable[None]]) -> list[str]:
    """Serve ``package`` on a free port while ``scenario(base_url)`` runs; the log lines."""
    bot, hooks, variables = find_hooks(package)
    store = MemoryStore(db)
    log: list[str] = []
    app = WebhookApp(bot, hooks, store, variables, out=log.append)

    async def main() -> None:
        server = await start_server(app, 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            await scenario(f"http://127.0.0.1:{port}")

    try:
        asyncio.run(main())
        store.flush(10)
    finally:
        store.close()
    return log


def test_a_post_runs_the_dialog_with_the_body_fields_and_returns_its_value(
        tmp_path: Path, sqlite_db: str) -> None:
    package = make_package(tmp_path, {"order.bas": ORDER, "start.bas": 'TALK "hi"'},
                           "name,value\nparam-greeting,Welcome\n")
    payload = {"Customer": "Ana", "items": [{"price": 2.5, "qty": 2}, {"price": 10, "qty": 1}],
               "greeting": "not from the request"}
    replies: list[tuple[int, Any]] = []

    async def scenario(base: str) -> None:
        replies.append(await asyncio.to_thread(
            post, base + "/api/bot/shop/order-received", json.dumps(payload).encode()))

    log = serve(package, sqlite_db, scenario)
    assert replies == [(200, {"ok": True, "customer": "Ana", "total": 15,
                              "greeting": "Welcome"})]
    assert log == ["[order-received] order from Ana"]
    store = MemoryStore(sqlite_db)
    try:
        assert store.bot("shop").get("last_order") == "Ana"
    finally:
        store.close()


def test_form_bodies_query_fields_and_no_return_value(tmp_path: Path, sqlite_db: str) -> None:
    package = make_package(tmp_path, {"ping.bas": 'WEBHOOK "ping"\nTALK "pong " + who'})
    hello = 'WEBHOOK "hello"\nRETURN "hello " + who + " " + body.who'
    (package / "shop.gbdialog" / "hello.bas").write_text(hello, "utf-8")
    replies: list[tuple[int, Any]] = []

    async def scenario(base: str) -> None:
        replies.append(await asyncio.to_thread(
            post, base + "/api/bot/shop/hello", b"who=Bob", "application/x-www-form-urlencoded"))
        replies.append(await asyncio.to_thread(post, base + "/api/bot/shop/ping?who=Cy", b""))

    log = serve(package, sqlite_db, scenario)
    assert replies == [(200, "hello Bob Bob"), (200, None)]
    assert log == ["[ping] pong Cy"]


def test_errors_are_json_with_the_right_status(tmp_path: Path, sqlite_db: str) -> None:
    package = make_package(tmp_path, {
        "ask.bas": 'WEBHOOK "ask"\nHEAR answer\nRETURN answer',
        "div.bas": 'WEBHOOK "div"\nRETURN 1 / n'})
    replies: list[tuple[int, Any]] = []

    async def scenario(base: str) -> None:
        for path, body, method in [("/api/bot/shop/nope", b"{}", "POST"),
                                   ("/api/bot/other/ask", b"{}", "POST"),
                                   ("/api/bot/shop/ask", b"", "GET"),
                                   ("/api/bot/shop/div", b"{not json", "POST"),
                                   ("/api/bot/shop/ask", b"{}", "POST"),
                                   ("/api/bot/shop/div", b'{"n": 0}', "POST")]:
            replies.append(await asyncio.to_thread(post, base + path, body, method=method))

    serve(package, sqlite_db, scenario)
    statuses = [status for status, _ in replies]
    assert statuses == [404, 404, 405, 400, 500, 500]
    errors = [reply["error"] for _, reply in replies]
    assert "served: /api/bot/shop/ask, /api/bot/shop/div" in errors[0]
    assert "not valid JSON" in errors[3]
    assert "a webhook run has no user to answer" in errors[4]
    assert "div.bas:2" in errors[5] and "Division by zero" in errors[5]


def test_find_hooks_refuses_targets_without_or_with_clashing_webhooks(tmp_path: Path) -> None:
    package = make_package(tmp_path, {"start.bas": 'TALK "hi"'})
    with pytest.raises(WebhookError, match="no dialog declares a WEBHOOK"):
        find_hooks(package)
    for name in ("a.bas", "b.bas"):
        (package / "shop.gbdialog" / name).write_text('WEBHOOK "same"\nRETURN 1', "utf-8")
    with pytest.raises(WebhookError, match="WEBHOOK 'same' is declared by both"):
        find_hooks(package)
    loose = tmp_path / "loose.bas"
    loose.write_text('TALK "x"\nWEBHOOK "loose-hook"\n', "utf-8")
    bot, hooks, variables = find_hooks(loose)
    assert (bot, list(hooks), hooks["loose-hook"].line, variables) == \
        ("default", ["loose-hook"], 2, {})


def test_the_cli_serves_until_sigterm(tmp_path: Path, sqlite_db: str) -> None:
    package = make_package(tmp_path, {"order.bas": ORDER})
    listed = subprocess.run([sys.executable, "-m", "app", "webhook", "list", str(package)],
                            capture_output=True, text=True, timeout=30, check=False)
    assert listed.returncode == 0
    assert listed.stdout.startswith("POST /api/bot/shop/order-received\t")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "app", "webhook", "serve", "--port", "0",
                             "--db", sqlite_db, str(package)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = proc.stdout.readline()
        assert first.startswith("serving 1 webhook(s) on http://127.0.0.1:"), \
            first + proc.stderr.read()
        base = first.split(" on ")[1].split()[0]
        token = proc.stdout.readline().removeprefix("access token: ").strip()
        status, reply = post(base + "/api/bot/shop/order-received",
                             json.dumps({"customer": "Ana", "items": [],
                                         "greeting": "hey"}).encode(), token=token)
        assert (status, reply) == (200, {"ok": True, "customer": "Ana", "total": 0,
                                         "greeting": "hey"})
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "[order-received] order from Ana" in out
    store = MemoryStore(sqlite_db)
    try:
        assert store.bot("shop").get("last_order") == "Ana"
    finally:
        store.close()
