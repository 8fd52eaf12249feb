"""File keywords over the bot package: READ, WRITE, DELETE FILE, COPY, MOVE, LIST, COMPRESS,
EXTRACT, UPLOAD, DOWNLOAD, SEND FILE, SEND FILE TO, GENERATE PDF and MERGE PDF.

Files live in the ``storage`` provider (:class:`FileStorage`), which keeps every path inside
the bot package and writes atomically. Keywords that create a file return its path relative
to the package, so it can be passed to READ, SEND FILE or SEND MAIL.

UPLOAD copies a file that is already in the package: in General Bots the source was a file
the user sent (HEAR AS FILE); Talkbench's chat has no uploads, and letting a dialog copy any
path of the developer's disk into a bot would let a shared dialog read private files.
"""

from __future__ import annotations

import builtins
import datetime as _dt
import json
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from ..events import FileSent
from ..ports.services import Attachment, MailMessage
from ..values import BasicValueError, engine_json, to_display
from .context import Clauses, KeywordContext
from .mail import recipients
from .registry import keyword
from .urls import is_url

_ERROR_SNIPPET = 300  # characters of an error response's body quoted in the message


class FileStorage(Protocol):
    """What the file keywords need from the ``storage`` service (beyond ``read_bytes``).

    Every method raises ServiceError for a path outside the package or a missing file.
    """

    async def read_bytes(self, path: str) -> bytes: ...

    def target(self, path: str) -> Any:
        """Where a write of ``path`` would land (checks the path, writes nothing)."""
        ...

    async def read_text(self, path: str) -> str: ...

    async def write_bytes(self, path: str, data: bytes) -> str: ...

    async def write_stream(self, path: str, chunks: AsyncIterable[bytes],
                           size: int | None = None) -> str:
        """Write chunks as they arrive; a failure leaves no partial file at ``path``."""
        ...

    async def delete(self, path: str) -> None: ...

    async def copy(self, source: str, destination: str, move: bool = False) -> str: ...

    async def list(self, path: str) -> builtins.list[str]: ...

    def resolve(self, path: str) -> Any:
        """The absolute path of an existing package file (to show or open it)."""
        ...

    async def compress(self, sources: builtins.list[str], output: str) -> str: ...

    async def extract(self, archive: str, folder: str) -> builtins.list[str]: ...

    async def generate_pdf(self, template: str, data: Any, output: str) -> str: ...

    async def merge_pdf(self, sources: builtins.list[str], output: str) -> str: ...


class StreamedBody(Protocol):
    status: int
    reason: str

    @property
    def length(self) -> int | None: ...

    def chunks(self) -> AsyncIterator[bytes]: ...

    async def read(self, limit: int) -> bytes: ...


class StreamingHttp(Protocol):
    """What DOWNLOAD needs from the ``http`` service: a response read in chunks."""

    def stream(self, method: str, url: str, headers: dict[str, str],
               body: bytes | None = None, timeout: float | None = None
               ) -> AbstractAsyncContextManager[StreamedBody]: ...


def _storage(rt: KeywordContext, phrase: str) -> FileStorage:
    return rt.service("storage", phrase)


def _path(value: Any) -> str:
    return to_display(value).strip()


def _paths(value: Any) -> list[str]:
    """One path, or a list of them (COMPRESS, MERGE PDF)."""
    items = value if isinstance(value, list) else [value]
    return [p for p in (_path(i) for i in items) if p]


async def read_value(rt: KeywordContext, phrase: str, path: str) -> Any:
    """A file's content as GET returns it: ``.json`` parsed, a PDF as its text, else text."""
    text = await _storage(rt, phrase).read_text(path)
    if path.lower().endswith(".json"):
        try:
            return json.loads(text)
        except ValueError as e:
            raise BasicValueError(f"{phrase} {path!r}: invalid JSON ({e})") from None
    return text


