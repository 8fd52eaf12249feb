"""The ``knowledge`` service: KB folders and fetched pages, searched with full-text search.

A KB named ``docs`` is the folder ``docs`` inside a ``*.gbkb`` folder of the bot package (or a
``.gbkb`` folder beside the dialog). Its text files are split into passages and indexed for
full-text search; a file is re-indexed when its size or modification time changes, so editing a
document is picked up by the next search. Pages added with ADD WEBSITE are collections named
``web:<url>``.

The index lives in the memory database when that is PostgreSQL (:mod:`.knowledge_pg`,
PostgreSQL full-text search), else in a SQLite cache file (:mod:`.knowledge_sqlite`, FTS5).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import peewee

from interpreter.ports.services import KnowledgeBase, NotFound, Passage, ServiceError

from ....db.database import error_message, is_postgresql
from ...registry import ServiceContext, service_factory
from ...settings import load_settings
from ..storage import package_root
from .backend import KnowledgeBackend, SnippetMarks
from .postgres import PostgresKnowledge
from .sqlite import SqliteKnowledge

T = TypeVar("T")

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".rst", ".csv", ".json", ".html",
                           ".htm", ".xml", ".bas", ".yaml", ".yml", ".ini", ".log"})
PASSAGE_CHARS = 1000  # passages are whole paragraphs merged up to about this size
MARKS = SnippetMarks()  # matched words in snippets: **word**
MAX_DOC = 5 * 1024 * 1024  # bytes; larger files are skipped
_KB_NAME = re.compile(r"^[\w .-]+$")
_STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "for", "from", "has", "have",
    "how", "i", "in", "is", "it", "me", "my", "of", "on", "or", "our", "the", "their", "this",
    "to", "was", "what", "when", "where", "which", "who", "why", "with", "you", "your",
})


class _TextOfHtml(HTMLParser):
    """Visible text of a page: scripts, styles and tags dropped, blocks become paragraphs."""

    _BLOCKS: ClassVar[frozenset[str]] = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
               "article", "pre", "blockquote", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    paragraphs = (" ".join(p.split()) for p in "".join(parser.parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def split_passages(text: str, size: int = PASSAGE_CHARS) -> list[str]:
    """Paragraphs merged up to ``size`` characters; a longer paragraph is cut at words."""
    out: list[str] = []
    current = ""
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(para.split())
        while len(para) > size:
            cut = para.rfind(" ", 0, size)
            cut = cut if cut > size // 2 else size
            out.append(para[:cut].strip())
            para = para[cut:].strip()
        if not para:
            continue
        if current and len(current) + len(para) + 1 > size:
            out.append(current)
            current = para
        else:
            current = f"{current}\n{para}" if current else para
    if current:
        out.append(current)
    return out


def query_words(query: str) -> list[str]:
    """The question's distinct words, lower case, minus stop words and one-letter words."""
    words = [w for w in re.findall(r"\w+", query.lower()) if len(w) > 1 and w not in _STOP]
    return list(dict.fromkeys(words))


@dataclass(frozen=True)
class Hit:
    """A matching passage with a short snippet (matched words marked ``**like this**``)."""

    kb: str
    source: str
    text: str
    score: float
    snippet: str

    def passage(self) -> Passage:
        return Passage(self.kb, self.source, self.text, self.score)


