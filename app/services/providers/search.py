"""The ``search`` service: web search over a SearXNG-compatible JSON API (``WEBSITE OF``).

The original drove a headless browser through a search engine's result page; a desktop IDE
uses a search server instead. ``search_url`` is either the SearXNG base URL (``/search`` and
``format=json`` are added) or a full URL with ``{query}`` where the escaped query goes.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass

from interpreter.ports.services import ServiceError

from ..registry import ServiceContext, service_factory
from ..settings import load_settings
from .http import HttpxClient

SEARCH_HINT = ("set TALKBENCH_SEARCH_URL to a SearXNG-compatible search server with the JSON "
               "format enabled (e.g. http://localhost:8888), or a URL with {query} in it that "
               "answers {\"results\": [{\"url\": …}]}; or search-url in the bot's "
               ".gbot/config.csv")


@dataclass(frozen=True)
class SearchHit:
    url: str
    title: str = ""
    snippet: str = ""


def search_request_url(base: str, query: str) -> str:
    quoted = urllib.parse.quote(query)
    if "{query}" in base:
        return base.replace("{query}", quoted)
    base = base.rstrip("/")
    if not base.endswith("/search"):
        base += "/search"
    return f"{base}?q={quoted}&format=json"


class SearxSearch:
    """Results of a SearXNG-style ``GET …/search?q=…&format=json``."""

    def __init__(self, url: str, timeout: float = 30.0,
                 http: HttpxClient | None = None) -> None:
        self.url = url
        self.timeout = timeout
        self.http = http or HttpxClient(timeout)

    async def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        url = search_request_url(self.url, query)
        response = await self.http.request("GET", url, {"Accept": "application/json"}, None,
                                           self.timeout)
        if not 200 <= response.status < 300:
            hint = " (is the json format enabled in the SearXNG settings?)" \
                if response.status == 403 else ""
            raise ServiceError(f"the search server {url} answered HTTP "
                               f"{response.status}{hint}")
        try:
            data = json.loads(response.text())
            results = data["results"] if isinstance(data, dict) else data
            hits = [SearchHit(str(r["url"]), str(r.get("title") or ""),
                              str(r.get("content") or r.get("snippet") or ""))
                    for r in results if isinstance(r, dict) and r.get("url")]
        except (ValueError, KeyError, TypeError):
            raise ServiceError(f"the search server {url} did not answer search results as "
                               f"JSON: {response.text()[:200]}") from None
        return hits[:limit]


@service_factory("search", SEARCH_HINT)
def make_search(context: ServiceContext) -> SearxSearch | None:
    settings = load_settings(context.dialog_dir, context.settings)
    if not settings.search_url:
        return None
    return SearxSearch(settings.search_url, settings.http_timeout)