@keyword("READ", args=1)
async def read(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> Any:
    return await read_value(rt, "READ", _path(args[0]))


@keyword("WRITE", args=2, usage='a path and the data: WRITE "file.txt", data')
async def write(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    data = args[1]
    # handlers.rs: text as it is, any other value as serde_json writes it (5, 2.5, null)
    text = to_display(data) if isinstance(data, (str, _dt.date)) else engine_json(data)
    return await _storage(rt, "WRITE").write_bytes(_path(args[0]), text.encode("utf-8"))


@keyword("DELETE FILE", args=1)
async def delete_file(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    await _storage(rt, "DELETE FILE").delete(_path(args[0]))


@keyword("COPY", args=2, usage="a source and a destination")
async def copy(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    src, dst = _path(args[0]), _path(args[1])
    return await _storage(rt, "COPY").copy(src, dst)


@keyword("MOVE", args=2, usage="a source and a destination")
async def move(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    src, dst = _path(args[0]), _path(args[1])
    return await _storage(rt, "MOVE").copy(src, dst, move=True)


@keyword("UPLOAD", args=2, usage="a file of the bot package and where to store it")
async def upload(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    src, dst = _path(args[0]), _path(args[1])
    return await _storage(rt, "UPLOAD").copy(src, dst)


@keyword("LIST", args=(0, 1))
async def list_folder(rt: KeywordContext, args: list[Any], clauses: Clauses,
                      line: int) -> list[str]:
    return await _storage(rt, "LIST").list(_path(args[0]) if args else ".")


@keyword("COMPRESS", args=2,
         usage='files (or a folder) and the zip: COMPRESS files, "out.zip"')
async def compress(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    return await _storage(rt, "COMPRESS").compress(_paths(args[0]), _path(args[1]))


@keyword("EXTRACT", args=2, usage='a zip and a folder: EXTRACT "a.zip", "folder"')
async def extract(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> list[str]:
    archive, folder = _path(args[0]), _path(args[1])
    return await _storage(rt, "EXTRACT").extract(archive, folder)


@keyword("DOWNLOAD", args=(1, 2), usage="a URL and a path")
async def download(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    """``DOWNLOAD url[, path]``: without a path the file goes to ``downloads/<name>``.

    The body streams to disk in chunks (a large file never sits in memory); a failure
    mid-way leaves no partial file at the target."""
    url = _path(args[0])
    if not is_url(url):
        raise BasicValueError(f"DOWNLOAD needs an http:// or https:// URL, got {url!r}")
    path = _path(args[1]) if len(args) == 2 else "downloads/" + _url_name(url)
    storage = _storage(rt, "DOWNLOAD")
    storage.target(path)  # a path outside the package fails before the request
    client: StreamingHttp = rt.service("http", "DOWNLOAD")
    async with client.stream("GET", url, dict(rt.session.http_headers)) as response:
        if not 200 <= response.status < 300:
            text = (await response.read(_ERROR_SNIPPET * 4)).decode("utf-8", "replace")
            detail = " ".join(text.split())[:_ERROR_SNIPPET]
            raise BasicValueError(f"GET {url} failed: HTTP {response.status} "
                                  f"{response.reason}".rstrip() +
                                  (f": {detail}" if detail else ""))
        return await storage.write_stream(path, response.chunks(), response.length)


def _url_name(url: str) -> str:
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if c.isalnum() or c in "._-")
    return name.lstrip(".") or "download"


@keyword("SEND FILE", args=(1, 2), usage="a file and an optional caption")
async def send_file(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> None:
    """Show a package file in the chat as an attachment; a channel without attachments
    (console, replay) gets a ``[file: name]`` message instead."""
    file = _storage(rt, "SEND FILE").resolve(_path(args[0]))
    caption = to_display(args[1]) if len(args) == 2 else ""
    show = getattr(rt.channel, "send_file", None)
    if show is not None:
        await show(str(file), caption)
    else:
        await rt.talk(f"[file: {file.name}]" + (f" {caption}" if caption else ""), line)
    rt.emit(FileSent(str(file), file.name, caption, line))


@keyword("SEND FILE TO", args=(2, 3), usage="a recipient, a file and an optional caption")
async def send_file_to(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    """``SEND FILE TO recipient, path[, caption]``: by mail, the caption as subject and body."""
    to = to_display(args[0]).strip()
    if "@" not in to:
        raise BasicValueError(f"SEND FILE TO {to!r}: Talkbench sends files by e-mail only; "
                              f"give an e-mail address")
    addresses = recipients(to)
    path = _path(args[1])
    caption = to_display(args[2]) if len(args) == 3 else ""
    mailer = rt.service("mail", "SEND FILE TO")
    data = await _storage(rt, "SEND FILE TO").read_bytes(path)
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    message_id = await mailer.send(MailMessage(addresses, caption or name, caption,
                                               (Attachment(name, data),)))
    return f"File {name} sent to {', '.join(addresses)} (Message-ID {message_id})"


@keyword("GENERATE PDF", args=3,
         usage='a template, the data and the output: GENERATE PDF "t.html", data, "out.pdf"')
async def generate_pdf(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    return await _storage(rt, "GENERATE PDF").generate_pdf(_path(args[0]), args[1],
                                                            _path(args[2]))


@keyword("MERGE PDF", args=2,
         usage='the PDF files and the output: MERGE PDF files, "out.pdf"')
async def merge_pdf(rt: KeywordContext, args: list[Any], clauses: Clauses, line: int) -> str:
    return await _storage(rt, "MERGE PDF").merge_pdf(_paths(args[0]), _path(args[1]))
