"""The ``llm`` service: an OpenAI-compatible ``/chat/completions`` endpoint.

Any server speaking that protocol works (OpenAI, Ollama, llama.cpp, vLLM, LM Studio …). The
URL, model and key come from :mod:`app.services.settings`; without them the service is not
configured
and ``LLM`` fails with the hint of which variables to set. ``select`` switches the model for
USE MODEL / SET MODEL ROUTING (routes from ``llm_routes``); ``with_model`` gives SEE and OCR
the vision model on the same server.
"""

from __future__ import annotations

import json
import re
from typing import Any

from interpreter.ports.services import LlmClient, LlmReply, ServiceError, ToolCall

from ..registry import ServiceContext, service_factory
from ..settings import LLM_HINT, Settings, load_settings
from .http import HttpxClient

# Reasoning models wrap their thinking in tags the dialog must not see (as the original does).
_THINKING = re.compile(r"<(think|thinking|reasoning)>.*?</\1>\s*", re.DOTALL | re.IGNORECASE)


def completions_url(base: str) -> str:
    """``…/v1`` → ``…/v1/chat/completions``; a full endpoint URL is kept as it is."""
    base = base.rstrip("/")
    return base if base.endswith("/chat/completions") else base + "/chat/completions"


def strip_thinking(text: str) -> str:
    return _THINKING.sub("", text).strip()


class OpenAiChat:
    """:class:`~interpreter.ports.services.LlmClient` over HTTP (JSON in, JSON out)."""

    def __init__(self, url: str, model: str, key: str = "", timeout: float = 300.0,
                 http: HttpxClient | None = None, routes: dict[str, str] | None = None,
                 vision_model: str = "") -> None:
        self.url = completions_url(url)
        self.default_model = model
        self.model = model  # the session's choice (USE MODEL / SET MODEL ROUTING)
        self.key = key
        self.timeout = timeout
        self.http = http or HttpxClient(timeout)
        self.routes = dict(routes or {})
        self.vision_model = vision_model

    def select(self, model: str) -> None:
        """Use ``model`` for the following chats; empty means the configured default."""
        self.model = model or self.default_model

    def route(self, name: str) -> str:
        """The model configured for routing preference ``name`` (``""`` when none)."""
        return self.routes.get(name.strip().lower(), "")

    def with_model(self, model: str) -> OpenAiChat:
        """The same server and key with another model (SEE/OCR's vision model)."""
        if not model or model == self.model:
            return self
        other = OpenAiChat(self.url, self.default_model, self.key, self.timeout, self.http,
                           self.routes, self.vision_model)
        other.model = model
        return other

    async def chat(self, messages: list[dict[str, Any]],
                   tools: list[dict[str, Any]] | None = None) -> LlmReply:
        payload: dict[str, Any] = {"model": self.model, "messages": messages}
        if tools:
            payload["tools"] = tools
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        response = await self.http.request("POST", self.url, headers,
                                           json.dumps(payload).encode("utf-8"), self.timeout)
        text = response.text()
        if not 200 <= response.status < 300:
            raise ServiceError(f"the language model at {self.url} answered HTTP "
                               f"{response.status}: {_error_text(text)}")
        try:
            data = json.loads(text)
            message = data["choices"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise ServiceError(f"the language model at {self.url} sent a reply that is not a "
                               f"chat completion: {text[:200]}") from None
        return LlmReply(strip_thinking(message.get("content") or ""),
                        tuple(_tool_calls(message.get("tool_calls") or [])))


def _tool_calls(raw: list[dict[str, Any]]) -> list[ToolCall]:
    calls = []
    for i, item in enumerate(raw):
        function = item.get("function") or {}
        arguments = function.get("arguments") or "{}"
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments or "{}")
            except ValueError:
                raise ServiceError(f"the language model called tool {function.get('name')!r} "
                                   f"with arguments that are not JSON: {arguments[:200]}")
        calls.append(ToolCall(str(item.get("id") or f"call_{i}"), str(function.get("name", "")),
                              arguments if isinstance(arguments, dict) else {}))
    return calls


def parse_routes(text: str) -> dict[str, str]:
    """``"fast=llama3.2:1b, quality=qwen2.5:32b"`` (``,`` or ``;``) → route → model."""
    routes: dict[str, str] = {}
    for item in re.split(r"[;,]", text):
        name, sep, model = item.partition("=")
        if not sep or not name.strip() or not model.strip():
            if item.strip():
                raise ServiceError(f"llm routes: {item.strip()!r} is not route=model "
                                   f"(e.g. fast=llama3.2:1b, quality=qwen2.5:32b)")
            continue
        routes[name.strip().lower()] = model.strip()
    return routes


def error_text(text: str) -> str:
    """The message of an OpenAI-style ``{"error": …}`` body, else the body squeezed."""
    return _error_text(text)


def _error_text(text: str) -> str:
    try:
        error = json.loads(text).get("error")
        if isinstance(error, dict):
            return str(error.get("message") or error)
        if error:
            return str(error)
    except (ValueError, AttributeError):
        pass
    return " ".join(text.split())[:200]


def make_chat(settings: Settings) -> OpenAiChat | None:
    if not settings.llm_configured:
        return None
    return OpenAiChat(settings.llm_url, settings.llm_model, settings.llm_key,
                      settings.llm_timeout, routes=parse_routes(settings.llm_routes),
                      vision_model=settings.vision_model)


@service_factory("llm", LLM_HINT)
def make_llm(context: ServiceContext) -> LlmClient | None:
    return make_chat(load_settings(context.dialog_dir, context.settings))
