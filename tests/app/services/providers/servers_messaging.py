"""A real SMS gateway on 127.0.0.1 for the messaging tests: ``POST /sms`` takes a JSON
``{to, text}`` or a Twilio-style form, checks the Authorization header and answers with a
message id (or the status the test sets)."""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from .servers import HttpServer


@dataclass
class SmsGatewayServer(HttpServer):
    authorization: str = ""  # the exact Authorization header required ("" = none)
    status: int = 200  # what /sms answers
    sent: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sms_url(self) -> str:
        return self.url + "/sms"

    def route(self, method: str, path: str, headers: dict[str, str],
              body: bytes) -> tuple[int, str, str]:
        if path != "/sms" or method != "POST":
            return super().route(method, path, headers, body)
        if self.authorization and headers.get("Authorization") != self.authorization:
            return 401, "application/json", json.dumps({"error": "bad credentials"})
        if self.status != 200:
            return self.status, "text/plain", "gateway is down for maintenance"
        text = body.decode("utf-8")
        if headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            message: dict[str, Any] = dict(urllib.parse.parse_qsl(text))
            self.sent.append(message)
            return 201, "application/json", json.dumps({"sid": f"SM{len(self.sent)}"})
        self.sent.append(json.loads(text))
        return 200, "application/json", json.dumps({"id": f"msg-{len(self.sent)}"})
