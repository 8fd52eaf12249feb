"""Model choice and the AI/media keywords: USE MODEL, SET MODEL ROUTING, IMAGE, AUDIO, VIDEO,
SEE, OCR, SAVE FROM UNSTRUCTURED, POLISH MESSAGE and CREATE SITE.

Chat goes through the ``llm`` provider, pictures/speech/video through ``media``; whatever is
generated is saved in the bot package through ``storage`` and the keyword returns its path
relative to the package (so READ, SEE or SEND FILE can use it).

The session's model (USE MODEL, or the model of a SET MODEL ROUTING route) lives on the
session, so it holds for later runs in the same conversation; :func:`chat_client` applies it.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import re
from datetime import datetime
from typing import Any

from ..values import BasicValueError, to_display
from .context import Clauses, KeywordContext
from .data import provider_call, table_service
from .llm import ask, chat_client
from .registry import keyword
from .urls import is_url

_NO_ROUTE = {"", "default", "manual", "none", "off"}
_SAFE_ALIAS = re.compile(r"^[A-Za-z0-9_-]+$")
_FENCE = re.compile(r"^\s*```[\w-]*\s*\n(.*?)\n?```\s*$", re.DOTALL)


def unfence(text: str) -> str:
    """Models like to wrap code in a ``` block; the file wants what is inside."""
    match = _FENCE.match(text)
    return match.group(1).strip() if match else text.strip()


async def new_file(rt: KeywordContext, phrase: str, folder: str, hint: str, extension: str,
                   data: bytes) -> str:
    """Save ``data`` as a fresh ``folder/<time>-<hint>.<ext>`` (never overwriting a file)."""
    storage = rt.service("storage", phrase)
    slug = re.sub(r"[^a-z0-9]+", "-", hint.lower()).strip("-")[:40] or "file"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        name = f"{folder}/{stamp}-{slug}{f'-{n}' if n else ''}.{extension}"
        if not storage.target(name).exists():
            return await storage.write_bytes(name, data)
    raise BasicValueError(f"{phrase}: too many files named {stamp}-{slug} in {folder}")


# ------------------------------------------------------------------------------ model choice


@keyword("USE MODEL", args=1)
async def use_model(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    name = to_display(args[0]).strip()
    _select_model(rt, rt.services.get("llm"), "" if name.lower() == "default" else name)


def _select_model(rt: KeywordContext, client: Any, model: str) -> None:
    """Records the session's model (the debugger shows it) and points the LLM client at it."""
    rt.session.model = model
    if client is not None and callable(getattr(client, "select", None)):
        client.select(model)


@keyword("SET MODEL ROUTING", args=1)
async def set_model_routing(rt: KeywordContext, args: list[Any], clauses: Clauses,
                            line: int) -> None:
    route = to_display(args[0]).strip().lower()
    rt.session.model_routing = route
    if route in _NO_ROUTE:
        return
    client = rt.services.get("llm")
    model = client.route(route) if client is not None and hasattr(client, "route") else ""
    if model:
        _select_model(rt, client, model)
        return
    keeping = rt.session.model or getattr(client, "model", "") or "the default model"
    rt.warn(f"SET MODEL ROUTING \"{route}\": no model is configured for this route, keeping "
            f"{keeping} (set TALKBENCH_LLM_ROUTES or llm-routes in .gbot/config.csv, e.g. "
            f"fast=llama3.2:1b, quality=qwen2.5:32b)", line)


# ------------------------------------------------------------------------------ media


async def _generate(rt: KeywordContext, phrase: str, kind: str, folder: str,
                    args: list[Any]) -> str:
    prompt = to_display(args[0]).strip()
    if not prompt:
        raise BasicValueError(f"{phrase} needs a text")
    rt.service("storage", phrase)  # fail before paying for a generation that cannot be saved
    data, extension = await getattr(rt.service("media", phrase), kind)(prompt)
    return await new_file(rt, phrase, folder, prompt, extension, data)


@keyword("IMAGE", args=1)
async def image(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    return await _generate(rt, "IMAGE", "image", "generated/images", args)


@keyword("AUDIO", args=1)
async def audio(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    return await _generate(rt, "AUDIO", "speech", "generated/audio", args)


@keyword("VIDEO", args=1)
async def video(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    return await _generate(rt, "VIDEO", "video", "generated/videos", args)


async def image_url(rt: KeywordContext, phrase: str, source: Any) -> str:
    """A URL the model can fetch, or the package file as a ``data:`` URL."""
    path = to_display(source).strip()
    if is_url(path) or path.startswith("data:"):
        return path
    data = await rt.service("storage", phrase).read_bytes(path)
    mime = mimetypes.guess_type(path)[0] or ""
    if not mime.startswith("image/"):
        raise BasicValueError(f"{phrase}: {path!r} is not an image file (png, jpg, gif, webp)")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


async def _vision(rt: KeywordContext, phrase: str, source: Any, instruction: str,
                  question: str) -> str:
    url = await image_url(rt, phrase, source)
    client = chat_client(rt, phrase)
    vision = getattr(client, "vision_model", "")
    if vision and callable(getattr(client, "with_model", None)):
        client = client.with_model(vision)
    # llm.ask's shape, with a picture in the user message and maybe the vision model
    content = [{"type": "text", "text": question},
               {"type": "image_url", "image_url": {"url": url}}]
    reply = await client.chat([{"role": "system", "content": instruction},
                               {"role": "user", "content": content}])
    return reply.content.strip()


@keyword("SEE", args=(1, 2), usage='an image and optionally a question: SEE "photo.jpg"')
async def see(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    question = to_display(args[1]).strip() if len(args) == 2 else "Describe this image."
    return await _vision(rt, "SEE", args[0], "You describe images for a chatbot. Answer in "
                         "plain text, briefly and precisely.", question)


@keyword("OCR", args=1)
async def ocr(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    text = await _vision(rt, "OCR", args[0], "You are an OCR engine. Transcribe "
                         "every piece of text in the image verbatim, keeping its line "
                         "breaks. Reply with the text only, no comments; reply with nothing "
                         "if there is no text.", "Transcribe the text of this image.")
    return unfence(text)


# ------------------------------------------------------------------------------ text tasks


def json_object(text: str) -> dict[str, Any] | None:
    """The JSON object a model's reply holds (fenced or wrapped in prose), None if none."""
    body = unfence(text)
    start, end = body.find("{"), body.rfind("}")
    if start < 0 or end < start:
        return None
    try:
        data = json.loads(body[start:end + 1])
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


@keyword("SAVE FROM UNSTRUCTURED", args=2,
         usage='a table and a text: SAVE FROM UNSTRUCTURED "leads", text')
async def save_from_unstructured(rt: KeywordContext, args: list[Any], clauses: Clauses,
                                 line: int) -> Any:
    phrase = "SAVE FROM UNSTRUCTURED"
    table = to_display(args[0]).strip()
    tables = table_service(rt, phrase)
    info = provider_call(tables.info, table)
    if info is None:
        raise BasicValueError(f"{phrase}: there is no table {table!r}; declare it with "
                              f"TABLE {table} … END TABLE")
    columns = [c for c in info.columns if c.name.lower() != info.key.lower()]
    fields = ", ".join(f'"{c.name}" ({c.kind})' for c in columns)
    reply = await ask(rt, phrase, "Extract one database record from the user's text. Reply "
                      f"with a single JSON object with exactly these keys: {fields}. Use null "
                      "for a value the text does not give. No comments.", to_display(args[1]))
    found = json_object(reply)
    if found is None:
        raise BasicValueError(f"{phrase}: the model did not answer a JSON object: {reply[:200]}")
    data = {k.lower(): v for k, v in found.items()}
    row = {c.name: data[c.name.lower()] for c in columns if c.name.lower() in data}
    if not any(v not in (None, "") for v in row.values()):
        raise BasicValueError(f"{phrase}: the model found none of the columns of {table!r} "
                              f"({', '.join(c.name for c in columns)}) in the text")
    row_id = provider_call(tables.save, table, row)
    return {info.key: row_id, **row}


@keyword("POLISH MESSAGE", args=(1, 2), usage="a text and optionally a style")
async def polish_message(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    style = f" Style: {to_display(args[1]).strip()}." if len(args) == 2 else ""
    return await ask(rt, "POLISH MESSAGE", "Polish the user's message before it is sent: fix "
                     "spelling, grammar and punctuation and make it clear and friendly, in "
                     f"the same language, keeping its meaning.{style} Reply with the polished "
                     "message only.", to_display(args[0]))


@keyword("CREATE SITE", args=3,
         usage='alias, template folder and prompt: CREATE SITE "promo", "templates", '
               '"A page for …"')
async def create_site(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    phrase = "CREATE SITE"
    alias, folder, prompt = (to_display(a).strip() for a in args)
    if not _SAFE_ALIAS.match(alias):
        raise BasicValueError(f"{phrase}: the alias {alias!r} may use only letters, digits, "
                              f"'-' and '_'")
    storage = rt.service("storage", phrase)
    names = [n for n in await storage.list(folder) if n.lower().endswith((".html", ".htm"))]
    if not names:
        raise BasicValueError(f"{phrase}: no .html templates in the folder {folder!r}")
    templates = "\n\n".join([f"<!-- {n} -->\n" + await storage.read_text(f"{folder}/{n}")
                             for n in names])
    html = unfence(await ask(rt, phrase, "You build web pages. Write one complete HTML "
                             "document for the user's request, following the structure and "
                             "style of these templates. Reply with the HTML only.\n\n"
                             + templates, prompt))
    if "<" not in html:
        raise BasicValueError(f"{phrase}: the model did not answer HTML: {html[:200]}")
    return await storage.write_bytes(f"{alias}/index.html", html.encode("utf-8"))
