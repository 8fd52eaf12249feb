"""The ``sms`` service (an HTTP SMS gateway) and the ``templates`` service (message templates
of the bot package), used by ``SEND SMS``, ``SEND TEMPLATE``, ``SEND TO`` and ``BROADCAST``.

SMS gateways differ, so Talkbench speaks the two shapes most of them accept:

* ``json`` (default): ``POST TALKBENCH_SMS_URL`` with ``{"to", "text"}`` (plus ``"from"``
  when ``TALKBENCH_SMS_FROM`` is set) and ``Authorization: Bearer <key>``;
* ``twilio``: a form with ``To``, ``From``, ``Body`` and HTTP basic auth
  (``TALKBENCH_SMS_USER`` = the account SID, the key = the auth token), as Twilio's
  ``/Accounts/<SID>/Messages.json`` and many look-alikes expect.

The key is read from the environment variable ``TALKBENCH_SMS_KEY`` (or the one
``sms-key-env`` names), so it never has to be written into a bot package.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.parse
from pathlib import Path

from interpreter.keywords.messaging import SmsSender, TemplateStore
from interpreter.ports.services import ServiceError

from ..registry import ServiceContext, service_factory
from ..settings import SMS_HINT, Settings, load_settings
from .http import HttpxClient
from .storage import package_root

FORMATS = ("json", "twilio")
TEMPLATE_SUFFIXES = ("", ".txt", ".md", ".html", ".htm")
MAX_TEMPLATE = 1024 * 1024  # bytes


class HttpSmsGateway:
    """Sends one SMS by POSTing to the configured gateway; returns the gateway's message id."""

    def __init__(self, settings: Settings, key: str = "",
                 client: HttpxClient | None = None) -> None:
        self.settings = settings
        self.key = key
        self.client = client or HttpxClient(settings.http_timeout)

    async def send(self, to: str, text: str, provider: str = "") -> str:
        shape = _format(provider or self.settings.sms_format)
        headers, body = self.request(shape, to, text)
        url = self.settings.sms_url
        response = await self.client.request("POST", url, headers, body)
        if not 200 <= response.status < 300:
            detail = " ".join(response.text().split())[:300]
            raise ServiceError(f"the SMS gateway {url} refused the message: "
                               f"{response.status} {response.reason}"
                               f"{': ' + detail if detail else ''}")
        return _message_id(response.text())

    def request(self, shape: str, to: str, text: str) -> tuple[dict[str, str], bytes]:
        """Headers and body of the POST for ``shape`` (``json`` or ``twilio``)."""
        s = self.settings
        headers: dict[str, str] = {}
        if shape == "twilio":
            if not s.sms_from:
                raise ServiceError("a Twilio-style SMS gateway needs the sender number: set "
                                   "TALKBENCH_SMS_FROM (or sms-from in .gbot/config.csv)")
            body = urllib.parse.urlencode({"To": to, "From": s.sms_from, "Body": text})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            payload = {"to": to, "text": text}
            if s.sms_from:
                payload["from"] = s.sms_from
            body = json.dumps(payload, ensure_ascii=False)
            headers["Content-Type"] = "application/json"
        if s.sms_user:
            token = base64.b64encode(f"{s.sms_user}:{self.key}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        elif self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        return headers, body.encode("utf-8")


def _format(name: str) -> str:
    shape = name.strip().lower()
    if shape in ("", "http", "custom"):
        return "json"
    if shape not in FORMATS:
        raise ServiceError(f"unknown SMS provider {name!r}: Talkbench's gateway speaks "
                           f"{' or '.join(FORMATS)} (TALKBENCH_SMS_FORMAT)")
    return shape


def _message_id(text: str) -> str:
    """The id a gateway answers with (``id``, ``sid``, ``message_id`` …), else ``""``."""
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    if isinstance(data, dict):
        for key in ("id", "sid", "message_id", "messageId"):
            if data.get(key) not in (None, ""):
                return str(data[key])
    return ""


@service_factory("sms", SMS_HINT)
def make_sms(context: ServiceContext) -> SmsSender | None:
    settings = load_settings(context.dialog_dir, context.settings)
    if not settings.sms_url:
        return None
    name = settings.sms_key_env
    key = str(context.settings.get(name) or os.environ.get(name) or "")
    return HttpSmsGateway(settings, key)


class PackageTemplates:
    """Message templates: ``templates/NAME[.txt|.md|.html]`` beside the dialog, in the bot
    package, or in its ``<bot>.gbdrive/templates`` folder (first found wins)."""

    def __init__(self, dialog_dir: str | Path) -> None:
        here = Path(dialog_dir).resolve()
        root = package_root(here)
        folders = [here / "templates", root / "templates"]
        folders += sorted(d / "templates" for d in _drives(root))
        self.folders = list(dict.fromkeys(folders))

    async def read(self, name: str) -> str:
        clean = name.strip().replace("\\", "/")
        if not clean or clean.startswith("/") or ".." in clean.split("/"):
            raise ServiceError(f"the template name {name!r} is not allowed: use a file name "
                               f"inside the templates folder")
        for folder in self.folders:
            for suffix in TEMPLATE_SUFFIXES:
                file = folder / f"{clean}{suffix}"
                if file.is_file():
                    if file.stat().st_size > MAX_TEMPLATE:
                        raise ServiceError(f"the template {file} is larger than 1 MB")
                    try:
                        return file.read_text("utf-8-sig")
                    except UnicodeDecodeError:
                        raise ServiceError(f"the template {file} is not UTF-8 text") from None
        where = ", ".join(str(f) for f in self.folders)
        raise ServiceError(f"no template {clean!r} (looked for {clean}, {clean}.txt, "
                           f"{clean}.md or {clean}.html in {where})")


def _drives(root: Path) -> list[Path]:
    try:
        return [d for d in root.iterdir() if d.is_dir() and d.name.lower().endswith(".gbdrive")]
    except OSError:
        return []


@service_factory("templates", "open the dialog from a folder (a bot package) to use its "
                              "templates/ folder")
def make_templates(context: ServiceContext) -> TemplateStore | None:
    return PackageTemplates(context.dialog_dir) if context.dialog_dir else None
