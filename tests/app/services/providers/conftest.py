"""Fixtures of the provider tests: real local servers, a clean environment, and
:func:`run_dialog` to run a dialog with the app's providers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .servers import HttpServer, SmtpServer
from .servers_ai import AiServer

SERVICE_ENV = ("TALKBENCH_LLM_URL", "TALKBENCH_LLM_MODEL", "TALKBENCH_LLM_KEY", "OPENAI_API_KEY",
               "TALKBENCH_LLM_TIMEOUT", "TALKBENCH_SMTP_HOST", "TALKBENCH_SMTP_PORT",
               "TALKBENCH_SMTP_USER", "TALKBENCH_SMTP_PASSWORD", "TALKBENCH_SMTP_FROM",
               "TALKBENCH_SMTP_TLS", "TALKBENCH_HTTP_TIMEOUT", "TALKBENCH_CACHE_DIR",
               "TALKBENCH_LLM_ROUTES", "TALKBENCH_VISION_MODEL", "TALKBENCH_MEDIA_URL",
               "TALKBENCH_IMAGE_MODEL", "TALKBENCH_AUDIO_MODEL", "TALKBENCH_AUDIO_VOICE",
               "TALKBENCH_VIDEO_URL", "TALKBENCH_VIDEO_MODEL", "TALKBENCH_SEARCH_URL",
               "TALKBENCH_SMS_URL", "TALKBENCH_SMS_FORMAT", "TALKBENCH_SMS_FROM",
               "TALKBENCH_SMS_USER", "TALKBENCH_SMS_KEY_ENV", "TALKBENCH_SMS_KEY",
               "TALKBENCH_WEATHER_URL", "TALKBENCH_UNSUPPORTED_KEYWORDS")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No service settings from the developer's environment; the KB cache in tmp_path."""
    for name in SERVICE_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TALKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def http_server() -> Any:
    server = HttpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server() -> Any:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def ai_server() -> Any:
    """A loopback server with the OpenAI media endpoints, GraphQL, SOAP and search."""
    server = AiServer().start()
    yield server
    server.stop()
