"""``QR CODE`` and ``WEATHER``: web-data keywords with a real local or configured back end.

* ``path = QR CODE text[, size[, path]]`` draws a PNG with ``segno`` (pure Python) into the
  bot's storage (``qrcodes/<time>-<text>.png`` unless a path is given) and returns its path, as
  General Bots does. ``size`` is the image's width in pixels (about; the modules stay whole).
* ``w = WEATHER "Paris"`` asks the weather service the host configured: the ``weather``
  service is a URL with ``{location}`` (``https://wttr.in/{location}?format=3`` …), fetched
  through the ``http`` provider. A JSON answer becomes maps and lists, anything else is text.
  With no URL configured the keyword fails saying so; nothing is made up.
"""

from __future__ import annotations

import asyncio
import io
from typing import Any
from urllib.parse import quote

from ..values import BasicValueError, to_display, to_number
from .ai_media import new_file
from .context import Clauses, KeywordContext
from .registry import keyword
from .web import parse_body, snippet

DEFAULT_QR_SIZE = 256  # pixels
MAX_QR_SIZE = 4096
_BORDER = 4  # the quiet zone the QR standard asks for, in modules


def qr_png(text: str, size: int = DEFAULT_QR_SIZE) -> bytes:
    """A QR code of ``text`` as PNG bytes, about ``size`` pixels wide."""
    try:
        import segno
    except ImportError:  # a dependency of the package; only a broken install lacks it
        raise BasicValueError("QR CODE needs the Python package segno "
                              "(pip install segno)") from None
    try:
        code = segno.make(text, micro=False)
    except segno.DataOverflowError:
        raise BasicValueError(f"QR CODE: the text is too long for a QR code "
                              f"({len(text)} characters)") from None
    width = code.symbol_size(scale=1, border=_BORDER)[0]
    out = io.BytesIO()
    code.save(out, kind="png", scale=max(1, size // width), border=_BORDER)
    return out.getvalue()


@keyword("QR CODE", args=(1, 3),
         usage='a text, and optionally a size in pixels and a file path: '
               'path = QR CODE "https://…", 300')
async def qr_code(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    text = to_display(args[0])
    if not text:
        raise BasicValueError("QR CODE needs a text to encode")
    size = DEFAULT_QR_SIZE
    if len(args) >= 2 and args[1] not in (None, ""):
        size = int(to_number(args[1], "QR CODE size"))
        if not 21 <= size <= MAX_QR_SIZE:
            raise BasicValueError(f"QR CODE size must be 21 to {MAX_QR_SIZE} pixels, got {size}")
    data = await asyncio.to_thread(qr_png, text, size)  # pure Python: off the loop
    if len(args) == 3 and to_display(args[2]).strip():
        path = to_display(args[2]).strip()
        if not path.lower().endswith(".png"):
            raise BasicValueError(f"QR CODE writes a PNG image: the path must end in .png, "
                                  f"got {path!r}")
        return await rt.service("storage", "QR CODE").write_bytes(path, data)
    return await new_file(rt, "QR CODE", "qrcodes", text, "png", data)


def weather_url(template: str, location: str) -> str:
    if "{location}" not in template:
        raise BasicValueError(f"WEATHER: the weather URL must contain {{location}}, got "
                              f"{template!r}")
    return template.replace("{location}", quote(location, safe=""))


@keyword("WEATHER", args=1)
async def weather(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> Any:
    location = to_display(args[0]).strip()
    if not location:
        raise BasicValueError("WEATHER needs a place, e.g. WEATHER \"Paris\"")
    template = to_display(rt.service("weather", "WEATHER")).strip()
    url = weather_url(template, location)
    response = await rt.service("http", "WEATHER").request(
        "GET", url, {"Accept": "application/json, text/plain;q=0.9"})
    text = response.text()
    if not 200 <= response.status < 300:
        raise BasicValueError(f"WEATHER {location}: the weather service answered HTTP "
                              f"{response.status}: {snippet(text)}")
    body = parse_body(response)
    return body.strip() if isinstance(body, str) else body
