"""Web data: ``SCRAPE url, selector`` (the first match's text), ``SCRAPE_ALL url, selector``
(every match's text), ``SCRAPE_LINKS url`` / ``SCRAPE_IMAGES url`` (maps with absolute
``href``/``text`` and ``src``/``alt``) and ``RSS url[, limit]`` (items with title, link,
description, pubDate, author and guid when present), as General Bots' botbasic_ai/src/
keywords/web_data.rs gives them. Pages come through the ``http`` service like GET; RSS keeps
the first 10 items unless a limit is given (the engine's default).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urljoin

from ..values import BasicValueError, to_display, to_int
from .context import Clauses, KeywordContext
from .registry import keyword
from .scrape_html import parse_html, select
from .web import http_request

RSS_DEFAULT_LIMIT = 10


async def _page(rt: KeywordContext, phrase: str, url: str) -> Any:
    response = await http_request(rt, phrase, "GET", url)
    return parse_html(response.text())


@keyword("SCRAPE", args=2, usage="a URL and a selector")
async def scrape(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    url, selector = (to_display(a) for a in args)
    found = select(await _page(rt, "SCRAPE", url), selector)
    return found[0].text() if found else ""


@keyword("SCRAPE ALL", args=2, usage="a URL and a selector")
async def scrape_all(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> list[str]:
    url, selector = (to_display(a) for a in args)
    return [el.text() for el in select(await _page(rt, "SCRAPE_ALL", url), selector)]


@keyword("SCRAPE LINKS", args=1, usage="a URL")
async def scrape_links(rt: KeywordContext, args: list[Any], clauses: Clauses,
                       line: int) -> list[dict]:
    url = to_display(args[0])
    root = await _page(rt, "SCRAPE_LINKS", url)
    return [{"href": urljoin(url, el.attrs["href"]), "text": el.text()}
            for el in select(root, "a[href]")]


@keyword("SCRAPE IMAGES", args=1, usage="a URL")
async def scrape_images(rt: KeywordContext, args: list[Any], clauses: Clauses,
                        line: int) -> list[dict]:
    url = to_display(args[0])
    root = await _page(rt, "SCRAPE_IMAGES", url)
    return [{"src": urljoin(url, el.attrs["src"]), "alt": el.attrs.get("alt", "")}
            for el in select(root, "img[src]")]


def _child_text(item: ET.Element, name: str) -> str:
    found = item.find(name)
    return (found.text or "").strip() if found is not None else ""


@keyword("RSS", args=(1, 2), usage="url[, limit]")
async def rss(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> list[dict]:
    url = to_display(args[0])
    limit = to_int(args[1]) if len(args) == 2 else RSS_DEFAULT_LIMIT
    response = await http_request(rt, "RSS", "GET", url)
    try:
        channel = ET.fromstring(response.text().encode("utf-8")).find("channel")
    except ET.ParseError as e:
        raise BasicValueError(f"RSS {url}: not an RSS feed ({e})") from None
    if channel is None:
        raise BasicValueError(f"RSS {url}: not an RSS feed (no <channel>)")
    items = []
    for item in channel.findall("item")[:max(0, limit)]:
        entry = {"title": _child_text(item, "title"), "link": _child_text(item, "link"),
                 "description": _child_text(item, "description"),
                 "pubDate": _child_text(item, "pubDate"), "author": _child_text(item, "author")}
        if item.find("guid") is not None:
            entry["guid"] = _child_text(item, "guid")
        items.append(entry)
    return items
