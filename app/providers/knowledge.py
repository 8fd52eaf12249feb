"""The ``knowledge`` service: KB folders and fetched pages searched with SQLite FTS5.

A KB named ``docs`` is the folder ``docs`` inside a ``*.gbkb`` folder of the bot package (or a
``.gbkb`` folder beside the dialog). Its text files are split into passages and indexed in a
cache database; a file is re-indexed when its size or modification time changes, so editing a
document is picked up by the next search. Pages added with ADD WEBSITE are collections named
``web:<url>``.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from interpreter.service_ports import Passage, ServiceError

from ..services import ServiceContext, service_factory
from ..settings import load_settings
from .storage import package_root

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".rst", ".csv", ".json", ".html",
                           ".htm", ".xml", ".bas", ".yaml", ".yml", ".ini", ".log"})
PASSAGE_CHARS = 1000  # passages are whole paragraphs merged up to about this size
MAX_DOC = 5 * 1024 * 1024  # bytes; larger files are skipped
_KB_NAME = re.compile(r"^[\w .-]+$")
_STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "for", "from", "has", "have",
    "how", "i", "in", "is", "it", "me", "my", "of", "on", "or", "our", "the", "their", "this",
    "to", "was", "what", "when", "where", "which", "who", "why", "with", "you", "your",
})
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL, source TEXT NOT NULL, mtime REAL NOT NULL, size INTEGER NOT NULL,
    PRIMARY KEY (collection, source));
CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5(
    collection UNINDEXED, source UNINDEXED, text, tokenize = 'unicode61 remove_diacritics 2');
"""


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


def match_query(query: str) -> str:
    """An FTS5 query: the question's words (minus stop words) OR-ed, each quoted."""
    words = [w for w in re.findall(r"\w+", query.lower()) if len(w) > 1 and w not in _STOP]
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(words))


class KnowledgeIndex:
    """:class:`~interpreter.service_ports.KnowledgeBase` in one SQLite cache file."""

    def __init__(self, dialog_dir: str | Path, cache_file: str | Path) -> None:
        self.dialog_dir = Path(dialog_dir).resolve() if dialog_dir else None
        self.cache_file = Path(cache_file)
        self._lock = threading.Lock()  # one writer at a time across worker threads

    # -- finding KB folders ---------------------------------------------------------------

    def folder(self, name: str) -> Path | None:
        """The folder of KB ``name`` (``docs`` or ``docs.gbkb``) for this dialog."""
        base_name = name.strip().removesuffix(".gbkb")
        if not base_name or not _KB_NAME.match(base_name) or self.dialog_dir is None:
            return None
        bases = dict.fromkeys((self.dialog_dir, self.dialog_dir.parent,
                               package_root(self.dialog_dir)))
        for base in bases:
            candidates = [base / ".gbkb" / base_name, base / f"{base_name}.gbkb"]
            candidates += [kb / base_name for kb in sorted(base.glob("*.gbkb"))]
            for candidate in candidates:
                if candidate.is_dir():
                    return candidate.resolve()
        return None

    def kb_names(self) -> list[str]:
        """Every KB folder name visible from the dialog (for messages)."""
        if self.dialog_dir is None:
            return []
        names: set[str] = set()
        for base in {self.dialog_dir, self.dialog_dir.parent, package_root(self.dialog_dir)}:
            for kb in [base / ".gbkb", *base.glob("*.gbkb")]:
                if kb.is_dir():
                    names.update(p.name for p in kb.iterdir() if p.is_dir())
        return sorted(names)

    # -- the service ----------------------------------------------------------------------

    async def open(self, name: str) -> int:
        folder = self.folder(name)
        if folder is None:
            known = ", ".join(self.kb_names()) or "none"
            raise ServiceError(f"there is no knowledge base {name!r} (a folder {name}/ inside "
                               f"a .gbkb folder of the bot package; found: {known})")
        return await asyncio.to_thread(self._refresh, folder)

    async def add_text(self, collection: str, source: str, text: str,
                       is_html: bool = False) -> int:
        plain = html_to_text(text) if is_html else text
        return await asyncio.to_thread(self._replace, collection, source, plain, 0.0, 0)

    async def search(self, collections: list[str], query: str,
                     limit: int = 5) -> list[Passage]:
        keys: dict[str, str] = {}
        for name in collections:
            if name.startswith("web:"):
                keys[name] = name
                continue
            folder = self.folder(name)
            if folder is not None:
                await asyncio.to_thread(self._refresh, folder)
                keys[str(folder)] = name
        fts = match_query(query)
        if not keys or not fts:
            return []
        return await asyncio.to_thread(self._search, keys, fts, limit)

    # -- database work (worker threads) ---------------------------------------------------

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A short-lived connection (worker threads differ), committed and closed."""
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.cache_file, timeout=30)
        try:
            db.executescript(_SCHEMA)
            with db:
                yield db
        finally:
            db.close()

    def _refresh(self, folder: Path) -> int:
        """Re-index changed files of a KB folder, drop deleted ones; returns the file count."""
        collection = str(folder)
        files = {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*"))
                 if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
                 and p.stat().st_size <= MAX_DOC}
        with self._lock, self._connect() as db:
            known = {src: (mtime, size) for src, mtime, size in db.execute(
                "SELECT source, mtime, size FROM documents WHERE collection = ?", (collection,))}
        for source, path in files.items():
            stat = path.stat()
            if known.get(source) != (stat.st_mtime, stat.st_size):
                text = path.read_text("utf-8", errors="replace")
                if path.suffix.lower() in (".html", ".htm"):
                    text = html_to_text(text)
                self._replace(collection, source, text, stat.st_mtime, stat.st_size)
        gone = set(known) - set(files)
        if gone:
            with self._lock, self._connect() as db:
                for source in gone:
                    self._delete(db, collection, source)
        return len(files)

    def _replace(self, collection: str, source: str, text: str, mtime: float,
                 size: int) -> int:
        passages = split_passages(text)
        with self._lock, self._connect() as db:
            self._delete(db, collection, source)
            db.executemany("INSERT INTO passages (collection, source, text) VALUES (?, ?, ?)",
                           [(collection, source, p) for p in passages])
            db.execute("INSERT INTO documents VALUES (?, ?, ?, ?)",
                       (collection, source, mtime, size))
        return len(passages)

    @staticmethod
    def _delete(db: sqlite3.Connection, collection: str, source: str) -> None:
        db.execute("DELETE FROM passages WHERE collection = ? AND source = ?",
                   (collection, source))
        db.execute("DELETE FROM documents WHERE collection = ? AND source = ?",
                   (collection, source))

    def _search(self, keys: dict[str, str], fts: str, limit: int) -> list[Passage]:
        marks = ", ".join("?" for _ in keys)
        with self._connect() as db:
            rows = db.execute(
                f"SELECT collection, source, text, bm25(passages) AS rank FROM passages "
                f"WHERE passages MATCH ? AND collection IN ({marks}) ORDER BY rank LIMIT ?",
                (fts, *keys, limit)).fetchall()
        return [Passage(keys[c], s, t, -r) for c, s, t, r in rows]


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("talkbench"))


@service_factory("knowledge", "open the dialog from a folder so its .gbkb folders can be found")
def make_knowledge(context: ServiceContext) -> KnowledgeIndex:
    settings = load_settings(context.dialog_dir, context.settings)
    cache = Path(settings.cache_dir) if settings.cache_dir else default_cache_dir()
    return KnowledgeIndex(context.dialog_dir, cache / "knowledge.sqlite3")