class KnowledgeIndex:
    """:class:`~interpreter.ports.services.KnowledgeBase` over a full-text backend: SQLite FTS5
    in a cache file (``backend`` may be its path) or the PostgreSQL memory database."""

    def __init__(self, dialog_dir: str | Path, backend: KnowledgeBackend | str | Path) -> None:
        self.dialog_dir = Path(dialog_dir).resolve() if dialog_dir else None
        self.backend: KnowledgeBackend = (
            SqliteKnowledge(backend) if isinstance(backend, (str, Path)) else backend)
        # One worker thread: indexing is serialized (no two re-indexings of a folder at once
        # in this process) and a PostgreSQL backend keeps one connection, closed in close().
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="talkbench-kb")

    # -- finding KB folders ---------------------------------------------------------------

    def folder(self, name: str) -> Path | None:
        """The folder of KB ``name`` (``docs`` or ``docs.gbkb``) for this dialog."""
        base_name = name.strip().removesuffix(".gbkb")
        if not base_name or not _KB_NAME.match(base_name) or self.dialog_dir is None:
            return None
        root = kb_root(self.dialog_dir)
        for base in self._bases(self.dialog_dir):
            candidates = [base / ".gbkb" / base_name, base / f"{base_name}.gbkb"]
            candidates += [kb / base_name for kb in sorted(base.glob("*.gbkb"))]
            for candidate in candidates:
                if candidate.is_dir():
                    resolved = candidate.resolve()
                    if not resolved.is_relative_to(root):  # a symlink out of the package
                        raise ServiceError(f"the knowledge base {name!r} leads outside the "
                                           f"bot package {root}")
                    return resolved
        return None

    @staticmethod
    def _bases(dialog_dir: Path) -> list[Path]:
        """Where KB folders are looked for: the dialog's folder, its parent, the package;
        only those inside :func:`kb_root`."""
        root = kb_root(dialog_dir)
        bases = (dialog_dir, dialog_dir.parent, package_root(dialog_dir))
        return [b for b in dict.fromkeys(bases) if b.resolve().is_relative_to(root)]

    def kb_names(self) -> list[str]:
        """Every KB folder name visible from the dialog (for messages)."""
        if self.dialog_dir is None:
            return []
        names: set[str] = set()
        for base in self._bases(self.dialog_dir):
            for kb in [base / ".gbkb", *base.glob("*.gbkb")]:
                if kb.is_dir():
                    names.update(p.name for p in kb.iterdir() if p.is_dir())
        return sorted(names)

    # -- the service ----------------------------------------------------------------------

    async def open(self, name: str) -> int:
        return await self._run(self._open, name)

    async def add_text(self, collection: str, source: str, text: str,
                       is_html: bool = False) -> int:
        passages = split_passages(html_to_text(text) if is_html else text)
        await self._run(self.backend.replace, collection, source, passages, 0.0, 0)
        return len(passages)

    async def search(self, collections: list[str], query: str,
                     limit: int = 5) -> list[Passage]:
        return [hit.passage() for hit in await self.search_hits(collections, query, limit)]

    async def search_hits(self, collections: list[str], query: str,
                          limit: int = 5, marks: SnippetMarks = MARKS) -> list[Hit]:
        """Like :meth:`search`, with a snippet of each passage around the matched words."""
        keys = await self._run(self._collections, collections)
        words = query_words(query)
        if not keys or not words:
            return []
        rows = await self._run(self.backend.search, list(keys), words, limit, marks)
        return [Hit(keys[r.collection], r.source, r.text, r.score, r.snippet) for r in rows]

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError):  # already shut down / stuck
            self._worker.submit(self.backend.close).result(timeout=10)
        self._worker.shutdown(wait=False)

    # -- worker thread --------------------------------------------------------------------

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._worker, fn, *args)
        except (sqlite3.Error, peewee.PeeweeException) as exc:
            where = "PostgreSQL" if self.backend.kind == "postgresql" else "the index cache"
            raise ServiceError(f"the knowledge index in {where} failed: "
                               f"{error_message(exc)}") from None

    # Finding KB folders globs and stats the file system: in the worker, off the event loop.

    def _open(self, name: str) -> int:
        folder = self.folder(name)
        if folder is None:
            known = ", ".join(self.kb_names()) or "none"
            raise NotFound(f"there is no knowledge base {name!r} (a folder {name}/ inside "
                               f"a .gbkb folder of the bot package; found: {known})")
        return self._refresh(folder)

    def _collections(self, names: list[str]) -> dict[str, str]:
        """Backend collection -> name for ``names`` that exist, KB folders refreshed."""
        keys: dict[str, str] = {}
        for name in names:
            if name.startswith("web:"):
                keys[name] = name
                continue
            folder = self.folder(name)
            if folder is not None:
                self._refresh(folder)
                keys[str(folder)] = name
        return keys

    def _refresh(self, folder: Path) -> int:
        """Re-index changed files of a KB folder, drop deleted ones; returns the file count."""
        collection = str(folder)
        root = kb_root(self.dialog_dir) if self.dialog_dir else folder
        # A file whose real path is outside the package (a symlink) is never read: its text
        # would go to the LLM server of the package's config.csv. READ refuses it the same way.
        files = {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*"))
                 if p.is_file() and p.resolve().is_relative_to(root)
                 and p.suffix.lower() in TEXT_SUFFIXES and p.stat().st_size <= MAX_DOC}
        known = self.backend.known(collection)
        for source, path in files.items():
            stat = path.stat()
            if known.get(source) != (stat.st_mtime, stat.st_size):
                text = path.read_text("utf-8", errors="replace")
                if path.suffix.lower() in (".html", ".htm"):
                    text = html_to_text(text)
                self.backend.replace(collection, source, split_passages(text),
                                     stat.st_mtime, stat.st_size)
        gone = set(known) - set(files)
        if gone:
            self.backend.delete(collection, sorted(gone))
        return len(files)


def kb_root(dialog_dir: Path) -> Path:
    """The folder no KB file may lead out of: the bot package; for a ``NAME.gbdialog`` folder
    outside any ``.gbai``, the folder holding it (its ``NAME.gbkb`` sits beside it), unless
    that holds the home folder."""
    root = package_root(dialog_dir)
    parent = dialog_dir.parent
    if root == dialog_dir and dialog_dir.suffix.lower() == ".gbdialog" \
            and package_root(parent) == parent:
        return parent
    return root


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("talkbench"))


@service_factory("knowledge", "open the dialog from a folder so its .gbkb folders can be found")
def make_knowledge(context: ServiceContext) -> KnowledgeBase:
    store = context.store
    if store is not None and is_postgresql(store.database):
        # On PostgreSQL the index is shared by everyone using that database.
        return KnowledgeIndex(context.dialog_dir, PostgresKnowledge(store.database))
    settings = load_settings(context.dialog_dir, context.settings)
    cache = Path(settings.cache_dir) if settings.cache_dir else default_cache_dir()
    return KnowledgeIndex(context.dialog_dir, SqliteKnowledge(cache / "knowledge.sqlite3"))
