"""Review of the media provider: an image URL from the server must be a web address."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from app.services.providers.media import OpenAiMedia
from interpreter.ports.services import ServiceError


def test_an_image_url_that_is_not_http_is_refused(http_server: Any, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("private key material")
    http_server.pages["/v1/images/generations"] = (
        "application/json", json.dumps({"data": [{"url": secret.as_uri()}]}))
    media = OpenAiMedia(f"{http_server.url}/v1")
    with pytest.raises(ServiceError, match="not an http"):
        asyncio.run(media.image("a cat"))
